/*
 * Real-server state and checker scheduling (see check_rs_rt.h).
 *
 * Every checker has one timer for its next check (on the process's
 * shared timers, check_timer.h, as are the probes' timeouts) and, while
 * a check runs, the probe of its type.  The verdict logic is the same
 * for every type and is all in on_done(): success resets the retry
 * count and brings a down checker up; a failure of an up checker is
 * retried until `retry` retries failed too, then the checker goes down.
 * A real server's state is the AND of its checkers'.
 *
 * What the loop serves first when more is ready than it can serve at
 * once is set by sd-event priorities (PRIO_*, each set of timers with
 * its own): a changed verdict reaches the table before anything else,
 * retries and the checks in flight come next, and routine starts wait
 * below them, so an overloaded process
 * stretches its delay_loop but keeps its timeouts and retries on time.
 *
 * A reload matches the new real servers with the old ones through a
 * sorted array of keys (virtual service, real server address and port)
 * so that ten thousand servers cost a sort and lookups, not a quadratic
 * scan; a match carries over only when the checkers are the same.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "check/check_notify.h"
#include "check/check_quorum.h"
#include "check/check_rs_rt.h"
#include "lib/log.h"

struct check_rt {
	sd_event *e;
	/* The timers of the checkers' next checks, routine and retries,
	 * and of the probes' timeouts (check_timer.h), each set at its
	 * PRIO_*. */
	struct check_timers *routine, *retries, *probes;
	void (*changed)(void *arg);
	void *arg;
	sd_event_source *defer;		/* a changed() is due */
	bool dirty_all;			/* check_rt_table_all */
	struct check_rs_rt **v;
	size_t n;
	struct check_vs_rt **vsv;	/* quorum states (check_quorum.c) */
	size_t nvs;
	bool log_all;			/* checker_log_all_failures */
	struct check_notify *notify;	/* NULL: nothing is told */
	uint64_t stagger_at;		/* the next new checker's first check
					   may not start before this */
	check_rs_change_fn on_rs;	/* NULL: nobody listens */
	void *on_rs_arg;
	void (*alive)(void *arg);	/* see check_rt_set_alive */
	void *alive_arg;
	/* How late checks start (check_rt_sched_json): a loop that cannot
	 * keep up shows here first. */
	struct {
		uint64_t starts, sum_us, max_us;
		uint64_t win_max_us, prev_max_us, win_at;	/* LATE_WINDOW */
	} late;
};

/* New checkers start at most one per STAGGER_USEC: ten start within a
 * millisecond, ten thousand spread over a second.  Thousands of connects
 * made in the same instant would all be ready at once, and sd-event
 * serves one ready source per turn of its loop while every turn looks at
 * all of them; spread out, their checks stay spread (each next check is
 * due delay_loop after the last one ended). */
#define STAGGER_USEC 100

/* The order in which the loop serves what is ready (sd-event serves the
 * lowest value first, and among equals the one ready first).  A check
 * that has started owns its sockets and timeout, which sd-event and curl
 * serve at the default priority; starting a routine check waits below
 * them, so a loop with more ready than it can serve finishes the checks
 * in flight, their timeouts on time, before it starts more.  When every
 * routine start was served first, at 10,000 checks a second on a loaded
 * machine thousands of starts were served back to back, each handing
 * curl a new transfer, and curl then ran them all in one call (it runs
 * every transfer due when its timer fires) that took over a second:
 * timeouts, retries and the heartbeat waited behind it, and the parent
 * killed the child as hung.  Served after each start, curl's timer sees
 * one new transfer.  A retry is the middle of a verdict: it is served
 * with what is in flight, before routine starts; and the table is told
 * of a changed verdict before anything else waits its turn. */
#define PRIO_ROUTINE (SD_EVENT_PRIORITY_NORMAL + 10)
#define PRIO_RETRY (SD_EVENT_PRIORITY_NORMAL - 1)
#define PRIO_TABLE (SD_EVENT_PRIORITY_IMPORTANT + 10)
/* Routine starts per turn of the loop (check_timer.h): what they set off
 * is served before the next ones, as with one start a turn, but a turn
 * of the loop (its epoll_wait and sd-event's bookkeeping) is not paid for
 * each start: at one a turn the CPU per check of check-scale was 150 us,
 * at 16 a turn 115-128 us (on a loaded machine).  A curl call cannot run
 * thousands of new transfers at once any more either: a multi handle
 * holds at most 32 (check_curl.c). */
#define ROUTINE_BATCH 16

