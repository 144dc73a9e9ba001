/*
 * The top level of keepalived.conf: which module owns each block.
 *
 * Every top-level statement keepalived accepts has one line here.  A block
 * that no tandem module implements yet is CONF_T_NOTIMPL, so a file using
 * it is refused with an error that says so instead of being half obeyed;
 * when a module lands it replaces its line by a CONF_T_BLOCK entry naming
 * its own table (vrrp/ for the VRRP blocks, check/ for virtual_server and
 * SSL, ...), a one-line change.  The object of this table is the whole
 * struct tandem_config.
 *
 * keepalived keeps a few daemon-wide settings outside global_defs
 * (net_namespace, instance, use_pid_dir, ...); they are stored in the
 * same struct global_defs as the rest, so subsystems find every global in
 * one place.
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "tandem/config.h"
#include "tandem/global_defs.h"
#ifdef WITH_LVS
#include "check/check_http.h"
#endif

#define CFG(f)		offsetof(struct tandem_config, f)
#define NOTIMPL(n)	{ .name = n, .type = CONF_T_NOTIMPL, \
			  .flags = CONF_KW_MULTI }

static void *gd_open(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	(void)c; (void)n;
	return &((struct tandem_config *)parent)->gd;
}

static const struct conf_block top_gd_block = {
	.name = "global_defs",
	.keywords = gd_keywords,
	.open = gd_open,
	.close = gd_close,
};

/* net_namespace and instance put the pid files in a directory of their
 * own, as keepalived does. */
static int pid_dir(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)c; (void)n;
	((struct tandem_config *)obj)->gd.use_pid_dir = true;
	return 0;
}

/* net_namespace_ipvs [NAME]: no name means the default namespace. */
static int ns_ipvs(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct global_defs *gd = &((struct tandem_config *)obj)->gd;

	if (conf_arg_count(c, n, 0, 1) < 0)
		return -1;
	if (gd_set_str(&gd->net_namespace_ipvs, n->nargs ? n->args[0] : NULL)) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	gd->net_namespace_ipvs_set = true;
	return 0;
}

#ifdef WITH_LVS
/* virtual_server and virtual_server_group store into the check config:
 * the first through check/'s table (so -d names its keywords' current
 * spellings), the second, whose lines have no keywords, as a statement. */
static void *vs_open(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	return check_vs_open(c, n, &((struct tandem_config *)parent)->check);
}

/* A reload in the check child takes over what an unchanged statement
 * made (config_load_packed). */
static bool vs_reuse(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	(void)c;
	return check_vs_reuse(&((struct tandem_config *)parent)->check, n);
}

static const struct conf_block top_vs_block = {
	.name = "virtual_server",
	.keywords = check_vs_keywords,
	.open = vs_open,
	.close = check_vs_close,
	.reuse = vs_reuse,
};

static int vsg_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_conf_vsg_stmt(c, n, &((struct tandem_config *)obj)->check);
}
/* SSL: the TLS files of SSL_GET, kept in the check config. */
static void *ssl_open(struct conf_ctx *c, const struct conf_node *n,
		      void *parent)
{
	return check_ssl_open(c, n, &((struct tandem_config *)parent)->check);
}

static const struct conf_block top_ssl_block = {
	.name = "SSL",
	.keywords = check_ssl_keywords,
	.open = ssl_open,
	.close = check_ssl_close,
};
#define SSL_BLOCK { .name = "SSL", .type = CONF_T_BLOCK, \
		    .block = &top_ssl_block, .flags = CONF_KW_MULTI }
#define VS_BLOCK { .name = "virtual_server", .type = CONF_T_BLOCK, \
		   .block = &top_vs_block, .flags = CONF_KW_MULTI }
#define VSG_BLOCK { .name = "virtual_server_group", .type = CONF_T_CUSTOM, \
		    .handler = vsg_stmt, .flags = CONF_KW_MULTI }
#else
#define SSL_BLOCK NOTIMPL("SSL")
#define VS_BLOCK NOTIMPL("virtual_server")
#define VSG_BLOCK NOTIMPL("virtual_server_group")
#endif

#ifdef WITH_VRRP
/* vrrp_instance, vrrp_sync_group and track_file store into the VRRP
 * config. */
static int vi_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return vrrp_conf_instance_stmt(c, n, &((struct tandem_config *)obj)->vrrp);
}

static int sg_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return vrrp_conf_sync_group_stmt(c, n,
					 &((struct tandem_config *)obj)->vrrp);
}

static int tf_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return vrrp_conf_track_file_stmt(c, n,
					 &((struct tandem_config *)obj)->vrrp);
}

static int tp_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return vrrp_conf_track_process_stmt(c, n,
					    &((struct tandem_config *)obj)->vrrp);
}

static int ts_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return vrrp_conf_track_script_stmt(c, n,
					   &((struct tandem_config *)obj)->vrrp);
}

static int gg_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return vrrp_conf_garp_group_stmt(c, n,
					 &((struct tandem_config *)obj)->vrrp);
}

static int tg_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return vrrp_conf_track_group_stmt(c, n,
					  &((struct tandem_config *)obj)->vrrp);
}

#define TG_BLOCK { .name = "track_group", .type = CONF_T_CUSTOM, \
		   .handler = tg_stmt, .flags = CONF_KW_MULTI }
#define GG_BLOCK { .name = "garp_group", .type = CONF_T_CUSTOM, \
		   .handler = gg_stmt, .flags = CONF_KW_MULTI }
