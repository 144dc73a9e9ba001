/*
 * The Internet checksum (RFC 1071) as VRRP uses it, and the two
 * pseudo-headers a VRRPv3 checksum may cover.
 *
 * VRRPv2 sums the message alone.  VRRPv3 (RFC 5798 §5.2.8) adds the
 * pseudo-header of the IP version it runs over: for IPv6 the one of
 * RFC 2460 §8.1, for IPv4 the classic source / destination / zero /
 * protocol / length block.  Peers disagree on the IPv4 case (Cisco leaves
 * the pseudo-header out; keepalived's `v3_checksum_as_v2` does the same;
 * keepalived before 1.3.6 put the multicast group in place of a unicast
 * destination), so the sum is split into an accumulator that callers can
 * seed with whichever pseudo-header they need.
 */
#ifndef TANDEM_VRRP_CSUM_H
#define TANDEM_VRRP_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* An IPv4 or IPv6 address, in network byte order. */
struct vrrp_ip {
	sa_family_t family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* Add LEN bytes to a running one's complement sum of big-endian 16-bit
 * words.  An odd final byte is padded with zero, so every call except
 * the last must pass an even length. */
uint32_t vrrp_csum_add(uint32_t sum, const void *data, size_t len);

/* Fold a running sum to 16 bits and complement it: the value to put in
 * a checksum field, in host byte order.  Summing a message that carries
 * a correct checksum folds to 0. */
uint16_t vrrp_csum_fold(uint32_t sum);

/* The sum of the pseudo-header for an upper-layer message of LEN bytes
 * and protocol PROTO between SRC and DST (both of one family). */
uint32_t vrrp_csum_pseudo(const struct vrrp_ip *src, const struct vrrp_ip *dst,
			  uint8_t proto, size_t len);

/* Compare two addresses of one family as unsigned big-endian numbers:
 * <0, 0, >0.  Addresses of different families compare by family. */
int vrrp_ip_cmp(const struct vrrp_ip *a, const struct vrrp_ip *b);

/* Length of one address of FAMILY in bytes (4 or 16), 0 if unknown. */
size_t vrrp_ip_len(sa_family_t family);

/* Is the address a multicast one (224/4, ff00::/8)? */
int vrrp_ip_is_multicast(const struct vrrp_ip *a);

#endif
