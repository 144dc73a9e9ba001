/*
 * Routes and rules that follow mastership (an instance's virtual_routes
 * and virtual_rules) and those that stay while the process runs
 * (static_ipaddress, static_routes, static_rules).
 */
#ifndef TANDEM_VRRP_ROUTES_H
#define TANDEM_VRRP_ROUTES_H

#include <stdbool.h>

#include "vrrp/vrrp_conf.h"

struct nl_sock;
struct vrrp_inst;

/* Add (a new master, after its VIPs) or remove (before its VIPs go) the
 * instance's virtual routes and rules.  QUIET: no log line per entry
 * (the clean-up of a start as backup). */
void vrrp_routes_inst(struct vrrp_inst *vi, bool add, bool quiet);

/* Make the static addresses, routes and rules those of NOW: add NOW's
 * (idempotent) and remove BEFORE's that NOW has not.  NOW NULL: remove
 * all of BEFORE (the process stops); BEFORE NULL: the start. */
void vrrp_static_set(struct nl_sock *nl, const struct vrrp_conf *now,
		     const struct vrrp_conf *before);
/* Add one static address again (it was deleted): 0, or a negative errno
 * (logged; -ENODEV: its interface is missing). */
int vrrp_static_addr_restore(struct nl_sock *nl, const struct vrrp_vip *v);
/* Add a static route / rule again if it is missing: 0 (added), 1 (it was
 * there), or a negative errno (logged). */
int vrrp_static_route_restore(struct nl_sock *nl, const struct vrrp_route *r);
int vrrp_static_rule_restore(struct nl_sock *nl, const struct vrrp_rule *r);

#endif
