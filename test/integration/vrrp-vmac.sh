#!/bin/sh
# use_vmac: two directors of the shared lab (d1 priority 150, d2 100) and
# a client.  Each director creates the macvlan vrrp.53 on eth0 with MAC
# 00:00:5e:00:01:35 (VRID 53) when the instance starts, in every state;
# the master's VIP sits on it, the client's ARP entry for the VIP is the
# virtual MAC (the base interface does not answer for it: arp_ignore),
# and after a failover the same MAC answers from the other director, so
# the client keeps its ARP entry and still reaches the VIP.  A stopped
# director deletes its VMAC and restores arp_ignore.  Then a named VMAC
# with vmac_xmit_base: the election still works with the adverts on the
# base interface.
#
# Root only.  Namespaces vrrpm-{br,d1,d2,c}-PID, the temporary folder
# and the processes this test started (by PID) go in the EXIT trap.
# Every wait is bounded.  Addresses: 192.0.2.0/24 (RFC 5737), inside the
# namespaces only.

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SRC/test/integration/lib.sh"
. "$SRC/test/integration/vrrp-lab.sh"

vrrp_lab vrrpm client
command -v ping >/dev/null 2>&1 || skip_all "ping not installed"
ip -n "$D1" link add vmtest link eth0 type macvlan mode private 2>/dev/null ||
	skip_all "no macvlan support"
ip -n "$D1" link del vmtest

echo "1..30"
MAC=00:00:5e:00:01:35

# conf VMAC_LINE [EXTRA]
conf() {
	{
		echo "global_defs {"
		echo "    vrrp_garp_master_delay 0"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 53"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.5"
		echo "    $1"
		[ -z "$2" ] || echo "    $2"
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "    }"
		echo "}"
	} >"$CONF"
}

