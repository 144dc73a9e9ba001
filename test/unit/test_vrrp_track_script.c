/*
 * vrrp_script and track_script: the block's keywords and defaults, the
 * lines in instances and sync groups and how they resolve, the weight
 * arithmetic a script gets (that of an interface: up while good), and the
 * rise / fall state changes of vrrp_tscript_step().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_track.h"

/* test_vrrp_conf_util.c */
extern struct vrrp_conf_globals tv_globals;
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

/* BLOCK (its lines) before an instance with BODY. */
static const char *with(const char *block, const char *body)
{
	static char buf[9000];

	snprintf(buf, sizeof(buf), "%s\n%s", block, tv_inst(body));
	return buf;
}

static void test_block_defaults(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_conf_track_script *s;

	(void)state;
	vc = tv_ok(with("vrrp_script chk {\nscript \"/bin/sh -c 'exit 0'\"\n}",
			"track_script {\nchk\n}"));
	assert_int_equal(vc->ntrack_scripts, 1);
	s = vc->track_scripts[0];
	assert_string_equal(s->name, "chk");
	assert_string_equal(s->script, "/bin/sh -c 'exit 0'");
	assert_int_equal(s->interval_us, 1000000);
	assert_int_equal(s->timeout_us, 1000000);	/* the interval */
	assert_int_equal(s->weight, 0);
	assert_false(s->reverse);
	assert_int_equal(s->rise, 1);
	assert_int_equal(s->fall, 1);
	assert_null(s->user);
	assert_false(s->init_fail);
	assert_int_equal(vc->inst[0]->ntracks, 1);
	assert_int_equal(vc->inst[0]->tracks[0].kind, VRRP_TRACK_SCRIPT);
	assert_ptr_equal(vc->inst[0]->tracks[0].script, s);
	tv_free(vc);
}

static void test_block_keywords(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_conf_track_script *s;

	(void)state;
	/* defined after the instance that tracks it, as keepalived allows */
	vc = tv_ok("vrrp_instance VI {\ninterface eth0\nvirtual_router_id 5\n"
		   "no_virtual_ipaddress\ntrack_script {\nchk weight 7\n}\n}\n"
		   "vrrp_script chk {\nscript /bin/true\ninterval 2\n"
		   "weight -20 reverse\nrise 3\nfall 2\nuser nobody "
		   "nogroup\ninit_fail\ntimeout 0.5\n}\n");
	s = vc->track_scripts[0];
	assert_int_equal(s->interval_us, 2000000);
	assert_int_equal(s->timeout_us, 500000);
	assert_int_equal(s->weight, -20);
	assert_true(s->reverse);
	assert_int_equal(s->rise, 3);
	assert_int_equal(s->fall, 2);
	assert_string_equal(s->user, "nobody");
	assert_string_equal(s->group, "nogroup");
	assert_true(s->init_fail);
	assert_int_equal(vc->inst[0]->tracks[0].weight, 7);
	assert_true(vc->inst[0]->tracks[0].weight_set);
	tv_free(vc);
}

static void test_block_errors(void **state)
{
	(void)state;
	tv_refuse(with("vrrp_script chk {\ninterval 1\n}", "track_script {\n"
		       "chk\n}"), 1, "vrrp_script", "has no script");
	tv_refuse(with("vrrp_script chk {\nscript /bin/true\nweight 254\n}",
		       "track_script {\nchk\n}"), 3, "weight", "[-253, 253]");
	tv_refuse(with("vrrp_script chk {\nscript /bin/true\nweight 2 up\n}",
		       "track_script {\nchk\n}"), 3, "weight", "reverse");
	tv_refuse(with("vrrp_script chk {\nscript /bin/true\nrise 0\n}",
		       "track_script {\nchk\n}"), 3, "rise", "");
	tv_refuse(with("vrrp_script chk {\nscript /bin/true\n}\n"
		       "vrrp_script chk {\nscript /bin/false\n}",
		       "track_script {\nchk\n}"), 4, "vrrp_script",
		  "defined twice");
	tv_refuse(with("vrrp_script chk {\nscript /bin/true\n}",
		       "track_script {\nother\n}"), 6, "track_script",
		  "not a vrrp_script block");
	tv_refuse(with("vrrp_script chk {\nscript /bin/true\n}",
		       "track_script {\nchk weight 300\n}"), 6, "track_script",
		  "[-253, 253]");
	tv_refuse(with("vrrp_script chk {\nscript /bin/true\n}",
		       "track_script {\nchk\nchk weight 2\n}"), 7,
		  "track_script", "tracked twice");
}

