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
/* CLOCK_REALTIME in usec (the instances' transition times). */
uint64_t vrrp_snmp_now_us(void);
/* The router-wide checksum, version and VRID error counts: the packets
 * no instance could be named for plus the instances' own. */
void vrrp_snmp_router_errors(struct vrrp_run *run, uint64_t err[3]);
/* How long ago the instance left Initialize, in hundredths of a second
 * (0 in Initialize). */
uint64_t vrrp_snmp_up_cs(const struct vrrp_inst *vi, uint64_t now);

/* RFC 2787's VRRP-MIB (vrrp_snmp_v2.c), IPv4 instances only */
extern const snmp_subid vrrp_snmp_v2_root[];
extern const size_t vrrp_snmp_v2_rootlen;
void vrrp_snmp_v2_fill(struct snmp_view *w, void *run);
void vrrp_snmp_v2_new_master(const struct vrrp_inst *vi);
/* vrrpNotificationCntl reads enabled(1) with enable_traps */
void vrrp_snmp_v2_traps(bool on);

#endif
