#!/bin/sh
# virtual_routes / virtual_rules follow mastership, static_* follow the
# process: two directors of the shared lab (d1 priority 150, d2 100) run
# one instance with routes in table 100 (a gateway route, a device route
# with the VIP as its source, a blackhole, a two-hop route, an IPv6
# unreachable) and rules (from the VIP, to an IPv6 prefix), plus static_ipaddress / static_routes / static_rules.
#
#   - the master holds every virtual route and rule, the backup none;
#   - the static entries are on both while they run;
#   - when the master stops, its routes, rule and statics go, and the
#     other director, now master, has the routes and the rule;
#   - d1 back (it preempts): the routes move back and leave d2;
#   - a reload that keeps a static route and drops another removes only
#     the dropped one.
#
# Root only.  Namespaces vrrpr-{br,d1,d2}-PID, the temporary folder and
# the processes this test started (by PID) go in the EXIT trap.  Every
# wait is bounded.  Addresses: 192.0.2.0/24, 198.51.100.0/24 and
# 203.0.113.0/24 (RFC 5737) and 10.98.0.0/24, inside the namespaces only.

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SRC/test/integration/lib.sh"
. "$SRC/test/integration/vrrp-lab.sh"

vrrp_lab vrrpr

echo "1..23"

# conf EXTRA_STATIC_ROUTE
conf() {
	{
		echo "global_defs {"
		echo "    vrrp_garp_master_delay 0"
		echo "}"
		echo "static_ipaddress {"
		echo "    10.98.0.1/24 dev lo"
		echo "}"
		echo "static_routes {"
		echo "    198.51.100.128/25 via 192.0.2.254 table 200"
		[ -z "$1" ] || echo "    $1"
		echo "}"
		echo "static_rules {"
		echo "    fwmark 7 table 200 priority 2000"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 52"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.5"
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "    }"
		echo "    virtual_routes {"
		echo "        198.51.100.0/25 via 192.0.2.254 table 100 metric 7"
		echo "        src $VIP to 203.0.113.0/24 dev eth0 table 100"
		echo "        blackhole 10.99.0.0/16 table 100"
		echo "        default table 100 nexthop via 192.0.2.253 nexthop via 192.0.2.252 weight 3"
		echo "        unreachable 2001:db8:2::/48 table 100"
		echo "    }"
		echo "    virtual_rules {"
		echo "        from $VIP table 100 priority 1000"
		echo "        to 2001:db8:3::/48 table 100 priority 1001"
		echo "    }"
		echo "}"
	} >"$CONF"
}

# routes NS: the lines of table 100
routes() { ip -n "$1" route show table 100 2>/dev/null; }
has_routes() {
	_r=$(routes "$1")
	echo "$_r" | grep -q "^198.51.100.0/25 via 192.0.2.254 dev eth0 .*metric 7" &&
	echo "$_r" | grep -q "^203.0.113.0/24 dev eth0 .*src $VIP" &&
	echo "$_r" | grep -q "^blackhole 10.99.0.0/16" &&
	echo "$_r" | grep -q "^default" &&
	[ "$(ip -n "$1" route show table 100 default | grep -c nexthop)" = 2 ] &&
	ip -n "$1" -6 route show table 100 | grep -q "^unreachable 2001:db8:2::/48" &&
	ip -n "$1" -6 rule show | grep -q "^1001:.*to 2001:db8:3::/48 lookup 100"
}
no_routes() {
	[ -z "$(routes "$1")" ] && [ -z "$(ip -n "$1" -6 route show table 100 2>/dev/null)" ] &&
	! ip -n "$1" -6 rule show | grep -q "lookup 100"
}
has_rule() { ip -n "$1" rule show | grep -q "^1000:.*from $VIP lookup 100"; }
no_rule() { ! has_rule "$1"; }
has_static() {
	ip -n "$1" addr show dev lo | grep -q "inet 10.98.0.1/24" &&
	ip -n "$1" route show table 200 | grep -q "^198.51.100.128/25 via 192.0.2.254" &&
	ip -n "$1" rule show | grep -q "^2000:.*fwmark 0x7 lookup 200"
}
no_static() {
	! ip -n "$1" addr show dev lo | grep -q "10.98.0.1" &&
	[ -z "$(ip -n "$1" route show table 200 2>/dev/null)" ] &&
	! ip -n "$1" rule show | grep -q "lookup 200"
}

conf ""
start d1
check "d1 becomes master with the VIP" wait_until 60 has_vip "$D1"
check "the master has every virtual route of table 100" wait_until 20 has_routes "$D1"
check "the master has the virtual rule" has_rule "$D1"
check "d1 has its static address, route and rule" has_static "$D1"
start d2
check "d2 has its static entries too" wait_until 60 has_static "$D2"
sleep 1
check "the backup has no virtual route" no_routes "$D2"
check "the backup has no virtual rule" no_rule "$D2"
check "d1 still holds the VIP" only "$D1"

stop d1
check "d1 stopped cleanly" [ "$RC" = 0 ]
check "d2 takes over the VIP" wait_until 40 has_vip "$D2"
check "the new master has the virtual routes" wait_until 20 has_routes "$D2"
check "the new master has the virtual rule" has_rule "$D2"
check "the stopped director removed its virtual routes" no_routes "$D1"
check "the stopped director removed its virtual rule" no_rule "$D1"
check "the stopped director removed its static entries" no_static "$D1"

start d1
check "d1 preempts" wait_until 60 only "$D1"
check "d1 has the routes again" wait_until 20 has_routes "$D1"
check "d2, backup again, dropped the routes" wait_until 20 no_routes "$D2"
check "d2 dropped the rule" no_rule "$D2"

# reload d2 with one more static route, then without it
conf "203.0.113.128/25 dev eth0 table 200"
kill -HUP "$PID2"
check "a reload adds a new static route" wait_until 40 sh -c \
	"ip -n '$D2' route show table 200 | grep -q '^203.0.113.128/25 dev eth0'"
conf ""
kill -HUP "$PID2"
check "a reload drops only the removed static route" wait_until 40 sh -c \
	"! ip -n '$D2' route show table 200 | grep -q '^203.0.113.128/25' && ip -n '$D2' route show table 200 | grep -q '^198.51.100.128/25'"
stop d2
stop d1
check "both stopped: no virtual or static route is left" sh -c \
	"[ -z \"\$(ip -n '$D1' route show table 100; ip -n '$D2' route show table 100; ip -n '$D1' route show table 200; ip -n '$D2' route show table 200)\" ]"
check "no sanitizer report in the directors' logs" sh -c \
	"! cat '$T'/d1/*log* '$T'/d2/*log* 2>/dev/null | grep -E -q 'Sanitizer|runtime error:'"
