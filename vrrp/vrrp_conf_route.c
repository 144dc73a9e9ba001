/*
 * Route and rule lines in keepalived's `ip route` / `ip rule` syntax:
 * virtual_routes and virtual_rules of a vrrp_instance, and the top-level
 * static_routes, static_rules (and static_ipaddress, whose lines are
 * virtual_ipaddress's).
 *
 *   [TYPE] [src ADDR] [to] PREFIX|default [via|gw ADDR] [dev IF]
 *          [table N] [metric|priority|preference N] [scope SCOPE]
 *          [proto N] [tos N] [mtu N] [onlink] [no_track]
 *          [nexthop [via ADDR] [dev IF] [weight 1..256] [onlink]]...
 *   TYPE := unicast | blackhole | unreachable | prohibit | throw
 *
 *   [from PREFIX|all] [to PREFIX|all] [priority|preference|prio N]
 *          [iif|dev IF] [oif IF] [fwmark MARK[/MASK]] [tos N]
 *          [table|lookup N | goto N | blackhole | unreachable | prohibit]
 *          [no_track] [inet6]
 *
 * Tables are numbers, main, local, default, or names from iproute2's
 * /etc/iproute2/rt_tables (and rt_tables.d), read when the file is.  As for addresses, a line
 * is all or nothing: the first problem is a located error naming the
 * word, and nothing of the line is kept.  A route or rule of either
 * family may sit in an instance of the other, as keepalived allows.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

/* The words of a line: the keyword position first, then the arguments. */
struct words {
	const struct conf_node *n;
	size_t i, len;
};

static const char *word_at(const struct words *w, size_t i)
{
	return i == 0 ? w->n->word : w->n->args[i - 1];
}

/* The value after word i, or an error naming it. */
static const char *value(struct conf_ctx *c, struct words *w)
{
	const char *k = word_at(w, w->i);

	if (w->i + 1 >= w->len) {
		conf_err(c, w->n, "'%s' needs a value", k);
		return NULL;
	}
	return word_at(w, ++w->i);
}

static int parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int num(struct conf_ctx *c, struct words *w, uint32_t max,
	       uint32_t *out)
{
	const char *k = word_at(w, w->i), *v = value(c, w);

	if (!v)
		return -1;
	if (parse_u32(v, out) < 0 || *out > max) {
		conf_err(c, w->n, "expected a number 0..%u after '%s', got "
			 "'%s'", max, k, v);
		return -1;
	}
	return 0;
}

/* A table name from iproute2's files (rt_tables, rt_tables.d/NAME.conf):
 * "NUMBER NAME" lines, '#' comments.  0 when not found. */
static uint32_t rt_table_file(const char *path, const char *name)
{
	char line[256], nm[128];
	uint32_t found = 0;
	unsigned long id;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%lu %127s", &id, nm) == 2 &&
		    !strcmp(nm, name) && id > 0 && id <= UINT32_MAX)
			found = (uint32_t)id;
	fclose(f);
	return found;
}

static uint32_t rt_table_named(const char *name)
{
	uint32_t id = rt_table_file("/etc/iproute2/rt_tables", name);
	glob_t g;

	if (id || glob("/etc/iproute2/rt_tables.d/*.conf", 0, NULL, &g))
		return id;
	for (size_t i = 0; !id && i < g.gl_pathc; i++)
		id = rt_table_file(g.gl_pathv[i], name);
	globfree(&g);
	return id;
}

static int table(struct conf_ctx *c, struct words *w, uint32_t *out)
{
	const char *k = word_at(w, w->i), *v = value(c, w);

	if (!v)
		return -1;
	if (!strcmp(v, "main"))
		*out = RT_TABLE_MAIN;
	else if (!strcmp(v, "local"))
		*out = RT_TABLE_LOCAL;
	else if (!strcmp(v, "default"))
		*out = RT_TABLE_DEFAULT;
	else if ((parse_u32(v, out) < 0 && !(*out = rt_table_named(v))) ||
		 *out == 0) {
		conf_err(c, w->n, "expected a table 1..%u, main, local, default "
			 "or a name of /etc/iproute2/rt_tables after '%s', got "
			 "'%s'", UINT32_MAX, k, v);
		return -1;
	}
	return 0;
}

