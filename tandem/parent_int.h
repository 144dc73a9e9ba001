/*
 * The supervisor's insides, shared by parent.c (status, clocks, reload,
 * signals, the run) and parent_slot.c (forking a child, its messages, its
 * exit and restart).  Not for the rest of tandem: parent.h is.
 */
#ifndef TANDEM_PARENT_INT_H
#define TANDEM_PARENT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "tandem/child.h"
#include "tandem/config.h"
#include "tandem/metrics_http.h"
#include "tandem/opts.h"
#include "tandem/relay.h"

#define USEC_PER_SEC	1000000ULL
#define TICK_USEC	(500 * 1000ULL)		/* heartbeat check period */
#define HB_LATE_USEC	(1500 * 1000ULL)	/* 3 heartbeats missed: late */
#define HB_TIMEOUT_USEC	(3 * USEC_PER_SEC)	/* silent this long: hung */
#define STOP_TIMEOUT_USEC (5 * USEC_PER_SEC)	/* then SIGKILL */
#define RESTART_WINDOW_USEC (60 * USEC_PER_SEC)
#define RESTART_MAX	5			/* restarts allowed per window */
#define BACKOFF_FIRST_USEC (500 * 1000ULL)
#define BACKOFF_MAX_USEC (30 * USEC_PER_SEC)
#define TIMER_ACCURACY_USEC 1000		/* sd-event's default is 250 ms */

struct parent;

struct slot {
	struct parent *p;
	enum child_type type;
	const char *pidfile;
	bool wanted;
	pid_t pid;
	int sock;
	sd_event_source *io, *chld, *restart;
	uint64_t started, last_hb;
	bool hb_seen;			/* first heartbeat since the fork */
	bool killed_hung;
	bool reload_pending;
	/* The parent config (serial) the child runs, 0 when unknown, and
	 * the reloads sent it and not yet confirmed: a delta is sent only
	 * to a child known to run the config it applies to. */
	unsigned long cfg_serial, sent_serial;
	unsigned inflight;
	uint64_t restart_at[RESTART_MAX + 1];	/* recent restarts, oldest first */
	unsigned nrecent;
	unsigned restarts;		/* since tandem started */
};

struct parent {
	sd_event *e;
	const struct tandem_opts *o;
	const struct log_opts *lo;
	struct tandem_config *cfg;
	/* The config a reload replaced: freed once the children have
	 * applied the new one, so freeing it does not delay them. */
	struct tandem_config *old_cfg;
	struct slot slots[CHILD_NTYPES];
	sd_event_source *tick, *wd, *stop_timer;
	uint64_t wd_period;
	bool ready_sent, reloading, stopping;
	int exit_code;
	struct relay relay;		/* VRRP states, vrrp -> check */
	struct metrics_parent_info stats;	/* reloads, for the metrics */
};

/* parent.c */
uint64_t parent_now(struct parent *p);
const char *parent_slot_name(const struct slot *s);
void parent_begin_stop(struct parent *p, int code);
void parent_reload(struct parent *p);
int parent_check_sock(struct parent *p);	/* VRRP states' way, or -1 */
void parent_update_status(struct parent *p);
void parent_maybe_ready(struct parent *p);
void parent_drop_old_cfg(struct parent *p);
int parent_config_memfd(const struct tandem_config *cfg, bool delta);

/* parent_slot.c */
int parent_spawn(struct slot *s);
void parent_slot_close(struct slot *s);
void parent_finish_if_done(struct parent *p);

#endif
