/*
 * The supervising parent: forks the children, watches them, restarts or
 * replaces them, and turns signals into reloads, dumps and a clean stop.
 */
#ifndef TANDEM_PARENT_H
#define TANDEM_PARENT_H

#include "lib/log.h"

struct tandem_config;
struct tandem_opts;

/* Run until stopped; cfg is taken over.  Returns the exit code. */
int parent_run(const struct tandem_opts *o, const struct log_opts *lo,
	       struct tandem_config *cfg);

#endif
