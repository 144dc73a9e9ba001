/*
 * VRRP sockets: one raw IP socket (protocol 112, or 51 for IPv4 AH) per
 * interface and family, bound to the interface, that sends and receives
 * advertisements by multicast and by unicast.
 *
 * How the contract of vrrp_packet.h is met:
 *
 * - IPv4 is sent with IP_HDRINCL: the header is ours, so TOS is 0xc0
 *   (DSCP CS6), the TTL is the caller's (255 for multicast, unicast_ttl
 *   for unicast peers) and the id is non-zero from a per-socket counter,
 *   which an AH-signed packet needs because the ICV covers the id.  The
 *   kernel still fills the header checksum.  IP_MULTICAST_TTL is set to
 *   255 as well, for anything that would look at it.
 * - IPv4 raw sockets deliver the whole packet; vrrp_ipv4_parse() splits
 *   it, and IP_PKTINFO gives the interface it came in on.
 * - IPv6 is sent with sendmsg(): the hop limit and the traffic class 0xc0
 *   per packet, and the source (which the v3 checksum's pseudo-header
 *   covers) through IPV6_PKTINFO so it is the one the caller summed.
 * - IPv6 receive: the source from the socket address, the destination
 *   and interface from IPV6_PKTINFO, the hop limit from IPV6_HOPLIMIT.
 * - IPV6_CHECKSUM is left off (explicitly: -1).  The codec computes the
 *   v3 checksum over the pseudo-header itself and checks it on receive, so
 *   that a bad sum is counted in ChecksumErrors rather than silently
 *   dropped by the kernel, and so that the same code serves v3 over IPv4.
 * - Multicast: the group (224.0.0.18 / ff02::12 unless configured) is
 *   joined on the interface when asked, loopback of our own adverts is
 *   off, and the outgoing interface is set.
 *
 * Sockets are non-blocking and close-on-exec; the caller puts
 * vrrp_sock_fd() on its sd-event loop and calls vrrp_sock_recv() until it
 * returns -EAGAIN.
 */
#ifndef TANDEM_VRRP_SOCK_H
#define TANDEM_VRRP_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp/vrrp_csum.h"
#include "vrrp/vrrp_packet.h"

#define VRRP_TOS		0xc0	/* DSCP CS6, RFC 5798 §5.1.1.3 */
#define VRRP_IP4_HDR_LEN	20

struct vrrp_sock_opts {
	sa_family_t family;	/* AF_INET or AF_INET6 */
	int ifindex;		/* the interface; required */
	uint8_t proto;		/* 0 or VRRP_PROTO; VRRP_PROTO_AH (IPv4) */
	bool join;		/* join the group (false: unicast only) */
	struct vrrp_ip group;	/* AF_UNSPEC: 224.0.0.18 / ff02::12 */
};

struct vrrp_sock;

/* The default group of FAMILY. */
struct vrrp_ip vrrp_sock_default_group(sa_family_t family);

int vrrp_sock_open(const struct vrrp_sock_opts *o, struct vrrp_sock **out);
void vrrp_sock_close(struct vrrp_sock *s);	/* NULL is fine */
int vrrp_sock_fd(const struct vrrp_sock *s);
int vrrp_sock_ifindex(const struct vrrp_sock *s);
sa_family_t vrrp_sock_family(const struct vrrp_sock *s);
/* The group this socket joined (or would use): for the old-keepalived
 * checksum and as the multicast destination. */
const struct vrrp_ip *vrrp_sock_group(const struct vrrp_sock *s);

/* One received packet.  The pointers stay valid until the next
 * vrrp_sock_recv() or vrrp_sock_recv_batch() on any socket: every socket
 * of the process receives into the same buffers (see vrrp_sock.c), so a
 * packet must be done with before another socket is read.  Receiving is
 * for one thread only. */
struct vrrp_rx {
	/* VRRP_RX_OK, or why the IP layer already refused it (IPv4:
	 * vrrp_ipv4_parse(); VRRP_RX_LENGTH for a truncated datagram): the
	 * caller counts it and drops it. */
	enum vrrp_rx_reason reason;
	const uint8_t *msg;	/* the VRRP message */
	size_t len;
	struct vrrp_ip_info ip;	/* for vrrp_packet_decode() / _check() */
	int ifindex;		/* where it arrived */
};

/* Receive one packet: 0 (see RX), -EAGAIN when none is waiting, or
 * another negative errno. */
int vrrp_sock_recv(struct vrrp_sock *s, struct vrrp_rx *rx);

/* Receive up to N (at most VRRP_RX_BATCH) packets in one system call
 * (recvmmsg) into RX[0..]: how many (>= 1), -EAGAIN when none is waiting,
 * or another negative errno.  Fewer than N: the socket had no more. */
#define VRRP_RX_BATCH	8
int vrrp_sock_recv_batch(struct vrrp_sock *s, struct vrrp_rx *rx, unsigned n);

/* Send an encoded VRRP message to DST (the group or a unicast peer) with
 * TTL / hop limit TTL.  SRC is the address the message's checksum was
 * computed with; AF_UNSPEC (or NULL) lets the kernel choose, which is only
 * right for v2 over IPv4.  0 or a negative errno. */
int vrrp_sock_send(struct vrrp_sock *s, const struct vrrp_ip *src,
		   const struct vrrp_ip *dst, uint8_t ttl,
		   const uint8_t *msg, size_t len);

/* For AH: write the 20-byte IPv4 header of a packet of TOTAL_LEN bytes
 * with protocol PROTO into BUF, with TOS 0xc0, the socket's next non-zero
 * id and the header checksum; then sign it (vrrp_ah_sign()) and send it
 * with vrrp_sock_send_ip4().  Returns VRRP_IP4_HDR_LEN or -EINVAL. */
int vrrp_sock_ip4_header(struct vrrp_sock *s, uint8_t *buf, size_t total_len,
			 uint8_t proto, const struct vrrp_ip *src,
			 const struct vrrp_ip *dst, uint8_t ttl);
/* Send a complete IPv4 packet (header included) to its destination. */
int vrrp_sock_send_ip4(struct vrrp_sock *s, const uint8_t *pkt, size_t len);

/* The same header builder without a socket (for tests): ID is used as
 * given. */
void vrrp_ip4_header_build(uint8_t *buf, size_t total_len, uint8_t proto,
			   const struct vrrp_ip *src, const struct vrrp_ip *dst,
			   uint8_t ttl, uint16_t id);

#endif
