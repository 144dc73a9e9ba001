#!/bin/sh
# Three directors on one bridge elect by priority: d1 (200), d2 (150) and
# d3 (50), VRRPv3 at advert_int 0.2, one VIP 192.0.2.100/24.  Checks: d1
# is MASTER and alone holds the VIP, d2 and d3 stay BACKUP; TERM on d1:
# d2 (the next priority) takes the VIP and d3 stays BACKUP; TERM on d2:
# d3 takes it; the JSON dumps agree with the addresses.  After a
# priority-0 advert the backups wait Skew_Time: 83 ms for d2, 161 ms for
# d3, far enough apart that a loaded machine (make check runs tests side
# by side) does not let d3 in first; the directors run at vrrp_priority
# -10 for the same reason.
#
# Root only.  Namespaces vrrp3-{br,d1,d2,d3}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrp3
vrrp_lab_third

echo "1..12"

cat >"$CONF" <<EOC
global_defs {
    router_id vrrp_three_test
    vrrp_garp_master_delay 1
    vrrp_priority -10
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 71
    @d1 priority 200
    @d2 priority 150
    @d3 priority 50
    version 3
    advert_int 0.2
    virtual_ipaddress {
        $VIP/24
    }
}
EOC

start d1
wait_until 50 has_vip "$D1"
start d2
start d3
wait_until 30 sh -c "grep -q 'Entering BACKUP STATE' '$T/d2/log' && grep -q 'Entering BACKUP STATE' '$T/d3/log'"
sleep 1.5
check "d1 (200) is MASTER and alone holds the VIP" only "$D1"
check "d2 (150) and d3 (50) are BACKUP, never MASTER" \
	sh -c "[ '$(entered d2 MASTER)' = 0 ] && [ '$(entered d3 MASTER)' = 0 ] && [ '$(entered d2 BACKUP)' -ge 1 ] && [ '$(entered d3 BACKUP)' -ge 1 ]"
s=$(json_state d2 advert_rcvd)
check "JSON of d2: BACKUP hearing adverts ($s)" sh -c "echo '$s' | grep -q '^BACKUP [1-9]'"
s=$(json_state d3 advert_rcvd)
check "JSON of d3: BACKUP hearing adverts ($s)" sh -c "echo '$s' | grep -q '^BACKUP [1-9]'"

t0=$(ms)
stop d1
wait_until 30 only "$D2"
t1=$(ms)
check "TERM d1: d1 exited 0 ($RC)" [ "$RC" = 0 ]
sleep 1
check "TERM d1: d2 (the next priority) takes the VIP alone ($((t1 - t0)) ms)" only "$D2"
check "TERM d1: d3 stayed BACKUP" [ "$(entered d3 MASTER)" = 0 ]
s=$(json_state d2 become_master)
check "JSON of d2: MASTER, one transition ($s)" [ "$s" = "MASTER 1" ]
s=$(json_state d3 become_master)
check "JSON of d3: BACKUP, never master ($s)" [ "$s" = "BACKUP 0" ]

stop d2
wait_until 30 only "$D3"
check "TERM d2: d3 takes the VIP alone" only "$D3"
s=$(json_state d3 become_master)
check "JSON of d3: MASTER ($s)" [ "$s" = "MASTER 1" ]

stop d3
check "no sanitizer report, no VIP left" \
	sh -c "! cat '$T'/d*/log | grep -E -q 'Sanitizer|runtime error:' && ! ip -n '$D3' addr | grep -q '$VIP'"
