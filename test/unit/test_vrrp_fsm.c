/*
 * The VRRP state machine: every scenario with exact microsecond times.
 *
 * Reference numbers (worked out here, not taken from the code):
 *   v3, priority 100, interval 1 s:  Skew = 156 * 1000000 / 256 = 609375
 *                                    Master_Down = 3000000 + 609375 = 3609375
 *   v3, priority 100, interval 0.5 s: Skew = 156 * 500000 / 256 = 304687(.5)
 *                                    Master_Down = 1500000 + 304687 = 1804687
 *   v3, priority 254, 1 s:           Skew = 2 * 1000000 / 256 = 7812(.5)
 *   v3, priority 1, 0.01 s:          Skew = 255 * 10000 / 256 = 9960(.9)
 *   v2, priority 100:                Skew = 156 / 256 s = 609375
 *   v2, priority 200, 3 s:           Skew = 56 / 256 s = 218750,
 *                                    Master_Down = 9218750
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vrrp/vrrp_fsm.h"

#define SEC 1000000u
#define T0 5000000000u		/* an arbitrary monotonic start */

static struct vrrp_ip ip4(const char *s)
{
	struct vrrp_ip a = { .family = AF_INET };

	assert_int_equal(inet_pton(AF_INET, s, &a.u.v4), 1);
	return a;
}

static struct vrrp_fsm_config cfg(uint8_t version, uint8_t prio)
{
	struct vrrp_fsm_config c = {
		.version = version, .priority = prio, .adver_int_us = SEC,
		.primary = ip4("10.0.0.1"),
	};

	return c;
}

/* Compare an action list with the expected one, written as a string of
 * kinds: A<prio> advert, + add VIPs, - del VIPs, G garp, T timer, S state,
 * L lower priority heard as Master. */
static void expect(const struct vrrp_actions *out, const char *kinds)
{
	size_t i = 0;

	for (; *kinds; kinds++, i++) {
		assert_true(i < out->n);
		switch (*kinds) {
		case 'A': assert_int_equal(out->v[i].kind, VRRP_ACT_SEND_ADVERT); break;
		case '+': assert_int_equal(out->v[i].kind, VRRP_ACT_ADD_VIPS); break;
		case '-': assert_int_equal(out->v[i].kind, VRRP_ACT_DEL_VIPS); break;
		case 'G': assert_int_equal(out->v[i].kind, VRRP_ACT_SEND_GARP); break;
		case 'T': assert_int_equal(out->v[i].kind, VRRP_ACT_TIMER); break;
		case 'S': assert_int_equal(out->v[i].kind, VRRP_ACT_STATE); break;
		case 'L': assert_int_equal(out->v[i].kind, VRRP_ACT_RX_LOWER); break;
		default: fail();
		}
	}
	assert_int_equal(out->n, i);
}

static const struct vrrp_action *find(const struct vrrp_actions *out, enum vrrp_action_kind k)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (out->v[i].kind == k)
			return &out->v[i];
	fail_msg("no action of kind %d", k);
	return NULL;
}

static void test_timer_math(void **state)
{
	(void)state;
	assert_int_equal(vrrp_skew_us(3, 100, SEC), 609375);
	assert_int_equal(vrrp_master_down_us(3, 100, SEC), 3609375);
	assert_int_equal(vrrp_skew_us(3, 100, SEC / 2), 304687);
	assert_int_equal(vrrp_master_down_us(3, 100, SEC / 2), 1804687);
	assert_int_equal(vrrp_skew_us(3, 254, SEC), 7812);
	assert_int_equal(vrrp_skew_us(3, 1, 10000), 9960);
	assert_int_equal(vrrp_skew_us(2, 100, 5 * SEC), 609375);
	assert_int_equal(vrrp_master_down_us(2, 200, 3 * SEC), 9218750);
	/* The longest v3 interval, 40.95 s: 255 * 40950000 needs more than
	 * 32 bits.  122850000 + 40790039 = 163640039. */
	assert_int_equal(vrrp_master_down_us(3, 1, 40950000), 163640039);
}

