/*
 * One running VRRP instance (see vrrp_inst.h).
 *
 * Everything the state machine decides comes back as a list of actions,
 * and exec() is the only place that touches the world: the socket, the
 * kernel's address table, the ARP/NA sender, the timer and the log.  So
 * the order of effects is the order the machine gave (a leaving master
 * sends its priority-0 advert before it drops the addresses), and the
 * rest of this file only feeds events in.
 *
 * When the addresses are announced is vrrp_garp_sched.c's business;
 * sending an advert and adding or removing the VIPs is vrrp_inst_out.c's.
 *
 * FAULT has reasons (VRRP_FAULT_*): the link down, the interface missing
 * (it may appear later: the instance then takes it up), no unicast peer
 * under unicast_fault_no_peer.  The machine sees one fault: it enters
 * FAULT when the first reason appears and leaves when the last one goes.
 *
 * A new master sends its advert at once but adds its VIPs and sends its
 * gratuitous ARP from a deferred event of lower priority than the timers
 * and the sockets: when a thousand instances take over together, every
 * due advert (the first ones and the next ones) leaves before the slow
 * part (a netlink round trip and a burst of ARP per instance) of any of
 * them, so no peer's Master_Down_Timer runs out behind our backlog.  A
 * process too busy to ever reach that priority does the work right after
 * the instance's next advert instead, so the wait is one interval at
 * most.  Removing VIPs is never deferred.
 */
#include <errno.h>
#include <json-c/json.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "lib/log.h"
#include "lib/nl_addr.h"
#include "lib/nl_link.h"
#include "vrrp/vrrp_auth.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_inst_int.h"
#include "vrrp/vrrp_fw.h"
#include "vrrp/vrrp_vmac.h"
#include "vrrp/vrrp_sync.h"
#include "vrrp/vrrp_track.h"

static uint64_t now_us(const struct vrrp_inst *vi)
{
	uint64_t t = 0;

	sd_event_now(vi->env->e, CLOCK_MONOTONIC, &t);
	return t;
}

static uint64_t realtime_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

const char *vrrp_ip_str(const struct vrrp_ip *ip, char *buf, size_t len)
{
	if (ip->family != AF_INET && ip->family != AF_INET6)
		return "none";
	return inet_ntop(ip->family, &ip->u, buf, (socklen_t)len);
}

/* ------------------------------------------------------------------ */
/* Carrying out the state machine's actions                             */

/* The deferred post is made when an action needs it and dropped once it
 * ran: transitions are rare, and 1,000 instances would otherwise hold
 * 1,000 idle event sources of some 320 bytes each.  (sd-event frees a
 * source unreferenced in its own callback after the callback.) */
static int on_post(sd_event_source *s, void *data)
{
	struct vrrp_inst *vi = data;
	bool add = vi->post_vips, garp = vi->post_garp;

	(void)s;
	vi->post = sd_event_source_disable_unref(vi->post);
	vi->post_vips = vi->post_garp = false;
	if (vi->fsm.state != VRRP_STATE_MASTER)
		return 0;
	if (add)
		vrrp_inst_vips_all(vi, true, false);
	if (garp)
		vrrp_garp_sched_master(vi);
	return 0;
}

static void post(struct vrrp_inst *vi, bool *flag)
{
	*flag = true;
	if (!vi->post &&
	    sd_event_add_defer(vi->env->e, &vi->post, on_post, vi) >= 0 &&
	    sd_event_source_set_priority(vi->post,
					 SD_EVENT_PRIORITY_NORMAL + 1) < 0)
		vi->post = sd_event_source_disable_unref(vi->post);
	/* without a source, now rather than never */
	if (!vi->post || sd_event_source_set_enabled(vi->post, SD_EVENT_ONESHOT) < 0)
		on_post(NULL, vi);
}

