/*
 * Printing a tree back in keepalived syntax.
 *
 * The output is the configuration as tandem understood it: includes,
 * conditionals, definitions and generators already resolved, one
 * statement per line, four spaces per level, deprecated spellings
 * replaced by the current ones when the tables are given.  Words are
 * quoted only when they would not read back as themselves (see
 * conf_word_write), so reading the dump and dumping again gives the same
 * text: that property is what makes the dump useful to compare configs.
 *
 * Comparing two statements that way need not print them: the text of a
 * statement is decided by its current keyword spelling, its words, and
 * whether it opens a block, level by level, so conf_cmp_same walks both
 * trees side by side and stops at the first difference.  A reload report
 * compares every top-level block of two large configs; printing both
 * whole to compare the texts was most of a reload's time in the parent.
 * The comparer keeps its keyword indexes across calls for the same
 * reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

/* n's keyword in b and the spelling the dump prints: the current one
 * for a deprecated alias. */
static const struct conf_keyword *dump_kw(struct conf_kwidx_set *ix,
					  const struct conf_block *b,
					  const struct conf_node *n,
					  const char **word)
{
	const struct conf_keyword *k = conf_kw_find(ix, b, n->word);

	*word = n->word;
	if (k && k->alias_of) {
		const struct conf_keyword *cur = conf_kw_find(ix, b, k->alias_of);

		if (cur) {
			*word = cur->name;
			k = cur;
		}
	}
	return k;
}

/* The table a block statement's contents are dumped with. */
static const struct conf_block *inner(const struct conf_keyword *k)
{
	return k && k->type == CONF_T_BLOCK ? k->block : NULL;
}

static void conf_dump_level(struct conf_kwidx_set *ix,
			    const struct conf_node *n,
			    const struct conf_block *b, unsigned depth,
			    FILE *out)
{
	for (; n; n = n->next) {
		const char *word;
		const struct conf_keyword *k = dump_kw(ix, b, n, &word);

		for (unsigned i = 0; i < depth; i++)
			fputs("    ", out);
		conf_keyword_write(word, out);
		for (size_t i = 0; i < n->nargs; i++) {
			putc(' ', out);
			conf_word_write(n->args[i], out);
		}
		if (!n->block) {
			putc('\n', out);
			continue;
		}
		fputs(" {\n", out);
		conf_dump_level(ix, n->child, inner(k), depth + 1, out);
		for (unsigned i = 0; i < depth; i++)
			fputs("    ", out);
		fputs("}\n", out);
	}
}

void conf_dump(const struct conf_tree *t, const struct conf_block *top,
	       FILE *out)
{
	struct conf_kwidx_set ix = { 0 };

	if (t)
		conf_dump_level(&ix, t->first, top, 0, out);
	conf_kwidx_free(&ix);
}

/* ------------------------------------------------------------------ */
/* Comparing as printed                                                */

struct conf_cmp {
	const struct conf_block *top;
	struct conf_kwidx_set ix;
};

struct conf_cmp *conf_cmp_new(const struct conf_block *top)
{
	struct conf_cmp *c = calloc(1, sizeof(*c));

	if (c)
		c->top = top;
	return c;
}

void conf_cmp_free(struct conf_cmp *c)
{
	if (!c)
		return;
	conf_kwidx_free(&c->ix);
	free(c);
}

/* The lists a and b (siblings from there on, or just the one when one)
 * as conf_dump_level prints them under b. */
static bool cmp_level(struct conf_kwidx_set *ix, const struct conf_node *a,
		      const struct conf_node *b, const struct conf_block *blk,
		      bool one)
{
	for (; a && b; a = a->next, b = b->next) {
		const char *wa, *wb;
		const struct conf_keyword *ka, *kb;

		if (a->block != b->block || a->nargs != b->nargs)
			return false;
		for (size_t i = 0; i < a->nargs; i++)
			if (strcmp(a->args[i], b->args[i]))
				return false;
		/* The same word is the same keyword: the tables are looked
		 * at only for a block's inner table or two spellings. */
		if (strcmp(a->word, b->word)) {
			ka = dump_kw(ix, blk, a, &wa);
			kb = dump_kw(ix, blk, b, &wb);
			if (strcmp(wa, wb))
				return false;
		} else if (a->block) {
			ka = kb = dump_kw(ix, blk, a, &wa);
		} else {
			ka = kb = NULL;
		}
		/* The same spelling found in the same table is the same
		 * keyword, so one inner table serves both. */
		if (a->block && (inner(ka) != inner(kb) ||
				 !cmp_level(ix, a->child, b->child, inner(ka),
					    false)))
			return false;
		if (one)
			return true;
	}
	return !a && !b;
}

bool conf_cmp_same(struct conf_cmp *c, const struct conf_node *a,
		   const struct conf_node *b)
{
	return a && b && cmp_level(&c->ix, a, b, c->top, true);
}
