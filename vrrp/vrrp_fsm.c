/*
 * The RFC 5798 §6 state machine.  Each handler follows the RFC's text for
 * its state closely (the section numbers are given), with keepalived's
 * extensions marked where they enter.  Actions are appended in the order
 * the RFC lists the steps, so a caller that carries them out in order does
 * what the RFC says.
 */
#include <string.h>

#include "vrrp/vrrp_fsm.h"

#define USEC_PER_SEC	1000000u
#define MIN_ADVER_INT	10000u		/* 1 centisecond */

const char *vrrp_state_str(enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_INIT: return "INIT";
	case VRRP_STATE_BACKUP: return "BACKUP";
	case VRRP_STATE_MASTER: return "MASTER";
	case VRRP_STATE_FAULT: return "FAULT";
	}
	return "UNKNOWN";
}

uint64_t vrrp_skew_us(uint8_t version, uint8_t priority, uint64_t master_adver_int_us)
{
	uint64_t left = 256u - priority;

	if (version == 2)
		return left * USEC_PER_SEC / 256u;
	/* In microseconds, not centiseconds, so nothing is lost to rounding
	 * until the last step. */
	return left * master_adver_int_us / 256u;
}

uint64_t vrrp_master_down_us(uint8_t version, uint8_t priority, uint64_t master_adver_int_us)
{
	return 3u * master_adver_int_us + vrrp_skew_us(version, priority, master_adver_int_us);
}

static void push(struct vrrp_actions *out, struct vrrp_action a)
{
	/* Never more than five per event; the bound is a guard. */
	if (out->n < VRRP_FSM_MAX_ACTIONS)
		out->v[out->n++] = a;
}

static void act(struct vrrp_actions *out, enum vrrp_action_kind k)
{
	push(out, (struct vrrp_action){ .kind = k });
}

static void act_advert(struct vrrp_fsm *f, struct vrrp_actions *out, uint8_t prio)
{
	push(out, (struct vrrp_action){ .kind = VRRP_ACT_SEND_ADVERT, .priority = prio });
	if (prio == VRRP_PRIO_STOP && f->stats)
		f->stats->sent_pri_zero++;
}

static void arm(struct vrrp_fsm *f, struct vrrp_actions *out, uint64_t at)
{
	f->timer_at = at;
	push(out, (struct vrrp_action){ .kind = VRRP_ACT_TIMER, .at = at });
}

static void set_state(struct vrrp_fsm *f, struct vrrp_actions *out, enum vrrp_state to)
{
	enum vrrp_state from = f->state;

	f->state = to;
	push(out, (struct vrrp_action){ .kind = VRRP_ACT_STATE, .from = from, .to = to });
}

/* The adverts a Master_Down_Interval waits for: the RFC's 3, or
 * keepalived's down_timer_adverts. */
static uint64_t down_adverts(const struct vrrp_fsm *f)
{
	return f->cfg.down_timer_adverts ? f->cfg.down_timer_adverts : 3u;
}

uint64_t vrrp_fsm_master_down_us(const struct vrrp_fsm *f)
{
	return down_adverts(f) * f->master_adver_int_us +
	       vrrp_skew_us(f->cfg.version, f->cfg.priority, f->master_adver_int_us);
}

static uint64_t master_down(const struct vrrp_fsm *f)
{
	return vrrp_fsm_master_down_us(f);
}

static uint64_t skew(const struct vrrp_fsm *f)
{
	return vrrp_skew_us(f->cfg.version, f->cfg.priority, f->master_adver_int_us);
}

/* A v3 Backup adopts the master's interval; v2 intervals always match
 * (a mismatch is dropped on receive). */
static void learn_interval(struct vrrp_fsm *f, uint64_t adver_int_us)
{
	/* A v3 advert's interval is 12 bits of centiseconds: 32 bits of
	 * microseconds hold it. */
	if (f->cfg.version == 3)
		f->master_adver_int_us = adver_int_us < MIN_ADVER_INT ? MIN_ADVER_INT
						: (uint32_t)adver_int_us;
	else
		f->master_adver_int_us = f->cfg.adver_int_us;
}

