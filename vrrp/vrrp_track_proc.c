/*
 * Tracked processes (vrrp_track_process), through the kernel's process
 * connector: one NETLINK_CONNECTOR socket subscribed to CN_IDX_PROC
 * tells of every exec, fork, exit and name change, so the running set is
 * kept without polling; /proc is scanned once, after the subscription
 * (so nothing falls between the two), when the first tracked process is
 * asked for.
 *
 * Each block keeps the PIDs that match it.  An exec or a name change
 * re-matches the process; a fork of a matching process matches (same
 * program, same arguments); an exit removes it.  Threads are not
 * processes: events whose PID is not their thread group's are skipped.
 * Its status is "quorum <= count <= quorum_max"; a change of status
 * waits fork_delay (gained) or terminate_delay (lost) and is dropped if
 * the count went back meanwhile, so a restart does not bounce the VIP.
 *
 * The socket itself, and the small /proc readers, are vrrp_proc_cn.c's.
 *
 * Matching (vrrp_tproc_match, pure): the name against the process name
 * (/proc/PID/comm, which the kernel cuts to 15 characters), or, with
 * parameters, param_match or full_command, the command line: its first
 * word exactly, then the parameters as param_match says.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_track.h"

#define MAX_ARGS 64

struct vrrp_tproc {
	struct vrrp_tproc *next;
	struct vrrp_tprocs *set;
	const struct vrrp_conf_track_process *c;
	pid_t *pids;
	size_t npids, cap;
	bool ok;			/* the status reported */
	sd_event_source *delay;
	unsigned refs;
};

struct vrrp_tprocs {
	sd_event *e;
	int fd;				/* -1 until the first get */
	sd_event_source *io;
	struct vrrp_tproc *procs;
	vrrp_tproc_cb cb;
	void *arg;
};

bool vrrp_tproc_match(const struct vrrp_conf_track_process *c,
		      const char *comm, char *const *argv, size_t argc)
{
	size_t np = c->nargv ? c->nargv - 1 : 0, have;
	bool params = np || c->param_match_set;
	char nm[16];

	if (!c->nargv)
		return false;
	if (!c->full_command && !params) {
		snprintf(nm, sizeof(nm), "%s", c->argv[0]);
		return comm && !strcmp(comm, nm);
	}
	if (!argc || strcmp(argv[0], c->argv[0]))
		return false;
	if (!params)
		return true;
	have = argc - 1;
	switch (c->param_match) {
	case VRRP_PM_PARTIAL:
		if (have < np)
			return false;
		break;
	case VRRP_PM_INITIAL:
		if (have != np)
			return false;
		if (np && strncmp(argv[np], c->argv[np], strlen(c->argv[np])))
			return false;
		if (np)
			np--;	/* the last one was matched as a prefix */
		break;
	default:
		if (have != np)
			return false;
	}
	for (size_t i = 1; i <= np; i++)
		if (strcmp(argv[i], c->argv[i]))
			return false;
	return true;
}

/* ------------------------------------------------------------------ */

static bool has_pid(const struct vrrp_tproc *tp, pid_t pid, size_t *at)
{
	for (size_t i = 0; i < tp->npids; i++)
		if (tp->pids[i] == pid) {
			if (at)
				*at = i;
			return true;
		}
	return false;
}

/* Add (ON) or drop PID; true when the set changed. */
static bool set_pid(struct vrrp_tproc *tp, pid_t pid, bool on)
{
	size_t at;

	if (has_pid(tp, pid, &at) == on)
		return false;
	if (!on) {
		tp->pids[at] = tp->pids[--tp->npids];
		return true;
	}
	if (tp->npids == tp->cap) {
		size_t cap = tp->cap ? tp->cap * 2 : 8;
		pid_t *g = realloc(tp->pids, cap * sizeof(*g));

		if (!g)
			return false;
		tp->pids = g;
		tp->cap = cap;
	}
	tp->pids[tp->npids++] = pid;
	return true;
}

static bool status(const struct vrrp_tproc *tp)
{
	return tp->npids >= tp->c->quorum && tp->npids <= tp->c->quorum_max;
}

static int on_delay(sd_event_source *s, uint64_t usec, void *data)
{
	struct vrrp_tproc *tp = data;

	(void)s; (void)usec;
	if (status(tp) != tp->ok) {
		tp->ok = !tp->ok;
		log_info("track_process %s: %zu running, %s", tp->c->name,
			 tp->npids, tp->ok ? "up" : "down");
		if (tp->set->cb)
			tp->set->cb(tp, tp->set->arg);
	}
	return 0;
}

