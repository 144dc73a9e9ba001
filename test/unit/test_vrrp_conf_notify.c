/*
 * The notify keywords of vrrp_instance and vrrp_sync_group: each script
 * is stored as its command line (quoted, or the words joined), a repeat
 * replaces the earlier one, notify_priority_changes is a boolean, and
 * notify_master_rx_lower_pri belongs to instances only.
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

static int reset(void **state)
{
	(void)state;
	tv_globals = (struct vrrp_conf_globals){ .vrrp_version = 2 };
	return 0;
}

static void test_instance(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_conf_notify *n;

	(void)state;
	vc = tv_ok(tv_inst("notify_master \"/etc/n.sh master\"\n"
			   "notify_backup /etc/n.sh backup\n"
			   "notify_fault /etc/f.sh\nnotify_stop /etc/s.sh\n"
			   "notify_deleted /etc/d.sh\nnotify /etc/any.sh\n"
			   "notify_master_rx_lower_pri /etc/rx.sh\n"
			   "notify_priority_changes"));
	n = &vc->inst[0]->notify;
	assert_string_equal(n->master, "/etc/n.sh master");
	assert_string_equal(n->backup, "/etc/n.sh backup");
	assert_string_equal(n->fault, "/etc/f.sh");
	assert_string_equal(n->stop, "/etc/s.sh");
	assert_string_equal(n->deleted, "/etc/d.sh");
	assert_string_equal(n->any, "/etc/any.sh");
	assert_string_equal(n->master_rx_lower_pri, "/etc/rx.sh");
	assert_true(vc->inst[0]->notify_priority_changes);
	tv_free(vc);

	vc = tv_ok(tv_inst("notify_master /a\nnotify_priority_changes off"));
	n = &vc->inst[0]->notify;
	assert_string_equal(n->master, "/a");
	assert_false(vc->inst[0]->notify_priority_changes);
	assert_null(n->backup);
	tv_free(vc);

	tv_refuse(tv_inst("notify_master"), 2, "notify_master", "");
	tv_refuse(tv_inst("notify_priority_changes maybe"), 2,
		  "notify_priority_changes", "");
}

static void test_sync_group(void **state)
{
	struct vrrp_conf *vc;
	char buf[4096];
	const struct vrrp_conf_notify *n;

	(void)state;
	snprintf(buf, sizeof(buf), "%svrrp_instance B {\ninterface eth0\n"
		 "virtual_router_id 52\nno_virtual_ipaddress\n}\n"
		 "vrrp_sync_group G {\ngroup {\nVI B\n}\n"
		 "notify_master /m\nnotify_backup /b\nnotify_fault /f\n"
		 "notify_stop /s\nnotify_deleted /d\nnotify \"/n x\"\n"
		 "notify_priority_changes yes\n}\n", tv_inst(""));
	vc = tv_ok(buf);
	n = &vc->groups[0]->notify;
	assert_string_equal(n->master, "/m");
	assert_string_equal(n->backup, "/b");
	assert_string_equal(n->fault, "/f");
	assert_string_equal(n->stop, "/s");
	assert_string_equal(n->deleted, "/d");
	assert_string_equal(n->any, "/n x");
	assert_true(vc->groups[0]->notify_priority_changes);
	tv_free(vc);

	/* an instance's keyword only */
	snprintf(buf, sizeof(buf), "vrrp_sync_group G {\ngroup {\nVI B\n}\n"
		 "notify_master_rx_lower_pri /x\n}\n%svrrp_instance B {\n"
		 "interface eth0\nvirtual_router_id 52\n"
		 "no_virtual_ipaddress\n}\n", tv_inst(""));
	tv_refuse(buf, 5, "notify_master_rx_lower_pri", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_instance, reset),
		cmocka_unit_test_setup(test_sync_group, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
