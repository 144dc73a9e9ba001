/*
 * The virtual_server block: its keyword table, the statement's own
 * arguments (IP PORT, fwmark N or group NAME) and the checks that need
 * only the block itself.
 *
 * Each virtual_server becomes one struct check_vs appended to the check
 * config; the parser callbacks write into that object only.  The checks
 * that need the rest of the file (a group defined further down, the same
 * service twice, real-server families and ports per service) wait for
 * check_conf_finish(), so the order of blocks in a file never matters.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "check/check_checker.h"
#include "check/check_http.h"
#include "check/check_vs_conf.h"

#define VS(f) offsetof(struct check_vs, f)
#define NOMEM(c, n) (conf_err((c), (n), "out of memory"), -1)

/* ------------------------------------------------------------------ */
/* Keyword handlers                                                    */

static int h_sched(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_vs *vs = obj;
	int i;

	if (conf_arg_count(c, n, 1, 1) < 0 ||
	    conf_arg_enum(c, n, 0, check_sched_names, &i) < 0)
		return -1;
	snprintf(vs->sched, sizeof(vs->sched), "%s", check_sched_names[i]);
	return check_loc_set(&vs->sched_loc, n) < 0 ? NOMEM(c, n) : 0;
}

/* flag-1..3, sh-port, sh-fallback, mh-port, mh-fallback: the kernel's
 * three scheduler flags under their generic and per-scheduler names. */
static int h_sched_flag(struct conf_ctx *c, const struct conf_node *n,
			void *obj)
{
	static const struct { const char *w; uint32_t f; int kind; } map[] = {
		{ "flag-1", IP_VS_SVC_F_SCHED1, 0 },
		{ "flag-2", IP_VS_SVC_F_SCHED2, 0 },
		{ "flag-3", IP_VS_SVC_F_SCHED3, 0 },
		{ "sh-fallback", IP_VS_SVC_F_SCHED_SH_FALLBACK, 1 },
		{ "sh-port", IP_VS_SVC_F_SCHED_SH_PORT, 1 },
		{ "mh-fallback", IP_VS_SVC_F_SCHED_MH_FALLBACK, 2 },
		{ "mh-port", IP_VS_SVC_F_SCHED_MH_PORT, 2 },
	};
	struct check_vs *vs = obj;

	if (conf_arg_count(c, n, 0, 0) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(n->word, map[i].w))
			continue;
		vs->sched_flags |= map[i].f;
		vs->sh_flags |= map[i].kind == 1;
		vs->mh_flags |= map[i].kind == 2;
	}
	return 0;
}

static int h_hashed(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)obj;
	conf_warn(c, n, "has no effect (the kernel hashes every service)");
	return 0;
}

static int h_method(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_fwd(c, n, &((struct check_vs *)obj)->fwd);
}

static int h_tun(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tun_kw(c, n, &((struct check_vs *)obj)->fwd);
}

static int h_sorry_method(struct conf_ctx *c, const struct conf_node *n,
			  void *obj)
{
	return check_parse_fwd(c, n, &((struct check_vs *)obj)->sorry_fwd);
}

/* persistence_timeout [SECONDS]: bare means keepalived's 6 minutes; the
 * upper bound is ipvsadm's (31 days). */
static int h_persist(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_vs *vs = obj;
	int64_t v = 360;

	if (conf_arg_count(c, n, 0, 1) < 0 ||
	    (n->nargs && conf_arg_int(c, n, 0, 1, 2678400, &v) < 0))
		return -1;
	vs->persistent = true;
	vs->persistence_timeout = (unsigned)v;
	return 0;
}

/* persistence_granularity NETMASK | PREFIXLEN: an IPv4 netmask such as
 * 255.255.255.0, or a prefix length (the only form for IPv6).  Kept as a
 * prefix length; the kernel's form is made for the service's family. */
