/*
 * Writing the Prometheus text exposition format (version 0.0.4): HELP and
 * TYPE lines, samples with labels, and the escaping the format asks for.
 *
 * The parent and both children each write their own part of a scrape,
 * which the parent concatenates, so every writer goes through this one
 * module: the names are checked the same way and the label values are
 * escaped the same way everywhere.  A writer is an open_memstream()
 * buffer; a family is opened with prom_family() and its samples follow
 * it at once (the format forbids interleaving families).  A sample's
 * labels are given as a NULL-terminated list of name, value pairs.
 */
#ifndef TANDEM_PROM_TEXT_H
#define TANDEM_PROM_TEXT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct prom {
	FILE *f;
	char *buf;
	size_t len;
	bool failed;		/* out of memory, or a bad name was given */
};

/* 0, or -1 when out of memory. */
int prom_open(struct prom *p);
/* Close and return the text (malloc'd, NUL-terminated; the caller frees
 * it), or NULL when anything failed. */
char *prom_close(struct prom *p);

/* Is s a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), or label name
 * ([a-zA-Z_][a-zA-Z0-9_]*, not starting with "__")? */
bool prom_metric_name_ok(const char *s);
bool prom_label_name_ok(const char *s);

/* "# HELP name help" and "# TYPE name type" (type: counter, gauge,
 * histogram, summary, untyped). */
void prom_family(struct prom *p, const char *name, const char *type,
		 const char *help);

/* name{k="v",...} value.  The pairs end with NULL; a NULL value leaves
 * its label out. */
void prom_u64(struct prom *p, const char *name, uint64_t v, ...)
	__attribute__((sentinel));
void prom_double(struct prom *p, const char *name, double v, ...)
	__attribute__((sentinel));

/* A histogram's samples: name_bucket for each upper bound in le[] (in
 * seconds when the values are durations) and +Inf, then name_sum and
 * name_count.  buckets[] are the non-cumulative counts, n of them, and
 * above the count past the last bound.  lk/lv: up to 8 label pairs
 * (nl of them), written before le. */
void prom_histogram(struct prom *p, const char *name, const double *le,
		    const uint64_t *buckets, size_t n, uint64_t above,
		    double sum, const char *const *lk, const char *const *lv,
		    size_t nl);

/* A child's answer to {"cmd": "metrics"}: {"text": text} (text taken
 * over), or {"error": "out of memory"} when text is NULL; NULL only when
 * out of memory. */
struct json_object;
struct json_object *prom_reply(char *text);

#endif
