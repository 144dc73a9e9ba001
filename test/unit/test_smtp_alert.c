/*
 * The smtp_alert client against a fake server on loopback (a forked
 * child speaking scripted replies): the whole dialogue with two
 * recipients, headers and dot-stuffing; a server that refuses; one that
 * never speaks (the timeout ends the message, in time); no server at
 * all; two queued messages delivered in order; new settings while a
 * message is in flight; nothing queued without a server.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/smtp_alert.h"

enum mode { M_GOOD, M_REFUSE, M_SILENT };

struct srv {
	int lfd;
	unsigned port;
	pid_t pid;
	int rfd;			/* the transcript comes back here */
};

static void srv_line(int fd, const char *s)
{
	ssize_t r = write(fd, s, strlen(s));

	(void)r;
}

/* Read one line (to '\n') from FD into BUF; 0 at EOF. */
static size_t get_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len && read(fd, buf + n, 1) == 1)
		if (buf[n++] == '\n')
			break;
	buf[n] = 0;
	return n;
}

/* Serve NCONN connections in MODE; write every line received to TX. */
static void serve(int lfd, int tx, enum mode mode, int nconn)
{
	char line[2048];

	for (int c = 0; c < nconn; c++) {
		int fd = accept(lfd, NULL, NULL);
		int data = 0;

		if (fd < 0)
			_exit(1);
		if (mode == M_SILENT) {
			sleep(3);
			_exit(0);
		}
		if (mode == M_REFUSE) {
			srv_line(fd, "554 go away\r\n");
			get_line(fd, line, sizeof(line));
			close(fd);
			continue;
		}
		srv_line(fd, "220-fake.example ESMTP\r\n220 welcome\r\n");
		while (get_line(fd, line, sizeof(line))) {
			srv_line(tx, line);
			if (data) {
				if (!strcmp(line, ".\r\n")) {
					data = 0;
					srv_line(fd, "250 queued\r\n");
				}
			} else if (!strncmp(line, "DATA", 4)) {
				data = 1;
				srv_line(fd, "354 go ahead\r\n");
			} else if (!strncmp(line, "QUIT", 4)) {
				srv_line(fd, "221 bye\r\n");
				break;
			} else {
				srv_line(fd, "250 ok\r\n");
			}
		}
		close(fd);
	}
	_exit(0);
}

static struct srv srv_start(enum mode mode, int nconn)
{
	struct srv s = { 0 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t l = sizeof(sin);
	int p[2];

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s.lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s.lfd >= 0);
	assert_int_equal(bind(s.lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(s.lfd, 4), 0);
	getsockname(s.lfd, (struct sockaddr *)&sin, &l);
	s.port = ntohs(sin.sin_port);
	assert_int_equal(pipe(p), 0);
	s.pid = fork();
	assert_true(s.pid >= 0);
	if (!s.pid) {
		close(p[0]);
		serve(s.lfd, p[1], mode, nconn);
	}
	close(p[1]);
	close(s.lfd);
	s.rfd = p[0];
	return s;
}

static char *srv_end(struct srv *s)
{
	static char all[16384];
	size_t n = 0;
	ssize_t r;

	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	while (n + 1 < sizeof(all) &&
	       (r = read(s->rfd, all + n, sizeof(all) - 1 - n)) > 0)
		n += (size_t)r;
	all[n] = 0;
	close(s->rfd);
	return all;
}

static const char *const rcpts[] = { "ops@example.com", "noc@example.com" };

static struct smtp_alert *client(sd_event *e, unsigned port, uint64_t tmo)
{
	struct smtp_alert *a;
	struct smtp_alert_conf c = {
		.server = "127.0.0.1", .port = port, .helo = "lb1.example",
		.from = "tandem@lb1.example", .to = rcpts, .nto = 2,
		.timeout_us = tmo, .router_id = "LB1",
	};

