#!/bin/sh
# use_vmac_addr (with use_vmac): director d1 of the shared lab, with a
# second segment (eth1, 10.1.255.0/24, where d2 stands in for a client),
# runs VI_1 (VRID 51) on eth0 with a VIP on eth0, a VIP on eth1 and an
# IPv6 eVIP.  keepalived.conf(5): a VMAC is made for each other interface
# a VIP names and for the eVIPs of the other family, and the address goes
# on it.
#
#   - the instance's own VMAC vrrp.51 on eth0 (00:00:5e:00:01:33) holds
#     the eth0 VIP;
#   - a macvlan on eth1 with 00:00:5e:00:01:33 holds the eth1 VIP, and
#     the gratuitous ARPs for it on the wire (the bridge port of d1's
#     eth1) carry that MAC, in the Ethernet header and as ARP sender;
#     d2's ARP entry for that VIP, after a ping, is that MAC;
#   - a macvlan on eth0 with 00:00:5e:00:02:33 holds the IPv6 eVIP;
#   - when d1 stops, both are deleted and eth1's arp_ignore is restored;
#   - without use_vmac_addr, the eth1 VIP is on eth1 itself and its
#     gratuitous ARPs carry eth1's own MAC, and the eVIP is on vrrp.51;
#   - `use_vmac` on the eth1 VIP's line alone gives that VIP its VMAC.
#
# Root only.  Namespaces vrrpa-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses: 192.0.2.0/24, 10.1.255.0/24 and
# 2001:db8::/32, inside the namespaces only.

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SRC/test/integration/lib.sh"
. "$SRC/test/integration/vrrp-lab.sh"

vrrp_lab vrrpa
command -v ping >/dev/null 2>&1 || skip_all "ping not installed"
ip -n "$D1" link add vmtest link eth0 type macvlan mode private 2>/dev/null ||
	skip_all "no macvlan support"
ip -n "$D1" link del vmtest
vrrp_lab_net 1

echo "1..15"
MAC4=00:00:5e:00:01:33
MAC6=00:00:5e:00:02:33
VIP1=10.1.255.100
ETH1_MAC=$(ip -n "$D1" link show dev eth1 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')

# cap.py SECONDS PORT: "ETHER_SRC ARP_SENDER_MAC ADDR" per gratuitous ARP
# coming in on PORT (an ETH_P_ALL tap: one for ARP alone sees nothing on
# a bridge port).
cat >"$T/cap.py" <<'EOS'
import select, socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[2], 3))
mac = lambda b: ":".join("%02x" % x for x in b)
print("ready", flush=True)
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    if not select.select([s], [], [], 0.05)[0]:
        continue
    pkt, sll = s.recvfrom(2048)
    if (sll[2] == socket.PACKET_OUTGOING or len(pkt) < 42 or
            pkt[12:14] != b"\x08\x06" or pkt[28:32] != pkt[38:42]):
        continue
    print(mac(pkt[6:12]), mac(pkt[22:28]), socket.inet_ntoa(pkt[28:32]),
          flush=True)
EOS

conf() {	# [EXTRA_LINE] [OPTIONS_OF_THE_ETH1_VIP]
	{
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    state MASTER"
		echo "    virtual_router_id 51"
		echo "    priority 200"
		echo "    version 3"
		echo "    advert_int 1"
		echo "    garp_master_delay 0"
		echo "    use_vmac"
		[ -z "$1" ] || echo "    $1"
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "        $VIP1/24 dev eth1 ${2:-}"
		echo "    }"
		echo "    virtual_ipaddress_excluded {"
		echo "        2001:db8::100/64"
		echo "    }"
		echo "}"
	} >"$CONF"
}
# start d1 under a capture on d1's eth1 bridge port; lines in $T/garps
run() {
	rm -f "$T/cap"
	ip netns exec "$BR" python3 "$T/cap.py" 3 p-d1-1 >"$T/cap" 2>&1 &
	_cp=$!
	wait_until 50 grep -q ready "$T/cap"
	start d1
	wait "$_cp"
	grep " $VIP1\$" "$T/cap" >"$T/garps"
}
# the interface that holds address $2 (family option $1) on d1
dev_of() { ip -n "$D1" -o "$1" addr show | awk -v a="$2" '$4 ~ "^"a"/" { print $2 }'; }
link_mac() { ip -n "$D1" link show dev "$1" 2>/dev/null | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }
parent() { ip -n "$D1" -o link show dev "$1" 2>/dev/null | sed -n 's/^[0-9]*: [^@]*@\([^:]*\):.*/\1/p'; }

