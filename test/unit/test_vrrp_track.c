/*
 * The tracker arithmetic of keepalived.conf(5) (vrrp_track_calc) and the
 * state machine events trackers and sync groups use: a new priority
 * (advertised at once by a Master), a Backup that follows its group to
 * Master, a Master that follows it back to Backup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_track.h"

#define SEC 1000000u
#define T0 5000000000u

static struct vrrp_track_val iface(int w, bool rev, bool up)
{
	return (struct vrrp_track_val){ .weight = w, .reverse = rev, .up = up };
}

static struct vrrp_track_val file(int w, bool rev, long long v)
{
	return (struct vrrp_track_val){ .is_file = true, .weight = w,
					.reverse = rev, .value = v };
}

static int delta(struct vrrp_track_val v)
{
	struct vrrp_track_effect e = vrrp_track_effect(&v);

	assert_false(e.fault);
	return e.delta;
}

static bool fault(struct vrrp_track_val v)
{
	struct vrrp_track_effect e = vrrp_track_effect(&v);

	if (e.fault)
		assert_int_equal(e.delta, 0);
	return e.fault;
}

static void test_interface(void **state)
{
	(void)state;
	/* weight 0: FAULT while down; reverse: while up */
	assert_true(fault(iface(0, false, false)));
	assert_false(fault(iface(0, false, true)));
	assert_true(fault(iface(0, true, true)));
	assert_false(fault(iface(0, true, false)));
	/* positive: added while up */
	assert_int_equal(delta(iface(10, false, true)), 10);
	assert_int_equal(delta(iface(10, false, false)), 0);
	/* negative: subtracted while down */
	assert_int_equal(delta(iface(-10, false, false)), -10);
	assert_int_equal(delta(iface(-10, false, true)), 0);
	/* reverse: same condition, other direction */
	assert_int_equal(delta(iface(10, true, true)), -10);
	assert_int_equal(delta(iface(10, true, false)), 0);
	assert_int_equal(delta(iface(-10, true, false)), 10);
	assert_int_equal(delta(iface(-10, true, true)), 0);
	/* ignored: nothing at all, even at weight 0 */
	{
		struct vrrp_track_val v = iface(0, false, false);

		v.ignored = true;
		assert_false(fault(v));
		v = iface(-50, false, false);
		v.ignored = true;
		assert_int_equal(delta(v), 0);
	}
}

static void test_file(void **state)
{
	(void)state;
	/* weight 0: a non-zero value is a FAULT */
	assert_false(fault(file(0, false, 0)));
	assert_true(fault(file(0, false, 3)));
	assert_true(fault(file(0, false, -1)));
	assert_true(fault(file(0, true, 0)));
	assert_false(fault(file(0, true, 5)));
	/* value times weight, reverse negates */
	assert_int_equal(delta(file(1, false, 0)), 0);
	assert_int_equal(delta(file(1, false, -30)), -30);
	assert_int_equal(delta(file(2, false, 25)), 50);
	assert_int_equal(delta(file(-5, false, 4)), -20);
	assert_int_equal(delta(file(2, true, 25)), -50);
	/* below -253: FAULT */
	assert_int_equal(delta(file(1, false, -253)), -253);
	assert_true(fault(file(1, false, -254)));
	assert_true(fault(file(254, false, -1)));
	assert_true(fault(file(100000, false, -100000)));
	/* large positive results are capped, not wrapped */
	assert_int_equal(delta(file(2147483647, false, 2147483647)), 253);
}

static void test_calc(void **state)
{
	struct vrrp_track_val v[4];
	bool f;

	(void)state;
	assert_int_equal(vrrp_track_calc(100, NULL, 0, &f), 100);
	assert_false(f);
	v[0] = iface(-30, false, false);
	v[1] = iface(5, false, true);
	v[2] = file(1, false, -10);
	assert_int_equal(vrrp_track_calc(100, v, 3, &f), 65);
	assert_false(f);
	/* kept in 1..254 */
	v[0] = iface(-253, false, false);
	assert_int_equal(vrrp_track_calc(100, v, 1, &f), 1);
	v[0] = iface(253, false, true);
	assert_int_equal(vrrp_track_calc(100, v, 1, &f), 254);
	v[1] = iface(253, false, true);
	assert_int_equal(vrrp_track_calc(100, v, 2, &f), 254);
	/* an owner stays 255 */
	v[0] = iface(-100, false, false);
	assert_int_equal(vrrp_track_calc(255, v, 1, &f), 255);
	/* one FAULT is enough; the priority is still computed */
	v[0] = iface(-10, false, false);
	v[1] = iface(0, false, false);
	assert_int_equal(vrrp_track_calc(100, v, 2, &f), 90);
	assert_true(f);
}

/* ------------------------------------------------------------------ */

static struct vrrp_ip ip4(const char *s)
{
	struct vrrp_ip a = { .family = AF_INET };

	assert_int_equal(inet_pton(AF_INET, s, &a.u.v4), 1);
	return a;
}

static void init(struct vrrp_fsm *f, uint8_t prio)
{
	struct vrrp_fsm_config c = {
		.version = 3, .priority = prio, .adver_int_us = SEC,
		.primary = ip4("10.0.0.1"),
	};
	struct vrrp_actions out;

	vrrp_fsm_init(f, &c, NULL);
	vrrp_fsm_startup(f, T0, &out);
	assert_int_equal(f->state, VRRP_STATE_BACKUP);
}

static bool has(const struct vrrp_actions *out, enum vrrp_action_kind k,
		int prio)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].kind == k && (prio < 0 || out->v[i].priority == prio))
			return true;
	return false;
}

