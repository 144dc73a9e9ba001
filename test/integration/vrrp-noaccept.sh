#!/bin/sh
# accept / no_accept and vrrp_strict, seen from a client: two directors of
# the shared lab (d1 priority 150, d2 100) and a TCP listener on d1.
#
#   - no_accept: the master (not the address owner) holds the VIP and
#     answers ARP for it, but ping and TCP to the VIP are dropped, through
#     nftables (table inet tandem, the VIP in its set vips4); the backup's
#     set is empty; the director's own address still answers; a stopped
#     director deletes its table; the new master drops too;
#   - accept (keepalived's default): ping and TCP to the VIP work, and no
#     table is made;
#   - priority 255 (the address owner) with no_accept: not filtered;
#   - global_defs vrrp_strict: no_accept by default (dropped);
#   - global_defs nftables NAME and nftables_counters: the table is NAME,
#     with counters that count the dropped pings.
#
# Root only.  Namespaces vrrpn-{br,d1,d2,c}-PID, the temporary folder,
# the tandems and the listener this test started (by PID) go in the EXIT
# trap.  Every wait is bounded.  Addresses: 192.0.2.0/24 (RFC 5737),
# inside the namespaces only.

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SRC/test/integration/lib.sh"
. "$SRC/test/integration/vrrp-lab.sh"

LISTENER=""
vrrp_lab vrrpn client
trap 'kill "$LISTENER" 2>/dev/null; vrrp_lab_cleanup' EXIT
command -v nft >/dev/null 2>&1 || skip_all "nft (nftables) not installed"
command -v ping >/dev/null 2>&1 || skip_all "ping not installed"
ip netns exec "$D1" nft list tables >/dev/null 2>&1 || skip_all "no nf_tables"

echo "1..25"

# conf GLOBAL_LINES INSTANCE_LINES
conf() {
	{
		echo "global_defs {"
		echo "    vrrp_garp_master_delay 0"
		printf '%s\n' "$1"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 54"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.5"
		printf '%s\n' "$2"
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "    }"
		echo "}"
	} >"$CONF"
}

ping_to() { ip netns exec "$CL" ping -c 1 -W 1 "$1" >/dev/null 2>&1; }
tcp_to() {
	ip netns exec "$CL" python3 -c "import socket,sys; socket.create_connection(('$1', 8080), 1.5)" 2>/dev/null
}
no_tcp() { ! tcp_to "$1"; }
no_ping() { ! ip netns exec "$CL" ping -c 2 -W 1 "$1" >/dev/null 2>&1; }
arp_ok() { ip -n "$CL" neigh show "$VIP" | grep -q lladdr; }
in_set() {	# NS TABLE: the VIP is in the table's set vips4
	ip netns exec "$1" nft list set inet "$2" vips4 2>/dev/null | grep -q "$VIP"
}
set_empty() {
	ip netns exec "$1" nft list set inet "$2" vips4 >/dev/null 2>&1 && ! in_set "$1" "$2"
}
no_table() { ! ip netns exec "$1" nft list table inet "$2" >/dev/null 2>&1; }

ip netns exec "$D1" python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 8080)); s.listen(16)
while True:
    c, _ = s.accept(); c.close()
" &
LISTENER=$!

conf "" "    no_accept"
start d1
check "no_accept: d1 master with the VIP" wait_until 60 has_vip "$D1"
check "the VIP is in d1's nftables set (table inet tandem)" wait_until 10 in_set "$D1" tandem
check "the client cannot ping the VIP" no_ping "$VIP"
check "the client's TCP connection to the VIP fails" no_tcp "$VIP"
check "d1 still answers ARP for the VIP" arp_ok
check "d1's own address still answers ping" ping_to 192.0.2.1
check "d1's own address still accepts TCP" wait_until 20 tcp_to 192.0.2.1
start d2
check "d2 (backup) has the table, with an empty set" wait_until 40 set_empty "$D2" tandem
stop d1
check "d1 stopped cleanly" [ "$RC" = 0 ]
check "d1 deleted its table" no_table "$D1" tandem
check "d2 takes over" wait_until 40 has_vip "$D2"
check "the VIP is in d2's set" wait_until 10 in_set "$D2" tandem
check "the client cannot ping the VIP on d2" no_ping "$VIP"
stop d2

conf "" ""
start d1
check "accept (the default): d1 master" wait_until 60 has_vip "$D1"
check "the client pings the VIP" wait_until 20 ping_to "$VIP"
check "the client connects to the VIP over TCP" wait_until 20 tcp_to "$VIP"
check "no nftables table is made" no_table "$D1" tandem
stop d1

conf "" "    no_accept
    priority 255
    state MASTER"
start d1
check "the address owner (priority 255) with no_accept is master" wait_until 60 has_vip "$D1"
check "the owner is not filtered: the client pings the VIP" wait_until 20 ping_to "$VIP"
stop d1

conf "    vrrp_strict" ""
start d1
check "vrrp_strict: d1 master" wait_until 60 has_vip "$D1"
check "strict mode implies no_accept: the VIP is in the set" wait_until 10 in_set "$D1" tandem
stop d1

conf "    nftables vrrptest
    nftables_counters" "    no_accept"
start d1
check "nftables NAME: the table is inet vrrptest" wait_until 60 in_set "$D1" vrrptest
ip netns exec "$CL" ping -c 2 -W 1 "$VIP" >/dev/null 2>&1
check "nftables_counters: the drop rule counted the pings" sh -c \
	"ip netns exec '$D1' nft list chain inet vrrptest input | grep 'vips4' | grep -q 'counter packets [1-9]'"
stop d1
check "the named table is deleted at stop" no_table "$D1" vrrptest
check "no sanitizer report in the directors' logs" sh -c \
	"! cat '$T'/d1/*log* '$T'/d2/*log* 2>/dev/null | grep -E -q 'Sanitizer|runtime error:'"
