/*
 * The MIB view of snmp_view.h: cells appended in any order, sorted once
 * (qsort by OID) before the first lookup, then binary-searched.  The
 * subsystems rebuild a view from scratch when it is older than a second
 * (snmp_agent.c), so no cell is ever updated in place and a walk sees
 * one consistent snapshot.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/snmp_view.h"

void snmp_idx_init(struct snmp_idx *x)
{
	memset(x, 0, sizeof(*x));
}

void snmp_idx_int(struct snmp_idx *x, unsigned long v)
{
	if (x->len >= SNMP_VIEW_MAXOID) {
		x->overflow = true;
		return;
	}
	x->sub[x->len++] = v;
}

void snmp_idx_octets(struct snmp_idx *x, const void *p, size_t len)
{
	const unsigned char *b = p;

	snmp_idx_int(x, len);
	for (size_t i = 0; i < len; i++)
		snmp_idx_int(x, b[i]);
}

void snmp_idx_ipv4(struct snmp_idx *x, const void *addr)
{
	const unsigned char *b = addr;

	for (int i = 0; i < 4; i++)
		snmp_idx_int(x, b[i]);
}

void snmp_idx_inet(struct snmp_idx *x, int family, const void *addr)
{
	snmp_idx_octets(x, addr, family == AF_INET ? 4
			: family == AF_INET6 ? 16 : 0);
}

int snmp_inet_type(int family)
{
	return family == AF_INET ? 1 : family == AF_INET6 ? 2 : 0;
}

int snmp_oid_cmp(const snmp_subid *a, size_t alen, const snmp_subid *b,
		 size_t blen)
{
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

void snmp_view_init(struct snmp_view *w)
{
	memset(w, 0, sizeof(*w));
}

void snmp_view_clear(struct snmp_view *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].s);
	w->n = 0;
	w->sorted = false;
	w->failed = false;
}

void snmp_view_free(struct snmp_view *w)
{
	snmp_view_clear(w);
	free(w->v);
	snmp_view_init(w);
}

size_t snmp_oid_cell(snmp_subid name[SNMP_VIEW_MAXOID], const snmp_subid *entry,
		     size_t elen, unsigned col, const struct snmp_idx *idx)
{
	size_t ilen = idx ? idx->len : 1;

	if ((idx && idx->overflow) || elen + 1 + ilen > SNMP_VIEW_MAXOID)
		return 0;
	memcpy(name, entry, elen * sizeof(*entry));
	name[elen] = col;
	if (idx)
		memcpy(name + elen + 1, idx->sub, ilen * sizeof(*idx->sub));
	else
		name[elen + 1] = 0;
	return elen + 1 + ilen;
}

static struct snmp_cell *cell(struct snmp_view *w, const snmp_subid *entry,
			      size_t elen, unsigned col,
			      const struct snmp_idx *idx)
{
	snmp_subid name[SNMP_VIEW_MAXOID];
	size_t len = snmp_oid_cell(name, entry, elen, col, idx);
	struct snmp_cell *c;

	if (!len) {
		w->failed = true;
		return NULL;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct snmp_cell *v = realloc(w->v, cap * sizeof(*v));

		if (!v) {
			w->failed = true;
			return NULL;
		}
		w->v = v;
		w->cap = cap;
	}
	c = &w->v[w->n++];
	memset(c, 0, sizeof(*c));
	memcpy(c->name, name, len * sizeof(*name));
	c->len = len;
	w->sorted = false;
	return c;
}

void snmp_view_int(struct snmp_view *w, const snmp_subid *entry, size_t elen,
		   unsigned col, const struct snmp_idx *idx, int64_t v)
{
	struct snmp_cell *c = cell(w, entry, elen, col, idx);

	if (c) {
		c->type = SNMP_CELL_INTEGER;
		c->i = v;
	}
}

void snmp_view_uint(struct snmp_view *w, const snmp_subid *entry, size_t elen,
		    unsigned col, const struct snmp_idx *idx,
		    enum snmp_cell_type t, uint64_t v)
{
	struct snmp_cell *c = cell(w, entry, elen, col, idx);

	if (!c)
		return;
	c->type = t;
	/* the 32-bit kinds wrap as the SMI says counters do */
	c->u = t == SNMP_CELL_COUNTER64 ? v : (uint32_t)v;
}

void snmp_view_octets(struct snmp_view *w, const snmp_subid *entry,
		      size_t elen, unsigned col, const struct snmp_idx *idx,
		      const void *p, size_t len)
{
	struct snmp_cell *c = cell(w, entry, elen, col, idx);

	if (!c)
		return;
	c->type = SNMP_CELL_OCTETS;
	if (len) {
		c->s = malloc(len);
		if (!c->s) {
			w->n--;
			w->failed = true;
			return;
		}
		memcpy(c->s, p, len);
	}
	c->slen = len;
}

void snmp_view_ipaddr(struct snmp_view *w, const snmp_subid *entry,
		      size_t elen, unsigned col, const struct snmp_idx *idx,
		      const void *a)
{
	size_t n = w->n;

	snmp_view_octets(w, entry, elen, col, idx, a, 4);
	if (w->n > n)
		w->v[w->n - 1].type = SNMP_CELL_IPADDRESS;
}

void snmp_view_str(struct snmp_view *w, const snmp_subid *entry, size_t elen,
		   unsigned col, const struct snmp_idx *idx, const char *s)
{
	snmp_view_octets(w, entry, elen, col, idx, s ? s : "",
			 s ? strlen(s) : 0);
}

static int cell_cmp(const void *a, const void *b)
{
	const struct snmp_cell *x = a, *y = b;

	return snmp_oid_cmp(x->name, x->len, y->name, y->len);
}

const struct snmp_cell *snmp_view_find(struct snmp_view *w,
				       const snmp_subid *name, size_t len,
				       bool exact, bool inclusive)
{
	size_t lo = 0, hi;

	if (!w->sorted) {
		if (w->n)
			qsort(w->v, w->n, sizeof(*w->v), cell_cmp);
		w->sorted = true;
	}
	/* the first cell >= name */
	hi = w->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (snmp_oid_cmp(w->v[mid].name, w->v[mid].len, name, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < w->n && !snmp_oid_cmp(w->v[lo].name, w->v[lo].len, name, len)) {
		if (exact || inclusive)
			return &w->v[lo];
		lo++;
	} else if (exact) {
		return NULL;
	}
	return lo < w->n ? &w->v[lo] : NULL;
}

