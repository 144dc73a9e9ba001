/*
 * The operator's commands on real servers (tandemctl drain, disable,
 * enable, poll), as the check child runs them.
 *
 * A hold (drained or disabled) sits on the running real server
 * (struct check_rs_rt's admin) and only changes what check_rs_weight()
 * offers the table: the checkers go on underneath, so enable gives the
 * server back the verdict they hold now.  check_rt_apply() carries a hold
 * across a reload that keeps the real server in its virtual service.
 */
#ifndef TANDEM_CHECK_ADMIN_H
#define TANDEM_CHECK_ADMIN_H

#include "check/check_rs_rt.h"

struct json_object;

/* Run CMD (the request's "cmd") with REQ's arguments: {"rs": "IP:PORT"
 * or "[IPv6]:PORT" (or a bare address: every port), "vs": optional
 * virtual server as the dumps name it}.  Returns a new reply object:
 * {"cmd": CMD, "real_servers": [...]} for what it applied to, or
 * {"error": "why"} when nothing matched or the arguments are wrong (and
 * then nothing changed); NULL when CMD is not one of this module's
 * (drain, disable, enable, poll, holds) or out of memory.
 *
 * "holds" lists the holds as the requests that would set them again,
 * {"holds": [{"cmd": "drain", "rs": "...", "vs": "..."}, ...]}: the
 * parent keeps that list and replays it to a child it had to restart. */
struct json_object *check_admin_command(struct check_rt *rt, const char *cmd,
					struct json_object *req);

/* Parse "IP:PORT", "[IPv6]:PORT" or a bare address; *port 0 when none.
 * 0 or -EINVAL. */
int check_admin_parse_rs(const char *s, int *af, union ipvs_addr *a,
			 uint16_t *port);

#endif
