/*
 * Asking a child, in the parent (ctl_relay.h), and the fan-out of the
 * children's events (ctl_hub.h).
 *
 * An ask is a pending entry with its own id (one counter for the whole
 * parent, so a late reply for an ask that timed out can never be taken
 * for the answer of a newer one), its own timer and the caller's
 * callback.  Exactly one of three things ends it: the child's reply, the
 * timer, or the child going away (parent.c sets its socket to -1); each
 * unlinks the entry before calling back, so a callback may ask again.
 * Replies come in a memfd because they can be far larger than one IPC
 * packet; the text is parsed here, once, on the parent's loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_relay.h"

#define ASK_TIMEOUT_USEC (5 * 1000 * 1000ULL)
#define REPLY_MAX (64 << 20)	/* a reply larger than this is damage */
#define MAX_SUBSCRIBERS 8

struct ask {
	struct ask *next;
	uint32_t id;
	enum child_type type;
	ctl_reply_cb cb;
	void *ud;
	sd_event_source *timer;
};

static struct {
	sd_event *e;
	int sock[CHILD_NTYPES];
	struct ask *asks;
	uint32_t next_id;
	bool down;
	struct {
		ctl_event_cb cb;
		void *ud;
	} subs[MAX_SUBSCRIBERS];
	struct ctl_relay_stats st;
} cr = { .sock = { [0 ... CHILD_NTYPES - 1] = -1 } };

void ctl_relay_setup(sd_event *e)
{
	cr.e = e;
	cr.down = false;
	for (int i = 0; i < CHILD_NTYPES; i++)
		cr.sock[i] = -1;
}

/* Unlink a and free it; the caller then calls back. */
static void ask_take(struct ask *a)
{
	for (struct ask **pp = &cr.asks; *pp; pp = &(*pp)->next) {
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	}
	a->timer = sd_event_source_disable_unref(a->timer);
}

static void ask_finish(struct ask *a, struct json_object *reply)
{
	ctl_reply_cb cb = a->cb;
	void *ud = a->ud;

	ask_take(a);
	free(a);
	cb(reply, ud);
}

static int on_ask_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	struct ask *a = ud;

	(void)s;
	(void)usec;
	log_warn("control request %u to the %s child: no answer in %llu s",
		 a->id, child_ops_table[a->type]->name,
		 (unsigned long long)(ASK_TIMEOUT_USEC / 1000000));
	cr.st.timeouts++;
	ask_finish(a, NULL);
	return 0;
}

int ctl_ask_child(enum child_type t, struct json_object *req, ctl_reply_cb cb,
		  void *ud)
{
	char buf[IPC_MAX_PAYLOAD];
	const char *text;
	struct ask *a;
	size_t len;
	int r;

	if ((unsigned)t >= CHILD_NTYPES || !cb || !req)
		return -EINVAL;
	if (cr.down || !cr.e || cr.sock[t] < 0)
		return -ESRCH;
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	if (len > sizeof(buf) - sizeof(uint32_t))
		return -EMSGSIZE;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	/* 0 is never used: a zeroed payload is not a valid id. */
	if (++cr.next_id == 0)
		cr.next_id = 1;
	a->id = cr.next_id;
	a->type = t;
	a->cb = cb;
	a->ud = ud;
	r = sd_event_add_time_relative(cr.e, &a->timer, CLOCK_MONOTONIC,
				       ASK_TIMEOUT_USEC, 10 * 1000,
				       on_ask_timeout, a);
	if (r < 0) {
		free(a);
		return r;
	}
	memcpy(buf, &a->id, sizeof(a->id));
	memcpy(buf + sizeof(a->id), text, len);
	r = ipc_send(cr.sock[t], IPC_CTL_REQUEST, buf, sizeof(a->id) + len, -1);
	if (r < 0) {
		sd_event_source_disable_unref(a->timer);
		free(a);
		return r;
	}
	a->next = cr.asks;
	cr.asks = a;
	cr.st.asked++;
	return 0;
}

