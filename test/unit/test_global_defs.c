/*
 * global_defs: every keyword class accepted with a good value and refused
 * with a located error, every multi-argument form, deprecated aliases,
 * defaults, not-implemented blocks, several errors in one file, and a walk
 * of the keyword table that gives every keyword a sample value, so that a
 * keyword added to the table without a test here fails this program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "tandem/config.h"
#include "tandem/global_defs.h"

#define NAME "test.conf"
#define SEC(s) ((uint64_t)(s) * 1000000ULL)

static struct tandem_config *load(const char *text, struct conf_diag *d)
{
	conf_diag_init(d);
	return config_load_buffer(NAME, text, strlen(text), NULL, d);
}

/* Load a global_defs block holding body; must succeed without warnings. */
static struct tandem_config *load_gd(const char *body)
{
	char buf[4096];
	struct conf_diag d;
	struct tandem_config *cfg;

	snprintf(buf, sizeof(buf), "global_defs {\n%s\n}\n", body);
	cfg = load(buf, &d);
	if (!cfg || d.n)
		conf_diag_print(&d, stderr);
	assert_non_null(cfg);
	assert_int_equal(d.errors, 0);
	conf_diag_free(&d);
	return cfg;
}

static const struct conf_diag_entry *find(const struct conf_diag *d,
					  enum conf_severity sev,
					  const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].sev == sev && strstr(d->v[i].msg, needle))
			return &d->v[i];
	return NULL;
}

/* body (a global_defs block, the statement on line 2) must be refused with
 * an error at line 2 that names keyword. */
static void refuse_at(const char *text, int line, const char *keyword)
{
	struct conf_diag d;
	struct tandem_config *cfg = load(text, &d);
	const struct conf_diag_entry *e;

	if (cfg)
		fprintf(stderr, "accepted: %s\n", text);
	assert_null(cfg);
	assert_true(d.errors >= 1);
	e = find(&d, CONF_ERROR, keyword);
	if (!e) {
		fprintf(stderr, "no error naming %s for:\n%s", keyword, text);
		conf_diag_print(&d, stderr);
	}
	assert_non_null(e);
	assert_non_null(e->file);
	assert_non_null(strstr(e->file, NAME));
	assert_int_equal(e->line, line);
	conf_diag_free(&d);
}

static void refuse(const char *stmt)
{
	char buf[1024], kw[128];

	snprintf(buf, sizeof(buf), "global_defs {\n%s\n}\n", stmt);
	sscanf(stmt, "%127s", kw);
	refuse_at(buf, 2, kw);
}

static const char *addr_str(const struct sockaddr_storage *ss, char *buf)
{
	if (ss->ss_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)
					    (const void *)ss)->sin_addr, buf, 64);
	return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
				     (const void *)ss)->sin6_addr, buf, 64);
}

/* ------------------------------------------------------------------ */

static void test_defaults(void **state)
{
	struct tandem_config *cfg = load_gd("");
	const struct global_defs *gd = &cfg->gd;
	char a[64];

	(void)state;
	assert_string_equal(addr_str(&gd->vrrp_mcast_group4, a), "224.0.0.18");
	assert_string_equal(addr_str(&gd->vrrp_mcast_group6, a), "ff02::12");
	assert_int_equal(gd->vrrp_garp_master_repeat, 5);
	assert_int_equal(gd->vrrp_garp_master_delay, SEC(5));
	assert_int_equal(gd->vrrp_garp_lower_prio_repeat, 5);
	assert_int_equal(gd->vrrp_garp_lower_prio_delay, SEC(5));
	assert_int_equal(gd->vrrp_garp_master_refresh, 0);
	assert_int_equal(gd->vrrp_garp_master_refresh_repeat, 1);
	assert_int_equal(gd->vrrp_version, 2);
	assert_int_equal(gd->smtp_connect_timeout, SEC(30));
	assert_int_equal(gd->smtp_port, 25);
	assert_int_equal(gd->startup_script_timeout, SEC(10));
	assert_int_equal(gd->child_wait_time, SEC(5));
	assert_int_equal(gd->umask, 0177);
	assert_int_equal(gd->vrrp_rx_bufs_multiplier, 3);
	assert_int_equal(gd->vrrp_down_timer_adverts, 3);
	assert_int_equal(gd->lvs_sync_daemon.port, 8848);
	assert_int_equal(gd->lvs_sync_daemon.syncid, -1);
	assert_null(gd->lvs_sync_daemon.ifname);
	assert_int_equal(gd->nftables_ipvs_start_fwmark, 1000);
	assert_int_equal(gd->nftables_priority, -1);
	assert_int_equal(gd->vrrp_proc.rlimit_rttime, 10000);
	assert_int_equal(gd->snmp_vs_stats_update_interval, SEC(5));
	assert_string_equal(gd->default_interface, "eth0");
	assert_string_equal(gd->dbus_service_name, "org.keepalived.Vrrp1");
	assert_string_equal(gd->vmac_prefix, "vrrp");
	assert_string_equal(gd->vmac_addr_prefix, "vrrp");
	assert_non_null(gd->router_id);
	assert_non_null(strstr(gd->notification_email_from, "tandem@"));
	assert_false(gd->vrrp_strict);
	assert_false(cfg->needs_vrrp);
	assert_false(cfg->needs_check);
	config_free(cfg);
}

static void test_flag(void **state)
{
	struct tandem_config *cfg = load_gd("vrrp_strict\nenable_traps\n"
					    "lvs_flush");

	(void)state;
	assert_true(cfg->gd.vrrp_strict);
	assert_true(cfg->gd.enable_traps);
	assert_true(cfg->gd.lvs_flush);
	config_free(cfg);
	refuse("vrrp_strict yes");
}

