#!/bin/sh
# The Prometheus endpoint (global_defs metrics_listen) end to end: a VRRP
# pair (d1 priority 150, d2 priority 100, VRRPv3 at advert_int 0.2) on
# a bridge, each director also running the check child with TCP_CHECKs
# against two socat listeners on its own loopback (this machine's kernel
# has no IPVS: the check child runs without it and says so in
# tandem_ipvs_available).  d1 serves metrics on 192.0.2.1 (IPv4), d2 on
# [2001:db8::2] (IPv6).  Every scrape is fetched with curl from the
# client namespace (or d2's, for IPv6) and parsed whole by the Prometheus
# client's own parser (test/integration/metrics_parse.py: prefixes,
# HELP/TYPE, no duplicate series).  Checked: the content type, master on
# d1 and backup on d2, priorities, advert counters that move, the
# tracker, both children up and answering, a real server going down
# changing its gauges and the failure counters, check durations, a
# reload bumping tandem_reloads_total (ok and refused), a reload moving
# the endpoint to another port (and a taken port logged, tandem running
# on), a child restart counted, 404 / 405 / 400
# / 431 / 408 answers, and a flood of connections and garbage that
# changes nothing for VRRP or for the next scrape.
#
# Root only.  Namespaces metr-{br,d1,d2,c}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 and
# 2001:db8::/32.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

HERE="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration"
PARSE="$HERE/metrics_parse.py"

vrrp_lab metr client
"$TANDEM" -v | grep -q "LVS" || skip_all "built without LVS"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
command -v socat >/dev/null 2>&1 || skip_all "socat not installed"
# Debian's python3-prometheus-client is for Debian's python3, whatever
# python3 is first on PATH.
PY=""
for _py in /usr/bin/python3 python3; do
	if "$_py" -c "import prometheus_client.parser" 2>/dev/null; then
		PY=$_py; break
	fi
done
[ -n "$PY" ] || skip_all "python3-prometheus-client not installed"

echo "1..63"

LPIDS=""
# listen NS PORT: a TCP listener on the namespace's loopback; sets LNS_PORT
listen() {
	ip netns exec "$1" socat TCP-LISTEN:"$2",fork,reuseaddr,bind=127.0.0.1 \
		/dev/null >/dev/null 2>&1 &
	LPIDS="$LPIDS $!"
	eval "L_$(echo "$1" | tr -c 'a-zA-Z0-9\n' _)_$2=$!"
}
unlisten() {	# NS PORT
	eval "_ul=\$L_$(echo "$1" | tr -c 'a-zA-Z0-9\n' _)_$2"
	kill "$_ul" 2>/dev/null
	wait "$_ul" 2>/dev/null
}
listening() { ip netns exec "$1" ss -ltn "sport = :$2" | grep -q LISTEN; }
my_cleanup() {
	for _l in $LPIDS; do kill "$_l" 2>/dev/null; done
	vrrp_lab_cleanup
}
trap my_cleanup EXIT

ip -n "$D2" addr add 2001:db8::2/64 dev eth0 nodad
PORT1=19651

conf() {	# [BROKEN]
	{
		echo "global_defs {"
		echo "    router_id metrics_test"
		echo "    vrrp_garp_master_delay 1"
		echo "    @d1 metrics_listen 192.0.2.1:$PORT1"
		echo "    @d2 metrics_listen [2001:db8::2]:19652"
		[ -z "$1" ] || echo "    metrics_listen 192.0.2.1"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 51"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.2"
		echo "    track_interface {"
		echo "        eth0 weight 5"
		echo "    }"
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "    }"
		echo "}"
		echo "virtual_server 10.0.0.1 80 {"
		echo "    delay_loop 0.2"
		echo "    real_server 127.0.0.1 7001 {"
		echo "        TCP_CHECK { connect_timeout 1 }"
		echo "    }"
		echo "    real_server 127.0.0.1 7002 {"
		echo "        weight 3"
		echo "        TCP_CHECK {"
		echo "            connect_timeout 1"
		echo "            retry 0"
		echo "        }"
		echo "    }"
		echo "}"
	} >"$CONF"
}

# start_full ID: tandem with both children for director ID.
start_full() {
	TMPDIR="$T/$1" ip netns exec "$(lab_ns "$1")" "$TANDEM" -n -l -G -i "$1" \
		-f "$CONF" -p "$T/$1/tandem.pid" -r "$T/$1/vrrp.pid" \
		-c "$T/$1/check.pid" >>"$T/$1/log" 2>&1 &
	case $1 in d1) PID1=$! ;; d2) PID2=$! ;; esac
}

