/*
 * The shared timer of the VRRP instances (see vrrp_timerq.h): a binary
 * min-heap of deadlines under one sd-event CLOCK_MONOTONIC source, armed
 * for the earliest.  A turn pops what is due in deadline order, as
 * separate sources of one priority would fire; the source is re-armed
 * once at the end of the turn, not once per timer set meanwhile.  The
 * heap is ordered by each timer's key, which is its deadline or, for a
 * timer made later since it was placed, an earlier one (see the header):
 * the root's key is never after any deadline, so nothing fires late.
 *
 * Look-ahead (VRRP_TIMERQ_LOOKAHEAD_US): each re-arm of the source is a
 * timerfd_settime, and each stale key that comes up alone is a wakeup.
 * So a turn also puts back every stale key that would come up within
 * the look-ahead (they would not fire anyway), and an armed wakeup that
 * is not after the earliest key, and at most the look-ahead before it,
 * is kept when that key moves later (a timer turned off or put back):
 * the wakeup comes early, finds nothing due and arms for the root.  The
 * source is only ever armed for a key, and a key is never after its
 * deadline, so an early wakeup is the only cost; never a late one.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "vrrp/vrrp_timerq.h"

struct vrrp_timerq {
	sd_event_source *src;
	struct vrrp_timer **heap;
	unsigned n, cap;
	uint64_t armed;		/* what src is set for; 0: off */
	bool firing;		/* in on_fire(): arm at the end */
	uint64_t wakeups;	/* turns of on_fire(), for the tests */
};

static void put(struct vrrp_timerq *q, unsigned i, struct vrrp_timer *t)
{
	q->heap[i] = t;
	t->pos = i + 1;
}

static void up(struct vrrp_timerq *q, unsigned i)
{
	struct vrrp_timer *t = q->heap[i];

	while (i > 0) {
		unsigned p = (i - 1) / 2;

		if (q->heap[p]->key <= t->key)
			break;
		put(q, i, q->heap[p]);
		i = p;
	}
	put(q, i, t);
}

static void down(struct vrrp_timerq *q, unsigned i)
{
	struct vrrp_timer *t = q->heap[i];

	for (;;) {
		unsigned c = 2 * i + 1;

		if (c >= q->n)
			break;
		if (c + 1 < q->n && q->heap[c + 1]->key < q->heap[c]->key)
			c++;
		if (t->key <= q->heap[c]->key)
			break;
		put(q, i, q->heap[c]);
		i = c;
	}
	put(q, i, t);
}

static void unlink_timer(struct vrrp_timerq *q, struct vrrp_timer *t)
{
	unsigned i = t->pos - 1;
	struct vrrp_timer *last = q->heap[--q->n];

	t->pos = 0;
	if (last == t)
		return;
	put(q, i, last);
	up(q, i);
	down(q, last->pos - 1);
}

static void arm(struct vrrp_timerq *q)
{
	uint64_t at = q->n ? q->heap[0]->key : 0;

	if (q->firing || at == q->armed)
		return;
	/* See the top: an early wakeup is kept, a late one never. */
	if (at && q->armed && q->armed <= at &&
	    at - q->armed <= VRRP_TIMERQ_LOOKAHEAD_US)
		return;
	if (!at) {
		sd_event_source_set_enabled(q->src, SD_EVENT_OFF);
	} else {
		sd_event_source_set_time(q->src, at);
		sd_event_source_set_enabled(q->src, SD_EVENT_ONESHOT);
	}
	q->armed = at;
}

static int on_fire(sd_event_source *s, uint64_t usec, void *data)
{
	struct vrrp_timerq *q = data;
	uint64_t now = usec;

	(void)s;
	sd_event_now(sd_event_source_get_event(q->src), CLOCK_MONOTONIC, &now);
	if (now < usec)
		now = usec;
	q->armed = 0;	/* a ONESHOT source is off once it fires */
	q->firing = true;
	q->wakeups++;
	for (unsigned fired = 0; fired < VRRP_TIMERQ_BATCH && q->n;) {
		struct vrrp_timer *t = q->heap[0];
		uint64_t at = t->at;

		if (t->key > now + VRRP_TIMERQ_LOOKAHEAD_US)
			break;
		if (at > now) {
			/* A deadline ahead: what the source is armed for. */
			if (t->key == at)
				break;
			/* Made later since it was placed, and its key due
			 * now or within the look-ahead: to its deadline
			 * (once: its key is its deadline then). */
			t->key = at;
			down(q, 0);
			continue;
		}
		unlink_timer(q, t);
		t->at = 0;
		t->fn(t, at, t->data);
		fired++;
	}
	q->firing = false;
	arm(q);
	return 0;
}

int vrrp_timerq_new(sd_event *e, struct vrrp_timerq **out)
{
	struct vrrp_timerq *q = calloc(1, sizeof(*q));
	int r;

	if (!q)
		return -ENOMEM;
	r = sd_event_add_time(e, &q->src, CLOCK_MONOTONIC, 0, 1, on_fire, q);
	if (r < 0) {
		free(q);
		return r;
	}
	sd_event_source_set_enabled(q->src, SD_EVENT_OFF);
	*out = q;
	return 0;
}

void vrrp_timerq_free(struct vrrp_timerq *q)
{
	if (!q)
		return;
	sd_event_source_disable_unref(q->src);
	free(q->heap);
	free(q);
}

int vrrp_timer_set(struct vrrp_timerq *q, struct vrrp_timer *t, uint64_t at)
{
	if (t->pos) {
		if (at) {
			/* Later: stays where it is (see the top); earlier:
			 * moves up now. */
			t->at = at;
			if (at < t->key) {
				t->key = at;
				up(q, t->pos - 1);
			}
		} else {
			unlink_timer(q, t);
			t->at = 0;
		}
		arm(q);
		return 0;
	}
	t->at = at;
	if (!at)
		return 0;
	if (q->n == q->cap) {
		unsigned cap = q->cap ? 2 * q->cap : 64;
		struct vrrp_timer **h = realloc(q->heap, cap * sizeof(*h));

		if (!h) {
			t->at = 0;
			return -ENOMEM;
		}
		q->heap = h;
		q->cap = cap;
	}
	t->key = at;
	put(q, q->n++, t);
	up(q, q->n - 1);
	arm(q);
	return 0;
}

uint64_t vrrp_timerq_armed(const struct vrrp_timerq *q)
{
	return q->armed;
}

uint64_t vrrp_timerq_wakeups(const struct vrrp_timerq *q)
{
	return q->wakeups;
}
