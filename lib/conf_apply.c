/*
 * Applying the tree to keyword tables.
 *
 * Each block's statements are looked up in that block's table and handled
 * by the keyword's type: typed values are converted (conf_value.c) and
 * stored at the keyword's offset in the block's object; BLOCK keywords
 * descend with their own table and object (made by the table's open());
 * LIST keywords hand each inner line to a handler; CUSTOM handlers get
 * the whole statement.  Nothing here knows any keyword: the tables do.
 *
 * The checks a user meets here are the generic ones: an unknown keyword
 * (with a close spelling suggested), a deprecated spelling (a warning,
 * then handled as the current keyword), a keyword keepalived has and
 * tandem not yet (an error that says so), a scalar given twice (a warning;
 * the later wins), a block where a value belongs and the reverse.  The
 * walk goes on after every error so that one run reports them all.
 *
 * Strings stored in objects are the objects' to free.  When a keyword
 * repeats, the string it replaces is freed only if this walk stored it,
 * which keeps defaults that are string literals safe.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* vasprintf */
#endif
#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

static void conf_vreport(struct conf_ctx *c, enum conf_severity sev,
			 const struct conf_node *n, const char *fmt,
			 va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (!n) {
		conf_diag_add(c->d, sev, NULL, 0, "%s", msg ? msg : fmt);
	} else {
		/* A list's lines are named by the list's keyword.  (A list
		 * a reload kept is a copy of the node its lines name as
		 * parent, with the same lines: conf_splice.c.) */
		const struct conf_node *k = c->list && n->parent &&
			(n->parent == c->list ||
			 n->parent->child == c->list->child) ? c->list : n;

		conf_diag_add(c->d, sev, n->file, n->line, "%s: %s", k->word,
			      msg ? msg : fmt);
	}
	free(msg);
}

void conf_err(struct conf_ctx *c, const struct conf_node *n, const char *fmt,
	      ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vreport(c, CONF_ERROR, n, fmt, ap);
	va_end(ap);
}

void conf_warn(struct conf_ctx *c, const struct conf_node *n, const char *fmt,
	       ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vreport(c, CONF_WARNING, n, fmt, ap);
	va_end(ap);
}

struct conf_diag *conf_ctx_diag(struct conf_ctx *c)
{
	return c->d;
}

/* ---- strings this walk stored, an open-addressing map by field ---- */

static size_t conf_owned_slot(const struct conf_ctx *c, const void *field)
{
	uintptr_t h = (uintptr_t)field;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 7) & (c->owned_cap - 1);
}

static struct conf_owned *conf_owned_find(struct conf_ctx *c,
					  const void *field)
{
	if (!c->owned_cap)
		return NULL;
	for (size_t i = conf_owned_slot(c, field);;
	     i = (i + 1) & (c->owned_cap - 1)) {
		if (!c->owned[i].field || c->owned[i].field == field)
			return &c->owned[i];
	}
}

static void conf_owned_put(struct conf_ctx *c, void *field, char *value)
{
	if ((c->nowned + 1) * 2 > c->owned_cap) {
		struct conf_owned *old = c->owned;
		size_t oldcap = c->owned_cap;

		c->owned_cap = oldcap ? oldcap * 2 : 64;
		c->owned = calloc(c->owned_cap, sizeof(*c->owned));
		if (!c->owned)
			abort();
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].field)
				*conf_owned_find(c, old[i].field) = old[i];
		free(old);
	}
	struct conf_owned *o = conf_owned_find(c, field);

	if (!o->field)
		c->nowned++;
	o->field = field;
	o->value = value;
}

static void conf_store_str(struct conf_ctx *c, void *obj, size_t off,
			   char *value)
{
	char **field = (char **)((char *)obj + off);
	char *old;
	struct conf_owned *o = conf_owned_find(c, field);

	memcpy(&old, field, sizeof(old));
	if (o && o->field && old && old == o->value)
		free(old);
	memcpy(field, &value, sizeof(value));
	conf_owned_put(c, field, value);
}

/* ---- lookup ---- */

static size_t conf_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[65];

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static void conf_unknown(struct conf_ctx *c, const struct conf_node *n,
			 const struct conf_block *b)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX, len = strlen(n->word);

	for (const struct conf_keyword *k = b->keywords; k && k->name; k++) {
		size_t dist = conf_distance(n->word, k->name);

		if (dist < bestd) {
			bestd = dist;
			best = k->name;
		}
	}
	if (best && bestd <= 2 && bestd * 3 <= len)
		conf_err(c, n, "unknown keyword '%s' in %s (did you mean "
			 "'%s'?)", n->word, b->name ? b->name : "this block",
			 best);
	else
		conf_err(c, n, "unknown keyword '%s' in %s", n->word,
			 b->name ? b->name : "this block");
}

/* ---- one keyword ---- */

