/*
 * Trackers and sync groups in the config: track_interface and track_file
 * lines in instances and sync groups, the top-level track_file blocks,
 * sync_group_tracking_weight / global_tracking, and keepalived's rules
 * that vrrp_conf_check() applies (a weighted tracker of a sync group
 * member or of an address owner is ignored, with a warning).
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
struct vrrp_conf *tv_load(const char *text, struct conf_diag *d);
void tv_free(struct vrrp_conf *vc);
const char *tv_inst(const char *body);
struct vrrp_conf *tv_ok(const char *text);
void tv_refuse(const char *text, int line, const char *kw, const char *needle);
struct vrrp_conf *tv_warn(const char *text, int line, const char *kw,
			  const char *needle);

static int reset(void **state)
{
	(void)state;
	tv_globals = (struct vrrp_conf_globals){ .vrrp_version = 2 };
	return 0;
}

static void test_track_interface(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_conf_instance *in;

	(void)state;
	vc = tv_ok(tv_inst("track_interface {\neth1\neth2 weight -10\n"
			   "eth3 weight 20 reverse\n}"));
	in = vc->inst[0];
	assert_int_equal(in->ntracks, 3);
	assert_string_equal(in->tracks[0].name, "eth1");
	assert_int_equal(in->tracks[0].kind, VRRP_TRACK_IF);
	assert_int_equal(in->tracks[0].weight, 0);
	assert_int_equal(in->tracks[0].reverse, -1);
	assert_int_equal(in->tracks[1].weight, -10);
	assert_int_equal(in->tracks[2].weight, 20);
	assert_int_equal(in->tracks[2].reverse, 1);
	assert_false(in->tracks[2].ignored);
	assert_int_equal(in->tracks[1].loc.line, 4);
	tv_free(vc);

	/* keepalived's range for interfaces is -253..253 */
	tv_refuse(tv_inst("track_interface {\neth1 weight 254\n}"), 3,
		  "track_interface", "[-253, 253]");
	tv_refuse(tv_inst("track_interface {\neth1 weigh 5\n}"), 3,
		  "track_interface", "weight");
	tv_refuse(tv_inst("track_interface {\neth1 weight\n}"), 3,
		  "track_interface", "weight");
	tv_refuse(tv_inst("track_interface {\neth1 weight 5 noreverse\n}"), 3,
		  "track_interface", "reverse");
	tv_refuse(tv_inst("track_interface {\neth1\neth1 weight 2\n}"), 4,
		  "track_interface", "tracked twice");
	tv_refuse(tv_inst("track_interface {\nabcdefghijklmnop\n}"), 3,
		  "track_interface", "interface name");
}

static const char *with_file(const char *file_block, const char *body)
{
	static char buf[9000];

	snprintf(buf, sizeof(buf), "%s\n%s", file_block, tv_inst(body));
	return buf;
}

static void test_track_file(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_conf_instance *in;
	const struct vrrp_conf_track_file *tf;

	(void)state;
	/* the block's defaults: weight 1, no init_file */
	vc = tv_ok(with_file("track_file F {\nfile /run/f\n}",
			     "track_file {\nF\n}"));
	assert_int_equal(vc->ntrack_files, 1);
	tf = vc->track_files[0];
	assert_string_equal(tf->path, "/run/f");
	assert_int_equal(tf->weight, 1);
	assert_false(tf->reverse);
	assert_false(tf->init_file);
	in = vc->inst[0];
	assert_int_equal(in->ntracks, 1);
	assert_int_equal(in->tracks[0].kind, VRRP_TRACK_FILE);
	assert_ptr_equal(in->tracks[0].file, tf);
	assert_false(in->tracks[0].weight_set);
	tv_free(vc);

	vc = tv_ok(with_file("track_file F {\nfile \"/run/f\"\n"
			     "weight -3 reverse\ninit_file 7 overwrite\n}",
			     "track_file {\nF weight 254 noreverse\n}"));
	tf = vc->track_files[0];
	assert_int_equal(tf->weight, -3);
	assert_true(tf->reverse);
	assert_true(tf->init_file);
	assert_int_equal(tf->init_value, 7);
	assert_true(tf->init_overwrite);
	in = vc->inst[0];
	assert_true(in->tracks[0].weight_set);
	assert_int_equal(in->tracks[0].weight, 254);
	assert_int_equal(in->tracks[0].reverse, 0);
	tv_free(vc);

	vc = tv_ok(with_file("track_file F {\nfile /run/f\ninit_file\n}",
			     "track_file {\nF\n}"));
	assert_true(vc->track_files[0]->init_file);
	assert_int_equal(vc->track_files[0]->init_value, 0);
	assert_false(vc->track_files[0]->init_overwrite);
	tv_free(vc);

	/* errors, located */
	tv_refuse(with_file("track_file F {\nfile /run/f\n}",
			    "track_file {\nG\n}"), 6, "track_file",
		  "'G' is not a track_file block");
	tv_refuse(with_file("track_file F {\nweight 2\n}", "track_file {\nF\n}"),
		  1, "track_file", "has no file");
	tv_refuse(with_file("track_file F {\nfile /f\nweight 2 sideways\n}",
			    "track_file {\nF\n}"), 3, "weight", "reverse");
	tv_refuse(with_file("track_file F {\nfile /f\ninit_file x\n}",
			    "track_file {\nF\n}"), 3, "init_file", "");
	tv_refuse(with_file("track_file F {\nfile /f\n}\ntrack_file F {\n"
			    "file /g\n}", "track_file {\nF\n}"), 4,
		  "track_file", "defined twice");
	tv_refuse(with_file("track_file F {\nfile /run/f\n}",
			    "track_file {\nF weight 255\n}"), 6, "track_file",
		  "[-254, 254]");
}

