/*
 * vrrp_instance and vrrp_sync_group: every keyword accepted with a good
 * value and refused with a located error naming it, the checks close()
 * and vrrp_conf_check() make, the not-implemented error of issue-4
 * keywords, and a walk of the tables that needs a clean sample for every
 * keyword, so a keyword added without a test fails here.  The address
 * syntax has its own program, test_vrrp_conf_addr.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

/* test_vrrp_conf_util.c */
extern struct vrrp_conf_globals tv_globals;
extern const struct conf_block tv_top;
struct vrrp_conf *tv_load(const char *text, struct conf_diag *d);
void tv_free(struct vrrp_conf *vc);
const char *tv_inst(const char *body);
struct vrrp_conf *tv_ok(const char *text);
void tv_refuse(const char *text, int line, const char *kw, const char *needle);
struct vrrp_conf *tv_warn(const char *text, int line, const char *kw,
			  const char *needle);

#define SEC(s)	((uint64_t)(s) * 1000000ULL)

static int reset(void **state)
{
	(void)state;
	tv_globals = (struct vrrp_conf_globals){ .vrrp_version = 2 };
	return 0;
}

static void refuse(const char *body, const char *kw, const char *needle)
{
	tv_refuse(tv_inst(body), 2, kw, needle);
}

static struct vrrp_conf *ok(const char *body)
{
	struct vrrp_conf *vc = tv_ok(tv_inst(body));

	assert_int_equal(vc->ninst, 1);
	return vc;
}

static void test_minimal_defaults(void **state)
{
	struct vrrp_conf *vc = ok("");
	const struct vrrp_conf_instance *in = vc->inst[0];

	(void)state;
	assert_string_equal(in->name, "VI");
	assert_string_equal(in->interface, "eth0");
	assert_int_equal(in->vrid, 51);
	assert_int_equal(in->priority, 100);
	assert_int_equal(in->state, VRRP_CONF_STATE_BACKUP);
	assert_int_equal(in->advert_int_us, SEC(1));
	assert_int_equal(in->version, 2);	/* from the globals */
	assert_false(in->nopreempt);
	assert_int_equal(in->family, AF_INET);
	assert_int_equal(in->auth_type, VRRP_CONF_AUTH_NONE);
	assert_int_equal(in->nvips, 1);
	tv_free(vc);
}

static void test_state(void **state)
{
	struct vrrp_conf *vc = ok("state MASTER");

	(void)state;
	assert_int_equal(vc->inst[0]->state, VRRP_CONF_STATE_MASTER);
	tv_free(vc);
	vc = ok("state backup");
	assert_int_equal(vc->inst[0]->state, VRRP_CONF_STATE_BACKUP);
	tv_free(vc);
	refuse("state EQUAL", "state", "EQUAL");
	refuse("state", "state", NULL);
}

static void test_interface(void **state)
{
	struct vrrp_conf *vc = ok("interface bond0.100");

	(void)state;
	assert_string_equal(vc->inst[0]->interface, "bond0.100");
	tv_free(vc);
	refuse("interface averyveryverylongname", "interface", "1..15");
	refuse("interface eth0:1", "interface", "eth0:1");
	refuse("interface eth0 eth1", "interface", NULL);
}

static void test_vrid_priority(void **state)
{
	struct vrrp_conf *vc = ok("virtual_router_id 255\npriority 254");

	(void)state;
	assert_int_equal(vc->inst[0]->vrid, 255);
	assert_int_equal(vc->inst[0]->priority, 254);
	tv_free(vc);
	refuse("virtual_router_id 0", "virtual_router_id", "0");
	refuse("virtual_router_id 256", "virtual_router_id", "256");
	refuse("virtual_router_id x", "virtual_router_id", NULL);
	refuse("priority 0", "priority", "0");
	refuse("priority 256", "priority", "256");
	vc = ok("priority 255\nstate MASTER");
	assert_int_equal(vc->inst[0]->priority, 255);
	tv_free(vc);
	/* the address owner is master at once whatever state says */
	tv_free(tv_warn(tv_inst("priority 255"), 1, "vrrp_instance",
			"priority 255"));
}

static void test_advert_int(void **state)
{
	struct vrrp_conf *vc;

	(void)state;
	vc = ok("advert_int 3");
	assert_int_equal(vc->inst[0]->advert_int_us, SEC(3));
	tv_free(vc);
	vc = ok("advert_int 0.01\nversion 3");
	assert_int_equal(vc->inst[0]->advert_int_us, 10000);
	assert_int_equal(vc->inst[0]->version, 3);
	tv_free(vc);
	vc = ok("advert_int 40.95\nversion 3");
	assert_int_equal(vc->inst[0]->advert_int_us, 40950000);
	tv_free(vc);
	vc = ok("advert_int 255\nversion 2");
	tv_free(vc);
	refuse("advert_int 0.005", "advert_int", "0.005");
	refuse("advert_int 0.015", "advert_int", "0.01 s");
	refuse("advert_int 256", "advert_int", "256");
	refuse("advert_int 0", "advert_int", NULL);
	/* the version's own limits, the version given in the instance */
	refuse("advert_int 0.5\nversion 2", "advert_int", "version 3");
	refuse("advert_int 1.5\nversion 2", "advert_int", "1.50");
	refuse("advert_int 41\nversion 3", "advert_int", "40.95");
	/* ... or by global_defs vrrp_version (checked after the walk) */
	refuse("advert_int 0.1", "advert_int", "global_defs vrrp_version");
	tv_globals.vrrp_version = 3;
	vc = ok("advert_int 0.1");
	assert_int_equal(vc->inst[0]->version, 3);
	tv_free(vc);
	refuse("advert_int 100", "advert_int", "40.95");
}

static void test_version(void **state)
{
	struct vrrp_conf *vc = ok("version 3");

	(void)state;
	assert_int_equal(vc->inst[0]->version, 3);
	tv_free(vc);
	refuse("version 1", "version", "1");
	refuse("version 4", "version", "4");
	/* IPv6 runs v3 whatever the global says; v2 over IPv6 is an error */
	vc = tv_ok(tv_inst("virtual_ipaddress {\n2001:db8::1\n}"));
	assert_int_equal(vc->inst[0]->version, 3);
	assert_int_equal(vc->inst[0]->family, AF_INET6);
	tv_free(vc);
	tv_refuse(tv_inst("version 2\nvirtual_ipaddress {\n2001:db8::1\n}"), 1,
		  "vrrp_instance", "IPv4 only");
}

