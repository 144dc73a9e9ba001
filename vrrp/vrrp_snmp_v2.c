/*
 * RFC 2787's VRRP-MIB (mib-2 68), read-only, served with
 * enable_snmp_rfcv2 (or enable_snmp_rfc) for the managers that predate
 * the VRRPv3-MIB.  Its addresses are IpAddress, so only IPv4 instances
 * have rows (VRRPv3 ones included: the MIB has no version column).
 * FAULT reads initialize, as in the VRRPv3-MIB; the authentication key
 * reads as the empty string, as the RFC asks; vrrpOperAdminState is
 * always up (an instance that runs is enabled: the config says so).
 * vrrpTrapNewMaster goes out when an instance becomes master;
 * vrrpTrapAuthFailure is not sent (the receive path keeps no source
 * address for it; the counters are there).
 */
#include <sys/socket.h>

#include "vrrp/vrrp_snmp.h"
#include "vrrp/vrrp_snmp_int.h"

#define LEN(a)		(sizeof(a) / sizeof((a)[0]))
#define V2_MIB		1, 3, 6, 1, 2, 1, 68

const snmp_subid vrrp_snmp_v2_root[] = { V2_MIB };
const size_t vrrp_snmp_v2_rootlen = LEN(vrrp_snmp_v2_root);
static const snmp_subid operations[] = { V2_MIB, 1 };
static const snmp_subid oper_entry[] = { V2_MIB, 1, 3, 1 };
static const snmp_subid addr_entry[] = { V2_MIB, 1, 4, 1 };
static const snmp_subid statistics[] = { V2_MIB, 2 };
static const snmp_subid stats_entry[] = { V2_MIB, 2, 4, 1 };
static const snmp_subid trap_new_master[] = { V2_MIB, 0, 1 };

static bool traps;

void vrrp_snmp_v2_traps(bool on)
{
	traps = on;
}

/* ifIndex, VrId */
static bool row_index(const struct vrrp_inst *vi, struct snmp_idx *x)
{
	if (vi->ifindex <= 0 || !vi->ci || vi->family != AF_INET)
		return false;
	snmp_idx_init(x);
	snmp_idx_int(x, (unsigned long)vi->ifindex);
	snmp_idx_int(x, vi->ci->vrid);
	return true;
}

static int auth_value(const struct vrrp_inst *vi)
{
	if (vi->fsm.cfg.version != 2)
		return 1;
	return vi->ci->auth_type == VRRP_CONF_AUTH_PASS ? 2
	     : vi->ci->auth_type == VRRP_CONF_AUTH_AH ? 3 : 1;
}

static void oper_row(struct snmp_view *w, const struct vrrp_inst *vi,
		     const struct snmp_idx *x, uint64_t now)
{
	const snmp_subid *e = oper_entry;
	size_t el = LEN(oper_entry);
	static const uint8_t none[4];
	const struct vrrp_ip *m = &vi->fsm.master_addr;
	uint8_t mac[6];
	uint64_t adv = (vi->ci->advert_int_us + 500000) / 1000000;
	uint64_t up = vrrp_snmp_up_cs(vi, now), sys = snmp_agent_uptime();

	vrrp_conf_vmac_mac(vi->ci, false, mac);
	snmp_view_octets(w, e, el, 2, x, mac, sizeof(mac));
	snmp_view_int(w, e, el, 3, x, vrrp_snmp_state_value(vi->fsm.state,
							    true));
	snmp_view_int(w, e, el, 4, x, 1);
	snmp_view_int(w, e, el, 5, x, vi->fsm.cfg.priority);
	snmp_view_int(w, e, el, 6, x, vi->nvips);
	snmp_view_ipaddr(w, e, el, 7, x,
			 m->family == AF_INET ? (const void *)&m->u.v4 : none);
	snmp_view_ipaddr(w, e, el, 8, x, vi->fsm.cfg.primary.family == AF_INET
			 ? (const void *)&vi->fsm.cfg.primary.u.v4 : none);
	snmp_view_int(w, e, el, 9, x, auth_value(vi));
	snmp_view_octets(w, e, el, 10, x, "", 0);
	snmp_view_int(w, e, el, 11, x, adv < 1 ? 1 : adv > 255 ? 255
		      : (int64_t)adv);
	snmp_view_int(w, e, el, 12, x, vi->fsm.cfg.nopreempt ? 2 : 1);
	/* TimeStamp: sysUpTime when it left Initialize */
	snmp_view_uint(w, e, el, 13, x, SNMP_CELL_TIMETICKS,
		       up && sys > up ? sys - up : 0);
	snmp_view_int(w, e, el, 14, x, 1);	/* ip */
	snmp_view_int(w, e, el, 15, x, 1);	/* active */
}

static void stats_row(struct snmp_view *w, const struct vrrp_inst *vi,
		      const struct snmp_idx *x)
{
	const struct vrrp_stats *s = &vi->stats;
	const uint64_t v[] = {
		s->master_transitions, s->rcvd_advertisements,
		s->adv_interval_errors, s->auth_failures, s->ip_ttl_errors,
		s->rcvd_pri_zero, s->sent_pri_zero, s->rcvd_invalid_type,
		s->address_list_errors, s->invalid_auth_type,
		s->auth_type_mismatch, s->packet_length_errors,
	};

	for (unsigned i = 0; i < LEN(v); i++)
		snmp_view_uint(w, stats_entry, LEN(stats_entry), i + 1, x,
			       SNMP_CELL_COUNTER32, v[i]);
}

void vrrp_snmp_v2_fill(struct snmp_view *w, void *arg)
{
	struct vrrp_run *run = arg;
	uint64_t err[3], now = vrrp_snmp_now_us();

	snmp_view_int(w, operations, LEN(operations), 1, NULL, 2);
	snmp_view_int(w, operations, LEN(operations), 2, NULL, traps ? 1 : 2);
	for (const struct vrrp_inst *vi = vrrp_run_first(run); vi; vi = vi->next) {
		struct snmp_idx x;
		size_t l = 4;

		if (!row_index(vi, &x))
			continue;
		oper_row(w, vi, &x, now);
		stats_row(w, vi, &x);
		for (size_t i = 0; i < vi->nvips; i++) {
			struct snmp_idx a = x;

			snmp_idx_ipv4(&a, vi->vips + i * l);
			snmp_view_int(w, addr_entry, LEN(addr_entry), 2, &a, 1);
		}
	}
	vrrp_snmp_router_errors(run, err);
	for (unsigned i = 0; i < 3; i++)
		snmp_view_uint(w, statistics, LEN(statistics), i + 1, NULL,
			       SNMP_CELL_COUNTER32, err[i]);
}

void vrrp_snmp_v2_new_master(const struct vrrp_inst *vi)
{
	struct snmp_idx x;
	snmp_subid name[SNMP_VIEW_MAXOID];
	struct snmp_notify *n;
	size_t l;

	if (!row_index(vi, &x) || vi->fsm.cfg.primary.family != AF_INET)
		return;
	n = snmp_notify_new(trap_new_master, LEN(trap_new_master));
	l = snmp_oid_cell(name, oper_entry, LEN(oper_entry), 7, &x);
	snmp_notify_ipaddr(n, name, l, &vi->fsm.cfg.primary.u.v4);
	snmp_notify_send(n);
}