static void test_backup_to_master_after_master_down(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_stats st = { 0 };
	struct vrrp_fsm_config c = cfg(3, 100);

	(void)state;
	vrrp_fsm_init(&f, &c, &st);
	assert_int_equal(f.state, VRRP_STATE_INIT);
	vrrp_fsm_startup(&f, T0, &out);
	expect(&out, "TS");
	assert_int_equal(out.v[0].at, T0 + 3609375);
	assert_int_equal(out.v[1].from, VRRP_STATE_INIT);
	assert_int_equal(out.v[1].to, VRRP_STATE_BACKUP);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);

	/* One microsecond early: nothing happens but the same timer. */
	vrrp_fsm_master_down(&f, T0 + 3609374, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, T0 + 3609375);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);

	vrrp_fsm_master_down(&f, T0 + 3609375, &out);
	expect(&out, "A+GTS");
	assert_int_equal(out.v[0].priority, 100);
	assert_int_equal(out.v[3].at, T0 + 3609375 + SEC);
	assert_int_equal(out.v[4].to, VRRP_STATE_MASTER);
	assert_int_equal(st.master_transitions, 1);
	assert_int_equal(st.new_master_reason, VRRP_NM_NO_RESPONSE);

	/* As Master: an advert each interval. */
	vrrp_fsm_adver_timer(&f, T0 + 4609375, &out);
	expect(&out, "AT");
	assert_int_equal(out.v[0].priority, 100);
	assert_int_equal(out.v[1].at, T0 + 5609375);
	/* The wrong timer for the state does nothing. */
	vrrp_fsm_master_down(&f, T0 + 5609375, &out);
	expect(&out, "");
}

static void test_backup_follows_master(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 100);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	vrrp_fsm_init(&f, &c, NULL);
	vrrp_fsm_startup(&f, T0, &out);
	/* A higher priority master: the timer restarts from each advert. */
	vrrp_fsm_advert(&f, T0 + SEC, 150, &m, SEC, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, T0 + SEC + 3609375);
	assert_int_equal(f.master_priority, 150);
	assert_int_equal(vrrp_ip_cmp(&f.master_addr, &m), 0);
	/* An equal priority master is followed as well. */
	vrrp_fsm_advert(&f, T0 + 2 * SEC, 100, &m, SEC, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, T0 + 2 * SEC + 3609375);
}

static void test_preempt(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_stats st = { 0 };
	struct vrrp_fsm_config c = cfg(3, 100);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	vrrp_fsm_init(&f, &c, &st);
	vrrp_fsm_startup(&f, T0, &out);
	/* Lower priority master: discarded, the timer runs on. */
	vrrp_fsm_advert(&f, T0 + SEC, 50, &m, SEC, &out);
	expect(&out, "");
	vrrp_fsm_advert(&f, T0 + 2 * SEC, 50, &m, SEC, &out);
	expect(&out, "");
	assert_int_equal(f.timer_at, T0 + 3609375);
	vrrp_fsm_timer(&f, T0 + 3609375, &out);
	expect(&out, "A+GTS");
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(st.new_master_reason, VRRP_NM_PREEMPTED);
	/* Now Master: the lower one is answered at once (keepalived's
	 * default) and re-announced to, but never followed. */
	vrrp_fsm_advert(&f, T0 + 4 * SEC, 50, &m, SEC, &out);
	expect(&out, "AL");
	assert_int_equal(out.v[0].priority, 100);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void test_nopreempt(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 100);
	struct vrrp_ip m = ip4("10.0.0.2");
	int k;

	(void)state;
	c.nopreempt = true;
	vrrp_fsm_init(&f, &c, NULL);
	vrrp_fsm_startup(&f, T0, &out);
	for (k = 1; k <= 10; k++) {
		vrrp_fsm_advert(&f, T0 + k * SEC, 50, &m, SEC, &out);
		expect(&out, "T");
		assert_int_equal(out.v[0].at, T0 + k * SEC + 3609375);
		/* The timer never runs out while adverts keep coming. */
		vrrp_fsm_timer(&f, T0 + k * SEC + SEC / 2, &out);
		expect(&out, "T");
		assert_int_equal(f.state, VRRP_STATE_BACKUP);
	}
}