	assert_int_equal(smtp_alert_new(e, &a), 0);
	smtp_alert_set(a, &c);
	assert_true(smtp_alert_enabled(a));
	return a;
}

/* Run the loop until nothing is pending, at most MAX_MS; returns ms. */
static long drain(sd_event *e, struct smtp_alert *a, long max_ms)
{
	struct timespec t0, t1;
	long ms = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (smtp_alert_pending(a) && ms < max_ms) {
		sd_event_run(e, 50 * 1000);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	}
	return ms;
}

static void dialogue(void **st)
{
	sd_event *e;
	struct srv s = srv_start(M_GOOD, 2);
	struct smtp_alert *a;
	char *tx;

	(void)st;
	assert_int_equal(sd_event_new(&e), 0);
	a = client(e, s.port, 2000000);
	assert_int_equal(smtp_alert_send(a, "VRRP Instance VI_1 - Entering MASTER state",
					 "=> now master <=\n.dot line\n"), 0);
	assert_int_equal(smtp_alert_send(a, "second", "two"), 0);
	drain(e, a, 5000);
	assert_int_equal(smtp_alert_pending(a), 0);
	assert_int_equal(smtp_alert_stats(a)->sent, 2);
	assert_int_equal(smtp_alert_stats(a)->failed, 0);
	tx = srv_end(&s);
	assert_non_null(strstr(tx, "HELO lb1.example\r\n"));
	assert_non_null(strstr(tx, "MAIL FROM:<tandem@lb1.example>\r\n"));
	assert_non_null(strstr(tx, "RCPT TO:<ops@example.com>\r\nRCPT TO:<noc@example.com>\r\nDATA\r\n"));
	assert_non_null(strstr(tx, "From: tandem@lb1.example\r\n"));
	assert_non_null(strstr(tx, "To: ops@example.com, noc@example.com\r\n"));
	assert_non_null(strstr(tx, "Subject: [LB1] VRRP Instance VI_1 - Entering MASTER state\r\n"));
	assert_non_null(strstr(tx, "\r\n..dot line\r\n.\r\n"));
	/* In order: the first message before the second. */
	assert_true(strstr(tx, "Subject: [LB1] second") >
		    strstr(tx, "Subject: [LB1] VRRP"));
	assert_non_null(strstr(tx, "QUIT\r\n"));
	smtp_alert_free(a);
	sd_event_unref(e);
}

static void refused(void **st)
{
	sd_event *e;
	struct srv s = srv_start(M_REFUSE, 1);
	struct smtp_alert *a;

	(void)st;
	assert_int_equal(sd_event_new(&e), 0);
	a = client(e, s.port, 2000000);
	smtp_alert_send(a, "x", "y");
	drain(e, a, 5000);
	assert_int_equal(smtp_alert_pending(a), 0);
	assert_int_equal(smtp_alert_stats(a)->failed, 1);
	assert_int_equal(smtp_alert_stats(a)->sent, 0);
	srv_end(&s);
	smtp_alert_free(a);
	sd_event_unref(e);
}

static void silent(void **st)
{
	sd_event *e;
	struct srv s = srv_start(M_SILENT, 1);
	struct smtp_alert *a;
	long ms;

	(void)st;
	assert_int_equal(sd_event_new(&e), 0);
	a = client(e, s.port, 300000);
	smtp_alert_send(a, "x", "y");
	ms = drain(e, a, 5000);
	assert_int_equal(smtp_alert_stats(a)->failed, 1);
	assert_true(ms >= 250 && ms < 2000);
	srv_end(&s);
	smtp_alert_free(a);
	sd_event_unref(e);
}

static void absent(void **st)
{
	sd_event *e;
	struct srv s = srv_start(M_REFUSE, 0);	/* a port nobody listens on */
	struct smtp_alert *a;
	long ms;

	(void)st;
	srv_end(&s);
	assert_int_equal(sd_event_new(&e), 0);
	a = client(e, s.port, 2000000);
	smtp_alert_send(a, "x", "y");
	ms = drain(e, a, 5000);
	assert_int_equal(smtp_alert_stats(a)->failed, 1);
	assert_true(ms < 1000);
	smtp_alert_free(a);
	sd_event_unref(e);
}

/* New settings while a message is in flight: it starts over with them
 * (here: on another server), and switching mail off drops the queue. */
static void reconfigured(void **st)
{
	sd_event *e;
	struct srv mute = srv_start(M_SILENT, 1), good = srv_start(M_GOOD, 1);
	struct smtp_alert *a;
	static const char *const one[] = { "new@example.com" };
	struct smtp_alert_conf c = {
		.server = "127.0.0.1", .port = good.port, .to = one, .nto = 1,
		.timeout_us = 2000000, .router_id = "LB2",
	};
	char *tx;

	(void)st;
	assert_int_equal(sd_event_new(&e), 0);
	a = client(e, mute.port, 5000000);
	smtp_alert_send(a, "moved", "body");
	for (int i = 0; i < 5; i++)
		sd_event_run(e, 20 * 1000);
	assert_int_equal(smtp_alert_pending(a), 1);
	smtp_alert_set(a, &c);
	drain(e, a, 5000);
	assert_int_equal(smtp_alert_stats(a)->sent, 1);
	tx = srv_end(&good);
	assert_non_null(strstr(tx, "RCPT TO:<new@example.com>\r\nDATA"));
	srv_end(&mute);
	smtp_alert_send(a, "dropped", "body");
	c.server = NULL;
	smtp_alert_set(a, &c);
	assert_int_equal(smtp_alert_pending(a), 0);
	assert_int_equal(smtp_alert_stats(a)->dropped, 1);
	smtp_alert_free(a);
	sd_event_unref(e);
}

static void unconfigured(void **st)
{
	sd_event *e;
	struct smtp_alert *a;
	struct smtp_alert_conf c = { .to = rcpts, .nto = 2 };

	(void)st;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(smtp_alert_new(e, &a), 0);
	smtp_alert_set(a, &c);
	assert_false(smtp_alert_enabled(a));
	assert_int_equal(smtp_alert_send(a, "x", "y"), -1);
	assert_int_equal(smtp_alert_pending(a), 0);
	smtp_alert_free(a);
	sd_event_unref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dialogue),
		cmocka_unit_test(refused),
		cmocka_unit_test(silent),
		cmocka_unit_test(absent),
		cmocka_unit_test(reconfigured),
		cmocka_unit_test(unconfigured),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
