#!/bin/sh
# SMTP_CHECK, UDP_CHECK, DNS_CHECK, PING_CHECK and FILE_CHECK end to end
# in a network namespace: tandem -C checks real peers on loopback there
# (SMTP and UDP servers from check_proto_peer.py, dnsmasq for DNS, the
# kernel's own echo replies, files in the test's folder), and its JSON
# dump shows each real server's verdict, reason and weight.  For each
# type: up; down for each cause (service stopped, wrong reply, timeout);
# recovery.  Also: helo_name reaches the server, UDP silence is a pass
# without require_reply, ICMPv6, ping sockets and the raw-socket fallback,
# FILE_CHECK's dynamic weight, and a reload that keeps the state of
# unchanged checkers while a changed one starts afresh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"

need_root_netns
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
command -v dnsmasq >/dev/null 2>&1 || skip_all "dnsmasq not installed (dnsmasq-base)"
setup_dir
PEER="$(dirname "$0")/check_proto_peer.py"

PEERS=""
peer() { # NAME ARGS...: a peer in the namespace, its pid in P_NAME
	_pn=$1; shift
	ip netns exec "$NS" python3 "$PEER" "$@" >>"$T/peers.log" 2>&1 &
	PEERS="$PEERS $!"
	eval "P_$_pn=$!"
}
unpeer() { # NAME
	eval "_up=\$P_$1"
	kill "$_up" 2>/dev/null
	wait "$_up" 2>/dev/null
}
dns_up() {
	ip netns exec "$NS" dnsmasq -k -C /dev/null --no-resolv --no-hosts \
		--listen-address=127.0.0.1,::1 --bind-interfaces --port=7053 \
		--user=root --pid-file="$T/dnsmasq.pid" --local=/test/ \
		--address=/good.test/10.1.2.3 >>"$T/peers.log" 2>&1 &
	P_dns=$!
	PEERS="$PEERS $P_dns"
}
tcp_listening() { ip netns exec "$NS" ss -ltn "sport = :$1" | grep -q LISTEN; }
udp_bound() { ip netns exec "$NS" ss -lun "sport = :$1" | grep -q "$1"; }
my_cleanup() {
	for _l in $PEERS; do kill "$_l" 2>/dev/null; done
	cleanup
}
trap my_cleanup EXIT

# Nobody answers ARP for 10.98.0.2 behind this veth: checks time out.
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" addr add 10.98.0.1/24 dev v0
ip -n "$NS" link set v0 up
ip -n "$NS" link set v1 up
ip -n "$NS" addr add ::1/128 dev lo 2>/dev/null
# Ping sockets are off for every group (the kernel's default): PING_CHECK
# must fall back to a raw socket.
ip netns exec "$NS" sysctl -qw net.ipv4.ping_group_range="1 0"

echo 0 >"$T/f0"
echo 2 >"$T/f1"
echo 3 >"$T/f2"
echo 4 >"$T/f4"

