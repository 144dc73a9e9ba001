/*
 * The metrics endpoint's HTTP side: one listening socket, a few clients,
 * each answered once and closed.
 *
 * Prometheus asks for one URL every few seconds, so the responder is as
 * small as HTTP/1.1 allows: it reads one request head (at most REQ_MAX
 * bytes), answers GET /metrics with the scrape (metrics_scrape.c) and
 * anything else with 404, 405 or 400, always with Content-Length and
 * "Connection: close", then ends its side and reads the client's to its
 * end for a moment before closing (so unread input cannot reset the
 * connection under the answer).  Everything is non-blocking on the
 * parent's loop, which also supervises the children, so nothing here
 * may wait: at most MAX_CLIENTS clients are served at a time (more are
 * accepted and closed at once, so the kernel's backlog does not fill
 * with them), a client must send its request within READ_TIMEOUT and
 * take the whole answer within CLIENT_TIMEOUT, and a client that goes
 * away mid-scrape only detaches the scrape.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "lib/log.h"
#include "tandem/metrics_http.h"
#include "tandem/metrics_scrape.h"

#define MAX_CLIENTS	16
#define REQ_MAX		4096			/* request head, bytes */
#define READ_TIMEOUT	(5 * 1000000ULL)	/* to send the request */
#define CLIENT_TIMEOUT	(30 * 1000000ULL)	/* to be done altogether */
#define LINGER		(2 * 1000000ULL)	/* to read the client's end */
#define ACCEPT_BATCH	64			/* accepts per wake-up */
#define CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct client {
	struct client *next;
	int fd;
	sd_event_source *io, *timer;
	char req[REQ_MAX];
	size_t reqlen;
	uint64_t born;			/* CLOCK_MONOTONIC usec of accept */
	bool replying;			/* the request was read */
	bool lingering;			/* answer sent, reading to the end */
	struct metrics_scrape *scrape;	/* in flight */
	char *out;			/* the whole response */
	size_t outlen, sent;
};

static struct {
	sd_event *e;
	int fd;				/* -1: not listening */
	sd_event_source *io;
	struct sockaddr_storage addr;	/* what fd is bound to */
	struct client *clients;
	unsigned nclients;
} mh = { .fd = -1 };

static uint64_t mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
}

/* The request is in (or given up on): the deadline becomes the one for
 * the whole exchange. */
static void to_reply(struct client *c)
{
	c->replying = true;
	sd_event_source_set_enabled(c->io, SD_EVENT_OFF);
	sd_event_source_set_time(c->timer, c->born + CLIENT_TIMEOUT);
	sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
}

static void client_free(struct client *c)
{
	for (struct client **pp = &mh.clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			mh.nclients--;
			break;
		}
	metrics_scrape_detach(c->scrape);
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timer);
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	free(c);
}

/* Send what is left; free the client once all of it went or on error. */
static void client_flush(struct client *c)
{
	while (c->sent < c->outlen) {
		ssize_t k = send(c->fd, c->out + c->sent, c->outlen - c->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			sd_event_source_set_io_events(c->io, EPOLLOUT);
			sd_event_source_set_enabled(c->io, SD_EVENT_ON);
			return;
		}
		if (k <= 0) {
			client_free(c);
			return;
		}
		c->sent += (size_t)k;
	}
	/* Closing with unread input (a request body, pipelined bytes)
	 * would reset the connection and could destroy the answer before
	 * the client read it: end our side and read theirs to its end, for
	 * a moment. */
	shutdown(c->fd, SHUT_WR);
	c->lingering = true;
	sd_event_source_set_io_events(c->io, EPOLLIN);
	sd_event_source_set_enabled(c->io, SD_EVENT_ON);
	sd_event_source_set_time(c->timer, mono_usec() + LINGER);
	sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
}

/* Lingering: drop what the client still sends; free it at its end. */
static void client_drain(struct client *c)
{
	char junk[4096];

	for (int n = 0; n < 64; n++) {
		ssize_t k = recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (k <= 0)
			break;
	}
	client_free(c);
}

/* Queue a whole response (body taken over; NULL: empty) and send it. */
static void respond(struct client *c, int code, const char *reason,
		    const char *extra, char *body, bool head_only)
{
	size_t blen = body ? strlen(body) : 0;
	FILE *f;

	to_reply(c);
	f = open_memstream(&c->out, &c->outlen);
	if (!f) {
		free(body);
		client_free(c);
		return;
	}
	fprintf(f, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
		"Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
		code, reason, code == 200 ? CONTENT_TYPE
					  : "text/plain; charset=utf-8",
		blen, extra ? extra : "");
	if (body && !head_only)
		fwrite(body, 1, blen, f);
	free(body);
	if (fclose(f) != 0) {
		client_free(c);
		return;
	}
	c->sent = 0;
	client_flush(c);
}

static void respond_text(struct client *c, int code, const char *reason,
			 const char *extra)
{
	char *body = NULL;

	if (asprintf(&body, "%d %s\n", code, reason) < 0)
		body = NULL;
	respond(c, code, reason, extra, body, false);
}

static void on_scrape(char *text, void *ud)
{
	struct client *c = ud;

	c->scrape = NULL;
	if (!text)
		respond_text(c, 500, "Internal Server Error", NULL);
	else
		respond(c, 200, "OK", NULL, text, false);
}

