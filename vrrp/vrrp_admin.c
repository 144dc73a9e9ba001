/*
 * The operator's demote and promote (see vrrp_admin.h).
 *
 * The held names are a small array: an operator demotes a handful of
 * instances, and a name lookup happens once per instance start, so a
 * linear search is the simple right answer.  A request is resolved in
 * full (the instance, then its sync group's members) before anything
 * moves, so an unknown name changes nothing.  Members are moved one by
 * one; a master member that steps down takes the group's other masters
 * down with it as usual (vrrp_sync.c), and by then they are on their
 * way to being demoted too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "lib/log.h"
#include "vrrp/vrrp_admin.h"
#include "vrrp/vrrp_run.h"

struct vrrp_admin {
	char **names;
	size_t n;
};

struct vrrp_admin *vrrp_admin_new(void)
{
	return calloc(1, sizeof(struct vrrp_admin));
}

void vrrp_admin_free(struct vrrp_admin *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		free(a->names[i]);
	free(a->names);
	free(a);
}

static ssize_t find(const struct vrrp_admin *a, const char *name)
{
	for (size_t i = 0; a && name && i < a->n; i++)
		if (!strcmp(a->names[i], name))
			return (ssize_t)i;
	return -1;
}

bool vrrp_admin_held(const struct vrrp_admin *a, const char *name)
{
	return find(a, name) >= 0;
}

static int hold(struct vrrp_admin *a, const char *name)
{
	char **grown, *copy;

	if (find(a, name) >= 0)
		return 0;
	if (!(copy = strdup(name)))
		return -ENOMEM;
	if (!(grown = realloc(a->names, (a->n + 1) * sizeof(*grown)))) {
		free(copy);
		return -ENOMEM;
	}
	a->names = grown;
	a->names[a->n++] = copy;
	return 0;
}

static void release(struct vrrp_admin *a, const char *name)
{
	ssize_t i = find(a, name);

	if (i < 0)
		return;
	free(a->names[i]);
	a->names[i] = a->names[--a->n];
}

static bool same_group(const struct vrrp_inst *a, const struct vrrp_inst *b)
{
	const char *ga = vrrp_conf_inst_sync_group(a->ci);
	const char *gb = vrrp_conf_inst_sync_group(b->ci);

	return a == b || (ga && gb && !strcmp(ga, gb));
}

/* Demote or promote VI and every member of its sync group. */
static int set_group(struct vrrp_run *run, struct vrrp_inst *vi, bool on)
{
	struct vrrp_admin *a = vrrp_run_admin(run);

	if (on)
		for (struct vrrp_inst *m = vrrp_run_first(run); m; m = m->next)
			if (same_group(m, vi) && hold(a, m->ci->name) < 0)
				return -ENOMEM;
	if (vrrp_conf_inst_sync_group(vi->ci))
		log_notice("VRRP_Group(%s) %s with its member %s",
			   vrrp_conf_inst_sync_group(vi->ci),
			   on ? "demoted" : "promoted", vi->ci->name);
	for (struct vrrp_inst *m = vrrp_run_first(run); m; m = m->next)
		if (same_group(m, vi)) {
			if (!on)
				release(a, m->ci->name);
			vrrp_inst_demote(m, on);
		}
	return 0;
}

static struct json_object *error(const char *msg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static struct json_object *holds(struct vrrp_run *run)
{
	const struct vrrp_admin *a = vrrp_run_admin(run);
	struct json_object *o = json_object_new_object();
	struct json_object *l = json_object_new_array();

	for (size_t i = 0; a && i < a->n; i++) {
		struct json_object *h = json_object_new_object();

		json_object_object_add(h, "cmd", json_object_new_string("demote"));
		json_object_object_add(h, "name", json_object_new_string(a->names[i]));
		json_object_array_add(l, h);
	}
	json_object_object_add(o, "holds", l);
	return o;
}

static struct json_object *result(struct vrrp_run *run, const char *cmd,
				  const struct vrrp_inst *vi)
{
	struct json_object *o = json_object_new_object();
	struct json_object *l = json_object_new_array();

	json_object_object_add(o, "cmd", json_object_new_string(cmd));
	for (struct vrrp_inst *m = vrrp_run_first(run); m; m = m->next) {
		struct json_object *r;

		if (!same_group(m, vi))
			continue;
		r = json_object_new_object();
		json_object_object_add(r, "name", json_object_new_string(m->ci->name));
		json_object_object_add(r, "state", json_object_new_string(
			vrrp_state_str(m->fsm.state)));
		json_object_object_add(r, "admin", m->fsm.demoted ?
				       json_object_new_string("demoted") : NULL);
		json_object_array_add(l, r);
	}
	json_object_object_add(o, "instances", l);
	return o;
}

struct json_object *vrrp_admin_command(struct vrrp_run *run, const char *cmd,
				       struct json_object *req)
{
	struct json_object *v;
	struct vrrp_inst *vi;
	const char *name = NULL;
	char msg[160];
	bool on;

	if (!cmd)
		return NULL;
	if (!strcmp(cmd, "holds"))
		return holds(run);
	if (!strcmp(cmd, "demote"))
		on = true;
	else if (!strcmp(cmd, "promote"))
		on = false;
	else
		return NULL;
	if (json_object_object_get_ex(req, "name", &v) &&
	    json_object_is_type(v, json_type_string))
		name = json_object_get_string(v);
	if (!name) {
		snprintf(msg, sizeof(msg), "%s: needs \"name\": a VRRP instance",
			 cmd);
		return error(msg);
	}
	if (!(vi = vrrp_run_find(run, name))) {
		snprintf(msg, sizeof(msg), "no such VRRP instance: %.100s", name);
		return error(msg);
	}
	if (set_group(run, vi, on) < 0)
		return error("out of memory");
	return result(run, cmd, vi);
}

void vrrp_admin_reloaded(struct vrrp_run *run)
{
	struct vrrp_admin *a = vrrp_run_admin(run);

	for (size_t i = 0; a && i < a->n;) {
		if (vrrp_run_find(run, a->names[i])) {
			i++;
			continue;
		}
		log_info("VRRP_Instance(%s) is gone: its demote is dropped",
			 a->names[i]);
		release(a, a->names[i]);
	}
	for (struct vrrp_inst *vi = vrrp_run_first(run); vi; vi = vi->next)
		if (vi->fsm.demoted && vrrp_conf_inst_sync_group(vi->ci))
			for (struct vrrp_inst *m = vrrp_run_first(run); m; m = m->next)
				if (!m->fsm.demoted && same_group(m, vi) &&
				    set_group(run, vi, true) < 0)
					log_err("VRRP: out of memory for a demote");
}
