/*
 * Keyword lookup by hash.
 *
 * A table is a plain array of struct conf_keyword, which is what makes the
 * tables declarative and easy to read, but scanning it with strcmp for
 * every statement made lookups the largest single cost of reading a big
 * file: 10,000 real_server blocks mean 10,000 scans of the same table.  So
 * each table met during one walk (apply or dump) gets an index, built the
 * first time and kept until the walk ends: an open-addressing hash of the
 * names, keyed by the table's address.  Keeping the indexes per walk, not
 * in globals, means a table that lives only for a while (a test's) can
 * never be looked up through a stale index, and nothing outlives a walk.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

struct conf_kwidx {
	const struct conf_keyword *kw;	/* the table this indexes */
	size_t nkw;
	size_t mask;
	uint32_t *slot;			/* keyword index + 1; 0: empty */
};

uint64_t conf_str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t conf_ptr_slot(const void *p, size_t mask)
{
	uint64_t h = (uint64_t)(uintptr_t)p;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 29) & mask;
}

static struct conf_kwidx *conf_kwidx_build(const struct conf_keyword *kw)
{
	struct conf_kwidx *x = conf_xmalloc(sizeof(*x));
	size_t n = 0, cap = 8;

	for (const struct conf_keyword *k = kw; k && k->name; k++)
		n++;
	while (cap < n * 2 + 2)
		cap *= 2;
	x->kw = kw;
	x->nkw = n;
	x->mask = cap - 1;
	x->slot = calloc(cap, sizeof(*x->slot));
	if (!x->slot)
		abort();
	for (size_t i = n; i-- > 0;) {
		/* Backwards, and a later duplicate is overwritten: the first
		 * entry of a name wins, as the linear scan had it. */
		size_t s = conf_str_hash(kw[i].name) & x->mask;

		while (x->slot[s] && strcmp(kw[x->slot[s] - 1].name,
					    kw[i].name))
			s = (s + 1) & x->mask;
		x->slot[s] = (uint32_t)i + 1;
	}
	return x;
}

static struct conf_kwidx *conf_kwidx_get(struct conf_kwidx_set *set,
					 const struct conf_keyword *kw)
{
	/* Statements of one block come in runs, and a block's blocks
	 * alternate with it (virtual_server, real_server, virtual_server):
	 * the two tables met last answer most lookups. */
	if (set->last[0] && set->last[0]->kw == kw)
		return set->last[0];
	if (set->last[1] && set->last[1]->kw == kw) {
		struct conf_kwidx *x = set->last[1];

		set->last[1] = set->last[0];
		return set->last[0] = x;
	}
	if ((set->n + 1) * 2 > set->cap) {
		struct conf_kwidx **old = set->v;
		size_t oldcap = set->cap;

		set->cap = oldcap ? oldcap * 2 : 32;
		set->v = calloc(set->cap, sizeof(*set->v));
		if (!set->v)
			abort();
		for (size_t i = 0; i < oldcap; i++) {
			if (!old[i])
				continue;
			size_t s = conf_ptr_slot(old[i]->kw, set->cap - 1);

			while (set->v[s])
				s = (s + 1) & (set->cap - 1);
			set->v[s] = old[i];
		}
		free(old);
	}
	size_t s = conf_ptr_slot(kw, set->cap - 1);

	while (set->v[s] && set->v[s]->kw != kw)
		s = (s + 1) & (set->cap - 1);
	if (!set->v[s]) {
		set->v[s] = conf_kwidx_build(kw);
		set->n++;
	}
	set->last[1] = set->last[0];
	return set->last[0] = set->v[s];
}

const struct conf_keyword *conf_kw_find(struct conf_kwidx_set *set,
					const struct conf_block *b,
					const char *word)
{
	if (!b || !b->keywords)
		return NULL;
	struct conf_kwidx *x = conf_kwidx_get(set, b->keywords);

	for (size_t s = conf_str_hash(word) & x->mask; x->slot[s];
	     s = (s + 1) & x->mask) {
		const struct conf_keyword *k = &x->kw[x->slot[s] - 1];

		if (!strcmp(k->name, word))
			return k;
	}
	return NULL;
}

size_t conf_kw_count(struct conf_kwidx_set *set, const struct conf_block *b)
{
	if (!b || !b->keywords)
		return 0;
	return conf_kwidx_get(set, b->keywords)->nkw;
}

void conf_kwidx_free(struct conf_kwidx_set *set)
{
	for (size_t i = 0; i < set->cap; i++) {
		if (set->v[i]) {
			free(set->v[i]->slot);
			free(set->v[i]);
		}
	}
	free(set->v);
	memset(set, 0, sizeof(*set));
}
