#!/usr/bin/python3
# Packet source for vrrp-malformed.sh: builds VRRP adverts with scapy,
# well-formed or broken in exactly one way, and sends them on eth0 to
# 224.0.0.18 (IPv6: ff02::12 from $SRC6) at layer 2 (so nothing in the sender's stack rewrites the TTL
# or needs a multicast route).  It reads commands from stdin, one a line,
# "CLASS PRIORITY COUNT", and answers "done CLASS PRIORITY" on stdout once
# sent; one long-lived process, because importing scapy takes a second.
# The classes are the receive checks of RFC 5798 §7.1 and RFC 3768 §7.1.
import os
import sys

from scapy.all import Ether, IP, Raw, conf, get_if_hwaddr, sendp
from scapy.layers.inet6 import IPv6
from scapy.layers.vrrp import VRRP, VRRPv3

conf.verb = 0
SRC = "192.0.2.10"
GROUP = "224.0.0.18"
VIP3 = "192.0.2.100"	# the v3 instance (VRID 51, advert_int 0.2)
VIP2 = "192.0.2.101"	# the v2 instance (VRID 52, advert_int 1, PASS)
VIP6 = "2001:db8::100"	# the v3 IPv6 instance (VRID 53, advert_int 0.2)
SRC6 = os.environ.get("SRC6", "fe80::1")	# our link-local address
PASSWORD = b"secret\0\0"


def ip(ttl=255):
    return IP(src=SRC, dst=GROUP, ttl=ttl, proto=112)


def v3(prio, vrid=51, addrs=(VIP3,), ver=3, typ=1, count=None, ttl=255):
    return ip(ttl) / VRRPv3(version=ver, type=typ, vrid=vrid, priority=prio,
                            ipcount=len(addrs) if count is None else count,
                            adv=20, addrlist=list(addrs))


def v2(prio, vrid=52, addrs=(VIP2,), adv=1, authtype=1, pw=PASSWORD):
    return ip() / VRRP(version=2, vrid=vrid, priority=prio, ipcount=len(addrs),
                       authtype=authtype, adv=adv, addrlist=list(addrs),
                       auth1=int.from_bytes(pw[:4], "big"),
                       auth2=int.from_bytes(pw[4:8], "big"))


def v6(prio, hlim=255):
    return IPv6(src=SRC6, dst="ff02::12", hlim=hlim, nh=112) / VRRPv3(
        vrid=53, priority=prio, ipcount=1, adv=20, addrlist=[VIP6])


def bad_checksum6(prio):
    p = IPv6(bytes(v6(prio)))
    p[VRRPv3].chksum ^= 0x0101
    return p


def bad_checksum(prio):
    p = IP(bytes(v3(prio)))		# the checksum computed, then broken
    p[VRRPv3].chksum ^= 0x0101
    del p[IP].chksum
    return p


def truncated(prio):
    return ip() / Raw(bytes(v3(prio)[VRRPv3])[:4])


CLASSES = {
    "valid3": lambda p: v3(p),
    "checksum": bad_checksum,
    "version": lambda p: v3(p, ver=4),
    "v2_to_v3": lambda p: v2(p, vrid=51, addrs=(VIP3,)),
    "vrid": lambda p: v3(p, vrid=77),
    "ttl": lambda p: v3(p, ttl=254),
    "short": truncated,
    "length": lambda p: v3(p, count=2),
    "type": lambda p: v3(p, typ=2),
    "addrlist3": lambda p: v3(p, addrs=("192.0.2.200",)),
    "valid2": lambda p: v2(p),
    "interval2": lambda p: v2(p, adv=3),
    "addrlist2": lambda p: v2(p, addrs=("192.0.2.200",)),
    "password2": lambda p: v2(p, pw=b"wrong\0\0\0"),
    "authtype2": lambda p: v2(p, authtype=0, pw=b"\0" * 8),
    "badauth2": lambda p: v2(p, authtype=7),
    "valid6": lambda p: v6(p),
    "hoplimit6": lambda p: v6(p, hlim=254),
    "checksum6": bad_checksum6,
}

MAC = get_if_hwaddr("eth0")
for line in sys.stdin:
    words = line.split()
    if len(words) != 3 or words[0] not in CLASSES:
        print("error", line.strip(), flush=True)
        continue
    name, prio, count = words[0], int(words[1]), int(words[2])
    # The source MAC given: scapy would look for a route to the group,
    # find none and send from 00:00:00:00:00:00, which a bridge drops.
    l3 = CLASSES[name](prio)
    dst = "33:33:00:00:00:12" if IPv6 in l3 else "01:00:5e:00:00:12"
    pkt = Ether(src=MAC, dst=dst) / l3
    sendp(pkt, iface="eth0", count=count, inter=0.01)
    print("done", name, prio, flush=True)
