/*
 * Reconciling the wanted IPVS table with the kernel's (rules in
 * ipvs_reconcile.h).
 *
 * Both tables are sorted by key and merged, as BIRD merges configs on
 * reload, so a table of thousands of services costs O(n log n) and not a
 * search per entry.  Destinations are compared with their family made
 * explicit (0 means "the service's"), so a config that leaves it implicit
 * matches what the kernel reports.  Actions are produced in merge order and
 * then grouped by kind (service deletions, additions, changes, then
 * destination deletions, additions, changes): a destination is always added
 * after its service, and deletions free addresses before additions reuse
 * them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipvs/ipvs_nl.h"
#include "ipvs/ipvs_reconcile.h"

void ipvs_plan_free(struct ipvs_plan *plan)
{
	free(plan->a);
	plan->a = NULL;
	plan->n = plan->cap = 0;
}

static int push(struct ipvs_plan *p, enum ipvs_action_kind kind,
		const struct ipvs_service *s, const struct ipvs_dest *d)
{
	struct ipvs_action *a;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 32;

		a = realloc(p->a, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		p->a = a;
		p->cap = cap;
	}
	a = &p->a[p->n++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->svc = *s;
	if (d)
		a->dest = *d;
	return 0;
}

static int cmp_vs(const void *x, const void *y)
{
	const struct ipvs_vs *a = *(const struct ipvs_vs *const *)x;
	const struct ipvs_vs *b = *(const struct ipvs_vs *const *)y;

	return ipvs_service_cmp(&a->svc, &b->svc);
}

/* Destinations sorted with their family resolved. */
static int cmp_dest(const void *x, const void *y)
{
	return ipvs_dest_cmp(x, y, 0);
}

/* Tables built from a config are mostly in order already (as written,
 * and the kernel lists them back so too): a look costs n compares where
 * a sort costs n log n and moves every element. */
static bool in_order(const void *base, size_t n, size_t size,
		     int (*cmp)(const void *, const void *))
{
	const char *p = base;

	for (size_t i = 1; i < n; i++)
		if (cmp(p + (i - 1) * size, p + i * size) > 0)
			return false;
	return true;
}