/* The count changed: report a new status now, or after its delay. */
static void changed(struct vrrp_tproc *tp)
{
	bool now = status(tp);
	uint64_t delay = now ? tp->c->fork_delay_us : tp->c->terminate_delay_us;
	uint64_t t = 0;

	if (now == tp->ok) {
		if (tp->delay)
			sd_event_source_set_enabled(tp->delay, SD_EVENT_OFF);
		return;
	}
	if (!delay) {
		on_delay(NULL, 0, tp);
		return;
	}
	sd_event_now(tp->set->e, CLOCK_MONOTONIC, &t);
	if (!tp->delay) {
		if (sd_event_add_time(tp->set->e, &tp->delay, CLOCK_MONOTONIC,
				      t + delay, 1000, on_delay, tp) < 0) {
			on_delay(NULL, 0, tp);
			return;
		}
	} else {
		sd_event_source_set_time(tp->delay, t + delay);
	}
	sd_event_source_set_enabled(tp->delay, SD_EVENT_ONESHOT);
}

/* What a process is: its name and (if any block needs it) command line. */
struct proc_id {
	char comm[32];
	char buf[4096];
	char *argv[MAX_ARGS];
	size_t argc;
};

static bool need_argv(const struct vrrp_tprocs *s)
{
	for (const struct vrrp_tproc *tp = s->procs; tp; tp = tp->next)
		if (tp->c->full_command || tp->c->nargv > 1 ||
		    tp->c->param_match_set)
			return true;
	return false;
}

static bool identify(pid_t pid, bool argv, struct proc_id *id)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if ((n = vrrp_proc_read(path, id->comm, sizeof(id->comm) - 1)) <= 0)
		return false;	/* gone already */
	id->comm[n] = '\0';
	id->comm[strcspn(id->comm, "\n")] = '\0';
	id->argc = 0;
	if (!argv)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = vrrp_proc_read(path, id->buf, sizeof(id->buf) - 1);
	if (n <= 0)
		return true;	/* a kernel thread, or a zombie */
	id->buf[n] = '\0';
	for (char *p = id->buf; p < id->buf + n && id->argc < MAX_ARGS;
	     p += strlen(p) + 1)
		id->argv[id->argc++] = p;
	return true;
}

/* PID was started, exec'd or renamed: match it against every block. */
static void rematch(struct vrrp_tprocs *s, pid_t pid)
{
	struct proc_id id;
	bool known = identify(pid, need_argv(s), &id);

	for (struct vrrp_tproc *tp = s->procs; tp; tp = tp->next)
		if (set_pid(tp, pid, known && vrrp_tproc_match(tp->c, id.comm,
							      id.argv, id.argc)))
			changed(tp);
}

static void scan(struct vrrp_tprocs *s, struct vrrp_tproc *only)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	bool argv = need_argv(s);

	if (!d) {
		log_err("track_process: cannot read /proc: %m");
		return;
	}
	while ((de = readdir(d))) {
		struct proc_id id;
		pid_t pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		char st;
		pid_t pp;

		pid = (pid_t)atoi(de->d_name);
		/* a zombie is not running */
		if (!vrrp_proc_stat(pid, &st, &pp) || st == 'Z' ||
		    !identify(pid, argv, &id))
			continue;
		if (vrrp_tproc_match(only->c, id.comm, id.argv, id.argc))
			set_pid(only, pid, true);
	}
	closedir(d);
}

