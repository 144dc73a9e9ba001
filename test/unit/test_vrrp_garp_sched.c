/*
 * The gratuitous ARP / NA schedule of an instance (vrrp_garp_sched.c)
 * keeps its timers in an allocation that exists only while one of them
 * is armed: here on a real sd-event loop and timer queue, with an
 * instance made by hand (no sender: the bursts themselves are
 * vrrp-garp-group.sh's), the timers are made when a schedule arms them
 * and freed after the last has fired, when the instance leaves master,
 * and when it goes; a garp_master_refresh keeps them as long as the
 * instance is master.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_timerq.h"

#define MS 1000ULL

struct fx {
	sd_event *e;
	struct vrrp_inst_env env;
	struct vrrp_conf_instance ci;
	struct vrrp_inst_globals g;
	struct vrrp_inst vi;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(sd_event_new(&f->e), 0);
	f->env.e = f->e;
	assert_int_equal(vrrp_timerq_new(f->e, &f->env.tq), 0);
	f->ci.name = (char *)"VI_1";
	f->g.garp_master_repeat = 5;
	f->g.garp_lower_prio_repeat = 5;
	f->vi.ci = &f->ci;
	f->vi.g = &f->g;
	f->vi.env = &f->env;
	f->vi.fsm.state = VRRP_STATE_MASTER;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	vrrp_garp_sched_free(&f->vi);
	assert_null(f->vi.garp_timers);
	vrrp_timerq_free(f->env.tq);
	sd_event_unref(f->e);
	free(f);
	return 0;
}

static uint64_t now(struct fx *f)
{
	uint64_t t = 0;

	sd_event_now(f->e, CLOCK_MONOTONIC, &t);
	return t;
}

/* Run the loop for MS_ ms, or until the timers are gone (STOP). */
static void run(struct fx *f, unsigned ms_, bool stop)
{
	uint64_t end;

	sd_event_run(f->e, 0);
	end = now(f) + ms_ * MS;
	while (now(f) < end && !(stop && !f->vi.garp_timers))
		assert_true(sd_event_run(f->e, 5 * MS) >= 0);
}

static void delay_then_freed(void **state)
{
	struct fx *f = *state;
	uint64_t t0;

	f->g.garp_master_delay_us = 50 * MS;
	sd_event_run(f->e, 0);
	t0 = now(f);
	vrrp_garp_sched_master(&f->vi);
	assert_non_null(f->vi.garp_timers);	/* the second burst waits */
	run(f, 2000, true);
	assert_null(f->vi.garp_timers);
	assert_true(now(f) - t0 >= 50 * MS);
}

static void nothing_armed(void **state)
{
	struct fx *f = *state;

	/* no delay, no refresh, no extra_if: nothing to wait for */
	vrrp_garp_sched_master(&f->vi);
	assert_null(f->vi.garp_timers);
	vrrp_garp_sched_resume(&f->vi);
	assert_null(f->vi.garp_timers);
	vrrp_garp_sched_stop(&f->vi);
	assert_null(f->vi.garp_timers);
	/* repeat 0 turns the lower-priority schedule off */
	f->g.garp_lower_prio_repeat = 0;
	f->g.garp_lower_prio_delay_us = 10 * MS;
	vrrp_garp_sched_lower_prio(&f->vi);
	assert_null(f->vi.garp_timers);
}

static void refresh_keeps(void **state)
{
	struct fx *f = *state;

	f->g.garp_master_delay_us = 10 * MS;
	f->ci.garp_master_refresh_us = 20 * MS;	/* the instance's own */
	f->ci.garp_master_refresh_set = true;
	vrrp_garp_sched_master(&f->vi);
	run(f, 150, false);		/* the delay, then several refreshes */
	assert_non_null(f->vi.garp_timers);
	vrrp_garp_sched_stop(&f->vi);
	assert_null(f->vi.garp_timers);
	/* resumed as master: the refresh only */
	vrrp_garp_sched_resume(&f->vi);
	assert_non_null(f->vi.garp_timers);
	run(f, 60, false);
	assert_non_null(f->vi.garp_timers);
	/* left master without a stop: the next fire finds it and goes */
	f->vi.fsm.state = VRRP_STATE_BACKUP;
	run(f, 1000, true);
	assert_null(f->vi.garp_timers);
}

static void lower_and_extra(void **state)
{
	struct fx *f = *state;

	f->g.garp_lower_prio_delay_us = 20 * MS;
	vrrp_garp_sched_lower_prio(&f->vi);
	assert_non_null(f->vi.garp_timers);
	run(f, 1000, true);
	assert_null(f->vi.garp_timers);
	/* garp_extra_if all: every period while master */
	f->g.garp_extra_if_us = 20 * MS;
	f->g.garp_extra_if_all = true;
	vrrp_garp_sched_master(&f->vi);
	assert_non_null(f->vi.garp_timers);
	run(f, 70, false);
	assert_non_null(f->vi.garp_timers);
	vrrp_garp_sched_lower_prio(&f->vi);
	vrrp_garp_sched_stop(&f->vi);
	assert_null(f->vi.garp_timers);
}

/* The instance goes while its timers are armed (teardown checks). */
static void freed_armed(void **state)
{
	struct fx *f = *state;

	f->g.garp_master_delay_us = 1000 * MS;
	f->g.garp_lower_prio_delay_us = 1000 * MS;
	vrrp_garp_sched_master(&f->vi);
	vrrp_garp_sched_lower_prio(&f->vi);
	assert_non_null(f->vi.garp_timers);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(delay_then_freed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(nothing_armed, setup, teardown),
		cmocka_unit_test_setup_teardown(refresh_keeps, setup, teardown),
		cmocka_unit_test_setup_teardown(lower_and_extra, setup,
						teardown),
		cmocka_unit_test_setup_teardown(freed_armed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
