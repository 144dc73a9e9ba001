/*
 * One sd-event timer for the timers of every VRRP instance.
 *
 * A thousand masters started together fall due together, ten times a
 * second at advert_int 0.1.  With a sd-event source each, every advert
 * is one turn of the loop (an epoll_wait, a timerfd re-arm, the source
 * queues); here the sources share one, and one turn sends the adverts of
 * every instance that is due, up to VRRP_TIMERQ_BATCH of them so the
 * sockets are read in between.  Deadlines are kept to the microsecond:
 * nothing fires early, nothing is made later than sd-event would.
 *
 * A backup's Master_Down_Timer is pushed later by every advert it hears,
 * ten times a second per instance.  Moving it down the heap each time
 * was a tenth of a backup's CPU; instead a timer made later keeps its
 * place (its key) and only records the new deadline, and when its key
 * comes up it is put back at its deadline without firing: one heap move
 * per Master_Down_Interval instead of one per advert.
 */
#ifndef TANDEM_VRRP_TIMERQ_H
#define TANDEM_VRRP_TIMERQ_H

#include <stdint.h>
#include <systemd/sd-event.h>

#define VRRP_TIMERQ_BATCH	64
/* How far ahead a turn puts back timers made later, and how early a
 * wakeup may stay armed (see vrrp_timerq.c): 50 ms, a twentieth of a
 * second, so a thousand backups at 0.1 s wake the loop some twenty times
 * a second for their Master_Down_Timers, not thousands. */
#define VRRP_TIMERQ_LOOKAHEAD_US	50000

struct vrrp_timer;
/* Called at (or after) AT, the time the timer was set for; the timer is
 * off then and may be set again from here. */
typedef void (*vrrp_timer_fn)(struct vrrp_timer *t, uint64_t at, void *data);

struct vrrp_timer {
	uint64_t at;		/* CLOCK_MONOTONIC usec; 0: off */
	uint64_t key;		/* where it sits in the heap: at, or earlier */
	unsigned pos;		/* its place in the heap, + 1; 0: off */
	vrrp_timer_fn fn;
	void *data;
};

struct vrrp_timerq;

int vrrp_timerq_new(sd_event *e, struct vrrp_timerq **out);
/* Every timer must be off (vrrp_timer_set(.., 0)) first. */
void vrrp_timerq_free(struct vrrp_timerq *q);

static inline void vrrp_timer_init(struct vrrp_timer *t, vrrp_timer_fn fn,
				   void *data)
{
	*t = (struct vrrp_timer){ .fn = fn, .data = data };
}
/* Fire T at AT (0: never); 0 or -ENOMEM. */
int vrrp_timer_set(struct vrrp_timerq *q, struct vrrp_timer *t, uint64_t at);

/* For the tests: what the source is armed for (0: off) and how many
 * times it has fired. */
uint64_t vrrp_timerq_armed(const struct vrrp_timerq *q);
uint64_t vrrp_timerq_wakeups(const struct vrrp_timerq *q);

#endif
