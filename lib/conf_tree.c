/*
 * Statements into a tree.
 *
 * A statement is the words of one line up to the end of the line, a '{' or
 * a '}'.  keepalived lets braces sit anywhere: "vrrp_instance VI_1 {" and
 * "vrrp_instance VI_1" followed by "{" on the next line are the same, and
 * "authentication { auth_type PASS }" is a block with one child.  So a
 * statement that ended with its line may still be turned into a block by a
 * '{' that opens the next line; any other token ends that chance.
 *
 * The builder only ever appends, through a tail pointer per open block,
 * so building is linear in the size of the input.  Nesting is capped, both
 * because nothing real needs it deep and because the walks over the tree
 * (apply, dump) recurse.  A '{' with no keyword, or one beyond the cap,
 * still opens a (detached) level, so that its '}' does not also count as
 * stray: one mistake, one error.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

#define CONF_MAX_NEST 64

void conf_builder_init(struct conf_builder *b, struct conf_tree *t)
{
	memset(b, 0, sizeof(*b));
	b->tree = t;
}

void conf_builder_free(struct conf_builder *b)
{
	free(b->stack);
	free(b->words);
	free(b->wlens);
	memset(b, 0, sizeof(*b));
}


/* Where a top-level statement's line starts in the main file, for
 * reading the file again (conf_splice.c). */
static void conf_keep_top(struct conf_reader *r)
{
	struct conf_text *k = r->keep;

	if (r->depth != 1) {
		k->all_main = false;
		return;
	}
	if (k->ntop == k->top_cap) {
		k->top_cap = k->top_cap ? k->top_cap * 2 : 64;
		k->top_off = conf_xrealloc(k->top_off, k->top_cap *
					   sizeof(*k->top_off));
	}
	k->top_off[k->ntop++] = r->line_off;
}

static struct conf_node *conf_commit(struct conf_reader *r, bool block)
{
	struct conf_builder *b = &r->tb;
	struct conf_node *n = conf_mem_alloc(r->mem, sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->file = b->word_file;
	n->line = b->word_line;
	n->end_line = b->word_line;
	/* The lexer wrote the words into the tree's arena: they are kept
	 * where they are. */
	n->word = (char *)b->words[0];
	n->nargs = b->nwords - 1;
	if (n->nargs) {
		n->args = conf_mem_alloc(r->mem, n->nargs * sizeof(char *));
		for (size_t i = 0; i < n->nargs; i++)
			n->args[i] = (char *)b->words[i + 1];
	}
	n->block = block;
	b->nwords = 0;

	if (b->depth) {
		struct conf_open *o = &b->stack[b->depth - 1];

		if (o->node) {
			n->parent = o->node;
			if (o->tail)
				o->tail->next = n;
			else
				o->node->child = n;
			o->tail = n;
		}
	} else {
		if (b->top_tail)
			b->top_tail->next = n;
		else
			b->tree->first = n;
		b->top_tail = n;
		if (r->keep)
			conf_keep_top(r);
	}
	return n;
}

static void conf_push(struct conf_reader *r, struct conf_node *n,
		      const char *file, int line)
{
	struct conf_builder *b = &r->tb;

	if (b->depth == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->stack = conf_xrealloc(b->stack, b->cap * sizeof(*b->stack));
	}
	if (n && b->depth >= CONF_MAX_NEST) {
		/* Once: the levels inside a detached one are detached too. */
		if (b->depth == CONF_MAX_NEST)
			conf_diag_add(r->d, CONF_ERROR, file, line, "%s: blocks nest "
				      "more than %d deep", n->word,
				      CONF_MAX_NEST);
		/* Keep it as a plain statement, its children unlinked, so
		 * the tree itself never nests deeper than the cap. */
		n->block = false;
		n = NULL;
	}
	/* A detached level remembers where it opened in a scratch node. */
	if (!n) {
		struct conf_node *dummy = conf_mem_alloc(r->mem, sizeof(*dummy));

		memset(dummy, 0, sizeof(*dummy));
		dummy->file = file;
		dummy->line = line;
		b->stack[b->depth++] = (struct conf_open){ .node = NULL,
							   .tail = dummy };
		return;
	}
	b->stack[b->depth++] = (struct conf_open){ .node = n, .tail = NULL };
}

void conf_builder_line(struct conf_reader *r, const struct conf_toks *t,
		       const char *file, int line)
{
	struct conf_builder *b = &r->tb;

	for (size_t i = 0; i < t->n; i++) {
		const struct conf_tok *k = &t->v[i];

		switch (k->kind) {
		case CONF_TOK_WORD:
			if (b->nwords == b->wcap) {
				b->wcap = b->wcap ? b->wcap * 2 : 16;
				b->words = conf_xrealloc(b->words, b->wcap *
							 sizeof(*b->words));
				b->wlens = conf_xrealloc(b->wlens, b->wcap *
							 sizeof(*b->wlens));
			}
			if (!b->nwords) {
				b->word_file = file;
				b->word_line = line;
			}
			b->words[b->nwords] = k->text;
			b->wlens[b->nwords++] = k->len;
			b->last = NULL;
			break;
		case CONF_TOK_OPEN:
			if (b->nwords) {
				conf_push(r, conf_commit(r, true), file, line);
			} else if (b->last && !b->last->block) {
				b->last->block = true;
				conf_push(r, b->last, file, line);
			} else {
				conf_diag_add(r->d, CONF_ERROR, file, line,
					      "'{': expected a keyword before "
					      "'{', got nothing");
				conf_push(r, NULL, file, line);
			}
			b->last = NULL;
			break;
		case CONF_TOK_CLOSE:
			if (b->nwords)
				conf_commit(r, false);
			b->last = NULL;
			if (!b->depth) {
				conf_diag_add(r->d, CONF_ERROR, file, line,
					      "'}': expected a statement, got "
					      "a '}' that closes no block");
				break;
			}
			b->depth--;
			if (b->stack[b->depth].node)
				b->stack[b->depth].node->end_line = line;
			break;
		}
	}
	if (b->nwords)
		b->last = conf_commit(r, false);
}

void conf_builder_finish(struct conf_reader *r)
{
	struct conf_builder *b = &r->tb;

	/* Outermost first: the order of the file. */
	for (size_t i = 0; i < b->depth; i++) {
		struct conf_open *o = &b->stack[i];
		const struct conf_node *n = o->node ? o->node : o->tail;

		conf_diag_add(r->d, CONF_ERROR, n->file, n->line,
			      "%s: expected a '}' to close the block opened "
			      "here, got the end of the file",
			      n->word ? n->word : "'{'");
	}
	b->depth = 0;
	b->last = NULL;
	b->nwords = 0;
}

struct conf_tree *conf_tree_new(void)
{
	struct conf_tree *t = conf_xmalloc(sizeof(*t));
	struct conf_store *st = conf_xmalloc(sizeof(*st));

