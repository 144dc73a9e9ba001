/*
 * The receive ring's split and parsing (vrrp_ring.h): the ring's and the
 * raw sockets' classic BPF filters, run here by a small interpreter of
 * the instructions they use on crafted IPv4 and IPv6 frames, are
 * complementary (each plain frame is taken by exactly one path; a
 * fragment or a unicast advert never by the ring, and a reassembled
 * datagram too long for the ring by the raw socket); the kernel accepts
 * both programs; a ring frame is parsed as a raw socket's packet would
 * be, and what the IP layer would drop is dropped; a TPACKET_V3 block is
 * walked frame by frame with each frame's interface.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vrrp/vrrp_csum.h"
#include "vrrp/vrrp_ring.h"

/* Run F on a frame whose network header is PKT (LEN bytes) with
 * PKTTYPE; returns what the filter returns (0: refused). */
static uint32_t bpf_run(const struct sock_filter *f, unsigned n,
			const uint8_t *pkt, size_t len, uint8_t pkttype)
{
	uint32_t a = 0;

	for (unsigned pc = 0, steps = 0; pc < n && steps < 64; pc++, steps++) {
		const struct sock_filter *i = &f[pc];
		uint32_t k = i->k;

		switch (i->code) {
		case BPF_LD | BPF_B | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_W | BPF_ABS: {
			size_t sz = BPF_SIZE(i->code) == BPF_B ? 1 :
				    BPF_SIZE(i->code) == BPF_H ? 2 : 4;
			size_t off;

			if (k == (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE)) {
				a = pkttype;
				break;
			}
			assert_true(k >= (uint32_t)SKF_NET_OFF &&
				    k < (uint32_t)SKF_NET_OFF + 0x1000);
			off = k - (uint32_t)SKF_NET_OFF;
			if (off + sz > len)
				return 0;	/* as the kernel: out of the packet */
			a = 0;
			for (size_t b = 0; b < sz; b++)
				a = a << 8 | pkt[off + b];
			break;
		}
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return k;
		default:
			fail_msg("unexpected instruction %#x", i->code);
		}
	}
	fail_msg("filter fell off its end");
	return 0;
}

static struct vrrp_ip group4, group6;

static void groups(void)
{
	group4 = vrrp_sock_default_group(AF_INET);
	group6 = vrrp_sock_default_group(AF_INET6);
}

/* Does the ring take it (PKTTYPE), does a raw socket? */
static void verdicts(sa_family_t fam, const uint8_t *p, size_t len,
		     uint8_t pkttype, bool *ring, bool *raw)
{
	struct sock_filter f[VRRP_RING_FILTER_MAX];
	const struct vrrp_ip *g = fam == AF_INET ? &group4 : &group6;
	unsigned n;

	n = vrrp_ring_filter(fam, g, true, f);
	assert_true(n <= VRRP_RING_FILTER_MAX);
	*ring = bpf_run(f, n, p, len, pkttype) != 0;
	n = vrrp_ring_filter(fam, g, false, f);
	assert_true(n <= VRRP_RING_FILTER_MAX);
	*raw = bpf_run(f, n, p, len, PACKET_HOST) != 0;
}

/* An IPv4 datagram of TOT bytes (header IHL bytes) with PROTO, source
 * 192.0.2.1, destination DST, flags and offset FRAG, TTL 255, and a
 * right header checksum, into P. */
static size_t ip4(uint8_t *p, size_t tot, size_t ihl, uint8_t proto,
		  const char *dst, uint16_t frag)
{
	uint16_t sum;

	memset(p, 0, tot);
	p[0] = (uint8_t)(0x40 | ihl / 4);
	p[1] = 0xc0;
	p[2] = (uint8_t)(tot >> 8);
	p[3] = (uint8_t)tot;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = 255;
	p[9] = proto;
	assert_int_equal(inet_pton(AF_INET, "192.0.2.1", p + 12), 1);
	assert_int_equal(inet_pton(AF_INET, dst, p + 16), 1);
	if (ihl > 20)
		p[20] = 0x94;	/* router alert, say */
	sum = vrrp_csum_fold(vrrp_csum_add(0, p, ihl));
	p[10] = (uint8_t)(sum >> 8);
	p[11] = (uint8_t)sum;
	p[ihl] = 0x31;		/* v3 advert, VRID 1 */
	p[ihl + 1] = 1;
	return tot;
}

static size_t ip6(uint8_t *p, size_t plen, uint8_t nh, const char *dst)
{
	memset(p, 0, 40 + plen);
	p[0] = 0x60;
	p[4] = (uint8_t)(plen >> 8);
	p[5] = (uint8_t)plen;
	p[6] = nh;
	p[7] = 255;
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", p + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, p + 24), 1);
	p[40] = 0x31;
	p[41] = 1;
	return 40 + plen;
}

