/*
 * The operator's holds (drain, disable, demote) kept by the parent, so a
 * child that crashed and was restarted gets them back.
 *
 * The children own their holds; the parent only keeps a copy, the list
 * each child gives when asked {"cmd": "holds"} (requests that set the
 * holds again).  It asks whenever a child says a hold changed (an
 * {"event": "admin"} event) and after each reload the child applied (a
 * reload can drop holds with what it removes), so the copy is what the
 * child held last.  A restarted child is forked with that copy in its
 * memory and the check child applies it before it first programs the
 * table (ctl_hold_inherited); when it sends its first heartbeat the
 * parent also sends it those requests again with ctl_ask_child(), which
 * covers a copy that changed meanwhile and the vrrp child.  Holds live as
 * long as the parent: a stop and start of tandem forgets them.
 */
#ifndef TANDEM_CTL_HOLD_H
#define TANDEM_CTL_HOLD_H

#include "tandem/child.h"

/* After ctl_relay_setup(): subscribe to the children's events. */
void ctl_hold_setup(void);
/* Child T applied a reload: ask it for its holds again. */
void ctl_hold_reloaded(enum child_type t);
/* Child T sent its first heartbeat; RESTARTS: how often this kind was
 * restarted (0: its first start, nothing to replay). */
void ctl_hold_child_up(enum child_type t, unsigned restarts);
/* In a child, during its init: the holds as the parent knew them when
 * it forked this child (a child is the parent's fork, so it has the
 * parent's copy).  A restarted check child applies them before it
 * programs the table, so a drained server never comes back for the
 * moment until the replay.  NULL when there are none. */
struct json_object *ctl_hold_inherited(enum child_type t);
/* Before ctl_relay_shutdown(): forget everything. */
void ctl_hold_shutdown(void);

/* In a child, after its command handler answered REQ with REPLY: a hold
 * that changed is told as {"event": "admin", "child": CHILD, "cmd", and
 * the request's "rs", "vs", "name"} (which `tandemctl monitor` shows
 * too). */
void ctl_hold_changed(const char *child, struct json_object *req,
		      struct json_object *reply);

#endif
