/*
 * Mail alerts (smtp_alert): a small asynchronous SMTP client.
 *
 * The vrrp and check processes hand it a subject and a body; it queues
 * the message and delivers it on the process's sd-event loop over a
 * non-blocking socket (HELO, MAIL FROM, RCPT TO for each recipient,
 * DATA, QUIT), one connection per message, one message at a time.  A
 * step that takes longer than smtp_connect_timeout aborts the message.
 * A slow, silent or absent server delays nothing: failures are logged
 * and counted, never fatal, and the queue is bounded (the oldest
 * message is dropped when it is full).
 */
#ifndef TANDEM_SMTP_ALERT_H
#define TANDEM_SMTP_ALERT_H

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#define SMTP_ALERT_QUEUE_MAX 64

struct smtp_alert;

struct smtp_alert_conf {
	const char *server;		/* numeric address or host; NULL: no mail */
	unsigned port;			/* 0: 25 */
	const char *helo;		/* HELO name */
	const char *from;		/* envelope and From: */
	const char *const *to;		/* recipients */
	size_t nto;
	uint64_t timeout_us;		/* per step; 0: 30 s */
	const char *router_id;		/* the "[router_id]" of subjects */
};

struct smtp_alert_stats {
	unsigned long sent, failed, dropped;
};

int smtp_alert_new(sd_event *e, struct smtp_alert **out);
/* Take new settings (copied).  The server name is resolved here, once. */
void smtp_alert_set(struct smtp_alert *a, const struct smtp_alert_conf *c);
/* True when a server and at least one recipient are configured. */
int smtp_alert_enabled(const struct smtp_alert *a);
const char *smtp_alert_router_id(const struct smtp_alert *a);
/* Queue one message; "[router_id] " is put before SUBJECT.  Returns 0,
 * or -1 when mail is not configured (nothing is queued). */
int smtp_alert_send(struct smtp_alert *a, const char *subject,
		    const char *body);
const struct smtp_alert_stats *smtp_alert_stats(const struct smtp_alert *a);
/* Messages queued or in flight. */
size_t smtp_alert_pending(const struct smtp_alert *a);
void smtp_alert_free(struct smtp_alert *a);

#endif
