/*
 * The operator's demote and promote of VRRP instances (tandemctl demote
 * INSTANCE, promote INSTANCE), for planned maintenance.
 *
 * Demote: a master hands over at once with a priority-0 advert (the peer
 * takes over after its Skew_Time) and the instance then stays out of
 * mastership, whatever its priority, preempt or sync group say, until
 * promote gives it back its configured behaviour.  A sync group moves as
 * one: demoting or promoting a member does the same to every member.
 *
 * The hold is a set of instance names the runtime owns (vrrp_run_admin):
 * an instance a reload restarts, or starts anew under a held name, comes
 * up demoted; a reload that removes the instance drops its name.
 */
#ifndef TANDEM_VRRP_ADMIN_H
#define TANDEM_VRRP_ADMIN_H

#include <stdbool.h>

struct json_object;
struct vrrp_admin;
struct vrrp_run;

struct vrrp_admin *vrrp_admin_new(void);
void vrrp_admin_free(struct vrrp_admin *a);		/* NULL is fine */
/* Is NAME held demoted?  (A NULL set holds nothing.) */
bool vrrp_admin_held(const struct vrrp_admin *a, const char *name);

/* Run CMD with REQ's arguments ({"name": "VI_1"}) on RUN: "demote",
 * "promote", or "holds" (the requests that set the holds again:
 * {"holds": [{"cmd": "demote", "name": "VI_1"}, ...]}, for the parent
 * to replay to a restarted child).  Returns a new reply object:
 * {"cmd": CMD, "instances": [{"name", "state", "admin"}...]}, or
 * {"error": "why"} (no such instance, no name) with nothing changed;
 * NULL when CMD is not one of these, or out of memory. */
struct json_object *vrrp_admin_command(struct vrrp_run *run, const char *cmd,
				       struct json_object *req);

/* After a reload: forget the names no instance has now, and make each
 * sync group whole again (a group with a demoted member is demoted). */
void vrrp_admin_reloaded(struct vrrp_run *run);

#endif
