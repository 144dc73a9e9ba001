/*
 * Diagnostics: every warning and error of reading and applying a config,
 * with the file and line it is about.
 *
 * Problems are collected, not printed where found, so that one run shows
 * the user every error in the file, and so that the caller decides where
 * they go (the terminal for `tandem -t`, the log on a reload).  Entries own
 * copies of their file names: the tree they came from may be freed first.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* vasprintf */
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf_int.h"

void conf_diag_init(struct conf_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void conf_diag_free(struct conf_diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* A cap, so that a pathological input cannot make the list itself the
 * problem; the count of errors stays exact. */
#define CONF_DIAG_MAX 10000

static void conf_diag_vadd(struct conf_diag *d, enum conf_severity sev,
			   const char *file, int line, const char *fmt,
			   va_list ap)
{
	if (sev == CONF_ERROR)
		d->errors++;
	else
		d->warnings++;
	if (d->n >= CONF_DIAG_MAX)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = conf_xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	struct conf_diag_entry *e = &d->v[d->n++];
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = conf_xstrdup("(message lost: out of memory)");
	e->sev = sev;
	e->file = file ? conf_xstrdup(file) : NULL;
	e->line = line;
	e->msg = msg;
}

void conf_diag_add(struct conf_diag *d, enum conf_severity sev,
		   const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_diag_vadd(d, sev, file, line, fmt, ap);
	va_end(ap);
}

void conf_diag_vaddf(struct conf_diag *d, enum conf_severity sev,
		     const char *file, int line, const char *fmt, va_list ap)
{
	conf_diag_vadd(d, sev, file, line, fmt, ap);
}

int conf_diag_format(const struct conf_diag_entry *e, char *buf, size_t size)
{
	const char *sev = e->sev == CONF_ERROR ? "error" : "warning";

	if (e->file && e->line > 0)
		return snprintf(buf, size, "%s:%d: %s: %s", e->file, e->line,
				sev, e->msg);
	if (e->file)
		return snprintf(buf, size, "%s: %s: %s", e->file, sev, e->msg);
	return snprintf(buf, size, "%s: %s", sev, e->msg);
}

void conf_diag_print(const struct conf_diag *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct conf_diag_entry *e = &d->v[i];
		const char *sev = e->sev == CONF_ERROR ? "error" : "warning";

		if (e->file && e->line > 0)
			fprintf(out, "%s:%d: %s: %s\n", e->file, e->line, sev,
				e->msg);
		else if (e->file)
			fprintf(out, "%s: %s: %s\n", e->file, sev, e->msg);
		else
			fprintf(out, "%s: %s\n", sev, e->msg);
	}
	if (d->n < d->errors + d->warnings)
		fprintf(out, "(%zu more problems not shown)\n",
			d->errors + d->warnings - d->n);
}

void conf_diag_foreach(const struct conf_diag *d,
		       void (*fn)(const struct conf_diag_entry *e, void *arg),
		       void *arg)
{
	for (size_t i = 0; i < d->n; i++)
		fn(&d->v[i], arg);
}
