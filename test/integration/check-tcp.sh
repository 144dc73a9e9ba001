#!/bin/sh
# TCP_CHECK end to end in a network namespace: tandem -C checks real
# servers that are socat listeners on loopback, and its JSON dump shows
# each one's verdict and reason.  The IPVS table itself is the kernel
# tier's (this machine's kernel has no IPVS; the check process runs
# without it and still checks).  Covered: up, refused, connect timeout,
# retry and delay_before_retry inherited from the virtual server, alpha,
# connect_ip / connect_port, a server going down and coming back, and a
# reload keeping the state of unchanged servers while a changed checker
# starts afresh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"

need_root_netns
command -v socat >/dev/null 2>&1 || skip_all "socat not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
setup_dir

LPIDS=""
listen() { # PORT: a listener in the namespace
	ip netns exec "$NS" socat TCP-LISTEN:"$1",fork,reuseaddr,bind=127.0.0.1 \
		/dev/null >/dev/null 2>&1 &
	LPIDS="$LPIDS $!"
	eval "L$1=$!"
}
unlisten() { # PORT
	eval "_ul=\$L$1"
	kill "$_ul" 2>/dev/null
	wait "$_ul" 2>/dev/null
}
listening() { ip netns exec "$NS" ss -ltn "sport = :$1" | grep -q LISTEN; }
my_cleanup() {
	for _l in $LPIDS; do kill "$_l" 2>/dev/null; done
	cleanup
}
trap my_cleanup EXIT

# Nobody answers ARP for 10.98.0.2 behind this veth: connects time out.
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" addr add 10.98.0.1/24 dev v0
ip -n "$NS" link set v0 up
ip -n "$NS" link set v1 up

conf() { # CONNECT-TIMEOUT-OF-7001 [EXTRA-REAL-SERVER]
	write_conf \
	"virtual_server 10.0.0.1 80 {" \
	"  delay_loop 0.2" \
	"  delay_before_retry 0.1" \
	"  real_server 127.0.0.1 7001 {" \
	"    TCP_CHECK { connect_timeout $1 }" \
	"  }" \
	"  real_server 127.0.0.1 7002 {" \
	"    TCP_CHECK { retry 2 }" \
	"  }" \
	"  real_server 10.98.0.2 80 {" \
	"    TCP_CHECK {" \
	"      connect_timeout 0.3" \
	"      retry 0" \
	"    }" \
	"  }" \
	"  real_server 127.0.0.1 7003 {" \
	"    alpha" \
	"    TCP_CHECK { }" \
	"  }" \
	"  real_server 127.0.0.9 80 {" \
	"    TCP_CHECK {" \
	"      connect_ip 127.0.0.1" \
	"      connect_port 7001" \
	"    }" \
	"  }" \
	"$2" \
	"}"
}


listen 7001
listen 7003
wait_until 30 listening 7001 && wait_until 30 listening 7003
conf 0.5
start_tandem -C
check "tandem -C starts and its check child comes up" \
	wait_until 50 eval 'is_tandem "$(readpid "$CPID")" && log_has "all children up"'

check "a listening real server is up" wait_until 30 is 127.0.0.1:7001 "up reason" "true "
check "a refused one goes down, with the reason" \
	wait_until 30 is 127.0.0.1:7002 "up in_table reason" "false false connect: Connection refused"
dump_json
diag "refused: $(rs 127.0.0.1:7002 checks failed transitions)"
check "it was retried twice (inherited delay_before_retry) before going down" \
	grep -q "TCP_CHECK of 127.0.0.1:7002: connect: Connection refused, retrying" "$LOG"
check "the log says it left the table" \
	log_has "real server 127.0.0.1:7002 of 10.0.0.1:80 is down (connect: Connection refused): out of the table"
check "a silent address times out after connect_timeout" \
	wait_until 30 is 10.98.0.2:80 "up reason" "false connect timeout after 0.3 s"
check "alpha: starts down, is up after its first check" \
	wait_until 30 is 127.0.0.1:7003 "up transitions" "true 1"
check "connect_ip / connect_port: 127.0.0.9 is checked at 127.0.0.1:7001, up" \
	wait_until 30 is 127.0.0.9:80 "up reason" "true "

unlisten 7001
check "a server that stops listening goes down" \
	wait_until 40 is 127.0.0.1:7001 "up reason" "false connect: Connection refused"
check "the one checked through connect_port goes down with it" \
	wait_until 40 is 127.0.0.9:80 "up" "false"
listen 7001
check "and comes back when it listens again" \
	wait_until 40 is 127.0.0.1:7001 "up transitions" "true 2"

# Reload: the same checkers keep their state; a changed one starts over.
dump_json
before=$(rs 127.0.0.1:7002 transitions failed)
conf 0.5 "  real_server 127.0.0.1 7004 {
    TCP_CHECK { }
  }"
kill -HUP "$TANDEM_PID"
check "reload with one server added" wait_until 50 log_has "reload complete"
check "the unchanged servers kept their state" \
	log_has "checkers: 6 real servers, 5 kept their state"
dump_json
check "a kept server keeps its verdict and counters" \
	eval '[ "$(rs 127.0.0.1:7002 up transitions)" = "false ${before% *}" ]'
new_log
conf 0.6
kill -HUP "$TANDEM_PID"
check "reload changing one checker" wait_until 50 log_has "reload complete"
check "that server starts afresh, the others are kept" \
	log_has "checkers: 5 real servers, 4 kept their state"
check "and its counters start again" \
	wait_until 30 is 127.0.0.1:7001 "up transitions" "true 0"

stop_pid "$TANDEM_PID"
check "tandem stops" eval '! alive "$TANDEM_PID"'
check_sanitizers
echo "1..$N"
[ "$FAILED" -eq 0 ]
