/*
 * The no_accept firewall, whichever backend (see vrrp_fw.h).  RFC 5798's
 * Accept_Mode false, as keepalived reads it: a master that is not the
 * address owner (priority 255) holds the VIPs (it must answer ARP / ND
 * for them) but does not accept packets addressed to them.  A backup
 * holds no VIP, so it needs no rule.
 *
 * Which VIPs and when is decided here and in vrrp_inst.c (a VIP enters
 * the firewall before its address is added and leaves it after the
 * address is removed); the backends only carry it out.
 */
#include <net/if.h>
#include <string.h>

#include "vrrp/vrrp_fw.h"
#include "vrrp/vrrp_inst.h"

int vrrp_fw_new(const struct vrrp_fw_conf *c, sd_event *e,
		struct vrrp_fw **out)
{
	return c->kind == VRRP_FW_IPT ? vrrp_ipt_new(c, e, out)
				      : vrrp_nft_new(c, out);
}

void vrrp_fw_free(struct vrrp_fw *fw, bool keep)
{
	if (fw)
		fw->ops->free(fw, keep);
}

bool vrrp_fw_is(const struct vrrp_fw *fw, const struct vrrp_fw_conf *c)
{
	return fw && !memcmp(&fw->conf, c, sizeof(*c));
}

bool vrrp_fw_wanted(const struct vrrp_conf_instance *ci)
{
	return !ci->accept && ci->priority < 255;
}

void vrrp_fw_inst(struct vrrp_inst *vi, bool add)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	struct vrrp_fw *fw = vi->env->fw;

	if (!fw || !vrrp_fw_wanted(ci))
		return;
	for (size_t i = 0; i < ci->nvips + ci->nevips; i++) {
		const struct vrrp_vip *v = i < ci->nvips ? &ci->vips[i]
						       : &ci->evips[i - ci->nvips];
		char name[IF_NAMESIZE];
		int ifindex = vrrp_inst_vip_ifindex(vi, v);
		const char *ifname = ifindex > 0 &&
			if_indextoname((unsigned)ifindex, name) ? name : NULL;

		fw->ops->vip(fw, &v->addr, ifname, add);
	}
}

void vrrp_fw_vmac(struct vrrp_inst *vi, const char *ifname, bool add)
{
	struct vrrp_fw *fw = vi->env->fw;

	/* Only an instance that filters its VIPs: it is what keeps the
	 * firewall alive (vrrp_run_settle() frees it when none is left),
	 * so its pointer to it cannot outlive it. */
	if (fw && vrrp_fw_wanted(vi->ci) && fw->ops->vmac && *ifname)
		fw->ops->vmac(fw, ifname, add);
}