static void exec(struct vrrp_inst *vi, const struct vrrp_actions *acts)
{
	for (size_t i = 0; i < acts->n; i++) {
		const struct vrrp_action *a = &acts->v[i];

		switch (a->kind) {
		case VRRP_ACT_SEND_ADVERT:
			vrrp_inst_send_advert(vi, a->priority);
			break;
		case VRRP_ACT_ADD_VIPS:
			post(vi, &vi->post_vips);
			break;
		case VRRP_ACT_DEL_VIPS:
			vi->post_vips = vi->post_garp = false;
			if (vi->release)
				vrrp_inst_vips_all(vi, false, false);
			break;
		case VRRP_ACT_SEND_GARP:
			post(vi, &vi->post_garp);
			break;
		case VRRP_ACT_RX_LOWER:
			vrrp_garp_sched_lower_prio(vi);
			if (vi->env->on_event)
				vi->env->on_event(vi, VRRP_EV_RX_LOWER,
						 vi->env->state_arg);
			break;
		case VRRP_ACT_TIMER:
			if (vrrp_timer_set(vi->env->tq, &vi->timer, a->at) < 0)
				log_err("VRRP_Instance(%s) cannot set its timer: "
					"out of memory", vi->ci->name);
			break;
		case VRRP_ACT_STATE:
			vi->last_transition = realtime_us();
			if (a->to == VRRP_STATE_INIT)
				vi->up_since = 0;
			else if (!vi->up_since)
				vi->up_since = vi->last_transition;
			if (a->from == VRRP_STATE_MASTER)
				vi->release_master++;
			if (a->to != VRRP_STATE_MASTER)
				vrrp_garp_sched_stop(vi);
			log_info("VRRP_Instance(%s) Entering %s STATE",
				 vi->ci->name, vrrp_state_str(a->to));
			if (vi->env->on_state)
				vi->env->on_state(vi, a->from, a->to,
						 vi->env->state_arg);
			vrrp_sync_state(vi, a->from, a->to);
			break;
		}
	}
}

static void on_timer(struct vrrp_timer *t, uint64_t usec, void *data)
{
	struct vrrp_inst *vi = data;
	struct vrrp_actions acts;

	(void)t;
	/* An advert already queued for us must be heard before we decide
	 * that the master is gone. */
	if (vi->fsm.state == VRRP_STATE_BACKUP && usec >= vi->fsm.timer_at &&
	    vi->env->drain && vi->sock_ref)
		vi->env->drain(vi->sock_ref);
	vrrp_fsm_timer(&vi->fsm, usec, &acts);
	exec(vi, &acts);
	/* The next advert of a new master is out: a post still waiting has
	 * waited long enough (see the top of the file). */
	if (vi->fsm.state == VRRP_STATE_MASTER && (vi->post_vips || vi->post_garp) &&
	    !(acts.n && acts.v[acts.n - 1].kind == VRRP_ACT_STATE))
		on_post(NULL, vi);
}

/* ------------------------------------------------------------------ */
/* Set-up                                                               */

struct primary_find {
	struct vrrp_inst *vi;
	bool found, linklocal;
};

static bool is_vip(const struct vrrp_inst *vi, const uint8_t *addr, sa_family_t f)
{
	for (size_t i = 0; i < vi->ci->nvips; i++)
		if (vi->ci->vips[i].addr.family == f &&
		    !memcmp(&vi->ci->vips[i].addr.u, addr, vrrp_ip_len(f)))
			return true;
	return false;
}

static void primary_cb(const struct nl_addr_spec *a, void *data)
{
	struct primary_find *pf = data;
	bool ll;

	if (a->family != pf->vi->family || pf->linklocal ||
	    is_vip(pf->vi, a->addr, a->family))
		return;
	ll = a->family == AF_INET6 && a->addr[0] == 0xfe &&
	     (a->addr[1] & 0xc0) == 0x80;
	if (pf->found && !ll)
		return;
	pf->found = true;
	pf->linklocal = ll;
	pf->vi->fsm.cfg.primary.family = a->family;
	memcpy(&pf->vi->fsm.cfg.primary.u, a->addr, vrrp_ip_len(a->family));
}