vmac_ok() {	# NS NAME: a private macvlan of eth0 with the virtual MAC
	ip -n "$1" -d link show dev "$2" 2>/dev/null | grep -q "link/ether $MAC" &&
	ip -n "$1" -d link show dev "$2" | grep -q "macvlan mode private" &&
	ip -n "$1" link show dev "$2" | grep -q "$2@eth0"
}
no_link() { ! ip -n "$1" link show dev "$2" >/dev/null 2>&1; }
vip_on() { ip -n "$1" -4 addr show dev "$2" 2>/dev/null | grep -q "inet $VIP/"; }
ping_vip() { ip netns exec "$CL" ping -c 1 -W 1 "$VIP" >/dev/null 2>&1; }
cl_mac() { ip -n "$CL" neigh show "$VIP" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p'; }
json_vmac() {	# [KEY]: the instance's vmac_ifname (or KEY) in the JSON dump
	rm -f "$T/d1/tandem.json"
	kill -s "$("$TANDEM" --signum JSON)" "$PID1" 2>/dev/null
	wait_until 30 test -s "$T/d1/tandem.json"
	python3 -c "import json; print(json.load(open('$T/d1/tandem.json'))['vrrp'][0]['data'].get('${1:-vmac_ifname}'))" 2>/dev/null
}
arp_ignore() { ip netns exec "$1" cat /proc/sys/net/ipv4/conf/eth0/arp_ignore; }

conf "use_vmac"
start d1
check "d1 creates vrrp.53 with MAC $MAC in private mode" wait_until 30 vmac_ok "$D1" vrrp.53
check "d1 becomes master with the VIP on the VMAC" wait_until 60 vip_on "$D1" vrrp.53
check "the VIP is not on d1's eth0" no_vip "$D1"
check "the JSON dump names the VMAC" [ "$(json_vmac)" = vrrp.53 ]
check "arp_ignore is 1 on d1's eth0 while the VMAC exists" [ "$(arp_ignore "$D1")" = 1 ]
start d2
check "d2 creates its VMAC too, as backup" wait_until 30 vmac_ok "$D2" vrrp.53
sleep 2
check "d2 hears d1's adverts from the VMAC and stays backup" [ "$(entered d2 MASTER)" = 0 ]
check "d2 holds no VIP" sh -c "! ip -n '$D2' addr | grep -q 'inet $VIP/'"
check "the client reaches the VIP" wait_until 20 ping_vip
check "the client's ARP entry for the VIP is the virtual MAC" [ "$(cl_mac)" = "$MAC" ]

stop d1
check "d1 stopped cleanly" [ "$RC" = 0 ]
check "d1 deleted its VMAC" no_link "$D1" vrrp.53
check "d1's arp_ignore is restored" [ "$(arp_ignore "$D1")" = 0 ]
check "d2 takes the VIP on its VMAC" wait_until 40 vip_on "$D2" vrrp.53
check "the client reaches the VIP on d2 with the same ARP entry" sh -c \
	"ip netns exec '$CL' ping -c 1 -W 1 $VIP >/dev/null && [ \"\$(ip -n '$CL' neigh show $VIP | grep -c '$MAC')\" = 1 ]"
stop d2
check "d2 deleted its VMAC" no_link "$D2" vrrp.53

# a named VMAC, adverts on the base interface
conf "use_vmac vmac1" "vmac_xmit_base"
start d1
check "a named VMAC (vmac1) on d1" wait_until 30 vmac_ok "$D1" vmac1
check "d1 master with the VIP on vmac1" wait_until 60 vip_on "$D1" vmac1
# d2 starts once d1 is master, so only lost adverts could make it master
m2=$(entered d2 MASTER)
start d2
wait_until 30 vmac_ok "$D2" vmac1
sleep 2
check "with vmac_xmit_base d2 hears the adverts on eth0 and stays backup" \
	[ "$(entered d2 MASTER)" = "$m2" ]
stop d1
check "d2 takes over the VIP on its vmac1" wait_until 40 vip_on "$D2" vmac1
stop d2

# a MAC of the user's (keepalived's use_vmac [NAME] [MAC]), in either order
MAC=02:00:5e:10:20:30
conf "use_vmac $MAC vmac2"
start d1
check "use_vmac with a MAC: vmac2 has MAC $MAC" wait_until 30 vmac_ok "$D1" vmac2
check "d1 master with the VIP on vmac2" wait_until 60 vip_on "$D1" vmac2
check "the JSON dump shows the VMAC's MAC" [ "$(json_vmac vmac_mac)" = "$MAC" ]
ip -n "$CL" neigh flush dev eth0 2>/dev/null
check "the client's ARP entry for the VIP is the configured MAC" sh -c \
	"ip netns exec '$CL' ping -c 1 -W 1 $VIP >/dev/null && [ \"\$(ip -n '$CL' neigh show $VIP | grep -c '$MAC')\" = 1 ]"
stop d1
# five octets: the VRID (53 = 0x35) is the sixth
MAC=02:00:5e:10:20:35
conf "use_vmac 02:00:5e:10:20"
start d1
check "use_vmac with five octets: the VRID is the last one" wait_until 30 vmac_ok "$D1" vrrp.53
stop d1

# IPv6: vrrp6.VRID with 00:00:5e:00:02:VRID
VIP6=2001:db8::100
{
	echo "vrrp_instance VI_6 {"
	echo "    interface eth0"
	echo "    virtual_router_id 55"
	echo "    @d1 priority 150"
	echo "    @d2 priority 100"
	echo "    advert_int 0.5"
	echo "    use_vmac"
	echo "    virtual_ipaddress {"
	echo "        $VIP6/64"
	echo "    }"
	echo "}"
} >"$CONF"
start d1
MAC=00:00:5e:00:02:37
check "IPv6: vrrp6.55 with MAC $MAC" wait_until 30 vmac_ok "$D1" vrrp6.55
check "IPv6: d1 master with the VIP on vrrp6.55" wait_until 80 sh -c \
	"ip -n '$D1' -6 addr show dev vrrp6.55 | grep -q '$VIP6/64'"
m2=$(entered d2 MASTER)
start d2
wait_until 30 vmac_ok "$D2" vrrp6.55
sleep 2
check "IPv6: d2 hears d1's adverts and stays backup" [ "$(entered d2 MASTER)" = "$m2" ]
check "IPv6: the client reaches the VIP through the virtual MAC" sh -c \
	"ip -n '$CL' addr add 2001:db8::10/64 dev eth0 nodad 2>/dev/null; wait_n=30; while [ \$wait_n -gt 0 ]; do ip netns exec '$CL' ping -6 -c 1 -W 1 $VIP6 >/dev/null 2>&1 && break; wait_n=\$((wait_n-1)); sleep 0.2; done; ip -n '$CL' -6 neigh show $VIP6 | grep -q '$MAC'"
stop d1
stop d2
check "no sanitizer report in the directors' logs" sh -c \
	"! cat '$T'/d1/*log* '$T'/d2/*log* 2>/dev/null | grep -E -q 'Sanitizer|runtime error:'"
