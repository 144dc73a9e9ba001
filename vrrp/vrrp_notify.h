/*
 * What the vrrp process tells the world when an instance or a sync group
 * changes state: the notify_* scripts of the block, the `notify` script
 * (with TYPE NAME STATE PRIORITY appended), and a line on notify_fifo and
 * vrrp_notify_fifo in keepalived's format:
 *
 *     INSTANCE "VI_1" MASTER 100
 *     GROUP "G1" BACKUP 0
 *
 * Each instance and each group has a queue of its own (made while it has
 * scripts to run): its scripts run one at a time in the order its
 * changes happened, and a slow script of one instance holds back
 * neither the loop nor any other instance.  Each
 * script is killed after VRRP_NOTIFY_TIMEOUT.  FIFO lines are written at
 * once and never block (lib/notify_fifo.h).
 */
#ifndef TANDEM_VRRP_NOTIFY_H
#define TANDEM_VRRP_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "lib/script.h"
#include "vrrp/vrrp_conf.h"

#define VRRP_NOTIFY_TIMEOUT (30 * 1000000ULL)

struct vrrp_notify;
struct json_object;

struct vrrp_notify_opts {
	struct script_opts script;	/* script_user, enable_script_security */
	const char *fifo[2];		/* notify_fifo, vrrp_notify_fifo */
	const char *fifo_user[2], *fifo_group[2];
	const char *fifo_script[2];	/* their readers, NULL: none */
};

int vrrp_notify_new(sd_event *e, struct vrrp_notify **out);
void vrrp_notify_set(struct vrrp_notify *n, const struct vrrp_notify_opts *o);
/* TYPE is "INSTANCE" or "GROUP"; STATE one of MASTER BACKUP FAULT STOP
 * DELETED, or MASTER_RX_LOWER_PRI (its own script and the FIFOs, not the
 * `notify` script). */
void vrrp_notify_event(struct vrrp_notify *n, const char *type,
		       const char *name, const struct vrrp_conf_notify *cn,
		       const char *state, unsigned prio);
/* A new priority in STATE (notify_priority_changes): the FIFOs only, as
 * MASTER_PRIORITY / BACKUP_PRIORITY (keepalived's words; nothing in
 * FAULT); no script runs, as keepalived.conf(5) says. */
void vrrp_notify_priority(struct vrrp_notify *n, const char *type,
			  const char *name, const char *state, unsigned prio);
/* A sync group's state: notified only when it differs from the last. */
void vrrp_notify_group(struct vrrp_notify *n,
		       const struct vrrp_conf_sync_group *g, const char *state);
/* From now on scripts start detached and the queues are dropped. */
void vrrp_notify_stopping(struct vrrp_notify *n);
void vrrp_notify_free(struct vrrp_notify *n);
struct json_object *vrrp_notify_json(const struct vrrp_notify *n);
/* How many instances and groups have a queue now: those whose scripts
 * run or wait (a queue lives no longer). */
size_t vrrp_notify_queues(const struct vrrp_notify *n);

#endif
