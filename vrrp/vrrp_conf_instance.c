/*
 * The vrrp_instance keyword table and its small handlers.
 *
 * One line per keyword keepalived's parser installs for vrrp_instance.
 * Single values use lib/conf's typed kinds; the few handlers either record
 * that a keyword was given (its default otherwise comes from global_defs,
 * which vrrp_conf_check() resolves) or check what a type cannot say.
 * Keywords of the notification work (issue 4) are CONF_T_NOTIMPL: a
 * file using them is refused with an error that says so, never half
 * obeyed.  The routes, rules and use_vmac lines have parsers of their
 * own (vrrp_conf_route.c, vrrp_conf_rule.c, vrrp_conf_vmac.c), and so
 * do the trackers (vrrp_conf_track.c).
 *
 * The block's close() is in vrrp_conf_inst_check.c; the checks that need
 * global_defs or other instances are vrrp_conf_check() in
 * vrrp_conf_sync.c.
 */
#include <ctype.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

#define VI(f)		offsetof(struct vrrp_conf_instance, f)
#define USEC(s)		((int64_t)(s) * 1000000)
#define MAXT		USEC(UINT_MAX / 1000000)

#define FLAG(n, f)	{ .name = n, .type = CONF_T_FLAG, .offset = VI(f) }
#define BOOLH(n, f, h)	{ .name = n, .type = CONF_T_BOOL, .offset = VI(f), \
			  .handler = h }
#define UINT(n, f, lo, hi) { .name = n, .type = CONF_T_UINT, .offset = VI(f), \
			  .min = lo, .max = hi }
#define UINTH(n, f, lo, hi, h) { .name = n, .type = CONF_T_UINT, \
			  .offset = VI(f), .min = lo, .max = hi, .handler = h }
#define TIME(n, f, lo, hi) { .name = n, .type = CONF_T_TIME, .offset = VI(f), \
			  .min = lo, .max = hi }
#define TIMEH(n, f, lo, hi, h) { .name = n, .type = CONF_T_TIME, \
			  .offset = VI(f), .min = lo, .max = hi, .handler = h }
#define LIST(n, h, e)	{ .name = n, .type = CONF_T_LIST, .handler = h, \
			  .flags = CONF_KW_MULTI, .expect = e }
#define CUSTOM(n, h, e)	{ .name = n, .type = CONF_T_CUSTOM, .handler = h, \
			  .expect = e }
#define NOTIMPL(n)	{ .name = n, .type = CONF_T_NOTIMPL, \
			  .flags = CONF_KW_MULTI }
#define ALIAS(n, to)	{ .name = n, .alias_of = to }

#define MARK_SET(fn, field) \
	static int fn(struct conf_ctx *c, const struct conf_node *n, void *obj) \
	{ (void)c; (void)n; ((struct vrrp_conf_instance *)obj)->field = true; \
	  return 0; }

MARK_SET(set_garp_delay, garp_master_delay_set)
MARK_SET(set_garp_repeat, garp_master_repeat_set)
MARK_SET(set_garp_refresh, garp_master_refresh_set)
MARK_SET(set_garp_refresh_repeat, garp_master_refresh_repeat_set)
MARK_SET(set_skip_check, skip_check_adv_addr_set)
MARK_SET(set_strict, strict_mode_set)
MARK_SET(set_v3_csum, v3_checksum_as_v2_set)
MARK_SET(set_check_src, check_unicast_src_set)
MARK_SET(set_version, version_set)
MARK_SET(set_lp_delay, garp_lower_prio_delay_set)
MARK_SET(set_lp_repeat, garp_lower_prio_repeat_set)
MARK_SET(set_lp_no_advert, lower_prio_no_advert_set)
MARK_SET(set_hp_send_advert, higher_prio_send_advert_set)
MARK_SET(set_smtp_alert, smtp_alert_set)
MARK_SET(set_prio_changes, notify_priority_changes_set)

static int nomem(struct conf_ctx *c, const struct conf_node *n)
{
	conf_err(c, n, "out of memory");
	return -1;
}