static void test_preempt_delay(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_stats st = { 0 };
	struct vrrp_fsm_config c = cfg(3, 100);
	struct vrrp_ip m = ip4("10.0.0.2");
	int k;

	(void)state;
	c.preempt_delay_us = 10 * SEC;
	vrrp_fsm_init(&f, &c, &st);
	vrrp_fsm_startup(&f, T0, &out);
	/* Within 10 s of start-up the lower master is followed... */
	for (k = 1; k <= 6; k++) {
		vrrp_fsm_advert(&f, T0 + k * SEC, 50, &m, SEC, &out);
		expect(&out, "T");
		assert_int_equal(out.v[0].at, T0 + k * SEC + 3609375);
	}
	/* ...and once the delay ends before Master_Down, the timer is set
	 * to the end of the delay. */
	vrrp_fsm_advert(&f, T0 + 7 * SEC, 50, &m, SEC, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, T0 + 10 * SEC);
	vrrp_fsm_advert(&f, T0 + 9 * SEC, 50, &m, SEC, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, T0 + 10 * SEC);
	vrrp_fsm_timer(&f, T0 + 10 * SEC - 1, &out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	vrrp_fsm_timer(&f, T0 + 10 * SEC, &out);
	expect(&out, "A+GTS");
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(st.new_master_reason, VRRP_NM_PREEMPTED);
}

static void test_preempt_delay_from_first_lower_advert(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 100);
	struct vrrp_ip hi = ip4("10.0.0.3"), lo = ip4("10.0.0.2");

	(void)state;
	c.preempt_delay_us = 5 * SEC;
	vrrp_fsm_init(&f, &c, NULL);
	vrrp_fsm_startup(&f, T0, &out);
	/* A higher master for a while clears the start-up delay... */
	vrrp_fsm_advert(&f, T0 + 20 * SEC, 200, &hi, SEC, &out);
	assert_int_equal(f.preempt_at, 0);
	/* ...so a lower master that follows starts a fresh one. */
	vrrp_fsm_advert(&f, T0 + 22 * SEC, 50, &lo, SEC, &out);
	expect(&out, "T");
	assert_int_equal(f.preempt_at, T0 + 27 * SEC);
	assert_int_equal(out.v[0].at, T0 + 22 * SEC + 3609375);
	/* After the delay its adverts are discarded. */
	vrrp_fsm_advert(&f, T0 + 27 * SEC, 50, &lo, SEC, &out);
	expect(&out, "");
}

static void test_owner_priority_255(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_stats st = { 0 };
	struct vrrp_fsm_config c = cfg(3, 255);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	vrrp_fsm_init(&f, &c, &st);
	vrrp_fsm_startup(&f, T0, &out);
	expect(&out, "A+GTS");
	assert_int_equal(out.v[0].priority, 255);
	assert_int_equal(out.v[3].at, T0 + SEC);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(st.new_master_reason, VRRP_NM_PRIORITY);
	assert_int_equal(st.master_transitions, 1);
	/* Nothing below 255 displaces it. */
	vrrp_fsm_advert(&f, T0 + SEC / 2, 254, &m, SEC, &out);
	expect(&out, "AL");
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static void test_priority_zero_in_backup(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 100);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	vrrp_fsm_init(&f, &c, NULL);
	vrrp_fsm_startup(&f, T0, &out);
	vrrp_fsm_advert(&f, T0 + SEC, 200, &m, SEC, &out);
	vrrp_fsm_advert(&f, T0 + 2 * SEC, 0, &m, SEC, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, T0 + 2 * SEC + 609375);
	vrrp_fsm_timer(&f, T0 + 2 * SEC + 609375, &out);
	expect(&out, "A+GTS");
}

static void test_priority_zero_in_master(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 255);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	vrrp_fsm_init(&f, &c, NULL);
	vrrp_fsm_startup(&f, T0, &out);
	vrrp_fsm_advert(&f, T0 + 300000, 0, &m, SEC, &out);
	expect(&out, "AT");
	assert_int_equal(out.v[0].priority, 255);
	assert_int_equal(out.v[1].at, T0 + 300000 + SEC);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

