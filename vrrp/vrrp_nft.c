/*
 * The no_accept firewall through nftables (libnftables), one backend of
 * vrrp_fw.h: one table of tandem's own, `inet TABLE` (global_defs
 * nftables, default "tandem"), with a set per family and one input
 * chain: packets to an address of the sets are dropped, except the
 * ICMPv6 neighbour solicitations and advertisements an IPv6 VIP still
 * needs.  The table is created afresh when the first no_accept instance
 * starts (replacing one a dead run left) and deleted when the process
 * stops or a reload leaves no instance that needs it.
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
#include "vrrp/vrrp_csum.h"
#include "vrrp/vrrp_fw.h"

struct vrrp_nft {
	struct vrrp_fw fw;		/* first: the vtable's view */
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

static const struct vrrp_fw_ops nft_ops;

int vrrp_nft_new(const struct vrrp_fw_conf *c, struct vrrp_fw **out)
{
	struct vrrp_nft *n = calloc(1, sizeof(*n));
	const char *cnt = c->nft_counters ? " counter" : "", *table = c->nft_table;
	int priority = c->nft_priority;
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
	n->fw.ops = &nft_ops;
	n->fw.conf = *c;
	if ((r = run(n, cmd, false)) < 0) {
		n->fw.ops->free(&n->fw, true);
		return r;
	}
	log_info("nftables: table inet %s for no_accept", table);
	*out = &n->fw;
	return 0;
}

static void nft_free(struct vrrp_fw *fw, bool keep)
{
	struct vrrp_nft *n = (struct vrrp_nft *)fw;
	char cmd[128];

	if (!keep) {
		snprintf(cmd, sizeof(cmd), "delete table inet %s", n->table);
		run(n, cmd, false);
	}
	nft_ctx_free(n->ctx);
	free(n);
}

static int nft_vip(struct vrrp_fw *fw, const struct vrrp_ip *ip,
		   const char *ifname, bool add)
{
	struct vrrp_nft *n = (struct vrrp_nft *)fw;
	char a[INET6_ADDRSTRLEN], cmd[256];

	(void)ifname;		/* one set per family, any interface */
	if (!inet_ntop(ip->family, &ip->u, a, sizeof(a)))
		return -EINVAL;
	snprintf(cmd, sizeof(cmd), "%s element inet %s %s { %s }",
		 add ? "add" : "delete", n->table,
		 ip->family == AF_INET ? "vips4" : "vips6", a);
	/* deleting what is not there (a start as backup) is no error */
	return run(n, cmd, !add);
}

static const struct vrrp_fw_ops nft_ops = {
	.vip = nft_vip,
	.free = nft_free,
};
