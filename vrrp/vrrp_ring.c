/*
 * The multicast receive ring (see vrrp_ring.h for the split with the raw
 * sockets and what it costs).  The socket is bound to one ethertype, so
 * it sees incoming frames of that family only, on every interface: the
 * caller finds the instance's socket by the frame's ifindex.  SOCK_DGRAM
 * puts the network header at the frame's start on any link type.  The
 * filter is attached before the socket is bound, so no frame reaches the
 * ring unfiltered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "vrrp/vrrp_csum.h"
#include "vrrp/vrrp_ring.h"

struct vrrp_ring {
	int fd;
	sa_family_t family;
	struct vrrp_ip group;
	uint8_t *map;
	unsigned next;		/* the block to read next */
	uint64_t drops;		/* PACKET_STATISTICS, which resets on read */
};

#define NET(off)	((uint32_t)(SKF_NET_OFF + (off)))
#define ACCEPT_ALL	0xffffffffu

static void ins(struct sock_filter *f, unsigned *n, uint16_t code, uint8_t jt,
		uint8_t jf, uint32_t k)
{
	f[(*n)++] = (struct sock_filter){ .code = code, .jt = jt, .jf = jf, .k = k };
}

/* Each test of P jumps to "not P" (NT) when it fails; P's tests end at
 * NTEST, where the verdict on P starts. */
unsigned vrrp_ring_filter(sa_family_t family, const struct vrrp_ip *group,
			  bool ring, struct sock_filter *f)
{
	uint32_t g[4];
	unsigned n = 0, ntest, nt;

	if (family == AF_INET) {
		memcpy(g, &group->u.v4, 4);
		/* 4 tests of 2 instructions, then P's verdict */
		ntest = 8;
		nt = ring ? ntest + 4 : ntest + 1;
		ins(f, &n, BPF_LD | BPF_B | BPF_ABS, 0, 0, NET(9));
		ins(f, &n, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(nt - n - 1), 112);
		ins(f, &n, BPF_LD | BPF_W | BPF_ABS, 0, 0, NET(16));
		ins(f, &n, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(nt - n - 1), ntohl(g[0]));
		ins(f, &n, BPF_LD | BPF_H | BPF_ABS, 0, 0, NET(6));
		ins(f, &n, BPF_JMP | BPF_JSET | BPF_K, (uint8_t)(nt - n - 1), 0, 0x3fff);
		ins(f, &n, BPF_LD | BPF_H | BPF_ABS, 0, 0, NET(2));
		ins(f, &n, BPF_JMP | BPF_JGT | BPF_K, (uint8_t)(nt - n - 1), 0,
		    VRRP_RING_MAX_LEN);
	} else {
		memcpy(g, &group->u.v6, 16);
		/* 6 tests of 2 instructions */
		ntest = 12;
		nt = ring ? ntest + 4 : ntest + 1;
		ins(f, &n, BPF_LD | BPF_B | BPF_ABS, 0, 0, NET(6));
		ins(f, &n, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(nt - n - 1), 112);
		for (unsigned i = 0; i < 4; i++) {
			ins(f, &n, BPF_LD | BPF_W | BPF_ABS, 0, 0, NET(24 + 4 * i));
			ins(f, &n, BPF_JMP | BPF_JEQ | BPF_K, 0,
			    (uint8_t)(nt - n - 1), ntohl(g[i]));
		}
		ins(f, &n, BPF_LD | BPF_H | BPF_ABS, 0, 0, NET(4));
		ins(f, &n, BPF_JMP | BPF_JGT | BPF_K, (uint8_t)(nt - n - 1), 0,
		    VRRP_RING_MAX_LEN - 40);
	}
	if (!ring) {
		ins(f, &n, BPF_RET | BPF_K, 0, 0, 0);		/* P */
		ins(f, &n, BPF_RET | BPF_K, 0, 0, ACCEPT_ALL);	/* not P */
		return n;
	}
	/* P, but not for another host, nor our own going out */
	ins(f, &n, BPF_LD | BPF_B | BPF_ABS, 0, 0, (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE));
	ins(f, &n, BPF_JMP | BPF_JEQ | BPF_K, 2, 0, PACKET_OTHERHOST);
	ins(f, &n, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, PACKET_OUTGOING);
	ins(f, &n, BPF_RET | BPF_K, 0, 0, ACCEPT_ALL);
	ins(f, &n, BPF_RET | BPF_K, 0, 0, 0);
	return n;
}

static int attach(int fd, sa_family_t family, const struct vrrp_ip *group,
		  bool ring)
{
	struct sock_filter f[VRRP_RING_FILTER_MAX];
	struct sock_fprog p = { .filter = f };

	p.len = (unsigned short)vrrp_ring_filter(family, group, ring, f);
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &p, sizeof(p)) < 0
		? -errno : 0;
}

int vrrp_ring_raw_filter(int fd, sa_family_t family, const struct vrrp_ip *group)
{
	int v = 0;

	if (group)
		return attach(fd, family, group, false);
	if (setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &v, sizeof(v)) < 0 &&
	    errno != ENOENT)
		return -errno;
	return 0;
}