static struct vrrp_fsm master_at(uint8_t prio, const char *primary, struct vrrp_actions *out)
{
	struct vrrp_fsm f;
	struct vrrp_fsm_config c = cfg(3, prio);

	c.primary = ip4(primary);
	vrrp_fsm_init(&f, &c, NULL);
	vrrp_fsm_startup(&f, T0, out);
	vrrp_fsm_timer(&f, T0 + vrrp_master_down_us(3, prio, SEC), out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	return f;
}

static void test_master_yields_to_higher(void **state)
{
	struct vrrp_actions out;
	struct vrrp_fsm f = master_at(100, "10.0.0.1", &out);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	/* Lower priority: stays (and answers). */
	vrrp_fsm_advert(&f, T0 + 5 * SEC, 99, &m, SEC, &out);
	expect(&out, "AL");
	/* Higher priority: removes its VIPs, waits as Backup. */
	vrrp_fsm_advert(&f, T0 + 6 * SEC, 101, &m, 2 * SEC, &out);
	expect(&out, "-TS");
	assert_int_equal(out.v[2].from, VRRP_STATE_MASTER);
	assert_int_equal(out.v[2].to, VRRP_STATE_BACKUP);
	/* v3: the master's 2 s interval is used: 6 s + 156 * 2 s / 256. */
	assert_int_equal(out.v[1].at, T0 + 6 * SEC + 6 * SEC + 1218750);
	assert_int_equal(f.master_adver_int_us, 2 * SEC);
}

/* lower_prio_no_advert: the RFC's silent master; the re-announcement
 * (garp_lower_prio_*) is the caller's and is still asked for. */
static void test_lower_prio_no_advert(void **state)
{
	struct vrrp_actions out;
	struct vrrp_fsm f = master_at(100, "10.0.0.1", &out);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	f.cfg.lower_prio_no_advert = true;
	vrrp_fsm_advert(&f, T0 + 5 * SEC, 99, &m, SEC, &out);
	expect(&out, "L");
	/* A priority-0 advert is no "lower priority": answered, no L. */
	vrrp_fsm_advert(&f, T0 + 5 * SEC, 0, &m, SEC, &out);
	expect(&out, "AT");
	assert_int_equal(f.state, VRRP_STATE_MASTER);
}

/* higher_prio_send_advert: one advert of ours before stepping down. */
static void test_higher_prio_send_advert(void **state)
{
	struct vrrp_actions out;
	struct vrrp_fsm f = master_at(100, "10.0.0.1", &out);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	f.cfg.higher_prio_send_advert = true;
	vrrp_fsm_advert(&f, T0 + 5 * SEC, 101, &m, SEC, &out);
	expect(&out, "A-TS");
	assert_int_equal(out.v[0].priority, 100);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

/* down_timer_adverts N: Master_Down = N * interval + Skew. */
static void test_down_timer_adverts(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 100);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	c.down_timer_adverts = 1;
	vrrp_fsm_init(&f, &c, NULL);
	assert_int_equal(vrrp_fsm_master_down_us(&f), SEC + 609375);
	vrrp_fsm_startup(&f, T0, &out);
	expect(&out, "TS");
	assert_int_equal(out.v[0].at, T0 + SEC + 609375);
	vrrp_fsm_advert(&f, T0 + SEC, 150, &m, SEC / 2, &out);
	expect(&out, "T");
	/* the learnt 0.5 s: 500000 + 156 * 500000 / 256 */
	assert_int_equal(out.v[0].at, T0 + SEC + 500000 + 304687);
	c.down_timer_adverts = 0;	/* the RFC's 3 */
	vrrp_fsm_init(&f, &c, NULL);
	assert_int_equal(vrrp_fsm_master_down_us(&f), 3609375);
	c.down_timer_adverts = 100;
	vrrp_fsm_init(&f, &c, NULL);
	assert_int_equal(vrrp_fsm_master_down_us(&f), 100 * SEC + 609375);
}

static void test_equal_priority_tie(void **state)
{
	struct vrrp_actions out;
	struct vrrp_fsm f = master_at(100, "10.0.0.5", &out);
	struct vrrp_ip lower = ip4("10.0.0.4"), higher = ip4("10.0.0.6");
	struct vrrp_ip far = ip4("9.255.255.255");

	(void)state;
	/* Equal priority, lower address (also in the first octet): stays. */
	vrrp_fsm_advert(&f, T0 + 5 * SEC, 100, &lower, SEC, &out);
	expect(&out, "");
	vrrp_fsm_advert(&f, T0 + 5 * SEC, 100, &far, SEC, &out);
	expect(&out, "");
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	/* Equal priority, higher address: yields. */
	vrrp_fsm_advert(&f, T0 + 6 * SEC, 100, &higher, SEC, &out);
	expect(&out, "-TS");
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

static void test_v3_learns_interval(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 100);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	vrrp_fsm_init(&f, &c, NULL);
	vrrp_fsm_startup(&f, T0, &out);
	assert_int_equal(out.v[0].at, T0 + 3609375);
	vrrp_fsm_advert(&f, T0 + SEC, 200, &m, SEC / 2, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, T0 + SEC + 1804687);
	assert_int_equal(f.master_adver_int_us, SEC / 2);
	/* Skew after a priority-0 advert uses the learned interval too. */
	vrrp_fsm_advert(&f, T0 + 2 * SEC, 0, &m, SEC / 2, &out);
	assert_int_equal(out.v[0].at, T0 + 2 * SEC + 304687);
	/* Our own adverts, once Master, keep our configured interval. */
	vrrp_fsm_timer(&f, T0 + 2 * SEC + 304687, &out);
	expect(&out, "A+GTS");
	assert_int_equal(out.v[3].at, T0 + 2 * SEC + 304687 + SEC);
}

static void test_v2_does_not_learn(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(2, 200);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	c.adver_int_us = 3 * SEC;
	vrrp_fsm_init(&f, &c, NULL);
	vrrp_fsm_startup(&f, T0, &out);
	assert_int_equal(out.v[0].at, T0 + 9218750);
	vrrp_fsm_advert(&f, T0 + SEC, 250, &m, SEC, &out);
	assert_int_equal(out.v[0].at, T0 + SEC + 9218750);
	assert_int_equal(f.master_adver_int_us, 3 * SEC);
}

static void test_fault_and_recovery(void **state)
{
	struct vrrp_actions out;
	struct vrrp_stats st = { 0 };
	struct vrrp_fsm f = master_at(100, "10.0.0.1", &out);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	f.stats = &st;
	vrrp_fsm_if_down(&f, T0 + 10 * SEC, &out);
	expect(&out, "A-TS");
	assert_int_equal(out.v[0].priority, 0);
	assert_int_equal(out.v[2].at, 0);
	assert_int_equal(out.v[3].to, VRRP_STATE_FAULT);
	assert_int_equal(st.sent_pri_zero, 1);
	/* In Fault nothing moves it, not even a second down. */
	vrrp_fsm_advert(&f, T0 + 11 * SEC, 0, &m, SEC, &out);
	expect(&out, "");
	vrrp_fsm_timer(&f, T0 + 12 * SEC, &out);
	expect(&out, "");
	vrrp_fsm_if_down(&f, T0 + 12 * SEC, &out);
	expect(&out, "");
	vrrp_fsm_startup(&f, T0 + 12 * SEC, &out);
	expect(&out, "");
	/* Back up: a Backup again, with a full Master_Down_Interval. */
	vrrp_fsm_if_up(&f, T0 + 20 * SEC, &out);
	expect(&out, "TS");
	assert_int_equal(out.v[0].at, T0 + 20 * SEC + 3609375);
	assert_int_equal(out.v[1].from, VRRP_STATE_FAULT);
	assert_int_equal(out.v[1].to, VRRP_STATE_BACKUP);
	/* An up while not in Fault changes nothing. */
	vrrp_fsm_if_up(&f, T0 + 21 * SEC, &out);
	expect(&out, "");
}

static void test_fault_backup_and_before_start(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, 255);