static void test_split_v4(void **state)
{
	uint8_t p[1600];
	bool ring, raw;
	struct {
		size_t tot, ihl;
		uint8_t proto;
		const char *dst;
		uint16_t frag;
		bool by_ring;
	} c[] = {
		{ 40, 20, 112, "224.0.0.18", 0, true },		/* plain advert */
		{ 40, 20, 112, "224.0.0.18", 0x4000, true },	/* DF is fine */
		{ 44, 24, 112, "224.0.0.18", 0, true },		/* IP options */
		{ 1280, 20, 112, "224.0.0.18", 0, true },	/* the bound */
		{ 1281, 20, 112, "224.0.0.18", 0, false },	/* may be reassembled */
		{ 40, 20, 112, "192.0.2.2", 0, false },		/* unicast */
		{ 40, 20, 112, "224.0.0.19", 0, false },	/* another group */
		{ 64, 20, 51, "224.0.0.18", 0, false },		/* AH */
		{ 40, 20, 17, "224.0.0.18", 0, false },		/* not VRRP */
		{ 40, 20, 112, "224.0.0.18", 0x2000, false },	/* MF */
		{ 40, 20, 112, "224.0.0.18", 0x0001, false },	/* offset */
		{ 40, 20, 112, "224.0.0.18", 0x20b9, false },	/* both */
	};

	(void)state;
	groups();
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t n = ip4(p, c[i].tot, c[i].ihl, c[i].proto, c[i].dst, c[i].frag);

		verdicts(AF_INET, p, n, PACKET_MULTICAST, &ring, &raw);
		if (ring != c[i].by_ring)
			fail_msg("frame %zu: ring %d", i, ring);
		if (c[i].frag & 0x3fff) {
			/* a fragment: the raw socket sees the datagram */
			assert_false(ring);
			continue;
		}
		if (ring == raw)
			fail_msg("frame %zu: ring %d raw %d", i, ring, raw);
		/* Never the ring's, from a frame for another host or our
		 * own going out; host and broadcast are fine. */
		verdicts(AF_INET, p, n, PACKET_OTHERHOST, &ring, &raw);
		assert_false(ring);
		verdicts(AF_INET, p, n, PACKET_OUTGOING, &ring, &raw);
		assert_false(ring);
		verdicts(AF_INET, p, n, PACKET_HOST, &ring, &raw);
		assert_int_equal(ring, c[i].by_ring);
	}
	/* A 1400-byte advert fragmented on the way: the ring refuses each
	 * fragment, the raw socket takes the reassembled datagram. */
	ip4(p, 1000, 20, 112, "224.0.0.18", 0x2000);
	verdicts(AF_INET, p, 1000, PACKET_MULTICAST, &ring, &raw);
	assert_false(ring);
	ip4(p, 420, 20, 112, "224.0.0.18", 1000 / 8);
	verdicts(AF_INET, p, 420, PACKET_MULTICAST, &ring, &raw);
	assert_false(ring);
	ip4(p, 1400, 20, 112, "224.0.0.18", 0);
	verdicts(AF_INET, p, 1400, PACKET_HOST, &ring, &raw);
	assert_true(raw);
	/* Too short to read (the IP layer never passes one up): not the
	 * ring's. */
	verdicts(AF_INET, p, 8, PACKET_MULTICAST, &ring, &raw);
	assert_false(ring);
}

static void test_split_v6(void **state)
{
	uint8_t p[1600];
	bool ring, raw;
	struct {
		size_t plen;
		uint8_t nh;
		const char *dst;
		bool by_ring;
	} c[] = {
		{ 24, 112, "ff02::12", true },
		{ 1240, 112, "ff02::12", true },
		{ 1241, 112, "ff02::12", false },	/* may be reassembled */
		{ 24, 112, "fe80::2", false },		/* unicast */
		{ 24, 112, "ff02::13", false },		/* another group */
		{ 32, 0, "ff02::12", false },		/* hop-by-hop */
		{ 32, 44, "ff02::12", false },		/* a fragment */
		{ 32, 51, "ff02::12", false },		/* AH */
		{ 24, 17, "ff02::12", false },
	};

	(void)state;
	groups();
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t n = ip6(p, c[i].plen, c[i].nh, c[i].dst);

		verdicts(AF_INET6, p, n, PACKET_MULTICAST, &ring, &raw);
		if (ring != c[i].by_ring || ring == raw)
			fail_msg("frame %zu: ring %d raw %d", i, ring, raw);
		verdicts(AF_INET6, p, n, PACKET_OTHERHOST, &ring, &raw);
		assert_false(ring);
	}
}