void ctl_relay_set_sock(enum child_type t, int sock)
{
	if ((unsigned)t >= CHILD_NTYPES)
		return;
	cr.sock[t] = sock;
	if (sock >= 0)
		return;
	/* Restart from the head each time: a callback may change the list. */
	for (;;) {
		struct ask *a = cr.asks;

		while (a && a->type != t)
			a = a->next;
		if (!a)
			break;
		cr.st.lost++;
		ask_finish(a, NULL);
	}
}

/* The memfd's text as JSON, or NULL. */
static struct json_object *read_reply(int fd)
{
	struct json_object *o = NULL;
	struct json_tokener *tok;
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0 ||
	    st.st_size > REPLY_MAX)
		return NULL;
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return NULL;
	n = pread(fd, buf, (size_t)st.st_size, 0);
	tok = n == st.st_size ? json_tokener_new() : NULL;
	if (tok) {
		o = json_tokener_parse_ex(tok, buf, (int)n);
		if (o && json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(o);
			o = NULL;
		}
		json_tokener_free(tok);
	}
	free(buf);
	return o;
}

void ctl_relay_reply(enum child_type t, struct ipc_msg *m)
{
	struct json_object *o;
	struct ask *a;
	uint32_t id;

	if (m->len != sizeof(id)) {
		log_warn("control reply without an id from the %s child",
			 child_ops_table[t]->name);
		cr.st.bad_replies++;
		goto out;
	}
	memcpy(&id, m->payload, sizeof(id));
	for (a = cr.asks; a && !(a->id == id && a->type == t); a = a->next)
		;
	if (!a) {
		/* It timed out, or the asker went away: nothing waits. */
		log_debug("late control reply %u from the %s child: dropped", id,
			  child_ops_table[t]->name);
		goto out;
	}
	o = read_reply(m->fd);
	if (!o) {
		log_warn("unreadable control reply %u from the %s child", id,
			 child_ops_table[t]->name);
		cr.st.bad_replies++;
		o = json_object_new_object();
		if (o)
			json_object_object_add(o, "error",
					       json_object_new_string("unreadable reply from the child"));
	} else {
		cr.st.answered++;
	}
	ask_finish(a, o);
	json_object_put(o);
out:
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

void ctl_relay_emit(struct json_object *ev)
{
	cr.st.events++;
	for (int i = 0; i < MAX_SUBSCRIBERS; i++)
		if (cr.subs[i].cb)
			cr.subs[i].cb(ev, cr.subs[i].ud);
}

void ctl_relay_event(enum child_type t, const struct ipc_msg *m)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *ev = NULL;

	if (tok) {
		ev = json_tokener_parse_ex(tok, m->payload, (int)m->len);
		if (ev && (json_tokener_get_error(tok) != json_tokener_success ||
			   !json_object_is_type(ev, json_type_object))) {
			json_object_put(ev);
			ev = NULL;
		}
		json_tokener_free(tok);
	}
	if (!ev) {
		cr.st.bad_events++;
		log_warn("malformed event from the %s child: dropped",
			 child_ops_table[t]->name);
		return;
	}
	ctl_relay_emit(ev);
	json_object_put(ev);
}

int ctl_relay_subscribe(ctl_event_cb cb, void *ud)
{
	for (int i = 0; i < MAX_SUBSCRIBERS; i++) {
		if (!cr.subs[i].cb) {
			cr.subs[i].cb = cb;
			cr.subs[i].ud = ud;
			return 0;
		}
	}
	return -ENOSPC;
}

void ctl_relay_unsubscribe(ctl_event_cb cb, void *ud)
{
	for (int i = 0; i < MAX_SUBSCRIBERS; i++)
		if (cr.subs[i].cb == cb && cr.subs[i].ud == ud)
			cr.subs[i].cb = NULL;
}

void ctl_relay_get_stats(struct ctl_relay_stats *st)
{
	*st = cr.st;
}

void ctl_relay_shutdown(void)
{
	cr.down = true;
	while (cr.asks)
		ask_finish(cr.asks, NULL);
	for (int i = 0; i < CHILD_NTYPES; i++)
		cr.sock[i] = -1;
}
