/*
 * VRRP packet encode/decode, checksums and every receive check.
 *
 * Checksum vectors are independent of the code under test: the v2 one is
 * worked by hand below, the v3 ones were computed with a few lines of
 * Python (struct + the RFC 1071 sum) from the same field values.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/vrrp_auth.h"
#include "vrrp/vrrp_csum.h"
#include "vrrp/vrrp_packet.h"

static struct vrrp_ip ip4(const char *s)
{
	struct vrrp_ip a = { .family = AF_INET };

	assert_int_equal(inet_pton(AF_INET, s, &a.u.v4), 1);
	return a;
}

static struct vrrp_ip ip6(const char *s)
{
	struct vrrp_ip a = { .family = AF_INET6 };

	assert_int_equal(inet_pton(AF_INET6, s, &a.u.v6), 1);
	return a;
}

static struct vrrp_ip_info info4(const char *src, const char *dst, int ttl)
{
	struct vrrp_ip_info i = { .src = ip4(src), .dst = ip4(dst), .ttl = ttl };

	i.mcast_group = ip4("224.0.0.18");
	return i;
}

static struct vrrp_ip_info info6(const char *src, const char *dst, int ttl)
{
	struct vrrp_ip_info i = { .src = ip6(src), .dst = ip6(dst), .ttl = ttl };

	return i;
}

/*
 * By hand: v2, VRID 51, priority 100, 1 address, auth 0, interval 1 s,
 * 192.168.200.16, auth data zero.  16-bit words:
 *   0x2133 + 0x6401 + 0x0001 + 0x0000 (csum) + 0xc0a8 + 0xc810 + 4 * 0
 *   = 0x20ded; folded 0x0ded + 0x2 = 0x0def; complement 0xf210.
 */