/* ADDR[/PREFIX], "default" or "all" (when ANY) for the whole family. */
static int prefix(struct conf_ctx *c, const struct conf_node *n,
		  const char *what, const char *s, bool any,
		  sa_family_t *fam, uint8_t *addr, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	sa_family_t f;
	long p;

	if (any && (!strcmp(s, "default") || !strcmp(s, "all"))) {
		memset(addr, 0, 16);
		*plen = 0;
		return 0;	/* family left as it is */
	}
	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')))
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		f = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		f = AF_INET6;
	else
		goto bad;
	p = f == AF_INET ? 32 : 128;
	if (slash) {
		long max = p;

		errno = 0;
		p = strtol(slash, &end, 10);
		if (errno || end == slash || *end || p < 0 || p > max) {
			conf_err(c, n, "expected a prefix length 0..%ld in "
				 "'%s'", max, s);
			return -1;
		}
	}
	if (*fam != AF_UNSPEC && *fam != f) {
		conf_err(c, n, "%s %s is not of the family of the rest of the "
			 "line", what, s);
		return -1;
	}
	*fam = f;
	*plen = (uint8_t)p;
	return 0;
bad:
	conf_err(c, n, "expected %s IPv4 or IPv6 address[/PREFIX]%s, got "
		 "'%s'", what, any ? " or 'default'" : "", s);
	return -1;
}

static int host(struct conf_ctx *c, const struct conf_node *n,
		const char *what, const char *s, sa_family_t *fam,
		uint8_t *addr)
{
	uint8_t plen;
	sa_family_t f = *fam;

	if (strchr(s, '/')) {
		conf_err(c, n, "expected %s address without a prefix, got "
			 "'%s'", what, s);
		return -1;
	}
	if (prefix(c, n, what, s, false, &f, addr, &plen) < 0)
		return -1;
	*fam = f;
	return 0;
}

static int ifname(struct conf_ctx *c, const struct conf_node *n,
		  const char *k, const char *v)
{
	size_t len = strlen(v);

	if (!len || len > VRRP_CONF_IFNAME_MAX || strchr(v, '/') ||
	    strchr(v, ' ')) {
		conf_err(c, n, "expected an interface name of 1..%d "
			 "characters after '%s', got '%s'",
			 VRRP_CONF_IFNAME_MAX, k, v);
		return -1;
	}
	return 0;
}

static int scope_word(const char *s)
{
	static const struct { const char *w; int v; } sc[] = {
		{ "global", RT_SCOPE_UNIVERSE }, { "universe", RT_SCOPE_UNIVERSE },
		{ "site", RT_SCOPE_SITE }, { "link", RT_SCOPE_LINK },
		{ "host", RT_SCOPE_HOST }, { "nowhere", RT_SCOPE_NOWHERE },
	};
	uint32_t v;

	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++)
		if (!strcmp(s, sc[i].w))
			return sc[i].v;
	return parse_u32(s, &v) == 0 && v <= 255 ? (int)v : -1;
}

static int type_word(const char *s)
{
	if (!strcmp(s, "unicast")) return RTN_UNICAST;
	if (!strcmp(s, "blackhole")) return RTN_BLACKHOLE;
	if (!strcmp(s, "unreachable")) return RTN_UNREACHABLE;
	if (!strcmp(s, "prohibit")) return RTN_PROHIBIT;
	if (!strcmp(s, "throw")) return RTN_THROW;
	return -1;
}

void vrrp_route_free(struct vrrp_route *r)
{
	for (unsigned i = 0; i < NL_ROUTE_MAX_NH; i++)
		free(r->dev[i]);
	free(r->loc.file);
	memset(r, 0, sizeof(*r));
}

/* One next hop's words (via, gw, dev, weight, onlink) at w->i; *used
 * false when the word is none of them. */
