/*
 * Routes and rules through lib/nl_route.h and lib/nl_rule.h (see
 * vrrp_routes.h).
 *
 * An instance's routes go in after its VIPs and out before them, so a
 * route whose `src` is a VIP always finds it.  A next hop's interface is
 * looked up by name each time (an interface may come and go between two
 * masterships); a route whose interface is missing is logged and left
 * out, the rest still go in.  Errors are logged, never fatal: the VIPs
 * matter more than one route the kernel refused.
 *
 * The static lists are made to match the config by difference, so a
 * reload that keeps a static route never takes it away, even briefly.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/nl_addr.h"
#include "lib/nl_route.h"
#include "lib/nl_rule.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_routes.h"

/* The spec with its interfaces resolved; false (logged) if one is gone. */
static bool resolve(const char *who, const struct vrrp_route *r,
		    struct nl_route_spec *s)
{
	*s = r->s;
	for (unsigned i = 0; i < s->nnh; i++) {
		if (!r->dev[i])
			continue;
		s->nh[i].ifindex = (int)if_nametoindex(r->dev[i]);
		if (!s->nh[i].ifindex) {
			log_warn("%s: route at %s:%d: interface %s not found",
				 who, vrrp_conf_loc_file(&r->loc) ?
				 vrrp_conf_loc_file(&r->loc) : "?",
				 r->loc.line, r->dev[i]);
			return false;
		}
	}
	return true;
}

static int route_one(struct nl_sock *nl, const char *who,
		     const struct vrrp_route *r, bool add, bool quiet)
{
	struct nl_route_spec s;
	char buf[256];
	int rc;

	if (!resolve(who, r, &s))
		return -ENODEV;
	rc = add ? nl_route_add(nl, &s) : nl_route_del(nl, &s);
	nl_route_str(&s, buf, sizeof(buf));
	if (rc < 0)
		log_err("%s: cannot %s route %s: %s", who,
			add ? "add" : "remove", buf, strerror(-rc));
	else if (rc == 0 && !quiet)
		log_info("%s: %s route %s", who, add ? "added" : "removed",
			 buf);
	return rc;
}

static int rule_one(struct nl_sock *nl, const char *who,
		     const struct vrrp_rule *r, bool add, bool quiet)
{
	char buf[256];
	int rc = add ? nl_rule_add(nl, &r->s) : nl_rule_del(nl, &r->s);

	nl_rule_str(&r->s, buf, sizeof(buf));
	if (rc < 0)
		log_err("%s: cannot %s rule %s: %s", who,
			add ? "add" : "remove", buf, strerror(-rc));
	else if (rc == 0 && !quiet)
		log_info("%s: %s rule %s", who, add ? "added" : "removed", buf);
	return rc;
}

int vrrp_static_route_restore(struct nl_sock *nl, const struct vrrp_route *r)
{
	return route_one(nl, "static", r, true, true);
}

int vrrp_static_rule_restore(struct nl_sock *nl, const struct vrrp_rule *r)
{
	return rule_one(nl, "static", r, true, true);
}

void vrrp_routes_inst(struct vrrp_inst *vi, bool add, bool quiet)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	char who[64];

	if (!ci->nvroutes && !ci->nvrules)
		return;
	snprintf(who, sizeof(who), "VRRP_Instance(%s)", ci->name);
	/* routes before the rules that point at their tables; out in the
	 * other order */
	if (add) {
		for (size_t i = 0; i < ci->nvroutes; i++)
			route_one(vi->env->nl, who, &ci->vroutes[i], true, quiet);
		for (size_t i = 0; i < ci->nvrules; i++)
			rule_one(vi->env->nl, who, &ci->vrules[i], true, quiet);
	} else {
		for (size_t i = 0; i < ci->nvrules; i++)
			rule_one(vi->env->nl, who, &ci->vrules[i], false, quiet);
		for (size_t i = 0; i < ci->nvroutes; i++)
			route_one(vi->env->nl, who, &ci->vroutes[i], false, quiet);
	}
}

/* ------------------------------------------------------------------ */
/* Static entries                                                       */

