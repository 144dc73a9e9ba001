#!/bin/sh
# Wireshark's dissector finds nothing wrong in tandem's packets.  One
# director (d1) runs tandem -P with an instance of every packet flavour at
# once -- VRRPv2 without authentication, with PASS and with AH (HMAC-MD5-96),
# VRRPv3 over IPv4 with three addresses, VRRPv3 over IPv6, VRRPv3 by IPv4
# unicast, and VRRPv3 with v3_checksum_as_v2 -- while tcpdump records the
# bridge.  tandem is stopped inside the capture, so its priority-0 adverts
# are in it too, with the gratuitous ARPs and neighbour advertisements.
# tshark then reads the capture with IPv4 header checksum validation on:
# no packet may be malformed or carry an expert warning or error, every
# VRRP checksum must verify (the one v3_checksum_as_v2 instance with the
# dissector's vrrp.v3_checksum_as_in_v2 preference, which validates that
# flavour), and each flavour must be there with the fields it should have.
# Last, a copy of the capture with one advert's checksum corrupted must be
# flagged, so the analysis is shown able to fail.
#
# Root only; skips when tshark or tcpdump is not installed.  Namespaces
# vrrpw-{br,d1,d2}-PID, the temporary folder and every process this test
# started (by PID) are removed by the EXIT trap.  Every wait is bounded.
# Addresses are from 192.0.2.0/24 and 2001:db8::/32.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

command -v tshark >/dev/null 2>&1 || skip_all "tshark not installed (scripts/install-deps)"
command -v tcpdump >/dev/null 2>&1 || skip_all "tcpdump not installed"
CAP_PID=""

dissect_cleanup() {
	set +e
	if [ -n "$CAP_PID" ] && alive "$CAP_PID" && \
	   [ "$(cat "/proc/$CAP_PID/comm" 2>/dev/null)" = tcpdump ]; then
		kill -TERM "$CAP_PID" 2>/dev/null
		wait "$CAP_PID" 2>/dev/null
	fi
	vrrp_lab_cleanup
}

vrrp_lab vrrpw
trap dissect_cleanup EXIT

echo "1..19"

VIP6=2001:db8::100
inst() {	# inst NAME VRID VERSION ADVERT_INT BODY-LINES...
	echo "vrrp_instance $1 {"
	echo "    interface eth0"
	echo "    virtual_router_id $2"
	echo "    priority 100"
	echo "    version $3"
	echo "    advert_int $4"
	shift 4
	for _l in "$@"; do echo "    $_l"; done
	echo "}"
}
{
	echo "global_defs {"
	echo "    router_id vrrp_dissect_test"
	echo "    vrrp_garp_master_delay 1"
	echo "}"
	inst V2NONE 1 2 1 "virtual_ipaddress { 192.0.2.101/24 }"
	inst V2PASS 2 2 1 "authentication { auth_type PASS" "auth_pass s3cret }" \
		"virtual_ipaddress { 192.0.2.102/24 }"
	inst V2AH 3 2 1 "authentication { auth_type AH" "auth_pass s3cret }" \
		"virtual_ipaddress { 192.0.2.103/24 }"
	inst V3 4 3 0.2 "virtual_ipaddress { 192.0.2.104/24" "192.0.2.114/24" \
		"192.0.2.124/24 }"
	inst V3V6 5 3 0.2 "virtual_ipaddress { $VIP6/64 -nodad }"
	inst V3UNI 6 3 0.2 "unicast_src_ip 192.0.2.1" "unicast_peer { 192.0.2.2 }" \
		"virtual_ipaddress { 192.0.2.106/24 }"
	inst V3ASV2 7 3 0.2 "v3_checksum_as_v2" "virtual_ipaddress { 192.0.2.107/24 }"
} >"$CONF"