static void test_preempt(void **state)
{
	struct vrrp_conf *vc = ok("nopreempt");

	(void)state;
	assert_true(vc->inst[0]->nopreempt);
	tv_free(vc);
	vc = ok("nopreempt\npreempt");
	assert_false(vc->inst[0]->nopreempt);
	tv_free(vc);
	vc = ok("preempt_delay 4.12");
	assert_int_equal(vc->inst[0]->preempt_delay_us, 4120000);
	tv_free(vc);
	refuse("preempt_delay 1001", "preempt_delay", "1001");
	refuse("preempt_delay -1", "preempt_delay", NULL);
	refuse("nopreempt yes", "nopreempt", NULL);
	tv_free(tv_warn(tv_inst("state MASTER\nnopreempt"), 1, "vrrp_instance",
			"nopreempt does not work"));
	tv_free(tv_warn(tv_inst("state MASTER\npreempt_delay 5"), 1,
			"vrrp_instance", "preempt_delay does not work"));
	tv_free(tv_warn(tv_inst("nopreempt\npreempt_delay 5"), 1,
			"vrrp_instance", "no effect"));
}

static void test_flags_and_bools(void **state)
{
	struct vrrp_conf *vc = ok("dont_track_primary\nnative_ipv6\n"
				  "virtual_ipaddress {\nfe80::1\n}");

	(void)state;
	assert_true(vc->inst[0]->dont_track_primary);
	assert_true(vc->inst[0]->native_ipv6);
	tv_free(vc);
	tv_refuse(tv_inst("native_ipv6"), 1, "vrrp_instance", "native_ipv6");
	vc = ok("skip_check_adv_addr yes\nv3_checksum_as_v2 true");
	assert_true(vc->inst[0]->skip_check_adv_addr);
	assert_true(vc->inst[0]->v3_checksum_as_v2_set);
	assert_false(vc->inst[0]->strict_mode_set);
	tv_free(vc);
	/* keepalived: "debug level, not implemented yet": accepted, 0..4 */
	vc = ok("debug 2");
	assert_int_equal(vc->inst[0]->debug, 2);
	tv_free(vc);
	refuse("debug 5", "debug", "5");
	/* smtp_alert: set or not, so smtp_alert_vrrp decides otherwise */
	vc = ok("smtp_alert");
	assert_true(vc->inst[0]->smtp_alert);
	assert_true(vc->inst[0]->smtp_alert_set);
	tv_free(vc);
	vc = ok("smtp_alert off");
	assert_false(vc->inst[0]->smtp_alert);
	assert_true(vc->inst[0]->smtp_alert_set);
	tv_free(vc);
	vc = ok("debug 1");
	assert_false(vc->inst[0]->smtp_alert_set);
	tv_free(vc);
}

/* The keywords that tune the protocol and the runtime. */
static void test_options(void **state)
{
	struct vrrp_conf *vc = ok("down_timer_adverts 5\n"
				  "lower_prio_no_advert\n"
				  "higher_prio_send_advert off\n"
				  "promote_secondaries\n"
				  "kernel_rx_buf_size 212992\n"
				  "unicast_fault_no_peer\n"
				  "unicast_peer {\n192.0.2.6\n}");
	const struct vrrp_conf_instance *in = vc->inst[0];

	(void)state;
	assert_int_equal(in->down_timer_adverts, 5);
	assert_true(in->lower_prio_no_advert && in->lower_prio_no_advert_set);
	assert_false(in->higher_prio_send_advert);
	assert_true(in->higher_prio_send_advert_set);
	assert_true(in->promote_secondaries);
	assert_int_equal(in->kernel_rx_buf_size, 212992);
	assert_true(in->unicast_fault_no_peer);
	tv_free(vc);
	vc = ok("");
	in = vc->inst[0];
	assert_int_equal(in->down_timer_adverts, 0);	/* global's */
	assert_false(in->lower_prio_no_advert_set);
	assert_false(in->higher_prio_send_advert_set);
	assert_false(in->promote_secondaries);
	tv_free(vc);
	refuse("down_timer_adverts 0", "down_timer_adverts", "0");
	refuse("down_timer_adverts 101", "down_timer_adverts", "101");
	refuse("kernel_rx_buf_size 0", "kernel_rx_buf_size", "0");
	refuse("lower_prio_no_advert maybe", "lower_prio_no_advert", "maybe");
	refuse("promote_secondaries yes", "promote_secondaries", NULL);
	/* Without peers the instance can only wait in FAULT: said at once. */
	tv_free(tv_warn(tv_inst("unicast_fault_no_peer"), 1, "vrrp_instance",
			"stays in FAULT"));
}

static void test_garp(void **state)
{
	struct vrrp_conf *vc = ok("garp_master_delay 10\ngarp_master_repeat 3\n"
				  "garp_master_refresh 60\n"
				  "garp_master_refresh_repeat 2");
	const struct vrrp_conf_instance *in = vc->inst[0];

	(void)state;
	assert_int_equal(in->garp_master_delay_us, SEC(10));
	assert_true(in->garp_master_delay_set);
	assert_int_equal(in->garp_master_repeat, 3);
	assert_int_equal(in->garp_master_refresh_us, SEC(60));
	assert_int_equal(in->garp_master_refresh_repeat, 2);
	tv_free(vc);
	refuse("garp_master_repeat 0", "garp_master_repeat", "0");
	refuse("garp_master_delay x", "garp_master_delay", "x");
	refuse("garp_master_refresh_repeat 0", "garp_master_refresh_repeat",
	       NULL);

	vc = ok("garp_lower_prio_delay 2.5\ngarp_lower_prio_repeat 0\n"
		"garp_extra_if all 100");
	in = vc->inst[0];
	assert_int_equal(in->garp_lower_prio_delay_us, 2500000);
	assert_true(in->garp_lower_prio_delay_set);
	assert_int_equal(in->garp_lower_prio_repeat, 0);	/* off */
	assert_true(in->garp_lower_prio_repeat_set);
	assert_int_equal(in->garp_extra_if_s, 100);
	assert_true(in->garp_extra_if_all && in->garp_extra_if_set);
	tv_free(vc);
	vc = ok("garp_extra_if 0");	/* the global default turned off */
	assert_int_equal(vc->inst[0]->garp_extra_if_s, 0);
	assert_true(vc->inst[0]->garp_extra_if_set);
	tv_free(vc);
	vc = ok("");
	assert_false(vc->inst[0]->garp_lower_prio_delay_set);
	assert_false(vc->inst[0]->garp_lower_prio_repeat_set);
	assert_false(vc->inst[0]->garp_extra_if_set);
	tv_free(vc);
	refuse("garp_lower_prio_delay x", "garp_lower_prio_delay", "x");
	refuse("garp_lower_prio_repeat -1", "garp_lower_prio_repeat", "-1");
	refuse("garp_extra_if 86401", "garp_extra_if", "86401");
	refuse("garp_extra_if all", "garp_extra_if", "after 'all'");
	refuse("garp_extra_if 5 6", "garp_extra_if", "'6'");
	tv_free(tv_warn(tv_inst("garp_extra_if 60"), 1, "vrrp_instance",
			"VMAC instances only"));
	tv_free(tv_warn(tv_inst("vmac_garp_intvl all 60"), 2, "vmac_garp_intvl",
			"deprecated"));
}

