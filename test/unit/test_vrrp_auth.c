/*
 * VRRPv2 authentication: PASS and AH HMAC-MD5-96.
 *
 * The ICVs below were computed independently with Python's hmac module:
 * the 64-byte packet (IPv4 header, AH with a zero ICV, VRRP message) with
 * TOS, flags/fragment offset and header checksum zeroed (and TTL too for
 * the unicast vector), HMAC-MD5 under the key "secret\0\0", first 12 bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/vrrp_auth.h"
#include "vrrp/vrrp_packet.h"

/* IPv4 192.168.1.1 -> 224.0.0.18, TOS 0xc0, id 0x1234, TTL 255, proto 51. */
static const uint8_t ip_hdr[20] = {
	0x45, 0xc0, 0x00, 0x40, 0x12, 0x34, 0x00, 0x00, 0xff, 0x33, 0x00, 0x00,
	0xc0, 0xa8, 0x01, 0x01, 0xe0, 0x00, 0x00, 0x12,
};
/* AH: next header 112, length 4, SPI 192.168.1.1, sequence 1, ICV zero. */
static const uint8_t ah_hdr[24] = {
	0x70, 0x04, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x01, 0x00, 0x00, 0x00, 0x01,
};
/* VRRPv2, VRID 51, priority 100, 1 address 192.168.1.100, auth type 2. */
static const uint8_t vrrp_msg[20] = {
	0x21, 0x33, 0x64, 0x01, 0x02, 0x01, 0xb6, 0xbd, 0xc0, 0xa8, 0x01, 0x64,
	0, 0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t icv_mcast[12] = {
	0xa2, 0x2e, 0x33, 0x18, 0x17, 0x89, 0xbf, 0x96, 0x98, 0xb0, 0xf5, 0x7f,
};
static const uint8_t icv_ucast[12] = {
	0xf0, 0x40, 0x0d, 0x56, 0xef, 0x32, 0xf3, 0xe0, 0x6b, 0x8c, 0xea, 0xca,
};
/* The same packet but SPI 10.0.0.9, correctly signed (multicast). */
static const uint8_t icv_bad_spi[12] = {
	0x6e, 0x69, 0x3a, 0x47, 0xcd, 0xf2, 0x0b, 0x06, 0x13, 0x98, 0xc7, 0x48,
};

#define PKT_LEN 64

static void build(uint8_t *pkt)
{
	memcpy(pkt, ip_hdr, 20);
	memcpy(pkt + 20, ah_hdr, 24);
	memcpy(pkt + 44, vrrp_msg, 20);
}

static void key(uint8_t k[8])
{
	vrrp_auth_key("secret", k);
}

static void test_key_padding(void **state)
{
	uint8_t k[8];

	(void)state;
	vrrp_auth_key("secret", k);
	assert_memory_equal(k, "secret\0\0", 8);
	vrrp_auth_key("123456789", k);
	assert_memory_equal(k, "12345678", 8);
	vrrp_auth_key("", k);
	assert_memory_equal(k, "\0\0\0\0\0\0\0\0", 8);
}

static void test_pass_compare(void **state)
{
	struct vrrp_advert a = { .auth_data = { 'p', 'w', 0, 0, 0, 0, 0, 0 } };
	uint8_t k[8];

	(void)state;
	vrrp_auth_key("pw", k);
	assert_true(vrrp_auth_pass_ok(&a, k));
	vrrp_auth_key("pW", k);
	assert_false(vrrp_auth_pass_ok(&a, k));
	/* Trailing bytes count: "pw" is not "pw\0\0\0\0\0x". */
	vrrp_auth_key("pw", k);
	a.auth_data[7] = 'x';
	assert_false(vrrp_auth_pass_ok(&a, k));
}

static void test_sign_vector(void **state)
{
	uint8_t pkt[PKT_LEN], k[8];
	uint32_t seq = 0;

	(void)state;
	key(k);
	build(pkt);
	memset(pkt + 20, 0xee, 24);	/* sign fills the whole AH header */
	assert_int_equal(vrrp_ah_sign(pkt, PKT_LEN, k, &seq, false), 0);
	assert_int_equal(seq, 1);
	assert_memory_equal(pkt + 20, ah_hdr, 12);
	assert_memory_equal(pkt + 32, icv_mcast, 12);
	/* Only the AH header was touched. */
	assert_memory_equal(pkt, ip_hdr, 20);
	assert_memory_equal(pkt + 44, vrrp_msg, 20);

	build(pkt);
	seq = 0;
	assert_int_equal(vrrp_ah_sign(pkt, PKT_LEN, k, &seq, true), 0);
	assert_memory_equal(pkt + 32, icv_ucast, 12);
}

static void test_verify_vector(void **state)
{
	uint8_t pkt[PKT_LEN], k[8];
	uint32_t seq = 0;

	(void)state;
	key(k);
	build(pkt);
	memcpy(pkt + 32, icv_mcast, 12);
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, false), VRRP_RX_OK);
	assert_int_equal(seq, 1);
	/* The unicast ICV leaves TTL out: then TTL may change. */
	build(pkt);
	memcpy(pkt + 32, icv_ucast, 12);
	pkt[8] = 63;
	seq = 0;
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, true), VRRP_RX_OK);
}