/* The kernel's checker accepts all four programs. */
static void test_kernel_accepts(void **state)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sock_filter f[VRRP_RING_FILTER_MAX];

	(void)state;
	groups();
	assert_true(fd >= 0);
	for (int fam = 0; fam < 2; fam++)
		for (int ring = 0; ring < 2; ring++) {
			sa_family_t af = fam ? AF_INET6 : AF_INET;
			struct sock_fprog p = { .filter = f };

			p.len = (unsigned short)vrrp_ring_filter(af, fam ? &group6 : &group4,
								 ring, f);
			assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER,
						    &p, sizeof(p)), 0);
		}
	assert_int_equal(vrrp_ring_raw_filter(fd, AF_INET, &group4), 0);
	assert_int_equal(vrrp_ring_raw_filter(fd, AF_INET, NULL), 0);
	close(fd);
	if (geteuid() == 0) {
		struct vrrp_ring *r;

		assert_int_equal(vrrp_ring_open(AF_INET, &group4, &r), 0);
		assert_int_equal(vrrp_ring_read(r, VRRP_RING_BLOCKS, NULL, NULL), 0);
		assert_int_equal(vrrp_ring_drops(r), 0);
		vrrp_ring_close(r);
		assert_int_equal(vrrp_ring_open(AF_INET6, &group6, &r), 0);
		vrrp_ring_close(r);
	}
}

static void test_frame_v4(void **state)
{
	uint8_t p[128];
	struct vrrp_rx rx;
	char a[INET_ADDRSTRLEN];

	(void)state;
	/* A 40-byte advert in a 60-byte Ethernet payload: the padding is
	 * not the datagram's. */
	memset(p, 0xee, sizeof(p));
	ip4(p, 40, 20, 112, "224.0.0.18", 0);
	assert_int_equal(vrrp_ring_frame(AF_INET, p, 46, PACKET_MULTICAST, &rx), 0);
	assert_int_equal(rx.reason, VRRP_RX_OK);
	assert_int_equal(rx.len, 20);
	assert_ptr_equal(rx.msg, p + 20);
	assert_int_equal(rx.ip.ttl, 255);
	assert_int_equal(rx.ip.ip_len, 40);
	assert_false(rx.ip.ah);
	assert_string_equal(inet_ntop(AF_INET, &rx.ip.src.u.v4, a, sizeof(a)), "192.0.2.1");
	assert_string_equal(inet_ntop(AF_INET, &rx.ip.dst.u.v4, a, sizeof(a)), "224.0.0.18");
	/* With options: the message starts after them. */
	ip4(p, 44, 24, 112, "224.0.0.18", 0);
	assert_int_equal(vrrp_ring_frame(AF_INET, p, 44, PACKET_HOST, &rx), 0);
	assert_ptr_equal(rx.msg, p + 24);
	assert_int_equal(rx.len, 20);
	/* What ip_rcv() drops: dropped, not counted. */
	ip4(p, 40, 20, 112, "224.0.0.18", 0);
	assert_int_equal(vrrp_ring_frame(AF_INET, p, 39, PACKET_HOST, &rx), -EINVAL);
	p[10] ^= 1;
	assert_int_equal(vrrp_ring_frame(AF_INET, p, 40, PACKET_HOST, &rx), -EINVAL);
	ip4(p, 40, 20, 112, "224.0.0.18", 0);
	p[0] = 0x44;
	assert_int_equal(vrrp_ring_frame(AF_INET, p, 40, PACKET_HOST, &rx), -EINVAL);
	ip4(p, 40, 20, 112, "224.0.0.18", 0);
	assert_int_equal(vrrp_ring_frame(AF_INET, p, 40, PACKET_OTHERHOST, &rx), -EINVAL);
	assert_int_equal(vrrp_ring_frame(AF_INET, p, 10, PACKET_HOST, &rx), -EINVAL);
	ip4(p, 40, 20, 112, "224.0.0.18", 0);
	p[12] = 224;	/* a multicast source: the checksum is wrong too, so */
	p[10] = p[11] = 0;
	{
		uint16_t s = vrrp_csum_fold(vrrp_csum_add(0, p, 20));

		p[10] = (uint8_t)(s >> 8);
		p[11] = (uint8_t)s;
	}
	assert_int_equal(vrrp_ring_frame(AF_INET, p, 40, PACKET_HOST, &rx), -EINVAL);
	/* A sound IPv4 header with a VRRP message too short: kept, for the
	 * same counter as the raw socket's. */
	ip4(p, 21, 20, 112, "224.0.0.18", 0);
	assert_int_equal(vrrp_ring_frame(AF_INET, p, 21, PACKET_HOST, &rx), 0);
	assert_int_equal(rx.reason, VRRP_RX_OK);
	assert_int_equal(rx.len, 1);
}

