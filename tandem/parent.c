/*
 * The supervisor.  The parent runs no protocol: it holds the validated
 * config, forks one child per needed kind, and keeps them alive from its
 * own sd-event loop.
 *
 * Liveness has two signals.  A child that exits is seen through its
 * sd-event child source; a child that hangs is seen by the heartbeat
 * clock: every child sends IPC_HEARTBEAT about twice a second, and one
 * that stays silent for HB_TIMEOUT is killed with SIGKILL (which also
 * works on a stopped process) and then handled like any exit.  Restarts
 * are immediate the first time and then back off exponentially; too many
 * in RESTART_WINDOW means something is deeply wrong, and the parent stops
 * everything and exits non-zero so the service manager sees the failure
 * instead of a restart loop.  systemd's watchdog is fed only while every
 * child is running and on time, so a hung child is visible from outside.
 *
 * A reload parses the new file here first; a bad file changes nothing.
 * A good one's statements are packed (config_pack) into a sealed memfd
 * that travels to each child with the reload message, so every child
 * loads exactly what the parent validated even if the file is edited
 * meanwhile, without reading the text again, and a child forked later
 * gets the parent's current config in memory.  The parent itself keeps
 * no compiled VRRP part (config_drop_vrrp): a vrrp child is sent the
 * pack with its fork too, and compiles its own (child.c).
 *
 * The parent also relays the vrrp child's instance states to the check
 * child (relay.h): the two never talk directly.
 *
 * Forking a child, its messages and its exit are in parent_slot.c; what
 * the two files share is parent_int.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "lib/log.h"
#include "tandem/child.h"
#include "tandem/config.h"
#include "tandem/ctl_hold.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_reload.h"
#include "tandem/ctl_server.h"
#include "tandem/ipc.h"
#include "tandem/metrics_http.h"
#include "tandem/opts.h"
#include "tandem/parent.h"
#include "tandem/pidfile.h"
#include "tandem/relay.h"
#include "tandem/sdnotify.h"
#include "tandem/signals.h"

#include "tandem/parent_int.h"

/* Give back the pages of what was just freed: a config's parts are
 * many small blocks, and without this most of the heap they took would
 * stay with the parent, and be counted again in every child it forks. */
static void give_back_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* The config a reload replaced goes; the running one may share virtual
 * servers with it (config_load's base), which it keeps. */
void parent_drop_old_cfg(struct parent *p)
{
	if (!p->old_cfg)
		return;
	config_take_shared(p->cfg, p->old_cfg);
	config_free(p->old_cfg);
	p->old_cfg = NULL;
	give_back_memory();
}

uint64_t parent_now(struct parent *p)
{
	uint64_t t = 0;

	sd_event_now(p->e, CLOCK_MONOTONIC, &t);
	return t;
}

const char *parent_slot_name(const struct slot *s)
{
	return child_ops_table[s->type]->name;
}


/* Where VRRP states go: the check child's socket, or -1. */
int parent_check_sock(struct parent *p)
{
#ifdef WITH_LVS
	const struct slot *s = &p->slots[CHILD_CHECK];

	return s->pid ? s->sock : -1;
#else
	(void)p;
	return -1;
#endif
}

/* ------------------------------------------------------------------ */
/* Status                                                              */

static bool all_up(struct parent *p)
{
	for (int i = 0; i < CHILD_NTYPES; i++) {
		struct slot *s = &p->slots[i];

		if (s->wanted && (!s->pid || !s->hb_seen || s->killed_hung))
			return false;
	}
	return true;
}

void parent_update_status(struct parent *p)
{
	char buf[128] = "";
	size_t used = 0;

	for (int i = 0; i < CHILD_NTYPES; i++) {
		struct slot *s = &p->slots[i];

		if (!s->wanted)
			continue;
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s %s",
					 used ? ", " : "", parent_slot_name(s),
					 s->pid && s->hb_seen ? "running" : "starting");
		if (used >= sizeof(buf))
			break;
	}
	sdn_status("%s", used ? buf : "no children");
}

