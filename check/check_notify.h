/*
 * What the check process tells the world when a real server or a
 * virtual server's quorum changes: the notify_up / notify_down and
 * quorum_up / quorum_down scripts, and lines on notify_fifo and
 * lvs_notify_fifo in keepalived's format:
 *
 *     RS [192.0.2.1]:tcp:80 [10.0.0.1]:tcp:80 UP
 *     VS [10.0.0.1]:tcp:80 DOWN
 *
 * (a fwmark service is "FWM 5", a group "[NAME]:0").  The scripts run
 * one at a time, in the order the changes happened, each killed after
 * CHECK_NOTIFY_TIMEOUT so that a hung one cannot hold the others back;
 * a failing one is logged and counted.  FIFO lines are written at once
 * without blocking: with no reader, or a full pipe, a line is dropped
 * and counted.  A FIFO that does not exist is created (and removed at
 * the end); lvs_notify_fifo_script, when set, is started with the
 * FIFO's path as its argument and stopped at the end.
 */
#ifndef TANDEM_CHECK_NOTIFY_H
#define TANDEM_CHECK_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "check/check_vs_conf.h"
#include "lib/script.h"

#define CHECK_NOTIFY_TIMEOUT (30 * 1000000ULL)

struct check_notify;
struct json_object;

struct check_notify_opts {
	struct script_opts script;	/* script_user, enable_script_security */
	const char *notify_fifo;	/* NULL: none */
	const char *lvs_notify_fifo;
	/* Owners of a FIFO created here (NULL: root's). */
	const char *fifo_user[2], *fifo_group[2];
	const char *lvs_fifo_script;	/* lvs_notify_fifo_script */
	bool rs_init_notifies;
	/* Mail alerts (check_mail.h); NULL: none.  Not owned. */
	struct smtp_alert *mail;
	bool mail_default;		/* smtp_alert_checker */
	bool mail_rs;			/* false under no_checker_emails */
};

int check_notify_new(sd_event *e, struct check_notify **out);
/* Take new settings (the strings are copied): FIFOs whose path changed
 * are closed and opened anew. */
void check_notify_set(struct check_notify *n, const struct check_notify_opts *o);
const struct script_opts *check_notify_script_opts(const struct check_notify *n);
bool check_notify_init_notifies(const struct check_notify *n);
void check_notify_rs(struct check_notify *n, const struct check_vs *vs,
		     const struct check_rs *rs, bool up);
void check_notify_vs(struct check_notify *n, const struct check_vs *vs,
		     bool up);
/* Also told of every change (the SNMP notifications of check_snmp.c);
 * NULL functions: none.  ARG is the hook's. */
struct check_notify_hook {
	void (*rs)(const struct check_vs *vs, const struct check_rs *rs,
		   bool up, void *arg);
	void (*vs)(const struct check_vs *vs, bool up, void *arg);
	void *arg;
};
void check_notify_set_hook(struct check_notify *n,
			   const struct check_notify_hook *h);
/* From now on scripts start detached (the process is stopping) and the
 * queue is dropped. */
void check_notify_stopping(struct check_notify *n);
void check_notify_free(struct check_notify *n);
struct json_object *check_notify_json(const struct check_notify *n);

/* keepalived's names of a virtual and a real server ("[ADDR]:PROTO:PORT",
 * "FWM N", "[GROUP]:0"). */
void check_notify_vs_name(const struct check_vs *vs, char *buf, size_t len);
void check_notify_rs_name(const struct check_vs *vs, const struct check_rs *rs,
			  char *buf, size_t len);

#endif
