/*
 * The VRRP state machine of RFC 5798 §6 (used for v2 as well), as a pure
 * module: it holds an instance's state and the time of its one timer, and
 * turns each input event into a short list of actions for the caller.  It
 * owns no socket and reads no clock; every event carries `now` in
 * microseconds on the caller's monotonic clock.
 *
 * One timer is enough: a Backup waits for Master_Down_Timer, a Master for
 * Adver_Timer, and Initialize and Fault wait for nothing.  A VRRP_ACT_TIMER
 * action re-arms it (at 0: cancel); when it expires the caller calls
 * vrrp_fsm_timer() (or the named vrrp_fsm_master_down() /
 * vrrp_fsm_adver_timer(), which are the same with a state check).
 *
 * Timers are microseconds:
 *   v3: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256
 *   v2: Skew_Time = (256 - Priority) / 256 s
 *   Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time
 * and a v3 Backup takes Master_Adver_Interval from the master's adverts.
 * keepalived's down_timer_adverts replaces the 3.
 * With a sub-second interval, the first wait after Startup (and after
 * Fault) counts Skew_Time on 2 s, so that directors started together
 * still elect by priority (see startup_down()).
 *
 * Beyond the RFC, as keepalived users expect: `nopreempt`,
 * `preempt_delay` (a Backup with preemption accepts a lower-priority master
 * until preempt_delay has passed since start-up or since it first saw that
 * master), `state MASTER` (take over as soon as started), Fault on
 * interface down, and resume-as-master after a restart of the process.
 */
#ifndef TANDEM_VRRP_FSM_H
#define TANDEM_VRRP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp/vrrp_csum.h"
#include "vrrp/vrrp_packet.h"

enum vrrp_state {
	VRRP_STATE_INIT = 0,
	VRRP_STATE_BACKUP,
	VRRP_STATE_MASTER,
	VRRP_STATE_FAULT,
};

/* Members in order of size, the small ones together: an instance holds
 * one, 1,000 instances 1,000.  The intervals are 32 bits: the config
 * allows at most 255 s of advert_int and 1,000 s of preempt_delay, and a
 * v3 advert says at most 40.95 s, where 32 bits of microseconds hold
 * 4,294 s.  Every sum or product of them the machine makes is 64-bit. */
struct vrrp_fsm_config {
	uint8_t version;		/* 2 or 3 */
	uint8_t priority;		/* 1..255; 255 owns the addresses */
	bool nopreempt;			/* default (false): Preempt_Mode true */
	bool want_master;		/* `state MASTER` */
	/* keepalived's extensions (0 / false: the RFC's behaviour, except
	 * where noted) */
	uint8_t down_timer_adverts;	/* adverts missed before Master_Down:
					 * 1..100; 0 means 3 (the RFC) */
	bool lower_prio_no_advert;	/* a Master that hears a lower
					 * priority does not answer with an
					 * advert (the RFC); false: it does */
	bool higher_prio_send_advert;	/* a Master that hears a higher
					 * priority sends one last advert
					 * before it steps down */
	struct vrrp_ip primary;		/* our address in adverts (tie-break) */
	uint32_t adver_int_us;		/* Advertisement_Interval */
	uint32_t preempt_delay_us;	/* 0: preempt at once */
};

enum vrrp_action_kind {
	VRRP_ACT_SEND_ADVERT,	/* send an advert with .priority */
	VRRP_ACT_ADD_VIPS,	/* add the virtual addresses (idempotent) */
	VRRP_ACT_DEL_VIPS,	/* remove them */
	VRRP_ACT_SEND_GARP,	/* gratuitous ARP / unsolicited NA, per the
				 * garp_* settings, which are the caller's */
	VRRP_ACT_TIMER,		/* arm the timer at .at (0: cancel) */
	VRRP_ACT_STATE,		/* state changed .from -> .to: notify */
	VRRP_ACT_RX_LOWER,	/* as Master, heard a lower priority: the
				 * caller re-announces the addresses
				 * (garp_lower_prio_*) */
};

struct vrrp_action {
	enum vrrp_action_kind kind;
	uint8_t priority;
	uint64_t at;
	enum vrrp_state from, to;
};

