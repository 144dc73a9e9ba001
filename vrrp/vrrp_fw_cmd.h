/*
 * Firewall commands run as child processes (vrrp_fw_cmd.c), one after
 * another, without blocking the event loop; or, at teardown, one at a
 * time and waited for.
 */
#ifndef TANDEM_VRRP_FW_CMD_H
#define TANDEM_VRRP_FW_CMD_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#define VRRP_CMD_TIMEOUT_US	(5 * 1000000ULL)	/* then SIGKILL */

/* A failure is not logged (a check, a delete of what may be absent). */
#define VRRP_CMD_QUIET		0x1
/* Run only if the command queued just before failed: "-C RULE" then
 * "-A RULE" adds the rule only when it is not there already. */
#define VRRP_CMD_IF_FAILED	0x2

struct vrrp_cmdq;

int vrrp_cmdq_new(sd_event *e, struct vrrp_cmdq **out);
/* Queue ARGV (NULL-terminated, copied; argv[0] a path) with FLAGS.  0 or
 * -ENOMEM. */
int vrrp_cmdq_push(struct vrrp_cmdq *q, unsigned flags, char *const argv[]);
/* How many commands are queued or running. */
unsigned vrrp_cmdq_pending(const struct vrrp_cmdq *q);
/* Wait for the running command, run the queued ones and wait for each
 * (teardown: the deletes the instances queued as they stopped must
 * happen), free.  NULL is fine. */
void vrrp_cmdq_free(struct vrrp_cmdq *q);

/* Run ARGV and wait for it (at most VRRP_CMD_TIMEOUT_US): its exit
 * status, or a negative errno.  A failure is logged unless QUIET. */
int vrrp_cmd_run(char *const argv[], bool quiet);

#endif