	(void)state;
	vrrp_fsm_init(&f, &c, NULL);
	/* The link is down before start-up: start in Fault. */
	vrrp_fsm_if_down(&f, T0, &out);
	expect(&out, "S");
	assert_int_equal(f.state, VRRP_STATE_FAULT);
	vrrp_fsm_if_up(&f, T0 + SEC, &out);
	/* The owner goes straight to Master when the link returns. */
	expect(&out, "A+GTS");
	c.priority = 100;
	vrrp_fsm_init(&f, &c, NULL);
	vrrp_fsm_startup(&f, T0, &out);
	vrrp_fsm_if_down(&f, T0 + SEC, &out);
	expect(&out, "TS");
	assert_int_equal(out.v[0].at, 0);
	assert_int_equal(f.timer_at, 0);
}

static void test_shutdown(void **state)
{
	struct vrrp_actions out;
	struct vrrp_stats st = { 0 };
	struct vrrp_fsm f = master_at(100, "10.0.0.1", &out);
	struct vrrp_fsm b;
	struct vrrp_fsm_config c = cfg(3, 100);

	(void)state;
	f.stats = &st;
	vrrp_fsm_shutdown(&f, T0 + 10 * SEC, &out);
	expect(&out, "A-TS");
	assert_int_equal(out.v[0].priority, 0);
	assert_int_equal(out.v[3].to, VRRP_STATE_INIT);
	assert_int_equal(st.sent_pri_zero, 1);
	vrrp_fsm_shutdown(&f, T0 + 11 * SEC, &out);
	expect(&out, "");
	/* A Backup only stops its timer. */
	vrrp_fsm_init(&b, &c, NULL);
	vrrp_fsm_startup(&b, T0, &out);
	vrrp_fsm_shutdown(&b, T0 + SEC, &out);
	expect(&out, "TS");
	assert_int_equal(out.v[0].at, 0);
}

