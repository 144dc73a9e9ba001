/*
 * The parent's VRRP state relay (see relay.h).  Forwarding appends to one
 * pending buffer and then tries to send it all, so the order the vrrp
 * child reported in is the order the check child sees, whatever the
 * queues did meanwhile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "tandem/relay.h"

static void push(struct relay *r, int to)
{
	int e;

	if (to < 0 || !r->pendlen)
		return;
	e = vrrp_states_send(to, &r->pending, &r->pendlen);
	if (e < 0 && e != -EAGAIN)
		log_warn("cannot relay VRRP states to the check child: %s",
			 strerror(-e));
}

void relay_from_vrrp(struct relay *r, const char *payload, size_t len, int to)
{
	size_t bad = 0;
	char *b;

	vrrp_states_apply(&r->states, payload, len, &bad);
	if (bad) {
		r->bad += bad;
		log_warn("%zu malformed VRRP state line%s from the vrrp child",
			 bad, bad == 1 ? "" : "s");
	}
	if (to < 0)
		return;		/* a check child started later gets a snapshot */
	b = realloc(r->pending, r->pendlen + len);
	if (!b) {
		log_warn("out of memory: VRRP states not relayed");
		return;
	}
	memcpy(b + r->pendlen, payload, len);
	r->pending = b;
	r->pendlen += len;
	push(r, to);
}

void relay_new_peer(struct relay *r, int to)
{
	free(r->pending);
	r->pending = NULL;
	r->pendlen = 0;
	if (vrrp_states_snapshot(&r->states, &r->pending, &r->pendlen) < 0)
		log_warn("out of memory: VRRP states not relayed");
	push(r, to);
}

void relay_retry(struct relay *r, int to)
{
	push(r, to);
}

const char *relay_state(const struct relay *r, const char *name)
{
	return vrrp_states_get(&r->states, name);
}

void relay_free(struct relay *r)
{
	vrrp_states_free(&r->states);
	free(r->pending);
	memset(r, 0, sizeof(*r));
}