static int nh_word(struct conf_ctx *c, struct words *w, struct vrrp_route *r,
		   unsigned h, bool in_nexthop, bool *used)
{
	const char *k = word_at(w, w->i), *v;
	struct nl_route_nh *nh = &r->s.nh[h];
	uint32_t u;

	*used = true;
	if (!strcmp(k, "via") || !strcmp(k, "gw")) {
		if (nh->has_gw) {
			conf_err(c, w->n, "'%s' given twice for one next hop",
				 k);
			return -1;
		}
		if (!(v = value(c, w)))
			return -1;
		/* `via inet6 ADDR` as ip route writes it */
		if ((!strcmp(v, "inet") || !strcmp(v, "inet6")) &&
		    !(v = value(c, w)))
			return -1;
		nh->gw_family = AF_UNSPEC;
		if (host(c, w->n, "a gateway", v, &nh->gw_family, nh->gw) < 0)
			return -1;
		nh->has_gw = true;
	} else if (!strcmp(k, "dev") || !strcmp(k, "oif")) {
		if (r->dev[h]) {
			conf_err(c, w->n, "'%s' given twice for one next hop",
				 k);
			return -1;
		}
		if (!(v = value(c, w)) || ifname(c, w->n, k, v) < 0)
			return -1;
		if (!(r->dev[h] = strdup(v))) {
			conf_err(c, w->n, "out of memory");
			return -1;
		}
	} else if (!strcmp(k, "onlink")) {
		nh->onlink = true;
	} else if (in_nexthop && !strcmp(k, "weight")) {
		if (num(c, w, 256, &u) < 0)
			return -1;
		if (!u) {
			conf_err(c, w->n, "expected a weight 1..256");
			return -1;
		}
		/* the kernel's rtnh_hops is the weight less one */
		nh->weight = (uint8_t)(u - 1);
	} else {
		*used = false;
	}
	return 0;
}

int vrrp_conf_parse_route(struct conf_ctx *c, const struct conf_node *n,
			  struct vrrp_route *out)
{
	struct vrrp_route r;
	struct words w = { .n = n, .len = n->nargs + 1 };
	bool have_dst = false, multipath = false;
	uint32_t u;
	int t;

