/*
 * use_vmac: the instance's virtual MAC interface (vrrp_vmac.c).
 */
#ifndef TANDEM_VRRP_VMAC_H
#define TANDEM_VRRP_VMAC_H

#include <stdbool.h>

struct vrrp_inst;

/* Create (or adopt) the macvlan of an instance with use_vmac once its
 * interface is known; sets vi->vmac.  0 or a negative errno (logged:
 * the instance then runs on its interface without a VMAC). */
int vrrp_vmac_up(struct vrrp_inst *vi);
/* Delete it and restore the base interface's arp_ignore.  GONE: the base
 * interface was deleted (the macvlan went with it). */
void vrrp_vmac_down(struct vrrp_inst *vi, bool gone);
/* The interface adverts are sent and received on: the VMAC, unless
 * vmac_xmit_base (or no VMAC), the instance's interface. */
int vrrp_vmac_sock_ifindex(const struct vrrp_inst *vi);

#endif
