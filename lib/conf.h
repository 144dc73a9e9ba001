/*
 * The config language: keepalived.conf syntax read into a generic tree, then
 * applied to typed objects through declarative keyword tables.
 *
 * Two stages keep the parser free of keywords.  conf_read_*() turns files
 * into a tree of statements: it resolves comments, include, @ID conditionals,
 * $NAME definitions and ~SEQ/~LST generators, and records for every
 * statement the file and line it came from.  conf_apply() then walks that
 * tree against the tables that each subsystem declares for the blocks it
 * owns, converting and range-checking every value into the subsystem's own
 * structures.  Every problem found in either stage is collected into a
 * struct conf_diag with its location, so a user sees all errors at once.
 */
#ifndef TANDEM_CONF_H
#define TANDEM_CONF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

/* ------------------------------------------------------------------ */
/* Diagnostics                                                         */

enum conf_severity { CONF_WARNING, CONF_ERROR };

struct conf_diag_entry {
	enum conf_severity sev;
	char *file;		/* NULL when the problem has no location */
	int line;
	char *msg;		/* "KEYWORD: what was expected ..." */
};

struct conf_diag {
	struct conf_diag_entry *v;
	size_t n, cap;
	size_t errors, warnings;
};

void conf_diag_init(struct conf_diag *d);
void conf_diag_free(struct conf_diag *d);
void conf_diag_add(struct conf_diag *d, enum conf_severity sev,
		   const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* "FILE:LINE: error: MSG" / "FILE:LINE: warning: MSG", one per line. */
void conf_diag_print(const struct conf_diag *d, FILE *out);
/* Same, one entry per call of fn (used to send them to the log). */
void conf_diag_foreach(const struct conf_diag *d,
		       void (*fn)(const struct conf_diag_entry *e, void *arg),
		       void *arg);

/* Same as conf_diag_add with a va_list. */
void conf_diag_vaddf(struct conf_diag *d, enum conf_severity sev,
		     const char *file, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* One entry as conf_diag_print writes it, without the newline; returns
 * what snprintf returns. */
int conf_diag_format(const struct conf_diag_entry *e, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* The tree                                                            */

struct conf_node {
	const char *file;	/* owned by the tree */
	int line;		/* line of the keyword */
	int end_line;		/* line of the closing brace (blocks) */
	char *word;		/* the keyword: first word of the statement */
	char **args;		/* the other words, quotes and escapes removed */
	size_t nargs;
	bool block;		/* the statement opened a { } block */
	struct conf_node *child;	/* first statement inside the block */
	struct conf_node *next;		/* next statement at the same level */
	struct conf_node *parent;
};

struct conf_tree {
	struct conf_node *first;	/* first top-level statement */
	void *priv;			/* reader-owned storage */
};

/* Are a and b the same statement: file, lines, words and everything
 * inside alike?  (For a reload: what did not change in any way.) */
bool conf_node_same(const struct conf_node *a, const struct conf_node *b);

struct conf_read_opts {
	const char *config_id;	/* @ID lines; NULL: host name w/o domain */
	unsigned max_include_depth;	/* 0: default (32) */
	/* Added after the first version; zero means the default. */
	unsigned long max_expanded_lines;	/* lines made by ~SEQ/~LST and
						   multi-line definitions;
						   0: 4,000,000 */
	unsigned long long max_expanded_bytes;	/* bytes made by $NAME
						   substitution; 0: 1 GiB */
	const char *include_root;	/* non-NULL: an include outside this
					   folder is an error (the fuzzer) */
};

/* Return 0 when the tree was built without errors, -1 otherwise; *out is
 * set in both cases (what could be read) and must be freed. */
int conf_read_file(const char *path, const struct conf_read_opts *o,
		   struct conf_diag *d, struct conf_tree **out);
/* name: shown in diagnostics and the base of relative includes' folder. */
int conf_read_buffer(const char *name, const char *buf, size_t len,
		     const struct conf_read_opts *o, struct conf_diag *d,
		     struct conf_tree **out);
void conf_tree_free(struct conf_tree *t);

/* ------------------------------------------------------------------ */
/* Keyword tables                                                      */

struct conf_ctx;	/* the walk: diagnostics, current location */

enum conf_type {
	CONF_T_FLAG,	/* no argument; stores bool true */
	CONF_T_BOOL,	/* none, true/yes/on/1, false/no/off/0; stores bool */
	CONF_T_INT,	/* integer in [min,max]; stores int */
	CONF_T_UINT,	/* unsigned in [min,max]; stores unsigned */
	CONF_T_STR,	/* exactly one word; stores char * (strdup) */
	CONF_T_LINE,	/* one or more words joined by spaces; stores char * */
	CONF_T_ENUM,	/* one of words[]; stores int: its index */
	CONF_T_TIME,	/* seconds, decimals allowed; [min,max] in usec;
			   stores uint64_t usec */
	CONF_T_ADDR,	/* IPv4 or IPv6 literal; stores struct sockaddr_storage */
	CONF_T_BLOCK,	/* a { } block parsed with .block */
	CONF_T_LIST,	/* a { } block of free-form lines: .handler per line */
	CONF_T_CUSTOM,	/* .handler does everything */
	CONF_T_NOTIMPL,	/* keepalived has it, tandem not yet: an error that
			   says so (block contents are not examined) */
};

/* Flags */
#define CONF_KW_MULTI	0x1	/* may appear more than once (no warning) */
#define CONF_KW_BLOCK_OPT 0x2	/* CUSTOM/LIST/BLOCK: block is optional */

typedef int (*conf_handler_fn)(struct conf_ctx *c, const struct conf_node *n,
			       void *obj);

struct conf_block;

struct conf_keyword {
	const char *name;
	enum conf_type type;
	size_t offset;		/* field of the block's object (typed kinds) */
	int64_t min, max;	/* INT, UINT, TIME (usec); both 0: no range */
	const char *const *words;	/* ENUM: NULL-terminated */
	/* CUSTOM: the whole statement; LIST: called once per inner line
	 * (n is the line); typed kinds: called after the value is stored,
	 * for cross-checks.  Return 0, or -1 after reporting with conf_err. */
	conf_handler_fn handler;
	const struct conf_block *block;	/* BLOCK */
	const char *alias_of;	/* deprecated spelling: name of the current
				   keyword in the same table; a warning names it */
	const char *expect;	/* override "what was expected" in messages */
	unsigned flags;
};

struct conf_block {
	const char *name;		/* in messages, e.g. "global_defs" */
	const struct conf_keyword *keywords;	/* ends with {.name = NULL} */
	/* Make the object the block's keywords store into; parent is the
	 * enclosing block's object.  NULL open: keywords store into parent.
	 * Return NULL after conf_err() to skip the block. */
	void *(*open)(struct conf_ctx *c, const struct conf_node *n,
		      void *parent);
	/* Whole-block validation once every keyword was applied. */
	int (*close)(struct conf_ctx *c, const struct conf_node *n, void *obj);
	/* Optional, tried before open: return true when parent already has
	 * an object for this statement (a reload carried over the one an
	 * identical statement made), and the block is then not applied. */
	bool (*reuse)(struct conf_ctx *c, const struct conf_node *n,
		      void *parent);
};

/* Walk the tree's top-level statements against top, storing into obj.
 * Returns 0 when no error was added to d. */
int conf_apply(const struct conf_tree *t, const struct conf_block *top,
	       void *obj, struct conf_diag *d);

/* Report at n's location; the message is prefixed with "KEYWORD: ". */
void conf_err(struct conf_ctx *c, const struct conf_node *n,
	      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void conf_warn(struct conf_ctx *c, const struct conf_node *n,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Value converters for CUSTOM and LIST handlers: they report a located
 * error naming the keyword and what was expected, and return -1, on bad
 * input.  idx is an index into n->args. */
int conf_arg_count(struct conf_ctx *c, const struct conf_node *n,
		   size_t min, size_t max);
int conf_arg_int(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		 int64_t min, int64_t max, int64_t *out);
int conf_arg_time(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		  uint64_t min_usec, uint64_t max_usec, uint64_t *out_usec);
int conf_arg_bool(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		  bool *out);
int conf_arg_enum(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		  const char *const *words, int *out);
int conf_arg_addr(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		  struct sockaddr_storage *out);
/* Walk a nested block of n with table b storing into obj (for CUSTOM
 * handlers whose statement takes arguments and a block). */
int conf_apply_block(struct conf_ctx *c, const struct conf_node *n,
		     const struct conf_block *b, void *obj);
/* The diagnostics of the walk (for handlers that count errors). */
struct conf_diag *conf_ctx_diag(struct conf_ctx *c);

/* How conf_apply() reads the tables (notes added with the implementation):
 * - The top block's open() is not called (obj is used as is); its close()
 *   is called once at the end with n == NULL.  conf_err/conf_warn accept
 *   n == NULL (a message without location or keyword).
 * - CUSTOM: the handler gets the statement whatever its shape (arguments,
 *   block or both); conf_apply checks nothing, CONF_KW_BLOCK_OPT has no
 *   effect.  BLOCK and LIST need a block unless CONF_KW_BLOCK_OPT (a BLOCK
 *   without one is then opened and closed empty).  Arguments before the
 *   '{' are an error for LIST and for a BLOCK whose table has no open().
 * - BLOCK: .handler, when set, runs after the block was walked, with the
 *   enclosing object.  LIST: errors reported on an inner line are named
 *   by the list's keyword ("virtual_ipaddress: expected ...").
 * - INT/UINT with min == max == 0 take the whole range of int/unsigned;
 *   TIME with both 0 any non-negative time.  conf_arg_int with both 0
 *   takes any int64_t, conf_arg_time with both 0 any time.
 * - conf_arg_bool with idx past the last argument stores true (a bare
 *   keepalived <BOOL> keyword means on).  Words of BOOL and ENUM match
 *   without regard to case.
 * - A scalar given twice in the same block is a warning unless
 *   CONF_KW_MULTI (an alias counts as its current keyword).  STR/LINE
 *   free the string they replace only when conf_apply stored it. */

/* ------------------------------------------------------------------ */
/* Dump                                                                */

/* Print the tree in keepalived syntax, includes, conditionals,
 * definitions and generators resolved, deprecated spellings replaced by
 * the current ones when top is given, words quoted where needed, one
 * statement per line, blocks indented.  Reading the output again and
 * dumping it prints the same text. */
void conf_dump(const struct conf_tree *t, const struct conf_block *top,
	       FILE *out);

/* Would conf_dump with the table top print the top-level statements a
 * and b (with all they hold) alike?  Decided without printing, by
 * walking both at once; the comparer keeps the keyword indexes from one
 * call to the next, so comparing every block of two configs costs about
 * one walk of each.  conf_cmp_new returns NULL when out of memory. */
struct conf_cmp;
struct conf_cmp *conf_cmp_new(const struct conf_block *top);
bool conf_cmp_same(struct conf_cmp *c, const struct conf_node *a,
		   const struct conf_node *b);
void conf_cmp_free(struct conf_cmp *c);

/* The tree in a binary form private to this build (conf_pack.c), for
 * another process of the same executable: every statement with its file,
 * lines and words.  conf_pack sets *buf (malloc'd) and *len and returns 0.
 * conf_unpack sets *out in every case (to be freed with conf_tree_free);
 * it returns -1, with an empty tree, when buf is not a whole pack. */
int conf_pack(const struct conf_tree *t, char **buf, size_t *len);
int conf_unpack(const char *buf, size_t len, struct conf_tree **out);
/* Same with only count top-level statements from the from-th on (for
 * conf_tree_splice in the other process), after room bytes left for the
 * caller at the start of *buf (counted in *len; conf_unpack is given
 * what follows them). */
int conf_pack_part(const struct conf_tree *t, size_t from, size_t count,
		   size_t room, char **buf, size_t *len);

/* Reading a file again after an edit (conf_splice.c).  A tree read from
 * the file before (old, by conf_read_file or this) lends the new one
 * the top-level statements the edit left alone: then spliced is set and
 * the new tree is old's first head statements, nmid new ones, and old's
 * from the from-th on (of nold).  Otherwise (or without old) the file
 * is read in full, as conf_read_file does.  Returns as conf_read_file;
 * the new tree keeps what it shares alive, so old may be freed first. */
struct conf_splice {
	bool spliced;
	size_t head, from, nmid, nold;
};
int conf_read_file_again(const char *path, const struct conf_read_opts *o,
			 const struct conf_tree *old, struct conf_diag *d,
			 struct conf_tree **out, struct conf_splice *sp);
/* old's first head top-level statements, mid's, then old's from the
 * from-th on, as one tree: mid (taken over) becomes it; old's are
 * shared, not copied, and kept alive by it.  NULL (mid freed) when the
 * numbers do not fit old or mid is itself spliced. */
struct conf_tree *conf_tree_splice(const struct conf_tree *old, size_t head,
				   struct conf_tree *mid, size_t from);

/* A tree's record of its reading (where each top-level statement starts
 * in its file, and a hash of each one's text), which
 * conf_read_file_again needs to read the file again as a splice: taken out of a tree that is about to
 * be freed (NULL when it has none), and given to a tree of the very same
 * statements (one conf_unpack made of a pack of the first), which takes
 * it over.  For a process that keeps its tree packed between reloads. */
struct conf_text;
struct conf_text *conf_tree_take_text(struct conf_tree *t);
void conf_tree_give_text(struct conf_tree *t, struct conf_text *x);
void conf_text_free(struct conf_text *x);

/* FNV-1a of a NUL-terminated string: the keyword index's hash, also for
 * the names of blocks matched across two configs. */
uint64_t conf_str_hash(const char *s);

#endif
