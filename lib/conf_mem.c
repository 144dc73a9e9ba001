/*
 * Memory for the config reader: checked allocation, a bump arena for the
 * tree, and a growable string.
 *
 * The tree is built once and freed once, so its nodes and words come from
 * an arena of large chunks: no per-word malloc, no per-word free, and
 * conf_tree_free() is a walk over a few chunks.  Allocation failure aborts;
 * a daemon that cannot allocate while reading its config has no better
 * way out, and it keeps every caller free of half-built states.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

static void conf_oom(void)
{
	fputs("tandem: out of memory while reading the configuration\n",
	      stderr);
	abort();
}

void *conf_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		conf_oom();
	return p;
}

void *conf_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		conf_oom();
	return q;
}

char *conf_xstrndup(const char *s, size_t n)
{
	char *p = conf_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *conf_xstrdup(const char *s)
{
	return conf_xstrndup(s, strlen(s));
}

struct conf_chunk {
	struct conf_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

#define CONF_CHUNK (1024u * 1024u)

static void *conf_mem_get(struct conf_mem *m, size_t n, size_t align)
{
	struct conf_chunk *c = m->head;

	if (c)
		c->used = (c->used + align - 1) & ~(align - 1);
	if (!c || c->used > c->cap || c->cap - c->used < n) {
		size_t cap = n > CONF_CHUNK / 4 ? n : CONF_CHUNK;

		if (n > CONF_CHUNK / 4 && c) {
			/* A big piece gets a chunk of its own behind the
			 * current one, so the current one keeps filling. */
			struct conf_chunk *big = conf_xmalloc(sizeof(*big) + n);

			big->used = n;
			big->cap = n;
			big->next = c->next;
			c->next = big;
			return big->data;
		}
		c = conf_xmalloc(sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		c->next = m->head;
		m->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	return p;
}

void *conf_mem_alloc(struct conf_mem *m, size_t n)
{
	return conf_mem_get(m, n, 16);
}

char *conf_mem_strndup(struct conf_mem *m, const char *s, size_t n)
{
	/* Strings need no alignment: packing them saves a third of the
	 * memory of a large tree, and its page faults. */
	char *p = conf_mem_get(m, n + 1, 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *conf_mem_bytes(struct conf_mem *m, size_t n)
{
	return conf_mem_get(m, n, 1);
}

void conf_mem_giveback(struct conf_mem *m, char *p, size_t n, size_t used)
{
	struct conf_chunk *c = m->head;

	/* Only the latest piece of the current chunk can shrink; a piece
	 * that got a chunk of its own just keeps its tail. */
	if (c && (unsigned char *)p + n == c->data + c->used && used <= n)
		c->used -= n - used;
}

void conf_mem_free(struct conf_mem *m)
{
	struct conf_chunk *c = m->head;

	while (c) {
		struct conf_chunk *next = c->next;

		free(c);
		c = next;
	}
	m->head = NULL;
}

void conf_buf_reserve(struct conf_buf *b, size_t extra)
{
	if (b->cap - b->len > extra)
		return;
	size_t cap = b->cap ? b->cap : 64;

	while (cap - b->len <= extra)
		cap *= 2;
	b->p = conf_xrealloc(b->p, cap);
	b->cap = cap;
	b->p[b->len] = '\0';
}

void conf_buf_add(struct conf_buf *b, const char *s, size_t n)
{
	conf_buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void conf_buf_addc(struct conf_buf *b, char c)
{
	conf_buf_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void conf_buf_adds(struct conf_buf *b, const char *s)
{
	conf_buf_add(b, s, strlen(s));
}

void conf_buf_clear(struct conf_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void conf_buf_free(struct conf_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void conf_buf_add_shown(struct conf_buf *b, const char *s, size_t n)
{
	/* Long values are cut: a message is for a human. */
	size_t shown = n > 200 ? 200 : n;

	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			char esc[8];

			snprintf(esc, sizeof(esc), "\\x%02x", c);
			conf_buf_adds(b, esc);
		} else {
			conf_buf_addc(b, (char)c);
		}
	}
	if (shown < n)
		conf_buf_adds(b, "...");
}
