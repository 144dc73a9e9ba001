#!/bin/sh
# track_group: static addresses tracked by VRRP instances (keepalived's
# "static track groups").  Director d1 of the shared lab runs alone with
# VI_1 (in track group TG) and VI_2 (in TG2, which only routes and rules
# name), both masters, and a
# static address 10.9.0.1/24 on trk0 (one end of a veth pair) that names
# TG.
#
#   - the address deleted by hand is restored at once; VI_1 stays master;
#   - trk0 deleted (the address cannot be restored): VI_1 goes to FAULT
#     and gives up its VIP, VI_2 stays master with its own;
#   - trk0 back: the address is restored and VI_1 is master again;
#   - a static route (on trk1, the other end up) and a static rule
#     naming TG2 (VI_2): deleted by hand, both are restored (the rule
#     once, not copied); trk1 down (the kernel takes the route and will
#     not take it back): VI_2 goes to FAULT, VI_1 stays; trk1 up: the
#     route is back and VI_2 master again;
#   - the config is refused for a static address or route naming an
#     unknown track_group, a group naming an unknown instance, track_group
#     on a VRRP address, and a tracked rule without a preference, each at
#     its line.
#
# Root only.  Namespaces vrrpq-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses from RFC 5737 and 10.9.0.0/24.

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SRC/test/integration/lib.sh"
. "$SRC/test/integration/vrrp-lab.sh"

vrrp_lab vrrpq

echo "1..21"

trk_up() {	# [N]
	ip -n "$D1" link add "trk${1:-0}" type veth peer name "trk${1:-0}p" ||
		return 1
	ip -n "$D1" link set "trk${1:-0}p" up
	ip -n "$D1" link set "trk${1:-0}" up
}
trk_up || skip_all "cannot create a veth pair"
trk_up 1

# conf [STATIC_LINE] [TG_MEMBER] [VIP1_EXTRA] [STATIC_ROUTE]
conf() {
	{
		echo "track_group TG {"
		echo "    group {"
		echo "        ${2:-VI_1}"
		echo "    }"
		echo "}"
		echo "track_group TG2 {"
		echo "    group {"
		echo "        VI_2"
		echo "    }"
		echo "}"
		echo "static_ipaddress {"
		echo "    ${1:-10.9.0.1/24 dev trk0 track_group TG}"
		echo "}"
		echo "static_routes {"
		echo "    ${4:-203.0.113.0/24 dev trk1 track_group TG2}"
		echo "}"
		echo "static_rules {"
		echo "    from 203.0.113.0/24 table 7 priority 700 track_group TG2"
		echo "}"
		for _i in 1 2; do
			echo "vrrp_instance VI_$_i {"
			echo "    interface eth0"
			echo "    state MASTER"
			echo "    virtual_router_id 5$_i"
			echo "    priority 200"
			echo "    version 3"
			echo "    advert_int 0.5"
			echo "    virtual_ipaddress {"
			echo "        192.0.2.10$_i/24 $([ $_i = 1 ] && echo "${3:-}")"
			echo "    }"
			echo "}"
		done
	} >"$CONF"
}
has() { ip -n "$D1" -4 addr show 2>/dev/null | grep -q "inet $1/"; }
static_on() { ip -n "$D1" -4 addr show dev trk0 2>/dev/null | grep -q "inet 10.9.0.1/24"; }
route_on() { ip -n "$D1" -4 route show 203.0.113.0/24 2>/dev/null | grep -q "dev trk1"; }
rules() { ip -n "$D1" -4 rule show 2>/dev/null | grep -c "^700:.*from 203.0.113.0/24 lookup 7"; }
vip2_on() { ip -n "$D1" -4 addr show dev eth0 | grep -q 192.0.2.102/; }

conf
start d1
wait_until 100 sh -c "ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.101/ && ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.102/"
check "both instances master, the static address on trk0" \
	sh -c "ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.101/ && ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.102/ && ip -n '$D1' -4 addr show dev trk0 | grep -q 10.9.0.1/24"

ip -n "$D1" addr del 10.9.0.1/24 dev trk0
wait_until 50 static_on
check "the static address deleted by hand is restored" static_on
sleep 0.5
check "VI_1 did not go to FAULT for it" \
	sh -c "! grep -q 'VI_1) Entering FAULT' '$T/d1/log'"

