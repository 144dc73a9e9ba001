/*
 * global_defs: the daemon-wide settings of keepalived.conf, and the few
 * top-level statements (net_namespace, instance, use_pid_dir, ...) that
 * keepalived keeps outside any block but which are just as global.
 *
 * Every keyword keepalived documents for global_defs is parsed and
 * validated here, even when the subsystem it steers does not exist yet, so
 * that an existing keepalived.conf is either understood or refused with a
 * located error -- never half read.  Values are stored in the units the
 * subsystems want: times in microseconds (uint64_t), sizes in bytes,
 * addresses as sockaddr_storage.  The struct has no hidden state: what the
 * parent validated is exactly what a child receives.
 *
 * Life cycle: gd_init() sets the defaults keepalived documents, the keyword
 * tables store what the file says, gd_finish() fills the defaults that
 * depend on other keywords or on the host (router_id = host name, the
 * lower-priority GARP settings follow the master ones, ...), gd_free()
 * releases every string and list.
 */
#ifndef TANDEM_GLOBAL_DEFS_H
#define TANDEM_GLOBAL_DEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lib/conf.h"

#define GD_USEC_PER_SEC		1000000ULL
/* CPU numbers accepted by *_cpu_affinity (glibc's CPU_SETSIZE). */
#define GD_MAX_CPUS		1024
/* Linux task names (process_name ...) hold 15 characters. */
#define GD_PROC_NAME_MAX	15
/* vrrp_ipsets takes up to six set names. */
#define GD_IPSETS		6

/* A program to run: the command line (one word, as in keepalived: quote it
 * to pass arguments) and who runs it (NULL: script_user / the default). */
struct gd_script {
	char *cmd;
	char *user;
	char *group;		/* a leading ':' asks for supplementary groups */
};

/* notify_fifo, vrrp_notify_fifo, lvs_notify_fifo and their _script. */
struct gd_fifo {
	char *path;		/* NULL: not configured */
	char *user;		/* owner of the FIFO; NULL: script user */
	char *group;
	struct gd_script script;	/* reader started by tandem (cmd NULL: none) */
};

/* Scheduling of one child process (vrrp, checker, bfd). */
struct gd_proc {
	char *name;		/* *_process_name; NULL: tandem's own */
	int priority;		/* nice value, -20..19; default 0 */
	bool no_swap;		/* mlockall() */
	unsigned rt_priority;	/* SCHED_RR priority 1..99; 0: not real-time */
	unsigned rlimit_rttime;	/* RLIMIT_RTTIME in usec; default 10000 */
	bool cpus_set;		/* *_cpu_affinity given */
	uint64_t cpus[GD_MAX_CPUS / 64];	/* bit n: CPU n */
};

enum gd_lvs_flush_on_stop {
	GD_FLUSH_ON_STOP_NONE,	/* remove what tandem added, entry by entry */
	GD_FLUSH_ON_STOP_FULL,	/* flush the whole IPVS table */
	GD_FLUSH_ON_STOP_VS,	/* remove tandem's virtual services only */
};

/* IPVS connection timeouts; 0 leaves the kernel's value alone. */
struct gd_lvs_timeouts {
	uint64_t tcp;		/* usec, whole seconds */
	uint64_t tcpfin;
	uint64_t udp;
};

/* lvs_sync_daemon IF [[inst] INSTANCE] [id N] [maxlen N] [port N] [ttl N]
 * [group ADDR] */
struct gd_lvs_syncd {
	char *ifname;		/* NULL: no sync daemon */
	char *vrrp_instance;	/* NULL: run master and backup all the time */
	int syncid;		/* 0..255; -1: the instance's VRID (or 0) */
	unsigned maxlen;	/* 1..65507; 0: kernel default */
	unsigned port;		/* default 8848 */
	unsigned ttl;		/* 1..255; 0: kernel default */
	struct sockaddr_storage group;	/* default 224.0.0.81 */
};