#define VRRP_FSM_MAX_ACTIONS 8

/* Actions in the order the caller must carry them out. */
struct vrrp_actions {
	size_t n;
	struct vrrp_action v[VRRP_FSM_MAX_ACTIONS];
};

struct vrrp_fsm {
	struct vrrp_fsm_config cfg;
	enum vrrp_state state;
	bool lower_ignored;		/* a lower-priority master was refused
					 * since the last master we accepted */
	bool if_down;
	bool demoted;			/* the operator's demote: never Master */
	uint8_t master_priority;
	struct vrrp_ip master_addr;	/* current master (ours when Master) */
	uint32_t master_adver_int_us;	/* Master_Adver_Interval */
	uint64_t timer_at;		/* 0: no timer */
	uint64_t preempt_at;		/* end of the preempt delay; 0: none */
	struct vrrp_stats *stats;	/* may be NULL */
};

const char *vrrp_state_str(enum vrrp_state s);

uint64_t vrrp_skew_us(uint8_t version, uint8_t priority, uint64_t master_adver_int_us);
uint64_t vrrp_master_down_us(uint8_t version, uint8_t priority, uint64_t master_adver_int_us);
/* The machine's own Master_Down_Interval now (down_timer_adverts, the
 * learnt interval, the current priority). */
uint64_t vrrp_fsm_master_down_us(const struct vrrp_fsm *f);

/* Set up in Initialize.  STATS (may be NULL) receives MasterTransitions,
 * NewMasterReason and SentPriZeroPackets. */
void vrrp_fsm_init(struct vrrp_fsm *f, const struct vrrp_fsm_config *cfg,
		   struct vrrp_stats *stats);

/* Each event clears OUT and fills it. */
void vrrp_fsm_startup(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);
/* Start-up of a restarted process that was Master and that no peer has
 * replaced: straight to Master, VIPs kept (re-added idempotently), no
 * gratuitous ARP, no transition counted. */
void vrrp_fsm_resume_master(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);
/* An accepted advert (see vrrp_rx_accepted()) with its priority, source
 * and interval (vrrp_advert_interval_us()). */
void vrrp_fsm_advert(struct vrrp_fsm *f, uint64_t now, uint8_t priority,
		     const struct vrrp_ip *src, uint64_t adver_int_us,
		     struct vrrp_actions *out);
void vrrp_fsm_timer(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);
void vrrp_fsm_master_down(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);
void vrrp_fsm_adver_timer(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);
void vrrp_fsm_if_down(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);
void vrrp_fsm_if_up(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);
void vrrp_fsm_shutdown(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);
/* A new effective priority (trackers).  Takes effect from the next advert
 * or timer; no action now. */
void vrrp_fsm_set_priority(struct vrrp_fsm *f, uint8_t priority);
/* The same as an event: a Master advertises the new priority at once (and
 * re-arms Adver_Timer); other states take it from the next advert. */
void vrrp_fsm_priority(struct vrrp_fsm *f, uint64_t now, uint8_t priority,
		       struct vrrp_actions *out);
/* Sync groups: a Backup whose group became Master follows it at once; a
 * Master whose group went back to Backup steps down (priority-0 advert,
 * addresses removed, Master_Down_Timer armed).  Other states: nothing. */
void vrrp_fsm_sync_master(struct vrrp_fsm *f, uint64_t now,
			  struct vrrp_actions *out);
void vrrp_fsm_sync_backup(struct vrrp_fsm *f, uint64_t now,
			  struct vrrp_actions *out);

/* The operator's demote: a Master steps down as on shutdown (priority-0
 * advert, addresses removed) but stays a Backup; from now on the machine
 * never becomes Master (its timers run out without effect, a sync group
 * cannot take it along, an owner does not take over at start), as if its
 * priority were 0 everywhere but in the adverts it no longer sends.
 * Promote lifts that: a Backup arms Master_Down_Timer afresh (at once
 * for an address owner), so it takes over again when no master is heard,
 * or preempts a lower one as its preempt settings say. */
void vrrp_fsm_demote(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);
void vrrp_fsm_promote(struct vrrp_fsm *f, uint64_t now, struct vrrp_actions *out);

#endif
