/*
 * Non-blocking connect for the network checkers (see check_sock.h).
 * The probe owns one io source and one timer (on the process's shared
 * timers, check_timer.h) while a check runs; both go when the outcome is
 * known, so a late event of an old check can never reach a new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check/check_sock.h"

static void outcome(struct check_probe *p, int err)
{
	check_sock_fn fn = p->sock_complete;

	check_sock_close(p);
	fn(p, err);
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct check_probe *p = ud;
	int err = 0;
	socklen_t len = sizeof(err);

	(void)s;
	/* Writable with no error or hang-up: connected (a failed connect
	 * reports EPOLLERR), so the common case costs no getsockopt; with
	 * one, SO_ERROR says what it was. */
	if ((revents & (EPOLLERR | EPOLLHUP)) &&
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	/* Connected: the conversation (if any) is the type's; stop
	 * watching writability but keep the socket and the timer. */
	if (!err) {
		p->io = sd_event_source_disable_unref(p->io);
		check_timer_disarm(&p->timer);
		p->sock_complete(p, 0);
		return 0;
	}
	outcome(p, err);
	return 0;
}

static void on_timer(struct check_timer *t)
{
	struct check_probe *p = (struct check_probe *)
		((char *)t - offsetof(struct check_probe, timer));

	outcome(p, p->early ? p->early : ETIMEDOUT);
}

static int arm(struct check_probe *p, uint64_t after)
{
	uint64_t now = 0;

	sd_event_now(p->e, CLOCK_MONOTONIC, &now);
	return check_timer_arm(p->timers, &p->timer, now + after, on_timer);
}

int check_sock_rearm(struct check_probe *p)
{
	return arm(p, p->timeout);
}

static int set_opts(struct check_probe *p)
{
	const struct check_checker *ck = p->ck;
	struct sockaddr_storage b;
	socklen_t blen;

	if (ck->fwmark &&
	    setsockopt(p->fd, SOL_SOCKET, SO_MARK, &ck->fwmark, sizeof(ck->fwmark)) < 0)
		return -errno;
	if (ck->bind_if && setsockopt(p->fd, SOL_SOCKET, SO_BINDTODEVICE,
				      ck->bind_if, (socklen_t)strlen(ck->bind_if)) < 0)
		return -errno;
	if (!ck->bindto.ss_family && !ck->bind_port)
		return 0;
	memset(&b, 0, sizeof(b));
	if (ck->bindto.ss_family)
		b = ck->bindto;
	else
		b.ss_family = p->dst.ss_family;
	if (b.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&b)->sin6_port = htons((uint16_t)ck->bind_port);
		blen = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&b)->sin_port = htons((uint16_t)ck->bind_port);
		blen = sizeof(struct sockaddr_in);
	}
	(void)setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (bind(p->fd, (struct sockaddr *)&b, blen) < 0)
		return -errno;
	return 0;
}

int check_sock_connect(struct check_probe *p, int type, int proto,
		       check_sock_fn complete)
{
	int r;

	p->sock_complete = complete;
	p->early = 0;
	p->fd = socket(p->dst.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       proto);
	if (p->fd < 0)
		return -errno;
	r = set_opts(p);
	if (r < 0) {
		/* A setting the kernel refuses (no such interface, an
		 * address not ours) is this check failing, not a crash. */
		p->early = -r;
	} else if (connect(p->fd, (struct sockaddr *)&p->dst, p->dstlen) < 0 &&
		   errno != EINPROGRESS) {
		p->early = errno;
	}
	if (p->early) {
		/* Decided already: report on the next loop iteration. */
		r = arm(p, 0);
	} else {
		/* Edge-triggered: the connect completes (or fails) once, and
		 * a connected socket stays writable.  Level-triggered, every
		 * turn of the loop would see again each connected socket not
		 * served yet, which at thousands of checks makes each turn
		 * cost as much as all of them. */
		r = sd_event_add_io(p->e, &p->io, p->fd, EPOLLOUT | EPOLLET, on_io, p);
		if (r >= 0)
			r = check_sock_rearm(p);
	}
	if (r < 0) {
		check_sock_close(p);
		return r;
	}
	return 0;
}

void check_sock_close(struct check_probe *p)
{
	p->io = sd_event_source_disable_unref(p->io);
	check_timer_disarm(&p->timer);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

int check_sock_watch(struct check_probe *p, uint32_t events,
		     sd_event_io_handler_t fn)
{
	p->io = sd_event_source_disable_unref(p->io);
	return sd_event_add_io(p->e, &p->io, p->fd, events, fn, p);
}

void check_sock_why(const struct check_probe *p, int err, char *buf,
		    size_t len)
{
	if (err == ETIMEDOUT)
		snprintf(buf, len, "connect timeout after %.1f s",
			 (double)p->timeout / 1e6);
	else
		snprintf(buf, len, "connect: %s", strerror(err));
}
