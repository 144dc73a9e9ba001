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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_op.h"
#include "tandem/ctl_proto.h"
#include "tandem/ctl_server.h"
#include "tandem/global_defs.h"

#define MAX_CLIENTS 64
#define OUT_MAX (4 << 20)		/* a monitor further behind is dropped */
#define IDLE_USEC_DEFAULT (60 * 1000000ULL)
#define READ_CHUNK 16384

struct ctl_client {
	struct ctl_client *next;
	unsigned long id;
	int fd;
	sd_event_source *io, *idle;
	struct ctl_lines in;
	char *out;
	size_t outlen;
	struct ctl_op *op;
	bool monitor, closing;
	bool processing;		/* in client_process: no recursion */
	bool eof;			/* it shut its sending side */
};

static struct {
	sd_event *e;
	int fd;
	sd_event_source *io;
	char *path;			/* being served, NULL: none */
	char *group;
	dev_t dev;
	ino_t ino;
	struct ctl_client *clients;
	unsigned nclients;
	unsigned long next_id;
	uint64_t idle_usec;
	bool subscribed;
	struct {
		unsigned long long accepted, rejected, requests, bad_json,
			too_long, unknown, errors, idle, left_mid_request,
			dropped_replies, slow_monitors;
	} n;
} cs = { .fd = -1 };

static void client_close(struct ctl_client *c);
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
			client_close(c);
			return false;
		}
		memmove(c->out, c->out + k, c->outlen - (size_t)k);
		c->outlen -= (size_t)k;
	}
	client_want_out(c, false);
	if (c->closing) {
		client_close(c);
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
		client_close(c);
		return false;
	}
	if (c->outlen + len > OUT_MAX) {
		log_warn("control: client %lu does not read its answers: dropped", c->id);
		cs.n.slow_monitors++;
		free(line);
		client_close(c);
		return false;
	}
	b = realloc(c->out, c->outlen + len);
	if (!b) {
		free(line);
		client_close(c);
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

static void on_event(struct json_object *ev, void *ud)
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
		client_close(c);
	}
	return 0;
}

static void client_close(struct ctl_client *c)
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

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *ud)
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

/* ------------------------------------------------------------------ */
/* The listening socket                                                */

/* Make the socket's folder (and missing parents) 0755. */
static void make_dir(const char *path)
{
	char *d = strdup(path), *slash;

	if (!d)
		return;
	slash = strrchr(d, '/');
	if (slash && slash != d) {
		*slash = '\0';
		for (char *p = d + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(d, 0755) < 0 && errno != EEXIST)
				break;
			*p = '/';
		}
		if (mkdir(d, 0755) < 0 && errno != EEXIST)
			log_warn("control: cannot make %s: %s", d, strerror(errno));
	}
	free(d);
}

/* Someone answers on path: another tandem runs there.  Non-blocking: a
 * daemon with a full backlog (EAGAIN) is alive too, and must not hold
 * this one's start. */
static bool served(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	bool yes;

	if (fd < 0)
		return false;
	yes = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ||
	      errno == EAGAIN;
	close(fd);
	return yes;
}

static int resolve_group(const char *name, gid_t *gid)
{
	struct group *g = getgrnam(name);
	char *end;
	unsigned long v;

	if (g) {
		*gid = g->gr_gid;
		return 0;
	}
	errno = 0;
	v = strtoul(name, &end, 10);
	if (errno || end == name || *end)
		return -ENOENT;
	*gid = (gid_t)v;
	return 0;
}

static void listen_close(bool remove_file)
{
	struct stat st;

	cs.io = sd_event_source_disable_unref(cs.io);
	if (cs.fd >= 0)
		close(cs.fd);
	cs.fd = -1;
	if (remove_file && cs.path && lstat(cs.path, &st) == 0 &&
	    st.st_dev == cs.dev && st.st_ino == cs.ino)
		unlink(cs.path);
	free(cs.path);
	free(cs.group);
	cs.path = cs.group = NULL;
}