static int h_granularity(struct conf_ctx *c, const struct conf_node *n,
			 void *obj)
{
	struct check_vs *vs = obj;
	const char *w;
	struct in_addr m;
	int64_t v;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	w = n->args[0];
	if (strchr(w, '.')) {
		uint32_t h;
		int len = 0;

		if (inet_pton(AF_INET, w, &m) != 1) {
			conf_err(c, n, "expected an IPv4 netmask or a prefix "
				 "length, got '%s'", w);
			return -1;
		}
		h = ntohl(m.s_addr);
		while (len < 32 && (h & (0x80000000u >> len)))
			len++;
		if (len == 0 || (len < 32 && (h << len) != 0)) {
			conf_err(c, n, "expected a contiguous, non-zero IPv4 "
				 "netmask, got '%s'", w);
			return -1;
		}
		vs->granularity = len;
		vs->granularity_v4mask = true;
		return 0;
	}
	if (conf_arg_int(c, n, 0, 1, 128, &v) < 0)
		return -1;
	vs->granularity = (int)v;
	vs->granularity_v4mask = false;
	return 0;
}

static int h_pe(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	const struct check_vs *vs = obj;

	if (strlen(vs->persistence_engine) >= IP_VS_PENAME_MAXLEN) {
		conf_err(c, n, "expected a name of at most %d characters, got "
			 "'%s'", IP_VS_PENAME_MAXLEN - 1, vs->persistence_engine);
		return -1;
	}
	return 0;
}

/* sorry_server IP [PORT] */
static int h_sorry(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_sorry *s = &((struct check_vs *)obj)->sorry;

	if (conf_arg_count(c, n, 1, 2) < 0 ||
	    check_parse_addr(c, n, 0, &s->af, &s->addr) < 0)
		return -1;
	s->port_set = n->nargs == 2;
	if (s->port_set && check_parse_port(c, n, 1, &s->port) < 0)
		return -1;
	s->set = true;
	return check_loc_set(&s->loc, n) < 0 ? NOMEM(c, n) : 0;
}

/* Settings a real server inherits: a missing one stays -1. */
static int h_inhibit(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tri(c, n,
			       &((struct check_vs *)obj)->inh.inhibit_on_failure);
}

static int h_alpha(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tri(c, n,
			       &((struct check_vs *)obj)->inh.alpha);
}

static int h_smtp(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tri(c, n,
			       &((struct check_vs *)obj)->inh.smtp_alert);
}

#define TIME_KW(nm, field) \
	{ .name = nm, .type = CONF_T_TIME, .offset = VS(inh.field), \
	  .min = 1, .max = (int64_t)86400 * 1000000 }
#define FLAG_KW(nm) \
	{ .name = nm, .type = CONF_T_CUSTOM, .handler = h_sched_flag, \
	  .expect = "no value" }
#define TUN_KW(nm) \
	{ .name = nm, .type = CONF_T_CUSTOM, .handler = h_tun }

static const char *const protocols[] = { "TCP", "UDP", "SCTP", NULL };
static const char *const families[] = { "inet", "inet6", NULL };

