/*
 * Routes through libnl-route-3 (see nl_route.h).  A spec becomes an
 * rtnl_route for each call; the kernel's EEXIST / ESRCH decide "adopted"
 * and "was not there", never a prior look-up.  A route without next hops
 * (blackhole, unreachable, prohibit, throw) is sent as such; the scope,
 * when not given, is libnl's guess, which is iproute2's rule (link for a
 * device route, universe with a gateway, host for local).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

#include "lib/nl_link.h"
#include "lib/nl_route.h"

static int set_addr(struct rtnl_route *rt, int family, const uint8_t *b,
		    unsigned plen, int (*set)(struct rtnl_route *,
					      struct nl_addr *))
{
	struct nl_addr *a = nl_addr_make(family, b, plen);
	int r;

	if (!a)
		return -ENOMEM;
	r = set(rt, a);
	nl_addr_put(a);
	return r < 0 ? nl_err_to_errno(r) : 0;
}

static int add_nh(struct rtnl_route *rt, const struct nl_route_nh *h)
{
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();

	if (!nh)
		return -ENOMEM;
	if (h->ifindex > 0)
		rtnl_route_nh_set_ifindex(nh, h->ifindex);
	if (h->has_gw) {
		struct nl_addr *a = nl_addr_build(h->gw_family, h->gw,
						  nl_fam_len(h->gw_family));

		if (!a) {
			rtnl_route_nh_free(nh);
			return -ENOMEM;
		}
		rtnl_route_nh_set_gateway(nh, a);
		nl_addr_put(a);
	}
	if (h->weight)
		rtnl_route_nh_set_weight(nh, h->weight);
	if (h->onlink)
		rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
	rtnl_route_add_nexthop(rt, nh);
	return 0;
}

static int spec_to_rtnl(const struct nl_route_spec *s, bool del,
			struct rtnl_route **out)
{
	struct rtnl_route *rt;
	uint8_t type = s->type ? s->type : RTN_UNICAST;
	int r;

	if (!nl_fam_len(s->family) || s->dst_len > nl_fam_len(s->family) * 8 ||
	    s->nnh > NL_ROUTE_MAX_NH)
		return -EINVAL;
	if (!(rt = rtnl_route_alloc()))
		return -ENOMEM;
	rtnl_route_set_family(rt, s->family);
	rtnl_route_set_table(rt, s->table ? s->table : RT_TABLE_MAIN);
	rtnl_route_set_type(rt, type);
	/* on delete too: the kernel matches a given protocol, and libnl
	 * always sends one (RTPROT_STATIC unless told) */
	rtnl_route_set_protocol(rt, s->protocol ? s->protocol : RTPROT_BOOT);
	if (s->tos)
		rtnl_route_set_tos(rt, s->tos);
	if (s->scope >= 0)
		rtnl_route_set_scope(rt, (uint8_t)s->scope);
	else if (del)
		rtnl_route_set_scope(rt, RT_SCOPE_NOWHERE);
	if (s->has_metric)
		rtnl_route_set_priority(rt, s->metric);
	if (s->mtu && !del)
		rtnl_route_set_metric(rt, RTAX_MTU, s->mtu);
	r = set_addr(rt, s->family, s->dst, s->dst_len, rtnl_route_set_dst);
	if (!r && s->has_src)
		r = set_addr(rt, s->family, s->src, nl_fam_len(s->family) * 8,
			     rtnl_route_set_pref_src);
	for (unsigned i = 0; !r && i < s->nnh; i++)
		r = add_nh(rt, &s->nh[i]);
	if (r < 0) {
		rtnl_route_put(rt);
		return r;
	}
	*out = rt;
	return 0;
}

static int with_sock(struct nl_sock *sk, const struct nl_route_spec *s,
		     bool add)
{
	struct nl_sock *own = NULL;
	struct rtnl_route *rt = NULL;
	int r = spec_to_rtnl(s, !add, &rt);

	if (r < 0)
		return r;
	if (!sk && !(own = sk = nl_rtnl_open())) {
		r = errno ? -errno : -EIO;
		rtnl_route_put(rt);
		return r;
	}
	r = add ? rtnl_route_add(sk, rt, NLM_F_CREATE | NLM_F_EXCL)
		: rtnl_route_delete(sk, rt, 0);
	r = nl_err_to_errno(r);
	if (add && r == -EEXIST)
		r = 1;
	/* ESRCH: no such route; ENODEV: its device went, and it with it */
	if (!add && (r == -ESRCH || r == -ENOENT || r == -ENODEV))
		r = 1;
	rtnl_route_put(rt);
	nl_rtnl_close(own);
	return r;
}

int nl_route_add(struct nl_sock *sk, const struct nl_route_spec *spec)
{
	return with_sock(sk, spec, true);
}

int nl_route_del(struct nl_sock *sk, const struct nl_route_spec *spec)
{
	return with_sock(sk, spec, false);
}

static const char *type_word(uint8_t t)
{
	switch (t) {
	case RTN_BLACKHOLE: return "blackhole ";
	case RTN_UNREACHABLE: return "unreachable ";
	case RTN_PROHIBIT: return "prohibit ";
	case RTN_THROW: return "throw ";
	default: return "";
	}
}

const char *nl_route_str(const struct nl_route_spec *s, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], ifn[IF_NAMESIZE];
	size_t o;

	if (!inet_ntop(s->family, s->dst, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	o = (size_t)snprintf(buf, len, "%s%s/%u", type_word(s->type), a,
			     s->dst_len);
	for (unsigned i = 0; i < s->nnh && o < len; i++) {
		if (s->nh[i].has_gw && inet_ntop(s->nh[i].gw_family,
						 s->nh[i].gw, a, sizeof(a)))
			o += (size_t)snprintf(buf + o, len - o, " via %s", a);
		if (s->nh[i].ifindex > 0 && o < len &&
		    if_indextoname((unsigned)s->nh[i].ifindex, ifn))
			o += (size_t)snprintf(buf + o, len - o, " dev %s", ifn);
	}
	if (s->table && s->table != RT_TABLE_MAIN && o < len)
		snprintf(buf + o, len - o, " table %u", s->table);
	return buf;
}