PCAP="$T/vrrp.pcap"
ip netns exec "$BR" tcpdump -i br0 --immediate-mode -U -s 0 -w "$PCAP" >"$T/tcpdump.log" 2>&1 &
CAP_PID=$!
wait_until 50 grep -q "listening on" "$T/tcpdump.log"
start d1
# Every instance is MASTER once the slowest (v2, 3 s + skew) has timed out.
wait_until 80 sh -c "[ \$(grep -c 'Entering MASTER STATE' '$T/d1/log') -ge 7 ]"
check "tandem: all 7 instances MASTER" \
	sh -c "[ \$(grep -c 'Entering MASTER STATE' '$T/d1/log') -ge 7 ]"
sleep 2.5
stop d1
check "tandem stopped cleanly" [ "$RC" = 0 ]
sleep 0.3
kill -INT "$CAP_PID" 2>/dev/null
wait "$CAP_PID" 2>/dev/null
CAP_PID=""

ts() { _r=$1; shift; tshark -n -r "$_r" -o ip.check_checksum:TRUE "$@" 2>>"$T/tshark.err"; }
count() { _f=$1; shift; ts "$_f" -Y "$*" | wc -l; }

n=$(count "$PCAP" vrrp)
check "the capture holds tandem's adverts ($n)" [ "$n" -ge 40 ]
# VRID 7 sums as v2 on purpose: its checksum is checked below, with the
# dissector's preference for that flavour.
bad=$(ts "$PCAP" -Y '(_ws.malformed || _ws.expert.severity >= "Warning") && !(vrrp.virt_rtr_id == 7)' | head -5)
[ -z "$bad" ] || diag "flagged: $bad"
check "no packet malformed or with an expert warning or error" [ -z "$bad" ]
x=$(ts "$PCAP" -q -z 'expert,warn,!(vrrp.virt_rtr_id == 7)' | grep -E '^(Errors|Warns) \(' || true)
[ -z "$x" ] || diag "expert: $x"
check "tshark's expert summary has no warnings or errors" [ -z "$x" ]
x=$(ts "$PCAP" -o vrrp.v3_checksum_as_in_v2:TRUE -q -z 'expert,warn,vrrp.virt_rtr_id == 7' | grep -E '^(Errors|Warns) \(' || true)
[ -z "$x" ] || diag "expert: $x"
check "nor for the v3_checksum_as_v2 instance with the dissector read as v2" [ -z "$x" ]

# Every VRRP checksum verifies (status 1, "Good") with the dissector's
# default pseudo-header reading, except VRID 7, which needs the v2 reading.
n=$(count "$PCAP" 'vrrp && vrrp.virt_rtr_id != 7 && vrrp.checksum.status != 1')
check "every VRRP checksum is good (pseudo-header v3 sums; $n not)" [ "$n" = 0 ]
n=$(ts "$PCAP" -o vrrp.v3_checksum_as_in_v2:TRUE \
	-Y 'vrrp.virt_rtr_id == 7 && vrrp.checksum.status != 1' | wc -l)
m=$(count "$PCAP" 'vrrp.virt_rtr_id == 7')
check "v3_checksum_as_v2: $m adverts, all good as v2 sums ($n not)" \
	sh -c "[ $m -ge 10 ] && [ $n = 0 ]"

