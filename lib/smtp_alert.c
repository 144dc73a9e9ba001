/*
 * The SMTP client of smtp_alert (see smtp_alert.h).
 *
 * Shaped as a tiny state machine driven by one I/O source and one timer
 * on the caller's event loop: every reply line is read into a buffer,
 * multi-line replies ("250-...") are skipped to their last line, and
 * only the reply code decides the next step.  A message is composed in
 * full when it is queued (headers, dot-stuffed body), so a later change
 * of settings or of state does not alter an alert already queued, and
 * the dialogue only ever writes prepared text.  Host names are resolved
 * when the settings are taken (config load), not per message, so the
 * loop never waits on DNS while it delivers.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/smtp_alert.h"

enum step { ST_IDLE, ST_GREET, ST_HELO, ST_FROM, ST_RCPT, ST_DATA, ST_BODY,
	    ST_QUIT };

struct msg {
	struct msg *next;
	char *text;			/* headers and body, dot-stuffed */
	char *subject;			/* for the log */
};

struct smtp_alert {
	sd_event *e;
	char *server, *helo, *from, *router_id;
	char **to;
	size_t nto;
	uint64_t timeout;
	struct sockaddr_storage addr;
	socklen_t addrlen;

	struct msg *head, *tail;
	size_t nq;

	int fd;
	enum step step;
	size_t rcpt;			/* next recipient in ST_RCPT */
	sd_event_source *io, *timer;
	sd_event_source *kick;		/* a deferred start, while due */
	char in[1024];
	size_t inlen;
	char *out;			/* what is left to write */
	size_t outlen, outoff;
	struct smtp_alert_stats st;
};

static void next_msg(struct smtp_alert *a);
static void conn_close(struct smtp_alert *a);

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

int smtp_alert_new(sd_event *e, struct smtp_alert **out)
{
	struct smtp_alert *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->e = sd_event_ref(e);
	a->fd = -1;
	*out = a;
	return 0;
}

static void conf_free(struct smtp_alert *a)
{
	free(a->server);
	free(a->helo);
	free(a->from);
	free(a->router_id);
	for (size_t i = 0; i < a->nto; i++)
		free(a->to[i]);
	free(a->to);
	a->server = a->helo = a->from = a->router_id = NULL;
	a->to = NULL;
	a->nto = 0;
	a->addrlen = 0;
}

static void resolve(struct smtp_alert *a, unsigned port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char p[16];
	int r;

	snprintf(p, sizeof(p), "%u", port ? port : 25);
	r = getaddrinfo(a->server, p, &hints, &res);
	if (r || !res) {
		log_warn("smtp_server %s: %s: no mail alerts will be sent",
			 a->server, r ? gai_strerror(r) : "no address");
		return;
	}
	memcpy(&a->addr, res->ai_addr, res->ai_addrlen);
	a->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
}

static void drop_all(struct smtp_alert *a);

void smtp_alert_set(struct smtp_alert *a, const struct smtp_alert_conf *c)
{
	/* A dialogue in flight uses the recipients and names being
	 * replaced: it starts over with the new settings. */
	conn_close(a);
	conf_free(a);
	a->server = dup0(c->server);
	a->helo = dup0(c->helo ? c->helo : "localhost");
	a->from = dup0(c->from ? c->from : "tandem@localhost");
	a->router_id = dup0(c->router_id ? c->router_id : "tandem");
	a->timeout = c->timeout_us ? c->timeout_us : 30 * 1000000ULL;
	if (c->nto && (a->to = calloc(c->nto, sizeof(*a->to))))
		for (size_t i = 0; i < c->nto; i++)
			if ((a->to[a->nto] = dup0(c->to[i])))
				a->nto++;
	if (a->server)
		resolve(a, c->port);
	if (!smtp_alert_enabled(a))
		drop_all(a);
	else if (a->head)
		next_msg(a);
}

int smtp_alert_enabled(const struct smtp_alert *a)
{
	return a && a->addrlen && a->nto;
}

const char *smtp_alert_router_id(const struct smtp_alert *a)
{
	return a->router_id ? a->router_id : "tandem";
}

const struct smtp_alert_stats *smtp_alert_stats(const struct smtp_alert *a)
{
	return &a->st;
}

size_t smtp_alert_pending(const struct smtp_alert *a)
{
	return a->nq;
}

/* ------------------------------------------------------------------ */
/* Composing                                                           */