static int h_interface(struct conf_ctx *c, const struct conf_node *n,
		       void *obj)
{
	const char *s = ((struct vrrp_conf_instance *)obj)->interface;
	size_t len = strlen(s);
	bool ok = len >= 1 && len <= VRRP_CONF_IFNAME_MAX && strcmp(s, ".") &&
		  strcmp(s, "..");

	for (const char *p = s; ok && *p; p++)
		ok = *p != '/' && *p != ':' && isgraph((unsigned char)*p);
	if (!ok) {
		conf_err(c, n, "expected an interface name of 1..%d "
			 "characters without '/', ':' or spaces, got '%s'",
			 VRRP_CONF_IFNAME_MAX, s);
		return -1;
	}
	return 0;
}

/* v3 carries the interval in centiseconds, so finer values cannot be sent;
 * whether the version allows it at all is settled in close(). */
static int h_advert_int(struct conf_ctx *c, const struct conf_node *n,
			void *obj)
{
	struct vrrp_conf_instance *in = obj;

	if (in->advert_int_us % 10000) {
		conf_err(c, n, "expected a multiple of 0.01 s (VRRP carries "
			 "centiseconds), got '%s'", n->args[0]);
		in->advert_int_us = 1000000;
		return -1;
	}
	in->advert_int_set = true;
	if (vrrp_conf_loc_set(&in->advert_loc, n) < 0)
		return nomem(c, n);
	return 0;
}

static int h_vrid(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	if (vrrp_conf_loc_set(&((struct vrrp_conf_instance *)obj)->vrid_loc,
			      n) < 0)
		return nomem(c, n);
	return 0;
}

static int h_preempt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)c; (void)n;
	((struct vrrp_conf_instance *)obj)->nopreempt = false;
	return 0;
}

static bool is_mcast(const struct vrrp_ip *ip)
{
	if (ip->family == AF_INET)
		return IN_MULTICAST(ntohl(ip->u.v4.s_addr));
	return IN6_IS_ADDR_MULTICAST(&ip->u.v6);
}

/* ADDRESS into *ip (left as it was when ADDRESS is not one). */
static int addr_arg(struct conf_ctx *c, const struct conf_node *n,
		    struct vrrp_ip *ip)
{
	struct sockaddr_storage ss;

	if (conf_arg_count(c, n, 1, 1) < 0 || conf_arg_addr(c, n, 0, &ss) < 0)
		return -1;
	vrrp_conf_ip_from_ss(ip, &ss);
	return 0;
}

static int h_src_ip(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_instance *in = obj;
	struct vrrp_ip *ip = !strcmp(n->word, "mcast_src_ip") ?
		&in->mcast_src_ip : &in->unicast_src_ip;

	if (addr_arg(c, n, ip) < 0)
		return -1;
	if (is_mcast(ip) || (ip->family == AF_INET && !ip->u.v4.s_addr) ||
	    (ip->family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&ip->u.v6))) {
		conf_err(c, n, "expected a unicast address of this host, got "
			 "'%s'", n->args[0]);
		memset(ip, 0, sizeof(*ip));
		return -1;
	}
	return 0;
}

/* keepalived: IPv6 groups must be link-local (ffX2::). */
static int h_mcast_dst(struct conf_ctx *c, const struct conf_node *n,
		       void *obj)
{
	struct vrrp_conf_instance *in = obj;
	struct vrrp_ip *ip = &in->mcast_dst_ip;
	bool ok;

	if (addr_arg(c, n, ip) < 0)
		return -1;
	ok = is_mcast(ip);
	if (ok && ip->family == AF_INET6)
		ok = IN6_IS_ADDR_MC_LINKLOCAL(&ip->u.v6);
	if (!ok) {
		conf_err(c, n, "expected an IPv4 multicast or link-local IPv6 "
			 "multicast (ffX2::) address, got '%s'", n->args[0]);
		memset(ip, 0, sizeof(*ip));
		return -1;
	}
	return 0;
}

/* Only the first eight characters fit in a v2 advert; keepalived cuts the
 * rest with a warning, and so does tandem, naming what is kept. */
static int h_auth_pass(struct conf_ctx *c, const struct conf_node *n,
		       void *obj)
{
	struct vrrp_conf_instance *in = obj;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	if (!n->args[0][0]) {
		conf_err(c, n, "expected a password of 1..%d characters, got "
			 "an empty one", VRRP_CONF_AUTH_PASS_MAX);
		return -1;
	}
	if (strlen(n->args[0]) > VRRP_CONF_AUTH_PASS_MAX)
		conf_warn(c, n, "password longer than %d characters; only "
			  "'%.*s' is used", VRRP_CONF_AUTH_PASS_MAX,
			  VRRP_CONF_AUTH_PASS_MAX, n->args[0]);
	memset(in->auth_pass, 0, sizeof(in->auth_pass));
	strncpy(in->auth_pass, n->args[0], VRRP_CONF_AUTH_PASS_MAX);
	in->auth_pass_set = true;
	return 0;
}