static void listen_open(const char *path, const char *group)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	gid_t gid = 0;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_err("control: socket path %s is too long: no control socket", path);
		return;
	}
	if (group && resolve_group(group, &gid) < 0) {
		log_err("control: no group %s: no control socket", group);
		return;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	make_dir(path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_err("control: %s exists and is not a socket: running "
				"without a control socket", path);
			return;
		}
		if (served(&sa)) {
			log_warn("control: another daemon serves %s: running "
				 "without a control socket", path);
			return;
		}
		log_info("control: replacing the stale socket %s", path);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_err("control: socket: %s", strerror(errno));
		return;
	}
	/* No moment where the socket is open to others. */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0) {
		if (errno == EADDRINUSE)
			log_warn("control: %s is taken: running without a control "
				 "socket", path);
		else
			log_err("control: bind %s: %s", path, strerror(errno));
		close(fd);
		return;
	}
	if (group && (chown(path, (uid_t)-1, gid) < 0 || chmod(path, 0660) < 0))
		log_err("control: cannot give %s to group %s: %s (root only)",
			path, group, strerror(errno));
	if (listen(fd, 128) < 0 || stat(path, &st) < 0 ||
	    sd_event_add_io(cs.e, &cs.io, fd, EPOLLIN, on_accept, NULL) < 0) {
		log_err("control: cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return;
	}
	cs.fd = fd;
	cs.dev = st.st_dev;
	cs.ino = st.st_ino;
	cs.path = strdup(path);
	cs.group = group ? strdup(group) : NULL;
	log_info("control socket on %s%s%s", path, group ? ", group " : "",
		 group ? group : "");
}

static const char *wanted_path(const struct global_defs *gd)
{
	const char *p = gd->control_socket ? gd->control_socket : CTL_DEFAULT_SOCKET;

	return strcmp(p, "none") ? p : NULL;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

void ctl_server_configure(const struct global_defs *gd)
{
	const char *path = wanted_path(gd);

	if (!cs.e)
		return;
	if (cs.fd >= 0 && same_str(path, cs.path) &&
	    same_str(gd->control_socket_group, cs.group))
		return;
	if (cs.fd >= 0)
		listen_close(true);
	if (path)
		listen_open(path, gd->control_socket_group);
	else
		log_info("control socket: none");
}

void ctl_server_start(sd_event *e, const struct global_defs *gd,
		      const char *conf_file)
{
	const char *idle = getenv("TANDEM_CTL_IDLE_SEC");

	cs.e = e;
	cs.idle_usec = IDLE_USEC_DEFAULT;
	if (idle && atoi(idle) > 0)
		cs.idle_usec = (uint64_t)atoi(idle) * 1000000ULL;
	ctl_cmds_set_info(conf_file);
	if (!cs.subscribed && ctl_relay_subscribe(on_event, NULL) == 0)
		cs.subscribed = true;
	ctl_server_configure(gd);
}

void ctl_server_stop(void)
{
	while (cs.clients)
		client_close(cs.clients);
	listen_close(true);
	if (cs.subscribed)
		ctl_relay_unsubscribe(on_event, NULL);
	cs.subscribed = false;
	cs.e = NULL;
}

struct json_object *ctl_server_json(void)
{
	struct json_object *o = json_object_new_object();

#define N(k) json_object_object_add(o, #k, json_object_new_int64((int64_t)cs.n.k))
	json_object_object_add(o, "socket", cs.path ? json_object_new_string(cs.path)
						    : NULL);
	json_object_object_add(o, "group", cs.group ? json_object_new_string(cs.group)
						    : NULL);
	json_object_object_add(o, "clients", json_object_new_int((int)cs.nclients));
	json_object_object_add(o, "max_clients", json_object_new_int(MAX_CLIENTS));
	N(accepted);
	N(rejected);
	N(requests);
	N(bad_json);
	N(too_long);
	N(unknown);
	N(errors);
	N(idle);
	N(left_mid_request);
	N(dropped_replies);
	N(slow_monitors);
#undef N
	return o;
}
