/*
 * The global_defs keyword table.
 *
 * One line per keyword keepalived documents for global_defs, in the order of
 * keepalived.conf(5), grouped by the subsystem the keyword steers.  Single
 * values use the typed kinds of lib/conf (the library converts and
 * range-checks them); only statements with several or optional arguments
 * have a handler, in global_defs_args.c.  The small handlers here run after
 * a typed value was stored: they record that a keyword was given (for
 * defaults that follow another keyword, resolved by gd_finish()) or check
 * what a type cannot say (a multicast address, a path, a name's length).
 *
 * Deprecated spellings keepalived still accepts are alias_of lines: the
 * library warns and names the current keyword.  include_check is not
 * here: the reader (lib/conf_read.c) consumes it, tandem's include checks
 * being always on.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "lib/conf.h"
#include "tandem/global_defs.h"

#define GD(f)		offsetof(struct global_defs, f)
#define SEC(s)		((int64_t)(s) * 1000000)

#define FLAG(n, f)	{ .name = n, .type = CONF_T_FLAG, .offset = GD(f) }
#define FLAGH(n, f, h)	{ .name = n, .type = CONF_T_FLAG, .offset = GD(f), \
			  .handler = h }
#define BOOL(n, f)	{ .name = n, .type = CONF_T_BOOL, .offset = GD(f) }
#define STR(n, f)	{ .name = n, .type = CONF_T_STR, .offset = GD(f) }
#define STRH(n, f, h)	{ .name = n, .type = CONF_T_STR, .offset = GD(f), \
			  .handler = h }
#define INT(n, f, lo, hi) { .name = n, .type = CONF_T_INT, .offset = GD(f), \
			  .min = lo, .max = hi }
#define UINT(n, f, lo, hi) { .name = n, .type = CONF_T_UINT, .offset = GD(f), \
			  .min = lo, .max = hi }
#define UINTH(n, f, lo, hi, h) { .name = n, .type = CONF_T_UINT, \
			  .offset = GD(f), .min = lo, .max = hi, .handler = h }
#define TIME(n, f, lo, hi) { .name = n, .type = CONF_T_TIME, .offset = GD(f), \
			  .min = lo, .max = hi }
#define TIMEH(n, f, lo, hi, h) { .name = n, .type = CONF_T_TIME, \
			  .offset = GD(f), .min = lo, .max = hi, .handler = h }
#define CUSTOM(n, h, e)	{ .name = n, .type = CONF_T_CUSTOM, .handler = h, \
			  .expect = e }
#define ALIAS(n, to)	{ .name = n, .alias_of = to }

/* Keywords whose default follows another keyword remember being given. */
#define MARK_SET(fn, field) \
	static int fn(struct conf_ctx *c, const struct conf_node *n, void *obj) \
	{ (void)c; (void)n; ((struct global_defs *)obj)->field = true; return 0; }

MARK_SET(set_smtp_alert, smtp_alert_set)
MARK_SET(set_smtp_alert_vrrp, smtp_alert_vrrp_set)
MARK_SET(set_smtp_alert_checker, smtp_alert_checker_set)
MARK_SET(set_garp_delay, vrrp_garp_master_delay_set)
MARK_SET(set_garp_repeat, vrrp_garp_master_repeat_set)
MARK_SET(set_garp_refresh, vrrp_garp_master_refresh_set)
MARK_SET(set_garp_refresh_repeat, vrrp_garp_master_refresh_repeat_set)
MARK_SET(set_garp_lp_delay, vrrp_garp_lower_prio_delay_set)
MARK_SET(set_garp_lp_repeat, vrrp_garp_lower_prio_repeat_set)
MARK_SET(set_random_seed, random_seed_set)

/* A build without net-snmp (--disable-snmp) reads the SNMP keywords,
 * so one config serves every build, and says they do nothing here. */
static int snmp_kw(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)obj;
#ifndef WITH_SNMP
	conf_warn(c, n, "tandem was built without SNMP (--disable-snmp): "
		  "no effect");
#else
	(void)c;
	(void)n;
#endif
	return 0;
}

/* enable_snmp_rfc: both VRRP MIBs, RFC 2787's and RFC 6527's. */
static int snmp_rfc(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	((struct global_defs *)obj)->enable_snmp_rfcv2 = true;
	return snmp_kw(c, n, obj);
}