static int h_auth_block(struct conf_ctx *c, const struct conf_node *n,
			void *obj)
{
	struct vrrp_conf_instance *in = obj;

	in->auth_block = true;
	if (vrrp_conf_loc_set(&in->auth_loc, n) < 0)
		return nomem(c, n);
	if (in->auth_type == VRRP_CONF_AUTH_NONE) {
		conf_err(c, n, "expected auth_type PASS or AH in the block");
		return -1;
	}
	if (!in->auth_pass_set) {
		conf_err(c, n, "expected auth_pass in the block");
		return -1;
	}
	return 0;
}

/* garp_extra_if [all] SECONDS: periodic announcements on the other
 * interfaces of the VIPs; 0 turns the global default off. */
static int h_garp_extra_if(struct conf_ctx *c, const struct conf_node *n,
			   void *obj)
{
	struct vrrp_conf_instance *in = obj;
	bool all = false, got = false;
	int64_t secs = 0;

	if (conf_arg_count(c, n, 1, 2) < 0)
		return -1;
	for (size_t i = 0; i < n->nargs; i++) {
		if (!strcmp(n->args[i], "all") && !all) {
			all = true;
		} else if (!got) {
			if (conf_arg_int(c, n, i, 0, 86400, &secs) < 0)
				return -1;
			got = true;
		} else {
			conf_err(c, n, "expected [all] SECONDS, got '%s' after "
				 "the time", n->args[i]);
			return -1;
		}
	}
	if (!got) {
		conf_err(c, n, "expected a time in seconds (0..86400) after "
			 "'all'");
		return -1;
	}
	in->garp_extra_if_s = (uint32_t)secs;
	in->garp_extra_if_all = all;
	in->garp_extra_if_set = true;
	return 0;
}

static const char *const auth_words[] = { "PASS", "AH", NULL };

static const struct conf_keyword auth_keywords[] = {
	{ .name = "auth_type", .type = CONF_T_ENUM, .offset = VI(auth_type),
	  .words = auth_words },
	CUSTOM("auth_pass", h_auth_pass, "a password (8 characters are used)"),
	{ .name = NULL },
};

static const struct conf_block auth_block = {
	.name = "authentication",
	.keywords = auth_keywords,
};


static const char *const state_words[] = { "BACKUP", "MASTER", NULL };

