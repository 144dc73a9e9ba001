/*
 * The operator's commands on real servers (see check_admin.h).
 *
 * A request names a real server by address and port, the way a user
 * reads them in `ipvsadm -Ln` or in tandem's dumps, and optionally the
 * virtual server by its dump name.  Matching is done on parsed addresses
 * (so 2001:db8::1 and 2001:0db8::1 are one server), in two passes: the
 * first only finds what matches, so a request that matches nothing, or
 * has a bad argument, is refused before anything changed.  A real server
 * without a port of its own has its virtual service's port (the one the
 * table gives it), or matches any port where the service has none
 * (fwmark, group).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "check/check_admin.h"
#include "lib/log.h"

int check_admin_parse_rs(const char *s, int *af, union ipvs_addr *a,
			 uint16_t *port)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *p = NULL, *end;
	size_t n;

	*port = 0;
	memset(a, 0, sizeof(*a));
	if (!s || !*s)
		return -EINVAL;
	if (*s == '[') {
		end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		s++;
		n = (size_t)(end - s);
		p = end[1] ? end + 2 : NULL;
	} else if (strchr(s, ':') != strrchr(s, ':')) {
		n = strlen(s);		/* a bare IPv6 address */
	} else {
		end = strchr(s, ':');
		n = end ? (size_t)(end - s) : strlen(s);
		p = end ? end + 1 : NULL;
	}
	if (n == 0 || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &a->v4) == 1)
		*af = AF_INET;
	else if (inet_pton(AF_INET6, host, &a->v6) == 1)
		*af = AF_INET6;
	else
		return -EINVAL;
	if (p) {
		char *e;
		unsigned long v;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = strtoul(p, &e, 10);
		if (*e || v == 0 || v > 65535)
			return -EINVAL;
		*port = (uint16_t)v;
	}
	return 0;
}

struct target {
	int af;
	union ipvs_addr addr;
	uint16_t port;		/* 0: any */
	const char *vs;		/* NULL: any */
};

/* The port the table gives RS in VS; 0 when it depends on the entry of a
 * group or there is none (fwmark). */
static uint16_t rs_port(const struct check_vs *vs, const struct check_rs *rs)
{
	if (rs->port_set)
		return rs->port;
	return vs->kind == CHECK_VS_ADDR ? vs->port : 0;
}

static bool matches(const struct check_rs_rt *r, const struct target *t)
{
	uint16_t p = rs_port(r->vs, r->rs);
	char v[96];

	if (r->rs->af != t->af ||
	    memcmp(&r->rs->addr, &t->addr,
		   t->af == AF_INET6 ? sizeof(t->addr.v6) : sizeof(t->addr.v4)))
		return false;
	if (t->port && p && p != t->port)
		return false;
	if (!t->vs)
		return true;
	check_vs_name(r->vs, v, sizeof(v));
	return !strcmp(v, t->vs);
}

static struct json_object *error(const char *msg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static const char *str_arg(struct json_object *req, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* "IP:PORT" as a request names RS (a bare address when it has no port). */
static void rs_arg(const struct check_rs_rt *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	uint16_t p = rs_port(r->vs, r->rs);

	inet_ntop(r->rs->af == AF_INET6 ? AF_INET6 : AF_INET, r->rs->addr.raw,
		  a, sizeof(a));
	if (!p)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, r->rs->af == AF_INET6 ? "[%s]:%u" : "%s:%u",
			 a, p);
}

static struct json_object *rs_result(const struct check_rs_rt *r)
{
	struct json_object *o = json_object_new_object();
	const char *adm = check_admin_str(r->admin);
	char v[96], s[64];
	int w = check_rs_weight(r->vs, r->rs);

	check_vs_name(r->vs, v, sizeof(v));
	check_rs_name(r->rs, s, sizeof(s));
	json_object_object_add(o, "virtual_server", json_object_new_string(v));
	json_object_object_add(o, "real_server", json_object_new_string(s));
	json_object_object_add(o, "up", json_object_new_boolean(r->up));
	json_object_object_add(o, "admin", adm ? json_object_new_string(adm) : NULL);
	json_object_object_add(o, "weight", w >= 0 ? json_object_new_int(w) : NULL);
	return o;
}

static struct json_object *holds(const struct check_rt *rt)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	size_t n;
	struct check_rs_rt *const *all = check_rt_servers(rt, &n);

	for (size_t i = 0; i < n; i++) {
		const struct check_rs_rt *r = all[i];
		struct json_object *h;
		char v[96], s[64];

		if (!r->admin)
			continue;
		h = json_object_new_object();
		check_vs_name(r->vs, v, sizeof(v));
		rs_arg(r, s, sizeof(s));
		json_object_object_add(h, "cmd", json_object_new_string(
			r->admin == CHECK_ADMIN_DRAINED ? "drain" : "disable"));
		json_object_object_add(h, "rs", json_object_new_string(s));
		json_object_object_add(h, "vs", json_object_new_string(v));
		json_object_array_add(a, h);
	}
	json_object_object_add(o, "holds", a);
	return o;
}

