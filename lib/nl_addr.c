/*
 * Interface addresses through libnl-route-3 (see nl_addr.h).  A spec is
 * turned into an rtnl_addr for each call; the kernel's answer decides
 * "added" versus "adopted", never a prior look-up, so there is no window
 * between checking and adding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>

#include "lib/nl_addr.h"
#include "lib/nl_link.h"

int nl_addr_spec_parse(struct nl_addr_spec *spec, const char *text)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	long plen;

	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, spec->addr) == 1)
		spec->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, spec->addr) == 1)
		spec->family = AF_INET6;
	else
		return -EINVAL;
	plen = (long)nl_fam_len(spec->family) * 8;
	if (slash) {
		long max = plen;

		errno = 0;
		plen = strtol(slash, &end, 10);
		if (errno || end == slash || *end || plen < 0 || plen > max)
			return -EINVAL;
	}
	spec->prefixlen = (uint8_t)plen;
	return 0;
}

static int spec_to_rtnl(const struct nl_addr_spec *s, struct rtnl_addr **out)
{
	size_t len = nl_fam_len(s->family);
	struct rtnl_addr *ra;
	struct nl_addr *a;
	int r = 0;

	if (!len || s->ifindex <= 0 || s->prefixlen > len * 8 ||
	    (s->has_brd && s->family != AF_INET))
		return -EINVAL;
	ra = rtnl_addr_alloc();
	if (!ra)
		return -ENOMEM;
	rtnl_addr_set_ifindex(ra, s->ifindex);
	rtnl_addr_set_family(ra, s->family);
	/* The peer first, carrying the prefix; libnl then wants the local
	 * address without one.  (libnl accepts a peer only for IPv4.) */
	if (s->has_peer) {
		a = nl_addr_make(s->family, s->peer, s->prefixlen);
		if (!a)
			goto nomem;
		r = rtnl_addr_set_peer(ra, a);
		nl_addr_put(a);
		if (r < 0)
			goto nlfail;
	}
	a = nl_addr_make(s->family, s->addr, s->has_peer ? 0 : s->prefixlen);
	if (!a)
		goto nomem;
	r = rtnl_addr_set_local(ra, a);
	nl_addr_put(a);
	if (r < 0)
		goto nlfail;
	if (!s->has_peer)
		rtnl_addr_set_prefixlen(ra, s->prefixlen);
	if (s->has_brd) {
		a = nl_addr_make(AF_INET, s->brd, 32);
		if (!a)
			goto nomem;
		r = rtnl_addr_set_broadcast(ra, a);
		nl_addr_put(a);
		if (r < 0)
			goto nlfail;
	}
	if (s->label[0]) {
		r = rtnl_addr_set_label(ra, s->label);
		if (r < 0)
			goto nlfail;
	}
	rtnl_addr_set_scope(ra, s->scope);
	if (s->flags)
		rtnl_addr_set_flags(ra, s->flags);
	if (s->deprecated) {
		rtnl_addr_set_valid_lifetime(ra, 0xffffffffu);
		rtnl_addr_set_preferred_lifetime(ra, 0);
	}
	*out = ra;
	return 0;
nomem:
	rtnl_addr_put(ra);
	return -ENOMEM;
nlfail:
	rtnl_addr_put(ra);
	return nl_err_to_errno(r);
}

/* Add or delete with SK, or with a socket of our own when SK is NULL. */
static int with_sock(struct nl_sock *sk, const struct nl_addr_spec *s, bool add)
{
	struct nl_sock *own = NULL;
	struct rtnl_addr *ra = NULL;
	int r;

	r = spec_to_rtnl(s, &ra);
	if (r < 0)
		return r;
	if (!sk) {
		own = sk = nl_rtnl_open();
		if (!sk) {
			r = -errno;
			rtnl_addr_put(ra);
			return r;
		}
	}
	if (add)
		r = rtnl_addr_add(sk, ra, NLM_F_CREATE | NLM_F_EXCL);
	else
		r = rtnl_addr_delete(sk, ra, 0);
	r = nl_err_to_errno(r);
	if (add && r == -EEXIST)
		r = 1;
	/* Both families answer EADDRNOTAVAIL for an address not there;
	 * ENODEV: its interface was deleted, and the address with it. */
	if (!add && (r == -EADDRNOTAVAIL || r == -ENOENT || r == -ENODEV))
		r = 1;
	rtnl_addr_put(ra);
	nl_rtnl_close(own);
	return r;
}

