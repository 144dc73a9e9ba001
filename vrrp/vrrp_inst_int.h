/*
 * Between the files of one running VRRP instance (vrrp_inst.c and
 * vrrp_inst_out.c); the rest of the vrrp process uses vrrp_inst.h.
 */
#ifndef TANDEM_VRRP_INST_INT_H
#define TANDEM_VRRP_INST_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/nl_addr.h"
#include "vrrp/vrrp_inst.h"

/* The v2 authentication key (PASS or AH) of VI; zeros without one. */
void vrrp_inst_auth_key(const struct vrrp_inst *vi, uint8_t key[VRRP_AUTH_LEN]);
/* An advert at priority PRIO to the group or to every unicast peer. */
void vrrp_inst_send_advert(struct vrrp_inst *vi, uint8_t prio);
/* The kernel's form of one VIP or eVIP of VI. */
void vrrp_inst_vip_spec(const struct vrrp_inst *vi, const struct vrrp_vip *v,
			struct nl_addr_spec *s);
/* Add (ADD) or remove every VIP and eVIP; QUIET: no log line each. */
void vrrp_inst_vips_all(struct vrrp_inst *vi, bool add, bool quiet);

#endif
