/*
 * Notify scripts and FIFO lines of the vrrp process (see vrrp_notify.h).
 *
 * keepalived runs an instance's notify scripts in the order its state
 * changes happened; here each instance and each sync group (by TYPE and
 * name) has a queue (lib/script_queue.h), and its next script starts
 * when the one before has ended or was killed at its timeout.
 *
 * A queue exists only while it has a script to run: it is made when a
 * state change finds a script in the block's config and freed when its
 * last script has ended.  1,000 instances without notify scripts (or
 * with a FIFO only, whose lines need no queue) carry none, and a reload
 * that adds or removes a script needs no hook here: the next change reads
 * the config it then has.  Order is kept all the same, since a queue is
 * only ever freed with nothing in it.  Queues are found by a linear
 * search of the ones alive, which is the few whose scripts run now.
 * A sync group's last notified state outlives its queue, in a list of its
 * own (a director has a handful of groups).
 * The readers of the FIFOs (notify_fifo_script, vrrp_notify_fifo_script)
 * get the FIFO's path as their one argument and run as long as we do.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "lib/log.h"
#include "lib/notify_fifo.h"
#include "lib/script_queue.h"
#include "vrrp/vrrp_notify.h"

struct queue {
	struct queue *next;
	struct vrrp_notify *n;
	struct script_queue sq;
	char key[];			/* "INSTANCE VI_1" */
};

/* A sync group's last notified state (notified again only when it
 * differs). */
struct group_state {
	struct group_state *next;
	char *state;
	char name[];
};

struct vrrp_notify {
	sd_event *e;
	struct script_opts_owned own;	/* script_user, ... */
	bool stopping;
	struct notify_fifo fifo[2];
	char *reader_cmd[2];
	struct script_run *reader[2];
	struct queue *queues;		/* the ones with a script to run */
	struct group_state *groups;
	struct script_counts counts;
};

static void queue_free(struct queue *q)
{
	struct queue **p = &q->n->queues;

	while (*p != q)
		p = &(*p)->next;
	*p = q->next;
	script_queue_cancel(&q->sq);
	free(q);
}

static void on_queue_idle(struct script_queue *sq)
{
	queue_free((struct queue *)((char *)sq - offsetof(struct queue, sq)));
}

static struct queue *queue_get(struct vrrp_notify *n, const char *type,
			       const char *name)
{
	size_t tl = strlen(type), nl = strlen(name);
	struct queue *q;

	for (q = n->queues; q; q = q->next)
		if (!strncmp(q->key, type, tl) && q->key[tl] == ' ' &&
		    !strcmp(q->key + tl + 1, name))
			return q;
	if (!(q = calloc(1, sizeof(*q) + tl + nl + 2)))
		return NULL;
	memcpy(q->key, type, tl);
	q->key[tl] = ' ';
	memcpy(q->key + tl + 1, name, nl + 1);
	q->n = n;
	script_queue_init(&q->sq, n->e, &n->own.so, VRRP_NOTIFY_TIMEOUT, q->key,
			  &n->counts);
	q->sq.idle = on_queue_idle;
	q->next = n->queues;
	n->queues = q;
	return q;
}

static void enqueue(struct vrrp_notify *n, struct queue *q, const char *cmd)
{
	if (n->stopping || !q) {
		char why[SCRIPT_WHY_MAX];

		/* The process is going: nobody would wait for a queue. */
		if (script_queue_detached(&n->own.so, cmd, &n->counts, why,
					  sizeof(why)) < 0)
			log_warn("notify script refused: %s", why);
		return;
	}
	script_queue_push(&q->sq, cmd);
}

static const char *script_for(const struct vrrp_conf_notify *cn,
			      const char *state)
{
	if (!cn)
		return NULL;
	if (!strcmp(state, "MASTER"))
		return cn->master;
	if (!strcmp(state, "BACKUP"))
		return cn->backup;
	if (!strcmp(state, "FAULT"))
		return cn->fault;
	if (!strcmp(state, "STOP"))
		return cn->stop;
	if (!strcmp(state, "DELETED"))
		return cn->deleted;
	if (!strcmp(state, "MASTER_RX_LOWER_PRI"))
		return cn->master_rx_lower_pri;
	return NULL;
}

static void fifo_line(struct vrrp_notify *n, const char *type,
		      const char *name, const char *state, const char *suffix,
		      unsigned prio)
{
	char line[512];

	/* keepalived quotes the name on the FIFO: names may hold blanks */
	snprintf(line, sizeof(line), "%s \"%s\" %s%s %u\n", type, name, state,
		 suffix, prio);
	for (int i = 0; i < 2; i++)
		notify_fifo_write(&n->fifo[i], line);
}

/* The scripts of STATE and the FIFOs (unless FIFO is false). */
static void notify_run(struct vrrp_notify *n, const char *type,
		       const char *name, const struct vrrp_conf_notify *cn,
		       const char *state, unsigned prio, bool fifo)
{
	const char *s;
	struct queue *q;
	bool any;

	if (!n)
		return;
	if (fifo)
		fifo_line(n, type, name, state, "", prio);
	if (!cn)
		return;
	s = script_for(cn, state);
	if (s && !*s)
		s = NULL;
	any = cn->any && *cn->any && strcmp(state, "MASTER_RX_LOWER_PRI");
	if (!s && !any)
		return;		/* no script: no queue either */
	q = n->stopping ? NULL : queue_get(n, type, name);
	if (s)
		enqueue(n, q, s);
	if (any) {
		size_t len = strlen(cn->any) + strlen(name) + 64;
		char *cmd = malloc(len);

		if (cmd) {
			/* TYPE NAME STATE PRIORITY as four more words */
			snprintf(cmd, len, "%s %s '%s' %s %u", cn->any, type,
				 name, state, prio);
			enqueue(n, q, cmd);
			free(cmd);
		} else {
			n->counts.failed++;
		}
	}
	/* Every script refused at once: nothing will end to free it. */
	if (q && script_queue_idle(&q->sq))
		queue_free(q);
}

