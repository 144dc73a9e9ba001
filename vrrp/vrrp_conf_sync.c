/*
 * vrrp_sync_group blocks, and the checks that need the whole file.
 *
 * A sync group names instances that may be defined after it, so its
 * members are only looked up once every block was applied, in
 * vrrp_conf_check().  The same function settles what an instance takes
 * from global_defs (the VRRP version, strict mode, the default interface)
 * and checks what depends on it, and finds instances that would answer
 * the same adverts: same interface, family and VRID, and the same
 * multicast group or a shared unicast peer.
 *
 * The messages are added to the diagnostics directly with the locations
 * kept in the objects, since the tree may be gone by then; each names the
 * keyword of the statement it points at, as conf_err does.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

#define NOTIMPL(n)	{ .name = n, .type = CONF_T_NOTIMPL, \
			  .flags = CONF_KW_MULTI }

static int sg_smtp_alert(struct conf_ctx *c, const struct conf_node *n,
			 void *obj)
{
	(void)c;
	(void)n;
	((struct vrrp_conf_sync_group *)obj)->smtp_alert_set = true;
	return 0;
}

static int sg_prio_changes(struct conf_ctx *c, const struct conf_node *n,
			   void *obj)
{
	(void)c;
	(void)n;
	((struct vrrp_conf_sync_group *)obj)->notify_priority_changes_set =
		true;
	return 0;
}

/* Each word of each line is an instance name (keepalived allows several
 * on a line). */
static int h_group(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_sync_group *g = obj;

	for (size_t i = 0; i <= n->nargs; i++) {
		const char *name = i ? n->args[i - 1] : n->word;
		char **m;
		struct vrrp_conf_loc *l;

		for (size_t j = 0; j < g->nmembers; j++)
			if (!strcmp(g->members[j], name)) {
				conf_err(c, n, "instance '%s' listed twice in "
					 "sync group '%s'", name, g->name);
				return -1;
			}
		m = realloc(g->members, (g->nmembers + 1) * sizeof(*m));
		if (m)
			g->members = m;
		l = realloc(g->member_loc, (g->nmembers + 1) * sizeof(*l));
		if (l)
			g->member_loc = l;
		if (!m || !l)
			goto nomem;
		memset(&l[g->nmembers], 0, sizeof(*l));
		if (!(m[g->nmembers] = strdup(name)))
			goto nomem;
		if (vrrp_conf_loc_set(&l[g->nmembers], n) < 0) {
			free(m[g->nmembers]);
			goto nomem;
		}
		g->nmembers++;
	}
	return 0;
nomem:
	conf_err(c, n, "out of memory");
	return -1;
}

static int h_global_tracking(struct conf_ctx *c, const struct conf_node *n,
			     void *obj)
{
	(void)obj;
	conf_warn(c, n, "deprecated: use track_interface / track_file in the "
		  "sync group, or sync_group_tracking_weight, which it means");
	return 0;
}

const struct conf_keyword vrrp_sync_group_keywords[] = {
	{ .name = "group", .type = CONF_T_LIST, .handler = h_group,
	  .flags = CONF_KW_MULTI, .expect = "a block of vrrp_instance names" },
	/* trackers shared by every member: vrrp_conf_track.c */
	{ .name = "track_interface", .type = CONF_T_LIST,
	  .handler = vrrp_conf_sg_h_track_if, .flags = CONF_KW_MULTI,
	  .expect = "a block of INTERFACE [weight -253..253 [reverse]]" },
	{ .name = "track_file", .type = CONF_T_LIST,
	  .handler = vrrp_conf_sg_h_track_file, .flags = CONF_KW_MULTI,
	  .expect = "a block of TRACK_FILE [weight -254..254 "
		    "[reverse|noreverse]]" },
	{ .name = "sync_group_tracking_weight", .type = CONF_T_FLAG,
	  .offset = offsetof(struct vrrp_conf_sync_group, tracking_weight) },
	/* keepalived deprecated it for sync_group_tracking_weight, which
	 * replaces it */
	{ .name = "global_tracking", .type = CONF_T_FLAG,
	  .offset = offsetof(struct vrrp_conf_sync_group, tracking_weight),
	  .handler = h_global_tracking },
	/* issue 4: the rest of the group's tracking, its notifications */
	{ .name = "track_process", .type = CONF_T_LIST,
	  .handler = vrrp_conf_sg_h_track_proc, .flags = CONF_KW_MULTI,
	  .expect = "a block of TRACK_PROCESS [weight -254..254 "
		    "[reverse|noreverse]]" },
	{ .name = "track_script", .type = CONF_T_LIST,
	  .handler = vrrp_conf_sg_h_track_script, .flags = CONF_KW_MULTI,
	  .expect = "a block of VRRP_SCRIPT [weight -253..253 "
		    "[reverse|noreverse]]" },
	NOTIMPL("track_bfd"),
	VRRP_CONF_NOTIFY_KEYWORDS(struct vrrp_conf_sync_group, sg_prio_changes),
	{ .name = "smtp_alert", .type = CONF_T_BOOL,
	  .offset = offsetof(struct vrrp_conf_sync_group, smtp_alert),
	  .handler = sg_smtp_alert },
	{ .name = NULL },
};

