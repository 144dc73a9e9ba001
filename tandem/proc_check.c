/*
 * The check process: glue between the child runtime and check/.
 *
 * This is where tandem's settings meet the IPVS controller, which knows
 * nothing of them: lvs_flush, lvs_flush_on_stop, lvs_timeouts and
 * lvs_sync_daemon from global_defs and -I from the command line become a
 * struct check_ipvs_opts.  A kernel without IPVS is not a reason to
 * crash-loop: the error is logged once per start or reload, and the
 * process keeps running (and retries on the next reload, in case the
 * module was loaded since).  The runtime gives its hooks no context
 * pointer, so the state of the one controller per process is kept here.
 *
 * ha_suspend follows the addresses configured in this namespace, as
 * keepalived's does: an address watcher (lib/nl_addr_watch) answers the
 * table's "is this virtual address here?", and when addresses come or go
 * the current config is applied again, which sends only the services
 * that appear or disappear.  The watcher runs only while some
 * virtual_server asks for ha_suspend.
 *
 * A sync daemon tied to a VRRP instance (lvs_sync_daemon IF INSTANCE)
 * follows that instance as keepalived's does: the master daemon runs
 * while the instance is master here, the backup daemon otherwise.  The
 * states come from the vrrp child through the parent (IPC_VRRP_STATE);
 * until one arrives the instance counts as not master.
 */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>

#include "check/check_admin.h"
#include "check/check_ctl.h"
#include "check/check_http.h"
#include "check/check_ipvs.h"
#include "check/check_metrics.h"
#include "check/check_notify.h"
#include "check/check_rs_rt.h"
#include "check/check_snmp.h"
#include "ipvs/ipvs_nl.h"
#include "lib/json_req.h"
#include "lib/log.h"
#include "lib/nl_addr_watch.h"
#include "tandem/child.h"
#include "tandem/config.h"
#include "tandem/ctl_hold.h"
#include "tandem/opts.h"
#include "tandem/proc_check.h"
#include "tandem/mail.h"
#include "tandem/vrrp_states.h"

#ifdef WITH_LVS

static struct {
	bool keep_ipvs;			/* -I */
	struct check_ipvs *ipvs;	/* NULL: no IPVS in this kernel */
	struct check_ipvs_opts o;
	sd_event *e;
	const struct tandem_config *cfg;	/* the config applied */
	struct nl_addr_watch *addrs;	/* while ha_suspend is used */
	struct vrrp_states states;	/* relayed from the vrrp child */
	struct check_rt *rt;		/* the checkers */
	struct check_notify *notify;	/* notify scripts and FIFOs */
	struct smtp_alert *mail;	/* smtp_alert (tandem/mail.h) */
} pc;

/* script_user, enable_script_security, the FIFOs, rs_init_notifies. */
static void notify_opts(const struct tandem_config *cfg)
{
	const struct global_defs *gd = &cfg->gd;
	struct check_notify_opts o;

	mail_setup(pc.e, gd, &pc.mail);
	o = (struct check_notify_opts){
		.script = {
			.user = gd->script_user,
			.group = gd->script_group,
			.supplementary_groups = gd->set_supplementary_groups,
			.secure = gd->enable_script_security,
		},
		.notify_fifo = gd->notify_fifo.path,
		.lvs_notify_fifo = gd->lvs_notify_fifo.path,
		.lvs_fifo_script = gd->lvs_notify_fifo.script.cmd,
		.fifo_user = { gd->notify_fifo.user, gd->lvs_notify_fifo.user },
		.fifo_group = { gd->notify_fifo.group, gd->lvs_notify_fifo.group },
		.rs_init_notifies = gd->rs_init_notifies,
		.mail = pc.mail,
		.mail_default = gd->smtp_alert_checker,
		.mail_rs = !gd->no_checker_emails,
	};

	check_notify_set(pc.notify, &o);
}

/* A checker verdict changed: the table follows at once, the virtual
 * servers whose real servers changed only where the change was theirs. */
