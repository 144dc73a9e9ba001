#!/bin/sh
# garp_group and global_defs' vrrp_garp_interval: the gap between two
# gratuitous ARPs on an interface (or on a set of interfaces together).
# Director d1 of the shared lab runs alone, state MASTER, with two VIPs
# on eth0 and garp_master_repeat 4: it sends 8 gratuitous ARPs on
# becoming master.  A packet socket on its bridge ports (in the bridge
# namespace) stamps each one with the kernel's receive time (an ETH_P_ALL
# tap: one for ARP alone sees nothing on a bridge port).
#
#   - no pacing: the 8 come in one burst (under 0.25 s from first to last);
#   - garp_group { garp_interval 0.3; interface eth0 }: 8, no two closer
#     than 0.25 s, the whole run at least 1.9 s;
#   - a garp_group for another interface leaves eth0 unpaced;
#   - global_defs vrrp_garp_interval 0.3 without a garp_group paces eth0;
#   - garp_group { gna_interval 0.3; interface eth0 } and an IPv6
#     instance: its 8 unsolicited NAs no closer than 0.25 s;
#   - garp_group { interfaces { eth0 eth1 } } with one VIP on each: the
#     gap holds across the two interfaces together (ARPs on eth0 and on
#     eth1 alternate, no two closer than 0.25 s);
#   - the config is refused with both interface and interfaces, and with
#     an interface in two blocks.
#
# Root only.  Namespaces vrrpg-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses from RFC 5737 and 10.1.255.0/24.

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SRC/test/integration/lib.sh"
. "$SRC/test/integration/vrrp-lab.sh"

vrrp_lab vrrpg
vrrp_lab_net 1

echo "1..16"

# cap.py SECONDS PORT...: one line per gratuitous ARP seen on the ports,
# "TIME PORT ADDR" (TIME: the kernel's receive stamp, seconds).
cat >"$T/cap.py" <<'EOS'
import select, socket, struct, sys, time
SO_TIMESTAMPNS = 35
secs = float(sys.argv[1])
socks = {}
for port in sys.argv[2:]:
    # ETH_P_ALL: a tap for one protocol sees nothing on a bridge port
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((port, 3))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    socks[s] = port
print("ready", flush=True)
end = time.monotonic() + secs
while time.monotonic() < end:
    r, _, _ = select.select(list(socks), [], [], 0.05)
    for s in r:
        pkt, anc, _, sll = s.recvmsg(2048, socket.CMSG_SPACE(16))
        # what the director sent, coming in on the port (not flooded out
        # of it): a gratuitous ARP (sender address = target address) or
        # an unsolicited NA (ICMPv6 type 136; its target)
        if sll[2] == socket.PACKET_OUTGOING:
            continue
        if (len(pkt) >= 42 and pkt[12:14] == b"\x08\x06" and
                pkt[28:32] == pkt[38:42]):
            addr = socket.inet_ntoa(pkt[28:32])
        elif (len(pkt) >= 78 and pkt[12:14] == b"\x86\xdd" and
                pkt[20] == 58 and pkt[54] == 136):
            addr = socket.inet_ntop(socket.AF_INET6, pkt[62:78])
        else:
            continue
        t = time.time()
        for lvl, typ, data in anc:
            if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
                sec, ns = struct.unpack("qq", data[:16])
                t = sec + ns / 1e9
        print("%.6f %s %s" % (t, socks[s], addr), flush=True)
EOS

# conf GLOBAL_LINES TOP_LINES [VIP2_LINE]
conf() {
	{
		echo "global_defs {"
		printf '%s\n' "$1"
		echo "}"
		printf '%s\n' "$2"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    state MASTER"
		echo "    virtual_router_id 51"
		echo "    priority 200"
		echo "    version 3"
		echo "    advert_int 1"
		echo "    garp_master_delay 0"
		echo "    garp_master_repeat 4"
		echo "    virtual_ipaddress {"
		echo "        192.0.2.100/24"
		echo "        ${3:-192.0.2.101/24}"
		echo "    }"
		echo "}"
	} >"$CONF"
}

# run SECONDS PORT...: start d1 under a capture, stop it; lines in $T/cap
run() {
	_s=$1; shift
	rm -f "$T/cap"
	ip netns exec "$BR" python3 "$T/cap.py" "$_s" "$@" >"$T/cap" 2>&1 &
	_cp=$!
	wait_until 50 grep -q ready "$T/cap"
	start d1
	wait "$_cp"
	stop d1
	cat "$T/d1/log" >>"$T/d1/old.log"; : >"$T/d1/log"
	grep -v ready "$T/cap" >"$T/garps"
}
count() { wc -l <"$T/garps" | tr -d ' '; }
# the least gap between two ARPs, and first to last (ms)
gaps() {
	awk 'NR > 1 { g = ($1 - p) * 1000; if (min == "" || g < min) min = g }
	     NR == 1 { f = $1 } { p = $1 }
	     END { printf "%d %d\n", min == "" ? -1 : min, (p - f) * 1000 }' "$T/garps"
}