conf use_vmac_addr
run
d0=$(dev_of -4 "$VIP"); d1=$(dev_of -4 "$VIP1"); d6=$(dev_of -6 2001:db8::100)
diag "eth0 VIP on '$d0', eth1 VIP on '$d1', eVIP on '$d6'"
check "the eth0 VIP is on vrrp.51 ($MAC4)" \
	[ "$d0/$(link_mac "$d0")" = "vrrp.51/$MAC4" ]
check "the eth1 VIP is on a VMAC of eth1 ($d1: $(link_mac "$d1") on $(parent "$d1"))" \
	[ "$(link_mac "$d1")/$(parent "$d1")" = "$MAC4/eth1" ]
check "the IPv6 eVIP is on a VMAC of eth0 with $MAC6 ($d6: $(link_mac "$d6"))" \
	[ "$(link_mac "$d6")/$(parent "$d6")" = "$MAC6/eth0" ]
check "gratuitous ARPs for the eth1 VIP seen on the wire ($(wc -l <"$T/garps"))" \
	[ -s "$T/garps" ]
check "... all from $MAC4, as Ethernet source and ARP sender" \
	sh -c "! grep -v '^$MAC4 $MAC4 ' '$T/garps' | grep -q ."
ip netns exec "$D2" ping -c 1 -W 2 "$VIP1" >/dev/null 2>&1
check "d2's ARP entry for the eth1 VIP is $MAC4" \
	sh -c "ip -n '$D2' neigh show $VIP1 | grep -q 'lladdr $MAC4'"
stop d1
check "d1 stopped: its VMACs on eth1 and for the eVIP are gone" \
	sh -c "! ip -n '$D1' link show dev '$d1' >/dev/null 2>&1 && ! ip -n '$D1' link show dev '$d6' >/dev/null 2>&1 && ! ip -n '$D1' link show dev vrrp.51 >/dev/null 2>&1"
check "eth1's arp_ignore is back to 0" \
	[ "$(ip netns exec "$D1" cat /proc/sys/net/ipv4/conf/eth1/arp_ignore)" = 0 ]
cat "$T/d1/log" >>"$T/d1/old.log"; : >"$T/d1/log"

conf ""
run
check "without use_vmac_addr the eth1 VIP is on eth1" [ "$(dev_of -4 "$VIP1")" = eth1 ]
check "... and its gratuitous ARPs carry eth1's MAC $ETH1_MAC" \
	sh -c "[ -s '$T/garps' ] && ! grep -v '^$ETH1_MAC $ETH1_MAC ' '$T/garps' | grep -q ."
check "... and the IPv6 eVIP is on the instance's VMAC vrrp.51" \
	[ "$(dev_of -6 2001:db8::100)" = vrrp.51 ]
stop d1
cat "$T/d1/log" >>"$T/d1/old.log"; : >"$T/d1/log"

# use_vmac on the eth1 VIP's line alone
conf "" use_vmac
run
d1=$(dev_of -4 "$VIP1")
check "use_vmac on the eth1 VIP's line: it is on a VMAC of eth1 ($d1)" \
	[ "$(link_mac "$d1")/$(parent "$d1")" = "$MAC4/eth1" ]
check "... its gratuitous ARPs carry $MAC4" \
	sh -c "[ -s '$T/garps' ] && ! grep -v '^$MAC4 $MAC4 ' '$T/garps' | grep -q ."
check "... and the eVIP (no use_vmac of its own) is on vrrp.51" \
	[ "$(dev_of -6 2001:db8::100)" = vrrp.51 ]
stop d1

check "no sanitizer report in the log" \
	sh -c "! cat '$T'/d1/*log* | grep -E -q 'Sanitizer|runtime error:'"
exit 0
