/*
 * TCP_CHECK: the real server is up when a TCP connection to it opens
 * within connect_timeout.
 *
 * One non-blocking socket per check on the check process's sd-event
 * loop (check_sock.c: connect, wait for writability or the timeout, read
 * SO_ERROR), then close.  Nothing blocks, so thousands of checks can be
 * in flight.  The socket honours bindto / bind_port, bind_if and fwmark,
 * as keepalived's does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "check/check_checker.h"
#include "check/check_sock.h"

static void *tcp_open(struct conf_ctx *c, const struct conf_node *n,
		      void *parent)
{
	return check_ck_open(c, n, parent, CHECK_K_TCP);
}

static const struct conf_keyword tcp_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ .name = NULL },
};

const struct conf_block check_tcp_block = {
	.name = "TCP_CHECK",
	.keywords = tcp_keywords,
	.open = tcp_open,
	.close = check_ck_close,
};

static void tcp_cancel(struct check_probe *p)
{
	check_sock_close(p);
}

static void finish(struct check_probe *p, int err)
{
	char why[CHECK_REASON_MAX];

	/* Connected or not, the socket has served its purpose. */
	check_sock_close(p);
	if (!err) {
		p->done(p, true, NULL);
		return;
	}
	if (err == ETIMEDOUT)
		snprintf(why, sizeof(why), "connect timeout after %.1f s",
			 (double)p->timeout / 1e6);
	else
		snprintf(why, sizeof(why), "connect: %s", strerror(err));
	p->done(p, false, why);
}

static int tcp_start(struct check_probe *p)
{
	return check_sock_connect(p, SOCK_STREAM, IPPROTO_TCP, finish);
}

const struct check_type check_type_tcp = {
	.name = "TCP_CHECK",
	.block = &check_tcp_block,
	.needs_port = true,
	.start = tcp_start,
	.cancel = tcp_cancel,
};
