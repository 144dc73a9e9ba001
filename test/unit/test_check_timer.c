/*
 * The checkers' shared timers (check/check_timer.c) on a real sd-event
 * loop: they fire in time order, never from check_timer_arm(), a moved
 * or disarmed timer fires where it now is (or not at all), a callback may
 * re-arm itself and others, a turn of the loop fires at most a set's
 * batch of them, a timer moves between sets (served by their
 * priorities), and the heap stays a heap through thousands
 * of random arms, moves and disarms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "check/check_timer.h"

#define NT 4000

struct tm_fix {
	sd_event *e;
	struct check_timers *ts;
};

struct item {
	struct check_timer t;
	int id;
	int fired;
	uint64_t fired_at;		/* the timer's time when it fired */
};

static struct tm_fix *cur;
static int order[NT], norder;

static struct item *item_of(struct check_timer *t)
{
	return (struct item *)((char *)t - offsetof(struct item, t));
}

static void on_fire(struct check_timer *t)
{
	struct item *it = item_of(t);

	it->fired++;
	it->fired_at = t->at;
	if (norder < NT)
		order[norder++] = it->id;
}

static uint64_t now_of(sd_event *e)
{
	uint64_t n = 0;

	sd_event_now(e, CLOCK_MONOTONIC, &n);
	if (!n) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		n = (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
	}
	return n;
}

/* Turn the loop until nothing is armed, at most N turns. */
static void run_all(struct tm_fix *f, int n)
{
	for (int i = 0; i < n && check_timers_count(f->ts); i++)
		assert_true(sd_event_run(f->e, 100 * 1000) >= 0);
}

static int setup(void **state)
{
	struct tm_fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(sd_event_new(&f->e), 0);
	assert_int_equal(check_timers_new(f->e, 0, CHECK_TIMER_BATCH, &f->ts), 0);
	norder = 0;
	cur = f;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct tm_fix *f = *state;

	check_timers_free(f->ts);
	sd_event_unref(f->e);
	free(f);
	cur = NULL;
	return 0;
}

static void fires_in_order(void **state)
{
	struct tm_fix *f = *state;
	static struct item it[6];
	uint64_t base = now_of(f->e);
	/* Times out of order, two equal, one in the past. */
	const uint64_t off[6] = { 3000, 1000, 2000, 2000, 0, 500 };

	for (int i = 0; i < 6; i++) {
		memset(&it[i], 0, sizeof(it[i]));
		it[i].id = i;
		assert_int_equal(check_timer_arm(f->ts, &it[i].t,
						 base + off[i] - (i == 4 ? 100 : 0), on_fire), 0);
		/* Never from arm itself, even when due. */
		assert_int_equal(it[i].fired, 0);
		assert_true(check_timer_armed(&it[i].t));
	}
	assert_int_equal(check_timers_count(f->ts), 6);
	run_all(f, 50);
	assert_int_equal(norder, 6);
	assert_int_equal(order[0], 4);
	assert_int_equal(order[1], 5);
	assert_int_equal(order[2], 1);
	assert_true((order[3] == 2 && order[4] == 3) || (order[3] == 3 && order[4] == 2));
	assert_int_equal(order[5], 0);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(it[i].fired, 1);
		assert_false(check_timer_armed(&it[i].t));
	}
	/* Nothing fired before its time. */
	assert_true(now_of(f->e) >= base + 3000);
}

static void move_and_disarm(void **state)
{
	struct tm_fix *f = *state;
	static struct item a, b, c;
	uint64_t base = now_of(f->e);

	memset(&a, 0, sizeof(a)), a.id = 1;
	memset(&b, 0, sizeof(b)), b.id = 2;
	memset(&c, 0, sizeof(c)), c.id = 3;
	assert_int_equal(check_timer_arm(f->ts, &a.t, base + 1000, on_fire), 0);
	assert_int_equal(check_timer_arm(f->ts, &b.t, base + 2000, on_fire), 0);
	assert_int_equal(check_timer_arm(f->ts, &c.t, base + 3000, on_fire), 0);
	/* a later than c, c earlier than everything, b gone. */
	assert_int_equal(check_timer_arm(f->ts, &a.t, base + 5000, on_fire), 0);
	assert_int_equal(check_timer_arm(f->ts, &c.t, base + 500, on_fire), 0);
	check_timer_disarm(&b.t);
	check_timer_disarm(&b.t);	/* twice is fine */
	assert_false(check_timer_armed(&b.t));
	assert_int_equal(check_timers_count(f->ts), 2);
	run_all(f, 50);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 1);
	assert_int_equal(b.fired, 0);
	assert_true(now_of(f->e) >= base + 5000);
}

/* A callback that re-arms itself (as a checker schedules its next check
 * from its last one's end) and disarms another. */
