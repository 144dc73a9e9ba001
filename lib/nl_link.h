/*
 * Network links through rtnetlink (libnl-route-3): one-shot lookups of an
 * interface's index, name, hardware address and state, and a watcher that
 * reports links going up, down or away on an sd-event loop.
 *
 * The watcher is libnl's cache manager on the link cache: the manager
 * subscribes to RTNLGRP_LINK before it dumps the table, so no event falls
 * between the dump and the subscription, and its v2 change callback hands
 * over the old and the new object, which is what turns the kernel's
 * chatty RTM_NEWLINK stream (statistics, MTU, promiscuity...) into the
 * few events VRRP cares about: "usable" changed (IFF_UP and IFF_RUNNING,
 * as keepalived judges an interface), or the link was deleted.
 *
 * libnl's error codes are turned into negative errno here, so callers
 * speak one error language (sd-event's).
 */
#ifndef TANDEM_NL_LINK_H
#define TANDEM_NL_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <systemd/sd-event.h>

struct nl_sock;

#define NL_LINK_HWADDR_MAX 32

struct nl_link_info {
	int ifindex;
	char name[IF_NAMESIZE];
	uint8_t hwaddr[NL_LINK_HWADDR_MAX];
	size_t hwaddr_len;		/* 6 for Ethernet, 0 for none */
	unsigned int flags;		/* IFF_* */
	unsigned int mtu;
	bool up;			/* IFF_UP and IFF_RUNNING */
};

struct nl_addr;
struct nl_cache;
struct nl_cache_mngr;
struct nl_object;

/* Put CACHE (filled from the kernel, then owned by the manager; freed on
 * failure) in a new NETLINK_ROUTE cache manager whose socket IO_FN(DATA)
 * reads on loop E; CHANGE(..., DATA) hears of each change.  *MNGR may be
 * set even on failure (free it).  0 or a negative errno. */
typedef void (*nl_mngr_change_fn)(struct nl_cache *, struct nl_object *old_obj,
				  struct nl_object *new_obj, uint64_t diff,
				  int action, void *data);
int nl_mngr_watch(sd_event *e, struct nl_cache *cache,
		  nl_mngr_change_fn change, void *data,
		  sd_event_io_handler_t io_fn, const char *desc,
		  struct nl_cache_mngr **mngr, sd_event_source **io);

/* A libnl error (positive or negative NLE_*) as a negative errno. */
int nl_err_to_errno(int nlerr);

/* The address length of AF_INET (4) or AF_INET6 (16), else 0. */
size_t nl_fam_len(int family);

/* An nl_addr of FAMILY (AF_INET, AF_INET6) from its raw bytes, with
 * PREFIXLEN; NULL when out of memory.  Free it with nl_addr_put(). */
struct nl_addr *nl_addr_make(int family, const uint8_t *bytes,
			     unsigned int prefixlen);

/* A connected NETLINK_ROUTE socket, or NULL (errno set).  Free it with
 * nl_rtnl_close(). */
struct nl_sock *nl_rtnl_open(void);
void nl_rtnl_close(struct nl_sock *sk);

/* Look a link up by index (NAME NULL) or by name (IFINDEX 0).  SK may be
 * NULL: a socket is opened for the call.  Returns 0, -ENODEV, or another
 * negative errno. */
int nl_link_get(struct nl_sock *sk, int ifindex, const char *name,
		struct nl_link_info *out);

enum nl_link_event {
	NL_LINK_NEW,	/* appeared (its up field says how) */
	NL_LINK_UP,	/* became usable */
	NL_LINK_DOWN,	/* stopped being usable */
	NL_LINK_DEL,	/* removed */
};

const char *nl_link_event_str(enum nl_link_event ev);

typedef void (*nl_link_cb)(enum nl_link_event ev, const struct nl_link_info *link,
			   void *userdata);

struct nl_link_watch;

/* Watch every link of the current network namespace on loop E.  CB runs
 * from the loop; links present at start are not reported (query them
 * with nl_link_watch_lookup()).  Returns 0 or a negative errno. */
int nl_link_watch_new(sd_event *e, nl_link_cb cb, void *userdata,
		      struct nl_link_watch **out);
/* Current state of a link as the watcher knows it: 0 or -ENODEV. */
int nl_link_watch_lookup(struct nl_link_watch *w, int ifindex,
			 struct nl_link_info *out);
/* Stops watching and frees; NULL is fine. */
void nl_link_watch_free(struct nl_link_watch *w);

#endif
