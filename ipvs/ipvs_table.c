/*
 * Whole-table helpers: read the kernel's table, build one by hand, find
 * entries, and the key order the reconciler sorts by.
 *
 * A destination read back always carries its own family; one built from a
 * config may leave it 0 ("the service's"), so every key comparison is given
 * the service's family to resolve it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipvs/ipvs_nl.h"
#include "ipvs/ipvs_table.h"

void ipvs_table_free(struct ipvs_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->vs[i].dests);
	free(t->vs);
	t->vs = NULL;
	t->n = t->cap = 0;
}

/* The room for one more of n entries when cap is there: doubled, so a
 * table of thousands of services is not copied once per service. */
static size_t grown(size_t n, size_t cap)
{
	if (cap > n)
		return cap;
	return n < 8 ? 8 : 2 * n;
}

int ipvs_table_read(struct ipvs_nl *nl, struct ipvs_table *t)
{
	struct ipvs_service *svcs;
	size_t n;
	int r;

	ipvs_table_free(t);
	r = ipvs_service_dump(nl, &svcs, &n);
	if (r < 0)
		return r;
	if (n) {
		t->vs = calloc(n, sizeof(*t->vs));
		if (!t->vs) {
			free(svcs);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < n; i++) {
		t->vs[i].svc = svcs[i];
		t->n = i + 1;
		r = ipvs_dest_dump(nl, &svcs[i], &t->vs[i].dests, &t->vs[i].ndests);
		if (r < 0) {
			free(svcs);
			ipvs_table_free(t);
			return r;
		}
	}
	free(svcs);
	return 0;
}

struct ipvs_vs *ipvs_table_add_service(struct ipvs_table *t, const struct ipvs_service *s)
{
	size_t cap = grown(t->n, t->cap);
	struct ipvs_vs *v = cap == t->cap ? t->vs
					  : realloc(t->vs, cap * sizeof(*v));

	if (!v)
		return NULL;
	t->vs = v;
	t->cap = cap;
	v = &t->vs[t->n++];
	memset(v, 0, sizeof(*v));
	v->svc = *s;
	return v;
}

struct ipvs_dest *ipvs_vs_add_dest(struct ipvs_vs *vs, const struct ipvs_dest *d)
{
	size_t cap = grown(vs->ndests, vs->dests_cap);
	struct ipvs_dest *l = cap == vs->dests_cap ? vs->dests
			      : realloc(vs->dests, cap * sizeof(*l));

	if (!l)
		return NULL;
	vs->dests = l;
	vs->dests_cap = cap;
	l[vs->ndests] = *d;
	return &l[vs->ndests++];
}

struct ipvs_vs *ipvs_table_find(const struct ipvs_table *t, const struct ipvs_service *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (ipvs_service_same_key(&t->vs[i].svc, key))
			return &t->vs[i];
	return NULL;
}

struct ipvs_dest *ipvs_vs_find_dest(const struct ipvs_vs *vs, const struct ipvs_dest *key)
{
	for (size_t i = 0; i < vs->ndests; i++)
		if (ipvs_dest_same_key(&vs->dests[i], key, vs->svc.af))
			return &vs->dests[i];
	return NULL;
}

static size_t addr_len(int af)
{
	return af == AF_INET6 ? 16 : 4;
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

int ipvs_service_cmp(const struct ipvs_service *a, const struct ipvs_service *b)
{
	int c;

	CMP(a->af, b->af);
	CMP(a->fwmark, b->fwmark);
	if (a->fwmark)
		return 0;
	CMP(a->protocol, b->protocol);
	c = memcmp(&a->addr, &b->addr, addr_len(a->af));
	if (c)
		return c < 0 ? -1 : 1;
	CMP(a->port, b->port);
	return 0;
}

int ipvs_dest_cmp(const struct ipvs_dest *a, const struct ipvs_dest *b, int svc_af)
{
	int afa = a->af ? a->af : svc_af, afb = b->af ? b->af : svc_af, c;

	CMP(afa, afb);
	c = memcmp(&a->addr, &b->addr, addr_len(afa));
	if (c)
		return c < 0 ? -1 : 1;
	CMP(a->port, b->port);
	return 0;
}
