/*
 * One scrape of the metrics endpoint: the parent's own metrics, then
 * each running child's answer to {"cmd": "metrics"}, in the order of
 * enum child_type.  Internal to tandem/metrics_*.c.
 */
#ifndef TANDEM_METRICS_SCRAPE_H
#define TANDEM_METRICS_SCRAPE_H

#include "tandem/metrics_http.h"

struct metrics_scrape;

/* text: the whole exposition (malloc'd, taken over), NULL when out of
 * memory. */
typedef void (*metrics_scrape_done)(char *text, void *ud);

/* Ask the children; done(ud) runs once: from the loop, or before this
 * returns when no child could be asked (then *out is NULL; otherwise it
 * is the scrape in flight).  started: CLOCK_MONOTONIC usec at which
 * tandem started, for the uptime.  0, or -ENOMEM (done is not called). */
int metrics_scrape_start(metrics_parent_fn fn, void *fnud, uint64_t started,
			 metrics_scrape_done done, void *ud,
			 struct metrics_scrape **out);
/* The client went away: done will not be called; the scrape frees
 * itself once the children's answers are in. */
void metrics_scrape_detach(struct metrics_scrape *s);

#endif