	memset(&r, 0, sizeof(r));
	r.s.scope = -1;
	for (w.i = 0; w.i < w.len; w.i++) {
		const char *k = word_at(&w, w.i), *v;
		bool used;

		if (multipath && strcmp(k, "nexthop")) {
			if (nh_word(c, &w, &r, r.s.nnh - 1, true, &used) < 0)
				goto fail;
			if (used)
				continue;
		} else if (!multipath) {
			if (nh_word(c, &w, &r, 0, false, &used) < 0)
				goto fail;
			if (used) {
				r.s.nnh = 1;
				continue;
			}
		}
		if (!strcmp(k, "nexthop")) {
			if (!multipath && r.s.nnh) {
				conf_err(c, n, "'nexthop' cannot follow a "
					 "single next hop (via / dev) on the "
					 "same line");
				goto fail;
			}
			if (r.s.nnh == NL_ROUTE_MAX_NH) {
				conf_err(c, n, "at most %d next hops",
					 NL_ROUTE_MAX_NH);
				goto fail;
			}
			multipath = true;
			r.s.nnh++;
		} else if ((t = type_word(k)) >= 0 && !have_dst && !r.s.type) {
			r.s.type = (uint8_t)t;
		} else if (!strcmp(k, "src")) {
			if (r.s.has_src || !(v = value(c, &w)) ||
			    host(c, n, "a source", v, &r.s.family, r.s.src) < 0) {
				if (r.s.has_src)
					conf_err(c, n, "'src' given twice");
				goto fail;
			}
			r.s.has_src = true;
		} else if (!strcmp(k, "table")) {
			if (table(c, &w, &r.s.table) < 0)
				goto fail;
		} else if (!strcmp(k, "metric") || !strcmp(k, "priority") ||
			   !strcmp(k, "preference")) {
			if (num(c, &w, UINT32_MAX, &r.s.metric) < 0)
				goto fail;
			r.s.has_metric = true;
		} else if (!strcmp(k, "scope")) {
			if (!(v = value(c, &w)))
				goto fail;
			if ((r.s.scope = scope_word(v)) < 0) {
				conf_err(c, n, "expected a scope (global, site, "
					 "link, host, nowhere or 0..255), got "
					 "'%s'", v);
				goto fail;
			}
		} else if (!strcmp(k, "proto") || !strcmp(k, "protocol")) {
			if (num(c, &w, 255, &u) < 0)
				goto fail;
			r.s.protocol = (uint8_t)u;
		} else if (!strcmp(k, "tos") || !strcmp(k, "dsfield")) {
			if (num(c, &w, 255, &u) < 0)
				goto fail;
			r.s.tos = (uint8_t)u;
		} else if (!strcmp(k, "mtu")) {
			if (num(c, &w, 65535, &r.s.mtu) < 0)
				goto fail;
		} else if (!strcmp(k, "no_track")) {
			r.no_track = true;
		} else if (!have_dst) {
			if (!strcmp(k, "to") && !(k = value(c, &w)))
				goto fail;
			if (prefix(c, n, "a destination", k, true, &r.s.family,
				   r.s.dst, &r.s.dst_len) < 0)
				goto fail;
			have_dst = true;
		} else {
			conf_err(c, n, "unknown word '%s' in a route (expected "
				 "src, via, dev, table, metric, scope, proto, "
				 "tos, mtu, onlink, nexthop or no_track)", k);
			goto fail;
		}
	}
	if (!have_dst) {
		conf_err(c, n, "a route needs a destination (PREFIX or "
			 "'default')");
		goto fail;
	}
	if (r.s.family == AF_UNSPEC)	/* `default` alone */
		r.s.family = r.s.nnh && r.s.nh[0].has_gw ? r.s.nh[0].gw_family
							 : AF_INET;
	for (unsigned i = 0; i < r.s.nnh; i++) {
		if (r.s.nh[i].has_gw && r.s.nh[i].gw_family != r.s.family) {
			conf_err(c, n, "the gateway is not of the route's "
				 "family");
			goto fail;
		}
		if (multipath && !r.s.nh[i].has_gw && !r.dev[i]) {
			conf_err(c, n, "next hop %u has neither 'via' nor "
				 "'dev'", i + 1);
			goto fail;
		}
	}
	if (r.s.type && r.s.type != RTN_UNICAST && r.s.nnh) {
		conf_err(c, n, "a %s route has no next hop (via / dev)",
			 word_at(&w, 0));
		goto fail;
	}
	if ((!r.s.type || r.s.type == RTN_UNICAST) && !r.s.nnh) {
		conf_err(c, n, "a unicast route needs 'via' or 'dev'");
		goto fail;
	}
	if (vrrp_conf_loc_set(&r.loc, n) < 0) {
		conf_err(c, n, "out of memory");
		goto fail;
	}
	*out = r;
	return 0;
fail:
	vrrp_route_free(&r);
	return -1;
}

static int rule_action(struct vrrp_rule *r, const char *k)
{
	if (!strcmp(k, "blackhole")) r->s.action = FR_ACT_BLACKHOLE;
	else if (!strcmp(k, "unreachable")) r->s.action = FR_ACT_UNREACHABLE;
	else if (!strcmp(k, "prohibit")) r->s.action = FR_ACT_PROHIBIT;
	else return 0;
	return 1;
}

int vrrp_conf_parse_rule(struct conf_ctx *c, const struct conf_node *n,
			 struct vrrp_rule *out)
{
	struct vrrp_rule r;
	struct words w = { .n = n, .len = n->nargs + 1 };
	bool acted = false, any = false;
	uint32_t u;

