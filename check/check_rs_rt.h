/*
 * Real-server state in the running check process: each real server's
 * checkers scheduled on the sd-event loop, their verdicts combined, and
 * the result offered to the IPVS table.
 *
 * A real server is up while every one of its checkers passes (one
 * without checkers is always up, at its configured weight, as in
 * keepalived).  A checker that is up and fails is retried `retry` times,
 * `delay_before_retry` apart, before it is declared down, so one lost
 * packet does not drop a server; a checker that is down comes back on
 * its first success.  `alpha` starts a checker down, `warmup` spreads
 * the first checks over a random delay.  Between checks a checker waits
 * `delay_loop`.
 *
 * The state hangs off the config's own struct check_rs (its rt field),
 * so the pure config-to-table function reads it without a lookup.  A
 * reload attaches a new config: a real server of the same virtual
 * service whose checkers are the same keeps its verdict, counters and
 * the time of its next check; every other one starts afresh.  When a
 * verdict changes the owner is told once per loop iteration (however
 * many servers changed) to recompute the table.
 *
 * A check may also report a weight (MISC_CHECK with misc_dynamic, in the
 * probe's weight before done()); the real server is then in the table at
 * that weight instead of its configured one, until a check reports none.
 * Every verdict change is told through check_notify (notify_up /
 * notify_down, FIFO lines), and before the table is recomputed the
 * virtual servers' quorums are evaluated again (check_quorum.c), which
 * decides whether a sorry server stands in.
 */
#ifndef TANDEM_CHECK_RS_RT_H
#define TANDEM_CHECK_RS_RT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-event.h>

#include "check/check_checker.h"

struct json_object;

/* How long a checker's checks took, for the metrics (check_metrics.c):
 * a histogram over check_dur_bounds_us and the last one. */
#define CHECK_DUR_NBOUNDS 12
struct check_dur {
	uint64_t last_us, sum_us, count;
	uint64_t bucket[CHECK_DUR_NBOUNDS + 1];	/* last one: above them all */
};
extern const uint64_t check_dur_bounds_us[CHECK_DUR_NBOUNDS];
void check_dur_add(struct check_dur *d, uint64_t us);

/* One checker of one real server, running. */
struct check_ck_rt {
	struct check_rs_rt *rs;
	const struct check_checker *ck;
	const struct check_type *type;
	struct check_timing t;
	struct check_probe probe;
	struct check_timer next;	/* to the next check */
	uint64_t next_at;		/* CLOCK_MONOTONIC usec */
	bool running;
	bool up;
	unsigned failures;		/* in a row while up (retrying) */
	uint64_t checks, failed;	/* totals */
	bool last_ok;
	uint64_t last_at;		/* CLOCK_REALTIME usec; 0: never */
	char reason[CHECK_REASON_MAX];	/* of the last failure */
	int weight;			/* the check's dynamic weight; -1: none */
	int64_t weight_delta;		/* added to the weight (dynamic) */
	uint64_t started_at;		/* CLOCK_MONOTONIC usec; 0: none */
	struct check_dur dur;		/* kept across a reload like checks */
};

struct check_rs_rt {
	struct check_rt *rt;
	const struct check_vs *vs;
	struct check_rs *rs;
	struct check_ck_rt *cks;
	size_t ncks;
	bool up;
	uint64_t since;			/* CLOCK_REALTIME usec of the last change */
	uint64_t transitions;
	/* The weight a checker reported (misc_dynamic: the first checker
	 * that reports one wins); -1: the configured weight. */
	int weight;
	bool fresh;			/* new in the last apply, not kept */
	/* An operator's hold (check_admin.h): kept across a reload that
	 * keeps the real server in its virtual server, even when its
	 * checkers changed. */
	enum check_admin { CHECK_ADMIN_NONE, CHECK_ADMIN_DRAINED,
			   CHECK_ADMIN_DISABLED } admin;
	bool as_is;			/* during an apply: carried over whole */
};

/* A virtual server's quorum while the check process runs: lost when the
 * live weight (check_vs_live_weight) drops below quorum - hysteresis,
 * regained when it reaches quorum + hysteresis. */
struct check_vs_rt {
	const struct check_vs *vs;
	bool quorum_up;
	bool fresh;			/* new in the last apply, not kept */
	/* A change of state of one of its real servers waits for the
	 * table (cleared after CHANGED ran): CHANGED need make again only
	 * the services of the virtual servers so marked. */
	bool table_dirty;
	uint64_t since, transitions;
};

struct check_rt;
struct check_notify;

