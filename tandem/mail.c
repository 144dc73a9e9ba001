/*
 * See mail.h.  Kept apart from the two processes' glue so that neither
 * has to know the other's way of naming what changed.
 */
#include "lib/log.h"
#include "tandem/mail.h"

void mail_setup(sd_event *e, const struct global_defs *gd,
		struct smtp_alert **a)
{
	struct smtp_alert_conf c = {
		.server = gd->smtp_server,
		.port = gd->smtp_port,
		.helo = gd->smtp_helo_name,
		.from = gd->notification_email_from,
		.to = (const char *const *)gd->notification_email,
		.nto = gd->n_notification_email,
		.timeout_us = gd->smtp_connect_timeout,
		.router_id = gd->router_id,
	};

	if (!*a && smtp_alert_new(e, a) < 0) {
		log_warn("mail alerts: out of memory; none will be sent");
		*a = NULL;
		return;
	}
	smtp_alert_set(*a, &c);
}