	memset(&r, 0, sizeof(r));
	for (w.i = 0; w.i < w.len; w.i++) {
		const char *k = word_at(&w, w.i), *v;

		if (!strcmp(k, "from") || !strcmp(k, "to")) {
			bool from = k[0] == 'f';
			bool *has = from ? &r.s.has_src : &r.s.has_dst;

			if (*has) {
				conf_err(c, n, "'%s' given twice", k);
				goto fail;
			}
			if (!(v = value(c, &w)) ||
			    prefix(c, n, from ? "a source" : "a destination", v,
				   true, &r.s.family, from ? r.s.src : r.s.dst,
				   from ? &r.s.src_len : &r.s.dst_len) < 0)
				goto fail;
			/* `from all`: any source, nothing to send */
			*has = strcmp(v, "all") && strcmp(v, "default");
		} else if (!strcmp(k, "priority") || !strcmp(k, "preference") ||
			   !strcmp(k, "prio") || !strcmp(k, "pref")) {
			if (num(c, &w, UINT32_MAX, &r.s.prio) < 0)
				goto fail;
			r.s.has_prio = true;
		} else if (!strcmp(k, "iif") || !strcmp(k, "dev") ||
			   !strcmp(k, "oif")) {
			char *dst = k[0] == 'o' ? r.s.oif : r.s.iif;

			if (!(v = value(c, &w)) || ifname(c, n, k, v) < 0)
				goto fail;
			snprintf(dst, IF_NAMESIZE, "%s", v);
		} else if (!strcmp(k, "fwmark")) {
			char buf[32], *slash;

			if (!(v = value(c, &w)))
				goto fail;
			snprintf(buf, sizeof(buf), "%s", v);
			if ((slash = strchr(buf, '/')))
				*slash++ = '\0';
			if (parse_u32(buf, &r.s.mark) < 0 ||
			    (slash && (parse_u32(slash, &r.s.mask) < 0 ||
				       !r.s.mask))) {
				conf_err(c, n, "expected MARK[/MASK] (32-bit "
					 "numbers, a mask not 0) after 'fwmark', "
					 "got '%s'", v);
				goto fail;
			}
			r.s.has_mark = true;
		} else if (!strcmp(k, "tos") || !strcmp(k, "dsfield")) {
			if (num(c, &w, 255, &u) < 0)
				goto fail;
			r.s.tos = (uint8_t)u;
		} else if (!acted && (!strcmp(k, "table") ||
				      !strcmp(k, "lookup"))) {
			if (table(c, &w, &r.s.table) < 0)
				goto fail;
			acted = true;
		} else if (!acted && !strcmp(k, "goto")) {
			if (num(c, &w, UINT32_MAX, &r.s.goto_prio) < 0)
				goto fail;
			r.s.action = FR_ACT_GOTO;
			acted = true;
		} else if (!acted && rule_action(&r, k)) {
			acted = true;
		} else if (!strcmp(k, "no_track")) {
			r.no_track = true;
		} else if (!strcmp(k, "inet6") || !strcmp(k, "-6")) {
			if (r.s.family == AF_INET) {
				conf_err(c, n, "'%s' on a line with IPv4 "
					 "addresses", k);
				goto fail;
			}
			r.s.family = AF_INET6;
		} else if (!strcmp(k, "not")) {
			conf_err(c, n, "'not' in a rule is not implemented yet");
			goto fail;
		} else {
			conf_err(c, n, "unknown word '%s' in a rule (expected "
				 "from, to, priority, iif, oif, fwmark, tos, "
				 "table, goto, blackhole, unreachable, "
				 "prohibit or no_track)%s", k,
				 acted ? "; the action was given already" : "");
			goto fail;
		}
		any = true;
	}
	if (!any || !acted) {
		conf_err(c, n, "a rule needs an action: table N, goto N, "
			 "blackhole, unreachable or prohibit");
		goto fail;
	}
	if (r.s.family == AF_UNSPEC)
		r.s.family = AF_INET;
	if (vrrp_conf_loc_set(&r.loc, n) < 0) {
		conf_err(c, n, "out of memory");
		goto fail;
	}
	*out = r;
	return 0;
fail:
	free(r.loc.file);
	return -1;
}

/* ------------------------------------------------------------------ */
/* The lists                                                            */

static int add_route(struct conf_ctx *c, const struct conf_node *n,
		     struct vrrp_route **arr, size_t *len)
{
	struct vrrp_route r, *grown;