conf() { # HELO-NAME [EXTRA-REAL-SERVER]
	write_conf \
	"track_file TFW { file $T/f4; weight 3 }" \
	"virtual_server 10.0.0.1 80 {" \
	"  delay_loop 0.2" \
	"  delay_before_retry 0.1" \
	"  real_server 127.0.0.1 7025 {" \
	"    SMTP_CHECK { connect_timeout 0.5; helo_name $1 }" \
	"  }" \
	"  real_server 127.0.0.1 7026 {" \
	"    SMTP_CHECK { connect_timeout 0.5; retry 0 }" \
	"  }" \
	"  real_server 127.0.0.9 7025 {" \
	"    SMTP_CHECK { connect_ip 127.0.0.1; connect_timeout 0.5 }" \
	"  }" \
	"  real_server 127.0.0.1 7027 {" \
	"    SMTP_CHECK { connect_timeout 0.5; retry 0 }" \
	"  }" \
	"  real_server 127.0.0.1 7100 {" \
	"    UDP_CHECK { connect_timeout 0.5; payload 74616e64656d; require_reply 74616e64 }" \
	"  }" \
	"  real_server 127.0.0.1 7101 {" \
	"    UDP_CHECK { connect_timeout 0.5; require_reply 7X; retry 0 }" \
	"  }" \
	"  real_server 127.0.0.1 7102 {" \
	"    UDP_CHECK { connect_timeout 0.5; require_reply; retry 0 }" \
	"  }" \
	"  real_server 127.0.0.3 7102 {" \
	"    UDP_CHECK { connect_ip 127.0.0.1; connect_timeout 0.5 }" \
	"  }" \
	"  real_server 127.0.0.1 7103 {" \
	"    UDP_CHECK { connect_timeout 0.5; retry 0 }" \
	"  }" \
	"  real_server 127.0.0.7 7100 {" \
	"    UDP_CHECK { connect_ip 127.0.0.1; connect_timeout 0.5; payload 0102030405060708; require_reply; max_reply_length 4; retry 0 }" \
	"  }" \
	"  real_server 127.0.0.1 7053 {" \
	"    DNS_CHECK { connect_timeout 0.5; type A; name good.test; retry 1 }" \
	"  }" \
	"  real_server 127.0.0.4 7053 {" \
	"    DNS_CHECK { connect_ip 127.0.0.1; connect_timeout 0.5; name nope.test; retry 0 }" \
	"  }" \
	"  real_server 10.98.0.2 53 {" \
	"    DNS_CHECK { connect_timeout 0.5; retry 0 }" \
	"  }" \
	"  real_server 127.0.0.2 80 {" \
	"    PING_CHECK { connect_timeout 0.5 }" \
	"  }" \
	"  real_server 10.98.0.2 80 {" \
	"    PING_CHECK { connect_timeout 0.5; retry 0 }" \
	"  }" \
	"  real_server 127.0.0.5 80 {" \
	"    FILE_CHECK { file $T/f0; weight 0 }" \
	"  }" \
	"  real_server 127.0.0.6 80 {" \
	"    weight 5" \
	"    FILE_CHECK { file $T/f1; weight 10; dynamic }" \
	"  }" \
	"  real_server 127.0.0.10 80 {" \
	"    weight 10" \
	"    FILE_CHECK { file $T/f2; weight 2 reverse; dynamic }" \
	"  }" \
	"  real_server 127.0.0.11 80 {" \
	"    FILE_CHECK { file $T/later/f3; weight 0 }" \
	"  }" \
	"  real_server 127.0.0.12 80 {" \
	"    FILE_CHECK { track_file TFW; dynamic }" \
	"  }" \
	"  real_server 127.0.0.13 80 {" \
	"    FILE_CHECK { track_file TFW; weight 0 }" \
	"  }" \
	"$2" \
	"}" \
	"virtual_server 2001:db8::1 80 {" \
	"  delay_loop 0.2" \
	"  real_server ::1 80 {" \
	"    PING_CHECK { connect_timeout 0.5 }" \
	"  }" \
	"  real_server ::1 7053 {" \
	"    DNS_CHECK { connect_timeout 0.5; type A; name good.test }" \
	"  }" \
	"}"
	# One keyword a line, as the config language wants.
	sed -i 's/; /\n      /g; s/{ \([a-z]\)/{\n      \1/; s/\([^ {]\) }$/\1\n    }/' "$CONF"
}

expect() { # DESCRIPTION ADDR:PORT "FIELD..." "WANT"
	if wait_until 40 is "$2" "$3" "$4"; then
		ok "$1"
	else
		not_ok "$1"
		diag "got: $(rs "$2" $3)"
	fi
}

peer smtp smtp 7025 good "$T/helo.log"
peer smtpbad smtp 7026 bad "$T/helo.log"
peer smtpmute smtp 7027 mute "$T/helo.log"
peer udp udp 7100 echo
peer udpwrong udp 7101 wrong
peer udpmute udp 7102 mute
dns_up
wait_until 50 eval 'tcp_listening 7025 && tcp_listening 7026 && tcp_listening 7027 &&
	udp_bound 7100 && udp_bound 7101 && udp_bound 7102 && udp_bound 7053' ||
	diag "peers not all up: $(cat "$T/peers.log")"
