/*
 * The control socket's connections.
 *
 * A unix stream socket, root only (0600) unless control_socket_group
 * lets a group in (0660); the file system is the access control, as for
 * any daemon socket.  Each client is a line buffer in, a byte buffer out
 * and at most one request in flight: lines that arrive meanwhile wait in
 * the buffer, so a client's answers come in the order it asked.  Every
 * way a client can misbehave is bounded and answered, never fatal: a line
 * over CTL_LINE_MAX (error, then closed), malformed JSON or an unknown
 * command (error, the connection stays), silence (closed after the idle
 * timeout), leaving mid-request (the op lives on and its answer is
 * dropped), a monitor that stops reading (dropped when its backlog
 * passes OUT_MAX), and too many clients at once (the extra ones get an
 * error and are closed).  Each is logged and counted in status.
 *
 * Another live tandem on the same path (tests run several) is detected
 * by connecting to it: this one then warns and runs without a socket.  A
 * socket file nobody answers on is a leftover and is replaced.  On stop
 * the file is removed only if it is still the one this process made.
 * That listening end is ctl_listen.c; this file is the clients.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_op.h"
#include "tandem/ctl_proto.h"
#include "tandem/ctl_server.h"
#include "tandem/global_defs.h"

#include "tandem/ctl_server_int.h"

struct ctl_server_state cs = { .fd = -1 };

static void client_process(struct ctl_client *c);
static struct ctl_client *client_by_id(unsigned long id);

/* ------------------------------------------------------------------ */
/* Output                                                              */

static void client_want_out(struct ctl_client *c, bool on)
{
	if (c->io)
		sd_event_source_set_io_events(c->io, (c->eof ? 0 : EPOLLIN) |
					      (on ? EPOLLOUT : 0));
}

/* Write what can be written; false when the client is gone. */
static bool client_flush(struct ctl_client *c)
{
	while (c->outlen) {
		ssize_t k = send(c->fd, c->out, c->outlen, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			client_want_out(c, true);
			return true;
		}
		if (k <= 0) {
			cs.n.dropped_replies++;
			log_info("control: client %lu left before its answer", c->id);
			ctl_client_close(c);
			return false;
		}
		memmove(c->out, c->out + k, c->outlen - (size_t)k);
		c->outlen -= (size_t)k;
	}
	client_want_out(c, false);
	if (c->closing) {
		ctl_client_close(c);
		return false;
	}
	return true;
}

/* Queue o (borrowed) as a line; false when the client was closed. */
static bool client_send(struct ctl_client *c, struct json_object *o)
{
	size_t len;
	char *line = o ? ctl_line_of(o, &len) : NULL;
	char *b;

	if (!line) {
		ctl_client_close(c);
		return false;
	}
	if (c->outlen + len > OUT_MAX) {
		log_warn("control: client %lu does not read its answers: dropped", c->id);
		cs.n.slow_monitors++;
		free(line);
		ctl_client_close(c);
		return false;
	}
	b = realloc(c->out, c->outlen + len);
	if (!b) {
		free(line);
		ctl_client_close(c);
		return false;
	}
	c->out = b;
	memcpy(c->out + c->outlen, line, len);
	c->outlen += len;
	free(line);
	return client_flush(c);
}

/* An error to the client, counted in *counter; closes it after when
 * close_after. */
static bool client_refuse(struct ctl_client *c, unsigned long long *counter,
			  bool close_after, const char *why)
{
	struct json_object *e = ctl_error("%s", why);
	bool alive;

	(*counter)++;
	log_warn("control: client %lu: %s", c->id, why);
	if (close_after)
		c->closing = true;
	alive = client_send(c, e);
	json_object_put(e);
	return alive && !close_after;
}

/* ------------------------------------------------------------------ */
/* Ops                                                                 */

