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
 * same executable): native byte order, a magic that names the layout.
 * conf_unpack() still checks every length against the buffer, so a
 * damaged buffer is an error, never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

#define CONF_PACK_MAGIC "tandem-conf-tree-1\n"
#define CONF_PACK_MAX_DEPTH 128	/* above the reader's cap of 64 */

/* ---- writing ---- */

struct conf_packer {
	struct conf_buf out;
	const char **files;	/* distinct file names, in first-seen order */
	size_t nfiles, fcap;
	const char *last_file;
	uint32_t last_idx;
};

static void conf_put32(struct conf_buf *b, uint32_t v)
{
	conf_buf_add(b, (const char *)&v, sizeof(v));
}

static void conf_put_str(struct conf_buf *b, const char *s)
{
	size_t n = strlen(s);

	conf_put32(b, (uint32_t)n);
	conf_buf_add(b, s, n);
}

static uint32_t conf_file_idx(struct conf_packer *p, const char *file)
{
	if (!file)
		return UINT32_MAX;
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
	p->last_idx = (uint32_t)i;
	return (uint32_t)i;
}

static uint32_t conf_count(const struct conf_node *n)
{
	uint32_t k = 0;

	for (; n; n = n->next)
		k++;
	return k;
}

static void conf_pack_level(struct conf_packer *p, const struct conf_node *n)
{
	for (; n; n = n->next) {
		conf_put32(&p->out, conf_file_idx(p, n->file));
		conf_put32(&p->out, (uint32_t)n->line);
		conf_put32(&p->out, (uint32_t)n->end_line);
		conf_put32(&p->out, n->block);
		conf_put32(&p->out, (uint32_t)n->nargs);
		conf_put_str(&p->out, n->word);
		for (size_t i = 0; i < n->nargs; i++)
			conf_put_str(&p->out, n->args[i]);
		conf_put32(&p->out, conf_count(n->child));
		conf_pack_level(p, n->child);
	}
}

int conf_pack(const struct conf_tree *t, char **buf, size_t *len)
{
	struct conf_packer p;
	struct conf_buf body = { 0 };
	const struct conf_node *first = t ? t->first : NULL;

	memset(&p, 0, sizeof(p));
	/* Statements first (they name the files), then the header. */
	conf_put32(&p.out, conf_count(first));
	conf_pack_level(&p, first);
	body = p.out;
	p.out = (struct conf_buf){ 0 };
	conf_buf_add(&p.out, CONF_PACK_MAGIC, sizeof(CONF_PACK_MAGIC) - 1);
	conf_put32(&p.out, (uint32_t)p.nfiles);
	for (size_t i = 0; i < p.nfiles; i++)
		conf_put_str(&p.out, p.files[i]);
	conf_buf_add(&p.out, body.p ? body.p : "", body.len);
	conf_buf_free(&body);
	free(p.files);
	*buf = p.out.p;
	*len = p.out.len;
	return 0;
}

/* ---- reading ---- */

struct conf_unpacker {
	const char *p, *end;
	struct conf_mem *mem;
	const char **files;
	uint32_t nfiles;
	bool bad;
};

static uint32_t conf_get32(struct conf_unpacker *u)
{
	uint32_t v = 0;

	if (u->bad || (size_t)(u->end - u->p) < sizeof(v)) {
		u->bad = true;
		return 0;
	}
	memcpy(&v, u->p, sizeof(v));
	u->p += sizeof(v);
	return v;
}

static char *conf_get_str(struct conf_unpacker *u)
{
	uint32_t n = conf_get32(u);

	if (u->bad || (size_t)(u->end - u->p) < n ||
	    memchr(u->p, '\0', n)) {
		u->bad = true;
		return NULL;
	}
	char *s = conf_mem_strndup(u->mem, u->p, n);

	u->p += n;
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
		/* Each statement takes at least 24 bytes: a count larger than
		 * what is left is damage, not a reason to loop. */
		if ((size_t)(u->end - u->p) < 24) {
			u->bad = true;
			break;
		}
		struct conf_node *n = conf_mem_alloc(u->mem, sizeof(*n));
		uint32_t fi;

		memset(n, 0, sizeof(*n));
		fi = conf_get32(u);
		n->line = (int)conf_get32(u);
		n->end_line = (int)conf_get32(u);
		n->block = conf_get32(u) != 0;
		n->nargs = conf_get32(u);
		if (fi != UINT32_MAX && fi >= u->nfiles)
			u->bad = true;
		else
			n->file = fi == UINT32_MAX ? NULL : u->files[fi];
		n->word = conf_get_str(u);
		if (n->nargs > (size_t)(u->end - u->p) / 4)
			u->bad = true;
		if (u->bad)
			break;
		if (n->nargs) {
			n->args = conf_mem_alloc(u->mem, n->nargs *
						 sizeof(*n->args));
			for (size_t k = 0; k < n->nargs; k++)
				n->args[k] = conf_get_str(u);
		}
		n->parent = parent;
		if (tail)
			tail->next = n;
		else
			first = n;
		tail = n;
		uint32_t nchild = conf_get32(u);

		if (nchild && !u->bad)
			n->child = conf_unpack_level(u, n, nchild, depth + 1);
	}
	return first;
}

int conf_unpack(const char *buf, size_t len, struct conf_tree **out)
{
	struct conf_tree *t = conf_xmalloc(sizeof(*t));
	struct conf_mem *mem = conf_xmalloc(sizeof(*mem));
	struct conf_unpacker u = { .p = buf, .end = buf + len, .mem = mem };
	size_t ml = sizeof(CONF_PACK_MAGIC) - 1;

	mem->head = NULL;
	t->first = NULL;
	t->priv = mem;
	*out = t;
	if (len < ml || memcmp(buf, CONF_PACK_MAGIC, ml))
		return -1;
	u.p += ml;
	u.nfiles = conf_get32(&u);
	if (u.nfiles > (size_t)(u.end - u.p) / 4)
		return -1;
	u.files = conf_xmalloc((u.nfiles ? u.nfiles : 1) * sizeof(*u.files));
	for (uint32_t i = 0; i < u.nfiles; i++)
		u.files[i] = conf_get_str(&u);
	uint32_t ntop = conf_get32(&u);

	if (!u.bad)
		t->first = conf_unpack_level(&u, NULL, ntop, 0);
	free(u.files);
	if (u.bad || u.p != u.end) {
		/* Nothing half-read is handed out. */
		conf_mem_free(mem);
		t->first = NULL;
		return -1;
	}
	return 0;
}