static void find_primary(struct vrrp_inst *vi)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	const struct vrrp_ip *src = ci->npeers && ci->unicast_src_ip.family
		? &ci->unicast_src_ip : &ci->mcast_src_ip;
	struct primary_find pf = { .vi = vi };

	if (src->family == vi->family) {
		vi->fsm.cfg.primary = *src;
		return;
	}
	memset(&vi->fsm.cfg.primary, 0, sizeof(vi->fsm.cfg.primary));
	vi->fsm.cfg.primary.family = vi->family;
	if (vi->ifindex > 0)
		nl_addr_list(vi->env->nl, vi->ifindex, vi->family, primary_cb, &pf);
}

static void link_info(struct vrrp_inst *vi)
{
	struct nl_link_info li;

	vi->link_up = false;
	if (nl_link_get(vi->env->nl, 0, vi->ci->interface, &li) < 0)
		return;
	vi->ifindex = li.ifindex;
	vi->link_up = li.up;
	if (li.hwaddr_len == 6)
		memcpy(vi->mac, li.hwaddr, 6);
}

static void promote(struct vrrp_inst *vi)
{
	if (vi->ci->promote_secondaries && !vi->promoted && vi->ifindex > 0)
		vi->promoted = vrrp_promote_hold(vi->env->promote, vi->ifindex,
						 vi->ci->interface) == 0;
}

static void unpromote(struct vrrp_inst *vi, bool gone)
{
	if (vi->promoted)
		vrrp_promote_release(vi->env->promote, vi->ifindex, gone);
	vi->promoted = false;
}

static int pack_vips(struct vrrp_inst *vi)
{
	size_t l = vrrp_ip_len(vi->family);
	size_t n = vi->ci->nvips < 255 ? vi->ci->nvips : 255;

	vi->nvips = 0;
	/* One byte even for none, so NULL means only "not allocated". */
	if (n * l <= sizeof(vi->vips_inline))
		vi->vips = vi->vips_inline;
	else if (!(vi->vips = malloc(n * l)))
		return -ENOMEM;
	for (size_t i = 0; i < vi->ci->nvips && vi->nvips < 255; i++) {
		if (vi->ci->vips[i].addr.family != vi->family)
			continue;
		memcpy(vi->vips + vi->nvips * l, &vi->ci->vips[i].addr.u, l);
		vi->nvips++;
	}
	return 0;
}

/* The receive checks' settings that come from the config, once. */
static void rx_setup(struct vrrp_inst *vi)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	bool as_v2 = ci->v3_checksum_as_v2_set ? ci->v3_checksum_as_v2
					       : vi->g->v3_checksum_as_v2;

	vi->rx_owner_ignore = ci->priority == VRRP_PRIO_OWNER;
	vi->rx_check_unicast_src = ci->check_unicast_src_set ? ci->check_unicast_src
							     : vi->g->check_unicast_src;
	vi->rx_csum = as_v2 && vi->family == AF_INET ? VRRP_CSUM_NO_PSEUDO
						     : VRRP_CSUM_PSEUDO;
	vi->rx_check_addr_list = !(ci->skip_check_adv_addr_set
				   ? ci->skip_check_adv_addr : vi->g->skip_check_adv_addr);
	vi->rx_auth_type = VRRP_AUTH_NONE;
	if (ci->version == 2 && ci->auth_block)
		vi->rx_auth_type = ci->auth_type == VRRP_CONF_AUTH_AH ? VRRP_AUTH_AH
								      : VRRP_AUTH_PASS;
	vi->proto = vi->rx_auth_type == VRRP_AUTH_AH ? VRRP_PROTO_AH : VRRP_PROTO;
}

void vrrp_inst_auth_key(const struct vrrp_inst *vi, uint8_t key[VRRP_AUTH_LEN])
{
	if (vi->rx_auth_type == VRRP_AUTH_NONE)
		memset(key, 0, VRRP_AUTH_LEN);
	else
		vrrp_auth_key(vi->ci->auth_pass, key);
}

/* What vrrp_packet_check() is to hold an advert against now: the
 * settings of rx_setup(), the current priority and the instance's
 * addresses and peers.  Put together for each advert rather than kept:
 * it would be 64 bytes of copies in each of 1,000 instances. */
