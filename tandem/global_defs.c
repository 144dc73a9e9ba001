/*
 * global_defs: defaults, derived values, cross-checks and freeing.
 *
 * Defaults come in two kinds.  Constants keepalived documents (5 GARPs,
 * 224.0.0.18, 30 s SMTP timeout, ...) are set by gd_init() before the file
 * is read, so a typed keyword simply overwrites them.  Values that follow
 * another keyword (the lower-priority GARP settings copy the master ones,
 * vrrp_min_garp trims the GARP defaults, smtp_alert_vrrp follows
 * smtp_alert) or the host (router_id is the host name) are resolved by
 * gd_finish() once the whole file was applied, because the keywords may
 * come in any order, in several global_defs blocks, or not at all.
 * Default strings are also filled there, so that the typed keywords never
 * overwrite a pointer the tables did not allocate.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/conf.h"
#include "tandem/global_defs.h"

#define SEC(s)	((uint64_t)(s) * GD_USEC_PER_SEC)

static void set_addr(struct sockaddr_storage *ss, int af, const char *txt)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = (sa_family_t)af;
	if (af == AF_INET)
		inet_pton(af, txt, &((struct sockaddr_in *)(void *)ss)->sin_addr);
	else
		inet_pton(af, txt,
			  &((struct sockaddr_in6 *)(void *)ss)->sin6_addr);
}

static void proc_init(struct gd_proc *p)
{
	p->rlimit_rttime = 10000;
}

void gd_init(struct global_defs *gd)
{
	memset(gd, 0, sizeof(*gd));
	gd->child_wait_time = SEC(5);
	gd->startup_script_timeout = SEC(10);
	gd->shutdown_script_timeout = SEC(10);
	gd->umask = 0177;	/* IXUSR | IRWXG | IRWXO */
	gd->json_version = 1;
	gd->min_auto_priority_delay = 1000000;

	gd->smtp_port = 25;
	gd->smtp_connect_timeout = SEC(30);

	set_addr(&gd->vrrp_mcast_group4, AF_INET, "224.0.0.18");
	set_addr(&gd->vrrp_mcast_group6, AF_INET6, "ff02::12");
	gd->vrrp_garp_master_delay = SEC(5);
	gd->vrrp_garp_master_repeat = 5;
	gd->vrrp_garp_master_refresh = 0;
	gd->vrrp_garp_master_refresh_repeat = 1;
	gd->vrrp_down_timer_adverts = 3;
	gd->vrrp_version = 2;
	gd->vrrp_rx_bufs_multiplier = 3;
		gd->nftables_priority = -1;
	gd->nftables_ipvs_priority = -1;
	gd->nftables_ipvs_start_fwmark = 1000;

	gd->lvs_sync_daemon.syncid = -1;
	gd->lvs_sync_daemon.port = 8848;
	set_addr(&gd->lvs_sync_daemon.group, AF_INET, "224.0.0.81");

	proc_init(&gd->vrrp_proc);
	proc_init(&gd->checker_proc);
	proc_init(&gd->bfd_proc);

	gd->snmp_vs_stats_update_interval = SEC(5);
	gd->snmp_rs_stats_update_interval = SEC(5);
}

/* Give *s the default def when the file left it out. */
static int def_str(char **s, const char *def)
{
	if (*s)
		return 0;
	return gd_set_str(s, def);
}

int gd_finish(struct global_defs *gd)
{
	char host[256] = "localhost";
	char from[300];
	int rc = 0;

	if (gethostname(host, sizeof(host) - 1) < 0 || !host[0])
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(from, sizeof(from), "tandem@%s", host);

	/* vrrp_min_garp: one GARP, no second burst, no refresh -- unless the
	 * file set those explicitly. */
	if (gd->vrrp_min_garp) {
		if (!gd->vrrp_garp_master_repeat_set)
			gd->vrrp_garp_master_repeat = 1;
		if (!gd->vrrp_garp_master_delay_set)
			gd->vrrp_garp_master_delay = 0;
		if (!gd->vrrp_garp_master_refresh_set)
			gd->vrrp_garp_master_refresh = 0;
	}
	if (!gd->vrrp_garp_lower_prio_delay_set)
		gd->vrrp_garp_lower_prio_delay = gd->vrrp_garp_master_delay;
	if (!gd->vrrp_garp_lower_prio_repeat_set)
		gd->vrrp_garp_lower_prio_repeat = gd->vrrp_garp_master_repeat;

	if (gd->smtp_alert_set) {
		if (!gd->smtp_alert_vrrp_set)
			gd->smtp_alert_vrrp = gd->smtp_alert;
		if (!gd->smtp_alert_checker_set)
			gd->smtp_alert_checker = gd->smtp_alert;
	}

	/* The kernel halves RLIMIT_RTTIME for the soft limit; 1 would give 0. */
	if (gd->vrrp_proc.rlimit_rttime == 1)
		gd->vrrp_proc.rlimit_rttime = 2;
	if (gd->checker_proc.rlimit_rttime == 1)
		gd->checker_proc.rlimit_rttime = 2;
	if (gd->bfd_proc.rlimit_rttime == 1)
		gd->bfd_proc.rlimit_rttime = 2;

	rc |= def_str(&gd->router_id, host);
	rc |= def_str(&gd->smtp_helo_name, host);
	rc |= def_str(&gd->notification_email_from, from);
	rc |= def_str(&gd->default_interface, "eth0");
	rc |= def_str(&gd->snmp_socket, "unix:/var/agentx/master");
	rc |= def_str(&gd->dbus_service_name, "org.keepalived.Vrrp1");
	rc |= def_str(&gd->dbus_no_interface_name, "none");
	rc |= def_str(&gd->vmac_prefix, "vrrp");
	rc |= def_str(&gd->vmac_addr_prefix, gd->vmac_prefix);
	return rc ? -1 : 0;
}

