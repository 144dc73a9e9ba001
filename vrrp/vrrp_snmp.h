/*
 * The vrrp process's SNMP: the standard VRRPv3-MIB (RFC 6527), the
 * older VRRP-MIB (RFC 2787) and the
 * VRRP part of the tandem MIB (doc/TANDEM-MIB.txt), read-only, served by
 * the AgentX subagent of lib/snmp_agent.h from the running instances,
 * and their notifications.  Built only with net-snmp (WITH_SNMP); without
 * it these are no-ops, so the callers need no #ifdef.
 */
#ifndef TANDEM_VRRP_SNMP_H
#define TANDEM_VRRP_SNMP_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "vrrp/vrrp_run.h"

struct vrrp_snmp_opts {
	bool rfcv3;		/* enable_snmp_rfcv3: VRRPv3-MIB */
	bool rfcv2;		/* enable_snmp_rfcv2: VRRP-MIB (RFC 2787) */
	bool tandem;		/* enable_snmp_vrrp: TANDEM-MIB's VRRP table */
	bool traps;		/* enable_traps */
	const char *socket;	/* snmp_socket; NULL: net-snmp's default */
};

#ifdef WITH_SNMP
/* Serve what O asks for from RUN (start, change or stop the subagent:
 * nothing asked, nothing runs).  Call again at each reload. */
void vrrp_snmp_set(sd_event *e, struct vrrp_run *run,
		   const struct vrrp_snmp_opts *o);
/* A state change, for the notifications. */
void vrrp_snmp_state(const struct vrrp_inst *vi, enum vrrp_state from,
		     enum vrrp_state to);
void vrrp_snmp_stop(void);
#else
static inline void vrrp_snmp_set(sd_event *e, struct vrrp_run *run,
				 const struct vrrp_snmp_opts *o)
{
	(void)e; (void)run; (void)o;
}
static inline void vrrp_snmp_state(const struct vrrp_inst *vi,
				   enum vrrp_state from, enum vrrp_state to)
{
	(void)vi; (void)from; (void)to;
}
static inline void vrrp_snmp_stop(void) {}
#endif

#endif
