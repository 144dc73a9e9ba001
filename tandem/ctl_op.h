/*
 * One request in flight on the control socket, between the connection
 * handling (ctl_server.c) and the commands (ctl_cmds.c).  The op outlives
 * its client when the client leaves first: client is then NULL and the
 * answer, when it comes, is dropped.
 */
#ifndef TANDEM_CTL_OP_H
#define TANDEM_CTL_OP_H

#include <stdbool.h>

#include "tandem/child.h"

struct ctl_client;
struct ctl_op;
struct json_object;

struct ctl_part {
	struct ctl_op *op;
	enum child_type type;
	bool asked, answered;
	int err;			/* -errno of an ask that failed */
	struct json_object *reply;	/* NULL: none came */
};

struct ctl_op {
	struct ctl_client *client;	/* NULL once the client left */
	struct json_object *req;
	const char *cmd;
	const struct ctl_cmd *def;
	unsigned to;			/* children asked (bit per type) */
	struct ctl_part part[CHILD_NTYPES];
	unsigned waiting;
};

/* Send reply (taken over) to the client, if still there, and free op. */
void ctl_op_finish(struct ctl_op *op, struct json_object *reply);
/* The op's client now receives events; the op is finished with reply. */
void ctl_op_monitor(struct ctl_op *op, struct json_object *reply);
/* The socket's counters and settings, for status. */
struct json_object *ctl_server_json(void);

/* ctl_cmds.c: run op (finished now or later through ctl_op_finish).
 * Returns false, op untouched, for an unknown command. */
bool ctl_cmds_run(struct ctl_op *op);
/* What the parent knows of itself, for status and version. */
void ctl_cmds_set_info(const char *conf_file);

#endif