conf mx.tandem.test
start_tandem -C
check "tandem -C starts and its check child comes up" \
	wait_until 50 eval 'is_tandem "$(readpid "$CPID")" && log_has "all children up"'

# --- SMTP ---------------------------------------------------------------
expect "SMTP: a server that greets and answers HELO is up" \
	127.0.0.1:7025 "up reason" "true "
check "SMTP: helo_name is what the server hears" \
	grep -q "^HELO mx.tandem.test$" "$T/helo.log"
expect "SMTP: up without helo_name too" 127.0.0.9:7025 "up reason" "true "
check "SMTP: the default HELO name is keepalived's" \
	grep -q "^HELO smtpchecker.keepalived.org$" "$T/helo.log"
expect "SMTP: a 554 greeting is down, with the reason" \
	127.0.0.1:7026 "up reason" "false SMTP: the greeting was 554, expected 220"
expect "SMTP: a server that says nothing times out" \
	127.0.0.1:7027 "up reason" "false SMTP: timeout after 0.5 s waiting for the greeting"

# --- UDP ----------------------------------------------------------------
expect "UDP: an echo matching require_reply is up" 127.0.0.1:7100 "up reason" "true "
expect "UDP: a reply that differs from require_reply is down" \
	127.0.0.1:7101 "up reason" "false UDP: reply differs from require_reply at byte 0"
expect "UDP: no reply with require_reply is down" \
	127.0.0.1:7102 "up reason" "false UDP: no reply within 0.5 s"
expect "UDP: silence without require_reply is up" 127.0.0.3:7102 "up reason" "true "
expect "UDP: a closed port (ICMP port unreachable) is down" \
	127.0.0.1:7103 "up reason" "false UDP: Connection refused"
expect "UDP: a reply longer than max_reply_length is down" \
	127.0.0.7:7100 "up reason" "false UDP: reply of 8 bytes, expected 0 to 4"

# --- DNS ----------------------------------------------------------------
expect "DNS: an answered question is up" 127.0.0.1:7053 "up reason" "true "
expect "DNS: over IPv6 too" "[::1]:7053" "up reason" "true "
expect "DNS: NXDOMAIN is down, with the RCODE" \
	127.0.0.4:7053 "up reason" "false DNS: reply with RCODE 3 (no such name)"
expect "DNS: a silent server times out" \
	10.98.0.2:53 "up reason" "false DNS: no reply within 0.5 s"

# --- PING ---------------------------------------------------------------
expect "PING: an address that answers is up (raw socket fallback)" \
	127.0.0.2:80 "up reason" "true "
check "PING: the fallback to a raw socket is logged" \
	log_has "PING_CHECK of 127.0.0.2: no ping socket"
expect "PING: ICMPv6 to ::1 is up" "[::1]:80" "up reason" "true "
expect "PING: a silent address is down" \
	10.98.0.2:80 "up reason" "false ICMP: no echo reply within 0.5 s"
ip -n "$NS" addr add 10.98.0.2/32 dev v1
expect "PING: and up once the address answers" 10.98.0.2:80 "up transitions" "true 2"
ip -n "$NS" addr del 10.98.0.2/32 dev v1

# --- FILE ---------------------------------------------------------------
expect "FILE: weight 0 and a 0 in the file is up" 127.0.0.5:80 "up reason" "true "
expect "FILE: dynamic: weight 5 + 2 x 10" 127.0.0.6:80 "up weight" "true 25"
expect "FILE: reverse: weight 10 - 3 x 2" 127.0.0.10:80 "up weight" "true 4"
expect "FILE: track_file NAME reads the block's file with its weight: 1 + 4 x 3" \
	127.0.0.12:80 "up weight" "true 13"
expect "FILE: track_file NAME with the checker's own weight 0: 4 is down" \
	127.0.0.13:80 "up reason" "false FILE: $T/f4 reads 4 (weight 0: not 0 is down)"
