/*
 * DNS_CHECK: ask the real server one question over UDP (`type`, default
 * SOA, for `name`, default ".") and pass when it answers without an
 * error code within connect_timeout, as keepalived does.  keepalived's
 * other DNS_CHECK defaults are kept too: retry 3, and delay_before_retry
 * equal to delay_loop.
 *
 * The query and the reading of the reply are check_dns_codec.c's; here
 * only the socket on the loop: a connected UDP socket (ICMP errors come
 * back as recv() errors), one query per check with a random id, and
 * datagrams that are not the reply to it ignored until the timeout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check/check_checker.h"
#include "check/check_dns_codec.h"
#include "check/check_sock.h"

struct dns_state {
	uint8_t q[CHECK_DNS_MAX_QUERY];
	size_t qlen;
	uint8_t r[4096];
};

static int h_type(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_checker *ck = obj;
	unsigned t;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	t = check_dns_type(n->args[0]);
	if (!t) {
		conf_err(c, n, "expected A, NS, CNAME, SOA, MX, TXT or AAAA, "
			 "got \"%s\"", n->args[0]);
		return -1;
	}
	ck->u.dns.qtype = t;
	return 0;
}

static int h_name(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_checker *ck = obj;

	if (!check_dns_name_ok(ck->u.dns.name)) {
		conf_err(c, n, "expected a domain name (labels of 1 to 63 "
			 "characters, 255 in all), got \"%s\"", ck->u.dns.name);
		return -1;
	}
	return 0;
}

static void *dns_open(struct conf_ctx *c, const struct conf_node *n,
		      void *parent)
{
	struct check_checker *ck = check_ck_open(c, n, parent, CHECK_K_DNS);

	if (ck)
		ck->u.dns.qtype = 6;	/* SOA */
	return ck;
}

static const struct conf_keyword dns_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ .name = "type", .type = CONF_T_CUSTOM, .handler = h_type,
	  .expect = "A|NS|CNAME|SOA|MX|TXT|AAAA" },
	{ .name = "name", .type = CONF_T_STR, .offset = CK_(u.dns.name),
	  .handler = h_name },
	{ .name = NULL },
};

const struct conf_block check_dns_block = {
	.name = "DNS_CHECK",
	.keywords = dns_keywords,
	.open = dns_open,
	.close = check_ck_close,
};

static void dns_end(struct check_probe *p, bool ok, const char *why)
{
	check_sock_close(p);
	p->done(p, ok, why);
}

static int on_read(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct check_probe *p = ud;
	struct dns_state *st = p->priv;
	char why[CHECK_REASON_MAX];
	unsigned rcode = 0;
	ssize_t r;

	(void)s;
	(void)revents;
	r = recv(fd, st->r, sizeof(st->r), 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r < 0) {
		snprintf(why, sizeof(why), "DNS: %s", strerror(errno));
		dns_end(p, false, why);
		return 0;
	}
	switch (check_dns_reply(st->r, (size_t)r, st->q, st->qlen, &rcode)) {
	case CHECK_DNS_OK:
		dns_end(p, true, NULL);
		break;
	case CHECK_DNS_ERROR:
		snprintf(why, sizeof(why), "DNS: reply with RCODE %u%s", rcode,
			 rcode == 2 ? " (server failure)" : rcode == 3 ?
			 " (no such name)" : rcode == 5 ? " (refused)" : "");
		dns_end(p, false, why);
		break;
	default:
		break;		/* not the reply to our query: wait on */
	}
	return 0;
}

static void on_sock(struct check_probe *p, int err)
{
	struct dns_state *st = p->priv;
	const struct check_dns_conf *d = &p->ck->u.dns;
	char why[CHECK_REASON_MAX];
	int ql;

	if (!err && p->step == 0) {
		p->step = 1;
		ql = check_dns_query(st->q, sizeof(st->q), (uint16_t)random(),
				     d->name ? d->name : ".", d->qtype);
		if (ql < 0) {
			dns_end(p, false, "DNS: cannot build the query");
			return;
		}
		st->qlen = (size_t)ql;
		if (send(p->fd, st->q, st->qlen, MSG_DONTWAIT) < 0) {
			snprintf(why, sizeof(why), "DNS: send: %s", strerror(errno));
			dns_end(p, false, why);
			return;
		}
		if (check_sock_watch(p, EPOLLIN, on_read) < 0 ||
		    check_sock_rearm(p) < 0)
			dns_end(p, false, "DNS: cannot watch the socket");
		return;
	}
	if (err == ETIMEDOUT && p->step)
		snprintf(why, sizeof(why), "DNS: no reply within %.1f s",
			 (double)p->timeout / 1e6);
	else
		check_sock_why(p, err, why, sizeof(why));
	dns_end(p, false, why);
}

static int dns_start(struct check_probe *p)
{
	if (!p->priv && !(p->priv = calloc(1, sizeof(struct dns_state))))
		return -ENOMEM;
	p->step = 0;
	return check_sock_connect(p, SOCK_DGRAM, IPPROTO_UDP, on_sock);
}

static void dns_cancel(struct check_probe *p)
{
	check_sock_close(p);
}

static void dns_release(struct check_probe *p)
{
	free(p->priv);
	p->priv = NULL;
}

static bool dns_same(const struct check_checker *a, const struct check_checker *b)
{
	const char *x = a->u.dns.name ? a->u.dns.name : ".";
	const char *y = b->u.dns.name ? b->u.dns.name : ".";

	return a->u.dns.qtype == b->u.dns.qtype && !strcmp(x, y);
}

static void dns_free(struct check_checker *ck)
{
	free(ck->u.dns.name);
}

const struct check_type check_type_dns = {
	.name = "DNS_CHECK",
	.block = &check_dns_block,
	.needs_port = true,
	.start = dns_start,
	.cancel = dns_cancel,
	.same = dns_same,
	.free_conf = dns_free,
	.release = dns_release,
	.has_default_retry = true,
	.default_retry = 3,
	.retry_delay_is_loop = true,
};
