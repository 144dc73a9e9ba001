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
#include "vrrp/vrrp_packet.h"
#include "vrrp/vrrp_sock.h"

struct json_object;
struct nl_sock;
struct vrrp_garp;

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
};

/* What the runtime lends every instance.  DRAIN (may be NULL) reads and
 * dispatches whatever the instance's socket has queued: a backup whose
 * Master_Down_Timer fires calls it first, so an advert that is already
 * here keeps it from taking over. */
struct vrrp_inst_env {
	sd_event *e;
	struct nl_sock *nl;
	struct vrrp_garp *garp;
	void (*drain)(void *sock_ref);
	/* CLOCK_MONOTONIC usec at which the process began starting its
	 * instances (0: now).  Instances started in that first batch count
	 * their first Master_Down_Timer from it, together, so a daemon that
	 * needs a while to start 1,000 of them does not give its last ones
	 * a later deadline than its peer's. */
	uint64_t started;
};

struct vrrp_inst {
	struct vrrp_inst *next;		/* the runtime's list */
	const struct vrrp_conf_instance *ci;
	struct vrrp_inst_env env;
	struct vrrp_inst_globals g;

	int ifindex;
	uint8_t mac[6];
	bool link_up;
	sa_family_t family;
	uint8_t proto;			/* VRRP_PROTO or VRRP_PROTO_AH */
	struct vrrp_ip primary;		/* our source address */
	struct vrrp_ip group;		/* multicast destination */
	struct vrrp_ip *peers;		/* unicast peers (copies) */
	size_t npeers;
	uint8_t ttl;

	struct vrrp_fsm fsm;
	struct vrrp_stats stats;
	uint64_t adverts_sent;
	uint32_t release_master;
	uint8_t *vips;			/* packed, instance family; sized to
					 * fit: 1,000 instances of one VIP
					 * each stay small */
	uint8_t nvips;
	uint8_t auth_key[VRRP_AUTH_LEN];
	uint32_t ah_seq;
	struct vrrp_rx_config rxc;

	struct vrrp_sock *sock;		/* borrowed from the runtime */
	void *sock_ref;			/* the runtime's record of it */
	sd_event_source *timer;
	sd_event_source *garp_timer;
	int garp_phase;			/* 1: after delay; 2: refresh */
	sd_event_source *post;		/* VIPs and ARP of a new master, */
	bool post_vips, post_garp;	/* after every advert that is due */
	uint64_t last_transition;	/* CLOCK_REALTIME, usec */
	bool release;			/* remove VIPs when stopping */
};

/* Resolve the interface and our address, pack the addresses, prepare the
 * receive checks.  The instance is in Initialize until vrrp_inst_start().
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
/* Leave: a master sends priority 0 and (RELEASE) removes its VIPs. */
void vrrp_inst_stop(struct vrrp_inst *vi, bool release);
void vrrp_inst_free(struct vrrp_inst *vi);
/* Same config (after a reload that did not change it). */
void vrrp_inst_set_conf(struct vrrp_inst *vi, const struct vrrp_conf_instance *ci);

void vrrp_inst_dump(const struct vrrp_inst *vi, FILE *out);
struct json_object *vrrp_inst_json(const struct vrrp_inst *vi);

#endif