static void test_bool(void **state)
{
	struct tandem_config *cfg = load_gd("vrrp_min_garp\n"
					    "vrrp_lower_prio_no_advert off\n"
					    "checker_log_all_failures true");

	(void)state;
	assert_true(cfg->gd.vrrp_min_garp);
	assert_false(cfg->gd.vrrp_lower_prio_no_advert);
	assert_true(cfg->gd.checker_log_all_failures);
	/* vrrp_min_garp trims the GARP defaults */
	assert_int_equal(cfg->gd.vrrp_garp_master_repeat, 1);
	assert_int_equal(cfg->gd.vrrp_garp_master_delay, 0);
	config_free(cfg);
	refuse("smtp_alert maybe");
	refuse("vrrp_min_garp yes no");
}

static void test_int_uint(void **state)
{
	struct tandem_config *cfg = load_gd("vrrp_priority -20\n"
					    "checker_priority 19\n"
					    "vrrp_version 3\n"
					    "vrrp_rt_priority 99\n"
					    "nftables_priority -300");

	(void)state;
	assert_int_equal(cfg->gd.vrrp_proc.priority, -20);
	assert_int_equal(cfg->gd.checker_proc.priority, 19);
	assert_int_equal(cfg->gd.vrrp_version, 3);
	assert_int_equal(cfg->gd.vrrp_proc.rt_priority, 99);
	assert_int_equal(cfg->gd.nftables_priority, -300);
	config_free(cfg);
	refuse("vrrp_priority 20");
	refuse("vrrp_priority -21");
	refuse("vrrp_priority ten");
	refuse("vrrp_version 4");
	refuse("vrrp_rt_priority 0");
	refuse("vrrp_garp_master_repeat 0");
	refuse("json_version 3");
	refuse("vrrp_version");
}

static void test_time(void **state)
{
	struct tandem_config *cfg = load_gd("smtp_connect_timeout 2.5\n"
					    "vrrp_garp_interval 0.001\n"
					    "vrrp_gna_interval 0\n"
					    "vrrp_startup_delay 5.5\n"
					    "vrrp_garp_master_refresh 60");

	(void)state;
	assert_int_equal(cfg->gd.smtp_connect_timeout, 2500000);
	assert_int_equal(cfg->gd.vrrp_garp_interval, 1000);
	assert_int_equal(cfg->gd.vrrp_gna_interval, 0);
	assert_int_equal(cfg->gd.vrrp_startup_delay, 5500000);
	assert_int_equal(cfg->gd.vrrp_garp_master_refresh, SEC(60));
	config_free(cfg);
	refuse("smtp_connect_timeout 0");
	refuse("smtp_connect_timeout -1");
	refuse("smtp_connect_timeout soon");
	refuse("startup_script_timeout 1001");
	refuse("snmp_vs_stats_update_interval 31");
}

static void test_str(void **state)
{
	struct tandem_config *cfg = load_gd("router_id LVS_MAIN\n"
					    "vrrp_process_name vrrp-child\n"
					    "reload_time_file /run/reload");

	(void)state;
	assert_string_equal(cfg->gd.router_id, "LVS_MAIN");
	assert_string_equal(cfg->gd.vrrp_proc.name, "vrrp-child");
	assert_string_equal(cfg->gd.reload_time_file, "/run/reload");
	config_free(cfg);
	refuse("router_id");
	refuse("router_id a b");
	refuse("process_name a_very_long_process_name");
	refuse("reload_time_file relative/file");
	refuse("iproute_etc_dir etc/iproute2");
	/* a bus name the DBus service could never own */
	refuse("dbus_service_name org..keepalived");
	refuse("dbus_service_name :1.42");
	refuse("dbus_service_name nodots");
}

static void test_addr(void **state)
{
	struct tandem_config *cfg = load_gd("vrrp_mcast_group4 224.0.0.19\n"
					    "vrrp_mcast_group6 ff02::13");
	char a[64];

	(void)state;
	assert_string_equal(addr_str(&cfg->gd.vrrp_mcast_group4, a),
			    "224.0.0.19");
	assert_string_equal(addr_str(&cfg->gd.vrrp_mcast_group6, a),
			    "ff02::13");
	config_free(cfg);
	refuse("vrrp_mcast_group4 10.0.0.1");
	refuse("vrrp_mcast_group4 ff02::12");
	refuse("vrrp_mcast_group6 224.0.0.18");
	refuse("vrrp_mcast_group6 2001:db8::1");
	refuse("vrrp_mcast_group4 not-an-address");
}

/* vrrp_rx_ring (tandem only): off by default, on/off/bare, anything else
 * refused with a located error. */
static void test_rx_ring(void **state)
{
	struct tandem_config *cfg = load_gd("");

	(void)state;
	assert_false(cfg->gd.vrrp_rx_ring);
	config_free(cfg);
	cfg = load_gd("vrrp_rx_ring off");
	assert_false(cfg->gd.vrrp_rx_ring);
	config_free(cfg);
	cfg = load_gd("vrrp_rx_ring off\nvrrp_rx_ring");
	assert_true(cfg->gd.vrrp_rx_ring);
	config_free(cfg);
	cfg = load_gd("vrrp_rx_ring on");
	assert_true(cfg->gd.vrrp_rx_ring);
	config_free(cfg);
	refuse("vrrp_rx_ring maybe");
	refuse("vrrp_rx_ring on off");
}

/* metrics_listen: off by default, IPv4 and bracketed IPv6 with a port,
 * everything else refused with a located error. */