static void rx_config(struct vrrp_inst *vi, struct vrrp_rx_config *c)
{
	memset(c, 0, sizeof(*c));
	c->version = vi->fsm.cfg.version;
	c->family = vi->family;
	c->priority = vi->fsm.cfg.priority;
	c->owner_ignore_adverts = vi->rx_owner_ignore;
	c->unicast = vi->npeers > 0;
	c->check_unicast_src = vi->rx_check_unicast_src;
	c->peers = vi->peers;
	c->npeers = vi->npeers;
	c->csum = (enum vrrp_csum_kind)vi->rx_csum;
	c->adver_int = (uint16_t)(vi->fsm.cfg.adver_int_us / 1000000);
	c->vips = vi->vips;
	c->nvips = vi->nvips;
	c->check_addr_list = vi->rx_check_addr_list;
	c->auth_type = vi->rx_auth_type;
	if (c->auth_type != VRRP_AUTH_NONE)
		vrrp_inst_auth_key(vi, c->auth_key);
	c->ah_seq = &vi->ah_seq;
}

int vrrp_inst_new(const struct vrrp_inst_env *env,
		  const struct vrrp_conf_instance *ci,
		  const struct vrrp_inst_globals *g, struct vrrp_inst **out)
{
	struct vrrp_inst *vi = calloc(1, sizeof(*vi));
	const struct vrrp_ip *grp;
	struct vrrp_fsm_config fc;
	int r;

	if (!vi)
		return -ENOMEM;
	vi->ci = ci;
	vi->env = env;
	vi->g = g;
	vi->family = ci->family == AF_INET6 ? AF_INET6 : AF_INET;
	vi->release = true;
	if (!ci->interface) {
		log_err("VRRP_Instance(%s) has no interface", ci->name);
		free(vi);
		return -ENODEV;
	}
	link_info(vi);
	if (!vi->ifindex) {
		log_warn("VRRP_Instance(%s) interface %s not found: waiting for "
			 "it in FAULT", ci->name, ci->interface);
		vi->fault |= VRRP_FAULT_NOIF;
	} else if (!vi->link_up && !ci->dont_track_primary)
		vi->fault |= VRRP_FAULT_LINK;
	if (ci->unicast_fault_no_peer && !ci->npeers)
		vi->fault |= VRRP_FAULT_NOPEER;
	if (ci->npeers && !(vi->peers = calloc(ci->npeers, sizeof(*vi->peers)))) {
		free(vi);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ci->npeers; i++)
		vi->peers[i] = ci->peers[i].addr;
	vi->npeers = (uint32_t)ci->npeers;
	vi->ttl = ci->npeers && ci->unicast_ttl ? (uint8_t)ci->unicast_ttl : 255;
	grp = vi->family == AF_INET ? &g->mcast_group4 : &g->mcast_group6;
	if (ci->mcast_dst_ip.family == vi->family)
		vi->group = ci->mcast_dst_ip;
	else if (grp->family == vi->family)
		vi->group = *grp;
	else
		vi->group = vrrp_sock_default_group(vi->family);
	find_primary(vi);
	if (pack_vips(vi) < 0) {
		free(vi->peers);
		free(vi);
		return -ENOMEM;
	}
	rx_setup(vi);

	memset(&fc, 0, sizeof(fc));
	fc.version = (uint8_t)ci->version;
	fc.priority = (uint8_t)ci->priority;
	/* at most 255 s and 1,000 s, the config's bounds */
	fc.adver_int_us = (uint32_t)ci->advert_int_us;
	fc.nopreempt = ci->nopreempt;
	fc.preempt_delay_us = (uint32_t)ci->preempt_delay_us;
	fc.want_master = ci->state == VRRP_CONF_STATE_MASTER;
	fc.primary = vi->fsm.cfg.primary;
	fc.down_timer_adverts = (uint8_t)(ci->down_timer_adverts ?
					  ci->down_timer_adverts :
					  g->down_timer_adverts);
	/* keepalived: strict mode implies lower_prio_no_advert */
	fc.lower_prio_no_advert = ci->lower_prio_no_advert_set ?
		ci->lower_prio_no_advert :
		g->lower_prio_no_advert || (ci->strict_mode_set ?
					    ci->strict_mode : g->strict);
	fc.higher_prio_send_advert = ci->higher_prio_send_advert_set ?
		ci->higher_prio_send_advert : g->higher_prio_send_advert;
	vrrp_fsm_init(&vi->fsm, &fc, &vi->stats);

	vrrp_timer_init(&vi->timer, on_timer, vi);
	if ((r = vrrp_track_new(vi, env->tfiles, env->tprocs)) < 0) {
		vrrp_inst_free(vi);
		return r;
	}
	if (vi->ifindex)
		promote(vi);
	vi->post = sd_event_source_disable_unref(vi->post);
	vrrp_vmac_up(vi);
	*out = vi;
	return 0;
}

