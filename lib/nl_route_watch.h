/*
 * Deletions of routes and rules in this network namespace, told on an
 * sd-event loop: the rtnetlink route and rule groups (IPv4 and IPv6)
 * are joined on a socket of their own, and the caller hears, once per
 * batch of messages, that at least one route or rule went (or that an
 * overrun may have hidden one).  It keeps no picture of the table:
 * whoever listens re-adds what it owns and lets the kernel's EEXIST say
 * what was still there.
 */
#ifndef TANDEM_NL_ROUTE_WATCH_H
#define TANDEM_NL_ROUTE_WATCH_H

#include <systemd/sd-event.h>

struct nl_route_watch;

typedef void (*nl_route_watch_cb)(void *userdata);

/* 0 or a negative errno. */
int nl_route_watch_new(sd_event *e, nl_route_watch_cb cb, void *userdata,
		       struct nl_route_watch **out);
void nl_route_watch_free(struct nl_route_watch *w);	/* NULL is fine */

#endif
