#!/bin/sh
# The VRRP I/O layer on a real wire: two network namespaces (A and B) on a
# veth pair, the test driver (vrrp_io_driver) in one, the driver or
# tcpdump in the other.  Covers multicast and unicast adverts over IPv4 and
# IPv6 (TTL / hop limit, TOS, source, destination, decoding), VIPs through
# rtnetlink with their attributes and idempotent add, gratuitous ARP and
# unsolicited NA with a chosen source MAC, and link events.
#
# Root only; the namespaces are vrrpio-a-PID / vrrpio-b-PID, removed by the
# EXIT trap together with the temporary folder and any process this test
# started (by PID).  Every wait is bounded.  Addresses are from the
# documentation ranges.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

DRV="${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp_io_driver"
NA="vrrpio-a-$$"
NB="vrrpio-b-$$"
NS_A=""
NS_B=""
BG=""
T=""

io_cleanup() {
	set +e
	for _p in $BG; do
		kill -0 "$_p" 2>/dev/null && kill -TERM "$_p" 2>/dev/null
	done
	for _p in $BG; do
		wait "$_p" 2>/dev/null
	done
	[ -n "$NS_A" ] && ip netns del "$NA" 2>/dev/null
	[ -n "$NS_B" ] && ip netns del "$NB" 2>/dev/null
	if [ -n "$T" ]; then
		if [ "$FAILED" -gt 0 ]; then
			for _f in "$T"/*; do
				[ -f "$_f" ] || continue
				diag "---- $(basename "$_f") ----"
				sed 's/^/# /' "$_f"
			done
		fi
		rm -rf "$T"
	fi
}
trap io_cleanup EXIT
trap 'exit 1' INT TERM HUP

[ "$(id -u)" = 0 ] || skip_all "needs root"
command -v ip >/dev/null 2>&1 || skip_all "ip (iproute2) not installed"
command -v tcpdump >/dev/null 2>&1 || skip_all "tcpdump not installed"
command -v timeout >/dev/null 2>&1 || skip_all "timeout (coreutils) not installed"
[ -x "$DRV" ] || skip_all "$DRV not built"
ip netns add "$NA" 2>/dev/null || skip_all "cannot create a network namespace"
NS_A=1
ip netns add "$NB" 2>/dev/null || skip_all "cannot create a second network namespace"
NS_B=1
T=$(mktemp -d "${TMPDIR:-/tmp}/vrrp-io.XXXXXX")

A() { ip netns exec "$NA" "$@"; }
B() { ip netns exec "$NB" "$@"; }

# The veth pair, no DAD so the link-local addresses are usable at once.
ip -n "$NA" link add a0 type veth peer name b0 netns "$NB" || skip_all "cannot create a veth pair"
A sysctl -qw net.ipv6.conf.a0.accept_dad=0
B sysctl -qw net.ipv6.conf.b0.accept_dad=0
ip -n "$NA" link set lo up
ip -n "$NB" link set lo up
ip -n "$NA" addr add 192.0.2.1/24 brd + dev a0
ip -n "$NB" addr add 192.0.2.2/24 brd + dev b0
ip -n "$NA" link set a0 up
ip -n "$NB" link set b0 up

linklocal() { # NS DEV
	ip -n "$1" -6 -o addr show dev "$2" scope link 2>/dev/null | \
		grep -v tentative | sed -n 's/.* inet6 \([^/]*\)\/.*/\1/p' | head -n 1
}
have_ll() { [ -n "$(linklocal "$NA" a0)" ] && [ -n "$(linklocal "$NB" b0)" ]; }
wait_until 50 have_ll || diag "link-local addresses not ready"
LL_A=$(linklocal "$NA" a0)
LL_B=$(linklocal "$NB" b0)
MAC_A=$(ip -n "$NA" -o link show a0 | sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p')
diag "A: a0 $MAC_A $LL_A; B: b0 $LL_B"

echo "1..38"

# bg NAME command...: run in the background, output in $T/NAME(.err),
# remember the PID in $LAST.
bg() {
	_bg_n=$1; shift
	"$@" >"$T/$_bg_n" 2>"$T/$_bg_n.err" &
	LAST=$!
	BG="$BG $LAST"
}
has() { grep -q -- "$2" "$T/$1" 2>/dev/null; }
# Wait (bounded by the `timeout` of the command) for a background job.
reap() { wait "$1" 2>/dev/null; }

# tcpdump NAME filter...: one packet on b0, verbose, with link headers.
td() {
	_td_n=$1; shift
	bg "$_td_n" timeout 10 ip netns exec "$NB" tcpdump -i b0 -n -l -e -v -c 1 "$@"
	TD=$LAST
	wait_until 50 grep -qs "listening on" "$T/$_td_n.err"
}

# ---------------------------------------------------------------- links
A "$DRV" link a0 >"$T/link" 2>&1
check "link lookup by name and index" has link "name=a0 mac=$MAC_A up=1"

# ------------------------------------------------------- IPv4 multicast
bg rx4 timeout 10 ip netns exec "$NB" "$DRV" recv b0 4 --timeout 8000
RX=$LAST
wait_until 50 has rx4 ready
td td4 ip proto 112
A "$DRV" send a0 4 --vrid 51 --prio 100 --vip 192.0.2.200 --count 3 >"$T/tx4" 2>&1
check "IPv4 multicast advert sent" has tx4 "sent 3"
reap "$RX"
check "IPv4 multicast advert received and decoded" \
	has rx4 "rx reason=ok src=192.0.2.1 dst=224.0.0.18 ttl=255 ifindex=.* tos=0xc0 id=.* version=3 vrid=51 prio=100 naddr=1 vip=192.0.2.200"
check "IPv4 advert carries a non-zero IP id" sh -c "! grep -q ' id=0 ' '$T/rx4'"
reap "$TD"
check "IPv4 advert on the wire: tos 0xc0, ttl 255, proto VRRP" \
	has td4 "tos 0xc0, ttl 255, .*proto VRRP (112)"
check "IPv4 advert on the wire: tcpdump's VRRPv3 dissector agrees" \
	has td4 "192.0.2.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 100"

# configurable group
bg rx4g timeout 10 ip netns exec "$NB" "$DRV" recv b0 4 --group 224.0.0.19 --timeout 8000
RX=$LAST
wait_until 50 has rx4g ready
A "$DRV" send a0 4 --dst 224.0.0.19 --count 3 >/dev/null 2>&1
reap "$RX"
check "IPv4 advert to a configured group (224.0.0.19)" \
	has rx4g "rx reason=ok src=192.0.2.1 dst=224.0.0.19 ttl=255"

# ------------------------------------------------------- IPv6 multicast
bg rx6 timeout 10 ip netns exec "$NB" "$DRV" recv b0 6 --timeout 8000
RX=$LAST
wait_until 50 has rx6 ready
td td6 ip6 proto 112
A "$DRV" send a0 6 --vrid 52 --prio 200 --vip 2001:db8::200 --count 3 >"$T/tx6" 2>&1
check "IPv6 multicast advert sent" has tx6 "sent 3"
reap "$RX"
check "IPv6 multicast advert received from the link-local source, hop limit 255" \
	has rx6 "rx reason=ok src=$LL_A dst=ff02::12 ttl=255 ifindex=.* version=3 vrid=52 prio=200 naddr=1 vip=2001:db8::200"
reap "$TD"
check "IPv6 advert on the wire: class 0xc0, hlim 255" \
	has td6 "class 0xc0, .*hlim 255, next-header VRRP (112)"
check "IPv6 advert on the wire: tcpdump's VRRPv3 dissector agrees" \
	has td6 "$LL_A > ff02::12: VRRPv3, Advertisement, vrid 52, prio 200"

# -------------------------------------------------------------- unicast
bg rxu timeout 10 ip netns exec "$NB" "$DRV" recv b0 4 --no-join --timeout 8000
RX=$LAST
wait_until 50 has rxu ready
A "$DRV" send a0 4 --dst 192.0.2.2 --ttl 10 --count 3 >/dev/null 2>&1
reap "$RX"
check "IPv4 unicast advert with unicast_ttl 10" \
	has rxu "rx reason=ok src=192.0.2.1 dst=192.0.2.2 ttl=10 .*tos=0xc0"

bg rxu6 timeout 10 ip netns exec "$NB" "$DRV" recv b0 6 --no-join --timeout 8000
RX=$LAST
wait_until 50 has rxu6 ready
A "$DRV" send a0 6 --dst "$LL_B" --ttl 7 --count 3 >/dev/null 2>&1
reap "$RX"
check "IPv6 unicast advert with hop limit 7" \
	has rxu6 "rx reason=ok src=$LL_A dst=$LL_B ttl=7"

# AH (v2): our IPv4 header with a non-zero id, signed, verified by the
# receiver on a protocol-51 socket; a wrong key fails the ICV.
bg rxah timeout 10 ip netns exec "$NB" "$DRV" recv b0 4 --ah s3cret --timeout 8000
RX=$LAST
wait_until 50 has rxah ready
A "$DRV" send a0 4 --ah s3cret --count 3 >"$T/txah" 2>&1
reap "$RX"
check "IPv4 AH advert: signed, received, ICV verified" \
	has rxah "rx reason=ok src=192.0.2.1 dst=224.0.0.18 ttl=255 .*tos=0xc0 id=[1-9][0-9]* ah=ok seq=1 version=2"
bg rxah2 timeout 10 ip netns exec "$NB" "$DRV" recv b0 4 --ah wrong --timeout 8000
RX=$LAST
wait_until 50 has rxah2 ready
A "$DRV" send a0 4 --ah s3cret --count 3 >/dev/null 2>&1
reap "$RX"
check "IPv4 AH advert with another key fails the ICV" has rxah2 "ah=ah-icv"

# A receiver that did not join the group hears no multicast.
bg rxn timeout 10 ip netns exec "$NB" "$DRV" recv b0 4 --no-join --group 224.0.0.19 --timeout 1500
RX=$LAST
wait_until 50 has rxn ready
A "$DRV" send a0 4 --dst 224.0.0.19 --count 3 >/dev/null 2>&1
reap "$RX"
check "no join, no multicast" has rxn "^timeout"

# ----------------------------------------------------------------- VIPs
ipaddr() { ip -n "$NA" -o addr show dev a0; }
A "$DRV" addr add a0 192.0.2.100/24 brd 192.0.2.255 label a0:vip >"$T/add1" 2>&1
check "VIP added" has add1 "^added"
check "VIP shows with its broadcast and label" \
	sh -c "ip -n '$NA' -o addr show dev a0 | grep -q 'inet 192.0.2.100/24 brd 192.0.2.255 scope global secondary a0:vip'"
A "$DRV" addr add a0 192.0.2.100/24 brd 192.0.2.255 label a0:vip >"$T/add2" 2>&1
check "adding a present VIP adopts it, no error" has add2 "^adopted"
A "$DRV" addr present a0 192.0.2.100/24 >"$T/pres" 2>&1
check "VIP reported present" has pres "^present"
A "$DRV" addr list a0 >"$T/list" 2>&1
check "address list shows the VIP with its attributes" \
	has list "addr 192.0.2.100/24 brd 192.0.2.255 scope 0 flags 0x.* label a0:vip"
A "$DRV" addr del a0 192.0.2.100/24 brd 192.0.2.255 label a0:vip >"$T/del1" 2>&1
check "VIP deleted" sh -c "grep -q '^deleted' '$T/del1' && ! ip -n '$NA' addr show dev a0 | grep -q 192.0.2.100"
A "$DRV" addr del a0 192.0.2.100/24 >"$T/del2" 2>&1
check "deleting an absent VIP says so, no error" has del2 "^absent"

A "$DRV" addr add a0 2001:db8::100/64 nodad noprefixroute >"$T/add6" 2>&1
check "IPv6 VIP with nodad and noprefixroute" \
	sh -c "grep -q '^added' '$T/add6' && ip -n '$NA' -o -6 addr show dev a0 | grep -q 'inet6 2001:db8::100/64 scope global nodad noprefixroute'"
check "noprefixroute: no route for 2001:db8::/64" \
	sh -c "! ip -n '$NA' -6 route show dev a0 | grep -q '^2001:db8::/64'"
A "$DRV" addr del a0 2001:db8::100/64 >"$T/del6" 2>&1
check "IPv6 VIP deleted" \
	sh -c "grep -q '^deleted' '$T/del6' && ! ip -n '$NA' -6 addr show dev a0 | grep -q 2001:db8::100"

A "$DRV" addr add a0 198.51.100.1/32 peer 198.51.100.2 scope link >"$T/addp" 2>&1
check "VIP with peer and scope link" \
	sh -c "grep -q '^added' '$T/addp' && ip -n '$NA' -o addr show dev a0 | grep -q 'inet 198.51.100.1 peer 198.51.100.2/32 scope link'"
A "$DRV" addr del a0 198.51.100.1/32 peer 198.51.100.2 scope link >"$T/delp" 2>&1
check "peer VIP deleted" \
	sh -c "grep -q '^deleted' '$T/delp' && ! ip -n '$NA' addr show dev a0 | grep -q 198.51.100.1"

# ---------------------------------------------------- gratuitous ARP / NA
td tda 'arp and arp[14:4] = 0xc0000232'
A "$DRV" garp a0 192.0.2.50 >"$T/garp" 2>&1
reap "$TD"
check "gratuitous ARP from a0's MAC for 192.0.2.50" \
	has tda "$MAC_A > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: .*Request who-has 192.0.2.50 tell 192.0.2.50"
check "gratuitous ARP sender hardware address is a0's" has tda "Ethernet (len 6), IPv4 (len 4), Request who-has 192.0.2.50 tell 192.0.2.50"

td tdv 'arp and arp[14:4] = 0xc0000233'
A "$DRV" garp a0 192.0.2.51 00:00:5e:00:01:33 >"$T/garpv" 2>&1
reap "$TD"
check "gratuitous ARP with a virtual MAC as source" \
	has tdv "00:00:5e:00:01:33 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 60: .*Request who-has 192.0.2.51 tell 192.0.2.51"

td tdn 'icmp6 and ip6[40] == 136 and ip6[48:4] = 0x20010db8'
A "$DRV" na a0 2001:db8::50 >"$T/na" 2>&1
reap "$TD"
check "unsolicited NA: hop limit 255 to ff02::1 from a0's MAC" \
	has tdn "$MAC_A > 33:33:00:00:00:01, ethertype IPv6 (0x86dd).*hlim 255"
check "unsolicited NA: target, override flag, checksum" \
	has tdn "icmp6 sum ok.*neighbor advertisement, length 32, tgt is 2001:db8::50, Flags \[override\]"
check "unsolicited NA: target link-layer address is a0's MAC" \
	sh -c "tr '\n' ' ' <'$T/tdn' | grep -q 'destination link-address option (2), length 8 (1): $MAC_A'"

# ------------------------------------------------------------ link events
bg watch timeout 15 ip netns exec "$NA" "$DRV" watch a0 --count 2 --timeout 12000
W=$LAST
wait_until 50 has watch "ready a0 up=1"
ip -n "$NA" link set a0 down
check "link down reported within 3 s" wait_until 30 has watch "^down a0"
ip -n "$NA" link set a0 up
check "link up reported within 3 s" wait_until 30 has watch "^up a0"
reap "$W"

bg watchb timeout 15 ip netns exec "$NB" "$DRV" watch b0 --count 2 --timeout 12000
W=$LAST
wait_until 50 has watchb "ready b0"
ip -n "$NA" link del a0
check "deletion of the peer: b0 reported down, then deleted, within 3 s" \
	wait_until 30 sh -c "tr '\n' ' ' <'$T/watchb' | grep -q 'down b0 del b0'"
reap "$W"

check "no sanitizer report" sh -c "! cat '$T'/* | grep -E -q 'Sanitizer|runtime error:'"
[ "$FAILED" -eq 0 ]