#define TS_BLOCK { .name = "vrrp_script", .type = CONF_T_CUSTOM, \
		   .handler = ts_stmt, .flags = CONF_KW_MULTI }
#define TP_BLOCK { .name = "vrrp_track_process", .type = CONF_T_CUSTOM, \
		   .handler = tp_stmt, .flags = CONF_KW_MULTI }
#define VI_BLOCK { .name = "vrrp_instance", .type = CONF_T_CUSTOM, \
		   .handler = vi_stmt, .flags = CONF_KW_MULTI }

/* static_ipaddress, static_routes, static_rules: lines into the VRRP
 * config, whose process sets them. */
#define STATIC_WRAP(fn, h) \
	static int fn(struct conf_ctx *c, const struct conf_node *n, void *obj) \
	{ return h(c, n, &((struct tandem_config *)obj)->vrrp); }
STATIC_WRAP(st_addr, vrrp_conf_h_static_addr)
STATIC_WRAP(st_route, vrrp_conf_h_static_route)
STATIC_WRAP(st_rule, vrrp_conf_h_static_rule)
#define STATIC_LIST(n, h, e) { .name = n, .type = CONF_T_LIST, .handler = h, \
			       .flags = CONF_KW_MULTI, .expect = e }
#define ST_ADDR STATIC_LIST("static_ipaddress", st_addr, \
			    "a block of addresses with dev")
#define ST_ROUTES STATIC_LIST("static_routes", st_route, \
			      "a block of routes in `ip route` syntax")
#define ST_RULES STATIC_LIST("static_rules", st_rule, \
			     "a block of rules in `ip rule` syntax")
#define SG_BLOCK { .name = "vrrp_sync_group", .type = CONF_T_CUSTOM, \
		   .handler = sg_stmt, .flags = CONF_KW_MULTI }
#define TF_BLOCK { .name = "track_file", .type = CONF_T_CUSTOM, \
		   .handler = tf_stmt, .flags = CONF_KW_MULTI }
#else
#define VI_BLOCK NOTIMPL("vrrp_instance")
#define ST_ADDR NOTIMPL("static_ipaddress")
#define ST_ROUTES NOTIMPL("static_routes")
#define ST_RULES NOTIMPL("static_rules")
#define SG_BLOCK NOTIMPL("vrrp_sync_group")
#define TF_BLOCK NOTIMPL("track_file")
#define TP_BLOCK NOTIMPL("vrrp_track_process")
#define TS_BLOCK NOTIMPL("vrrp_script")
#define GG_BLOCK NOTIMPL("garp_group")
#define TG_BLOCK NOTIMPL("track_group")
#endif

static const struct conf_keyword top_keywords[] = {
	{ .name = "global_defs", .type = CONF_T_BLOCK, .block = &top_gd_block,
	  .flags = CONF_KW_MULTI },

	/* daemon-wide settings keepalived keeps at the top level */
	{ .name = "net_namespace", .type = CONF_T_STR,
	  .offset = CFG(gd.net_namespace), .handler = pid_dir },
	{ .name = "net_namespace_ipvs", .type = CONF_T_CUSTOM,
	  .handler = ns_ipvs, .expect = "[NAMESPACE]" },
	{ .name = "namespace_with_ipsets", .type = CONF_T_FLAG,
	  .offset = CFG(gd.namespace_with_ipsets) },
	{ .name = "use_pid_dir", .type = CONF_T_FLAG,
	  .offset = CFG(gd.use_pid_dir) },
	{ .name = "instance", .type = CONF_T_STR, .offset = CFG(gd.instance),
	  .handler = pid_dir },
	{ .name = "child_wait_time", .type = CONF_T_TIME,
	  .offset = CFG(gd.child_wait_time), .min = 0,
	  .max = (int64_t)UINT_MAX * 1000000 },
	{ .name = "linkbeat_use_polling", .type = CONF_T_FLAG,
	  .offset = CFG(gd.linkbeat_use_polling) },

	/* VRRP process: vrrp/ */
	VI_BLOCK,
	SG_BLOCK,
	TS_BLOCK,
	TP_BLOCK,
	TF_BLOCK,
	{ .name = "vrrp_track_file", .alias_of = "track_file" },
	GG_BLOCK,
	TG_BLOCK,
	ST_ADDR,
	ST_ROUTES,
	ST_RULES,
	NOTIMPL("linkbeat_interfaces"),
	NOTIMPL("interface_up_down_delays"),

	/* checker process: check/ and ipvs/ */
	VS_BLOCK,
	VSG_BLOCK,
	SSL_BLOCK,

	/* BFD process */
	NOTIMPL("bfd_instance"),
	{ .name = NULL },
};

const struct conf_block conf_top_block = {
	.name = "the top level",
	.keywords = top_keywords,
};

/* Blocks that give the VRRP child work of its own (a vrrp_script or a
 * track_file alone does nothing) and the checker child's. */
static const char *const vrrp_blocks[] = {
	"vrrp_instance", "vrrp_sync_group", "static_ipaddress",
	"static_routes", "static_rules", NULL
};
static const char *const check_blocks[] = { "virtual_server", NULL };

static bool in(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

void conf_top_needs(const struct conf_tree *t, bool *needs_vrrp,
		    bool *needs_check)
{
	*needs_vrrp = *needs_check = false;
	if (!t)
		return;
	for (const struct conf_node *n = t->first; n; n = n->next) {
		if (in(n->word, vrrp_blocks))
			*needs_vrrp = true;
		if (in(n->word, check_blocks))
			*needs_check = true;
	}
}
