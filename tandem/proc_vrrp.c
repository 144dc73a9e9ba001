/*
 * The vrrp process: glue between the child runtime and vrrp/.
 *
 * Here global_defs meets the VRRP runtime, which cannot see it: the
 * garp_* defaults, multicast groups and receive switches become a struct
 * vrrp_inst_globals.  A reload is a merge by instance name: an instance
 * whose block reads the same (statement by statement, in the resolved
 * tree) under the same globals keeps running untouched, its state, timers
 * and VIPs included, and only follows the new config's storage; every
 * other one is stopped, started or restarted.  The runtime gives its
 * hooks no context pointer, so the one runtime per process is kept here.
 *
 * A child the parent respawned (after a crash or a hang) starts its
 * instances in resume mode: one whose VIPs are all still on the
 * interface was master a moment ago and carries on as master, so no
 * failover happens.  A fresh start of the daemon, and an instance a
 * reload adds, never resume: a VIP left by an earlier run is removed
 * unless the election makes this director master.
 *
 * With enable_dbus the process serves keepalived's DBus interface
 * (vrrp/vrrp_dbus.c); its PrintData, PrintStats and ReloadConfig reach
 * the child runtime through the hooks given here.  A reload that changes
 * dbus_service_name or the object paths reconnects under the new ones.
 *
 * Every state change is reported to the parent (which relays it to the
 * check child: the sync daemon follows its instance).  Changes are
 * queued as text lines and sent from a deferred event, so a thousand
 * instances changing at once cost a few messages, not a thousand; when
 * the parent's queue is full the rest goes out on a short retry timer,
 * and nothing is lost or reordered.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/json_req.h"
#include "lib/log.h"
#include "tandem/child.h"
#include "tandem/config.h"
#include "tandem/ctl_hold.h"
#include "tandem/opts.h"
#include "tandem/proc_vrrp.h"
#include "tandem/proc_vrrp_mail.h"
#include "tandem/vrrp_states.h"

#ifdef WITH_VRRP
#include "vrrp/vrrp_admin.h"
#include "vrrp/vrrp_dbus.h"
#include "vrrp/vrrp_ctl.h"
#include "vrrp/vrrp_metrics.h"
#include "vrrp/vrrp_notify.h"
#include "vrrp/vrrp_routes.h"
#include "vrrp/vrrp_run.h"
#include "vrrp/vrrp_snmp.h"

static struct {
	bool keep_vips;			/* -V */
	bool respawned;			/* this child replaces a dead one */
	struct vrrp_run *run;
	struct vrrp_inst_globals g;
	sd_event *e;
	const struct tandem_config *cfg;	/* for static_*: alive till stop */
	char *out;			/* state lines not sent yet */
	size_t outlen;
	sd_event_source *flush;		/* defer or retry timer, while queued */
	struct vrrp_notify *notify;	/* notify_* scripts, notify FIFOs */
	struct vrrp_dbus *dbus;		/* enable_dbus; NULL: off */
} pv;

#define REPORT_RETRY_USEC (20 * 1000ULL)

static int flush_states(sd_event_source *s, void *ud);

static int on_retry(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)usec;
	return flush_states(s, ud);
}

static int flush_states(sd_event_source *s, void *ud)
{
	int r;

	(void)s;
	(void)ud;
	pv.flush = sd_event_source_disable_unref(pv.flush);
	r = vrrp_states_send(child_parent_sock(), &pv.out, &pv.outlen);
	if (r == -EAGAIN) {
		uint64_t now = 0;

		sd_event_now(pv.e, CLOCK_MONOTONIC, &now);
		if (sd_event_add_time(pv.e, &pv.flush, CLOCK_MONOTONIC,
				      now + REPORT_RETRY_USEC, 1000, on_retry,
				      NULL) < 0)
			pv.flush = NULL;
	} else if (r < 0) {
		log_warn("cannot report VRRP states to the parent: %s",
			 strerror(-r));
	}
	return 0;
}

static void report(const char *state, const char *name)
{
	if (vrrp_states_line(&pv.out, &pv.outlen, state, name) < 0) {
		log_warn("out of memory: VRRP state of %s not reported", name);
		return;
	}
	if (!pv.flush && pv.e &&
	    sd_event_add_defer(pv.e, &pv.flush, flush_states, NULL) < 0)
		pv.flush = NULL;
}

