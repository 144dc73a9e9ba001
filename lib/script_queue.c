/*
 * Scripts run one at a time per queue (see script_queue.h).  The queue is
 * a singly linked list with a tail pointer, so adding is O(1) and the
 * order is kept; the next script starts from the previous one's done
 * callback, which the script runner always calls from the loop, so a
 * long run of refusals never recurses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/script_queue.h"

struct script_queue_job {
	struct script_queue_job *next;
	char *cmd;
};

void script_queue_init(struct script_queue *q, sd_event *e,
		       const struct script_opts *so, uint64_t timeout,
		       const char *label, struct script_counts *counts)
{
	memset(q, 0, sizeof(*q));
	q->e = e;
	q->so = so;
	q->timeout = timeout;
	q->label = label;
	q->counts = counts;
	q->tail = &q->head;
}

static void run_next(struct script_queue *q);

static void on_script(const struct script_result *r, void *ud)
{
	struct script_queue *q = ud;

	q->running = NULL;
	if (r->end != SCRIPT_EXITED || r->status != 0) {
		q->counts->failed++;
		if (q->label)
			log_warn("%s: notify script failed: %s", q->label, r->why);
		else
			log_warn("notify script failed: %s", r->why);
	}
	run_next(q);
	if (q->idle && script_queue_idle(q))
		q->idle(q);
}

static void run_next(struct script_queue *q)
{
	while (!q->running && q->head) {
		struct script_queue_job *j = q->head;
		struct script_opts o = *q->so;
		int r;

		q->head = j->next;
		if (!q->head)
			q->tail = &q->head;
		o.timeout = q->timeout;
		q->counts->run++;
		r = script_run(q->e, j->cmd, &o, on_script, q, &q->running);
		if (r < 0) {
			q->running = NULL;
			q->counts->failed++;
			if (q->label)
				log_err("%s: cannot run notify script %s: %s",
					q->label, j->cmd, strerror(-r));
			else
				log_err("cannot run notify script %s: %s",
					j->cmd, strerror(-r));
		}
		free(j->cmd);
		free(j);
	}
}

void script_queue_push(struct script_queue *q, const char *cmd)
{
	struct script_queue_job *j = calloc(1, sizeof(*j));

	if (!j || !(j->cmd = strdup(cmd))) {
		free(j);
		q->counts->failed++;
		log_err("notify script %s: out of memory", cmd);
		return;
	}
	*q->tail = j;
	q->tail = &j->next;
	run_next(q);
}

void script_queue_drop(struct script_queue *q)
{
	while (q->head) {
		struct script_queue_job *j = q->head;

		q->head = j->next;
		free(j->cmd);
		free(j);
	}
	q->tail = &q->head;
}

void script_queue_cancel(struct script_queue *q)
{
	script_queue_drop(q);
	script_cancel(q->running);
	q->running = NULL;
}

int script_queue_detached(const struct script_opts *so, const char *cmd,
			  struct script_counts *c, char *why, size_t len)
{
	c->run++;
	if (script_spawn_detached(cmd, so, why, len) < 0) {
		c->failed++;
		return -1;
	}
	return 0;
}

int script_str_set(char **dst, const char *src)
{
	char *c = src ? strdup(src) : NULL;

	if (src && !c)
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

int script_opts_own(struct script_opts_owned *o, const struct script_opts *src)
{
	int r = 0;

	o->so = *src;
	if (script_str_set(&o->user, src->user) < 0 ||
	    script_str_set(&o->group, src->group) < 0) {
		log_err("notify: out of memory");
		r = -ENOMEM;
	}
	o->so.user = o->user;
	o->so.group = o->group;
	return r;
}

void script_opts_owned_free(struct script_opts_owned *o)
{
	free(o->user);
	free(o->group);
	o->user = o->group = NULL;
}

int script_fifo_reader(sd_event *e, const char *cmd, const char *path,
		       const struct script_opts *so, script_done_fn done,
		       void *ud, struct script_run **out)
{
	size_t len = strlen(cmd) + strlen(path) + 4;
	struct script_opts o = *so;
	char *line = malloc(len);
	int r;

	if (!line)
		return -ENOMEM;
	snprintf(line, len, "%s '%s'", cmd, path);
	o.timeout = 0;
	r = script_run(e, line, &o, done, ud, out);
	free(line);
	return r;
}
