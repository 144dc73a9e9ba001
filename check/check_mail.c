/*
 * See check_mail.h.  Subjects follow keepalived's ("[router_id]
 * Realserver [10.0.0.1]:tcp:80 - DOWN"), with the server names of
 * check_notify.c, so a mail, a FIFO line and a notify script name a
 * server the same way.
 */
#include <stdio.h>

#include "check/check_mail.h"
#include "check/check_notify.h"

static bool wanted(bool dflt, const struct check_vs *vs,
		   const struct check_rs *rs)
{
	if (rs && rs->inh.smtp_alert >= 0)
		return rs->inh.smtp_alert > 0;
	if (vs->inh.smtp_alert >= 0)
		return vs->inh.smtp_alert > 0;
	return dflt;
}

void check_mail_rs(struct smtp_alert *a, bool dflt, const struct check_vs *vs,
		   const struct check_rs *rs, bool up)
{
	char v[INET6_ADDRSTRLEN + 300], s[INET6_ADDRSTRLEN + 20];
	char subject[sizeof(s) + 32], body[sizeof(v) + 80];

	if (!smtp_alert_enabled(a) || !wanted(dflt, vs, rs))
		return;
	check_notify_vs_name(vs, v, sizeof(v));
	check_notify_rs_name(vs, rs, s, sizeof(s));
	snprintf(subject, sizeof(subject), "Realserver %s - %s", s,
		 up ? "UP" : "DOWN");
	snprintf(body, sizeof(body), "=> CHECK %s on service <=\n"
		 "Virtual server %s\n", up ? "succeeded" : "failed", v);
	smtp_alert_send(a, subject, body);
}

void check_mail_vs(struct smtp_alert *a, bool dflt, const struct check_vs *vs,
		   bool up)
{
	char v[INET6_ADDRSTRLEN + 300];
	char subject[sizeof(v) + 32], body[80];

	if (!smtp_alert_enabled(a) || !wanted(dflt, vs, NULL))
		return;
	check_notify_vs_name(vs, v, sizeof(v));
	snprintf(subject, sizeof(subject), "Virtual Server %s - %s", v,
		 up ? "UP" : "DOWN");
	snprintf(body, sizeof(body), "=> Quorum %s <=\n",
		 up ? "reached: the service is up" : "lost: the service is down");
	smtp_alert_send(a, subject, body);
}