/* The notifications of a state change: the instance's, then its sync
 * group's when the group as a whole reached a new state (the first member
 * to get there takes the group along). */
static void notify_state(const struct vrrp_inst *vi, enum vrrp_state to)
{
	const char *st = to == VRRP_STATE_MASTER ? "MASTER"
		       : to == VRRP_STATE_BACKUP ? "BACKUP"
		       : to == VRRP_STATE_FAULT ? "FAULT" : NULL;

	if (!st)
		return;		/* Initialize: STOP is told by pv_stop */
	vrrp_notify_event(pv.notify, "INSTANCE", vi->ci->name, &vi->ci->notify,
			  st, vi->fsm.cfg.priority);
	vrrp_notify_group(pv.notify, vi->ci->sg, st);
}

/* notify_priority_changes of an instance: its own, else its sync
 * group's (keepalived lets a group set it for its members), else
 * global_defs' vrrp_notify_priority_changes. */
static bool prio_changes(const struct vrrp_conf_instance *ci)
{
	if (ci->notify_priority_changes_set)
		return ci->notify_priority_changes;
	if (ci->sg && ci->sg->notify_priority_changes_set)
		return ci->sg->notify_priority_changes;
	return pv.cfg && pv.cfg->gd.vrrp_notify_priority_changes;
}

/* notify_master_rx_lower_pri, and notify_priority_changes (the FIFOs,
 * not the scripts, are told the current state with the new priority). */
static void on_event(const struct vrrp_inst *vi, enum vrrp_event ev, void *arg)
{
	enum vrrp_state s = vi->fsm.state;
	const char *st = s == VRRP_STATE_MASTER ? "MASTER"
		       : s == VRRP_STATE_BACKUP ? "BACKUP"
		       : s == VRRP_STATE_FAULT ? "FAULT" : NULL;

	(void)arg;
	if (ev == VRRP_EV_RX_LOWER && vi->ci->notify.master_rx_lower_pri)
		vrrp_notify_event(pv.notify, "INSTANCE", vi->ci->name,
				  &vi->ci->notify, "MASTER_RX_LOWER_PRI",
				  vi->fsm.cfg.priority);
	else if (ev == VRRP_EV_PRIORITY && st && prio_changes(vi->ci))
		vrrp_notify_priority(pv.notify, "INSTANCE", vi->ci->name, st,
				     vi->fsm.cfg.priority);
}

static void notify_set(const struct global_defs *gd)
{
	struct vrrp_notify_opts o = {
		.script = {
			.user = gd->script_user,
			.group = gd->script_group,
			.secure = gd->enable_script_security,
		},
		.fifo = { gd->notify_fifo.path, gd->vrrp_notify_fifo.path },
		.fifo_user = { gd->notify_fifo.user, gd->vrrp_notify_fifo.user },
		.fifo_group = { gd->notify_fifo.group,
				gd->vrrp_notify_fifo.group },
		.fifo_script = { gd->notify_fifo.script.cmd,
				 gd->vrrp_notify_fifo.script.cmd },
	};

	vrrp_notify_set(pv.notify, &o);
}

/* STOP (or DELETED, at a reload) of one instance, and of its group when
 * it goes too. */
static void notify_gone(const struct vrrp_inst *vi, const char *st)
{
	vrrp_notify_event(pv.notify, "INSTANCE", vi->ci->name, &vi->ci->notify,
			  st, vi->fsm.cfg.priority);
	vrrp_notify_group(pv.notify, vi->ci->sg, st);
}

/* The change for `tandemctl monitor` (and other event readers). */
static void event_state(const struct vrrp_inst *vi, enum vrrp_state from,
			enum vrrp_state to)
{
	struct json_object *ev = json_object_new_object();

	if (!ev)
		return;
	json_object_object_add(ev, "event", json_object_new_string("vrrp"));
	json_object_object_add(ev, "instance", json_object_new_string(vi->ci->name));
	json_object_object_add(ev, "state", json_object_new_string(vrrp_state_str(to)));
	json_object_object_add(ev, "prev", json_object_new_string(vrrp_state_str(from)));
	json_object_object_add(ev, "priority", json_object_new_int(vi->fsm.cfg.priority));
	child_event(ev);
}

