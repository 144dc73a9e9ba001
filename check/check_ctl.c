/*
 * Control requests in the check process.  The answer is built from the
 * dump's own JSON (check_rt_json for real servers), grouped under the
 * virtual servers of the config so that a service without real servers
 * still shows; the connection counts come from the kernel's IPVS table
 * when there is one (matched by the service's and the destination's
 * address and port), and are null otherwise.  A name that matches
 * nothing is an error, never an empty list.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "check/check_ctl.h"
#include "check/check_ipvs.h"
#include "check/check_rs_rt.h"
#include "check/check_vs_conf.h"
#include "lib/json_req.h"

/* The kernel's destination for (vs, rs), or NULL. */
static struct json_object *kernel_dest(struct json_object *kernel,
				       const char *vs, const char *rs)
{
	size_t vl = strlen(vs);

	for (size_t i = 0; kernel && i < json_object_array_length(kernel); i++) {
		struct json_object *svc = json_object_array_get_idx(kernel, i);
		const char *name = json_req_str(svc, "service");
		struct json_object *ds;
		size_t nl;

		if (!name || (nl = strlen(name)) <= vl ||
		    strcmp(name + nl - vl, vs) || name[nl - vl - 1] != ' ' ||
		    !json_object_object_get_ex(svc, "dests", &ds))
			continue;
		for (size_t k = 0; k < json_object_array_length(ds); k++) {
			struct json_object *d = json_object_array_get_idx(ds, k);
			const char *dn = json_req_str(d, "dest");

			if (dn && !strcmp(dn, rs))
				return d;
		}
	}
	return NULL;
}

static void add_conns(struct json_object *rs, struct json_object *kernel)
{
	const char *v = json_req_str(rs, "virtual_server"), *s = json_req_str(rs, "real_server");
	struct json_object *d = v && s ? kernel_dest(kernel, v, s) : NULL;
	struct json_object *a = NULL, *in = NULL;

	if (d) {
		json_object_object_get_ex(d, "active_conns", &a);
		json_object_object_get_ex(d, "inactive_conns", &in);
	}
	json_object_object_add(rs, "active_conns", json_object_get(a));
	json_object_object_add(rs, "inactive_conns", json_object_get(in));
}

/* Every real server (filtered by vs and rs names when given), with its
 * connection counts. */
static struct json_object *real_servers(const struct check_rt *rt,
					struct json_object *kernel,
					const char *vs, const char *rs)
{
	struct json_object *all = check_rt_json(rt), *out = json_object_new_array();

	for (size_t i = 0; i < json_object_array_length(all); i++) {
		struct json_object *r = json_object_array_get_idx(all, i);

		if (vs && strcmp(json_req_str(r, "virtual_server"), vs))
			continue;
		if (rs && strcmp(json_req_str(r, "real_server"), rs))
			continue;
		add_conns(r, kernel);
		json_object_array_add(out, json_object_get(r));
	}
	json_object_put(all);
	return out;
}

static struct json_object *virtual_servers(const struct check_conf *cc,
					   const struct check_rt *rt,
					   struct json_object *kernel,
					   const char *name)
{
	struct json_object *out = json_object_new_array();
	char v[320];

	for (size_t i = 0; cc && i < cc->nvs; i++) {
		const struct check_vs *vs = cc->vs[i];
		struct json_object *o;

		check_vs_name(vs, v, sizeof(v));
		if (name && strcmp(name, v))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "virtual_server", json_object_new_string(v));
		json_object_object_add(o, "live_weight", json_object_new_int64(
			(int64_t)check_vs_live_weight(vs)));
		json_object_object_add(o, "quorum", json_object_new_int64(vs->quorum));
		json_object_object_add(o, "quorum_up",
				       json_object_new_boolean(check_vs_quorum_up(vs)));
		json_object_object_add(o, "real_servers",
				       real_servers(rt, kernel, v, NULL));
		json_object_array_add(out, o);
	}
	return out;
}

struct json_object *check_ctl_command(const struct check_conf *cc,
				      const struct check_rt *rt,
				      struct check_ipvs *ipvs,
				      struct json_object *req)
{
	const char *cmd = json_req_str(req, "cmd"), *what = json_req_str(req, "what");
	const char *name = json_req_str(req, "name"), *vs = json_req_str(req, "vs");
	struct json_object *ij = ipvs ? check_ipvs_json(ipvs) : NULL;
	struct json_object *kernel = NULL, *o = NULL, *list;

	if (ij)
		json_object_object_get_ex(ij, "kernel", &kernel);
	if (!cmd) {
		o = json_req_error("%s", "no command");
	} else if (!strcmp(cmd, "status") ||
		   (!strcmp(cmd, "show") && what && !strcmp(what, "vs"))) {
		list = virtual_servers(cc, rt, kernel, name);
		if (name && json_object_array_length(list) == 0) {
			json_object_put(list);
			o = json_req_error("no virtual server named %.200s", name);
		} else {
			o = json_object_new_object();
			json_object_object_add(o, "virtual_servers", list);
		}
	} else if (!strcmp(cmd, "show") && what && !strcmp(what, "rs")) {
		list = real_servers(rt, kernel, vs, name);
		if ((name || vs) && json_object_array_length(list) == 0) {
			json_object_put(list);
			o = json_req_error("no real server %.200s", name ? name : vs);
		} else {
			o = json_object_new_object();
			json_object_object_add(o, "real_servers", list);
		}
	} else if (!strcmp(cmd, "show") && what && !strcmp(what, "ipvs")) {
		/* The table as tandem wants it and as the kernel has it. */
		o = json_object_new_object();
		json_object_object_add(o, "ipvs", ij ? json_object_get(ij) : check_ipvs_json(NULL));
	} else if (!strcmp(cmd, "show")) {
		o = json_req_error("the check process shows vs, rs or ipvs, not %.100s",
				   what ? what : "");
	} else {
		o = json_req_error("unknown command: %.100s", cmd);
	}
	json_object_put(ij);
	return o;
}