/* Is every VIP of the instance (excluded ones too) on its interface?
 * Only then was this instance master when its process died: a backup
 * holds none, and a master that lost one to an operator is better
 * elected again than trusted.  No VIPs at all proves nothing. */
static bool vips_held(struct vrrp_inst *vi)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	size_t n = ci->nvips + ci->nevips;

	for (size_t i = 0; i < n; i++) {
		const struct vrrp_vip *v = i < ci->nvips ? &ci->vips[i]
						       : &ci->evips[i - ci->nvips];
		struct nl_addr_spec s;

		vrrp_inst_vip_spec(vi, v, &s);
		if (s.ifindex <= 0 || nl_addr_present(vi->env->nl, &s) != 1)
			return false;
	}
	return n > 0;
}

static bool resume_master(struct vrrp_inst *vi)
{
	struct vrrp_actions acts;

	if (!vips_held(vi)) {
		log_info("VRRP_Instance(%s) restarted without all its VIPs: "
			 "starting as usual", vi->ci->name);
		return false;
	}
	log_notice("VRRP_Instance(%s) resuming as master after a restart "
		   "(VIPs still present)", vi->ci->name);
	vrrp_fsm_resume_master(&vi->fsm, now_us(vi), &acts);
	exec(vi, &acts);
	/* No announcement burst (the neighbours' caches still point here),
	 * but the periodic refresh of a master carries on. */
	if (vi->fsm.state == VRRP_STATE_MASTER)
		vrrp_garp_sched_resume(vi);
	return true;
}

static void log_fault(const struct vrrp_inst *vi, unsigned bits, bool on)
{
	const char *name = vi->ci->name, *ifn = vi->ci->interface;

	if (bits & VRRP_FAULT_LINK)
		log_info("VRRP_Instance(%s) interface %s %s", name, ifn,
			 on ? "down" : "up");
	if (bits & VRRP_FAULT_NOIF)
		log_info("VRRP_Instance(%s) interface %s %s", name, ifn,
			 on ? "not found" : "found");
	if ((bits & VRRP_FAULT_NOPEER) && on)
		log_warn("VRRP_Instance(%s) has unicast_fault_no_peer and no "
			 "unicast peer: staying in FAULT", name);
	if (bits & VRRP_FAULT_TRACK)
		log_info("VRRP_Instance(%s) %s", name, on ?
			 "a tracker failed: FAULT" : "its trackers are fine");
	if (bits & VRRP_FAULT_STATIC)
		log_info("VRRP_Instance(%s) %s", name, on ?
			 "a static address of its track_group is gone: FAULT" :
			 "the static addresses of its track_group are back");
	if (bits & VRRP_FAULT_SYNC)
		log_info("VRRP_Instance(%s) %s sync group %s", name,
			 on ? "FAULT with its" : "released by its",
			 vrrp_conf_inst_sync_group(vi->ci));
}

/* Add (ON) or clear fault reasons; the machine hears of the first one
 * and of the last one only. */
