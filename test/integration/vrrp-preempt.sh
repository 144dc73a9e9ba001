#!/bin/sh
# Preemption: d1 (priority 150) joins while d2 (100) is already master,
# VRRPv3 at advert_int 0.2, one VIP 192.0.2.100/24.
#   preempt (the default): d1 takes the VIP from d2;
#   nopreempt: d1 stays BACKUP behind d2 for 3 s, and takes over only
#     when d2 stops;
#   preempt_delay 2: d2 still holds the VIP 1.2 s after d1 started, d1
#     holds it alone about 2 s after its start (1.7 to 3.8 s allowed);
#   priority 255 (address owner), advert_int 1: d1 is master at once (well
#     inside the 3.6 s Master_Down_Interval a preempting backup waits),
#     counted with the "priority" reason, and d2 gives the VIP up.
#
# Root only.  Namespaces vrrpp-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrpp

echo "1..14"

# conf D1_PRIORITY ADVERT_INT [LINE FOR D1...]
conf() {
	_p=$1; _a=$2; shift 2
	{
		echo "global_defs {"
		echo "    router_id vrrp_preempt_test"
		echo "    vrrp_garp_master_delay 1"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 81"
		echo "    @d1 priority $_p"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int $_a"
		for _l in "$@"; do echo "    @d1 $_l"; done
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "    }"
		echo "}"
	} >"$CONF"
}
new_logs() {
	for _d in d1 d2; do
		cat "$T/$_d/log" >>"$T/$_d/old.log"; : >"$T/$_d/log"
	done
}
# d2 first, alone: it becomes master.
d2_master() {
	start d2
	wait_until 50 has_vip "$D2"
}
# Both stopped, the logs kept.
both_stop() {
	[ -n "$PID1" ] && stop d1
	[ -n "$PID2" ] && stop d2
	new_logs
}

# ---- preempt (default)
conf 150 0.2
d2_master
start d1
wait_until 50 only "$D1"
check "preempt: d1 (150) takes the VIP from d2 (100)" only "$D1"
s=$(json_state d1 become_master)
check "preempt: JSON of d1: MASTER, one transition ($s)" [ "$s" = "MASTER 1" ]
both_stop

# ---- nopreempt
conf 150 0.2 nopreempt
d2_master
start d1
wait_until 30 grep -q "Entering BACKUP STATE" "$T/d1/log"
sleep 3
check "nopreempt: d1 (150) stays BACKUP for 3 s, the VIP on d2 only" \
	sh -c "[ '$(entered d1 MASTER)' = 0 ] && ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ! ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
s=$(json_state d1 advert_rcvd)
check "nopreempt: JSON of d1: BACKUP, hearing d2 ($s)" sh -c "echo '$s' | grep -q '^BACKUP [1-9]'"
stop d2
wait_until 30 has_vip "$D1"
check "nopreempt: d2 stops, d1 takes over" has_vip "$D1"
both_stop

# ---- preempt_delay
conf 150 0.2 "preempt_delay 2"
d2_master
t0=$(ms)
start d1
sleep 1.2
check "preempt_delay 2: 1.2 s after d1 started, d2 still holds the VIP alone" only "$D2"
wait_until 50 has_vip "$D1"
t1=$(ms)
dt=$((t1 - t0))
check "preempt_delay 2: d1 takes the VIP after about 2 s ($dt ms)" \
	sh -c "[ $dt -ge 1700 ] && [ $dt -le 3800 ]"
wait_until 20 only "$D1"
check "preempt_delay 2: then d1 alone holds it" only "$D1"
both_stop

# ---- priority 255: the address owner
conf 255 1
d2_master
t0=$(ms)
start d1
wait_until 50 has_vip "$D1"
t1=$(ms)
dt=$((t1 - t0))
check "priority 255: d1 master at once against a running master ($dt ms < 1500)" \
	sh -c "[ $dt -le 1500 ]"
check "priority 255: d1 went straight to MASTER, never BACKUP" \
	sh -c "[ '$(entered d1 BACKUP)' = 0 ] && [ '$(entered d1 MASTER)' = 1 ]"
wait_until 30 only "$D1"
check "priority 255: d2 gives the VIP up" only "$D1"
s=$(json_state d2 become_master)
check "priority 255: JSON of d2: BACKUP ($s)" sh -c "echo '$s' | grep -q '^BACKUP '"
s=$(python3 -c "import json; print(json.load(open('$T/d2/tandem.json'))['vrrp'][0]['data']['master_priority'])" 2>/dev/null)
check "priority 255: d2 sees master priority 255 ($s)" [ "$s" = 255 ]
both_stop

check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/old.log '$T'/d2/old.log | grep -E -q 'Sanitizer|runtime error:'"