/* An absolute path short enough for sun_path, or "none". */
static int socket_path(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)obj;
	if (n->nargs < 1 || !strcmp(n->args[0], "none"))
		return 0;
	if (n->args[0][0] != '/') {
		conf_err(c, n, "expected an absolute path or none, got '%s'",
			 n->args[0]);
		return -1;
	}
	if (strlen(n->args[0]) >= GD_SOCKET_PATH_MAX) {
		conf_err(c, n, "a socket path is at most %d characters",
			 GD_SOCKET_PATH_MAX - 1);
		return -1;
	}
	return 0;
}

/* A group that exists here (a name or a number). */
static int group_name(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	char *end;

	(void)obj;
	if (n->nargs < 1 || getgrnam(n->args[0]))
		return 0;
	errno = 0;
	if (strtoul(n->args[0], &end, 10) <= UINT_MAX && !errno &&
	    end != n->args[0] && !*end)
		return 0;
	conf_err(c, n, "no group named '%s'", n->args[0]);
	return -1;
}

/* Linux keeps 15 characters of a task name; keepalived truncates with an
 * error, tandem refuses. */
static int proc_name(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)obj;
	if (n->nargs >= 1 && strlen(n->args[0]) > GD_PROC_NAME_MAX) {
		conf_err(c, n, "process name '%s' is longer than %d characters",
			 n->args[0], GD_PROC_NAME_MAX);
		return -1;
	}
	return 0;
}

static int abs_path(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)obj;
	if (n->nargs >= 1 && n->args[0][0] != '/') {
		conf_err(c, n, "expected an absolute path, got '%s'",
			 n->args[0]);
		return -1;
	}
	return 0;
}

/* A well-known bus name (org.example.Name): the DBus service owns it. */
static int bus_name(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)obj;
	if (n->nargs >= 1 && (n->args[0][0] == ':' ||
			      sd_bus_service_name_is_valid(n->args[0]) <= 0)) {
		conf_err(c, n, "expected a DBus bus name such as "
			 "org.keepalived.Vrrp1, got '%s'", n->args[0]);
		return -1;
	}
	return 0;
}

static int mcast4(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	const struct global_defs *gd = obj;
	const struct sockaddr_in *a = (const void *)&gd->vrrp_mcast_group4;

	if (a->sin_family != AF_INET ||
	    !IN_MULTICAST(ntohl(a->sin_addr.s_addr))) {
		conf_err(c, n, "expected an IPv4 multicast address, got '%s'",
			 n->nargs ? n->args[0] : "");
		return -1;
	}
	return 0;
}

static int mcast6(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	const struct global_defs *gd = obj;
	const struct sockaddr_in6 *a = (const void *)&gd->vrrp_mcast_group6;

	if (a->sin6_family != AF_INET6 ||
	    !IN6_IS_ADDR_MULTICAST(&a->sin6_addr)) {
		conf_err(c, n, "expected an IPv6 multicast address, got '%s'",
			 n->nargs ? n->args[0] : "");
		return -1;
	}
	return 0;
}

/* Whole-second timers: keepalived's garp delays and refreshes take
 * integers; tandem accepts decimals, kept to microseconds. */
#define MAXT	SEC(UINT_MAX / 1000000)

