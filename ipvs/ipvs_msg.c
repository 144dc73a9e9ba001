/*
 * IPVS generic netlink attributes <-> struct ipvs_service / ipvs_dest /
 * ipvs_daemon / ipvs_timeouts.
 *
 * The kernel's rules shape this file: an entry is named by its key
 * attributes (family plus fwmark, or family, protocol, address and port),
 * and "new" and "set" requests must carry every setting (scheduler, flags,
 * timeout, netmask; forwarding, weight, thresholds) because the kernel
 * rebuilds the entry from the request.  Ports go on the wire in network
 * order, addresses as 4 or 16 bytes.  Replies are read through libnl
 * policies so a short or malformed attribute is rejected rather than read
 * past its end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/genl.h>

#include "ipvs/ipvs_msg.h"

#define PUT(call) do { if ((call) < 0) return -EMSGSIZE; } while (0)

static size_t addr_len(int af)
{
	return af == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

int ipvs_msg_put_service(struct nl_msg *m, const struct ipvs_service *s, bool full)
{
	struct nlattr *nest = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);

	if (!nest)
		return -EMSGSIZE;
	PUT(nla_put_u16(m, IPVS_SVC_ATTR_AF, s->af));
	if (s->fwmark) {
		PUT(nla_put_u32(m, IPVS_SVC_ATTR_FWMARK, s->fwmark));
	} else {
		PUT(nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, s->protocol));
		PUT(nla_put(m, IPVS_SVC_ATTR_ADDR, (int)addr_len(s->af), &s->addr));
		PUT(nla_put_u16(m, IPVS_SVC_ATTR_PORT, htons(s->port)));
	}
	if (full) {
		struct ip_vs_flags fl = {
			.flags = s->flags & IPVS_SVC_USER_FLAGS,
			.mask = ~0u,
		};

		PUT(nla_put_string(m, IPVS_SVC_ATTR_SCHED_NAME, s->sched));
		if (s->pe_name[0])
			PUT(nla_put_string(m, IPVS_SVC_ATTR_PE_NAME, s->pe_name));
		PUT(nla_put(m, IPVS_SVC_ATTR_FLAGS, sizeof(fl), &fl));
		PUT(nla_put_u32(m, IPVS_SVC_ATTR_TIMEOUT, s->timeout));
		PUT(nla_put_u32(m, IPVS_SVC_ATTR_NETMASK, s->netmask));
	}
	nla_nest_end(m, nest);
	return 0;
}

int ipvs_msg_put_dest(struct nl_msg *m, const struct ipvs_dest *d, int svc_af, bool full)
{
	int af = d->af ? d->af : svc_af;
	struct nlattr *nest = nla_nest_start(m, IPVS_CMD_ATTR_DEST);

	if (!nest)
		return -EMSGSIZE;
	PUT(nla_put(m, IPVS_DEST_ATTR_ADDR, (int)addr_len(af), &d->addr));
	PUT(nla_put_u16(m, IPVS_DEST_ATTR_PORT, htons(d->port)));
	PUT(nla_put_u16(m, IPVS_DEST_ATTR_ADDR_FAMILY, (uint16_t)af));
	if (full) {
		PUT(nla_put_u32(m, IPVS_DEST_ATTR_FWD_METHOD, d->fwd & IP_VS_CONN_F_FWD_MASK));
		PUT(nla_put_u32(m, IPVS_DEST_ATTR_WEIGHT, (uint32_t)d->weight));
		PUT(nla_put_u32(m, IPVS_DEST_ATTR_U_THRESH, d->u_thresh));
		PUT(nla_put_u32(m, IPVS_DEST_ATTR_L_THRESH, d->l_thresh));
		if ((d->fwd & IP_VS_CONN_F_FWD_MASK) == IPVS_FWD_TUNNEL) {
			PUT(nla_put_u8(m, IPVS_DEST_ATTR_TUN_TYPE, d->tun_type));
			PUT(nla_put_u16(m, IPVS_DEST_ATTR_TUN_PORT, htons(d->tun_port)));
			PUT(nla_put_u16(m, IPVS_DEST_ATTR_TUN_FLAGS, d->tun_flags));
		}
	}
	nla_nest_end(m, nest);
	return 0;
}

int ipvs_msg_put_daemon(struct nl_msg *m, const struct ipvs_daemon *dm, bool full)
{
	struct nlattr *nest = nla_nest_start(m, IPVS_CMD_ATTR_DAEMON);

	if (!nest)
		return -EMSGSIZE;
	PUT(nla_put_u32(m, IPVS_DAEMON_ATTR_STATE, dm->state));
	if (full) {
		PUT(nla_put_string(m, IPVS_DAEMON_ATTR_MCAST_IFN, dm->mcast_ifn));
		PUT(nla_put_u32(m, IPVS_DAEMON_ATTR_SYNC_ID, dm->syncid));
		if (dm->sync_maxlen)
			PUT(nla_put_u16(m, IPVS_DAEMON_ATTR_SYNC_MAXLEN, dm->sync_maxlen));
		if (dm->mcast_af == AF_INET)
			PUT(nla_put(m, IPVS_DAEMON_ATTR_MCAST_GROUP, 4, &dm->mcast_group.v4));
		else if (dm->mcast_af == AF_INET6)
			PUT(nla_put(m, IPVS_DAEMON_ATTR_MCAST_GROUP6, 16, &dm->mcast_group.v6));
		if (dm->mcast_port)
			PUT(nla_put_u16(m, IPVS_DAEMON_ATTR_MCAST_PORT, dm->mcast_port));
		if (dm->mcast_ttl)
			PUT(nla_put_u8(m, IPVS_DAEMON_ATTR_MCAST_TTL, dm->mcast_ttl));
	}
	nla_nest_end(m, nest);
	return 0;
}

int ipvs_msg_put_timeouts(struct nl_msg *m, const struct ipvs_timeouts *t)
{
	if (t->tcp)
		PUT(nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_TCP, t->tcp));
	if (t->tcp_fin)
		PUT(nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t->tcp_fin));
	if (t->udp)
		PUT(nla_put_u32(m, IPVS_CMD_ATTR_TIMEOUT_UDP, t->udp));
	return 0;
}

/* ------------------------------------------------------------- parsing */

