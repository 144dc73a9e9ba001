/*
 * Trackers of a running instance (track_interface, track_file, in the
 * instance and in its sync group) and what they do to it: a weight-0
 * tracker that fails puts the instance in FAULT, a weighted one moves its
 * effective priority.
 *
 * The arithmetic is a pure function (vrrp_track_calc, in
 * vrrp_track_calc.c, unit-tested); vrrp_track.c keeps each tracker's
 * state from the link watcher's events and the file watcher's
 * (vrrp_track_file.c), and hands the result to the instance, which
 * carries it out (FAULT reason VRRP_FAULT_TRACK, a new priority for the
 * state machine).
 */
#ifndef TANDEM_VRRP_TRACK_H
#define TANDEM_VRRP_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "lib/nl_link.h"

struct json_object;
struct vrrp_conf_track_file;
struct vrrp_inst;

/* One tracker's input to the arithmetic. */
struct vrrp_track_val {
	bool is_file;
	int weight;
	bool reverse;
	bool ignored;		/* no effect at all */
	bool up;		/* interface: usable */
	long long value;	/* file: the number it holds */
};

/* What one tracker does: DELTA to the priority, or FAULT. */
struct vrrp_track_effect {
	int delta;
	bool fault;
};

struct vrrp_track_effect vrrp_track_effect(const struct vrrp_track_val *v);

/* The effective priority of an instance of priority BASE with these
 * trackers: BASE plus every delta, kept in 1..254, except that an address
 * owner (255) stays 255; *FAULT set when any tracker puts it in FAULT. */
uint8_t vrrp_track_calc(uint8_t base, const struct vrrp_track_val *v,
			size_t n, bool *fault);

/* ------------------------------------------------------------------ */
/* The files (vrrp_track_file.c): one inotify descriptor on the loop for
 * every track_file of the process, watching each file's folder (so a file
 * replaced by rename, created or removed is seen as well as one written
 * in place); a file is read again when it is closed after writing. */

struct vrrp_tfiles;
struct vrrp_tfile;

typedef void (*vrrp_tfile_cb)(struct vrrp_tfile *tf, void *arg);

int vrrp_tfiles_new(sd_event *e, vrrp_tfile_cb cb, void *arg,
		    struct vrrp_tfiles **out);
void vrrp_tfiles_free(struct vrrp_tfiles *s);	/* NULL fine */
/* The watched file of this block (shared by path, counted); init_file is
 * carried out the first time.  NULL on error (logged). */
struct vrrp_tfile *vrrp_tfile_get(struct vrrp_tfiles *s,
				  const struct vrrp_conf_track_file *f);
void vrrp_tfile_put(struct vrrp_tfiles *s, struct vrrp_tfile *tf);
long long vrrp_tfile_value(const struct vrrp_tfile *tf);
const char *vrrp_tfile_path(const struct vrrp_tfile *tf);

/* ------------------------------------------------------------------ */
/* Processes (vrrp_track_proc.c): the kernel's process connector, one
 * socket opened when the first tracked process is asked for, and one
 * scan of /proc per block.  A block is "up" while quorum <= count <=
 * quorum_max, after fork_delay / terminate_delay. */

struct vrrp_conf_track_process;
struct vrrp_tprocs;
struct vrrp_tproc;

typedef void (*vrrp_tproc_cb)(struct vrrp_tproc *tp, void *arg);

int vrrp_tprocs_new(sd_event *e, vrrp_tproc_cb cb, void *arg,
		    struct vrrp_tprocs **out);
void vrrp_tprocs_free(struct vrrp_tprocs *s);	/* NULL fine */
/* Shared by block name, counted; NULL on error. */
struct vrrp_tproc *vrrp_tproc_get(struct vrrp_tprocs *s,
				  const struct vrrp_conf_track_process *c);
void vrrp_tproc_put(struct vrrp_tprocs *s, struct vrrp_tproc *tp);
/* An identical block of the new config (reload). */
void vrrp_tproc_set_conf(struct vrrp_tproc *tp,
			 const struct vrrp_conf_track_process *c);
