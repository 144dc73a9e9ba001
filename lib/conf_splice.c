/*
 * Reading a file again after an edit: only the statements whose text
 * changed are read, the others are shared with the tree read before.
 *
 * A reload of a large file that changed one weight used to read all of
 * it again (lex, build), then pack all of it for the children, which
 * unpacked all of it.  Most of a top-level statement's meaning is its
 * own text, so when the file's text differs from the last one only in
 * one stretch, the statements wholly before and after that stretch are
 * the same statements: the new tree links to them (a shallow copy of
 * each top-level node, pointing at the same words and the same
 * statements inside) and only the stretch is read.  The new tree then
 * holds a reference on the old tree's storage (struct conf_store), so
 * the old tree can go.
 *
 * It is done only when nothing but the text can make a statement what
 * it is, and every doubt reads the whole file, which gives the very
 * same tree and diagnostics as a first read:
 * - the old read gave no diagnostic (a warning of a kept statement
 *   would be lost) and met no include (other files may have changed), no
 *   $NAME definition or substitution (a definition's change reaches
 *   every later use; ${_RANDOM} differs every time) and no ~SEQ/~LST,
 *   and the stretch read again meets none either;
 * - the @ID lines are read against the same config id;
 * - the stretch runs from the start of a line that starts a top-level
 *   statement to the start of one (or the end of the file), cut where
 *   the old read had a top-level statement begin on a line of its own,
 *   after the last one ended: then no block, comment or statement runs
 *   across a cut, and reading the stretch alone builds what reading the
 *   whole file would;
 * - the stretch has as many lines as the one it replaces, so every kept
 *   statement is where it was, line for line (shifted statements would
 *   need new nodes, which is the whole read again at the end);
 * - reading the stretch gives no diagnostic at all (an error there is
 *   reported by the whole read, located in its context);
 * - the new tree would not hold more than CONF_SPLICE_MAX_ARENAS other
 *   trees' storage (each reload may leave one more behind; a whole read
 *   starts afresh).
 * The stretch is found by comparing the two texts from both ends,
 * statement by statement, which costs a hash of the file, not a read of
 * it.  The old text itself is not kept, only a 128-bit hash and the
 * newline count of each top-level statement's span (struct conf_top_span):
 * at 1,000 instances, 24 kB instead of the 200 kB of text that the
 * parent held for as long as the config ran.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/conf_int.h"

#define CONF_SPLICE_MAX_ARENAS 16

static size_t conf_top_count(const struct conf_tree *t)
{
	size_t n = 0;

	for (const struct conf_node *x = t->first; x; x = x->next)
		n++;
	return n;
}

static struct conf_arena *conf_top_arena(const struct conf_store *st,
					 size_t i)
{
	return st->top && st->top[i] ? st->top[i] : st->own;
}

struct conf_tree *conf_tree_splice(const struct conf_tree *old, size_t head,
				   struct conf_tree *mid, size_t from)
{
	const struct conf_store *ost = conf_tree_store(old);
	struct conf_store *st = conf_tree_store(mid);
	size_t nold = conf_top_count(old), nmid = conf_top_count(mid);
	struct conf_node *tail = NULL, *mid_first = mid->first, *mid_last = NULL;
	const struct conf_node *x = old->first;
	size_t n, k = 0;

	if (head > from || from > nold || st->top || st->nheld) {
		conf_tree_free(mid);
		return NULL;
	}
	n = head + nmid + (nold - from);
	st->top = conf_xmalloc((n ? n : 1) * sizeof(*st->top));
	st->ntop = n;
	for (struct conf_node *m = mid_first; m; m = m->next)
		mid_last = m;
	mid->first = NULL;
	/* old's statements [0, head) and [from, nold), as shallow copies in
	 * mid's arena around mid's own. */
	for (size_t i = 0; x; x = x->next, i++) {
		struct conf_node *c;
		struct conf_arena *a;

		if (i == head && nmid) {
			if (tail)
				tail->next = mid_first;
			else
				mid->first = mid_first;
			tail = mid_last;
			for (size_t j = 0; j < nmid; j++)
				st->top[k++] = NULL;
		}
		if (i >= head && i < from)
			continue;
		c = conf_mem_alloc(&st->own->mem, sizeof(*c));
		*c = *x;
		c->next = NULL;
		a = conf_top_arena(ost, i);
		st->top[k++] = a;
		if (tail)
			tail->next = c;
		else
			mid->first = c;
		tail = c;
		/* Held once: the arenas are few, the statements many. */
		size_t h = 0;

		while (h < st->nheld && st->held[h] != a)
			h++;
		if (h == st->nheld) {
			st->held = conf_xrealloc(st->held, (st->nheld + 1) *
						 sizeof(*st->held));
			st->held[st->nheld++] = a;
			a->refs++;
		}
	}
	if (head == nold && nmid) {
		if (tail)
			tail->next = mid_first;
		else
			mid->first = mid_first;
		for (size_t j = 0; j < nmid; j++)
			st->top[k++] = NULL;
	}
	return mid;
}

