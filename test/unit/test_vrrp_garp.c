/*
 * The frames the VRRP I/O layer builds by hand: the gratuitous ARP, the
 * unsolicited neighbour advertisement and the IPv4 header of an advert.
 * Expected bytes are written out from RFC 826, RFC 4861 §4.4 and RFC 791,
 * not produced by the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "vrrp/vrrp_csum.h"
#include "vrrp/vrrp_garp.h"
#include "vrrp/vrrp_sock.h"

static const uint8_t vmac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33 };

static void test_arp_frame(void **state)
{
	static const uint8_t want[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* broadcast */
		0x00, 0x00, 0x5e, 0x00, 0x01, 0x33,	/* source MAC */
		0x08, 0x06,				/* ARP */
		0x00, 0x01, 0x08, 0x00, 6, 4,		/* Ethernet, IPv4 */
		0x00, 0x01,				/* request */
		0x00, 0x00, 0x5e, 0x00, 0x01, 0x33,	/* sender MAC */
		192, 0, 2, 10,				/* sender IP */
		0, 0, 0, 0, 0, 0,			/* target MAC */
		192, 0, 2, 10,				/* target IP */
	};
	uint8_t buf[128];
	struct in_addr ip;
	size_t i;

	(void)state;
	memset(buf, 0xaa, sizeof(buf));
	inet_pton(AF_INET, "192.0.2.10", &ip);
	assert_int_equal(vrrp_garp_build_arp(buf, sizeof(buf), vmac, &ip), 60);
	assert_memory_equal(buf, want, sizeof(want));
	for (i = sizeof(want); i < 60; i++)
		assert_int_equal(buf[i], 0);	/* padding */
	assert_int_equal(buf[60], 0xaa);	/* nothing past the frame */
	assert_int_equal(vrrp_garp_build_arp(buf, 59, vmac, &ip), 0);
}

static void test_na(void **state)
{
	static const uint8_t want[32] = {
		136, 0, 0, 0,				/* type, code, checksum */
		0x20, 0, 0, 0,				/* O flag */
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50,
		2, 1,					/* target link-layer address */
		0x00, 0x00, 0x5e, 0x00, 0x01, 0x33,
	};
	uint8_t buf[32];
	struct in6_addr t;

	(void)state;
	inet_pton(AF_INET6, "2001:db8::50", &t);
	assert_int_equal(vrrp_garp_build_na(buf, sizeof(buf), vmac, &t, false), 32);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(vrrp_garp_build_na(buf, sizeof(buf), vmac, &t, true), 32);
	assert_int_equal(buf[4], 0xa0);		/* R and O */
	assert_int_equal(vrrp_garp_build_na(buf, 31, vmac, &t, false), 0);
}

static void test_ip4_header(void **state)
{
	struct vrrp_ip src = { .family = AF_INET }, dst = { .family = AF_INET };
	static const uint8_t want[20] = {
		0x45, 0xc0, 0x00, 0x28, 0x12, 0x34, 0x00, 0x00,
		255, 112, 0, 0,				/* checksum checked below */
		192, 0, 2, 1, 224, 0, 0, 18,
	};
	uint8_t buf[20];

	(void)state;
	inet_pton(AF_INET, "192.0.2.1", &src.u.v4);
	inet_pton(AF_INET, "224.0.0.18", &dst.u.v4);
	vrrp_ip4_header_build(buf, 40, 112, &src, &dst, 255, 0x1234);
	assert_memory_equal(buf, want, 10);
	assert_memory_equal(buf + 12, want + 12, 8);
	/* a header with a right checksum sums to zero */
	assert_int_equal(vrrp_csum_fold(vrrp_csum_add(0, buf, 20)), 0);
	assert_true(buf[10] || buf[11]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_frame),
		cmocka_unit_test(test_na),
		cmocka_unit_test(test_ip4_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
