/*
 * The child runtime shared by every child kind.  Right after the fork it
 * sheds what belongs to the parent: every descriptor except its socket and
 * the log sinks (reopened), the signal dispositions the parent uses (a
 * child takes orders as messages, not signals, so a signal sent to the
 * whole process group acts once, through the parent), and the parent's
 * sd-event loop, which is never touched again here: sd-event objects
 * belong to the process that made them.  It then names itself for ps,
 * starts its own loop, heartbeats the parent and serves IPC messages.
 *
 * The subsystem itself hangs off struct child_ops: proc_vrrp.c and
 * proc_check.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "lib/conf.h"
#include "lib/json_req.h"
#include "lib/log.h"
#include "tandem/child.h"
#include "tandem/config.h"
#include "tandem/ipc.h"
#include "tandem/opts.h"
#include "tandem/proc_check.h"
#include "tandem/proc_sched.h"
#include "tandem/proc_vrrp.h"
#include "tandem/signals.h"

#define HEARTBEAT_USEC (500 * 1000ULL)

/* ------------------------------------------------------------------ */
/* The hook table.  Later subsystems replace these entries.            */

const struct child_ops *const child_ops_table[CHILD_NTYPES] = {
#ifdef WITH_VRRP
	[CHILD_VRRP] = &proc_vrrp_ops,
#endif
#ifdef WITH_LVS
	[CHILD_CHECK] = &proc_check_ops,
#endif
};

/* ------------------------------------------------------------------ */

struct child {
	const struct child_ops *ops;
	sd_event *e;
	int sock;
	pid_t parent;
	struct tandem_config *cfg;
	unsigned restarts;
	time_t started;
	uint64_t heartbeats, reloads, reload_failures, dumps;
	int exit_code;
};

/* The one child of this process, for child_parent_sock() and
 * child_alive(). */
static int parent_sock = -1;
static struct child *the_child;

int child_parent_sock(void)
{
	return parent_sock;
}

static void set_title(const struct child_start *s, const char *name)
{
	char title[32];

	snprintf(title, sizeof(title), "tandem: %s", name);
	prctl(PR_SET_NAME, title, 0, 0, 0);
	/* argv's strings are what ps shows; the opts that pointed into them
	 * are not used by a child after this point. */
	if (s->opts->title && s->opts->title_len > 0) {
		memset(s->opts->title, 0, s->opts->title_len);
		snprintf(s->opts->title, s->opts->title_len, "%s", title);
	}
}

/* Keep only stdio and the socket (moved to fd 3). */
static int shed_fds(int sock)
{
	if (sock != 3) {
		if (dup3(sock, 3, O_CLOEXEC) < 0)
			return -errno;
	}
	if (close_range(4, ~0U, 0) < 0)
		return -errno;
	return 3;
}

static void send_heartbeat(struct child *c)
{
	int r = ipc_send(c->sock, IPC_HEARTBEAT, NULL, 0, -1);

	if (r == 0)
		c->heartbeats++;
	else if (r != -EAGAIN)
		log_debug("heartbeat: %s", strerror(-r));
}

void child_alive(void *unused)
{
	static uint64_t last;
	struct timespec ts;
	uint64_t now;

	(void)unused;
	if (!the_child)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	if (now - last < HEARTBEAT_USEC / 4)
		return;
	last = now;
	send_heartbeat(the_child);
}

/* The heap's free bytes that may be given back, checked at each
 * heartbeat: a burst of short-lived work (the start of 1,000 instances,
 * each with a deferred post and a notify queued, a reply built) leaves
 * its memory free in the middle of the heap, below what stays, where
 * free() never returns it.  When the free bytes grew by HEAP_SLACK
 * since the last look, malloc_trim gives their pages back; a heap that
 * stays as it is costs one mallinfo2() a heartbeat.  64 kB: 1,000
 * instances becoming master at once leave about 250 kB free in the vrrp
 * child, which a slack of 256 kB left resident for good. */
#define HEAP_SLACK (64 * 1024)
static void watch_heap(void)
{
#ifdef __GLIBC__
	static size_t base;
	size_t free_now = mallinfo2().fordblks;

	if (free_now < base)
		base = free_now;
	else if (free_now - base > HEAP_SLACK) {
		malloc_trim(0);
		base = free_now;
	}
#endif
}

