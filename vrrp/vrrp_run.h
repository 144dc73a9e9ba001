/*
 * The VRRP runtime: every running instance of the process and what they
 * share.  One raw socket per (interface, family, protocol) serves every
 * instance on it; a received packet is decoded once, counted, and handed
 * to the instance of its VRID (or counted as a VRID error).  One netlink
 * socket for addresses, one ARP/NA sender and one link watcher serve
 * everyone; a link going down or up reaches the instances on it as the
 * state machine's interface events.
 *
 * Instances are added and removed one by one so that a reload can keep
 * the ones whose config did not change and restart only the others.
 */
#ifndef TANDEM_VRRP_RUN_H
#define TANDEM_VRRP_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <systemd/sd-event.h>

#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_inst.h"

struct json_object;
struct vrrp_run;

int vrrp_run_new(sd_event *e, struct vrrp_run **out);
/* Who runs the vrrp_scripts (script_user [group],
 * set_supplementary_groups) and whether enable_script_security holds;
 * read at each run.  0 or -ENOMEM. */
int vrrp_run_script_opts(struct vrrp_run *run, const char *user,
			 const char *group, bool supplementary_groups,
			 bool secure);
/* Track the static addresses of VC that name a track_group (VC must
 * live until the next call or vrrp_run_free(); NULL: none) and put the
 * instances of their groups in FAULT while one is gone for good.  0 or a
 * negative errno (logged). */
int vrrp_run_static_track(struct vrrp_run *run, const struct vrrp_conf *vc);
/* The pace of gratuitous ARPs / NAs: VC's garp_group blocks and
 * global_defs' vrrp_garp_interval / vrrp_gna_interval (usec).  0 or
 * -ENOMEM. */
int vrrp_run_garp_pace(struct vrrp_run *run, const struct vrrp_conf *vc,
		       uint64_t garp_us, uint64_t gna_us);
/* Every instance added from now on reports its state changes to CB. */
void vrrp_run_on_state(struct vrrp_run *run, vrrp_state_cb cb, void *arg);
/* And its other events to CB (with the same ARG). */
void vrrp_run_on_event(struct vrrp_run *run, vrrp_event_cb cb);
/* Build and start one instance; RESUME as vrrp_inst_start() says.  0 or
 * a negative errno (logged). */
int vrrp_run_add(struct vrrp_run *run, const struct vrrp_conf_instance *ci,
		 const struct vrrp_inst_globals *g, bool resume);
/* After a reload: the no_accept firewall goes (its rules and sets
 * removed) when no running instance needs it any more. */
void vrrp_run_settle(struct vrrp_run *run);
struct vrrp_inst *vrrp_run_find(struct vrrp_run *run, const char *name);
/* The names held demoted (vrrp_admin.h). */
struct vrrp_admin *vrrp_run_admin(struct vrrp_run *run);
/* First instance, for iteration with ->next. */
struct vrrp_inst *vrrp_run_first(struct vrrp_run *run);
/* Stop one instance (priority 0 if master; VIPs removed if RELEASE) and
 * forget it. */
void vrrp_run_remove(struct vrrp_run *run, struct vrrp_inst *vi, bool release);
/* Stop every instance, then free everything; NULL is fine. */
void vrrp_run_free(struct vrrp_run *run, bool release);

/* The router-wide receive errors (packets no instance could be named
 * for), for the metrics. */
const struct vrrp_router_stats *vrrp_run_router_stats(const struct vrrp_run *run);

void vrrp_run_dump(struct vrrp_run *run, FILE *out);
struct json_object *vrrp_run_json(struct vrrp_run *run);
/* The receive rings (vrrp_rx_ring): per family, whether one is open and
 * how many raw sockets leave their multicast adverts to it. */
struct json_object *vrrp_run_ring_json(struct vrrp_run *run);

#endif
