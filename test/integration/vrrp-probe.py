#!/usr/bin/env python3
# A forged VRRPv3 peer for test/integration/vrrp-options.sh, run inside the
# test's client namespace (traffic only on that namespace's link).
#
#   vrrp-probe.py IFACE OUR_ADDR VRID PRIO MASTER_ADDR VIP WINDOW
#
# It waits for an advert of VRID from MASTER_ADDR (at most 20 s; the
# master's adverts are sparse in the test, advert_int 10), waits one more
# second, then sends one VRRPv3 advert of priority PRIO from OUR_ADDR
# (interval 1 s, address list VIP, TTL 255, checksum over the IPv4
# pseudo-header) and for WINDOW seconds counts what the master sends:
# its adverts (and the priority of the first) and gratuitous ARPs for
# VIP.  Prints one line: "adverts=N prio=P garps=M first_ms=T".
# Everything is bounded in time; exit 2 if no advert was ever seen.
#
#   vrrp-probe.py --garps IFACE ADDR SECONDS
#
# only counts the gratuitous ARPs for ADDR seen on IFACE for SECONDS.
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
GROUP = "224.0.0.18"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def advert(src, vrid, prio, vip):
    addrs = socket.inet_aton(vip)
    # version 3, type 1; one address; max advert interval 100 cs
    body = struct.pack("!BBBBH", 0x31, vrid, prio, 1, 100) + b"\0\0" + addrs
    pseudo = (socket.inet_aton(src) + socket.inet_aton(GROUP) +
              struct.pack("!BBH", 0, 112, len(body)))
    c = csum(pseudo + body)
    return body[:6] + struct.pack("!H", c) + body[8:]


def is_garp(pkt, addr):
    # ARP after the Ethernet header: sender IP at 28, target IP at 38
    a = socket.inet_aton(addr)
    return len(pkt) >= 42 and pkt[28:32] == a and pkt[38:42] == a


def arp_socket(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ARP))
    s.bind((ifname, ETH_P_ARP))
    s.setblocking(False)
    return s


def count_garps(ifname, addr, secs):
    s = arp_socket(ifname)
    n, end = 0, time.monotonic() + secs
    while time.monotonic() < end:
        try:
            n += is_garp(s.recv(2048), addr)
        except BlockingIOError:
            time.sleep(0.005)
    print("garps=%d" % n)


def main():
    if sys.argv[1] == "--garps":
        count_garps(sys.argv[2], sys.argv[3], float(sys.argv[4]))
        return
    ifname, ours, vrid, prio, master, vip, window = sys.argv[1:8]
    vrid, prio, window = int(vrid), int(prio), float(window)
    ifindex = socket.if_nametoindex(ifname)

    rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
    # struct ip_mreqn: group, local address, ifindex (host order)
    rx.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                  struct.pack("=4s4si", socket.inet_aton(GROUP),
                              socket.inet_aton(ours), ifindex))
    rx.setblocking(False)
    arp = arp_socket(ifname)

    def adverts():
        got = []
        while True:
            try:
                pkt, addr = rx.recvfrom(2048)
            except BlockingIOError:
                return got
            ihl = (pkt[0] & 0x0F) * 4
            v = pkt[ihl:]
            if addr[0] == master and len(v) >= 8 and v[1] == vrid:
                got.append(v[2])

    def garps():
        n = 0
        while True:
            try:
                pkt = arp.recv(2048)
            except BlockingIOError:
                return n
            n += is_garp(pkt, vip)

    end = time.monotonic() + 20
    while not adverts():
        if time.monotonic() > end:
            print("no advert from %s seen" % master)
            sys.exit(2)
        time.sleep(0.01)
    time.sleep(1)
    adverts()
    garps()

    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                  socket.inet_aton(ours))
    tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    sent = time.monotonic()
    tx.sendto(advert(ours, vrid, prio, vip), (GROUP, 0))

    n_adv, first_prio, first_ms, n_garp = 0, -1, -1, 0
    while time.monotonic() < sent + window:
        got = adverts()
        if got and first_prio < 0:
            first_prio = got[0]
            first_ms = int((time.monotonic() - sent) * 1000)
        n_adv += len(got)
        n_garp += garps()
        time.sleep(0.005)
    print("adverts=%d prio=%d garps=%d first_ms=%d" %
          (n_adv, first_prio, n_garp, first_ms))


main()
