/*
 * A queue of scripts that run one at a time, in the order they were
 * asked for: the notify scripts of the check process (one queue) and of
 * the vrrp process (one per instance and sync group) are run this way, so
 * "down, then up" reaches a script in that order even when the state
 * flaps faster than a script runs.  Each script goes through the script
 * runner (lib/script.h) with the owner's options, read when it starts (a
 * reload's new script_user applies to what is still waiting), and the
 * queue's timeout.  Counters are the owner's, shared by its queues.
 * Beside it, what both owners need around their queues: a copy of the
 * script options that owns its strings, and the start of a FIFO reader.
 *
 * A failure is logged and counted, never returned: a notification that
 * could not run must not stop the ones after it.
 */
#ifndef TANDEM_LIB_SCRIPT_QUEUE_H
#define TANDEM_LIB_SCRIPT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "lib/script.h"

struct script_counts {
	uint64_t run;		/* started, or refused before starting */
	uint64_t failed;	/* refused, or ended other than exit 0 */
};

struct script_queue_job;

struct script_queue {
	sd_event *e;			/* not owned */
	const struct script_opts *so;	/* the owner's */
	uint64_t timeout;		/* usec, for every script */
	const char *label;		/* log prefix, NULL: none; not owned */
	struct script_counts *counts;	/* the owner's */
	struct script_queue_job *head, **tail;
	struct script_run *running;
	/* Called when a script ended and nothing runs or waits any more
	 * (NULL: nobody asks), last thing: it may free the queue.  Never
	 * from script_queue_push(), whose caller may push again. */
	void (*idle)(struct script_queue *q);
};

void script_queue_init(struct script_queue *q, sd_event *e,
		       const struct script_opts *so, uint64_t timeout,
		       const char *label, struct script_counts *counts);
/* Queue a copy of CMD; it starts at once when nothing else runs. */
void script_queue_push(struct script_queue *q, const char *cmd);
/* Nothing runs and nothing waits. */
static inline bool script_queue_idle(const struct script_queue *q)
{
	return !q->running && !q->head;
}
/* Forget the scripts still waiting; the running one goes on. */
void script_queue_drop(struct script_queue *q);
/* Forget the waiting ones and kill the running one (at the end). */
void script_queue_cancel(struct script_queue *q);

/* *DST becomes a copy of SRC (NULL: none), the old one freed.  0, or
 * -ENOMEM with *DST unchanged. */
int script_str_set(char **dst, const char *src);

/* Script options that own their strings: the config they were read from
 * is freed on a reload, while the queues still start scripts with them. */
struct script_opts_owned {
	struct script_opts so;
	char *user, *group;
};
/* Copy SRC into O (O zeroed at first).  0, or -ENOMEM (logged; the old
 * strings are kept where a copy failed). */
int script_opts_own(struct script_opts_owned *o, const struct script_opts *src);
void script_opts_owned_free(struct script_opts_owned *o);

/* Start a FIFO's reader: CMD with the FIFO's PATH as its one argument,
 * quoted, and no timeout (it reads for as long as we run), through
 * script_run() with SO.  Returns script_run()'s value (-ENOMEM too). */
int script_fifo_reader(sd_event *e, const char *cmd, const char *path,
		       const struct script_opts *so, script_done_fn done,
		       void *ud, struct script_run **out);

/* Start CMD outside any queue, not waited for (when the process stops);
 * counted.  0, or -1 with why (the caller logs it). */
int script_queue_detached(const struct script_opts *so, const char *cmd,
			  struct script_counts *c, char *why, size_t len);

#endif
