/*
 * Links through libnl-route-3: lookups and the link-event watcher (see
 * nl_link.h for why the watcher is a cache manager with the v2 change
 * callback).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/route/link.h>

#include "lib/log.h"
#include "lib/nl_link.h"

size_t nl_fam_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

struct nl_addr *nl_addr_make(int family, const uint8_t *bytes,
			     unsigned int prefixlen)
{
	struct nl_addr *a = nl_addr_build(family, bytes, nl_fam_len(family));

	if (a)
		nl_addr_set_prefixlen(a, (int)prefixlen);
	return a;
}

int nl_err_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS: return 0;
	case NLE_INTR: return -EINTR;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_BUSY: return -EBUSY;
	case NLE_NOACCESS: return -EACCES;
	case NLE_PERM: return -EPERM;
	case NLE_NODEV: return -ENODEV;
	default: return -EIO;
	}
}

struct nl_sock *nl_rtnl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk) {
		errno = ENOMEM;
		return NULL;
	}
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(sk);
		errno = -nl_err_to_errno(r);
		return NULL;
	}
	return sk;
}

void nl_rtnl_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

static void link_fill(struct rtnl_link *l, struct nl_link_info *out)
{
	struct nl_addr *a = rtnl_link_get_addr(l);
	const char *name = rtnl_link_get_name(l);

	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_link_get_ifindex(l);
	if (name)
		snprintf(out->name, sizeof(out->name), "%s", name);
	if (a && nl_addr_get_len(a) <= NL_LINK_HWADDR_MAX) {
		out->hwaddr_len = nl_addr_get_len(a);
		memcpy(out->hwaddr, nl_addr_get_binary_addr(a), out->hwaddr_len);
	}
	out->flags = rtnl_link_get_flags(l);
	out->mtu = rtnl_link_get_mtu(l);
	out->up = (out->flags & IFF_UP) && (out->flags & IFF_RUNNING);
}

int nl_link_get(struct nl_sock *sk, int ifindex, const char *name,
		struct nl_link_info *out)
{
	struct nl_sock *own = NULL;
	struct rtnl_link *l = NULL;
	int r;

	if ((ifindex <= 0 && !name) || (name && strlen(name) >= IF_NAMESIZE))
		return -EINVAL;
	if (!sk) {
		own = sk = nl_rtnl_open();
		if (!sk)
			return -errno;
	}
	r = rtnl_link_get_kernel(sk, name ? 0 : ifindex, name, &l);
	if (r < 0) {
		r = nl_err_to_errno(r);
		/* the kernel says ENODEV, libnl may call it OBJ_NOTFOUND */
		if (r == -ENOENT)
			r = -ENODEV;
	} else {
		link_fill(l, out);
		rtnl_link_put(l);
	}
	nl_rtnl_close(own);
	return r;
}

const char *nl_link_event_str(enum nl_link_event ev)
{
	switch (ev) {
	case NL_LINK_NEW: return "new";
	case NL_LINK_UP: return "up";
	case NL_LINK_DOWN: return "down";
	case NL_LINK_DEL: return "del";
	}
	return "?";
}

struct nl_link_watch {
	struct nl_cache_mngr *mngr;
	struct nl_cache *cache;		/* owned by mngr */
	sd_event_source *io;
	nl_link_cb cb;
	void *userdata;
};

/* Links of other families (AF_BRIDGE port entries) share the cache type;
 * only the plain AF_UNSPEC link objects describe an interface. */
static bool is_plain_link(struct nl_object *o)
{
	return o && rtnl_link_get_family((struct rtnl_link *)o) == AF_UNSPEC;
}

static void watch_change(struct nl_cache *cache, struct nl_object *old_obj,
			 struct nl_object *new_obj, uint64_t diff, int action,
			 void *data)
{
	struct nl_link_watch *w = data;
	struct nl_link_info now, before;

	(void)cache;
	(void)diff;
	switch (action) {
	case NL_ACT_NEW:
		if (!is_plain_link(new_obj))
			return;
		link_fill((struct rtnl_link *)new_obj, &now);
		w->cb(NL_LINK_NEW, &now, w->userdata);
		return;
	case NL_ACT_DEL: {
		struct nl_object *o = old_obj ? old_obj : new_obj;

		if (!is_plain_link(o))
			return;
		link_fill((struct rtnl_link *)o, &now);
		now.up = false;
		w->cb(NL_LINK_DEL, &now, w->userdata);
		return;
	}
	case NL_ACT_CHANGE:
		if (!is_plain_link(new_obj))
			return;
		link_fill((struct rtnl_link *)new_obj, &now);
		if (is_plain_link(old_obj)) {
			link_fill((struct rtnl_link *)old_obj, &before);
			if (before.up == now.up)
				return;
		}
		w->cb(now.up ? NL_LINK_UP : NL_LINK_DOWN, &now, w->userdata);
		return;
	default:
		return;
	}
}

/* After an overrun the cache missed events.  nl_cache_resync() reports
 * only the new object of a change, so the usable state of every link is
 * noted first and compared afterwards. */