static void become_master(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out,
			  enum vrrp_new_master_reason why)
{
	/* §6.4.1 / §6.4.2: send an advert, announce the addresses, arm the
	 * Adver_Timer. */
	act_advert(f, out, f->cfg.priority);
	act(out, VRRP_ACT_ADD_VIPS);
	act(out, VRRP_ACT_SEND_GARP);
	arm(f, out, now + f->cfg.adver_int_us);
	f->preempt_at = 0;
	f->lower_ignored = false;
	f->master_addr = f->cfg.primary;
	f->master_priority = f->cfg.priority;
	if (f->stats) {
		f->stats->master_transitions++;
		f->stats->new_master_reason = why;
	}
	set_state(f, out, VRRP_STATE_MASTER);
}

static void become_backup(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	arm(f, out, now + master_down(f));
	set_state(f, out, VRRP_STATE_BACKUP);
}

/* The first Master_Down_Timer after Startup.  The RFC's Skew_Time
 * separates two backups by (difference of priorities) / 256 of the
 * interval: 20 ms between priorities 150 and 100 at 0.1 s, less than two
 * directors started together (or a daemon starting 1,000 instances one
 * after the other, on a busy machine) differ by.  For a sub-second
 * interval the skew of this first wait is counted on STARTUP_SKEW_BASE
 * (2 s) instead, which keeps those two 390 ms apart, so the lower one
 * still hears the higher one's first advert in time.  Intervals of 1 s
 * and more keep the RFC's figure; and only this first wait is longer: a
 * running backup keeps the RFC's Master_Down_Interval, so failover
 * times are the RFC's. */
#define STARTUP_SKEW_BASE	(2 * USEC_PER_SEC)

static uint64_t startup_down(const struct vrrp_fsm *f)
{
	uint64_t base = f->master_adver_int_us;

	if (base < USEC_PER_SEC)
		base = STARTUP_SKEW_BASE;
	return down_adverts(f) * f->master_adver_int_us +
	       vrrp_skew_us(f->cfg.version, f->cfg.priority, base);
}

/* §6.4.1 Initialize, on Startup (also the way out of Fault). */
static void start(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	f->master_adver_int_us = f->cfg.adver_int_us;
	f->lower_ignored = false;
	f->master_priority = 0;
	memset(&f->master_addr, 0, sizeof(f->master_addr));
	f->preempt_at = f->cfg.preempt_delay_us ? now + f->cfg.preempt_delay_us : 0;
	if (f->if_down) {
		arm(f, out, 0);
		set_state(f, out, VRRP_STATE_FAULT);
	} else if (f->cfg.priority == VRRP_PRIO_OWNER && !f->demoted) {
		become_master(f, now, out, VRRP_NM_PRIORITY);
	} else if (f->cfg.want_master) {
		/* keepalived's `state MASTER`: a Master_Down_Timer that has
		 * already run out; an election follows the first advert. */
		f->lower_ignored = true;
		arm(f, out, now);
		set_state(f, out, VRRP_STATE_BACKUP);
	} else {
		arm(f, out, now + startup_down(f));
		set_state(f, out, VRRP_STATE_BACKUP);
	}
}

void vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_config *cfg,
		   struct vrrp_stats *stats)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->state = VRRP_STATE_INIT;
	f->master_adver_int_us = cfg->adver_int_us;
	f->stats = stats;
}

void vrrp_fsm_startup(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	out->n = 0;
	if (f->state == VRRP_STATE_INIT)
		start(f, now, out);
}

void vrrp_fsm_resume_master(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	out->n = 0;
	if (f->state != VRRP_STATE_INIT)
		return;
	if (f->if_down || f->demoted) {
		start(f, now, out);
		return;
	}
	f->master_adver_int_us = f->cfg.adver_int_us;
	f->master_addr = f->cfg.primary;
	f->master_priority = f->cfg.priority;
	act(out, VRRP_ACT_ADD_VIPS);
	act_advert(f, out, f->cfg.priority);
	arm(f, out, now + f->cfg.adver_int_us);
	set_state(f, out, VRRP_STATE_MASTER);
}

/* Does an advert of PRIO from SRC beat us as Master (§6.4.3)? */
static bool beats_us(const struct vrrp_fsm *f, uint8_t prio, const struct vrrp_ip *src)
{
	if (prio != f->cfg.priority)
		return prio > f->cfg.priority;
	return vrrp_ip_cmp(src, &f->cfg.primary) > 0;
}

