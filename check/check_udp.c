/*
 * UDP_CHECK: send one datagram to the real server and judge what comes
 * back within connect_timeout, with keepalived's meaning:
 *
 * - without require_reply, the server is up unless an ICMP error (port,
 *   host or network unreachable) comes back: silence is a pass, since
 *   most UDP services do not answer arbitrary data;
 * - with require_reply, a reply must come, between min_reply_length and
 *   max_reply_length bytes (defaults 0 and 255), and when require_reply
 *   gives a hex pattern the reply must match it over the shorter of the
 *   two lengths, X nibbles matching anything.
 *
 * The payload is the hex string of `payload`, or random bytes.  The
 * socket is connected, so the kernel hands ICMP errors for it back as
 * recv() errors on the same non-blocking socket; nothing blocks.  The
 * hex strings are keepalived's free format: words of hex digits read in
 * pairs, a word's odd last digit a byte of its own ("Ab12f 3" is AB 12
 * 0F 03).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check/check_checker.h"
#include "check/check_sock.h"

#define UDP_RANDOM_LEN 16
#define UDP_RECV_MAX 65536

/* Parse the words of n from index 0 as a hex string; with MASK, X
 * digits are wildcards (mask nibble 0).  0, or -1 after an error. */
static int parse_hex(struct conf_ctx *c, const struct conf_node *n,
		     uint8_t **out, uint8_t **mask, size_t *len)
{
	size_t cap = 0, k = 0;
	uint8_t *v, *m;

	for (size_t i = 0; i < n->nargs; i++)
		cap += (strlen(n->args[i]) + 1) / 2;
	v = calloc(cap ? cap : 1, 1);
	m = calloc(cap ? cap : 1, 1);
	if (!v || !m) {
		free(v);
		free(m);
		conf_err(c, n, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n->nargs; i++) {
		const char *w = n->args[i];
		size_t l = strlen(w);

		for (size_t j = 0; j < l; j += 2) {
			uint8_t byte = 0, bm = 0;
			size_t nd = l - j >= 2 ? 2 : 1;

			for (size_t d = 0; d < nd; d++) {
				int ch = (unsigned char)w[j + d];

				byte <<= 4;
				bm <<= 4;
				if (mask && (ch == 'x' || ch == 'X'))
					continue;
				if (!isxdigit(ch)) {
					conf_err(c, n, "expected hex digits%s, got \"%s\"",
						 mask ? " (or X)" : "", w);
					free(v);
					free(m);
					return -1;
				}
				byte |= (uint8_t)(isdigit(ch) ? ch - '0'
						  : tolower(ch) - 'a' + 10);
				bm |= 0xf;
			}
			v[k] = byte;
			m[k++] = bm;
		}
	}
	*out = v;
	*len = k;
	if (mask)
		*mask = m;
	else
		free(m);
	return 0;
}

static int h_payload(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_udp_conf *u = &((struct check_checker *)obj)->u.udp;

	if (conf_arg_count(c, n, 1, 1024) < 0)
		return -1;
	free(u->payload);
	u->payload = NULL;
	return parse_hex(c, n, &u->payload, NULL, &u->payload_len);
}

static int h_require(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_udp_conf *u = &((struct check_checker *)obj)->u.udp;

	u->require_reply = true;
	free(u->reply);
	free(u->reply_mask);
	u->reply = u->reply_mask = NULL;
	u->reply_len = 0;
	if (!n->nargs)
		return 0;
	return parse_hex(c, n, &u->reply, &u->reply_mask, &u->reply_len);
}

static void *udp_open(struct conf_ctx *c, const struct conf_node *n,
		      void *parent)
{
	struct check_checker *ck = check_ck_open(c, n, parent, CHECK_K_UDP);

	if (ck)
		ck->u.udp.max_reply_length = 255;
	return ck;
}

static int udp_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	const struct check_udp_conf *u = &((struct check_checker *)obj)->u.udp;

	if (u->min_reply_length > u->max_reply_length) {
		conf_err(c, n, "min_reply_length (%u) is more than "
			 "max_reply_length (%u)", u->min_reply_length,
			 u->max_reply_length);
		return -1;
	}
	return check_ck_close(c, n, obj);
}

static const struct conf_keyword udp_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ .name = "payload", .type = CONF_T_CUSTOM, .handler = h_payload,
	  .expect = "HEX_STRING" },
	{ .name = "require_reply", .type = CONF_T_CUSTOM, .handler = h_require,
	  .expect = "[HEX_STRING]" },
	{ .name = "min_reply_length", .type = CONF_T_UINT,
	  .offset = CK_(u.udp.min_reply_length), .min = 0, .max = 65535 },
	{ .name = "max_reply_length", .type = CONF_T_UINT,
	  .offset = CK_(u.udp.max_reply_length), .min = 0, .max = 65535 },
	{ .name = NULL },
};

