/*
 * Control requests in the vrrp process.  status and show answer with the
 * same per-instance objects as the JSON dump (vrrp_inst_json), so a tool
 * reading either sees one format; show with a name answers for that
 * instance only, and a name that is not running is an error rather than
 * an empty list, so a typo is never mistaken for "no state".
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "lib/json_req.h"
#include "vrrp/vrrp_ctl.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_run.h"

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
		return json_req_error("no VRRP instance named %.200s", name);
	}
	a = json_object_new_array();
	json_object_array_add(a, vrrp_inst_json(vi));
	json_object_object_add(o, "vrrp", a);
	return o;
}

struct json_object *vrrp_ctl_command(struct vrrp_run *run,
				     struct json_object *req)
{
	const char *cmd = json_req_str(req, "cmd");
	const char *what = json_req_str(req, "what");

	if (!cmd)
		return json_req_error("%s", "no command");
	if (!strcmp(cmd, "status"))
		return show(run, NULL);
	if (!strcmp(cmd, "show") && what && !strcmp(what, "vrrp"))
		return show(run, json_req_str(req, "name"));
	if (!strcmp(cmd, "show"))
		return json_req_error("the vrrp process shows vrrp, not %.100s", what ? what : "");
	return json_req_error("unknown command: %.100s", cmd);
}
