/*
 * The check process's mail alerts (smtp_alert): one mail when a real
 * server goes up or down, and one when a virtual server gains or loses
 * its quorum.  Whether a server mails is its own smtp_alert, else its
 * virtual server's, else the process default (global_defs'
 * smtp_alert_checker); no_checker_emails silences the real servers'
 * mails (check_notify.c).
 */
#ifndef TANDEM_CHECK_MAIL_H
#define TANDEM_CHECK_MAIL_H

#include <stdbool.h>

#include "check/check_vs_conf.h"
#include "lib/smtp_alert.h"

void check_mail_rs(struct smtp_alert *a, bool dflt, const struct check_vs *vs,
		   const struct check_rs *rs, bool up);
void check_mail_vs(struct smtp_alert *a, bool dflt, const struct check_vs *vs,
		   bool up);

#endif