static void backup_advert(struct vrrp_fsm *f, uint64_t now, uint8_t prio,
			  const struct vrrp_ip *src, uint64_t adver_int_us,
			  struct vrrp_actions *out)
{
	uint64_t at;

	/* §6.4.2: the master is leaving; take over after Skew_Time. */
	if (prio == VRRP_PRIO_STOP) {
		arm(f, out, now + skew(f));
		return;
	}
	if (f->cfg.nopreempt || prio >= f->cfg.priority) {
		learn_interval(f, adver_int_us);
		f->master_addr = *src;
		f->master_priority = prio;
		f->lower_ignored = false;
		f->preempt_at = 0;
		arm(f, out, now + master_down(f));
		return;
	}
	/* A lower-priority master that we would preempt. */
	f->lower_ignored = true;
	if (f->cfg.preempt_delay_us) {
		if (!f->preempt_at)
			f->preempt_at = now + f->cfg.preempt_delay_us;
		if (now < f->preempt_at) {
			/* Still within the delay: follow it as if we did not
			 * preempt, but wake up when the delay is over. */
			learn_interval(f, adver_int_us);
			f->master_addr = *src;
			f->master_priority = prio;
			at = now + master_down(f);
			arm(f, out, at < f->preempt_at ? at : f->preempt_at);
			return;
		}
	}
	/* Otherwise discard it and let Master_Down_Timer run out. */
}

static void master_advert(struct vrrp_fsm *f, uint64_t now, uint8_t prio,
			  const struct vrrp_ip *src, uint64_t adver_int_us,
			  struct vrrp_actions *out)
{
	/* §6.4.3: a backup's master left; answer at once. */
	if (prio == VRRP_PRIO_STOP) {
		act_advert(f, out, f->cfg.priority);
		arm(f, out, now + f->cfg.adver_int_us);
		return;
	}
	if (!beats_us(f, prio, src)) {
		/* keepalived: answer a lower priority at once (unless
		 * lower_prio_no_advert, the RFC's silence) and let the caller
		 * re-announce, so the neighbours follow the true master. */
		if (prio < f->cfg.priority) {
			if (!f->cfg.lower_prio_no_advert)
				act_advert(f, out, f->cfg.priority);
			act(out, VRRP_ACT_RX_LOWER);
		}
		return;
	}
	/* higher_prio_send_advert: one more advert before stepping down,
	 * so the new master (garp_lower_prio_*) announces itself again. */
	if (f->cfg.higher_prio_send_advert)
		act_advert(f, out, f->cfg.priority);
	learn_interval(f, adver_int_us);
	f->master_addr = *src;
	f->master_priority = prio;
	f->lower_ignored = false;
	f->preempt_at = 0;
	act(out, VRRP_ACT_DEL_VIPS);
	become_backup(f, now, out);
}

void vrrp_fsm_advert(struct vrrp_fsm *f, uint64_t now, uint8_t priority,
		     const struct vrrp_ip *src, uint64_t adver_int_us,
		     struct vrrp_actions *out)
{
	out->n = 0;
	if (f->state == VRRP_STATE_BACKUP)
		backup_advert(f, now, priority, src, adver_int_us, out);
	else if (f->state == VRRP_STATE_MASTER)
		master_advert(f, now, priority, src, adver_int_us, out);
}

void vrrp_fsm_timer(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	out->n = 0;
	if (!f->timer_at)
		return;
	if (now < f->timer_at) {
		/* Woken early: keep waiting. */
		arm(f, out, f->timer_at);
		return;
	}
	if (f->state == VRRP_STATE_BACKUP && f->demoted) {
		/* Held out of mastership: nothing to wait for. */
		arm(f, out, 0);
	} else if (f->state == VRRP_STATE_BACKUP) {
		/* §6.4.2 Master_Down_Timer fired. */
		become_master(f, now, out, f->lower_ignored ? VRRP_NM_PREEMPTED
							    : VRRP_NM_NO_RESPONSE);
	} else if (f->state == VRRP_STATE_MASTER) {
		/* §6.4.3 Adver_Timer fired. */
		act_advert(f, out, f->cfg.priority);
		arm(f, out, now + f->cfg.adver_int_us);
	} else {
		f->timer_at = 0;
	}
}