static void on_state(const struct vrrp_inst *vi, enum vrrp_state from,
		     enum vrrp_state to, void *arg)
{
	(void)arg;
	report(vrrp_state_str(to), vi->ci->name);
	vrrp_dbus_state(pv.dbus, vi, to);
	event_state(vi, from, to);
	notify_state(vi, to);
	pv_mail_state(pv.run, vi, to);
	vrrp_snmp_state(vi, from, to);
}

/* enable_snmp_rfcv3, enable_snmp_rfcv2 (both: enable_snmp_rfc),
 * enable_snmp_vrrp, enable_traps, snmp_socket */
static void snmp_set(const struct global_defs *gd)
{
	struct vrrp_snmp_opts o = {
		.rfcv3 = gd->enable_snmp_rfcv3,
		.rfcv2 = gd->enable_snmp_rfcv2,
		.tandem = gd->enable_snmp_vrrp,
		.traps = gd->enable_traps,
		.socket = gd->snmp_socket,
	};

	vrrp_snmp_set(pv.e, pv.run, &o);
}

static void group_of(struct vrrp_ip *ip, const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET || ss->ss_family == AF_INET6)
		vrrp_conf_ip_from_ss(ip, ss);
}

/* The no_accept firewall: nftables, even when global_defs does not ask
 * for it, unless vrrp_iptables alone asks for iptables (with both,
 * nftables wins, as in keepalived).  ipsets by default with iptables,
 * named tandem, tandem6, tandem_if6, tandem_igmp, tandem_mld; a
 * vrrp_ipsets with no name means no ipsets. */
static void fw_conf(const struct global_defs *gd, struct vrrp_fw_conf *f)
{
	static const char *const dflt[VRRP_FW_SETS] = {
		"tandem", "tandem6", "tandem_if6", "tandem_igmp", "tandem_mld"
	};

	f->kind = gd->vrrp_iptables && !gd->nftables ? VRRP_FW_IPT
						      : VRRP_FW_NFT;
	if (f->kind == VRRP_FW_NFT) {
		snprintf(f->nft_table, sizeof(f->nft_table), "%s",
			 gd->nftables ? gd->nftables : "tandem");
		f->nft_priority = gd->nftables_priority;
		f->nft_counters = gd->nftables_counters;
		return;
	}
	snprintf(f->ipt_in, sizeof(f->ipt_in), "%s",
		 gd->vrrp_iptables_in ? gd->vrrp_iptables_in : "INPUT");
	snprintf(f->ipt_out, sizeof(f->ipt_out), "%s",
		 gd->vrrp_iptables_out ? gd->vrrp_iptables_out : "");
	f->ipsets = !gd->vrrp_ipsets_set || gd->vrrp_ipsets[0];
	for (size_t i = 0; f->ipsets && i < VRRP_FW_SETS; i++)
		snprintf(f->sets[i], sizeof(f->sets[i]), "%s",
			 gd->vrrp_ipsets_set ? gd->vrrp_ipsets[i] : dflt[i]);
}