static struct nla_policy cmd_policy[IPVS_CMD_ATTR_MAX + 1] = {
	[IPVS_CMD_ATTR_SERVICE] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DEST] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_DAEMON] = { .type = NLA_NESTED },
	[IPVS_CMD_ATTR_TIMEOUT_TCP] = { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN] = { .type = NLA_U32 },
	[IPVS_CMD_ATTR_TIMEOUT_UDP] = { .type = NLA_U32 },
};

static struct nla_policy svc_policy[IPVS_SVC_ATTR_MAX + 1] = {
	[IPVS_SVC_ATTR_AF] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_PROTOCOL] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_ADDR] = { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[IPVS_SVC_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_SVC_ATTR_FWMARK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_SCHED_NAME] = { .type = NLA_STRING, .maxlen = IP_VS_SCHEDNAME_MAXLEN },
	[IPVS_SVC_ATTR_FLAGS] = { .type = NLA_UNSPEC, .minlen = sizeof(struct ip_vs_flags) },
	[IPVS_SVC_ATTR_TIMEOUT] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_NETMASK] = { .type = NLA_U32 },
	[IPVS_SVC_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_SVC_ATTR_PE_NAME] = { .type = NLA_STRING, .maxlen = IP_VS_PENAME_MAXLEN },
	[IPVS_SVC_ATTR_STATS64] = { .type = NLA_NESTED },
};

static struct nla_policy dest_policy[IPVS_DEST_ATTR_MAX + 1] = {
	[IPVS_DEST_ATTR_ADDR] = { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[IPVS_DEST_ATTR_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_FWD_METHOD] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_WEIGHT] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_U_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_L_THRESH] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_ACTIVE_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_INACT_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_PERSIST_CONNS] = { .type = NLA_U32 },
	[IPVS_DEST_ATTR_STATS] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_ADDR_FAMILY] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_STATS64] = { .type = NLA_NESTED },
	[IPVS_DEST_ATTR_TUN_TYPE] = { .type = NLA_U8 },
	[IPVS_DEST_ATTR_TUN_PORT] = { .type = NLA_U16 },
	[IPVS_DEST_ATTR_TUN_FLAGS] = { .type = NLA_U16 },
};

