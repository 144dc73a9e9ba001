#!/bin/sh
# A sync group moves all its members: two directors (d1 priority 150, d2
# 100) on two bridged networks (eth0 192.0.2.0/24, eth1 198.51.100.0/24),
# instances VI_1 on eth0 (VIP 192.0.2.100) and VI_2 on eth1 (VIP
# 198.51.100.100) in vrrp_sync_group G, VRRPv3 at advert_int 0.2.
#   - after an unchanged reload, d1's eth1 goes down: VI_2 has a fault of its own and VI_1 (whose
#     link is fine) follows it into FAULT, so both VIPs move to d2; eth1
#     up: both come back to d1.  The JSON dump names the reasons.
#   - the group's own track_interface (trk0, weight 0): its failure puts
#     both members in FAULT, its return brings them back.
#   - all master together: d2 holds both, d1 starts with nopreempt on
#     VI_2 only; VI_1 preempts and the group takes VI_2 along (without
#     the group, VI_2 stays on d2).
#   - without the group (the same instances, no vrrp_sync_group), eth1
#     down moves only VI_2: the test that the group is what moves VI_1.
#
# Root only.  Namespaces vrrps-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 and
# 198.51.100.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrps
VIP2=198.51.100.100
ip -n "$BR" link add br1 type bridge mcast_snooping 0
ip -n "$BR" link set br1 up
for _d in d1 d2; do
	_ns=$(lab_ns $_d)
	ip -n "$BR" link add "q-$_d" type veth peer name eth1 netns "$_ns"
	ip -n "$BR" link set "q-$_d" master br1 up
	ip -n "$_ns" addr add "198.51.100.$(echo $_d | cut -c2)/24" dev eth1
	ip -n "$_ns" link set eth1 up
	ip -n "$_ns" link add trk0 type veth peer name trk0p
	ip -n "$_ns" link set trk0p up
	ip -n "$_ns" link set trk0 up
done

echo "1..18"

# conf WITH_GROUP [GROUP_LINES...]
conf() {
	{
		echo "global_defs {"
		echo "    router_id vrrp_sync_test"
		echo "    vrrp_garp_master_delay 1"
		echo "}"
		if [ "$1" = yes ]; then
			shift
			echo "vrrp_sync_group G {"
			echo "    group {"
			echo "        VI_1"
			echo "        VI_2"
			echo "    }"
			for _l in "$@"; do echo "    $_l"; done
			echo "}"
		fi
		for _i in 1 2; do
			echo "vrrp_instance VI_$_i {"
			echo "    interface eth$((_i - 1))"
			echo "    virtual_router_id 5$_i"
			echo "    @d1 priority 150"
			echo "    @d2 priority 100"
			echo "    version 3"
			echo "    advert_int 0.2"
			[ $_i = 2 ] && [ -n "${VI2_EXTRA:-}" ] && echo "    $VI2_EXTRA"
			echo "    virtual_ipaddress {"
			[ $_i = 1 ] && echo "        $VIP/24"
			[ $_i = 2 ] && echo "        $VIP2/24 dev eth1"
			echo "    }"
			echo "}"
		done
	} >"$CONF"
}

has2() { ip -n "$1" -4 addr show dev eth1 2>/dev/null | grep -q "inet $VIP2/"; }
# all_on NS: both VIPs on NS, neither on the other director
all_on() {
	_o=$D2; [ "$1" = "$D2" ] && _o=$D1
	has_vip "$1" && has2 "$1" && ! has_vip "$_o" && ! has2 "$_o"
}
new_logs() {
	for _d in d1 d2; do
		cat "$T/$_d/log" >>"$T/$_d/old.log"; : >"$T/$_d/log"
	done
}
pair() {
	start d1
	wait_until 50 all_on "$D1"
	start d2
	wait_until 50 grep -q "Entering BACKUP STATE" "$T/d2/log"
	sleep 0.5
	all_on "$D1"
}
both_stop() { stop d1; stop d2; new_logs; }
# faults ID INSTANCE: the fault reasons of INSTANCE in ID's JSON dump
faults() {
	_p=$(lab_pid "$1")
	rm -f "$T/$1/tandem.json"
	kill -s "$("$TANDEM" --signum JSON)" "$_p" 2>/dev/null
	wait_until 30 test -s "$T/$1/tandem.json"
	python3 -c "
import json
for i in json.load(open('$T/$1/tandem.json'))['vrrp']:
    if i['data']['iname'] == '$2':
        print(i['data']['state'], ','.join(i['data']['fault']), i['data']['sync_group'])" 2>/dev/null
}