static void make_globals(const struct global_defs *gd, struct vrrp_inst_globals *g)
{
	memset(g, 0, sizeof(*g));
	g->garp_master_delay_us = gd->vrrp_garp_master_delay;
	g->garp_master_repeat = gd->vrrp_garp_master_repeat;
	g->garp_master_refresh_us = gd->vrrp_garp_master_refresh;
	g->garp_master_refresh_repeat = gd->vrrp_garp_master_refresh_repeat;
	group_of(&g->mcast_group4, &gd->vrrp_mcast_group4);
	group_of(&g->mcast_group6, &gd->vrrp_mcast_group6);
	g->check_unicast_src = gd->vrrp_check_unicast_src;
	g->skip_check_adv_addr = gd->vrrp_skip_check_adv_addr;
	g->v3_checksum_as_v2 = gd->v3_checksum_as_v2;
	g->garp_lower_prio_delay_us = gd->vrrp_garp_lower_prio_delay;
	g->garp_lower_prio_repeat = gd->vrrp_garp_lower_prio_repeat;
	g->garp_extra_if_us = gd->vrrp_garp_extra_if;
	g->garp_extra_if_all = gd->vrrp_garp_extra_if_all;
	g->down_timer_adverts = gd->vrrp_down_timer_adverts;
	g->lower_prio_no_advert = gd->vrrp_lower_prio_no_advert;
	g->higher_prio_send_advert = gd->vrrp_higher_prio_send_advert;
	g->strict = gd->vrrp_strict;
	g->rx_ring = gd->vrrp_rx_ring;
	g->rx_bufs_policy = gd->vrrp_rx_bufs_policy == GD_RX_BUFS_MTU ? VRRP_RXB_MTU :
		gd->vrrp_rx_bufs_policy == GD_RX_BUFS_ADVERT ? VRRP_RXB_ADVERT :
		gd->vrrp_rx_bufs_policy == GD_RX_BUFS_SIZE ? VRRP_RXB_SIZE :
		VRRP_RXB_DEFAULT;
	g->rx_bufs_size = gd->vrrp_rx_bufs_size;
	g->rx_bufs_multiplier = gd->vrrp_rx_bufs_multiplier;
	fw_conf(gd, &g->fw);
}


static const struct conf_node *inst_node(const struct tandem_config *cfg,
					 const char *name)
{
	for (const struct conf_node *n = cfg->tree ? cfg->tree->first : NULL;
	     n; n = n->next)
		if (!strcmp(n->word, "vrrp_instance") && n->nargs &&
		    !strcmp(n->args[0], name))
			return n;
	return NULL;
}

/* Same statements, same words, same order (files and lines may move). */
static bool same_nodes(const struct conf_node *a, const struct conf_node *b)
{
	for (; a && b; a = a->next, b = b->next) {
		if (strcmp(a->word, b->word) || a->nargs != b->nargs ||
		    a->block != b->block)
			return false;
		for (size_t i = 0; i < a->nargs; i++)
			if (strcmp(a->args[i], b->args[i]))
				return false;
		if (!same_nodes(a->child, b->child))
			return false;
	}
	return !a && !b;
}

static bool inst_same(const struct tandem_config *old,
		      const struct vrrp_conf_instance *oi,
		      const struct tandem_config *new_cfg,
		      const struct vrrp_conf_instance *ni)
{
	const struct conf_node *a = inst_node(old, oi->name);
	const struct conf_node *b = inst_node(new_cfg, ni->name);

	return a && b && oi->version == ni->version &&
	       a->nargs == b->nargs && same_nodes(a->child, b->child);
}

/* The blocks every instance may depend on besides its own: sync groups
 * (membership, shared trackers), track_file, vrrp_track_process and
 * vrrp_script blocks.  Any change to
 * them restarts every instance, the simple and safe answer. */
static bool shared_word(const char *w)
{
	return !strcmp(w, "vrrp_sync_group") || !strcmp(w, "track_file") ||
	       !strcmp(w, "vrrp_track_file") ||
	       !strcmp(w, "vrrp_track_process") || !strcmp(w, "vrrp_script");
}

static const struct conf_node *next_shared(const struct conf_node *n)
{
	while (n && !shared_word(n->word))
		n = n->next;
	return n;
}

static bool shared_same(const struct tandem_config *a,
			const struct tandem_config *b)
{
	const struct conf_node *x = next_shared(a->tree ? a->tree->first : NULL);
	const struct conf_node *y = next_shared(b->tree ? b->tree->first : NULL);

	for (; x && y; x = next_shared(x->next), y = next_shared(y->next)) {
		if (strcmp(x->word, y->word) || x->nargs != y->nargs)
			return false;
		for (size_t i = 0; i < x->nargs; i++)
			if (strcmp(x->args[i], y->args[i]))
				return false;
		if (!same_nodes(x->child, y->child))
			return false;
	}
	return !x && !y;
}

static void pv_set_opts(const struct tandem_opts *opts)
{
	pv.keep_vips = opts->dont_release_vrrp;
}

static void pv_set_restarts(unsigned restarts)
{
	pv.respawned = restarts > 0;
}

