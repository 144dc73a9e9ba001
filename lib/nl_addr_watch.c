/*
 * The address watcher (see nl_addr_watch.h).  The cache manager keeps the
 * address cache current; its change callback only notes that something
 * changed, and the caller hears of it once, after the whole batch of
 * messages the socket held was applied.  After an overrun (the cache
 * missed events) the cache is refilled from a fresh dump and the caller
 * told, so it never acts on a stale picture for long.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>

#include "lib/log.h"
#include "lib/nl_addr_watch.h"
#include "lib/nl_link.h"

struct nl_addr_watch {
	struct nl_cache_mngr *mngr;
	struct nl_cache *cache;		/* owned by mngr */
	sd_event_source *io;
	nl_addr_watch_cb cb;
	void *userdata;
	bool changed;
};

static void watch_change(struct nl_cache *cache, struct nl_object *old_obj,
			 struct nl_object *new_obj, uint64_t diff, int action,
			 void *data)
{
	struct nl_addr_watch *w = data;

	(void)cache;
	(void)old_obj;
	(void)new_obj;
	(void)diff;
	(void)action;
	w->changed = true;
}

static void watch_refill(struct nl_addr_watch *w)
{
	struct nl_sock *sk = nl_rtnl_open();
	int r;

	if (!sk) {
		log_err("address watcher: cannot refill the address table: %m");
		return;
	}
	r = nl_cache_refill(sk, w->cache);
	if (r < 0)
		log_err("address watcher: refill failed: %s", nl_geterror(r));
	nl_rtnl_close(sk);
}

static int watch_io(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	struct nl_addr_watch *w = data;
	int r;

	(void)s;
	(void)fd;
	(void)revents;
	r = nl_cache_mngr_data_ready(w->mngr);
	if (r < 0) {
		log_warn("address watcher: %s; refilling", nl_geterror(r));
		watch_refill(w);
		w->changed = true;
	}
	if (w->changed) {
		w->changed = false;
		w->cb(w->userdata);
	}
	return 0;
}

int nl_addr_watch_new(sd_event *e, nl_addr_watch_cb cb, void *userdata,
		      struct nl_addr_watch **out)
{
	struct nl_addr_watch *w;
	int r;

	if (!e || !cb || !out)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->cb = cb;
	w->userdata = userdata;
	r = rtnl_addr_alloc_cache(NULL, &w->cache);
	if (r < 0)
		goto nlfail;
	r = nl_mngr_watch(e, w->cache, watch_change, w, watch_io,
			  "nl-addr-watch", &w->mngr, &w->io);
	if (r < 0) {
		w->cache = NULL;
		goto fail;
	}
	*out = w;
	return 0;
nlfail:
	r = nl_err_to_errno(r);
fail:
	nl_addr_watch_free(w);
	return r;
}

bool nl_addr_watch_has(const struct nl_addr_watch *w, int family,
		       const void *addr)
{
	size_t len = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
	struct nl_object *o;

	if (!w || !len)
		return false;
	for (o = nl_cache_get_first(w->cache); o; o = nl_cache_get_next(o)) {
		struct nl_addr *a = rtnl_addr_get_local((struct rtnl_addr *)o);

		if (a && nl_addr_get_family(a) == family &&
		    nl_addr_get_len(a) == len &&
		    !memcmp(nl_addr_get_binary_addr(a), addr, len))
			return true;
	}
	return false;
}

void nl_addr_watch_free(struct nl_addr_watch *w)
{
	if (!w)
		return;
	sd_event_source_disable_unref(w->io);
	if (w->mngr)
		nl_cache_mngr_free(w->mngr);	/* frees the cache it holds */
	free(w);
}