static void test_frame_v6(void **state)
{
	uint8_t p[128];
	struct vrrp_rx rx;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	ip6(p, 24, 112, "ff02::12");
	assert_int_equal(vrrp_ring_frame(AF_INET6, p, 64, PACKET_MULTICAST, &rx), 0);
	assert_int_equal(rx.reason, VRRP_RX_OK);
	assert_int_equal(rx.len, 24);
	assert_ptr_equal(rx.msg, p + 40);
	assert_int_equal(rx.ip.ttl, 255);
	assert_int_equal(rx.ip.src.family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &rx.ip.src.u.v6, a, sizeof(a)), "fe80::1");
	assert_string_equal(inet_ntop(AF_INET6, &rx.ip.dst.u.v6, a, sizeof(a)), "ff02::12");
	assert_int_equal(vrrp_ring_frame(AF_INET6, p, 63, PACKET_MULTICAST, &rx), -EINVAL);
	assert_int_equal(vrrp_ring_frame(AF_INET6, p, 64, PACKET_OTHERHOST, &rx), -EINVAL);
	p[8] = 0xff;	/* a multicast source */
	assert_int_equal(vrrp_ring_frame(AF_INET6, p, 64, PACKET_MULTICAST, &rx), -EINVAL);
	ip6(p, 24, 0, "ff02::12");
	assert_int_equal(vrrp_ring_frame(AF_INET6, p, 64, PACKET_MULTICAST, &rx), -EINVAL);
}

struct seen {
	int n;
	int ifindex[8];
	size_t len[8];
};

static void on_frame(struct vrrp_rx *rx, int ifindex, void *arg)
{
	struct seen *s = arg;

	if (s->n < 8) {
		s->ifindex[s->n] = ifindex;
		s->len[s->n] = rx->len;
		s->n++;
	}
}

/* Lay a frame (PKT, LEN) at OFF of block B as the kernel does; returns
 * the offset of the next one. */
static size_t lay(uint8_t *b, size_t off, const uint8_t *pkt, size_t len,
		  int ifindex, uint8_t pkttype, bool last)
{
	struct tpacket3_hdr h = { 0 };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	size_t net = TPACKET_ALIGN(sizeof(h) + sizeof(sll)) + 16;
	size_t next = TPACKET_ALIGN(net + len);

	h.tp_net = h.tp_mac = (unsigned)net;
	h.tp_snaplen = h.tp_len = (unsigned)len;
	h.tp_next_offset = last ? 0 : (unsigned)next;
	sll.sll_ifindex = ifindex;
	sll.sll_pkttype = pkttype;
	memcpy(b + off, &h, sizeof(h));
	memcpy(b + off + TPACKET_ALIGN(sizeof(h)), &sll, sizeof(sll));
	memcpy(b + off + net, pkt, len);
	return off + next;
}

static void test_block(void **state)
{
	static uint8_t b[4096];
	struct tpacket_block_desc bd = { 0 };
	uint8_t p[64];
	struct seen s = { 0 };
	size_t off = TPACKET_ALIGN(sizeof(bd));

	(void)state;
	memset(b, 0, sizeof(b));
	bd.version = TPACKET_V3;
	bd.hdr.bh1.num_pkts = 3;
	bd.hdr.bh1.offset_to_first_pkt = (uint32_t)off;
	bd.hdr.bh1.block_status = TP_STATUS_USER;
	memcpy(b, &bd, sizeof(bd));
	ip4(p, 40, 20, 112, "224.0.0.18", 0);
	off = lay(b, off, p, 40, 3, PACKET_MULTICAST, false);
	p[10] ^= 0xff;		/* a bad header checksum: skipped */
	off = lay(b, off, p, 40, 4, PACKET_MULTICAST, false);
	ip4(p, 48, 20, 112, "224.0.0.18", 0);
	lay(b, off, p, 48, 7, PACKET_MULTICAST, true);
	assert_int_equal(vrrp_ring_block(AF_INET, b, sizeof(b), on_frame, &s), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ifindex[0], 3);
	assert_int_equal(s.len[0], 20);
	assert_int_equal(s.ifindex[1], 7);
	assert_int_equal(s.len[1], 28);
	/* A frame said to reach past the block is not read. */
	s.n = 0;
	assert_int_equal(vrrp_ring_block(AF_INET, b, off + 40, on_frame, &s), 1);
	assert_int_equal(s.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_v4),
		cmocka_unit_test(test_split_v6),
		cmocka_unit_test(test_kernel_accepts),
		cmocka_unit_test(test_frame_v4),
		cmocka_unit_test(test_frame_v6),
		cmocka_unit_test(test_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
