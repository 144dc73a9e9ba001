/*
 * Test driver for the VRRP I/O layer (test/integration/vrrp-io.sh): each
 * sub-command does one thing with the real modules and prints one
 * line per result, so the shell test can run it in one namespace and
 * watch the wire from another.
 *
 *   link IF                          index, MAC, usable
 *   send IF 4|6 [opts]               v3 adverts built by vrrp_packet_encode
 *        --dst A  --src A  --ttl N  --vrid N  --prio N  --vip A  --count N
 *        --ah PASS (IPv4: a v2 advert signed with AH)
 *   recv IF 4|6 [--no-join] [--group A] [--timeout MS] [--ah PASS]
 *                                    "ready", then one decoded advert
 *   addr add|del|present IF A/P [brd B] [label L] [scope S] [peer P]
 *        [nodad] [noprefixroute] [home] [autojoin] [deprecated]
 *   addr list IF
 *   garp IF 4ADDR [MAC]              one gratuitous ARP
 *   na IF 6ADDR [MAC [SRC]]          one unsolicited NA
 *   watch IF [--count N] [--timeout MS]
 *                                    "ready", then "EVENT IF" lines
 *
 * Exit status: 0 success, 1 failure or time-out, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/epoll.h>
#include <systemd/sd-event.h>

#include "lib/log.h"
#include "lib/nl_addr.h"
#include "lib/nl_link.h"
#include "vrrp/vrrp_auth.h"
#include "vrrp/vrrp_garp.h"
#include "vrrp/vrrp_packet.h"
#include "vrrp/vrrp_sock.h"

static void usage(void)
{
	fprintf(stderr, "usage: vrrp_io_driver link|send|recv|addr|garp|na|watch ...\n");
	exit(2);
}

static int get_ifindex(const char *name)
{
	struct nl_link_info li;
	int r = nl_link_get(NULL, 0, name, &li);

	if (r < 0) {
		fprintf(stderr, "%s: %s\n", name, strerror(-r));
		exit(1);
	}
	return li.ifindex;
}

static struct vrrp_ip parse_ip(const char *s)
{
	struct vrrp_ip a = { .family = AF_INET };

	if (inet_pton(AF_INET, s, &a.u.v4) == 1)
		return a;
	a.family = AF_INET6;
	if (inet_pton(AF_INET6, s, &a.u.v6) == 1)
		return a;
	fprintf(stderr, "bad address %s\n", s);
	exit(2);
}

static const char *ip_str(const struct vrrp_ip *a, char *buf, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return "-";
	return inet_ntop(a->family, &a->u, buf, (socklen_t)len);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int m[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return 0;
}

static void mac_str(const uint8_t *mac, size_t len, char *buf)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < len; i++)
		buf += sprintf(buf, i ? ":%02x" : "%02x", mac[i]);
}

/* ------------------------------------------------------------------ link */

static int cmd_link(int argc, char **argv)
{
	struct nl_link_info li;
	char mac[3 * NL_LINK_HWADDR_MAX + 1];
	int r;

	if (argc != 1)
		usage();
	r = nl_link_get(NULL, 0, argv[0], &li);
	if (r < 0) {
		printf("error %s\n", strerror(-r));
		return 1;
	}
	mac_str(li.hwaddr, li.hwaddr_len, mac);
	printf("ifindex=%d name=%s mac=%s up=%d mtu=%u\n", li.ifindex, li.name, mac,
	       li.up, li.mtu);
	/* the same link by index must be the same link */
	r = nl_link_get(NULL, li.ifindex, NULL, &li);
	return r < 0 || strcmp(li.name, argv[0]) ? 1 : 0;
}

/* ---------------------------------------------------------- first address */

struct pick {
	sa_family_t family;
	bool found;
	struct vrrp_ip ip;
};

static void pick_one(const struct nl_addr_spec *a, void *data)
{
	struct pick *p = data;
	bool ll;

	if (p->found || a->family != p->family)
		return;
	ll = a->family == AF_INET6 && a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80;
	/* IPv6 adverts come from the link-local address (RFC 5798 §5.1.2.1) */
	if (a->family == AF_INET6 && !ll)
		return;
	p->found = true;
	p->ip.family = a->family;
	memcpy(&p->ip.u, a->addr, vrrp_ip_len(a->family));
}

