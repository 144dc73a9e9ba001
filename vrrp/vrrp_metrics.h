/*
 * The vrrp process's part of a metrics scrape: every running instance's
 * state, priorities and RFC 6527 counters, its trackers, and the
 * router-wide receive errors, in the Prometheus text format.
 */
#ifndef TANDEM_VRRP_METRICS_H
#define TANDEM_VRRP_METRICS_H

struct json_object;
struct vrrp_run;

/* The text (malloc'd), or NULL when out of memory. */
char *vrrp_metrics_text(struct vrrp_run *run);

/* The child's answer to {"cmd": "metrics"}: {"text": "..."}, or
 * {"error": "..."}; NULL only when out of memory. */
struct json_object *vrrp_metrics_command(struct vrrp_run *run,
					 struct json_object *req);

#endif