static const char *group(const char *a_body, const char *g_body)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf),
		 "track_file F {\nfile /run/f\n}\n"		/* 1-3 */
		 "vrrp_instance A {\ninterface eth0\n"		/* 4-5 */
		 "virtual_router_id 1\nno_virtual_ipaddress\n"	/* 6-7 */
		 "%s\n}\n"					/* 8-9 */
		 "vrrp_instance B {\ninterface eth0\n"
		 "virtual_router_id 2\nno_virtual_ipaddress\n}\n"
		 "vrrp_sync_group G {\ngroup {\nA B\n}\n%s\n}\n",
		 a_body, g_body);
	return buf;
}

static void test_sync_group_trackers(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_conf_sync_group *g;
	struct conf_diag d;

	(void)state;
	vc = tv_ok(group("", "track_interface {\neth1 weight -20\n}\n"
			 "track_file {\nF\n}"));
	g = vc->groups[0];
	assert_int_equal(g->ntracks, 2);
	assert_int_equal(g->tracks[0].weight, -20);
	assert_ptr_equal(g->tracks[1].file, vc->track_files[0]);
	assert_false(g->tracking_weight);
	assert_false(g->smtp_alert_set);
	assert_ptr_equal(vc->inst[0]->sg, g);
	assert_ptr_equal(vc->inst[1]->sg, g);
	tv_free(vc);
	vc = tv_ok(group("", "smtp_alert"));
	assert_true(vc->groups[0]->smtp_alert);
	assert_true(vc->groups[0]->smtp_alert_set);
	tv_free(vc);

	/* keepalived's manual: a member tracks with weight 0, a weighted
	 * line of its own is ignored... */
	vc = tv_warn(group("track_interface {\neth1 weight -20\n}", ""), 9,
		     "track_interface", "sync_group_tracking_weight");
	assert_true(vc->inst[0]->tracks[0].ignored);
	tv_free(vc);
	vc = tv_warn(group("track_file {\nF\n}", ""), 9, "track_file",
		     "ignored");
	assert_true(vc->inst[0]->tracks[0].ignored);
	tv_free(vc);
	/* ...weight 0 is fine... */
	vc = tv_ok(group("track_interface {\neth1\n}\ntrack_file {\nF weight 0\n}",
			 ""));
	assert_false(vc->inst[0]->tracks[0].ignored);
	assert_false(vc->inst[0]->tracks[1].ignored);
	tv_free(vc);
	/* ...and so is a weight with sync_group_tracking_weight */
	vc = tv_ok(group("track_interface {\neth1 weight -20\n}",
			 "sync_group_tracking_weight"));
	assert_true(vc->groups[0]->tracking_weight);
	assert_false(vc->inst[0]->tracks[0].ignored);
	tv_free(vc);
	/* global_tracking: deprecated, the same meaning */
	vc = tv_load(group("track_interface {\neth1 weight -20\n}",
			   "global_tracking"), &d);
	assert_int_equal(d.errors, 0);
	conf_diag_free(&d);
	assert_true(vc->groups[0]->tracking_weight);
	assert_false(vc->inst[0]->tracks[0].ignored);
	tv_free(vc);

	tv_refuse(group("", "track_interface {\neth1 weight x\n}"), 20,
		  "track_interface", "");
	tv_refuse(group("", "track_file {\nNOPE\n}"), 20, "track_file",
		  "not a track_file block");
}

