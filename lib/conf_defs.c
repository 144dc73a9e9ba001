/*
 * $NAME=value definitions and their substitution.
 *
 * Semantics follow keepalived.conf(5): a definition is replaced at the
 * time of use, not of definition, and replacement is recursive; $NAME is
 * replaced only when whitespace (or the end of the line, or a quote)
 * follows it, ${NAME} anywhere; an undefined name stays as written, so
 * existing scripts that contain '$' keep working.  A few names are
 * predefined: ${_PWD}, ${_INSTANCE}, ${_RANDOM [MIN [MAX]]},
 * ${_ENV VAR}, ${_HASH} and ${_BANG}.
 *
 * A multi-line value (one made with trailing backslashes) is not expanded
 * here but pasted as it is: its lines may define names that its later
 * lines use, so the reader splits the result and runs every line through
 * the whole pipeline again, in order.  Recursion depth and the length of
 * an expanded line are capped, each with a located error, so that a value
 * that refers to itself, or doubles at each level, ends in a message
 * rather than in an exhausted machine.  A backslash before '$' keeps it
 * literal; that is how the dump writes a '$' that must survive re-reading.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

struct conf_def {
	struct conf_def *next;
	char *name;
	size_t nlen;
	char *value;
};

static unsigned conf_def_hash(const char *s, size_t n)
{
	unsigned h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h & 63;
}

bool conf_def_name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	return !first && c >= '0' && c <= '9';
}

static struct conf_def **conf_def_find(struct conf_defs *ds, const char *name,
				       size_t nlen)
{
	struct conf_def **pp = &ds->bucket[conf_def_hash(name, nlen)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->nlen == nlen && !memcmp((*pp)->name, name, nlen))
			return pp;
	return pp;
}

void conf_defs_set(struct conf_defs *ds, const char *name, size_t nlen,
		   const char *value)
{
	struct conf_def **pp = conf_def_find(ds, name, nlen);

	if (*pp) {
		if (value) {
			char *v = conf_xstrdup(value);

			free((*pp)->value);
			(*pp)->value = v;
		} else {
			struct conf_def *dead = *pp;

			*pp = dead->next;
			free(dead->name);
			free(dead->value);
			free(dead);
			ds->count--;
		}
		return;
	}
	if (!value)
		return;
	struct conf_def *def = conf_xmalloc(sizeof(*def));

	def->next = NULL;
	def->name = conf_xstrndup(name, nlen);
	def->nlen = nlen;
	def->value = conf_xstrdup(value);
	*pp = def;
	ds->count++;
}

const char *conf_defs_get(const struct conf_defs *ds, const char *name,
			  size_t nlen)
{
	struct conf_def **pp = conf_def_find((struct conf_defs *)ds, name,
					     nlen);

	return *pp ? (*pp)->value : NULL;
}

void conf_defs_free(struct conf_defs *ds)
{
	for (size_t b = 0; b < 64; b++) {
		struct conf_def *def = ds->bucket[b];

		while (def) {
			struct conf_def *next = def->next;

			free(def->name);
			free(def->value);
			free(def);
			def = next;
		}
		ds->bucket[b] = NULL;
	}
	ds->count = 0;
}

static const char *const conf_predef[] = {
	"_PWD", "_INSTANCE", "_RANDOM", "_ENV", "_HASH", "_BANG", NULL
};

static int conf_predef_index(const char *name, size_t nlen)
{
	for (int i = 0; conf_predef[i]; i++)
		if (strlen(conf_predef[i]) == nlen &&
		    !memcmp(conf_predef[i], name, nlen))
			return i;
	return -1;
}

bool conf_def_is_predefined(const char *name, size_t nlen)
{
	return conf_predef_index(name, nlen) >= 0;
}

static uint64_t conf_rand(struct conf_reader *r)
{
	uint64_t x = r->rnd;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	r->rnd = x;
	return x;
}

/* The words after a predefined name inside ${...}. */
static size_t conf_split_args(const char *s, size_t len, const char **w,
			      size_t *wl, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		size_t st = i;

		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		if (n < max) {
			w[n] = s + st;
			wl[n] = i - st;
		}
		n++;
	}
	return n;
}