URL1() { echo "http://192.0.2.1:$PORT1"; }
# scrape ID [PATH]: GET into $T/ID.prom (headers in $T/ID.hdr); curl's
# status code in $T/ID.code.  d1 from the client, d2 over IPv6 in d2.
scrape() {
	if [ "$1" = d1 ]; then
		_ns=$CL; _u="$(URL1)"
	else
		_ns=$D2; _u="http://[2001:db8::2]:19652"
	fi
	ip netns exec "$_ns" curl -g -s -m 10 -D "$T/$1.hdr" -o "$T/$1.prom" \
		-w '%{http_code}' "$_u${2:-/metrics}" >"$T/$1.code" 2>/dev/null
	[ "$(cat "$T/$1.code")" = 200 ]
}
# val ID NAME [K=V...]: from the last scrape of director ID
val() { _v=$1; shift; "$PY" "$PARSE" get "$T/$_v.prom" "$@" 2>/dev/null; }
# sval ID NAME [K=V...]: a fresh scrape's value
sval() { scrape "$1" >/dev/null && val "$@"; }
is() {	# is ID WANT NAME [K=V...]: a fresh scrape shows WANT
	_i=$1; _w=$2; shift 2
	[ "$(sval "$_i" "$@")" = "$_w" ]
}
gt() { [ -n "$1" ] && [ "$1" != none ] && python3 -c "import sys; sys.exit(not float('$1') > float('$2'))"; }
RS1="real_server=127.0.0.1:7001"
RS2="real_server=127.0.0.1:7002"

conf
for _d in "$D1" "$D2"; do
	listen "$_d" 7001
	listen "$_d" 7002
done
wait_until 30 listening "$D1" 7001 && wait_until 30 listening "$D1" 7002 &&
	wait_until 30 listening "$D2" 7001 && wait_until 30 listening "$D2" 7002
start_full d1
start_full d2

# --- the pair forms; both endpoints answer ---------------------------------
check "d1 becomes master" wait_until 100 only "$D1"
check "d1's endpoint answers GET /metrics with 200" wait_until 50 scrape d1
check "the content type is the text format 0.0.4" \
	grep -qi '^Content-Type: text/plain; version=0.0.4' "$T/d1.hdr"
check "d1's whole scrape parses (prefixes, HELP/TYPE, no duplicates)" \
	"$PY" "$PARSE" check "$T/d1.prom"
check "d2's endpoint answers over IPv6" wait_until 50 scrape d2
check "d2's whole scrape parses" "$PY" "$PARSE" check "$T/d2.prom"
check "d1: both children answered the scrape" wait_until 50 is d1 1 \
	tandem_scrape_child_ok child=vrrp
check "d1: the check child answered too" \
	[ "$(val d1 tandem_scrape_child_ok child=check)" = 1 ]