static int on_heartbeat(sd_event_source *src, uint64_t usec, void *ud)
{
	struct child *c = ud;

	send_heartbeat(c);
	watch_heap();
	sd_event_source_set_time(src, usec + HEARTBEAT_USEC);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Dumps                                                               */

static void write_data(struct child *c, FILE *f)
{
	char when[64];
	struct tm tm;
	char *text;

	localtime_r(&c->started, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "------< tandem %s process >------\n", c->ops->name);
	fprintf(f, " pid = %ld\n parent pid = %ld\n started = %s\n",
		(long)getpid(), (long)c->parent, when);
	fprintf(f, " restarts before this one = %u\n heartbeats sent = %llu\n",
		c->restarts, (unsigned long long)c->heartbeats);
	fprintf(f, " reloads applied = %llu\n reloads failed = %llu\n",
		(unsigned long long)c->reloads,
		(unsigned long long)c->reload_failures);
	fprintf(f, " config file = %s\n", c->cfg->path ? c->cfg->path : "");
	if (c->ops->dump_data)
		c->ops->dump_data(f);
	fprintf(f, "------< configuration >------\n");
	text = config_dump_text(c->cfg);
	if (text)
		fputs(text, f);
	free(text);
}

static void write_stats(struct child *c, FILE *f)
{
	fprintf(f, "------< tandem %s statistics >------\n", c->ops->name);
	fprintf(f, " uptime = %lld s\n", (long long)(time(NULL) - c->started));
	fprintf(f, " restarts = %u\n heartbeats = %llu\n reloads = %llu\n"
		" reload failures = %llu\n dumps = %llu\n", c->restarts,
		(unsigned long long)c->heartbeats,
		(unsigned long long)c->reloads,
		(unsigned long long)c->reload_failures,
		(unsigned long long)c->dumps);
}

/* Give back to the kernel the pages a big transient piece of work left
 * free in the middle of the heap: a JSON dump of ten thousand real
 * servers builds a tree of tens of megabytes, and the checks that run
 * meanwhile keep allocating above it, so free() alone never shrinks the
 * heap and the process kept the dump's peak for good. */
static void give_back_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static int write_json(struct child *c, FILE *f)
{
	struct json_object *o = json_object_new_object();
	char *text = config_dump_text(c->cfg);
	const char *s;

	if (!o) {
		free(text);
		return -ENOMEM;
	}
	json_object_object_add(o, "process", json_object_new_string(c->ops->name));
	json_object_object_add(o, "pid", json_object_new_int64(getpid()));
	json_object_object_add(o, "parent_pid", json_object_new_int64(c->parent));
	json_object_object_add(o, "started", json_object_new_int64(c->started));
	json_object_object_add(o, "uptime", json_object_new_int64(time(NULL) - c->started));
	json_object_object_add(o, "restarts", json_object_new_int64(c->restarts));
	json_object_object_add(o, "heartbeats", json_object_new_int64((int64_t)c->heartbeats));
	json_object_object_add(o, "reloads", json_object_new_int64((int64_t)c->reloads));
	json_object_object_add(o, "reload_failures",
			       json_object_new_int64((int64_t)c->reload_failures));
	json_object_object_add(o, "config_file",
			       json_object_new_string(c->cfg->path ? c->cfg->path : ""));
	json_object_object_add(o, "config", json_object_new_string(text ? text : ""));
	if (c->ops->dump_json)
		c->ops->dump_json(o);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	fprintf(f, "%s\n", s);
	json_object_put(o);
	free(text);
	return 0;
}

/* Write to a temporary name in the same folder, then rename: a reader
 * never sees a half-written dump, and a symlink planted at the final name
 * in a shared /tmp is replaced rather than followed. */
static void dump(struct child *c, enum ipc_dump kind)
{
	static const char *const ext[] = { "data", "stats", "json" };
	const char *dir = getenv("TMPDIR");
	char path[4096], tmp[4200];
	FILE *f;
	int fd;

	if ((unsigned)kind > IPC_DUMP_JSON)
		return;
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/%s.%s", dir, c->ops->dump_base, ext[kind]);
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0644) < 0 || !(f = fdopen(fd, "w"))) {
		log_err("cannot write %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return;
	}
	if (kind == IPC_DUMP_DATA)
		write_data(c, f);
	else if (kind == IPC_DUMP_STATS)
		write_stats(c, f);
	else
		write_json(c, f);
	give_back_memory();
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		log_err("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return;
	}
	c->dumps++;
	log_info("wrote %s", path);
}

void child_dump(enum ipc_dump kind)
{
	if (the_child)
		dump(the_child, kind);
}

/* ------------------------------------------------------------------ */
/* Control requests and events                                         */

/* One relayed request: parse, hand to the subsystem, send the answer.
 * Whatever happens, the parent gets a reply for the id, so its caller is
 * not left waiting for the relay's timeout. */