echo 1 >"$T/f0"
expect "FILE: weight 0 and a 1 is down at once" \
	127.0.0.5:80 "up reason" "false FILE: $T/f0 reads 1 (weight 0: not 0 is down)"
echo 3 >"$T/f1.new" && mv "$T/f1.new" "$T/f1"
expect "FILE: a replaced file changes the weight: 5 + 3 x 10" \
	127.0.0.6:80 "up weight" "true 35"
echo x >"$T/f1"
expect "FILE: a file without a number is down" \
	127.0.0.6:80 "up reason" "false FILE: $T/f1 does not hold a number"
rm -f "$T/f1"
expect "FILE: a missing file is down" \
	127.0.0.6:80 "up reason" "false FILE: $T/f1: No such file or directory"
echo -1 >"$T/f1"
expect "FILE: back, and a negative value lowers the weight: 5 - 10 -> 0" \
	127.0.0.6:80 "up weight" "true 0"
echo 0 >"$T/f0"
expect "FILE: recovery when the file reads 0 again" 127.0.0.5:80 "up" "true"
expect "FILE: a file in a missing folder is down" \
	127.0.0.11:80 "up reason" "false FILE: $T/later/f3: No such file or directory"
mkdir "$T/later" && echo 0 >"$T/later/f3"
expect "FILE: and seen by the periodic re-read once it exists (no inotify watch)" \
	127.0.0.11:80 "up" "true"

# --- services stopping and coming back ----------------------------------
unpeer smtp
expect "SMTP: a stopped server is down" \
	127.0.0.1:7025 "up reason" "false connect: Connection refused"
peer smtp smtp 7025 good "$T/helo.log"
expect "SMTP: and up when it is back" 127.0.0.1:7025 "up transitions" "true 2"
unpeer udp
expect "UDP: a stopped echo server is down" \
	127.0.0.1:7100 "up reason" "false UDP: Connection refused"
peer udp udp 7100 echo
expect "UDP: and up when it is back" 127.0.0.1:7100 "up transitions" "true 2"
kill "$P_dns" 2>/dev/null; wait "$P_dns" 2>/dev/null
expect "DNS: a stopped server is down" \
	127.0.0.1:7053 "up reason" "false DNS: Connection refused"
dns_up
expect "DNS: and up when it is back" 127.0.0.1:7053 "up transitions" "true 2"

# --- reload -------------------------------------------------------------
# Ping sockets allowed now: a new PING_CHECK uses one.
ip netns exec "$NS" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
dump_json
before=$(rs 127.0.0.1:7026 transitions failed)
conf mx.tandem.test "  real_server 127.0.0.8 80 {
    PING_CHECK { connect_timeout 0.5 }
  }"
new_log
kill -HUP "$TANDEM_PID"
check "reload with one server added" wait_until 50 log_has "reload complete"
check "the unchanged servers kept their state" \
	log_has "checkers: 24 real servers, 23 kept their state"
expect "PING: a ping socket check is up" 127.0.0.8:80 "up reason" "true "
check "PING: through a ping socket, no fallback" \
	eval '! log_has "PING_CHECK of 127.0.0.8: no ping socket"'
dump_json
check "a kept server keeps its counters" \
	eval '[ "$(rs 127.0.0.1:7026 transitions)" = "${before% *}" ]'
new_log
conf other.tandem.test "  real_server 127.0.0.8 80 {
    PING_CHECK { connect_timeout 0.5 }
  }"
kill -HUP "$TANDEM_PID"
check "reload changing helo_name" wait_until 50 log_has "reload complete"
check "only that checker starts afresh" \
	log_has "checkers: 24 real servers, 23 kept their state"
check "and the server hears the new name" \
	wait_until 40 grep -q "^HELO other.tandem.test$" "$T/helo.log"

stop_pid "$TANDEM_PID"
check "tandem stops" eval '! alive "$TANDEM_PID"'
check_sanitizers
echo "1..$N"
[ "$FAILED" -eq 0 ]