/* The lateness of check starts is also kept as the worst of the last
 * window or two, so a dump shows how the loop does now, not only at its
 * worst since the start. */
#define LATE_WINDOW_USEC (10 * 1000000ULL)

static uint64_t mono_now(const struct check_rt *rt)
{
	uint64_t t = 0;

	sd_event_now(rt->e, CLOCK_MONOTONIC, &t);
	return t;
}

/* The clock of check durations: now, not the loop's wake-up time. */
static uint64_t mono_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------------ */
/* Names for logs and dumps                                            */

static void addr_str(int af, const union ipvs_addr *a, char *buf, size_t len)
{
	char t[INET6_ADDRSTRLEN] = "?";

	inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, a->raw, t, sizeof(t));
	snprintf(buf, len, af == AF_INET6 ? "[%s]" : "%s", t);
}

void check_vs_name(const struct check_vs *vs, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 2];

	switch (vs->kind) {
	case CHECK_VS_ADDR:
		addr_str(vs->af, &vs->addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, vs->port);
		break;
	case CHECK_VS_FWMARK:
		snprintf(buf, len, "fwmark %u", vs->fwmark);
		break;
	case CHECK_VS_GROUP:
		snprintf(buf, len, "group %s", vs->group ? vs->group : "");
		break;
	default:
		snprintf(buf, len, "?");
	}
}

void check_rs_name(const struct check_rs *rs, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN + 2];

	addr_str(rs->af, &rs->addr, a, sizeof(a));
	if (rs->port_set)
		snprintf(buf, len, "%s:%u", a, rs->port);
	else
		snprintf(buf, len, "%s", a);
}

/* ------------------------------------------------------------------ */
/* Verdicts                                                            */

static void changed_now(struct check_rt *rt);

static int on_defer(sd_event_source *s, void *ud)
{
	struct check_rt *rt = ud;

	(void)s;
	rt->defer = sd_event_source_disable_unref(rt->defer);
	/* Quorums first: the table depends on them. */
	if (rt->dirty_all)
		check_quorum_eval(rt->vsv, rt->nvs, rt->notify);
	else
		check_quorum_eval_marked(rt->vsv, rt->nvs, rt->notify);
	changed_now(rt);
	return 0;
}

/* Tell the table, then forget what was marked: it is in the table now. */
static void changed_now(struct check_rt *rt)
{
	rt->changed(rt->arg);
	rt->dirty_all = false;
	for (size_t i = 0; i < rt->nvs; i++)
		if (rt->vsv[i])
			rt->vsv[i]->table_dirty = false;
}

/* A change of state of vs (NULL: of no one virtual server) is due in the
 * table: marked, so that only what changed is made again (at 10,000 real
 * servers, making the whole table for each verdict cost more than the
 * verdict's own request). */
static void table_due(struct check_rt *rt, const struct check_vs *vs)
{
	if (vs && vs->rt)
		vs->rt->table_dirty = true;
	else
		rt->dirty_all = true;
	if (rt->defer)
		return;
	if (sd_event_add_defer(rt->e, &rt->defer, on_defer, rt) < 0) {
		rt->defer = NULL;
		changed_now(rt);	/* at once, then */
		return;
	}
	(void)sd_event_source_set_priority(rt->defer, PRIO_TABLE);
}

bool check_rt_table_pending(const struct check_rt *rt)
{
	return rt->defer != NULL;
}

bool check_rt_table_all(const struct check_rt *rt)
{
	return rt->dirty_all;
}

static void rs_update(struct check_rs_rt *r)
{
	char v[80], s[64];
	bool up = true;

	for (size_t i = 0; i < r->ncks; i++)
		up &= r->cks[i].up;
	if (up == r->up)
		return;
	r->up = up;
	check_notify_rs(r->rt->notify, r->vs, r->rs, up);
	r->since = real_now();
	r->transitions++;
	check_vs_name(r->vs, v, sizeof(v));
	check_rs_name(r->rs, s, sizeof(s));
	if (up) {
		log_info("real server %s of %s is up: %s%s", s, v,
			 r->admin ? "held by the operator, " : "back in the table",
			 r->admin ? check_admin_str(r->admin) : "");
		if (r->rt->on_rs)
			r->rt->on_rs(v, s, true, "", r->rt->on_rs_arg);
	} else {
		const char *why = "";

		for (size_t i = 0; i < r->ncks && !*why; i++)
			if (!r->cks[i].up)
				why = r->cks[i].reason;
		if (r->rt->on_rs)
			r->rt->on_rs(v, s, false, why, r->rt->on_rs_arg);
		log_warn("real server %s of %s is down (%s): %s", s, v, why,
			 check_rs_weight(r->vs, r->rs) == 0
				 ? "weight 0 (inhibit_on_failure)"
				 : "out of the table");
	}
	table_due(r->rt, r->vs);
}