/* Is a change of state waiting for the table (CHANGED not yet run)? */
bool check_rt_table_pending(const struct check_rt *rt);
/* From CHANGED: is a change that is not one virtual server's among those
 * waiting (an operator's command, a reload while one waited)?  Then the
 * whole table is to be made again; else only the virtual servers whose
 * runtime has table_dirty set changed (their quorums evaluated). */
bool check_rt_table_all(const struct check_rt *rt);

/* CHANGED runs from the loop after verdicts changed. */
int check_rt_new(sd_event *e, void (*changed)(void *arg), void *arg,
		 struct check_rt **out);
/* Run the checkers of CC (its real servers' rt fields are set), taking
 * over what the config attached before had where it is the same; the
 * previous config must still be alive during the call.  0 or -ENOMEM. */
int check_rt_apply(struct check_rt *rt, struct check_conf *cc);
/* checker_log_all_failures: log every failed check of a checker that
 * does not say log_all_failures itself, not only the ones of an up
 * checker (a down one fails on every check). */
void check_rt_log_all_failures(struct check_rt *rt, bool on);
/* Called as each check ends (fn rate-limits itself: the child runtime's
 * heartbeat).  sd-event serves every source found ready before it looks
 * at its timers again, so with thousands of checks ready at once, on a
 * loaded machine, the heartbeat timer can wait seconds while the loop is
 * busy, not hung, and the parent would kill it. */
void check_rt_set_alive(struct check_rt *rt, void (*fn)(void *arg), void *arg);
/* Where changes are told (notify scripts, FIFOs; check_notify.h), and
 * the script settings MISC_CHECK runs with.  Set before check_rt_apply;
 * N outlives RT. */
void check_rt_set_notify(struct check_rt *rt, struct check_notify *n);
/* The process stops: with omega, a virtual server's quorum_down and its
 * real servers' notify_down run now for what is up. */
void check_rt_stopping(struct check_rt *rt);
/* Stop every check and free; the attached config's rt fields are
 * cleared.  NULL is fine. */
void check_rt_free(struct check_rt *rt);

/* The weight RS has in the table now, or -1 when it is out of it: the
 * configured weight when up (or the dynamic one a MISC_CHECK gave, plus
 * what FILE_CHECKs add, kept in [0, 65535]), 0 when down with
 * inhibit_on_failure.  A drained server that would be in the table is
 * there at 0; a disabled one is where a down one would be. */
int check_rs_weight(const struct check_vs *vs, const struct check_rs *rs);
/* Is every real server up?  (For the quorum: the sum of the weights of
 * those that are up.) */
uint64_t check_vs_live_weight(const struct check_vs *vs);
/* Has VS its quorum?  Outside a running check process (no runtime):
 * whether the live weight reaches the quorum. */
bool check_vs_quorum_up(const struct check_vs *vs);

/* For check_admin.c: a check of each of R's checkers now (one in flight
 * is left to finish), and a recompute of the table because a hold
 * changed. */
void check_rs_rt_poll(struct check_rs_rt *r);
void check_rt_table_due(struct check_rt *rt);
/* A virtual server and a real server as the dumps name them:
 * "192.0.2.1:80", "[2001:db8::1]:80", "fwmark 1", "group NAME". */
void check_vs_name(const struct check_vs *vs, char *buf, size_t len);
void check_rs_name(const struct check_rs *rs, char *buf, size_t len);
const char *check_admin_str(enum check_admin a);	/* NULL: none */
/* A real server went up or down (names as the dumps print them; reason:
 * the failing checker's, "" when up), for the control socket's events. */
typedef void (*check_rs_change_fn)(const char *vs, const char *rs, bool up,
				   const char *reason, void *arg);
void check_rt_on_rs_change(struct check_rt *rt, check_rs_change_fn fn, void *arg);
/* For the metrics (check_metrics.c) and the operator's commands
 * (check_admin.c): the running real servers (in config order) and the
 * virtual servers' quorum states (NULL and *n 0 without a runtime). */
struct check_rs_rt *const *check_rt_servers(const struct check_rt *rt,
					    size_t *n);
struct check_vs_rt *const *check_rt_quorums(const struct check_rt *rt,
					    size_t *n);

void check_rt_dump(const struct check_rt *rt, FILE *out);
struct json_object *check_rt_json(const struct check_rt *rt);
/* The virtual servers' quorum states. */
struct json_object *check_rt_vs_json(const struct check_rt *rt);
/* How the loop keeps up: checks started, and how late they started
 * against when they were due (total, worst, and worst over the last 10
 * to 20 s), in usec; and the CLOCK_MONOTONIC time of the dump, so two
 * dumps give a rate.  A check process short of CPU starts its checks
 * late, and every detection time grows by as much. */
struct json_object *check_rt_sched_json(const struct check_rt *rt);

#endif