enum gd_rx_bufs_policy {
	GD_RX_BUFS_DEFAULT,	/* the system's rmem_default */
	GD_RX_BUFS_MTU,		/* sum of MTU * multiplier */
	GD_RX_BUFS_ADVERT,	/* sum of advert size * multiplier */
	GD_RX_BUFS_SIZE,	/* vrrp_rx_bufs_size bytes */
};

struct global_defs {
	/* --- top-level statements (outside global_defs) ------------- */
	char *net_namespace;		/* run in this network namespace */
	bool net_namespace_ipvs_set;
	char *net_namespace_ipvs;	/* "" or NULL with _set: default ns */
	bool namespace_with_ipsets;
	bool use_pid_dir;
	char *instance;			/* instance name for pid files */
	uint64_t child_wait_time;	/* usec; default 5 s */
	bool linkbeat_use_polling;

	/* --- parent process, reload, files -------------------------- */
	char *tmp_config_directory;
	char *config_save_dir;
	bool process_names;		/* name the children */
	char *process_name;		/* the parent's */
	bool use_symlink_paths;
	bool set_supplementary_groups;
	struct gd_script startup_script;
	uint64_t startup_script_timeout;	/* usec; default 10 s */
	struct gd_script shutdown_script;
	uint64_t shutdown_script_timeout;	/* usec; default 10 s */
	char *script_user;		/* NULL: keepalived_script, else nobody */
	char *script_group;
	bool enable_script_security;
	unsigned umask;			/* default 0177 */
	bool umask_set;
	unsigned random_seed;
	bool random_seed_set;
	char *reload_check_config;	/* log file; NULL: no pre-check */
	char *reload_time_file;
	bool reload_repeat;
	bool reload_file_set;
	char *reload_file;		/* NULL with _set: default name */
	bool data_use_instance;
	char *state_file_location;
	char *stats_file_location;
	char *json_file_location;
	unsigned json_version;		/* 1 or 2; default 1 */
	char *iproute_usr_dir;
	char *iproute_etc_dir;
	int max_auto_priority;		/* -1..99; 0 default: off */
	unsigned min_auto_priority_delay;	/* usec; default 1000000 */

	/* --- notifications ------------------------------------------ */
	char **notification_email;	/* recipients */
	size_t n_notification_email;
	char *notification_email_from;	/* default tandem@HOSTNAME */
	char *smtp_server;		/* host name or address; NULL: no mail */
	unsigned smtp_port;		/* default 25 */
	char *smtp_helo_name;		/* default: host name */
	uint64_t smtp_connect_timeout;	/* usec; default 30 s */
	bool smtp_alert, smtp_alert_set;
	bool smtp_alert_vrrp, smtp_alert_vrrp_set;
	bool smtp_alert_checker, smtp_alert_checker_set;
	bool checker_log_all_failures;
	bool no_email_faults;
	bool no_checker_emails;
	bool rs_init_notifies;
	char *router_id;		/* default: host name */
	struct gd_fifo notify_fifo;
	struct gd_fifo vrrp_notify_fifo;
	struct gd_fifo lvs_notify_fifo;
	bool fifo_write_vrrp_states_on_reload;
	bool vrrp_notify_priority_changes;

