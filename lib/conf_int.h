/*
 * Internals shared by the conf_*.c files and nobody else.
 *
 * The reader is a pipeline over logical lines: conf_read.c splits files into
 * lines and owns include and @ID handling, conf_defs.c substitutes $NAME,
 * conf_gen.c repeats lines for ~SEQ/~LST, conf_lex.c cuts a finished line
 * into words, and conf_tree.c stacks the words into statements and blocks.
 * They share one struct conf_reader so that every stage can report located
 * errors and charge the same expansion budget (the guard against inputs
 * that would otherwise expand without end).
 *
 * Everything the tree keeps (node structs, words, file names) is carved from
 * one arena that conf_tree_free() drops in one go: a 65,000-block file makes
 * millions of small strings, and one malloc each would dominate the time.
 */
#ifndef TANDEM_CONF_INT_H
#define TANDEM_CONF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "lib/conf.h"

/* ------------------------------------------------------------------ */
/* Memory: abort on exhaustion (a config parser cannot do better).     */

void *conf_xmalloc(size_t n);
void *conf_xrealloc(void *p, size_t n);
char *conf_xstrdup(const char *s);
char *conf_xstrndup(const char *s, size_t n);

struct conf_chunk;
struct conf_mem {
	struct conf_chunk *head;
};
void *conf_mem_alloc(struct conf_mem *m, size_t n);
char *conf_mem_strndup(struct conf_mem *m, const char *s, size_t n);
/* n unaligned bytes; the latest such piece may give back its unused tail
 * (used of its n bytes are kept). */
char *conf_mem_bytes(struct conf_mem *m, size_t n);
void conf_mem_giveback(struct conf_mem *m, char *p, size_t n, size_t used);
void conf_mem_free(struct conf_mem *m);

/* What a tree owns (its priv): its own arena, and references to the
 * arenas of other trees whose top-level statements it shares (conf_tree.c,
 * conf_splice.c).  An arena lives while some tree holds it. */
struct conf_arena {
	unsigned refs;
	struct conf_mem mem;
};

/* A stretch of the main file, from the start of the line of one
 * top-level statement to that of the next (or the end of the file):
 * what conf_splice.c needs to know of a text it no longer holds. */
struct conf_top_span {
	uint64_t hash[2];	/* conf_span_hash of its bytes */
	size_t lines;		/* its newlines */
};

/* How a tree was read from one file, for reading that file again after
 * an edit (conf_splice.c): where each top-level statement's first line
 * starts in it, its spans, and whether the statements depend only on
 * their own text (no include, definition, substitution or generator). */
struct conf_text {
	size_t len;		/* the whole text's */
	size_t *top_off;	/* per top-level statement, in order */
	size_t ntop, top_cap;
	/* per top-level statement, from its line (the file's start for
	 * the first) to the next one's; NULL until conf_text_seal */
	struct conf_top_span *span;
	bool alone;		/* statements depend on their text alone */
	bool quiet;		/* the read gave no diagnostic */
	bool all_main;		/* every top-level statement was read from
				   the main file, in order */
	char config_id[256];	/* the @ID lines were read against */
};

struct conf_store {
	struct conf_arena *own;
	/* The arena each top-level statement lives in, in order (NULL:
	 * all in own), and the distinct ones other than own, referenced. */
	struct conf_arena **top;
	size_t ntop;
	struct conf_arena **held;
	size_t nheld;
	struct conf_text *src;	/* NULL: not reusable */
};

/* An empty tree with an arena of its own. */
struct conf_tree *conf_tree_new(void);
struct conf_mem *conf_tree_mem(const struct conf_tree *t);
struct conf_store *conf_tree_store(const struct conf_tree *t);
void conf_arena_unref(struct conf_arena *a);

