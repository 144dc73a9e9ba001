#!/bin/sh
# no_accept through ipsets and iptables (global_defs vrrp_iptables,
# vrrp_ipsets), seen from a client: two directors of the shared lab (d1
# priority 150, d2 100) and a TCP listener on d1, as in vrrp-noaccept.sh.
#
#   - vrrp_iptables + vrrp_ipsets NAME: the master (not the address
#     owner) holds the VIP and answers ARP for it, its VIP is in the
#     hash:ip set NAME, INPUT and OUTPUT have the set rules (iptables -S,
#     ip6tables -S), ping and TCP to the VIP are dropped while the
#     director's own address still answers; the backup has the rules and
#     an empty set; a stopped director removes its rules and destroys its
#     sets; the new master drops too;
#   - kill -9 and a fresh start: the leftover rules are adopted, not
#     doubled;
#   - no vrrp_ipsets: sets named tandem, tandem6, tandem_if6; one chain
#     named: no output-side rules;
#   - accept: no set, no rule, the VIP answers;
#   - vrrp_iptables IN OUT with a vrrp_ipsets that names nothing: a rule
#     per VIP at the head of the admin's own chains, removed at stop;
#   - use_vmac with vrrp_iptables IN OUT: the IGMP and MLD sets
#     (vrrp_ipsets' 4th and 5th names, hash:net,iface) hold the VMAC, the
#     output chain drops the reports to 224.0.0.22 / ff02::16 leaving by
#     it (a group joined on the VMAC: the rule's counter grows), and the
#     sets and rules go at stop;
#   - IPv6: a global VIP in SET6, a link-local one in SET_IF6 with its
#     interface;
#   - a chain that does not exist: the instance is not started, the log
#     names the chain;
#   - a reload that drops vrrp_iptables: rules and sets go, nftables
#     takes over; one that drops no_accept: the firewall goes; both
#     nftables and vrrp_iptables: nftables (keepalived's precedence).
#
# Root only.  Namespaces vrrpi-{br,d1,d2,c}-PID, the temporary folder,
# the tandems and the listener this test started (by PID) go in the EXIT
# trap.  Every wait is bounded.  Addresses: 192.0.2.0/24 (RFC 5737),
# inside the namespaces only.

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SRC/test/integration/lib.sh"
. "$SRC/test/integration/vrrp-lab.sh"

LISTENER=""
vrrp_lab vrrpi client
trap 'kill "$LISTENER" 2>/dev/null; vrrp_lab_cleanup' EXIT
for _c in iptables ip6tables ipset ping nft; do
	command -v "$_c" >/dev/null 2>&1 || skip_all "$_c not installed"
done
ip netns exec "$D1" iptables -S INPUT >/dev/null 2>&1 || skip_all "no iptables in the kernel"
ip netns exec "$D1" ipset list -n >/dev/null 2>&1 || skip_all "no ipset in the kernel"

echo "1..46"