/* A checker reported a new dynamic weight: the first checker with one
 * decides. */
static void rs_weight_update(struct check_rs_rt *r)
{
	int w = -1;
	char v[80], s[64];

	for (size_t i = 0; i < r->ncks && w < 0; i++)
		w = r->cks[i].weight;
	if (w == r->weight)
		return;
	r->weight = w;
	check_vs_name(r->vs, v, sizeof(v));
	check_rs_name(r->rs, s, sizeof(s));
	log_info("real server %s of %s: weight %d (%s)", s, v,
		 w >= 0 ? w : r->rs->weight, w >= 0 ? "dynamic" : "configured");
	table_due(r->rt, r->vs);
}

static void schedule(struct check_ck_rt *c, uint64_t at);

static void on_done(struct check_probe *p, bool ok, const char *reason)
{
	struct check_ck_rt *c = p->userdata;
	uint64_t now = mono_now(c->rs->rt), wait = c->t.delay_loop;

	if (c->rs->rt->alive)
		c->rs->rt->alive(c->rs->rt->alive_arg);
	c->running = false;
	if (c->started_at) {
		uint64_t t = mono_clock();

		check_dur_add(&c->dur, t > c->started_at ? t - c->started_at : 0);
		c->started_at = 0;
	}
	c->checks++;
	c->last_ok = ok;
	c->last_at = real_now();
	if (ok) {
		c->failures = 0;
		c->reason[0] = '\0';
		if (c->weight != p->weight) {
			c->weight = p->weight;
			rs_weight_update(c->rs);
		}
		if (!c->up) {
			c->up = true;
			rs_update(c->rs);
		}
	} else {
		c->failed++;
		snprintf(c->reason, sizeof(c->reason), "%s",
			 reason ? reason : "failed");
		if (c->ck->log_all_failures > 0 || c->up ||
		    (c->ck->log_all_failures < 0 && c->rs->rt->log_all)) {
			char s[64];

			check_rs_name(c->rs->rs, s, sizeof(s));
			log_info("%s of %s: %s%s", c->type->name, s, c->reason,
				 c->up && c->failures < c->t.retry ? ", retrying" : "");
		}
		if (c->up && c->failures < c->t.retry) {
			c->failures++;
			wait = c->t.delay_before_retry;
		} else if (c->up) {
			c->failures = 0;
			c->up = false;
			rs_update(c->rs);
		}
	}
	schedule(c, now + wait);
}

void check_probe_weight_delta(struct check_probe *p, int64_t delta)
{
	struct check_ck_rt *c = p->userdata;

	if (c->weight_delta == delta)
		return;
	c->weight_delta = delta;
	if (c->rs->up)
		table_due(c->rs->rt, c->rs->vs);
}

static void fail_now(struct check_ck_rt *c, const char *why)
{
	c->running = true;
	on_done(&c->probe, false, why);
}

static void note_late(struct check_rt *rt, uint64_t due)
{
	uint64_t now = mono_clock(), l = now > due ? now - due : 0;

	if (now - rt->late.win_at >= LATE_WINDOW_USEC) {
		rt->late.prev_max_us = now - rt->late.win_at < 2 * LATE_WINDOW_USEC
					       ? rt->late.win_max_us : 0;
		rt->late.win_max_us = 0;
		rt->late.win_at = now;
	}
	rt->late.starts++;
	rt->late.sum_us += l;
	if (l > rt->late.max_us)
		rt->late.max_us = l;
	if (l > rt->late.win_max_us)
		rt->late.win_max_us = l;
}

static void on_next(struct check_timer *t)
{
	struct check_ck_rt *c = (struct check_ck_rt *)
		((char *)t - offsetof(struct check_ck_rt, next));
	const struct check_rs_rt *r = c->rs;
	uint16_t vs_port = r->vs->kind == CHECK_VS_ADDR ? r->vs->port : 0;
	int e;

	note_late(r->rt, c->next_at);
	check_checker_target(c->ck, r->rs, vs_port, &c->probe.dst,
			     &c->probe.dstlen);
	if (c->type->needs_port &&
	    (c->probe.dst.ss_family == AF_INET6
		     ? ((struct sockaddr_in6 *)&c->probe.dst)->sin6_port
		     : ((struct sockaddr_in *)&c->probe.dst)->sin_port) == 0) {
		fail_now(c, "no port to check (set connect_port)");
		return;
	}
	c->probe.timeout = c->t.connect_timeout;
	c->probe.weight = -1;
	c->probe.script = check_notify_script_opts(r->rt->notify);
	c->running = true;
	c->started_at = mono_clock();
	e = c->type->start(&c->probe);
	if (e < 0) {
		char why[CHECK_REASON_MAX];

		snprintf(why, sizeof(why), "cannot start: %s", strerror(-e));
		fail_now(c, why);
	}
}

