/*
 * One scrape of tandem's metrics: the parent's own metrics, then each
 * running child's answer to {"cmd": "metrics"}, in the order of enum
 * child_type.  The HTTP endpoint (metrics_http.c) and the control
 * socket's "metrics" command (ctl_cmds.c) both serve this text.
 */
#ifndef TANDEM_METRICS_SCRAPE_H
#define TANDEM_METRICS_SCRAPE_H

#include "tandem/metrics_http.h"

struct metrics_scrape;

/* text: the whole exposition (malloc'd, taken over), NULL when out of
 * memory. */
typedef void (*metrics_scrape_done)(char *text, void *ud);

/* Where the parent's numbers come from: fn(ud) at each scrape.  The
 * first call also marks the start for tandem_uptime_seconds. */
void metrics_scrape_set_source(metrics_parent_fn fn, void *ud);
/* Ask the children; done(ud) runs once: from the loop, or before this
 * returns when no child could be asked (then *out is NULL; otherwise it
 * is the scrape in flight).  0, or -ENOMEM (done is not called). */
int metrics_scrape_start(metrics_scrape_done done, void *ud,
			 struct metrics_scrape **out);
/* The client went away: done will not be called; the scrape frees
 * itself once the children's answers are in. */
void metrics_scrape_detach(struct metrics_scrape *s);

#endif