# conf GLOBAL_LINES INSTANCE_LINES
conf() {
	{
		echo "global_defs {"
		echo "    vrrp_garp_master_delay 0"
		printf '%s\n' "$1"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 55"
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
in_set() {	# NS SET: the VIP is in the set
	ip netns exec "$1" ipset list "$2" 2>/dev/null | grep -q "^$VIP\$"
}
set_empty() {	# NS SET: the set exists, without the VIP
	ip netns exec "$1" ipset list "$2" >/dev/null 2>&1 && ! in_set "$1" "$2"
}
no_set() { ! ip netns exec "$1" ipset list "$2" >/dev/null 2>&1; }
# rules NS CMD CHAIN PATTERN: how many rules of CHAIN match PATTERN
rules() { ip netns exec "$1" "$2" -S "$3" 2>/dev/null | grep -c -- "$4"; }
has_rules() {	# NS SET4 SET6 SET_IF6: the set rules in INPUT and OUTPUT, once each
	[ "$(rules "$1" iptables INPUT "match-set $2 dst -j DROP")" = 1 ] &&
	[ "$(rules "$1" iptables OUTPUT "match-set $2 src -j DROP")" = 1 ] &&
	[ "$(rules "$1" ip6tables INPUT "match-set $3 dst")" = 2 ] &&
	[ "$(rules "$1" ip6tables INPUT "match-set $4 dst,src")" = 2 ] &&
	[ "$(rules "$1" ip6tables OUTPUT "match-set $3 src")" = 2 ] &&
	[ "$(rules "$1" ip6tables OUTPUT "match-set $4 src,dst")" = 2 ]
}
no_rules() {	# NS: no match-set rule left anywhere
	! ip netns exec "$1" iptables -S 2>/dev/null | grep -q match-set &&
	! ip netns exec "$1" ip6tables -S 2>/dev/null | grep -q match-set
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

IPT="    vrrp_iptables
    vrrp_ipsets vt vt6 vt_if6"
conf "$IPT" "    no_accept"
start d1
check "no_accept with vrrp_iptables: d1 master with the VIP" wait_until 60 has_vip "$D1"
check "the VIP is in d1's ipset vt" wait_until 10 in_set "$D1" vt
check "the set rules are in INPUT and OUTPUT, once (iptables -S, ip6tables -S)" \
	has_rules "$D1" vt vt6 vt_if6
check "the IPv6 sets exist (hash:ip inet6, hash:net,iface)" sh -c \
	"ip netns exec '$D1' ipset list vt6 | grep -q 'hash:ip' && ip netns exec '$D1' ipset list vt_if6 | grep -q 'hash:net,iface'"
check "the client cannot ping the VIP" no_ping "$VIP"
check "the client's TCP connection to the VIP fails" no_tcp "$VIP"
check "d1 still answers ARP for the VIP" arp_ok
check "d1's own address still answers ping" ping_to 192.0.2.1
check "d1's own address still accepts TCP" wait_until 20 tcp_to 192.0.2.1
start d2
check "d2 (backup) has the rules and an empty set" wait_until 40 sh -c \
	"ip netns exec '$D2' iptables -S INPUT | grep -q 'match-set vt dst' && ip netns exec '$D2' ipset list vt >/dev/null 2>&1 && ! ip netns exec '$D2' ipset list vt 2>/dev/null | grep -q '^$VIP\$'"
stop d1
check "d1 stopped cleanly" [ "$RC" = 0 ]
check "d1 removed its rules" no_rules "$D1"
check "d1 destroyed its sets" sh -c "! ip netns exec '$D1' ipset list -n | grep -q '^vt'"
check "d2 takes over" wait_until 40 has_vip "$D2"
check "the VIP is in d2's set" wait_until 10 in_set "$D2" vt
check "the client cannot ping the VIP on d2" no_ping "$VIP"
stop d2
check "d2 removed its rules and sets at stop" sh -c \
	"! ip netns exec '$D2' iptables -S | grep -q match-set && ! ip netns exec '$D2' ipset list -n | grep -q '^vt'"

# A run killed with -9 leaves its rules and sets; the next one adopts them.
start d1
wait_until 60 in_set "$D1" vt
kill9 d1
check "kill -9 leaves the rules behind" [ "$(rules "$D1" iptables INPUT "match-set vt dst")" = 1 ]
check "and the VIP is still filtered" no_ping "$VIP"
_m=$(entered d1 MASTER)
start d1
check "after a fresh start d1 is master again, the VIP in its set" wait_until 60 sh -c \
	"[ \$(grep -c 'Entering MASTER STATE' '$T/d1/log') -gt $_m ] && ip netns exec '$D1' ipset list vt | grep -q '^$VIP\$'"
check "the leftover rules are adopted, not doubled" has_rules "$D1" vt vt6 vt_if6
check "the client cannot ping the VIP" no_ping "$VIP"

# A reload that drops vrrp_iptables: nftables takes over.
conf "" "    no_accept"
kill -HUP "$PID1"
check "reload without vrrp_iptables: the rules go" wait_until 60 no_rules "$D1"
check "and the sets" wait_until 20 no_set "$D1" vt
check "nftables takes over (table inet tandem holds the VIP)" wait_until 60 sh -c \
	"ip netns exec '$D1' nft list set inet tandem vips4 2>/dev/null | grep -q '$VIP'"
conf "" ""
kill -HUP "$PID1"
check "a reload that leaves no no_accept instance removes the firewall" \
	wait_until 60 no_table "$D1" tandem
stop d1

# keepalived's precedence: nftables and vrrp_iptables together mean nftables.
conf "    nftables
$IPT" "    no_accept"
start d1
check "nftables and vrrp_iptables: nftables is used" wait_until 60 sh -c \
	"ip netns exec '$D1' nft list set inet tandem vips4 2>/dev/null | grep -q '$VIP'"
check "and no ipset is made" no_set "$D1" vt
stop d1

# The defaults: ipsets named tandem*; one chain named: no output rules.
conf "    vrrp_iptables INPUT" "    no_accept"
start d1
check "no vrrp_ipsets: the VIP is in the set named tandem" wait_until 60 in_set "$D1" tandem
check "vrrp_iptables IN: rules in INPUT only" sh -c \
	"ip netns exec '$D1' iptables -S INPUT | grep -q 'match-set tandem dst' && ! ip netns exec '$D1' iptables -S OUTPUT | grep -q match-set"
stop d1

# use_vmac: the VMAC's IGMP / MLD reports are dropped on the way out
conf "$IPT" "    no_accept
    use_vmac"
start d1
check "use_vmac: the IGMP set vt_igmp (hash:net,iface) holds the VMAC" \
	wait_until 60 sh -c "ip netns exec '$D1' ipset list vt_igmp 2>/dev/null | grep -q 'hash:net,iface' && ip netns exec '$D1' ipset list vt_igmp | grep -q '^0.0.0.0/0,vrrp.55\$'"
check "the MLD set vt_mld (family inet6) holds the VMAC" sh -c \
	"ip netns exec '$D1' ipset list vt_mld | grep -q 'family inet6' && ip netns exec '$D1' ipset list vt_mld | grep -q '^::/0,vrrp.55\$'"
check "OUTPUT drops reports by vt_igmp and vt_mld, once each (iptables -S)" sh -c \
	"[ \$(ip netns exec '$D1' iptables -S OUTPUT | grep -c -- '-d 224.0.0.22/32 -m set --match-set vt_igmp dst,dst -j DROP') = 1 ] && [ \$(ip netns exec '$D1' ip6tables -S OUTPUT | grep -c -- '-d ff02::16/128 -m set --match-set vt_mld dst,dst -j DROP') = 1 ]"
igmp_drops() {
	ip netns exec "$D1" iptables -v -x -n -L OUTPUT 2>/dev/null |
		awk '/vt_igmp/ { print $1 }'
}
_before=$(igmp_drops)
# a group joined on the VMAC for a second: its IGMPv3 report goes to 224.0.0.22
ip netns exec "$D1" python3 -c "
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack('4s4si',
    socket.inet_aton('239.1.2.3'), socket.inet_aton('0.0.0.0'), socket.if_nametoindex('vrrp.55')))
time.sleep(1)
" 2>/dev/null
check "an IGMP report leaving by the VMAC is dropped (counter $_before -> $(igmp_drops))" \
	[ "$(igmp_drops)" -gt "${_before:-0}" ]
stop d1
check "at stop the IGMP / MLD sets are destroyed" sh -c \
	"! ip netns exec '$D1' ipset list -n | grep -q -e '^vt_igmp\$' -e '^vt_mld\$'"
check "and their rules deleted" no_rules "$D1"

conf "$IPT" ""
start d1
check "accept: d1 master, the client pings the VIP" wait_until 60 ping_to "$VIP"
check "accept: no set, no rule" sh -c "! ip netns exec '$D1' ipset list -n | grep -q '^vt' && ! ip netns exec '$D1' iptables -S | grep -q match-set"
stop d1

# The admin's own chains, and no ipsets: a rule per VIP.
for _t in iptables ip6tables; do
	ip netns exec "$D1" "$_t" -N KA_IN
	ip netns exec "$D1" "$_t" -N KA_OUT
	ip netns exec "$D1" "$_t" -A INPUT -j KA_IN
	ip netns exec "$D1" "$_t" -A OUTPUT -j KA_OUT
done
conf "    vrrp_iptables KA_IN KA_OUT
    vrrp_ipsets" "    no_accept"
start d1
check "vrrp_ipsets with no name: a rule for the VIP in KA_IN and KA_OUT" wait_until 60 sh -c \
	"ip netns exec '$D1' iptables -S KA_IN | grep -q -- '-d $VIP/32 -j DROP' && ip netns exec '$D1' iptables -S KA_OUT | grep -q -- '-s $VIP/32 -j DROP'"
check "no ipset is made" no_set "$D1" vt
check "the client cannot ping the VIP" no_ping "$VIP"
stop d1
check "the per-VIP rules are deleted at stop, the chains stay" sh -c \
	"[ \$(ip netns exec '$D1' iptables -S KA_IN | wc -l) = 1 ] && [ \$(ip netns exec '$D1' iptables -S KA_OUT | wc -l) = 1 ]"

# IPv6: a global VIP goes in SET6, a link-local one in SET_IF6 with its
# interface.
cat >"$CONF" <<EOF
global_defs {
    vrrp_garp_master_delay 0
$IPT
}
vrrp_instance VI_6 {
    interface eth0
    virtual_router_id 56
    priority 150
    version 3
    advert_int 0.5
    no_accept
    virtual_ipaddress {
        fe80::56/64
        2001:db8::56/64
    }
}
EOF
start d1
check "IPv6: the global VIP is in vt6" wait_until 60 sh -c \
	"ip netns exec '$D1' ipset list vt6 | grep -q '^2001:db8::56\$'"
check "IPv6: the link-local VIP is in vt_if6 with its interface" sh -c \
	"ip netns exec '$D1' ipset list vt_if6 | grep -q '^fe80::56,eth0\$'"
stop d1

conf "    vrrp_iptables NO_SUCH_CHAIN" "    no_accept"
start d1
check "a chain that does not exist: the instance is not started, the log says why" \
	wait_until 40 grep -q "no iptables chain NO_SUCH_CHAIN" "$T/d1/log"
stop d1
check "no sanitizer report in the directors' logs" sh -c \
	"! cat '$T'/d1/*log* '$T'/d2/*log* 2>/dev/null | grep -E -q 'Sanitizer|runtime error:'"