static int on_event(sd_event_source *src, int fd, uint32_t revents,
		    void *data)
{
	struct vrrp_tprocs *s = data;
	char buf[8192] __attribute__((aligned(__alignof__(struct nlmsghdr))));

	(void)src; (void)revents;
	for (int round = 0; round < 64; round++) {
		ssize_t len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (len < 0 && errno == ENOBUFS) {
			/* events lost: count again from /proc */
			log_warn("track_process: process events lost; "
				 "rescanning /proc");
			for (struct vrrp_tproc *tp = s->procs; tp; tp = tp->next) {
				tp->npids = 0;
				scan(s, tp);
				changed(tp);
			}
			continue;
		}
		if (len <= 0)
			break;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf;
		     NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			struct cn_msg *m = NLMSG_DATA(h);
			struct proc_event e, *ev = &e;

			/* The event follows a 20-byte header: copied out, as
			 * it is not aligned for its 64-bit timestamp. */
			if (h->nlmsg_type != NLMSG_DONE ||
			    m->id.idx != CN_IDX_PROC || m->len < sizeof(e) ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m) + sizeof(e)))
				continue;
			memcpy(&e, m->data, sizeof(e));
			switch (ev->what) {
			case PROC_EVENT_EXEC:
				if (ev->event_data.exec.process_pid ==
				    ev->event_data.exec.process_tgid)
					rematch(s, ev->event_data.exec.process_pid);
				break;
			case PROC_EVENT_COMM:
				if (ev->event_data.comm.process_pid ==
				    ev->event_data.comm.process_tgid)
					rematch(s, ev->event_data.comm.process_pid);
				break;
			case PROC_EVENT_FORK:
				if (ev->event_data.fork.child_pid !=
				    ev->event_data.fork.child_tgid)
					break;
				for (struct vrrp_tproc *tp = s->procs; tp;
				     tp = tp->next)
					if (has_pid(tp, ev->event_data.fork.parent_tgid,
						    NULL) &&
					    set_pid(tp, ev->event_data.fork.child_pid,
						    true))
						changed(tp);
				break;
			case PROC_EVENT_EXIT:
				if (ev->event_data.exit.process_pid !=
				    ev->event_data.exit.process_tgid)
					break;
				for (struct vrrp_tproc *tp = s->procs; tp;
				     tp = tp->next)
					if (set_pid(tp, ev->event_data.exit.process_pid,
						    false))
						changed(tp);
				break;
			default:
				break;
			}
		}
	}
	return 0;
}

/* The connector, subscribed, on the loop. */
static int listen_open(struct vrrp_tprocs *s)
{
	int fd = vrrp_proc_cn_open(), r;

	if (fd < 0)
		return fd;
	if ((r = sd_event_add_io(s->e, &s->io, fd, EPOLLIN, on_event, s)) < 0) {
		close(fd);
		return r;
	}
	s->fd = fd;
	return 0;
}

int vrrp_tprocs_new(sd_event *e, vrrp_tproc_cb cb, void *arg,
		    struct vrrp_tprocs **out)
{
	struct vrrp_tprocs *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->e = sd_event_ref(e);
	s->fd = -1;
	s->cb = cb;
	s->arg = arg;
	*out = s;
	return 0;
}

static void tp_free(struct vrrp_tproc *tp)
{
	sd_event_source_disable_unref(tp->delay);
	free(tp->pids);
	free(tp);
}

void vrrp_tprocs_free(struct vrrp_tprocs *s)
{
	if (!s)
		return;
	while (s->procs) {
		struct vrrp_tproc *tp = s->procs;

		s->procs = tp->next;
		tp_free(tp);
	}
	sd_event_source_disable_unref(s->io);
	if (s->fd >= 0)
		close(s->fd);
	sd_event_unref(s->e);
	free(s);
}

struct vrrp_tproc *vrrp_tproc_get(struct vrrp_tprocs *s,
				  const struct vrrp_conf_track_process *c)
{
	struct vrrp_tproc *tp;
	int r;

	for (tp = s->procs; tp; tp = tp->next)
		if (!strcmp(tp->c->name, c->name)) {
			tp->refs++;
			return tp;
		}
	if (s->fd < 0 && (r = listen_open(s)) < 0)
		log_err("track_process: no process events (%s): the count of "
			"'%s' is the one found at start", strerror(-r), c->name);
	if (!(tp = calloc(1, sizeof(*tp))))
		return NULL;
	tp->set = s;
	tp->c = c;
	tp->refs = 1;
	tp->next = s->procs;
	s->procs = tp;
	scan(s, tp);
	tp->ok = status(tp);
	log_info("track_process %s: %zu running, %s", c->name, tp->npids,
		 tp->ok ? "up" : "down");
	return tp;
}

void vrrp_tproc_put(struct vrrp_tprocs *s, struct vrrp_tproc *tp)
{
	if (!tp || --tp->refs)
		return;
	for (struct vrrp_tproc **p = &s->procs; *p; p = &(*p)->next)
		if (*p == tp) {
			*p = tp->next;
			break;
		}
	tp_free(tp);
}

void vrrp_tproc_set_conf(struct vrrp_tproc *tp,
			 const struct vrrp_conf_track_process *c)
{
	tp->c = c;
}

bool vrrp_tproc_ok(const struct vrrp_tproc *tp)
{
	return tp->ok;
}

size_t vrrp_tproc_count(const struct vrrp_tproc *tp)
{
	return tp->npids;
}