static void test_want_master(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_stats st = { 0 };
	struct vrrp_fsm_config c = cfg(3, 100);

	(void)state;
	c.want_master = true;
	vrrp_fsm_init(&f, &c, &st);
	vrrp_fsm_startup(&f, T0, &out);
	expect(&out, "TS");
	assert_int_equal(out.v[0].at, T0);
	vrrp_fsm_timer(&f, T0, &out);
	expect(&out, "A+GTS");
	assert_int_equal(st.new_master_reason, VRRP_NM_PREEMPTED);
}

static void test_resume_master(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_stats st = { 0 };
	struct vrrp_fsm_config c = cfg(3, 100);
	struct vrrp_ip m = ip4("10.0.0.2");

	(void)state;
	vrrp_fsm_init(&f, &c, &st);
	vrrp_fsm_resume_master(&f, T0, &out);
	expect(&out, "+ATS");
	assert_int_equal(out.v[1].priority, 100);
	assert_int_equal(out.v[2].at, T0 + SEC);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	assert_int_equal(st.master_transitions, 0);
	/* From then on an ordinary Master. */
	vrrp_fsm_advert(&f, T0 + SEC / 2, 200, &m, SEC, &out);
	expect(&out, "-TS");
}

static void test_set_priority(void **state)
{
	struct vrrp_actions out;
	struct vrrp_fsm f = master_at(100, "10.0.0.1", &out);

	(void)state;
	vrrp_fsm_set_priority(&f, 80);
	vrrp_fsm_timer(&f, f.timer_at, &out);
	expect(&out, "AT");
	assert_int_equal(out.v[0].priority, 80);
	assert_string_equal(vrrp_state_str(VRRP_STATE_FAULT), "FAULT");
}

/*
 * Two routers wired together by hand: A (priority 200) and B (100).
 * A stops; B hears priority 0 and is Master Skew_Time later, not
 * Master_Down_Interval later.
 */