static struct nla_policy daemon_policy[IPVS_DAEMON_ATTR_MAX + 1] = {
	[IPVS_DAEMON_ATTR_STATE] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_MCAST_IFN] = { .type = NLA_STRING, .maxlen = IP_VS_IFNAME_MAXLEN },
	[IPVS_DAEMON_ATTR_SYNC_ID] = { .type = NLA_U32 },
	[IPVS_DAEMON_ATTR_SYNC_MAXLEN] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP] = { .type = NLA_UNSPEC, .minlen = 4 },
	[IPVS_DAEMON_ATTR_MCAST_GROUP6] = { .type = NLA_UNSPEC, .minlen = 16 },
	[IPVS_DAEMON_ATTR_MCAST_PORT] = { .type = NLA_U16 },
	[IPVS_DAEMON_ATTR_MCAST_TTL] = { .type = NLA_U8 },
};

/* The 32-bit set has 32-bit counts and rates but 64-bit byte counters;
 * the 64-bit set is 64-bit throughout.  Minimum lengths only: libnl's
 * NLA_U64 check is what we need for both. */
static struct nla_policy stats_policy[IPVS_STATS_ATTR_MAX + 1] = {
	[IPVS_STATS_ATTR_CONNS] = { .type = NLA_U32 },
	[IPVS_STATS_ATTR_INPKTS] = { .type = NLA_U32 },
	[IPVS_STATS_ATTR_OUTPKTS] = { .type = NLA_U32 },
	[IPVS_STATS_ATTR_INBYTES] = { .type = NLA_U64 },
	[IPVS_STATS_ATTR_OUTBYTES] = { .type = NLA_U64 },
	[IPVS_STATS_ATTR_CPS] = { .type = NLA_U32 },
	[IPVS_STATS_ATTR_INPPS] = { .type = NLA_U32 },
	[IPVS_STATS_ATTR_OUTPPS] = { .type = NLA_U32 },
	[IPVS_STATS_ATTR_INBPS] = { .type = NLA_U32 },
	[IPVS_STATS_ATTR_OUTBPS] = { .type = NLA_U32 },
};

static uint64_t get_num(struct nlattr *a)
{
	if (!a)
		return 0;
	if (nla_len(a) >= 8)
		return nla_get_u64(a);
	return nla_get_u32(a);
}

static int parse_stats(struct nlattr *nest, struct ipvs_stats *st)
{
	struct nlattr *tb[IPVS_STATS_ATTR_MAX + 1];

	if (nla_parse_nested(tb, IPVS_STATS_ATTR_MAX, nest, stats_policy) < 0)
		return -EBADMSG;
	st->conns = get_num(tb[IPVS_STATS_ATTR_CONNS]);
	st->inpkts = get_num(tb[IPVS_STATS_ATTR_INPKTS]);
	st->outpkts = get_num(tb[IPVS_STATS_ATTR_OUTPKTS]);
	st->inbytes = get_num(tb[IPVS_STATS_ATTR_INBYTES]);
	st->outbytes = get_num(tb[IPVS_STATS_ATTR_OUTBYTES]);
	st->cps = get_num(tb[IPVS_STATS_ATTR_CPS]);
	st->inpps = get_num(tb[IPVS_STATS_ATTR_INPPS]);
	st->outpps = get_num(tb[IPVS_STATS_ATTR_OUTPPS]);
	st->inbps = get_num(tb[IPVS_STATS_ATTR_INBPS]);
	st->outbps = get_num(tb[IPVS_STATS_ATTR_OUTBPS]);
	return 0;
}

static void copy_str(char *dst, size_t len, struct nlattr *a)
{
	size_t n = (size_t)nla_len(a);

	if (n >= len)
		n = len - 1;
	memcpy(dst, nla_data(a), n);
	dst[n] = '\0';
}

static void copy_addr(union ipvs_addr *dst, struct nlattr *a)
{
	memset(dst, 0, sizeof(*dst));
	nla_memcpy(dst, a, sizeof(*dst));
}

int ipvs_msg_parse(struct nl_msg *m, struct nlattr **tb)
{
	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, IPVS_CMD_ATTR_MAX, cmd_policy) < 0)
		return -EBADMSG;
	return 0;
}

