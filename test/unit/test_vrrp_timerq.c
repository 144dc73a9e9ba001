/*
 * The shared timer of the VRRP instances on a real sd-event loop: timers
 * fire in deadline order, never before their deadline, once each; one
 * made later fires at its new deadline and not at the old one (it keeps
 * its place in the heap until then); one made earlier fires earlier; one
 * turned off never fires.  Deadlines are a few milliseconds ahead, and
 * every loop is bounded.  With the look-ahead: the source is never armed
 * after the earliest deadline (so nothing fires late), and backups whose
 * timers adverts push later wake the loop about once per look-ahead, not
 * once per timer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vrrp/vrrp_timerq.h"

#define N 64

struct fired {
	int id[4 * N];
	uint64_t at[4 * N], when[4 * N];
	int n;
};

static sd_event *ev;
static struct fired log_;
static struct vrrp_timer tm[N];

static uint64_t now(void)
{
	uint64_t t;

	sd_event_now(ev, CLOCK_MONOTONIC, &t);
	return t;
}

static void on_fire(struct vrrp_timer *t, uint64_t at, void *data)
{
	(void)t;
	if (log_.n < 4 * N) {
		log_.id[log_.n] = (int)(intptr_t)data;
		log_.at[log_.n] = at;
		log_.when[log_.n] = now();
		log_.n++;
	}
}

/* Run the loop until WANT timers have fired or 2 s have passed. */
static void run_until(int want)
{
	for (int i = 0; i < 2000 && log_.n < want; i++)
		sd_event_run(ev, 1000);
}

static struct vrrp_timerq *setup_q(void)
{
	struct vrrp_timerq *q;

	assert_int_equal(sd_event_new(&ev), 0);
	assert_int_equal(vrrp_timerq_new(ev, &q), 0);
	log_.n = 0;
	for (int i = 0; i < N; i++)
		vrrp_timer_init(&tm[i], on_fire, (void *)(intptr_t)i);
	return q;
}

static void teardown_q(struct vrrp_timerq *q)
{
	for (int i = 0; i < N; i++)
		vrrp_timer_set(q, &tm[i], 0);
	vrrp_timerq_free(q);
	ev = sd_event_unref(ev);
}

static void test_order(void **state)
{
	struct vrrp_timerq *q = setup_q();
	uint64_t t0 = now();

	(void)state;
	/* Deadlines 1..64 ms ahead, set in a scrambled order. */
	for (int i = 0; i < N; i++) {
		int k = (i * 37) % N;

		assert_int_equal(vrrp_timer_set(q, &tm[k], t0 + 1000 + 1000 * (uint64_t)k), 0);
	}
	run_until(N);
	assert_int_equal(log_.n, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(log_.id[i], i);
		assert_true(log_.when[i] >= log_.at[i]);
		assert_int_equal(log_.at[i], t0 + 1000 + 1000 * (uint64_t)i);
	}
	teardown_q(q);
}

static void test_later_earlier_off(void **state)
{
	struct vrrp_timerq *q = setup_q();
	uint64_t t0 = now();

	(void)state;
	for (int i = 0; i < N; i++)
		assert_int_equal(vrrp_timer_set(q, &tm[i], t0 + 5000 + 100 * (uint64_t)i), 0);
	/* Even ones later, several times (as adverts push a backup's
	 * timer), the last time to 30 ms + i; odd ones below 16 earlier;
	 * the rest of the odd ones off. */
	for (int i = 0; i < N; i += 2)
		for (int k = 1; k <= 3; k++)
			vrrp_timer_set(q, &tm[i], t0 + 10000 * (uint64_t)k + (uint64_t)i);
	for (int i = 1; i < 16; i += 2)
		vrrp_timer_set(q, &tm[i], t0 + 2000 + (uint64_t)i);
	for (int i = 17; i < N; i += 2)
		vrrp_timer_set(q, &tm[i], 0);
	/* Made later and then earlier again, still after its first key. */
	vrrp_timer_set(q, &tm[0], t0 + 80000);
	vrrp_timer_set(q, &tm[0], t0 + 20000);
	run_until(N / 2 + 8 + 1);
	assert_int_equal(log_.n, N / 2 + 8);
	for (int i = 0; i < log_.n; i++) {
		int id = log_.id[i];

		assert_true(log_.when[i] >= log_.at[i]);
		if (i)
			assert_true(log_.at[i] >= log_.at[i - 1]);
		if (id == 0)
			assert_int_equal(log_.at[i], t0 + 20000);
		else if (id % 2 == 0)
			assert_int_equal(log_.at[i], t0 + 30000 + (uint64_t)id);
		else
			assert_int_equal(log_.at[i], t0 + 2000 + (uint64_t)id);
	}
	/* The odd ones first, then 0, then the other even ones. */
	assert_int_equal(log_.id[0], 1);
	assert_int_equal(log_.id[8], 0);
	for (int i = 17; i < N; i += 2)
		assert_int_equal(tm[i].at, 0);
	teardown_q(q);
}