static void test_owner(void **state)
{
	struct vrrp_conf *vc;

	(void)state;
	/* priority 255 cannot move: a weighted tracker is ignored... */
	vc = tv_warn(tv_inst("priority 255\nstate MASTER\ntrack_interface {\n"
			     "eth1 weight -50\n}"), 5, "track_interface",
		     "priority 255");
	assert_true(vc->inst[0]->tracks[0].ignored);
	tv_free(vc);
	/* ...an unweighted one (FAULT) is not */
	vc = tv_ok(tv_inst("priority 255\nstate MASTER\ntrack_interface {\neth1\n}"));
	assert_false(vc->inst[0]->tracks[0].ignored);
	tv_free(vc);
}

static void test_track_process(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_conf_track_process *tp;

	(void)state;
	vc = tv_ok(with_file("vrrp_track_process P {\nprocess haproxy\n}",
			     "track_process {\nP\n}"));
	assert_int_equal(vc->ntrack_procs, 1);
	tp = vc->track_procs[0];
	assert_int_equal(tp->nargv, 1);
	assert_string_equal(tp->argv[0], "haproxy");
	assert_int_equal(tp->quorum, 1);
	assert_int_equal(tp->quorum_max, 0xffffffffu);
	assert_int_equal(tp->weight, 0);
	assert_false(tp->full_command);
	assert_ptr_equal(vc->inst[0]->tracks[0].proc, tp);
	assert_int_equal(vc->inst[0]->tracks[0].kind, VRRP_TRACK_PROCESS);
	tv_free(vc);

	vc = tv_ok(with_file("vrrp_track_process P {\n"
			     "process \"/usr/bin/a b\" -f \"x y\"\n"
			     "param_match initial\nweight 10 reverse\n"
			     "quorum 2\nquorum_max 3\ndelay 1.5\n"
			     "terminate_delay 2\nfull_command\n}",
			     "track_process {\nP weight -4 noreverse\n}"));
	tp = vc->track_procs[0];
	assert_int_equal(tp->nargv, 3);
	assert_string_equal(tp->argv[0], "/usr/bin/a b");
	assert_string_equal(tp->argv[2], "x y");
	assert_int_equal(tp->param_match, VRRP_PM_INITIAL);
	assert_true(tp->param_match_set);
	assert_int_equal(tp->weight, 10);
	assert_true(tp->reverse);
	assert_int_equal(tp->quorum, 2);
	assert_int_equal(tp->quorum_max, 3);
	assert_int_equal(tp->fork_delay_us, 1500000);
	assert_int_equal(tp->terminate_delay_us, 2000000);
	assert_true(tp->full_command);
	assert_int_equal(vc->inst[0]->tracks[0].weight, -4);
	assert_int_equal(vc->inst[0]->tracks[0].reverse, 0);
	tv_free(vc);

	/* quorum_max 0: fails while any runs */
	vc = tv_ok(with_file("vrrp_track_process P {\nprocess x\n"
			     "quorum_max 0\n}", "track_process {\nP\n}"));
	assert_int_equal(vc->track_procs[0]->quorum, 0);
	tv_free(vc);

	tv_refuse(with_file("vrrp_track_process P {\nweight 2\n}",
			    "track_process {\nP\n}"), 1, "vrrp_track_process",
		  "has no process");
	tv_refuse(with_file("vrrp_track_process P {\nprocess x\nquorum 3\n"
			    "quorum_max 2\n}", "track_process {\nP\n}"), 1,
		  "vrrp_track_process", "below quorum");
	tv_refuse(with_file("vrrp_track_process P {\nprocess x\n"
			    "param_match some\n}", "track_process {\nP\n}"),
		  3, "param_match", "");
	tv_refuse(with_file("vrrp_track_process P {\nprocess x\n"
			    "weight 255\n}", "track_process {\nP\n}"),
		  3, "weight", "");
	tv_refuse(with_file("vrrp_track_process P {\nprocess x\n}",
			    "track_process {\nQ\n}"), 6, "track_process",
		  "not a vrrp_track_process block");
	/* in a sync group member, a weighted one is ignored */
	vc = tv_warn(with_file("vrrp_track_process P {\nprocess x\n"
			       "weight 5\n}\nvrrp_sync_group G {\ngroup {\n"
			       "VI\n}\n}", "track_process {\nP\n}"), 12,
		     "track_process", "ignored");
	assert_true(vc->inst[0]->tracks[0].ignored);
	tv_free(vc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_track_interface, reset),
		cmocka_unit_test_setup(test_track_file, reset),
		cmocka_unit_test_setup(test_sync_group_trackers, reset),
		cmocka_unit_test_setup(test_owner, reset),
		cmocka_unit_test_setup(test_track_process, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