struct resync_ctx {
	struct nl_link_watch *w;
	size_t n, cap;
	struct { int ifindex; bool up; } *v;
};

static void resync_note(struct nl_object *o, void *data)
{
	struct resync_ctx *c = data;
	struct nl_link_info li;

	if (!is_plain_link(o) || c->n == c->cap)
		return;
	link_fill((struct rtnl_link *)o, &li);
	c->v[c->n].ifindex = li.ifindex;
	c->v[c->n].up = li.up;
	c->n++;
}

static void resync_change(struct nl_cache *cache, struct nl_object *o,
			  int action, void *data)
{
	struct resync_ctx *c = data;
	struct nl_link_info li;
	size_t i;

	(void)cache;
	if (!is_plain_link(o))
		return;
	link_fill((struct rtnl_link *)o, &li);
	if (action == NL_ACT_DEL) {
		li.up = false;
		c->w->cb(NL_LINK_DEL, &li, c->w->userdata);
		return;
	}
	for (i = 0; i < c->n; i++)
		if (c->v[i].ifindex == li.ifindex)
			break;
	if (i == c->n)
		c->w->cb(NL_LINK_NEW, &li, c->w->userdata);
	else if (c->v[i].up != li.up)
		c->w->cb(li.up ? NL_LINK_UP : NL_LINK_DOWN, &li, c->w->userdata);
}

static void watch_resync(struct nl_link_watch *w)
{
	struct resync_ctx c = { .w = w };
	struct nl_sock *sk;
	int r;

	c.cap = (size_t)nl_cache_nitems(w->cache) + 1;
	c.v = calloc(c.cap, sizeof(*c.v));
	sk = nl_rtnl_open();
	if (!c.v || !sk) {
		log_err("link watcher: cannot resync the link table: %m");
		goto out;
	}
	nl_cache_foreach(w->cache, resync_note, &c);
	r = nl_cache_resync(sk, w->cache, resync_change, &c);
	if (r < 0)
		log_err("link watcher: resync failed: %s", nl_geterror(r));
out:
	nl_rtnl_close(sk);
	free(c.v);
}

static int watch_io(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	struct nl_link_watch *w = data;
	int r;

	(void)s;
	(void)fd;
	(void)revents;
	r = nl_cache_mngr_data_ready(w->mngr);
	if (r < 0) {
		log_warn("link watcher: %s; resyncing", nl_geterror(r));
		watch_resync(w);
	}
	return 0;
}

int nl_mngr_watch(sd_event *e, struct nl_cache *cache, nl_mngr_change_fn change,
		  void *data, sd_event_io_handler_t io_fn, const char *desc,
		  struct nl_cache_mngr **mngr, sd_event_source **io)
{
	int r = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, 0, mngr);

	if (r >= 0)
		r = nl_cache_mngr_add_cache_v2(*mngr, cache, change, data);
	if (r < 0) {
		nl_cache_free(cache);
		return nl_err_to_errno(r);
	}
	/* Overruns are survivable but cost a resync: make them rare when a
	 * burst of changes comes (thousands of VIPs, a bridge of veths). */
	(void)setsockopt(nl_cache_mngr_get_fd(*mngr), SOL_SOCKET, SO_RCVBUF,
			 &(int){ 1 << 20 }, sizeof(int));
	r = sd_event_add_io(e, io, nl_cache_mngr_get_fd(*mngr), EPOLLIN, io_fn,
			    data);
	if (r < 0)
		return r;
	(void)sd_event_source_set_description(*io, desc);
	return 0;
}

int nl_link_watch_new(sd_event *e, nl_link_cb cb, void *userdata,
		      struct nl_link_watch **out)
{
	struct nl_link_watch *w;
	int r;

	if (!e || !cb || !out)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cb = cb;
	w->userdata = userdata;
	r = rtnl_link_alloc_cache(NULL, AF_UNSPEC, &w->cache);
	if (r < 0)
		goto nlfail;
	/* libnl's 32 KiB overruns when many links change at once (a
	 * bridge full of veths going down); nl_mngr_watch() asks for more. */
	r = nl_mngr_watch(e, w->cache, watch_change, w, watch_io,
			  "nl-link-watch", &w->mngr, &w->io);
	if (r < 0) {
		w->cache = NULL;
		goto fail;
	}
	*out = w;
	return 0;
nlfail:
	r = nl_err_to_errno(r);
fail:
	nl_link_watch_free(w);
	return r;
}

int nl_link_watch_lookup(struct nl_link_watch *w, int ifindex,
			 struct nl_link_info *out)
{
	struct rtnl_link *l = rtnl_link_get(w->cache, ifindex);

	if (!l)
		return -ENODEV;
	link_fill(l, out);
	rtnl_link_put(l);
	return 0;
}

void nl_link_watch_free(struct nl_link_watch *w)
{
	if (!w)
		return;
	sd_event_source_disable_unref(w->io);
	if (w->mngr)
		nl_cache_mngr_free(w->mngr);	/* frees the caches it holds */
	free(w);
}
