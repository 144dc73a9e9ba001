/*
 * Words of a line: comments, quotes, escapes and braces.
 *
 * keepalived's rules: '#' and '!' start a comment anywhere outside quotes;
 * a word may mix bare text and quoted parts ("..." or '...'), and quotes
 * keep the whitespace and braces inside them; inside quotes the shell-like
 * escapes \a \b \E \f \n \r \t \v \NNN \xHH \cC apply, and \C stands for
 * C.  '{' and '}' outside quotes are tokens of their own, so blocks may
 * share a line with statements.  A bare ${...} stays one word: it is an
 * undefined reference that keepalived leaves as written (scripts use them).
 *
 * The writer at the end is the inverse, used by the dump: it quotes exactly
 * the words that would not read back as themselves.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

/* Bytes that matter to conf_comment_cut outside quotes. */
static const bool conf_cut_stop[256] = {
	['"'] = true, ['\''] = true, ['#'] = true, ['!'] = true,
};

size_t conf_comment_cut(const char *line, size_t len)
{
	char q = 0;

	for (size_t i = 0; i < len; i++) {
		char c = line[i];

		if (q) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == q)
				q = 0;
		} else if (!conf_cut_stop[(unsigned char)c]) {
			continue;
		} else if (c == '"' || c == '\'') {
			q = c;
		} else {
			return i;
		}
	}
	return len;
}

void conf_toks_free(struct conf_toks *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int conf_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape after a backslash at s[*i]; returns the byte, -1 if NUL. */
static int conf_escape(const char *s, size_t len, size_t *i)
{
	char c = s[(*i)++];
	int v, d;

	switch (c) {
	case 'a': return '\a';
	case 'b': return '\b';
	case 'E': return 0x1b;
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	case 'x':
		v = 0;
		d = 0;
		while (d < 2 && *i < len && conf_hexval(s[*i]) >= 0) {
			v = v * 16 + conf_hexval(s[(*i)++]);
			d++;
		}
		if (!d)
			return 'x';
		return v ? v : -1;
	case 'c':
		if (*i >= len)
			return 'c';
		v = s[(*i)++] & 0x1f;
		return v ? v : -1;
	default:
		if (c >= '0' && c <= '7') {
			v = c - '0';
			d = 1;
			while (d < 3 && *i < len && s[*i] >= '0' &&
			       s[*i] <= '7') {
				v = v * 8 + (s[(*i)++] - '0');
				d++;
			}
			v &= 0xff;
			return v ? v : -1;
		}
		return (unsigned char)c;
	}
}

/* What each byte is to the lexer, as bits so that one test per byte
 * finds the end of a run of plain word text (copied in one go): white
 * space, quotes and NUL always end it; braces and '$' only when braces
 * are tokens (not in include patterns, where they are glob's). */
#define CONF_L_SPACE	0x01
#define CONF_L_QUOTE	0x02
#define CONF_L_NUL	0x04
#define CONF_L_BRACE	0x08
#define CONF_L_DOLLAR	0x10

static const unsigned char conf_lex_class[256] = {
	[' '] = CONF_L_SPACE, ['\t'] = CONF_L_SPACE, ['\r'] = CONF_L_SPACE,
	['\n'] = CONF_L_SPACE, ['\v'] = CONF_L_SPACE, ['\f'] = CONF_L_SPACE,
	['"'] = CONF_L_QUOTE, ['\''] = CONF_L_QUOTE, ['\0'] = CONF_L_NUL,
	['{'] = CONF_L_BRACE, ['}'] = CONF_L_BRACE, ['$'] = CONF_L_DOLLAR,
};

static inline __attribute__((always_inline)) void
conf_tok_add(struct conf_toks *t, enum conf_tok_kind k, char *text,
	     size_t len, bool quoted)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = conf_xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n++] = (struct conf_tok){ .kind = k, .text = text,
					  .len = len, .quoted = quoted };
}