	if (vrrp_conf_parse_route(c, n, &r) < 0)
		return -1;
	if (!(grown = realloc(*arr, (*len + 1) * sizeof(*grown)))) {
		vrrp_route_free(&r);
		conf_err(c, n, "out of memory");
		return -1;
	}
	grown[(*len)++] = r;
	*arr = grown;
	return 0;
}

static int add_rule(struct conf_ctx *c, const struct conf_node *n,
		    struct vrrp_rule **arr, size_t *len)
{
	struct vrrp_rule r, *grown;

	if (vrrp_conf_parse_rule(c, n, &r) < 0)
		return -1;
	if (!(grown = realloc(*arr, (*len + 1) * sizeof(*grown)))) {
		free(r.loc.file);
		conf_err(c, n, "out of memory");
		return -1;
	}
	grown[(*len)++] = r;
	*arr = grown;
	return 0;
}

int vrrp_conf_h_vroute(struct conf_ctx *c, const struct conf_node *n,
		       void *obj)
{
	struct vrrp_conf_instance *in = obj;

	return add_route(c, n, &in->vroutes, &in->nvroutes);
}

int vrrp_conf_h_vrule(struct conf_ctx *c, const struct conf_node *n,
		      void *obj)
{
	struct vrrp_conf_instance *in = obj;

	return add_rule(c, n, &in->vrules, &in->nvrules);
}

int vrrp_conf_h_static_route(struct conf_ctx *c, const struct conf_node *n,
			     void *obj)
{
	struct vrrp_conf *vc = obj;

	return add_route(c, n, &vc->sroutes, &vc->nsroutes);
}

int vrrp_conf_h_static_rule(struct conf_ctx *c, const struct conf_node *n,
			    void *obj)
{
	struct vrrp_conf *vc = obj;

	return add_rule(c, n, &vc->srules, &vc->nsrules);
}

/* A static address has no instance to lend it an interface. */
int vrrp_conf_h_static_addr(struct conf_ctx *c, const struct conf_node *n,
			    void *obj)
{
	struct vrrp_conf *vc = obj;
	struct vrrp_vip v, *grown;

	for (size_t i = 0; i < n->nargs; i++)
		if (!strcmp(n->args[i], "track_group")) {
			conf_err(c, n, "'track_group' on a static address is a "
				 "keepalived option that tandem does not "
				 "implement yet");
			return -1;
		}
	if (vrrp_conf_parse_vip(c, n, &v) < 0)
		return -1;
	if (!v.dev) {
		conf_err(c, n, "a static address needs 'dev IF' (%s)", n->word);
		vrrp_vip_free(&v);
		return -1;
	}
	if (!(grown = realloc(vc->svips, (vc->nsvips + 1) * sizeof(*grown)))) {
		vrrp_vip_free(&v);
		conf_err(c, n, "out of memory");
		return -1;
	}
	grown[vc->nsvips++] = v;
	vc->svips = grown;
	return 0;
}

static void free_lists(struct vrrp_route *ro, size_t nro, struct vrrp_rule *ru,
		       size_t nru)
{
	for (size_t i = 0; i < nro; i++)
		vrrp_route_free(&ro[i]);
	free(ro);
	for (size_t i = 0; i < nru; i++)
		free(ru[i].loc.file);
	free(ru);
}

void vrrp_conf_routes_free(struct vrrp_conf_instance *in)
{
	free_lists(in->vroutes, in->nvroutes, in->vrules, in->nvrules);
	in->vroutes = NULL;
	in->vrules = NULL;
	in->nvroutes = in->nvrules = 0;
}

void vrrp_conf_static_free(struct vrrp_conf *vc)
{
	for (size_t i = 0; i < vc->nsvips; i++)
		vrrp_vip_free(&vc->svips[i]);
	free(vc->svips);
	free_lists(vc->sroutes, vc->nsroutes, vc->srules, vc->nsrules);
	vc->svips = NULL;
	vc->sroutes = NULL;
	vc->srules = NULL;
	vc->nsvips = vc->nsroutes = vc->nsrules = 0;
}
