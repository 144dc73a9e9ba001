/*
 * Between the two halves of the vrrp process's SNMP: vrrp_snmp.c (the
 * subagent's life, VRRPv3-MIB) and vrrp_snmp_tandem.c (TANDEM-MIB's
 * VRRP table).  Internal to vrrp/.
 */
#ifndef TANDEM_VRRP_SNMP_INT_H
#define TANDEM_VRRP_SNMP_INT_H

#include "lib/snmp_agent.h"
#include "lib/snmp_view.h"
#include "vrrp/vrrp_run.h"

/* tandemVrrp (doc/TANDEM-MIB.txt) */
extern const snmp_subid vrrp_snmp_tandem_root[];
extern const size_t vrrp_snmp_tandem_rootlen;

void vrrp_snmp_tandem_fill(struct snmp_view *w, void *run);
void vrrp_snmp_tandem_trap(struct vrrp_run *run, const struct vrrp_inst *vi,
			   enum vrrp_state to);
/* RFC 6527's state for FAULT is initialize: the tandem MIB says fault. */
int vrrp_snmp_state_value(enum vrrp_state s, bool rfc);

#endif