static struct vrrp_ip primary_addr(int ifindex, sa_family_t family)
{
	struct pick p = { .family = family };

	if (nl_addr_list(NULL, ifindex, family, pick_one, &p) < 0 || !p.found) {
		fprintf(stderr, "no source address of family %d on %d\n", family, ifindex);
		exit(1);
	}
	return p.ip;
}

/* ------------------------------------------------------------ send / recv */

static int cmd_send(int argc, char **argv)
{
	struct vrrp_sock_opts o = { 0 };
	struct vrrp_ip src = { 0 }, dst = { 0 }, vip = { 0 };
	struct vrrp_advert a = { .version = 3, .type = VRRP_TYPE_ADVERT, .vrid = 51,
				 .priority = 100, .adver_int = 100 };
	struct vrrp_ip_info info = { 0 };
	struct vrrp_sock *s;
	uint8_t buf[VRRP_IP4_HDR_LEN + VRRP_AH_LEN + VRRP_MAX_PKT_LEN];
	uint8_t *msg = buf, key[VRRP_AUTH_LEN];
	const char *ah = NULL;
	uint32_t seq = 0;
	int i, ttl = VRRP_TTL, count = 1, r = 0;
	ssize_t n;

	if (argc < 2)
		usage();
	o.ifindex = get_ifindex(argv[0]);
	o.family = !strcmp(argv[1], "6") ? AF_INET6 : AF_INET;
	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--dst")) dst = parse_ip(argv[i + 1]);
		else if (!strcmp(argv[i], "--src")) src = parse_ip(argv[i + 1]);
		else if (!strcmp(argv[i], "--vip")) vip = parse_ip(argv[i + 1]);
		else if (!strcmp(argv[i], "--ttl")) ttl = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--vrid")) a.vrid = (uint8_t)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--prio")) a.priority = (uint8_t)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--count")) count = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--ah")) ah = argv[i + 1];
		else usage();
	}
	if (i != argc || (ah && o.family != AF_INET))
		usage();
	if (ah) {
		/* v2 with AH: the message goes after the IP and AH headers */
		a.version = 2;
		a.adver_int = 1;
		a.auth_type = VRRP_AUTH_AH;
		msg = buf + VRRP_IP4_HDR_LEN + VRRP_AH_LEN;
		vrrp_auth_key(ah, key);
	}
	r = vrrp_sock_open(&o, &s);
	if (r < 0) {
		fprintf(stderr, "open: %s\n", strerror(-r));
		return 1;
	}
	if (dst.family == AF_UNSPEC)
		dst = *vrrp_sock_group(s);
	if (src.family == AF_UNSPEC)
		src = primary_addr(o.ifindex, o.family);
	if (vip.family == AF_UNSPEC)
		vip = parse_ip(o.family == AF_INET ? "192.0.2.200" : "2001:db8::200");
	a.family = o.family;
	a.naddr = 1;
	a.addrs = (const uint8_t *)&vip.u;
	info.src = src;
	info.dst = dst;
	n = vrrp_packet_encode(&a, &info, VRRP_CSUM_PSEUDO, msg,
			       sizeof(buf) - (size_t)(msg - buf));
	if (n < 0) {
		fprintf(stderr, "encode: %s\n", strerror((int)-n));
		vrrp_sock_close(s);
		return 1;
	}
	for (i = 0; i < count && r == 0; i++) {
		if (i)
			usleep(100000);
		if (!ah) {
			r = vrrp_sock_send(s, &src, &dst, (uint8_t)ttl, msg, (size_t)n);
			continue;
		}
		size_t total = (size_t)(msg - buf) + (size_t)n;

		r = vrrp_sock_ip4_header(s, buf, total, VRRP_PROTO_AH, &src, &dst, (uint8_t)ttl);
		if (r >= 0)
			r = vrrp_ah_sign(buf, total, key, &seq, !vrrp_ip_is_multicast(&dst));
		if (r >= 0)
			r = vrrp_sock_send_ip4(s, buf, total);
	}
	if (r < 0)
		fprintf(stderr, "send: %s\n", strerror(-r));
	else
		printf("sent %d\n", count);
	vrrp_sock_close(s);
	return r < 0;
}

