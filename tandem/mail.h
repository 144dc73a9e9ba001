/*
 * global_defs' mail settings (smtp_server, smtp_helo_name,
 * notification_email, ...) handed to lib/smtp_alert.c, for the vrrp and
 * the check processes alike, so both speak to the same server the same
 * way.
 */
#ifndef TANDEM_MAIL_H
#define TANDEM_MAIL_H

#include <systemd/sd-event.h>

#include "lib/smtp_alert.h"
#include "tandem/global_defs.h"

/* Create *A on E when it is NULL, then (re)take GD's settings.  A failure
 * is logged and leaves *A NULL: mail is never fatal. */
void mail_setup(sd_event *e, const struct global_defs *gd,
		struct smtp_alert **a);

#endif
