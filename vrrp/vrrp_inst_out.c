/*
 * What a running VRRP instance puts out (see vrrp_inst.c for the whole):
 * its adverts, to the group or to each unicast peer, and its virtual
 * addresses, added to or removed from the kernel through rtnetlink.
 * vrrp_inst.c's exec() is the only caller, so effects keep the order the
 * state machine gave.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/nl_addr.h"
#include "vrrp/vrrp_auth.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_inst_int.h"
#include "vrrp/vrrp_routes.h"
#include "vrrp/vrrp_vmac.h"

/* ------------------------------------------------------------------ */
/* Sending                                                              */

static int send_to(struct vrrp_inst *vi, const struct vrrp_advert *a,
		   const struct vrrp_ip *dst)
{
	uint8_t buf[VRRP_IP4_HDR_LEN + 24 + VRRP_MAX_PKT_LEN];
	struct vrrp_ip_info ip = { .src = vi->fsm.cfg.primary, .dst = *dst, .ttl = vi->ttl };
	enum vrrp_csum_kind kind = (enum vrrp_csum_kind)vi->rx_csum;
	size_t off = vi->proto == VRRP_PROTO_AH ? VRRP_IP4_HDR_LEN + 24 : 0;
	ssize_t len;
	uint8_t ttl = vrrp_ip_is_multicast(dst) ? 255 : vi->ttl;
	uint8_t key[VRRP_AUTH_LEN];
	int r;

	len = vrrp_packet_encode(a, &ip, kind, buf + off, sizeof(buf) - off);
	if (len < 0)
		return (int)len;
	if (vi->proto != VRRP_PROTO_AH)
		return vrrp_sock_send(vi->sock, &vi->fsm.cfg.primary, dst, ttl, buf,
				      (size_t)len);
	r = vrrp_sock_ip4_header(vi->sock, buf, off + (size_t)len,
				 VRRP_PROTO_AH, &vi->fsm.cfg.primary, dst, ttl);
	if (r < 0)
		return r;
	vrrp_inst_auth_key(vi, key);
	r = vrrp_ah_sign(buf, off + (size_t)len, key, &vi->ah_seq,
			 !vrrp_ip_is_multicast(dst));
	if (r < 0)
		return r;
	return vrrp_sock_send_ip4(vi->sock, buf, off + (size_t)len);
}

void vrrp_inst_send_advert(struct vrrp_inst *vi, uint8_t prio)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	struct vrrp_advert a;
	int r = 0;

	if (!vi->sock)
		return;
	memset(&a, 0, sizeof(a));
	a.version = (uint8_t)ci->version;
	a.type = VRRP_TYPE_ADVERT;
	a.vrid = (uint8_t)ci->vrid;
	a.priority = prio;
	a.naddr = vi->nvips;
	a.family = vi->family;
	a.addrs = vi->vips;
	if (ci->version == 3) {
		a.adver_int = (uint16_t)(ci->advert_int_us / 10000);
	} else {
		a.adver_int = (uint16_t)(ci->advert_int_us / 1000000);
		a.auth_type = vi->rx_auth_type;
		if (a.auth_type == VRRP_AUTH_PASS)
			vrrp_inst_auth_key(vi, a.auth_data);
	}
	if (vi->npeers) {
		for (size_t i = 0; i < vi->npeers; i++)
			if ((r = send_to(vi, &a, &vi->peers[i])) < 0)
				break;
	} else {
		r = send_to(vi, &a, &vi->group);
	}
	if (r < 0)
		log_debug("VRRP_Instance(%s) advert not sent: %s", ci->name,
			  strerror(-r));
	else
		vi->adverts_sent++;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                            */

int vrrp_inst_vip_ifindex(const struct vrrp_inst *vi, const struct vrrp_vip *v)
{
	int ifx = v->dev ? (int)if_nametoindex(v->dev) : vi->ifindex, x;

	/* use_vmac_addr: the VMAC of its interface and family */
	if (ifx > 0 && (x = vrrp_vmac_addr_ifindex(vi, ifx, v->addr.family)) > 0)
		return x;
	if (v->dev)
		return ifx;
	return vi->vmac ? vi->vmac->ifindex : vi->ifindex;
}

void vrrp_inst_vip_spec(const struct vrrp_inst *vi, const struct vrrp_vip *v,
		     struct nl_addr_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->ifindex = vrrp_inst_vip_ifindex(vi, v);
	s->family = v->addr.family;
	memcpy(s->addr, &v->addr.u, vrrp_ip_len(v->addr.family));
	s->prefixlen = v->prefix;
	if (v->has_peer) {
		s->has_peer = true;
		memcpy(s->peer, &v->peer.u, vrrp_ip_len(v->peer.family));
	}
	if (v->has_brd) {
		s->has_brd = true;
		memcpy(s->brd, &v->brd, 4);
	}
	if (v->label)
		snprintf(s->label, sizeof(s->label), "%s", v->label);
	s->scope = v->scope < 0 ? 0 : (uint8_t)v->scope;
	if (v->flags & VRRP_VIP_HOME)
		s->flags |= IFA_F_HOMEADDRESS;
	if (v->flags & VRRP_VIP_NODAD)
		s->flags |= IFA_F_NODAD;
	if (v->flags & VRRP_VIP_NOPREFIXROUTE)
		s->flags |= IFA_F_NOPREFIXROUTE;
	if (v->flags & VRRP_VIP_MNGTMPADDR)
		s->flags |= IFA_F_MANAGETEMPADDR;
	if (v->flags & VRRP_VIP_AUTOJOIN)
		s->flags |= IFA_F_MCAUTOJOIN;
	if (v->addr.family == AF_INET6)
		s->deprecated = v->has_preferred_lft ? v->preferred_lft == 0
						     : v->prefix == 128;
}

static void vips_apply(struct vrrp_inst *vi, const struct vrrp_vip *v,
		       size_t n, bool add, bool quiet)
{
	char buf[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < n; i++) {
		struct nl_addr_spec s;
		int r;

		vrrp_inst_vip_spec(vi, &v[i], &s);
		if (s.ifindex <= 0)
			continue;
		r = add ? nl_addr_add(vi->env->nl, &s) : nl_addr_del(vi->env->nl, &s);
		if (r < 0)
			log_err("VRRP_Instance(%s) cannot %s %s/%u: %s",
				vi->ci->name, add ? "add" : "remove",
				vrrp_ip_str(&v[i].addr, buf, sizeof(buf)),
				v[i].prefix, strerror(-r));
		else if (r == 0 && !quiet)
			log_info("VRRP_Instance(%s) %s %s/%u", vi->ci->name,
				 add ? "added" : "removed",
				 vrrp_ip_str(&v[i].addr, buf, sizeof(buf)), v[i].prefix);
	}
}

/* virtual_routes / virtual_rules follow the VIPs (vrrp_routes.c). */
/* The no_accept set holds a VIP before it is added and until it is gone
 * (vrrp_fw.c). */
void vrrp_inst_vips_all(struct vrrp_inst *vi, bool add, bool quiet)
{
	if (add)
		vrrp_fw_inst(vi, true);
	else
		vrrp_routes_inst(vi, false, quiet);
	vips_apply(vi, vi->ci->vips, vi->ci->nvips, add, quiet);
	vips_apply(vi, vi->ci->evips, vi->ci->nevips, add, quiet);
	if (add)
		vrrp_routes_inst(vi, true, quiet);
	else
		vrrp_fw_inst(vi, false);
}

