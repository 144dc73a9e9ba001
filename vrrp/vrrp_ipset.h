/*
 * IP sets through libipset (vrrp_ipset.c), for the iptables backend of
 * the no_accept firewall.
 */
#ifndef TANDEM_VRRP_IPSET_H
#define TANDEM_VRRP_IPSET_H

#include <stdbool.h>

struct vrrp_ipset;

int vrrp_ipset_open(struct vrrp_ipset **out);
void vrrp_ipset_close(struct vrrp_ipset *s);
/* Run one ipset command line ("add NAME ADDR -exist"): 0, or -EIO with
 * libipset's message logged unless QUIET. */
int vrrp_ipset_cmd(struct vrrp_ipset *s, bool quiet, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
