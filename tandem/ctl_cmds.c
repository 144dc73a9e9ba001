/*
 * The control socket's commands, as one table.
 *
 * Most commands belong to a child: the parent checks the arguments it
 * can (so a request missing its real server never reaches the check
 * child), forwards the very object the client sent, and turns the
 * child's answer into the protocol's {"ok": ...} reply.  A command that
 * several children answer (status, metrics) waits for all of them and
 * merges; a child that is not running is simply left out, one that does
 * not answer is named in "errors".  reload, monitor, ping and version are
 * the parent's own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_op.h"
#include "tandem/ctl_proto.h"
#include "tandem/ctl_relay.h"
#include "tandem/ctl_reload.h"
#include "tandem/metrics_scrape.h"

#ifdef WITH_VRRP
#define TO_VRRP (1u << CHILD_VRRP)
#else
#define TO_VRRP 0u
#endif
#ifdef WITH_LVS
#define TO_CHECK (1u << CHILD_CHECK)
#else
#define TO_CHECK 0u
#endif

struct ctl_cmd {
	const char *name;
	unsigned to;		/* children asked; 0: the parent answers */
	/* The reason the arguments are refused, or NULL. */
	const char *(*check)(struct json_object *req);
	/* Parent commands; or, for a child command, which children to ask
	 * when that depends on the arguments (returns a TO_ mask). */
	void (*run)(struct ctl_op *op);
	unsigned (*route)(struct json_object *req);
	/* Several children: merge their answers into one result. */
	struct json_object *(*merge)(struct ctl_op *op);
};

static struct {
	char *conf_file;
	time_t started;
} info;

void ctl_cmds_set_info(const char *conf_file)
{
	free(info.conf_file);
	info.conf_file = conf_file ? strdup(conf_file) : NULL;
	info.started = time(NULL);
}

static struct json_object *parent_json(void)
{
	struct json_object *o = json_object_new_object();
	struct ctl_relay_stats st;
	struct json_object *r = json_object_new_object();

	json_object_object_add(o, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "pid", json_object_new_int64(getpid()));
	json_object_object_add(o, "started", json_object_new_int64(info.started));
	json_object_object_add(o, "uptime", json_object_new_int64(time(NULL) - info.started));
	json_object_object_add(o, "config_file", info.conf_file
			       ? json_object_new_string(info.conf_file) : NULL);
	json_object_object_add(o, "control", ctl_server_json());
	ctl_relay_get_stats(&st);
	json_object_object_add(r, "asked", json_object_new_int64((int64_t)st.asked));
	json_object_object_add(r, "answered", json_object_new_int64((int64_t)st.answered));
	json_object_object_add(r, "timeouts", json_object_new_int64((int64_t)st.timeouts));
	json_object_object_add(r, "lost", json_object_new_int64((int64_t)st.lost));
	json_object_object_add(r, "bad_replies", json_object_new_int64((int64_t)st.bad_replies));
	json_object_object_add(r, "events", json_object_new_int64((int64_t)st.events));
	json_object_object_add(r, "bad_events", json_object_new_int64((int64_t)st.bad_events));
	json_object_object_add(o, "relay", r);
	return o;
}

/* ------------------------------------------------------------------ */
/* Argument checks                                                     */

static const char *need_rs(struct json_object *req)
{
	struct json_object *v;

	if (!ctl_str(req, "rs"))
		return "this command needs \"rs\": a real server as IP:PORT";
	if (json_object_object_get_ex(req, "vs", &v) &&
	    !json_object_is_type(v, json_type_string))
		return "\"vs\" must be a string (a virtual server as the dumps name it)";
	return NULL;
}

static const char *need_name(struct json_object *req)
{
	return ctl_str(req, "name") ? NULL
				    : "this command needs \"name\": a VRRP instance";
}

