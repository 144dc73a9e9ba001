/*
 * The virtual MAC interface of an instance with use_vmac (keepalived's
 * semantics): a macvlan in private mode on the instance's interface,
 * named by use_vmac or vrrp.VRID (vrrp6.VRID for IPv6), whose MAC is
 * the one use_vmac gives or else the RFC's virtual router MAC
 * 00:00:5e:00:01:VRID (00:00:5e:00:02:VRID for IPv6).  It exists while the instance runs, in every state; the
 * VIPs go on it when the instance is master, so gratuitous ARPs and ARP
 * replies carry the virtual MAC and a failover needs no ARP cache to
 * change.  Adverts go out of it too (their source MAC is then the
 * virtual one, as the RFCs say) unless vmac_xmit_base keeps them on the
 * base interface.  It is made down, its IPv6 address generation turned
 * off (every router's VMAC has the same MAC, so the same EUI-64
 * link-local, which would fail DAD), then brought up; an IPv6 instance
 * puts its base interface's link-local address, its adverts' source, on
 * it.
 *
 * The base interface would also answer ARP for the VIPs with its own
 * MAC (Linux answers for any local address on any interface), and would
 * name a VIP as the sender of its own ARP requests (teaching the
 * neighbours the base's MAC for it), so while the VMAC exists arp_ignore
 * is 1 on the base and on the VMAC (each answers for its own addresses
 * only) and arp_announce is 2 on the base (its requests name its own
 * address); the base's old values are written back when the VMAC goes.
 * With several VMAC instances on one base interface, the values the
 * first one found are the ones restored.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/nl_addr.h"
#include "lib/nl_macvlan.h"
#include "vrrp/vrrp_fw.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_vmac.h"

int vrrp_vmac_net_conf(const char *fam, const char *ifname, const char *key,
		    int set)
{
	char path[128], buf[16];
	ssize_t n;
	int fd, old = -1;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", fam, ifname,
		 key);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		old = atoi(buf);
	}
	if (set >= 0 && old != set) {
		n = snprintf(buf, sizeof(buf), "%d\n", set);
		if (lseek(fd, 0, SEEK_SET) < 0 || write(fd, buf, (size_t)n) != n)
			log_warn("cannot set %s: %m", path);
	}
	close(fd);
	return old;
}

static int ipv4_conf(const char *ifname, const char *key, int set)
{
	return vrrp_vmac_net_conf("ipv4", ifname, key, set);
}

/* IPv6 on the VMAC: no address of its own (the virtual MAC's EUI-64
 * link-local would be the same on every router, and fail DAD), but the
 * base's link-local, the source of an IPv6 instance's adverts, which
 * must be on the interface they leave by. */
static void vmac_ipv6(struct vrrp_inst *vi)
{
	struct nl_addr_spec s;
	int r;

	vrrp_vmac_net_conf("ipv6", vi->vmac->name, "addr_gen_mode", 1);
	if (vi->family != AF_INET6 || vi->fsm.cfg.primary.family != AF_INET6 ||
	    !IN6_IS_ADDR_LINKLOCAL(&vi->fsm.cfg.primary.u.v6))
		return;
	memset(&s, 0, sizeof(s));
	s.ifindex = vi->vmac->ifindex;
	s.family = AF_INET6;
	memcpy(s.addr, &vi->fsm.cfg.primary.u.v6, 16);
	s.prefixlen = 64;
	s.flags = IFA_F_NODAD;
	if ((r = nl_addr_add(vi->env->nl, &s)) < 0)
		log_warn("VRRP_Instance(%s) cannot put the link-local source on "
			 "%s: %s", vi->ci->name, vi->vmac->name, strerror(-r));
}

int vrrp_vmac_up(struct vrrp_inst *vi)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	uint8_t *mac;
	int r;

	if (!ci->use_vmac || vi->vmac || vi->ifindex <= 0)
		return 0;
	if (!(vi->vmac = calloc(1, sizeof(*vi->vmac)))) {
		log_err("VRRP_Instance(%s) cannot create its VMAC interface: "
			"out of memory", ci->name);
		return -ENOMEM;
	}
	mac = vi->vmac->mac;
	vrrp_conf_vmac_mac(ci, vi->family == AF_INET6, mac);
	if (ci->vmac_name)
		snprintf(vi->vmac->name, sizeof(vi->vmac->name), "%s",
			 ci->vmac_name);
	else
		snprintf(vi->vmac->name, sizeof(vi->vmac->name), "vrrp%s.%u",
			 vi->family == AF_INET6 ? "6" : "", ci->vrid);
	r = nl_macvlan_add(vi->env->nl, vi->vmac->name, vi->ifindex, mac);
	if (r < 0) {
		log_err("VRRP_Instance(%s) cannot create VMAC interface %s on "
			"%s: %s", ci->name, vi->vmac->name, ci->interface,
			strerror(-r));
		free(vi->vmac);
		vi->vmac = NULL;
		return r;
	}
	vi->vmac->ifindex = r;
	vmac_ipv6(vi);
	if ((r = nl_link_set_up(vi->env->nl, vi->vmac->ifindex)) < 0)
		log_warn("VRRP_Instance(%s) cannot bring %s up: %s", ci->name,
			 vi->vmac->name, strerror(-r));
	vi->vmac->saved_arp_ignore = ipv4_conf(ci->interface, "arp_ignore", 1);
	vi->vmac->saved_arp_announce = ipv4_conf(ci->interface, "arp_announce",
						2);
	ipv4_conf(vi->vmac->name, "arp_ignore", 1);
	vrrp_fw_vmac(vi, vi->vmac->name, true);
	log_info("VRRP_Instance(%s) VMAC interface %s (%02x:%02x:%02x:%02x:"
		 "%02x:%02x) on %s", ci->name, vi->vmac->name, mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5], ci->interface);
	vrrp_vmac_addr_up(vi);
	return 0;
}

void vrrp_vmac_down(struct vrrp_inst *vi, bool gone)
{
	int r;

	vrrp_vmac_addr_down(vi);
	if (!vi->vmac)
		return;
	vrrp_fw_vmac(vi, vi->vmac->name, false);
	if (!gone) {
		r = nl_link_del(vi->env->nl, vi->vmac->ifindex);
		if (r < 0)
			log_err("VRRP_Instance(%s) cannot delete VMAC interface "
				"%s: %s", vi->ci->name, vi->vmac->name,
				strerror(-r));
		if (vi->vmac->saved_arp_ignore >= 0)
			ipv4_conf(vi->ci->interface, "arp_ignore",
				  vi->vmac->saved_arp_ignore);
		if (vi->vmac->saved_arp_announce >= 0)
			ipv4_conf(vi->ci->interface, "arp_announce",
				  vi->vmac->saved_arp_announce);
	}
	free(vi->vmac);
	vi->vmac = NULL;
}

void vrrp_vmac_forget(struct vrrp_inst *vi)
{
	if (!vi->vmac)
		return;
	free(vi->vmac->extra);
	free(vi->vmac);
	vi->vmac = NULL;
}

int vrrp_vmac_sock_ifindex(const struct vrrp_inst *vi)
{
	if (vi->vmac && !vi->ci->vmac_xmit_base)
		return vi->vmac->ifindex;
	return vi->ifindex;
}
