/*
 * Gratuitous ARP over AF_PACKET and unsolicited NA over ICMPv6 (see
 * vrrp_garp.h for the frame layouts and why they are built by hand).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* struct in6_pktinfo (RFC 3542) */
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include "vrrp/vrrp_garp.h"

struct vrrp_garp {
	int arp_fd;		/* AF_PACKET; -errno when it could not open */
	int nd_fd;		/* ICMPv6; -errno likewise */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

size_t vrrp_garp_build_arp(uint8_t *buf, size_t buflen, const uint8_t mac[6],
			   const struct in_addr *ip)
{
	uint8_t *a = buf + 14;

	if (buflen < VRRP_ARP_FRAME_LEN)
		return 0;
	memset(buf, 0, VRRP_ARP_FRAME_LEN);
	memset(buf, 0xff, 6);			/* broadcast */
	memcpy(buf + 6, mac, 6);
	put16(buf + 12, ETHERTYPE_ARP);
	put16(a, 1);				/* htype Ethernet */
	put16(a + 2, ETHERTYPE_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);			/* request */
	memcpy(a + 8, mac, 6);			/* sender MAC */
	memcpy(a + 14, ip, 4);			/* sender IP */
	/* a + 18: target MAC, zero */
	memcpy(a + 24, ip, 4);			/* target IP */
	return VRRP_ARP_FRAME_LEN;
}

size_t vrrp_garp_build_na(uint8_t *buf, size_t buflen, const uint8_t mac[6],
			  const struct in6_addr *target, bool router)
{
	if (buflen < VRRP_NA_LEN)
		return 0;
	memset(buf, 0, VRRP_NA_LEN);
	buf[0] = ND_NEIGHBOR_ADVERT;		/* type 136, code 0 */
	/* flags R S O: unsolicited, so S is clear; O overrides caches */
	buf[4] = (uint8_t)((router ? 0x80 : 0) | 0x20);
	memcpy(buf + 8, target, 16);
	buf[24] = ND_OPT_TARGET_LINKADDR;	/* option 2 */
	buf[25] = 1;				/* 8 bytes */
	memcpy(buf + 26, mac, 6);
	return VRRP_NA_LEN;
}

static int open_nd(void)
{
	struct icmp6_filter f;
	int fd, hops = 255;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&f);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

int vrrp_garp_open(struct vrrp_garp **out)
{
	struct vrrp_garp *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	/* protocol 0: this socket receives nothing */
	g->arp_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (g->arp_fd < 0)
		g->arp_fd = -errno;
	g->nd_fd = open_nd();
	if (g->arp_fd < 0 && g->nd_fd < 0) {
		int r = g->arp_fd;

		free(g);
		return r;
	}
	*out = g;
	return 0;
}

void vrrp_garp_close(struct vrrp_garp *g)
{
	if (!g)
		return;
	if (g->arp_fd >= 0)
		close(g->arp_fd);
	if (g->nd_fd >= 0)
		close(g->nd_fd);
	free(g);
}

int vrrp_garp_send_arp(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
		       const struct in_addr *ip)
{
	uint8_t frame[VRRP_ARP_FRAME_LEN];
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETHERTYPE_ARP),
		.sll_ifindex = ifindex,
		.sll_halen = 6,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	ssize_t n;

	if (g->arp_fd < 0)
		return g->arp_fd;
	if (ifindex <= 0)
		return -EINVAL;
	vrrp_garp_build_arp(frame, sizeof(frame), mac, ip);
	n = sendto(g->arp_fd, frame, sizeof(frame), 0, (struct sockaddr *)&to, sizeof(to));
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(frame) ? 0 : -EMSGSIZE;
}

int vrrp_garp_send_na(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
		      const struct in6_addr *target, const struct in6_addr *src,
		      bool router)
{
	uint8_t na[VRRP_NA_LEN];
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_addr = { .s6_addr = { 0xff, 0x02, [15] = 1 } },	/* ff02::1 */
		.sin6_scope_id = (uint32_t)ifindex,
	};
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };
	struct iovec iov = { .iov_base = na, .iov_len = sizeof(na) };
	struct msghdr mh = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	if (g->nd_fd < 0)
		return g->nd_fd;
	if (ifindex <= 0)
		return -EINVAL;
	vrrp_garp_build_na(na, sizeof(na), mac, target, router);
	if (src)
		pi.ipi6_addr = *src;
	memset(ctl.buf, 0, sizeof(ctl.buf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	n = sendmsg(g->nd_fd, &mh, 0);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(na) ? 0 : -EMSGSIZE;
}
