/*
 * The check process's many timers (each checker's next check, each
 * probe's timeout) on one sd-event time source.
 *
 * Ten thousand checkers each with an sd-event timer of its own, plus one
 * per check in flight, made sd-event's two priority queues per clock the
 * largest cost of the loop after the kernel: every re-arm moves a source
 * through both, comparing sources that lie all over the heap.  Here the
 * timers sit in one binary heap of (time, timer) pairs, so a re-arm
 * compares times that lie side by side, and the loop sees one source
 * set to the earliest of them.
 *
 * A timer is fired from the loop, never from check_timer_arm(): when it
 * is due already it fires on the next turn of the loop.  Each set of
 * timers has its sd-event priority and a number it fires at most per
 * turn, the rest waiting for the next turns: so the order in which the
 * loop serves what is ready (check_rs_rt.c's PRIO_*) is kept, and the
 * sockets and the heartbeat are served between them.  A timer's
 * callback may arm or disarm any timer, itself included, and a timer
 * may move from one set to another.
 */
#ifndef TANDEM_CHECK_TIMER_H
#define TANDEM_CHECK_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

/* The most a set fires in one turn of the loop, and the default. */
#define CHECK_TIMER_BATCH 64

struct check_timers;
struct check_timer;
typedef void (*check_timer_fn)(struct check_timer *t);

/* Embedded in its owner (container_of in the callback); all zero is a
 * timer not armed. */
struct check_timer {
	uint64_t at;			/* CLOCK_MONOTONIC usec */
	size_t pos;			/* 1 + its place in the heap; 0: idle */
	struct check_timers *in;	/* the set it is armed in */
	check_timer_fn fn;
};

/* A set whose source has sd-event PRIORITY and fires at most BATCH
 * (1..CHECK_TIMER_BATCH) timers a turn. */
int check_timers_new(sd_event *e, int64_t priority, unsigned batch,
		     struct check_timers **out);
/* Every timer must be disarmed first (or never fire again: their
 * memory is not touched).  NULL is fine. */
void check_timers_free(struct check_timers *ts);

/* Fire FN at AT (now or earlier: on the next turn of the loop) from TS;
 * a timer armed already (in TS or another set) is moved.  0, or
 * -errno (the timer is then not armed). */
int check_timer_arm(struct check_timers *ts, struct check_timer *t,
		    uint64_t at, check_timer_fn fn);
/* Not armed any more (fine when it is not). */
void check_timer_disarm(struct check_timer *t);
static inline bool check_timer_armed(const struct check_timer *t)
{
	return t->pos != 0;
}
/* Timers armed (tests). */
size_t check_timers_count(const struct check_timers *ts);

#endif