static void test_pair_graceful_handover(void **state)
{
	struct vrrp_fsm a, b;
	struct vrrp_actions oa, ob;
	struct vrrp_fsm_config ca = cfg(3, 200), cb = cfg(3, 100);
	const struct vrrp_action *adv;
	uint64_t now = T0;

	(void)state;
	ca.primary = ip4("10.0.0.1");
	cb.primary = ip4("10.0.0.2");
	vrrp_fsm_init(&a, &ca, NULL);
	vrrp_fsm_init(&b, &cb, NULL);
	vrrp_fsm_startup(&a, now, &oa);
	vrrp_fsm_startup(&b, now, &ob);
	/* A times out first (shorter skew) and its advert reaches B. */
	assert_true(a.timer_at < b.timer_at);
	now = a.timer_at;
	vrrp_fsm_timer(&a, now, &oa);
	adv = find(&oa, VRRP_ACT_SEND_ADVERT);
	vrrp_fsm_advert(&b, now, adv->priority, &ca.primary, SEC, &ob);
	assert_int_equal(b.state, VRRP_STATE_BACKUP);
	assert_int_equal(b.timer_at, now + 3609375);
	/* A stops gracefully. */
	now += SEC / 4;
	vrrp_fsm_shutdown(&a, now, &oa);
	adv = find(&oa, VRRP_ACT_SEND_ADVERT);
	assert_int_equal(adv->priority, 0);
	vrrp_fsm_advert(&b, now, adv->priority, &ca.primary, SEC, &ob);
	assert_int_equal(b.timer_at, now + 609375);
	vrrp_fsm_timer(&b, b.timer_at, &ob);
	assert_int_equal(b.state, VRRP_STATE_MASTER);
}

/* Sub-second intervals: the first wait after Startup counts Skew_Time on
 * 2 s, so priorities 150 and 100 at 0.1 s are 390 ms apart instead of
 * 20 ms; once a master is heard the RFC's Master_Down_Interval applies. */
static void test_startup_skew_subsecond(void **state)
{
	struct vrrp_fsm a, b;
	struct vrrp_actions out;
	struct vrrp_fsm_config ca = cfg(3, 150), cb = cfg(3, 100);
	struct vrrp_ip m = ip4("10.0.0.9");

	(void)state;
	ca.adver_int_us = cb.adver_int_us = SEC / 10;
	vrrp_fsm_init(&a, &ca, NULL);
	vrrp_fsm_init(&b, &cb, NULL);
	vrrp_fsm_startup(&a, T0, &out);
	assert_int_equal(a.timer_at, T0 + 300000 + 828125);
	vrrp_fsm_startup(&b, T0, &out);
	assert_int_equal(b.timer_at, T0 + 300000 + 1218750);
	vrrp_fsm_advert(&b, T0 + SEC / 2, 150, &m, SEC / 10, &out);
	assert_int_equal(b.timer_at, T0 + SEC / 2 + vrrp_master_down_us(3, 100, SEC / 10));
	assert_int_equal(vrrp_master_down_us(3, 100, SEC / 10), 360937);
	/* Leaving Fault is a start-up too. */
	vrrp_fsm_if_down(&b, T0 + SEC, &out);
	vrrp_fsm_if_up(&b, T0 + 2 * SEC, &out);
	assert_int_equal(b.timer_at, T0 + 2 * SEC + 1518750);
}

/* The operator's demote: a Master hands over with priority 0 and stays
 * a Backup whatever its timers, sync groups or owner status say, until
 * promote arms Master_Down_Timer again. */
