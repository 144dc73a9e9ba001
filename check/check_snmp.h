/*
 * The check process's SNMP: the tandem MIB's virtual server, real
 * server and checker tables (doc/TANDEM-MIB.txt), read-only, served by
 * the AgentX subagent of lib/snmp_agent.h, and its notifications on a
 * real server going up or down and a quorum being gained or lost.
 * Built only with net-snmp (WITH_SNMP); without it these are no-ops.
 */
#ifndef TANDEM_CHECK_SNMP_H
#define TANDEM_CHECK_SNMP_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "check/check_ipvs.h"
#include "check/check_notify.h"
#include "check/check_vs_conf.h"

struct check_snmp_opts {
	bool enable;		/* enable_snmp_checker */
	bool traps;		/* enable_traps */
	const char *socket;	/* snmp_socket; NULL: net-snmp's default */
	uint64_t stats_usec;	/* the kernel's counters are read at most
				 * this often (snmp_*_stats_update_interval) */
};

#ifdef WITH_SNMP
/* Serve CC (its runtime attached), with the counters of IPVS (NULL: no
 * IPVS, no counter columns), and take N's change hook for the
 * notifications.  Call again at each reload: the subagent is started,
 * kept or stopped as O says. */
void check_snmp_set(sd_event *e, const struct check_conf *cc,
		    struct check_ipvs *ipvs, struct check_notify *n,
		    const struct check_snmp_opts *o);
void check_snmp_stop(void);
#else
static inline void check_snmp_set(sd_event *e, const struct check_conf *cc,
				  struct check_ipvs *ipvs,
				  struct check_notify *n,
				  const struct check_snmp_opts *o)
{
	(void)e; (void)cc; (void)ipvs; (void)n; (void)o;
}
static inline void check_snmp_stop(void) {}
#endif

#endif
