#!/bin/sh
# A vrrp child that dies and is respawned by the parent resumes as master
# without a failover.  Two directors (d1 at priority 150, d2 at 100, VRRPv3
# at advert_int 0.5, one VIP 192.0.2.100/24) on a bridge namespace.
# Checks: kill -9 of d1's vrrp child: polled every 20 ms for 3 s, d2 never
# holds the VIP and d1 never misses it for more than one poll; d1's new
# child logs the resume line and its JSON shows MASTER with no transition
# counted; d2's JSON shows BACKUP with no master transition.  Then the
# child is stopped, the VIP deleted by hand and the child killed: the
# respawned child starts as usual (BACKUP, then preempts).  Then kill -9 of
# the whole d1 daemon and a fresh start: no resume, the VIP left behind is
# removed while d1 is BACKUP, and d1 preempts back through an election.
#
# Root only.  Namespaces vrrpr-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait and poll is bounded.  Addresses are from 192.0.2.0/24.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrpr

echo "1..17"

cat >"$CONF" <<EOF
global_defs {
    router_id vrrp_resume_test
    vrrp_garp_master_delay 1
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 61
    @d1 priority 150
    @d2 priority 100
    version 3
    advert_int 0.5
    virtual_ipaddress {
        $VIP/24
    }
}
EOF

only_d1() { only "$D1"; }
count() { grep -c -- "$2" "$T/$1/log" 2>/dev/null || true; }
start d1
wait_until 50 has_vip "$D1"
start d2
wait_until 30 grep -q "Entering BACKUP STATE" "$T/d2/log"
sleep 1.5
check "d1 MASTER with the VIP, d2 BACKUP without it" \
	sh -c "[ '$(count d2 'Entering MASTER STATE')' = 0 ] && ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ! ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"

# 1. kill -9 of the vrrp child: the respawned child resumes.
old=$(readpid "$T/d1/vrrp.pid")
check "d1's vrrp child is running ($old)" is_tandem "$old"
kill -KILL "$old"
watch 3000
check "kill -9 vrrp child: d2 never held the VIP ($D2_HELD polls)" [ "$D2_HELD" = 0 ]
check "kill -9 vrrp child: d1 kept the VIP (missed $D1_MISSED polls, longest gap $D1_GAP)" \
	[ "$D1_GAP" -le 1 ]
check "the parent respawned d1's vrrp child" newpid "$T/d1/vrrp.pid" "$old"
check "d1's new child logs the resume" \
	grep -q "resuming as master after a restart (VIPs still present)" "$T/d1/log"
s=$(json_state d1 become_master)
check "JSON dump of d1: MASTER, no transition counted ($s)" [ "$s" = "MASTER 0" ]
s=$(json_state d2 become_master)
check "JSON dump of d2: still BACKUP, never master ($s)" [ "$s" = "BACKUP 0" ]
check "d2 never entered MASTER" [ "$(count d2 'Entering MASTER STATE')" = 0 ]

# 2. A VIP gone before the respawn: no resume, an ordinary start.
old=$(readpid "$T/d1/vrrp.pid")
kill -STOP "$old"
ip -n "$D1" addr del "$VIP/24" dev eth0
kill -KILL "$old"
kill -CONT "$old" 2>/dev/null
wait_until 50 grep -q "restarted without all its VIPs" "$T/d1/log"
check "VIP deleted before the respawn: the new child starts as usual" \
	sh -c "grep -q 'restarted without all its VIPs' '$T/d1/log' && [ '$(count d1 'resuming as master')' = 1 ]"
wait_until 50 only_d1
check "... and wins the election back (VIP on d1 only)" only_d1
s=$(json_state d1 become_master)
check "JSON dump of d1: MASTER through a transition ($s)" [ "$s" = "MASTER 1" ]

# 3. kill -9 of the whole daemon and a fresh start: no resume.
cat "$T/d1/log" >>"$T/d1/old.log"; : >"$T/d1/log"
kill9 d1
check "kill -9 of d1's daemon leaves the VIP behind" has_vip "$D1"
start d1
watch 1000
check "fresh start: the VIP left behind is removed while d1 is BACKUP" \
	sh -c "[ '$D1_MISSED' -gt 1 ] && grep -q 'Entering BACKUP STATE' '$T/d1/log' && ! grep -q 'resuming as master' '$T/d1/log'"
wait_until 50 only_d1
check "fresh start: d1 preempts back and holds the VIP alone" only_d1

kill -TERM "$PID1"; wait_exit "$PID1" 80; PID1=""
kill -TERM "$PID2"; wait_exit "$PID2" 80; PID2=""
check "both stopped, no VIP left" \
	sh -c "! ip -n '$D1' addr | grep -q '$VIP' && ! ip -n '$D2' addr | grep -q '$VIP'"
check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/*log '$T'/d2/log | grep -E -q 'Sanitizer|runtime error:'"
