/*
 * Control requests in the vrrp process.  status and show answer with the
 * same per-instance objects as the JSON dump (vrrp_inst_json), so a tool
 * reading either sees one format; show with a name answers for that
 * instance only, and a name that is not running is an error rather than
 * an empty list, so a typo is never mistaken for "no state".
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vrrp/vrrp_ctl.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_run.h"

__attribute__((format(printf, 1, 2)))
static struct json_object *err(const char *fmt, ...)
{
	va_list ap;
	struct json_object *o = json_object_new_object();
	char msg[256];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static const char *str_of(struct json_object *req, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *show(struct vrrp_run *run, const char *name)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a;
	struct vrrp_inst *vi;

	if (!name) {
		json_object_object_add(o, "vrrp", vrrp_run_json(run));
		return o;
	}
	vi = vrrp_run_find(run, name);
	if (!vi) {
		json_object_put(o);
		return err("no VRRP instance named %.200s", name);
	}
	a = json_object_new_array();
	json_object_array_add(a, vrrp_inst_json(vi));
	json_object_object_add(o, "vrrp", a);
	return o;
}

struct json_object *vrrp_ctl_command(struct vrrp_run *run,
				     struct json_object *req)
{
	const char *cmd = str_of(req, "cmd");
	const char *what = str_of(req, "what");

	if (!cmd)
		return err("%s", "no command");
	if (!strcmp(cmd, "status"))
		return show(run, NULL);
	if (!strcmp(cmd, "show") && what && !strcmp(what, "vrrp"))
		return show(run, str_of(req, "name"));
	if (!strcmp(cmd, "show"))
		return err("the vrrp process shows vrrp, not %.100s", what ? what : "");
	return err("unknown command: %.100s", cmd);
}
