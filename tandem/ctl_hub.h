/*
 * The parent's side of the control plumbing that parent.c drives:
 * ctl_relay.c implements ctl_ask_child() (ctl_relay.h) on top of these.
 * parent.c tells the relay which socket each child has, hands it the
 * replies and events that arrive, and shuts it down last; everything
 * that consumes events (the control socket's monitor clients, later DBus
 * signals or SNMP traps) subscribes here, so parent.c knows none of them.
 */
#ifndef TANDEM_CTL_HUB_H
#define TANDEM_CTL_HUB_H

#include <systemd/sd-event.h>

#include "tandem/child.h"
#include "tandem/ipc.h"

struct json_object;

void ctl_relay_setup(sd_event *e);
/* The socket of the running child of type t, or -1 when it is gone: every
 * ask still waiting on it then gets cb(NULL). */
void ctl_relay_set_sock(enum child_type t, int sock);
/* An IPC_CTL_REPLY from child t (the relay closes m->fd). */
void ctl_relay_reply(enum child_type t, struct ipc_msg *m);
/* An IPC_EVENT from child t: parsed and given to every subscriber. */
void ctl_relay_event(enum child_type t, const struct ipc_msg *m);
/* An event made in the parent (borrowed), to every subscriber. */
void ctl_relay_emit(struct json_object *ev);

/* ev is borrowed for the call. */
typedef void (*ctl_event_cb)(struct json_object *ev, void *ud);
int ctl_relay_subscribe(ctl_event_cb cb, void *ud);
void ctl_relay_unsubscribe(ctl_event_cb cb, void *ud);

/* Counters for status: asks sent, timed out, lost to a dead child. */
struct ctl_relay_stats {
	unsigned long long asked, answered, timeouts, lost, bad_replies,
		events, bad_events;
};
void ctl_relay_get_stats(struct ctl_relay_stats *st);

/* Every ask still waiting gets cb(NULL) now; then nothing more is sent. */
void ctl_relay_shutdown(void);

#endif
