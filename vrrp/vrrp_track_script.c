/*
 * vrrp_script at run time: each script named by a track_script line runs
 * every interval on the vrrp process's sd-event loop through the script
 * runner (lib/script.c), which never blocks the loop, kills the script's
 * process group past its timeout, runs it as its user (else script_user)
 * and, under enable_script_security, refuses an unsafe one.
 *
 * A script is shared by name by every instance that tracks it, so it
 * runs once per interval however many instances depend on it.  Its state
 * is keepalived's: good or bad, starting bad with init_fail and good
 * otherwise; `fall` failures in a row make a good script bad and `rise`
 * successes in a row make a bad one good (vrrp_tscript_step, a pure
 * function for the unit tests).  A run exits 0 to succeed; any other
 * status, a signal, a timeout or a refusal is a failure.  A refused
 * script is not tried again: the refusal, which names the unsafe path and
 * its owner, is logged once and the script stays bad.
 *
 * The settings are copied out of the config, so a reload that frees the
 * old config never leaves a script pointing into it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/script.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_track.h"

struct vrrp_tscript {
	struct vrrp_tscripts *set;
	struct vrrp_tscript *next;
	unsigned refs;
	char *name, *cmd, *user, *group;
	uint64_t interval_us, timeout_us;
	unsigned rise, fall;
	bool ok;
	bool refused;
	unsigned streak;		/* results in a row against the state */
	unsigned long runs;
	char last[SCRIPT_WHY_MAX];	/* the last result, for the dumps */
	sd_event_source *timer;
	struct script_run *run;
};

struct vrrp_tscripts {
	sd_event *e;
	vrrp_tscript_cb cb;
	void *arg;
	struct vrrp_tscript *list;
	char *user, *group;		/* script_user */
	bool supplementary_groups;
	bool secure;			/* enable_script_security */
};

bool vrrp_tscript_step(bool *ok, unsigned *streak, bool success,
		       unsigned rise, unsigned fall)
{
	unsigned need = *ok ? fall : rise;

	if (success == *ok) {
		*streak = 0;
		return false;
	}
	if (++*streak < (need ? need : 1))
		return false;
	*ok = success;
	*streak = 0;
	return true;
}

int vrrp_tscripts_new(sd_event *e, vrrp_tscript_cb cb, void *arg,
		      struct vrrp_tscripts **out)
{
	struct vrrp_tscripts *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->e = sd_event_ref(e);
	s->cb = cb;
	s->arg = arg;
	*out = s;
	return 0;
}

