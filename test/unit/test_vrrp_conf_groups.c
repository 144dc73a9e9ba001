/*
 * The top-level garp_group and track_group blocks, the track_group of a
 * static address, use_vmac's name and MAC, use_vmac_addr, and
 * notify_priority_changes as written
 * (its _set flag, which decides whether an instance takes its sync
 * group's): what is stored, and each refusal at its line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

/* test_vrrp_conf_util.c */
extern struct vrrp_conf_globals tv_globals;
const char *tv_inst(const char *body);
struct vrrp_conf *tv_ok(const char *text);
void tv_free(struct vrrp_conf *vc);
void tv_refuse(const char *text, int line, const char *kw, const char *needle);
struct vrrp_conf *tv_warn(const char *text, int line, const char *kw,
			  const char *needle);

static int reset(void **state)
{
	(void)state;
	tv_globals = (struct vrrp_conf_globals){ .vrrp_version = 2 };
	return 0;
}

static void test_garp_group(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_conf_garp_group *g;

	(void)state;
	vc = tv_ok("garp_group {\ngarp_interval 0.25\ninterface eth0\n}\n"
		   "garp_group {\ngna_interval 2\ninterfaces {\neth1 eth2\n"
		   "eth3\n}\n}\n");
	assert_int_equal(vc->ngarp_groups, 2);
	g = vc->garp_groups[0];
	assert_true(g->garp_set);
	assert_false(g->gna_set);
	assert_int_equal(g->garp_us, 250000);
	assert_int_equal(g->nifs, 1);
	assert_string_equal(g->ifs[0], "eth0");
	g = vc->garp_groups[1];
	assert_false(g->garp_set);
	assert_int_equal(g->gna_us, 2000000);
	assert_int_equal(g->nifs, 3);
	assert_string_equal(g->ifs[2], "eth3");
	tv_free(vc);

	tv_refuse("garp_group {\ngarp_interval 1\n}\n", 1, "garp_group",
		  "no interface");
	tv_refuse("garp_group {\ninterface eth0\ninterfaces {\neth1\n}\n}\n",
		  4, "interfaces", "not both");
	tv_refuse("garp_group {\ninterfaces {\neth1 eth1\n}\n}\n", 3,
		  "interfaces", "listed twice");
	tv_refuse("garp_group {\ninterface eth0\n}\ngarp_group {\n"
		  "interface eth0\n}\n", 4, "garp_group", "already in");
	tv_refuse("garp_group {\ngarp_interval soon\ninterface eth0\n}\n", 2,
		  "garp_interval", "");
	tv_refuse("garp_group NAME {\ninterface eth0\n}\n", 1, "garp_group",
		  "expected garp_group {");
}

static void test_track_group(void **state)
{
	struct vrrp_conf *vc;
	char buf[4096];

	(void)state;
	snprintf(buf, sizeof(buf), "static_ipaddress {\n10.9.0.1/24 dev lo "
		 "track_group TG\n10.9.0.2/24 dev lo\n}\n"
		 "track_group TG {\ngroup {\nVI\n}\n}\n%s", tv_inst(""));
	vc = tv_ok(buf);
	assert_int_equal(vc->ntrack_groups, 1);
	assert_string_equal(vc->track_groups[0]->name, "TG");
	assert_ptr_equal(vc->svips[0].tg, vc->track_groups[0]);
	assert_null(vc->svips[1].tg);
	assert_true(vrrp_conf_track_group_has(vc->track_groups[0], "VI"));
	assert_false(vrrp_conf_track_group_has(vc->track_groups[0], "X"));
	tv_free(vc);

	snprintf(buf, sizeof(buf), "static_ipaddress {\n10.9.0.1/24 dev lo "
		 "track_group NOPE\n}\n%s", tv_inst(""));
	tv_refuse(buf, 2, "static_ipaddress", "'NOPE' is not a track_group");
	snprintf(buf, sizeof(buf), "track_group TG {\ngroup {\nVI_9\n}\n}\n%s",
		 tv_inst(""));
	tv_refuse(buf, 3, "group", "'VI_9', which is not a vrrp_instance");
	tv_refuse("track_group TG {\n}\n", 1, "track_group", "no instance");
	tv_refuse("track_group TG {\ngroup {\nA\n}\n}\ntrack_group TG {\n"
		  "group {\nA\n}\n}\n", 6, "track_group", "defined twice");
	tv_refuse("track_group {\ngroup {\nA\n}\n}\n", 1, "track_group",
		  "one group name");
}

static void test_use_vmac_addr(void **state)
{
	struct vrrp_conf *vc;

	(void)state;
	vc = tv_ok(tv_inst("use_vmac\nuse_vmac_addr"));
	assert_true(vc->inst[0]->use_vmac_addr);
	tv_free(vc);
	vc = tv_warn(tv_inst("use_vmac_addr"), 0, "vrrp_instance",
		     "use_vmac_addr without use_vmac");
	tv_free(vc);
	/* use_vmac on one address line */
	vc = tv_ok(tv_inst("use_vmac\nvirtual_ipaddress {\n192.0.2.1/24\n"
			   "10.1.0.1/24 dev eth1 use_vmac\n}"));
	assert_false(vc->inst[0]->use_vmac_addr);
	assert_false(vc->inst[0]->vips[0].use_vmac);
	assert_true(vc->inst[0]->vips[1].use_vmac);
	tv_free(vc);
	vc = tv_warn(tv_inst("virtual_ipaddress {\n10.1.0.1/24 dev eth1 "
			     "use_vmac\n}"), 0, "vrrp_instance",
		     "without the instance's use_vmac");
	tv_free(vc);
	tv_refuse("static_ipaddress {\n10.9.0.1/24 dev lo use_vmac\n}\n", 2,
		  "static_ipaddress", "applies to VRRP addresses");
}

