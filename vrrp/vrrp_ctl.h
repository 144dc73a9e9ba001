/*
 * The vrrp process's answers to control-socket requests (relayed by the
 * parent; see doc/tandem-control.7): the state of its instances, in the
 * JSON of the dumps (keepalived's field names).
 */
#ifndef VRRP_CTL_H
#define VRRP_CTL_H

struct json_object;
struct vrrp_run;

/* req: {"cmd": "status"} or {"cmd": "show", "what": "vrrp", "name": ...}.
 * Returns a new object: the result, or {"error": "why"}. */
struct json_object *vrrp_ctl_command(struct vrrp_run *run,
				     struct json_object *req);

#endif
