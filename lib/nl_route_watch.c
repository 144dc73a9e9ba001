/*
 * The route and rule deletion watcher (see nl_route_watch.h): a libnl
 * socket in the four route and rule multicast groups, non-blocking, read
 * whole on each wake-up; the valid-message callback only notes an
 * RTM_DELROUTE or RTM_DELRULE, and the caller is told after the batch.
 * ENOBUFS (the kernel dropped messages) counts as a deletion: better one
 * needless look than a missed one.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/errno.h>

#include "lib/log.h"
#include "lib/nl_link.h"
#include "lib/nl_route_watch.h"

struct nl_route_watch {
	struct nl_sock *sk;
	sd_event_source *io;
	nl_route_watch_cb cb;
	void *userdata;
	bool deleted;
};

static int on_msg(struct nl_msg *msg, void *data)
{
	struct nl_route_watch *w = data;
	int type = nlmsg_hdr(msg)->nlmsg_type;

	if (type == RTM_DELROUTE || type == RTM_DELRULE)
		w->deleted = true;
	return NL_OK;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	struct nl_route_watch *w = data;
	int r = 0, n = 0;

	(void)s;
	(void)fd;
	(void)revents;
	/* bounded: a flood is read in slices, the loop comes back */
	while (n++ < 64 && (r = nl_recvmsgs_default(w->sk)) >= 0)
		;
	if (n <= 64 && r < 0 && nl_err_to_errno(r) != -EAGAIN) {
		if (nl_err_to_errno(r) == -ENOBUFS)
			w->deleted = true;
		else
			log_warn("route watcher: %s", nl_geterror(r));
	}
	if (w->deleted) {
		w->deleted = false;
		w->cb(w->userdata);
	}
	return 0;
}

int nl_route_watch_new(sd_event *e, nl_route_watch_cb cb, void *userdata,
		       struct nl_route_watch **out)
{
	struct nl_route_watch *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	w->cb = cb;
	w->userdata = userdata;
	if (!(w->sk = nl_socket_alloc())) {
		r = -ENOMEM;
		goto fail;
	}
	nl_socket_disable_seq_check(w->sk);
	nl_socket_modify_cb(w->sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, w);
	if ((r = nl_connect(w->sk, NETLINK_ROUTE)) < 0 ||
	    (r = nl_socket_add_memberships(w->sk, RTNLGRP_IPV4_ROUTE,
					   RTNLGRP_IPV6_ROUTE, RTNLGRP_IPV4_RULE,
					   RTNLGRP_IPV6_RULE, 0)) < 0 ||
	    (r = nl_socket_set_nonblocking(w->sk)) < 0) {
		r = nl_err_to_errno(r);
		goto fail;
	}
	if ((r = sd_event_add_io(e, &w->io, nl_socket_get_fd(w->sk), EPOLLIN,
				 on_io, w)) < 0)
		goto fail;
	*out = w;
	return 0;
fail:
	nl_route_watch_free(w);
	return r;
}

void nl_route_watch_free(struct nl_route_watch *w)
{
	if (!w)
		return;
	w->io = sd_event_source_disable_unref(w->io);
	if (w->sk)
		nl_socket_free(w->sk);
	free(w);
}