static const uint8_t v2_vector[] = {
	0x21, 0x33, 0x64, 0x01, 0x00, 0x01, 0xf2, 0x10,
	0xc0, 0xa8, 0xc8, 0x10, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void test_csum_v2_by_hand(void **state)
{
	uint8_t buf[64];
	uint8_t vip[4] = { 192, 168, 200, 16 };
	struct vrrp_advert a = {
		.version = 2, .vrid = 51, .priority = 100, .naddr = 1,
		.family = AF_INET, .adver_int = 1, .addrs = vip,
	};
	struct vrrp_ip_info i = info4("10.0.0.1", "224.0.0.18", 255);
	ssize_t n = vrrp_packet_encode(&a, &i, VRRP_CSUM_PSEUDO, buf, sizeof(buf));

	(void)state;
	assert_int_equal(n, sizeof(v2_vector));
	assert_memory_equal(buf, v2_vector, sizeof(v2_vector));
	/* A message with a right checksum sums to zero. */
	assert_int_equal(vrrp_csum_fold(vrrp_csum_add(0, v2_vector, sizeof(v2_vector))), 0);
}

/* v3, VRID 7, priority 150, 2 addresses 10.0.0.100/101, 100 cs,
 * 10.0.0.1 -> 224.0.0.18: with pseudo-header 0x3935, without 0x23c9;
 * with 10.0.0.1 -> 10.0.0.2 (unicast) 0x0f46. */
static const uint8_t v3_addrs[] = { 10, 0, 0, 100, 10, 0, 0, 101 };

static ssize_t enc_v3(uint8_t *buf, const struct vrrp_ip_info *i, enum vrrp_csum_kind k)
{
	struct vrrp_advert a = {
		.version = 3, .vrid = 7, .priority = 150, .naddr = 2,
		.family = AF_INET, .adver_int = 100, .addrs = v3_addrs,
	};

	return vrrp_packet_encode(&a, i, k, buf, 64);
}

static void test_csum_v3_ipv4(void **state)
{
	uint8_t buf[64];
	struct vrrp_ip_info m = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_ip_info u = info4("10.0.0.1", "10.0.0.2", 64);

	(void)state;
	assert_int_equal(enc_v3(buf, &m, VRRP_CSUM_PSEUDO), 16);
	assert_int_equal(buf[6] << 8 | buf[7], 0x3935);
	assert_int_equal(enc_v3(buf, &m, VRRP_CSUM_NO_PSEUDO), 16);
	assert_int_equal(buf[6] << 8 | buf[7], 0x23c9);
	assert_int_equal(enc_v3(buf, &u, VRRP_CSUM_PSEUDO), 16);
	assert_int_equal(buf[6] << 8 | buf[7], 0x0f46);
	/* Old keepalived: the group address stands in for the unicast one. */
	assert_int_equal(enc_v3(buf, &u, VRRP_CSUM_PSEUDO_MCAST), 16);
	assert_int_equal(buf[6] << 8 | buf[7], 0x3935);
}

/* v3 over IPv6, VRID 9, priority 200, 2001:db8::10, 300 cs,
 * fe80::1 -> ff02::12: 0xd9e0. */
static void test_csum_v3_ipv6(void **state)
{
	uint8_t buf[64];
	struct vrrp_ip vip = ip6("2001:db8::10");
	struct vrrp_advert a = {
		.version = 3, .vrid = 9, .priority = 200, .naddr = 1,
		.family = AF_INET6, .adver_int = 300, .addrs = (const uint8_t *)&vip.u.v6,
	};
	struct vrrp_ip_info i = info6("fe80::1", "ff02::12", 255);

	(void)state;
	assert_int_equal(vrrp_packet_encode(&a, &i, VRRP_CSUM_PSEUDO, buf, sizeof(buf)), 24);
	assert_int_equal(buf[4], 0x01);
	assert_int_equal(buf[5], 0x2c);
	assert_int_equal(buf[6] << 8 | buf[7], 0xd9e0);
	/* IPv6 has no flavour without the pseudo-header. */
	assert_int_equal(vrrp_packet_encode(&a, &i, VRRP_CSUM_NO_PSEUDO, buf, sizeof(buf)),
			 -EINVAL);
}

static void roundtrip(uint8_t version, sa_family_t fam, uint8_t naddr)
{
	uint8_t addrs[255 * 16], buf[VRRP_MAX_PKT_LEN];
	size_t alen = vrrp_ip_len(fam), k;
	struct vrrp_advert a = {
		.version = version, .vrid = 200, .priority = 254, .naddr = naddr,
		.family = fam, .adver_int = version == 2 ? 3 : 4095, .addrs = addrs,
		.auth_type = version == 2 ? VRRP_AUTH_PASS : 0,
		.auth_data = { 'p', 'a', 's', 's', 'w', 'o', 'r', 'd' },
	}, d;
	struct vrrp_ip_info i = fam == AF_INET ? info4("192.0.2.1", "224.0.0.18", 255)
					       : info6("fe80::2", "ff02::12", 255);
	ssize_t n;

	for (k = 0; k < sizeof(addrs); k++)
		addrs[k] = (uint8_t)(k * 7 + 1);
	n = vrrp_packet_encode(&a, &i, VRRP_CSUM_PSEUDO, buf, sizeof(buf));
	assert_int_equal(n, (ssize_t)vrrp_packet_len(version, fam, naddr));
	assert_int_equal(n, 8 + naddr * alen + (version == 2 ? 8 : 0));
	assert_int_equal(vrrp_packet_decode(buf, (size_t)n, &i, &d), VRRP_RX_OK);
	assert_int_equal(d.version, version);
	assert_int_equal(d.type, VRRP_TYPE_ADVERT);
	assert_int_equal(d.vrid, 200);
	assert_int_equal(d.priority, 254);
	assert_int_equal(d.naddr, naddr);
	assert_int_equal(d.family, fam);
	assert_int_equal(d.adver_int, a.adver_int);
	if (naddr)
		assert_memory_equal(d.addrs, addrs, naddr * alen);
	else
		assert_null(d.addrs);
	if (version == 2) {
		assert_int_equal(d.auth_type, VRRP_AUTH_PASS);
		assert_memory_equal(d.auth_data, "password", 8);
		assert_int_equal(vrrp_advert_interval_us(&d), 3000000);
	} else {
		assert_int_equal(d.csum_kind, VRRP_CSUM_PSEUDO);
		assert_int_equal(vrrp_advert_interval_us(&d), 40950000);
	}
	assert_int_equal(d.checksum, buf[6] << 8 | buf[7]);
}

static void test_roundtrip_v2_ipv4(void **state)
{
	(void)state;
	roundtrip(2, AF_INET, 1);
	roundtrip(2, AF_INET, 0);
	roundtrip(2, AF_INET, 255);
}

static void test_roundtrip_v3_ipv4(void **state)
{
	(void)state;
	roundtrip(3, AF_INET, 1);
	roundtrip(3, AF_INET, 0);
	roundtrip(3, AF_INET, 255);
}

static void test_roundtrip_v3_ipv6(void **state)
{
	(void)state;
	roundtrip(3, AF_INET6, 1);
	roundtrip(3, AF_INET6, 20);
	roundtrip(3, AF_INET6, 255);
}

static void test_encode_refuses(void **state)
{
	uint8_t buf[64], vip[16] = { 0 };
	struct vrrp_advert a = {
		.version = 2, .vrid = 1, .priority = 100, .naddr = 1,
		.family = AF_INET6, .adver_int = 1, .addrs = vip,
	};
	struct vrrp_ip_info i = info6("fe80::1", "ff02::12", 255);

	(void)state;
	/* v2 exists only for IPv4. */
	assert_int_equal(vrrp_packet_encode(&a, &i, VRRP_CSUM_PSEUDO, buf, sizeof(buf)), -EINVAL);
	a.version = 4;
	assert_int_equal(vrrp_packet_encode(&a, &i, VRRP_CSUM_PSEUDO, buf, sizeof(buf)), -EINVAL);
	a.version = 3;
	a.adver_int = 4096;	/* more than 12 bits */
	assert_int_equal(vrrp_packet_encode(&a, &i, VRRP_CSUM_PSEUDO, buf, sizeof(buf)), -EINVAL);
	a.adver_int = 0;
	assert_int_equal(vrrp_packet_encode(&a, &i, VRRP_CSUM_PSEUDO, buf, sizeof(buf)), -EINVAL);
	a.adver_int = 100;
	assert_int_equal(vrrp_packet_encode(&a, &i, VRRP_CSUM_PSEUDO, buf, 23), -ENOSPC);
	assert_int_equal(vrrp_packet_encode(&a, &i, VRRP_CSUM_PSEUDO, buf, 24), 24);
}

/* ---------------------------------------------------------------- */
/* Decode rejections                                                  */

static size_t good_v3(uint8_t *buf, const struct vrrp_ip_info *i)
{
	ssize_t n = enc_v3(buf, i, VRRP_CSUM_PSEUDO);

	assert_int_equal(n, 16);
	return (size_t)n;
}

/* Recompute the checksum after changing a field, so only that field is
 * wrong. */
static void fix_v3(uint8_t *buf, size_t len, const struct vrrp_ip_info *i)
{
	uint16_t s;

	buf[6] = buf[7] = 0;
	s = vrrp_csum_fold(vrrp_csum_add(vrrp_csum_pseudo(&i->src, &i->dst, 112, len),
					 buf, len));
	buf[6] = (uint8_t)(s >> 8);
	buf[7] = (uint8_t)s;
}

static void test_decode_too_short(void **state)
{
	uint8_t buf[64];
	struct vrrp_advert d;
	struct vrrp_ip_info i = info4("10.0.0.1", "224.0.0.18", 255);

	(void)state;
	good_v3(buf, &i);
	assert_int_equal(vrrp_packet_decode(buf, 0, &i, &d), VRRP_RX_TOO_SHORT);
	assert_int_equal(vrrp_packet_decode(buf, 7, &i, &d), VRRP_RX_TOO_SHORT);
}

static void test_decode_length(void **state)
{
	uint8_t buf[64] = { 0 };
	struct vrrp_advert d;
	struct vrrp_ip_info i = info4("10.0.0.1", "224.0.0.18", 255);
	size_t n = good_v3(buf, &i);

	(void)state;
	/* Cut inside the address list, or one byte too many. */
	assert_int_equal(vrrp_packet_decode(buf, n - 1, &i, &d), VRRP_RX_LENGTH);
	assert_int_equal(vrrp_packet_decode(buf, n + 1, &i, &d), VRRP_RX_LENGTH);
	/* A count that says three addresses where there are two. */
	buf[3] = 3;
	fix_v3(buf, n, &i);
	assert_int_equal(vrrp_packet_decode(buf, n, &i, &d), VRRP_RX_LENGTH);
}

static void test_decode_version(void **state)
{
	uint8_t buf[64];
	struct vrrp_advert d;
	struct vrrp_ip_info i = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_ip_info i6 = info6("fe80::1", "ff02::12", 255);
	size_t n = good_v3(buf, &i);

	(void)state;
	buf[0] = 0x41;
	fix_v3(buf, n, &i);
	assert_int_equal(vrrp_packet_decode(buf, n, &i, &d), VRRP_RX_VERSION);
	buf[0] = 0x11;
	fix_v3(buf, n, &i);
	assert_int_equal(vrrp_packet_decode(buf, n, &i, &d), VRRP_RX_VERSION);
	/* A v2 message over IPv6 does not exist. */
	memcpy(buf, v2_vector, sizeof(v2_vector));
	assert_int_equal(vrrp_packet_decode(buf, sizeof(v2_vector), &i6, &d), VRRP_RX_VERSION);
}

static void test_decode_type(void **state)
{
	uint8_t buf[64];
	struct vrrp_advert d;
	struct vrrp_ip_info i = info4("10.0.0.1", "224.0.0.18", 255);
	size_t n = good_v3(buf, &i);

	(void)state;
	buf[0] = 0x32;
	fix_v3(buf, n, &i);
	assert_int_equal(vrrp_packet_decode(buf, n, &i, &d), VRRP_RX_TYPE);
	buf[0] = 0x30;
	fix_v3(buf, n, &i);
	assert_int_equal(vrrp_packet_decode(buf, n, &i, &d), VRRP_RX_TYPE);
}

static void test_decode_checksum(void **state)
{
	uint8_t buf[64];
	struct vrrp_advert d;
	struct vrrp_ip_info i = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_ip_info other = info4("10.0.0.9", "224.0.0.18", 255);
	size_t n = good_v3(buf, &i);

	(void)state;
	assert_int_equal(vrrp_packet_decode(buf, n, &i, &d), VRRP_RX_OK);
	/* The pseudo-header covers the source: another sender fails. */
	assert_int_equal(vrrp_packet_decode(buf, n, &other, &d), VRRP_RX_CHECKSUM);
	buf[2] ^= 1;
	assert_int_equal(vrrp_packet_decode(buf, n, &i, &d), VRRP_RX_CHECKSUM);
	buf[2] ^= 1;
	buf[7] ^= 0x80;
	assert_int_equal(vrrp_packet_decode(buf, n, &i, &d), VRRP_RX_CHECKSUM);

	/* v2: flip a bit of the authentication data, which the sum covers. */
	memcpy(buf, v2_vector, sizeof(v2_vector));
	assert_int_equal(vrrp_packet_decode(buf, sizeof(v2_vector), &i, &d), VRRP_RX_OK);
	buf[19] ^= 4;
	assert_int_equal(vrrp_packet_decode(buf, sizeof(v2_vector), &i, &d), VRRP_RX_CHECKSUM);

	/* IPv6: a wrong sum is refused too. */
	{
		struct vrrp_ip_info i6 = info6("fe80::1", "ff02::12", 255);
		struct vrrp_ip vip = ip6("2001:db8::10");
		struct vrrp_advert a = {
			.version = 3, .vrid = 9, .priority = 200, .naddr = 1,
			.family = AF_INET6, .adver_int = 300,
			.addrs = (const uint8_t *)&vip.u.v6,
		};

		assert_int_equal(vrrp_packet_encode(&a, &i6, VRRP_CSUM_PSEUDO, buf, 64), 24);
		assert_int_equal(vrrp_packet_decode(buf, 24, &i6, &d), VRRP_RX_OK);
		buf[20] ^= 1;
		assert_int_equal(vrrp_packet_decode(buf, 24, &i6, &d), VRRP_RX_CHECKSUM);
	}
}

static void test_decode_csum_flavours(void **state)
{
	uint8_t buf[64];
	struct vrrp_advert d;
	struct vrrp_ip_info m = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_ip_info u = info4("10.0.0.1", "10.0.0.2", 64);

	(void)state;
	assert_int_equal(enc_v3(buf, &m, VRRP_CSUM_NO_PSEUDO), 16);
	assert_int_equal(vrrp_packet_decode(buf, 16, &m, &d), VRRP_RX_OK);
	assert_int_equal(d.csum_kind, VRRP_CSUM_NO_PSEUDO);
	assert_int_equal(enc_v3(buf, &u, VRRP_CSUM_PSEUDO_MCAST), 16);
	assert_int_equal(vrrp_packet_decode(buf, 16, &u, &d), VRRP_RX_OK);
	assert_int_equal(d.csum_kind, VRRP_CSUM_PSEUDO_MCAST);
	/* Without a group to try, that sum is just wrong. */
	u.mcast_group.family = AF_UNSPEC;
	assert_int_equal(vrrp_packet_decode(buf, 16, &u, &d), VRRP_RX_CHECKSUM);
}

/* ---------------------------------------------------------------- */
/* IPv4 header parsing                                                */

static size_t mk_ipv4(uint8_t *pkt, uint8_t proto, const uint8_t *vrrp, size_t vlen)
{
	size_t len = 20 + vlen;

	memset(pkt, 0, 20);
	pkt[0] = 0x45;
	pkt[2] = (uint8_t)(len >> 8);
	pkt[3] = (uint8_t)len;
	pkt[8] = 255;
	pkt[9] = proto;
	memcpy(pkt + 12, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(pkt + 16, (uint8_t[]){ 224, 0, 0, 18 }, 4);
	memcpy(pkt + 20, vrrp, vlen);
	return len;
}

static void test_ipv4_parse(void **state)
{
	uint8_t pkt[128], vr[64];
	struct vrrp_ip_info info = { 0 }, m = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_advert d;
	const uint8_t *v;
	size_t vlen, n;

	(void)state;
	good_v3(vr, &m);
	n = mk_ipv4(pkt, 112, vr, 16);
	assert_int_equal(vrrp_ipv4_parse(pkt, n, &info, &v, &vlen), VRRP_RX_OK);
	assert_int_equal(vlen, 16);
	assert_ptr_equal(v, pkt + 20);
	assert_int_equal(info.ttl, 255);
	assert_false(info.ah);
	assert_int_equal(vrrp_ip_cmp(&info.src, &m.src), 0);
	assert_int_equal(vrrp_ip_cmp(&info.dst, &m.dst), 0);
	info.mcast_group = m.mcast_group;
	assert_int_equal(vrrp_packet_decode(v, vlen, &info, &d), VRRP_RX_OK);

	assert_int_equal(vrrp_ipv4_parse(pkt, 19, &info, &v, &vlen), VRRP_RX_NOT_VRRP);
	assert_int_equal(vrrp_ipv4_parse(pkt, n - 1, &info, &v, &vlen), VRRP_RX_LENGTH);
	pkt[9] = 6;
	assert_int_equal(vrrp_ipv4_parse(pkt, n, &info, &v, &vlen), VRRP_RX_NOT_VRRP);
	pkt[9] = 112;
	pkt[0] = 0x65;
	assert_int_equal(vrrp_ipv4_parse(pkt, n, &info, &v, &vlen), VRRP_RX_NOT_VRRP);
	pkt[0] = 0x44;		/* IHL below 5 */
	assert_int_equal(vrrp_ipv4_parse(pkt, n, &info, &v, &vlen), VRRP_RX_NOT_VRRP);
	pkt[0] = 0x4f;		/* IHL past the end */
	assert_int_equal(vrrp_ipv4_parse(pkt, n, &info, &v, &vlen), VRRP_RX_NOT_VRRP);

	/* AH: too short, wrong next header. */
	n = mk_ipv4(pkt, 51, vr, 16);
	assert_int_equal(vrrp_ipv4_parse(pkt, n, &info, &v, &vlen), VRRP_RX_AH_MALFORMED);
	memmove(pkt + 44, vr, 16);
	memset(pkt + 20, 0, 24);
	pkt[20] = 6;
	pkt[21] = 4;
	pkt[3] = 60;
	assert_int_equal(vrrp_ipv4_parse(pkt, 60, &info, &v, &vlen), VRRP_RX_AH_MALFORMED);
	pkt[20] = 112;
	assert_int_equal(vrrp_ipv4_parse(pkt, 60, &info, &v, &vlen), VRRP_RX_OK);
	assert_true(info.ah);
	assert_ptr_equal(v, pkt + 44);
	assert_int_equal(vlen, 16);
}

/* ---------------------------------------------------------------- */
/* Checks against an instance                                         */

static const uint8_t cfg_vips[] = { 10, 0, 0, 101, 10, 0, 0, 100 };

static struct vrrp_rx_config cfg_v3(void)
{
	struct vrrp_rx_config c = {
		.version = 3, .family = AF_INET, .priority = 100,
		.csum = VRRP_CSUM_PSEUDO, .vips = cfg_vips, .nvips = 2,
		.check_addr_list = true,
	};

	return c;
}

static enum vrrp_rx_reason rx_v3(const struct vrrp_ip_info *i, enum vrrp_csum_kind k,
				 const struct vrrp_rx_config *c)
{
	uint8_t buf[64];
	struct vrrp_advert d;
	enum vrrp_rx_reason r;

	assert_int_equal(enc_v3(buf, i, k), 16);
	r = vrrp_packet_decode(buf, 16, i, &d);
	if (r != VRRP_RX_OK)
		return r;
	return vrrp_packet_check(&d, i, c);
}

static void test_check_v3_ok_and_order_free_list(void **state)
{
	struct vrrp_ip_info m = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_rx_config c = cfg_v3();

	(void)state;
	/* The configured list is in another order: still a match. */
	assert_int_equal(rx_v3(&m, VRRP_CSUM_PSEUDO, &c), VRRP_RX_OK);
}

static void test_check_ttl(void **state)
{
	struct vrrp_ip_info m = info4("10.0.0.1", "224.0.0.18", 254);
	struct vrrp_ip_info u = info4("10.0.0.1", "10.0.0.2", 64);
	struct vrrp_rx_config c = cfg_v3();

	(void)state;
	assert_int_equal(rx_v3(&m, VRRP_CSUM_PSEUDO, &c), VRRP_RX_TTL);
	/* Unicast may be routed: any TTL. */
	c.unicast = true;
	assert_int_equal(rx_v3(&u, VRRP_CSUM_PSEUDO, &c), VRRP_RX_OK);
}

static void test_check_csum_flavour(void **state)
{
	struct vrrp_ip_info m = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_ip_info u = info4("10.0.0.1", "10.0.0.2", 64);
	struct vrrp_rx_config c = cfg_v3();

	(void)state;
	assert_int_equal(rx_v3(&m, VRRP_CSUM_NO_PSEUDO, &c), VRRP_RX_CSUM_FLAVOUR);
	c.csum = VRRP_CSUM_NO_PSEUDO;	/* v3_checksum_as_v2 */
	assert_int_equal(rx_v3(&m, VRRP_CSUM_NO_PSEUDO, &c), VRRP_RX_OK);
	assert_int_equal(rx_v3(&m, VRRP_CSUM_PSEUDO, &c), VRRP_RX_CSUM_FLAVOUR);
	c.csum = VRRP_CSUM_PSEUDO;
	c.unicast = true;
	assert_int_equal(rx_v3(&u, VRRP_CSUM_PSEUDO_MCAST, &c), VRRP_RX_CSUM_FLAVOUR);
	c.csum_compat_mcast = true;
	assert_int_equal(rx_v3(&u, VRRP_CSUM_PSEUDO_MCAST, &c), VRRP_RX_OK);
}

static void test_check_version_and_dest(void **state)
{
	struct vrrp_ip_info m = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_ip_info u = info4("10.0.0.1", "10.0.0.2", 255);
	struct vrrp_rx_config c = cfg_v3();

	(void)state;
	c.version = 2;
	assert_int_equal(rx_v3(&m, VRRP_CSUM_PSEUDO, &c), VRRP_RX_WRONG_VERSION);
	c.version = 3;
	assert_int_equal(rx_v3(&u, VRRP_CSUM_PSEUDO, &c), VRRP_RX_DEST);
	c.unicast = true;
	assert_int_equal(rx_v3(&m, VRRP_CSUM_PSEUDO, &c), VRRP_RX_DEST);
}

static void test_check_owner(void **state)
{
	struct vrrp_ip_info m = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_rx_config c = cfg_v3();

	(void)state;
	c.priority = 255;
	assert_int_equal(rx_v3(&m, VRRP_CSUM_PSEUDO, &c), VRRP_RX_OK);
	c.owner_ignore_adverts = true;
	assert_int_equal(rx_v3(&m, VRRP_CSUM_PSEUDO, &c), VRRP_RX_OWNER);
}

static void test_check_unknown_peer(void **state)
{
	struct vrrp_ip_info u = info4("10.0.0.1", "10.0.0.2", 255);
	struct vrrp_ip peers[2] = { ip4("10.0.0.3"), ip4("10.0.0.4") };
	struct vrrp_rx_config c = cfg_v3();

	(void)state;
	c.unicast = true;
	c.check_unicast_src = true;
	c.peers = peers;
	c.npeers = 2;
	assert_int_equal(rx_v3(&u, VRRP_CSUM_PSEUDO, &c), VRRP_RX_UNKNOWN_PEER);
	peers[1] = ip4("10.0.0.1");
	assert_int_equal(rx_v3(&u, VRRP_CSUM_PSEUDO, &c), VRRP_RX_OK);
}

static void test_check_addr_list_v3_counted_not_dropped(void **state)
{
	static const uint8_t other[] = { 10, 0, 0, 100, 10, 0, 0, 102 };
	struct vrrp_ip_info m = info4("10.0.0.1", "224.0.0.18", 255);
	struct vrrp_rx_config c = cfg_v3();
	enum vrrp_rx_reason r;

	(void)state;
	c.vips = other;
	r = rx_v3(&m, VRRP_CSUM_PSEUDO, &c);
	assert_int_equal(r, VRRP_RX_OK_ADDR_MISMATCH);
	assert_true(vrrp_rx_accepted(r));
	c.nvips = 1;
	assert_int_equal(rx_v3(&m, VRRP_CSUM_PSEUDO, &c), VRRP_RX_OK_ADDR_MISMATCH);
	/* skip_check_adv_addr for a known master: no check. */
	c.check_addr_list = false;
	assert_int_equal(rx_v3(&m, VRRP_CSUM_PSEUDO, &c), VRRP_RX_OK);
}

/* v2 checks: build from a template with the given fields. */
static enum vrrp_rx_reason rx_v2(uint8_t prio, uint8_t auth, const char *pw, uint8_t adv,
				 const uint8_t *vips, uint8_t n,
				 const struct vrrp_rx_config *c)
{
	uint8_t buf[64];
	struct vrrp_advert a = {
		.version = 2, .vrid = 51, .priority = prio, .naddr = n,
		.family = AF_INET, .adver_int = adv, .addrs = vips, .auth_type = auth,
	}, d;
	struct vrrp_ip_info m = info4("10.0.0.1", "224.0.0.18", 255);
	enum vrrp_rx_reason r;
	ssize_t len;

	if (pw)
		vrrp_auth_key(pw, a.auth_data);
	len = vrrp_packet_encode(&a, &m, VRRP_CSUM_PSEUDO, buf, sizeof(buf));
	assert_true(len > 0);
	r = vrrp_packet_decode(buf, (size_t)len, &m, &d);
	if (r != VRRP_RX_OK)
		return r;
	return vrrp_packet_check(&d, &m, c);
}

static struct vrrp_rx_config cfg_v2(void)
{
	struct vrrp_rx_config c = {
		.version = 2, .family = AF_INET, .priority = 100, .adver_int = 1,
		.vips = cfg_vips, .nvips = 2, .check_addr_list = true,
		.auth_type = VRRP_AUTH_PASS,
	};

	vrrp_auth_key("1111", c.auth_key);
	return c;
}

static void test_check_v2(void **state)
{
	static const uint8_t other[] = { 10, 0, 0, 100 };
	struct vrrp_rx_config c = cfg_v2();

	(void)state;
	assert_int_equal(rx_v2(100, 1, "1111", 1, cfg_vips, 2, &c), VRRP_RX_OK);
	assert_int_equal(rx_v2(100, 1, "1112", 1, cfg_vips, 2, &c), VRRP_RX_AUTH_PASS);
	/* keepalived's key is cut at 8 characters: the 9th does not count. */
	vrrp_auth_key("abcdefgh", c.auth_key);
	assert_int_equal(rx_v2(100, 1, "abcdefghX", 1, cfg_vips, 2, &c), VRRP_RX_OK);
	vrrp_auth_key("1111", c.auth_key);
	assert_int_equal(rx_v2(100, 0, NULL, 1, cfg_vips, 2, &c), VRRP_RX_AUTH_MISMATCH);
	assert_int_equal(rx_v2(100, 3, NULL, 1, cfg_vips, 2, &c), VRRP_RX_AUTH_INVALID);
	/* auth type 2 without an AH header */
	c.auth_type = VRRP_AUTH_NONE;
	assert_int_equal(rx_v2(100, 2, NULL, 1, cfg_vips, 2, &c), VRRP_RX_AUTH_MISMATCH);
	assert_int_equal(rx_v2(100, 0, NULL, 1, cfg_vips, 2, &c), VRRP_RX_OK);
	assert_int_equal(rx_v2(100, 0, NULL, 2, cfg_vips, 2, &c), VRRP_RX_ADV_INTERVAL);
	/* RFC 3768: an address list mismatch drops, unless from the owner. */
	assert_int_equal(rx_v2(100, 0, NULL, 1, other, 1, &c), VRRP_RX_ADDR_LIST);
	assert_int_equal(rx_v2(255, 0, NULL, 1, other, 1, &c), VRRP_RX_OK_ADDR_MISMATCH);
}

/* Every reason bumps the one counter it is documented to. */
struct count_case {
	enum vrrp_rx_reason r;
	size_t inst_off;	/* offset of the instance counter, or SIZE_MAX */
	size_t rt_off;		/* router counter, or SIZE_MAX */
};

#define I(f) offsetof(struct vrrp_stats, f)
#define R(f) offsetof(struct vrrp_router_stats, f)
#define NONE SIZE_MAX

static const struct count_case count_cases[] = {
	{ VRRP_RX_OK, I(rcvd_advertisements), NONE },
	{ VRRP_RX_TOO_SHORT, I(packet_length_errors), NONE },
	{ VRRP_RX_LENGTH, I(packet_length_errors), NONE },
	{ VRRP_RX_VERSION, I(version_errors), R(version_errors) },
	{ VRRP_RX_WRONG_VERSION, I(version_errors), R(version_errors) },
	{ VRRP_RX_TYPE, I(rcvd_invalid_type), NONE },
	{ VRRP_RX_CHECKSUM, I(checksum_errors), R(checksum_errors) },
	{ VRRP_RX_CSUM_FLAVOUR, I(checksum_errors), R(checksum_errors) },
	{ VRRP_RX_NOT_VRRP, NONE, R(other_errors) },
	{ VRRP_RX_VRID, NONE, R(vrid_errors) },
	{ VRRP_RX_TTL, I(ip_ttl_errors), NONE },
	{ VRRP_RX_DEST, I(address_list_errors), NONE },
	{ VRRP_RX_OWNER, I(discards), NONE },
	{ VRRP_RX_AUTH_INVALID, I(invalid_auth_type), NONE },
	{ VRRP_RX_AUTH_MISMATCH, I(auth_type_mismatch), NONE },
	{ VRRP_RX_AUTH_PASS, I(auth_failures), NONE },
	{ VRRP_RX_AH_MALFORMED, I(auth_failures), NONE },
	{ VRRP_RX_AH_ICV, I(auth_failures), NONE },
	{ VRRP_RX_AH_SPI, I(auth_failures), NONE },
	{ VRRP_RX_AH_SEQ, I(auth_failures), NONE },
	{ VRRP_RX_ADV_INTERVAL, I(adv_interval_errors), NONE },
	{ VRRP_RX_ADDR_LIST, I(address_list_errors), NONE },
	{ VRRP_RX_UNKNOWN_PEER, I(discards), NONE },
};

/* A counter of a struct: where it is and how wide (32 or 64 bits). */
struct ctr {
	size_t off, size;
};

#define IC(f) { I(f), sizeof(((struct vrrp_stats *)0)->f) }
#define RC(f) { R(f), sizeof(((struct vrrp_router_stats *)0)->f) }

static uint64_t ctr_at(const void *base, struct ctr c)
{
	uint64_t v = 0;
	uint32_t v32;

	if (c.size == sizeof(v32)) {
		memcpy(&v32, (const char *)base + c.off, sizeof(v32));
		return v32;
	}
	assert_int_equal(c.size, sizeof(v));
	memcpy(&v, (const char *)base + c.off, sizeof(v));
	return v;
}

/* Every counter of each struct but MasterTransitions (the machine's). */
static const struct ctr inst_counters[] = {
	IC(rcvd_advertisements), IC(adv_interval_errors), IC(ip_ttl_errors),
	IC(rcvd_pri_zero), IC(sent_pri_zero), IC(rcvd_invalid_type),
	IC(address_list_errors), IC(packet_length_errors), IC(checksum_errors),
	IC(version_errors), IC(auth_failures), IC(invalid_auth_type),
	IC(auth_type_mismatch), IC(discards),
};
static const struct ctr rt_counters[] = {
	RC(checksum_errors), RC(version_errors), RC(vrid_errors), RC(other_errors),
};

static void test_count_rx(void **state)
{
	size_t k, j;

	(void)state;
	/* Every reason but OK_ADDR_MISMATCH (see below) has a case. */
	assert_int_equal(sizeof(count_cases) / sizeof(count_cases[0]) + 1,
			 VRRP_RX_REASON_MAX);
	for (k = 0; k < sizeof(count_cases) / sizeof(count_cases[0]); k++) {
		const struct count_case *cc = &count_cases[k];
		struct vrrp_stats s;
		struct vrrp_router_stats rt;

		memset(&s, 0, sizeof(s));
		memset(&rt, 0, sizeof(rt));
		assert_string_not_equal(vrrp_rx_reason_str(cc->r), "unknown");
		vrrp_stats_count_rx(&s, &rt, cc->r, NULL);
		for (j = 0; j < sizeof(inst_counters) / sizeof(inst_counters[0]); j++)
			assert_int_equal(ctr_at(&s, inst_counters[j]),
					 inst_counters[j].off == cc->inst_off ? 1 : 0);
		for (j = 0; j < sizeof(rt_counters) / sizeof(rt_counters[0]); j++)
			assert_int_equal(ctr_at(&rt, rt_counters[j]),
					 rt_counters[j].off == cc->rt_off ? 1 : 0);
		assert_int_equal(s.master_transitions, 0);
	}
}

static void test_count_rx_details(void **state)
{
	struct vrrp_stats s = { 0 };
	struct vrrp_router_stats rt = { 0 };
	struct vrrp_advert a = { .priority = 0 };

	(void)state;
	vrrp_stats_count_rx(&s, &rt, VRRP_RX_OK, &a);
	assert_int_equal(s.rcvd_pri_zero, 1);
	assert_int_equal(s.rcvd_advertisements, 1);
	vrrp_stats_count_rx(&s, &rt, VRRP_RX_OK_ADDR_MISMATCH, &a);
	assert_int_equal(s.address_list_errors, 1);
	assert_int_equal(s.rcvd_advertisements, 2);
	assert_int_equal(s.rcvd_pri_zero, 2);
	vrrp_stats_count_rx(&s, &rt, VRRP_RX_TTL, NULL);
	assert_int_equal(s.proto_err_reason, VRRP_PE_TTL);
	vrrp_stats_count_rx(&s, &rt, VRRP_RX_CHECKSUM, NULL);
	assert_int_equal(s.proto_err_reason, VRRP_PE_CHECKSUM);
	/* Before the instance is known, only the router counts. */
	vrrp_stats_count_rx(NULL, &rt, VRRP_RX_CHECKSUM, NULL);
	assert_int_equal(rt.checksum_errors, 2);
	assert_int_equal(s.checksum_errors, 1);
	vrrp_stats_count_rx(NULL, &rt, VRRP_RX_LENGTH, NULL);
	assert_int_equal(rt.other_errors, 1);
	vrrp_stats_count_rx(NULL, NULL, VRRP_RX_VRID, NULL);
	assert_string_equal(vrrp_rx_reason_str(VRRP_RX_REASON_MAX), "unknown");
}

/* The Counter32 ones wrap as a Counter32 does; a Counter64 one goes on
 * past 32 bits. */
static void test_count_rx_widths(void **state)
{
	struct vrrp_stats s = { 0 };

	(void)state;
	s.auth_failures = UINT32_MAX;
	s.rcvd_advertisements = UINT32_MAX;
	vrrp_stats_count_rx(&s, NULL, VRRP_RX_AUTH_PASS, NULL);
	vrrp_stats_count_rx(&s, NULL, VRRP_RX_OK, NULL);
	assert_int_equal(s.auth_failures, 0);
	assert_true(s.rcvd_advertisements == (uint64_t)UINT32_MAX + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_v2_by_hand),
		cmocka_unit_test(test_csum_v3_ipv4),
		cmocka_unit_test(test_csum_v3_ipv6),
		cmocka_unit_test(test_roundtrip_v2_ipv4),
		cmocka_unit_test(test_roundtrip_v3_ipv4),
		cmocka_unit_test(test_roundtrip_v3_ipv6),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_decode_too_short),
		cmocka_unit_test(test_decode_length),
		cmocka_unit_test(test_decode_version),
		cmocka_unit_test(test_decode_type),
		cmocka_unit_test(test_decode_checksum),
		cmocka_unit_test(test_decode_csum_flavours),
		cmocka_unit_test(test_ipv4_parse),
		cmocka_unit_test(test_check_v3_ok_and_order_free_list),
		cmocka_unit_test(test_check_ttl),
		cmocka_unit_test(test_check_csum_flavour),
		cmocka_unit_test(test_check_version_and_dest),
		cmocka_unit_test(test_check_owner),
		cmocka_unit_test(test_check_unknown_peer),
		cmocka_unit_test(test_check_addr_list_v3_counted_not_dropped),
		cmocka_unit_test(test_check_v2),
		cmocka_unit_test(test_count_rx),
		cmocka_unit_test(test_count_rx_details),
		cmocka_unit_test(test_count_rx_widths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