	/* --- VRRP ---------------------------------------------------- */
	struct sockaddr_storage vrrp_mcast_group4;	/* 224.0.0.18 */
	struct sockaddr_storage vrrp_mcast_group6;	/* ff02::12 */
	char *default_interface;	/* default eth0 */
	bool dynamic_interfaces;
	bool allow_if_changes;
	uint64_t vrrp_garp_master_delay;	/* usec; default 5 s */
	bool vrrp_garp_master_delay_set;
	unsigned vrrp_garp_master_repeat;	/* default 5 */
	bool vrrp_garp_master_repeat_set;
	uint64_t vrrp_garp_master_refresh;	/* usec; 0: no refresh */
	bool vrrp_garp_master_refresh_set;
	unsigned vrrp_garp_master_refresh_repeat;	/* default 1 */
	bool vrrp_garp_master_refresh_repeat_set;
	uint64_t vrrp_garp_lower_prio_delay;	/* default master_delay */
	bool vrrp_garp_lower_prio_delay_set;
	unsigned vrrp_garp_lower_prio_repeat;	/* default master_repeat */
	bool vrrp_garp_lower_prio_repeat_set;
	uint64_t vrrp_garp_interval;	/* usec between GARPs; default 0 */
	uint64_t vrrp_gna_interval;	/* usec between NAs; default 0 */
	bool vrrp_min_garp;
	uint64_t vrrp_garp_extra_if;	/* usec; 0: off */
	bool vrrp_garp_extra_if_all;
	unsigned vrrp_down_timer_adverts;	/* 1..100; default 3 */
	bool vrrp_lower_prio_no_advert;
	bool vrrp_higher_prio_send_advert;
	unsigned vrrp_version;		/* 2 or 3; default 2 */
	bool v3_checksum_as_v2;
	bool vrrp_check_unicast_src;
	bool vrrp_skip_check_adv_addr;
	bool vrrp_strict;
	bool vrrp_rx_ring;	/* tandem only; default off */
	bool disable_local_igmp;
	bool log_unknown_vrids;
	uint64_t vrrp_startup_delay;	/* usec; default 0 */
	uint64_t vrrp_delay_after_boot;	/* usec; default 0 */
	char *vmac_prefix;		/* default "vrrp" */
	char *vmac_addr_prefix;		/* default vmac_prefix */
	enum gd_rx_bufs_policy vrrp_rx_bufs_policy;
	unsigned vrrp_rx_bufs_size;	/* bytes, with GD_RX_BUFS_SIZE */
	unsigned vrrp_rx_bufs_multiplier;	/* default 3 */
	unsigned vrrp_netlink_cmd_rcv_bufs;	/* bytes; 0: default */
	bool vrrp_netlink_cmd_rcv_bufs_force;
	unsigned vrrp_netlink_monitor_rcv_bufs;
	bool vrrp_netlink_monitor_rcv_bufs_force;
	unsigned process_monitor_rcv_bufs;
	bool process_monitor_rcv_bufs_force;

	/* firewall for no_accept and VMACs */
	bool vrrp_iptables;
	char *vrrp_iptables_in;		/* default INPUT */
	char *vrrp_iptables_out;	/* default OUTPUT (if no chain named) */
	bool vrrp_ipsets_set;
	char *vrrp_ipsets[GD_IPSETS];	/* all NULL: ipsets not used */
	char *nftables;			/* table; NULL: nftables not asked for */
	int nftables_priority;		/* default -1 */
	bool nftables_counters;
	bool nftables_ifindex;
	char *nftables_ipvs;		/* table for virtual_server_group marks */
	int nftables_ipvs_priority;	/* default -1 */
	unsigned nftables_ipvs_start_fwmark;	/* default 1000 */

	/* --- LVS / checker ------------------------------------------- */
	struct gd_lvs_timeouts lvs_timeouts;
	struct gd_lvs_syncd lvs_sync_daemon;
	bool lvs_flush;
	enum gd_lvs_flush_on_stop lvs_flush_on_stop;
	unsigned lvs_netlink_cmd_rcv_bufs;
	bool lvs_netlink_cmd_rcv_bufs_force;
	unsigned lvs_netlink_monitor_rcv_bufs;
	bool lvs_netlink_monitor_rcv_bufs_force;

	/* --- child processes ------------------------------------------ */
	struct gd_proc vrrp_proc;
	struct gd_proc checker_proc;
	struct gd_proc bfd_proc;

	/* --- SNMP and DBus -------------------------------------------- */
	char *snmp_socket;		/* default unix:/var/agentx/master */
	bool enable_snmp_vrrp;
	bool enable_snmp_checker;
	bool enable_snmp_rfcv2;
	bool enable_snmp_rfcv3;
	bool enable_traps;
	uint64_t snmp_vs_stats_update_interval;	/* usec; default 5 s */
	uint64_t snmp_rs_stats_update_interval;	/* usec; default 5 s */
	bool enable_dbus;
	char *dbus_service_name;	/* default org.keepalived.Vrrp1 */
	char *dbus_no_interface_name;	/* default "none" */

