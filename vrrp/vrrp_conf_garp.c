/*
 * garp_group { garp_interval; gna_interval; interface | interfaces { } }
 * at the top level: the least gap between two gratuitous ARPs, and
 * between two unsolicited neighbour advertisements, sent on one
 * interface or, with `interfaces`, on a set of them together (the
 * interfaces of one switch that cannot take a flood), as
 * keepalived.conf(5) describes.
 *
 * A block names no group, so it is kept in file order; what it means at
 * run time is vrrp_garp_rate.c's.  An interval the block does not give is
 * global_defs' (vrrp_garp_interval / vrrp_gna_interval), which the
 * interfaces outside every block get too.  Errors: a block with both
 * `interface` and `interfaces` or with neither, and an interface in two
 * blocks (the checks that need every block are in vrrp_conf_garp_check()).
 */
#include <stdlib.h>
#include <string.h>

#include "vrrp/vrrp_conf.h"

#define GG(f)	offsetof(struct vrrp_conf_garp_group, f)
#define MAXT	((int64_t)86400 * 1000000)

static int nomem(struct conf_ctx *c, const struct conf_node *n)
{
	conf_err(c, n, "out of memory");
	return -1;
}

static int add_if(struct conf_ctx *c, const struct conf_node *n,
		  struct vrrp_conf_garp_group *g, const char *name)
{
	char **grown;

	if (strlen(name) > VRRP_CONF_IFNAME_MAX) {
		conf_err(c, n, "interface name '%s' is longer than %d "
			 "characters", name, VRRP_CONF_IFNAME_MAX);
		return -1;
	}
	for (size_t i = 0; i < g->nifs; i++)
		if (!strcmp(g->ifs[i], name)) {
			conf_err(c, n, "interface '%s' listed twice", name);
			return -1;
		}
	if (!(grown = realloc(g->ifs, (g->nifs + 1) * sizeof(*grown))))
		return nomem(c, n);
	g->ifs = grown;
	if (!(g->ifs[g->nifs] = strdup(name)))
		return nomem(c, n);
	g->nifs++;
	return 0;
}

static int h_interface(struct conf_ctx *c, const struct conf_node *n,
		       void *obj)
{
	struct vrrp_conf_garp_group *g = obj;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	if (g->list_given) {
		conf_err(c, n, "give interface or interfaces, not both");
		return -1;
	}
	g->one_given = true;
	return add_if(c, n, g, n->args[0]);
}

/* One line of `interfaces { }`: each word is an interface. */
static int h_interfaces(struct conf_ctx *c, const struct conf_node *n,
			void *obj)
{
	struct vrrp_conf_garp_group *g = obj;

	if (g->one_given) {
		conf_err(c, n, "give interface or interfaces, not both");
		return -1;
	}
	g->list_given = true;
	if (add_if(c, n, g, n->word) < 0)
		return -1;
	for (size_t i = 0; i < n->nargs; i++)
		if (add_if(c, n, g, n->args[i]) < 0)
			return -1;
	return 0;
}

static int set_garp(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)c; (void)n;
	((struct vrrp_conf_garp_group *)obj)->garp_set = true;
	return 0;
}

static int set_gna(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)c; (void)n;
	((struct vrrp_conf_garp_group *)obj)->gna_set = true;
	return 0;
}

static const struct conf_keyword garp_group_keywords[] = {
	{ .name = "garp_interval", .type = CONF_T_TIME, .offset = GG(garp_us),
	  .min = 0, .max = MAXT, .handler = set_garp },
	{ .name = "gna_interval", .type = CONF_T_TIME, .offset = GG(gna_us),
	  .min = 0, .max = MAXT, .handler = set_gna },
	{ .name = "interface", .type = CONF_T_CUSTOM, .handler = h_interface,
	  .flags = CONF_KW_MULTI, .expect = "INTERFACE" },
	{ .name = "interfaces", .type = CONF_T_LIST, .handler = h_interfaces,
	  .flags = CONF_KW_MULTI, .expect = "a block of interface names" },
	{ .name = NULL },
};

static void *gg_open(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	struct vrrp_conf *vc = parent;
	struct vrrp_conf_garp_group *g, **grown;

	if (!(g = calloc(1, sizeof(*g))))
		goto fail;
	grown = realloc(vc->garp_groups, (vc->ngarp_groups + 1) * sizeof(*grown));
	if (!grown) {
		free(g);
		goto fail;
	}
	vc->garp_groups = grown;
	grown[vc->ngarp_groups++] = g;
	if (vrrp_conf_loc_set(&g->loc, n) < 0)
		goto fail;
	return g;
fail:
	nomem(c, n);
	return NULL;
}

static int gg_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_garp_group *g = obj;

	if (!g->nifs) {
		conf_err(c, n, "no interface (expected interface NAME or "
			 "interfaces { NAME ... })");
		return -1;
	}
	return 0;
}

static const struct conf_block garp_group_block = {
	.name = "garp_group",
	.keywords = garp_group_keywords,
	.open = gg_open,
	.close = gg_close,
};

int vrrp_conf_garp_group_stmt(struct conf_ctx *c, const struct conf_node *n,
			      void *obj)
{
	if (!n->block || n->nargs) {
		conf_err(c, n, "expected garp_group { ... }");
		return -1;
	}
	return conf_apply_block(c, n, &garp_group_block, obj);
}

void vrrp_conf_garp_check(struct vrrp_conf *vc, struct conf_diag *d)
{
	for (size_t i = 0; i < vc->ngarp_groups; i++) {
		const struct vrrp_conf_garp_group *g = vc->garp_groups[i];

		for (size_t k = 0; k < g->nifs; k++)
			for (size_t j = 0; j < i; j++) {
				const struct vrrp_conf_garp_group *o =
					vc->garp_groups[j];

				for (size_t m = 0; m < o->nifs; m++)
					if (!strcmp(o->ifs[m], g->ifs[k]))
						conf_diag_add(d, CONF_ERROR,
							vrrp_conf_loc_file(&g->loc),
							g->loc.line,
							"garp_group: interface "
							"'%s' is already in the "
							"garp_group at %s:%d",
							g->ifs[k],
							vrrp_conf_loc_file(&o->loc),
							o->loc.line);
			}
	}
}

void vrrp_conf_garp_free(struct vrrp_conf *vc)
{
	for (size_t i = 0; i < vc->ngarp_groups; i++) {
		struct vrrp_conf_garp_group *g = vc->garp_groups[i];

		for (size_t k = 0; k < g->nifs; k++)
			free(g->ifs[k]);
		free(g->ifs);
		vrrp_conf_loc_free(&g->loc);
		free(g);
	}
	free(vc->garp_groups);
	vc->garp_groups = NULL;
	vc->ngarp_groups = 0;
}