static void *sg_open(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	struct vrrp_conf *vc = parent;
	struct vrrp_conf_sync_group *g, **grown;

	if (n->nargs != 1) {
		conf_err(c, n, "expected one group name before '{', got %zu "
			 "words", n->nargs);
		return NULL;
	}
	if (!(g = calloc(1, sizeof(*g))))
		goto nomem;
	grown = realloc(vc->groups, (vc->ngroups + 1) * sizeof(*grown));
	if (!grown) {
		free(g);
		goto nomem;
	}
	vc->groups = grown;
	vc->groups[vc->ngroups++] = g;
	if (!(g->name = strdup(n->args[0])) || vrrp_conf_loc_set(&g->loc, n))
		goto nomem;
	return g;
nomem:
	conf_err(c, n, "out of memory");
	return NULL;
}

static int sg_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_sync_group *g = obj;

	if (!g->nmembers)
		conf_err(c, n, "sync group '%s' has no members (expected "
			 "group { INSTANCE ... })", g->name);
	else if (g->nmembers == 1)
		conf_warn(c, n, "sync group '%s' has only one member, '%s'; "
			  "a group synchronises two or more", g->name,
			  g->members[0]);
	return 0;
}

const struct conf_block vrrp_sync_group_block = {
	.name = "vrrp_sync_group",
	.keywords = vrrp_sync_group_keywords,
	.open = sg_open,
	.close = sg_close,
};

int vrrp_conf_sync_group_stmt(struct conf_ctx *c, const struct conf_node *n,
			      void *obj)
{
	if (!n->block) {
		conf_err(c, n, "expected NAME {, got no block");
		return -1;
	}
	return conf_apply_block(c, n, &vrrp_sync_group_block, obj);
}

/* ------------------------------------------------------------------ */

static const char *fam(int f)
{
	return f == AF_INET6 ? "IPv6" : "IPv4";
}

static void vdiag_at(struct conf_diag *d, enum conf_severity sev,
		     const struct vrrp_conf_loc *l,
		     const struct vrrp_conf_loc *fallback, const char *kw,
		     const char *fmt, va_list ap)
{
	char buf[512];

	if (!l->file_id)
		l = fallback;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	conf_diag_add(d, sev, vrrp_conf_loc_file(l), l->line, "%s: %s", kw,
		      buf);
}