static void test_sources_and_unicast(void **state)
{
	struct vrrp_conf *vc = ok("unicast_src_ip 192.0.2.10\n"
				  "unicast_peer {\n192.0.2.11\n"
				  "192.0.2.12 min_ttl 250 max_ttl 255\n}\n"
				  "unicast_ttl 10");
	const struct vrrp_conf_instance *in = vc->inst[0];

	(void)state;
	assert_int_equal(in->unicast_src_ip.family, AF_INET);
	assert_int_equal(in->npeers, 2);
	assert_int_equal(in->peers[1].min_ttl, 250);
	assert_int_equal(in->peers[1].max_ttl, 255);
	assert_int_equal(in->peers[0].min_ttl, -1);
	assert_true(in->check_unicast_src);	/* turned on by the TTLs */
	assert_int_equal(in->unicast_ttl, 10);
	tv_free(vc);
	vc = ok("mcast_src_ip 192.0.2.10\nmcast_dst_ip 224.0.0.100");
	assert_int_equal(vc->inst[0]->mcast_dst_ip.family, AF_INET);
	tv_free(vc);
	refuse("mcast_src_ip 224.0.0.1", "mcast_src_ip", "224.0.0.1");
	refuse("unicast_src_ip 0.0.0.0", "unicast_src_ip", NULL);
	refuse("unicast_src_ip nowhere", "unicast_src_ip", "nowhere");
	refuse("mcast_dst_ip 192.0.2.1", "mcast_dst_ip", "multicast");
	refuse("unicast_ttl 0", "unicast_ttl", "0");
	refuse("unicast_ttl 256", "unicast_ttl", NULL);
	tv_refuse(tv_inst("virtual_ipaddress {\n2001:db8::1\n}\n"
			  "mcast_dst_ip ff05::12"), 5, "mcast_dst_ip",
		  "link-local");
	tv_refuse(tv_inst("mcast_src_ip 2001:db8::1"), 1, "vrrp_instance",
		  "mcast_src_ip is not of the instance's family");
	tv_refuse(tv_inst("mcast_src_ip 192.0.2.1\nunicast_src_ip 192.0.2.2"),
		  1, "vrrp_instance", "differ");
	/* unicast keywords that do nothing without peers */
	tv_free(tv_warn(tv_inst("unicast_ttl 5"), 1, "vrrp_instance",
			"unicast_ttl"));
	tv_free(tv_warn(tv_inst("check_unicast_src"), 1, "vrrp_instance",
			"check_unicast_src"));
}

static void test_peer_lines(void **state)
{
	(void)state;
	tv_refuse(tv_inst("unicast_peer {\n192.0.2.1 min_ttl 300\n}"), 3,
		  "unicast_peer", "0..255");
	tv_refuse(tv_inst("unicast_peer {\n192.0.2.1 min_ttl\n}"), 3,
		  "unicast_peer", "nothing");
	tv_refuse(tv_inst("unicast_peer {\n192.0.2.1 min_ttl 9 max_ttl 8\n}"),
		  3, "unicast_peer", "above max_ttl");
	tv_refuse(tv_inst("unicast_peer {\n192.0.2.1 ttl 9\n}"), 3,
		  "unicast_peer", "unknown option 'ttl'");
	tv_refuse(tv_inst("unicast_peer {\n192.0.2.1 min_ttl 1 min_ttl 2\n}"),
		  3, "unicast_peer", "twice");
	tv_refuse(tv_inst("unicast_peer {\n192.0.2.1\n192.0.2.1\n}"), 4,
		  "unicast_peer", "given twice (before at vrrp.conf:3)");
	tv_refuse(tv_inst("unicast_peer {\n192.0.2.0/24\n}"), 3,
		  "unicast_peer", "without a prefix");
	tv_refuse(tv_inst("unicast_peer {\n224.0.0.18\n}"), 3,
		  "unicast_peer", "unicast peer");
	tv_refuse(tv_inst("unicast_peer {\npeer.example\n}"), 3,
		  "unicast_peer", "peer.example");
	tv_refuse(tv_inst("unicast_peer {\n2001:db8::2\n}"), 3,
		  "unicast_peer", "family");
	tv_refuse(tv_inst("unicast_peer 192.0.2.1"), 2, "unicast_peer",
		  "{ } block");
}

