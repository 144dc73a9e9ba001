/*
 * ~SEQ, ~SEQx and ~LST: lines that repeat the rest of themselves.
 *
 * keepalived.conf(5): "~SEQ(var, start, step, end) rest" processes rest
 * once per value, with $var set; step may be left out (1 or -1, towards
 * end) and so may start (1, or -1 when end is negative); ~SEQx writes the
 * value in hexadecimal.  "~LST(var, v1, v2, ...)" takes the values from
 * the list, and "~LST({a, b}, {1, 2}, {3, 4})" sets several variables at
 * once.  Generators nest simply by appearing one after the other: the rest
 * of the line goes back through the reader, which sees the next one.
 *
 * Each repetition is a full logical line, so it may define names, use
 * multi-line definitions or open blocks.  The variable is restored to what
 * it was before the line once the repetitions are done.  The number of
 * repetitions is charged to the reader's budget before any is made, so a
 * huge range fails at once with a located error.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

struct conf_span {
	const char *s;
	size_t n;
};

static struct conf_span conf_trim(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return (struct conf_span){ s, n };
}

/* Split at commas outside braces, parentheses and quotes.  Returns the
 * count (which may exceed max; only max are stored). */
static size_t conf_split_commas(const char *s, size_t n, struct conf_span *v,
				size_t max)
{
	size_t count = 0, st = 0;
	int depth = 0;
	char q = 0;

	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? s[i] : ',';

		if (q) {
			if (c == '\\' && i + 1 < n)
				i++;
			else if (c == q)
				q = 0;
			if (i < n)
				continue;
		}
		if (c == '"' || c == '\'') {
			q = c;
		} else if (c == '{' || c == '(') {
			depth++;
		} else if ((c == '}' || c == ')') && depth > 0) {
			depth--;
		} else if (c == ',' && (depth == 0 || i == n)) {
			if (count < max)
				v[count] = conf_trim(s + st, i - st);
			count++;
			st = i + 1;
		}
	}
	return count;
}

static bool conf_var_ok(struct conf_span v)
{
	if (!v.n || v.n > 64)
		return false;
	for (size_t i = 0; i < v.n; i++)
		if (!conf_def_name_char(v.s[i], i == 0))
			return false;
	return !conf_def_is_predefined(v.s, v.n);
}

static bool conf_num(struct conf_span v, int64_t *out)
{
	char tmp[40];
	char *end;

	if (!v.n || v.n >= sizeof(tmp))
		return false;
	memcpy(tmp, v.s, v.n);
	tmp[v.n] = '\0';
	errno = 0;
	long long x = strtoll(tmp, &end, 0);

	if (errno || *end || end == tmp)
		return false;
	/* Keep every sum of two in range. */
	if (x > INT64_MAX / 4 || x < INT64_MIN / 4)
		return false;
	*out = x;
	return true;
}

#define CONF_GEN_MAX_ARGS 4096

struct conf_saved {
	char *name;
	size_t nlen;
	char *value;
};

static void conf_save(struct conf_reader *r, struct conf_span v,
		      struct conf_saved *s)
{
	const char *old = conf_defs_get(&r->defs, v.s, v.n);

	s->name = conf_xstrndup(v.s, v.n);
	s->nlen = v.n;
	s->value = old ? conf_xstrdup(old) : NULL;
}

static void conf_restore(struct conf_reader *r, struct conf_saved *s)
{
	conf_defs_set(&r->defs, s->name, s->nlen, s->value);
	free(s->name);
	free(s->value);
}

static void conf_gen_seq(struct conf_reader *r, const char *kw, bool hex,
			 struct conf_span args, struct conf_span rest,
			 int lineno, unsigned depth)
{
	struct conf_span a[5];
	size_t n = conf_split_commas(args.s, args.n, a, 5);
	int64_t v[3];

	if (n < 2 || n > 4 || !conf_var_ok(a[0])) {
		conf_rerr(r, lineno, "%s: expected (VAR, [START, [STEP,]] END) "
			  "with VAR a name, got \"(%.*s)\"", kw,
			  (int)(args.n > 100 ? 100 : args.n), args.s);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		if (!conf_num(a[i], &v[i - 1])) {
			conf_rerr(r, lineno, "%s: expected an integer, got "
				  "\"%.*s\"", kw, (int)(a[i].n > 40 ? 40 : a[i].n),
				  a[i].s);
			return;
		}
	}
	int64_t start, step, end;

	if (n == 2) {
		end = v[0];
		start = end > 0 ? 1 : end < 0 ? -1 : 0;
		step = end >= start ? 1 : -1;
	} else if (n == 3) {
		start = v[0];
		end = v[1];
		step = end >= start ? 1 : -1;
	} else {
		start = v[0];
		step = v[1];
		end = v[2];
	}
	if (step == 0) {
		conf_rerr(r, lineno, "%s: expected a STEP other than 0, got "
			  "\"0\"", kw);
		return;
	}
	uint64_t count = 0;

	if (step > 0 && start <= end)
		count = (uint64_t)((end - start) / step) + 1;
	else if (step < 0 && start >= end)
		count = (uint64_t)((start - end) / -step) + 1;
	if (!count)
		return;
	if (!conf_budget(r, lineno, count))
		return;

	struct conf_saved saved;
	char buf[40];

	conf_save(r, a[0], &saved);
	int64_t x = start;

	for (uint64_t i = 0; i < count && !r->budget_reported; i++) {
		if (hex)
			snprintf(buf, sizeof(buf), "%s%" PRIx64, x < 0 ? "-" : "",
				 x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x);
		else
			snprintf(buf, sizeof(buf), "%" PRId64, x);
		conf_defs_set(&r->defs, a[0].s, a[0].n, buf);
		conf_read_logical(r, rest.s, rest.n, lineno, depth + 1);
		x += step;
	}
	conf_restore(r, &saved);
}

