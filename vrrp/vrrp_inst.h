/*
 * One running VRRP instance: the pure state machine of vrrp_fsm.h put to
 * work.  The instance owns its sd-event timer and carries out every
 * action the machine returns (send an advert, add or remove the virtual
 * addresses through rtnetlink, announce them by gratuitous ARP /
 * unsolicited NA, log the transition).  It borrows the socket, the
 * netlink socket and the ARP/NA sender from the runtime of vrrp_run.h,
 * which owns and shares them; a received advert reaches it already
 * decoded, and it makes the per-instance checks itself.
 *
 * The configuration it runs is a pointer into the current config: on a
 * reload that leaves the instance unchanged the runtime repoints it with
 * vrrp_inst_set_conf(), so state, timers and addresses carry on.
 */
#ifndef TANDEM_VRRP_INST_H
#define TANDEM_VRRP_INST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <systemd/sd-event.h>

#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_fsm.h"
#include "vrrp/vrrp_fw.h"
#include "vrrp/vrrp_packet.h"
#include "vrrp/vrrp_sock.h"
#include "vrrp/vrrp_timerq.h"

struct json_object;
struct nl_sock;
struct vrrp_garp;
struct vrrp_garp_timers;
struct vrrp_inst_vmac;

/* The global_defs values an instance falls back on (vrrp/ cannot see
 * global_defs).  Plain values only, so two can be compared with memcmp. */
struct vrrp_inst_globals {
	uint64_t garp_master_delay_us;
	unsigned garp_master_repeat;
	uint64_t garp_master_refresh_us;
	unsigned garp_master_refresh_repeat;
	struct vrrp_ip mcast_group4, mcast_group6;	/* AF_UNSPEC: default */
	bool check_unicast_src;
	bool skip_check_adv_addr;
	bool v3_checksum_as_v2;
	uint64_t garp_lower_prio_delay_us;
	unsigned garp_lower_prio_repeat;
	uint64_t garp_extra_if_us;		/* 0: off */
	bool garp_extra_if_all;
	unsigned down_timer_adverts;		/* 1..100 */
	bool lower_prio_no_advert;		/* already true in strict mode */
	bool higher_prio_send_advert;
	bool strict;				/* vrrp_strict */
	bool rx_ring;				/* vrrp_rx_ring: see vrrp_ring.h */
	/* vrrp_rx_bufs_policy: the receive buffer each instance asks of its
	 * socket when it has no kernel_rx_buf_size */
	enum vrrp_rx_bufs { VRRP_RXB_DEFAULT, VRRP_RXB_MTU, VRRP_RXB_ADVERT,
			    VRRP_RXB_SIZE } rx_bufs_policy;
	unsigned rx_bufs_size;			/* VRRP_RXB_SIZE */
	unsigned rx_bufs_multiplier;
	/* the no_accept firewall: nftables, or iptables and ipsets */
	struct vrrp_fw_conf fw;
};

struct vrrp_promote;

struct vrrp_inst;
typedef void (*vrrp_state_cb)(const struct vrrp_inst *vi, enum vrrp_state from,
			      enum vrrp_state to, void *arg);
/* Events that are no state change, for the notify scripts. */
enum vrrp_event {
	VRRP_EV_RX_LOWER,	/* as Master, heard a lower priority */
	VRRP_EV_PRIORITY,	/* the effective priority changed */
};
typedef void (*vrrp_event_cb)(const struct vrrp_inst *vi, enum vrrp_event ev,
			      void *arg);

/* What the runtime lends every instance.  DRAIN (may be NULL) reads and
 * dispatches whatever the instance's socket has queued: a backup whose
 * Master_Down_Timer fires calls it first, so an advert that is already
 * here keeps it from taking over.  Never from inside vrrp_inst_rx(): the
 * packet being handled is in the receive buffers a drain reuses. */
struct vrrp_inst_env {
	sd_event *e;
	struct vrrp_timerq *tq;		/* the instances' timers */
	struct nl_sock *nl;
	struct vrrp_garp *garp;
	struct vrrp_garp_rate *garp_rate;	/* paces garp; may be NULL */
	/* Told of each state change as it happens (before the VIPs of a new
	 * master are added); may be NULL. */
	vrrp_state_cb on_state;
	void *state_arg;
	vrrp_event_cb on_event;		/* likewise, with state_arg */
	struct vrrp_promote *promote;	/* promote_secondaries holds */
	void (*drain)(void *sock_ref);
	/* CLOCK_MONOTONIC usec at which the process began starting its
	 * instances (0: now).  Instances started in that first batch count
	 * their first Master_Down_Timer from it, together, so a daemon that
	 * needs a while to start 1,000 of them does not give its last ones
	 * a later deadline than its peer's. */
	uint64_t started;
	struct vrrp_fw *fw;		/* no_accept firewall; may be NULL */
	struct vrrp_tfiles *tfiles;	/* track_file watcher; may be NULL */
	struct vrrp_tprocs *tprocs;	/* track_process watcher; may be NULL */
	struct vrrp_tscripts *tscripts;	/* vrrp_script runner; may be NULL */
};