int ipvs_msg_parse_service(struct nlattr *nest, struct ipvs_service *s)
{
	struct nlattr *tb[IPVS_SVC_ATTR_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (!nest || nla_parse_nested(tb, IPVS_SVC_ATTR_MAX, nest, svc_policy) < 0)
		return -EBADMSG;
	if (!tb[IPVS_SVC_ATTR_AF])
		return -EBADMSG;
	s->af = nla_get_u16(tb[IPVS_SVC_ATTR_AF]);
	if (tb[IPVS_SVC_ATTR_FWMARK]) {
		s->fwmark = nla_get_u32(tb[IPVS_SVC_ATTR_FWMARK]);
	} else {
		if (!tb[IPVS_SVC_ATTR_PROTOCOL] || !tb[IPVS_SVC_ATTR_ADDR] || !tb[IPVS_SVC_ATTR_PORT])
			return -EBADMSG;
		s->protocol = nla_get_u16(tb[IPVS_SVC_ATTR_PROTOCOL]);
		copy_addr(&s->addr, tb[IPVS_SVC_ATTR_ADDR]);
		s->port = ntohs(nla_get_u16(tb[IPVS_SVC_ATTR_PORT]));
	}
	if (tb[IPVS_SVC_ATTR_SCHED_NAME])
		copy_str(s->sched, sizeof(s->sched), tb[IPVS_SVC_ATTR_SCHED_NAME]);
	if (tb[IPVS_SVC_ATTR_PE_NAME])
		copy_str(s->pe_name, sizeof(s->pe_name), tb[IPVS_SVC_ATTR_PE_NAME]);
	if (tb[IPVS_SVC_ATTR_FLAGS]) {
		struct ip_vs_flags fl;

		nla_memcpy(&fl, tb[IPVS_SVC_ATTR_FLAGS], sizeof(fl));
		s->flags = fl.flags & IPVS_SVC_USER_FLAGS;
	}
	if (tb[IPVS_SVC_ATTR_TIMEOUT])
		s->timeout = nla_get_u32(tb[IPVS_SVC_ATTR_TIMEOUT]);
	if (tb[IPVS_SVC_ATTR_NETMASK])
		s->netmask = nla_get_u32(tb[IPVS_SVC_ATTR_NETMASK]);
	if (tb[IPVS_SVC_ATTR_STATS64]) {
		if (parse_stats(tb[IPVS_SVC_ATTR_STATS64], &s->stats) < 0)
			return -EBADMSG;
	} else if (tb[IPVS_SVC_ATTR_STATS]) {
		if (parse_stats(tb[IPVS_SVC_ATTR_STATS], &s->stats) < 0)
			return -EBADMSG;
	}
	return 0;
}

int ipvs_msg_parse_dest(struct nlattr *nest, int svc_af, struct ipvs_dest *d)
{
	struct nlattr *tb[IPVS_DEST_ATTR_MAX + 1];

	memset(d, 0, sizeof(*d));
	if (!nest || nla_parse_nested(tb, IPVS_DEST_ATTR_MAX, nest, dest_policy) < 0)
		return -EBADMSG;
	if (!tb[IPVS_DEST_ATTR_ADDR] || !tb[IPVS_DEST_ATTR_PORT])
		return -EBADMSG;
	d->af = tb[IPVS_DEST_ATTR_ADDR_FAMILY] ?
		nla_get_u16(tb[IPVS_DEST_ATTR_ADDR_FAMILY]) : (uint16_t)svc_af;
	copy_addr(&d->addr, tb[IPVS_DEST_ATTR_ADDR]);
	d->port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_PORT]));
	if (tb[IPVS_DEST_ATTR_FWD_METHOD])
		d->fwd = nla_get_u32(tb[IPVS_DEST_ATTR_FWD_METHOD]) & IP_VS_CONN_F_FWD_MASK;
	if (tb[IPVS_DEST_ATTR_WEIGHT])
		d->weight = (int32_t)nla_get_u32(tb[IPVS_DEST_ATTR_WEIGHT]);
	if (tb[IPVS_DEST_ATTR_U_THRESH])
		d->u_thresh = nla_get_u32(tb[IPVS_DEST_ATTR_U_THRESH]);
	if (tb[IPVS_DEST_ATTR_L_THRESH])
		d->l_thresh = nla_get_u32(tb[IPVS_DEST_ATTR_L_THRESH]);
	if (tb[IPVS_DEST_ATTR_TUN_TYPE])
		d->tun_type = nla_get_u8(tb[IPVS_DEST_ATTR_TUN_TYPE]);
	if (tb[IPVS_DEST_ATTR_TUN_PORT])
		d->tun_port = ntohs(nla_get_u16(tb[IPVS_DEST_ATTR_TUN_PORT]));
	if (tb[IPVS_DEST_ATTR_TUN_FLAGS])
		d->tun_flags = nla_get_u16(tb[IPVS_DEST_ATTR_TUN_FLAGS]);
	if (tb[IPVS_DEST_ATTR_ACTIVE_CONNS])
		d->active_conns = nla_get_u32(tb[IPVS_DEST_ATTR_ACTIVE_CONNS]);
	if (tb[IPVS_DEST_ATTR_INACT_CONNS])
		d->inact_conns = nla_get_u32(tb[IPVS_DEST_ATTR_INACT_CONNS]);
	if (tb[IPVS_DEST_ATTR_PERSIST_CONNS])
		d->persist_conns = nla_get_u32(tb[IPVS_DEST_ATTR_PERSIST_CONNS]);
	if (tb[IPVS_DEST_ATTR_STATS64]) {
		if (parse_stats(tb[IPVS_DEST_ATTR_STATS64], &d->stats) < 0)
			return -EBADMSG;
	} else if (tb[IPVS_DEST_ATTR_STATS]) {
		if (parse_stats(tb[IPVS_DEST_ATTR_STATS], &d->stats) < 0)
			return -EBADMSG;
	}
	return 0;
}

