/*
 * The no_accept firewall (vrrp_fw.c): what every backend offers, as a
 * small vtable, so that the decision of which VIPs to filter and when
 * (vrrp_inst.c, vrrp_run.c) is written once, whatever does the
 * filtering.  Two backends: nftables (vrrp_nft.c, tandem's own table)
 * and ipsets with iptables rules (vrrp_ipt.c, global_defs vrrp_iptables
 * and vrrp_ipsets).
 */
#ifndef TANDEM_VRRP_FW_H
#define TANDEM_VRRP_FW_H

#include <stdbool.h>
#include <systemd/sd-event.h>

struct vrrp_ip;
struct vrrp_inst;
struct vrrp_conf_instance;

enum vrrp_fw_kind { VRRP_FW_NFT, VRRP_FW_IPT };

#define VRRP_FW_NAME 64		/* table, chain and set names, with the NUL */
/* IPv4, IPv6, IPv6 link-local with interface; VMACs that send no IGMP
 * and no MLD reports */
#define VRRP_FW_SETS 5

/* Which firewall, and its names.  Compared with memcmp (reload), so it is
 * always built from a zeroed struct. */
struct vrrp_fw_conf {
	enum vrrp_fw_kind kind;
	/* nftables: table inet NFT_TABLE, input chain at NFT_PRIORITY */
	char nft_table[VRRP_FW_NAME];
	int nft_priority;
	bool nft_counters;
	/* iptables: the chains (IPT_OUT "": no output-side rules) */
	char ipt_in[VRRP_FW_NAME];
	char ipt_out[VRRP_FW_NAME];
	/* ipsets (hash:ip, hash:ip family inet6, hash:net,iface family
	 * inet6, then hash:net,iface for IGMP and family inet6 for MLD);
	 * not IPSETS: one rule per VIP instead */
	bool ipsets;
	char sets[VRRP_FW_SETS][VRRP_FW_NAME];
};

struct vrrp_fw;
struct vrrp_fw_ops {
	/* Drop (ADD) or stop dropping traffic to IP, a VIP on interface
	 * IFNAME (NULL when unknown). */
	int (*vip)(struct vrrp_fw *fw, const struct vrrp_ip *ip,
		   const char *ifname, bool add);
	/* Stop (ADD) or let again IGMP / MLD reports leave the VMAC
	 * interface IFNAME; NULL: the backend does not. */
	int (*vmac)(struct vrrp_fw *fw, const char *ifname, bool add);
	/* Remove what the backend made (unless KEEP) and free. */
	void (*free)(struct vrrp_fw *fw, bool keep);
};

/* Every backend's object starts with this. */
struct vrrp_fw {
	const struct vrrp_fw_ops *ops;
	struct vrrp_fw_conf conf;
};

/* Make the firewall C asks for, afresh: what a run that died left under
 * the same names is replaced or adopted.  E runs the backend's child
 * processes, if it has any.  0 or a negative errno (logged). */
int vrrp_fw_new(const struct vrrp_fw_conf *c, sd_event *e,
		struct vrrp_fw **out);
/* Tear FW down (unless KEEP) and free it; NULL is fine. */
void vrrp_fw_free(struct vrrp_fw *fw, bool keep);
/* Is FW the one C asks for? */
bool vrrp_fw_is(const struct vrrp_fw *fw, const struct vrrp_fw_conf *c);
/* Whether an instance filters its VIPs: no_accept and not the address
 * owner. */
bool vrrp_fw_wanted(const struct vrrp_conf_instance *ci);
/* Every VIP of VI into (ADD) or out of the firewall, if it filters them. */
void vrrp_fw_inst(struct vrrp_inst *vi, bool add);
/* The VMAC interface IFNAME of VI made (ADD) or about to go: its IGMP /
 * MLD reports stopped or let go, if the firewall does that and VI
 * filters its VIPs. */
void vrrp_fw_vmac(struct vrrp_inst *vi, const char *ifname, bool add);

/* The backends' constructors (vrrp_fw_new() picks one). */
int vrrp_nft_new(const struct vrrp_fw_conf *c, struct vrrp_fw **out);
int vrrp_ipt_new(const struct vrrp_fw_conf *c, sd_event *e,
		 struct vrrp_fw **out);

#endif