static void test_verify_mutable_fields(void **state)
{
	uint8_t pkt[PKT_LEN], k[8];
	uint32_t seq = 0;

	(void)state;
	key(k);
	build(pkt);
	memcpy(pkt + 32, icv_mcast, 12);
	/* Mutable in transit (RFC 2402 §3.3.3.1.1.1): not covered. */
	pkt[1] = 0x00;
	pkt[6] = 0x40;			/* DF */
	pkt[10] = 0xab;
	pkt[11] = 0xcd;
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, false), VRRP_RX_OK);

	/* Immutable: identification, addresses, the VRRP message. */
	build(pkt);
	memcpy(pkt + 32, icv_mcast, 12);
	pkt[5] ^= 1;
	seq = 0;
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, false), VRRP_RX_AH_ICV);
	build(pkt);
	memcpy(pkt + 32, icv_mcast, 12);
	pkt[46] = 200;			/* priority */
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, false), VRRP_RX_AH_ICV);
	/* Multicast ICV covers TTL (keepalived's way). */
	build(pkt);
	memcpy(pkt + 32, icv_mcast, 12);
	pkt[8] = 254;
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, false), VRRP_RX_AH_ICV);
	assert_int_equal(seq, 0);
}

static void test_verify_wrong_key(void **state)
{
	uint8_t pkt[PKT_LEN], k[8];
	uint32_t seq = 0;

	(void)state;
	vrrp_auth_key("secreT", k);
	build(pkt);
	memcpy(pkt + 32, icv_mcast, 12);
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, false), VRRP_RX_AH_ICV);
}

static void test_verify_spi(void **state)
{
	uint8_t pkt[PKT_LEN], k[8];
	uint32_t seq = 0;

	(void)state;
	key(k);
	build(pkt);
	memcpy(pkt + 24, (uint8_t[]){ 10, 0, 0, 9 }, 4);
	memcpy(pkt + 32, icv_bad_spi, 12);
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, false), VRRP_RX_AH_SPI);
}

