/*
 * The supervisor's children (see parent.c for the whole): forking one,
 * reading what it sends, and its exit.  An exit the parent did not ask
 * for is restarted at once the first time and then with an exponential
 * back-off; RESTART_MAX restarts within RESTART_WINDOW stop tandem with
 * a failure, so the service manager sees it instead of a restart loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"
#include "tandem/ctl_hold.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_reload.h"
#include "tandem/ipc.h"
#include "tandem/parent_int.h"
#include "tandem/pidfile.h"
#include "tandem/relay.h"

/* ------------------------------------------------------------------ */
/* Child messages and exits                                            */

void parent_slot_close(struct slot *s)
{
	ctl_relay_set_sock(s->type, -1);
	s->io = sd_event_source_disable_unref(s->io);
	s->chld = sd_event_source_disable_unref(s->chld);
	if (s->sock >= 0)
		close(s->sock);
	s->sock = -1;
	s->pid = 0;
	s->hb_seen = s->killed_hung = s->reload_pending = false;
}

static int on_child_msg(sd_event_source *src, int fd, uint32_t revents,
			void *ud)
{
	struct slot *s = ud;
	struct ipc_msg *m = malloc(sizeof(*m));
	int r, n;

	if (!m)
		return 0;
	for (n = 0; n < 64; n++) {
		r = ipc_recv(fd, m);
		if (r == -EAGAIN)
			break;
		if (r <= 0) {
			/* The child closed its end or sent garbage; its exit
			 * (or the heartbeat clock) decides what happens. */
			if (r < 0)
				log_warn("bad message from %s child: %s",
					 parent_slot_name(s), strerror(-r));
			sd_event_source_set_enabled(src, SD_EVENT_OFF);
			break;
		}
		if (m->type == IPC_CTL_REPLY) {
			ctl_relay_reply(s->type, m);
			continue;
		}
		if (m->fd >= 0)
			close(m->fd);
		switch (m->type) {
		case IPC_HEARTBEAT:
			s->last_hb = parent_now(s->p);
			if (!s->hb_seen) {
				s->hb_seen = true;
				log_info("%s child (pid %ld) is up",
					 parent_slot_name(s), (long)s->pid);
				parent_update_status(s->p);
				ctl_hold_child_up(s->type, s->restarts);
			}
			break;
		case IPC_RELOAD_DONE: {
			int32_t st = -1;

			if (m->len == sizeof(st))
				memcpy(&st, m->payload, sizeof(st));
			s->reload_pending = false;
			if (s->inflight)
				s->inflight--;
			/* Known again only once every reload sent is done. */
			s->cfg_serial = !st && !s->inflight ? s->sent_serial : 0;
			ctl_reload_child_done(parent_slot_name(s), st);
			if (st) {
				log_err("%s child could not apply the new config", parent_slot_name(s));
				s->p->stats.child[s->type].reload_failures++;
			} else
				log_info("%s child applied the new config", parent_slot_name(s));
			ctl_hold_reloaded(s->type);
			break;
		}
#ifdef WITH_VRRP
		case IPC_VRRP_STATE:
			if (s->type == CHILD_VRRP) {
				relay_from_vrrp(&s->p->relay, m->payload, m->len,
						parent_check_sock(s->p));
				break;
			}
			log_warn("VRRP states from a child other than vrrp: ignored");
			break;
#endif
		case IPC_EVENT:
			ctl_relay_event(s->type, m);
			break;
		case IPC_RELOAD_REQUEST:
			log_info("%s child asks for a reload", parent_slot_name(s));
			parent_reload(s->p);
			break;
		default:
			log_warn("unexpected %s message from %s child",
				 ipc_type_name(m->type), parent_slot_name(s));
		}
	}
	free(m);
	parent_maybe_ready(s->p);
	return 0;
}

/* Decide what to do after an unexpected exit: a delay, or give up. */
static int restart_delay(struct slot *s, uint64_t now, uint64_t *delay)
{
	unsigned i, keep = 0;

	for (i = 0; i < s->nrecent; i++)
		if (now - s->restart_at[i] < RESTART_WINDOW_USEC)
			s->restart_at[keep++] = s->restart_at[i];
	s->nrecent = keep;
	if (s->nrecent >= RESTART_MAX)
		return -1;
	*delay = 0;
	if (s->nrecent > 0) {
		*delay = BACKOFF_FIRST_USEC << (s->nrecent - 1);
		if (*delay > BACKOFF_MAX_USEC)
			*delay = BACKOFF_MAX_USEC;
	}
	s->restart_at[s->nrecent++] = now;
	return 0;
}

static int on_restart_timer(sd_event_source *src, uint64_t usec, void *ud)
{
	struct slot *s = ud;

	s->restart = sd_event_source_unref(s->restart);
	if (!s->p->stopping && s->wanted && !s->pid)
		parent_spawn(s);
	return 0;
}