static void test_authentication(void **state)
{
	struct vrrp_conf *vc = ok("authentication {\nauth_type PASS\n"
				  "auth_pass secret\n}");

	(void)state;
	assert_int_equal(vc->inst[0]->auth_type, VRRP_CONF_AUTH_PASS);
	assert_string_equal(vc->inst[0]->auth_pass, "secret");
	tv_free(vc);
	vc = ok("authentication {\nauth_type ah\nauth_pass 12345678\n}");
	assert_int_equal(vc->inst[0]->auth_type, VRRP_CONF_AUTH_AH);
	tv_free(vc);
	/* longer than 8: cut, with a warning that shows what is kept */
	vc = tv_warn(tv_inst("authentication {\nauth_type PASS\n"
			     "auth_pass 0123456789\n}"), 4, "auth_pass",
		     "'01234567'");
	assert_string_equal(vc->inst[0]->auth_pass, "01234567");
	tv_free(vc);
	tv_refuse(tv_inst("authentication {\nauth_type MD5\nauth_pass x\n}"),
		  3, "auth_type", "MD5");
	tv_refuse(tv_inst("authentication {\nauth_pass x\n}"), 2,
		  "authentication", "auth_type");
	tv_refuse(tv_inst("authentication {\nauth_type PASS\n}"), 2,
		  "authentication", "auth_pass");
	tv_refuse(tv_inst("authentication {\nauth_type PASS\nauth_pass \"\"\n}"),
		  4, "auth_pass", "empty");
	tv_refuse(tv_inst("authentication {\nauth_type PASS\nauth_pass a b\n}"),
		  4, "auth_pass", NULL);
	tv_refuse(tv_inst("authentication {\nauth_kind PASS\n}"), 3,
		  "auth_kind", "unknown keyword");
	/* v3 has none: the instance's version, or the global one */
	tv_refuse(tv_inst("version 3\nauthentication {\nauth_type PASS\n"
			  "auth_pass x\n}"), 3, "authentication", "version 3");
	tv_globals.vrrp_version = 3;
	tv_refuse(tv_inst("authentication {\nauth_type PASS\nauth_pass x\n}"),
		  2, "authentication", "global_defs vrrp_version");
}

static void test_vip_family_rules(void **state)
{
	struct vrrp_conf *vc;

	(void)state;
	/* keepalived: one family in virtual_ipaddress; excluded may mix */
	tv_refuse(tv_inst("virtual_ipaddress {\n192.0.2.1\n2001:db8::1\n}"), 4,
		  "virtual_ipaddress", "virtual_ipaddress_excluded");
	vc = ok("virtual_ipaddress {\n192.0.2.1\n}\n"
		"virtual_ipaddress_excluded {\n2001:db8::1\n198.51.100.1\n}");
	assert_int_equal(vc->inst[0]->nevips, 2);
	assert_int_equal(vc->inst[0]->family, AF_INET);
	tv_free(vc);
	/* the same address twice on the same interface */
	tv_refuse(tv_inst("virtual_ipaddress {\n192.0.2.1/24\n192.0.2.1/32\n}"),
		  4, "virtual_ipaddress", "before at vrrp.conf:3");
	vc = ok("virtual_ipaddress {\n192.0.2.1/24\n192.0.2.1/24 dev eth1\n}");
	tv_free(vc);
	/* a label begins with its interface */
	vc = ok("virtual_ipaddress {\n192.0.2.1 label eth0:vip\n"
		"192.0.2.2 dev eth1 label eth1\n}");
	tv_free(vc);
	tv_refuse(tv_inst("virtual_ipaddress {\n192.0.2.1 label eth1:vip\n}"),
		  3, "virtual_ipaddress", "interface name 'eth0'");
	tv_refuse(tv_inst("virtual_ipaddress {\n192.0.2.1 label eth0x\n}"),
		  3, "virtual_ipaddress", "label 'eth0x'");
}

static void test_too_many_vips(void **state)
{
	char *body = malloc(256 * 24 + 64), *p = body;

	(void)state;
	assert_non_null(body);
	p += sprintf(p, "virtual_ipaddress {\n");
	for (int i = 0; i < 256; i++)
		p += sprintf(p, "10.0.%d.%d\n", i / 250, i % 250 + 1);
	sprintf(p, "}");
	/* the 256th is on line 2 + 1 + 255 */
	tv_refuse(tv_inst(body), 258, "virtual_ipaddress", "at most 255");
	free(body);
}

static void test_no_vip(void **state)
{
	struct vrrp_conf *vc = ok("no_virtual_ipaddress");

	(void)state;
	assert_true(vc->inst[0]->no_virtual_ipaddress);
	assert_int_equal(vc->inst[0]->nvips, 0);
	tv_free(vc);
	tv_free(tv_warn("vrrp_instance VI {\ninterface eth0\n"
			"virtual_router_id 1\n}\n", 1, "vrrp_instance",
			"no_virtual_ipaddress"));
	tv_refuse(tv_inst("no_virtual_ipaddress\nvirtual_ipaddress {\n"
			  "192.0.2.1\n}"), 1, "vrrp_instance",
		  "no_virtual_ipaddress and addresses");
}

static void test_required(void **state)
{
	struct vrrp_conf *vc;

	(void)state;
	tv_refuse("vrrp_instance VI {\ninterface eth0\n"
		  "no_virtual_ipaddress\n}\n", 1, "vrrp_instance",
		  "virtual_router_id");
	/* interface: required for multicast, unless default_interface */
	tv_refuse("vrrp_instance VI {\nvirtual_router_id 1\n"
		  "no_virtual_ipaddress\n}\n", 1, "vrrp_instance",
		  "no interface");
	tv_globals.default_interface = "eth9";
	vc = tv_ok("vrrp_instance VI {\nvirtual_router_id 1\n"
		   "no_virtual_ipaddress\n}\n");
	assert_string_equal(vc->inst[0]->interface, "eth9");
	tv_free(vc);
	tv_globals.default_interface = NULL;
	/* unicast without an interface: the VIPs need dev */
	vc = tv_ok("vrrp_instance VI {\nvirtual_router_id 1\n"
		   "unicast_peer {\n192.0.2.2\n}\nvirtual_ipaddress {\n"
		   "192.0.2.1 dev eth3\n}\n}\n");
	assert_null(vc->inst[0]->interface);
	tv_free(vc);
	tv_refuse("vrrp_instance VI {\nvirtual_router_id 1\n"
		  "unicast_peer {\n192.0.2.2\n}\nvirtual_ipaddress {\n"
		  "192.0.2.1\n}\n}\n", 7, "virtual_ipaddress", "needs 'dev'");
	tv_refuse("vrrp_instance VI {\nvirtual_router_id 1\n"
		  "unicast_peer {\nfe80::2\n}\nno_virtual_ipaddress\n}\n", 1,
		  "vrrp_instance", "link-local");
	/* the name */
	tv_refuse("vrrp_instance {\ninterface eth0\n}\n", 1, "vrrp_instance",
		  "one instance name");
	tv_refuse("vrrp_instance A B {\ninterface eth0\n}\n", 1,
		  "vrrp_instance", "2 words");
	tv_refuse("vrrp_instance VI\n", 1, "vrrp_instance", "block");
}