int ipvs_msg_parse_daemon(struct nlattr *nest, struct ipvs_daemon *dm)
{
	struct nlattr *tb[IPVS_DAEMON_ATTR_MAX + 1];

	memset(dm, 0, sizeof(*dm));
	if (!nest || nla_parse_nested(tb, IPVS_DAEMON_ATTR_MAX, nest, daemon_policy) < 0)
		return -EBADMSG;
	if (!tb[IPVS_DAEMON_ATTR_STATE])
		return -EBADMSG;
	dm->state = nla_get_u32(tb[IPVS_DAEMON_ATTR_STATE]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_IFN])
		copy_str(dm->mcast_ifn, sizeof(dm->mcast_ifn), tb[IPVS_DAEMON_ATTR_MCAST_IFN]);
	if (tb[IPVS_DAEMON_ATTR_SYNC_ID])
		dm->syncid = nla_get_u32(tb[IPVS_DAEMON_ATTR_SYNC_ID]);
	if (tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN])
		dm->sync_maxlen = nla_get_u16(tb[IPVS_DAEMON_ATTR_SYNC_MAXLEN]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP]) {
		dm->mcast_af = AF_INET;
		nla_memcpy(&dm->mcast_group.v4, tb[IPVS_DAEMON_ATTR_MCAST_GROUP], 4);
	} else if (tb[IPVS_DAEMON_ATTR_MCAST_GROUP6]) {
		dm->mcast_af = AF_INET6;
		nla_memcpy(&dm->mcast_group.v6, tb[IPVS_DAEMON_ATTR_MCAST_GROUP6], 16);
	}
	if (tb[IPVS_DAEMON_ATTR_MCAST_PORT])
		dm->mcast_port = nla_get_u16(tb[IPVS_DAEMON_ATTR_MCAST_PORT]);
	if (tb[IPVS_DAEMON_ATTR_MCAST_TTL])
		dm->mcast_ttl = nla_get_u8(tb[IPVS_DAEMON_ATTR_MCAST_TTL]);
	return 0;
}

void ipvs_msg_parse_timeouts(struct nlattr **tb, struct ipvs_timeouts *t)
{
	memset(t, 0, sizeof(*t));
	if (tb[IPVS_CMD_ATTR_TIMEOUT_TCP])
		t->tcp = nla_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP]);
	if (tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN])
		t->tcp_fin = nla_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]);
	if (tb[IPVS_CMD_ATTR_TIMEOUT_UDP])
		t->udp = nla_get_u32(tb[IPVS_CMD_ATTR_TIMEOUT_UDP]);
}
