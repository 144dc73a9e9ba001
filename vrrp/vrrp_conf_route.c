/*
 * Route lines in keepalived's `ip route` syntax: virtual_routes of a
 * vrrp_instance and the top-level static_routes; and the lists of
 * routes, rules and static addresses (static_ipaddress lines are
 * virtual_ipaddress's, with a dev).
 *
 *   [TYPE] [src ADDR] [to] PREFIX|default [via|gw ADDR] [dev IF]
 *          [table N] [metric|priority|preference N] [scope SCOPE]
 *          [proto N] [tos N] [mtu N] [onlink] [no_track]
 *          [nexthop [via ADDR] [dev IF] [weight 1..256] [onlink]]...
 *   TYPE := unicast | blackhole | unreachable | prohibit | throw
 *
 * As for addresses, a line is all or nothing: the first problem is a
 * located error naming the word, and nothing of the line is kept.  A
 * route of either family may sit in an instance of the other, as
 * keepalived allows.  The rules are vrrp_conf_rule.c's.
 */
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_conf_words.h"

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
	return cw_u32(s, &v) == 0 && v <= 255 ? (int)v : -1;
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
	free(r->track_group);
	vrrp_conf_loc_free(&r->loc);
	memset(r, 0, sizeof(*r));
}

/* One next hop's words (via, gw, dev, weight, onlink) at w->i; *used
 * false when the word is none of them. */