static void schedule_restart(struct slot *s)
{
	struct parent *p = s->p;
	uint64_t now = parent_now(p), delay;
	int r;

	if (p->o->dont_respawn) {
		log_err("%s child is gone and --dont-respawn is set: stopping",
			parent_slot_name(s));
		parent_begin_stop(p, TANDEM_EXIT_FATAL);
		return;
	}
	if (restart_delay(s, now, &delay) < 0) {
		log_err("%s child restarted %u times within %llu s: giving up, stopping tandem",
			parent_slot_name(s), RESTART_MAX,
			(unsigned long long)(RESTART_WINDOW_USEC / USEC_PER_SEC));
		parent_begin_stop(p, TANDEM_EXIT_FATAL);
		return;
	}
	s->restarts++;
	log_notice("restarting %s child in %llu ms (restart %u)", parent_slot_name(s),
		   (unsigned long long)(delay / 1000), s->restarts);
	r = sd_event_add_time(p->e, &s->restart, CLOCK_MONOTONIC, now + delay,
			      TIMER_ACCURACY_USEC, on_restart_timer, s);
	if (r < 0) {
		log_err("cannot arm the restart timer: %s", strerror(-r));
		parent_begin_stop(p, TANDEM_EXIT_FAILURE);
	}
}

void parent_finish_if_done(struct parent *p)
{
	for (int i = 0; i < CHILD_NTYPES; i++)
		if (p->slots[i].pid)
			return;
	log_info("all children stopped");
	sd_event_exit(p->e, p->exit_code);
}

static int on_child_exit(sd_event_source *src, const siginfo_t *si, void *ud)
{
	struct slot *s = ud;
	struct parent *p = s->p;

	if (si->si_code == CLD_EXITED)
		log_msg(si->si_status == 0 && p->stopping ? LOG_INFO : LOG_ERR,
			"%s child (pid %ld) exited with status %d",
			parent_slot_name(s), (long)si->si_pid, si->si_status);
	else
		log_msg(p->stopping ? LOG_INFO : LOG_ERR,
			"%s child (pid %ld) killed by signal %d (%s)",
			parent_slot_name(s), (long)si->si_pid, si->si_status,
			strsignal(si->si_status));
	parent_slot_close(s);
	unlink(s->pidfile);
	parent_update_status(p);
	if (p->stopping) {
		parent_finish_if_done(p);
		return 0;
	}
	if (!s->wanted) {
		parent_maybe_ready(p);
		return 0;
	}
	schedule_restart(s);
	parent_maybe_ready(p);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Forking                                                             */

int parent_spawn(struct slot *s)
{
	struct parent *p = s->p;
	int sv[2], r, cfd = -1;
	pid_t pid;

	/* A folding child compiles its config from the pack, as at a
	 * reload (the parent has no VRRP part to leave it). */
	if (child_ops_table[s->type]->fold &&
	    (cfd = parent_config_memfd(p->cfg, false)) < 0) {
		log_err("cannot pass the config to the %s child: %s",
			parent_slot_name(s), strerror(-cfd));
		schedule_restart(s);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_err("socketpair: %s", strerror(errno));
		if (cfd >= 0)
			close(cfd);
		schedule_restart(s);
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		if (cfd >= 0)
			close(cfd);
		schedule_restart(s);
		return -1;
	}
	if (pid == 0) {
		struct child_start cs = {
			.type = s->type, .sock = sv[1], .parent = getppid(),
			.cfg = p->cfg, .cfg_fd = cfd, .opts = p->o,
			.log = p->lo, .restarts = s->restarts,
		};

		child_main(&cs);
	}
	close(sv[1]);
	if (cfd >= 0)
		close(cfd);
	s->pid = pid;
	s->sock = sv[0];
	s->started = s->last_hb = parent_now(p);
	ctl_relay_set_sock(s->type, s->sock);
	s->hb_seen = s->killed_hung = s->reload_pending = false;
	s->cfg_serial = p->cfg->serial;
	s->inflight = 0;
	r = sd_event_add_io(p->e, &s->io, s->sock, EPOLLIN, on_child_msg, s);
	if (r >= 0)
		r = sd_event_add_child(p->e, &s->chld, pid, WEXITED,
				       on_child_exit, s);
	if (r < 0) {
		/* Without these sources the child could not be watched. */
		log_err("cannot watch %s child: %s", parent_slot_name(s), strerror(-r));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		parent_slot_close(s);
		parent_begin_stop(p, TANDEM_EXIT_FAILURE);
		return -1;
	}
	r = pidfile_write(s->pidfile, pid);
	if (r < 0)
		log_warn("cannot write %s: %s", s->pidfile, strerror(-r));
	log_info("started %s child, pid %ld", parent_slot_name(s), (long)pid);
#ifdef WITH_LVS
	if (s->type == CHILD_CHECK)
		relay_new_peer(&p->relay, s->sock);
#endif
	parent_update_status(p);
	return 0;
}