static int frame4(const uint8_t *pkt, size_t len, struct vrrp_rx *rx)
{
	size_t ihl, tot;
	uint32_t src;

	if (len < 20 || pkt[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = (size_t)(pkt[2] << 8 | pkt[3]);
	/* ip_rcv()'s checks: what it drops, no counter of ours sees */
	if (ihl < 20 || ihl > len || tot < ihl || tot > len ||
	    vrrp_csum_fold(vrrp_csum_add(0, pkt, ihl)) != 0)
		return -EINVAL;
	memcpy(&src, pkt + 12, 4);
	src = ntohl(src);
	if ((src >> 28) == 0xe || src == 0xffffffffu || (src >> 24) == 127)
		return -EINVAL;		/* a martian source */
	/* Ethernet padding past the total length is not the datagram's. */
	rx->reason = vrrp_ipv4_parse(pkt, tot, &rx->ip, &rx->msg, &rx->len);
	return 0;
}

static int frame6(const uint8_t *pkt, size_t len, struct vrrp_rx *rx)
{
	size_t plen;

	if (len < 40 || pkt[0] >> 4 != 6)
		return -EINVAL;
	plen = (size_t)(pkt[4] << 8 | pkt[5]);
	/* ipv6_rcv()'s checks; the filter took only next header 112 */
	if (plen + 40 > len || pkt[6] != VRRP_PROTO || pkt[8] == 0xff)
		return -EINVAL;
	rx->ip.src.family = rx->ip.dst.family = AF_INET6;
	memcpy(&rx->ip.src.u.v6, pkt + 8, 16);
	memcpy(&rx->ip.dst.u.v6, pkt + 24, 16);
	rx->ip.ttl = pkt[7];
	rx->msg = pkt + 40;
	rx->len = plen;
	rx->reason = VRRP_RX_OK;
	return 0;
}

int vrrp_ring_frame(sa_family_t family, const uint8_t *pkt, size_t len,
		    uint8_t pkttype, struct vrrp_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->ip.ttl = -1;
	if (pkttype == PACKET_OTHERHOST || pkttype == PACKET_OUTGOING)
		return -EINVAL;
	return family == AF_INET ? frame4(pkt, len, rx) : frame6(pkt, len, rx);
}

unsigned vrrp_ring_block(sa_family_t family, const uint8_t *block, size_t size,
			 vrrp_ring_fn fn, void *arg)
{
	const struct tpacket_block_desc *bd = (const void *)block;
	uint32_t npkts = bd->hdr.bh1.num_pkts;
	size_t off = bd->hdr.bh1.offset_to_first_pkt;
	unsigned good = 0;

	/* The kernel wrote the block; its offsets are still checked, so a
	 * mistake cannot read past it. */
	for (uint32_t i = 0; i < npkts; i++) {
		const struct tpacket3_hdr *h;
		const struct sockaddr_ll *sll;
		struct vrrp_rx rx;

		if (off < sizeof(*bd) || off + sizeof(*h) > size)
			break;
		h = (const void *)(block + off);
		sll = (const void *)(block + off + TPACKET_ALIGN(sizeof(*h)));
		if (off + TPACKET_ALIGN(sizeof(*h)) + sizeof(*sll) <= size &&
		    h->tp_snaplen == h->tp_len &&
		    off + h->tp_net + (size_t)h->tp_snaplen <= size &&
		    !vrrp_ring_frame(family, block + off + h->tp_net,
				     h->tp_snaplen, sll->sll_pkttype, &rx)) {
			fn(&rx, sll->sll_ifindex, arg);
			good++;
		}
		if (!h->tp_next_offset)
			break;
		off += h->tp_next_offset;
	}
	return good;
}

int vrrp_ring_open(sa_family_t family, const struct vrrp_ip *group,
		   struct vrrp_ring **out)
{
	struct tpacket_req3 req = {
		.tp_block_size = VRRP_RING_BLOCK_SIZE,
		.tp_block_nr = VRRP_RING_BLOCKS,
		.tp_frame_size = 2048,
		.tp_frame_nr = VRRP_RING_BLOCK_SIZE / 2048 * VRRP_RING_BLOCKS,
		.tp_retire_blk_tov = VRRP_RING_TOV_MS,
	};
	uint16_t eth = family == AF_INET ? ETH_P_IP : ETH_P_IPV6;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(eth) };
	struct vrrp_ring *r;
	int v = TPACKET_V3, e;

	if ((family != AF_INET && family != AF_INET6) || group->family != family)
		return -EINVAL;
	if (!(r = calloc(1, sizeof(*r))))
		return -ENOMEM;
	r->family = family;
	r->group = *group;
	r->map = MAP_FAILED;
	/* protocol 0: nothing is received until bind() */
	r->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0)
		goto fail;
	if ((e = attach(r->fd, family, group, true)) < 0) {
		errno = -e;
		goto fail;
	}
	if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0 ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0)
		goto fail;
	r->map = mmap(NULL, (size_t)VRRP_RING_BLOCK_SIZE * VRRP_RING_BLOCKS,
		      PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED ||
	    bind(r->fd, (const struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto fail;
	*out = r;
	return 0;
fail:
	e = -errno;
	vrrp_ring_close(r);
	return e;
}

void vrrp_ring_close(struct vrrp_ring *r)
{
	if (!r)
		return;
	if (r->map != MAP_FAILED)
		munmap(r->map, (size_t)VRRP_RING_BLOCK_SIZE * VRRP_RING_BLOCKS);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

int vrrp_ring_fd(const struct vrrp_ring *r) { return r->fd; }
const struct vrrp_ip *vrrp_ring_group(const struct vrrp_ring *r) { return &r->group; }

uint64_t vrrp_ring_drops(struct vrrp_ring *r)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);

	if (!getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		r->drops += st.tp_drops;
	return r->drops;
}

unsigned vrrp_ring_read(struct vrrp_ring *r, unsigned max, vrrp_ring_fn fn,
			void *arg)
{
	unsigned n;

	for (n = 0; n < max; n++) {
		uint8_t *b = r->map + (size_t)r->next * VRRP_RING_BLOCK_SIZE;
		struct tpacket_block_desc *bd = (void *)b;

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER))
			break;
		vrrp_ring_block(r->family, b, VRRP_RING_BLOCK_SIZE, fn, arg);
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		r->next = (r->next + 1) % VRRP_RING_BLOCKS;
	}
	return n;
}