const struct conf_keyword check_vs_keywords[] = {
	{ .name = "lvs_sched", .type = CONF_T_CUSTOM, .handler = h_sched,
	  .expect = "rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh" },
	{ .name = "lb_algo", .alias_of = "lvs_sched" },
	{ .name = "hashed", .type = CONF_T_FLAG, .offset = VS(hashed),
	  .handler = h_hashed },
	FLAG_KW("flag-1"), FLAG_KW("flag-2"), FLAG_KW("flag-3"),
	FLAG_KW("sh-port"), FLAG_KW("sh-fallback"),
	FLAG_KW("mh-port"), FLAG_KW("mh-fallback"),
	{ .name = "ops", .type = CONF_T_FLAG, .offset = VS(ops) },
	{ .name = "lvs_method", .type = CONF_T_CUSTOM, .handler = h_method,
	  .expect = "NAT|DR|TUN [type ipip|gue|gre] [port PORT] "
		    "[nocsum|csum|remcsum]" },
	{ .name = "lb_kind", .alias_of = "lvs_method" },
	TUN_KW("tun_type"), TUN_KW("tun_port"), TUN_KW("tun_nocsum"),
	TUN_KW("tun_csum"), TUN_KW("tun_remcsum"),
	{ .name = "persistence_engine", .type = CONF_T_STR,
	  .offset = VS(persistence_engine), .handler = h_pe },
	{ .name = "persistence_timeout", .type = CONF_T_CUSTOM,
	  .handler = h_persist, .expect = "[SECONDS]" },
	{ .name = "persistence_granularity", .type = CONF_T_CUSTOM,
	  .handler = h_granularity, .expect = "NETMASK or PREFIXLEN" },
	{ .name = "protocol", .type = CONF_T_ENUM, .offset = VS(protocol),
	  .words = protocols },
	{ .name = "ip_family", .type = CONF_T_ENUM, .offset = VS(ip_family),
	  .words = families },
	{ .name = "sorry_server", .type = CONF_T_CUSTOM, .handler = h_sorry,
	  .expect = "IP [PORT]" },
	{ .name = "sorry_server_inhibit", .type = CONF_T_BOOL,
	  .offset = VS(sorry_inhibit) },
	{ .name = "sorry_server_lvs_method", .type = CONF_T_CUSTOM,
	  .handler = h_sorry_method,
	  .expect = "NAT|DR|TUN [type ipip|gue|gre] [port PORT] "
		    "[nocsum|csum|remcsum]" },
	{ .name = "quorum", .type = CONF_T_UINT, .offset = VS(quorum),
	  .min = 1, .max = UINT32_MAX },
	{ .name = "hysteresis", .type = CONF_T_UINT, .offset = VS(hysteresis),
	  .min = 0, .max = UINT32_MAX },
	{ .name = "quorum_up", .type = CONF_T_LINE, .offset = VS(quorum_up) },
	{ .name = "quorum_down", .type = CONF_T_LINE,
	  .offset = VS(quorum_down) },
	{ .name = "alpha", .type = CONF_T_CUSTOM, .handler = h_alpha,
	  .expect = "[BOOL]" },
	{ .name = "omega", .type = CONF_T_BOOL, .offset = VS(omega) },
	{ .name = "ha_suspend", .type = CONF_T_BOOL, .offset = VS(ha_suspend) },
	{ .name = "inhibit_on_failure", .type = CONF_T_CUSTOM,
	  .handler = h_inhibit, .expect = "[BOOL]" },
	{ .name = "smtp_alert", .type = CONF_T_CUSTOM, .handler = h_smtp,
	  .expect = "[BOOL]" },
	{ .name = "virtualhost", .type = CONF_T_STR,
	  .offset = VS(inh.virtualhost) },
	TIME_KW("delay_loop", delay_loop),
	TIME_KW("delay_before_retry", delay_before_retry),
	{ .name = "warmup", .type = CONF_T_TIME, .offset = VS(inh.warmup),
	  .min = 0, .max = (int64_t)86400 * 1000000 },
	{ .name = "retry", .type = CONF_T_INT, .offset = VS(inh.retry),
	  .min = 0, .max = 1000000 },
	{ .name = "real_server", .type = CONF_T_BLOCK, .block = &check_rs_block,
	  .flags = CONF_KW_MULTI | CONF_KW_BLOCK_OPT },
	{ .name = NULL },
};

/* ------------------------------------------------------------------ */
/* The statement                                                       */

/* virtual_server IP PORT | fwmark N | group NAME.  A statement with bad
 * arguments still gets an object, so the errors inside its block are
 * reported too; it is never turned into a service. */
void *check_vs_open(struct conf_ctx *c, const struct conf_node *n,
		    void *parent)
{
	struct check_conf *cc = parent;
	struct check_vs *vs = calloc(1, sizeof(*vs));
	struct check_vs **v = NULL;
	int64_t mark;

	if (!vs || !(v = check_grow(cc->vs, cc->nvs, &cc->vs_cap, sizeof(*v)))) {
		free(vs);
		conf_err(c, n, "out of memory");
		return NULL;
	}
	cc->vs = v;
	cc->vs[cc->nvs++] = vs;
	snprintf(vs->sched, sizeof(vs->sched), "wlc");
	vs->fwd.method = IPVS_FWD_MASQ;
	vs->granularity = -1;
	vs->protocol = CHECK_PROTO_TCP;
	vs->ip_family = CHECK_AF_UNSET;
	vs->quorum = 1;
	check_inherit_init(&vs->inh);
	if (check_loc_set(&vs->loc, n) < 0) {
		conf_err(c, n, "out of memory");
		return vs;
	}
	vs->kind = CHECK_VS_BAD;
	if (n->nargs >= 1 && !strcmp(n->args[0], "fwmark")) {
		if (conf_arg_count(c, n, 2, 2) == 0 &&
		    conf_arg_int(c, n, 1, 1, UINT32_MAX, &mark) == 0) {
			vs->kind = CHECK_VS_FWMARK;
			vs->fwmark = (uint32_t)mark;
		}
	} else if (n->nargs >= 1 && !strcmp(n->args[0], "group")) {
		if (conf_arg_count(c, n, 2, 2) == 0) {
			vs->group = strdup(n->args[1]);
			vs->kind = vs->group ? CHECK_VS_GROUP : CHECK_VS_BAD;
		}
	} else if (n->nargs == 1) {
		conf_err(c, n, "expected a port after the address (or 'fwmark "
			 "N', 'group NAME'), got none");
	} else if (conf_arg_count(c, n, 2, 2) == 0 &&
		   check_parse_addr(c, n, 0, &vs->af, &vs->addr) == 0 &&
		   check_parse_port(c, n, 1, &vs->port) == 0) {
		vs->kind = CHECK_VS_ADDR;
	}
	return vs;
}