struct recv_ctx {
	struct vrrp_sock *s;
	int status;
	bool ah;
	uint8_t key[VRRP_AUTH_LEN];
	uint32_t seq;
};

static int on_packet(sd_event_source *es, int fd, uint32_t revents, void *data)
{
	struct recv_ctx *c = data;
	struct vrrp_advert a;
	struct vrrp_rx rx;
	enum vrrp_rx_reason why;
	char sb[INET6_ADDRSTRLEN], db[INET6_ADDRSTRLEN], vb[INET6_ADDRSTRLEN];
	struct vrrp_ip vip = { 0 };
	int r;

	(void)fd;
	(void)revents;
	r = vrrp_sock_recv(c->s, &rx);
	if (r == -EAGAIN)
		return 0;
	if (r < 0) {
		printf("error %s\n", strerror(-r));
		return sd_event_exit(sd_event_source_get_event(es), 1);
	}
	why = rx.reason;
	if (vrrp_rx_accepted(why))
		why = vrrp_packet_decode(rx.msg, rx.len, &rx.ip, &a);
	if (why == VRRP_RX_OK) {
		vip.family = a.family;
		memcpy(&vip.u, a.addrs, vrrp_ip_len(a.family));
	}
	printf("rx reason=%s src=%s dst=%s ttl=%d ifindex=%d", vrrp_rx_reason_str(why),
	       ip_str(&rx.ip.src, sb, sizeof(sb)), ip_str(&rx.ip.dst, db, sizeof(db)),
	       rx.ip.ttl, rx.ifindex);
	if (rx.ip.ip_pkt)
		printf(" tos=0x%02x id=%u", rx.ip.ip_pkt[1],
		       (unsigned)(rx.ip.ip_pkt[4] << 8 | rx.ip.ip_pkt[5]));
	if (why == VRRP_RX_OK && c->ah) {
		why = rx.ip.ah ? vrrp_ah_verify(rx.ip.ip_pkt, rx.ip.ip_len, c->key, &c->seq,
						!vrrp_ip_is_multicast(&rx.ip.dst))
			       : VRRP_RX_AUTH_MISMATCH;
		printf(" ah=%s seq=%u", vrrp_rx_reason_str(why), c->seq);
	}
	if (why == VRRP_RX_OK)
		printf(" version=%u vrid=%u prio=%u naddr=%u vip=%s int=%u", a.version, a.vrid,
		       a.priority, a.naddr, ip_str(&vip, vb, sizeof(vb)), a.adver_int);
	printf("\n");
	c->status = why == VRRP_RX_OK ? 0 : 1;
	return sd_event_exit(sd_event_source_get_event(es), c->status);
}

static int on_timeout(sd_event_source *es, uint64_t usec, void *data)
{
	(void)usec;
	(void)data;
	printf("timeout\n");
	return sd_event_exit(sd_event_source_get_event(es), 1);
}

static int run_loop(sd_event *e, unsigned timeout_ms)
{
	int r, code = 1;

	r = sd_event_add_time_relative(e, NULL, CLOCK_MONOTONIC,
				       (uint64_t)timeout_ms * 1000, 0, on_timeout, NULL);
	if (r >= 0) {
		fflush(stdout);
		r = sd_event_loop(e);
	}
	if (r < 0)
		fprintf(stderr, "event loop: %s\n", strerror(-r));
	else
		code = r;
	return code;
}

