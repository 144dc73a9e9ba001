/*
 * macvlan links through rtnetlink (libnl-route-3), for VRRP's virtual
 * MAC interfaces (use_vmac): a macvlan in private mode on a base
 * interface with a given MAC.  Private mode matters: a frame
 * that carries the virtual MAC as its source (the other router's advert)
 * is then handed to the macvlan instead of being dropped as an echo.
 */
#ifndef TANDEM_NL_MACVLAN_H
#define TANDEM_NL_MACVLAN_H

#include <stdint.h>

struct nl_sock;

/* Create NAME on BASE with MAC, down (so that its IPv6 address
 * generation can be set before it comes up).  A macvlan of that name
 * already on BASE with MAC (left by a run that died) is adopted as it
 * is.  Returns its ifindex, or a negative errno (-EEXIST: NAME is some
 * other link). */
int nl_macvlan_add(struct nl_sock *sk, const char *name, int base,
		   const uint8_t mac[6]);
/* Bring link IFINDEX up; 0 or a negative errno. */
int nl_link_set_up(struct nl_sock *sk, int ifindex);
/* Delete link IFINDEX; 0, 1 (already gone) or a negative errno. */
int nl_link_del(struct nl_sock *sk, int ifindex);

#endif