check "d1: tandem_child_up for vrrp and check" \
	sh -c "[ \"\$('$PY' '$PARSE' get '$T/d1.prom' tandem_child_up child=vrrp)\" = 1 ] &&
	       [ \"\$('$PY' '$PARSE' get '$T/d1.prom' tandem_child_up child=check)\" = 1 ]"
check "d1: state master is 1" wait_until 50 is d1 1 tandem_vrrp_instance_state \
	instance=VI_1 state=master
check "d1: state backup is 0" [ "$(val d1 tandem_vrrp_instance_state instance=VI_1 state=backup)" = 0 ]
check "d1: four state series, exactly one of them 1" sh -c \
	"[ \"\$('$PY' '$PARSE' count '$T/d1.prom' tandem_vrrp_instance_state instance=VI_1)\" = 4 ] &&
	 [ \"\$('$PY' '$PARSE' sum '$T/d1.prom' tandem_vrrp_instance_state instance=VI_1)\" = 1 ]"
check "d2: state backup is 1" wait_until 50 is d2 1 tandem_vrrp_instance_state \
	instance=VI_1 state=backup
check "d2: state master is 0" [ "$(val d2 tandem_vrrp_instance_state instance=VI_1 state=master)" = 0 ]
check "d1: effective priority 155 (150 + the interface tracker's 5)" \
	[ "$(sval d1 tandem_vrrp_priority instance=VI_1)" = 155 ]
check "d1: base priority 150" [ "$(val d1 tandem_vrrp_base_priority instance=VI_1)" = 150 ]
check "d2: base priority 100" [ "$(sval d2 tandem_vrrp_base_priority instance=VI_1)" = 100 ]
check "d1: the interface tracker is up" \
	[ "$(val d1 tandem_vrrp_tracker_up instance=VI_1 type=interface name=eth0)" = 1 ]
check "d1: become_master counted once" [ "$(val d1 tandem_vrrp_become_master_total instance=VI_1)" = 1 ]
check "d1: the instance info has VRID 51" \
	[ "$(val d1 tandem_vrrp_instance_info instance=VI_1 vrid=51 interface=eth0)" = 1 ]
S1=$(val d1 tandem_vrrp_adverts_sent_total instance=VI_1)
R1=$(sval d2 tandem_vrrp_adverts_received_total instance=VI_1)
check "d1 sent adverts ($S1)" gt "$S1" 0
check "d2 received adverts ($R1)" gt "$R1" 0
sleep 1
check "d1's sent counter moves" gt "$(sval d1 tandem_vrrp_adverts_sent_total instance=VI_1)" "$S1"
check "d2's received counter moves" gt "$(sval d2 tandem_vrrp_adverts_received_total instance=VI_1)" "$R1"
check "RFC 6527 error counters are there (TTL errors 0)" \
	[ "$(val d2 tandem_vrrp_ip_ttl_errors_total instance=VI_1)" = 0 ]

# --- real servers and checkers ---------------------------------------------
both_up() { is d1 1 tandem_check_real_server_up "$RS2" &&
	[ "$(val d1 tandem_check_real_server_up "$RS1")" = 1 ]; }
check "d1: both real servers up" wait_until 50 both_up
check "d1: 7002 has weight 3 in the table" [ "$(val d1 tandem_check_real_server_weight "$RS2")" = 3 ]
check "d1: 7002 is in the table" [ "$(val d1 tandem_check_real_server_in_table "$RS2")" = 1 ]
check "d1: checks ran" gt "$(val d1 tandem_check_checks_total "$RS1" checker=TCP_CHECK index=0)" 0
check "d1: check durations are in the histogram" \
	gt "$(val d1 tandem_check_duration_seconds_count "$RS1" checker=TCP_CHECK index=0)" 0
check "d1: the last check's duration is under 1 s" sh -c \
	"python3 -c \"import sys; v=float('$(val d1 tandem_check_last_check_duration_seconds "$RS1" checker=TCP_CHECK index=0)'); sys.exit(not 0 <= v < 1)\""
check "d1: quorum up" [ "$(val d1 tandem_check_virtual_server_quorum_up virtual_server=10.0.0.1:80 protocol=tcp)" = 1 ]
check "d1: no IPVS in this kernel, and the metrics say so" \
	[ "$(val d1 tandem_ipvs_available)" = 0 ]

unlisten "$D1" 7002
check "d1: 7002 goes down in its gauge" wait_until 80 is d1 0 \
	tandem_check_real_server_up "$RS2"
check "d1: 7002 is out of the table, weight 0" \
	sh -c "[ \"\$('$PY' '$PARSE' get '$T/d1.prom' tandem_check_real_server_in_table $RS2)\" = 0 ] &&
	       [ \"\$('$PY' '$PARSE' get '$T/d1.prom' tandem_check_real_server_weight $RS2)\" = 0 ]"
check "d1: 7002's failures counted" \
	gt "$(val d1 tandem_check_check_failures_total "$RS2" checker=TCP_CHECK index=0)" 0
check "d1: TCP_CHECK failures per type counted" \
	gt "$(val d1 tandem_check_type_failures_total checker=TCP_CHECK)" 0
check "d1: 7001 stays up" [ "$(val d1 tandem_check_real_server_up "$RS1")" = 1 ]
check "d2's 7002 is still up" is d2 1 tandem_check_real_server_up "$RS2"

# --- reloads ----------------------------------------------------------------
check "no reload yet" [ "$(sval d1 tandem_reloads_total result=ok)" = 0 ]
kill -HUP "$PID1"
check "a reload bumps tandem_reloads_total{result=ok}" wait_until 50 is d1 1 \
	tandem_reloads_total result=ok
check "an unchanged reload keeps the checkers' counters" \
	gt "$(val d1 tandem_check_checks_total "$RS1" checker=TCP_CHECK index=0)" 0
conf broken
kill -HUP "$PID1"
check "a refused reload is counted, the endpoint stays" wait_until 50 is d1 1 \
	tandem_reloads_total result=refused
PORT1=19653
conf
kill -HUP "$PID1"
check "a reload with another port moves the endpoint" wait_until 50 is d1 2 \
	tandem_reloads_total result=ok
check "both children applied every reload" sh -c \
	"[ \"\$('$PY' '$PARSE' sum '$T/d1.prom' tandem_child_reload_failures_total)\" = 0 ] &&
	 [ \"\$('$PY' '$PARSE' count '$T/d1.prom' tandem_child_reload_failures_total)\" = 2 ]"
check "the old port no longer answers" sh -c \
	"! ip netns exec '$CL' curl -s -m 3 -o /dev/null http://192.0.2.1:19651/metrics"

ip netns exec "$D1" socat TCP-LISTEN:19654,bind=192.0.2.1,reuseaddr,fork \
	/dev/null >/dev/null 2>&1 &
LPIDS="$LPIDS $!"
wait_until 30 listening "$D1" 19654
PORT1=19654
conf
kill -HUP "$PID1"
check "a port already taken is logged, and tandem runs on" wait_until 50 \
	grep -q "metrics: cannot listen on 192.0.2.1:19654" "$T/d1/log"
check "VRRP is not disturbed by it" only "$D1"
PORT1=19655
conf
kill -HUP "$PID1"
check "the next reload binds a free port again" wait_until 50 is d1 4 \
	tandem_reloads_total result=ok

# --- a child restart ----------------------------------------------------------
_cc=$(readpid "$T/d1/check.pid")
is_tandem "$_cc" && kill -KILL "$_cc"
check "the check child's restart is counted" wait_until 80 is d1 1 \
	tandem_child_restarts_total child=check
check "and it answers scrapes again" wait_until 80 is d1 1 \
	tandem_scrape_child_ok child=check

# --- bad requests, slow clients, a flood -------------------------------------
scrape d1 /foo
check "404 for another path" [ "$(cat "$T/d1.code")" = 404 ]
check "405 for POST /metrics" [ "$(ip netns exec "$CL" curl -s -m 5 -o /dev/null \
	-w '%{http_code}' -X POST "$(URL1)/metrics")" = 405 ]
ip netns exec "$CL" python3 - 192.0.2.1 "$PORT1" >"$T/raw.out" 2>&1 <<'PY'
import socket, sys, time
host, port = sys.argv[1], int(sys.argv[2])
def ask(data, wait=8):
    s = socket.create_connection((host, port), timeout=wait)
    if data:
        s.sendall(data)
    try:
        r = s.recv(200)
    except (socket.timeout, ConnectionResetError):
        r = b""
    s.close()
    return r.split(b"\r\n")[0].decode(errors="replace")
print("malformed", ask(b"GARBAGE\r\n\r\n"))
print("nul", ask(b"GET /metrics\0 HTTP/1.1\r\n\r\n"))
print("body", ask(b"POST /metrics HTTP/1.1\r\nContent-Length: 300000\r\n\r\n"
                  + b"x" * 300000))
print("huge", ask(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n"))
t = time.time()
print("slow", ask(b"GET /metr", 10), round(time.time() - t))
# a flood: 200 connections at once, some with garbage, some silent
socks = []
for i in range(200):
    try:
        s = socket.create_connection((host, port), timeout=2)
        if i % 3 == 0:
            s.sendall(b"\x00\xff" * 50)
        socks.append(s)
    except OSError:
        pass
time.sleep(1)
for s in socks:
    s.close()
print("flood", len(socks))
PY
sed 's/^/# /' "$T/raw.out"
check "400 for a malformed request" grep -q "^malformed HTTP/1.1 400" "$T/raw.out"
check "400 for a NUL in the request" grep -q "^nul HTTP/1.1 400" "$T/raw.out"
check "405 reaches a client still sending a large body" \
	grep -q "^body HTTP/1.1 405" "$T/raw.out"
check "431 for an oversized request head" grep -q "^huge HTTP/1.1 431" "$T/raw.out"
check "a slow client gets 408 after about 5 s" grep -Eq "^slow HTTP/1.1 408 .* [4-7]$" "$T/raw.out"
check "the flood ran" grep -q "^flood" "$T/raw.out"
check "after the flood d1 is still master, d2 backup" only "$D1"
check "and the next scrape works, both children answering" \
	wait_until 50 sh -c "[ \"\$(ip netns exec '$CL' curl -s -m 10 '$(URL1)/metrics' | grep -c '^tandem_scrape_child_ok.* 1\$')\" = 2 ]"
check "no failover happened on d2 meanwhile" [ "$(entered d2 MASTER)" = 0 ]

stop d1
stop d2
check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/log '$T'/d2/log | grep -E -q 'Sanitizer|runtime error:'"