static void test_verify_sequence(void **state)
{
	uint8_t pkt[PKT_LEN], k[8];
	uint32_t tx = 41, rx = 0;

	(void)state;
	key(k);
	build(pkt);
	assert_int_equal(vrrp_ah_sign(pkt, PKT_LEN, k, &tx, false), 0);
	assert_int_equal(tx, 42);
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &rx, false), VRRP_RX_OK);
	assert_int_equal(rx, 42);
	/* The same packet again is a replay. */
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &rx, false), VRRP_RX_AH_SEQ);
	/* An older one too. */
	tx = 10;
	assert_int_equal(vrrp_ah_sign(pkt, PKT_LEN, k, &tx, false), 0);
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &rx, false), VRRP_RX_AH_SEQ);
	assert_int_equal(rx, 42);
	/* A newer one is accepted and becomes the mark. */
	tx = 100;
	assert_int_equal(vrrp_ah_sign(pkt, PKT_LEN, k, &tx, false), 0);
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &rx, false), VRRP_RX_OK);
	assert_int_equal(rx, 101);
}

static void test_malformed(void **state)
{
	uint8_t pkt[PKT_LEN], k[8];
	uint32_t seq = 0;

	(void)state;
	key(k);
	build(pkt);
	assert_int_equal(vrrp_ah_verify(pkt, 43, k, &seq, false), VRRP_RX_AH_MALFORMED);
	pkt[9] = 112;
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, false), VRRP_RX_AH_MALFORMED);
	assert_int_equal(vrrp_ah_sign(pkt, PKT_LEN, k, &seq, false), -22);
	build(pkt);
	pkt[21] = 5;
	assert_int_equal(vrrp_ah_verify(pkt, PKT_LEN, k, &seq, false), VRRP_RX_AH_MALFORMED);
	assert_int_equal(vrrp_ah_sign(pkt, 20, k, &seq, false), -22);
	assert_int_equal(seq, 0);
}

/* The whole receive path: parse, decode, check with AH. */
static void test_receive_path(void **state)
{
	uint8_t pkt[PKT_LEN], k[8];
	static const uint8_t vips[] = { 192, 168, 1, 100 };
	uint32_t tx = 0, rx = 0;
	struct vrrp_ip_info info = { 0 };
	struct vrrp_advert a;
	const uint8_t *v;
	size_t vlen;
	struct vrrp_rx_config c = {
		.version = 2, .family = AF_INET, .priority = 100, .adver_int = 1,
		.vips = vips, .nvips = 1, .check_addr_list = true,
		.auth_type = VRRP_AUTH_AH, .ah_seq = &rx,
	};

	(void)state;
	key(k);
	memcpy(c.auth_key, k, 8);
	build(pkt);
	assert_int_equal(vrrp_ah_sign(pkt, PKT_LEN, k, &tx, false), 0);
	assert_int_equal(vrrp_ipv4_parse(pkt, PKT_LEN, &info, &v, &vlen), VRRP_RX_OK);
	assert_true(info.ah);
	assert_int_equal(vrrp_packet_decode(v, vlen, &info, &a), VRRP_RX_OK);
	assert_int_equal(a.auth_type, VRRP_AUTH_AH);
	assert_int_equal(vrrp_packet_check(&a, &info, &c), VRRP_RX_OK);
	assert_int_equal(rx, 1);
	/* Replayed. */
	assert_int_equal(vrrp_packet_check(&a, &info, &c), VRRP_RX_AH_SEQ);
	/* We expect PASS but it came with AH. */
	c.auth_type = VRRP_AUTH_PASS;
	assert_int_equal(vrrp_packet_check(&a, &info, &c), VRRP_RX_AUTH_MISMATCH);
	/* Wrong key. */
	c.auth_type = VRRP_AUTH_AH;
	vrrp_auth_key("other", c.auth_key);
	rx = 0;
	assert_int_equal(vrrp_packet_check(&a, &info, &c), VRRP_RX_AH_ICV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_padding),
		cmocka_unit_test(test_pass_compare),
		cmocka_unit_test(test_sign_vector),
		cmocka_unit_test(test_verify_vector),
		cmocka_unit_test(test_verify_mutable_fields),
		cmocka_unit_test(test_verify_wrong_key),
		cmocka_unit_test(test_verify_spi),
		cmocka_unit_test(test_verify_sequence),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_receive_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