static void verdicts_changed(void *arg)
{
	(void)arg;
	if (!pc.ipvs || !pc.cfg)
		return;
	if (check_rt_table_all(pc.rt))
		check_ipvs_refresh(pc.ipvs, &pc.cfg->check, &pc.o);
	else
		check_ipvs_refresh_marked(pc.ipvs, &pc.cfg->check, &pc.o);
}

static bool vip_present(int af, const union ipvs_addr *a, void *arg)
{
	return nl_addr_watch_has(arg, af, a);
}

static void addrs_changed(void *userdata)
{
	(void)userdata;
	if (pc.ipvs && pc.cfg)
		check_ipvs_refresh(pc.ipvs, &pc.cfg->check, &pc.o);
}

static bool uses_ha_suspend(const struct check_conf *cc)
{
	for (size_t i = 0; i < cc->nvs; i++)
		if (cc->vs[i]->ha_suspend)
			return true;
	return false;
}

/* Start or stop the address watcher as the config needs it.  Without it
 * (it could not start) every service is in the table, as if no
 * ha_suspend were set: better a service too many than none. */
static void watch_addrs(const struct tandem_config *cfg)
{
	int r;

	if (!uses_ha_suspend(&cfg->check)) {
		nl_addr_watch_free(pc.addrs);
		pc.addrs = NULL;
		return;
	}
	if (pc.addrs)
		return;
	r = nl_addr_watch_new(pc.e, addrs_changed, NULL, &pc.addrs);
	if (r < 0) {
		pc.addrs = NULL;
		log_err("ha_suspend: cannot watch addresses: %s; every service "
			"stays in the table", strerror(-r));
	}
}

static void syncd_opts(const struct tandem_config *cfg,
		       const struct gd_lvs_syncd *s, struct check_ipvs_opts *o)
{
	struct ipvs_daemon dm;

	memset(&dm, 0, sizeof(dm));
	snprintf(dm.mcast_ifn, sizeof(dm.mcast_ifn), "%s", s->ifname);
	/* keepalived's default: the VRID of the instance the daemon
	 * follows (0 without one, or when the VRRP side is not built). */
	dm.syncid = s->syncid < 0 ? cfg->sync_vrid : (uint32_t)s->syncid;
	dm.sync_maxlen = (uint16_t)s->maxlen;
	dm.mcast_port = (uint16_t)s->port;
	dm.mcast_ttl = (uint8_t)s->ttl;
	if (s->group.ss_family == AF_INET) {
		dm.mcast_af = AF_INET;
		dm.mcast_group.v4 = ((const struct sockaddr_in *)&s->group)->sin_addr;
	} else if (s->group.ss_family == AF_INET6) {
		dm.mcast_af = AF_INET6;
		dm.mcast_group.v6 = ((const struct sockaddr_in6 *)&s->group)->sin6_addr;
	}
	if (s->vrrp_instance) {
		const char *st = vrrp_states_get(&pc.states, s->vrrp_instance);

		dm.state = st && !strcmp(st, "MASTER") ? IP_VS_STATE_MASTER
						       : IP_VS_STATE_BACKUP;
		o->daemons[o->ndaemons++] = dm;
		return;
	}
	/* Tied to no instance: both, as there is nothing to follow. */
	dm.state = IP_VS_STATE_MASTER;
	o->daemons[o->ndaemons++] = dm;
	dm.state = IP_VS_STATE_BACKUP;
	o->daemons[o->ndaemons++] = dm;
}