/* Why an instance is in FAULT (any bit set). */
#define VRRP_FAULT_LINK		0x1	/* its interface is down */
#define VRRP_FAULT_NOIF		0x2	/* its interface does not exist */
#define VRRP_FAULT_NOPEER	0x4	/* unicast_fault_no_peer, no peers */
#define VRRP_FAULT_TRACK	0x8	/* a weight-0 tracker failed */
#define VRRP_FAULT_SYNC		0x10	/* another sync group member's fault */
#define VRRP_FAULT_STATIC	0x20	/* a static address of its track_group
					 * is gone and cannot be restored */

struct vrrp_tracks;
struct vrrp_sync;

struct vrrp_inst {
	struct vrrp_inst *next;		/* the runtime's list */
	const struct vrrp_conf_instance *ci;
	/* The runtime's, the same for every instance: a copy each was
	 * 120 bytes times 1,000. */
	const struct vrrp_inst_env *env;
	/* Shared by every instance started under the same globals (the
	 * runtime keeps one copy per value): 1,000 instances would
	 * otherwise carry 1,000 copies of it. */
	const struct vrrp_inst_globals *g;

	/* From here to the timer: what an advert heard reads and writes,
	 * together in a few cache lines (a backup of 1,000 instances
	 * misses the cache on each instance it hears); the rest comes
	 * after.  The small members of both parts go together here, so
	 * that padding takes no room: the instance is allocated 1,000
	 * times, and every byte of it is a kilobyte. */
	int ifindex;
	sa_family_t family;
	uint8_t proto;			/* VRRP_PROTO or VRRP_PROTO_AH */
	uint8_t ttl;
	uint8_t mac[6];
	uint8_t nvips;
	/* What the receive checks (vrrp_packet_check()) need beyond the
	 * members they share with the rest, worked out once from the
	 * config by vrrp_inst_new(): the check's struct vrrp_rx_config is
	 * put together from them for each advert heard. */
	uint8_t rx_csum;		/* enum vrrp_csum_kind (v3 over IPv4) */
	uint8_t rx_auth_type;		/* enum vrrp_auth_type, v2 only */
	bool rx_owner_ignore : 1;	/* configured priority 255 */
	bool rx_check_unicast_src : 1;
	bool rx_check_addr_list : 1;
	bool link_up : 1;
	bool promoted : 1;		/* holds promote_secondaries */
	bool release : 1;		/* remove VIPs when stopping */
	bool post_vips, post_garp;	/* what post is to do */
	struct vrrp_ip group;		/* multicast destination */
	uint32_t release_master;
	uint32_t ah_seq;
	uint32_t npeers;
	unsigned fault;			/* VRRP_FAULT_* */
	struct vrrp_ip *peers;		/* unicast peers (copies) */
	uint8_t *vips;			/* packed, instance family; sized to
					 * fit: 1,000 instances of one VIP
					 * each stay small */

	/* Our source address is the machine's: fsm.cfg.primary. */
	struct vrrp_fsm fsm;
	struct vrrp_stats stats;
	uint64_t adverts_sent;
	/* vips when they fit (up to four IPv4 or one IPv6 address): every
	 * advert heard is checked against them, and a separate allocation
	 * per instance was a cache miss per advert for a busy backup. */
	uint8_t vips_inline[16];

	struct vrrp_sock *sock;		/* borrowed from the runtime */
	void *sock_ref;			/* the runtime's record of it */
	struct vrrp_timer timer;	/* on env->tq */

	sd_event_source *post;		/* VIPs and ARP of a new master, after
					 * every advert that is due (made
					 * when needed) */
	/* vrrp_garp_sched.c's timers, while one is armed (NULL: none) */
	struct vrrp_garp_timers *garp_timers;
	uint64_t last_transition;	/* CLOCK_REALTIME, usec */
	uint64_t up_since;		/* left Initialize (CLOCK_REALTIME,
					 * usec); 0: in it */
	/* use_vmac (vrrp_vmac.c): the VMAC made; NULL: none (most
	 * instances have none, so it is not carried by all) */
	struct vrrp_inst_vmac *vmac;
	struct vrrp_tracks *tracks;	/* vrrp_track.c; NULL: none */
	struct vrrp_sync *sync;		/* vrrp_sync.c; NULL: no group */
};

/* Resolve the interface and our address, pack the addresses, prepare the
 * receive checks.  The instance is in Initialize until vrrp_inst_start().
 * An interface that does not exist yet is no error: the instance waits
 * for it in FAULT (ifindex 0, no socket) until vrrp_inst_if_found().
 * env and g are not copied: they must outlive the instance (env->started
 * is read by vrrp_inst_start() only).
 * 0 or a negative errno (logged). */
