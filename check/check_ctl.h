/*
 * The check process's answers to control-socket requests (relayed by the
 * parent; see doc/tandem-control.7): virtual and real servers with their
 * checkers' verdicts, in the field names of the JSON dump.
 */
#ifndef CHECK_CTL_H
#define CHECK_CTL_H

struct check_conf;
struct check_ipvs;
struct check_rt;
struct json_object;

/* req: {"cmd": "status"}, {"cmd": "show", "what": "vs"|"rs", "name": ...,
 * "vs": ...}.  ipvs may be NULL (no IPVS here).  Returns a new object:
 * the result, or {"error": "why"}. */
struct json_object *check_ctl_command(const struct check_conf *cc,
				      const struct check_rt *rt,
				      struct check_ipvs *ipvs,
				      struct json_object *req);

#endif