static void schedule(struct check_ck_rt *c, uint64_t at)
{
	int r;

	c->next_at = at;
	/* A retry waits in the set served before routine starts. */
	r = check_timer_arm(c->failures ? c->rs->rt->retries : c->rs->rt->routine,
			    &c->next, at, on_next);
	if (r < 0)
		log_err("cannot schedule a check: %s", strerror(-r));
}

static void ck_stop(struct check_ck_rt *c)
{
	if (c->running)
		c->type->cancel(&c->probe);
	if (c->type->release)
		c->type->release(&c->probe);
	c->running = false;
	check_timer_disarm(&c->next);
}

/* ------------------------------------------------------------------ */
/* Attaching a config                                                  */

/* A byte key for sorting: virtual service, then real server. */
struct rs_key {
	uint8_t b[48];
};

static void make_key(const struct check_vs *vs, const struct check_rs *rs,
		     struct rs_key *k)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a of the group */
	uint8_t *p = k->b;

	memset(k, 0, sizeof(*k));
	*p++ = (uint8_t)vs->kind;
	*p++ = (uint8_t)vs->af;
	memcpy(p, vs->addr.raw, 16), p += 16;
	*p++ = (uint8_t)(vs->port >> 8), *p++ = (uint8_t)vs->port;
	*p++ = (uint8_t)vs->protocol;
	memcpy(p, &vs->fwmark, 4), p += 4;
	for (const char *g = vs->group; g && *g; g++)
		h = (h ^ (uint8_t)*g) * 1099511628211ULL;
	memcpy(p, &h, 4), p += 4;
	*p++ = (uint8_t)rs->af;
	memcpy(p, rs->addr.raw, 16), p += 16;
	*p++ = (uint8_t)(rs->port >> 8), *p++ = (uint8_t)rs->port;
}

struct keyed {
	struct rs_key k;
	struct check_rs_rt *r;
	bool taken;
};

static int cmp_keyed(const void *a, const void *b)
{
	return memcmp(&((const struct keyed *)a)->k, &((const struct keyed *)b)->k,
		      sizeof(struct rs_key));
}

static bool same_checkers(const struct check_rs *a, const struct check_rs *b)
{
	if (a->ncheckers != b->ncheckers)
		return false;
	for (size_t i = 0; i < a->ncheckers; i++)
		if (!check_checker_same(a->checkers[i], b->checkers[i]))
			return false;
	return true;
}

static struct check_rs_rt *take_old(struct keyed *old, size_t n,
				    const struct check_vs *vs,
				    const struct check_rs *rs)
{
	struct keyed k = { .r = NULL }, *f;

	if (!n)
		return NULL;
	make_key(vs, rs, &k.k);
	f = bsearch(&k, old, n, sizeof(*old), cmp_keyed);
	if (!f)
		return NULL;
	/* Equal keys sit together: take the first free one that truly
	 * matches. */
	while (f > old && !cmp_keyed(f - 1, &k))
		f--;
	for (; f < old + n && !cmp_keyed(f, &k); f++)
		if (!f->taken && check_vs_same(f->r->vs, vs) &&
		    f->r->rs->port_set == rs->port_set &&
		    same_checkers(f->r->rs, rs)) {
			f->taken = true;
			return f->r;
		}
	return NULL;
}

/* The hold of the old real server at the same place (virtual service,
 * address, port), whatever became of its checkers. */
static enum check_admin admin_of(const struct keyed *old, size_t n,
				 const struct check_vs *vs,
				 const struct check_rs *rs)
{
	struct keyed k = { .r = NULL };
	const struct keyed *f;

	if (!n)
		return CHECK_ADMIN_NONE;
	make_key(vs, rs, &k.k);
	f = bsearch(&k, old, n, sizeof(*old), cmp_keyed);
	return f ? f->r->admin : CHECK_ADMIN_NONE;
}