/* 128 bits of a stretch of text.  Not a cryptographic hash: a config is
 * the admin's own text, not an adversary's, and a stretch is compared
 * only with the one of the same length at its place; two 64-bit lanes,
 * each mixed with the other and avalanched, leave an accidental match of
 * two different texts no practical chance. */
static uint64_t conf_rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t conf_avalanche(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static void conf_span_hash(const char *p, size_t n, uint64_t out[2])
{
	uint64_t a = 0x9e3779b97f4a7c15ull ^ n, b = 0x94d049bb133111ebull + n;
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		a = conf_rotl(a ^ w, 31) * 0x87c37b91114253d5ull;
		b = conf_rotl(b + w, 27) * 0x4cf5ad432745937full + a;
	}
	w = 0;
	memcpy(&w, p, n);
	a = conf_rotl(a ^ w, 31) * 0x87c37b91114253d5ull;
	b = conf_rotl(b + w, 27) * 0x4cf5ad432745937full + a;
	out[0] = conf_avalanche(a + b);
	out[1] = conf_avalanche(b ^ conf_rotl(a, 17));
}

static size_t conf_lines_in(const char *p, size_t n)
{
	size_t k = 0;

	for (const char *e = p + n; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		k++;
	return k;
}

/* Statement i's span in x: from OFF(i) for n bytes (the first one starts
 * at the file's start, the last one runs to its end). */
static size_t conf_span_at(const struct conf_text *x, size_t i, size_t *n)
{
	size_t from = i == 0 ? 0 : x->top_off[i];
	size_t to = i + 1 < x->ntop ? x->top_off[i + 1] : x->len;

	*n = to - from;
	return from;
}

void conf_text_seal(struct conf_text *x, const char *text)
{
	free(x->span);
	x->span = conf_xmalloc((x->ntop ? x->ntop : 1) * sizeof(*x->span));
	for (size_t i = 0; i < x->ntop; i++) {
		size_t n, from = conf_span_at(x, i, &n);

		conf_span_hash(text + from, n, x->span[i].hash);
		x->span[i].lines = conf_lines_in(text + from, n);
	}
}

/* Whether statement i's span of x is the n bytes at p. */
static bool conf_span_same(const struct conf_text *x, size_t i,
			   const char *p)
{
	uint64_t h[2];
	size_t n;

	conf_span_at(x, i, &n);
	conf_span_hash(p, n, h);
	return h[0] == x->span[i].hash[0] && h[1] == x->span[i].hash[1];
}

/* The new text's tree spliced from old's, or NULL (then nothing was
 * added to d).  Of the old text only its spans are left: the new text
 * is compared with it statement by statement, from both ends. */
static struct conf_tree *conf_try_splice(const char *path,
					 const struct stat *st,
					 const char *buf, size_t nl,
					 const struct conf_read_opts *o,
					 const struct conf_tree *old,
					 struct conf_splice *sp)
{
	const struct conf_text *x = conf_tree_store(old)->src;
	const struct conf_node **top = NULL;
	struct conf_tree *mid = NULL, *t = NULL;
	struct conf_text *nx;
	struct conf_diag d2;
	char id[256];
	size_t nold, ol, same_head, same_tail, a = 0, b, off_a, off_b, nb;
	size_t nmid, old_lines = 0;
	long shift;
	int base_line = 0;

	if (!x || !x->span || !x->alone || !x->all_main || !x->quiet)
		return NULL;
	conf_config_id(o, id, sizeof(id));
	if (strcmp(id, x->config_id))
		return NULL;
	nold = conf_top_count(old);
	if (nold != x->ntop || !nold)
		return NULL;
	top = conf_xmalloc(nold * sizeof(*top));
	b = 0;
	for (const struct conf_node *n = old->first; n; n = n->next)
		top[b++] = n;
	ol = x->len;
	shift = (long)nl - (long)ol;
	/* Spans [0, same_head) are the new text's at the same offsets, spans
	 * [same_tail, nold) its own moved by shift. */
	for (same_head = 0; same_head < nold; same_head++) {
		size_t n, from = conf_span_at(x, same_head, &n);

		if (from + n > nl || !conf_span_same(x, same_head, buf + from))
			break;
	}
	for (same_tail = nold; same_tail > 0; same_tail--) {
		size_t n, from = conf_span_at(x, same_tail - 1, &n);

		if ((long)from + shift < 0 ||
		    !conf_span_same(x, same_tail - 1, buf + from + shift))
			break;
	}
	/* Statement i starts a clean cut when it starts a line after the
	 * statement before it ended; the file's start is one. */
#define CLEAN(i) ((i) == 0 || top[(i) - 1]->end_line < top[(i)]->line)
#define OFF(i) ((i) == 0 ? 0 : x->top_off[i])
	for (size_t i = 1; i < nold && i <= same_head; i++)
		if (CLEAN(i))
			a = i;
	off_a = OFF(a);
	for (b = a + 1; b < nold; b++) {
		if (!CLEAN(b) || b < same_tail)
			continue;
		nb = (size_t)((long)OFF(b) + shift);
		/* The cut must start a line of the new text too. */
		if (nb == 0 || buf[nb - 1] == '\n')
			break;
	}
	off_b = b < nold ? OFF(b) : ol;
	nb = b < nold ? (size_t)((long)off_b + shift) : nl;
#undef CLEAN
#undef OFF
	for (size_t i = a; i < b; i++)
		old_lines += x->span[i].lines;
	if (nb < off_a || old_lines != conf_lines_in(buf + off_a, nb - off_a))
		goto out;
	if (a)
		base_line = top[a]->line - 1;
	conf_diag_init(&d2);
	conf_read_main(path, st, buf + off_a, nb - off_a, base_line, false,
		       o, &d2, &mid);
	nx = conf_tree_store(mid)->src;
	nmid = conf_top_count(mid);
	if (d2.n || !nx || !nx->alone || !nx->all_main || !nx->quiet ||
	    nx->ntop != nmid) {
		conf_diag_free(&d2);
		conf_tree_free(mid);
		goto out;
	}
	conf_diag_free(&d2);
	/* The record for the next read: the kept statements' offsets moved
	 * by the change's length, and the new text's spans. */
	conf_tree_store(mid)->src = NULL;
	{
		size_t n = a + nmid + (nold - b), k = 0;
		size_t *offs = conf_xmalloc((n ? n : 1) * sizeof(*offs));

		for (size_t i = 0; i < a; i++)
			offs[k++] = x->top_off[i];
		for (size_t i = 0; i < nmid; i++)
			offs[k++] = nx->top_off[i] + off_a;
		for (size_t i = b; i < nold; i++)
			offs[k++] = (size_t)((long)x->top_off[i] + shift);
		free(nx->top_off);
		nx->top_off = offs;
		nx->ntop = nx->top_cap = n;
		nx->len = nl;
		conf_text_seal(nx, buf);
	}
	t = conf_tree_splice(old, a, mid, b);
	if (!t) {
		conf_text_free(nx);
		goto out;
	}
	if (conf_tree_store(t)->nheld > CONF_SPLICE_MAX_ARENAS) {
		conf_text_free(nx);
		conf_tree_free(t);
		t = NULL;
		goto out;
	}
	conf_tree_store(t)->src = nx;
	sp->spliced = true;
	sp->head = a;
	sp->from = b;
	sp->nmid = nmid;
	sp->nold = nold;
out:
	free(top);
	return t;
}

int conf_read_file_again(const char *path, const struct conf_read_opts *o,
			 const struct conf_tree *old, struct conf_diag *d,
			 struct conf_tree **out, struct conf_splice *sp)
{
	struct stat st;
	char *buf;
	size_t len;
	int rc = 0;

	memset(sp, 0, sizeof(*sp));
	if (conf_slurp_main(path, d, &buf, &len, &st) < 0) {
		*out = conf_tree_new();
		return -1;
	}
	if (!old || !(*out = conf_try_splice(path, &st, buf, len, o, old, sp)))
		rc = conf_read_main(path, &st, buf, len, 0, true, o, d, out);
	free(buf);
	return rc;
}
