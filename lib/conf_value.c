/*
 * Words into values: counts, integers, times, booleans, enums, addresses.
 *
 * One converter per kind of value, shared by the typed keywords of the
 * tables (through conf_apply.c) and by CUSTOM and LIST handlers, so that
 * every message about a bad value has the same shape: "KEYWORD: expected
 * WHAT, got "VALUE"", at the statement's file and line.  Times are seconds
 * with up to microsecond decimals, as keepalived's <TIMER>; integers are
 * decimal only, so "010" is ten, not eight.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* vasprintf */
#endif
#include <arpa/inet.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/conf_int.h"

void conf_shown_args(struct conf_buf *b, const struct conf_node *n,
		     size_t from)
{
	if (from >= n->nargs) {
		conf_buf_adds(b, "nothing");
		return;
	}
	conf_buf_addc(b, '"');
	for (size_t i = from; i < n->nargs && b->len < 300; i++) {
		if (i > from)
			conf_buf_addc(b, ' ');
		conf_buf_add_shown(b, n->args[i], strlen(n->args[i]));
	}
	conf_buf_addc(b, '"');
}

static void conf_bad(struct conf_ctx *c, const struct conf_node *n,
		     size_t idx, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "KEYWORD: expected <what>, got <arg idx>" with what from fmt, or the
 * table's own wording when it has one. */
static void conf_bad(struct conf_ctx *c, const struct conf_node *n,
		     size_t idx, const char *fmt, ...)
{
	struct conf_buf what = { 0 }, got = { 0 };
	va_list ap;
	char *w = NULL;

	if (c->expect) {
		conf_buf_adds(&what, c->expect);
	} else {
		va_start(ap, fmt);
		if (vasprintf(&w, fmt, ap) >= 0)
			conf_buf_adds(&what, w);
		va_end(ap);
		free(w);
	}
	if (idx < n->nargs) {
		conf_buf_addc(&got, '"');
		conf_buf_add_shown(&got, n->args[idx], strlen(n->args[idx]));
		conf_buf_addc(&got, '"');
	} else {
		conf_buf_adds(&got, "nothing");
	}
	conf_err(c, n, "expected %s, got %s", what.p ? what.p : "a value",
		 got.p);
	conf_buf_free(&what);
	conf_buf_free(&got);
}

int conf_arg_count(struct conf_ctx *c, const struct conf_node *n, size_t min,
		   size_t max)
{
	if (n->nargs >= min && n->nargs <= max)
		return 0;
	struct conf_buf got = { 0 };
	char what[96];

	conf_shown_args(&got, n, 0);
	if (c->expect)
		snprintf(what, sizeof(what), "%s", c->expect);
	else if (max == 0)
		snprintf(what, sizeof(what), "no value");
	else if (min == max)
		snprintf(what, sizeof(what), "%zu value%s", min,
			 min == 1 ? "" : "s");
	else if (max == SIZE_MAX)
		snprintf(what, sizeof(what), "at least %zu value%s", min,
			 min == 1 ? "" : "s");
	else
		snprintf(what, sizeof(what), "%zu to %zu values", min, max);
	conf_err(c, n, "expected %s, got %s", what, got.p);
	conf_buf_free(&got);
	return -1;
}

static bool conf_parse_i64(const char *s, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}

int conf_arg_int(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		 int64_t min, int64_t max, int64_t *out)
{
	int64_t v;
	bool ranged = min || max;

	if (idx >= n->nargs || !conf_parse_i64(n->args[idx], &v) ||
	    (ranged && (v < min || v > max))) {
		if (ranged)
			conf_bad(c, n, idx, "an integer in [%" PRId64 ", %"
				 PRId64 "]", min, max);
		else
			conf_bad(c, n, idx, "an integer");
		return -1;
	}
	*out = v;
	return 0;
}

static void conf_fmt_secs(char *buf, size_t size, uint64_t usec)
{
	int n = snprintf(buf, size, "%" PRIu64 ".%06" PRIu64, usec / 1000000,
			 usec % 1000000);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

static bool conf_parse_time(const char *s, uint64_t *out)
{
	uint64_t secs = 0, frac = 0;
	int fd = 0;
	bool digits = false;

	for (; *s >= '0' && *s <= '9'; s++) {
		if (secs > UINT64_MAX / 10000000)
			return false;
		secs = secs * 10 + (uint64_t)(*s - '0');
		digits = true;
	}
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++) {
			/* Beyond microseconds the digits are dropped. */
			if (fd < 6) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				fd++;
			}
			digits = true;
		}
	}
	if (*s || !digits)
		return false;
	while (fd++ < 6)
		frac *= 10;
	*out = secs * 1000000 + frac;
	return true;
}

int conf_arg_time(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		  uint64_t min_usec, uint64_t max_usec, uint64_t *out_usec)
{
	uint64_t v;
	bool ranged = min_usec || max_usec;

	if (idx >= n->nargs || !conf_parse_time(n->args[idx], &v) ||
	    (ranged && (v < min_usec || v > max_usec))) {
		char lo[40], hi[40];

		conf_fmt_secs(lo, sizeof(lo), min_usec);
		conf_fmt_secs(hi, sizeof(hi), max_usec);
		if (ranged)
			conf_bad(c, n, idx, "a time in seconds in [%s, %s]",
				 lo, hi);
		else
			conf_bad(c, n, idx, "a time in seconds");
		return -1;
	}
	*out_usec = v;
	return 0;
}

int conf_arg_bool(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		  bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1", NULL };
	static const char *const no[] = { "false", "no", "off", "0", NULL };

	if (idx >= n->nargs) {
		*out = true;	/* keepalived: a bare <BOOL> keyword is on */
		return 0;
	}
	for (int i = 0; yes[i]; i++) {
		if (!strcasecmp(n->args[idx], yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(n->args[idx], no[i])) {
			*out = false;
			return 0;
		}
	}
	conf_bad(c, n, idx, "a boolean (true, yes, on, 1, false, no, off, 0)");
	return -1;
}

int conf_arg_enum(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		  const char *const *words, int *out)
{
	if (idx < n->nargs && words) {
		for (int i = 0; words[i]; i++) {
			if (!strcasecmp(n->args[idx], words[i])) {
				*out = i;
				return 0;
			}
		}
	}
	struct conf_buf list = { 0 };

	for (int i = 0; words && words[i]; i++) {
		if (i)
			conf_buf_adds(&list, ", ");
		conf_buf_adds(&list, words[i]);
	}
	conf_bad(c, n, idx, "one of %s", list.p ? list.p : "(none)");
	conf_buf_free(&list);
	return -1;
}

int conf_arg_addr(struct conf_ctx *c, const struct conf_node *n, size_t idx,
		  struct sockaddr_storage *out)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (idx < n->nargs) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		if (inet_pton(AF_INET, n->args[idx], &s4->sin_addr) == 1) {
			s4->sin_family = AF_INET;
			*out = ss;
			return 0;
		}
		if (inet_pton(AF_INET6, n->args[idx], &s6->sin6_addr) == 1) {
			s6->sin6_family = AF_INET6;
			*out = ss;
			return 0;
		}
	}
	conf_bad(c, n, idx, "an IPv4 or IPv6 address");
	return -1;
}