static void test_fsm_priority(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_ip peer = ip4("10.0.0.2");

	(void)state;
	init(&f, 100);
	/* Backup: taken, nothing sent */
	vrrp_fsm_priority(&f, T0 + 1, 80, &out);
	assert_int_equal(out.n, 0);
	assert_int_equal(f.cfg.priority, 80);
	/* Master: advertised at once with the new value */
	vrrp_fsm_timer(&f, T0 + 10 * SEC, &out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	vrrp_fsm_priority(&f, T0 + 10 * SEC + 5, 60, &out);
	assert_true(has(&out, VRRP_ACT_SEND_ADVERT, 60));
	assert_true(has(&out, VRRP_ACT_TIMER, -1));
	assert_int_equal(f.master_priority, 60);
	/* the same value again: nothing */
	vrrp_fsm_priority(&f, T0 + 11 * SEC, 60, &out);
	assert_int_equal(out.n, 0);
	/* and a higher peer now wins the election it used to lose */
	vrrp_fsm_advert(&f, T0 + 11 * SEC, 70, &peer, SEC, &out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void test_fsm_sync(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;

	(void)state;
	init(&f, 100);
	/* Backup follows its group to Master at once */
	vrrp_fsm_sync_master(&f, T0 + 1, &out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_true(has(&out, VRRP_ACT_ADD_VIPS, -1));
	assert_true(has(&out, VRRP_ACT_SEND_ADVERT, 100));
	/* already Master: nothing */
	vrrp_fsm_sync_master(&f, T0 + 2, &out);
	assert_int_equal(out.n, 0);
	/* Master follows it back: priority 0, addresses removed, Backup
	 * with its Master_Down_Timer */
	vrrp_fsm_sync_backup(&f, T0 + 3, &out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	assert_true(has(&out, VRRP_ACT_SEND_ADVERT, 0));
	assert_true(has(&out, VRRP_ACT_DEL_VIPS, -1));
	assert_true(f.timer_at > T0 + 3);
	/* Backup: nothing */
	vrrp_fsm_sync_backup(&f, T0 + 4, &out);
	assert_int_equal(out.n, 0);
	/* FAULT does not follow either way */
	vrrp_fsm_if_down(&f, T0 + 5, &out);
	vrrp_fsm_sync_master(&f, T0 + 6, &out);
	assert_int_equal(out.n, 0);
	assert_int_equal(f.state, VRRP_STATE_FAULT);
}

/* vrrp_track_process matching */
static bool m(const char *const *cfg, size_t ncfg, int pm, bool pm_set,
	      bool full, const char *comm, const char *const *argv,
	      size_t argc)
{
	struct vrrp_conf_track_process c = {
		.argv = (char **)cfg, .nargv = ncfg, .param_match = pm,
		.param_match_set = pm_set, .full_command = full,
	};

	return vrrp_tproc_match(&c, comm, (char *const *)argv, argc);
}

static void test_proc_match(void **state)
{
	const char *hap[] = { "haproxy" };
	const char *longn[] = { "a-very-long-process-name" };
	const char *path[] = { "/usr/sbin/haproxy" };
	const char *withp[] = { "/usr/sbin/haproxy", "-f", "/etc/h.cfg" };
	const char *run1[] = { "/usr/sbin/haproxy", "-f", "/etc/h.cfg" };
	const char *run2[] = { "/usr/sbin/haproxy", "-f", "/etc/h.cfg", "-D" };
	const char *run3[] = { "/usr/sbin/haproxy", "-f", "/etc/h.cfgx" };
	const char *run4[] = { "/usr/sbin/haproxy" };

	(void)state;
	/* by name (comm, cut to 15 characters by the kernel) */
	assert_true(m(hap, 1, 0, false, false, "haproxy", run1, 3));
	assert_false(m(hap, 1, 0, false, false, "haproxyd", run1, 3));
	assert_false(m(hap, 1, 0, false, false, "hap", run1, 3));
	assert_true(m(longn, 1, 0, false, false, "a-very-long-pro", NULL, 0));
	/* full_command: the command line's first word */
	assert_true(m(path, 1, 0, false, true, "haproxy", run1, 3));
	assert_false(m(hap, 1, 0, false, true, "haproxy", run1, 3));
	assert_false(m(path, 1, 0, false, true, "x", NULL, 0));
	/* parameters: exact */
	assert_true(m(withp, 3, VRRP_PM_EXACT, false, false, "h", run1, 3));
	assert_false(m(withp, 3, VRRP_PM_EXACT, false, false, "h", run2, 4));
	assert_false(m(withp, 3, VRRP_PM_EXACT, false, false, "h", run3, 3));
	/* partial: the first ones */
	assert_true(m(withp, 3, VRRP_PM_PARTIAL, true, false, "h", run2, 4));
	assert_false(m(withp, 3, VRRP_PM_PARTIAL, true, false, "h", run4, 1));
	/* initial: the last may be longer */
	assert_true(m(withp, 3, VRRP_PM_INITIAL, true, false, "h", run3, 3));
	assert_true(m(withp, 3, VRRP_PM_INITIAL, true, false, "h", run1, 3));
	assert_false(m(withp, 3, VRRP_PM_INITIAL, true, false, "h", run2, 4));
	/* param_match without parameters: none may be given */
	assert_true(m(path, 1, VRRP_PM_EXACT, true, false, "h", run4, 1));
	assert_false(m(path, 1, VRRP_PM_EXACT, true, false, "h", run1, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interface),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_calc),
		cmocka_unit_test(test_fsm_priority),
		cmocka_unit_test(test_fsm_sync),
		cmocka_unit_test(test_proc_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
