/*
 * Gratuitous ARP and unsolicited neighbour advertisements: how a new
 * master tells the segment that the virtual addresses now live at its
 * MAC address.
 *
 * ARP goes out through an AF_PACKET socket with the whole Ethernet frame
 * built here, so the source MAC is the caller's (the interface's own, or
 * the virtual MAC 00:00:5e:00:01:VRID once VMAC interfaces exist).  The
 * frame is an ARP request with sender and target protocol address both
 * the VIP and a zero target hardware address (RFC 5227 §2.3's
 * announcement, which every ARP cache updates from), broadcast, padded to
 * the 60-byte Ethernet minimum.
 *
 * Neighbour advertisements go out through an ICMPv6 raw socket (the
 * kernel sums the checksum), hop limit 255 as RFC 4861 §7.1.2 requires of
 * the receiver, to all-nodes ff02::1, with the Override flag and a Target
 * Link-Layer Address option carrying the same caller-chosen MAC.  The
 * socket filters out every ICMPv6 type on receive: it only sends.
 *
 * One struct vrrp_garp serves every interface (the interface is per
 * call).  The frame builders are pure for unit tests.
 */
#ifndef TANDEM_VRRP_GARP_H
#define TANDEM_VRRP_GARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define VRRP_ARP_FRAME_LEN	60	/* Ethernet minimum, without FCS */
#define VRRP_NA_LEN		32	/* ICMPv6 NA with one TLLA option */

/* Build the gratuitous ARP frame for IP from MAC into BUF; returns
 * VRRP_ARP_FRAME_LEN, or 0 when BUFLEN is too small. */
size_t vrrp_garp_build_arp(uint8_t *buf, size_t buflen, const uint8_t mac[6],
			   const struct in_addr *ip);
/* Build the ICMPv6 unsolicited NA for TARGET with MAC (checksum left 0:
 * the kernel fills it); ROUTER sets the R flag. */
size_t vrrp_garp_build_na(uint8_t *buf, size_t buflen, const uint8_t mac[6],
			  const struct in6_addr *target, bool router);

struct vrrp_garp;

/* Opens the AF_PACKET socket and the ICMPv6 socket; a family that cannot
 * be opened (IPv6 disabled) fails only when used. */
int vrrp_garp_open(struct vrrp_garp **out);
void vrrp_garp_close(struct vrrp_garp *g);	/* NULL is fine */

/* One gratuitous ARP for IP on IFINDEX from MAC.  0 or a negative errno. */
int vrrp_garp_send_arp(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
		       const struct in_addr *ip);
/* One unsolicited NA for TARGET on IFINDEX with MAC.  SRC is the source
 * address (NULL: the kernel picks the interface's link-local; a
 * tentative address is refused by the kernel).  0 or a negative errno. */
int vrrp_garp_send_na(struct vrrp_garp *g, int ifindex, const uint8_t mac[6],
		      const struct in6_addr *target, const struct in6_addr *src,
		      bool router);

#endif