static int dup_str(char **dst, const char *src)
{
	char *d = NULL;

	if (src && !(d = strdup(src)))
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

int vrrp_tscripts_set_opts(struct vrrp_tscripts *s, const char *user,
			   const char *group, bool supplementary_groups,
			   bool secure)
{
	if (dup_str(&s->user, user) < 0 || dup_str(&s->group, group) < 0)
		return -ENOMEM;
	s->supplementary_groups = supplementary_groups;
	s->secure = secure;
	return 0;
}

static void ts_free(struct vrrp_tscript *ts)
{
	script_cancel(ts->run);
	sd_event_source_disable_unref(ts->timer);
	free(ts->name);
	free(ts->cmd);
	free(ts->user);
	free(ts->group);
	free(ts);
}

void vrrp_tscripts_free(struct vrrp_tscripts *s)
{
	if (!s)
		return;
	while (s->list) {
		struct vrrp_tscript *ts = s->list;

		s->list = ts->next;
		ts_free(ts);
	}
	free(s->user);
	free(s->group);
	sd_event_unref(s->e);
	free(s);
}

static int start(struct vrrp_tscript *ts);

static void arm(struct vrrp_tscript *ts, uint64_t delay)
{
	uint64_t now = 0;

	if (!ts->timer)
		return;
	sd_event_now(ts->set->e, CLOCK_MONOTONIC, &now);
	sd_event_source_set_time(ts->timer, now + delay);
	sd_event_source_set_enabled(ts->timer, SD_EVENT_ONESHOT);
}

static void done(const struct script_result *r, void *ud)
{
	struct vrrp_tscript *ts = ud;
	bool success = r->end == SCRIPT_EXITED && r->status == 0;
	bool was = ts->ok;

	ts->run = NULL;
	ts->runs++;
	snprintf(ts->last, sizeof(ts->last), "%s", r->why);
	if (r->end == SCRIPT_REFUSED) {
		log_err("VRRP_Script(%s) refused, not run again: %s",
			ts->name, r->why);
		ts->refused = true;
	} else if (r->end == SCRIPT_TIMEOUT) {
		log_warn("VRRP_Script(%s) timed out and was killed: %s",
			 ts->name, r->why);
	}
	if (ts->refused) {
		ts->ok = false;
		ts->streak = 0;
	} else {
		vrrp_tscript_step(&ts->ok, &ts->streak, success, ts->rise,
				  ts->fall);
		arm(ts, ts->interval_us);
	}
	if (ts->ok != was) {
		log_info("VRRP_Script(%s) %s", ts->name,
			 ts->ok ? "succeeded" : "failed");
		ts->set->cb(ts, ts->set->arg);
	}
}

static int start(struct vrrp_tscript *ts)
{
	struct vrrp_tscripts *s = ts->set;
	struct script_opts o = {
		.user = ts->user ? ts->user : s->user,
		.group = ts->user ? ts->group : s->group,
		.supplementary_groups = s->supplementary_groups,
		.secure = s->secure,
		.timeout = ts->timeout_us,
	};
	int r;

	if ((r = script_run(s->e, ts->cmd, &o, done, ts, &ts->run)) < 0) {
		log_err("VRRP_Script(%s) cannot start: %s", ts->name,
			strerror(-r));
		ts->run = NULL;
		arm(ts, ts->interval_us);
	}
	return r;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *ud)
{
	struct vrrp_tscript *ts = ud;

	(void)src;
	(void)usec;
	/* a run still going (its timeout is longer than the interval)
	 * is not doubled: the next one starts when it ends */
	if (!ts->run && !ts->refused)
		start(ts);
	return 0;
}

static int set_conf(struct vrrp_tscript *ts,
		    const struct vrrp_conf_track_script *c)
{
	if (dup_str(&ts->cmd, c->script) < 0 || dup_str(&ts->user, c->user) < 0 ||
	    dup_str(&ts->group, c->group) < 0)
		return -ENOMEM;
	ts->interval_us = c->interval_us;
	ts->timeout_us = c->timeout_us;
	ts->rise = c->rise;
	ts->fall = c->fall;
	return 0;
}

struct vrrp_tscript *vrrp_tscript_get(struct vrrp_tscripts *s,
				      const struct vrrp_conf_track_script *c)
{
	struct vrrp_tscript *ts;
	int r;

	for (ts = s->list; ts; ts = ts->next)
		if (!strcmp(ts->name, c->name)) {
			if (set_conf(ts, c) < 0)
				return NULL;
			ts->refs++;
			return ts;
		}
	if (!(ts = calloc(1, sizeof(*ts))))
		return NULL;
	ts->set = s;
	ts->refs = 1;
	ts->ok = !c->init_fail;
	snprintf(ts->last, sizeof(ts->last), "not run yet");
	if (!(ts->name = strdup(c->name)) || set_conf(ts, c) < 0) {
		ts_free(ts);
		return NULL;
	}
	/* the first run right away (from the loop, never from here) */
	if ((r = sd_event_add_time_relative(s->e, &ts->timer, CLOCK_MONOTONIC,
					    0, 0, on_timer, ts)) < 0) {
		log_err("VRRP_Script(%s) cannot be scheduled: %s", c->name,
			strerror(-r));
		ts_free(ts);
		return NULL;
	}
	ts->next = s->list;
	s->list = ts;
	return ts;
}

void vrrp_tscript_put(struct vrrp_tscripts *s, struct vrrp_tscript *ts)
{
	if (!ts || --ts->refs)
		return;
	for (struct vrrp_tscript **p = &s->list; *p; p = &(*p)->next)
		if (*p == ts) {
			*p = ts->next;
			break;
		}
	ts_free(ts);
}

bool vrrp_tscript_ok(const struct vrrp_tscript *ts)
{
	return ts->ok;
}

const char *vrrp_tscript_last(const struct vrrp_tscript *ts)
{
	return ts->last;
}

unsigned long vrrp_tscript_runs(const struct vrrp_tscript *ts)
{
	return ts->runs;
}