static const char *show_what(struct json_object *req)
{
	const char *w = ctl_str(req, "what");
	struct json_object *v;

	if (!w || (strcmp(w, "vrrp") && strcmp(w, "vs") && strcmp(w, "rs") &&
		   strcmp(w, "ipvs")))
		return "show needs \"what\": vrrp, vs, rs or ipvs";
	if (json_object_object_get_ex(req, "name", &v) &&
	    !json_object_is_type(v, json_type_string))
		return "\"name\" must be a string";
	return NULL;
}

static unsigned show_route(struct json_object *req)
{
	return strcmp(ctl_str(req, "what"), "vrrp") ? TO_CHECK : TO_VRRP;
}

/* ------------------------------------------------------------------ */
/* Answers                                                             */

static const char *child_name(enum child_type t)
{
	return child_ops_table[t]->name;
}

/* A child's answer as a protocol reply. */
static struct json_object *reply_of(const struct ctl_part *p)
{
	const char *err;

	if (!p->asked && p->err == -EMSGSIZE)
		return ctl_error("request too large to pass to the %s process",
				 child_name(p->type));
	if (!p->asked && p->err)
		return ctl_error("cannot ask the %s process: %s", child_name(p->type),
				 strerror(-p->err));
	if (!p->asked)
		return ctl_error("the %s process is not running", child_name(p->type));
	if (!p->reply)
		return ctl_error("the %s process did not answer", child_name(p->type));
	if (!json_object_is_type(p->reply, json_type_object))
		return ctl_ok(json_object_get(p->reply));
	err = ctl_str(p->reply, "error");
	if (err)
		return ctl_error("%s", err);
	return ctl_ok(json_object_get(p->reply));
}

/* Every child's answer object merged key by key, under the parent's own
 * "tandem" entry. */
static struct json_object *merge_objects(struct ctl_op *op)
{
	struct json_object *res = json_object_new_object();
	struct json_object *errs = json_object_new_array();

	json_object_object_add(res, "tandem", parent_json());
	for (int i = 0; i < CHILD_NTYPES; i++) {
		const struct ctl_part *p = &op->part[i];
		const char *err;

		if (!p->asked && !p->err)
			continue;
		if (!p->asked) {
			struct json_object *e = reply_of(p);

			json_object_array_add(errs, json_object_new_string(ctl_str(e, "error")));
			json_object_put(e);
			continue;
		}
		if (!p->reply || !json_object_is_type(p->reply, json_type_object)) {
			char m[96];

			snprintf(m, sizeof(m), "the %s process did not answer",
				 child_name(p->type));
			json_object_array_add(errs, json_object_new_string(m));
			continue;
		}
		err = ctl_str(p->reply, "error");
		if (err) {
			json_object_array_add(errs, json_object_new_string(err));
			continue;
		}
		json_object_object_foreach(p->reply, k, v)
			json_object_object_add(res, k, json_object_get(v));
	}
	if (json_object_array_length(errs))
		json_object_object_add(res, "errors", errs);
	else
		json_object_put(errs);
	return res;
}

static void op_done(struct ctl_op *op)
{
	const struct ctl_cmd *d = op->def;

	if (d->merge) {
		ctl_op_finish(op, ctl_ok(d->merge(op)));
		return;
	}
	for (int i = 0; i < CHILD_NTYPES; i++) {
		if (op->part[i].asked || (op->to & (1u << i))) {
			struct json_object *r = reply_of(&op->part[i]);

			ctl_op_finish(op, r);
			return;
		}
	}
	ctl_op_finish(op, ctl_error("no process takes this command"));
}

static void on_part(struct json_object *reply, void *ud)
{
	struct ctl_part *p = ud;
	struct ctl_op *op = p->op;

	p->answered = true;
	p->reply = reply ? json_object_get(reply) : NULL;
	if (--op->waiting == 0)
		op_done(op);
}

