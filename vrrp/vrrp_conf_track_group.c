/*
 * track_group NAME { group { INSTANCE ... } } at the top level, and the
 * `track_group NAME` option of a static_ipaddress, static_routes or
 * static_rules line.
 *
 * keepalived.conf(5) ("Static track groups"): a static address, route
 * or rule that names a track group is tracked by the group's instances;
 * when it is deleted and cannot be restored, those instances go to
 * FAULT (vrrp_static_track.c does it at run time).  A group has no
 * weight: it is a fault or nothing.
 *
 * A group may be named before it is defined and may name instances
 * defined after it, so both are resolved in vrrp_conf_track_group_check()
 * once every block was read: an unknown group or instance is an error at
 * the line that names it.
 */
#include <stdlib.h>
#include <string.h>

#include "vrrp/vrrp_conf.h"

static int nomem(struct conf_ctx *c, const struct conf_node *n)
{
	conf_err(c, n, "out of memory");
	return -1;
}

/* Each word of each line is an instance name. */
static int h_group(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_group *g = obj;

	for (size_t i = 0; i <= n->nargs; i++) {
		const char *name = i ? n->args[i - 1] : n->word;
		char **m;
		struct vrrp_conf_loc *l;

		if (vrrp_conf_track_group_has(g, name)) {
			conf_err(c, n, "instance '%s' listed twice in track "
				 "group '%s'", name, g->name);
			return -1;
		}
		m = realloc(g->members, (g->nmembers + 1) * sizeof(*m));
		if (m)
			g->members = m;
		l = realloc(g->member_loc, (g->nmembers + 1) * sizeof(*l));
		if (l)
			g->member_loc = l;
		if (!m || !l)
			return nomem(c, n);
		memset(&l[g->nmembers], 0, sizeof(*l));
		if (!(m[g->nmembers] = strdup(name)))
			return nomem(c, n);
		if (vrrp_conf_loc_set(&l[g->nmembers], n) < 0) {
			free(m[g->nmembers]);
			return nomem(c, n);
		}
		g->nmembers++;
	}
	return 0;
}

static const struct conf_keyword track_group_keywords[] = {
	{ .name = "group", .type = CONF_T_LIST, .handler = h_group,
	  .flags = CONF_KW_MULTI, .expect = "a block of vrrp_instance names" },
	{ .name = NULL },
};

static void *tg_open(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	struct vrrp_conf *vc = parent;
	struct vrrp_conf_track_group *g, **grown;

	if (n->nargs != 1) {
		conf_err(c, n, "expected one group name before '{', got %zu "
			 "words", n->nargs);
		return NULL;
	}
	for (size_t i = 0; i < vc->ntrack_groups; i++)
		if (!strcmp(vc->track_groups[i]->name, n->args[0])) {
			conf_err(c, n, "track_group '%s' defined twice (before "
				 "at %s:%d)", n->args[0],
				 vrrp_conf_loc_file(&vc->track_groups[i]->loc),
				 vc->track_groups[i]->loc.line);
			return NULL;
		}
	if (!(g = calloc(1, sizeof(*g))))
		goto fail;
	grown = realloc(vc->track_groups,
			(vc->ntrack_groups + 1) * sizeof(*grown));
	if (!grown) {
		free(g);
		goto fail;
	}
	vc->track_groups = grown;
	grown[vc->ntrack_groups++] = g;
	if (!(g->name = strdup(n->args[0])) || vrrp_conf_loc_set(&g->loc, n))
		goto fail;
	return g;
fail:
	nomem(c, n);
	return NULL;
}

static int tg_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_group *g = obj;

	if (!g->nmembers) {
		conf_err(c, n, "track_group '%s' names no instance (expected "
			 "group { INSTANCE ... })", g->name);
		return -1;
	}
	return 0;
}

static const struct conf_block track_group_block = {
	.name = "track_group",
	.keywords = track_group_keywords,
	.open = tg_open,
	.close = tg_close,
};

int vrrp_conf_track_group_stmt(struct conf_ctx *c, const struct conf_node *n,
			       void *obj)
{
	if (!n->block) {
		conf_err(c, n, "expected NAME {, got no block");
		return -1;
	}
	return conf_apply_block(c, n, &track_group_block, obj);
}

bool vrrp_conf_track_group_has(const struct vrrp_conf_track_group *g,
			       const char *name)
{
	for (size_t i = 0; g && i < g->nmembers; i++)
		if (!strcmp(g->members[i], name))
			return true;
	return false;
}

/* The group NAME (NULL: none) of a static line at L in list KW. */
static const struct vrrp_conf_track_group *
resolve(const struct vrrp_conf *vc, struct conf_diag *d, const char *name,
	const struct vrrp_conf_loc *l, const char *kw)
{
	if (!name)
		return NULL;
	for (size_t k = 0; k < vc->ntrack_groups; k++)
		if (!strcmp(vc->track_groups[k]->name, name))
			return vc->track_groups[k];
	conf_diag_add(d, CONF_ERROR, vrrp_conf_loc_file(l), l->line,
		      "%s: track_group '%s' is not a track_group block", kw,
		      name);
	return NULL;
}

void vrrp_conf_track_group_check(struct vrrp_conf *vc, struct conf_diag *d)
{
	for (size_t i = 0; i < vc->ntrack_groups; i++) {
		const struct vrrp_conf_track_group *g = vc->track_groups[i];

		for (size_t m = 0; m < g->nmembers; m++) {
			bool found = false;

			for (size_t k = 0; k < vc->ninst && !found; k++)
				found = !strcmp(vc->inst[k]->name,
						g->members[m]);
			if (!found)
				conf_diag_add(d, CONF_ERROR,
					      vrrp_conf_loc_file(
						      &g->member_loc[m]),
					      g->member_loc[m].line,
					      "group: track group '%s' names "
					      "'%s', which is not a "
					      "vrrp_instance", g->name,
					      g->members[m]);
		}
	}
	for (size_t i = 0; i < vc->nsvips; i++)
		vc->svips[i].tg = resolve(vc, d, vc->svips[i].track_group,
					  &vc->svips[i].v.loc,
					  "static_ipaddress");
	for (size_t i = 0; i < vc->nsroutes; i++)
		vc->sroutes[i].tg = resolve(vc, d, vc->sroutes[i].track_group,
					    &vc->sroutes[i].loc,
					    "static_routes");
	for (size_t i = 0; i < vc->nsrules; i++)
		vc->srules[i].tg = resolve(vc, d, vc->srules[i].track_group,
					   &vc->srules[i].loc, "static_rules");
}

void vrrp_conf_track_groups_free(struct vrrp_conf *vc)
{
	for (size_t i = 0; i < vc->ntrack_groups; i++) {
		struct vrrp_conf_track_group *g = vc->track_groups[i];

		for (size_t m = 0; m < g->nmembers; m++) {
			free(g->members[m]);
			vrrp_conf_loc_free(&g->member_loc[m]);
		}
		free(g->members);
		free(g->member_loc);
		free(g->name);
		vrrp_conf_loc_free(&g->loc);
		free(g);
	}
	free(vc->track_groups);
	vc->track_groups = NULL;
	vc->ntrack_groups = 0;
}