/* script_user and enable_script_security, for the vrrp_scripts */
static void script_opts(const struct global_defs *gd)
{
	if (vrrp_run_script_opts(pv.run, gd->script_user, gd->script_group,
				 gd->set_supplementary_groups,
				 gd->enable_script_security) < 0)
		log_err("VRRP: out of memory for the script user");
}

/* garp_group and global_defs' vrrp_garp_interval / vrrp_gna_interval */
static void garp_pace(const struct tandem_config *cfg)
{
	if (vrrp_run_garp_pace(pv.run, &cfg->vrrp, cfg->gd.vrrp_garp_interval,
			       cfg->gd.vrrp_gna_interval) < 0)
		log_err("VRRP: out of memory: gratuitous ARPs are not paced");
}

static void start_all(const struct tandem_config *cfg, bool resume)
{
	for (size_t i = 0; i < cfg->vrrp.ninst; i++)
		if (!vrrp_run_find(pv.run, cfg->vrrp.inst[i]->name))
			vrrp_run_add(pv.run, cfg->vrrp.inst[i], &pv.g, resume);
}

static void dbus_print_data(void)
{
	child_dump(IPC_DUMP_DATA);
}

static void dbus_print_stats(void)
{
	child_dump(IPC_DUMP_STATS);
}

static const struct vrrp_dbus_hooks dbus_hooks = {
	.print_data = dbus_print_data,
	.print_stats = dbus_print_stats,
	.reload = child_request_reload,
};

/* Start, stop or reconnect the DBus service as enable_dbus and its
 * names now say; true when it was already serving the same names. */
static bool dbus_setup(const struct global_defs *gd)
{
	const struct vrrp_dbus_conf dc = {
		.service = gd->dbus_service_name,
		.no_if_name = gd->dbus_no_interface_name,
		.net_namespace = gd->net_namespace,
		.instance = gd->instance,
	};

	if (pv.dbus && gd->enable_dbus && !vrrp_dbus_differs(pv.dbus, &dc))
		return true;
	vrrp_dbus_free(pv.dbus);
	pv.dbus = NULL;
	if (gd->enable_dbus &&
	    vrrp_dbus_new(pv.e, pv.run, &dc, &dbus_hooks, &pv.dbus) < 0)
		log_err("out of memory: no DBus service");
	return false;
}

static int pv_init(sd_event *e, const struct tandem_config *cfg)
{
	int r = vrrp_run_new(e, &pv.run);

	if (r < 0)
		return r;
	pv.e = e;
	vrrp_run_on_state(pv.run, on_state, NULL);
	vrrp_run_on_event(pv.run, on_event);
	if (vrrp_notify_new(e, &pv.notify) < 0)
		log_err("out of memory: no VRRP notifications");
	notify_set(&cfg->gd);
	pv_mail_setup(e, &cfg->gd);
	make_globals(&cfg->gd, &pv.g);
	script_opts(&cfg->gd);
	log_info("starting %zu VRRP instance%s%s", cfg->vrrp.ninst,
		 cfg->vrrp.ninst == 1 ? "" : "s",
		 pv.respawned ? " after a restart of this process" : "");
	pv.cfg = cfg;
	garp_pace(cfg);
	vrrp_static_set(NULL, &cfg->vrrp, NULL);
	/* Before the instances start, so that their first states are
	 * queued on the bus as they happen. */
	dbus_setup(&cfg->gd);
	start_all(cfg, pv.respawned);
	vrrp_run_static_track(pv.run, &cfg->vrrp);
	snmp_set(&cfg->gd);
	return 0;
}

static const struct vrrp_conf_instance *conf_find(const struct tandem_config *cfg,
						  const char *name)
{
	for (size_t i = 0; i < cfg->vrrp.ninst; i++)
		if (!strcmp(cfg->vrrp.inst[i]->name, name))
			return cfg->vrrp.inst[i];
	return NULL;
}

