/*
 * The control socket's listening end (see ctl_server.c for the whole):
 * its folder and file (0600, or 0660 for control_socket_group), another
 * live tandem on the same path detected by connecting to it, a leftover
 * file replaced, the file removed on stop only if it is still ours, a
 * reload that changes the path or group, and the status counters.
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
#include "tandem/ctl_server.h"
#include "tandem/ctl_server_int.h"
#include "tandem/global_defs.h"

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
	    sd_event_add_io(cs.e, &cs.io, fd, EPOLLIN, ctl_server_on_accept, NULL) < 0) {
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

/* control_socket, else $TANDEM_SOCKET (the variable tandemctl reads, so
 * one setting points both at a socket of their own: tests running many
 * daemons keep off the host's), else the default. */
static const char *wanted_path(const struct global_defs *gd)
{
	const char *env = getenv("TANDEM_SOCKET");
	const char *p = gd->control_socket ? gd->control_socket
		      : env && env[0] == '/' ? env : CTL_DEFAULT_SOCKET;

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
	if (!cs.subscribed && ctl_relay_subscribe(ctl_server_on_event, NULL) == 0)
		cs.subscribed = true;
	ctl_server_configure(gd);
}

void ctl_server_stop(void)
{
	while (cs.clients)
		ctl_client_close(cs.clients);
	listen_close(true);
	if (cs.subscribed)
		ctl_relay_unsubscribe(ctl_server_on_event, NULL);
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
