/*
 * use_vmac: the instance's virtual MAC interface (vrrp_vmac.c).
 */
#ifndef TANDEM_VRRP_VMAC_H
#define TANDEM_VRRP_VMAC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct vrrp_inst;
struct vrrp_vip;

/* An instance's VMAC, while it is made (vi->vmac). */
struct vrrp_inst_vmac {
	int ifindex;			/* the macvlan */
	int saved_arp_ignore;		/* the base's, -1: unknown */
	int saved_arp_announce;
	char name[16];
	uint8_t mac[6];			/* its MAC */
	/* use_vmac_addr (vrrp_vmac_addr.c): one more VMAC per other
	 * (interface, family) of the VIPs and eVIPs */
	struct vrrp_vmac_extra {
		int ifindex;		/* the macvlan; 0: not made */
		int base;		/* the interface under it */
		sa_family_t family;
		int saved_arp_ignore, saved_arp_announce;
		char name[16];
	} *extra;
	size_t nextra;
};

/* Create (or adopt) the macvlan of an instance with use_vmac once its
 * interface is known; makes vi->vmac.  0 or a negative errno (logged:
 * the instance then runs on its interface without a VMAC). */
int vrrp_vmac_up(struct vrrp_inst *vi);
/* Delete it and restore the base interface's arp_ignore; vi->vmac is
 * freed.  GONE: the base interface was deleted (the macvlan went with
 * it). */
void vrrp_vmac_down(struct vrrp_inst *vi, bool gone);
/* Free vi->vmac and leave its interfaces as they are (-X: the VIPs on
 * them stay). */
void vrrp_vmac_forget(struct vrrp_inst *vi);
/* The interface adverts are sent and received on: the VMAC, unless
 * vmac_xmit_base (or no VMAC), the instance's interface. */
int vrrp_vmac_sock_ifindex(const struct vrrp_inst *vi);
/* Set net.FAM.conf.IFNAME.KEY to SET (-1: only read); the old value, -1
 * when there is no such setting. */
int vrrp_vmac_net_conf(const char *fam, const char *ifname, const char *key,
		       int set);

/* use_vmac_addr (vrrp_vmac_addr.c): make (vrrp_vmac_up() calls it) or
 * delete the VMACs of the addresses on other interfaces or of the other
 * family; failures are logged, the address then stays on its
 * interface. */
void vrrp_vmac_addr_up(struct vrrp_inst *vi);
void vrrp_vmac_addr_down(struct vrrp_inst *vi);
/* The VMAC made for addresses of FAMILY on interface BASE; 0: none. */
int vrrp_vmac_addr_ifindex(const struct vrrp_inst *vi, int base,
			   sa_family_t family);

#endif
