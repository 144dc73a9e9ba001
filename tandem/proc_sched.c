/*
 * The scheduling and memory settings of a child (see proc_sched.h).
 *
 * Real-time scheduling comes with RLIMIT_RTTIME set first, so a child
 * that spins at SCHED_RR is stopped by the kernel (SIGXCPU) before it
 * starves the machine, and with SCHED_RESET_ON_FORK, so the scripts it
 * runs do not inherit real-time priority.  Each setting is independent:
 * one refused (no CAP_SYS_NICE, a CPU that does not exist) leaves the
 * others in force.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "lib/log.h"
#include "tandem/proc_sched.h"

static void affinity(const struct gd_proc *p)
{
	cpu_set_t set;
	unsigned n = 0;

	CPU_ZERO(&set);
	for (unsigned i = 0; i < GD_MAX_CPUS && i < CPU_SETSIZE; i++)
		if (gd_proc_has_cpu(p, i)) {
			CPU_SET(i, &set);
			n++;
		}
	if (n && sched_setaffinity(0, sizeof(set), &set) < 0)
		log_warn("cannot set the CPU affinity: %s", strerror(errno));
}

static void realtime(const struct gd_proc *p)
{
	struct sched_param sp = { .sched_priority = (int)p->rt_priority };
	/* SIGXCPU at the soft limit, half the hard one: a chance to be
	 * seen before SIGKILL at the hard limit. */
	struct rlimit rl = { .rlim_cur = p->rlimit_rttime / 2,
			     .rlim_max = p->rlimit_rttime };

	if (setrlimit(RLIMIT_RTTIME, &rl) < 0) {
		log_warn("cannot limit the real-time CPU time (%s): "
			 "staying out of real-time scheduling", strerror(errno));
		return;
	}
	if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp) < 0)
		log_warn("cannot run at real-time priority %u: %s",
			 p->rt_priority, strerror(errno));
	else
		log_info("real-time priority %u (SCHED_RR)", p->rt_priority);
}

void proc_sched_apply(const struct gd_proc *p)
{
	if (p->priority) {
		errno = 0;
		if (setpriority(PRIO_PROCESS, 0, p->priority) < 0)
			log_warn("cannot set nice %d: %s", p->priority,
				 strerror(errno));
	}
	if (p->cpus_set)
		affinity(p);
	if (p->no_swap && mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		log_warn("cannot lock the memory: %s", strerror(errno));
	if (p->rt_priority)
		realtime(p);
}