static int nh_word(struct conf_ctx *c, struct cw_words *w, struct vrrp_route *r,
		   unsigned h, bool in_nexthop, bool *used)
{
	const char *k = cw_word(w, w->i), *v;
	struct nl_route_nh *nh = &r->s.nh[h];
	uint32_t u;

	*used = true;
	if (!strcmp(k, "via") || !strcmp(k, "gw")) {
		if (nh->has_gw) {
			conf_err(c, w->n, "'%s' given twice for one next hop",
				 k);
			return -1;
		}
		if (!(v = cw_value(c, w)))
			return -1;
		/* `via inet6 ADDR` as ip route writes it */
		if ((!strcmp(v, "inet") || !strcmp(v, "inet6")) &&
		    !(v = cw_value(c, w)))
			return -1;
		nh->gw_family = AF_UNSPEC;
		if (cw_host(c, w->n, "a gateway", v, &nh->gw_family, nh->gw) < 0)
			return -1;
		nh->has_gw = true;
	} else if (!strcmp(k, "dev") || !strcmp(k, "oif")) {
		if (r->dev[h]) {
			conf_err(c, w->n, "'%s' given twice for one next hop",
				 k);
			return -1;
		}
		if (!(v = cw_value(c, w)) || cw_ifname(c, w->n, k, v) < 0)
			return -1;
		if (!(r->dev[h] = strdup(v))) {
			conf_err(c, w->n, "out of memory");
			return -1;
		}
	} else if (!strcmp(k, "onlink")) {
		nh->onlink = true;
	} else if (in_nexthop && !strcmp(k, "weight")) {
		if (cw_num(c, w, 256, &u) < 0)
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
	struct cw_words w = { .n = n, .len = n->nargs + 1 };
	bool have_dst = false, multipath = false;
	uint32_t u;
	int t;

	memset(&r, 0, sizeof(r));
	r.s.scope = -1;
	for (w.i = 0; w.i < w.len; w.i++) {
		const char *k = cw_word(&w, w.i), *v;
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
			if (r.s.has_src || !(v = cw_value(c, &w)) ||
			    cw_host(c, n, "a source", v, &r.s.family, r.s.src) < 0) {
				if (r.s.has_src)
					conf_err(c, n, "'src' given twice");
				goto fail;
			}
			r.s.has_src = true;
		} else if (!strcmp(k, "table")) {
			if (cw_table(c, &w, &r.s.table) < 0)
				goto fail;
		} else if (!strcmp(k, "metric") || !strcmp(k, "priority") ||
			   !strcmp(k, "preference")) {
			if (cw_num(c, &w, UINT32_MAX, &r.s.metric) < 0)
				goto fail;
			r.s.has_metric = true;
		} else if (!strcmp(k, "scope")) {
			if (!(v = cw_value(c, &w)))
				goto fail;
			if ((r.s.scope = scope_word(v)) < 0) {
				conf_err(c, n, "expected a scope (global, site, "
					 "link, host, nowhere or 0..255), got "
					 "'%s'", v);
				goto fail;
			}
		} else if (!strcmp(k, "proto") || !strcmp(k, "protocol")) {
			if (cw_num(c, &w, 255, &u) < 0)
				goto fail;
			r.s.protocol = (uint8_t)u;
		} else if (!strcmp(k, "tos") || !strcmp(k, "dsfield")) {
			if (cw_num(c, &w, 255, &u) < 0)
				goto fail;
			r.s.tos = (uint8_t)u;
		} else if (!strcmp(k, "mtu")) {
			if (cw_num(c, &w, 65535, &r.s.mtu) < 0)
				goto fail;
		} else if (!strcmp(k, "no_track")) {
			r.no_track = true;
		} else if (!have_dst) {
			if (!strcmp(k, "to") && !(k = cw_value(c, &w)))
				goto fail;
			if (cw_prefix(c, n, "a destination", k, true, &r.s.family,
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
			 cw_word(&w, 0));
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

/* ------------------------------------------------------------------ */
/* The lists                                                            */

static int add_route(struct conf_ctx *c, const struct conf_node *n,
		     struct vrrp_route **arr, uint32_t *len)
{
	struct vrrp_route r, *grown = NULL;

	if (vrrp_conf_parse_route(c, n, &r) < 0)
		return -1;
	/* the counts are 32 bits (an instance keeps two, 1,000 times) */
	if (*len < UINT32_MAX)
		grown = realloc(*arr, ((size_t)*len + 1) * sizeof(*grown));
	if (!grown) {
		vrrp_route_free(&r);
		conf_err(c, n, "out of memory");
		return -1;
	}
	grown[(*len)++] = r;
	*arr = grown;
	return 0;
}

static int add_rule(struct conf_ctx *c, const struct conf_node *n,
		    struct vrrp_rule **arr, uint32_t *len)
{
	struct vrrp_rule r, *grown = NULL;

	if (vrrp_conf_parse_rule(c, n, &r) < 0)
		return -1;
	if (*len < UINT32_MAX)
		grown = realloc(*arr, ((size_t)*len + 1) * sizeof(*grown));
	if (!grown) {
		vrrp_conf_loc_free(&r.loc);
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

/* track_group NAME is the static lines' own (vrrp_conf_track_group.c
 * resolves it): *REST is N without it, to be read as a VRRP address,
 * route or rule (its words in *ARGS, to free); *TG the name or NULL. */
static int split_tg(struct conf_ctx *c, const struct conf_node *n,
		    struct conf_node *rest, char ***args, char **tg)
{
	*rest = *n;
	*tg = NULL;
	if (!(*args = calloc(n->nargs + 1, sizeof(**args)))) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	rest->args = *args;
	rest->nargs = 0;
	for (size_t i = 0; i < n->nargs; i++) {
		if (strcmp(n->args[i], "track_group")) {
			rest->args[rest->nargs++] = n->args[i];
			continue;
		}
		if (i + 1 >= n->nargs || *tg) {
			conf_err(c, n, *tg ? "'track_group' given twice" :
				 "'track_group' needs a value (%s)", n->word);
			free(*args);
			return -1;
		}
		*tg = n->args[++i];
	}
	if (*tg && !(*tg = strdup(*tg))) {
		conf_err(c, n, "out of memory");
		free(*args);
		return -1;
	}
	return 0;
}

int vrrp_conf_h_static_route(struct conf_ctx *c, const struct conf_node *n,
			     void *obj)
{
	struct vrrp_conf *vc = obj;
	struct conf_node rest;
	char **args, *tg;
	int r;

	if (split_tg(c, n, &rest, &args, &tg) < 0)
		return -1;
	r = add_route(c, &rest, &vc->sroutes, &vc->nsroutes);
	free(args);
	if (r < 0)
		free(tg);
	else
		vc->sroutes[vc->nsroutes - 1].track_group = tg;
	return r;
}

int vrrp_conf_h_static_rule(struct conf_ctx *c, const struct conf_node *n,
			    void *obj)
{
	struct vrrp_conf *vc = obj;
	struct conf_node rest;
	char **args, *tg;
	int r;

	if (split_tg(c, n, &rest, &args, &tg) < 0)
		return -1;
	r = add_rule(c, &rest, &vc->srules, &vc->nsrules);
	free(args);
	if (r < 0) {
		free(tg);
		return r;
	}
	vc->srules[vc->nsrules - 1].track_group = tg;
	/* the kernel tells a copy of a rule from the rule by its preference
	 * only: one without would be added again at each look */
	if (tg && !vc->srules[vc->nsrules - 1].s.has_prio) {
		conf_err(c, n, "a rule with track_group needs a preference "
			 "(priority N)");
		return -1;
	}
	return 0;
}

static void svip_free(struct vrrp_svip *s)
{
	vrrp_vip_free(&s->v);
	free(s->track_group);
	s->track_group = NULL;
	s->tg = NULL;
}

/* A static address has no instance to lend it an interface. */
int vrrp_conf_h_static_addr(struct conf_ctx *c, const struct conf_node *n,
			    void *obj)
{
	struct vrrp_conf *vc = obj;
	struct vrrp_svip s = { 0 }, *grown;
	struct vrrp_vip *v = &s.v;
	struct conf_node rest;
	char **args;
	int r;

	if (split_tg(c, n, &rest, &args, &s.track_group) < 0)
		return -1;
	r = vrrp_conf_parse_vip(c, &rest, v);
	free(args);
	if (r < 0) {
		free(s.track_group);
		return -1;
	}
	if (v->use_vmac) {
		conf_err(c, n, "'use_vmac' applies to VRRP addresses, not to "
			 "a static address (%s)", n->word);
		svip_free(&s);
		return -1;
	}
	if (!v->dev) {
		conf_err(c, n, "a static address needs 'dev IF' (%s)", n->word);
		svip_free(&s);
		return -1;
	}
	if (!(grown = realloc(vc->svips, (vc->nsvips + 1) * sizeof(*grown)))) {
		svip_free(&s);
		conf_err(c, n, "out of memory");
		return -1;
	}
	grown[vc->nsvips++] = s;
	vc->svips = grown;
	return 0;
}

static void free_lists(struct vrrp_route *ro, size_t nro, struct vrrp_rule *ru,
		       size_t nru)
{
	for (size_t i = 0; i < nro; i++)
		vrrp_route_free(&ro[i]);
	free(ro);
	for (size_t i = 0; i < nru; i++) {
		free(ru[i].track_group);
		vrrp_conf_loc_free(&ru[i].loc);
	}
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
		svip_free(&vc->svips[i]);
	free(vc->svips);
	free_lists(vc->sroutes, vc->nsroutes, vc->srules, vc->nsrules);
	vc->svips = NULL;
	vc->sroutes = NULL;
	vc->srules = NULL;
	vc->nsvips = vc->nsroutes = vc->nsrules = 0;
}