int conf_lex(const char *s, size_t len, bool braces, struct conf_toks *t,
	     const char **err)
{
	const unsigned stop = CONF_L_SPACE | CONF_L_QUOTE | CONF_L_NUL |
			      (braces ? CONF_L_BRACE | CONF_L_DOLLAR : 0);
	size_t i = 0;
	char *o, *base;
	int rc = -1;

	t->n = 0;
	/* The words never take more room than the line plus one NUL: each
	 * word's text is at most its source, and its NUL stands for the
	 * byte that ended it.  So the room is taken once, never moves, and
	 * is written without further checks. */
	base = conf_mem_bytes(t->arena, len + 1);
	o = base;
	*err = NULL;
	while (i < len) {
		unsigned cls = conf_lex_class[(unsigned char)s[i]];

		if (cls & CONF_L_SPACE) {
			i++;
			continue;
		}
		if (braces && (cls & CONF_L_BRACE)) {
			conf_tok_add(t, s[i] == '{' ? CONF_TOK_OPEN :
				     CONF_TOK_CLOSE, NULL, 0, false);
			i++;
			continue;
		}
		char *word = o;
		bool quoted = false;

		while (i < len) {
			size_t st = i;

			while (i < len &&
			       !(conf_lex_class[(unsigned char)s[i]] & stop))
				i++;
			if (i > st) {
				memcpy(o, s + st, i - st);
				o += i - st;
				if (i == len)
					break;
			}
			char c = s[i];

			cls = conf_lex_class[(unsigned char)c];
			if (cls & (CONF_L_SPACE | CONF_L_BRACE))
				break;
			if (cls & CONF_L_QUOTE) {
				quoted = true;
				i++;
				for (;;) {
					if (i >= len) {
						*err = "unterminated quoted string";
						goto fail;
					}
					if (s[i] == c) {
						i++;
						break;
					}
					if (s[i] == '\\') {
						i++;
						if (i >= len) {
							*err = "unterminated quoted string";
							goto fail;
						}
						int e = conf_escape(s, len, &i);

						if (e < 0) {
							*err = "an escape makes a NUL character";
							goto fail;
						}
						*o++ = (char)e;
						continue;
					}
					*o++ = s[i++];
				}
				continue;
			}
			if (cls & CONF_L_DOLLAR) {
				/* Only a stop with braces on: a bare ${...}
				 * stays one word, braces and all. */
				if (i + 1 < len && s[i + 1] == '{') {
					const char *end = memchr(s + i, '}',
								 len - i);

					if (end) {
						size_t n = (size_t)(end - (s + i)) + 1;

						memcpy(o, s + i, n);
						o += n;
						i += n;
						continue;
					}
				}
				*o++ = c;
				i++;
				continue;
			}
			/* a NUL */
			*err = "a NUL character";
			goto fail;
		}
		conf_tok_add(t, CONF_TOK_WORD, word, (size_t)(o - word), quoted);
		*o++ = '\0';
	}
	rc = 0;
fail:
	/* What the words did not use goes back (all of it when the line
	 * fails: its tokens are dropped). */
	if (rc < 0) {
		t->n = 0;
		o = base;
	}
	conf_mem_giveback(t->arena, base, len + 1, (size_t)(o - base));
	return rc;
}

/* Bytes that keep a word from reading back as itself when bare. */
static const bool conf_needs_quote[256] = {
	[1 ... 0x20] = true, [0x7f] = true, ['{'] = true, ['}'] = true,
	['#'] = true, ['!'] = true, ['"'] = true, ['\''] = true,
	['\\'] = true, ['$'] = true,
};

bool conf_word_needs_quotes(const char *w)
{
	if (!*w || *w == '~' || *w == '@')
		return true;
	for (const char *p = w; *p; p++)
		if (conf_needs_quote[(unsigned char)*p])
			return true;
	return false;
}

static void conf_quoted_write(const char *w, FILE *out);

void conf_word_write(const char *w, FILE *out)
{
	if (conf_word_needs_quotes(w))
		conf_quoted_write(w, out);
	else
		fputs(w, out);
}

void conf_keyword_write(const char *w, FILE *out)
{
	if (conf_word_needs_quotes(w) || conf_reader_keyword(w))
		conf_quoted_write(w, out);
	else
		fputs(w, out);
}

static void conf_quoted_write(const char *w, FILE *out)
{
	putc('"', out);
	for (const char *p = w; *p; p++) {
		unsigned char c = (unsigned char)*p;

		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '$': fputs("\\$", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				putc(c, out);
		}
	}
	putc('"', out);
}