void parent_maybe_ready(struct parent *p)
{
	bool pending = false;

	if (p->stopping || !all_up(p))
		return;
	for (int i = 0; i < CHILD_NTYPES; i++)
		pending |= p->slots[i].pid && p->slots[i].reload_pending;
	if (pending)
		return;
	if (!p->ready_sent) {
		p->ready_sent = true;
		log_info("all children up");
		sdn_ready("running");
		parent_update_status(p);
	} else if (p->reloading) {
		p->reloading = false;
		log_info("reload complete");
		sdn_ready("running");
		parent_update_status(p);
		parent_drop_old_cfg(p);
		ctl_reload_complete();
	}
}

/* ------------------------------------------------------------------ */
/* Clocks: heartbeats, watchdog, stop deadline                         */

/* Timer callbacks get their scheduled time, which can be earlier than a
 * heartbeat stamped with the loop's current time. */
static uint64_t silent_for(const struct slot *s, uint64_t now)
{
	return now > s->last_hb ? now - s->last_hb : 0;
}

static int on_tick(sd_event_source *src, uint64_t usec, void *ud)
{
	struct parent *p = ud;
	uint64_t now = parent_now(p);

	for (int i = 0; i < CHILD_NTYPES; i++) {
		struct slot *s = &p->slots[i];

		if (!s->pid || s->killed_hung || p->stopping)
			continue;
		if (silent_for(s, now) > HB_TIMEOUT_USEC) {
			log_err("%s child (pid %ld) sent no heartbeat for %.1f s: killing it",
				parent_slot_name(s), (long)s->pid,
				(double)silent_for(s, now) / USEC_PER_SEC);
			kill(s->pid, SIGKILL);
			s->killed_hung = true;
		}
	}
	relay_retry(&p->relay, parent_check_sock(p));
	sd_event_source_set_time(src, usec + TICK_USEC);
	return 0;
}

static int on_watchdog(sd_event_source *src, uint64_t usec, void *ud)
{
	struct parent *p = ud;
	bool ok = !p->stopping && all_up(p);

	for (int i = 0; ok && i < CHILD_NTYPES; i++) {
		struct slot *s = &p->slots[i];

		/* Late, not only hung: systemd must not hear that all is well
		 * from a parent whose child stopped answering. */
		if (s->pid && silent_for(s, parent_now(p)) > HB_LATE_USEC)
			ok = false;
	}
	if (ok)
		sdn_watchdog();
	else
		log_warn("withholding the systemd watchdog: a child is not answering");
	sd_event_source_set_time(src, usec + p->wd_period);
	return 0;
}

