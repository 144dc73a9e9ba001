/*
 * Interface addresses through rtnetlink (libnl-route-3), with the
 * attributes keepalived's virtual_ipaddress syntax can give: prefix,
 * broadcast, label, scope, peer, and the IPv6 flags nodad, noprefixroute,
 * home (plus autojoin and preferred_lft 0, which the same syntax has).
 *
 * Adding is idempotent: an address the kernel already holds (EEXIST) is
 * adopted and reported as such, so a VRRP child that restarts as master
 * re-adds its VIPs without error and without a moment of absence.
 * Deleting an address that is not there is reported, not an error.
 *
 * Addresses are plain bytes with a family so that lib/ stays below vrrp/
 * (whose struct vrrp_ip has the same layout in its union).
 */
#ifndef TANDEM_NL_ADDR_H
#define TANDEM_NL_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <sys/socket.h>

struct nl_sock;

struct nl_addr_spec {
	int ifindex;
	sa_family_t family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];		/* network byte order */
	uint8_t prefixlen;		/* 32 / 128 for a host address */
	bool has_peer;
	uint8_t peer[16];		/* point-to-point peer (IPv4 only:
					 * libnl refuses an IPv6 peer) */
	bool has_brd;
	uint8_t brd[4];			/* IPv4 broadcast */
	char label[IF_NAMESIZE];	/* IPv4 label ("" for none) */
	uint8_t scope;			/* RT_SCOPE_*; 0 is global */
	uint32_t flags;			/* IFA_F_NODAD, IFA_F_NOPREFIXROUTE,
					 * IFA_F_HOMEADDRESS, IFA_F_MCAUTOJOIN */
	bool deprecated;		/* IPv6 preferred_lft 0 */
};

/* Fill SPEC's address from text ("192.0.2.1/24", "2001:db8::1"), with the
 * family's full prefix when none is given.  0 or -EINVAL. */
int nl_addr_spec_parse(struct nl_addr_spec *spec, const char *text);

/* Add.  Returns 0 (added), 1 (already present: adopted), or a negative
 * errno.  SK may be NULL: a socket is opened for the call. */
int nl_addr_add(struct nl_sock *sk, const struct nl_addr_spec *spec);
/* Delete.  Returns 0 (deleted), 1 (was not there, or its interface is
 * gone), or a negative errno. */
int nl_addr_del(struct nl_sock *sk, const struct nl_addr_spec *spec);
/* Is this address (ifindex, family, address) on the interface?  1, 0 or a
 * negative errno. */
int nl_addr_present(struct nl_sock *sk, const struct nl_addr_spec *spec);

/* Call CB for every address of IFINDEX (0: all links) and FAMILY
 * (AF_UNSPEC: both).  Returns the number listed or a negative errno. */
typedef void (*nl_addr_list_cb)(const struct nl_addr_spec *a, void *userdata);
int nl_addr_list(struct nl_sock *sk, int ifindex, int family,
		 nl_addr_list_cb cb, void *userdata);

#endif