const struct conf_keyword vrrp_instance_keywords[] = {
	/* role and timers */
	{ .name = "state", .type = CONF_T_ENUM, .offset = VI(state),
	  .words = state_words },
	{ .name = "interface", .type = CONF_T_STR, .offset = VI(interface),
	  .handler = h_interface },
	UINTH("virtual_router_id", vrid, 1, 255, h_vrid),
	UINT("priority", priority, 1, 255),
	TIMEH("advert_int", advert_int_us, 10000, USEC(255), h_advert_int),
	UINTH("version", version, 2, 3, set_version),
	{ .name = "preempt", .type = CONF_T_FLAG, .offset = VI(preempt_given),
	  .handler = h_preempt },
	FLAG("nopreempt", nopreempt),
	TIME("preempt_delay", preempt_delay_us, 0, USEC(1000)),
	FLAG("dont_track_primary", dont_track_primary),
	FLAG("native_ipv6", native_ipv6),
	UINT("down_timer_adverts", down_timer_adverts, 1, 100),

	/* where adverts go */
	CUSTOM("mcast_src_ip", h_src_ip, NULL),
	CUSTOM("unicast_src_ip", h_src_ip, NULL),
	CUSTOM("mcast_dst_ip", h_mcast_dst, NULL),
	LIST("unicast_peer", vrrp_conf_h_peer,
	     "a block of ADDRESS [min_ttl 0..255] [max_ttl 0..255]"),
	UINT("unicast_ttl", unicast_ttl, 1, 255),
	{ .name = "check_unicast_src", .type = CONF_T_FLAG,
	  .offset = VI(check_unicast_src), .handler = set_check_src },
	FLAG("unicast_fault_no_peer", unicast_fault_no_peer),
	BOOLH("v3_checksum_as_v2", v3_checksum_as_v2, set_v3_csum),
	UINT("kernel_rx_buf_size", kernel_rx_buf_size, 1, INT_MAX),

	/* authentication (v2) */
	{ .name = "authentication", .type = CONF_T_BLOCK, .block = &auth_block,
	  .handler = h_auth_block },

	/* addresses */
	LIST("virtual_ipaddress", vrrp_conf_h_vip, "a block of addresses"),
	LIST("virtual_ipaddress_excluded", vrrp_conf_h_evip,
	     "a block of addresses"),
	FLAG("no_virtual_ipaddress", no_virtual_ipaddress),
	FLAG("promote_secondaries", promote_secondaries),
	{ .name = "accept", .type = CONF_T_FLAG, .offset = VI(accept_given) },
	FLAG("no_accept", no_accept),
	CUSTOM("use_vmac", vrrp_conf_h_use_vmac, "[INTERFACE_NAME] [MAC]"),
	FLAG("vmac_xmit_base", vmac_xmit_base),
	FLAG("use_vmac_addr", use_vmac_addr),
	LIST("virtual_routes", vrrp_conf_h_vroute,
	     "a block of routes in `ip route` syntax"),
	LIST("virtual_rules", vrrp_conf_h_vrule,
	     "a block of rules in `ip rule` syntax"),

	/* gratuitous ARP / unsolicited NA */
	TIMEH("garp_master_delay", garp_master_delay_us, 0, MAXT,
	      set_garp_delay),
	UINTH("garp_master_repeat", garp_master_repeat, 1, UINT_MAX,
	      set_garp_repeat),
	TIMEH("garp_master_refresh", garp_master_refresh_us, 0, MAXT,
	      set_garp_refresh),
	UINTH("garp_master_refresh_repeat", garp_master_refresh_repeat, 1,
	      UINT_MAX, set_garp_refresh_repeat),
	TIMEH("garp_lower_prio_delay", garp_lower_prio_delay_us, 0, MAXT,
	      set_lp_delay),
	UINTH("garp_lower_prio_repeat", garp_lower_prio_repeat, 0, INT_MAX,
	      set_lp_repeat),
	CUSTOM("garp_extra_if", h_garp_extra_if,
	       "[all] SECONDS (0..86400; 0: off)"),
	ALIAS("vmac_garp_intvl", "garp_extra_if"),

	/* protocol switches */
	BOOLH("lower_prio_no_advert", lower_prio_no_advert, set_lp_no_advert),
	BOOLH("higher_prio_send_advert", higher_prio_send_advert,
	      set_hp_send_advert),
	BOOLH("skip_check_adv_addr", skip_check_adv_addr, set_skip_check),
	BOOLH("strict_mode", strict_mode, set_strict),
	/* keepalived documents it as "not implemented yet": no effect. */
	UINT("debug", debug, 0, 4),

	/* issue 4 and the rest keepalived has: refused with an error */
	NOTIMPL("use_ipvlan"),
	NOTIMPL("vrf"),
	/* trackers: vrrp_conf_track.c */
	LIST("track_interface", vrrp_conf_h_track_if,
	     "a block of INTERFACE [weight -253..253 [reverse]]"),
	LIST("track_file", vrrp_conf_h_track_file,
	     "a block of TRACK_FILE [weight -254..254 [reverse|noreverse]]"),
	LIST("track_process", vrrp_conf_h_track_proc,
	     "a block of TRACK_PROCESS [weight -254..254 [reverse|noreverse]]"),
	LIST("track_script", vrrp_conf_h_track_script,
	     "a block of VRRP_SCRIPT [weight -253..253 [reverse|noreverse]]"),
	NOTIMPL("track_bfd"),
	NOTIMPL("track_src_ip"),
	VRRP_CONF_NOTIFY_KEYWORDS(struct vrrp_conf_instance, set_prio_changes),
	{ .name = "notify_master_rx_lower_pri", .type = CONF_T_LINE,
	  .offset = VI(notify.master_rx_lower_pri) },
	BOOLH("smtp_alert", smtp_alert, set_smtp_alert),
	NOTIMPL("old_unicast_checksum"),
	NOTIMPL("timer_expired_backup"),
	NOTIMPL("lvs_sync_daemon_interface"),
	NOTIMPL("linkbeat_use_polling"),
	NOTIMPL("auth_hmac"),
	{ .name = NULL },
};