static int on_stop_timeout(sd_event_source *src, uint64_t usec, void *ud)
{
	struct parent *p = ud;

	for (int i = 0; i < CHILD_NTYPES; i++) {
		struct slot *s = &p->slots[i];

		if (s->pid) {
			log_warn("%s child (pid %ld) did not stop in time: killing it",
				 parent_slot_name(s), (long)s->pid);
			kill(s->pid, SIGKILL);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Stop, reload, dumps                                                 */

void parent_begin_stop(struct parent *p, int code)
{
	if (p->stopping)
		return;
	p->stopping = true;
	p->exit_code = code;
	ctl_reload_abort("tandem is stopping");
	sdn_stopping();
	log_info("stopping");
	for (int i = 0; i < CHILD_NTYPES; i++) {
		struct slot *s = &p->slots[i];

		s->restart = sd_event_source_disable_unref(s->restart);
		if (s->pid && ipc_send(s->sock, IPC_STOP, NULL, 0, -1) < 0)
			kill(s->pid, SIGTERM);
	}
	if (sd_event_add_time_relative(p->e, &p->stop_timer, CLOCK_MONOTONIC,
				       STOP_TIMEOUT_USEC, TIMER_ACCURACY_USEC, on_stop_timeout,
				       p) < 0)
		on_stop_timeout(NULL, 0, p);
	parent_finish_if_done(p);
}

/* Which children a config needs, after -P, -C and --all. */
static void wanted_children(struct parent *p, const struct tandem_config *cfg,
			    bool want[CHILD_NTYPES])
{
	bool restrict_ = p->o->only_vrrp || p->o->only_check;

	for (int i = 0; i < CHILD_NTYPES; i++)
		want[i] = false;
#ifdef WITH_VRRP
	want[CHILD_VRRP] = (p->o->all || cfg->needs_vrrp) &&
			   (!restrict_ || p->o->only_vrrp);
#endif
#ifdef WITH_LVS
	want[CHILD_CHECK] = (p->o->all || cfg->needs_check) &&
			    (!restrict_ || p->o->only_check);
#endif
}

static void log_diag_entry(const struct conf_diag_entry *e, void *arg)
{
	const char *what = arg;

	if (e->file)
		log_msg(e->sev == CONF_ERROR ? LOG_ERR : LOG_WARNING,
			"%s%s:%d: %s: %s", what, e->file, e->line,
			e->sev == CONF_ERROR ? "error" : "warning", e->msg);
	else
		log_msg(e->sev == CONF_ERROR ? LOG_ERR : LOG_WARNING, "%s%s: %s",
			what, e->sev == CONF_ERROR ? "error" : "warning", e->msg);
}

/* A sealed memfd holding cfg's statements packed (config_pack, or with
 * delta config_pack_delta), or -errno. */
int parent_config_memfd(const struct tandem_config *cfg, bool delta)
{
	char *buf = NULL;
	size_t len = 0;
	int fd;

	if (delta ? config_pack_delta(cfg, &buf, &len) :
		    config_pack(cfg, &buf, &len))
		return -ENOMEM;
	fd = ipc_memfd("tandem-config", buf, len);
	free(buf);
	return fd;
}

/* Will s be sent the delta of ncfg (it runs the config ncfg was read
 * against, and nothing else is on its way to it)? */
static bool gets_delta(const struct slot *s, bool wanted,
		       const struct tandem_config *ncfg)
{
	return s->pid && wanted && ncfg->splice.spliced && !s->inflight &&
	       s->cfg_serial && s->cfg_serial == ncfg->splice_base;
}

/* The supervisor's numbers for the metrics endpoint, at each scrape. */
static void metrics_info(struct metrics_parent_info *out, void *ud)
{
	struct parent *p = ud;

	*out = p->stats;
	for (int i = 0; i < CHILD_NTYPES; i++) {
		const struct slot *s = &p->slots[i];

		out->child[i].wanted = s->wanted;
		out->child[i].up = s->pid && s->hb_seen && !s->killed_hung;
		out->child[i].restarts = s->restarts;
	}
}

void parent_reload(struct parent *p)
{
	/* What did not change is taken over from the running config
	 * rather than applied again (config_load). */
	struct config_load_opts lo = { .config_id = p->o->config_id,
				       .base = p->cfg };
	struct tandem_config *ncfg;
	bool want[CHILD_NTYPES], whole = false, part = false;
	struct conf_diag d;
	int fd = -1, dfd = -1;

	if (p->stopping)
		return;
	log_info("reloading %s", p->o->conf_file);
	sdn_reloading();
	p->reloading = true;
	/* The file is read against the running tree, folded till now;
	 * without it (out of memory) it is read whole. */
	if (config_unfold(p->cfg) < 0)
		log_warn("reload: the running config does not unpack: reading "
			 "the file whole");
	conf_diag_init(&d);
	ncfg = config_load(p->o->conf_file, &lo, &d);
	conf_diag_foreach(&d, log_diag_entry, "reload: ");
	ctl_reload_parsed(p->cfg, ncfg, &d);
	if (!ncfg) {
		log_err("reload refused: %zu error(s) in %s; the running config is kept",
			d.errors, p->o->conf_file);
		p->stats.reloads_refused++;
		conf_diag_free(&d);
		config_fold(p->cfg);
		p->reloading = false;
		sdn_ready("running (last reload refused)");
		return;
	}
	conf_diag_free(&d);
	config_drop_vrrp(ncfg);
	/* Only the packs some child needs: the delta for the children
	 * running the config it applies to, the whole one for the rest. */
	wanted_children(p, ncfg, want);
	for (int i = 0; i < CHILD_NTYPES; i++) {
		const struct slot *s = &p->slots[i];

		if (gets_delta(s, want[i], ncfg))
			part = true;
		else if (s->pid && want[i])
			whole = true;
	}
	if (part && (dfd = parent_config_memfd(ncfg, true)) < 0)
		whole = true;
	if (whole && (fd = parent_config_memfd(ncfg, false)) < 0) {
		log_err("reload: cannot pass the config to the children: %s",
			strerror(-fd));
		p->stats.reloads_failed++;
		ctl_reload_failed(strerror(-fd));
		if (dfd >= 0)
			close(dfd);
		config_free(ncfg);
		config_fold(p->cfg);
		p->reloading = false;
		sdn_ready("running (last reload failed)");
		return;
	}
	parent_drop_old_cfg(p);
	p->old_cfg = p->cfg;
	p->cfg = ncfg;
	p->stats.reloads_ok++;
	p->stats.last_reload_ok = metrics_realtime_usec();
	metrics_http_configure(p->e, &ncfg->gd.metrics_listen, metrics_info, p);
	ctl_server_configure(&ncfg->gd);
	for (int i = 0; i < CHILD_NTYPES; i++) {
		struct slot *s = &p->slots[i];
		const char *path = ncfg->path ? ncfg->path : p->o->conf_file;
		bool delta;

		delta = dfd >= 0 && gets_delta(s, want[i], ncfg);
		s->wanted = want[i];
		if (!s->pid) {
			if (s->wanted && !s->restart)
				parent_spawn(s);
			continue;
		}
		if (!s->wanted) {
			log_info("the new config needs no %s child: stopping it",
				 parent_slot_name(s));
			ipc_send(s->sock, IPC_STOP, NULL, 0, -1);
			continue;
		}
		if (ipc_send(s->sock, IPC_RELOAD, path, strlen(path),
			     delta ? dfd : fd) < 0) {
			log_err("cannot send the reload to %s child", parent_slot_name(s));
			s->cfg_serial = 0;
		} else {
			s->reload_pending = true;
			s->sent_serial = ncfg->serial;
			s->inflight++;
		}
	}
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	/* Packed, sent: until the next reload the tree is only kept.  The
	 * one replaced goes once the children have applied the new one. */
	config_fold(p->cfg);
	config_fold(p->old_cfg);
	parent_maybe_ready(p);
}

static void reload_trigger(void *p)
{
	parent_reload(p);
}

static void forward_dump(struct parent *p, enum ipc_dump kind)
{
	uint32_t k = kind;

	for (int i = 0; i < CHILD_NTYPES; i++) {
		struct slot *s = &p->slots[i];

		if (s->pid && ipc_send(s->sock, IPC_DUMP, &k, sizeof(k), -1) < 0)
			log_warn("cannot ask %s child for a dump", parent_slot_name(s));
	}
}

static int on_signal(sd_event_source *src, const struct signalfd_siginfo *si,
		     void *ud)
{
	struct parent *p = ud;
	int sig = (int)si->ssi_signo;

	if (sig == SIGHUP)
		parent_reload(p);
	else if (sig == SIGTERM || sig == SIGINT)
		parent_begin_stop(p, TANDEM_EXIT_OK);
	else if (sig == SIGUSR1)
		forward_dump(p, IPC_DUMP_DATA);
	else if (sig == SIGUSR2)
		forward_dump(p, IPC_DUMP_STATS);
	else if (sig == SIGJSON)
		forward_dump(p, IPC_DUMP_JSON);
	return 0;
}

/* ------------------------------------------------------------------ */

int parent_run(const struct tandem_opts *o, const struct log_opts *lo,
	       struct tandem_config *cfg)
{
	struct parent p = { .o = o, .lo = lo, .cfg = cfg };
	const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGJSON };
	bool want[CHILD_NTYPES], any = false;
	int r, code;

	r = sd_event_new(&p.e);
	if (r < 0) {
		log_err("sd_event_new: %s", strerror(-r));
		config_free(cfg);
		return TANDEM_EXIT_FAILURE;
	}
	ctl_relay_setup(p.e);
	ctl_reload_set_trigger(reload_trigger, &p);
	ctl_server_start(p.e, &cfg->gd, o->conf_file);
	ctl_hold_setup();
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		r = sd_event_add_signal(p.e, NULL, sigs[i], on_signal, &p);
		if (r < 0) {
			log_err("cannot watch signal %d: %s", sigs[i], strerror(-r));
			goto fail;
		}
	}
	r = sd_event_add_time_relative(p.e, &p.tick, CLOCK_MONOTONIC, TICK_USEC,
				       TIMER_ACCURACY_USEC, on_tick, &p);
	if (r >= 0)
		r = sd_event_source_set_enabled(p.tick, SD_EVENT_ON);
	if (r < 0)
		goto fail;
	p.wd_period = sdn_watchdog_period_usec();
	if (p.wd_period) {
		r = sd_event_add_time_relative(p.e, &p.wd, CLOCK_MONOTONIC,
					       p.wd_period, TIMER_ACCURACY_USEC, on_watchdog, &p);
		if (r >= 0)
			r = sd_event_source_set_enabled(p.wd, SD_EVENT_ON);
		if (r < 0)
			goto fail;
		log_info("systemd watchdog every %llu ms",
			 (unsigned long long)(p.wd_period / 1000));
	}
	sdn_mainpid();

	metrics_http_configure(p.e, &cfg->gd.metrics_listen, metrics_info, &p);
	wanted_children(&p, cfg, want);
	/* Before the first fork: a child would inherit it all. */
	config_drop_vrrp(cfg);
	config_fold(cfg);
	give_back_memory();
	for (int i = 0; i < CHILD_NTYPES; i++) {
		struct slot *s = &p.slots[i];

		s->p = &p;
		s->type = (enum child_type)i;
		s->sock = -1;
		s->wanted = want[i];
		any |= want[i];
#ifdef WITH_VRRP
		if (i == CHILD_VRRP)
			s->pidfile = o->vrrp_pid_file;
#endif
#ifdef WITH_LVS
		if (i == CHILD_CHECK)
			s->pidfile = o->check_pid_file;
#endif
	}
	if (!any)
		log_warn("the config needs no child process (--all starts them anyway)");
	for (int i = 0; i < CHILD_NTYPES && !p.stopping; i++)
		if (p.slots[i].wanted)
			parent_spawn(&p.slots[i]);
	parent_maybe_ready(&p);

	r = sd_event_loop(p.e);
	code = r < 0 ? TANDEM_EXIT_FAILURE : r;
	goto out;
fail:
	log_err("cannot start the supervisor: %s", strerror(-r));
	code = TANDEM_EXIT_FAILURE;
out:
	/* clients first: the relay's shutdown then ends their scrapes */
	metrics_http_stop();
	ctl_hold_shutdown();
	ctl_reload_abort("tandem is stopping");
	ctl_relay_shutdown();
	ctl_server_stop();
	for (int i = 0; i < CHILD_NTYPES; i++) {
		struct slot *s = &p.slots[i];

		if (s->pid) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
			unlink(s->pidfile);
		}
		parent_slot_close(s);
		s->restart = sd_event_source_disable_unref(s->restart);
	}
	p.tick = sd_event_source_disable_unref(p.tick);
	p.wd = sd_event_source_disable_unref(p.wd);
	p.stop_timer = sd_event_source_disable_unref(p.stop_timer);
	sd_event_unref(p.e);
	config_free(p.old_cfg);
	config_free(p.cfg);
	relay_free(&p.relay);
	return code;
}