static bool conf_is_scalar(enum conf_type t)
{
	return t != CONF_T_BLOCK && t != CONF_T_LIST && t != CONF_T_CUSTOM &&
	       t != CONF_T_NOTIMPL;
}

static int conf_store_scalar(struct conf_ctx *c, const struct conf_node *n,
			     const struct conf_keyword *k, void *obj)
{
	char *field = (char *)obj + k->offset;
	int64_t iv;
	uint64_t uv;

	switch (k->type) {
	case CONF_T_FLAG: {
		bool t = true;

		if (conf_arg_count(c, n, 0, 0) < 0)
			return -1;
		memcpy(field, &t, sizeof(t));
		return 0;
	}
	case CONF_T_BOOL: {
		bool b;

		if (conf_arg_count(c, n, 0, 1) < 0 ||
		    conf_arg_bool(c, n, 0, &b) < 0)
			return -1;
		memcpy(field, &b, sizeof(b));
		return 0;
	}
	case CONF_T_INT: {
		int64_t lo = k->min, hi = k->max;
		int v;

		if (!lo && !hi) {
			lo = INT_MIN;
			hi = INT_MAX;
		}
		if (lo < INT_MIN)
			lo = INT_MIN;
		if (hi > INT_MAX)
			hi = INT_MAX;
		if (conf_arg_count(c, n, 1, 1) < 0 ||
		    conf_arg_int(c, n, 0, lo, hi, &iv) < 0)
			return -1;
		v = (int)iv;
		memcpy(field, &v, sizeof(v));
		return 0;
	}
	case CONF_T_UINT: {
		int64_t lo = k->min, hi = k->max;
		unsigned v;

		if (!lo && !hi)
			hi = UINT_MAX;
		if (lo < 0)
			lo = 0;
		if (hi > (int64_t)UINT_MAX)
			hi = UINT_MAX;
		if (conf_arg_count(c, n, 1, 1) < 0 ||
		    conf_arg_int(c, n, 0, lo, hi, &iv) < 0)
			return -1;
		v = (unsigned)iv;
		memcpy(field, &v, sizeof(v));
		return 0;
	}
	case CONF_T_STR:
		if (conf_arg_count(c, n, 1, 1) < 0)
			return -1;
		conf_store_str(c, obj, k->offset, conf_xstrdup(n->args[0]));
		return 0;
	case CONF_T_LINE: {
		struct conf_buf b = { 0 };

		if (conf_arg_count(c, n, 1, SIZE_MAX) < 0)
			return -1;
		for (size_t i = 0; i < n->nargs; i++) {
			if (i)
				conf_buf_addc(&b, ' ');
			conf_buf_adds(&b, n->args[i]);
		}
		conf_store_str(c, obj, k->offset, b.p);
		return 0;
	}
	case CONF_T_ENUM: {
		int v;

		if (conf_arg_count(c, n, 1, 1) < 0 ||
		    conf_arg_enum(c, n, 0, k->words, &v) < 0)
			return -1;
		memcpy(field, &v, sizeof(v));
		return 0;
	}
	case CONF_T_TIME: {
		uint64_t lo = (uint64_t)(k->min > 0 ? k->min : 0);
		uint64_t hi = (uint64_t)(k->max > 0 ? k->max : 0);

		if (k->min || k->max) {
			if (!hi)
				hi = UINT64_MAX;
			if (!lo)
				lo = 0;
		}
		if (conf_arg_count(c, n, 1, 1) < 0 ||
		    conf_arg_time(c, n, 0, lo, hi, &uv) < 0)
			return -1;
		memcpy(field, &uv, sizeof(uv));
		return 0;
	}
	case CONF_T_ADDR: {
		struct sockaddr_storage ss;

		if (conf_arg_count(c, n, 1, 1) < 0 ||
		    conf_arg_addr(c, n, 0, &ss) < 0)
			return -1;
		memcpy(field, &ss, sizeof(ss));
		return 0;
	}
	default:
		return -1;
	}
}

static void conf_walk(struct conf_ctx *c, const struct conf_node *first,
		      const struct conf_block *b, void *obj);

static void conf_apply_list(struct conf_ctx *c, const struct conf_node *n,
			    const struct conf_keyword *k, void *obj)
{
	const struct conf_node *prev = c->list;

	if (n->nargs) {
		struct conf_buf got = { 0 };

		conf_shown_args(&got, n, 0);
		conf_err(c, n, "expected '{' right after the keyword, got %s",
			 got.p);
		conf_buf_free(&got);
		return;
	}
	c->list = n;
	for (const struct conf_node *l = n->child; l; l = l->next) {
		if (l->block) {
			conf_err(c, l, "expected one entry per line, got a "
				 "{ } block after \"%s\"", l->word);
			continue;
		}
		if (k->handler)
			k->handler(c, l, obj);
	}
	c->list = prev;
}

