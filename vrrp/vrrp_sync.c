/*
 * Sync groups at run time (see vrrp_sync.h).
 *
 * The group keeps only its member list: every rule is applied from the
 * members' own states and fault bits, so there is no group state to get
 * out of step with them.  Forcing a member goes through the instance's
 * usual entry points (vrrp_inst_set_fault, vrrp_inst_sync_master /
 * _backup), so its actions (adverts, addresses, ARP, logs, notices) are
 * the ones any other transition has.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_sync.h"

struct vrrp_sync {
	struct vrrp_sync *next;
	char *name;
	struct vrrp_inst **m;
	size_t n;
	bool busy;
};

static bool own_fault(const struct vrrp_inst *vi)
{
	return (vi->fault & ~VRRP_FAULT_SYNC) != 0;
}

int vrrp_sync_join(struct vrrp_sync **list, struct vrrp_inst *vi)
{
	const char *name = vrrp_conf_inst_sync_group(vi->ci);
	struct vrrp_sync *g;
	struct vrrp_inst **grown;

	if (!name)
		return 0;
	for (g = *list; g && strcmp(g->name, name); g = g->next)
		;
	if (!g) {
		if (!(g = calloc(1, sizeof(*g))) || !(g->name = strdup(name))) {
			free(g);
			return -ENOMEM;
		}
		g->next = *list;
		*list = g;
	}
	if (!(grown = realloc(g->m, (g->n + 1) * sizeof(*grown))))
		return -ENOMEM;
	g->m = grown;
	g->m[g->n++] = vi;
	vi->sync = g;
	/* Not started yet: its bits are set, the machine hears of them at
	 * start. */
	if (vrrp_sync_fault_elsewhere(vi))
		vi->fault |= VRRP_FAULT_SYNC;
	vrrp_sync_faults(vi);
	return 0;
}

void vrrp_sync_leave(struct vrrp_sync **list, struct vrrp_inst *vi)
{
	struct vrrp_sync *g = vi->sync;

	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		if (g->m[i] == vi) {
			g->m[i] = g->m[--g->n];
			break;
		}
	vi->sync = NULL;
	if (g->n) {
		/* Its faults no longer hold the others down. */
		vrrp_sync_faults(g->m[0]);
		return;
	}
	for (struct vrrp_sync **p = list; *p; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			break;
		}
	free(g->m);
	free(g->name);
	free(g);
}

bool vrrp_sync_fault_elsewhere(const struct vrrp_inst *vi)
{
	const struct vrrp_sync *g = vi->sync;

	for (size_t i = 0; g && i < g->n; i++)
		if (g->m[i] != vi && own_fault(g->m[i]))
			return true;
	return false;
}

void vrrp_sync_faults(struct vrrp_inst *vi)
{
	struct vrrp_sync *g = vi->sync;
	bool any = false;

	if (!g || g->busy)
		return;
	for (size_t i = 0; i < g->n; i++)
		any |= own_fault(g->m[i]);
	g->busy = true;
	for (size_t i = 0; i < g->n; i++)
		if (g->m[i] != vi && !!(g->m[i]->fault & VRRP_FAULT_SYNC) != any) {
			log_info("VRRP_Group(%s) %s member %s", g->name,
				 any ? "fault: taking down" : "no fault left: "
				 "releasing", g->m[i]->ci->name);
			vrrp_inst_set_fault(g->m[i], VRRP_FAULT_SYNC, any);
		}
	g->busy = false;
}

void vrrp_sync_state(struct vrrp_inst *vi, enum vrrp_state from,
		     enum vrrp_state to)
{
	struct vrrp_sync *g = vi->sync;
	bool master = false;

	if (!g || g->busy)
		return;
	g->busy = true;
	if (to == VRRP_STATE_MASTER) {
		for (size_t i = 0; i < g->n; i++)
			if (g->m[i] != vi &&
			    g->m[i]->fsm.state == VRRP_STATE_BACKUP) {
				log_info("VRRP_Group(%s) %s is master: %s "
					 "follows", g->name, vi->ci->name,
					 g->m[i]->ci->name);
				vrrp_inst_sync_master(g->m[i]);
			}
	} else if (from == VRRP_STATE_MASTER && to == VRRP_STATE_BACKUP) {
		for (size_t i = 0; i < g->n; i++)
			if (g->m[i] != vi &&
			    g->m[i]->fsm.state == VRRP_STATE_MASTER) {
				log_info("VRRP_Group(%s) %s went back to "
					 "backup: %s follows", g->name,
					 vi->ci->name, g->m[i]->ci->name);
				vrrp_inst_sync_backup(g->m[i]);
			}
	} else if (to == VRRP_STATE_BACKUP) {
		/* A member that starts (or leaves FAULT) while the group is
		 * master joins it. */
		for (size_t i = 0; i < g->n; i++)
			master |= g->m[i] != vi &&
				  g->m[i]->fsm.state == VRRP_STATE_MASTER;
		if (master)
			vrrp_inst_sync_master(vi);
	}
	g->busy = false;
}
