/*
 * Sync groups at run time: the members of a vrrp_sync_group change state
 * together, as keepalived's do.
 *
 *   - FAULT: while any member has a fault of its own (link, tracker,
 *     missing interface...), every other member is in FAULT too, for the
 *     reason VRRP_FAULT_SYNC; when the last own fault clears they all
 *     leave FAULT together.
 *   - MASTER: a member that becomes Master takes the others with it (a
 *     Backup member becomes Master at once).
 *   - BACKUP: a Master member that steps down (it heard a better master)
 *     takes the other Master members down with it.
 *
 * The runtime (vrrp_run.c) owns the groups; instances call in from their
 * state and fault changes (small hooks in vrrp_inst.c).  A group is busy
 * while it moves its members, so the moves they make in turn do not
 * re-enter it.
 */
#ifndef TANDEM_VRRP_SYNC_H
#define TANDEM_VRRP_SYNC_H

#include <stdbool.h>
#include <stdio.h>

#include "vrrp/vrrp_fsm.h"

struct json_object;
struct vrrp_inst;
struct vrrp_sync;

/* VI joins the group its config names (created on first use) in *LIST;
 * call before vrrp_inst_start().  0 or -ENOMEM. */
int vrrp_sync_join(struct vrrp_sync **list, struct vrrp_inst *vi);
/* VI leaves (it is being removed); the group is freed after its last
 * member. */
void vrrp_sync_leave(struct vrrp_sync **list, struct vrrp_inst *vi);
/* Has another member of VI's group a fault of its own? */
bool vrrp_sync_fault_elsewhere(const struct vrrp_inst *vi);
/* VI's faults changed: bring the other members' VRRP_FAULT_SYNC along. */
void vrrp_sync_faults(struct vrrp_inst *vi);
/* VI changed state FROM -> TO. */
void vrrp_sync_state(struct vrrp_inst *vi, enum vrrp_state from,
		     enum vrrp_state to);

#endif