static void test_use_vmac_mac(void **state)
{
	struct vrrp_conf *vc;
	uint8_t mac[6];

	(void)state;
	/* no MAC: the RFCs' of the family */
	vc = tv_ok(tv_inst("use_vmac"));
	assert_int_equal(vc->inst[0]->vmac_mac_len, 0);
	vrrp_conf_vmac_mac(vc->inst[0], true, mac);
	assert_memory_equal(mac, ((uint8_t[]){ 0, 0, 0x5e, 0, 2, 51 }), 6);
	tv_free(vc);
	/* the MAC first, then the name; either case of hex digits */
	vc = tv_ok(tv_inst("use_vmac 02:0A:b:c0:d0:e0 vm1"));
	assert_string_equal(vc->inst[0]->vmac_name, "vm1");
	vrrp_conf_vmac_mac(vc->inst[0], false, mac);
	assert_memory_equal(mac, ((uint8_t[]){ 2, 0x0a, 0x0b, 0xc0, 0xd0,
					      0xe0 }), 6);
	tv_free(vc);
	/* five octets (with or without the last ':'): the VRID is the sixth */
	vc = tv_ok(tv_inst("use_vmac name vm2 02:00:00:00:01:"));
	assert_string_equal(vc->inst[0]->vmac_name, "vm2");
	assert_int_equal(vc->inst[0]->vmac_mac_len, 5);
	vrrp_conf_vmac_mac(vc->inst[0], false, mac);
	assert_memory_equal(mac, ((uint8_t[]){ 2, 0, 0, 0, 1, 51 }), 6);
	tv_free(vc);
	vc = tv_ok(tv_inst("use_vmac 02:00:00:00:01"));
	assert_null(vc->inst[0]->vmac_name);
	assert_int_equal(vc->inst[0]->vmac_mac_len, 5);
	tv_free(vc);

	tv_refuse(tv_inst("use_vmac 02:00:00:00:01:zz"), 2, "use_vmac",
		  "expected a MAC address");
	tv_refuse(tv_inst("use_vmac 02:00:00:00:01:002"), 2, "use_vmac",
		  "expected a MAC address");
	tv_refuse(tv_inst("use_vmac 02:00:00:00:01:02:03"), 2, "use_vmac",
		  "expected a MAC address");
	tv_refuse(tv_inst("use_vmac 02:00:00:00"), 2, "use_vmac",
		  "expected a MAC address");
	tv_refuse(tv_inst("use_vmac 01:00:5e:00:00:01"), 2, "use_vmac",
		  "is multicast");
	tv_refuse(tv_inst("use_vmac 00:00:5e:00:01:33"), 2, "use_vmac",
		  "RFC 5798");
	tv_refuse(tv_inst("use_vmac 00:00:5E:00:02"), 2, "use_vmac",
		  "RFC 5798");
	tv_refuse(tv_inst("use_vmac 02:00:00:00:00:01 02:00:00:00:00:02"), 2,
		  "use_vmac", "MAC address given twice");
	tv_refuse(tv_inst("use_vmac a b"), 2, "use_vmac",
		  "interface name given twice");
	tv_refuse(tv_inst("use_vmac name"), 2, "use_vmac", "needs an interface");
	tv_refuse(tv_inst("use_vmac netlink_notify_msg"), 2, "use_vmac",
		  "does not implement");
}

static void test_prio_changes_set(void **state)
{
	struct vrrp_conf *vc;
	char buf[4096];

	(void)state;
	snprintf(buf, sizeof(buf), "vrrp_sync_group G {\ngroup {\nVI B\n}\n"
		 "notify_priority_changes\n}\n%svrrp_instance B {\n"
		 "interface eth0\nvirtual_router_id 52\n"
		 "no_virtual_ipaddress\n}\n",
		 tv_inst("notify_priority_changes off"));
	vc = tv_ok(buf);
	assert_true(vc->groups[0]->notify_priority_changes_set);
	assert_true(vc->groups[0]->notify_priority_changes);
	assert_true(vc->inst[0]->notify_priority_changes_set);
	assert_false(vc->inst[0]->notify_priority_changes);
	tv_free(vc);
	vc = tv_ok(tv_inst(""));
	assert_false(vc->inst[0]->notify_priority_changes_set);
	tv_free(vc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_garp_group, reset),
		cmocka_unit_test_setup(test_track_group, reset),
		cmocka_unit_test_setup(test_use_vmac_addr, reset),
		cmocka_unit_test_setup(test_use_vmac_mac, reset),
		cmocka_unit_test_setup(test_prio_changes_set, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