static void make_opts(const struct tandem_config *cfg)
{
	const struct global_defs *gd = &cfg->gd;
	struct check_ipvs_opts *o = &pc.o;

	memset(o, 0, sizeof(*o));
	o->progress = child_alive;
	o->flush = gd->lvs_flush;
	if (pc.keep_ipvs)
		o->on_stop = CHECK_IPVS_STOP_KEEP;
	else if (gd->lvs_flush_on_stop == GD_FLUSH_ON_STOP_FULL)
		o->on_stop = CHECK_IPVS_STOP_FLUSH;
	else
		o->on_stop = CHECK_IPVS_STOP_REMOVE;
	o->timeouts.tcp = (uint32_t)(gd->lvs_timeouts.tcp / 1000000);
	o->timeouts.tcp_fin = (uint32_t)(gd->lvs_timeouts.tcpfin / 1000000);
	o->timeouts.udp = (uint32_t)(gd->lvs_timeouts.udp / 1000000);
	if (gd->lvs_sync_daemon.ifname)
		syncd_opts(cfg, &gd->lvs_sync_daemon, o);
	if (pc.addrs) {
		o->table.vip_present = vip_present;
		o->table.arg = pc.addrs;
	}
}

static void pc_set_opts(const struct tandem_opts *opts)
{
	pc.keep_ipvs = opts->dont_release_ipvs;
}

static void start_ipvs(const struct tandem_config *cfg)
{
	char err[IPVS_ERRMSG_MAX] = "";
	int r = check_ipvs_start(&pc.ipvs, &cfg->check, &pc.o, err, sizeof(err));

	if (r < 0) {
		pc.ipvs = NULL;
		log_err("IPVS: %s; the check process runs without it",
			*err ? err : strerror(-r));
	}
}

/* A real server went up or down: an event for `tandemctl monitor`. */
static void rs_event(const char *vs, const char *rs, bool up,
		     const char *reason, void *arg)
{
	struct json_object *ev = json_object_new_object();

	(void)arg;
	if (!ev)
		return;
	json_object_object_add(ev, "event", json_object_new_string("rs"));
	json_object_object_add(ev, "virtual_server", json_object_new_string(vs));
	json_object_object_add(ev, "real_server", json_object_new_string(rs));
	json_object_object_add(ev, "up", json_object_new_boolean(up));
	json_object_object_add(ev, "reason", json_object_new_string(reason));
	child_event(ev);
}

/* A restarted child takes the holds its predecessor had before the
 * table is first programmed (the parent replays them too, which then
 * changes nothing). */
static void inherit_holds(void)
{
	struct json_object *h = ctl_hold_inherited(CHILD_CHECK);

	for (size_t i = 0; h && i < json_object_array_length(h); i++) {
		struct json_object *req = json_object_array_get_idx(h, i);
		const char *cmd = json_object_get_string(json_object_object_get(req, "cmd"));

		json_object_put(check_admin_command(pc.rt, cmd, req));
	}
}

/* enable_snmp_checker, enable_traps, snmp_socket and how often the
 * kernel's counters are read */
static void snmp_set(const struct tandem_config *cfg)
{
	const struct global_defs *gd = &cfg->gd;
	int64_t vs = gd->snmp_vs_stats_update_interval;
	int64_t rs = gd->snmp_rs_stats_update_interval;
	struct check_snmp_opts o = {
		.enable = gd->enable_snmp_checker,
		.traps = gd->enable_traps,
		.socket = gd->snmp_socket,
		.stats_usec = (uint64_t)(vs < rs ? vs : rs),
	};

	check_snmp_set(pc.e, &cfg->check, pc.ipvs, pc.notify, &o);
}

static int pc_init(sd_event *e, const struct tandem_config *cfg)
{
	int r;

	pc.e = e;
	pc.cfg = cfg;
	check_http_set_ssl(cfg->check.ssl);
	r = check_notify_new(e, &pc.notify);
	if (r == 0)
		r = check_rt_new(e, verdicts_changed, NULL, &pc.rt);
	if (r == 0) {
		check_rt_on_rs_change(pc.rt, rs_event, NULL);
		check_rt_set_alive(pc.rt, child_alive, NULL);
		notify_opts(cfg);
		check_rt_set_notify(pc.rt, pc.notify);
		check_rt_log_all_failures(pc.rt, cfg->gd.checker_log_all_failures);
		/* The runtime hangs its state off the config's real
		 * servers: this child owns the config, so it may. */
		r = check_rt_apply(pc.rt, (struct check_conf *)&cfg->check);
	}
	if (r < 0) {
		log_err("checkers: cannot start: %s", strerror(-r));
		return r;
	}
	inherit_holds();
	watch_addrs(cfg);
	make_opts(cfg);
	start_ipvs(cfg);
	snmp_set(cfg);
	return 0;
}

