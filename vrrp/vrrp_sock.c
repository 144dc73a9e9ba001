/*
 * VRRP raw sockets (see vrrp_sock.h for how each field of the packet
 * contract is met).  Everything per packet is in ancillary data or in our
 * own IPv4 header, so one socket serves multicast and any number of
 * unicast peers.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* struct in6_pktinfo (RFC 3542) */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "vrrp/vrrp_sock.h"

/* Room for an IPv4 header with options, AH and the largest message; a
 * bigger datagram is truncated and refused as a length error. */
#define RX_BUF_LEN	(60 + 24 + VRRP_MAX_PKT_LEN + 64)

struct vrrp_sock {
	int fd;
	sa_family_t family;
	int ifindex;
	uint16_t next_id;
	struct vrrp_ip group;
};

/* The receive buffers, one set for every socket of the process.  A set
 * per socket was 34 kB for each interface and family in use, and is not
 * needed: the sockets are read on the one event-loop thread, one at a
 * time, and what a receive hands out is dispatched before the next
 * receive (vrrp_sock.h's contract), so no two receives' packets are ever
 * needed at once.  Static, so a receive cannot fail for want of memory;
 * its pages cost nothing until a packet lands in them, and the other
 * processes never touch them. */
static uint8_t rx_bufs[VRRP_RX_BATCH][RX_BUF_LEN];

struct vrrp_ip vrrp_sock_default_group(sa_family_t family)
{
	struct vrrp_ip g = { .family = family };

	if (family == AF_INET)
		g.u.v4.s_addr = htonl(0xe0000012);	/* 224.0.0.18 */
	else
		(void)inet_pton(AF_INET6, "ff02::12", &g.u.v6);
	return g;
}

static int sopt(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val)) < 0 ? -errno : 0;
}

static int setup4(struct vrrp_sock *s, const struct vrrp_sock_opts *o)
{
	struct ip_mreqn mr = { .imr_ifindex = o->ifindex };
	int r;

	/* No IP_PKTINFO: the socket is bound to its interface, and the
	 * addresses and TTL are in the IPv4 header we receive. */
	if ((r = sopt(s->fd, IPPROTO_IP, IP_HDRINCL, 1)) < 0 ||
	    (r = sopt(s->fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL)) < 0 ||
	    (r = sopt(s->fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0)) < 0 ||
	    (r = sopt(s->fd, IPPROTO_IP, IP_TOS, VRRP_TOS)) < 0)
		return r;
	if (setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0)
		return -errno;
	if (o->join) {
		mr.imr_multiaddr = s->group.u.v4;
		if (setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
			return -errno;
	}
	return 0;
}

static int setup6(struct vrrp_sock *s, const struct vrrp_sock_opts *o)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)o->ifindex };
	int r;

	if ((r = sopt(s->fd, IPPROTO_IPV6, IPV6_CHECKSUM, -1)) < 0 ||
	    (r = sopt(s->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) < 0 ||
	    (r = sopt(s->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)) < 0 ||
	    (r = sopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL)) < 0 ||
	    (r = sopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0)) < 0 ||
	    (r = sopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, o->ifindex)) < 0 ||
	    (r = sopt(s->fd, IPPROTO_IPV6, IPV6_TCLASS, VRRP_TOS)) < 0)
		return r;
	if (o->join) {
		mr.ipv6mr_multiaddr = s->group.u.v6;
		if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) < 0)
			return -errno;
	}
	return 0;
}

