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
 * is due already it fires on the next turn of the loop.  A turn fires
 * at most CHECK_TIMER_BATCH timers and leaves the rest for the next
 * turns, so that sockets and the heartbeat are served between them.
 * A timer's callback may arm or disarm any timer, itself included.
 */
#ifndef TANDEM_CHECK_TIMER_H
#define TANDEM_CHECK_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#define CHECK_TIMER_BATCH 64

struct check_timers;
struct check_timer;
typedef void (*check_timer_fn)(struct check_timer *t);

/* Embedded in its owner (container_of in the callback); all zero is a
 * timer not armed. */
struct check_timer {
	uint64_t at;			/* CLOCK_MONOTONIC usec */
	size_t pos;			/* 1 + its place in the heap; 0: idle */
	check_timer_fn fn;
};

int check_timers_new(sd_event *e, struct check_timers **out);
/* Every timer must be disarmed first (or never fire again: their
 * memory is not touched).  NULL is fine. */
void check_timers_free(struct check_timers *ts);

/* Fire FN at AT (now or earlier: on the next turn of the loop); a timer
 * armed already is moved.  0, or -ENOMEM. */
int check_timer_arm(struct check_timers *ts, struct check_timer *t,
		    uint64_t at, check_timer_fn fn);
void check_timer_disarm(struct check_timers *ts, struct check_timer *t);
static inline bool check_timer_armed(const struct check_timer *t)
{
	return t->pos != 0;
}
/* Timers armed (tests). */
size_t check_timers_count(const struct check_timers *ts);

#endif
