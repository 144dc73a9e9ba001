/*
 * The multicast receive ring: one AF_PACKET socket per address family
 * with a TPACKET_V3 PACKET_RX_RING, for the plain multicast adverts a
 * busy backup hears ten thousand times a second.
 *
 * A raw socket costs a system call per packet (or per recvmmsg batch of
 * VRRP_RX_BATCH) and a wakeup per batch.  The ring's blocks are handed
 * to us when full or after VRRP_RING_TOV_MS, so one wakeup serves every
 * advert of a few milliseconds and reading them is no system call at
 * all.  The ring is VRRP_RING_BLOCKS blocks of VRRP_RING_BLOCK_SIZE
 * bytes: 288 KiB per family in use.  One ring serves every interface,
 * where each raw socket had a buffer of its own, so it must hold what a
 * thousand masters send at once, some 144 bytes of ring per advert of a
 * few addresses: 288 KiB is two such bursts.  Frames the kernel could
 * not place are counted (vrrp_ring_drops()).
 *
 * The split between the two paths is two complementary classic BPF
 * filters on one predicate P, read at the network header:
 *   IPv4: protocol 112, destination the group, not a fragment (MF 0,
 *         offset 0), total length at most VRRP_RING_MAX_LEN;
 *   IPv6: next header 112 (no extension header), destination the group,
 *         payload length at most VRRP_RING_MAX_LEN - 40.
 * The ring takes P (and not frames for other hosts); the raw sockets of
 * the instances that use the ring take everything else: unicast, AH,
 * IPv6 with extension headers, and fragments.  A raw socket sees a
 * fragmented datagram reassembled, where it looks plain; the ring saw
 * its fragments and refused them.  So the length bound: a reassembled
 * datagram longer than the IPv6 minimum MTU (1280) goes to the raw
 * socket, and a datagram of at most 1280 bytes is never fragmented on a
 * link that can carry IPv6.  The one advert lost is an IPv4 one of at
 * most 1280 bytes fragmented on a link whose MTU is below 1280 (or an
 * IPv6 one a sender fragmented below the minimum MTU); VRRP adverts are
 * far smaller than any real MTU.
 *
 * Frames on the ring are taken before netfilter (PREROUTING, INPUT),
 * rp_filter and IPsec policy: vrrp_rx_ring off keeps them all on the raw
 * sockets.  What ip_rcv() / ipv6_rcv() would drop silently (a bad IPv4
 * header checksum, a length beyond the frame, a multicast source, a
 * frame for another host) the ring drops silently too; the rest goes
 * through the same dispatch, checks and counters as a raw socket's.
 */
#ifndef TANDEM_VRRP_RING_H
#define TANDEM_VRRP_RING_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp/vrrp_sock.h"

#define VRRP_RING_BLOCK_SIZE	(32 * 1024)
#define VRRP_RING_BLOCKS	9
#define VRRP_RING_TOV_MS	4
#define VRRP_RING_MAX_LEN	1280
#define VRRP_RING_FILTER_MAX	24

/* The filter of P for FAMILY and GROUP: the ring's (RING: accept P, not
 * for another host) or a raw socket's (accept all but P).  Returns the
 * number of instructions written to OUT (VRRP_RING_FILTER_MAX room). */
unsigned vrrp_ring_filter(sa_family_t family, const struct vrrp_ip *group,
			  bool ring, struct sock_filter *out);
/* Attach the raw socket's filter to FD (GROUP), or take it off (NULL). */
int vrrp_ring_raw_filter(int fd, sa_family_t family, const struct vrrp_ip *group);

/* One frame as the ring holds it (PKT at the network header, LEN bytes
 * captured, PKTTYPE the sll_pkttype) into RX: 0, or -EINVAL for what the
 * IP layer would have dropped silently.  RX's msg and addresses point
 * into PKT; its ifindex and mcast_group are the caller's to fill. */
int vrrp_ring_frame(sa_family_t family, const uint8_t *pkt, size_t len,
		    uint8_t pkttype, struct vrrp_rx *rx);

/* Each good frame of one retired TPACKET_V3 block of SIZE bytes: FN with
 * the frame and its interface.  Returns the frames passed to FN. */
typedef void (*vrrp_ring_fn)(struct vrrp_rx *rx, int ifindex, void *arg);
unsigned vrrp_ring_block(sa_family_t family, const uint8_t *block, size_t size,
			 vrrp_ring_fn fn, void *arg);

struct vrrp_ring;

int vrrp_ring_open(sa_family_t family, const struct vrrp_ip *group,
		   struct vrrp_ring **out);
void vrrp_ring_close(struct vrrp_ring *r);	/* NULL is fine */
int vrrp_ring_fd(const struct vrrp_ring *r);
const struct vrrp_ip *vrrp_ring_group(const struct vrrp_ring *r);
/* Frames the kernel dropped for want of room in the ring, since it was
 * opened. */
uint64_t vrrp_ring_drops(struct vrrp_ring *r);
/* Every block the kernel has handed over, at most MAX, through FN, each
 * given back after; the number of blocks read. */
unsigned vrrp_ring_read(struct vrrp_ring *r, unsigned max, vrrp_ring_fn fn,
			void *arg);

#endif