ip -n "$D1" link del trk0
wait_until 80 grep -q "VI_1) Entering FAULT" "$T/d1/log"
check "trk0 deleted: VI_1 (in TG) enters FAULT" \
	grep -q "VI_1) Entering FAULT" "$T/d1/log"
wait_until 50 sh -c "! ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.101/"
check "VI_1 gave up its VIP" \
	sh -c "! ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.101/"
check "VI_2 (not in TG) is still master with its VIP" \
	sh -c "! grep -q 'VI_2) Entering FAULT' '$T/d1/log' && ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.102/"

trk_up
wait_until 100 static_on
check "trk0 back: the static address is restored" static_on
wait_until 100 sh -c "ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.101/"
check "VI_1 is master again with its VIP" \
	sh -c "ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.101/"

# static_routes / static_rules of TG2 (VI_2)
check "the tracked static route and rule are in" \
	sh -c "ip -n '$D1' -4 route show 203.0.113.0/24 | grep -q 'dev trk1' && [ \"\$(ip -n '$D1' -4 rule show | grep -c '^700:.*from 203.0.113.0/24 lookup 7')\" = 1 ]"
ip -n "$D1" route del 203.0.113.0/24 dev trk1
ip -n "$D1" rule del priority 700
wait_until 50 route_on
wait_until 50 sh -c "[ \"\$(ip -n '$D1' -4 rule show | grep -c '^700:')\" = 1 ]"
check "route and rule deleted by hand: both restored, once ($(rules) rule)" \
	sh -c "ip -n '$D1' -4 route show 203.0.113.0/24 | grep -q 'dev trk1' && [ \"\$(ip -n '$D1' -4 rule show | grep -c '^700:.*from 203.0.113.0/24 lookup 7')\" = 1 ]"
check "VI_2 did not go to FAULT for it" \
	sh -c "! grep -q 'VI_2) Entering FAULT' '$T/d1/log'"
ip -n "$D1" link set trk1 down
wait_until 80 grep -q "VI_2) Entering FAULT" "$T/d1/log"
check "trk1 down (its route cannot be restored): VI_2 (in TG2) enters FAULT" \
	grep -q "VI_2) Entering FAULT" "$T/d1/log"
wait_until 50 sh -c "! ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.102/"
check "VI_2 gave up its VIP, VI_1 kept its own" \
	sh -c "! ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.102/ && ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.101/"
ip -n "$D1" link set trk1 up
wait_until 100 route_on
wait_until 100 vip2_on
check "trk1 up: the route is back and VI_2 is master again" \
	sh -c "ip -n '$D1' -4 route show 203.0.113.0/24 | grep -q 'dev trk1' && ip -n '$D1' -4 addr show dev eth0 | grep -q 192.0.2.102/"
check "and the rule is still there once ($(rules))" [ "$(rules)" = 1 ]
stop d1

# refused configurations, located
refused() {	# WHAT LINE PATTERN
	"$TANDEM" -t -f "$CONF" >"$T/out" 2>&1
	_rc=$?
	_ok=no
	[ $_rc != 0 ] && grep -qF "tandem.conf:$2: error: $3" "$T/out" && _ok=yes
	check "$1: refused at line $2" [ $_ok = yes ]
}
conf "10.9.0.1/24 dev trk0 track_group NOPE"
refused "unknown track_group" 12 "static_ipaddress: track_group 'NOPE' is not a track_group block"
conf "" VI_9
refused "a track group naming no instance" 3 "group: track group 'TG' names 'VI_9', which is not a vrrp_instance"
conf "" "" "track_group TG"
refused "track_group on a VRRP address" 28 "virtual_ipaddress: 'track_group' applies to static_ipaddress"

conf "" "" "" "203.0.113.0/24 dev trk1 track_group NOPE"
refused "unknown track_group on a route" 15 "static_routes: track_group 'NOPE' is not a track_group block"
{ echo "static_rules {"; echo "    from 203.0.113.0/24 table 7 track_group TG"
  echo "}"; } >"$CONF"
refused "a tracked rule without a preference" 2 "static_rules: a rule with track_group needs a preference"

check "no sanitizer report in the log" \
	sh -c "! cat '$T'/d1/*log* | grep -E -q 'Sanitizer|runtime error:'"
exit 0
