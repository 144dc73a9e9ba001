/*
 * Static addresses tracked by track groups (track_group, keepalived's
 * "static track groups"): see vrrp_static_track.c.
 */
#ifndef TANDEM_VRRP_STATIC_TRACK_H
#define TANDEM_VRRP_STATIC_TRACK_H

#include <systemd/sd-event.h>

struct vrrp_conf;
struct vrrp_run;
struct vrrp_strack;

/* Watch the addresses of the namespace on loop E for RUN's instances.
 * 0 or a negative errno. */
int vrrp_strack_new(sd_event *e, struct vrrp_run *run,
		    struct vrrp_strack **out);
/* The static addresses of VC (kept: it must outlive the next call) and
 * a check at once.  VC NULL: nothing is tracked. */
void vrrp_strack_set(struct vrrp_strack *st, const struct vrrp_conf *vc);
/* Look again (an interface appeared: an address may be restorable). */
void vrrp_strack_check(struct vrrp_strack *st);
void vrrp_strack_free(struct vrrp_strack *st);	/* NULL is fine */

#endif