static const char two_fmt[] =
	"vrrp_instance A {\ninterface %s\nvirtual_router_id 7\n%s\n"
	"no_virtual_ipaddress\n}\n"
	"vrrp_instance B {\ninterface %s\nvirtual_router_id 7\n%s\n"
	"no_virtual_ipaddress\n}\n";

static void two(char *buf, size_t len, const char *if_a, const char *a,
		const char *if_b, const char *b)
{
	snprintf(buf, len, two_fmt, if_a, a, if_b, b);
}

/* The locations of every statement of a file share one copy of its
 * name, which lives as long as any of them. */
static void test_loc_file_shared(void **state)
{
	char buf[1024];
	struct vrrp_conf *a, *b;
	char name[64];

	(void)state;
	two(buf, sizeof(buf), "eth0", "", "eth1", "");
	a = tv_ok(buf);
	b = tv_ok(buf);
	assert_int_equal(a->ninst, 2);
	assert_non_null(vrrp_conf_loc_file(&a->inst[0]->loc));
	assert_ptr_equal(vrrp_conf_loc_file(&a->inst[0]->loc),
			 vrrp_conf_loc_file(&a->inst[1]->loc));
	assert_ptr_equal(vrrp_conf_loc_file(&a->inst[0]->loc),
			 vrrp_conf_loc_file(&a->inst[0]->vrid_loc));
	assert_ptr_equal(vrrp_conf_loc_file(&a->inst[0]->loc),
			 vrrp_conf_loc_file(&b->inst[1]->loc));
	snprintf(name, sizeof(name), "%s",
		 vrrp_conf_loc_file(&a->inst[0]->loc));
	tv_free(a);
	/* still there for the other config */
	assert_string_equal(vrrp_conf_loc_file(&b->inst[0]->loc), name);
	assert_string_equal(vrrp_conf_loc_file(&b->inst[1]->vrid_loc), name);
	tv_free(b);
}

/* Read file path and apply it (with the check). */
static struct vrrp_conf *load_file(const char *path, struct conf_diag *d)
{
	struct conf_tree *t = NULL;
	struct vrrp_conf *vc = calloc(1, sizeof(*vc));

	assert_non_null(vc);
	vrrp_conf_init(vc);
	conf_diag_init(d);
	if (conf_read_file(path, NULL, d, &t) == 0)
		conf_apply(t, &tv_top, vc, d);
	conf_tree_free(t);
	return vc;
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

/* A location names its file by number: an include inside a block puts
 * the statement in the included file, which the later check names; and
 * the numbers of names no location holds any more are given to other
 * names without confusing the locations still alive. */
static void test_loc_file_numbers(void **state)
{
	char dir[] = "/tmp/tvloc.XXXXXX", path[256], inc[256];
	struct conf_diag d1, d2, d3;
	struct vrrp_conf *a, *b, *c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "inc.conf", "virtual_router_id 7\n");
	put(dir, "a.conf", "vrrp_instance A {\ninterface eth0\n"
	    "virtual_router_id 7\nno_virtual_ipaddress\n}\n"
	    "vrrp_instance B {\ninterface eth0\ninclude inc.conf\n"
	    "no_virtual_ipaddress\n}\n");
	put(dir, "b.conf", "vrrp_instance X {\ninterface eth0\n"
	    "virtual_router_id 9\nno_virtual_ipaddress\n}\n");
	put(dir, "c.conf", "vrrp_instance Y {\ninterface eth0\n"
	    "virtual_router_id 9\nno_virtual_ipaddress\n}\n");
	snprintf(inc, sizeof(inc), "%s/inc.conf", dir);

	snprintf(path, sizeof(path), "%s/a.conf", dir);
	a = load_file(path, &d1);
	assert_int_equal(d1.errors, 1);
	assert_string_equal(d1.v[0].file, inc);
	assert_int_equal(d1.v[0].line, 1);
	assert_non_null(strstr(d1.v[0].msg, "virtual_router_id: VRID 7"));
	assert_string_equal(vrrp_conf_loc_file(&a->inst[1]->loc), path);
	assert_string_equal(vrrp_conf_loc_file(&a->inst[1]->vrid_loc), inc);

	snprintf(path, sizeof(path), "%s/b.conf", dir);
	b = load_file(path, &d2);
	assert_int_equal(d2.errors, 0);
	tv_free(a);
	/* a.conf's and inc.conf's numbers are free now: c.conf gets one */
	snprintf(path, sizeof(path), "%s/c.conf", dir);
	c = load_file(path, &d3);
	assert_int_equal(d3.errors, 0);
	assert_string_equal(vrrp_conf_loc_file(&c->inst[0]->loc), path);
	assert_string_equal(vrrp_conf_loc_file(&c->inst[0]->vrid_loc), path);
	snprintf(path, sizeof(path), "%s/b.conf", dir);
	assert_string_equal(vrrp_conf_loc_file(&b->inst[0]->loc), path);
	assert_string_equal(vrrp_conf_loc_file(&b->inst[0]->vrid_loc), path);
	tv_free(b);
	tv_free(c);
	conf_diag_free(&d1);
	conf_diag_free(&d2);
	conf_diag_free(&d3);
	for (const char *const *f = (const char *const[]){ "a.conf", "b.conf",
		"c.conf", "inc.conf", NULL }; *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		unlink(path);
	}
	rmdir(dir);
}