static void ask_children(struct ctl_op *op, unsigned to)
{
	for (int i = 0; i < CHILD_NTYPES; i++) {
		op->part[i].op = op;
		op->part[i].type = (enum child_type)i;
	}
	/* Count first: a reply cannot come before the loop ends, but
	 * waiting must never reach 0 early. */
	op->waiting = 1;
	for (int i = 0; i < CHILD_NTYPES; i++) {
		int r;

		if (!(to & (1u << i)))
			continue;
		r = ctl_ask_child((enum child_type)i, op->req, on_part, &op->part[i]);
		if (r == 0) {
			op->part[i].asked = true;
			op->waiting++;
		} else if (r != -ESRCH) {
			op->part[i].err = r;
			log_warn("control: cannot ask the %s process: %s",
				 child_name((enum child_type)i), strerror(-r));
		}
	}
	if (--op->waiting == 0)
		op_done(op);
}

/* ------------------------------------------------------------------ */
/* The parent's commands                                               */

static void cmd_ping(struct ctl_op *op)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "pong", json_object_new_boolean(1));
	ctl_op_finish(op, ctl_ok(o));
}

static void cmd_version(struct ctl_op *op)
{
	ctl_op_finish(op, ctl_ok(parent_json()));
}

static void on_reload(struct json_object *reply, void *ud)
{
	ctl_op_finish(ud, json_object_get(reply));
}

static void cmd_reload(struct ctl_op *op)
{
	int r = ctl_reload_ask(on_reload, op);

	if (r < 0)
		ctl_op_finish(op, ctl_error("cannot reload: %s", strerror(-r)));
}

static void on_metrics(char *text, void *ud)
{
	struct json_object *o;

	if (!text) {
		ctl_op_finish(ud, ctl_error("metrics: out of memory"));
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "text", json_object_new_string(text));
	free(text);
	ctl_op_finish(ud, ctl_ok(o));
}

/* The op outlives a client that leaves (ctl_op.h), so the scrape is
 * never detached: its answer is dropped by ctl_op_finish instead. */
static void cmd_metrics(struct ctl_op *op)
{
	struct metrics_scrape *s;

	if (metrics_scrape_start(on_metrics, op, &s) < 0)
		ctl_op_finish(op, ctl_error("metrics: out of memory"));
}

static void cmd_monitor(struct ctl_op *op)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "monitor", json_object_new_boolean(1));
	ctl_op_monitor(op, ctl_ok(o));
}

static const struct ctl_cmd cmds[] = {
	{ .name = "ping", .run = cmd_ping },
	{ .name = "version", .run = cmd_version },
	{ .name = "status", .to = TO_VRRP | TO_CHECK, .merge = merge_objects },
	{ .name = "show", .to = TO_VRRP | TO_CHECK, .check = show_what,
	  .route = show_route },
	{ .name = "reload", .run = cmd_reload },
	{ .name = "drain", .to = TO_CHECK, .check = need_rs },
	{ .name = "disable", .to = TO_CHECK, .check = need_rs },
	{ .name = "enable", .to = TO_CHECK, .check = need_rs },
	{ .name = "poll", .to = TO_CHECK, .check = need_rs },
	{ .name = "demote", .to = TO_VRRP, .check = need_name },
	{ .name = "promote", .to = TO_VRRP, .check = need_name },
	{ .name = "metrics", .run = cmd_metrics },
	{ .name = "monitor", .run = cmd_monitor },
};

bool ctl_cmds_run(struct ctl_op *op)
{
	const struct ctl_cmd *d = NULL;
	const char *why;
	unsigned to;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]) && !d; i++)
		if (!strcmp(cmds[i].name, op->cmd))
			d = &cmds[i];
	if (!d)
		return false;
	op->def = d;
	why = d->check ? d->check(op->req) : NULL;
	if (why) {
		ctl_op_finish(op, ctl_error("%s: %s", d->name, why));
		return true;
	}
	if (d->run) {
		d->run(op);
		return true;
	}
	to = d->route ? d->route(op->req) : d->to;
	if (!to) {
		ctl_op_finish(op, ctl_error("%s: not built into this tandem", d->name));
		return true;
	}
	op->to = to;
	ask_children(op, to);
	return true;
}
