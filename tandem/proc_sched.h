/*
 * How a child process runs: the global_defs *_priority (nice),
 * *_no_swap (mlockall), *_cpu_affinity, *_rt_priority (SCHED_RR) and
 * *_rlimit_rttime of its kind, applied by the child itself right after
 * the fork, before it starts its work.
 */
#ifndef TANDEM_PROC_SCHED_H
#define TANDEM_PROC_SCHED_H

#include "tandem/global_defs.h"

/* Apply P to the calling process.  A setting the system refuses is
 * logged and skipped: the child still runs, as it would under
 * keepalived. */
void proc_sched_apply(const struct gd_proc *p);

#endif