/* ------------------------------------------------------------------ */

static void *inst_open(struct conf_ctx *c, const struct conf_node *n,
		       void *parent)
{
	struct vrrp_conf *vc = parent;
	struct vrrp_conf_instance *in, **grown;

	if (n->nargs != 1) {
		conf_err(c, n, "expected one instance name before '{', got %zu "
			 "words", n->nargs);
		return NULL;
	}
	if (!(in = calloc(1, sizeof(*in))))
		goto nomem;
	in->priority = 100;
	in->advert_int_us = 1000000;
	in->auth_type = VRRP_CONF_AUTH_NONE;
	in->family = AF_UNSPEC;
	/* Kept in the list at once, so vrrp_conf_free() frees it whatever
	 * happens to the block. */
	grown = realloc(vc->inst, (vc->ninst + 1) * sizeof(*grown));
	if (!grown) {
		free(in);
		goto nomem;
	}
	vc->inst = grown;
	vc->inst[vc->ninst++] = in;
	if (!(in->name = strdup(n->args[0])) || vrrp_conf_loc_set(&in->loc, n))
		goto nomem;
	return in;
nomem:
	conf_err(c, n, "out of memory");
	return NULL;
}

const struct conf_block vrrp_instance_block = {
	.name = "vrrp_instance",
	.keywords = vrrp_instance_keywords,
	.open = inst_open,
	.close = vrrp_conf_inst_close,
};

int vrrp_conf_instance_stmt(struct conf_ctx *c, const struct conf_node *n,
			    void *obj)
{
	if (!n->block) {
		conf_err(c, n, "expected NAME {, got no block");
		return -1;
	}
	return conf_apply_block(c, n, &vrrp_instance_block, obj);
}

/* ------------------------------------------------------------------ */

void vrrp_conf_notify_free(struct vrrp_conf_notify *cn)
{
	free(cn->master);
	free(cn->backup);
	free(cn->fault);
	free(cn->stop);
	free(cn->deleted);
	free(cn->any);
	free(cn->master_rx_lower_pri);
	memset(cn, 0, sizeof(*cn));
}

static void inst_free(struct vrrp_conf_instance *in)
{
	free(in->name);
	vrrp_conf_loc_free(&in->loc);
	free(in->interface);
	vrrp_conf_loc_free(&in->advert_loc);
	vrrp_conf_loc_free(&in->vrid_loc);
	vrrp_conf_loc_free(&in->auth_loc);
	for (size_t i = 0; i < in->npeers; i++)
		vrrp_conf_loc_free(&in->peers[i].loc);
	free(in->peers);
	for (size_t i = 0; i < in->nvips; i++)
		vrrp_vip_free(&in->vips[i]);
	free(in->vips);
	for (size_t i = 0; i < in->nevips; i++)
		vrrp_vip_free(&in->evips[i]);
	free(in->evips);
	vrrp_conf_routes_free(in);
	free(in->vmac_name);
	vrrp_conf_tracks_free(in->tracks, in->ntracks);
	vrrp_conf_notify_free(&in->notify);
	free(in);
}

void vrrp_conf_init(struct vrrp_conf *vc)
{
	memset(vc, 0, sizeof(*vc));
}

void vrrp_conf_free(struct vrrp_conf *vc)
{
	for (size_t i = 0; i < vc->ninst; i++)
		inst_free(vc->inst[i]);
	free(vc->inst);
	for (size_t i = 0; i < vc->ngroups; i++) {
		struct vrrp_conf_sync_group *g = vc->groups[i];

		for (size_t j = 0; j < g->nmembers; j++) {
			free(g->members[j]);
			vrrp_conf_loc_free(&g->member_loc[j]);
		}
		free(g->members);
		free(g->member_loc);
		vrrp_conf_tracks_free(g->tracks, g->ntracks);
		vrrp_conf_notify_free(&g->notify);
		free(g->name);
		vrrp_conf_loc_free(&g->loc);
		free(g);
	}
	free(vc->groups);
	vrrp_conf_static_free(vc);
	vrrp_conf_track_files_free(vc);
	vrrp_conf_track_procs_free(vc);
	vrrp_conf_track_scripts_free(vc);
	vrrp_conf_garp_free(vc);
	vrrp_conf_track_groups_free(vc);
	memset(vc, 0, sizeof(*vc));
}