static void conf_apply_kw(struct conf_ctx *c, const struct conf_node *n,
			  const struct conf_keyword *k, void *obj)
{
	struct conf_buf got = { 0 };

	switch (k->type) {
	case CONF_T_NOTIMPL:
		conf_err(c, n, "'%s' is a keepalived keyword that tandem does "
			 "not implement yet", n->word);
		return;
	case CONF_T_CUSTOM:
		if (k->handler)
			k->handler(c, n, obj);
		return;
	case CONF_T_BLOCK:
	case CONF_T_LIST:
		if (!n->block) {
			if (k->flags & CONF_KW_BLOCK_OPT) {
				if (k->type == CONF_T_BLOCK && k->block)
					conf_apply_block(c, n, k->block, obj);
				if (k->type == CONF_T_BLOCK && k->handler)
					k->handler(c, n, obj);
				return;
			}
			conf_shown_args(&got, n, 0);
			conf_err(c, n, "expected a { } block, got %s%s",
				 n->nargs ? "only " : "", got.p);
			conf_buf_free(&got);
			return;
		}
		if (k->type == CONF_T_LIST) {
			conf_apply_list(c, n, k, obj);
			return;
		}
		if (!k->block)
			return;
		if (n->nargs && !k->block->open) {
			conf_shown_args(&got, n, 0);
			conf_err(c, n, "expected '{' right after the keyword, "
				 "got %s", got.p);
			conf_buf_free(&got);
			return;
		}
		conf_apply_block(c, n, k->block, obj);
		if (k->handler)
			k->handler(c, n, obj);
		return;
	default:
		break;
	}
	if (n->block) {
		conf_err(c, n, "expected %s, got a { } block",
			 k->expect ? k->expect :
			 k->type == CONF_T_FLAG ? "no value" : "a value");
		return;
	}
	c->expect = k->expect;
	int rc = conf_store_scalar(c, n, k, obj);

	c->expect = NULL;
	if (rc == 0 && k->handler)
		k->handler(c, n, obj);
}

static void conf_walk(struct conf_ctx *c, const struct conf_node *first,
		      const struct conf_block *b, void *obj)
{
	size_t nkw = conf_kw_count(&c->kw, b), base = c->seen_top;

	if (base + nkw > c->seen_cap) {
		c->seen_cap = (base + nkw) * 2 + 16;
		c->seen = conf_xrealloc(c->seen, c->seen_cap *
					sizeof(*c->seen));
	}
	if (nkw)
		memset(c->seen + base, 0, nkw * sizeof(*c->seen));
	c->seen_top = base + nkw;
	for (const struct conf_node *n = first; n; n = n->next) {
		const struct conf_keyword *k = conf_kw_find(&c->kw, b, n->word);

		if (!k) {
			conf_unknown(c, n, b);
			continue;
		}
		if (k->alias_of) {
			const struct conf_keyword *cur =
				conf_kw_find(&c->kw, b, k->alias_of);

			conf_warn(c, n, "'%s' is deprecated, use '%s'", n->word,
				  k->alias_of);
			if (!cur || cur->alias_of) {
				conf_err(c, n, "expected '%s' to be a keyword "
					 "of %s, got none (a table error)",
					 k->alias_of, b->name ? b->name : "?");
				continue;
			}
			k = cur;
		}
		size_t idx = base + (size_t)(k - b->keywords);
		const struct conf_node *prev = c->seen[idx];

		if (conf_is_scalar(k->type) && prev &&
		    !(k->flags & CONF_KW_MULTI) && !n->block)
			conf_warn(c, n, "given more than once (before at "
				  "%s:%d); the later value wins",
				  prev->file, prev->line);
		c->seen[idx] = n;
		conf_apply_kw(c, n, k, obj);
	}
	c->seen_top = base;
}

int conf_apply_block(struct conf_ctx *c, const struct conf_node *n,
		     const struct conf_block *b, void *obj)
{
	size_t before = c->d->errors;
	void *o = obj;

	if (c->depth > 64) {
		conf_err(c, n, "expected blocks nested at most 64 deep, got "
			 "deeper");
		return -1;
	}
	if (b->reuse && b->reuse(c, n, obj))
		return 0;
	if (b->open) {
		o = b->open(c, n, obj);
		if (!o)
			return -1;
	}
	const struct conf_node *prev = c->list;

	c->list = NULL;
	c->depth++;
	conf_walk(c, n->child, b, o);
	c->depth--;
	c->list = prev;
	if (b->close)
		b->close(c, n, o);
	return c->d->errors > before ? -1 : 0;
}

int conf_apply(const struct conf_tree *t, const struct conf_block *top,
	       void *obj, struct conf_diag *d)
{
	struct conf_ctx c = { .d = d };
	size_t before = d->errors;

	conf_walk(&c, t ? t->first : NULL, top, obj);
	if (top->close)
		top->close(&c, NULL, obj);
	free(c.owned);
	free(c.seen);
	conf_kwidx_free(&c.kw);
	return d->errors > before ? -1 : 0;
}