static void conf_gen_lst(struct conf_reader *r, struct conf_span args,
			 struct conf_span rest, int lineno, unsigned depth)
{
	struct conf_span *a = conf_xmalloc(CONF_GEN_MAX_ARGS * sizeof(*a));
	struct conf_span vars[16], vals[16];
	size_t n = conf_split_commas(args.s, args.n, a, CONF_GEN_MAX_ARGS);
	size_t nv;
	bool group = a[0].n && a[0].s[0] == '{';
	const char *kw = "~LST";

	if (n > CONF_GEN_MAX_ARGS) {
		conf_rerr(r, lineno, "%s: expected at most %d values, got %zu",
			  kw, CONF_GEN_MAX_ARGS - 1, n - 1);
		goto out;
	}
	if (group) {
		if (a[0].s[a[0].n - 1] != '}')
			goto bad;
		nv = conf_split_commas(a[0].s + 1, a[0].n - 2, vars, 16);
		if (nv > 16)
			goto bad;
	} else {
		vars[0] = a[0];
		nv = 1;
	}
	for (size_t i = 0; i < nv; i++)
		if (!conf_var_ok(vars[i]))
			goto bad;
	if (n < 2) {
		conf_rerr(r, lineno, "%s: expected at least one value after "
			  "the variable, got \"(%.*s)\"", kw,
			  (int)(args.n > 100 ? 100 : args.n), args.s);
		goto out;
	}
	for (size_t i = 1; i < n; i++) {
		if (!group)
			continue;
		if (a[i].n < 2 || a[i].s[0] != '{' || a[i].s[a[i].n - 1] != '}' ||
		    conf_split_commas(a[i].s + 1, a[i].n - 2, vals, 16) != nv) {
			conf_rerr(r, lineno, "%s: expected {...} with %zu values "
				  "like the variables, got \"%.*s\"", kw, nv,
				  (int)(a[i].n > 100 ? 100 : a[i].n), a[i].s);
			goto out;
		}
	}
	if (!conf_budget(r, lineno, n - 1))
		goto out;

	struct conf_saved saved[16];

	for (size_t k = 0; k < nv; k++)
		conf_save(r, vars[k], &saved[k]);
	for (size_t i = 1; i < n && !r->budget_reported; i++) {
		if (group)
			conf_split_commas(a[i].s + 1, a[i].n - 2, vals, 16);
		else
			vals[0] = a[i];
		for (size_t k = 0; k < nv; k++) {
			char *val = conf_xstrndup(vals[k].s, vals[k].n);

			conf_defs_set(&r->defs, vars[k].s, vars[k].n, val);
			free(val);
		}
		conf_read_logical(r, rest.s, rest.n, lineno, depth + 1);
	}
	for (size_t k = 0; k < nv; k++)
		conf_restore(r, &saved[k]);
	goto out;
bad:
	conf_rerr(r, lineno, "%s: expected (VAR, VALUE, ...) or ({VAR, ...}, "
		  "{VALUE, ...}, ...) with VAR a name, got \"(%.*s)\"", kw,
		  (int)(args.n > 100 ? 100 : args.n), args.s);
out:
	free(a);
}

int conf_gen_line(struct conf_reader *r, const char *line, size_t len,
		  int lineno, unsigned depth)
{
	const char *kw;
	size_t klen;

	if (len >= 6 && !memcmp(line, "~SEQx(", 6)) {
		kw = "~SEQx";
		klen = 5;
	} else if (len >= 5 && !memcmp(line, "~SEQ(", 5)) {
		kw = "~SEQ";
		klen = 4;
	} else if (len >= 5 && !memcmp(line, "~LST(", 5)) {
		kw = "~LST";
		klen = 4;
	} else {
		return 0;
	}
	/* The closing parenthesis, skipping nested ones and quotes. */
	int pd = 0;
	char q = 0;
	size_t close = 0;

	for (size_t i = klen; i < len && !close; i++) {
		char c = line[i];

		if (q) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'') {
			q = c;
		} else if (c == '(') {
			pd++;
		} else if (c == ')' && --pd == 0) {
			close = i;
		}
	}
	if (!close) {
		conf_rerr(r, lineno, "%s: expected a closing ')', got \"%.*s\"",
			  kw, (int)(len > 100 ? 100 : len), line);
		return 1;
	}
	struct conf_span args = { line + klen + 1, close - klen - 1 };
	struct conf_span rest = conf_trim(line + close + 1, len - close - 1);

	if (!rest.n) {
		conf_rerr(r, lineno, "%s: expected a statement after (...) on "
			  "the same line, got nothing", kw);
		return 1;
	}
	if (depth >= CONF_MAX_EXPAND_DEPTH) {
		conf_expand_too_deep(r, lineno);
		return 1;
	}
	if (kw[1] == 'S')
		conf_gen_seq(r, kw, kw[4] == 'x', args, rest, lineno, depth);
	else
		conf_gen_lst(r, args, rest, lineno, depth);
	return 1;
}