static void test_metrics_listen(void **state)
{
	struct tandem_config *cfg = load_gd("");
	const struct sockaddr_in *a4;
	const struct sockaddr_in6 *a6;
	char a[64];

	(void)state;
	assert_int_equal(cfg->gd.metrics_listen.ss_family, AF_UNSPEC);
	config_free(cfg);

	cfg = load_gd("metrics_listen 192.0.2.1:9650");
	a4 = (const void *)&cfg->gd.metrics_listen;
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 9650);
	assert_string_equal(addr_str(&cfg->gd.metrics_listen, a), "192.0.2.1");
	config_free(cfg);

	cfg = load_gd("metrics_listen [2001:db8::1]:65535");
	a6 = (const void *)&cfg->gd.metrics_listen;
	assert_int_equal(a6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(a6->sin6_port), 65535);
	assert_string_equal(addr_str(&cfg->gd.metrics_listen, a), "2001:db8::1");
	config_free(cfg);

	refuse("metrics_listen");
	refuse("metrics_listen 127.0.0.1");
	refuse("metrics_listen 127.0.0.1:");
	refuse("metrics_listen 127.0.0.1:0");
	refuse("metrics_listen 127.0.0.1:65536");
	refuse("metrics_listen 127.0.0.1:96x");
	refuse("metrics_listen 127.0.0.1:-1");
	refuse("metrics_listen localhost:9650");
	refuse("metrics_listen 300.1.1.1:9650");
	refuse("metrics_listen :9650");
	refuse("metrics_listen 2001:db8::1:9650");
	refuse("metrics_listen [2001:db8::1]9650");
	refuse("metrics_listen [2001:db8::1]");
	refuse("metrics_listen [192.0.2.1]:9650");
	refuse("metrics_listen []:9650");
	refuse("metrics_listen 127.0.0.1:9650 extra");
}

static void test_notification_email(void **state)
{
	struct tandem_config *cfg = load_gd(
		"notification_email {\n"
		"  admin@example.com\n"
		"  ops@example.com \"My admin <boss@example.com>\"\n"
		"}\n"
		"notification_email {\n"
		"  late@example.com\n"
		"}\n"
		"notification_email_from lb@example.com");

	(void)state;
	assert_int_equal(cfg->gd.n_notification_email, 4);
	assert_string_equal(cfg->gd.notification_email[0], "admin@example.com");
	assert_string_equal(cfg->gd.notification_email[2],
			    "My admin <boss@example.com>");
	assert_string_equal(cfg->gd.notification_email[3], "late@example.com");
	assert_string_equal(cfg->gd.notification_email_from, "lb@example.com");
	config_free(cfg);
	/* the error is on the line of the bad address, and names the block */
	refuse_at("global_defs {\n notification_email {\n  a@b.c\n"
		  "  nobody\n }\n}\n", 4, "notification_email");
}

static void test_smtp_server(void **state)
{
	struct tandem_config *cfg = load_gd("smtp_server mail.example.com 587");

	(void)state;
	assert_string_equal(cfg->gd.smtp_server, "mail.example.com");
	assert_int_equal(cfg->gd.smtp_port, 587);
	config_free(cfg);
	cfg = load_gd("smtp_server 2001:db8::25");
	assert_string_equal(cfg->gd.smtp_server, "2001:db8::25");
	assert_int_equal(cfg->gd.smtp_port, 25);
	config_free(cfg);
	refuse("smtp_server bad_host!");
	refuse("smtp_server 127.0.0.1 70000");
	refuse("smtp_server 127.0.0.1 25 extra");
	refuse("smtp_server -dash.example.com");
}

static void test_lvs_sync_daemon(void **state)
{
	struct tandem_config *cfg;
	char a[64];

	(void)state;
	cfg = load_gd("lvs_sync_daemon eth0 inst VI_1 id 7 maxlen 1400 "
		      "port 9000 ttl 4 group 239.1.2.3");
	assert_string_equal(cfg->gd.lvs_sync_daemon.ifname, "eth0");
	assert_string_equal(cfg->gd.lvs_sync_daemon.vrrp_instance, "VI_1");
	assert_int_equal(cfg->gd.lvs_sync_daemon.syncid, 7);
	assert_int_equal(cfg->gd.lvs_sync_daemon.maxlen, 1400);
	assert_int_equal(cfg->gd.lvs_sync_daemon.port, 9000);
	assert_int_equal(cfg->gd.lvs_sync_daemon.ttl, 4);
	assert_string_equal(addr_str(&cfg->gd.lvs_sync_daemon.group, a),
			    "239.1.2.3");
	config_free(cfg);

	/* instance without "inst", and no instance at all */
	cfg = load_gd("lvs_sync_daemon eth1 VI_2");
	assert_string_equal(cfg->gd.lvs_sync_daemon.vrrp_instance, "VI_2");
	assert_int_equal(cfg->gd.lvs_sync_daemon.syncid, -1);
	assert_string_equal(addr_str(&cfg->gd.lvs_sync_daemon.group, a),
			    "224.0.0.81");
	config_free(cfg);
	cfg = load_gd("lvs_sync_daemon eth1");
	assert_null(cfg->gd.lvs_sync_daemon.vrrp_instance);
	config_free(cfg);

	refuse("lvs_sync_daemon");
	refuse("lvs_sync_daemon eth0 VI_1 id 256");
	refuse("lvs_sync_daemon eth0 VI_1 ttl");
	refuse("lvs_sync_daemon eth0 VI_1 group 10.1.1.1");
	refuse("lvs_sync_daemon eth0 VI_1 colour blue");
	refuse("lvs_sync_daemon an_interface_name_too_long VI_1");
}

static void test_lvs_sync_daemon_legacy_id(void **state)
{
	struct conf_diag d;
	struct tandem_config *cfg =
		load("global_defs {\n lvs_sync_daemon eth0 VI_1 5\n}\n", &d);

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(cfg->gd.lvs_sync_daemon.syncid, 5);
	assert_non_null(find(&d, CONF_WARNING, "lvs_sync_daemon"));
	conf_diag_free(&d);
	config_free(cfg);
}

static void test_lvs_timeouts_flush(void **state)
{
	struct tandem_config *cfg = load_gd("lvs_timeouts tcp 900 tcpfin 120 "
					    "udp 300\nlvs_flush_on_stop VS");

	(void)state;
	assert_int_equal(cfg->gd.lvs_timeouts.tcp, SEC(900));
	assert_int_equal(cfg->gd.lvs_timeouts.tcpfin, SEC(120));
	assert_int_equal(cfg->gd.lvs_timeouts.udp, SEC(300));
	assert_int_equal(cfg->gd.lvs_flush_on_stop, GD_FLUSH_ON_STOP_VS);
	config_free(cfg);
	cfg = load_gd("lvs_timeouts udp 10\nlvs_flush_on_stop");
	assert_int_equal(cfg->gd.lvs_timeouts.tcp, 0);
	assert_int_equal(cfg->gd.lvs_timeouts.udp, SEC(10));
	assert_int_equal(cfg->gd.lvs_flush_on_stop, GD_FLUSH_ON_STOP_FULL);
	config_free(cfg);
	refuse("lvs_timeouts");
	refuse("lvs_timeouts tcp");
	refuse("lvs_timeouts sctp 10");
	refuse("lvs_timeouts tcp 2678401");
	refuse("lvs_timeouts tcp 1.5");
	refuse("lvs_flush_on_stop RS");
}

