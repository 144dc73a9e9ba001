/*
 * Many timers on one sd-event time source (see check_timer.h): a binary
 * min-heap of (time, timer) pairs; each timer knows its place so that it
 * can be moved or taken out without a search.  The sd-event source is
 * set to the heap's first time, and touched only when that changes.
 */
#include <errno.h>
#include <stdlib.h>

#include "check/check_timer.h"
#include "lib/log.h"

struct slot {
	uint64_t at;
	struct check_timer *t;
};

struct check_timers {
	sd_event *e;
	sd_event_source *src;
	uint64_t src_at;		/* what src is armed for; 0: off */
	bool firing;			/* in on_fire: it sets src at the end */
	int64_t priority;
	unsigned batch;
	struct slot *h;
	size_t n, cap;
};

/* sd-event may move a wake-up by this much to share it with others, as
 * the checkers' own timers allowed before. */
#define ACCURACY_USEC 1000

static void put(struct check_timers *ts, size_t i, struct slot s)
{
	ts->h[i] = s;
	s.t->pos = i + 1;
	s.t->in = ts;
}

static void sift_up(struct check_timers *ts, size_t i)
{
	struct slot s = ts->h[i];

	while (i > 0) {
		size_t up = (i - 1) / 2;

		if (ts->h[up].at <= s.at)
			break;
		put(ts, i, ts->h[up]);
		i = up;
	}
	put(ts, i, s);
}

static void sift_down(struct check_timers *ts, size_t i)
{
	struct slot s = ts->h[i];

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		uint64_t best = s.at;

		if (l < ts->n && ts->h[l].at < best)
			m = l, best = ts->h[l].at;
		if (l + 1 < ts->n && ts->h[l + 1].at < best)
			m = l + 1;
		if (m == i)
			break;
		put(ts, i, ts->h[m]);
		i = m;
	}
	put(ts, i, s);
}

static void take_out(struct check_timers *ts, struct check_timer *t)
{
	size_t i = t->pos - 1;

	t->pos = 0;
	t->in = NULL;
	if (--ts->n == i)
		return;
	put(ts, i, ts->h[ts->n]);
	if (i > 0 && ts->h[(i - 1) / 2].at > ts->h[i].at)
		sift_up(ts, i);
	else
		sift_down(ts, i);
}

static int on_fire(sd_event_source *s, uint64_t usec, void *ud);

/* Point the sd-event source at the first timer.  0 or -errno. */
static int sync_src(struct check_timers *ts)
{
	uint64_t at;
	int r;

	if (ts->firing)
		return 0;
	if (!ts->n) {
		if (ts->src_at)
			sd_event_source_set_enabled(ts->src, SD_EVENT_OFF);
		ts->src_at = 0;
		return 0;
	}
	at = ts->h[0].at ? ts->h[0].at : 1;
	if (at == ts->src_at)
		return 0;
	if (!ts->src) {
		r = sd_event_add_time(ts->e, &ts->src, CLOCK_MONOTONIC, at,
				      ACCURACY_USEC, on_fire, ts);
		if (r >= 0 && ts->priority)
			r = sd_event_source_set_priority(ts->src, ts->priority);
		if (r < 0)
			ts->src = sd_event_source_disable_unref(ts->src);
	} else {
		r = sd_event_source_set_time(ts->src, at);
		if (r >= 0)
			r = sd_event_source_set_enabled(ts->src, SD_EVENT_ONESHOT);
	}
	if (r < 0)
		return r;
	ts->src_at = at;
	return 0;
}

static int on_fire(sd_event_source *s, uint64_t usec, void *ud)
{
	struct check_timers *ts = ud;
	uint64_t now = 0;

	(void)s;
	(void)usec;
	/* The source is off now (one-shot). */
	ts->src_at = 0;
	sd_event_now(ts->e, CLOCK_MONOTONIC, &now);
	ts->firing = true;
	for (unsigned k = 0; k < ts->batch && ts->n && ts->h[0].at <= now; k++) {
		struct check_timer *t = ts->h[0].t;

		take_out(ts, t);
		t->fn(t);
	}
	ts->firing = false;
	if (sync_src(ts) < 0)
		log_err("cannot re-arm the checkers' timer: checks stop");
	return 0;
}

int check_timer_arm(struct check_timers *ts, struct check_timer *t,
		    uint64_t at, check_timer_fn fn)
{
	int r;

	if (t->pos && t->in != ts)
		check_timer_disarm(t);
	t->fn = fn;
	if (t->pos) {
		size_t i = t->pos - 1;
		uint64_t was = ts->h[i].at;

		ts->h[i].at = at;
		t->at = at;
		if (at < was)
			sift_up(ts, i);
		else
			sift_down(ts, i);
	} else {
		if (ts->n == ts->cap) {
			size_t cap = ts->cap ? 2 * ts->cap : 256;
			struct slot *h = realloc(ts->h, cap * sizeof(*h));

			if (!h)
				return -ENOMEM;
			ts->h = h;
			ts->cap = cap;
		}
		t->at = at;
		put(ts, ts->n, (struct slot){ .at = at, .t = t });
		sift_up(ts, ts->n++);
	}
	r = sync_src(ts);
	if (r < 0)
		take_out(ts, t);	/* it would never fire */
	return r;
}

void check_timer_disarm(struct check_timer *t)
{
	struct check_timers *ts = t->in;

	if (!t->pos || !ts)
		return;
	take_out(ts, t);
	sync_src(ts);
}

size_t check_timers_count(const struct check_timers *ts)
{
	return ts ? ts->n : 0;
}

int check_timers_new(sd_event *e, int64_t priority, unsigned batch,
		     struct check_timers **out)
{
	struct check_timers *ts = calloc(1, sizeof(*ts));

	if (!ts)
		return -ENOMEM;
	ts->e = sd_event_ref(e);
	ts->priority = priority;
	ts->batch = batch < 1 ? 1 : batch > CHECK_TIMER_BATCH ? CHECK_TIMER_BATCH : batch;
	*out = ts;
	return 0;
}

void check_timers_free(struct check_timers *ts)
{
	if (!ts)
		return;
	for (size_t i = 0; i < ts->n; i++) {
		ts->h[i].t->pos = 0;
		ts->h[i].t->in = NULL;
	}
	sd_event_source_disable_unref(ts->src);
	sd_event_unref(ts->e);
	free(ts->h);
	free(ts);
}