static void rs_rt_free(struct check_rs_rt *r)
{
	for (size_t i = 0; i < r->ncks; i++)
		ck_stop(&r->cks[i]);
	if (r->rs && r->rs->rt == r)
		r->rs->rt = NULL;
	free(r->cks);
	free(r);
}

static struct check_rs_rt *rs_rt_new(struct check_rt *rt, const struct check_vs *vs,
				     struct check_rs *rs,
				     const struct check_rs_rt *old)
{
	struct check_rs_rt *r = calloc(1, sizeof(*r));
	uint64_t now = mono_now(rt);

	if (!r || (rs->ncheckers && !(r->cks = calloc(rs->ncheckers, sizeof(*r->cks))))) {
		free(r);
		return NULL;
	}
	r->rt = rt;
	r->vs = vs;
	r->rs = rs;
	r->ncks = rs->ncheckers;
	for (size_t i = 0; i < r->ncks; i++) {
		struct check_ck_rt *c = &r->cks[i];

		c->rs = r;
		c->ck = rs->checkers[i];
		c->type = check_types[c->ck->kind];
		check_checker_timing(c->ck, rs, vs, &c->t);
		c->probe.e = rt->e;
		c->probe.timers = rt->probes;
		c->probe.ck = c->ck;
		c->probe.rs = rs;
		c->probe.vs = vs;
		c->probe.fd = -1;
		c->probe.done = on_done;
		c->probe.userdata = c;
		c->probe.weight = c->weight = -1;
		if (old) {
			const struct check_ck_rt *o = &old->cks[i];

			c->up = o->up;
			c->failures = o->failures;
			c->checks = o->checks;
			c->failed = o->failed;
			c->last_ok = o->last_ok;
			c->last_at = o->last_at;
			memcpy(c->reason, o->reason, sizeof(c->reason));
			c->weight = o->weight;
			c->weight_delta = o->weight_delta;
			c->dur = o->dur;
			/* A check that was in flight is made again now. */
			c->next_at = o->running ? now : o->next_at;
		} else {
			uint64_t at = now > rt->stagger_at ? now : rt->stagger_at;

			rt->stagger_at = at + STAGGER_USEC;
			c->up = !c->t.alpha;
			c->next_at = at + (c->t.warmup ?
				(uint64_t)random() % c->t.warmup : 0);
		}
	}
	r->weight = -1;
	if (old) {
		r->up = old->up;
		r->since = old->since;
		r->transitions = old->transitions;
		r->weight = old->weight;
		r->admin = old->admin;
	} else {
		r->up = true;
		for (size_t i = 0; i < r->ncks; i++)
			r->up &= r->cks[i].up;
		r->since = real_now();
	}
	rs->rt = r;
	return r;
}

/* A real server object the previous config shares with this one (a
 * reload carried its virtual_server over unchanged) still has the state
 * this runtime attached: it is kept whole, timers and a check in flight
 * included, and nothing about it is derived again. */
static bool attached_here(const struct check_rt *rt, const struct check_vs *vs,
			  const struct check_rs *rs)
{
	return rs->rt && rs->rt->rt == rt && rs->rt->rs == rs &&
	       rs->rt->vs == vs;
}

/* Undo a failed apply: the new states go, the carried-over ones stay. */
static void apply_undo(struct check_rs_rt **v, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (v[k]->as_is)
			v[k]->as_is = false;
		else
			rs_rt_free(v[k]);
	}
	free(v);
}