void vrrp_fsm_master_down(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	if (f->state != VRRP_STATE_BACKUP) {
		out->n = 0;
		return;
	}
	vrrp_fsm_timer(f, now, out);
}

void vrrp_fsm_adver_timer(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	if (f->state != VRRP_STATE_MASTER) {
		out->n = 0;
		return;
	}
	vrrp_fsm_timer(f, now, out);
}

void vrrp_fsm_if_down(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	out->n = 0;
	f->if_down = true;
	if (f->state == VRRP_STATE_FAULT)
		return;
	if (f->state == VRRP_STATE_MASTER) {
		/* The priority-0 advert fails harmlessly on a dead link and
		 * hands over at once when the fault is a tracker's. */
		act_advert(f, out, VRRP_PRIO_STOP);
		act(out, VRRP_ACT_DEL_VIPS);
	}
	if (f->timer_at || f->state != VRRP_STATE_INIT)
		arm(f, out, 0);
	set_state(f, out, VRRP_STATE_FAULT);
	(void)now;
}

void vrrp_fsm_if_up(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	out->n = 0;
	f->if_down = false;
	if (f->state == VRRP_STATE_FAULT)
		start(f, now, out);
}

void vrrp_fsm_shutdown(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	out->n = 0;
	(void)now;
	if (f->state == VRRP_STATE_INIT)
		return;
	/* §6.4.3: a Master sends priority 0 so a Backup takes over after
	 * Skew_Time instead of Master_Down_Interval. */
	if (f->state == VRRP_STATE_MASTER) {
		act_advert(f, out, VRRP_PRIO_STOP);
		act(out, VRRP_ACT_DEL_VIPS);
	}
	if (f->timer_at)
		arm(f, out, 0);
	set_state(f, out, VRRP_STATE_INIT);
}

void vrrp_fsm_set_priority(struct vrrp_fsm *f, uint8_t priority)
{
	f->cfg.priority = priority;
	if (f->state == VRRP_STATE_MASTER)
		f->master_priority = priority;
}

void vrrp_fsm_priority(struct vrrp_fsm *f, uint64_t now, uint8_t priority,
		       struct vrrp_actions *out)
{
	out->n = 0;
	if (priority == f->cfg.priority)
		return;
	vrrp_fsm_set_priority(f, priority);
	/* A Master says so at once, so a Backup that now outranks it (and
	 * preempts) does not wait for the next Adver_Timer. */
	if (f->state == VRRP_STATE_MASTER) {
		act_advert(f, out, priority);
		arm(f, out, now + f->cfg.adver_int_us);
	}
}

void vrrp_fsm_sync_master(struct vrrp_fsm *f, uint64_t now,
			  struct vrrp_actions *out)
{
	out->n = 0;
	if (f->state == VRRP_STATE_BACKUP && !f->demoted)
		become_master(f, now, out, VRRP_NM_NO_RESPONSE);
}

/* A Master hands over: priority 0, addresses removed, then Backup. */
static void step_down(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	act_advert(f, out, VRRP_PRIO_STOP);
	act(out, VRRP_ACT_DEL_VIPS);
	f->master_priority = 0;
	memset(&f->master_addr, 0, sizeof(f->master_addr));
	become_backup(f, now, out);
}

void vrrp_fsm_demote(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	out->n = 0;
	f->demoted = true;
	if (f->state == VRRP_STATE_MASTER)
		step_down(f, now, out);
}

void vrrp_fsm_promote(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out)
{
	out->n = 0;
	if (!f->demoted)
		return;
	f->demoted = false;
	if (f->state == VRRP_STATE_BACKUP)
		arm(f, out, f->cfg.priority == VRRP_PRIO_OWNER ? now
							: now + master_down(f));
}

void vrrp_fsm_sync_backup(struct vrrp_fsm *f, uint64_t now,
			  struct vrrp_actions *out)
{
	out->n = 0;
	if (f->state != VRRP_STATE_MASTER)
		return;
	/* Priority 0: the peer that took the group's other members takes
	 * this one after Skew_Time, not Master_Down_Interval. */
	step_down(f, now, out);
}
