/*
 * The Internet checksum and the VRRPv3 pseudo-headers.  Words are read
 * byte by byte, so buffers need no alignment and the code is the same on
 * any host byte order; a VRRP message is at most about 4 KB, so speed is
 * not a concern here.
 */
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_csum.h"

uint32_t vrrp_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | p[i + 1];
		/* Fold as we go so the sum never overflows, however long. */
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return sum;
}

uint16_t vrrp_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t vrrp_csum_pseudo(const struct vrrp_ip *src, const struct vrrp_ip *dst,
			  uint8_t proto, size_t len)
{
	uint32_t sum = 0;

	if (src->family == AF_INET6) {
		/* RFC 2460 §8.1: 32-bit length, 3 zero bytes, next header. */
		uint8_t tail[8] = {
			(uint8_t)(len >> 24), (uint8_t)(len >> 16),
			(uint8_t)(len >> 8), (uint8_t)len, 0, 0, 0, proto,
		};
		sum = vrrp_csum_add(sum, &src->u.v6, 16);
		sum = vrrp_csum_add(sum, &dst->u.v6, 16);
		sum = vrrp_csum_add(sum, tail, sizeof(tail));
	} else {
		uint8_t tail[4] = { 0, proto, (uint8_t)(len >> 8), (uint8_t)len };
		sum = vrrp_csum_add(sum, &src->u.v4, 4);
		sum = vrrp_csum_add(sum, &dst->u.v4, 4);
		sum = vrrp_csum_add(sum, tail, sizeof(tail));
	}
	return sum;
}

size_t vrrp_ip_len(sa_family_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int vrrp_ip_cmp(const struct vrrp_ip *a, const struct vrrp_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	/* Network byte order is big-endian: memcmp is a numeric compare.
	 * IPv4 as a number: this runs for every advert received. */
	if (a->family == AF_INET) {
		uint32_t x = ntohl(a->u.v4.s_addr), y = ntohl(b->u.v4.s_addr);

		return x == y ? 0 : x < y ? -1 : 1;
	}
	return memcmp(&a->u, &b->u, vrrp_ip_len(a->family));
}

int vrrp_ip_is_multicast(const struct vrrp_ip *a)
{
	if (a->family == AF_INET)
		return (((const uint8_t *)&a->u.v4)[0] & 0xf0) == 0xe0;
	if (a->family == AF_INET6)
		return a->u.v6.s6_addr[0] == 0xff;
	return 0;
}