static void err_at(struct conf_diag *d, const struct vrrp_conf_loc *l,
		   const struct vrrp_conf_loc *fallback, const char *kw,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void err_at(struct conf_diag *d, const struct vrrp_conf_loc *l,
		   const struct vrrp_conf_loc *fallback, const char *kw,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag_at(d, CONF_ERROR, l, fallback, kw, fmt, ap);
	va_end(ap);
}

static void warn_at(struct conf_diag *d, const struct vrrp_conf_loc *l,
		    const struct vrrp_conf_loc *fallback, const char *kw,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void warn_at(struct conf_diag *d, const struct vrrp_conf_loc *l,
		    const struct vrrp_conf_loc *fallback, const char *kw,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag_at(d, CONF_WARNING, l, fallback, kw, fmt, ap);
	va_end(ap);
}

static bool share_peer(const struct vrrp_conf_instance *a,
		       const struct vrrp_conf_instance *b)
{
	for (size_t i = 0; i < a->npeers; i++)
		for (size_t j = 0; j < b->npeers; j++)
			if (vrrp_conf_ip_eq(&a->peers[i].addr, &b->peers[j].addr))
				return true;
	return false;
}

/* Would a and b receive each other's adverts as their own? */
static bool same_channel(const struct vrrp_conf_instance *a,
			 const struct vrrp_conf_instance *b)
{
	const struct vrrp_ip *ga, *gb;

	if (a->vrid != b->vrid || !a->vrid || a->family != b->family)
		return false;
	if ((a->interface == NULL) != (b->interface == NULL) ||
	    (a->interface && strcmp(a->interface, b->interface)))
		return false;
	if (a->npeers || b->npeers)
		return a->npeers && b->npeers && share_peer(a, b);
	ga = &a->mcast_dst_ip;
	gb = &b->mcast_dst_ip;
	return ga->family == gb->family && (!ga->family || vrrp_conf_ip_eq(ga, gb));
}

static bool has_ll_peer(const struct vrrp_conf_instance *in)
{
	for (size_t i = 0; i < in->npeers; i++)
		if (in->peers[i].addr.family == AF_INET6 &&
		    IN6_IS_ADDR_LINKLOCAL(&in->peers[i].addr.u.v6))
			return true;
	return false;
}

static void check_instance(struct vrrp_conf_instance *in,
			   const struct vrrp_conf_globals *g,
			   struct conf_diag *d)
{
	char a[INET6_ADDRSTRLEN];
	bool strict = in->strict_mode_set ? in->strict_mode : g->vrrp_strict;

	if (!in->version_set) {
		in->version = g->vrrp_version == 3 ? 3 : 2;
		if (in->advert_check_pending && in->version == 2 &&
		    in->advert_int_us % 1000000)
			err_at(d, &in->advert_loc, &in->loc, "advert_int",
			       "VRRP version 2 (global_defs vrrp_version) "
			       "carries whole seconds (1..255), got "
			       "%llu.%02llu; sub-second intervals need "
			       "'version 3'",
			       (unsigned long long)(in->advert_int_us / 1000000),
			       (unsigned long long)(in->advert_int_us %
						    1000000 / 10000));
		if (in->advert_check_pending && in->version == 3 &&
		    in->advert_int_us > 4095 * 10000ULL)
			err_at(d, &in->advert_loc, &in->loc, "advert_int",
			       "VRRP version 3 (global_defs vrrp_version) "
			       "carries at most 40.95 s, got %llu s",
			       (unsigned long long)(in->advert_int_us / 1000000));
		if (in->auth_block && in->version == 3)
			err_at(d, &in->auth_loc, &in->loc, "authentication",
			       "VRRP version 3 (global_defs vrrp_version) has "
			       "no authentication (RFC 5798); give 'version 2' "
			       "or remove the block");
		in->advert_check_pending = false;
	}

	if (!in->interface) {
		if (has_ll_peer(in))
			err_at(d, &in->loc, &in->loc, "vrrp_instance",
			       "instance '%s' has link-local unicast peers and "
			       "no interface", in->name);
		else if (!in->npeers && g->default_interface &&
			 !(in->interface = strdup(g->default_interface)))
			err_at(d, &in->loc, &in->loc, "vrrp_instance",
			       "out of memory");
		else if (!in->npeers && !g->default_interface)
			err_at(d, &in->loc, &in->loc, "vrrp_instance",
			       "instance '%s' has no interface (give "
			       "'interface', unicast_peer, or global_defs "
			       "default_interface)", in->name);
	}
	if (!in->interface && in->npeers)
		for (size_t i = 0; i < in->nvips; i++)
			if (!in->vips[i].dev)
				err_at(d, &in->vips[i].loc, &in->loc,
				       "virtual_ipaddress", "%s needs 'dev' "
				       "when the instance has no interface",
				       vrrp_conf_ip_str(&in->vips[i].addr, a,
							sizeof(a)));

	/* keepalived's strict mode, as vrrp_strict or strict_mode */
	if (strict) {
		const char *why = in->strict_mode_set ? "strict_mode" :
			"global_defs vrrp_strict";

		if (in->auth_block)
			err_at(d, &in->auth_loc, &in->loc, "authentication",
			       "not allowed in strict mode (%s)", why);
		if (in->npeers)
			err_at(d, &in->peers[0].loc, &in->loc, "unicast_peer",
			       "not allowed in strict mode (%s)", why);
		if (!in->nvips)
			err_at(d, &in->loc, &in->loc, "vrrp_instance",
			       "instance '%s' needs a virtual_ipaddress in "
			       "strict mode (%s)", in->name, why);
		if (in->accept_given)
			warn_at(d, &in->loc, &in->loc, "accept",
				"instance '%s': strict mode (%s) requires "
				"no_accept; accept is ignored", in->name, why);
	}
	/* keepalived: accept unless no_accept, or strict mode, says not */
	in->accept = !strict && !in->no_accept;
	if (in->accept_given && in->no_accept)
		err_at(d, &in->loc, &in->loc, "no_accept",
		       "instance '%s' has both accept and no_accept",
		       in->name);
}

int vrrp_conf_check(struct vrrp_conf *vc, const struct vrrp_conf_globals *g,
		    struct conf_diag *d)
{
	size_t before = d->errors;
	char loc[512];

	for (size_t i = 0; i < vc->ninst; i++) {
		struct vrrp_conf_instance *in = vc->inst[i];

		in->sg = NULL;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(vc->inst[j]->name, in->name)) {
				err_at(d, &in->loc, &in->loc, "vrrp_instance",
				       "instance name '%s' given twice (before "
				       "at %s:%d)", in->name,
				       vrrp_conf_loc_file(&vc->inst[j]->loc),
				       vc->inst[j]->loc.line);
				break;
			}
		check_instance(in, g, d);
	}

	for (size_t i = 0; i < vc->ninst; i++)
		for (size_t j = 0; j < i; j++) {
			const struct vrrp_conf_instance *a = vc->inst[j];
			struct vrrp_conf_instance *b = vc->inst[i];

			if (!same_channel(a, b))
				continue;
			snprintf(loc, sizeof(loc), "%s:%d",
				 vrrp_conf_loc_file(&a->loc), a->loc.line);
			err_at(d, &b->vrid_loc, &b->loc, "virtual_router_id",
			       "VRID %u is already used by instance '%s' (%s) "
			       "on %s%s, %s, %s", b->vrid, a->name, loc,
			       b->interface ? "interface " : "no interface",
			       b->interface ? b->interface : "", fam(b->family),
			       b->npeers ? "with a shared unicast peer" :
			       "same multicast group");
		}

	for (size_t i = 0; i < vc->ngroups; i++) {
		struct vrrp_conf_sync_group *sg = vc->groups[i];

		for (size_t j = 0; j < i; j++)
			if (!strcmp(vc->groups[j]->name, sg->name)) {
				err_at(d, &sg->loc, &sg->loc, "vrrp_sync_group",
				       "group name '%s' given twice (before at "
				       "%s:%d)", sg->name,
				       vrrp_conf_loc_file(&vc->groups[j]->loc),
				       vc->groups[j]->loc.line);
				break;
			}
		for (size_t m = 0; m < sg->nmembers; m++) {
			struct vrrp_conf_instance *in = NULL;

			for (size_t k = 0; k < vc->ninst && !in; k++)
				if (!strcmp(vc->inst[k]->name, sg->members[m]))
					in = vc->inst[k];
			if (!in) {
				err_at(d, &sg->member_loc[m], &sg->loc, "group",
				       "sync group '%s' names '%s', which is not "
				       "a vrrp_instance", sg->name,
				       sg->members[m]);
			} else if (in->sg) {
				err_at(d, &sg->member_loc[m], &sg->loc, "group",
				       "instance '%s' is already in sync group "
				       "'%s'", in->name, in->sg->name);
			} else {
				in->sg = sg;
			}
		}
	}
	vrrp_conf_track_check(vc, d);
	vrrp_conf_garp_check(vc, d);
	vrrp_conf_track_group_check(vc, d);
	return d->errors > before ? -1 : 0;
}
