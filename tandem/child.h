/*
 * The child processes and the hooks each kind exposes.  A child is the
 * parent's fork: it runs its own sd-event loop, heartbeats the parent,
 * and applies reloads and dumps the parent asks for.  What a child
 * actually does (VRRP, checkers) plugs in through struct child_ops: a
 * subsystem fills in its entry of child_ops_table and the runtime around
 * it stays the same.
 */
#ifndef TANDEM_CHILD_H
#define TANDEM_CHILD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <systemd/sd-event.h>

#include "lib/log.h"
#include "tandem/ipc.h"

struct json_object;
struct tandem_config;
struct tandem_opts;

enum child_type {
#ifdef WITH_VRRP
	CHILD_VRRP,
#endif
#ifdef WITH_LVS
	CHILD_CHECK,
#endif
	CHILD_NTYPES
};

struct child_ops {
	const char *name;	/* "vrrp": log prefix, "tandem: vrrp" title */
	const char *dump_base;	/* dumps go to $TMPDIR/<dump_base>.data ... */
	/* The child compiles its own config from the pack the parent sends
	 * with the fork (as at a reload), gives back the copy the fork
	 * left it, and keeps its tree packed between reloads (config_fold).
	 * Without it the child runs the inherited config, tree and all:
	 * the check child, whose virtual servers a reload may take over
	 * from the running config rather than build again. */
	bool fold;
	/* Start the subsystem on e with cfg (which stays valid until the
	 * next reload or stop).  Return 0 or -errno: a failed init makes
	 * the child exit non-zero, so the parent restarts it. */
	int (*init)(sd_event *e, const struct tandem_config *cfg);
	/* Move from old to new (old is freed after the call).  Return 0, or
	 * -errno to keep running old. */
	int (*reload)(const struct tandem_config *old,
		      const struct tandem_config *new_cfg);
	/* Release what the subsystem holds before the child exits. */
	void (*stop)(void);
	/* Subsystem state for the dumps; may be NULL. */
	void (*dump_data)(FILE *out);
	/* Optional: add the subsystem's state to the JSON dump's object. */
	void (*dump_json)(struct json_object *o);
	/* Optional: the command line, given before init (-I and such). */
	void (*set_opts)(const struct tandem_opts *opts);
	/* Optional, before init: how often the parent has restarted this
	 * kind of child (0: its first start since tandem started), so a
	 * respawned child can take over what its predecessor left. */
	void (*set_restarts)(unsigned restarts);
	/* Optional: a message the parent relays from another child (today
	 * IPC_VRRP_STATE to the check child). */
	void (*message)(uint32_t type, const char *payload, size_t len);
	/* Optional: a control-socket request the parent relays
	 * ({"cmd": "...", ...}, see doc/tandem-control.7).  Return a new
	 * reply object: the command's result, or {"error": "why"} when it
	 * is refused (unknown command or name); NULL only when out of
	 * memory.  The child runtime sends it back to the parent. */
	struct json_object *(*command)(struct json_object *req);
};

extern const struct child_ops *const child_ops_table[CHILD_NTYPES];

struct child_start {
	enum child_type type;
	int sock;			/* this child's end of the socketpair */
	pid_t parent;
	struct tandem_config *cfg;	/* the child takes it over */
	int cfg_fd;			/* fold: the parent's pack, else -1 */
	const struct tandem_opts *opts;
	const struct log_opts *log;
	unsigned restarts;		/* how often this kind was restarted */
};

/* A long piece of work is under way and the loop does not run: tell the
 * parent this child is alive (at most every quarter of a heartbeat
 * period), so the supervisor does not take it for hung. */
void child_alive(void *unused);

/* This child's end of the socket to the parent, for a subsystem that
 * reports to it (the vrrp child's state changes); -1 outside a child. */
int child_parent_sock(void);

/* Send one event object (taken over) to the parent for the control
 * socket's `monitor` stream; dropped, not queued, when the parent's
 * queue is full.  No-op outside a child. */
void child_event(struct json_object *ev);

/* Write this child's dump of KIND now, as the parent's IPC_DUMP (the
 * signals) does (DBus PrintData and PrintStats).  No-op outside a child. */
void child_dump(enum ipc_dump kind);

/* Ask the parent to reload the config as SIGHUP does (DBus
 * ReloadConfig).  No-op outside a child. */
void child_request_reload(void);

/* Runs in the freshly forked child; never returns. */
_Noreturn void child_main(const struct child_start *s);

#endif
