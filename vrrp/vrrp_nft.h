/*
 * The no_accept firewall through nftables (vrrp_nft.c): tandem's own
 * table with a set of the VIPs that must not be delivered locally.
 */
#ifndef TANDEM_VRRP_NFT_H
#define TANDEM_VRRP_NFT_H

#include <stdbool.h>

struct vrrp_nft;
struct vrrp_inst;
struct vrrp_ip;
struct vrrp_conf_instance;

/* Create table inet TABLE afresh (a stale one from a run that died is
 * replaced), its input chain at PRIORITY, with counters if COUNTERS.
 * 0 or a negative errno (logged with nftables' message). */
int vrrp_nft_new(const char *table, int priority, bool counters,
		 struct vrrp_nft **out);
/* Delete the table (unless KEEP) and free; NULL is fine. */
void vrrp_nft_free(struct vrrp_nft *n, bool keep);
/* Drop (ADD) or stop dropping traffic to IP. */
int vrrp_nft_vip(struct vrrp_nft *n, const struct vrrp_ip *ip, bool add);
/* Whether an instance filters its VIPs: no_accept and not the address
 * owner. */
bool vrrp_nft_wanted(const struct vrrp_conf_instance *ci);
/* Every VIP of VI into (ADD) or out of the set, if it filters them. */
void vrrp_nft_inst(struct vrrp_inst *vi, bool add);

#endif