static void test_fifos_scripts(void **state)
{
	struct tandem_config *cfg = load_gd(
		"notify_fifo /run/n.fifo\n"
		"notify_fifo_script \"/usr/bin/reader -v\" nobody :nogroup\n"
		"vrrp_notify_fifo /run/v.fifo root root\n"
		"lvs_notify_fifo /run/l.fifo\n"
		"startup_script /etc/t/up.sh\n"
		"shutdown_script /etc/t/down.sh root\n"
		"script_user keepalived_script :\n"
		"enable_script_security");

	(void)state;
	assert_string_equal(cfg->gd.notify_fifo.path, "/run/n.fifo");
	assert_string_equal(cfg->gd.notify_fifo.script.cmd, "/usr/bin/reader -v");
	assert_string_equal(cfg->gd.notify_fifo.script.user, "nobody");
	assert_string_equal(cfg->gd.notify_fifo.script.group, ":nogroup");
	assert_string_equal(cfg->gd.vrrp_notify_fifo.group, "root");
	assert_string_equal(cfg->gd.lvs_notify_fifo.path, "/run/l.fifo");
	assert_string_equal(cfg->gd.startup_script.cmd, "/etc/t/up.sh");
	assert_null(cfg->gd.startup_script.user);
	assert_string_equal(cfg->gd.shutdown_script.user, "root");
	assert_string_equal(cfg->gd.script_user, "keepalived_script");
	assert_string_equal(cfg->gd.script_group, ":");
	assert_true(cfg->gd.enable_script_security);
	config_free(cfg);
	refuse("notify_fifo");
	refuse("notify_fifo /run/x a b c");
	refuse("script_user bad/user");
	refuse("startup_script /x \"bad user\"");
	/* whole-block checks, located at the block */
	refuse_at("global_defs {\n notify_fifo /run/a\n"
		  " vrrp_notify_fifo /run/a\n}\n", 1, "global_defs");
	refuse_at("global_defs {\n lvs_notify_fifo_script /bin/x\n}\n", 1,
		  "global_defs");
}

static void test_firewall(void **state)
{
	struct tandem_config *cfg = load_gd("vrrp_iptables\nvrrp_ipsets ka");

	(void)state;
	assert_true(cfg->gd.vrrp_iptables);
	assert_string_equal(cfg->gd.vrrp_iptables_in, "INPUT");
	assert_string_equal(cfg->gd.vrrp_iptables_out, "OUTPUT");
	assert_string_equal(cfg->gd.vrrp_ipsets[0], "ka");
	assert_string_equal(cfg->gd.vrrp_ipsets[1], "ka6");
	assert_string_equal(cfg->gd.vrrp_ipsets[2], "ka_if6");
	assert_string_equal(cfg->gd.vrrp_ipsets[3], "ka_igmp");
	assert_string_equal(cfg->gd.vrrp_ipsets[4], "ka_mld");
	assert_string_equal(cfg->gd.vrrp_ipsets[5], "ka_vmac_nd");
	config_free(cfg);

	cfg = load_gd("vrrp_iptables KA_IN\nvrrp_ipsets a b6 c");
	assert_string_equal(cfg->gd.vrrp_iptables_in, "KA_IN");
	assert_null(cfg->gd.vrrp_iptables_out);
	assert_string_equal(cfg->gd.vrrp_ipsets[1], "b6");
	assert_string_equal(cfg->gd.vrrp_ipsets[2], "c");
	config_free(cfg);

	cfg = load_gd("vrrp_iptables KA_IN KA_OUT\nvrrp_ipsets");
	assert_string_equal(cfg->gd.vrrp_iptables_out, "KA_OUT");
	assert_true(cfg->gd.vrrp_ipsets_set);
	assert_null(cfg->gd.vrrp_ipsets[0]);
	config_free(cfg);

	cfg = load_gd("nftables\nnftables_ipvs my_ipvs\nnftables_counters");
	assert_string_equal(cfg->gd.nftables, "tandem");
	assert_string_equal(cfg->gd.nftables_ipvs, "my_ipvs");
	assert_true(cfg->gd.nftables_counters);
	config_free(cfg);

	refuse("vrrp_iptables a b c");
	refuse("vrrp_iptables a_chain_name_that_is_far_too_long");
	refuse("vrrp_ipsets a_set_name_that_is_way_over_31_chars");
	refuse("nftables 9table");
	refuse("nftables a b");
}

static void test_cpu_affinity(void **state)
{
	struct tandem_config *cfg = load_gd("vrrp_cpu_affinity 0 1\n"
					    "checker_cpu_affinity 1023\n"
					    "bfd_cpu_affinity 3");

	(void)state;
	assert_true(cfg->gd.vrrp_proc.cpus_set);
	assert_true(gd_proc_has_cpu(&cfg->gd.vrrp_proc, 0));
	assert_true(gd_proc_has_cpu(&cfg->gd.vrrp_proc, 1));
	assert_false(gd_proc_has_cpu(&cfg->gd.vrrp_proc, 2));
	assert_true(gd_proc_has_cpu(&cfg->gd.checker_proc, 1023));
	assert_true(gd_proc_has_cpu(&cfg->gd.bfd_proc, 3));
	config_free(cfg);
	refuse("vrrp_cpu_affinity");
	refuse("vrrp_cpu_affinity 1024");
	refuse("checker_cpu_affinity 0 x");
}