/* A timer set again from its own callback, later each time: it fires
 * once per deadline. */
static int rounds;
static struct vrrp_timerq *self_q;

static void on_self(struct vrrp_timer *t, uint64_t at, void *data)
{
	(void)data;
	if (++rounds < 5)
		vrrp_timer_set(self_q, t, at + 2000);
}

static void test_rearm_from_callback(void **state)
{
	struct vrrp_timerq *q = setup_q();

	(void)state;
	self_q = q;
	rounds = 0;
	vrrp_timer_init(&tm[0], on_self, NULL);
	vrrp_timer_set(q, &tm[0], now() + 1000);
	for (int i = 0; i < 2000 && rounds < 5; i++)
		sd_event_run(ev, 1000);
	assert_int_equal(rounds, 5);
	assert_int_equal(tm[0].at, 0);
	teardown_q(q);
}

/* The earliest deadline of the timers on, or 0. */
static uint64_t earliest(void)
{
	uint64_t m = 0;

	for (int i = 0; i < N; i++)
		if (tm[i].at && (!m || tm[i].at < m))
			m = tm[i].at;
	return m;
}

/* Armed (when any timer is on) and not after the earliest deadline. */
static void assert_not_late(struct vrrp_timerq *q)
{
	uint64_t e = earliest(), a = vrrp_timerq_armed(q);

	if (!e)
		return;
	assert_true(a != 0);
	assert_true(a <= e);
}

/* Run the loop until T (bounded: a turn at least every 1 ms), checking
 * after each turn. */
static void run_to(struct vrrp_timerq *q, uint64_t t)
{
	for (int i = 0; i < 5000 && now() < t; i++) {
		uint64_t left = t - now();

		sd_event_run(ev, left < 1000 ? left : 1000);
		assert_not_late(q);
	}
}

/* 64 backups with a Master_Down_Timer of 30 ms + i * 100 us, heard
 * every 10 ms for 300 ms; now and then one made earlier (a priority-0
 * advert) or turned off and on.  Then the master goes quiet: every timer
 * fires, at or after its deadline, in deadline order. */
static void test_backups_lookahead(void **state)
{
	struct vrrp_timerq *q = setup_q();
	uint64_t t0 = now(), w0;

	(void)state;
	for (int i = 0; i < N; i++)
		assert_int_equal(vrrp_timer_set(q, &tm[i], t0 + 30000 + 100 * (uint64_t)i), 0);
	assert_not_late(q);
	w0 = vrrp_timerq_wakeups(q);
	for (int round = 1; round <= 30; round++) {
		uint64_t t;

		run_to(q, t0 + 10000 * (uint64_t)round);
		t = now();
		for (int i = 0; i < N; i++) {
			vrrp_timer_set(q, &tm[i], t + 30000 + 100 * (uint64_t)i);
			assert_not_late(q);
		}
		/* one earlier than every other: must be armed for */
		vrrp_timer_set(q, &tm[round % N], t + 15000);
		assert_not_late(q);
		vrrp_timer_set(q, &tm[(round + 7) % N], 0);
		assert_not_late(q);
		vrrp_timer_set(q, &tm[(round + 7) % N], t + 31000);
		assert_not_late(q);
	}
	/* Nothing fired while heard; the stale keys were put back about once
	 * per look-ahead: 300 ms / 50 ms, a few more for the earlier ones
	 * (without the look-ahead: one per timer per 30 ms, hundreds). */
	assert_int_equal(log_.n, 0);
	assert_true(vrrp_timerq_wakeups(q) - w0 <= 40);
	run_until(N);
	assert_int_equal(log_.n, N);
	for (int i = 0; i < N; i++) {
		assert_true(log_.when[i] >= log_.at[i]);
		if (i)
			assert_true(log_.at[i] >= log_.at[i - 1]);
	}
	teardown_q(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_later_earlier_off),
		cmocka_unit_test(test_rearm_from_callback),
		cmocka_unit_test(test_backups_lookahead),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