conf "" ""
run 1.5 p-d1
set -- $(gaps)
check "unpaced: 8 gratuitous ARPs ($(count))" [ "$(count)" = 8 ]
check "unpaced: in one burst (first to last ${2} ms)" [ "$2" -lt 250 ]

conf "" "garp_group {
    garp_interval 0.3
    interface eth0
}"
run 4.5 p-d1
set -- $(gaps)
check "garp_group eth0 0.3 s: 8 gratuitous ARPs ($(count))" [ "$(count)" = 8 ]
check "garp_group eth0 0.3 s: no two closer than 250 ms (least $1 ms)" [ "$1" -ge 250 ]
check "garp_group eth0 0.3 s: first to last at least 1900 ms ($2 ms)" [ "$2" -ge 1900 ]

conf "" "garp_group {
    garp_interval 0.3
    interface eth1
}"
run 1.5 p-d1
set -- $(gaps)
check "garp_group for eth1 leaves eth0 unpaced ($(count), $2 ms)" \
	[ "$(count)/$(($2 < 250))" = 8/1 ]

conf "    vrrp_garp_interval 0.3" ""
run 4.5 p-d1
set -- $(gaps)
check "global vrrp_garp_interval 0.3: 8 ARPs ($(count))" [ "$(count)" = 8 ]
check "global vrrp_garp_interval 0.3: least gap $1 ms >= 250" [ "$1" -ge 250 ]

conf "" "garp_group {
    garp_interval 0.3
    interfaces {
        eth0
        eth1
    }
}" "10.1.255.100/24 dev eth1"
run 4.5 p-d1 p-d1-1
set -- $(gaps)
check "interfaces { eth0 eth1 }: 8 ARPs ($(count))" [ "$(count)" = 8 ]
check "interfaces { eth0 eth1 }: 4 of them on eth1" \
	[ "$(grep -c ' p-d1-1 10.1.255.100$' "$T/garps")" = 4 ]
check "interfaces { eth0 eth1 }: no two closer than 250 ms across both (least $1 ms)" \
	[ "$1" -ge 250 ]

# NAs: an IPv6 instance, gna_interval alone in the block
{ echo "garp_group {"; echo "    gna_interval 0.3"; echo "    interface eth0"
  echo "}"
  echo "vrrp_instance VI_6 {"
  echo "    interface eth0"
  echo "    state MASTER"
  echo "    virtual_router_id 56"
  echo "    priority 200"
  echo "    advert_int 1"
  echo "    garp_master_delay 0"
  echo "    garp_master_repeat 4"
  echo "    virtual_ipaddress {"
  echo "        2001:db8::100/64"
  echo "        2001:db8::101/64"
  echo "    }"
  echo "}"; } >"$CONF"
run 4.5 p-d1
set -- $(gaps)
check "garp_group gna_interval 0.3 s: 8 unsolicited NAs ($(count))" [ "$(count)" = 8 ]
check "gna_interval 0.3 s: no two NAs closer than 250 ms (least $1 ms)" [ "$1" -ge 250 ]

# refused configurations, with the block's location
conf "" "garp_group {
    garp_interval 0.3
    interface eth0
    interfaces {
        eth1
    }
}"
"$TANDEM" -t -f "$CONF" >"$T/out" 2>&1; rc=$?
check "interface and interfaces in one block: refused ($rc)" \
	sh -c "[ $rc != 0 ] && grep -q 'tandem.conf:[0-9]*: error: interfaces: give interface or interfaces, not both' '$T/out'"
conf "" "garp_group {
    interface eth0
}
garp_group {
    interfaces {
        eth1
        eth0
    }
}"
"$TANDEM" -t -f "$CONF" >"$T/out" 2>&1; rc=$?
check "an interface in two garp_groups: refused ($rc)" \
	sh -c "[ $rc != 0 ] && grep -q \"tandem.conf:7: error: garp_group: interface 'eth0' is already in the garp_group at .*tandem.conf:4\" '$T/out'"

check "no sanitizer report in the log" \
	sh -c "! cat '$T'/d1/*log* | grep -E -q 'Sanitizer|runtime error:'"
exit 0