static void test_umask(void **state)
{
	struct tandem_config *cfg = load_gd("umask 027");

	(void)state;
	assert_int_equal(cfg->gd.umask, 027);
	assert_true(cfg->gd.umask_set);
	config_free(cfg);
	cfg = load_gd("umask 0x12");
	assert_int_equal(cfg->gd.umask, 0x12);
	config_free(cfg);
	cfg = load_gd("umask IWGRP|IRWXO");
	assert_int_equal(cfg->gd.umask, 027);
	config_free(cfg);
	cfg = load_gd("umask IXUSR | IRWXG | IROTH");
	assert_int_equal(cfg->gd.umask, 0174);
	config_free(cfg);
	refuse("umask 01000");
	refuse("umask IRWXQ");
	refuse("umask IRUSR||IWUSR");
	refuse("umask 022 033");
}

static void test_misc_forms(void **state)
{
	struct tandem_config *cfg = load_gd(
		"max_auto_priority\n"
		"vrrp_garp_extra_if all 100\n"
		"vrrp_rx_bufs_policy mtu\n"
		"dynamic_interfaces allow_if_changes\n"
		"reload_file\n"
		"reload_check_config\n"
		"random_seed 0");

	(void)state;
	assert_int_equal(cfg->gd.max_auto_priority, 99);
	assert_int_equal(cfg->gd.vrrp_garp_extra_if, SEC(100));
	assert_true(cfg->gd.vrrp_garp_extra_if_all);
	assert_int_equal(cfg->gd.vrrp_rx_bufs_policy, GD_RX_BUFS_MTU);
	assert_true(cfg->gd.dynamic_interfaces);
	assert_true(cfg->gd.allow_if_changes);
	assert_true(cfg->gd.reload_file_set);
	assert_null(cfg->gd.reload_file);
	assert_string_equal(cfg->gd.reload_check_config, "/dev/null");
	assert_true(cfg->gd.random_seed_set);
	config_free(cfg);

	cfg = load_gd("max_auto_priority -1\nvrrp_garp_extra_if 30\n"
		      "vrrp_rx_bufs_policy 65536\ndynamic_interfaces\n"
		      "reload_file /run/t.reload");
	assert_int_equal(cfg->gd.max_auto_priority, -1);
	assert_false(cfg->gd.vrrp_garp_extra_if_all);
	assert_int_equal(cfg->gd.vrrp_rx_bufs_policy, GD_RX_BUFS_SIZE);
	assert_int_equal(cfg->gd.vrrp_rx_bufs_size, 65536);
	assert_false(cfg->gd.allow_if_changes);
	assert_string_equal(cfg->gd.reload_file, "/run/t.reload");
	config_free(cfg);

	refuse("max_auto_priority 100");
	refuse("vrrp_garp_extra_if all");
	refuse("vrrp_garp_extra_if 86401");
	refuse("vrrp_rx_bufs_policy MTU ADVERT");
	refuse("vrrp_rx_bufs_policy huge");
	refuse("dynamic_interfaces sometimes");
	refuse("reload_file relative.reload");
}

static void test_derived_defaults(void **state)
{
	struct tandem_config *cfg = load_gd("vrrp_garp_master_repeat 3\n"
					    "vrrp_garp_master_delay 10\n"
					    "smtp_alert\n"
					    "smtp_alert_checker false");

	(void)state;
	assert_int_equal(cfg->gd.vrrp_garp_lower_prio_repeat, 3);
	assert_int_equal(cfg->gd.vrrp_garp_lower_prio_delay, SEC(10));
	assert_true(cfg->gd.smtp_alert_vrrp);
	assert_false(cfg->gd.smtp_alert_checker);
	config_free(cfg);

	/* explicit values win over vrrp_min_garp and over the master ones */
	cfg = load_gd("vrrp_min_garp\nvrrp_garp_master_repeat 2\n"
		      "vrrp_garp_lower_prio_repeat 0\n"
		      "vrrp_garp_lower_prio_delay 1\n"
		      "vrrp_rlimit_rttime 1");
	assert_int_equal(cfg->gd.vrrp_garp_master_repeat, 2);
	assert_int_equal(cfg->gd.vrrp_garp_master_delay, 0);
	assert_int_equal(cfg->gd.vrrp_garp_lower_prio_repeat, 0);
	assert_int_equal(cfg->gd.vrrp_garp_lower_prio_delay, SEC(1));
	assert_int_equal(cfg->gd.vrrp_proc.rlimit_rttime, 2);
	config_free(cfg);
}

/* Deprecated spellings: stored under the current keyword, with a warning
 * that names the current keyword at the line of the old one. */