static int cmd_recv(int argc, char **argv)
{
	struct vrrp_sock_opts o = { .join = true };
	struct recv_ctx c = { .status = 1 };
	unsigned int timeout = 5000;
	sd_event *e = NULL;
	int i, r;

	if (argc < 2)
		usage();
	o.ifindex = get_ifindex(argv[0]);
	o.family = !strcmp(argv[1], "6") ? AF_INET6 : AF_INET;
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--no-join"))
			o.join = false;
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--group") && i + 1 < argc)
			o.group = parse_ip(argv[++i]);
		else if (!strcmp(argv[i], "--ah") && i + 1 < argc) {
			c.ah = true;
			o.proto = VRRP_PROTO_AH;
			vrrp_auth_key(argv[++i], c.key);
		} else
			usage();
	}
	r = vrrp_sock_open(&o, &c.s);
	if (r < 0) {
		fprintf(stderr, "open: %s\n", strerror(-r));
		return 1;
	}
	r = sd_event_new(&e);
	if (r >= 0)
		r = sd_event_add_io(e, NULL, vrrp_sock_fd(c.s), EPOLLIN, on_packet, &c);
	if (r >= 0) {
		printf("ready\n");
		r = run_loop(e, timeout);
	} else {
		r = 1;
	}
	sd_event_unref(e);
	vrrp_sock_close(c.s);
	return r;
}

/* ------------------------------------------------------------------- addr */

static int parse_scope(const char *s)
{
	if (!strcmp(s, "global")) return RT_SCOPE_UNIVERSE;
	if (!strcmp(s, "site")) return RT_SCOPE_SITE;
	if (!strcmp(s, "link")) return RT_SCOPE_LINK;
	if (!strcmp(s, "host")) return RT_SCOPE_HOST;
	if (!strcmp(s, "nowhere")) return RT_SCOPE_NOWHERE;
	return atoi(s);
}

static void print_addr(const struct nl_addr_spec *a, void *data)
{
	char b[INET6_ADDRSTRLEN];

	(void)data;
	inet_ntop(a->family, a->addr, b, sizeof(b));
	printf("addr %s/%u", b, a->prefixlen);
	if (a->has_peer) {
		inet_ntop(a->family, a->peer, b, sizeof(b));
		printf(" peer %s", b);
	}
	if (a->has_brd) {
		inet_ntop(AF_INET, a->brd, b, sizeof(b));
		printf(" brd %s", b);
	}
	printf(" scope %u flags 0x%x", a->scope, a->flags);
	if (a->label[0])
		printf(" label %s", a->label);
	printf("\n");
}

static int cmd_addr(int argc, char **argv)
{
	struct nl_addr_spec s = { 0 };
	const char *op;
	int i, r;

	if (argc < 2)
		usage();
	op = argv[0];
	s.ifindex = get_ifindex(argv[1]);
	if (!strcmp(op, "list")) {
		r = nl_addr_list(NULL, s.ifindex, AF_UNSPEC, print_addr, NULL);
		return r < 0;
	}
	if (argc < 3 || nl_addr_spec_parse(&s, argv[2]) < 0)
		usage();
	for (i = 3; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		struct vrrp_ip ip;

		if (!strcmp(k, "nodad")) { s.flags |= IFA_F_NODAD; continue; }
		if (!strcmp(k, "noprefixroute")) { s.flags |= IFA_F_NOPREFIXROUTE; continue; }
		if (!strcmp(k, "home")) { s.flags |= IFA_F_HOMEADDRESS; continue; }
		if (!strcmp(k, "autojoin")) { s.flags |= IFA_F_MCAUTOJOIN; continue; }
		if (!strcmp(k, "deprecated")) { s.deprecated = true; continue; }
		if (!v)
			usage();
		i++;
		if (!strcmp(k, "brd")) {
			ip = parse_ip(v);
			s.has_brd = true;
			memcpy(s.brd, &ip.u.v4, 4);
		} else if (!strcmp(k, "peer")) {
			ip = parse_ip(v);
			s.has_peer = true;
			memcpy(s.peer, &ip.u, vrrp_ip_len(ip.family));
		} else if (!strcmp(k, "label")) {
			snprintf(s.label, sizeof(s.label), "%s", v);
		} else if (!strcmp(k, "scope")) {
			s.scope = (uint8_t)parse_scope(v);
		} else {
			usage();
		}
	}
	if (!strcmp(op, "add")) {
		r = nl_addr_add(NULL, &s);
		printf("%s\n", r == 0 ? "added" : r == 1 ? "adopted" : strerror(-r));
	} else if (!strcmp(op, "del")) {
		r = nl_addr_del(NULL, &s);
		printf("%s\n", r == 0 ? "deleted" : r == 1 ? "absent" : strerror(-r));
	} else if (!strcmp(op, "present")) {
		r = nl_addr_present(NULL, &s);
		printf("%s\n", r == 1 ? "present" : r == 0 ? "absent" : strerror(-r));
	} else {
		usage();
	}
	return r < 0;
}