# Each flavour is there with its fields.
n=$(count "$PCAP" 'vrrp.virt_rtr_id == 1 && vrrp.version == 2 && vrrp.auth_type == 0 && ip.ttl == 255 && ip.dst == 224.0.0.18 && ip.dsfield.dscp == 48 && vrrp.adver_int == 1')
check "v2 none: TTL 255, DSCP CS6, to 224.0.0.18, interval 1 ($n)" [ "$n" -ge 3 ]
n=$(count "$PCAP" 'vrrp.virt_rtr_id == 2 && vrrp.auth_type == 1 && vrrp.auth_string == "s3cret"')
check "v2 PASS: the password in the auth data ($n)" [ "$n" -ge 3 ]
n=$(count "$PCAP" 'vrrp.virt_rtr_id == 3 && vrrp.auth_type == 2 && ah.next_header == 112 && ah.length == 4 && ip.proto == 51 && ip.ttl == 255')
check "v2 AH: an AH header (next header VRRP, ICV 96 bits) before VRRP ($n)" [ "$n" -ge 3 ]
n=$(ts "$PCAP" -Y 'vrrp.virt_rtr_id == 3' -T fields -e ah.sequence | sort -n -u | wc -l)
m=$(count "$PCAP" 'vrrp.virt_rtr_id == 3')
check "v2 AH: a new sequence number in each advert ($n of $m)" [ "$n" = "$m" ]
n=$(count "$PCAP" 'vrrp.virt_rtr_id == 4 && vrrp.version == 3 && vrrp.addr_count == 3 && vrrp.ip_addr == 192.0.2.124 && vrrp.short_adver_int == 20 && vrrp.reserved_mbz == 0')
check "v3 IPv4: 3 addresses, interval 20 cs ($n)" [ "$n" -ge 10 ]
n=$(count "$PCAP" 'vrrp.virt_rtr_id == 5 && vrrp.version == 3 && ipv6.dst == ff02::12 && ipv6.hlim == 255 && ipv6.src == fe80::/10 && vrrp.ipv6_addr == 2001:db8::100')
check "v3 IPv6: from a link-local address to ff02::12, hop limit 255 ($n)" [ "$n" -ge 10 ]
n=$(count "$PCAP" 'vrrp.virt_rtr_id == 6 && !icmp && ip.src == 192.0.2.1 && ip.dst == 192.0.2.2')
check "v3 unicast: from 192.0.2.1 to the peer 192.0.2.2 ($n)" [ "$n" -ge 10 ]
n=$(ts "$PCAP" -Y 'vrrp.prio == 0' -T fields -e vrrp.virt_rtr_id | sort -u | wc -l)
check "priority-0 adverts on stop from all 7 instances ($n)" [ "$n" = 7 ]
n=$(count "$PCAP" 'arp.opcode == 1 && arp.src.proto_ipv4 == arp.dst.proto_ipv4 && arp.src.proto_ipv4 == 192.0.2.101')
m=$(count "$PCAP" 'icmpv6.type == 136 && icmpv6.nd.na.target_address == 2001:db8::100')
check "gratuitous ARP and unsolicited NA for the VIPs ($n ARP, $m NA)" \
	sh -c "[ $n -ge 1 ] && [ $m -ge 1 ]"

# The analysis can fail: flip a bit in one VRRPv3 advert's checksum (the
# first one, of an instance summed with the pseudo-header).
python3 - "$PCAP" "$T/bad.pcap" <<'EOF'
import struct, sys
data = bytearray(open(sys.argv[1], 'rb').read())
off = 24
while off + 16 <= len(data):
    incl = struct.unpack_from('<I', data, off + 8)[0]
    pkt = off + 16
    # Ethernet, IPv4, protocol 112, VRRP version 3: corrupt its checksum.
    if data[pkt + 12:pkt + 14] == b'\x08\x00' and data[pkt + 23] == 112:
        vrrp = pkt + 14 + (data[pkt + 14] & 0x0f) * 4
        if data[vrrp] >> 4 == 3 and data[vrrp + 1] != 7:
            data[vrrp + 7] ^= 0x01
            break
    off = pkt + incl
open(sys.argv[2], 'wb').write(data)
EOF
n=$(count "$T/bad.pcap" '_ws.expert.severity >= "Warning" && vrrp.checksum.status == 0 && vrrp.virt_rtr_id != 7')
check "a corrupted copy of one advert is flagged ($n)" [ "$n" = 1 ]

check "no sanitizer report in tandem's log" \
	sh -c "! grep -E -q 'Sanitizer|runtime error:' '$T/d1/log'"
if [ "$FAILED" -gt 0 ] && [ -s "$T/tshark.err" ]; then
	diag "---- tshark ----"
	sed 's/^/# /' "$T/tshark.err"
fi