const struct conf_block check_udp_block = {
	.name = "UDP_CHECK",
	.keywords = udp_keywords,
	.open = udp_open,
	.close = udp_close,
};

static void udp_end(struct check_probe *p, bool ok, const char *why)
{
	check_sock_close(p);
	p->done(p, ok, why);
}

/* Does a reply of LEN bytes pass?  NULL, or why not. */
static const char *judge(const struct check_udp_conf *u, const uint8_t *b,
			 size_t len, char *why, size_t wlen)
{
	if (len < u->min_reply_length || len > u->max_reply_length) {
		snprintf(why, wlen, "UDP: reply of %zu bytes, expected %u to %u",
			 len, u->min_reply_length, u->max_reply_length);
		return why;
	}
	for (size_t i = 0; i < len && i < u->reply_len; i++)
		if ((b[i] & u->reply_mask[i]) != (u->reply[i] & u->reply_mask[i])) {
			snprintf(why, wlen, "UDP: reply differs from require_reply "
				 "at byte %zu", i);
			return why;
		}
	return NULL;
}

static int on_read(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct check_probe *p = ud;
	const struct check_udp_conf *u = &p->ck->u.udp;
	char why[CHECK_REASON_MAX];
	uint8_t *b = p->priv;
	ssize_t r;

	(void)s;
	(void)revents;
	r = recv(fd, b, UDP_RECV_MAX, MSG_TRUNC);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r < 0) {
		/* An ICMP error the kernel matched to our socket. */
		snprintf(why, sizeof(why), "UDP: %s", strerror(errno));
		udp_end(p, false, why);
		return 0;
	}
	if (!u->require_reply) {
		udp_end(p, true, NULL);
		return 0;
	}
	udp_end(p, !judge(u, b, (size_t)r, why, sizeof(why)), why);
	return 0;
}

static void on_sock(struct check_probe *p, int err)
{
	const struct check_udp_conf *u = &p->ck->u.udp;
	char why[CHECK_REASON_MAX];
	uint8_t rnd[UDP_RANDOM_LEN];
	const uint8_t *pl = u->payload;
	size_t len = u->payload_len;

	if (!err && p->step == 0) {
		p->step = 1;
		if (!pl) {
			for (size_t i = 0; i < sizeof(rnd); i++)
				rnd[i] = (uint8_t)random();
			pl = rnd;
			len = sizeof(rnd);
		}
		if (send(p->fd, pl, len, MSG_DONTWAIT) < 0) {
			snprintf(why, sizeof(why), "UDP: send: %s", strerror(errno));
			udp_end(p, false, why);
			return;
		}
		if (check_sock_watch(p, EPOLLIN, on_read) < 0 ||
		    check_sock_rearm(p) < 0)
			udp_end(p, false, "UDP: cannot watch the socket");
		return;
	}
	if (err == ETIMEDOUT && p->step) {
		/* Silence: a pass unless a reply was required. */
		if (!u->require_reply) {
			udp_end(p, true, NULL);
			return;
		}
		snprintf(why, sizeof(why), "UDP: no reply within %.1f s",
			 (double)p->timeout / 1e6);
	} else {
		check_sock_why(p, err, why, sizeof(why));
	}
	udp_end(p, false, why);
}

static int udp_start(struct check_probe *p)
{
	if (!p->priv && !(p->priv = malloc(UDP_RECV_MAX)))
		return -ENOMEM;
	p->step = 0;
	return check_sock_connect(p, SOCK_DGRAM, IPPROTO_UDP, on_sock);
}

static void udp_cancel(struct check_probe *p)
{
	check_sock_close(p);
}

static void udp_release(struct check_probe *p)
{
	free(p->priv);
	p->priv = NULL;
}

static bool bytes_same(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	return al == bl && (!al || !memcmp(a, b, al)) && !a == !b;
}

static bool udp_same(const struct check_checker *a, const struct check_checker *b)
{
	const struct check_udp_conf *x = &a->u.udp, *y = &b->u.udp;

	return bytes_same(x->payload, x->payload_len, y->payload, y->payload_len) &&
	       x->require_reply == y->require_reply &&
	       bytes_same(x->reply, x->reply_len, y->reply, y->reply_len) &&
	       bytes_same(x->reply_mask, x->reply_len, y->reply_mask, y->reply_len) &&
	       x->min_reply_length == y->min_reply_length &&
	       x->max_reply_length == y->max_reply_length;
}

static void udp_free(struct check_checker *ck)
{
	free(ck->u.udp.payload);
	free(ck->u.udp.reply);
	free(ck->u.udp.reply_mask);
}

const struct check_type check_type_udp = {
	.name = "UDP_CHECK",
	.block = &check_udp_block,
	.needs_port = true,
	.start = udp_start,
	.cancel = udp_cancel,
	.same = udp_same,
	.free_conf = udp_free,
	.release = udp_release,
};
