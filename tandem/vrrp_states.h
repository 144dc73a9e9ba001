/*
 * The VRRP instance states that travel from the vrrp child, through the
 * parent, to the check child (the sync daemon follows its instance's
 * mastership; later the control socket shows them).  vrrp/ and check/
 * never include each other, so this is a message, not a call.
 *
 * The message (IPC_VRRP_STATE) is plain text, one update a line:
 * "STATE NAME\n", STATE being MASTER, BACKUP, FAULT, INIT or DELETED (the
 * instance went away on a reload).  Lines are applied in order, so an
 * update always wins over an older one, and a message holds as many lines
 * as fit.  Text keeps it readable in a trace and leaves names free of any
 * length limit but the payload's.
 *
 * Both ends keep the latest state of every instance in a struct
 * vrrp_states: the parent to hand a freshly started check child the whole
 * picture, the check child to look its instance up.
 */
#ifndef TANDEM_VRRP_STATES_H
#define TANDEM_VRRP_STATES_H

#include <stdbool.h>
#include <stddef.h>

struct vrrp_states {
	size_t n, cap;
	struct vrrp_state_entry {
		char *name;
		char state[8];
	} *v;
};

/* Apply the lines of one message.  Returns the number of lines applied;
 * malformed lines are skipped and counted in *bad (may be NULL). */
size_t vrrp_states_apply(struct vrrp_states *t, const char *text, size_t len,
			 size_t *bad);
/* The state last reported for NAME, or NULL when none was. */
const char *vrrp_states_get(const struct vrrp_states *t, const char *name);
/* Append "STATE NAME\n" to the growing buffer *buf (of *len bytes).
 * 0 or -ENOMEM. */
int vrrp_states_line(char **buf, size_t *len, const char *state,
		     const char *name);
/* Send *buf as IPC_VRRP_STATE messages on SOCK, cut at line ends, and
 * drop what went out from *buf.  0 when all went, -EAGAIN when the peer's
 * queue is full (the rest stays in *buf), or another -errno. */
int vrrp_states_send(int sock, char **buf, size_t *len);
/* The whole table as lines (for a snapshot).  0 or -ENOMEM. */
int vrrp_states_snapshot(const struct vrrp_states *t, char **buf, size_t *len);
void vrrp_states_free(struct vrrp_states *t);

#endif
