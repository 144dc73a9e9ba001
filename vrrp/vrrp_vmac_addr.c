/*
 * use_vmac_addr (with use_vmac), as keepalived.conf(5) describes it: a
 * VMAC (macvlan) interface is made for each interface that a VIP or
 * eVIP names when it is not the instance's own interface, and for the
 * eVIPs whose family is not the instance's (on the interface they name,
 * else the instance's).  Such an address then goes on that VMAC, so its
 * gratuitous ARPs / NAs and its ARP / ND answers carry the virtual MAC
 * of its own family (00:00:5e:00:01:VRID for IPv4, 00:00:5e:00:02:VRID
 * for IPv6) instead of the other interface's MAC, which would otherwise
 * have to be relearnt at each failover; without the option such an
 * address is on the interface itself (or, for the other family, on the
 * instance's VMAC with the wrong MAC, as the manual warns).  The
 * `use_vmac` option of one address line asks the same for that address
 * alone.
 *
 * The VMACs are made with the instance's own (vrrp_vmac_up()), named
 * vrrp[6].VRID.IFINDEX after the interface under them (unique, and at
 * most 15 characters), given the same arp_ignore / arp_announce care as
 * the instance's VMAC, and deleted with it.  The addresses reach them
 * through vrrp_inst_vip_ifindex(), the one place that says where an
 * address lives.
 */
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/nl_macvlan.h"
#include "vrrp/vrrp_fw.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_vmac.h"

/* Where a VMAC is wanted for V: its base interface, 0 for none. */
static int wanted_base(const struct vrrp_inst *vi, const struct vrrp_vip *v)
{
	int base = v->dev ? (int)if_nametoindex(v->dev) : vi->ifindex;

	if (base <= 0 || (!vi->ci->use_vmac_addr && !v->use_vmac))
		return 0;
	return base != vi->ifindex || v->addr.family != vi->family ? base : 0;
}

static bool have(const struct vrrp_inst *vi, int base, sa_family_t family)
{
	for (size_t i = 0; i < vi->vmac->nextra; i++)
		if (vi->vmac->extra[i].base == base &&
		    vi->vmac->extra[i].family == family)
			return true;
	return false;
}

static void make_one(struct vrrp_inst *vi, int base, sa_family_t family)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	uint8_t mac[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, (uint8_t)ci->vrid };
	struct vrrp_vmac_extra *e, *grown;
	char bname[IF_NAMESIZE] = "?", full[40];
	int r;

	grown = realloc(vi->vmac->extra, (vi->vmac->nextra + 1) * sizeof(*grown));
	if (!grown) {
		log_err("VRRP_Instance(%s) out of memory for use_vmac_addr",
			ci->name);
		return;
	}
	vi->vmac->extra = grown;
	e = &grown[vi->vmac->nextra++];
	memset(e, 0, sizeof(*e));
	e->base = base;
	e->family = family;
	e->saved_arp_ignore = e->saved_arp_announce = -1;
	if (family == AF_INET6)
		mac[4] = 0x02;
	snprintf(full, sizeof(full), "vrrp%s.%u.%d",
		 family == AF_INET6 ? "6" : "", ci->vrid, base);
	if (strlen(full) >= sizeof(e->name)) {
		/* an ifindex past 99999: no name fits IFNAMSIZ */
		log_err("VRRP_Instance(%s) no VMAC name for interface index %d",
			ci->name, base);
		return;
	}
	memcpy(e->name, full, strlen(full) + 1);
	if_indextoname((unsigned)base, bname);
	if ((r = nl_macvlan_add(vi->env->nl, e->name, base, mac)) < 0) {
		log_err("VRRP_Instance(%s) cannot create VMAC interface %s on "
			"%s for use_vmac_addr: %s", ci->name, e->name, bname,
			strerror(-r));
		return;
	}
	e->ifindex = r;
	/* no address of its own: the same EUI-64 on every router */
	vrrp_vmac_net_conf("ipv6", e->name, "addr_gen_mode", 1);
	if ((r = nl_link_set_up(vi->env->nl, e->ifindex)) < 0)
		log_warn("VRRP_Instance(%s) cannot bring %s up: %s", ci->name,
			 e->name, strerror(-r));
	if (base != vi->ifindex) {
		e->saved_arp_ignore = vrrp_vmac_net_conf("ipv4", bname,
							 "arp_ignore", 1);
		e->saved_arp_announce = vrrp_vmac_net_conf("ipv4", bname,
							   "arp_announce", 2);
	}
	vrrp_vmac_net_conf("ipv4", e->name, "arp_ignore", 1);
	vrrp_fw_vmac(vi, e->name, true);
	log_info("VRRP_Instance(%s) VMAC interface %s (%02x:%02x:%02x:%02x:"
		 "%02x:%02x) on %s for its addresses there", ci->name, e->name,
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], bname);
}

static void scan(struct vrrp_inst *vi, const struct vrrp_vip *v, size_t n,
		 bool excluded)
{
	for (size_t i = 0; i < n; i++) {
		int base = wanted_base(vi, &v[i]);

		/* a VIP of the other family cannot be (the instance's
		 * family is its VIPs'), but an eVIP can */
		if (!base || (!excluded && v[i].addr.family != vi->family))
			continue;
		if (!have(vi, base, v[i].addr.family))
			make_one(vi, base, v[i].addr.family);
	}
}

void vrrp_vmac_addr_up(struct vrrp_inst *vi)
{
	if (!vi->vmac || vi->vmac->nextra)
		return;
	scan(vi, vi->ci->vips, vi->ci->nvips, false);
	scan(vi, vi->ci->evips, vi->ci->nevips, true);
}

void vrrp_vmac_addr_down(struct vrrp_inst *vi)
{
	if (!vi->vmac)
		return;
	for (size_t i = 0; i < vi->vmac->nextra; i++) {
		struct vrrp_vmac_extra *e = &vi->vmac->extra[i];
		char bname[IF_NAMESIZE];
		int r;

		if (e->ifindex <= 0)
			continue;
		vrrp_fw_vmac(vi, e->name, false);
		/* 1: gone already, with the interface under it */
		if ((r = nl_link_del(vi->env->nl, e->ifindex)) < 0)
			log_err("VRRP_Instance(%s) cannot delete VMAC interface "
				"%s: %s", vi->ci->name, e->name, strerror(-r));
		if (if_indextoname((unsigned)e->base, bname)) {
			if (e->saved_arp_ignore >= 0)
				vrrp_vmac_net_conf("ipv4", bname, "arp_ignore",
						   e->saved_arp_ignore);
			if (e->saved_arp_announce >= 0)
				vrrp_vmac_net_conf("ipv4", bname,
						   "arp_announce",
						   e->saved_arp_announce);
		}
	}
	free(vi->vmac->extra);
	vi->vmac->extra = NULL;
	vi->vmac->nextra = 0;
}

int vrrp_vmac_addr_ifindex(const struct vrrp_inst *vi, int base,
			   sa_family_t family)
{
	for (size_t i = 0; vi->vmac && i < vi->vmac->nextra; i++)
		if (vi->vmac->extra[i].base == base &&
		    vi->vmac->extra[i].family == family)
			return vi->vmac->extra[i].ifindex;
	return 0;
}
