/*
 * The Prometheus text format writer (see prom_text.h).  Names are checked
 * rather than trusted: a bad metric or label name is a bug in the caller,
 * and it fails the whole text (prom_close returns NULL) instead of
 * producing a scrape a server would reject in full.  Label values come
 * from the config (instance names, addresses) and are escaped: backslash,
 * double quote and newline, as the format says.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/json_req.h"
#include "lib/prom_text.h"

int prom_open(struct prom *p)
{
	p->buf = NULL;
	p->len = 0;
	p->failed = false;
	p->f = open_memstream(&p->buf, &p->len);
	return p->f ? 0 : -1;
}

char *prom_close(struct prom *p)
{
	char *s;

	if (!p->f)
		return NULL;
	if (fclose(p->f) != 0)
		p->failed = true;
	p->f = NULL;
	s = p->buf;
	p->buf = NULL;
	if (p->failed) {
		free(s);
		return NULL;
	}
	return s;
}

static bool name_ok(const char *s, bool colon)
{
	if (!s || !*s)
		return false;
	for (const char *c = s; *c; c++) {
		bool alpha = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			     *c == '_' || (colon && *c == ':');

		if (!alpha && (c == s || *c < '0' || *c > '9'))
			return false;
	}
	return true;
}

bool prom_metric_name_ok(const char *s)
{
	return name_ok(s, true);
}

bool prom_label_name_ok(const char *s)
{
	return name_ok(s, false) && strncmp(s, "__", 2) != 0;
}

/* HELP text escapes backslash and newline; label values also '"'. */
static void put_escaped(FILE *f, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (quote && *s == '"')
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

void prom_family(struct prom *p, const char *name, const char *type,
		 const char *help)
{
	if (!prom_metric_name_ok(name)) {
		p->failed = true;
		return;
	}
	fprintf(p->f, "# HELP %s ", name);
	put_escaped(p->f, help, false);
	fprintf(p->f, "\n# TYPE %s %s\n", name, type);
}

#define PROM_MAX_LABELS 8

/* name{k="v",...}: n pairs (a NULL value leaves its label out). */
static void put_series(struct prom *p, const char *name,
		       const char *const *k, const char *const *v, size_t n)
{
	bool any = false;

	if (!prom_metric_name_ok(name)) {
		p->failed = true;
		return;
	}
	fputs(name, p->f);
	for (size_t i = 0; i < n; i++) {
		if (!prom_label_name_ok(k[i]))
			p->failed = true;
		if (!v[i])
			continue;
		fprintf(p->f, "%c%s=\"", any ? ',' : '{', k[i]);
		put_escaped(p->f, v[i], true);
		fputc('"', p->f);
		any = true;
	}
	if (any)
		fputc('}', p->f);
}

/* The pairs of a sample's argument list, into k[] and v[]. */
static size_t take_pairs(struct prom *p, va_list ap, const char **k,
			 const char **v)
{
	size_t n = 0;
	const char *key;

	while ((key = va_arg(ap, const char *))) {
		const char *val = va_arg(ap, const char *);

		if (n == PROM_MAX_LABELS) {
			p->failed = true;
			continue;
		}
		k[n] = key;
		v[n++] = val;
	}
	return n;
}

static void put_double(FILE *f, double v)
{
	if (isnan(v))
		fputs("NaN", f);
	else if (isinf(v))
		fputs(v > 0 ? "+Inf" : "-Inf", f);
	else
		fprintf(f, "%.15g", v);
}

void prom_u64(struct prom *p, const char *name, uint64_t v, ...)
{
	const char *k[PROM_MAX_LABELS] = { 0 }, *lv[PROM_MAX_LABELS] = { 0 };
	va_list ap;
	size_t n;

	va_start(ap, v);
	n = take_pairs(p, ap, k, lv);
	va_end(ap);
	put_series(p, name, k, lv, n);
	fprintf(p->f, " %llu\n", (unsigned long long)v);
}

void prom_double(struct prom *p, const char *name, double v, ...)
{
	const char *k[PROM_MAX_LABELS] = { 0 }, *lv[PROM_MAX_LABELS] = { 0 };
	va_list ap;
	size_t n;

	va_start(ap, v);
	n = take_pairs(p, ap, k, lv);
	va_end(ap);
	put_series(p, name, k, lv, n);
	fputc(' ', p->f);
	put_double(p->f, v);
	fputc('\n', p->f);
}

/* One histogram series: the given pairs, then le when not NULL. */
static void hist_series(struct prom *p, const char *name,
			const char *const *lk, const char *const *lv, size_t nl,
			const char *le)
{
	const char *k[PROM_MAX_LABELS + 1] = { 0 }, *v[PROM_MAX_LABELS + 1] = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < nl; i++) {
		if (n == PROM_MAX_LABELS) {
			p->failed = true;
			break;
		}
		k[n] = lk[i];
		v[n++] = lv[i];
	}
	if (le) {
		k[n] = "le";
		v[n++] = le;
	}
	put_series(p, name, k, v, n);
}

void prom_histogram(struct prom *p, const char *name, const double *le,
		    const uint64_t *buckets, size_t n, uint64_t above,
		    double sum, const char *const *lk, const char *const *lv,
		    size_t nl)
{
	char series[256], bound[32];
	uint64_t cum = 0;

	if (strlen(name) + sizeof("_bucket") > sizeof(series)) {
		p->failed = true;
		return;
	}
	snprintf(series, sizeof(series), "%s_bucket", name);
	for (size_t i = 0; i < n; i++) {
		cum += buckets[i];
		snprintf(bound, sizeof(bound), "%.15g", le[i]);
		hist_series(p, series, lk, lv, nl, bound);
		fprintf(p->f, " %llu\n", (unsigned long long)cum);
	}
	cum += above;
	hist_series(p, series, lk, lv, nl, "+Inf");
	fprintf(p->f, " %llu\n", (unsigned long long)cum);
	snprintf(series, sizeof(series), "%s_sum", name);
	hist_series(p, series, lk, lv, nl, NULL);
	fputc(' ', p->f);
	put_double(p->f, sum);
	fputc('\n', p->f);
	snprintf(series, sizeof(series), "%s_count", name);
	hist_series(p, series, lk, lv, nl, NULL);
	fprintf(p->f, " %llu\n", (unsigned long long)cum);
}

struct json_object *prom_reply(char *text)
{
	struct json_object *o;

	if (!text)
		return json_req_error("out of memory");
	o = json_object_new_object();
	if (o)
		json_object_object_add(o, "text", json_object_new_string(text));
	free(text);
	return o;
}