static void test_aliases(void **state)
{
	static const struct {
		const char *stmt, *current;
	} cases[] = {
		{ "lvs_id OLD_ID", "router_id" },
		{ "lvs_flush_onstop", "lvs_flush_on_stop" },
		{ "lvs_process_name chk", "checker_process_name" },
		{ "vrrp_vmac_garp_intvl 60", "vrrp_garp_extra_if" },
		{ "vrrp_rlimit_rtime 5000", "vrrp_rlimit_rttime" },
		{ "checker_rlimit_rtime 5000", "checker_rlimit_rttime" },
		{ "bfd_rlimit_rtime 5000", "bfd_rlimit_rttime" },
		{ "enable_snmp_keepalived", "enable_snmp_vrrp" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[256];
		struct conf_diag d;
		struct tandem_config *cfg;
		const struct conf_diag_entry *w;

		snprintf(buf, sizeof(buf), "global_defs {\n %s\n}\n",
			 cases[i].stmt);
		cfg = load(buf, &d);
		assert_non_null(cfg);
		w = find(&d, CONF_WARNING, cases[i].current);
		if (!w)
			conf_diag_print(&d, stderr);
		assert_non_null(w);
		assert_int_equal(w->line, 2);
		switch (i) {
		case 0:
			assert_string_equal(cfg->gd.router_id, "OLD_ID");
			break;
		case 1:
			assert_int_equal(cfg->gd.lvs_flush_on_stop,
					 GD_FLUSH_ON_STOP_FULL);
			break;
		case 2:
			assert_string_equal(cfg->gd.checker_proc.name, "chk");
			break;
		case 3:
			assert_int_equal(cfg->gd.vrrp_garp_extra_if, SEC(60));
			break;
		case 4:
			assert_int_equal(cfg->gd.vrrp_proc.rlimit_rttime, 5000);
			break;
		case 5:
			assert_int_equal(cfg->gd.checker_proc.rlimit_rttime,
					 5000);
			break;
		case 6:
			assert_int_equal(cfg->gd.bfd_proc.rlimit_rttime, 5000);
			break;
		default:
			assert_true(cfg->gd.enable_snmp_vrrp);
		}
		conf_diag_free(&d);
		config_free(cfg);
	}
}

/* enable_snmp_rfc is both VRRP MIBs; each keyword sets its own. */
static void test_snmp_keywords(void **state)
{
	struct tandem_config *cfg;

	(void)state;
	cfg = load_gd("enable_snmp_rfc");
	assert_true(cfg->gd.enable_snmp_rfcv3);
	assert_true(cfg->gd.enable_snmp_rfcv2);
	config_free(cfg);
	cfg = load_gd("enable_snmp_rfcv2");
	assert_true(cfg->gd.enable_snmp_rfcv2);
	assert_false(cfg->gd.enable_snmp_rfcv3);
	config_free(cfg);
	cfg = load_gd("enable_snmp_vrrp\nenable_snmp_checker\nenable_traps\n"
		      "snmp_socket tcp:127.0.0.1:705");
	assert_true(cfg->gd.enable_snmp_vrrp);
	assert_true(cfg->gd.enable_snmp_checker);
	assert_true(cfg->gd.enable_traps);
	assert_false(cfg->gd.enable_snmp_rfcv3);
	assert_false(cfg->gd.enable_snmp_rfcv2);
	assert_string_equal(cfg->gd.snmp_socket, "tcp:127.0.0.1:705");
	config_free(cfg);
}

static void test_top_level_globals(void **state)
{
	struct conf_diag d;
	struct tandem_config *cfg = load("net_namespace blue\n"
					 "net_namespace_ipvs\n"
					 "instance lb1\n"
					 "child_wait_time 12\n"
					 "linkbeat_use_polling\n"
					 "namespace_with_ipsets\n"
					 "global_defs {\n router_id x\n}\n", &d);

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(d.errors, 0);
	assert_string_equal(cfg->gd.net_namespace, "blue");
	assert_true(cfg->gd.net_namespace_ipvs_set);
	assert_null(cfg->gd.net_namespace_ipvs);
	assert_string_equal(cfg->gd.instance, "lb1");
	assert_true(cfg->gd.use_pid_dir);
	assert_int_equal(cfg->gd.child_wait_time, SEC(12));
	assert_true(cfg->gd.linkbeat_use_polling);
	assert_true(cfg->gd.namespace_with_ipsets);
	conf_diag_free(&d);
	config_free(cfg);
	refuse_at("net_namespace_ipvs a b\n", 1, "net_namespace_ipvs");
	refuse_at("child_wait_time forever\n", 1, "child_wait_time");
}

/* The not-implemented error and nothing else for the block's contents. */
static void test_not_implemented(void **state)
{
	static const char *const blocks[] = {
#ifndef WITH_VRRP
		"vrrp_instance VI_1",
#endif
#ifndef WITH_VRRP
		"vrrp_sync_group VG", "track_file f",
#endif
#ifndef WITH_VRRP
		"vrrp_script chk",
		"static_ipaddress", "static_routes",
		"vrrp_track_process p", "garp_group", "track_group g",
#endif
		"bfd_instance b", "linkbeat_interfaces",
#ifndef WITH_LVS
		"SSL",		/* check/ parses it (HTTP_GET's TLS files) */
#endif
	};

	(void)state;
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		char buf[256], kw[64];
		struct conf_diag d;
		struct tandem_config *cfg;

		sscanf(blocks[i], "%63s", kw);
		snprintf(buf, sizeof(buf), "global_defs {\n router_id a\n}\n"
			 "%s {\n  nonsense words here\n  state MASTER\n}\n",
			 blocks[i]);
		cfg = load(buf, &d);
		assert_null(cfg);
		if (d.errors != 1)
			conf_diag_print(&d, stderr);
		assert_int_equal(d.errors, 1);
		assert_non_null(strstr(d.v[0].msg, kw));
		assert_non_null(strstr(d.v[0].msg, "not implement"));
		assert_int_equal(d.v[0].line, 4);
		conf_diag_free(&d);
	}
}

static void test_many_errors(void **state)
{
	struct conf_diag d;
	struct tandem_config *cfg = load("global_defs {\n"
					 " vrrp_version 5\n"
					 " router_id ok\n"
					 " smtp_connect_timeout never\n"
					 " no_such_keyword 1\n"
					 "}\n"
					 "vrrp_script X {\n}\n", &d);
	static const struct {
		int line;
		const char *kw;
	} want[] = {
		{ 2, "vrrp_version" }, { 4, "smtp_connect_timeout" },
		{ 5, "no_such_keyword" }, { 7, "vrrp_script" },
	};

	(void)state;
	assert_null(cfg);
	if (d.errors != 4)
		conf_diag_print(&d, stderr);
	assert_int_equal(d.errors, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct conf_diag_entry *e = find(&d, CONF_ERROR, want[i].kw);

		assert_non_null(e);
		assert_int_equal(e->line, want[i].line);
	}
	conf_diag_free(&d);
}

/* ------------------------------------------------------------------ */
/* Every keyword of the table with a value it must accept. */