static int vs_err(struct conf_ctx *c, const struct conf_node *n,
		  const char *kw, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int vs_err(struct conf_ctx *c, const struct conf_node *n,
		  const char *kw, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_diag_add(conf_ctx_diag(c), CONF_ERROR, n->file, n->line,
		      "%s: %s", kw, msg);
	return -1;
}

/* The checks that need only this block. */
int check_vs_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_vs *vs = obj;
	int r = 0;

	r |= check_fwd_validate(c, n, &vs->fwd);
	r |= check_fwd_validate(c, n, &vs->sorry_fwd);
	if (vs->sh_flags && strcmp(vs->sched, "sh"))
		r |= vs_err(c, n, "sh-port/sh-fallback", "expected lvs_sched "
			    "sh with them, got lvs_sched %s", vs->sched);
	if (vs->mh_flags && strcmp(vs->sched, "mh"))
		r |= vs_err(c, n, "mh-port/mh-fallback", "expected lvs_sched "
			    "mh with them, got lvs_sched %s", vs->sched);
	if (vs->ops && vs->kind != CHECK_VS_FWMARK &&
	    vs->protocol != CHECK_PROTO_UDP)
		r |= vs_err(c, n, "ops", "expected protocol UDP with it "
			    "(one-packet scheduling is for datagrams), got %s",
			    protocols[vs->protocol]);
	if (vs->hysteresis && vs->hysteresis >= vs->quorum)
		r |= vs_err(c, n, "hysteresis", "expected less than quorum "
			    "(%u), got %u", vs->quorum, vs->hysteresis);
	if (vs->kind == CHECK_VS_ADDR && vs->ip_family != CHECK_AF_UNSET &&
	    (vs->ip_family == CHECK_AF_INET6) != (vs->af == AF_INET6))
		r |= vs_err(c, n, "ip_family", "expected the family of the "
			    "address %s, got the other one",
			    vs->af == AF_INET6 ? "(inet6)" : "(inet)");
	if (vs->granularity >= 0 && !vs->persistent)
		conf_diag_add(conf_ctx_diag(c), CONF_WARNING, n->file, n->line,
			      "persistence_granularity: has no effect without "
			      "persistence_timeout");
	if (vs->persistence_engine && !vs->persistent)
		conf_diag_add(conf_ctx_diag(c), CONF_WARNING, n->file, n->line,
			      "persistence_engine: has no effect without "
			      "persistence_timeout");
	if (vs->kind == CHECK_VS_ADDR && vs->port == 0 && !vs->persistent)
		r |= vs_err(c, n, "virtual_server", "expected "
			    "persistence_timeout with port 0 (a service for "
			    "every port), got none");
	return r ? -1 : 0;
}

const struct conf_block check_vs_block = {
	.name = "virtual_server",
	.keywords = check_vs_keywords,
	.open = check_vs_open,
	.close = check_vs_close,
};

int check_conf_vs_stmt(struct conf_ctx *c, const struct conf_node *n,
		       void *obj)
{
	if (!n->block) {
		conf_err(c, n, "expected a { } block after the arguments, got "
			 "none");
		return -1;
	}
	return conf_apply_block(c, n, &check_vs_block, obj);
}

/* ------------------------------------------------------------------ */

void check_conf_init(struct check_conf *cc)
{
	memset(cc, 0, sizeof(*cc));
}

void *check_grow(void *p, size_t n, size_t *cap, size_t elem)
{
	size_t c;

	if (p && *cap > n)
		return p;
	c = n < 8 ? 8 : 2 * n;
	if (!(p = realloc(p, c * elem)))
		return NULL;
	*cap = c;
	return p;
}