int vrrp_inst_new(const struct vrrp_inst_env *env,
		  const struct vrrp_conf_instance *ci,
		  const struct vrrp_inst_globals *g, struct vrrp_inst **out);
/* Start with the socket the runtime chose.  A VIP of the config found on
 * the interface is removed unless the instance starts as master.
 * RESUME (the process was restarted after a crash): an instance whose
 * VIPs are all still in place resumes as master with them, at once and
 * without a failover; a peer that took over meanwhile wins the election
 * that follows its first advert, as the RFC's Master state says. */
void vrrp_inst_start(struct vrrp_inst *vi, struct vrrp_sock *sock, bool resume);
/* A decoded advert for this instance's VRID and family. */
void vrrp_inst_rx(struct vrrp_inst *vi, const struct vrrp_advert *a,
		  const struct vrrp_rx *rx);
/* The instance's interface became usable (true) or not. */
void vrrp_inst_link(struct vrrp_inst *vi, bool up);
/* Its interface appeared as IFINDEX (the runtime then lends a socket
 * with vrrp_inst_set_sock() and reports whether the link is up), or was
 * deleted: FAULT, socket gone, until it comes back. */
void vrrp_inst_if_found(struct vrrp_inst *vi, int ifindex);
void vrrp_inst_if_gone(struct vrrp_inst *vi);
void vrrp_inst_set_sock(struct vrrp_inst *vi, struct vrrp_sock *sock);
/* The interface a VIP goes on (its dev, else the instance's); 0 or less:
 * not there. */
int vrrp_inst_vip_ifindex(const struct vrrp_inst *vi, const struct vrrp_vip *v);

/* vrrp_garp_sched.c: when the addresses are announced (see there). */
void vrrp_garp_sched_master(struct vrrp_inst *vi);	/* became master */
void vrrp_garp_sched_resume(struct vrrp_inst *vi);	/* resumed as master */
void vrrp_garp_sched_lower_prio(struct vrrp_inst *vi);	/* heard a lower one */
void vrrp_garp_sched_stop(struct vrrp_inst *vi);	/* left master */
/* One announcement of every address now (DBus SendGarp): true when sent,
 * false when not master (only a master holds them). */
bool vrrp_garp_sched_now(struct vrrp_inst *vi);
void vrrp_garp_sched_free(struct vrrp_inst *vi);

/* vrrp_promote.c: net.ipv4.conf.IF.promote_secondaries, set while any
 * instance with promote_secondaries runs on IF and restored after the
 * last one leaves (as keepalived does). */
struct vrrp_promote *vrrp_promote_new(void);
void vrrp_promote_free(struct vrrp_promote *p);	/* restores; NULL fine */
int vrrp_promote_hold(struct vrrp_promote *p, int ifindex, const char *ifname);
/* GONE: the interface was deleted, there is nothing to restore. */
void vrrp_promote_release(struct vrrp_promote *p, int ifindex, bool gone);
/* Leave: a master sends priority 0 and (RELEASE) removes its VIPs. */
void vrrp_inst_stop(struct vrrp_inst *vi, bool release);
void vrrp_inst_free(struct vrrp_inst *vi);
/* Same config (after a reload that did not change it). */
void vrrp_inst_set_conf(struct vrrp_inst *vi, const struct vrrp_conf_instance *ci);

/* Hooks for the trackers and sync groups (vrrp_track.c, vrrp_sync.c). */
/* The trackers' verdict: FAULT (VRRP_FAULT_TRACK) or not, and the
 * effective priority; applied where it differs. */
void vrrp_inst_track_result(struct vrrp_inst *vi, bool fault, uint8_t prio);
/* Add (ON) or clear fault reasons. */
void vrrp_inst_set_fault(struct vrrp_inst *vi, unsigned bits, bool on);
/* A Backup follows its group to Master; a Master follows it to Backup. */
void vrrp_inst_sync_master(struct vrrp_inst *vi);
void vrrp_inst_sync_backup(struct vrrp_inst *vi);

/* The operator's demote (ON) or promote (vrrp_fsm_demote). */
void vrrp_inst_demote(struct vrrp_inst *vi, bool on);

/* An address as text ("none" when unset), for logs and dumps. */
const char *vrrp_ip_str(const struct vrrp_ip *ip, char *buf, size_t len);
void vrrp_inst_dump(const struct vrrp_inst *vi, FILE *out);
/* Zero the instance's counters (DBus PrintStatsClear). */
void vrrp_inst_clear_stats(struct vrrp_inst *vi);
struct json_object *vrrp_inst_json(const struct vrrp_inst *vi);

#endif