bool vrrp_tproc_ok(const struct vrrp_tproc *tp);
size_t vrrp_tproc_count(const struct vrrp_tproc *tp);
/* vrrp_proc_cn.c: a subscribed process-connector socket (non-blocking;
 * made in the initial network namespace when ours has no connector), or
 * a negative errno; read(2) of a small /proc file; the state letter and
 * parent of PID from /proc/PID/stat (false: gone). */
int vrrp_proc_cn_open(void);
ssize_t vrrp_proc_read(const char *path, char *buf, size_t len);
bool vrrp_proc_stat(pid_t pid, char *state, pid_t *ppid);
/* Does a process of name COMM and command line ARGV match the block? */
bool vrrp_tproc_match(const struct vrrp_conf_track_process *c,
		      const char *comm, char *const *argv, size_t argc);

/* ------------------------------------------------------------------ */
/* Scripts (vrrp_track_script.c): each vrrp_script runs every interval on
 * the loop, shared by name; rise / fall results in a row change its
 * state, which is "up" while good. */

struct vrrp_conf_track_script;
struct vrrp_tscripts;
struct vrrp_tscript;

typedef void (*vrrp_tscript_cb)(struct vrrp_tscript *ts, void *arg);

int vrrp_tscripts_new(sd_event *e, vrrp_tscript_cb cb, void *arg,
		      struct vrrp_tscripts **out);
void vrrp_tscripts_free(struct vrrp_tscripts *s);	/* NULL fine */
/* script_user [group], set_supplementary_groups, enable_script_security
 * (copied).  0 or -ENOMEM. */
int vrrp_tscripts_set_opts(struct vrrp_tscripts *s, const char *user,
			   const char *group, bool supplementary_groups,
			   bool secure);
/* Shared by name, counted; the settings are copied from C (a later get
 * updates them).  The first run is scheduled, never made here.  NULL on
 * error (logged). */
struct vrrp_tscript *vrrp_tscript_get(struct vrrp_tscripts *s,
				      const struct vrrp_conf_track_script *c);
void vrrp_tscript_put(struct vrrp_tscripts *s, struct vrrp_tscript *ts);
bool vrrp_tscript_ok(const struct vrrp_tscript *ts);
const char *vrrp_tscript_last(const struct vrrp_tscript *ts);
unsigned long vrrp_tscript_runs(const struct vrrp_tscript *ts);
/* One result: a script in state *OK that has had *STREAK results against
 * it changes state after FALL failures (good) or RISE successes (bad) in
 * a row.  True when *OK changed. */
bool vrrp_tscript_step(bool *ok, unsigned *streak, bool success,
		       unsigned rise, unsigned fall);

/* ------------------------------------------------------------------ */
/* An instance's trackers (vrrp_track.c). */

struct vrrp_tracks;

/* Build VI's trackers from its config and its sync group's, read their
 * state now and apply it (before vrrp_inst_start).  0 or -ENOMEM. */
int vrrp_track_new(struct vrrp_inst *vi, struct vrrp_tfiles *files,
		   struct vrrp_tprocs *procs);
void vrrp_track_free(struct vrrp_inst *vi);
/* A link event (from the runtime's link watcher). */
void vrrp_track_link(struct vrrp_inst *vi, enum nl_link_event ev,
		     const struct nl_link_info *link);
/* A watched file changed; a tracked process's status changed. */
void vrrp_track_file_changed(struct vrrp_inst *vi, struct vrrp_tfile *tf);
void vrrp_track_proc_changed(struct vrrp_inst *vi, struct vrrp_tproc *tp);
void vrrp_track_script_changed(struct vrrp_inst *vi, struct vrrp_tscript *ts);
/* The instance was repointed at an identical config (reload). */
void vrrp_track_set_conf(struct vrrp_inst *vi);

void vrrp_track_dump(const struct vrrp_inst *vi, FILE *out);
struct json_object *vrrp_track_json(const struct vrrp_inst *vi);

#endif