static void set_fault(struct vrrp_inst *vi, unsigned bits, bool on)
{
	unsigned before = vi->fault;
	struct vrrp_actions acts;

	vi->fault = on ? before | bits : before & ~bits;
	/* A member's own fault clearing leaves it in FAULT while another
	 * member still has one: decided here, so it does not flap. */
	if (vi->sync && bits != VRRP_FAULT_SYNC) {
		if (vrrp_sync_fault_elsewhere(vi))
			vi->fault |= VRRP_FAULT_SYNC;
		else
			vi->fault &= ~VRRP_FAULT_SYNC;
	}
	if (vi->fault == before)
		return;
	log_fault(vi, before ^ vi->fault, on);
	if (before && !vi->fault) {
		find_primary(vi);
		vrrp_fsm_if_up(&vi->fsm, now_us(vi), &acts);
		exec(vi, &acts);
	} else if (!before && vi->fault) {
		vrrp_fsm_if_down(&vi->fsm, now_us(vi), &acts);
		exec(vi, &acts);
	}
	vrrp_sync_faults(vi);
}

void vrrp_inst_set_fault(struct vrrp_inst *vi, unsigned bits, bool on)
{
	/* Not started yet: vrrp_inst_start() tells the machine. */
	if (vi->fsm.state == VRRP_STATE_INIT) {
		vi->fault = on ? vi->fault | bits : vi->fault & ~bits;
		return;
	}
	set_fault(vi, bits, on);
}

void vrrp_inst_track_result(struct vrrp_inst *vi, bool fault, uint8_t prio)
{
	struct vrrp_actions acts;

	if (prio != vi->fsm.cfg.priority) {
		log_info("VRRP_Instance(%s) effective priority %u (was %u, "
			 "base %u)", vi->ci->name, prio, vi->fsm.cfg.priority,
			 vi->ci->priority);
		vrrp_fsm_priority(&vi->fsm, now_us(vi), prio, &acts);
		exec(vi, &acts);
		if (vi->env->on_event)
			vi->env->on_event(vi, VRRP_EV_PRIORITY, vi->env->state_arg);
	}
	vrrp_inst_set_fault(vi, VRRP_FAULT_TRACK, fault);
}

void vrrp_inst_sync_master(struct vrrp_inst *vi)
{
	struct vrrp_actions acts;

	vrrp_fsm_sync_master(&vi->fsm, now_us(vi), &acts);
	exec(vi, &acts);
}

void vrrp_inst_sync_backup(struct vrrp_inst *vi)
{
	struct vrrp_actions acts;

	vrrp_fsm_sync_backup(&vi->fsm, now_us(vi), &acts);
	exec(vi, &acts);
}

void vrrp_inst_demote(struct vrrp_inst *vi, bool on)
{
	struct vrrp_actions acts;

	if (on == vi->fsm.demoted)
		return;
	log_notice("VRRP_Instance(%s) %s by the operator%s", vi->ci->name,
		   on ? "demoted" : "promoted",
		   !on ? ": back to its configured behaviour"
		   : vi->fsm.state == VRRP_STATE_MASTER
		   ? ": handing over, then held out of mastership"
		   : ": held out of mastership");
	if (on)
		vrrp_fsm_demote(&vi->fsm, now_us(vi), &acts);
	else
		vrrp_fsm_promote(&vi->fsm, now_us(vi), &acts);
	exec(vi, &acts);
}

void vrrp_inst_start(struct vrrp_inst *vi, struct vrrp_sock *sock, bool resume)
{
	struct vrrp_actions acts;
	uint64_t now;

	vi->sock = sock;
	vi->last_transition = realtime_us();
	if (vi->fault) {
		log_fault(vi, vi->fault, true);
		vrrp_fsm_if_down(&vi->fsm, now_us(vi), &acts);
		exec(vi, &acts);
		vrrp_inst_vips_all(vi, false, true);
		return;
	}
	if (resume && resume_master(vi))
		return;
	now = now_us(vi);
	if (vi->env->started && vi->env->started < now)
		now = vi->env->started;
	vrrp_fsm_startup(&vi->fsm, now, &acts);
	exec(vi, &acts);
	/* A VIP left behind by a run that was killed must not stay on a
	 * backup: two directors would answer for it. */
	if (vi->fsm.state != VRRP_STATE_MASTER)
		vrrp_inst_vips_all(vi, false, true);
}

