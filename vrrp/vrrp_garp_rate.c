/*
 * Pacing of gratuitous ARPs and unsolicited NAs (garp_group).
 *
 * A bucket is a set of interfaces that share one pace: a garp_group
 * block (one interface, or with `interfaces` several that reach the same
 * switch, "across which the delays are aggregated"), or one interface
 * outside every block when global_defs gives vrrp_garp_interval /
 * vrrp_gna_interval (made on first use).  Each bucket has two lanes, ARP
 * and NA, each with its own interval, as keepalived keeps the two apart.
 * A message for an idle lane whose interval has passed goes out at once;
 * otherwise it waits in the lane's FIFO and a one-shot sd-event timer
 * sends the next one when the interval is over, so a master with many
 * VIPs spreads its announcements instead of bursting them.  A lane with
 * interval 0 is never queued.
 *
 * Queued messages carry their sender (the instance), so an instance that
 * leaves master takes back what it had not sent yet: a backup must not
 * go on announcing addresses it gave up.  A lane holds at most LANE_MAX
 * messages; more are dropped and counted (never unbounded memory).
 * Interfaces are matched by name, looked up at each send: an interface
 * may come and go, its index change.
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_garp.h"
#include "vrrp/vrrp_garp_rate.h"

#define LANE_MAX	4096

struct msg {
	const void *owner;
	int ifindex;
	uint8_t mac[6];
	union { struct in_addr v4; struct in6_addr v6; } ip;
};

struct vrrp_garp_rate;

struct lane {
	struct vrrp_garp_rate *r;
	bool na;
	uint64_t gap;			/* usec; 0: unpaced */
	uint64_t next;			/* earliest time of the next send */
	struct msg *q;
	size_t n, cap;
	sd_event_source *timer;
};

struct bucket {
	char **ifs;
	size_t nifs;
	struct lane lane[2];		/* ARP, NA */
};

struct vrrp_garp_rate {
	sd_event *e;
	struct vrrp_garp *g;
	struct bucket **b;		/* the garp_groups, then interfaces */
	size_t nb;
	uint64_t garp_us, gna_us;	/* global_defs' */
	uint64_t dropped;
};

static uint64_t now_us(const struct vrrp_garp_rate *r)
{
	uint64_t t = 0;

	sd_event_now(r->e, CLOCK_MONOTONIC, &t);
	return t;
}

static void send_msg(struct vrrp_garp_rate *r, bool na, const struct msg *m)
{
	if (na)
		vrrp_garp_send_na(r->g, m->ifindex, m->mac, &m->ip.v6, NULL,
				  false);
	else
		vrrp_garp_send_arp(r->g, m->ifindex, m->mac, &m->ip.v4);
}

static int on_lane(sd_event_source *s, uint64_t usec, void *data);

static void lane_arm(struct lane *l)
{
	struct vrrp_garp_rate *r = l->r;

	if (!l->timer && sd_event_add_time(r->e, &l->timer, CLOCK_MONOTONIC,
					   0, 1, on_lane, l) < 0) {
		l->timer = NULL;
		return;
	}
	sd_event_source_set_time(l->timer, l->next);
	sd_event_source_set_enabled(l->timer, SD_EVENT_ONESHOT);
}

static int on_lane(sd_event_source *s, uint64_t usec, void *data)
{
	struct lane *l = data;

	(void)s;
	(void)usec;
	if (!l->n)
		return 0;
	send_msg(l->r, l->na, &l->q[0]);
	memmove(l->q, l->q + 1, --l->n * sizeof(*l->q));
	l->next = now_us(l->r) + l->gap;
	if (l->n)
		lane_arm(l);
	return 0;
}

static void lane_push(struct lane *l, const struct msg *m)
{
	uint64_t now = now_us(l->r);

	if (!l->n && now >= l->next) {
		send_msg(l->r, l->na, m);
		l->next = now + l->gap;
		return;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct msg *q;

		if (l->n >= LANE_MAX ||
		    !(q = realloc(l->q, cap * sizeof(*q)))) {
			if (!l->r->dropped++)
				log_warn("VRRP: gratuitous ARP / NA queue full: "
					 "messages dropped");
			return;
		}
		l->q = q;
		l->cap = cap;
	}
	l->q[l->n++] = *m;
	if (l->n == 1)
		lane_arm(l);
}

static void lane_clear(struct lane *l)
{
	l->timer = sd_event_source_disable_unref(l->timer);
	free(l->q);
	l->q = NULL;
	l->n = l->cap = 0;
}

static void bucket_free(struct bucket *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nifs; i++)
		free(b->ifs[i]);
	free(b->ifs);
	lane_clear(&b->lane[0]);
	lane_clear(&b->lane[1]);
	free(b);
}