void ctl_op_finish(struct ctl_op *op, struct json_object *reply)
{
	struct ctl_client *c = op->client;

	for (int i = 0; i < CHILD_NTYPES; i++)
		json_object_put(op->part[i].reply);
	json_object_put(op->req);
	free(op);
	if (!c) {
		cs.n.dropped_replies++;
		log_info("control: the client left before its answer: dropped");
		json_object_put(reply);
		return;
	}
	c->op = NULL;
	if (reply && json_object_object_get_ex(reply, "ok", NULL)) {
		struct json_object *ok = json_object_object_get(reply, "ok");

		if (!json_object_get_boolean(ok))
			cs.n.errors++;
	}
	if (!reply)
		reply = ctl_error("out of memory");
	if (!client_send(c, reply)) {
		json_object_put(reply);
		return;
	}
	json_object_put(reply);
	client_process(c);
}

void ctl_op_monitor(struct ctl_op *op, struct json_object *reply)
{
	if (op->client)
		op->client->monitor = true;
	ctl_op_finish(op, reply);
}

void ctl_server_on_event(struct json_object *ev, void *ud)
{
	(void)ud;
	for (struct ctl_client *c = cs.clients, *next; c; c = next) {
		next = c->next;
		if (c->monitor && !c->closing)
			client_send(c, ev);
	}
}

/* ------------------------------------------------------------------ */
/* Input                                                               */

static void handle_line(struct ctl_client *c, char *line, size_t len)
{
	struct json_object *req;
	struct ctl_op *op;
	const char *why, *cmd;
	char msg[160];

	/* The buffer's check sees the line still open; one that ended in
	 * the read that crossed the limit is caught here. */
	if (len > CTL_LINE_MAX) {
		snprintf(msg, sizeof(msg), "request line longer than %d bytes",
			 CTL_LINE_MAX);
		client_refuse(c, &cs.n.too_long, true, msg);
		return;
	}
	req = ctl_parse_line(line, len, &why);
	if (!req) {
		client_refuse(c, &cs.n.bad_json, false, why);
		return;
	}
	cmd = ctl_str(req, "cmd");
	if (!cmd) {
		json_object_put(req);
		client_refuse(c, &cs.n.unknown, false,
			      "a request needs \"cmd\": a command name (a string)");
		return;
	}
	op = calloc(1, sizeof(*op));
	if (!op) {
		json_object_put(req);
		client_refuse(c, &cs.n.errors, true, "out of memory");
		return;
	}
	op->client = c;
	op->req = req;
	op->cmd = cmd;
	cs.n.requests++;
	c->op = op;
	if (!ctl_cmds_run(op)) {
		snprintf(msg, sizeof(msg), "unknown command: %.100s", cmd);
		c->op = NULL;
		json_object_put(req);
		free(op);
		client_refuse(c, &cs.n.unknown, false, msg);
	}
}

static void client_process(struct ctl_client *c)
{
	unsigned long id = c->id;

	/* An answer given at once calls back here: the loop below goes on
	 * with the next line instead, so a burst of lines is no recursion. */
	if (c->processing)
		return;
	c->processing = true;
	/* A monitor reads no more requests: it is a stream now. */
	while (!c->op && !c->monitor && !c->closing) {
		char *line;
		size_t len;
		int r = ctl_lines_next(&c->in, &line, &len);

		if (r <= 0)
			break;
		if (len == 0) {
			free(line);
			continue;
		}
		handle_line(c, line, len);
		free(line);
		/* The client may be gone now: look it up again. */
		if (!client_by_id(id))
			return;
	}
	c->processing = false;
	/* A client that said all it had to say (shutdown of its sending
	 * side) is closed once its last answer is out. */
	if (c->eof && !c->op && !c->monitor && !c->closing) {
		c->closing = true;
		client_flush(c);
	}
}

static struct ctl_client *client_by_id(unsigned long id)
{
	struct ctl_client *c = cs.clients;

	while (c && c->id != id)
		c = c->next;
	return c;
}

