/*
 * The parent's side of a control request: ask a child and get its answer
 * back on the parent's loop.  The control socket (ctl_server), the
 * metrics endpoint and anything else in the parent that needs a child's
 * live state use this one path, so there is one request id space, one
 * timeout and one place that copes with a child that dies mid-request.
 */
#ifndef TANDEM_CTL_RELAY_H
#define TANDEM_CTL_RELAY_H

#include "tandem/child.h"

struct json_object;

/* Called once per ask, on the parent's loop.  reply is borrowed for the
 * call (json_object_get() it to keep it); NULL when the child is not
 * running, died before answering or did not answer within the relay's
 * timeout (a few seconds). */
typedef void (*ctl_reply_cb)(struct json_object *reply, void *ud);

/* Send req (borrowed, serialised at once) to the running child of type
 * t.  Returns 0 when asked (cb will be called exactly once), or -errno
 * (-ESRCH: no such child running) and cb is not called. */
int ctl_ask_child(enum child_type t, struct json_object *req, ctl_reply_cb cb,
		  void *ud);

#endif