/* A whole request head is in c->req (NUL-terminated): answer it. */
static void handle(struct client *c)
{
	char *sp1, *sp2, *eol;
	const char *target, *version;
	size_t tl;

	eol = strpbrk(c->req, "\r\n");
	if (eol)
		*eol = '\0';
	sp1 = strchr(c->req, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || sp1 == c->req || strchr(sp2 + 1, ' ')) {
		respond_text(c, 400, "Bad Request", NULL);
		return;
	}
	*sp1 = *sp2 = '\0';
	target = sp1 + 1;
	version = sp2 + 1;
	if (strcmp(version, "HTTP/1.1") && strcmp(version, "HTTP/1.0")) {
		respond_text(c, 400, "Bad Request", NULL);
		return;
	}
	tl = strcspn(target, "?");
	if (tl != strlen("/metrics") || strncmp(target, "/metrics", tl)) {
		respond_text(c, 404, "Not Found", NULL);
		return;
	}
	if (strcmp(c->req, "GET")) {
		respond_text(c, 405, "Method Not Allowed", "Allow: GET\r\n");
		return;
	}
	to_reply(c);
	if (metrics_scrape_start(on_scrape, c, &c->scrape) < 0)
		respond_text(c, 500, "Internal Server Error", NULL);
}

/* The end of the request head, or NULL when it is not all here yet. */
static const char *head_end(const struct client *c)
{
	const char *crlf = strstr(c->req, "\r\n\r\n");
	const char *lf = strstr(c->req, "\n\n");

	return crlf ? crlf : lf;
}

static int on_client_io(sd_event_source *src, int fd, uint32_t revents,
			void *ud)
{
	struct client *c = ud;

	(void)src;
	if (c->lingering) {
		client_drain(c);
		return 0;
	}
	if (c->replying) {
		if (revents & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			client_flush(c);
		return 0;
	}
	for (;;) {
		ssize_t k = recv(fd, c->req + c->reqlen,
				 sizeof(c->req) - 1 - c->reqlen, MSG_DONTWAIT);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (k <= 0) {
			/* gone (or reset) before a whole request: nothing
			 * to answer */
			client_free(c);
			return 0;
		}
		c->reqlen += (size_t)k;
		c->req[c->reqlen] = '\0';
		if (memchr(c->req, '\0', c->reqlen)) {
			respond_text(c, 400, "Bad Request", NULL);
			return 0;
		}
		if (head_end(c)) {
			handle(c);
			return 0;
		}
		if (c->reqlen == sizeof(c->req) - 1) {
			respond_text(c, 431, "Request Header Fields Too Large",
				     NULL);
			return 0;
		}
	}
}

static int on_client_timer(sd_event_source *src, uint64_t usec, void *ud)
{
	struct client *c = ud;

	(void)src;
	(void)usec;
	if (!c->replying) {
		/* a slow request still gets an answer, within the deadline
		 * of the whole exchange */
		respond_text(c, 408, "Request Timeout", NULL);
		return 0;
	}
	client_free(c);
	return 0;
}

static void client_new(int fd)
{
	struct client *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->born = mono_usec();
	if (sd_event_add_io(mh.e, &c->io, fd, EPOLLIN, on_client_io, c) < 0 ||
	    sd_event_add_time(mh.e, &c->timer, CLOCK_MONOTONIC,
			      c->born + READ_TIMEOUT, 10000, on_client_timer,
			      c) < 0) {
		sd_event_source_disable_unref(c->io);
		close(fd);
		free(c);
		return;
	}
	c->next = mh.clients;
	mh.clients = c;
	mh.nclients++;
}

static int on_accept(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	(void)src;
	(void)revents;
	(void)ud;
	for (int n = 0; n < ACCEPT_BATCH; n++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_warn("metrics: accept: %s", strerror(errno));
			return 0;
		}
		if (mh.nclients >= MAX_CLIENTS) {
			/* too many at once: dropped, not queued */
			close(cfd);
			continue;
		}
		client_new(cfd);
	}
	return 0;
}

static void listen_close(void)
{
	mh.io = sd_event_source_disable_unref(mh.io);
	if (mh.fd >= 0)
		close(mh.fd);
	mh.fd = -1;
	memset(&mh.addr, 0, sizeof(mh.addr));
}

static int listen_open(const struct sockaddr_storage *addr)
{
	socklen_t len = addr->ss_family == AF_INET6 ?
		sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd, one = 1, r;
	char at[INET6_ADDRSTRLEN + 8];

	addr_text(addr, at, sizeof(at));
	fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (addr->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)addr, len) < 0 ||
	    listen(fd, MAX_CLIENTS) < 0)
		goto fail;
	r = sd_event_add_io(mh.e, &mh.io, fd, EPOLLIN, on_accept, NULL);
	if (r < 0) {
		errno = -r;
		goto fail;
	}
	mh.fd = fd;
	mh.addr = *addr;
	log_info("metrics: serving http://%s/metrics", at);
	return 0;
fail:
	r = -errno;
	log_err("metrics: cannot listen on %s: %s; no metrics endpoint",
		at, strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

static bool same_addr(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	return true;
}

int metrics_http_configure(sd_event *e, const struct sockaddr_storage *addr,
			   metrics_parent_fn fn, void *ud)
{
	metrics_scrape_set_source(fn, ud);
	mh.e = e;
	if (mh.fd >= 0 && same_addr(addr, &mh.addr))
		return 0;
	if (mh.fd >= 0) {
		char at[INET6_ADDRSTRLEN + 8];

		addr_text(&mh.addr, at, sizeof(at));
		log_info("metrics: no longer serving on %s", at);
	}
	listen_close();
	if (addr->ss_family != AF_INET && addr->ss_family != AF_INET6)
		return 0;
	return listen_open(addr);
}

void metrics_http_stop(void)
{
	while (mh.clients)
		client_free(mh.clients);
	listen_close();
}