# --- a member's link ---------------------------------------------------
conf yes
check "group: d1 is master of both instances" pair
kill -HUP "$PID1"
wait_until 50 grep -q "reload: 2 VRRP instances kept" "$T/d1/log"
check "an unchanged reload keeps both members" \
	grep -q "reload: 2 VRRP instances kept" "$T/d1/log"
ip -n "$D1" link set eth1 down
wait_until 50 all_on "$D2"
check "d1's eth1 down: both VIPs move to d2" all_on "$D2"
check "VI_1 followed VI_2 into FAULT" \
	grep -q "VI_1) FAULT with its sync group G" "$T/d1/log"
s=$(faults d1 VI_1)
check "JSON: VI_1 FAULT for its sync group ($s)" test "$s" = "FAULT sync_group G"
s=$(faults d1 VI_2)
check "JSON: VI_2 FAULT for its link ($s)" test "$s" = "FAULT link G"
ip -n "$D1" link set eth1 up
wait_until 80 all_on "$D1"
check "eth1 up: both VIPs come back to d1" all_on "$D1"
s=$(faults d1 VI_1)
check "JSON: VI_1 MASTER, no fault ($s)" test "$s" = "MASTER  G"
rm -f "$T/d1/tandem.data"
kill -USR1 "$PID1"
wait_until 30 test -s "$T/d1/tandem.data"
check "data dump names the sync group" grep -q "Sync group = G" "$T/d1/tandem.data"
both_stop

# --- the group's own tracker --------------------------------------------
conf yes "track_interface {" "    trk0" "}"
check "group tracker: d1 is master of both" pair
ip -n "$D1" link set trk0 down
wait_until 50 all_on "$D2"
check "group's trk0 down on d1: both VIPs move to d2" all_on "$D2"
check "both members entered FAULT" \
	test "$(grep -c 'Entering FAULT STATE' "$T/d1/log")" -ge 2
ip -n "$D1" link set trk0 up
wait_until 80 all_on "$D1"
check "trk0 up: both come back to d1" all_on "$D1"
both_stop

# --- all become master together -------------------------------------------
# d2 holds both; d1 starts with nopreempt on VI_2 only: VI_1 preempts, and
# the group takes VI_2 along (without the group VI_2 would stay on d2).
VI2_EXTRA="@d1 nopreempt"
conf yes
start d2
wait_until 50 all_on "$D2"
start d1
wait_until 80 all_on "$D1"
check "group: VI_1 preempts on d1 and VI_2 (nopreempt) follows it" all_on "$D1"
check "d1 logs that VI_2 followed VI_1 to master" \
	grep -q "VRRP_Group(G) VI_1 is master: VI_2 follows" "$T/d1/log"
both_stop
conf no
start d2
wait_until 50 all_on "$D2"
start d1
wait_until 50 has_vip "$D1"
sleep 1.5
check "no group: VI_2 (nopreempt) stays on d2 while VI_1 moves to d1" \
	sh -c "ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ip -n '$D2' -4 addr show dev eth1 | grep -q 'inet $VIP2/'"
both_stop
VI2_EXTRA=""

# --- no group: VI_1 stays --------------------------------------------------
conf no
pair >/dev/null
ip -n "$D1" link set eth1 down
wait_until 50 has2 "$D2"
sleep 1
check "no group: eth1 down moves VI_2 only, VI_1 stays on d1" \
	sh -c "ip -n '$D2' -4 addr show dev eth1 | grep -q 'inet $VIP2/' && ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
ip -n "$D1" link set eth1 up
both_stop

check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/*log* '$T'/d2/*log* | grep -E -q 'Sanitizer|runtime error:'"
exit 0