static int pc_reload(const struct tandem_config *old,
		     const struct tandem_config *new_cfg)
{
	(void)old;
	/* While the old config still lives: states carry over. */
	check_rt_log_all_failures(pc.rt, new_cfg->gd.checker_log_all_failures);
	notify_opts(new_cfg);
	if (check_rt_apply(pc.rt, (struct check_conf *)&new_cfg->check) < 0) {
		log_err("checkers: out of memory; keeping the running config");
		return -ENOMEM;
	}
	pc.cfg = new_cfg;
	check_http_set_ssl(new_cfg->check.ssl);
	watch_addrs(new_cfg);
	make_opts(new_cfg);
	if (!pc.ipvs)
		start_ipvs(new_cfg);
	else
		check_ipvs_reload(pc.ipvs, &new_cfg->check, &pc.o,
				  !check_rt_table_pending(pc.rt));
	snmp_set(new_cfg);
	return 0;
}

static void pc_message(uint32_t type, const char *payload, size_t len)
{
	const char *inst;
	size_t bad = 0;

	(void)type;
	vrrp_states_apply(&pc.states, payload, len, &bad);
	if (bad)
		log_warn("%zu malformed VRRP state line%s from the parent", bad,
			 bad == 1 ? "" : "s");
	inst = pc.cfg ? pc.cfg->gd.lvs_sync_daemon.vrrp_instance : NULL;
	if (!inst || !pc.ipvs)
		return;
	make_opts(pc.cfg);
	check_ipvs_set_daemons(pc.ipvs, &pc.o);
}

static void pc_stop(void)
{
	/* the views read the runtime and the controller: gone first */
	check_snmp_stop();
	check_rt_stopping(pc.rt);
	check_rt_free(pc.rt);
	pc.rt = NULL;
	check_notify_free(pc.notify);
	pc.notify = NULL;
	smtp_alert_free(pc.mail);
	pc.mail = NULL;
	check_ipvs_stop(pc.ipvs, &pc.o);
	pc.ipvs = NULL;
	nl_addr_watch_free(pc.addrs);
	pc.addrs = NULL;
	pc.cfg = NULL;
	vrrp_states_free(&pc.states);
}

static void pc_dump_data(FILE *out)
{
	check_rt_dump(pc.rt, out);
	check_ipvs_dump(pc.ipvs, out);
}

static void pc_dump_json(struct json_object *o)
{
	json_object_object_add(o, "real_servers", check_rt_json(pc.rt));
	json_object_object_add(o, "virtual_servers", check_rt_vs_json(pc.rt));
	json_object_object_add(o, "schedule", check_rt_sched_json(pc.rt));
	json_object_object_add(o, "notify", check_notify_json(pc.notify));
	json_object_object_add(o, "ipvs", check_ipvs_json(pc.ipvs));
}

/* Control requests relayed by the parent: metrics here, the operator's
 * commands in check_admin.c, the rest in check_ctl.c. */
static struct json_object *pc_command(struct json_object *req)
{
	const char *cmd = json_req_str(req, "cmd");
	struct json_object *r;

	if (cmd && !strcmp(cmd, "metrics"))
		return check_metrics_command(pc.rt, pc.ipvs, req);
	if ((r = check_admin_command(pc.rt, cmd, req))) {
		ctl_hold_changed("check", req, r);
		return r;
	}
	return check_ctl_command(pc.cfg ? &pc.cfg->check : NULL, pc.rt, pc.ipvs,
				 req);
}

const struct child_ops proc_check_ops = {
	.name = "check", .dump_base = "tandem_check",
	.set_opts = pc_set_opts,
	.init = pc_init, .reload = pc_reload, .stop = pc_stop,
	.dump_data = pc_dump_data, .dump_json = pc_dump_json,
	.message = pc_message, .command = pc_command,
};

#endif