static void test_duplicate_vrid(void **state)
{
	char buf[1024];

	(void)state;
	two(buf, sizeof(buf), "eth0", "", "eth0", "");
	tv_refuse(buf, 9, "virtual_router_id", "instance 'A' (vrrp.conf:1)");
	/* other interface, other family, other group, disjoint peers: fine */
	two(buf, sizeof(buf), "eth0", "", "eth1", "");
	tv_free(tv_ok(buf));
	two(buf, sizeof(buf), "eth0", "", "eth0", "native_ipv6");
	tv_free(tv_ok(buf));
	two(buf, sizeof(buf), "eth0", "", "eth0", "mcast_dst_ip 224.0.0.99");
	tv_free(tv_ok(buf));
	two(buf, sizeof(buf), "eth0", "unicast_peer {\n192.0.2.1\n}",
	    "eth0", "unicast_peer {\n192.0.2.2\n}");
	tv_free(tv_ok(buf));
	two(buf, sizeof(buf), "eth0", "unicast_peer {\n192.0.2.1\n}",
	    "eth0", "unicast_peer {\n192.0.2.3\n192.0.2.1\n}");
	tv_refuse(buf, 0, "virtual_router_id", "shared unicast peer");
	two(buf, sizeof(buf), "eth0", "mcast_dst_ip 224.0.0.99", "eth0",
	    "mcast_dst_ip 224.0.0.99");
	tv_refuse(buf, 0, "virtual_router_id", "same multicast group");
	/* the same name twice */
	tv_refuse("vrrp_instance A {\ninterface eth0\nvirtual_router_id 1\n"
		  "no_virtual_ipaddress\n}\nvrrp_instance A {\ninterface eth0\n"
		  "virtual_router_id 2\nno_virtual_ipaddress\n}\n", 6,
		  "vrrp_instance", "given twice");
}

static void test_strict(void **state)
{
	struct vrrp_conf *vc;

	(void)state;
	/* strict implies no_accept */
	vc = ok("strict_mode");
	assert_false(vc->inst[0]->accept);
	tv_free(vc);
	tv_free(tv_warn(tv_inst("strict_mode\naccept"), 1, "accept",
			"requires no_accept"));
	tv_refuse(tv_inst("strict_mode on\nauthentication {\nauth_type PASS\n"
			  "auth_pass x\n}"), 3, "authentication",
		  "strict mode (strict_mode)");
	tv_refuse(tv_inst("strict_mode\nunicast_peer {\n192.0.2.9\n}"), 4,
		  "unicast_peer", "strict");
	tv_globals.vrrp_strict = true;
	tv_refuse(tv_inst("no_virtual_ipaddress"), 1, "vrrp_instance",
		  "global_defs vrrp_strict");
	vc = ok("");
	assert_false(vc->inst[0]->accept);
	tv_free(vc);
	vc = ok("strict_mode off");
	assert_true(vc->inst[0]->accept);
	assert_true(vc->inst[0]->strict_mode_set);
	assert_false(vc->inst[0]->strict_mode);
	tv_free(vc);
}

/* keepalived: accept by default, no_accept when asked (or strict). */
static void test_accept(void **state)
{
	struct vrrp_conf *vc = ok("accept");

	(void)state;
	assert_true(vc->inst[0]->accept);
	tv_free(vc);
	vc = ok("");
	assert_true(vc->inst[0]->accept);
	tv_free(vc);
	vc = ok("no_accept");
	assert_false(vc->inst[0]->accept);
	tv_free(vc);
	tv_refuse(tv_inst("accept\nno_accept"), 1, "no_accept", "both");
	tv_free(tv_ok(tv_inst("no_accept\npriority 255\nstate MASTER")));
}

static void test_sync_group(void **state)
{
	struct vrrp_conf *vc;
	const char *insts =
		"vrrp_instance A {\ninterface eth0\nvirtual_router_id 1\n"
		"no_virtual_ipaddress\n}\n"
		"vrrp_instance B {\ninterface eth1\nvirtual_router_id 1\n"
		"no_virtual_ipaddress\n}\n";	/* 10 lines */
	char buf[2048];

	(void)state;
	/* members may be defined after the group; several per line */
	snprintf(buf, sizeof(buf), "vrrp_sync_group G {\ngroup {\nA B\n}\n}\n%s",
		 insts);
	vc = tv_ok(buf);
	assert_int_equal(vc->ngroups, 1);
	assert_int_equal(vc->groups[0]->nmembers, 2);
	assert_string_equal(vc->groups[0]->members[1], "B");
	assert_string_equal(vrrp_conf_inst_sync_group(vc->inst[0]), "G");
	assert_string_equal(vrrp_conf_inst_sync_group(vc->inst[1]), "G");
	tv_free(vc);

	snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\ngroup {\nA\nC\n}\n}\n",
		 insts);
	tv_refuse(buf, 14, "group", "'C', which is not a vrrp_instance");
	snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\ngroup {\nA\nA\n}\n}\n",
		 insts);
	tv_refuse(buf, 14, "group", "listed twice");
	snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\ngroup {\nA B\n}\n}\n"
		 "vrrp_sync_group H {\ngroup {\nB A\n}\n}\n", insts);
	tv_refuse(buf, 18, "group", "already in sync group 'G'");
	snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\ngroup {\nA B\n}\n}\n"
		 "vrrp_sync_group G {\ngroup {\n}\n}\n", insts);
	tv_refuse(buf, 16, "vrrp_sync_group", "given twice");
	snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\n}\n", insts);
	tv_refuse(buf, 11, "vrrp_sync_group", "no members");
	snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\ngroup {\nA\n}\n}\n",
		 insts);
	tv_free(tv_warn(buf, 11, "vrrp_sync_group", "only one member"));
	snprintf(buf, sizeof(buf), "%svrrp_sync_group {\ngroup {\nA\n}\n}\n",
		 insts);
	tv_refuse(buf, 11, "vrrp_sync_group", "one group name");
	snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\ngroup {\nA B\n}\n"
		 "track_script {\nchk\n}\n}\n", insts);
	tv_refuse(buf, 16, "track_script", "not a vrrp_script block");
	snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\ngroup {\nA B\n}\n"
		 "track_bfd {\nb\n}\n}\n", insts);
	tv_refuse(buf, 15, "track_bfd", "does not implement yet");
}

static void test_notimpl(void **state)
{
	(void)state;
	refuse("use_ipvlan", "use_ipvlan", "not implement yet");
	refuse("track_bfd {\nb\n}", "track_bfd", "not implement yet");
	refuse("bogus_keyword 1", "bogus_keyword", "unknown keyword");
	refuse("prority 100", "prority", "did you mean 'priority'");
}

/* Several errors in one file are all reported. */
static void test_all_errors(void **state)
{
	struct conf_diag d;
	struct vrrp_conf *vc = tv_load(tv_inst("priority 0\nversion 9\n"
					       "use_ipvlan"), &d);

	(void)state;
	assert_true(d.errors >= 3);
	conf_diag_free(&d);
	tv_free(vc);
}