static void rs_free(struct check_rs *rs)
{
	free(rs->loc.file);
	free(rs->fwd.loc.file);
	free(rs->notify_up);
	free(rs->notify_down);
	check_inherit_free(&rs->inh);
	for (size_t i = 0; i < rs->ncheckers; i++)
		check_checker_free(rs->checkers[i]);
	free(rs->checkers);
	free(rs);
}

static void vs_free(struct check_vs *vs)
{
	for (size_t i = 0; i < vs->nrs; i++)
		rs_free(vs->rs[i]);
	free(vs->rs);
	free(vs->loc.file);
	free(vs->sched_loc.file);
	free(vs->fwd.loc.file);
	free(vs->sorry_fwd.loc.file);
	free(vs->sorry.loc.file);
	free(vs->group);
	free(vs->persistence_engine);
	free(vs->quorum_up);
	free(vs->quorum_down);
	check_inherit_free(&vs->inh);
	free(vs);
}

int check_conf_share_add(struct check_conf *cc, const struct check_conf *from,
			 const struct conf_node *n, size_t old_idx)
{
	struct check_vs_share *v;

	if (old_idx >= from->nvs || !from->vs[old_idx] ||
	    (cc->share_from && cc->share_from != from))
		return -EINVAL;
	v = check_grow(cc->share, cc->nshare, &cc->share_cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	cc->share = v;
	cc->share_from = from;
	v[cc->nshare++] = (struct check_vs_share){ .n = n, .old_idx = old_idx,
						   .new_idx = SIZE_MAX };
	return 0;
}

bool check_vs_reuse(struct check_conf *cc, const struct conf_node *n)
{
	struct check_vs_share *s;
	struct check_vs **v;

	/* The statements come in tree order, as they were added. */
	if (cc->share_at >= cc->nshare || cc->share[cc->share_at].n != n)
		return false;
	s = &cc->share[cc->share_at++];
	/* Out of memory: apply the statement as if it were new. */
	if (!(v = check_grow(cc->vs, cc->nvs, &cc->vs_cap, sizeof(*v))))
		return false;
	cc->vs = v;
	s->new_idx = cc->nvs;
	cc->vs[cc->nvs++] = cc->share_from->vs[s->old_idx];
	return true;
}

bool check_conf_vs_shared(const struct check_conf *cc, size_t *at, size_t v)
{
	/* Taken in tree order, so their new places only grow; the ones
	 * planned but not taken are SIZE_MAX. */
	while (*at < cc->nshare && (cc->share[*at].new_idx == SIZE_MAX ||
				    cc->share[*at].new_idx < v))
		(*at)++;
	return *at < cc->nshare && cc->share[*at].new_idx == v;
}

void check_conf_share_clear(struct check_conf *cc)
{
	free(cc->share);
	cc->share = NULL;
	cc->nshare = cc->share_cap = cc->share_at = 0;
	cc->share_from = NULL;
}

void check_conf_take_shared(struct check_conf *cc, struct check_conf *from)
{
	if (cc->share_from != from)
		return;
	for (size_t i = 0; i < cc->nshare; i++)
		if (cc->share[i].new_idx != SIZE_MAX)
			from->vs[cc->share[i].old_idx] = NULL;
	check_conf_share_clear(cc);
}

void check_conf_free(struct check_conf *cc)
{
	/* Still sharing: the shared objects are share_from's. */
	for (size_t i = 0; i < cc->nshare; i++)
		if (cc->share[i].new_idx != SIZE_MAX)
			cc->vs[cc->share[i].new_idx] = NULL;
	check_conf_share_clear(cc);
	for (size_t i = 0; i < cc->nvs; i++)
		if (cc->vs[i])
			vs_free(cc->vs[i]);
	free(cc->vs);
	for (size_t i = 0; i < cc->nvsg; i++) {
		struct check_vsg *g = cc->vsg[i];

		for (size_t k = 0; k < g->n; k++)
			free(g->e[k].loc.file);
		free(g->e);
		free(g->name);
		free(g->loc.file);
		free(g);
	}
	free(cc->vsg);
	check_ssl_free(cc->ssl);
	memset(cc, 0, sizeof(*cc));
}
