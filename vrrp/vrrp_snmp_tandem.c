/*
 * The VRRP part of the tandem MIB (doc/TANDEM-MIB.txt), served with
 * enable_snmp_vrrp: one row per running instance, by name, with what
 * the VRRPv3-MIB has no room for (the name, FAULT, the configured and
 * the effective priority, the sync group).  Rows are numbered in the
 * process's instance order, so a number may change at a reload; the
 * name is the stable key and is in every notification.
 */
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_snmp.h"
#include "vrrp/vrrp_snmp_int.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

const snmp_subid vrrp_snmp_tandem_root[] = { SNMP_TANDEM_MIB, 1, 1 };
const size_t vrrp_snmp_tandem_rootlen = LEN(vrrp_snmp_tandem_root);
static const snmp_subid inst_entry[] = { SNMP_TANDEM_MIB, 1, 1, 1, 1 };
static const snmp_subid trap_state[] = { SNMP_TANDEM_MIB, 0, 1 };

static void row(struct snmp_view *w, const struct vrrp_inst *vi,
		unsigned long pos, uint64_t now)
{
	struct snmp_idx x;
	const struct vrrp_ip *m = &vi->fsm.master_addr;
	size_t mlen = m->family == AF_INET ? 4 : m->family == AF_INET6 ? 16 : 0;
	const snmp_subid *e = inst_entry;
	size_t el = LEN(inst_entry);

	snmp_idx_init(&x);
	snmp_idx_int(&x, pos);
	snmp_view_str(w, e, el, 2, &x, vi->ci->name);
	snmp_view_int(w, e, el, 3, &x, vrrp_snmp_state_value(vi->fsm.state,
							     false));
	snmp_view_uint(w, e, el, 4, &x, SNMP_CELL_GAUGE32, vi->ci->priority);
	snmp_view_uint(w, e, el, 5, &x, SNMP_CELL_GAUGE32,
		       vi->fsm.cfg.priority);
	snmp_view_int(w, e, el, 6, &x, vi->ci->vrid);
	snmp_view_str(w, e, el, 7, &x, vi->ci->interface);
	snmp_view_int(w, e, el, 8, &x, vi->fsm.cfg.version);
	snmp_view_int(w, e, el, 9, &x, mlen ? snmp_inet_type(m->family) : 0);
	snmp_view_octets(w, e, el, 10, &x, &m->u, mlen);
	snmp_view_uint(w, e, el, 11, &x, SNMP_CELL_TIMETICKS,
		       vi->last_transition && vi->last_transition < now
		       ? (now - vi->last_transition) / 10000 : 0);
	snmp_view_str(w, e, el, 12, &x, vi->ci->sg ? vi->ci->sg->name : "");
	snmp_view_int(w, e, el, 13, &x, vi->nvips);
}

void vrrp_snmp_tandem_fill(struct snmp_view *w, void *arg)
{
	unsigned long pos = 1;
	uint64_t now = vrrp_snmp_now_us();

	for (const struct vrrp_inst *vi = vrrp_run_first(arg); vi;
	     vi = vi->next, pos++)
		row(w, vi, pos, now);
}

void vrrp_snmp_tandem_trap(struct vrrp_run *run, const struct vrrp_inst *vi,
			   enum vrrp_state to)
{
	unsigned long pos = 1;
	struct snmp_idx x;
	snmp_subid name[SNMP_VIEW_MAXOID];
	struct snmp_notify *n;
	size_t l;

	for (const struct vrrp_inst *p = vrrp_run_first(run); p && p != vi;
	     p = p->next)
		pos++;
	snmp_idx_init(&x);
	snmp_idx_int(&x, pos);
	n = snmp_notify_new(trap_state, LEN(trap_state));
	l = snmp_oid_cell(name, inst_entry, LEN(inst_entry), 2, &x);
	snmp_notify_octets(n, name, l, vi->ci->name, strlen(vi->ci->name));
	l = snmp_oid_cell(name, inst_entry, LEN(inst_entry), 3, &x);
	snmp_notify_int(n, name, l, vrrp_snmp_state_value(to, false));
	snmp_notify_send(n);
}