/* The CUSTOM entry points the wiring uses from a table whose object is not
 * a struct vrrp_conf. */
struct holder {
	int other;
	struct vrrp_conf vc;
};

static int vi_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return vrrp_conf_instance_stmt(c, n, &((struct holder *)obj)->vc);
}

static int sg_stmt(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return vrrp_conf_sync_group_stmt(c, n, &((struct holder *)obj)->vc);
}

static void test_stmt_wrappers(void **state)
{
	static const struct conf_keyword kw[] = {
		{ .name = "vrrp_instance", .type = CONF_T_CUSTOM,
		  .handler = vi_stmt, .flags = CONF_KW_MULTI },
		{ .name = "vrrp_sync_group", .type = CONF_T_CUSTOM,
		  .handler = sg_stmt, .flags = CONF_KW_MULTI },
		{ .name = NULL },
	};
	static const struct conf_block top = { .name = "top", .keywords = kw };
	const char *text = "vrrp_instance A {\ninterface eth0\n"
		"virtual_router_id 1\nno_virtual_ipaddress\n}\n"
		"vrrp_sync_group G {\ngroup {\nA\n}\n}\nvrrp_instance B\n";
	struct holder h = { 0 };
	struct conf_tree *t = NULL;
	struct conf_diag d;

	(void)state;
	conf_diag_init(&d);
	assert_int_equal(conf_read_buffer("w.conf", text, strlen(text), NULL,
					  &d, &t), 0);
	assert_int_equal(conf_apply(t, &top, &h, &d), -1);
	assert_int_equal(h.vc.ninst, 1);
	assert_int_equal(h.vc.ngroups, 1);
	assert_int_equal(d.errors, 1);	/* "vrrp_instance B" without block */
	assert_int_equal(d.v[d.n - 1].line, 11);
	assert_int_equal(vrrp_conf_check(&h.vc, &tv_globals, &d), 0);
	conf_tree_free(t);
	conf_diag_free(&d);
	vrrp_conf_free(&h.vc);
}

/* ------------------------------------------------------------------ */
/* Every keyword of the tables has a sample that applies cleanly, or the
 * not-implemented error, or (an alias) a deprecation warning. */

static const struct {
	const char *kw;
	const char *body;
} samples[] = {
	{ "state", "state MASTER" },
	{ "interface", "interface eth1" },
	{ "virtual_router_id", "virtual_router_id 9" },
	{ "priority", "priority 150" },
	{ "advert_int", "advert_int 2" },
	{ "version", "version 3" },
	{ "preempt", "preempt" },
	{ "nopreempt", "nopreempt" },
	{ "preempt_delay", "preempt_delay 300" },
	{ "dont_track_primary", "dont_track_primary" },
	{ "native_ipv6", "native_ipv6\nvirtual_ipaddress {\n2001:db8::1\n}" },
	{ "mcast_src_ip", "mcast_src_ip 192.0.2.5" },
	{ "unicast_src_ip", "unicast_src_ip 192.0.2.5\n"
	  "unicast_peer {\n192.0.2.6\n}" },
	{ "mcast_dst_ip", "mcast_dst_ip 224.0.0.19" },
	{ "unicast_peer", "unicast_peer {\n192.0.2.6 max_ttl 255\n}" },
	{ "unicast_ttl", "unicast_ttl 64\nunicast_peer {\n192.0.2.6\n}" },
	{ "check_unicast_src", "check_unicast_src\n"
	  "unicast_peer {\n192.0.2.6\n}" },
	{ "v3_checksum_as_v2", "v3_checksum_as_v2" },
	{ "authentication", "authentication {\nauth_type AH\n"
	  "auth_pass k\n}" },
	{ "virtual_ipaddress", "virtual_ipaddress {\n192.0.2.1/24 dev eth0\n}" },
	{ "virtual_ipaddress_excluded", "virtual_ipaddress_excluded {\n"
	  "2001:db8::5/64\n}" },
	{ "no_virtual_ipaddress", "no_virtual_ipaddress" },
	{ "accept", "accept" },
	{ "no_accept", "no_accept" },
	{ "use_vmac", "use_vmac vrrp.51" },
	{ "vmac_xmit_base", "use_vmac\nvmac_xmit_base" },
	{ "virtual_routes", "virtual_routes {\n198.51.100.0/24 via 192.0.2.254\n}" },
	{ "virtual_rules", "virtual_rules {\nfrom 192.0.2.1 table 10\n}" },
	{ "garp_master_delay", "garp_master_delay 5" },
	{ "garp_master_repeat", "garp_master_repeat 5" },
	{ "garp_master_refresh", "garp_master_refresh 30" },
	{ "garp_master_refresh_repeat", "garp_master_refresh_repeat 2" },
	{ "skip_check_adv_addr", "skip_check_adv_addr" },
	{ "strict_mode", "strict_mode off" },
	{ "down_timer_adverts", "down_timer_adverts 3" },
	{ "unicast_fault_no_peer", "unicast_fault_no_peer\n"
	  "unicast_peer {\n192.0.2.6\n}" },
	{ "kernel_rx_buf_size", "kernel_rx_buf_size 65536" },
	{ "promote_secondaries", "promote_secondaries" },
	{ "garp_lower_prio_delay", "garp_lower_prio_delay 5" },
	{ "garp_lower_prio_repeat", "garp_lower_prio_repeat 1" },
	{ "garp_extra_if", "garp_extra_if all 60" },
	{ "lower_prio_no_advert", "lower_prio_no_advert" },
	{ "higher_prio_send_advert", "higher_prio_send_advert" },
	{ "debug", "debug 0" },
	{ "track_interface", "track_interface {\neth1\neth2 weight -10\n}" },
	{ "track_file", "track_file {\nTF weight 2 noreverse\n}" },
	{ "notify_master", "notify_master /bin/true" },
	{ "notify_backup", "notify_backup \"/bin/n backup\"" },
	{ "notify_fault", "notify_fault /bin/true" },
	{ "notify_stop", "notify_stop /bin/true" },
	{ "notify_deleted", "notify_deleted /bin/true" },
	{ "notify", "notify /bin/true" },
	{ "notify_master_rx_lower_pri", "notify_master_rx_lower_pri /bin/true" },
	{ "notify_priority_changes", "notify_priority_changes" },
	{ "track_process", "track_process {\nTP weight -2 reverse\n}" },
	{ "track_script", "track_script {\nTS weight -2 reverse\n}" },
	{ "smtp_alert", "smtp_alert" },
	{ "use_vmac_addr", "use_vmac\nuse_vmac_addr" },
};