void vrrp_notify_event(struct vrrp_notify *n, const char *type,
		       const char *name, const struct vrrp_conf_notify *cn,
		       const char *state, unsigned prio)
{
	notify_run(n, type, name, cn, state, prio, true);
}

void vrrp_notify_priority(struct vrrp_notify *n, const char *type,
			  const char *name, const char *state, unsigned prio)
{
	if (!n)
		return;
	/* keepalived.conf(5): notify_priority_changes sends "FIFO notifies"
	 * only, as MASTER_PRIORITY / BACKUP_PRIORITY (it has no word for
	 * FAULT); no script runs, the state did not change */
	if (!strcmp(state, "MASTER") || !strcmp(state, "BACKUP"))
		fifo_line(n, type, name, state, "_PRIORITY", prio);
}

void vrrp_notify_group(struct vrrp_notify *n,
		       const struct vrrp_conf_sync_group *g, const char *state)
{
	struct group_state *gs;

	if (!n || !g)
		return;
	for (gs = n->groups; gs && strcmp(gs->name, g->name); gs = gs->next)
		;
	if (!gs && (gs = calloc(1, sizeof(*gs) + strlen(g->name) + 1))) {
		strcpy(gs->name, g->name);
		gs->next = n->groups;
		n->groups = gs;
	}
	if (gs && gs->state && !strcmp(gs->state, state))
		return;
	if (gs && script_str_set(&gs->state, state) < 0) {
		free(gs->state);	/* unknown: notified next time too */
		gs->state = NULL;
	}
	vrrp_notify_event(n, "GROUP", g->name, &g->notify, state, 0);
}

/* ------------------------------------------------------------------ */

int vrrp_notify_new(sd_event *e, struct vrrp_notify **out)
{
	struct vrrp_notify *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->e = sd_event_ref(e);
	notify_fifo_init(&n->fifo[0]);
	notify_fifo_init(&n->fifo[1]);
	*out = n;
	return 0;
}

static void on_reader(const struct script_result *r, void *ud)
{
	struct script_run **slot = ud;

	*slot = NULL;
	log_warn("notify FIFO reader ended: %s", r->why);
}

static void reader_set(struct vrrp_notify *n, int i, const char *cmd)
{
	struct notify_fifo *f = &n->fifo[i];

	if (n->reader[i] && cmd && n->reader_cmd[i] &&
	    !strcmp(cmd, n->reader_cmd[i]))
		return;
	script_cancel(n->reader[i]);
	n->reader[i] = NULL;
	if (script_str_set(&n->reader_cmd[i], cmd) < 0 || !cmd || !f->path)
		return;
	if (script_fifo_reader(n->e, cmd, f->path, &n->own.so, on_reader,
			       &n->reader[i], &n->reader[i]) < 0)
		n->reader[i] = NULL;
}

void vrrp_notify_set(struct vrrp_notify *n, const struct vrrp_notify_opts *o)
{
	if (!n)
		return;
	script_opts_own(&n->own, &o->script);
	for (int i = 0; i < 2; i++) {
		bool moved = !o->fifo[i] || !n->fifo[i].path ||
			     strcmp(o->fifo[i], n->fifo[i].path);

		notify_fifo_set(&n->fifo[i], o->fifo[i], o->fifo_user[i],
				o->fifo_group[i]);
		if (moved) {
			script_cancel(n->reader[i]);
			n->reader[i] = NULL;
		}
		reader_set(n, i, o->fifo_script[i]);
	}
}

void vrrp_notify_stopping(struct vrrp_notify *n)
{
	if (!n)
		return;
	n->stopping = true;
	for (struct queue *q = n->queues; q; q = q->next)
		script_queue_drop(&q->sq);
}

void vrrp_notify_free(struct vrrp_notify *n)
{
	if (!n)
		return;
	vrrp_notify_stopping(n);
	/* A state script still running is killed: its state is over.  The
	 * notify_stop scripts were started detached and are not ours to
	 * kill. */
	while (n->queues)
		queue_free(n->queues);
	while (n->groups) {
		struct group_state *gs = n->groups;

		n->groups = gs->next;
		free(gs->state);
		free(gs);
	}
	for (int i = 0; i < 2; i++) {
		script_cancel(n->reader[i]);
		free(n->reader_cmd[i]);
		notify_fifo_close(&n->fifo[i]);
	}
	script_opts_owned_free(&n->own);
	sd_event_unref(n->e);
	free(n);
}

struct json_object *vrrp_notify_json(const struct vrrp_notify *n)
{
	struct json_object *o = json_object_new_object();

	if (!n)
		return o;
	json_object_object_add(o, "scripts_run",
			       json_object_new_int64((int64_t)n->counts.run));
	json_object_object_add(o, "scripts_failed",
			       json_object_new_int64((int64_t)n->counts.failed));
	for (int i = 0; i < 2; i++)
		if (n->fifo[i].path)
			json_object_object_add(o, i ? "vrrp_notify_fifo"
						    : "notify_fifo",
					       notify_fifo_json(&n->fifo[i]));
	return o;
}

size_t vrrp_notify_queues(const struct vrrp_notify *n)
{
	size_t k = 0;

	for (const struct queue *q = n ? n->queues : NULL; q; q = q->next)
		k++;
	return k;
}