	/* --- control socket (tandem only) ------------------------------ */
	char *control_socket;		/* NULL: the default; "none": off */
	char *control_socket_group;	/* NULL: root only (0600) */

	/* --- tandem's own (keepalived has no such keyword) ------------ */
	/* metrics_listen ADDR:PORT: the parent's Prometheus endpoint;
	 * ss_family AF_UNSPEC: none (the default). */
	struct sockaddr_storage metrics_listen;
};

/* sizeof(sun_path) in struct sockaddr_un */
#define GD_SOCKET_PATH_MAX 108

/* The keywords of the global_defs block, offsets into struct global_defs.
 * Ends with {.name = NULL}. */
extern const struct conf_keyword gd_keywords[];
/* global_defs as a block whose object is a struct global_defs (no open:
 * the keywords store into the parent object).  tandem/conf_top.c wraps
 * gd_keywords in a block that opens struct tandem_config's gd instead. */
extern const struct conf_block gd_block;
/* Whole-block checks of global_defs (conflicting settings). */
int gd_close(struct conf_ctx *c, const struct conf_node *n, void *obj);

void gd_init(struct global_defs *gd);
/* Fill the defaults that depend on other settings or on the host.
 * Return 0, or -1 when out of memory. */
int gd_finish(struct global_defs *gd);
void gd_free(struct global_defs *gd);

/* Is CPU n in a *_cpu_affinity set? */
static inline bool gd_proc_has_cpu(const struct gd_proc *p, unsigned n)
{
	return n < GD_MAX_CPUS && (p->cpus[n / 64] >> (n % 64) & 1);
}

/* ------------------------------------------------------------------ */
/* Internal to tandem/global_defs*.c: the handlers of the multi-argument
 * keywords (global_defs_args.c, global_defs_notify.c), used by the table (global_defs_table.c). */
#define GD_HANDLER(fn) int fn(struct conf_ctx *c, const struct conf_node *n, \
			      void *obj)
GD_HANDLER(gd_h_startup_script);
GD_HANDLER(gd_h_shutdown_script);
GD_HANDLER(gd_h_notify_fifo);
GD_HANDLER(gd_h_notify_fifo_script);
GD_HANDLER(gd_h_vrrp_notify_fifo);
GD_HANDLER(gd_h_vrrp_notify_fifo_script);
GD_HANDLER(gd_h_lvs_notify_fifo);
GD_HANDLER(gd_h_lvs_notify_fifo_script);
GD_HANDLER(gd_h_smtp_server);
GD_HANDLER(gd_h_notification_email);
GD_HANDLER(gd_h_lvs_sync_daemon);
GD_HANDLER(gd_h_lvs_timeouts);
GD_HANDLER(gd_h_lvs_flush_on_stop);
GD_HANDLER(gd_h_vrrp_cpu_affinity);
GD_HANDLER(gd_h_checker_cpu_affinity);
GD_HANDLER(gd_h_bfd_cpu_affinity);
GD_HANDLER(gd_h_max_auto_priority);
GD_HANDLER(gd_h_vrrp_garp_extra_if);
GD_HANDLER(gd_h_vrrp_iptables);
GD_HANDLER(gd_h_vrrp_ipsets);
GD_HANDLER(gd_h_nftables);
GD_HANDLER(gd_h_nftables_ipvs);
GD_HANDLER(gd_h_script_user);
GD_HANDLER(gd_h_dynamic_interfaces);
GD_HANDLER(gd_h_vrrp_rx_bufs_policy);
GD_HANDLER(gd_h_umask);
GD_HANDLER(gd_h_reload_check_config);
GD_HANDLER(gd_h_reload_file);
GD_HANDLER(gd_h_metrics_listen);
/* Replace *dst by a copy of src (NULL: clear).  Return 0 or -1 (ENOMEM). */
int gd_set_str(char **dst, const char *src);
/* Report "out of memory" at n; returns -1. */
int gd_nomem(struct conf_ctx *c, const struct conf_node *n);
/* Letters, digits and the characters of extra; 1..max characters. */
bool gd_word_ok(const char *s, size_t max, const char *extra);

#endif