#define GIVE_BACK_REPLY (256 * 1024)
static void ctl_request(struct child *c, const struct ipc_msg *m)
{
	struct json_tokener *tok;
	struct json_object *req = NULL, *rep = NULL;
	const char *text;
	size_t len;
	uint32_t id;
	int fd, r;

	if (m->len < sizeof(id)) {
		log_warn("control request without an id from the parent: ignored");
		return;
	}
	memcpy(&id, m->payload, sizeof(id));
	tok = json_tokener_new();
	if (tok) {
		req = json_tokener_parse_ex(tok, m->payload + sizeof(id),
					    (int)(m->len - sizeof(id)));
		if (req && (json_tokener_get_error(tok) != json_tokener_success ||
			    !json_object_is_type(req, json_type_object))) {
			json_object_put(req);
			req = NULL;
		}
		json_tokener_free(tok);
	}
	if (!req)
		rep = json_req_error("malformed request");
	else if (!c->ops->command)
		rep = json_req_error("this process takes no commands");
	else
		rep = c->ops->command(req);
	json_object_put(req);
	if (!rep)
		rep = json_req_error("out of memory");
	text = rep ? json_object_to_json_string_ext(rep, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE)
		   : "{\"error\":\"out of memory\"}";
	len = strlen(text);
	fd = ipc_memfd("tandem-reply", text, len);
	json_object_put(rep);
	/* A reply about every real server (show, metrics) is a big tree
	 * gone now; a small one leaves nothing worth the walk. */
	if (len > GIVE_BACK_REPLY)
		give_back_memory();
	if (fd < 0) {
		log_err("control reply: %s", strerror(-fd));
		/* No fd: the parent reads it as a failed ask. */
	}
	r = ipc_send(c->sock, IPC_CTL_REPLY, &id, sizeof(id), fd);
	if (r < 0)
		log_warn("cannot send a control reply to the parent: %s",
			 strerror(-r));
	if (fd >= 0)
		close(fd);
}