static void script_free(struct gd_script *s)
{
	free(s->cmd);
	free(s->user);
	free(s->group);
}

static void fifo_free(struct gd_fifo *f)
{
	free(f->path);
	free(f->user);
	free(f->group);
	script_free(&f->script);
}

void gd_free(struct global_defs *gd)
{
	if (!gd)
		return;
	free(gd->net_namespace);
	free(gd->net_namespace_ipvs);
	free(gd->instance);
	free(gd->tmp_config_directory);
	free(gd->config_save_dir);
	free(gd->process_name);
	script_free(&gd->startup_script);
	script_free(&gd->shutdown_script);
	free(gd->script_user);
	free(gd->script_group);
	free(gd->reload_check_config);
	free(gd->reload_time_file);
	free(gd->reload_file);
	free(gd->state_file_location);
	free(gd->stats_file_location);
	free(gd->json_file_location);
	free(gd->iproute_usr_dir);
	free(gd->iproute_etc_dir);

	for (size_t i = 0; i < gd->n_notification_email; i++)
		free(gd->notification_email[i]);
	free(gd->notification_email);
	free(gd->notification_email_from);
	free(gd->smtp_server);
	free(gd->smtp_helo_name);
	free(gd->control_socket);
	free(gd->control_socket_group);
	free(gd->router_id);
	fifo_free(&gd->notify_fifo);
	fifo_free(&gd->vrrp_notify_fifo);
	fifo_free(&gd->lvs_notify_fifo);

	free(gd->default_interface);
	free(gd->vmac_prefix);
	free(gd->vmac_addr_prefix);
	free(gd->vrrp_iptables_in);
	free(gd->vrrp_iptables_out);
	for (size_t i = 0; i < GD_IPSETS; i++)
		free(gd->vrrp_ipsets[i]);
	free(gd->nftables);
	free(gd->nftables_ipvs);

	free(gd->lvs_sync_daemon.ifname);
	free(gd->lvs_sync_daemon.vrrp_instance);
	free(gd->vrrp_proc.name);
	free(gd->checker_proc.name);
	free(gd->bfd_proc.name);

	free(gd->snmp_socket);
	free(gd->dbus_service_name);
	free(gd->dbus_no_interface_name);
	memset(gd, 0, sizeof(*gd));
}

static bool same_path(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* What no single keyword can see.  Runs at the end of each global_defs
 * block, so the location is the block's. */
int gd_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	const struct global_defs *gd = obj;
	const struct {
		const char *name;
		const struct gd_fifo *f;
	} fifos[] = {
		{ "notify_fifo", &gd->notify_fifo },
		{ "vrrp_notify_fifo", &gd->vrrp_notify_fifo },
		{ "lvs_notify_fifo", &gd->lvs_notify_fifo },
	};
	int rc = 0;

	for (size_t i = 0; i < 3; i++) {
		if (fifos[i].f->script.cmd && !fifos[i].f->path) {
			conf_err(c, n, "%s_script is set but %s is not",
				 fifos[i].name, fifos[i].name);
			rc = -1;
		}
		for (size_t j = i + 1; j < 3; j++) {
			if (same_path(fifos[i].f->path, fifos[j].f->path)) {
				conf_err(c, n, "%s and %s name the same FIFO "
					 "'%s'; each needs its own",
					 fifos[i].name, fifos[j].name,
					 fifos[i].f->path);
				rc = -1;
			}
		}
	}
	if (gd->vrrp_iptables && gd->nftables)
		conf_warn(c, n, "both vrrp_iptables and nftables are set; "
			  "nftables is used");
	if (gd->vrrp_ipsets_set && gd->vrrp_ipsets[0] && !gd->vrrp_iptables)
		conf_warn(c, n, "vrrp_ipsets has no effect without "
			  "vrrp_iptables");
	return rc;
}
