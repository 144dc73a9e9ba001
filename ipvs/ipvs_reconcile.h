/*
 * The reconciler: from the table tandem wants, the table the kernel has and
 * the entries tandem owns, the shortest list of changes that makes the
 * kernel match.  Pure logic, no socket, so every rule is unit-tested.
 *
 * Rules: an entry present in both with the same settings is adopted (no
 * request, its connections and counters survive); one with other settings
 * is changed in place ("set"), never deleted and re-added; a missing one is
 * added.  A kernel entry the wanted table does not name is deleted only if
 * tandem owns it (it was in the previously applied table) or flush is
 * asked for; otherwise it is left alone.  Destinations of a service that is
 * deleted go with it, so they get no requests of their own.
 */
#ifndef TANDEM_IPVS_RECONCILE_H
#define TANDEM_IPVS_RECONCILE_H

#include "ipvs/ipvs_table.h"

struct ipvs_nl;

enum ipvs_action_kind {
	IPVS_ACT_SERVICE_DEL,
	IPVS_ACT_SERVICE_ADD,
	IPVS_ACT_SERVICE_SET,
	IPVS_ACT_DEST_DEL,
	IPVS_ACT_DEST_ADD,
	IPVS_ACT_DEST_SET,
};

struct ipvs_action {
	enum ipvs_action_kind kind;
	struct ipvs_service svc;
	struct ipvs_dest dest;		/* for the DEST kinds */
};

struct ipvs_plan {
	struct ipvs_action *a;		/* malloc'ed, in the order to apply */
	size_t n, cap;
};

struct ipvs_reconcile_opts {
	/* What tandem applied before (NULL at start): the entries it owns. */
	const struct ipvs_table *owned;
	/* Delete every kernel entry the wanted table does not name. */
	bool flush;
};

/* 0 or -ENOMEM.  plan is emptied first. */
int ipvs_reconcile(const struct ipvs_table *want, const struct ipvs_table *have,
		   const struct ipvs_reconcile_opts *opts, struct ipvs_plan *plan);
void ipvs_plan_free(struct ipvs_plan *plan);

/* Send a plan as one batch.  0 when every request succeeded, else the
 * first failure's -errno (each failure went to the client's handler). */
int ipvs_plan_apply(struct ipvs_nl *nl, const struct ipvs_plan *plan);

#endif