/* A growable string. */
struct conf_buf {
	char *p;
	size_t len, cap;
};
void conf_buf_reserve(struct conf_buf *b, size_t extra);
void conf_buf_add(struct conf_buf *b, const char *s, size_t n);
void conf_buf_addc(struct conf_buf *b, char c);
void conf_buf_adds(struct conf_buf *b, const char *s);
void conf_buf_clear(struct conf_buf *b);
void conf_buf_free(struct conf_buf *b);
/* Append s made readable for a message: control bytes as \xNN. */
void conf_buf_add_shown(struct conf_buf *b, const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Lexer (conf_lex.c)                                                  */

enum conf_tok_kind { CONF_TOK_WORD, CONF_TOK_OPEN, CONF_TOK_CLOSE };

struct conf_tok {
	enum conf_tok_kind kind;
	char *text;		/* WORD: unquoted text, in the arena */
	size_t len;
	bool quoted;		/* some part of the word was in quotes */
};

struct conf_toks {
	struct conf_tok *v;
	size_t n, cap;
	/* Where the words are written: the reader's tree arena, where they
	 * stay for good (the tree takes them without a copy). */
	struct conf_mem *arena;
};
void conf_toks_free(struct conf_toks *t);

/* Cut line into words (written into t->arena).  braces: '{' and '}'
 * outside quotes are tokens of their own (off for include patterns,
 * where they are glob braces).  Returns 0, or -1 with *err set to a
 * static description and no tokens. */
int conf_lex(const char *line, size_t len, bool braces, struct conf_toks *out,
	     const char **err);
/* Length of line once a # or ! comment outside quotes is cut off. */
size_t conf_comment_cut(const char *line, size_t len);
/* include, its variants and include_check: words the reader acts on
 * when they start a line unquoted. */
bool conf_reader_keyword(const char *w);
/* Does the word need quotes to be read back as the same single word? */
bool conf_word_needs_quotes(const char *w);
/* Write w, quoted and escaped when needed. */
void conf_word_write(const char *w, FILE *out);
/* Same for the first word of a statement, which must not be read back as
 * an include. */
void conf_keyword_write(const char *w, FILE *out);

/* ------------------------------------------------------------------ */
/* Definitions (conf_defs.c)                                           */

struct conf_def;
struct conf_defs {
	struct conf_def *bucket[64];
	size_t count;
};
void conf_defs_free(struct conf_defs *ds);
/* value NULL: remove. */
void conf_defs_set(struct conf_defs *ds, const char *name, size_t nlen,
		   const char *value);
/* NULL when not defined. */
const char *conf_defs_get(const struct conf_defs *ds, const char *name,
			  size_t nlen);
bool conf_def_name_char(char c, bool first);
bool conf_def_is_predefined(const char *name, size_t nlen);

struct conf_reader;
/* Substitute $NAME, ${NAME} and the predefined names in line into out.
 * Returns 1 when something was substituted, 0 when out is a copy of the
 * line, -1 after a located error. */
int conf_defs_expand(struct conf_reader *r, const char *line, size_t len,
		     int lineno, struct conf_buf *out);

/* ------------------------------------------------------------------ */
/* Tree building (conf_tree.c)                                         */

struct conf_open {
	struct conf_node *node;
	struct conf_node *tail;	/* last child, for O(1) append */
};

struct conf_builder {
	struct conf_tree *tree;
	struct conf_node *top_tail;
	struct conf_open *stack;
	size_t depth, cap;
	/* statement being gathered on the current line */
	struct conf_node *last;	/* previous statement, may still take '{' */
	const char **words;
	size_t nwords, wcap;
	size_t *wlens;
	const char *word_file;
	int word_line;
};

void conf_builder_init(struct conf_builder *b, struct conf_tree *t);
/* Feed one line's tokens. */
void conf_builder_line(struct conf_reader *r, const struct conf_toks *t,
		       const char *file, int line);
/* End of input: report blocks left open. */
void conf_builder_finish(struct conf_reader *r);
void conf_builder_free(struct conf_builder *b);

/* ------------------------------------------------------------------ */
/* The reader (conf_read.c)                                            */

struct conf_src {
	struct conf_src *up;	/* the including file */
	const char *name;	/* interned in the tree's arena */
	char *dir;		/* folder, for ${_PWD} and relative includes */
	dev_t dev;
	ino_t ino;
	bool has_id;
	int line;		/* line being read */
	/* multi-line definition in progress */
	char *def_name;
	bool def_skip;		/* its @ID did not match: read, not kept */
	struct conf_buf def_val;
	int def_line;
};

struct conf_reader {
	struct conf_diag *d;
	struct conf_tree *tree;
	struct conf_mem *mem;
	struct conf_builder tb;
	struct conf_toks toks;
	struct conf_defs defs;
	struct conf_src *src;
	unsigned depth;		/* include depth */
	unsigned max_depth;
	char config_id[256];
	char *root;		/* includes must stay under this folder */
	unsigned long lines_left;	/* expansion budget */
	unsigned long long bytes_left;
	bool budget_reported;
	size_t max_line;	/* longest expanded line */
	uint64_t rnd;
	unsigned errors_at_start;
	/* Recorded for a later read of the same file (conf_splice.c):
	 * NULL when not wanted. */
	struct conf_text *keep;
	size_t line_off;	/* the current line's offset in its file */
	int first_line;		/* the text's first line is this + 1 */
};

/* A statement is not a function of its own text alone (an include, a
 * definition, a substitution, a generator): reading the file again
 * must read it all. */
static inline void conf_not_alone(struct conf_reader *r)
{
	if (r->keep)
		r->keep->alone = false;
}

/* The main file's text (malloc'd), or -errno after a located error. */
int conf_slurp_main(const char *path, struct conf_diag *d, char **buf,
		    size_t *len, struct stat *st);
/* Read buf as (a piece of) the main file path, whose line first_line + 1
 * it starts at, recording a struct conf_text in the tree's store (when
 * memory allows); whole: buf is the whole file, and the record gets its
 * spans (conf_text_seal) when it can serve a splice.  buf stays the
 * caller's.  Returns as conf_read_file. */
int conf_read_main(const char *path, const struct stat *st, const char *buf,
		   size_t len, int first_line, bool whole,
		   const struct conf_read_opts *o, struct conf_diag *d,
		   struct conf_tree **out);
/* conf_splice.c: give x the spans of text, the whole file its offsets
 * were recorded from. */
void conf_text_seal(struct conf_text *x, const char *text);

/* The id @ID lines are read against (o->config_id, else the host name
 * without its domain). */
void conf_config_id(const struct conf_read_opts *o, char *id, size_t size);

/* Report at the current file and the given line. */
void conf_rerr(struct conf_reader *r, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void conf_rwarn(struct conf_reader *r, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Run one logical line through conditionals, definitions, generators,
 * substitution, include and tree building.  depth counts re-entries from
 * expansion, so a definition that expands to itself ends with an error. */
void conf_read_logical(struct conf_reader *r, const char *line, size_t len,
		       int lineno, unsigned depth);
void conf_expand_too_deep(struct conf_reader *r, int lineno);
/* Charge n expanded lines; false (after one error) once over budget. */
bool conf_budget(struct conf_reader *r, int lineno, unsigned long n);

#define CONF_MAX_EXPAND_DEPTH 32
#define CONF_DEFAULT_MAX_LINES 4000000UL
#define CONF_DEFAULT_MAX_LINE (1U << 20)
#define CONF_DEFAULT_MAX_BYTES (1ULL << 30)

/* ------------------------------------------------------------------ */
/* Generators (conf_gen.c)                                             */

/* line starts with ~SEQ(, ~SEQx( or ~LST(: expand it.  Returns 1 when the
 * line was a generator (handled or reported), 0 when it is not one. */
int conf_gen_line(struct conf_reader *r, const char *line, size_t len,
		  int lineno, unsigned depth);

/* ------------------------------------------------------------------ */
/* Keyword lookup (conf_kwidx.c): hash indexes of the tables one walk met */

struct conf_kwidx;
struct conf_kwidx_set {
	struct conf_kwidx **v;	/* open addressing by table address */
	size_t n, cap;
	struct conf_kwidx *last[2];	/* the two found last, latest first */
};
/* b's keyword named word (the first such entry), or NULL. */
const struct conf_keyword *conf_kw_find(struct conf_kwidx_set *set,
					const struct conf_block *b,
					const char *word);
/* Entries of b's table. */
size_t conf_kw_count(struct conf_kwidx_set *set, const struct conf_block *b);
void conf_kwidx_free(struct conf_kwidx_set *set);

/* ------------------------------------------------------------------ */
/* Apply-time helpers shared by conf_apply.c and conf_value.c          */

struct conf_ctx {
	struct conf_diag *d;
	const struct conf_node *list;	/* LIST being walked: its keyword
					   names the errors of its lines */
	const char *expect;	/* the keyword's own "what was expected" */
	unsigned depth;
	/* Strings this walk stored, by field: a repeated keyword frees the
	 * value it replaces only when it is one of ours. */
	struct conf_owned *owned;
	size_t nowned, owned_cap;
	struct conf_kwidx_set kw;	/* the tables' indexes */
	/* Which statement last set each keyword, one frame per open block
	 * (indices, not pointers: nested walks may move the array). */
	const struct conf_node **seen;
	size_t seen_top, seen_cap;
};

struct conf_owned {
	void *field;
	char *value;
};

/* "got" text for a message: the words quoted, or "nothing". */
void conf_shown_args(struct conf_buf *b, const struct conf_node *n,
		     size_t from);

#endif
