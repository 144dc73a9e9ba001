#!/bin/sh
# tandemctl on a VRRP pair (the lab of vrrp-lab.sh: d1 priority 150, d2
# 100, VRRPv3 at advert_int 0.2, each director with its own control
# socket): status on each shows the instance's state, priority and the
# master's address (the peer's on the backup); show vrrp --json agrees;
# monitor on d2, as lines and as JSON, sees the failover when d1 stops
# and the hand-back when d1 returns and preempts.
#
# Root only.  Namespaces ctlv-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab ctlv
CTL="$(dirname "$TANDEM")/tandemctl"
[ -x "$CTL" ] || skip_all "$CTL not built"
echo "1..15"

MPIDS=""
my_cleanup() {
	for _m in $MPIDS; do kill "$_m" 2>/dev/null; done
	vrrp_lab_cleanup
}
trap my_cleanup EXIT

cat >"$CONF" <<EOF
global_defs {
    router_id ctl_vrrp_test
    @d1 control_socket $T/d1/ctl.sock
    @d2 control_socket $T/d2/ctl.sock
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 61
    @d1 priority 150
    @d2 priority 100
    version 3
    advert_int 0.2
    virtual_ipaddress {
        $VIP/24
    }
}
EOF
ctl() { _d=$1; shift; "$CTL" -s "$T/$_d/ctl.sock" "$@"; }
state_of() { ctl "$1" show vrrp VI_1 --json 2>/dev/null | python3 -c \
	"import json,sys; d=json.load(sys.stdin)['vrrp'][0]['data']; print(d['state'], d['effective_priority'], d['master_saddr'])"; }

start d1
wait_until 50 has_vip "$D1"
start d2
wait_until 50 sh -c "'$CTL' -s '$T/d2/ctl.sock' show vrrp VI_1 2>/dev/null | grep -q 'VI_1: BACKUP'"
sleep 0.5
ctl d1 status >"$T/s1" 2>&1
check "status on d1 exits 0" test $? = 0
check "d1: VI_1 MASTER at 150, itself the master" \
	grep -q "VI_1 *MASTER *- *150 *192.0.2.1 (this)" "$T/s1"
ctl d2 status >"$T/s2" 2>&1
check "d2: VI_1 BACKUP at 100, d1 the master" \
	grep -q "VI_1 *BACKUP *- *100 *192.0.2.1 " "$T/s2"
check "status shows when the state was entered" \
	grep -Eq "VI_1 .* [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$" "$T/s2"
check "show vrrp --json on d2: BACKUP 100, master 192.0.2.1" \
	test "$(state_of d2)" = "BACKUP 100 192.0.2.1"

"$CTL" -s "$T/d2/ctl.sock" monitor --json >"$T/mon.json" 2>"$T/mon.err" &
MPIDS="$MPIDS $!"
"$CTL" -s "$T/d2/ctl.sock" monitor >"$T/mon.txt" 2>&1 &
MPIDS="$MPIDS $!"
wait_until 30 sh -c "\"$CTL\" -s \"$T/d2/ctl.sock\" status --json | grep -q '\"clients\":3'"
stop d1
wait_until 50 grep -q '"state":"MASTER"' "$T/mon.json"
check "monitor --json on d2 sees BACKUP -> MASTER when d1 stops" \
	grep -q '"event":"vrrp","instance":"VI_1","state":"MASTER","prev":"BACKUP","priority":100' "$T/mon.json"
wait_until 30 grep -q "vrrp VI_1: BACKUP -> MASTER" "$T/mon.txt"
check "monitor prints it as a line" grep -q "vrrp VI_1: BACKUP -> MASTER (priority 100)" "$T/mon.txt"
check "d2 now holds the VIP" only "$D2"
check "status on d2: MASTER, itself the master" \
	sh -c "\"$CTL\" -s \"$T/d2/ctl.sock\" status | grep -q 'VI_1 *MASTER *- *100 *192.0.2.2 (this)'"
check "d1's socket went away with it" test ! -e "$T/d1/ctl.sock"
"$CTL" -s "$T/d1/ctl.sock" status >/dev/null 2>&1
check "tandemctl on the stopped director: exit 3" test $? = 3

start d1
wait_until 150 grep -q '"state":"BACKUP","prev":"MASTER"' "$T/mon.json"
check "monitor sees d2 hand back when d1 preempts" \
	grep -q '"instance":"VI_1","state":"BACKUP","prev":"MASTER"' "$T/mon.json"
wait_until 150 has_vip "$D1"
check "show vrrp on d1: MASTER again" test "$(state_of d1 | cut -d' ' -f1)" = MASTER
for m in $MPIDS; do kill "$m" 2>/dev/null; wait "$m" 2>/dev/null; done
MPIDS=""
check "the monitors printed no error" test ! -s "$T/mon.err"
stop d1
stop d2
check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/log '$T'/d2/log | grep -E -q 'Sanitizer|runtime error:'"
[ "$FAILED" = 0 ]