const struct conf_keyword gd_keywords[] = {
	/* parent process, configuration handling */
	STR("tmp_config_directory", tmp_config_directory),
	STR("config_save_dir", config_save_dir),
	FLAG("process_names", process_names),
	STRH("process_name", process_name, proc_name),
	STRH("vrrp_process_name", vrrp_proc.name, proc_name),
	STRH("checker_process_name", checker_proc.name, proc_name),
	ALIAS("lvs_process_name", "checker_process_name"),
	STRH("bfd_process_name", bfd_proc.name, proc_name),
	BOOL("use_symlink_paths", use_symlink_paths),
	FLAG("set_supplementary_groups", set_supplementary_groups),
	CUSTOM("startup_script", gd_h_startup_script,
	       "SCRIPT [USER [[:]GROUP]]"),
	TIME("startup_script_timeout", startup_script_timeout,
	     SEC(1), SEC(1000)),
	CUSTOM("shutdown_script", gd_h_shutdown_script,
	       "SCRIPT [USER [[:]GROUP]]"),
	TIME("shutdown_script_timeout", shutdown_script_timeout,
	     SEC(1), SEC(1000)),

	/* notifications */
	{ .name = "notification_email", .type = CONF_T_LIST,
	  .handler = gd_h_notification_email, .flags = CONF_KW_MULTI,
	  .expect = "a block of e-mail addresses" },
	STR("notification_email_from", notification_email_from),
	CUSTOM("smtp_server", gd_h_smtp_server, "HOST [PORT]"),
	STR("smtp_helo_name", smtp_helo_name),
	TIME("smtp_connect_timeout", smtp_connect_timeout, SEC(1),
	     MAXT),
	{ .name = "smtp_alert", .type = CONF_T_BOOL, .offset = GD(smtp_alert),
	  .handler = set_smtp_alert },
	{ .name = "smtp_alert_vrrp", .type = CONF_T_BOOL,
	  .offset = GD(smtp_alert_vrrp), .handler = set_smtp_alert_vrrp },
	{ .name = "smtp_alert_checker", .type = CONF_T_BOOL,
	  .offset = GD(smtp_alert_checker), .handler = set_smtp_alert_checker },
	BOOL("checker_log_all_failures", checker_log_all_failures),
	FLAG("no_email_faults", no_email_faults),
	STR("router_id", router_id),
	ALIAS("lvs_id", "router_id"),

	/* VRRP */
	{ .name = "vrrp_mcast_group4", .type = CONF_T_ADDR,
	  .offset = GD(vrrp_mcast_group4), .handler = mcast4 },
	{ .name = "vrrp_mcast_group6", .type = CONF_T_ADDR,
	  .offset = GD(vrrp_mcast_group6), .handler = mcast6 },
	STR("default_interface", default_interface),

	/* LVS */
	CUSTOM("lvs_sync_daemon", gd_h_lvs_sync_daemon,
	       "INTERFACE [[inst] VRRP_INSTANCE] [id 0..255] [maxlen 1..65507] "
	       "[port 1..65535] [ttl 1..255] [group MULTICAST_ADDR]"),
	CUSTOM("lvs_timeouts", gd_h_lvs_timeouts,
	       "[tcp SECS] [tcpfin SECS] [udp SECS]"),
	FLAG("lvs_flush", lvs_flush),
	CUSTOM("lvs_flush_on_stop", gd_h_lvs_flush_on_stop, "[VS]"),
	ALIAS("lvs_flush_onstop", "lvs_flush_on_stop"),

	/* gratuitous ARP / unsolicited NA */
	UINTH("vrrp_garp_master_repeat", vrrp_garp_master_repeat, 1, UINT_MAX,
	      set_garp_repeat),
	TIMEH("vrrp_garp_master_delay", vrrp_garp_master_delay, 0, MAXT,
	      set_garp_delay),
	UINTH("vrrp_garp_lower_prio_repeat", vrrp_garp_lower_prio_repeat, 0,
	      INT_MAX, set_garp_lp_repeat),
	TIMEH("vrrp_garp_lower_prio_delay", vrrp_garp_lower_prio_delay, 0,
	      MAXT, set_garp_lp_delay),
	TIMEH("vrrp_garp_master_refresh", vrrp_garp_master_refresh, 0, MAXT,
	      set_garp_refresh),
	UINTH("vrrp_garp_master_refresh_repeat",
	      vrrp_garp_master_refresh_repeat, 1, UINT_MAX,
	      set_garp_refresh_repeat),
	TIME("vrrp_garp_interval", vrrp_garp_interval, 0, MAXT),
	TIME("vrrp_gna_interval", vrrp_gna_interval, 0, MAXT),
	BOOL("vrrp_min_garp", vrrp_min_garp),
	CUSTOM("vrrp_garp_extra_if", gd_h_vrrp_garp_extra_if,
	       "[all] SECONDS (1..86400)"),
	ALIAS("vrrp_vmac_garp_intvl", "vrrp_garp_extra_if"),
	UINT("vrrp_down_timer_adverts", vrrp_down_timer_adverts, 1, 100),
	BOOL("vrrp_lower_prio_no_advert", vrrp_lower_prio_no_advert),
	BOOL("vrrp_higher_prio_send_advert", vrrp_higher_prio_send_advert),
	UINT("vrrp_version", vrrp_version, 2, 3),
	BOOL("v3_checksum_as_v2", v3_checksum_as_v2),

	/* firewall */
	CUSTOM("nftables", gd_h_nftables, "[TABLE_NAME]"),
	INT("nftables_priority", nftables_priority, INT32_MIN, INT32_MAX),
	FLAG("nftables_counters", nftables_counters),
	FLAG("nftables_ifindex", nftables_ifindex),
	CUSTOM("nftables_ipvs", gd_h_nftables_ipvs, "[TABLE_NAME]"),
	INT("nftables_ipvs_priority", nftables_ipvs_priority, INT32_MIN,
	    INT32_MAX),
	UINT("nftables_ipvs_start_fwmark", nftables_ipvs_start_fwmark, 1,
	     UINT32_MAX),
	CUSTOM("vrrp_iptables", gd_h_vrrp_iptables, "[IN_CHAIN [OUT_CHAIN]]"),
	CUSTOM("vrrp_ipsets", gd_h_vrrp_ipsets, "[SET [SET6 [SET_IF6 "
	       "[SET_IGMP [SET_MLD [SET_VMAC_ND]]]]]]"),
	FLAG("disable_local_igmp", disable_local_igmp),
	FLAG("vrrp_check_unicast_src", vrrp_check_unicast_src),
	FLAG("vrrp_skip_check_adv_addr", vrrp_skip_check_adv_addr),
	FLAG("vrrp_strict", vrrp_strict),
	BOOL("vrrp_notify_priority_changes", vrrp_notify_priority_changes),

	/* scheduling of the children */
	CUSTOM("max_auto_priority", gd_h_max_auto_priority, "[-1..99]"),
	UINT("min_auto_priority_delay", min_auto_priority_delay, 1, 10000000),
	INT("vrrp_priority", vrrp_proc.priority, -20, 19),
	INT("checker_priority", checker_proc.priority, -20, 19),
	INT("bfd_priority", bfd_proc.priority, -20, 19),
	FLAG("vrrp_no_swap", vrrp_proc.no_swap),
	FLAG("checker_no_swap", checker_proc.no_swap),
	FLAG("bfd_no_swap", bfd_proc.no_swap),
	CUSTOM("vrrp_cpu_affinity", gd_h_vrrp_cpu_affinity, "CPU [CPU...]"),
	CUSTOM("checker_cpu_affinity", gd_h_checker_cpu_affinity,
	       "CPU [CPU...]"),
	CUSTOM("bfd_cpu_affinity", gd_h_bfd_cpu_affinity, "CPU [CPU...]"),
	UINT("vrrp_rt_priority", vrrp_proc.rt_priority, 1, 99),
	UINT("checker_rt_priority", checker_proc.rt_priority, 1, 99),
	UINT("bfd_rt_priority", bfd_proc.rt_priority, 1, 99),
	UINT("vrrp_rlimit_rttime", vrrp_proc.rlimit_rttime, 1, UINT32_MAX),
	ALIAS("vrrp_rlimit_rtime", "vrrp_rlimit_rttime"),
	UINT("checker_rlimit_rttime", checker_proc.rlimit_rttime, 1,
	     UINT32_MAX),
	ALIAS("checker_rlimit_rtime", "checker_rlimit_rttime"),
	UINT("bfd_rlimit_rttime", bfd_proc.rlimit_rttime, 1, UINT32_MAX),
	ALIAS("bfd_rlimit_rtime", "bfd_rlimit_rttime"),

	/* SNMP */
	STRH("snmp_socket", snmp_socket, snmp_kw),
	FLAGH("enable_snmp_vrrp", enable_snmp_vrrp, snmp_kw),
	ALIAS("enable_snmp_keepalived", "enable_snmp_vrrp"),
	FLAGH("enable_snmp_checker", enable_snmp_checker, snmp_kw),
	FLAGH("enable_snmp_rfc", enable_snmp_rfcv3, snmp_rfc),
	FLAGH("enable_snmp_rfcv2", enable_snmp_rfcv2, snmp_kw),
	FLAGH("enable_snmp_rfcv3", enable_snmp_rfcv3, snmp_kw),
	FLAGH("enable_traps", enable_traps, snmp_kw),
	TIME("snmp_vs_stats_update_interval", snmp_vs_stats_update_interval,
	     1000, SEC(30)),
	TIME("snmp_rs_stats_update_interval", snmp_rs_stats_update_interval,
	     1000, SEC(30)),

	/* DBus */
	FLAG("enable_dbus", enable_dbus),
	STRH("dbus_service_name", dbus_service_name, bus_name),
	STR("dbus_no_interface_name", dbus_no_interface_name),

	/* control socket (tandem only) */
	STRH("control_socket", control_socket, socket_path),
	STRH("control_socket_group", control_socket_group, group_name),

	/* scripts */
	CUSTOM("script_user", gd_h_script_user, "USER [[:]GROUP]"),
	FLAG("enable_script_security", enable_script_security),

	/* notify FIFOs */
	CUSTOM("notify_fifo", gd_h_notify_fifo, "FIFO [USER [GROUP]]"),
	CUSTOM("notify_fifo_script", gd_h_notify_fifo_script,
	       "SCRIPT [USER [[:]GROUP]]"),
	CUSTOM("vrrp_notify_fifo", gd_h_vrrp_notify_fifo,
	       "FIFO [USER [GROUP]]"),
	CUSTOM("vrrp_notify_fifo_script", gd_h_vrrp_notify_fifo_script,
	       "SCRIPT [USER [[:]GROUP]]"),
	CUSTOM("lvs_notify_fifo", gd_h_lvs_notify_fifo, "FIFO [USER [GROUP]]"),
	CUSTOM("lvs_notify_fifo_script", gd_h_lvs_notify_fifo_script,
	       "SCRIPT [USER [[:]GROUP]]"),
	FLAG("fifo_write_vrrp_states_on_reload",
	     fifo_write_vrrp_states_on_reload),

	/* interfaces and netlink */
	CUSTOM("dynamic_interfaces", gd_h_dynamic_interfaces,
	       "[allow_if_changes]"),
	UINT("vrrp_netlink_cmd_rcv_bufs", vrrp_netlink_cmd_rcv_bufs, 0,
	     UINT_MAX),
	BOOL("vrrp_netlink_cmd_rcv_bufs_force",
	     vrrp_netlink_cmd_rcv_bufs_force),
	UINT("vrrp_netlink_monitor_rcv_bufs", vrrp_netlink_monitor_rcv_bufs, 0,
	     UINT_MAX),
	BOOL("vrrp_netlink_monitor_rcv_bufs_force",
	     vrrp_netlink_monitor_rcv_bufs_force),
	UINT("lvs_netlink_cmd_rcv_bufs", lvs_netlink_cmd_rcv_bufs, 0,
	     UINT_MAX),
	BOOL("lvs_netlink_cmd_rcv_bufs_force", lvs_netlink_cmd_rcv_bufs_force),
	UINT("lvs_netlink_monitor_rcv_bufs", lvs_netlink_monitor_rcv_bufs, 0,
	     UINT_MAX),
	BOOL("lvs_netlink_monitor_rcv_bufs_force",
	     lvs_netlink_monitor_rcv_bufs_force),
	UINT("process_monitor_rcv_bufs", process_monitor_rcv_bufs, 0,
	     UINT_MAX),
	BOOL("process_monitor_rcv_bufs_force",
	     process_monitor_rcv_bufs_force),
	CUSTOM("vrrp_rx_bufs_policy", gd_h_vrrp_rx_bufs_policy,
	       "MTU, ADVERT or a size in bytes"),
	UINT("vrrp_rx_bufs_multiplier", vrrp_rx_bufs_multiplier, 1, UINT_MAX),
	/* tandem only: see vrrp/vrrp_ring.h */
	BOOL("vrrp_rx_ring", vrrp_rx_ring),

	/* checker notifications */
	BOOL("rs_init_notifies", rs_init_notifies),
	BOOL("no_checker_emails", no_checker_emails),

	/* files and start-up */
	CUSTOM("umask", gd_h_umask, "an octal/hex/decimal mask or "
	       "BITS like IRWXG|IRWXO"),
	TIME("vrrp_startup_delay", vrrp_startup_delay, 0, MAXT),
	TIME("vrrp_delay_after_boot", vrrp_delay_after_boot, 0, MAXT),
	FLAG("log_unknown_vrids", log_unknown_vrids),
	STR("vmac_prefix", vmac_prefix),
	STR("vmac_addr_prefix", vmac_addr_prefix),
	UINTH("random_seed", random_seed, 0, UINT_MAX, set_random_seed),
	CUSTOM("reload_check_config", gd_h_reload_check_config, "[LOG_FILE]"),
	STRH("reload_time_file", reload_time_file, abs_path),
	FLAG("reload_repeat", reload_repeat),
	CUSTOM("reload_file", gd_h_reload_file, "[ABSOLUTE_PATH]"),
	BOOL("data_use_instance", data_use_instance),
	STR("state_file_location", state_file_location),
	STR("stats_file_location", stats_file_location),
	STR("json_file_location", json_file_location),
	UINT("json_version", json_version, 1, 2),
	STRH("iproute_usr_dir", iproute_usr_dir, abs_path),
	STRH("iproute_etc_dir", iproute_etc_dir, abs_path),

	/* tandem's own */
	CUSTOM("metrics_listen", gd_h_metrics_listen,
	       "ADDR:PORT (IPv4) or [ADDR]:PORT (IPv6), port 1..65535"),
	{ .name = NULL },
};

const struct conf_block gd_block = {
	.name = "global_defs",
	.keywords = gd_keywords,
	.close = gd_close,
};