static const struct {
	const char *name, *value;
} samples[] = {
	{ "tmp_config_directory", "/var/tmp" },
	{ "config_save_dir", "/var/lib/tandem/saved" },
	{ "process_names", "" },
	{ "process_name", "lb" },
	{ "vrrp_process_name", "lb_vrrp" },
	{ "checker_process_name", "lb_check" },
	{ "bfd_process_name", "lb_bfd" },
	{ "use_symlink_paths", "yes" },
	{ "set_supplementary_groups", "" },
	{ "startup_script", "/etc/tandem/up.sh root" },
	{ "startup_script_timeout", "20" },
	{ "shutdown_script", "\"/etc/tandem/down.sh now\"" },
	{ "shutdown_script_timeout", "1000" },
	{ "notification_email", "{\n  root@localhost\n }" },
	{ "notification_email_from", "lb@example.com" },
	{ "smtp_server", "127.0.0.1 25" },
	{ "smtp_helo_name", "lb.example.com" },
	{ "smtp_connect_timeout", "30" },
	{ "smtp_alert", "" },
	{ "smtp_alert_vrrp", "on" },
	{ "smtp_alert_checker", "off" },
	{ "checker_log_all_failures", "" },
	{ "no_email_faults", "" },
	{ "router_id", "LVS_MAIN" },
	{ "vrrp_mcast_group4", "224.0.0.18" },
	{ "vrrp_mcast_group6", "ff02::12" },
	{ "vrrp_rx_ring", "on" },
	{ "default_interface", "eth1" },
	{ "lvs_sync_daemon", "eth0 VI_1 id 1" },
	{ "lvs_timeouts", "tcp 7200" },
	{ "lvs_flush", "" },
	{ "lvs_flush_on_stop", "" },
	{ "vrrp_garp_master_repeat", "1" },
	{ "vrrp_garp_master_delay", "10" },
	{ "vrrp_garp_lower_prio_repeat", "1" },
	{ "vrrp_garp_lower_prio_delay", "10" },
	{ "vrrp_garp_master_refresh", "60" },
	{ "vrrp_garp_master_refresh_repeat", "2" },
	{ "vrrp_garp_interval", "0.001" },
	{ "vrrp_gna_interval", "0.000001" },
	{ "vrrp_min_garp", "true" },
	{ "vrrp_garp_extra_if", "100" },
	{ "vrrp_down_timer_adverts", "5" },
	{ "vrrp_lower_prio_no_advert", "" },
	{ "vrrp_higher_prio_send_advert", "false" },
	{ "vrrp_version", "3" },
	{ "v3_checksum_as_v2", "" },
	{ "nftables", "ka" },
	{ "nftables_priority", "-5" },
	{ "nftables_counters", "" },
	{ "nftables_ifindex", "" },
	{ "nftables_ipvs", "" },
	{ "nftables_ipvs_priority", "0" },
	{ "nftables_ipvs_start_fwmark", "2000" },
	{ "vrrp_iptables", "" },
	{ "vrrp_ipsets", "keepalived\nvrrp_iptables" },
	{ "disable_local_igmp", "" },
	{ "vrrp_check_unicast_src", "" },
	{ "vrrp_skip_check_adv_addr", "" },
	{ "vrrp_strict", "" },
	{ "vrrp_notify_priority_changes", "yes" },
	{ "max_auto_priority", "50" },
	{ "min_auto_priority_delay", "500000" },
	{ "vrrp_priority", "-10" },
	{ "checker_priority", "5" },
	{ "bfd_priority", "0" },
	{ "vrrp_no_swap", "" },
	{ "checker_no_swap", "" },
	{ "bfd_no_swap", "" },
	{ "vrrp_cpu_affinity", "0" },
	{ "checker_cpu_affinity", "1" },
	{ "bfd_cpu_affinity", "0 1" },
	{ "vrrp_rt_priority", "50" },
	{ "checker_rt_priority", "1" },
	{ "bfd_rt_priority", "99" },
	{ "vrrp_rlimit_rttime", "10000" },
	{ "checker_rlimit_rttime", "20000" },
	{ "bfd_rlimit_rttime", "2" },
	{ "snmp_socket", "udp:127.0.0.1:705" },
	{ "enable_snmp_vrrp", "" },
	{ "enable_snmp_checker", "" },
	{ "enable_snmp_rfc", "" },
	{ "enable_snmp_rfcv2", "" },
	{ "enable_snmp_rfcv3", "" },
	{ "enable_traps", "" },
	{ "snmp_vs_stats_update_interval", "0.5" },
	{ "snmp_rs_stats_update_interval", "30" },
	{ "enable_dbus", "" },
	{ "dbus_service_name", "org.tandem.Vrrp1" },
	{ "dbus_no_interface_name", "noif" },
	{ "control_socket", "/run/tandem-test/ctl.sock" },
	{ "control_socket_group", "root" },
	{ "script_user", "nobody nogroup" },
	{ "enable_script_security", "" },
	{ "notify_fifo", "/run/tandem.fifo" },
	{ "notify_fifo_script", "/usr/bin/true\nnotify_fifo /run/n.fifo" },
	{ "vrrp_notify_fifo", "/run/vrrp.fifo nobody" },
	{ "vrrp_notify_fifo_script", "/usr/bin/true nobody\n"
	  "vrrp_notify_fifo /run/v.fifo" },
	{ "lvs_notify_fifo", "/run/lvs.fifo" },
	{ "lvs_notify_fifo_script", "/usr/bin/true\n"
	  "lvs_notify_fifo /run/l.fifo" },
	{ "fifo_write_vrrp_states_on_reload", "" },
	{ "dynamic_interfaces", "" },
	{ "vrrp_netlink_cmd_rcv_bufs", "1048576" },
	{ "vrrp_netlink_cmd_rcv_bufs_force", "" },
	{ "vrrp_netlink_monitor_rcv_bufs", "1048576" },
	{ "vrrp_netlink_monitor_rcv_bufs_force", "yes" },
	{ "lvs_netlink_cmd_rcv_bufs", "1048576" },
	{ "lvs_netlink_cmd_rcv_bufs_force", "no" },
	{ "lvs_netlink_monitor_rcv_bufs", "1048576" },
	{ "lvs_netlink_monitor_rcv_bufs_force", "" },
	{ "process_monitor_rcv_bufs", "500000" },
	{ "process_monitor_rcv_bufs_force", "" },
	{ "vrrp_rx_bufs_policy", "ADVERT" },
	{ "vrrp_rx_bufs_multiplier", "4" },
	{ "rs_init_notifies", "" },
	{ "no_checker_emails", "" },
	{ "umask", "IXUSR|IRWXG|IRWXO" },
	{ "vrrp_startup_delay", "5.5" },
	{ "vrrp_delay_after_boot", "15.23" },
	{ "log_unknown_vrids", "" },
	{ "vmac_prefix", "vr" },
	{ "vmac_addr_prefix", "vra" },
	{ "random_seed", "42" },
	{ "reload_check_config", "/tmp/check.log" },
	{ "reload_time_file", "/run/tandem.reload_time" },
	{ "reload_repeat", "" },
	{ "reload_file", "/run/tandem.reload" },
	{ "data_use_instance", "" },
	{ "state_file_location", "/run/tandem/" },
	{ "stats_file_location", "/run/tandem/stats" },
	{ "json_file_location", "/run/tandem/state.json" },
	{ "json_version", "2" },
	{ "iproute_usr_dir", "/usr/share/iproute2" },
	{ "iproute_etc_dir", "/etc/iproute2" },
	{ "metrics_listen", "127.0.0.1:9650" },
};

