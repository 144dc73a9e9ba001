/*
 * When an instance announces its addresses (gratuitous ARP / unsolicited
 * NA), following keepalived:
 *
 *   - on becoming master: garp_master_repeat announcements at once, the
 *     same again after garp_master_delay, then garp_master_refresh_repeat
 *     every garp_master_refresh when that is set;
 *   - as master, on hearing a lower priority (someone else believes it is
 *     master, and the neighbours may have followed it):
 *     garp_lower_prio_repeat at once and again after garp_lower_prio_delay;
 *   - as master, with garp_extra_if all SECS: every SECS, the addresses
 *     that live on another interface than the instance's, whose MAC no
 *     advert keeps fresh in the switches;
 *   - as master, once when asked (DBus SendGarp), outside every schedule.
 *
 * Each schedule has its own one-shot timer on the instances' timer queue,
 * so the three never cancel each other.  The timers and the phase live in
 * an allocation of their own that exists only while one of them is
 * armed: a master's second burst is over a second after it took over,
 * and most instances have no refresh and never hear a lower priority,
 * so 1,000 instances do not carry 1,000 sets of idle timers.  A refresh
 * keeps it for as long as the instance stays master.  Every instance
 * setting falls back on global_defs' vrrp_garp_* (struct
 * vrrp_inst_globals).  All timers stop when the instance leaves master.
 *
 * Every message goes through the pace of its interface (garp_group,
 * vrrp_garp_rate.c), which may hold it back; it takes back what an
 * instance had queued when the instance leaves master.
 */
#include <stdlib.h>

#include "lib/log.h"
#include "lib/nl_link.h"
#include "vrrp/vrrp_garp.h"
#include "vrrp/vrrp_garp_rate.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_vmac.h"

/* The instance's garp_* setting, else global_defs' vrrp_garp_*. */
#define PICK_US(f)	(vi->ci->f##_set ? vi->ci->f##_us : vi->g->f##_us)
#define PICK_N(f)	(vi->ci->f##_set ? vi->ci->f : vi->g->f)

enum { PH_OFF, PH_SECOND, PH_REFRESH };

struct vrrp_garp_timers {
	struct vrrp_timer master;	/* the second burst, then refresh */
	struct vrrp_timer lower;	/* garp_lower_prio_delay */
	struct vrrp_timer extra;	/* garp_extra_if */
	int phase;			/* the master timer's PH_* */
};

static uint64_t now_us(const struct vrrp_inst *vi)
{
	uint64_t t = 0;

	sd_event_now(vi->env->e, CLOCK_MONOTONIC, &t);
	return t;
}

/* One announcement of each address in V; OTHER_ONLY: only those on
 * another interface than the instance's. */
static void garp_once(struct vrrp_inst *vi, const struct vrrp_vip *v, size_t n,
		      bool other_only)
{
	for (size_t i = 0; i < n; i++) {
		struct nl_link_info li;
		const uint8_t *mac = vi->mac;
		int ifx = vrrp_inst_vip_ifindex(vi, &v[i]), base;

		if (ifx <= 0 || (other_only && ifx == vi->ifindex))
			continue;
		if (ifx != vi->ifindex) {
			if (nl_link_get(vi->env->nl, ifx, NULL, &li) < 0 ||
			    li.hwaddr_len != 6)
				continue;
			mac = li.hwaddr;
		}
		/* a VMAC is paced as the interface under it */
		base = vi->vmac && ifx == vi->vmac->ifindex ? vi->ifindex : ifx;
		for (size_t k = 0; vi->vmac && k < vi->vmac->nextra; k++)
			if (vi->vmac->extra[k].ifindex == ifx)
				base = vi->vmac->extra[k].base;
		if (vi->env->garp_rate && v[i].addr.family == AF_INET)
			vrrp_garp_rate_arp(vi->env->garp_rate, vi, ifx, base,
					   mac, &v[i].addr.u.v4);
		else if (vi->env->garp_rate)
			vrrp_garp_rate_na(vi->env->garp_rate, vi, ifx, base,
					  mac, &v[i].addr.u.v6);
		else if (v[i].addr.family == AF_INET)
			vrrp_garp_send_arp(vi->env->garp, ifx, mac, &v[i].addr.u.v4);
		else
			vrrp_garp_send_na(vi->env->garp, ifx, mac,
					  &v[i].addr.u.v6, NULL, false);
	}
}

static void garp_burst(struct vrrp_inst *vi, unsigned times, bool other_only)
{
	if (!vi->env->garp || !vi->ifindex)
		return;
	for (unsigned k = 0; k < times; k++) {
		garp_once(vi, vi->ci->vips, vi->ci->nvips, other_only);
		garp_once(vi, vi->ci->evips, vi->ci->nevips, other_only);
	}
}

/* The timers are freed once none is armed.  Called after every change
 * to them, from their own callbacks too (the queue does not touch a
 * timer after its callback). */
static void timers_put(struct vrrp_inst *vi)
{
	struct vrrp_garp_timers *gt = vi->garp_timers;

	if (gt && !gt->master.at && !gt->lower.at && !gt->extra.at) {
		free(gt);
		vi->garp_timers = NULL;
	}
}

/* The timer at OFF in the instance's timers (made for an AFTER that is
 * not 0), or NULL. */