int nl_addr_add(struct nl_sock *sk, const struct nl_addr_spec *spec)
{
	return with_sock(sk, spec, true);
}

int nl_addr_del(struct nl_sock *sk, const struct nl_addr_spec *spec)
{
	return with_sock(sk, spec, false);
}

static void copy_bytes(struct nl_addr *a, uint8_t *dst, size_t max)
{
	size_t n = nl_addr_get_len(a);

	memcpy(dst, nl_addr_get_binary_addr(a), n < max ? n : max);
}

static void rtnl_to_spec(struct rtnl_addr *ra, struct nl_addr_spec *s)
{
	struct nl_addr *a;
	const char *label;

	memset(s, 0, sizeof(*s));
	s->ifindex = rtnl_addr_get_ifindex(ra);
	s->family = (sa_family_t)rtnl_addr_get_family(ra);
	s->prefixlen = (uint8_t)rtnl_addr_get_prefixlen(ra);
	a = rtnl_addr_get_local(ra);
	if (a)
		copy_bytes(a, s->addr, sizeof(s->addr));
	a = rtnl_addr_get_peer(ra);
	if (a && nl_addr_get_len(a) == nl_fam_len(s->family) &&
	    memcmp(nl_addr_get_binary_addr(a), s->addr, nl_fam_len(s->family))) {
		s->has_peer = true;
		copy_bytes(a, s->peer, sizeof(s->peer));
	}
	a = rtnl_addr_get_broadcast(ra);
	if (a && s->family == AF_INET && nl_addr_get_len(a) == 4) {
		s->has_brd = true;
		copy_bytes(a, s->brd, sizeof(s->brd));
	}
	label = rtnl_addr_get_label(ra);
	if (label)
		snprintf(s->label, sizeof(s->label), "%s", label);
	s->scope = (uint8_t)rtnl_addr_get_scope(ra);
	s->flags = rtnl_addr_get_flags(ra);
	s->deprecated = s->family == AF_INET6 && rtnl_addr_get_preferred_lifetime(ra) == 0;
}

struct list_ctx {
	int ifindex, family;
	nl_addr_list_cb cb;
	void *userdata;
	const struct nl_addr_spec *want;	/* nl_addr_present() */
	int n;
};

static void list_one(struct nl_object *o, void *data)
{
	struct list_ctx *c = data;
	struct rtnl_addr *ra = (struct rtnl_addr *)o;
	struct nl_addr_spec s;

	if (c->ifindex && rtnl_addr_get_ifindex(ra) != c->ifindex)
		return;
	if (c->family != AF_UNSPEC && rtnl_addr_get_family(ra) != c->family)
		return;
	rtnl_to_spec(ra, &s);
	if (c->want) {
		if (!memcmp(s.addr, c->want->addr, nl_fam_len(s.family)))
			c->n++;
		return;
	}
	c->n++;
	c->cb(&s, c->userdata);
}

static int walk(struct nl_sock *sk, struct list_ctx *c)
{
	struct nl_sock *own = NULL;
	struct nl_cache *cache = NULL;
	int r;

	if (!sk) {
		own = sk = nl_rtnl_open();
		if (!sk)
			return -errno;
	}
	r = rtnl_addr_alloc_cache(sk, &cache);
	if (r < 0) {
		r = nl_err_to_errno(r);
	} else {
		nl_cache_foreach(cache, list_one, c);
		nl_cache_free(cache);
		r = c->n;
	}
	nl_rtnl_close(own);
	return r;
}

int nl_addr_list(struct nl_sock *sk, int ifindex, int family,
		 nl_addr_list_cb cb, void *userdata)
{
	struct list_ctx c = { .ifindex = ifindex, .family = family, .cb = cb,
			      .userdata = userdata };

	if (!cb)
		return -EINVAL;
	return walk(sk, &c);
}

int nl_addr_present(struct nl_sock *sk, const struct nl_addr_spec *spec)
{
	struct list_ctx c = { .ifindex = spec->ifindex, .family = spec->family,
			      .want = spec };
	int r;

	if (!nl_fam_len(spec->family) || spec->ifindex <= 0)
		return -EINVAL;
	r = walk(sk, &c);
	return r < 0 ? r : r > 0;
}