void vrrp_inst_set_conf(struct vrrp_inst *vi, const struct vrrp_conf_instance *ci)
{
	vi->ci = ci;
	vrrp_track_set_conf(vi);
}

void vrrp_inst_rx(struct vrrp_inst *vi, const struct vrrp_advert *a,
		  const struct vrrp_rx *rx)
{
	struct vrrp_actions acts;
	struct vrrp_rx_config rxc;
	enum vrrp_rx_reason r;

	rx_config(vi, &rxc);
	r = vrrp_packet_check(a, &rx->ip, &rxc);
	vrrp_stats_count_rx(&vi->stats, NULL, r, a);
	if (!vrrp_rx_accepted(r)) {
		char buf[INET6_ADDRSTRLEN];

		log_debug("VRRP_Instance(%s) dropped advert from %s: %s",
			  vi->ci->name, vrrp_ip_str(&rx->ip.src, buf, sizeof(buf)),
			  vrrp_rx_reason_str(r));
		return;
	}
	if (vi->fsm.state == VRRP_STATE_FAULT || vi->fsm.state == VRRP_STATE_INIT)
		return;
	vrrp_fsm_advert(&vi->fsm, now_us(vi), a->priority, &rx->ip.src,
			vrrp_advert_interval_us(a), &acts);
	exec(vi, &acts);
}

void vrrp_inst_link(struct vrrp_inst *vi, bool up)
{
	if (up == vi->link_up)
		return;
	if (up)
		link_info(vi);
	vi->link_up = up;
	set_fault(vi, VRRP_FAULT_LINK, !up);
}

void vrrp_inst_if_found(struct vrrp_inst *vi, int ifindex)
{
	if (vi->ifindex == ifindex)
		return;
	vi->ifindex = ifindex;
	link_info(vi);
	promote(vi);
	vrrp_vmac_up(vi);
	/* The link's state is the runtime's next word (vrrp_inst_link). */
	vi->link_up = false;
	if (!vi->ci->dont_track_primary)
		vi->fault |= VRRP_FAULT_LINK;
	set_fault(vi, VRRP_FAULT_NOIF, false);
}

void vrrp_inst_if_gone(struct vrrp_inst *vi)
{
	int was = vi->ifindex;

	if (!was)
		return;
	unpromote(vi, true);
	vrrp_vmac_down(vi, true);
	/* Index 0 first: the addresses went with the interface, and only
	 * those on other interfaces (dev) are left to remove. */
	vi->ifindex = 0;
	vi->link_up = false;
	set_fault(vi, VRRP_FAULT_NOIF, true);
	/* a missing interface has no link state to wait for */
	vi->fault &= ~VRRP_FAULT_LINK;
	vi->sock = NULL;
	vi->sock_ref = NULL;
}

void vrrp_inst_set_sock(struct vrrp_inst *vi, struct vrrp_sock *sock)
{
	vi->sock = sock;
}

void vrrp_inst_stop(struct vrrp_inst *vi, bool release)
{
	struct vrrp_actions acts;

	vi->release = release;
	vrrp_fsm_shutdown(&vi->fsm, now_us(vi), &acts);
	exec(vi, &acts);
}

void vrrp_inst_free(struct vrrp_inst *vi)
{
	if (!vi)
		return;
	if (vi->env->tq)
		vrrp_timer_set(vi->env->tq, &vi->timer, 0);
	vrrp_track_free(vi);
	vrrp_garp_sched_free(vi);
	/* -X (release false) keeps the VIPs, so their interface too */
	if (vi->release)
		vrrp_vmac_down(vi, false);
	vrrp_vmac_forget(vi);
	unpromote(vi, false);
	sd_event_source_disable_unref(vi->post);
	if (vi->vips != vi->vips_inline)
		free(vi->vips);
	free(vi->peers);
	free(vi);
}