void child_event(struct json_object *ev)
{
	const char *text;
	size_t len;
	int r;

	if (!ev)
		return;
	if (!the_child) {
		json_object_put(ev);
		return;
	}
	text = json_object_to_json_string_ext(ev, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	r = len > IPC_MAX_PAYLOAD ? -EMSGSIZE
				  : ipc_send(the_child->sock, IPC_EVENT, text, len, -1);
	if (r < 0)
		log_debug("event dropped: %s", strerror(-r));
	json_object_put(ev);
}

void child_request_reload(void)
{
	int r;

	if (!the_child)
		return;
	r = ipc_send(the_child->sock, IPC_RELOAD_REQUEST, NULL, 0, -1);
	if (r < 0)
		log_warn("cannot ask the parent for a reload: %s", strerror(-r));
}

/* ------------------------------------------------------------------ */
/* Reload                                                              */

static void log_diag(const struct conf_diag_entry *e, void *arg)
{
	log_msg(e->sev == CONF_ERROR ? LOG_ERR : LOG_WARNING, "%s:%d: %s",
		e->file ? e->file : "(config)", e->line, e->msg);
}

/* The parent's pack in fd, mapped (*map NULL when it is empty).
 * Mapped, not read: the parent's sealed pages are used where they lie,
 * with no copy into fresh memory that must be faulted in first (a large
 * config is hundreds of pages). */
static int map_pack(int fd, void **map, size_t *n)
{
	struct stat st;

	*map = NULL;
	if (fstat(fd, &st) < 0 || st.st_size < 0 || st.st_size > (1 << 30))
		return -EINVAL;
	*n = (size_t)st.st_size;
	if (*n && (*map = mmap(NULL, *n, PROT_READ, MAP_PRIVATE, fd, 0)) ==
		  MAP_FAILED) {
		*map = NULL;
		return -errno;
	}
	return 0;
}

/* The config of the pack (base: the running one, for a delta), or NULL
 * after logging why. */
static struct tandem_config *load_pack(const char *name, const void *map,
				       size_t n,
				       const struct tandem_config *base)
{
	struct tandem_config *ncfg;
	struct conf_diag d;

	conf_diag_init(&d);
	ncfg = config_load_packed(name, map ? map : "", n, base, &d);
	if (!ncfg) {
		/* The parent validated these statements, so this is a bug
		 * (or damage on the way): say so loudly. */
		log_err("the config from the parent does not load back:");
		conf_diag_foreach(&d, log_diag, NULL);
	}
	conf_diag_free(&d);
	return ncfg;
}

static int reload(struct child *c, int fd, const char *name)
{
	struct tandem_config *ncfg;
	void *map;
	size_t n;
	int r;

	if ((r = map_pack(fd, &map, &n)) < 0)
		return r;
	/* With -D, these two lines and the subsystem's own log split a
	 * reload's time between the parent, the parse here and the apply. */
	log_debug("reload: %zu bytes of config from the parent", n);
	child_alive(NULL);
	/* A folded config's tree, for the delta to splice onto and for
	 * the subsystem to compare with the new one. */
	if (config_unfold(c->cfg) < 0) {
		log_err("reload: the running config does not unpack");
		if (map)
			munmap(map, n);
		return -ENOMEM;
	}
	ncfg = load_pack(name, map, n, c->cfg);
	if (map)
		munmap(map, n);
	child_alive(NULL);
	if (!ncfg) {
		/* Keep running the config there was. */
		if (c->ops->fold)
			config_fold(c->cfg);
		return -EINVAL;
	}
	log_debug("reload: config loaded, applying it");
	r = c->ops->reload(c->cfg, ncfg);
	if (r < 0) {
		/* What it shares stays with the running config. */
		config_free(ncfg);
		if (c->ops->fold)
			config_fold(c->cfg);
		return r;
	}
	config_take_shared(ncfg, c->cfg);
	config_free(c->cfg);
	c->cfg = ncfg;
	if (c->ops->fold)
		config_fold(c->cfg);
	give_back_memory();
	return 0;
}

/* A folding child's start: the config the fork left is the parent's
 * (without its VRRP part, config_drop_vrrp), and its pages are counted
 * again in this process for as long as it keeps them.  It goes; the
 * config is compiled afresh from the pack the parent sent, which is what
 * a reload does, and folded.  The heap's holes are given back last. */
static int own_config(struct child *c, void *map, size_t n)
{
	char *name = strdup(c->cfg->path ? c->cfg->path : "");
	struct tandem_config *own;

	if (!name)
		return -ENOMEM;
	config_free(c->cfg);
	c->cfg = NULL;
	own = load_pack(name, map, n, NULL);
	free(name);
	if (map)
		munmap(map, n);
	if (!own)
		return -EINVAL;
	config_fold(own);
	c->cfg = own;
	give_back_memory();
	return 0;
}

static int on_message(sd_event_source *src, int fd, uint32_t revents,
		      void *ud)
{
	struct child *c = ud;
	struct ipc_msg *m = malloc(sizeof(*m));
	int r, n;

	if (!m)
		return 0;
	for (n = 0; n < 16; n++) {
		r = ipc_recv(fd, m);
		if (r == -EAGAIN)
			break;
		if (r <= 0) {
			log_err("lost the parent (%s): stopping",
				r ? strerror(-r) : "socket closed");
			c->exit_code = 1;
			sd_event_exit(c->e, 1);
			break;
		}
		switch (m->type) {
		case IPC_RELOAD: {
			char name[IPC_MAX_PAYLOAD + 1];
			int32_t st;

			memcpy(name, m->payload, m->len);
			name[m->len] = '\0';
			st = m->fd >= 0 ? reload(c, m->fd, name) : -EBADF;
			if (st < 0)
				c->reload_failures++;
			else
				c->reloads++;
			if (ipc_send(c->sock, IPC_RELOAD_DONE, &st, sizeof(st), -1) < 0)
				log_warn("cannot confirm the reload to the parent");
			break;
		}
		case IPC_STOP:
			sd_event_exit(c->e, 0);
			break;
		case IPC_DUMP: {
			uint32_t k;

			if (m->len == sizeof(k)) {
				memcpy(&k, m->payload, sizeof(k));
				dump(c, (enum ipc_dump)k);
			}
			break;
		}
		case IPC_CTL_REQUEST:
			ctl_request(c, m);
			break;
		case IPC_VRRP_STATE:
			if (c->ops->message)
				c->ops->message(m->type, m->payload, m->len);
			break;
		default:
			log_warn("unexpected %s message from the parent",
				 ipc_type_name(m->type));
		}
		if (m->fd >= 0)
			close(m->fd);
	}
	free(m);
	return 0;
}

static int on_term(sd_event_source *src, const struct signalfd_siginfo *si,
		   void *ud)
{
	struct child *c = ud;

	sd_event_exit(c->e, 0);
	return 0;
}

/* The global_defs settings of this kind of child (vrrp_*, checker_*). */
static const struct gd_proc *child_proc_settings(enum child_type t,
						 const struct global_defs *gd)
{
#ifdef WITH_VRRP
	if (t == CHILD_VRRP)
		return &gd->vrrp_proc;
#endif
	(void)t;
	return &gd->checker_proc;
}

/* ------------------------------------------------------------------ */

_Noreturn void child_main(const struct child_start *s)
{
	struct child c = {
		.ops = child_ops_table[s->type], .parent = s->parent,
		.cfg = s->cfg, .restarts = s->restarts,
	};
	sd_event_source *io = NULL, *hb = NULL;
	void *pack = NULL;
	size_t packlen = 0;
	sigset_t unblock;
	int r, pack_r = 0;

	/* Log sinks first: the fds they hold are about to be closed.  The
	 * config's pack is mapped before its fd is: its pages stay. */
	log_close();
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	if (c.ops->fold)
		pack_r = s->cfg_fd >= 0 ? map_pack(s->cfg_fd, &pack, &packlen)
					: -EBADF;
	c.sock = shed_fds(s->sock);
	parent_sock = c.sock;
	the_child = &c;
	log_init(s->log);
	log_set_proc(c.ops->name);
	if (c.sock < 0) {
		log_err("cannot set up the child: %s", strerror(-c.sock));
		_exit(1);
	}
	if (getppid() != s->parent) {
		log_err("parent is gone before the child started");
		_exit(1);
	}
	set_title(s, c.ops->name);
	if (c.ops->fold && (pack_r < 0 ||
			    (pack_r = own_config(&c, pack, packlen)) < 0)) {
		log_err("cannot load the config from the parent: %s",
			strerror(-pack_r));
		_exit(1);
	}
	/* The parent keeps its tree folded; this child keeps it whole,
	 * and reads no file (the record of the parent's reading goes). */
	if (!c.ops->fold) {
		conf_text_free(c.cfg->folded_text);
		c.cfg->folded_text = NULL;
		if (config_unfold(c.cfg) < 0) {
			log_err("cannot unpack the config from the parent");
			_exit(1);
		}
		free(c.cfg->folded);
		c.cfg->folded = NULL;
		c.cfg->folded_len = 0;
	}
	proc_sched_apply(child_proc_settings(s->type, &c.cfg->gd));
	c.started = time(NULL);

	/* Orders come as messages; TERM (parent death, or an operator)
	 * stays blocked for sd-event, SIGCHLD stays blocked for later
	 * sd_event_add_child users. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGJSON, SIG_IGN);
	sigemptyset(&unblock);
	sigaddset(&unblock, SIGINT);
	sigaddset(&unblock, SIGHUP);
	sigaddset(&unblock, SIGUSR1);
	sigaddset(&unblock, SIGUSR2);
	sigaddset(&unblock, SIGJSON);
	sigprocmask(SIG_UNBLOCK, &unblock, NULL);

	r = sd_event_new(&c.e);
	if (r >= 0)
		r = sd_event_add_signal(c.e, NULL, SIGTERM, on_term, &c);
	if (r >= 0)
		r = sd_event_add_io(c.e, &io, c.sock, EPOLLIN, on_message, &c);
	if (r >= 0)
		r = sd_event_add_time_relative(c.e, &hb, CLOCK_MONOTONIC,
					       HEARTBEAT_USEC, 10 * 1000, on_heartbeat, &c);
	if (r >= 0)
		r = sd_event_source_set_enabled(hb, SD_EVENT_ON);
	/* The heartbeat says the loop turns, not that it is idle: ahead of
	 * a burst of ready sockets and timers (thousands of checks due at
	 * once), which sd-event would otherwise serve first, one per
	 * iteration, while the parent takes the silence for a hang. */
	if (r >= 0)
		r = sd_event_source_set_priority(hb, SD_EVENT_PRIORITY_IMPORTANT);
	if (r < 0) {
		log_err("cannot start the event loop: %s", strerror(-r));
		c.exit_code = 1;
		goto out;
	}
	if (c.ops->set_opts)
		c.ops->set_opts(s->opts);
	if (c.ops->set_restarts)
		c.ops->set_restarts(s->restarts);
	r = c.ops->init(c.e, c.cfg);
	if (r < 0) {
		log_err("cannot start: %s", strerror(-r));
		c.exit_code = 1;
		goto out;
	}
	/* The first heartbeat tells the parent the child is up. */
	send_heartbeat(&c);
	r = sd_event_loop(c.e);
	c.exit_code = r < 0 ? 1 : r;
	c.ops->stop();
out:
	sd_event_source_disable_unref(io);
	sd_event_source_disable_unref(hb);
	sd_event_unref(c.e);
	config_free(c.cfg);
	close(c.sock);
	log_info("exiting with status %d", c.exit_code);
	log_close();
#if defined(__SANITIZE_ADDRESS__)
	__lsan_do_leak_check();
#endif
	/* _exit: the parent's atexit handlers and stdio buffers are not
	 * the child's to run or flush. */
	_exit(c.exit_code);
}
