/*
 * SMTP_CHECK: the real server is up when it speaks SMTP: a 220 greeting,
 * 250 to "HELO helo_name", then QUIT, all within connect_timeout.
 *
 * The connect is check_sock's; the conversation is a small state machine
 * on the same socket and sd-event loop, so nothing blocks (p->step: 0
 * connecting, 1 waiting for the greeting, 2 for the HELO reply, 3 for
 * the QUIT reply).  Replies may be multi-line ("250-..." lines until
 * "250 "); only the code of the last line counts.  The server closing
 * the connection after QUIT, before its 221, is still a pass: what
 * matters was answered by then.  helo_name defaults to keepalived's
 * default, so a mail server's logs read the same after a migration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check/check_checker.h"
#include "check/check_sock.h"

#define SMTP_BUF 1024
#define SMTP_DEFAULT_HELO "smtpchecker.keepalived.org"

static void *smtp_open(struct conf_ctx *c, const struct conf_node *n,
		       void *parent)
{
	return check_ck_open(c, n, parent, CHECK_K_SMTP);
}

static const struct conf_keyword smtp_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ .name = "helo_name", .type = CONF_T_STR, .offset = CK_(u.smtp.helo_name) },
	{ .name = NULL },
};

const struct conf_block check_smtp_block = {
	.name = "SMTP_CHECK",
	.keywords = smtp_keywords,
	.open = smtp_open,
	.close = check_ck_close,
};

/* The bytes received so far of the current reply. */
struct smtp_buf {
	size_t len;
	char b[SMTP_BUF];
};

/* p->step: 0 connecting, then waiting for these. */
static const char *const step_name[] = {
	"the connect", "the greeting", "the HELO reply", "the QUIT reply",
};

static void smtp_end(struct check_probe *p, bool ok, const char *why)
{
	check_sock_close(p);
	p->done(p, ok, why);
}

static int send_line(struct check_probe *p, const char *line)
{
	size_t len = strlen(line);
	ssize_t w = send(p->fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT);

	/* A few bytes on a fresh connection: a short write means the
	 * server is not reading, which is a failure like any other. */
	return w == (ssize_t)len ? 0 : -1;
}

/* The code of the reply's last line once it is complete, 0 while more
 * is due, -1 when what came is not an SMTP reply. */
static int reply_code(struct smtp_buf *sb)
{
	char *line = sb->b, *nl;

	while ((nl = memchr(line, '\n', (size_t)(sb->b + sb->len - line)))) {
		size_t l = (size_t)(nl - line);

		if (l < 3 || line[0] < '1' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' || line[2] > '9')
			return -1;
		if (l == 3 || line[3] == ' ' || line[3] == '\r')
			return (line[0] - '0') * 100 + (line[1] - '0') * 10 +
			       (line[2] - '0');
		if (line[3] != '-')
			return -1;
		line = nl + 1;
	}
	/* Keep the incomplete last line only. */
	if (line != sb->b) {
		sb->len = (size_t)(sb->b + sb->len - line);
		memmove(sb->b, line, sb->len);
	}
	return sb->len >= sizeof(sb->b) - 1 ? -1 : 0;
}

static int on_read(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct check_probe *p = ud;
	struct smtp_buf *sb = p->priv;
	char why[CHECK_REASON_MAX], helo[300];
	ssize_t r;
	int code;

	(void)s;
	(void)revents;
	r = recv(fd, sb->b + sb->len, sizeof(sb->b) - 1 - sb->len, 0);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r <= 0) {
		if (p->step == 3) {
			smtp_end(p, true, NULL);
			return 0;
		}
		snprintf(why, sizeof(why), "SMTP: %s before %s",
			 r < 0 ? strerror(errno) : "connection closed",
			 step_name[p->step]);
		smtp_end(p, false, why);
		return 0;
	}
	sb->len += (size_t)r;
	code = reply_code(sb);
	if (code == 0)
		return 0;
	if (code < 0) {
		snprintf(why, sizeof(why), "SMTP: not an SMTP reply in %s",
			 step_name[p->step]);
		smtp_end(p, false, why);
		return 0;
	}
	sb->len = 0;
	switch (p->step) {
	case 1:
		if (code != 220)
			break;
		snprintf(helo, sizeof(helo), "HELO %s\r\n",
			 p->ck->u.smtp.helo_name ? p->ck->u.smtp.helo_name
						 : SMTP_DEFAULT_HELO);
		if (send_line(p, helo) < 0) {
			smtp_end(p, false, "SMTP: cannot send HELO");
			return 0;
		}
		p->step = 2;
		return 0;
	case 2:
		if (code != 250)
			break;
		if (send_line(p, "QUIT\r\n") < 0) {
			smtp_end(p, true, NULL);	/* HELO was answered */
			return 0;
		}
		p->step = 3;
		return 0;
	default:
		smtp_end(p, true, NULL);
		return 0;
	}
	snprintf(why, sizeof(why), "SMTP: %s was %d, expected %d",
		 step_name[p->step], code, p->step == 1 ? 220 : 250);
	smtp_end(p, false, why);
	return 0;
}

static void on_sock(struct check_probe *p, int err)
{
	char why[CHECK_REASON_MAX];

	if (!err && p->step == 0) {
		/* Connected: the conversation has connect_timeout too. */
		p->step = 1;
		if (check_sock_watch(p, EPOLLIN, on_read) < 0 ||
		    check_sock_rearm(p) < 0) {
			smtp_end(p, false, "SMTP: cannot watch the socket");
		}
		return;
	}
	if (err == ETIMEDOUT && p->step)
		snprintf(why, sizeof(why), "SMTP: timeout after %.1f s waiting for %s",
			 (double)p->timeout / 1e6, step_name[p->step]);
	else
		check_sock_why(p, err, why, sizeof(why));
	smtp_end(p, false, why);
}

static int smtp_start(struct check_probe *p)
{
	if (!p->priv && !(p->priv = calloc(1, sizeof(struct smtp_buf))))
		return -ENOMEM;
	((struct smtp_buf *)p->priv)->len = 0;
	p->step = 0;
	return check_sock_connect(p, SOCK_STREAM, IPPROTO_TCP, on_sock);
}

static void smtp_cancel(struct check_probe *p)
{
	check_sock_close(p);
}

static void smtp_release(struct check_probe *p)
{
	free(p->priv);
	p->priv = NULL;
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool smtp_same(const struct check_checker *a, const struct check_checker *b)
{
	return str_same(a->u.smtp.helo_name, b->u.smtp.helo_name);
}

static void smtp_free(struct check_checker *ck)
{
	free(ck->u.smtp.helo_name);
}

const struct check_type check_type_smtp = {
	.name = "SMTP_CHECK",
	.block = &check_smtp_block,
	.needs_port = true,
	.start = smtp_start,
	.cancel = smtp_cancel,
	.same = smtp_same,
	.free_conf = smtp_free,
	.release = smtp_release,
};
