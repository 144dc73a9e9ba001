/*
 * The check process's part of a metrics scrape: real servers (up, weight,
 * in the table), each checker (up, checks run and failed, how long they
 * took), checks per type, virtual servers' quorums, and the kernel's
 * IPVS counters when there is IPVS.  Prometheus text format.
 */
#ifndef TANDEM_CHECK_METRICS_H
#define TANDEM_CHECK_METRICS_H

struct check_ipvs;
struct check_rt;
struct json_object;

/* The text (malloc'd), or NULL when out of memory.  ipvs may be NULL
 * (no IPVS in this kernel). */
char *check_metrics_text(const struct check_rt *rt, struct check_ipvs *ipvs);

/* The child's answer to {"cmd": "metrics"}: {"text": "..."} or
 * {"error": "..."}; NULL only when out of memory. */
struct json_object *check_metrics_command(const struct check_rt *rt,
					  struct check_ipvs *ipvs,
					  struct json_object *req);

#endif