static void test_demote_promote(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_stats st = { 0 };
	struct vrrp_fsm_config c = cfg(3, 150);
	struct vrrp_ip m = ip4("10.0.0.2");
	uint64_t md = vrrp_master_down_us(3, 150, SEC);

	(void)state;
	vrrp_fsm_init(&f, &c, &st);
	vrrp_fsm_startup(&f, T0, &out);
	vrrp_fsm_master_down(&f, f.timer_at, &out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	vrrp_fsm_demote(&f, T0 + 10 * SEC, &out);
	expect(&out, "A-TS");
	assert_int_equal(out.v[0].priority, VRRP_PRIO_STOP);
	assert_int_equal(out.v[3].to, VRRP_STATE_BACKUP);
	assert_int_equal(st.sent_pri_zero, 1);
	assert_true(f.demoted);
	/* Its Master_Down_Timer runs out: it stays a Backup, timer off. */
	vrrp_fsm_master_down(&f, f.timer_at, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, 0);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	/* A lower master is not preempted, a leaving one not replaced. */
	vrrp_fsm_advert(&f, T0 + 20 * SEC, 100, &m, SEC, &out);
	vrrp_fsm_advert(&f, T0 + 21 * SEC, VRRP_PRIO_STOP, &m, SEC, &out);
	vrrp_fsm_timer(&f, T0 + 30 * SEC, &out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	/* Nor does its sync group take it along. */
	vrrp_fsm_sync_master(&f, T0 + 31 * SEC, &out);
	expect(&out, "");
	/* Demote again, or as a Backup: nothing to do. */
	vrrp_fsm_demote(&f, T0 + 32 * SEC, &out);
	expect(&out, "");
	/* Promote: Master_Down_Timer afresh, then Master. */
	vrrp_fsm_promote(&f, T0 + 40 * SEC, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, T0 + 40 * SEC + md);
	assert_false(f.demoted);
	vrrp_fsm_master_down(&f, T0 + 40 * SEC + md, &out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	/* A second promote does nothing. */
	vrrp_fsm_promote(&f, T0 + 50 * SEC, &out);
	expect(&out, "");
}

static void test_demoted_start(void **state)
{
	struct vrrp_fsm f;
	struct vrrp_actions out;
	struct vrrp_fsm_config c = cfg(3, VRRP_PRIO_OWNER);

	(void)state;
	/* An address owner held demoted starts as a Backup... */
	vrrp_fsm_init(&f, &c, NULL);
	f.demoted = true;
	vrrp_fsm_startup(&f, T0, &out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	vrrp_fsm_timer(&f, f.timer_at, &out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	/* ... and takes over at once when promoted. */
	vrrp_fsm_promote(&f, T0 + 10 * SEC, &out);
	expect(&out, "T");
	assert_int_equal(out.v[0].at, T0 + 10 * SEC);
	vrrp_fsm_timer(&f, T0 + 10 * SEC, &out);
	assert_int_equal(f.state, VRRP_STATE_MASTER);
	/* A restarted process does not resume mastership while demoted. */
	c = cfg(3, 100);
	vrrp_fsm_init(&f, &c, NULL);
	f.demoted = true;
	vrrp_fsm_resume_master(&f, T0, &out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
	/* `state MASTER` neither. */
	c.want_master = true;
	vrrp_fsm_init(&f, &c, NULL);
	f.demoted = true;
	vrrp_fsm_startup(&f, T0, &out);
	vrrp_fsm_timer(&f, T0, &out);
	assert_int_equal(f.state, VRRP_STATE_BACKUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demote_promote),
		cmocka_unit_test(test_demoted_start),
		cmocka_unit_test(test_timer_math),
		cmocka_unit_test(test_backup_to_master_after_master_down),
		cmocka_unit_test(test_backup_follows_master),
		cmocka_unit_test(test_preempt),
		cmocka_unit_test(test_nopreempt),
		cmocka_unit_test(test_preempt_delay),
		cmocka_unit_test(test_preempt_delay_from_first_lower_advert),
		cmocka_unit_test(test_owner_priority_255),
		cmocka_unit_test(test_priority_zero_in_backup),
		cmocka_unit_test(test_priority_zero_in_master),
		cmocka_unit_test(test_master_yields_to_higher),
		cmocka_unit_test(test_equal_priority_tie),
		cmocka_unit_test(test_v3_learns_interval),
		cmocka_unit_test(test_v2_does_not_learn),
		cmocka_unit_test(test_fault_and_recovery),
		cmocka_unit_test(test_fault_backup_and_before_start),
		cmocka_unit_test(test_shutdown),
		cmocka_unit_test(test_want_master),
		cmocka_unit_test(test_resume_master),
		cmocka_unit_test(test_set_priority),
		cmocka_unit_test(test_lower_prio_no_advert),
		cmocka_unit_test(test_higher_prio_send_advert),
		cmocka_unit_test(test_down_timer_adverts),
		cmocka_unit_test(test_pair_graceful_handover),
		cmocka_unit_test(test_startup_skew_subsecond),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