static void test_sync_group(void **state)
{
	struct vrrp_conf *vc;
	char buf[2048];

	(void)state;
	snprintf(buf, sizeof(buf),
		 "vrrp_script chk {\nscript /bin/true\nweight 10\n}\n"
		 "vrrp_instance A {\ninterface eth0\nvirtual_router_id 1\n"
		 "no_virtual_ipaddress\n}\n"
		 "vrrp_instance B {\ninterface eth0\nvirtual_router_id 2\n"
		 "no_virtual_ipaddress\ntrack_script {\nchk\n}\n}\n"
		 "vrrp_sync_group G {\ngroup {\nA\nB\n}\n"
		 "track_script {\nchk weight 0\n}\n}\n");
	/* B's weighted line is ignored (no sync_group_tracking_weight) */
	vc = tv_warn(buf, 15, "track_script", "ignored");
	assert_int_equal(vc->groups[0]->ntracks, 1);
	assert_ptr_equal(vc->groups[0]->tracks[0].script, vc->track_scripts[0]);
	assert_true(vc->inst[1]->tracks[0].ignored);
	tv_free(vc);
}

/* A script tracker is an interface-like one: up while good. */
static void test_effect(void **state)
{
	struct vrrp_track_val v = { .weight = 10 };
	struct vrrp_track_effect e;

	(void)state;
	v.up = true;
	e = vrrp_track_effect(&v);
	assert_int_equal(e.delta, 10);
	v.up = false;
	e = vrrp_track_effect(&v);
	assert_int_equal(e.delta, 0);
	v.weight = -15;
	e = vrrp_track_effect(&v);
	assert_int_equal(e.delta, -15);
	v.up = true;
	e = vrrp_track_effect(&v);
	assert_int_equal(e.delta, 0);
	v.weight = 10;
	v.reverse = true;
	e = vrrp_track_effect(&v);
	assert_int_equal(e.delta, -10);
	v.weight = 0;
	v.reverse = false;
	v.up = false;
	e = vrrp_track_effect(&v);
	assert_true(e.fault);
	v.up = true;
	e = vrrp_track_effect(&v);
	assert_false(e.fault);
}

static void test_rise_fall(void **state)
{
	bool ok = true;
	unsigned streak = 0;

	(void)state;
	/* fall 3: two failures do nothing, a success resets the count */
	assert_false(vrrp_tscript_step(&ok, &streak, false, 2, 3));
	assert_false(vrrp_tscript_step(&ok, &streak, false, 2, 3));
	assert_false(vrrp_tscript_step(&ok, &streak, true, 2, 3));
	assert_int_equal(streak, 0);
	assert_false(vrrp_tscript_step(&ok, &streak, false, 2, 3));
	assert_false(vrrp_tscript_step(&ok, &streak, false, 2, 3));
	assert_true(ok);
	assert_true(vrrp_tscript_step(&ok, &streak, false, 2, 3));
	assert_false(ok);
	/* failing goes on failing */
	assert_false(vrrp_tscript_step(&ok, &streak, false, 2, 3));
	/* rise 2 */
	assert_false(vrrp_tscript_step(&ok, &streak, true, 2, 3));
	assert_false(vrrp_tscript_step(&ok, &streak, false, 2, 3));
	assert_false(vrrp_tscript_step(&ok, &streak, true, 2, 3));
	assert_true(vrrp_tscript_step(&ok, &streak, true, 2, 3));
	assert_true(ok);
	/* rise 1 / fall 1: every result counts at once */
	assert_true(vrrp_tscript_step(&ok, &streak, false, 1, 1));
	assert_true(vrrp_tscript_step(&ok, &streak, true, 1, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_block_defaults, reset),
		cmocka_unit_test_setup(test_block_keywords, reset),
		cmocka_unit_test_setup(test_block_errors, reset),
		cmocka_unit_test_setup(test_sync_group, reset),
		cmocka_unit_test(test_effect),
		cmocka_unit_test(test_rise_fall),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
