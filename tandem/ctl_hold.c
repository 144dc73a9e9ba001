/*
 * The parent's copy of the children's holds (see ctl_hold.h).
 *
 * One JSON array per kind of child, replaced whole by each answer to
 * "holds": there is no merging to get wrong, and a hold the child
 * dropped (enable, promote, a reload that removed the server) is gone
 * from the copy with the next answer.  A replayed request that fails (the
 * config changed while the child was down) is logged and forgotten; the
 * child's next answer gives the true list anyway.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "lib/log.h"
#include "tandem/ctl_hold.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_relay.h"

static struct json_object *held[CHILD_NTYPES];
static bool subscribed;

static void *type_ud(enum child_type t)
{
	return (void *)(intptr_t)t;
}

static enum child_type ud_type(void *ud)
{
	return (enum child_type)(intptr_t)ud;
}

static void on_holds(struct json_object *reply, void *ud)
{
	enum child_type t = ud_type(ud);
	struct json_object *l;

	if (!reply || !json_object_object_get_ex(reply, "holds", &l) ||
	    !json_object_is_type(l, json_type_array))
		return;		/* gone or no answer: keep the last copy */
	json_object_put(held[t]);
	held[t] = json_object_get(l);
}

static void refresh(enum child_type t)
{
	struct json_object *req = json_object_new_object();

	json_object_object_add(req, "cmd", json_object_new_string("holds"));
	if (ctl_ask_child(t, req, on_holds, type_ud(t)) < 0)
		log_debug("cannot ask for the holds: the child is not running");
	json_object_put(req);
}

static bool child_named(const char *name, enum child_type *t)
{
	for (int i = 0; name && i < CHILD_NTYPES; i++)
		if (!strcmp(child_ops_table[i]->name, name)) {
			*t = (enum child_type)i;
			return true;
		}
	return false;
}

static void on_event(struct json_object *ev, void *ud)
{
	struct json_object *v;
	enum child_type t;

	(void)ud;
	if (!json_object_object_get_ex(ev, "event", &v) ||
	    !json_object_get_string(v) ||
	    strcmp(json_object_get_string(v), "admin") ||
	    !json_object_object_get_ex(ev, "child", &v) ||
	    !child_named(json_object_get_string(v), &t))
		return;
	refresh(t);
}

void ctl_hold_setup(void)
{
	subscribed = ctl_relay_subscribe(on_event, NULL) >= 0;
	if (!subscribed)
		log_warn("operator holds: not kept for restarted children");
}

void ctl_hold_reloaded(enum child_type t)
{
	refresh(t);
}

static void on_replayed(struct json_object *reply, void *ud)
{
	struct json_object *e;

	const char *what = ud ? ud : "?";

	if (!reply)
		log_warn("a replayed hold got no answer: %s", what);
	else if (json_object_object_get_ex(reply, "error", &e))
		log_warn("a replayed hold was refused (%s): %s", what,
			 json_object_get_string(e));
	free(ud);
}

void ctl_hold_child_up(enum child_type t, unsigned restarts)
{
	size_t n = held[t] ? json_object_array_length(held[t]) : 0;

	if (!restarts || !n)
		return;
	log_notice("%s child restarted: replaying %zu operator hold%s",
		   child_ops_table[t]->name, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		struct json_object *req = json_object_array_get_idx(held[t], i);
		char *what = strdup(json_object_to_json_string_ext(
			req, JSON_C_TO_STRING_PLAIN));

		if (ctl_ask_child(t, req, on_replayed, what) < 0) {
			log_warn("cannot replay a hold: %s", what ? what : "?");
			free(what);
		}
	}
}

struct json_object *ctl_hold_inherited(enum child_type t)
{
	return held[t] && json_object_array_length(held[t]) ? held[t] : NULL;
}

void ctl_hold_shutdown(void)
{
	if (subscribed)
		ctl_relay_unsubscribe(on_event, NULL);
	subscribed = false;
	for (int i = 0; i < CHILD_NTYPES; i++) {
		json_object_put(held[i]);
		held[i] = NULL;
	}
}

/* In the child: a command's reply went out; tell the parent (and the
 * monitor stream) when it changed a hold. */
void ctl_hold_changed(const char *child, struct json_object *req,
		      struct json_object *reply)
{
	static const char *const cmds[] = { "drain", "disable", "enable",
					    "demote", "promote" };
	static const char *const args[] = { "rs", "vs", "name" };
	const char *cmd = json_object_get_string(json_object_object_get(req, "cmd"));
	struct json_object *ev, *v;
	bool hold = false;

	for (size_t i = 0; cmd && i < sizeof(cmds) / sizeof(*cmds); i++)
		hold |= !strcmp(cmd, cmds[i]);
	if (!hold || !reply || json_object_object_get_ex(reply, "error", NULL))
		return;
	if (!(ev = json_object_new_object()))
		return;
	json_object_object_add(ev, "event", json_object_new_string("admin"));
	json_object_object_add(ev, "child", json_object_new_string(child));
	json_object_object_add(ev, "cmd", json_object_new_string(cmd));
	for (size_t i = 0; i < sizeof(args) / sizeof(*args); i++)
		if (json_object_object_get_ex(req, args[i], &v))
			json_object_object_add(ev, args[i], json_object_get(v));
	child_event(ev);
}