static const struct ipvs_vs **sorted_vs(const struct ipvs_table *t)
{
	const struct ipvs_vs **v = malloc((t->n ? t->n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		v[i] = &t->vs[i];
	if (!in_order(v, t->n, sizeof(*v), cmp_vs))
		qsort(v, t->n, sizeof(*v), cmp_vs);
	return v;
}

/* A service's destinations in key order with their family resolved:
 * its own array when it already is so (a copy would be the same bytes),
 * else a sorted copy in *copy, to free. */
static const struct ipvs_dest *sorted_dests(const struct ipvs_vs *vs,
					    struct ipvs_dest **copy)
{
	static const struct ipvs_dest none;
	size_t n = vs ? vs->ndests : 0;
	struct ipvs_dest *d;
	bool resolved = true;

	*copy = NULL;
	for (size_t i = 0; i < n && resolved; i++)
		resolved = vs->dests[i].af != 0;
	if (!n)
		return &none;
	if (resolved && in_order(vs->dests, n, sizeof(*vs->dests), cmp_dest))
		return vs->dests;
	if (!(d = *copy = malloc(n * sizeof(*d))))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		d[i] = vs->dests[i];
		if (!d[i].af)
			d[i].af = vs->svc.af;
	}
	if (!in_order(d, n, sizeof(*d), cmp_dest))
		qsort(d, n, sizeof(*d), cmp_dest);
	return d;
}

static const struct ipvs_vs *find_sorted(const struct ipvs_vs **v, size_t n,
					 const struct ipvs_service *key)
{
	struct ipvs_vs k = { .svc = *key };
	const struct ipvs_vs *kp = &k, **hit;

	if (!v)
		return NULL;
	hit = bsearch(&kp, v, n, sizeof(*v), cmp_vs);
	return hit ? *hit : NULL;
}

static bool owned_dest(const struct ipvs_dest *own, size_t n, const struct ipvs_dest *d)
{
	return own && bsearch(d, own, n, sizeof(*own), cmp_dest) != NULL;
}

/* Destinations of a service present on both sides. */
static int merge_dests(struct ipvs_plan *p, const struct ipvs_vs *want,
		       const struct ipvs_vs *have, const struct ipvs_vs *owned, bool flush)
{
	struct ipvs_dest *wc, *hc, *oc = NULL;
	const struct ipvs_dest *w = sorted_dests(want, &wc),
			       *h = sorted_dests(have, &hc);
	/* A reload owns what it diffs against: one sorted index serves. */
	const struct ipvs_dest *o = !owned ? NULL : owned == have ? h
					 : sorted_dests(owned, &oc);
	size_t i = 0, j = 0, nw = want->ndests, nh = have->ndests;
	size_t no = owned ? owned->ndests : 0;
	int r = 0;

	if (!w || !h || (owned && !o)) {
		r = -ENOMEM;
		goto out;
	}
	while (r == 0 && (i < nw || j < nh)) {
		int c = i == nw ? 1 : j == nh ? -1 : ipvs_dest_cmp(&w[i], &h[j], 0);

		if (c < 0) {
			r = push(p, IPVS_ACT_DEST_ADD, &want->svc, &w[i]);
		} else if (c > 0) {
			if (flush || owned_dest(o, no, &h[j]))
				r = push(p, IPVS_ACT_DEST_DEL, &want->svc, &h[j]);
			j++;
			continue;
		} else {
			if (!ipvs_dest_same_config(&w[i], &h[j], 0))
				r = push(p, IPVS_ACT_DEST_SET, &want->svc, &w[i]);
			j++;
		}
		/* A key named twice in the wanted table counts once. */
		do
			i++;
		while (i < nw && ipvs_dest_cmp(&w[i], &w[i - 1], 0) == 0);
	}
out:
	free(wc);
	free(hc);
	free(oc);
	return r;
}

/* A service the same to the byte on both sides, settings and
 * destinations in the same order, needs nothing: the common case of a
 * reload, where all but one of thousands of services are as they were,
 * then costs a memcmp each rather than sorting and merging their
 * destinations.  (Same bytes are the same values, so this never hides
 * a change; a destination's key is unique within a service, as the
 * config allows a real server once and the kernel a destination once.) */
static bool same_bytes(const struct ipvs_vs *a, const struct ipvs_vs *b)
{
	return !memcmp(&a->svc, &b->svc, sizeof(a->svc)) &&
	       a->ndests == b->ndests &&
	       (!a->ndests || !memcmp(a->dests, b->dests,
				      a->ndests * sizeof(*a->dests)));
}

/* Stable grouping of the actions by kind. */
static int group_by_kind(struct ipvs_plan *p)
{
	struct ipvs_action *sorted;
	size_t k = 0;

	if (!p->n)
		return 0;
	sorted = malloc(p->n * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	for (int kind = IPVS_ACT_SERVICE_DEL; kind <= IPVS_ACT_DEST_SET; kind++)
		for (size_t i = 0; i < p->n; i++)
			if ((int)p->a[i].kind == kind)
				sorted[k++] = p->a[i];
	free(p->a);
	p->a = sorted;
	p->cap = p->n;
	return 0;
}

int ipvs_reconcile(const struct ipvs_table *want, const struct ipvs_table *have,
		   const struct ipvs_reconcile_opts *opts, struct ipvs_plan *plan)
{
	const struct ipvs_table *owned = opts ? opts->owned : NULL;
	bool flush = opts && opts->flush;
	const struct ipvs_vs **w = sorted_vs(want), **h = sorted_vs(have);
	/* A reload diffs against the table it owns (no kernel dump): then
	 * one sorted index serves both. */
	const struct ipvs_vs **o = !owned ? NULL : owned == have ? h
					  : sorted_vs(owned);
	size_t i = 0, j = 0;
	int r = 0;

	ipvs_plan_free(plan);
	if (!w || !h || (owned && !o)) {
		r = -ENOMEM;
		goto out;
	}
	while (r == 0 && (i < want->n || j < have->n)) {
		int c = i == want->n ? 1 : j == have->n ? -1 : ipvs_service_cmp(&w[i]->svc, &h[j]->svc);

		if (c < 0) {
			r = push(plan, IPVS_ACT_SERVICE_ADD, &w[i]->svc, NULL);
			for (size_t k = 0; r == 0 && k < w[i]->ndests; k++) {
				/* Skip keys named twice. */
				bool dup = false;

				for (size_t q = 0; q < k && !dup; q++)
					dup = ipvs_dest_same_key(&w[i]->dests[q], &w[i]->dests[k], w[i]->svc.af);
				if (!dup)
					r = push(plan, IPVS_ACT_DEST_ADD, &w[i]->svc, &w[i]->dests[k]);
			}
		} else if (c > 0) {
			if (flush || (o && find_sorted(o, owned->n, &h[j]->svc)))
				r = push(plan, IPVS_ACT_SERVICE_DEL, &h[j]->svc, NULL);
			j++;
			continue;
		} else if (same_bytes(w[i], h[j])) {
			j++;
		} else {
			if (!ipvs_service_same_config(&w[i]->svc, &h[j]->svc))
				r = push(plan, IPVS_ACT_SERVICE_SET, &w[i]->svc, NULL);
			if (r == 0)
				r = merge_dests(plan, w[i], h[j],
						o ? find_sorted(o, owned->n, &w[i]->svc) : NULL, flush);
			j++;
		}
		do
			i++;
		while (i < want->n && ipvs_service_cmp(&w[i]->svc, &w[i - 1]->svc) == 0);
	}
	if (r == 0)
		r = group_by_kind(plan);
out:
	free(w);
	free(h);
	if (o != h)
		free(o);
	if (r < 0)
		ipvs_plan_free(plan);
	return r;
}

int ipvs_plan_apply(struct ipvs_nl *nl, const struct ipvs_plan *plan)
{
	ipvs_batch_begin(nl);
	for (size_t i = 0; i < plan->n; i++) {
		const struct ipvs_action *a = &plan->a[i];

		switch (a->kind) {
		case IPVS_ACT_SERVICE_DEL: ipvs_service_del(nl, &a->svc); break;
		case IPVS_ACT_SERVICE_ADD: ipvs_service_add(nl, &a->svc); break;
		case IPVS_ACT_SERVICE_SET: ipvs_service_set(nl, &a->svc); break;
		case IPVS_ACT_DEST_DEL: ipvs_dest_del(nl, &a->svc, &a->dest); break;
		case IPVS_ACT_DEST_ADD: ipvs_dest_add(nl, &a->svc, &a->dest); break;
		case IPVS_ACT_DEST_SET: ipvs_dest_set(nl, &a->svc, &a->dest); break;
		}
		if (i % IPVS_PROGRESS_EVERY == IPVS_PROGRESS_EVERY - 1)
			ipvs_progress(nl);
	}
	return ipvs_batch_end(nl);
}
