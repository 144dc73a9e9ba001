/*
 * no_accept through nftables (libnftables).  RFC 5798's Accept_Mode
 * false, as keepalived reads it: a master that is not the address owner
 * (priority 255) holds the VIPs (it must answer ARP / ND for them) but
 * does not accept packets addressed to them.  A backup holds no VIP, so
 * it needs no rule.
 *
 * The firewall is one table of tandem's own, `inet TABLE` (global_defs
 * nftables, default "tandem"), with a set per family and one input
 * chain: packets to an address of the sets are dropped, except the
 * ICMPv6 neighbour solicitations and advertisements an IPv6 VIP still
 * needs.  A VIP enters its set before its address is added and leaves
 * it after the address is removed, so no packet slips through in
 * between.  The table is created afresh when the first no_accept
 * instance starts (replacing one a dead run left) and deleted when the
 * process stops.
 *
 * libnftables is driven with its command language, which is the
 * documented interface of the library; each call is a local netlink
 * exchange, quick enough for the event loop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_nft.h"

struct vrrp_nft {
	struct nft_ctx *ctx;
	char table[64];
};

/* Run CMD; 0, or -EIO with nftables' message logged unless QUIET. */
static int run(struct vrrp_nft *n, const char *cmd, bool quiet)
{
	const char *err;

	if (nft_run_cmd_from_buffer(n->ctx, cmd) == 0)
		return 0;
	err = nft_ctx_get_error_buffer(n->ctx);
	if (!quiet)
		log_err("nftables: %s: %s", cmd, err && *err ? err : "failed");
	return -EIO;
}

int vrrp_nft_new(const char *table, int priority, bool counters,
		 struct vrrp_nft **out)
{
	struct vrrp_nft *n = calloc(1, sizeof(*n));
	const char *cnt = counters ? " counter" : "";
	char cmd[1024];
	int r;

	if (!n)
		return -ENOMEM;
	snprintf(n->table, sizeof(n->table), "%s", table);
	if (!(n->ctx = nft_ctx_new(NFT_CTX_DEFAULT))) {
		free(n);
		return -ENOMEM;
	}
	nft_ctx_buffer_output(n->ctx);
	nft_ctx_buffer_error(n->ctx);
	snprintf(cmd, sizeof(cmd),
		 "add table inet %s\n"
		 "delete table inet %s\n"
		 "table inet %s {\n"
		 " set vips4 { type ipv4_addr; }\n"
		 " set vips6 { type ipv6_addr; }\n"
		 " chain input {\n"
		 "  type filter hook input priority %d; policy accept;\n"
		 "  ip daddr @vips4%s drop\n"
		 "  ip6 daddr @vips6 icmpv6 type { nd-neighbor-solicit, "
		 "nd-neighbor-advert } accept\n"
		 "  ip6 daddr @vips6%s drop\n"
		 " }\n"
		 "}\n", table, table, table, priority, cnt, cnt);
	if ((r = run(n, cmd, false)) < 0) {
		vrrp_nft_free(n, true);
		return r;
	}
	log_info("nftables: table inet %s for no_accept", table);
	*out = n;
	return 0;
}

void vrrp_nft_free(struct vrrp_nft *n, bool keep)
{
	char cmd[128];

	if (!n)
		return;
	if (!keep) {
		snprintf(cmd, sizeof(cmd), "delete table inet %s", n->table);
		run(n, cmd, false);
	}
	nft_ctx_free(n->ctx);
	free(n);
}

int vrrp_nft_vip(struct vrrp_nft *n, const struct vrrp_ip *ip, bool add)
{
	char a[INET6_ADDRSTRLEN], cmd[256];

	if (!inet_ntop(ip->family, &ip->u, a, sizeof(a)))
		return -EINVAL;
	snprintf(cmd, sizeof(cmd), "%s element inet %s %s { %s }",
		 add ? "add" : "delete", n->table,
		 ip->family == AF_INET ? "vips4" : "vips6", a);
	/* deleting what is not there (a start as backup) is no error */
	return run(n, cmd, !add);
}

bool vrrp_nft_wanted(const struct vrrp_conf_instance *ci)
{
	return !ci->accept && ci->priority < 255;
}

void vrrp_nft_inst(struct vrrp_inst *vi, bool add)
{
	const struct vrrp_conf_instance *ci = vi->ci;

	if (!vi->env.nft || !vrrp_nft_wanted(ci))
		return;
	for (size_t i = 0; i < ci->nvips + ci->nevips; i++) {
		const struct vrrp_vip *v = i < ci->nvips ? &ci->vips[i]
						       : &ci->evips[i - ci->nvips];

		vrrp_nft_vip(vi->env.nft, &v->addr, add);
	}
}
