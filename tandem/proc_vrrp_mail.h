/*
 * The vrrp process's mail alerts (smtp_alert): a mail when an instance
 * enters MASTER, BACKUP or FAULT, and one when all members of a sync
 * group have entered the same state.  Whether an instance or a group
 * mails is its own smtp_alert, else global_defs' smtp_alert_vrrp;
 * no_email_faults silences the FAULT ones.
 */
#ifndef TANDEM_PROC_VRRP_MAIL_H
#define TANDEM_PROC_VRRP_MAIL_H

#ifdef WITH_VRRP
#include <systemd/sd-event.h>

#include "tandem/global_defs.h"
#include "vrrp/vrrp_run.h"

void pv_mail_setup(sd_event *e, const struct global_defs *gd);
void pv_mail_state(struct vrrp_run *run, const struct vrrp_inst *vi,
		   enum vrrp_state to);
void pv_mail_stop(void);
#endif

#endif
