/*
 * libFuzzer target for the VRRP receive path: IPv4 header parsing, the
 * decoder, the checks against an instance (including AH), the statistics,
 * and the state machine fed with whatever survives.  Built by
 * test/fuzz/build.sh vrrp_packet; run by test/fuzz/run.sh vrrp_packet.
 *
 * Input layout, so one corpus covers every entry point:
 *   byte 0, low 2 bits: 0  the rest is a raw IPv4 packet (header, maybe AH,
 *                          VRRP), as an IPv4 raw socket delivers it
 *                       1  IPv4 meta: src[4] dst[4] ttl[1], then VRRP
 *                       2  IPv6 meta: src[16] dst[16] hop limit[1], then VRRP
 *   byte 0, other bits: instance knobs (unicast, checksum flavour, auth type,
 *                       owner) so the checks take every branch.
 *
 * Besides "never crashes", it asserts one property: a packet that decodes
 * re-encodes to the same bytes (apart from the v3 reserved bits, v2
 * authentication data that only PASS carries, and a checksum of 0xffff,
 * which is the same sum as the 0x0000 we write).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_auth.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const uint8_t *pkt, size_t len, const struct vrrp_ip_info *ip,
		      const struct vrrp_advert *a)
{
	uint8_t buf[VRRP_MAX_PKT_LEN], want[VRRP_MAX_PKT_LEN];
	ssize_t n;

	/* Intervals the encoder refuses (0) can arrive; nothing to compare. */
	n = vrrp_packet_encode(a, ip, a->csum_kind, buf, sizeof(buf));
	if (n < 0)
		return;
	if ((size_t)n != len)
		abort();
	memcpy(want, pkt, len);
	if (a->version == 3) {
		if (want[4] & 0xf0) {
			/* Reserved bits change the sum: compare the rest. */
			want[4] &= 0x0f;
			want[6] = buf[6];
			want[7] = buf[7];
		}
	} else if (a->auth_type != VRRP_AUTH_PASS &&
		   memcmp(want + len - 8, "\0\0\0\0\0\0\0\0", 8)) {
		memset(want + len - 8, 0, 8);
		want[6] = buf[6];
		want[7] = buf[7];
	}
	/* 0x0000 and 0xffff are the two ones'-complement spellings of the
	 * same sum (RFC 1071): a sender may use either, we write one. */
	if (want[6] == 0xff && want[7] == 0xff && !buf[6] && !buf[7])
		want[6] = want[7] = 0;
	if (memcmp(buf, want, len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrrp_ip_info ip;
	struct vrrp_advert a;
	struct vrrp_stats st;
	struct vrrp_router_stats rt;
	struct vrrp_rx_config c;
	struct vrrp_fsm f;
	struct vrrp_fsm_config fc;
	struct vrrp_actions out;
	const uint8_t *msg;
	size_t len;
	enum vrrp_rx_reason r;
	uint32_t seq = 0;
	uint8_t mode, vips[16 * 4];

	if (size < 1)
		return 0;
	mode = data[0];
	memset(&ip, 0, sizeof(ip));
	ip.ttl = -1;
	ip.mcast_group.family = AF_INET;
	memcpy(&ip.mcast_group.u.v4, (uint8_t[]){ 224, 0, 0, 18 }, 4);
	data++;
	size--;

	switch (mode & 3) {
	case 0:
		r = vrrp_ipv4_parse(data, size, &ip, &msg, &len);
		break;
	case 1:
		if (size < 9)
			return 0;
		ip.src.family = ip.dst.family = AF_INET;
		memcpy(&ip.src.u.v4, data, 4);
		memcpy(&ip.dst.u.v4, data + 4, 4);
		ip.ttl = data[8];
		msg = data + 9;
		len = size - 9;
		r = VRRP_RX_OK;
		break;
	case 2:
		if (size < 33)
			return 0;
		ip.src.family = ip.dst.family = AF_INET6;
		memcpy(&ip.src.u.v6, data, 16);
		memcpy(&ip.dst.u.v6, data + 16, 16);
		ip.ttl = data[32];
		msg = data + 33;
		len = size - 33;
		ip.mcast_group.family = AF_UNSPEC;
		r = VRRP_RX_OK;
		break;
	default:
		return 0;
	}
	memset(&st, 0, sizeof(st));
	memset(&rt, 0, sizeof(rt));
	if (r == VRRP_RX_OK)
		r = vrrp_packet_decode(msg, len, &ip, &a);
	if (r != VRRP_RX_OK) {
		vrrp_stats_count_rx(NULL, &rt, r, NULL);
		return 0;
	}
	roundtrip(msg, len, &ip, &a);

	/* An instance shaped by the mode bits, with the advert's own
	 * addresses or not. */
	memset(&c, 0, sizeof(c));
	c.version = a.version;
	c.family = a.family;
	c.priority = (mode & 0x80) ? 255 : 100;
	c.owner_ignore_adverts = mode & 0x40;
	c.unicast = mode & 0x04;
	c.check_unicast_src = mode & 0x08;
	c.peers = &ip.src;
	c.npeers = (mode & 0x10) ? 1 : 0;
	c.csum = (enum vrrp_csum_kind)((mode >> 4) % 3);
	c.csum_compat_mcast = mode & 0x20;
	c.adver_int = 1;
	c.auth_type = (uint8_t)((mode >> 2) % 3);
	vrrp_auth_key("secret", c.auth_key);
	c.ah_seq = &seq;
	c.check_addr_list = true;
	c.nvips = a.naddr < 4 ? a.naddr : 4;
	if (c.nvips)
		memcpy(vips, a.addrs, c.nvips * vrrp_ip_len(a.family));
	c.vips = vips;
	r = vrrp_packet_check(&a, &ip, &c);
	vrrp_stats_count_rx(&st, &rt, r, &a);
	if (!vrrp_rx_accepted(r))
		return 0;

	memset(&fc, 0, sizeof(fc));
	fc.version = a.version;
	fc.priority = c.priority;
	fc.adver_int_us = 1000000;
	fc.nopreempt = mode & 0x08;
	fc.preempt_delay_us = (mode & 0x10) ? 5000000 : 0;
	fc.primary = ip.dst;
	vrrp_fsm_init(&f, &fc, &st);
	vrrp_fsm_startup(&f, 1000, &out);
	vrrp_fsm_advert(&f, 2000, a.priority, &ip.src, vrrp_advert_interval_us(&a), &out);
	vrrp_fsm_timer(&f, f.timer_at, &out);
	vrrp_fsm_advert(&f, f.timer_at, a.priority, &ip.src, vrrp_advert_interval_us(&a), &out);
	vrrp_fsm_if_down(&f, f.timer_at + 1, &out);
	vrrp_fsm_if_up(&f, f.timer_at + 2, &out);
	vrrp_fsm_shutdown(&f, f.timer_at + 3, &out);
	if (out.n > VRRP_FSM_MAX_ACTIONS)
		abort();
	return 0;
}
