/*
 * The parent's relay of VRRP instance states from the vrrp child to the
 * check child (see vrrp_states.h for the message).  The parent keeps the
 * latest state of every instance, so a check child that starts (or
 * restarts) after the instances settled is given the whole picture at
 * once, and forwards each update as it comes.  What the check child's
 * queue cannot take now waits here, in order, and goes on the next try
 * (the parent's tick): an update is delayed, never dropped.
 */
#ifndef TANDEM_RELAY_H
#define TANDEM_RELAY_H

#include <stddef.h>

#include "tandem/vrrp_states.h"

struct relay {
	struct vrrp_states states;
	char *pending;			/* lines for the check child */
	size_t pendlen;
	size_t bad;			/* malformed lines received */
};

/* A message from the vrrp child; forwarded to TO (the check child's
 * socket, -1 when there is none). */
void relay_from_vrrp(struct relay *r, const char *payload, size_t len, int to);
/* A check child was just started on TO: give it every state known. */
void relay_new_peer(struct relay *r, int to);
/* Retry what is still pending (from the parent's tick). */
void relay_retry(struct relay *r, int to);
/* The last state reported for instance NAME, or NULL. */
const char *relay_state(const struct relay *r, const char *name);
void relay_free(struct relay *r);

#endif
