#!/bin/sh
# kill -9 of the whole daemon on the master, and its restart.  Two
# directors, d1 (priority 150) and d2 (100), VRRPv3 at advert_int 0.2, one
# VIP 192.0.2.100/24.  Checks: kill -9 of d1's parent and vrrp child: d2
# takes the VIP within Master_Down_Interval (and a margin) while the dead
# d1 leaves its copy behind; the restarted d1 starts BACKUP, removes the
# copy, then preempts: for 2 s after the settling, the VIP is on d1 alone
# and never on both; the JSON dumps count one transition each way.  Then
# the same with d1 at priority 255 (address owner): restarted, it is
# master at once and keeps the VIP left behind without a gap.
#
# Root only.  Namespaces vrrpk-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait and poll is bounded.  Addresses are from 192.0.2.0/24.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrpk

echo "1..14"

conf() {	# conf D1_PRIORITY
	cat >"$CONF" <<EOC
global_defs {
    router_id vrrp_kill_test
    vrrp_garp_master_delay 1
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 91
    @d1 priority $1
    @d2 priority 100
    version 3
    advert_int 0.2
    virtual_ipaddress {
        $VIP/24
    }
}
EOC
}
only_d1() { only "$D1"; }
new_log1() { cat "$T/d1/log" >>"$T/d1/old.log"; : >"$T/d1/log"; }

conf 150
start d1
wait_until 50 has_vip "$D1"
start d2
wait_until 30 grep -qs "Entering BACKUP STATE" "$T/d2/log"
sleep 1
check "d1 MASTER with the VIP, d2 BACKUP without it" \
	sh -c "[ '$(entered d2 MASTER)' = 0 ] && ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ! ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"

kill9 d1
wait_until 30 has_vip "$D2"
t1=$(log_ms d2 "Entering MASTER STATE")
dt=$((${t1:-0} - KILLED_AT))
check "kill -9 of d1's daemon: d2 takes the VIP within 1.2 s, Master_Down_Interval 0.72 s ($dt ms)" \
	sh -c "has_vip() { ip -n \$1 -4 addr show dev eth0 | grep -q 'inet $VIP/'; }; has_vip '$D2' && [ $dt -ge 0 ] && [ $dt -le 1200 ]"
check "kill -9 of d1's daemon: its VIP is left behind on d1" has_vip "$D1"
s=$(json_state d2 become_master)
check "JSON of d2: MASTER ($s)" [ "$s" = "MASTER 1" ]

new_log1
start d1
wait_until 30 grep -q "Entering BACKUP STATE" "$T/d1/log"
wait_until 20 no_vip "$D1"
check "restarted d1 starts BACKUP and removes the VIP left behind" \
	sh -c "[ '$(entered d1 MASTER)' = 0 ] && ! ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
wait_until 50 only_d1
check "restarted d1 preempts: the VIP on d1 alone" only_d1
watch 2000
check "for 2 s after: the VIP stays on d1, never on both ($BOTH), never on d2 ($D2_HELD)" \
	sh -c "[ $D1_MISSED = 0 ] && [ $BOTH = 0 ] && [ $D2_HELD = 0 ]"
s=$(json_state d1 become_master)
check "JSON of d1: MASTER, one transition ($s)" [ "$s" = "MASTER 1" ]
s=$(json_state d2 release_master)
check "JSON of d2: BACKUP, released master once ($s)" [ "$s" = "BACKUP 1" ]

# The address owner keeps the VIP left behind: it is master at start.
stop d1
new_log1
conf 255
start d1
wait_until 50 only_d1
check "d1 at priority 255 holds the VIP alone" only_d1
kill9 d1
wait_until 30 has_vip "$D2"
check "kill -9 of d1 (owner): d2 takes the VIP, d1's copy stays behind" \
	sh -c "ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
new_log1
start d1
watch 1500
check "restarted owner d1 keeps the VIP without a gap (missed $D1_MISSED polls)" \
	sh -c "[ $D1_MISSED = 0 ] && [ '$(entered d1 BACKUP)' = 0 ] && [ '$(entered d1 MASTER)' = 1 ]"
wait_until 30 only_d1
check "... and d2 gives its copy up" only_d1

stop d1
stop d2
check "both stopped, no VIP left, no sanitizer report" \
	sh -c "! ip -n '$D1' addr | grep -q '$VIP' && ! ip -n '$D2' addr | grep -q '$VIP' && ! cat '$T'/d1/*log '$T'/d2/log | grep -E -q 'Sanitizer|runtime error:'"