int check_rt_apply(struct check_rt *rt, struct check_conf *cc)
{
	struct keyed *old = NULL;
	struct check_rs_rt **v = NULL;
	size_t n = 0, total = 0, kept = 0, nold = 0;
	/* Per virtual server: the same object as before at the same place,
	 * every real server kept whole.  With no change of state waiting
	 * (every one since was evaluated), its quorum cannot have moved. */
	bool *whole = calloc(cc->nvs ? cc->nvs : 1, sizeof(*whole));
	bool settled = !rt->defer;

	/* The marks waiting name the virtual servers of the config before:
	 * the table that follows this apply is made whole. */
	if (rt->defer)
		rt->dirty_all = true;

	for (size_t i = 0; i < cc->nvs; i++) {
		bool all = whole && settled && i < rt->nvs && rt->vsv[i] &&
			   rt->vsv[i]->vs == cc->vs[i];

		for (size_t j = 0; j < cc->vs[i]->nrs; j++, total++) {
			if (attached_here(rt, cc->vs[i], cc->vs[i]->rs[j]))
				cc->vs[i]->rs[j]->rt->as_is = true;
			else
				all = false;
		}
		if (whole)
			whole[i] = all;
	}
	if ((total && !(v = calloc(total, sizeof(*v)))) ||
	    (rt->n && !(old = calloc(rt->n, sizeof(*old))))) {
		free(whole);
		free(v);
		for (size_t i = 0; i < rt->n; i++)
			rt->v[i]->as_is = false;
		return -ENOMEM;
	}
	/* The others are matched by key: those kept whole are no match. */
	for (size_t i = 0; i < rt->n; i++) {
		if (rt->v[i]->as_is)
			continue;
		make_key(rt->v[i]->vs, rt->v[i]->rs, &old[nold].k);
		old[nold++].r = rt->v[i];
	}
	if (nold)
		qsort(old, nold, sizeof(*old), cmp_keyed);
	for (size_t i = 0; i < cc->nvs; i++) {
		const struct check_vs *vs = cc->vs[i];

		for (size_t j = 0; j < vs->nrs; j++) {
			struct check_rs *rs = vs->rs[j];
			struct check_rs_rt *o, *r;

			/* Set above, for this very pair only. */
			if (rs->rt && rs->rt->as_is) {
				r = rs->rt;
				r->fresh = false;
				kept++;
				v[n++] = r;
				continue;
			}
			o = take_old(old, nold, vs, rs);
			r = rs_rt_new(rt, vs, rs, o);
			if (!r) {
				apply_undo(v, n);
				for (size_t k = 0; k < rt->n; k++)
					rt->v[k]->as_is = false;
				free(old);
				free(whole);
				return -ENOMEM;
			}
			kept += o != NULL;
			r->fresh = o == NULL;
			if (!o)
				r->admin = admin_of(old, rt->n, vs, vs->rs[j]);
			v[n++] = r;
		}
	}
	if (check_quorum_apply(&rt->vsv, &rt->nvs, cc) < 0) {
		apply_undo(v, n);
		for (size_t k = 0; k < rt->n; k++)
			rt->v[k]->as_is = false;
		free(old);
		free(whole);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rt->n; i++)
		if (!rt->v[i]->as_is)
			rs_rt_free(rt->v[i]);
	free(rt->v);
	free(old);
	rt->v = v;
	rt->n = n;
	/* rs_init_notifies: the servers new here tell their first state
	 * (kept ones told theirs when it changed). */
	for (size_t i = 0; check_notify_init_notifies(rt->notify) && i < n; i++)
		if (v[i]->fresh)
			check_notify_rs(rt->notify, v[i]->vs, v[i]->rs, v[i]->up);
	check_quorum_init_notify(rt->vsv, rt->nvs,
				 check_notify_init_notifies(rt->notify)
					 ? rt->notify : NULL);
	/* A kept virtual server whose quorum or hysteresis changed (not
	 * one kept whole: nothing of its quorum changed). */
	for (size_t i = 0; whole && i < rt->nvs; i++)
		whole[i] = whole[i] && !rt->vsv[i]->fresh &&
			   rt->vsv[i]->vs == cc->vs[i];
	check_quorum_eval_some(rt->vsv, rt->nvs, rt->notify, whole);
	free(whole);
	for (size_t i = 0; i < n; i++) {
		/* Kept whole: its timers run on as they were. */
		if (v[i]->as_is) {
			v[i]->as_is = false;
			continue;
		}
		for (size_t k = 0; k < v[i]->ncks; k++)
			schedule(&v[i]->cks[k], v[i]->cks[k].next_at);
	}
	if (total)
		log_info("checkers: %zu real servers, %zu kept their state", n, kept);
	return 0;
}

void check_rt_log_all_failures(struct check_rt *rt, bool on)
{
	rt->log_all = on;
}

void check_rt_set_alive(struct check_rt *rt, void (*fn)(void *arg), void *arg)
{
	rt->alive = fn;
	rt->alive_arg = arg;
}

void check_rt_set_notify(struct check_rt *rt, struct check_notify *n)
{
	rt->notify = n;
}

void check_rt_stopping(struct check_rt *rt)
{
	if (!rt)
		return;
	check_notify_stopping(rt->notify);
	/* omega: what is up is told down, as keepalived does at shutdown. */
	for (size_t i = 0; i < rt->n; i++) {
		const struct check_rs_rt *r = rt->v[i];

		if (r->vs->omega && r->up)
			check_notify_rs(rt->notify, r->vs, r->rs, false);
	}
	check_quorum_stopping(rt->vsv, rt->nvs, rt->notify);
}

