/*
 * The VRRPv3-MIB of RFC 6527 from the running instances, read-only (a
 * SET is refused as notWritable: the config file is the one source of
 * truth), and the subagent's life in the vrrp process.
 *
 * Rows: one per instance that has an interface (the index starts with
 * its ifIndex), VRRPv2 instances included, with the family's
 * InetAddressType; an instance whose interface is missing has no row
 * until it appears.  FAULT has no value of its own in
 * vrrpv3OperationsStatus and reads initialize(1), as a router with its
 * interface down is in the RFC.  The router-wide error counters add the
 * instances' own to the packets no instance could be named for.
 *
 * vrrpv3NewMaster goes out when an instance becomes master;
 * vrrpv3ProtoError when an instance's TTL, version or checksum error
 * counters moved, found by a once-a-second look (the receive path is
 * not burdened with SNMP, and a flood of bad packets costs one
 * notification a second, not one per packet).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "lib/log.h"
#include "vrrp/vrrp_snmp.h"
#include "vrrp/vrrp_snmp_int.h"

#define V3_MIB		1, 3, 6, 1, 2, 1, 207
#define PROTO_POLL_USEC	(1000 * 1000ULL)

static const snmp_subid v3_objects[] = { V3_MIB, 1 };
static const snmp_subid ops_entry[] = { V3_MIB, 1, 1, 1, 1 };
static const snmp_subid addr_entry[] = { V3_MIB, 1, 1, 2, 1 };
static const snmp_subid global_stats[] = { V3_MIB, 1, 2 };
static const snmp_subid stats_entry[] = { V3_MIB, 1, 2, 5, 1 };
static const snmp_subid trap_new_master[] = { V3_MIB, 0, 1 };
static const snmp_subid trap_proto_error[] = { V3_MIB, 0, 2 };
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

struct proto_seen {
	const struct vrrp_inst *vi;
	uint64_t errors;
};

static struct {
	struct vrrp_run *run;
	struct vrrp_snmp_opts o;	/* what is served (socket unused) */
	sd_event *e;
	sd_event_source *poll;
	struct proto_seen *seen;
	size_t nseen;
} vs;

int vrrp_snmp_state_value(enum vrrp_state s, bool rfc)
{
	switch (s) {
	case VRRP_STATE_BACKUP:
		return 2;
	case VRRP_STATE_MASTER:
		return 3;
	case VRRP_STATE_FAULT:
		return rfc ? 1 : 4;
	default:
		return 1;
	}
}

uint64_t vrrp_snmp_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void vrrp_snmp_router_errors(struct vrrp_run *run, uint64_t err[3])
{
	const struct vrrp_router_stats *rs = vrrp_run_router_stats(run);

	err[0] = rs ? rs->checksum_errors : 0;
	err[1] = rs ? rs->version_errors : 0;
	err[2] = rs ? rs->vrid_errors : 0;
	for (const struct vrrp_inst *vi = vrrp_run_first(run); vi; vi = vi->next) {
		err[0] += vi->stats.checksum_errors;
		err[1] += vi->stats.version_errors;
	}
}

uint64_t vrrp_snmp_up_cs(const struct vrrp_inst *vi, uint64_t now)
{
	uint64_t up = vi->up_since ? vi->up_since : vi->last_transition;

	return vi->fsm.state == VRRP_STATE_INIT || !up || up > now ? 0
	       : (now - up) / 10000;
}

/* ifIndex, VrId, InetAddrType */
static bool row_index(const struct vrrp_inst *vi, struct snmp_idx *x)
{
	if (vi->ifindex <= 0 || !vi->ci)
		return false;
	snmp_idx_init(x);
	snmp_idx_int(x, (unsigned long)vi->ifindex);
	snmp_idx_int(x, vi->ci->vrid);
	snmp_idx_int(x, (unsigned long)snmp_inet_type(vi->family));
	return true;
}

static size_t alen(sa_family_t f)
{
	return f == AF_INET ? 4 : f == AF_INET6 ? 16 : 0;
}

static void fill_ops(struct snmp_view *w, const struct vrrp_inst *vi,
		     const struct snmp_idx *x, uint64_t now)
{
	const struct vrrp_ip *m = &vi->fsm.master_addr;
	uint8_t mac[6];
	uint64_t adv = vi->ci->advert_int_us / 10000;

	/* 3 MasterIpAddr: none known (Initialize, or a backup that has
	 * heard no one yet): the zero-length address */
	snmp_view_octets(w, ops_entry, LEN(ops_entry), 3, x, &m->u,
			 m->family == vi->family ? alen(m->family) : 0);
	snmp_view_octets(w, ops_entry, LEN(ops_entry), 4, x, &vi->fsm.cfg.primary.u,
			 alen(vi->fsm.cfg.primary.family));
	vrrp_conf_vmac_mac(vi->ci, vi->family == AF_INET6, mac);
	snmp_view_octets(w, ops_entry, LEN(ops_entry), 5, x, mac, sizeof(mac));
	snmp_view_int(w, ops_entry, LEN(ops_entry), 6, x,
		      vrrp_snmp_state_value(vi->fsm.state, true));
	snmp_view_uint(w, ops_entry, LEN(ops_entry), 7, x, SNMP_CELL_GAUGE32,
		       vi->fsm.cfg.priority);
	snmp_view_int(w, ops_entry, LEN(ops_entry), 8, x, vi->nvips);
	snmp_view_int(w, ops_entry, LEN(ops_entry), 9, x,
		      adv < 1 ? 1 : adv > 4095 ? 4095 : (int64_t)adv);
	snmp_view_int(w, ops_entry, LEN(ops_entry), 10, x,
		      vi->fsm.cfg.nopreempt ? 2 : 1);
	snmp_view_int(w, ops_entry, LEN(ops_entry), 11, x,
		      vi->ci->accept ? 1 : 2);
	snmp_view_uint(w, ops_entry, LEN(ops_entry), 12, x,
		       SNMP_CELL_TIMETICKS, vrrp_snmp_up_cs(vi, now));
	snmp_view_int(w, ops_entry, LEN(ops_entry), 13, x, 1);	/* active */
}