static void log_change(const struct check_rs_rt *r, const char *cmd)
{
	char v[96], s[64];

	check_vs_name(r->vs, v, sizeof(v));
	check_rs_name(r->rs, s, sizeof(s));
	if (!strcmp(cmd, "poll"))
		log_info("real server %s of %s: checks run now (operator)", s, v);
	else if (!strcmp(cmd, "enable"))
		log_notice("real server %s of %s enabled by the operator: %s", s,
			   v, r->up ? "up, in the table" : "down, as its checkers say");
	else
		log_notice("real server %s of %s %s by the operator%s", s, v,
			   check_admin_str(r->admin),
			   r->admin == CHECK_ADMIN_DRAINED
				   ? ": weight 0, its connections go on"
				   : ": out of the table (weight 0 with "
				     "inhibit_on_failure)");
}

struct json_object *check_admin_command(struct check_rt *rt, const char *cmd,
					struct json_object *req)
{
	enum check_admin to = CHECK_ADMIN_NONE;
	struct json_object *reply, *list;
	struct target t;
	const char *rs;
	struct check_rs_rt *const *v;
	size_t hits = 0, n;
	bool changed = false;
	char msg[256] = "";

	if (!cmd)
		return NULL;
	if (!strcmp(cmd, "holds"))
		return holds(rt);
	if (!strcmp(cmd, "drain"))
		to = CHECK_ADMIN_DRAINED;
	else if (!strcmp(cmd, "disable"))
		to = CHECK_ADMIN_DISABLED;
	else if (strcmp(cmd, "enable") && strcmp(cmd, "poll"))
		return NULL;
	rs = str_arg(req, "rs");
	t.vs = str_arg(req, "vs");
	if (!rs)
		snprintf(msg, sizeof(msg), "%s: needs \"rs\": the real server "
			 "as IP:PORT", cmd);
	else if (check_admin_parse_rs(rs, &t.af, &t.addr, &t.port) < 0)
		snprintf(msg, sizeof(msg), "not a real server address (IP:PORT "
			 "or [IPv6]:PORT): %.64s", rs);
	else if (!t.vs && json_object_object_get(req, "vs"))
		snprintf(msg, sizeof(msg), "%s: \"vs\" must be a string", cmd);
	if (*msg)
		return error(msg);
	v = check_rt_servers(rt, &n);
	for (size_t i = 0; i < n; i++)
		hits += matches(v[i], &t);
	if (!hits) {
		snprintf(msg, sizeof(msg), "no such real server: %.64s%s%.96s",
			 rs, t.vs ? " in " : "", t.vs ? t.vs : "");
		return error(msg);
	}
	reply = json_object_new_object();
	list = json_object_new_array();
	json_object_object_add(reply, "cmd", json_object_new_string(cmd));
	for (size_t i = 0; i < n; i++) {
		struct check_rs_rt *r = v[i];

		if (!matches(r, &t))
			continue;
		if (!strcmp(cmd, "poll")) {
			check_rs_rt_poll(r);
			log_change(r, cmd);
		} else if (r->admin != to) {
			r->admin = to;
			changed = true;
			log_change(r, cmd);
		}
		json_object_array_add(list, rs_result(r));
	}
	json_object_object_add(reply, "real_servers", list);
	if (changed)
		check_rt_table_due(rt);
	return reply;
}