static bool conf_parse_nonneg(const char *s, size_t n, long long *out)
{
	if (!n || n > 18)
		return false;
	long long v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Value of a predefined name; args is what followed the name in ${...}. */
static int conf_predef_value(struct conf_reader *r, int idx, const char *args,
			     size_t alen, int lineno, struct conf_buf *out)
{
	const char *w[3];
	size_t wl[3];
	size_t n = conf_split_args(args, alen, w, wl, 3);
	char num[32];

	switch (idx) {
	case 0:		/* _PWD */
	case 1:		/* _INSTANCE */
	case 4:		/* _HASH */
	case 5:		/* _BANG */
		if (n) {
			conf_rerr(r, lineno, "${%s}: expected no argument, "
				  "got \"%.*s\"", conf_predef[idx],
				  (int)(alen > 100 ? 100 : alen), args);
			return -1;
		}
		conf_buf_adds(out, idx == 0 ? r->src->dir :
			      idx == 1 ? r->config_id : idx == 4 ? "#" : "!");
		return 0;
	case 2: {	/* _RANDOM [MIN [MAX]] */
		long long lo = 0, hi = 32767;

		if (n > 2 || (n >= 1 && !conf_parse_nonneg(w[0], wl[0], &lo)) ||
		    (n == 2 && !conf_parse_nonneg(w[1], wl[1], &hi)) ||
		    lo > hi) {
			conf_rerr(r, lineno, "${_RANDOM}: expected [MIN [MAX]], "
				  "non-negative integers with MIN <= MAX, got "
				  "\"%.*s\"", (int)(alen > 100 ? 100 : alen),
				  args);
			return -1;
		}
		snprintf(num, sizeof(num), "%lld",
			 lo + (long long)(conf_rand(r) %
					  (uint64_t)(hi - lo + 1)));
		conf_buf_adds(out, num);
		return 0;
	}
	case 3: {	/* _ENV VAR */
		if (n != 1) {
			conf_rerr(r, lineno, "${_ENV}: expected one environment "
				  "variable name, got \"%.*s\"",
				  (int)(alen > 100 ? 100 : alen), args);
			return -1;
		}
		char *var = conf_xstrndup(w[0], wl[0]);
		const char *v = getenv(var);

		free(var);
		if (v)
			conf_buf_adds(out, v);
		return 0;
	}
	}
	return -1;
}

struct conf_expand {
	struct conf_reader *r;
	int lineno;
	struct conf_buf *out;
	bool changed;
};

static int conf_expand_rec(struct conf_expand *x, const char *s, size_t len,
			   unsigned depth);

static int conf_expand_name(struct conf_expand *x, const char *name,
			    size_t nlen, const char *args, size_t alen,
			    bool braced, unsigned depth)
{
	struct conf_reader *r = x->r;
	int pi = conf_predef_index(name, nlen);

	if (pi >= 0) {
		if (!braced && pi == 3)
			return 1;	/* $_ENV needs its argument */
		x->changed = true;
		return conf_predef_value(r, pi, args, alen, x->lineno, x->out);
	}
	if (alen)
		return 1;
	const char *v = conf_defs_get(&r->defs, name, nlen);

	if (!v)
		return 1;
	x->changed = true;
	if (strchr(v, '\n')) {
		/* Expanded line by line by the reader, see above. */
		conf_buf_adds(x->out, v);
		return 0;
	}
	if (depth >= CONF_MAX_EXPAND_DEPTH) {
		conf_rerr(r, x->lineno, "$%.*s: definitions nest more than %d "
			  "deep (does one refer to itself?)", (int)nlen, name,
			  CONF_MAX_EXPAND_DEPTH);
		return -1;
	}
	return conf_expand_rec(x, v, strlen(v), depth + 1);
}

static int conf_expand_rec(struct conf_expand *x, const char *s, size_t len,
			   unsigned depth)
{
	size_t i = 0;

	while (i < len) {
		if (x->out->len > x->r->max_line) {
			conf_rerr(x->r, x->lineno, "$: the line expands to more "
				  "than %zu bytes", x->r->max_line);
			return -1;
		}
		const char *dollar = memchr(s + i, '$', len - i);
		const char *bs = memchr(s + i, '\\', len - i);
		const char *stop = dollar;

		if (bs && (!stop || bs < stop))
			stop = bs;
		if (!stop) {
			conf_buf_add(x->out, s + i, len - i);
			break;
		}
		conf_buf_add(x->out, s + i, (size_t)(stop - (s + i)));
		i = (size_t)(stop - s);
		if (s[i] == '\\') {
			size_t n = i + 1 < len ? 2 : 1;

			conf_buf_add(x->out, s + i, n);
			i += n;
			continue;
		}
		/* s[i] == '$' */
		size_t st = i;
		int rc;

		if (i + 1 < len && s[i + 1] == '{') {
			const char *close = memchr(s + i + 2, '}', len - i - 2);
			size_t p = i + 2, nst = p;

			if (!close) {
				conf_buf_addc(x->out, '$');
				i++;
				continue;
			}
			size_t end = (size_t)(close - s);

			while (p < end && conf_def_name_char(s[p], p == nst))
				p++;
			if (p == nst || (p < end && s[p] != ' ' &&
					 s[p] != '\t')) {
				conf_buf_add(x->out, s + st, end + 1 - st);
				i = end + 1;
				continue;
			}
			rc = conf_expand_name(x, s + nst, p - nst, s + p,
					      end - p, true, depth);
			if (rc < 0)
				return -1;
			if (rc > 0)
				conf_buf_add(x->out, s + st, end + 1 - st);
			i = end + 1;
			continue;
		}
		size_t p = i + 1;

		while (p < len && conf_def_name_char(s[p], p == i + 1))
			p++;
		if (p == i + 1 || (p < len && s[p] != ' ' && s[p] != '\t' &&
				   s[p] != '"' && s[p] != '\'')) {
			conf_buf_add(x->out, s + st, p - st);
			i = p;
			continue;
		}
		rc = conf_expand_name(x, s + i + 1, p - i - 1, "", 0, false,
				      depth);
		if (rc < 0)
			return -1;
		if (rc > 0)
			conf_buf_add(x->out, s + st, p - st);
		i = p;
	}
	return 0;
}

int conf_defs_expand(struct conf_reader *r, const char *line, size_t len,
		     int lineno, struct conf_buf *out)
{
	struct conf_expand x = { .r = r, .lineno = lineno, .out = out };

	conf_buf_clear(out);
	conf_buf_reserve(out, len);
	if (conf_expand_rec(&x, line, len, 0) < 0)
		return -1;
	if (out->len > r->max_line) {
		conf_rerr(r, lineno, "$: the line expands to more than %zu "
			  "bytes", r->max_line);
		return -1;
	}
	return x.changed ? 1 : 0;
}
