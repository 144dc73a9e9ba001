/*
 * The pace of gratuitous ARPs and unsolicited NAs per interface
 * (garp_group, and global_defs' vrrp_garp_interval / vrrp_gna_interval):
 * a switch that cannot take a flood gets them no closer together than
 * the interval, whichever instance sends them.  See vrrp_garp_rate.c.
 */
#ifndef TANDEM_VRRP_GARP_RATE_H
#define TANDEM_VRRP_GARP_RATE_H

#include <stdint.h>
#include <netinet/in.h>
#include <systemd/sd-event.h>

struct vrrp_conf;
struct vrrp_garp;
struct vrrp_garp_rate;

/* Paces the messages that go out through G (not owned) on loop E. */
int vrrp_garp_rate_new(sd_event *e, struct vrrp_garp *g,
		       struct vrrp_garp_rate **out);
/* The garp_group blocks of VC (copied) and global_defs' intervals (usec,
 * 0: unpaced).  What was queued under the old settings is dropped.  0 or
 * -ENOMEM (then nothing is paced). */
int vrrp_garp_rate_set(struct vrrp_garp_rate *r, const struct vrrp_conf *vc,
		       uint64_t garp_us, uint64_t gna_us);
/* One gratuitous ARP / NA on IFINDEX (whose interval is that of its name,
 * else of BASE_IFINDEX's name: the interface under a VMAC), now or when
 * the interval allows; OWNER tags it for vrrp_garp_rate_forget(). */
void vrrp_garp_rate_arp(struct vrrp_garp_rate *r, const void *owner,
			int ifindex, int base_ifindex, const uint8_t mac[6],
			const struct in_addr *ip);
void vrrp_garp_rate_na(struct vrrp_garp_rate *r, const void *owner,
		       int ifindex, int base_ifindex, const uint8_t mac[6],
		       const struct in6_addr *ip);
/* Drop what OWNER queued (it left master, or is going away). */
void vrrp_garp_rate_forget(struct vrrp_garp_rate *r, const void *owner);
/* Messages dropped because a queue was full. */
uint64_t vrrp_garp_rate_dropped(const struct vrrp_garp_rate *r);
void vrrp_garp_rate_free(struct vrrp_garp_rate *r);	/* NULL is fine */

#endif