static int pv_reload(const struct tandem_config *old,
		     const struct tandem_config *new_cfg)
{
	struct vrrp_inst_globals g;
	bool same_g;
	unsigned kept = 0, stopped = 0;

	notify_set(&new_cfg->gd);
	pv_mail_setup(pv.e, &new_cfg->gd);
	make_globals(&new_cfg->gd, &g);
	script_opts(&new_cfg->gd);
	same_g = !memcmp(&g, &pv.g, sizeof(g)) && shared_same(old, new_cfg);
	pv.g = g;
	for (struct vrrp_inst *vi = vrrp_run_first(pv.run), *next; vi; vi = next) {
		const struct vrrp_conf_instance *ni = conf_find(new_cfg, vi->ci->name);

		next = vi->next;
		if (ni && same_g && inst_same(old, vi->ci, new_cfg, ni)) {
			vrrp_inst_set_conf(vi, ni);
			kept++;
		} else {
			/* The old config, and so the name, outlives the call. */
			const char *name = vi->ci->name;

			notify_gone(vi, ni ? "STOP" : "DELETED");
			vrrp_run_remove(pv.run, vi, !pv.keep_vips);
			report("DELETED", name);
			stopped++;
		}
	}
	log_info("reload: %u VRRP instance%s kept, %u stopped or restarted",
		 kept, kept == 1 ? "" : "s", stopped);
	pv.cfg = new_cfg;
	garp_pace(new_cfg);
	vrrp_static_set(NULL, &new_cfg->vrrp, &old->vrrp);
	start_all(new_cfg, false);
	vrrp_admin_reloaded(pv.run);
	vrrp_run_static_track(pv.run, &new_cfg->vrrp);
	vrrp_run_settle(pv.run);
	if (dbus_setup(&new_cfg->gd))
		vrrp_dbus_reloaded(pv.dbus);
	snmp_set(&new_cfg->gd);
	return 0;
}

static void pv_stop(void)
{
	/* VrrpStopped first: the bus objects look into the runtime. */
	vrrp_dbus_free(pv.dbus);
	pv.dbus = NULL;
	/* The stop scripts outlive the process: started detached. */
	vrrp_notify_stopping(pv.notify);
	for (struct vrrp_inst *vi = vrrp_run_first(pv.run); vi; vi = vi->next)
		notify_gone(vi, "STOP");
	/* the views read the instances: gone first */
	vrrp_snmp_stop();
	vrrp_run_free(pv.run, !pv.keep_vips);
	vrrp_notify_free(pv.notify);
	pv.notify = NULL;
	pv.run = NULL;
	pv_mail_stop();
	/* static_* go with the process, unless the VIPs are kept too */
	if (pv.cfg && !pv.keep_vips)
		vrrp_static_set(NULL, NULL, &pv.cfg->vrrp);
	pv.cfg = NULL;
	pv.flush = sd_event_source_disable_unref(pv.flush);
	free(pv.out);
	pv.out = NULL;
	pv.outlen = 0;
}

static void pv_dump_data(FILE *out)
{
	vrrp_run_dump(pv.run, out);
}

static void pv_dump_json(struct json_object *o)
{
	json_object_object_add(o, "vrrp", vrrp_run_json(pv.run));
	json_object_object_add(o, "vrrp_rx_ring", vrrp_run_ring_json(pv.run));
	json_object_object_add(o, "vrrp_notify", vrrp_notify_json(pv.notify));
}

/* Control requests relayed by the parent: metrics here, demote and
 * promote in vrrp_admin.c, the rest in vrrp_ctl.c. */
static struct json_object *pv_command(struct json_object *req)
{
	const char *cmd = json_req_str(req, "cmd");
	struct json_object *r;

	if (cmd && !strcmp(cmd, "metrics"))
		return vrrp_metrics_command(pv.run, req);
	if ((r = vrrp_admin_command(pv.run, cmd, req))) {
		ctl_hold_changed("vrrp", req, r);
		return r;
	}
	return vrrp_ctl_command(pv.run, req);
}

const struct child_ops proc_vrrp_ops = {
	.name = "vrrp", .dump_base = "tandem", .fold = true,
	.set_opts = pv_set_opts, .set_restarts = pv_set_restarts,
	.init = pv_init, .reload = pv_reload, .stop = pv_stop,
	.dump_data = pv_dump_data, .dump_json = pv_dump_json,
	.command = pv_command,
};

#endif
