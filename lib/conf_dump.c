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
 */
#include <stdio.h>
#include <string.h>

#include "lib/conf_int.h"

static void conf_dump_level(struct conf_kwidx_set *ix,
			    const struct conf_node *n,
			    const struct conf_block *b, unsigned depth,
			    FILE *out)
{
	for (; n; n = n->next) {
		const struct conf_keyword *k = conf_kw_find(ix, b, n->word);
		const char *word = n->word;

		if (k && k->alias_of) {
			const struct conf_keyword *cur = conf_kw_find(ix, b,
								      k->alias_of);

			if (cur) {
				word = cur->name;
				k = cur;
			}
		}
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
		conf_dump_level(ix, n->child, k && k->type == CONF_T_BLOCK ?
				k->block : NULL, depth + 1, out);
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