static void fill_addrs(struct snmp_view *w, const struct vrrp_inst *vi,
		       const struct snmp_idx *x)
{
	size_t l = alen(vi->family);

	for (size_t i = 0; l && i < vi->nvips; i++) {
		struct snmp_idx a = *x;

		snmp_idx_octets(&a, vi->vips + i * l, l);
		snmp_view_int(w, addr_entry, LEN(addr_entry), 2, &a, 1);
	}
}

static void fill_stats(struct snmp_view *w, const struct vrrp_inst *vi,
		       const struct snmp_idx *x)
{
	const struct vrrp_stats *s = &vi->stats;
	const uint64_t c64[] = {
		[3] = s->rcvd_advertisements, [4] = s->adv_interval_errors,
		[5] = s->ip_ttl_errors, [7] = s->rcvd_pri_zero,
		[8] = s->sent_pri_zero, [9] = s->rcvd_invalid_type,
		[10] = s->address_list_errors, [11] = s->packet_length_errors,
	};

	snmp_view_uint(w, stats_entry, LEN(stats_entry), 1, x,
		       SNMP_CELL_COUNTER32, s->master_transitions);
	snmp_view_int(w, stats_entry, LEN(stats_entry), 2, x,
		      s->new_master_reason);
	snmp_view_int(w, stats_entry, LEN(stats_entry), 6, x,
		      s->proto_err_reason);
	for (unsigned c = 3; c <= 11; c++)
		if (c != 6)
			snmp_view_uint(w, stats_entry, LEN(stats_entry), c, x,
				       SNMP_CELL_COUNTER64, c64[c]);
	snmp_view_uint(w, stats_entry, LEN(stats_entry), 12, x,
		       SNMP_CELL_TIMETICKS, 0);
	snmp_view_uint(w, stats_entry, LEN(stats_entry), 13, x,
		       SNMP_CELL_GAUGE32, SNMP_AGENT_CACHE_USEC / 1000);
}

static void fill_v3(struct snmp_view *w, void *arg)
{
	struct vrrp_run *run = arg;
	uint64_t err[3];
	uint64_t now = vrrp_snmp_now_us();

	for (const struct vrrp_inst *vi = vrrp_run_first(run); vi; vi = vi->next) {
		struct snmp_idx x;

		if (!row_index(vi, &x))
			continue;
		fill_ops(w, vi, &x, now);
		fill_addrs(w, vi, &x);
		fill_stats(w, vi, &x);
	}
	vrrp_snmp_router_errors(run, err);
	for (unsigned i = 0; i < 3; i++)
		snmp_view_uint(w, global_stats, LEN(global_stats), i + 1, NULL,
			       SNMP_CELL_COUNTER64, err[i]);
	snmp_view_uint(w, global_stats, LEN(global_stats), 4, NULL,
		       SNMP_CELL_TIMETICKS, 0);
}

/* ------------------------------------------------------ notifications */

static void new_master(const struct vrrp_inst *vi)
{
	struct snmp_idx x;
	snmp_subid name[SNMP_VIEW_MAXOID];
	struct snmp_notify *n;
	size_t l;

	if (!row_index(vi, &x))
		return;
	n = snmp_notify_new(trap_new_master, LEN(trap_new_master));
	l = snmp_oid_cell(name, ops_entry, LEN(ops_entry), 3, &x);
	/* as master, the master address is ours */
	snmp_notify_octets(n, name, l, &vi->fsm.cfg.primary.u, alen(vi->fsm.cfg.primary.family));
	l = snmp_oid_cell(name, stats_entry, LEN(stats_entry), 2, &x);
	snmp_notify_int(n, name, l, vi->stats.new_master_reason);
	snmp_notify_send(n);
}

static uint64_t proto_errors(const struct vrrp_inst *vi)
{
	return vi->stats.ip_ttl_errors + vi->stats.version_errors +
	       vi->stats.checksum_errors;
}