int vrrp_sock_open(const struct vrrp_sock_opts *o, struct vrrp_sock **out)
{
	char ifname[IF_NAMESIZE];
	struct vrrp_sock *s;
	int proto = o->proto ? o->proto : VRRP_PROTO;
	uint16_t seed = 0;
	int r;

	if ((o->family != AF_INET && o->family != AF_INET6) || o->ifindex <= 0 ||
	    (proto != VRRP_PROTO && !(proto == VRRP_PROTO_AH && o->family == AF_INET)) ||
	    (o->group.family != AF_UNSPEC &&
	     (o->group.family != o->family || !vrrp_ip_is_multicast(&o->group))))
		return -EINVAL;
	if (!if_indextoname((unsigned)o->ifindex, ifname))
		return -ENODEV;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->family = o->family;
	s->ifindex = o->ifindex;
	s->group = o->group.family == AF_UNSPEC ? vrrp_sock_default_group(o->family) : o->group;
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint16_t)getpid();
	s->next_id = seed;
	s->fd = socket(o->family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (s->fd < 0) {
		r = -errno;
		free(s);
		return r;
	}
	if (setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0) {
		r = -errno;
		goto fail;
	}
	r = o->family == AF_INET ? setup4(s, o) : setup6(s, o);
	if (r < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	vrrp_sock_close(s);
	return r;
}

void vrrp_sock_close(struct vrrp_sock *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

int vrrp_sock_fd(const struct vrrp_sock *s) { return s->fd; }
int vrrp_sock_ifindex(const struct vrrp_sock *s) { return s->ifindex; }
sa_family_t vrrp_sock_family(const struct vrrp_sock *s) { return s->family; }
const struct vrrp_ip *vrrp_sock_group(const struct vrrp_sock *s) { return &s->group; }

union rx_from {
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

union rx_ctl {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
		 CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cmsghdr align;
};

/* An IPv4 datagram carries its addresses and TTL in the header we get
 * with it: asking the kernel for its source address and control messages
 * as well costs a tenth of a busy backup's CPU, for nothing. */
static void rx_v4_only(struct msghdr *mh)
{
	mh->msg_name = NULL;
	mh->msg_namelen = 0;
	mh->msg_control = NULL;
	mh->msg_controllen = 0;
}

/* One received datagram of N bytes in BUF, with its header MH, into RX. */
static void rx_fill(const struct vrrp_sock *s, const uint8_t *buf, size_t n,
		    struct msghdr *mh, const union rx_from *from,
		    struct vrrp_rx *rx)
{
	struct cmsghdr *c;

	memset(rx, 0, sizeof(*rx));
	rx->ifindex = s->ifindex;
	rx->ip.ttl = -1;
	rx->ip.mcast_group = s->group;
	for (c = mh->msg_controllen ? CMSG_FIRSTHDR(mh) : NULL; c;
	     c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->ifindex = pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->ifindex = (int)pi.ipi6_ifindex;
			rx->ip.dst.family = AF_INET6;
			rx->ip.dst.u.v6 = pi.ipi6_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
			memcpy(&rx->ip.ttl, CMSG_DATA(c), sizeof(int));
		}
	}
	if (mh->msg_flags & MSG_TRUNC) {
		rx->reason = VRRP_RX_LENGTH;
		return;
	}
	if (s->family == AF_INET) {
		rx->reason = vrrp_ipv4_parse(buf, n, &rx->ip, &rx->msg, &rx->len);
		return;
	}
	rx->ip.src.family = AF_INET6;
	rx->ip.src.u.v6 = from->v6.sin6_addr;
	rx->msg = buf;
	rx->len = n;
	rx->reason = rx->ip.dst.family == AF_INET6 ? VRRP_RX_OK : VRRP_RX_NOT_VRRP;
}

int vrrp_sock_recv(struct vrrp_sock *s, struct vrrp_rx *rx)
{
	union rx_from from;
	union rx_ctl ctl;
	uint8_t *buf = rx_bufs[0];
	struct iovec iov = { .iov_base = buf, .iov_len = RX_BUF_LEN };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	if (s->family == AF_INET)
		rx_v4_only(&mh);
	n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	rx_fill(s, buf, (size_t)n, &mh, &from, rx);
	return 0;
}

int vrrp_sock_recv_batch(struct vrrp_sock *s, struct vrrp_rx *rx, unsigned n)
{
	struct mmsghdr mm[VRRP_RX_BATCH];
	union rx_from from[VRRP_RX_BATCH];
	union rx_ctl ctl[VRRP_RX_BATCH];
	struct iovec iov[VRRP_RX_BATCH];
	int got;

	if (n > VRRP_RX_BATCH)
		n = VRRP_RX_BATCH;
	if (n <= 1) {
		int r = vrrp_sock_recv(s, rx);

		return r < 0 ? r : 1;
	}
	for (unsigned i = 0; i < n; i++) {
		iov[i].iov_base = rx_bufs[i];
		iov[i].iov_len = RX_BUF_LEN;
		mm[i].msg_hdr = (struct msghdr){
			.msg_name = &from[i], .msg_namelen = sizeof(from[i]),
			.msg_iov = &iov[i], .msg_iovlen = 1,
			.msg_control = ctl[i].buf, .msg_controllen = sizeof(ctl[i].buf),
		};
		if (s->family == AF_INET)
			rx_v4_only(&mm[i].msg_hdr);
		mm[i].msg_len = 0;
	}
	got = recvmmsg(s->fd, mm, n, MSG_DONTWAIT, NULL);
	if (got < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	for (int i = 0; i < got; i++)
		rx_fill(s, iov[i].iov_base, mm[i].msg_len, &mm[i].msg_hdr,
			&from[i], &rx[i]);
	return got;
}

void vrrp_ip4_header_build(uint8_t *buf, size_t total_len, uint8_t proto,
			   const struct vrrp_ip *src, const struct vrrp_ip *dst,
			   uint8_t ttl, uint16_t id)
{
	uint16_t sum;

	memset(buf, 0, VRRP_IP4_HDR_LEN);
	buf[0] = 0x45;
	buf[1] = VRRP_TOS;
	buf[2] = (uint8_t)(total_len >> 8);
	buf[3] = (uint8_t)total_len;
	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	buf[8] = ttl;
	buf[9] = proto;
	if (src && src->family == AF_INET)
		memcpy(buf + 12, &src->u.v4, 4);
	memcpy(buf + 16, &dst->u.v4, 4);
	sum = vrrp_csum_fold(vrrp_csum_add(0, buf, VRRP_IP4_HDR_LEN));
	buf[10] = (uint8_t)(sum >> 8);
	buf[11] = (uint8_t)sum;
}

int vrrp_sock_ip4_header(struct vrrp_sock *s, uint8_t *buf, size_t total_len,
			 uint8_t proto, const struct vrrp_ip *src,
			 const struct vrrp_ip *dst, uint8_t ttl)
{
	if (s->family != AF_INET || !dst || dst->family != AF_INET ||
	    total_len < VRRP_IP4_HDR_LEN || total_len > 0xffff)
		return -EINVAL;
	/* id 0 would let the kernel pick one after an AH signature had
	 * covered the zero */
	if (++s->next_id == 0)
		s->next_id = 1;
	vrrp_ip4_header_build(buf, total_len, proto, src, dst, ttl, s->next_id);
	return VRRP_IP4_HDR_LEN;
}

int vrrp_sock_send_ip4(struct vrrp_sock *s, const uint8_t *pkt, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	ssize_t n;

	if (s->family != AF_INET || len < VRRP_IP4_HDR_LEN)
		return -EINVAL;
	memcpy(&to.sin_addr, pkt + 16, 4);
	n = sendto(s->fd, pkt, len, 0, (const struct sockaddr *)&to, sizeof(to));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

static int send6(struct vrrp_sock *s, const struct vrrp_ip *src,
		 const struct vrrp_ip *dst, uint8_t ttl, const uint8_t *msg, size_t len)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = dst->u.v6 };
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + 2 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &to, .msg_namelen = sizeof(to),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)s->ifindex };
	int hops = ttl, tclass = VRRP_TOS;
	struct cmsghdr *c;
	ssize_t n;

	if (IN6_IS_ADDR_LINKLOCAL(&to.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&to.sin6_addr))
		to.sin6_scope_id = (uint32_t)s->ifindex;
	if (src && src->family == AF_INET6)
		pi.ipi6_addr = src->u.v6;
	memset(ctl.buf, 0, sizeof(ctl.buf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_HOPLIMIT;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &hops, sizeof(int));
	c = CMSG_NXTHDR(&mh, c);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_TCLASS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &tclass, sizeof(int));
	n = sendmsg(s->fd, &mh, 0);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int vrrp_sock_send(struct vrrp_sock *s, const struct vrrp_ip *src,
		   const struct vrrp_ip *dst, uint8_t ttl,
		   const uint8_t *msg, size_t len)
{
	uint8_t pkt[VRRP_IP4_HDR_LEN + VRRP_MAX_PKT_LEN];
	int r;

	if (!dst || dst->family != s->family || len > VRRP_MAX_PKT_LEN)
		return -EINVAL;
	if (s->family == AF_INET6)
		return send6(s, src, dst, ttl, msg, len);
	r = vrrp_sock_ip4_header(s, pkt, VRRP_IP4_HDR_LEN + len, VRRP_PROTO, src, dst, ttl);
	if (r < 0)
		return r;
	memcpy(pkt + VRRP_IP4_HDR_LEN, msg, len);
	return vrrp_sock_send_ip4(s, pkt, VRRP_IP4_HDR_LEN + len);
}