struct buf {
	char *p;
	size_t len, cap;
	int err;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->err = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void puts0(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Lines end in CRLF; a line that starts with a dot gets another one
 * (RFC 5321 4.5.2). */
static void put_body(struct buf *b, const char *body)
{
	while (*body) {
		size_t n = strcspn(body, "\r\n");

		if (*body == '.')
			put(b, ".", 1);
		put(b, body, n);
		put(b, "\r\n", 2);
		body += n;
		if (*body == '\r')
			body++;
		if (*body == '\n')
			body++;
	}
}

static char *compose(const struct smtp_alert *a, const char *subject,
		     const char *body)
{
	struct buf b = { 0 };
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	puts0(&b, "From: ");
	puts0(&b, a->from);
	puts0(&b, "\r\nSubject: ");
	puts0(&b, subject);
	puts0(&b, "\r\nX-Mailer: tandem\r\nDate: ");
	puts0(&b, date);
	puts0(&b, "\r\nTo: ");
	for (size_t i = 0; i < a->nto; i++) {
		if (i)
			puts0(&b, ", ");
		puts0(&b, a->to[i]);
	}
	puts0(&b, "\r\n\r\n");
	put_body(&b, body);
	puts0(&b, ".\r\n");
	if (b.err) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

static void msg_free(struct msg *m)
{
	free(m->text);
	free(m->subject);
	free(m);
}

int smtp_alert_send(struct smtp_alert *a, const char *subject,
		    const char *body)
{
	struct msg *m;
	char *s;
	size_t n;

	if (!smtp_alert_enabled(a))
		return -1;
	n = strlen(a->router_id) + strlen(subject) + 4;
	if (!(m = calloc(1, sizeof(*m))) || !(s = malloc(n))) {
		free(m);
		a->st.dropped++;
		return 0;
	}
	snprintf(s, n, "[%s] %s", a->router_id, subject);
	m->subject = s;
	if (!(m->text = compose(a, s, body))) {
		msg_free(m);
		a->st.dropped++;
		return 0;
	}
	if (a->nq >= SMTP_ALERT_QUEUE_MAX) {
		/* The head may be in flight: drop the one after it. */
		struct msg *victim = a->head->next ? a->head->next : NULL;

		if (victim) {
			a->head->next = victim->next;
			if (a->tail == victim)
				a->tail = a->head;
			log_warn("mail alert queue full: dropped \"%s\"",
				 victim->subject);
			msg_free(victim);
			a->nq--;
			a->st.dropped++;
		}
	}
	if (a->tail)
		a->tail->next = m;
	else
		a->head = m;
	a->tail = m;
	a->nq++;
	if (a->step == ST_IDLE)
		next_msg(a);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The dialogue                                                        */

static void conn_close(struct smtp_alert *a)
{
	a->io = sd_event_source_disable_unref(a->io);
	a->timer = sd_event_source_disable_unref(a->timer);
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	free(a->out);
	a->out = NULL;
	a->outlen = a->outoff = a->inlen = 0;
	a->step = ST_IDLE;
}

/* The head message is done (sent or failed): on to the next one. */
static void finish(struct smtp_alert *a, const char *fail)
{
	struct msg *m = a->head;

	conn_close(a);
	if (m) {
		if (fail) {
			log_warn("mail alert \"%s\" not sent: %s", m->subject,
				 fail);
			a->st.failed++;
		} else {
			log_info("mail alert \"%s\" sent", m->subject);
			a->st.sent++;
		}
		a->head = m->next;
		if (!a->head)
			a->tail = NULL;
		msg_free(m);
		a->nq--;
	}
	/* From a defer, not recursively: a server that refuses at once
	 * must not make a long queue a long call chain. */
	if (a->head)
		next_msg(a);
}

static int arm_timer(struct smtp_alert *a)
{
	uint64_t now = 0;

	sd_event_now(a->e, CLOCK_MONOTONIC, &now);
	if (a->timer)
		return sd_event_source_set_time(a->timer, now + a->timeout);
	return 0;
}

static void want_write(struct smtp_alert *a, int on)
{
	sd_event_source_set_io_events(a->io, EPOLLIN | (on ? EPOLLOUT : 0));
}

/* Queue PRE ARG POST for writing (ARG NULL: PRE alone). */
static void say(struct smtp_alert *a, const char *pre, const char *arg,
		const char *post)
{
	size_t n = strlen(pre) + (arg ? strlen(arg) + strlen(post) : 0) + 1;
	char *p;

	free(a->out);
	a->out = NULL;
	a->outlen = a->outoff = 0;
	if (!(p = malloc(n)))
		return;
	strcpy(p, pre);
	if (arg) {
		strcat(p, arg);
		strcat(p, post);
	}
	a->out = p;
	a->outlen = strlen(p);
	want_write(a, 1);
}

/* One complete (last) reply line: decide the next step. */
static const char *on_reply(struct smtp_alert *a, int code)
{
	switch (a->step) {
	case ST_GREET:
		if (code != 220)
			return "bad greeting";
		a->step = ST_HELO;
		say(a, "HELO ", a->helo, "\r\n");
		break;
	case ST_HELO:
		if (code != 250)
			return "HELO refused";
		a->step = ST_FROM;
		say(a, "MAIL FROM:<", a->from, ">\r\n");
		break;
	case ST_FROM:
		if (code != 250)
			return "MAIL FROM refused";
		a->step = ST_RCPT;
		a->rcpt = 0;
		say(a, "RCPT TO:<", a->to[a->rcpt++], ">\r\n");
		break;
	case ST_RCPT:
		if (code != 250 && code != 251)
			return "RCPT TO refused";
		if (a->rcpt < a->nto) {
			say(a, "RCPT TO:<", a->to[a->rcpt++], ">\r\n");
		} else {
			a->step = ST_DATA;
			say(a, "DATA\r\n", NULL, NULL);
		}
		break;
	case ST_DATA:
		if (code != 354)
			return "DATA refused";
		a->step = ST_BODY;
		say(a, a->head->text, NULL, NULL);
		break;
	case ST_BODY:
		if (code != 250)
			return "message refused";
		a->step = ST_QUIT;
		say(a, "QUIT\r\n", NULL, NULL);
		break;
	case ST_QUIT:
	case ST_IDLE:
		finish(a, NULL);
		return NULL;
	}
	if (!a->out)
		return "out of memory";
	return NULL;
}

static void on_readable(struct smtp_alert *a)
{
	ssize_t n = read(a->fd, a->in + a->inlen, sizeof(a->in) - 1 - a->inlen);
	char *nl;

	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* The message was accepted before QUIT: a close now is fine. */
		finish(a, a->step == ST_QUIT ? NULL
			  : n ? strerror(errno) : "connection closed");
		return;
	}
	a->inlen += (size_t)n;
	a->in[a->inlen] = 0;
	while (a->step != ST_IDLE && (nl = strchr(a->in, '\n'))) {
		int last = a->in[0] && a->in[1] && a->in[2] && a->in[3] != '-';
		int code = atoi(a->in);
		const char *err = NULL;

		if (last) {
			arm_timer(a);
			err = on_reply(a, code);
		}
		if (err) {
			char why[160];

			snprintf(why, sizeof(why), "%s (%.*s)", err,
				 (int)strcspn(a->in, "\r\n"), a->in);
			finish(a, why);
			return;
		}
		if (a->step == ST_IDLE)
			return;
		size_t used = (size_t)(nl + 1 - a->in);

		memmove(a->in, nl + 1, a->inlen - used + 1);
		a->inlen -= used;
	}
	if (a->inlen >= sizeof(a->in) - 1)
		finish(a, "reply line too long");
}

static void on_writable(struct smtp_alert *a)
{
	if (a->step == ST_GREET && !a->out) {
		/* The connect finished: did it work? */
		int err = 0;
		socklen_t l = sizeof(err);

		getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &err, &l);
		if (err) {
			finish(a, strerror(err));
			return;
		}
		want_write(a, 0);
		return;
	}
	while (a->out && a->outoff < a->outlen) {
		ssize_t n = send(a->fd, a->out + a->outoff,
				 a->outlen - a->outoff, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			finish(a, strerror(errno));
			return;
		}
		a->outoff += (size_t)n;
	}
	want_write(a, 0);
}

static int on_io(sd_event_source *s, int fd, uint32_t ev, void *ud)
{
	struct smtp_alert *a = ud;

	(void)s;
	(void)fd;
	if (ev & EPOLLOUT)
		on_writable(a);
	if (a->step != ST_IDLE && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		on_readable(a);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)s;
	(void)usec;
	finish(ud, "timed out");
	return 0;
}

static int start_defer(sd_event_source *s, void *ud)
{
	struct smtp_alert *a = ud;
	const char *fail = NULL;
	uint64_t now = 0;

	(void)s;
	a->kick = sd_event_source_disable_unref(a->kick);
	if (a->step != ST_IDLE || !a->head)
		return 0;
	a->fd = socket(a->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		       SOCK_CLOEXEC, 0);
	if (a->fd < 0) {
		fail = strerror(errno);
	} else if (connect(a->fd, (struct sockaddr *)&a->addr, a->addrlen) < 0 &&
		   errno != EINPROGRESS) {
		fail = strerror(errno);
	} else {
		a->step = ST_GREET;
		sd_event_now(a->e, CLOCK_MONOTONIC, &now);
		if (sd_event_add_io(a->e, &a->io, a->fd, EPOLLIN | EPOLLOUT,
				    on_io, a) < 0 ||
		    sd_event_add_time(a->e, &a->timer, CLOCK_MONOTONIC,
				      now + a->timeout, 0, on_timeout, a) < 0)
			fail = "cannot watch the socket";
	}
	if (fail)
		finish(a, fail);
	return 0;
}

static void next_msg(struct smtp_alert *a)
{
	if (!a->kick && sd_event_add_defer(a->e, &a->kick, start_defer, a) < 0) {
		a->kick = NULL;
		log_warn("mail alert: cannot schedule delivery");
	}
}

/* Mail was switched off: what waits is dropped, counted. */
static void drop_all(struct smtp_alert *a)
{
	while (a->head) {
		struct msg *m = a->head;

		a->head = m->next;
		msg_free(m);
		a->st.dropped++;
	}
	a->tail = NULL;
	a->nq = 0;
}

void smtp_alert_free(struct smtp_alert *a)
{
	if (!a)
		return;
	conn_close(a);
	a->kick = sd_event_source_disable_unref(a->kick);
	drop_all(a);
	conf_free(a);
	sd_event_unref(a->e);
	free(a);
}
