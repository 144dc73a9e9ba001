/*
 * A tree in binary form, for handing a validated tree to another process.
 *
 * On a reload the parent reads and validates the file, and every child
 * must load exactly what it validated.  Writing the tree out as text and
 * reading it back did that, at the price of a second full read per child
 * (cutting comments, lexing, building) plus the dump itself: most of a
 * large reload's time.  The tree is already what the reader produces, so
 * it travels as is: each statement with its file, lines, words and the
 * number of statements inside it, in file order.  Reading that is a copy
 * into the arena; the child then applies the tables to it as it would to
 * a tree it had read itself, and its messages keep the original file and
 * line numbers.
 *
 * The format is private to one build (the parent and its children are the
 * same executable), with a magic that names the layout.  Numbers are
 * varints and strings keep their NUL, so the child copies the whole pack
 * into the tree's arena once and points the words into it.  A word met
 * before is written as its number among the words written so far: a
 * file of 1,000 instances repeats the same dozen keywords and values
 * (interface, priority, advert_int ...) in every block, which was half
 * of its pack, and the pack is also what a process keeps between
 * reloads in place of its tree (tandem/config.c, config_fold).
 * conf_unpack() still checks every length against the buffer, so a
 * damaged buffer is an error, never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

#define CONF_PACK_MAGIC "tandem-conf-tree-3\n"
#define CONF_PACK_MAX_DEPTH 128	/* above the reader's cap of 64 */

/* ---- writing ---- */

/* Numbers are LEB128 varints (most are below 128: one byte), strings a
 * length, the bytes and a NUL, so the reader can use them where they lie. */
#define CONF_VARINT_MAX 5

struct conf_packer {
	struct conf_buf out;
	const char **files;	/* distinct file names, in first-seen order */
	size_t nfiles, fcap;
	const char *last_file;
	uint32_t last_idx;
	/* The words written so far, by text: an open-addressed table of
	 * dsize slots (a power of two), each a word and its number + 1. */
	struct conf_pword {
		const char *s;
		uint32_t idx;
	} *dict;
	size_t dsize;
	uint32_t nwords;
};