	memset(st, 0, sizeof(*st));
	st->own = conf_xmalloc(sizeof(*st->own));
	st->own->refs = 1;
	st->own->mem.head = NULL;
	t->first = NULL;
	t->priv = st;
	return t;
}

struct conf_store *conf_tree_store(const struct conf_tree *t)
{
	return t->priv;
}

struct conf_mem *conf_tree_mem(const struct conf_tree *t)
{
	return &conf_tree_store(t)->own->mem;
}

void conf_text_free(struct conf_text *x)
{
	if (!x)
		return;
	free(x->span);
	free(x->top_off);
	free(x);
}

struct conf_text *conf_tree_take_text(struct conf_tree *t)
{
	struct conf_store *st = t ? conf_tree_store(t) : NULL;
	struct conf_text *x = st ? st->src : NULL;

	if (st)
		st->src = NULL;
	return x;
}

void conf_tree_give_text(struct conf_tree *t, struct conf_text *x)
{
	struct conf_store *st = t ? conf_tree_store(t) : NULL;

	if (!st) {
		conf_text_free(x);
		return;
	}
	conf_text_free(st->src);
	st->src = x;
}

void conf_arena_unref(struct conf_arena *a)
{
	if (a && !--a->refs) {
		conf_mem_free(&a->mem);
		free(a);
	}
}

void conf_tree_free(struct conf_tree *t)
{
	struct conf_store *st;

	if (!t)
		return;
	if ((st = t->priv)) {
		conf_arena_unref(st->own);
		for (size_t i = 0; i < st->nheld; i++)
			conf_arena_unref(st->held[i]);
		free(st->held);
		free(st->top);
		conf_text_free(st->src);
		free(st);
	}
	free(t);
}

static bool conf_str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* fa and fb: a pair of file names already found alike.  The statements
 * of one file share its name, so the names are compared once per block
 * rather than once per statement (most of a large tree's comparison). */
static bool conf_same_in(const struct conf_node *a, const struct conf_node *b,
			 const char *fa, const char *fb);

static bool conf_list_same(const struct conf_node *a, const struct conf_node *b,
			   const char *fa, const char *fb)
{
	/* The statements inside a block a reload kept (conf_splice.c) are
	 * the very same ones. */
	if (a == b)
		return true;
	for (; a && b; a = a->next, b = b->next)
		if (!conf_same_in(a, b, fa, fb))
			return false;
	return !a && !b;
}

static bool conf_same_in(const struct conf_node *a, const struct conf_node *b,
			 const char *fa, const char *fb)
{
	if (a == b)
		return true;
	if (a->line != b->line || a->end_line != b->end_line ||
	    a->block != b->block || a->nargs != b->nargs ||
	    (a->word != b->word && strcmp(a->word, b->word)))
		return false;
	if (a->file != fa || b->file != fb) {
		if (!conf_str_same(a->file, b->file))
			return false;
		fa = a->file;
		fb = b->file;
	}
	if (a->args != b->args)
		for (size_t i = 0; i < a->nargs; i++)
			if (strcmp(a->args[i], b->args[i]))
				return false;
	return conf_list_same(a->child, b->child, fa, fb);
}

bool conf_node_same(const struct conf_node *a, const struct conf_node *b)
{
	/* No names alike yet: (NULL, NULL) is, and nothing else. */
	return conf_same_in(a, b, NULL, NULL);
}