static const char *sample_of(const char *kw)
{
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		if (!strcmp(samples[i].kw, kw))
			return samples[i].body;
	return NULL;
}

static void test_every_keyword(void **state)
{
	char body[256], full[9000];
	size_t n_impl = 0, n_notimpl = 0;

	(void)state;
	for (const struct conf_keyword *k = vrrp_instance_keywords; k->name;
	     k++) {
		const char *s = sample_of(k->name);

		if (k->alias_of) {
			const char *cur = sample_of(k->alias_of);

			/* the current keyword's sample, deprecated spelling */
			assert_non_null(cur);
			snprintf(body, sizeof(body), "%s%s", k->name,
				 strchr(cur, ' ') ? strchr(cur, ' ') : "");
			tv_free(tv_warn(tv_inst(body), 2, k->name, "deprecated"));
		} else if (k->type == CONF_T_NOTIMPL) {
			snprintf(body, sizeof(body), "%s x", k->name);
			refuse(body, k->name, "does not implement yet");
			n_notimpl++;
		} else {
			if (!s)
				fprintf(stderr, "no sample for %s\n", k->name);
			assert_non_null(s);
			/* a track_file block for the lines that name one */
			snprintf(full, sizeof(full), "track_file TF {\nfile "
				 "/tmp/x\n}\nvrrp_track_process TP {\nprocess "
				 "x\n}\nvrrp_script TS {\nscript /bin/true\n}\n"
				 "%s", tv_inst(s));
			tv_free(tv_ok(full));
			n_impl++;
		}
	}
	assert_int_equal(n_impl, sizeof(samples) / sizeof(samples[0]));
	assert_true(n_notimpl >= 5);
	for (const struct conf_keyword *k = vrrp_sync_group_keywords; k->name;
	     k++) {
		char buf[512];
		const char *insts = "vrrp_instance A {\ninterface eth0\n"
			"virtual_router_id 1\nno_virtual_ipaddress\n}\n"
			"vrrp_instance B {\ninterface eth0\n"
			"virtual_router_id 2\nno_virtual_ipaddress\n}\n";

		if (k->type == CONF_T_NOTIMPL) {
			snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\n"
				 "group {\nA B\n}\n%s x\n}\n", insts, k->name);
			tv_refuse(buf, 15, k->name, "does not implement yet");
		} else if (!strcmp(k->name, "global_tracking")) {
			snprintf(buf, sizeof(buf), "%svrrp_sync_group G {\n"
				 "group {\nA\nB\n}\nglobal_tracking\n}\n",
				 insts);
			tv_free(tv_warn(buf, 16, k->name, "deprecated"));
		} else {
			static const char *const gbody[][2] = {
				{ "group", "" },
				{ "track_interface", "track_interface {\n"
				  "eth1 weight 5 reverse\n}\n" },
				{ "track_file", "track_file {\nTF\n}\n" },
				{ "track_process", "track_process {\nTP\n}\n" },
				{ "track_script", "track_script {\nTS\n}\n" },
				{ "sync_group_tracking_weight",
				  "sync_group_tracking_weight\n" },
				{ "notify_master", "notify_master /bin/true\n" },
				{ "notify_backup", "notify_backup /bin/true\n" },
				{ "notify_fault", "notify_fault /bin/true\n" },
				{ "notify_stop", "notify_stop /bin/true\n" },
				{ "notify_deleted", "notify_deleted /bin/true\n" },
				{ "notify", "notify /bin/true\n" },
				{ "notify_priority_changes",
				  "notify_priority_changes\n" },
				{ "smtp_alert", "smtp_alert no\n" },
			};
			const char *b = NULL;

			for (size_t i = 0; i < sizeof(gbody) / sizeof(gbody[0]); i++)
				if (!strcmp(gbody[i][0], k->name))
					b = gbody[i][1];
			if (!b)
				fprintf(stderr, "no sample for %s\n", k->name);
			assert_non_null(b);
			snprintf(buf, sizeof(buf), "%s%svrrp_sync_group G {\n"
				 "group {\nA\nB\n}\n%s}\n",
				 "track_file TF {\nfile /tmp/x\n}\n"
				 "vrrp_track_process TP {\nprocess x\n}\n"
				 "vrrp_script TS {\nscript /bin/true\n}\n",
				 insts, b);
			tv_free(tv_ok(buf));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_minimal_defaults, reset),
		cmocka_unit_test_setup(test_state, reset),
		cmocka_unit_test_setup(test_interface, reset),
		cmocka_unit_test_setup(test_vrid_priority, reset),
		cmocka_unit_test_setup(test_advert_int, reset),
		cmocka_unit_test_setup(test_version, reset),
		cmocka_unit_test_setup(test_preempt, reset),
		cmocka_unit_test_setup(test_flags_and_bools, reset),
		cmocka_unit_test_setup(test_garp, reset),
		cmocka_unit_test_setup(test_sources_and_unicast, reset),
		cmocka_unit_test_setup(test_peer_lines, reset),
		cmocka_unit_test_setup(test_authentication, reset),
		cmocka_unit_test_setup(test_vip_family_rules, reset),
		cmocka_unit_test_setup(test_too_many_vips, reset),
		cmocka_unit_test_setup(test_no_vip, reset),
		cmocka_unit_test_setup(test_required, reset),
		cmocka_unit_test_setup(test_loc_file_shared, reset),
		cmocka_unit_test_setup(test_loc_file_numbers, reset),
		cmocka_unit_test_setup(test_duplicate_vrid, reset),
		cmocka_unit_test_setup(test_strict, reset),
		cmocka_unit_test_setup(test_accept, reset),
		cmocka_unit_test_setup(test_sync_group, reset),
		cmocka_unit_test_setup(test_options, reset),
		cmocka_unit_test_setup(test_notimpl, reset),
		cmocka_unit_test_setup(test_all_errors, reset),
		cmocka_unit_test_setup(test_stmt_wrappers, reset),
		cmocka_unit_test_setup(test_every_keyword, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