static bool route_eq(const struct vrrp_route *a, const struct vrrp_route *b)
{
	if (memcmp(&a->s, &b->s, sizeof(a->s)))
		return false;
	for (unsigned i = 0; i < NL_ROUTE_MAX_NH; i++)
		if (!a->dev[i] != !b->dev[i] ||
		    (a->dev[i] && strcmp(a->dev[i], b->dev[i])))
			return false;
	return true;
}

static bool vip_eq(const struct vrrp_vip *a, const struct vrrp_vip *b)
{
	return vrrp_conf_ip_eq(&a->addr, &b->addr) && a->prefix == b->prefix &&
	       !strcmp(a->dev, b->dev);
}

static int addr_one(struct nl_sock *nl, const struct vrrp_vip *v, bool add)
{
	struct nl_addr_spec s;
	char buf[64];
	int rc;

	memset(&s, 0, sizeof(s));
	s.ifindex = (int)if_nametoindex(v->dev);
	s.family = v->addr.family;
	memcpy(s.addr, &v->addr.u, v->addr.family == AF_INET ? 4 : 16);
	s.prefixlen = v->prefix;
	if (v->has_peer) {
		s.has_peer = true;
		memcpy(s.peer, &v->peer.u, v->peer.family == AF_INET ? 4 : 16);
	}
	if (v->has_brd) {
		s.has_brd = true;
		memcpy(s.brd, &v->brd, 4);
	}
	if (v->label)
		snprintf(s.label, sizeof(s.label), "%s", v->label);
	s.scope = v->scope < 0 ? 0 : (uint8_t)v->scope;
	vrrp_conf_ip_str(&v->addr, buf, sizeof(buf));
	if (!s.ifindex) {
		if (add)
			log_warn("static address %s: interface %s not found",
				 buf, v->dev);
		return -ENODEV;
	}
	rc = add ? nl_addr_add(nl, &s) : nl_addr_del(nl, &s);
	if (rc < 0)
		log_err("cannot %s static address %s/%u dev %s: %s",
			add ? "add" : "remove", buf, v->prefix, v->dev,
			strerror(-rc));
	else if (rc == 0)
		log_info("%s static address %s/%u dev %s",
			 add ? "added" : "removed", buf, v->prefix, v->dev);
	return rc;
}

int vrrp_static_addr_restore(struct nl_sock *nl, const struct vrrp_vip *v)
{
	return addr_one(nl, v, true);
}

void vrrp_static_set(struct nl_sock *nl, const struct vrrp_conf *now,
		     const struct vrrp_conf *before)
{
	static const struct vrrp_conf none;
	const struct vrrp_conf *n = now ? now : &none;
	const struct vrrp_conf *b = before ? before : &none;
	const char *who = "static";

	/* Out first what is no longer wanted: rules, routes, addresses. */
	for (size_t i = 0; i < b->nsrules; i++) {
		bool keep = false;

		for (size_t j = 0; j < n->nsrules && !keep; j++)
			keep = !memcmp(&b->srules[i].s, &n->srules[j].s,
				       sizeof(b->srules[i].s));
		if (!keep)
			rule_one(nl, who, &b->srules[i], false, false);
	}
	for (size_t i = 0; i < b->nsroutes; i++) {
		bool keep = false;

		for (size_t j = 0; j < n->nsroutes && !keep; j++)
			keep = route_eq(&b->sroutes[i], &n->sroutes[j]);
		if (!keep)
			route_one(nl, who, &b->sroutes[i], false, false);
	}
	for (size_t i = 0; i < b->nsvips; i++) {
		bool keep = false;

		for (size_t j = 0; j < n->nsvips && !keep; j++)
			keep = vip_eq(&b->svips[i].v, &n->svips[j].v);
		if (!keep)
			addr_one(nl, &b->svips[i].v, false);
	}
	/* Then in: addresses, routes (whose src may be one), rules. */
	for (size_t i = 0; i < n->nsvips; i++)
		addr_one(nl, &n->svips[i].v, true);
	for (size_t i = 0; i < n->nsroutes; i++)
		route_one(nl, who, &n->sroutes[i], true, before != NULL);
	for (size_t i = 0; i < n->nsrules; i++)
		rule_one(nl, who, &n->srules[i], true, before != NULL);
}