static struct item re_a, re_b;
static void on_rearm(struct check_timer *t)
{
	struct item *it = item_of(t);

	it->fired++;
	if (it->fired < 3)
		assert_int_equal(check_timer_arm(cur->ts, t, t->at + 200, on_rearm), 0);
	check_timer_disarm(&re_b.t);
}

static void callback_rearms(void **state)
{
	struct tm_fix *f = *state;
	uint64_t base = now_of(f->e);

	memset(&re_a, 0, sizeof(re_a));
	memset(&re_b, 0, sizeof(re_b));
	assert_int_equal(check_timer_arm(f->ts, &re_a.t, base + 100, on_rearm), 0);
	assert_int_equal(check_timer_arm(f->ts, &re_b.t, base + 100000, on_fire), 0);
	run_all(f, 50);
	assert_int_equal(re_a.fired, 3);
	assert_int_equal(re_b.fired, 0);
	assert_int_equal(check_timers_count(f->ts), 0);
}

/* Many due at once: one turn fires CHECK_TIMER_BATCH, the rest wait for
 * the next turns. */
static void batch_per_turn(void **state)
{
	struct tm_fix *f = *state;
	static struct item it[3 * CHECK_TIMER_BATCH];
	uint64_t base = now_of(f->e);
	int turns = 0;

	for (int i = 0; i < 3 * CHECK_TIMER_BATCH; i++) {
		memset(&it[i], 0, sizeof(it[i]));
		it[i].id = i;
		assert_int_equal(check_timer_arm(f->ts, &it[i].t, base - 1, on_fire), 0);
	}
	assert_true(sd_event_run(f->e, 100 * 1000) >= 0);
	assert_int_equal(norder, CHECK_TIMER_BATCH);
	while (check_timers_count(f->ts) && turns++ < 20)
		assert_true(sd_event_run(f->e, 100 * 1000) >= 0);
	assert_int_equal(norder, 3 * CHECK_TIMER_BATCH);
}

/* A timer moved to another set (a checker's next check from the routine
 * set to the retries') leaves the first: it fires once, from the second,
 * whose priority sd-event serves first. */
static void between_sets(void **state)
{
	struct tm_fix *f = *state;
	struct check_timers *hi;
	static struct item a, b;
	uint64_t base = now_of(f->e);

	assert_int_equal(check_timers_new(f->e, -5, 1, &hi), 0);
	memset(&a, 0, sizeof(a)), a.id = 1;
	memset(&b, 0, sizeof(b)), b.id = 2;
	assert_int_equal(check_timer_arm(f->ts, &a.t, base - 10, on_fire), 0);
	assert_int_equal(check_timer_arm(f->ts, &b.t, base - 20, on_fire), 0);
	assert_int_equal(check_timer_arm(hi, &a.t, base - 10, on_fire), 0);
	assert_int_equal(check_timers_count(f->ts), 1);
	assert_int_equal(check_timers_count(hi), 1);
	/* Both due: the higher priority set first, though b is earlier. */
	for (int i = 0; i < 10 && (check_timers_count(f->ts) || check_timers_count(hi)); i++)
		assert_true(sd_event_run(f->e, 100 * 1000) >= 0);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(a.fired, 1);
	check_timers_free(hi);
}

/* Random arms, moves and disarms: what fires is what stayed armed, each
 * once, in time order. */
static void random_heap(void **state)
{
	struct tm_fix *f = *state;
	static struct item it[NT];
	uint64_t base = now_of(f->e) + 1000;
	int armed = 0;

	srandom(7);
	for (int i = 0; i < NT; i++) {
		memset(&it[i], 0, sizeof(it[i]));
		it[i].id = i;
	}
	for (int k = 0; k < 4 * NT; k++) {
		struct item *x = &it[random() % NT];

		if (random() % 4 == 0)
			check_timer_disarm(&x->t);
		else
			assert_int_equal(check_timer_arm(f->ts, &x->t,
				base + (uint64_t)(random() % 20000), on_fire), 0);
	}
	for (int i = 0; i < NT; i++)
		armed += check_timer_armed(&it[i].t);
	assert_int_equal((int)check_timers_count(f->ts), armed);
	run_all(f, 2000);
	assert_int_equal(norder, armed);
	for (int i = 1; i < norder; i++)
		assert_true(it[order[i - 1]].fired_at <= it[order[i]].fired_at);
	for (int i = 0; i < NT; i++)
		assert_true(it[i].fired <= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fires_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(move_and_disarm, setup, teardown),
		cmocka_unit_test_setup_teardown(callback_rearms, setup, teardown),
		cmocka_unit_test_setup_teardown(batch_per_turn, setup, teardown),
		cmocka_unit_test_setup_teardown(between_sets, setup, teardown),
		cmocka_unit_test_setup_teardown(random_heap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
