/*
 * PING_CHECK: the real server is up when it answers an ICMP echo request
 * (ICMPv6 for an IPv6 server) within connect_timeout.
 *
 * The check opens a "ping socket" (SOCK_DGRAM with IPPROTO_ICMP /
 * IPPROTO_ICMPV6): the kernel picks the echo id, demultiplexes replies
 * to the socket that sent the request and fills in the checksum, so
 * thousands of checks need no shared raw socket and no filter.  Ping
 * sockets are allowed only to the groups of net.ipv4.ping_group_range
 * (which defaults to none); rather than change that sysctl behind the
 * user's back, a check that gets EACCES falls back to a raw socket (the
 * check process is root), connected to the server so the kernel hands
 * it only that server's ICMP, and then matches replies by id and
 * sequence itself.  Either way the socket is non-blocking on the check
 * process's sd-event loop, through check_sock.c like the other types.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include "check/check_checker.h"
#include "check/check_sock.h"
#include "lib/log.h"

#define PING_DATA 16

struct ping_state {
	bool raw;
	uint16_t id;			/* ours with a raw socket */
	uint8_t buf[1500];
};

static void *ping_open(struct conf_ctx *c, const struct conf_node *n,
		       void *parent)
{
	return check_ck_open(c, n, parent, CHECK_K_PING);
}

static const struct conf_keyword ping_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ .name = NULL },
};

const struct conf_block check_ping_block = {
	.name = "PING_CHECK",
	.keywords = ping_keywords,
	.open = ping_open,
	.close = check_ck_close,
};

static uint16_t csum(const uint8_t *b, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void ping_end(struct check_probe *p, bool ok, const char *why)
{
	check_sock_close(p);
	p->done(p, ok, why);
}

static int send_echo(struct check_probe *p)
{
	struct ping_state *st = p->priv;
	uint8_t pkt[8 + PING_DATA];
	bool v6 = p->dst.ss_family == AF_INET6;
	uint16_t c;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	pkt[4] = (uint8_t)(st->id >> 8);
	pkt[5] = (uint8_t)st->id;
	pkt[6] = (uint8_t)(p->seq >> 8);
	pkt[7] = (uint8_t)p->seq;
	memcpy(pkt + 8, "tandem PING_CHK", PING_DATA);
	/* The kernel sums ICMPv6 (it needs the pseudo-header) and ping
	 * sockets; a raw ICMP socket sends what it is given. */
	if (!v6 && st->raw) {
		c = csum(pkt, sizeof(pkt));
		pkt[2] = (uint8_t)(c >> 8);
		pkt[3] = (uint8_t)c;
	}
	return send(p->fd, pkt, sizeof(pkt), MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* Is this datagram the reply to our request? */
static bool is_reply(const struct check_probe *p, const uint8_t *b, size_t len)
{
	const struct ping_state *st = p->priv;
	bool v6 = p->dst.ss_family == AF_INET6;

	if (!v6 && st->raw) {
		size_t ihl;

		if (len < sizeof(struct iphdr))
			return false;
		ihl = (size_t)(b[0] & 0x0f) * 4;
		if (ihl < sizeof(struct iphdr) || len < ihl)
			return false;
		b += ihl;
		len -= ihl;
	}
	if (len < 8 || b[0] != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY) ||
	    (b[6] << 8 | b[7]) != p->seq)
		return false;
	/* A ping socket's kernel matched the id already. */
	return !st->raw || (b[4] << 8 | b[5]) == st->id;
}

static int on_read(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct check_probe *p = ud;
	struct ping_state *st = p->priv;
	char why[CHECK_REASON_MAX];
	ssize_t r;

	(void)s;
	(void)revents;
	/* Several datagrams may be waiting (a raw socket sees every
	 * echo reply of the server): read until ours or none. */
	for (int i = 0; i < 64; i++) {
		r = recv(fd, st->buf, sizeof(st->buf), 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (r < 0) {
			snprintf(why, sizeof(why), "ICMP: %s", strerror(errno));
			ping_end(p, false, why);
			return 0;
		}
		if (is_reply(p, st->buf, (size_t)r)) {
			ping_end(p, true, NULL);
			return 0;
		}
	}
	return 0;
}

static void on_sock(struct check_probe *p, int err)
{
	char why[CHECK_REASON_MAX];
	int r;

	if (!err && p->step == 0) {
		p->step = 1;
		r = send_echo(p);
		if (r < 0) {
			snprintf(why, sizeof(why), "ICMP: send: %s", strerror(-r));
			ping_end(p, false, why);
			return;
		}
		if (check_sock_watch(p, EPOLLIN, on_read) < 0 ||
		    check_sock_rearm(p) < 0)
			ping_end(p, false, "ICMP: cannot watch the socket");
		return;
	}
	if (err == ETIMEDOUT && p->step)
		snprintf(why, sizeof(why), "ICMP: no echo reply within %.1f s",
			 (double)p->timeout / 1e6);
	else
		snprintf(why, sizeof(why), "ICMP: %s", strerror(err));
	ping_end(p, false, why);
}

static int ping_start(struct check_probe *p)
{
	struct ping_state *st = p->priv;
	int proto = p->dst.ss_family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int r;

	if (!st && !(st = p->priv = calloc(1, sizeof(*st))))
		return -ENOMEM;
	/* ICMP has no port; connect() of a ping socket wants none. */
	if (p->dst.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&p->dst)->sin6_port = 0;
	else
		((struct sockaddr_in *)&p->dst)->sin_port = 0;
	p->step = 0;
	p->seq++;
	if (!st->raw) {
		r = check_sock_connect(p, SOCK_DGRAM, proto, on_sock);
		if (r != -EACCES && r != -EPERM && r != -EPROTONOSUPPORT)
			return r;
		char a[INET6_ADDRSTRLEN] = "?";

		st->raw = true;		/* not in ping_group_range */
		st->id = (uint16_t)random();
		inet_ntop(p->dst.ss_family, p->dst.ss_family == AF_INET6 ?
			  (void *)&((struct sockaddr_in6 *)&p->dst)->sin6_addr :
			  (void *)&((struct sockaddr_in *)&p->dst)->sin_addr,
			  a, sizeof(a));
		log_info("PING_CHECK of %s: no ping socket (%s; see "
			 "net.ipv4.ping_group_range), using a raw socket", a,
			 strerror(-r));
	}
	return check_sock_connect(p, SOCK_RAW, proto, on_sock);
}

static void ping_cancel(struct check_probe *p)
{
	check_sock_close(p);
}

static void ping_release(struct check_probe *p)
{
	free(p->priv);
	p->priv = NULL;
}

const struct check_type check_type_ping = {
	.name = "PING_CHECK",
	.block = &check_ping_block,
	.needs_port = false,
	.start = ping_start,
	.cancel = ping_cancel,
	.release = ping_release,
};