static void proto_error(const struct vrrp_inst *vi)
{
	struct snmp_idx x;
	snmp_subid name[SNMP_VIEW_MAXOID];
	struct snmp_notify *n;
	size_t l;

	if (!row_index(vi, &x))
		return;
	n = snmp_notify_new(trap_proto_error, LEN(trap_proto_error));
	l = snmp_oid_cell(name, stats_entry, LEN(stats_entry), 6, &x);
	snmp_notify_int(n, name, l, vi->stats.proto_err_reason);
	snmp_notify_send(n);
}

static uint64_t seen_errors(const struct vrrp_inst *vi, size_t pos)
{
	if (pos < vs.nseen && vs.seen[pos].vi == vi)
		return vs.seen[pos].errors;
	for (size_t i = 0; i < vs.nseen; i++)
		if (vs.seen[i].vi == vi)
			return vs.seen[i].errors;
	return UINT64_MAX;	/* new: not an error yet */
}

/* Compare every instance's error count with the last look. */
static void proto_look(bool send)
{
	size_t n = 0, i = 0;
	struct proto_seen *now;

	for (const struct vrrp_inst *vi = vrrp_run_first(vs.run); vi; vi = vi->next)
		n++;
	now = calloc(n ? n : 1, sizeof(*now));
	if (!now)
		return;
	for (const struct vrrp_inst *vi = vrrp_run_first(vs.run); vi;
	     vi = vi->next, i++) {
		uint64_t before = seen_errors(vi, i);

		now[i].vi = vi;
		now[i].errors = proto_errors(vi);
		if (send && before != UINT64_MAX && now[i].errors > before)
			proto_error(vi);
	}
	free(vs.seen);
	vs.seen = now;
	vs.nseen = n;
}

static int on_poll(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)ud;
	proto_look(true);
	sd_event_source_set_time(s, usec + PROTO_POLL_USEC);
	return 0;
}

void vrrp_snmp_state(const struct vrrp_inst *vi, enum vrrp_state from,
		     enum vrrp_state to)
{
	(void)from;
	if (!snmp_agent_started() || !vs.o.traps)
		return;
	if (vs.o.rfcv3 && to == VRRP_STATE_MASTER)
		new_master(vi);
	if (vs.o.rfcv2 && to == VRRP_STATE_MASTER)
		vrrp_snmp_v2_new_master(vi);
	if (vs.o.tandem)
		vrrp_snmp_tandem_trap(vs.run, vi, to);
}

/* ------------------------------------------------------------- life */

static void poll_set(sd_event *e, bool on)
{
	uint64_t now = 0;

	if (!on) {
		vs.poll = sd_event_source_disable_unref(vs.poll);
		return;
	}
	proto_look(false);
	if (vs.poll)
		return;
	sd_event_now(e, CLOCK_MONOTONIC, &now);
	if (sd_event_add_time(e, &vs.poll, CLOCK_MONOTONIC,
			      now + PROTO_POLL_USEC, 100 * 1000, on_poll,
			      NULL) >= 0)
		sd_event_source_set_enabled(vs.poll, SD_EVENT_ON);
	else
		vs.poll = NULL;
}

void vrrp_snmp_stop(void)
{
	poll_set(NULL, false);
	free(vs.seen);
	vs.seen = NULL;
	vs.nseen = 0;
	snmp_agent_stop();
	memset(&vs.o, 0, sizeof(vs.o));
	vs.run = NULL;
}

/* The subagent, once started, stays for the life of the process (see
 * snmp_agent.h): a reload only changes what it serves. */
void vrrp_snmp_set(sd_event *e, struct vrrp_run *run,
		   const struct vrrp_snmp_opts *o)
{
	bool same = snmp_agent_started() && vs.run == run &&
		    vs.o.rfcv3 == o->rfcv3 && vs.o.rfcv2 == o->rfcv2 &&
		    vs.o.tandem == o->tandem;

	vs.e = e;
	if (!same) {
		snmp_agent_unregister_all();
		vs.run = run;
		vs.o.rfcv3 = vs.o.rfcv2 = vs.o.tandem = false;
		if ((o->rfcv3 || o->rfcv2 || o->tandem) &&
		    snmp_agent_start(e, "tandem-vrrp", o->socket) == 0) {
			vs.o.rfcv3 = o->rfcv3 &&
				snmp_agent_register("VRRPV3-MIB", v3_objects,
						    LEN(v3_objects), fill_v3,
						    run) == 0;
			vs.o.rfcv2 = o->rfcv2 &&
				snmp_agent_register("VRRP-MIB",
						    vrrp_snmp_v2_root,
						    vrrp_snmp_v2_rootlen,
						    vrrp_snmp_v2_fill,
						    run) == 0;
			vs.o.tandem = o->tandem &&
				snmp_agent_register("TANDEM-MIB-vrrp",
						    vrrp_snmp_tandem_root,
						    vrrp_snmp_tandem_rootlen,
						    vrrp_snmp_tandem_fill,
						    run) == 0;
		}
	} else {
		snmp_agent_start(e, "tandem-vrrp", o->socket);	/* says a new socket */
	}
	/* the instances behind the views may have been replaced */
	snmp_agent_invalidate();
	vs.o.traps = o->traps;
	vrrp_snmp_v2_traps(o->traps);
	poll_set(e, vs.o.rfcv3 && vs.o.traps);
}