/* A new bucket for NIFS names at the end of the list; NULL on ENOMEM. */
static struct bucket *bucket_add(struct vrrp_garp_rate *r,
				 char *const *ifs, size_t nifs,
				 uint64_t garp_us, uint64_t gna_us)
{
	struct bucket *b = calloc(1, sizeof(*b)), **grown;

	if (!b || !(b->ifs = calloc(nifs, sizeof(*b->ifs))))
		goto fail;
	for (; b->nifs < nifs; b->nifs++)
		if (!(b->ifs[b->nifs] = strdup(ifs[b->nifs])))
			goto fail;
	for (int k = 0; k < 2; k++) {
		b->lane[k].r = r;
		b->lane[k].na = k == 1;
		b->lane[k].gap = k ? gna_us : garp_us;
	}
	if (!(grown = realloc(r->b, (r->nb + 1) * sizeof(*grown))))
		goto fail;
	r->b = grown;
	r->b[r->nb++] = b;
	return b;
fail:
	bucket_free(b);
	return NULL;
}

static void buckets_free(struct vrrp_garp_rate *r)
{
	for (size_t i = 0; i < r->nb; i++)
		bucket_free(r->b[i]);
	free(r->b);
	r->b = NULL;
	r->nb = 0;
}

int vrrp_garp_rate_new(sd_event *e, struct vrrp_garp *g,
		       struct vrrp_garp_rate **out)
{
	struct vrrp_garp_rate *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->e = sd_event_ref(e);
	r->g = g;
	*out = r;
	return 0;
}

int vrrp_garp_rate_set(struct vrrp_garp_rate *r, const struct vrrp_conf *vc,
		       uint64_t garp_us, uint64_t gna_us)
{
	buckets_free(r);
	r->garp_us = garp_us;
	r->gna_us = gna_us;
	for (size_t i = 0; vc && i < vc->ngarp_groups; i++) {
		const struct vrrp_conf_garp_group *gg = vc->garp_groups[i];

		if (!bucket_add(r, gg->ifs, gg->nifs,
				gg->garp_set ? gg->garp_us : garp_us,
				gg->gna_set ? gg->gna_us : gna_us)) {
			buckets_free(r);
			return -ENOMEM;
		}
	}
	return 0;
}

static struct bucket *find(struct vrrp_garp_rate *r, const char *name)
{
	for (size_t i = 0; i < r->nb; i++)
		for (size_t k = 0; k < r->b[i]->nifs; k++)
			if (!strcmp(r->b[i]->ifs[k], name))
				return r->b[i];
	return NULL;
}

/* The lane of IFINDEX (or of BASE's name), NULL: send at once. */
static struct lane *lane_of(struct vrrp_garp_rate *r, int ifindex, int base,
			    bool na)
{
	char name[IF_NAMESIZE], bname[IF_NAMESIZE];
	struct bucket *b = NULL;
	char *one;

	if (ifindex > 0 && if_indextoname((unsigned)ifindex, name))
		b = find(r, name);
	else
		name[0] = 0;
	if (!b && base > 0 && base != ifindex &&
	    if_indextoname((unsigned)base, bname))
		b = find(r, bname);
	if (!b) {
		if (!(na ? r->gna_us : r->garp_us) || !name[0])
			return NULL;
		/* global_defs' pace, per interface */
		one = name;
		b = bucket_add(r, &one, 1, r->garp_us, r->gna_us);
		if (!b)
			return NULL;
	}
	return b->lane[na].gap ? &b->lane[na] : NULL;
}

static void push(struct vrrp_garp_rate *r, bool na, const struct msg *m,
		 int base)
{
	struct lane *l = r ? lane_of(r, m->ifindex, base, na) : NULL;

	if (l)
		lane_push(l, m);
	else if (r)
		send_msg(r, na, m);
}

void vrrp_garp_rate_arp(struct vrrp_garp_rate *r, const void *owner,
			int ifindex, int base_ifindex, const uint8_t mac[6],
			const struct in_addr *ip)
{
	struct msg m = { .owner = owner, .ifindex = ifindex };

	memcpy(m.mac, mac, 6);
	m.ip.v4 = *ip;
	push(r, false, &m, base_ifindex);
}

void vrrp_garp_rate_na(struct vrrp_garp_rate *r, const void *owner,
		       int ifindex, int base_ifindex, const uint8_t mac[6],
		       const struct in6_addr *ip)
{
	struct msg m = { .owner = owner, .ifindex = ifindex };

	memcpy(m.mac, mac, 6);
	m.ip.v6 = *ip;
	push(r, true, &m, base_ifindex);
}

void vrrp_garp_rate_forget(struct vrrp_garp_rate *r, const void *owner)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nb; i++)
		for (int k = 0; k < 2; k++) {
			struct lane *l = &r->b[i]->lane[k];
			size_t kept = 0;

			for (size_t j = 0; j < l->n; j++)
				if (l->q[j].owner != owner)
					l->q[kept++] = l->q[j];
			l->n = kept;
			if (!l->n && l->timer)
				sd_event_source_set_enabled(l->timer,
							    SD_EVENT_OFF);
		}
}

uint64_t vrrp_garp_rate_dropped(const struct vrrp_garp_rate *r)
{
	return r ? r->dropped : 0;
}

void vrrp_garp_rate_free(struct vrrp_garp_rate *r)
{
	if (!r)
		return;
	buckets_free(r);
	sd_event_unref(r->e);
	free(r);
}