int check_rt_new(sd_event *e, void (*changed)(void *arg), void *arg,
		 struct check_rt **out)
{
	struct check_rt *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return -ENOMEM;
	/* Routine starts a few a turn, so that what they set off is
	 * served between them (see PRIO_ROUTINE, ROUTINE_BATCH). */
	if (check_timers_new(e, PRIO_ROUTINE, ROUTINE_BATCH, &rt->routine) < 0 ||
	    check_timers_new(e, PRIO_RETRY, CHECK_TIMER_BATCH, &rt->retries) < 0 ||
	    check_timers_new(e, SD_EVENT_PRIORITY_NORMAL, CHECK_TIMER_BATCH,
			     &rt->probes) < 0) {
		check_timers_free(rt->routine);
		check_timers_free(rt->retries);
		free(rt);
		return -ENOMEM;
	}
	rt->e = sd_event_ref(e);
	rt->changed = changed;
	rt->arg = arg;
	*out = rt;
	return 0;
}

void check_rt_free(struct check_rt *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->n; i++)
		rs_rt_free(rt->v[i]);
	free(rt->v);
	check_quorum_free(rt->vsv, rt->nvs);
	check_timers_free(rt->routine);
	check_timers_free(rt->retries);
	check_timers_free(rt->probes);
	sd_event_source_disable_unref(rt->defer);
	sd_event_unref(rt->e);
	free(rt);
}

void check_rt_on_rs_change(struct check_rt *rt, check_rs_change_fn fn, void *arg)
{
	if (!rt)
		return;
	rt->on_rs = fn;
	rt->on_rs_arg = arg;
}

/* ------------------------------------------------------------------ */
/* What the table sees                                                 */

int check_rs_weight(const struct check_vs *vs, const struct check_rs *rs)
{
	int inhibit;

	if (!rs->rt)
		return rs->weight;
	if (rs->rt->up && rs->rt->admin == CHECK_ADMIN_DRAINED)
		return 0;
	if (rs->rt->up && rs->rt->admin != CHECK_ADMIN_DISABLED) {
		/* A dynamic weight (MISC_CHECK) replaces the configured
		 * one; FILE_CHECK's adds to it. */
		int64_t w = rs->rt->weight >= 0 ? rs->rt->weight : rs->weight;

		for (size_t i = 0; i < rs->rt->ncks; i++)
			w += rs->rt->cks[i].weight_delta;
		return w < 0 ? 0 : w > 65535 ? 65535 : (int)w;
	}
	inhibit = rs->inh.inhibit_on_failure >= 0 ? rs->inh.inhibit_on_failure
						  : vs->inh.inhibit_on_failure;
	return inhibit > 0 ? 0 : -1;
}

uint64_t check_vs_live_weight(const struct check_vs *vs)
{
	uint64_t live = 0;

	for (size_t i = 0; i < vs->nrs; i++) {
		int w = check_rs_weight(vs, vs->rs[i]);

		if (w > 0)
			live += (uint64_t)w;
	}
	return live;
}

/* ------------------------------------------------------------------ */
/* For the operator's commands (check_admin.c)                        */

void check_rs_rt_poll(struct check_rs_rt *r)
{
	uint64_t now = mono_now(r->rt);

	for (size_t i = 0; i < r->ncks; i++)
		if (!r->cks[i].running)
			schedule(&r->cks[i], now);
}

void check_rt_table_due(struct check_rt *rt)
{
	table_due(rt, NULL);
}

const char *check_admin_str(enum check_admin a)
{
	return a == CHECK_ADMIN_DRAINED ? "drained"
	     : a == CHECK_ADMIN_DISABLED ? "disabled" : NULL;
}

/* ------------------------------------------------------------------ */
/* Dumps                                                               */

struct check_rs_rt *const *check_rt_servers(const struct check_rt *rt,
					    size_t *n)
{
	*n = rt ? rt->n : 0;
	return rt ? rt->v : NULL;
}

struct check_vs_rt *const *check_rt_quorums(const struct check_rt *rt,
					    size_t *n)
{
	*n = rt ? rt->nvs : 0;
	return rt ? rt->vsv : NULL;
}