/* ---------------------------------------------------------------- garp/na */

static int own_mac(int ifindex, uint8_t mac[6])
{
	struct nl_link_info li;

	if (nl_link_get(NULL, ifindex, NULL, &li) < 0 || li.hwaddr_len != 6)
		return -1;
	memcpy(mac, li.hwaddr, 6);
	return 0;
}

static int cmd_garp(int argc, char **argv, bool v6)
{
	struct vrrp_garp *g;
	struct vrrp_ip ip, src = { 0 };
	uint8_t mac[6];
	int ifindex, r;

	if (argc < 2 || argc > (v6 ? 4 : 3))
		usage();
	ifindex = get_ifindex(argv[0]);
	ip = parse_ip(argv[1]);
	if (ip.family != (v6 ? AF_INET6 : AF_INET))
		usage();
	if (argc > 2 ? parse_mac(argv[2], mac) : own_mac(ifindex, mac))
		usage();
	if (argc > 3)
		src = parse_ip(argv[3]);
	r = vrrp_garp_open(&g);
	if (r < 0) {
		fprintf(stderr, "open: %s\n", strerror(-r));
		return 1;
	}
	if (v6)
		r = vrrp_garp_send_na(g, ifindex, mac, &ip.u.v6,
				      src.family == AF_INET6 ? &src.u.v6 : NULL, false);
	else
		r = vrrp_garp_send_arp(g, ifindex, mac, &ip.u.v4);
	vrrp_garp_close(g);
	printf("%s\n", r < 0 ? strerror(-r) : "sent");
	return r < 0;
}

/* ------------------------------------------------------------------ watch */

struct watch_ctx {
	sd_event *e;
	int ifindex;
	int left;
};

static void on_link(enum nl_link_event ev, const struct nl_link_info *li, void *data)
{
	struct watch_ctx *c = data;

	if (li->ifindex != c->ifindex)
		return;
	printf("%s %s\n", nl_link_event_str(ev), li->name);
	fflush(stdout);
	if (--c->left == 0)
		(void)sd_event_exit(c->e, 0);
}

static int cmd_watch(int argc, char **argv)
{
	struct watch_ctx c = { .left = 1 };
	struct nl_link_watch *w = NULL;
	struct nl_link_info li;
	unsigned int timeout = 5000;
	sd_event *e = NULL;
	int i, r;

	if (argc < 1)
		usage();
	c.ifindex = get_ifindex(argv[0]);
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--count")) c.left = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--timeout")) timeout = (unsigned)atoi(argv[i + 1]);
		else usage();
	}
	if (i != argc)
		usage();
	r = sd_event_new(&e);
	c.e = e;
	if (r >= 0)
		r = nl_link_watch_new(e, on_link, &c, &w);
	if (r >= 0)
		r = nl_link_watch_lookup(w, c.ifindex, &li);
	if (r < 0) {
		fprintf(stderr, "watch: %s\n", strerror(-r));
		r = 1;
	} else {
		printf("ready %s up=%d\n", li.name, li.up);
		r = run_loop(e, timeout);
	}
	nl_link_watch_free(w);
	sd_event_unref(e);
	return r;
}

int main(int argc, char **argv)
{
	struct log_opts lo = { .ident = "vrrp_io_driver", .console = true };
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init(&lo);
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "link")) r = cmd_link(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "send")) r = cmd_send(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "recv")) r = cmd_recv(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "addr")) r = cmd_addr(argc - 2, argv + 2);
	else if (!strcmp(argv[1], "garp")) r = cmd_garp(argc - 2, argv + 2, false);
	else if (!strcmp(argv[1], "na")) r = cmd_garp(argc - 2, argv + 2, true);
	else if (!strcmp(argv[1], "watch")) r = cmd_watch(argc - 2, argv + 2);
	else usage();
	log_close();
	return r;
}