static struct vrrp_timer *timer_get(struct vrrp_inst *vi, size_t off,
				    uint64_t after)
{
	if (!vi->garp_timers && after &&
	    !(vi->garp_timers = calloc(1, sizeof(*vi->garp_timers))))
		log_warn("VRRP_Instance(%s) out of memory: the next gratuitous "
			 "ARP / NA is not sent", vi->ci->name);
	return vi->garp_timers ? (struct vrrp_timer *)
				 ((char *)vi->garp_timers + off) : NULL;
}

/* Arm the timer at OFF AFTER usec from now (0: stop it), on the
 * instances' timer queue: no sd-event source of its own per instance. */
static void arm(struct vrrp_inst *vi, size_t off, vrrp_timer_fn fn,
		uint64_t after)
{
	struct vrrp_timer *t;

	if (!vi->env->tq || !(t = timer_get(vi, off, after)))
		return;
	t->fn = fn;
	t->data = vi;
	vrrp_timer_set(vi->env->tq, t, after ? now_us(vi) + after : 0);
	timers_put(vi);
}

#define T_MASTER	offsetof(struct vrrp_garp_timers, master)
#define T_LOWER		offsetof(struct vrrp_garp_timers, lower)
#define T_EXTRA		offsetof(struct vrrp_garp_timers, extra)

static void on_master_timer(struct vrrp_timer *t, uint64_t usec, void *data);

static void master_arm(struct vrrp_inst *vi, uint64_t after, int phase)
{
	arm(vi, T_MASTER, on_master_timer, after);
	if (vi->garp_timers)
		vi->garp_timers->phase = phase;
}

static void on_master_timer(struct vrrp_timer *t, uint64_t usec, void *data)
{
	struct vrrp_inst *vi = data;
	int phase = vi->garp_timers->phase;

	(void)t; (void)usec;
	if (vi->fsm.state != VRRP_STATE_MASTER) {
		timers_put(vi);
		return;
	}
	if (phase == PH_SECOND)
		garp_burst(vi, PICK_N(garp_master_repeat), false);
	else
		garp_burst(vi, PICK_N(garp_master_refresh_repeat), false);
	master_arm(vi, PICK_US(garp_master_refresh), PH_REFRESH);
}

static void on_lower_timer(struct vrrp_timer *t, uint64_t usec, void *data)
{
	struct vrrp_inst *vi = data;

	(void)t; (void)usec;
	if (vi->fsm.state == VRRP_STATE_MASTER)
		garp_burst(vi, PICK_N(garp_lower_prio_repeat), false);
	timers_put(vi);
}

static uint64_t extra_if_us(const struct vrrp_inst *vi)
{
	bool all = vi->ci->garp_extra_if_set ? vi->ci->garp_extra_if_all
					     : vi->g->garp_extra_if_all;

	/* Without 'all', VMAC instances only (their VIPs are on another
	 * interface than the instance's, so they are the ones announced). */
	if (!all && !vi->vmac)
		return 0;
	/* the instance's is in seconds (it keeps 1,000 of them) */
	return vi->ci->garp_extra_if_set ?
		(uint64_t)vi->ci->garp_extra_if_s * 1000000 :
		vi->g->garp_extra_if_us;
}

static void on_extra_timer(struct vrrp_timer *t, uint64_t usec, void *data)
{
	struct vrrp_inst *vi = data;

	(void)t; (void)usec;
	if (vi->fsm.state != VRRP_STATE_MASTER) {
		timers_put(vi);
		return;
	}
	garp_burst(vi, 1, true);
	arm(vi, T_EXTRA, on_extra_timer, extra_if_us(vi));
}

void vrrp_garp_sched_master(struct vrrp_inst *vi)
{
	uint64_t delay = PICK_US(garp_master_delay);

	garp_burst(vi, PICK_N(garp_master_repeat), false);
	if (delay)
		master_arm(vi, delay, PH_SECOND);
	else
		master_arm(vi, PICK_US(garp_master_refresh), PH_REFRESH);
	arm(vi, T_EXTRA, on_extra_timer, extra_if_us(vi));
}

void vrrp_garp_sched_resume(struct vrrp_inst *vi)
{
	master_arm(vi, PICK_US(garp_master_refresh), PH_REFRESH);
	arm(vi, T_EXTRA, on_extra_timer, extra_if_us(vi));
}

void vrrp_garp_sched_lower_prio(struct vrrp_inst *vi)
{
	unsigned n = PICK_N(garp_lower_prio_repeat);

	/* repeat 0: keepalived's way of turning the feature off */
	if (!n)
		return;
	garp_burst(vi, n, false);
	arm(vi, T_LOWER, on_lower_timer,
	    PICK_US(garp_lower_prio_delay));
}

void vrrp_garp_sched_stop(struct vrrp_inst *vi)
{
	/* what the pace still holds is not ours to announce any more */
	vrrp_garp_rate_forget(vi->env->garp_rate, vi);
	master_arm(vi, 0, PH_OFF);
	arm(vi, T_LOWER, on_lower_timer, 0);
	arm(vi, T_EXTRA, on_extra_timer, 0);
}

bool vrrp_garp_sched_now(struct vrrp_inst *vi)
{
	if (vi->fsm.state != VRRP_STATE_MASTER || !vi->env->garp || !vi->ifindex)
		return false;
	garp_burst(vi, 1, false);
	return true;
}

void vrrp_garp_sched_free(struct vrrp_inst *vi)
{
	vrrp_garp_rate_forget(vi->env->garp_rate, vi);
	arm(vi, T_MASTER, NULL, 0);
	arm(vi, T_LOWER, NULL, 0);
	arm(vi, T_EXTRA, NULL, 0);
}