static const char *sample_of(const char *name)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (!strcmp(samples[i].name, name))
			return samples[i].value;
	return NULL;
}

static const struct conf_keyword *kw_of(const char *name)
{
	for (const struct conf_keyword *k = gd_keywords; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

static void test_table_walk(void **state)
{
	size_t n = 0;

	(void)state;
	for (const struct conf_keyword *k = gd_keywords; k->name; k++) {
		const char *v;
		char buf[512];
		struct tandem_config *cfg;

		if (k->alias_of) {
			/* an alias names a keyword of the same table */
			assert_non_null(kw_of(k->alias_of));
			assert_null(kw_of(k->alias_of)->alias_of);
			continue;
		}
		v = sample_of(k->name);
		if (!v)
			fprintf(stderr, "keyword %s has no sample in "
				"test_global_defs.c\n", k->name);
		assert_non_null(v);
		snprintf(buf, sizeof(buf), "%s %s", k->name, v);
		cfg = load_gd(buf);
		config_free(cfg);
		n++;
	}
	/* and no sample is left over from a keyword that went away */
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		assert_non_null(kw_of(samples[i].name));
	assert_int_equal(n, sizeof(samples) / sizeof(samples[0]));
}

/* tandem.conf(5) documents every keyword of the table, aliases included,
 * as a bold word (".B name", ".BI name", ".BR name" or "\\fBname"). */
static void test_documented(void **state)
{
	const char *srcdir = getenv("top_srcdir");
	char path[4096], *text = NULL;
	size_t len = 0;
	FILE *f, *m;
	int ch;

	(void)state;
	snprintf(path, sizeof(path), "%s/doc/tandem.conf.5",
		 srcdir ? srcdir : ".");
	f = fopen(path, "r");
	if (!f)
		fprintf(stderr, "cannot read %s\n", path);
	assert_non_null(f);
	m = open_memstream(&text, &len);
	assert_non_null(m);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(f);
	assert_int_equal(fclose(m), 0);
	for (const struct conf_keyword *k = gd_keywords; k->name; k++) {
		static const char *const forms[][2] = {
			{ ".B ", "\n" }, { ".B ", " " }, { ".BI ", " " },
			{ ".BI ", "\n" }, { ".BR ", " " }, { ".BR ", "\n" },
			{ "\\fB", "\\f" },
		};
		bool found = false;

		for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
			char pat[160];

			snprintf(pat, sizeof(pat), "%s%s%s", forms[i][0],
				 k->name, forms[i][1]);
			if (strstr(text, pat))
				found = true;
		}
		if (!found)
			fprintf(stderr, "%s is not in tandem.conf(5)\n",
				k->name);
		assert_true(found);
	}
	free(text);
}

/* The exported gd_block stores into a bare struct global_defs. */
static void test_gd_block_alone(void **state)
{
	static const struct conf_keyword top_kw[] = {
		{ .name = "global_defs", .type = CONF_T_BLOCK,
		  .block = &gd_block },
		{ .name = NULL },
	};
	static const struct conf_block top = { .name = "top",
					       .keywords = top_kw };
	static const char text[] = "global_defs {\n router_id solo\n"
				   " vrrp_garp_master_repeat 7\n}\n";
	struct conf_diag d;
	struct conf_tree *t = NULL;
	struct global_defs gd;

	(void)state;
	conf_diag_init(&d);
	gd_init(&gd);
	assert_int_equal(conf_read_buffer(NAME, text, strlen(text), NULL, &d,
					  &t), 0);
	assert_int_equal(conf_apply(t, &top, &gd, &d), 0);
	assert_int_equal(gd_finish(&gd), 0);
	assert_string_equal(gd.router_id, "solo");
	assert_int_equal(gd.vrrp_garp_lower_prio_repeat, 7);
	gd_free(&gd);
	conf_tree_free(t);
	conf_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_flag),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_int_uint),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_rx_ring),
		cmocka_unit_test(test_metrics_listen),
		cmocka_unit_test(test_notification_email),
		cmocka_unit_test(test_smtp_server),
		cmocka_unit_test(test_lvs_sync_daemon),
		cmocka_unit_test(test_lvs_sync_daemon_legacy_id),
		cmocka_unit_test(test_lvs_timeouts_flush),
		cmocka_unit_test(test_fifos_scripts),
		cmocka_unit_test(test_firewall),
		cmocka_unit_test(test_cpu_affinity),
		cmocka_unit_test(test_umask),
		cmocka_unit_test(test_misc_forms),
		cmocka_unit_test(test_derived_defaults),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_snmp_keywords),
		cmocka_unit_test(test_top_level_globals),
		cmocka_unit_test(test_not_implemented),
		cmocka_unit_test(test_many_errors),
		cmocka_unit_test(test_table_walk),
		cmocka_unit_test(test_gd_block_alone),
		cmocka_unit_test(test_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
