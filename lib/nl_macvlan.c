/*
 * macvlan links through libnl-route-3 (see nl_macvlan.h).  Creation is
 * one NLM_F_EXCL request; only when the kernel answers EEXIST is the
 * existing link looked at, to adopt it if it is what we would have made.
 */
#include <errno.h>
#include <string.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>

#include "lib/nl_link.h"
#include "lib/nl_macvlan.h"

/* The existing NAME: its ifindex if it is a macvlan on BASE with MAC. */
static int adopt(struct nl_sock *sk, const char *name, int base,
		 const uint8_t mac[6])
{
	struct rtnl_link *l = NULL;
	struct nl_addr *a;
	int r = rtnl_link_get_kernel(sk, 0, name, &l);

	if (r < 0)
		return nl_err_to_errno(r);
	a = rtnl_link_get_addr(l);
	r = -EEXIST;
	if (rtnl_link_is_macvlan(l) && rtnl_link_get_link(l) == base && a &&
	    nl_addr_get_len(a) == 6 && !memcmp(nl_addr_get_binary_addr(a), mac, 6))
		r = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	return r;
}

int nl_macvlan_add(struct nl_sock *sk, const char *name, int base,
		   const uint8_t mac[6])
{
	struct rtnl_link *l = rtnl_link_macvlan_alloc();
	struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);
	unsigned idx;
	int r;

	if (!l || !a) {
		r = -ENOMEM;
		goto out;
	}
	rtnl_link_set_name(l, name);
	rtnl_link_set_link(l, base);
	rtnl_link_set_addr(l, a);
	r = rtnl_link_macvlan_set_mode(l, MACVLAN_MODE_PRIVATE);
	if (r >= 0)
		r = rtnl_link_add(sk, l, NLM_F_CREATE | NLM_F_EXCL);
	r = nl_err_to_errno(r);
	if (r == -EEXIST) {
		r = adopt(sk, name, base, mac);
		goto out;
	}
	if (r < 0)
		goto out;
	idx = if_nametoindex(name);
	r = idx ? (int)idx : -ENODEV;
out:
	if (a)
		nl_addr_put(a);
	if (l)
		rtnl_link_put(l);
	return r;
}

int nl_link_set_up(struct nl_sock *sk, int ifindex)
{
	struct rtnl_link *old = rtnl_link_alloc(), *req = rtnl_link_alloc();
	int r = -ENOMEM;

	if (old && req) {
		rtnl_link_set_ifindex(old, ifindex);
		rtnl_link_set_ifindex(req, ifindex);
		rtnl_link_set_flags(req, IFF_UP);
		r = nl_err_to_errno(rtnl_link_change(sk, old, req, 0));
	}
	if (old)
		rtnl_link_put(old);
	if (req)
		rtnl_link_put(req);
	return r;
}

int nl_link_del(struct nl_sock *sk, int ifindex)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int r;

	if (!l)
		return -ENOMEM;
	rtnl_link_set_ifindex(l, ifindex);
	r = nl_err_to_errno(rtnl_link_delete(sk, l));
	rtnl_link_put(l);
	return r == -ENODEV ? 1 : r;
}
