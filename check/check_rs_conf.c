/*
 * The real_server block: address, optional port, weight, forwarding
 * method and thresholds, the notify scripts, the settings it may take
 * over from its virtual server, and its checkers.
 *
 * Its checkers' blocks come from check/check_<type>.c; a checker type
 * tandem does not run yet is refused with an error that says so, rather
 * than a real server that silently stays up.  A real server without a
 * checker is in the table at its weight, as in keepalived.
 * Checks against the virtual server (same family, port remapping only
 * with NAT, duplicates) need the service's final shape and are made in
 * check_conf_finish().
 */
#include <stdlib.h>
#include <string.h>

#include "check/check_checker.h"
#include "check/check_vs_conf.h"

#define RS(f) offsetof(struct check_rs, f)
#define NOTIMPL(nm) { .name = nm, .type = CONF_T_NOTIMPL, \
		      .flags = CONF_KW_MULTI }

static int h_inhibit(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tri(c, n,
			       &((struct check_rs *)obj)->inh.inhibit_on_failure);
}

static int h_alpha(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tri(c, n,
			       &((struct check_rs *)obj)->inh.alpha);
}

static int h_smtp(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tri(c, n,
			       &((struct check_rs *)obj)->inh.smtp_alert);
}

static int h_method(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_fwd(c, n, &((struct check_rs *)obj)->fwd);
}

static int h_tun(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tun_kw(c, n, &((struct check_rs *)obj)->fwd);
}

#define TUN_KW(nm) { .name = nm, .type = CONF_T_CUSTOM, .handler = h_tun }

static const struct conf_keyword rs_keywords[] = {
	{ .name = "weight", .type = CONF_T_INT, .offset = RS(weight),
	  .min = 0, .max = 65535 },
	{ .name = "lvs_method", .type = CONF_T_CUSTOM, .handler = h_method,
	  .expect = "NAT|DR|TUN [type ipip|gue|gre] [port PORT] "
		    "[nocsum|csum|remcsum]" },
	{ .name = "lb_kind", .alias_of = "lvs_method" },
	TUN_KW("tun_type"), TUN_KW("tun_port"), TUN_KW("tun_nocsum"),
	TUN_KW("tun_csum"), TUN_KW("tun_remcsum"),
	{ .name = "uthreshold", .type = CONF_T_UINT, .offset = RS(uthreshold),
	  .min = 0, .max = INT32_MAX },
	{ .name = "lthreshold", .type = CONF_T_UINT, .offset = RS(lthreshold),
	  .min = 0, .max = INT32_MAX },
	{ .name = "inhibit_on_failure", .type = CONF_T_CUSTOM,
	  .handler = h_inhibit, .expect = "[BOOL]" },
	{ .name = "notify_up", .type = CONF_T_LINE, .offset = RS(notify_up) },
	{ .name = "notify_down", .type = CONF_T_LINE,
	  .offset = RS(notify_down) },
	{ .name = "smtp_alert", .type = CONF_T_CUSTOM, .handler = h_smtp,
	  .expect = "[BOOL]" },
	{ .name = "alpha", .type = CONF_T_CUSTOM, .handler = h_alpha,
	  .expect = "[BOOL]" },
	{ .name = "virtualhost", .type = CONF_T_STR,
	  .offset = RS(inh.virtualhost) },
	{ .name = "delay_loop", .type = CONF_T_TIME, .offset = RS(inh.delay_loop),
	  .min = 1, .max = (int64_t)86400 * 1000000 },
	{ .name = "delay_before_retry", .type = CONF_T_TIME,
	  .offset = RS(inh.delay_before_retry),
	  .min = 1, .max = (int64_t)86400 * 1000000 },
	{ .name = "warmup", .type = CONF_T_TIME, .offset = RS(inh.warmup),
	  .min = 0, .max = (int64_t)86400 * 1000000 },
	{ .name = "retry", .type = CONF_T_INT, .offset = RS(inh.retry),
	  .min = 0, .max = 1000000 },
	/* the checkers (the types tandem does not run yet are refused) */
	CHECK_CHECKER_BLOCK("TCP_CHECK", check_tcp_block),
	CHECK_CHECKER_BLOCK("HTTP_GET", check_http_block),
	CHECK_CHECKER_BLOCK("SSL_GET", check_ssl_block),
	CHECK_CHECKER_BLOCK("MISC_CHECK", check_misc_block),
	CHECK_CHECKER_BLOCK("SMTP_CHECK", check_smtp_block),
	CHECK_CHECKER_BLOCK("DNS_CHECK", check_dns_block),
	CHECK_CHECKER_BLOCK("UDP_CHECK", check_udp_block),
	CHECK_CHECKER_BLOCK("PING_CHECK", check_ping_block),
	CHECK_CHECKER_BLOCK("FILE_CHECK", check_file_block),
	NOTIMPL("BFD_CHECK"),
	{ .name = NULL },
};

/* real_server IP [PORT]: a port left out is the service's. */
static void *rs_open(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	struct check_vs *vs = parent;
	struct check_rs *rs = calloc(1, sizeof(*rs)), **v = NULL;

	if (!rs || !(v = check_grow(vs->rs, vs->nrs, &vs->rs_cap, sizeof(*v)))) {
		free(rs);
		conf_err(c, n, "out of memory");
		return NULL;
	}
	vs->rs = v;
	vs->rs[vs->nrs++] = rs;
	rs->weight = 1;
	check_inherit_init(&rs->inh);
	if (check_loc_set(&rs->loc, n) < 0)
		conf_err(c, n, "out of memory");
	if (conf_arg_count(c, n, 1, 2) == 0 &&
	    check_parse_addr(c, n, 0, &rs->af, &rs->addr) == 0 &&
	    n->nargs == 2 && check_parse_port(c, n, 1, &rs->port) == 0)
		rs->port_set = true;
	return rs;
}

static int rs_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_rs *rs = obj;
	int r = check_fwd_validate(c, n, &rs->fwd);

	if (rs->uthreshold && rs->lthreshold > rs->uthreshold) {
		conf_diag_add(conf_ctx_diag(c), CONF_ERROR, n->file, n->line,
			      "lthreshold: expected at most uthreshold (%u), "
			      "got %u", rs->uthreshold, rs->lthreshold);
		r = -1;
	}
	return r;
}

const struct conf_block check_rs_block = {
	.name = "real_server",
	.keywords = rs_keywords,
	.open = rs_open,
	.close = rs_close,
};