static int on_idle(sd_event_source *s, uint64_t usec, void *ud)
{
	struct ctl_client *c = ud;

	(void)usec;
	if (c->op || c->monitor) {
		uint64_t now = 0;

		sd_event_now(cs.e, CLOCK_MONOTONIC, &now);
		sd_event_source_set_time(s, now + cs.idle_usec);
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
		return 0;
	}
	client_refuse(c, &cs.n.idle, true, "idle timeout: no request");
	return 0;
}

static void idle_rearm(struct ctl_client *c)
{
	uint64_t now = 0;

	if (!c->idle)
		return;
	sd_event_now(cs.e, CLOCK_MONOTONIC, &now);
	sd_event_source_set_time(c->idle, now + cs.idle_usec);
	sd_event_source_set_enabled(c->idle, SD_EVENT_ONESHOT);
}

static int on_client_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	struct ctl_client *c = ud;
	unsigned long id = c->id;
	char buf[READ_CHUNK];

	(void)s;
	if (revents & EPOLLOUT) {
		if (!client_flush(c))
			return 0;
	}
	for (int n = 0; n < 4 && !c->eof && (revents & (EPOLLIN | EPOLLHUP | EPOLLERR)); n++) {
		ssize_t k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		int r;

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (k <= 0) {
			/* What came before the end is still a request. */
			c->eof = true;
			client_want_out(c, c->outlen > 0);
			break;
		}
		if (c->closing || c->monitor)
			continue;	/* nothing more is read from it */
		r = ctl_lines_add(&c->in, buf, (size_t)k);
		if (r == -EMSGSIZE) {
			char msg[96];

			snprintf(msg, sizeof(msg), "request line longer than %d bytes",
				 CTL_LINE_MAX);
			client_refuse(c, &cs.n.too_long, true, msg);
			return 0;
		}
		if (r < 0) {
			client_refuse(c, &cs.n.errors, true, "out of memory");
			return 0;
		}
		idle_rearm(c);
	}
	client_process(c);
	c = client_by_id(id);
	/* Gone for good (not a half close): nobody will read an answer. */
	if (c && c->eof && (revents & (EPOLLHUP | EPOLLERR))) {
		if (c->op) {
			cs.n.left_mid_request++;
			log_info("control: client %lu left during a request", c->id);
		}
		ctl_client_close(c);
	}
	return 0;
}

void ctl_client_close(struct ctl_client *c)
{
	for (struct ctl_client **pp = &cs.clients; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	cs.nclients--;
	if (c->op)
		c->op->client = NULL;
	c->io = sd_event_source_disable_unref(c->io);
	c->idle = sd_event_source_disable_unref(c->idle);
	close(c->fd);
	ctl_lines_free(&c->in);
	free(c->out);
	free(c);
}

int ctl_server_on_accept(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	(void)s;
	(void)revents;
	(void)ud;
	for (int n = 0; n < 16; n++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct ctl_client *c;

		if (cfd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn("control: accept: %s", strerror(errno));
			break;
		}
		if (cs.nclients >= MAX_CLIENTS) {
			static const char msg[] =
				"{\"ok\":false,\"error\":\"too many clients\"}\n";

			cs.n.rejected++;
			if (cs.n.rejected == 1 || cs.n.rejected % 100 == 0)
				log_warn("control: %u clients already: refusing more "
					 "(%llu refused so far)", cs.nclients,
					 cs.n.rejected);
			if (send(cfd, msg, sizeof(msg) - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
				log_debug("control: %s", strerror(errno));
			close(cfd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(cfd);
			continue;
		}
		c->fd = cfd;
		c->id = ++cs.next_id;
		if (sd_event_add_io(cs.e, &c->io, cfd, EPOLLIN, on_client_io, c) < 0 ||
		    sd_event_add_time_relative(cs.e, &c->idle, CLOCK_MONOTONIC,
					       cs.idle_usec, 100 * 1000, on_idle, c) < 0) {
			sd_event_source_disable_unref(c->io);
			close(cfd);
			free(c);
			continue;
		}
		c->next = cs.clients;
		cs.clients = c;
		cs.nclients++;
		cs.n.accepted++;
		log_debug("control: client %lu connected", c->id);
	}
	return 0;
}