void check_rt_dump(const struct check_rt *rt, FILE *out)
{
	char v[80], s[64];

	fprintf(out, "------< Real servers >------\n");
	for (size_t i = 0; rt && i < rt->n; i++) {
		const struct check_rs_rt *r = rt->v[i];

		check_vs_name(r->vs, v, sizeof(v));
		check_rs_name(r->rs, s, sizeof(s));
		fprintf(out, " %s -> %s: %s%s%s, weight %d, %llu transitions\n",
			v, s, r->up ? "up" : "down", r->admin ? ", " : "",
			r->admin ? check_admin_str(r->admin) : "",
			check_rs_weight(r->vs, r->rs),
			(unsigned long long)r->transitions);
		for (size_t k = 0; k < r->ncks; k++) {
			const struct check_ck_rt *c = &r->cks[k];

			fprintf(out, "   %s: %s, %llu checks, %llu failed, last %s%s%s\n",
				c->type->name, c->up ? "up" : "down",
				(unsigned long long)c->checks,
				(unsigned long long)c->failed,
				!c->last_at ? "none" : c->last_ok ? "ok" : "failed",
				c->last_ok || !c->last_at ? "" : ": ",
				c->last_ok || !c->last_at ? "" : c->reason);
		}
	}
	if (rt)
		check_quorum_dump(rt->vsv, rt->nvs, out);
}

struct json_object *check_rt_vs_json(const struct check_rt *rt)
{
	return check_quorum_json(rt ? rt->vsv : NULL, rt ? rt->nvs : 0);
}

struct json_object *check_rt_sched_json(const struct check_rt *rt)
{
	struct json_object *o = json_object_new_object();
	uint64_t recent = 0;

	if (rt) {
		recent = rt->late.win_max_us > rt->late.prev_max_us
				 ? rt->late.win_max_us : rt->late.prev_max_us;
		if (mono_clock() - rt->late.win_at >= 2 * LATE_WINDOW_USEC)
			recent = 0;	/* no check started lately */
	}
	json_object_object_add(o, "now_usec", json_object_new_int64((int64_t)mono_clock()));
	json_object_object_add(o, "checks_started",
			       json_object_new_int64(rt ? (int64_t)rt->late.starts : 0));
	json_object_object_add(o, "start_late_sum_usec",
			       json_object_new_int64(rt ? (int64_t)rt->late.sum_us : 0));
	json_object_object_add(o, "start_late_max_usec",
			       json_object_new_int64(rt ? (int64_t)rt->late.max_us : 0));
	json_object_object_add(o, "start_late_recent_max_usec",
			       json_object_new_int64((int64_t)recent));
	return o;
}

struct json_object *check_rt_json(const struct check_rt *rt)
{
	struct json_object *a = json_object_new_array();
	char v[80], s[64];

	for (size_t i = 0; rt && i < rt->n; i++) {
		const struct check_rs_rt *r = rt->v[i];
		struct json_object *o = json_object_new_object();
		struct json_object *cs = json_object_new_array();
		int w;

		check_vs_name(r->vs, v, sizeof(v));
		check_rs_name(r->rs, s, sizeof(s));
		json_object_object_add(o, "virtual_server", json_object_new_string(v));
		json_object_object_add(o, "real_server", json_object_new_string(s));
		json_object_object_add(o, "up", json_object_new_boolean(r->up));
		json_object_object_add(o, "admin", r->admin ? json_object_new_string(
				       check_admin_str(r->admin)) : NULL);
		w = check_rs_weight(r->vs, r->rs);
		json_object_object_add(o, "in_table", json_object_new_boolean(w >= 0));
		json_object_object_add(o, "weight", w >= 0 ? json_object_new_int(w) : NULL);
		json_object_object_add(o, "since_usec",
				       json_object_new_int64((int64_t)r->since));
		json_object_object_add(o, "transitions",
				       json_object_new_int64((int64_t)r->transitions));
		for (size_t k = 0; k < r->ncks; k++) {
			const struct check_ck_rt *c = &r->cks[k];
			struct json_object *co = json_object_new_object();

			json_object_object_add(co, "type", json_object_new_string(c->type->name));
			json_object_object_add(co, "up", json_object_new_boolean(c->up));
			json_object_object_add(co, "checks", json_object_new_int64((int64_t)c->checks));
			json_object_object_add(co, "failed", json_object_new_int64((int64_t)c->failed));
			json_object_object_add(co, "last_result", json_object_new_string(
				!c->last_at ? "none" : c->last_ok ? "ok" : "failed"));
			json_object_object_add(co, "reason", json_object_new_string(c->reason));
			json_object_object_add(co, "last_usec", json_object_new_int64((int64_t)c->last_at));
			json_object_object_add(co, "dynamic_weight", c->weight >= 0
					       ? json_object_new_int(c->weight) : NULL);
			json_object_array_add(cs, co);
		}
		json_object_object_add(o, "checkers", cs);
		json_object_array_add(a, o);
	}
	return a;
}
