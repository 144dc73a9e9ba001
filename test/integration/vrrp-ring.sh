#!/bin/sh
# The multicast receive ring (vrrp_rx_ring, vrrp/vrrp_ring.h) in a
# two-director lab, VRRPv3 at advert_int 0.1, one VIP.  With the ring on
# (it is off by default): the JSON dump of the backup shows the IPv4 ring
# open for its socket; the backup follows the master and hears it even
# through a firewall rule that drops VRRP on INPUT (the ring takes frames
# before netfilter: that shows the adverts come by the ring, not the socket);
# the master's link down hands the VIP to the backup and link up brings
# it back; the backup's own link down and up puts it in FAULT and back to
# BACKUP without taking the VIP.  With vrrp_rx_ring off: no ring, the
# pair forms and fails over on link down and back, and the same firewall
# rule now keeps the backup from hearing the master (today's raw-socket
# path, which netfilter sees).  Then IPv6 (ff02::12) with the ring: the
# pair forms and fails over on TERM.
#
# Root only, nft for the firewall checks.  Namespaces vrrpr-{br,d1,d2}-PID,
# the temporary folder and every process this test started (by PID) are
# removed by the EXIT trap.  Every wait is bounded.  Addresses are from
# 192.0.2.0/24 (RFC 5737) and 2001:db8::/32 (RFC 3849).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrpr
command -v nft >/dev/null 2>&1 || skip_all "nft not installed"

echo "1..19"

# conf RING [FAMILY]
conf() {
	{
		echo "global_defs {"
		echo "    router_id vrrp_ring_test"
		echo "    vrrp_garp_master_delay 1"
		echo "    vrrp_rx_ring $1"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 61"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.1"
		echo "    virtual_ipaddress {"
		if [ "${2:-4}" = 6 ]; then
			echo "        $VIP6/64 nodad"
		else
			echo "        $VIP/24"
		fi
		echo "    }"
		echo "}"
	} >"$CONF"
}
VIP6=2001:db8::100
has_vip6() { ip -n "$1" -6 addr show dev eth0 | grep -q "inet6 $VIP6/"; }

# ring ID: "OPEN SOCKETS" of director ID's IPv4 ring in its JSON dump.
ring() {
	json_dump "$1"
	python3 -c "import json; r=json.load(open('$T/$1/tandem.json'))['vrrp_rx_ring']['ipv${2:-4}']; print(r['open'], r['sockets'])" 2>/dev/null
}
# Drop VRRP on d2's INPUT (on), or stop dropping it (off).
fw() {
	if [ "$1" = on ]; then
		ip netns exec "$D2" nft -f - <<EOF
table inet vrrpr_test {
	chain input {
		type filter hook input priority 0; policy accept;
		meta l4proto 112 drop
	}
}
EOF
	else
		ip netns exec "$D2" nft delete table inet vrrpr_test 2>/dev/null || true
	fi
}
new_logs() {
	for _d in d1 d2; do
		cat "$T/$_d/log" >>"$T/$_d/old.log"; : >"$T/$_d/log"
	done
}
pair() {	# pair LABEL: d1 MASTER with the VIP, d2 BACKUP
	start d1
	wait_until 50 has_vip "$D1"
	start d2
	wait_until 30 grep -q "Entering BACKUP STATE" "$T/d2/log"
	sleep 1
	check "$1: d1 MASTER with the VIP, d2 BACKUP" d2_follows 0
}
# d2_follows N: d2 entered MASTER N times and is BACKUP, the VIP on d1 only.
d2_follows() {
	[ "$(entered d2 MASTER)" = "$1" ] && only "$D1" && \
		json_state d2 advert_rcvd | grep -q '^BACKUP '
}
link_cycle() {	# link_cycle LABEL
	ip -n "$D1" link set eth0 down
	wait_until 30 has_vip "$D2"
	check "$1: link down on d1, d2 takes the VIP" has_vip "$D2"
	ip -n "$D1" link set eth0 up
	wait_until 50 only "$D1"
	check "$1: link up on d1, d1 takes the VIP back" only "$D1"
}

# --- ring on ---
conf on
pair "ring on"
s=$(ring d2)
check "ring on: d2's IPv4 ring is open for its socket ($s)" [ "$s" = "True 1" ]
s=$(json_state d2 advert_rcvd)
check "ring on: d2 BACKUP, adverts received ($s)" sh -c "echo '$s' | grep -q '^BACKUP [1-9]'"
fw on
m=$(entered d2 MASTER)
sleep 2
check "ring on: d2 hears d1 through a firewall dropping VRRP on INPUT" \
	d2_follows "$m"
fw off
link_cycle "ring on"
m=$(entered d2 MASTER)
ip -n "$D2" link set eth0 down
wait_until 30 grep -q "Entering FAULT STATE" "$T/d2/log"
d2_fault() { grep -q 'Entering FAULT STATE' "$T/d2/log" && only "$D1"; }
check "ring on: link down on d2, d2 in FAULT, the VIP stays on d1" d2_fault
b=$(entered d2 BACKUP)
ip -n "$D2" link set eth0 up
wait_until 30 sh -c "[ \$(grep -c 'Entering BACKUP STATE' '$T/d2/log') -gt $b ]"
sleep 1
check "ring on: link up on d2, d2 back to BACKUP following d1" \
	sh -c "[ \$(grep -c 'Entering BACKUP STATE' '$T/d2/log') -gt $b ]"
check "ring on: after link up on d2, d1 still MASTER alone" d2_follows "$m"
s=$(ring d2)
check "ring on: d2's ring serves its socket again ($s)" [ "$s" = "True 1" ]
stop d1
stop d2

# --- ring off: the raw sockets as before ---
new_logs
conf off
pair "ring off"
s=$(ring d2)
check "ring off: no ring ($s)" [ "$s" = "False 0" ]
link_cycle "ring off"
fw on
wait_until 30 has_vip "$D2"
check "ring off: a firewall dropping VRRP on d2's INPUT keeps d2 from hearing d1" has_vip "$D2"
fw off
wait_until 30 sh -c "! ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
check "ring off: the firewall gone, d2 hears d1 and gives the VIP back" only "$D1"
stop d1
stop d2

# --- IPv6 with the ring ---
new_logs
conf on 6
start d1
wait_until 50 has_vip6 "$D1"
start d2
wait_until 30 grep -q "Entering BACKUP STATE" "$T/d2/log"
sleep 1
s=$(ring d2 6)
check "ipv6 ring on: d2 BACKUP, its IPv6 ring open ($s)" \
	sh -c "[ '$s' = 'True 1' ] && [ '$(entered d2 MASTER)' = 0 ]"
kill -TERM "$PID1"
wait_until 30 has_vip6 "$D2"
check "ipv6 ring on: TERM d1, d2 takes the VIP" has_vip6 "$D2"
wait_exit "$PID1" 80
PID1=""
stop d2

new_logs
check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/old.log '$T'/d2/old.log | grep -E -q 'Sanitizer|runtime error:'"
