/*
 * Routes through rtnetlink (libnl-route-3): what keepalived's
 * virtual_routes and static_routes lines can say in `ip route` syntax —
 * a destination prefix in a table, a preferred source, a metric, a scope,
 * a type (unicast, blackhole, unreachable, prohibit, throw) and one or
 * more next hops (gateway, device, weight, onlink).
 *
 * Like nl_addr.h, adding is idempotent (a route the kernel already holds
 * is adopted, 1) and deleting a route that is not there is reported (1),
 * not an error, so a restarted master re-adds its routes without a gap.
 * Plain bytes and ifindexes only: lib/ knows nothing of the config.
 */
#ifndef TANDEM_NL_ROUTE_H
#define TANDEM_NL_ROUTE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct nl_sock;

#define NL_ROUTE_MAX_NH	8

struct nl_route_nh {
	int ifindex;			/* 0: the kernel picks it */
	bool has_gw;
	sa_family_t gw_family;
	uint8_t gw[16];
	uint8_t weight;			/* rtnh_hops: the weight less one */
	bool onlink;
};

struct nl_route_spec {
	sa_family_t family;		/* AF_INET or AF_INET6 */
	uint8_t dst[16];		/* network byte order */
	uint8_t dst_len;
	bool has_src;			/* preferred source (`src`) */
	uint8_t src[16];
	uint32_t table;			/* 0: main */
	bool has_metric;
	uint32_t metric;
	int scope;			/* -1: the kernel's guess */
	uint8_t type;			/* RTN_*; 0 means RTN_UNICAST */
	uint8_t protocol;		/* 0: RTPROT_BOOT as ip route */
	uint8_t tos;
	uint32_t mtu;			/* 0: not set */
	struct nl_route_nh nh[NL_ROUTE_MAX_NH];
	unsigned nnh;
};

/* 0 (added), 1 (already there) or a negative errno.  SK may be NULL. */
int nl_route_add(struct nl_sock *sk, const struct nl_route_spec *spec);
/* 0 (deleted), 1 (was not there) or a negative errno. */
int nl_route_del(struct nl_sock *sk, const struct nl_route_spec *spec);
/* "192.0.2.0/24 via 192.0.2.254 table 10" for the logs. */
const char *nl_route_str(const struct nl_route_spec *spec, char *buf,
			 size_t len);

#endif
