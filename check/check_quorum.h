/*
 * Virtual servers' quorums in the running check process: the state of
 * each (struct check_vs_rt, check_rs_rt.h), kept across a reload for a
 * virtual server that is still there, evaluated with hysteresis when
 * real servers' verdicts or weights change, and told through
 * check_notify (quorum_up / quorum_down, "VS ... UP|DOWN" lines).
 * check_rs_rt.c drives it; the table reads check_vs_quorum_up().
 */
#ifndef TANDEM_CHECK_QUORUM_H
#define TANDEM_CHECK_QUORUM_H

#include <stdbool.h>
#include <stdio.h>

#include "check/check_rs_rt.h"

/* Is A the same virtual service as B (for a reload)? */
bool check_vs_same(const struct check_vs *a, const struct check_vs *b);
/* Replace *V (N of them) with the states of CC's virtual servers, taking
 * over the old state of each one still there (the old config must still
 * be alive).  A new one starts up when its live weight reaches quorum.
 * 0 or -ENOMEM (then nothing changed). */
int check_quorum_apply(struct check_vs_rt ***v, size_t *n,
		       struct check_conf *cc);
/* rs_init_notifies: tell the first state of the virtual servers new in
 * the last apply (N NULL: none). */
void check_quorum_init_notify(struct check_vs_rt **v, size_t n,
			      struct check_notify *nt);
/* Re-evaluate every quorum; a change is logged and told through NT. */
void check_quorum_eval(struct check_vs_rt **v, size_t n,
		       struct check_notify *nt);
/* Only those marked table_dirty: a quorum moves only with the state of
 * its real servers, and each change of one marks its virtual server, so
 * a verdict costs its own virtual server, not every one. */
void check_quorum_eval_marked(struct check_vs_rt **v, size_t n,
			      struct check_notify *nt);
/* Same but for the v[i] with skip[i] set (skip NULL: none). */
void check_quorum_eval_some(struct check_vs_rt **v, size_t n,
			    struct check_notify *nt, const bool *skip);
/* At shutdown: quorum_down for the omega ones that have their quorum. */
void check_quorum_stopping(struct check_vs_rt **v, size_t n,
			   struct check_notify *nt);
void check_quorum_free(struct check_vs_rt **v, size_t n);
void check_quorum_dump(struct check_vs_rt *const *v, size_t n, FILE *out);
struct json_object *check_quorum_json(struct check_vs_rt *const *v, size_t n);

#endif