static unsigned char *conf_put_var(unsigned char *o, uint32_t v)
{
	while (v >= 0x80) {
		*o++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*o++ = (unsigned char)v;
	return o;
}

static unsigned char *conf_put_str(unsigned char *o, const char *s, size_t n)
{
	o = conf_put_var(o, (uint32_t)n);
	memcpy(o, s, n + 1);
	return o + n + 1;
}

static struct conf_pword *conf_word_slot(struct conf_pword *d, size_t size,
					 const char *s)
{
	size_t i = conf_str_hash(s) & (size - 1);

	while (d[i].s && strcmp(d[i].s, s))
		i = (i + 1) & (size - 1);
	return &d[i];
}

/* A word: 2 * its number + 1 when it was written before, else 2 * its
 * length, the bytes and a NUL (and it is numbered). */
static unsigned char *conf_put_word(struct conf_packer *p, unsigned char *o,
				    const char *s, size_t n)
{
	struct conf_pword *w;

	if (2 * ((size_t)p->nwords + 1) > p->dsize) {
		size_t size = p->dsize ? p->dsize * 2 : 256;
		struct conf_pword *d = conf_xmalloc(size * sizeof(*d));

		memset(d, 0, size * sizeof(*d));
		for (size_t i = 0; i < p->dsize; i++)
			if (p->dict[i].s)
				*conf_word_slot(d, size, p->dict[i].s) = p->dict[i];
		free(p->dict);
		p->dict = d;
		p->dsize = size;
	}
	w = conf_word_slot(p->dict, p->dsize, s);
	if (w->s)
		return conf_put_var(o, w->idx * 2 + 1);
	w->s = s;
	w->idx = p->nwords++;
	o = conf_put_var(o, (uint32_t)n * 2);
	memcpy(o, s, n + 1);
	return o + n + 1;
}

static uint32_t conf_file_idx(struct conf_packer *p, const char *file)
{
	if (!file)
		return 0;
	if (file == p->last_file)
		return p->last_idx;
	size_t i = 0;

	/* Names are interned per file read, so pointers tell them apart;
	 * a repeat of a file (included twice) matches by text. */
	while (i < p->nfiles && p->files[i] != file &&
	       strcmp(p->files[i], file))
		i++;
	if (i == p->nfiles) {
		if (p->nfiles == p->fcap) {
			p->fcap = p->fcap ? p->fcap * 2 : 8;
			p->files = conf_xrealloc(p->files, p->fcap *
						 sizeof(*p->files));
		}
		p->files[p->nfiles++] = file;
	}
	p->last_file = file;
	p->last_idx = (uint32_t)i + 1;	/* 0 stands for no file */
	return p->last_idx;
}

static uint32_t conf_count(const struct conf_node *n)
{
	uint32_t k = 0;

	for (; n; n = n->next)
		k++;
	return k;
}

/* A statement: file + 1 (0: none), line, end line - line, nargs * 2 +
 * block, the word, the arguments, the count of statements inside, and
 * those. */
static void conf_pack_level(struct conf_packer *p, const struct conf_node *n,
			    size_t count)
{
	size_t small[16];

	for (; n && count; n = n->next, count--) {
		size_t wl = strlen(n->word), need = 6 * CONF_VARINT_MAX +
						    wl + 1;
		size_t *al = n->nargs <= 16 ? small :
			conf_xmalloc(n->nargs * sizeof(*al));

		for (size_t i = 0; i < n->nargs; i++) {
			al[i] = strlen(n->args[i]);
			need += CONF_VARINT_MAX + al[i] + 1;
		}
		uint32_t fi = conf_file_idx(p, n->file);

		conf_buf_reserve(&p->out, need);
		unsigned char *o = (unsigned char *)p->out.p + p->out.len;

		o = conf_put_var(o, fi);
		o = conf_put_var(o, (uint32_t)n->line);
		o = conf_put_var(o, (uint32_t)n->end_line - (uint32_t)n->line);
		o = conf_put_var(o, (uint32_t)n->nargs * 2 + n->block);
		o = conf_put_word(p, o, n->word, wl);
		for (size_t i = 0; i < n->nargs; i++)
			o = conf_put_word(p, o, n->args[i], al[i]);
		o = conf_put_var(o, conf_count(n->child));
		p->out.len = (size_t)((char *)o - p->out.p);
		if (n->nargs > 16)
			free(al);
		conf_pack_level(p, n->child, SIZE_MAX);
	}
}

/* The files the statements name, in first-seen order, before anything
 * is written: the header can then go first in the one buffer, rather
 * than the whole pack being copied behind it. */
static void conf_pack_files(struct conf_packer *p, const struct conf_node *n,
			    size_t count)
{
	for (; n && count; n = n->next, count--) {
		conf_file_idx(p, n->file);
		conf_pack_files(p, n->child, SIZE_MAX);
	}
}

int conf_pack(const struct conf_tree *t, char **buf, size_t *len)
{
	return conf_pack_part(t, 0, SIZE_MAX, 0, buf, len);
}

int conf_pack_part(const struct conf_tree *t, size_t from, size_t count,
		   size_t room, char **buf, size_t *len)
{
	struct conf_packer p;
	const struct conf_node *first = t ? t->first : NULL;
	uint32_t ntop = 0;
	unsigned char *o;

	for (; first && from; from--)
		first = first->next;
	for (const struct conf_node *n = first; n && ntop < count; n = n->next)
		ntop++;
	memset(&p, 0, sizeof(p));
	conf_pack_files(&p, first, count);
	/* The caller's header goes first, in the same buffer. */
	conf_buf_reserve(&p.out, room);
	p.out.len = room;
	conf_buf_add(&p.out, CONF_PACK_MAGIC, sizeof(CONF_PACK_MAGIC) - 1);
	conf_buf_reserve(&p.out, CONF_VARINT_MAX);
	o = conf_put_var((unsigned char *)p.out.p + p.out.len, (uint32_t)p.nfiles);
	p.out.len = (size_t)((char *)o - p.out.p);
	for (size_t i = 0; i < p.nfiles; i++) {
		size_t n = strlen(p.files[i]);

		conf_buf_reserve(&p.out, CONF_VARINT_MAX + n + 1);
		o = conf_put_str((unsigned char *)p.out.p + p.out.len, p.files[i], n);
		p.out.len = (size_t)((char *)o - p.out.p);
	}
	conf_buf_reserve(&p.out, CONF_VARINT_MAX);
	o = conf_put_var((unsigned char *)p.out.p + p.out.len, ntop);
	p.out.len = (size_t)((char *)o - p.out.p);
	conf_pack_level(&p, first, count);
	free(p.files);
	free(p.dict);
	*buf = p.out.p;
	*len = p.out.len;
	return 0;
}

/* ---- reading ---- */

struct conf_unpacker {
	const unsigned char *p, *end;
	struct conf_mem *mem;
	const char **files;
	uint32_t nfiles;
	char **words;		/* the words read so far, by number */
	uint32_t nwords, wcap;
	bool bad;
};

static uint32_t conf_get_var(struct conf_unpacker *u)
{
	uint32_t v = 0;

	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (u->p >= u->end) {
			u->bad = true;
			return 0;
		}
		unsigned char b = *u->p++;

		v |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	u->bad = true;
	return 0;
}

/* A string where it lies in the (arena's copy of the) buffer. */
static char *conf_get_str(struct conf_unpacker *u)
{
	uint32_t n = conf_get_var(u);

	/* Only the end is checked: a NUL inside would just end the word
	 * early, and the pack comes from the parent, not from a user. */
	if (u->bad || (size_t)(u->end - u->p) <= n || u->p[n]) {
		u->bad = true;
		return NULL;
	}
	char *s = (char *)u->p;

	u->p += n + 1;
	return s;
}

/* A word (conf_put_word): one read before, or a new one, numbered. */
static char *conf_get_word(struct conf_unpacker *u)
{
	uint32_t v = conf_get_var(u), n = v >> 1;
	char *s;

	if (u->bad)
		return NULL;
	if (v & 1) {
		if (n >= u->nwords) {
			u->bad = true;
			return NULL;
		}
		return u->words[n];
	}
	if ((size_t)(u->end - u->p) <= n || u->p[n]) {
		u->bad = true;
		return NULL;
	}
	s = (char *)u->p;
	u->p += n + 1;
	if (u->nwords == u->wcap) {
		u->wcap = u->wcap ? u->wcap * 2 : 256;
		u->words = conf_xrealloc(u->words, u->wcap * sizeof(*u->words));
	}
	u->words[u->nwords++] = s;
	return s;
}

static struct conf_node *conf_unpack_level(struct conf_unpacker *u,
					   struct conf_node *parent,
					   uint32_t count, unsigned depth)
{
	struct conf_node *first = NULL, *tail = NULL;

	if (depth > CONF_PACK_MAX_DEPTH) {
		u->bad = true;
		return NULL;
	}
	for (uint32_t i = 0; i < count && !u->bad; i++) {
		/* Each statement takes at least 6 bytes: a count larger than
		 * what is left is damage, not a reason to loop. */
		if (u->end - u->p < 6) {
			u->bad = true;
			break;
		}
		struct conf_node *n = conf_mem_alloc(u->mem, sizeof(*n));
		uint32_t fi, na;

		memset(n, 0, sizeof(*n));
		fi = conf_get_var(u);
		n->line = (int)conf_get_var(u);
		n->end_line = (int)((uint32_t)n->line + conf_get_var(u));
		na = conf_get_var(u);
		n->block = na & 1;
		n->nargs = na >> 1;
		if (fi > u->nfiles)
			u->bad = true;
		else
			n->file = fi ? u->files[fi - 1] : NULL;
		n->word = conf_get_word(u);
		if (n->nargs > (size_t)(u->end - u->p))
			u->bad = true;
		if (u->bad)
			break;
		if (n->nargs) {
			n->args = conf_mem_alloc(u->mem, n->nargs *
						 sizeof(*n->args));
			for (size_t k = 0; k < n->nargs; k++)
				n->args[k] = conf_get_word(u);
		}
		n->parent = parent;
		if (tail)
			tail->next = n;
		else
			first = n;
		tail = n;
		uint32_t nchild = conf_get_var(u);

		if (nchild && !u->bad)
			n->child = conf_unpack_level(u, n, nchild, depth + 1);
	}
	return first;
}

int conf_unpack(const char *buf, size_t len, struct conf_tree **out)
{
	struct conf_tree *t = conf_tree_new();
	struct conf_mem *mem = conf_tree_mem(t);
	struct conf_unpacker u = { .mem = mem };
	size_t ml = sizeof(CONF_PACK_MAGIC) - 1;

	*out = t;
	if (len < ml || memcmp(buf, CONF_PACK_MAGIC, ml))
		return -1;
	/* The words stay where they are, in the tree's own copy. */
	char *copy = conf_mem_strndup(mem, buf + ml, len - ml);

	u.p = (const unsigned char *)copy;
	u.end = u.p + (len - ml);
	u.nfiles = conf_get_var(&u);
	if (u.nfiles > (size_t)(u.end - u.p) / 2)
		return -1;
	u.files = conf_xmalloc((u.nfiles ? u.nfiles : 1) * sizeof(*u.files));
	for (uint32_t i = 0; i < u.nfiles; i++)
		u.files[i] = conf_get_str(&u);
	uint32_t ntop = conf_get_var(&u);

	if (!u.bad)
		t->first = conf_unpack_level(&u, NULL, ntop, 0);
	free(u.files);
	free(u.words);
	if (u.bad || u.p != u.end) {
		/* Nothing half-read is handed out. */
		conf_mem_free(mem);
		t->first = NULL;
		return -1;
	}
	return 0;
}
