/*
 * tandem's client of the kernel's "IPVS" generic netlink family.
 *
 * One struct ipvs_nl per process holds a libnl socket and the resolved
 * family.  Table changes (add/set/del of services and destinations, sync
 * daemon, timeouts, zero, flush) either run one at a time (send, wait for
 * the acknowledgement) or, between ipvs_batch_begin() and ipvs_batch_end(),
 * are pipelined: requests are packed into few sendmsg() calls and their
 * acknowledgements matched back by sequence number, so a large table is
 * programmed without a round trip per entry.  Reads (get, dump) always
 * complete any pending batch first.
 *
 * The client never logs.  Every failure is described in a message that
 * names the operation, the entry and the kernel's error ("add destination
 * 10.0.0.2:80 to TCP 10.0.0.1:80: File exists"), kept as the last error and
 * handed to an optional failure callback, so the caller decides where it
 * goes.  Functions return 0 or a negative errno.
 */
#ifndef TANDEM_IPVS_NL_H
#define TANDEM_IPVS_NL_H

#include "ipvs/ipvs_types.h"

struct ipvs_nl;

#define IPVS_ERRMSG_MAX 256

struct ipvs_failure {
	enum ipvs_op op;
	int error;				/* positive errno */
	const struct ipvs_service *svc;		/* NULL when not about one */
	const struct ipvs_dest *dest;		/* NULL when not about one */
	const char *msg;			/* the full message */
};
typedef void (*ipvs_failure_fn)(const struct ipvs_failure *f, void *arg);

/* Open the socket and resolve the family.  A kernel without IPVS gives
 * -EPROTONOSUPPORT and a message saying so and what to load; the message
 * goes to err (which may be NULL) because there is no handle yet. */
int ipvs_open(struct ipvs_nl **out, char *err, size_t errlen);
void ipvs_close(struct ipvs_nl *nl);

void ipvs_set_failure_handler(struct ipvs_nl *nl, ipvs_failure_fn fn, void *arg);
/* Called now and then while a long series of requests goes out (every
 * IPVS_PROGRESS_EVERY of a plan), so the owner can show it is alive: a
 * supervisor must not take eleven thousand requests for a hang. */
#define IPVS_PROGRESS_EVERY 256
void ipvs_set_progress(struct ipvs_nl *nl, void (*fn)(void *arg), void *arg);
void ipvs_progress(struct ipvs_nl *nl);
/* The message of the last failure, "" when none yet. */
const char *ipvs_last_error(const struct ipvs_nl *nl);
/* Requests sent to the kernel since ipvs_open (acknowledged ones). */
unsigned long ipvs_request_count(const struct ipvs_nl *nl);

/* Pipelining.  ipvs_batch_end waits for every outstanding request and
 * returns 0 when all succeeded, else the first failure's -errno; each
 * failure has been reported to the handler. */
void ipvs_batch_begin(struct ipvs_nl *nl);
int ipvs_batch_end(struct ipvs_nl *nl);
unsigned ipvs_batch_failures(const struct ipvs_nl *nl);

/* Table changes.  In a batch the return value reports only local errors
 * (message too large, socket failure); the kernel's verdict comes from
 * ipvs_batch_end. */
int ipvs_service_add(struct ipvs_nl *nl, const struct ipvs_service *s);
int ipvs_service_set(struct ipvs_nl *nl, const struct ipvs_service *s);
int ipvs_service_del(struct ipvs_nl *nl, const struct ipvs_service *s);
int ipvs_dest_add(struct ipvs_nl *nl, const struct ipvs_service *s, const struct ipvs_dest *d);
int ipvs_dest_set(struct ipvs_nl *nl, const struct ipvs_service *s, const struct ipvs_dest *d);
int ipvs_dest_del(struct ipvs_nl *nl, const struct ipvs_service *s, const struct ipvs_dest *d);
int ipvs_daemon_add(struct ipvs_nl *nl, const struct ipvs_daemon *dm);
/* Stops the daemon in dm->state (master or backup). */
int ipvs_daemon_del(struct ipvs_nl *nl, const struct ipvs_daemon *dm);
int ipvs_timeouts_set(struct ipvs_nl *nl, const struct ipvs_timeouts *t);
/* svc NULL: every counter of the table. */
int ipvs_zero(struct ipvs_nl *nl, const struct ipvs_service *svc);
int ipvs_flush(struct ipvs_nl *nl);

/* Reads.  Lists are malloc'ed arrays the caller frees (NULL when empty). */
int ipvs_info(struct ipvs_nl *nl, uint32_t *version, uint32_t *conn_tab_size);
int ipvs_service_get(struct ipvs_nl *nl, const struct ipvs_service *key, struct ipvs_service *out);
int ipvs_service_dump(struct ipvs_nl *nl, struct ipvs_service **list, size_t *n);
int ipvs_dest_dump(struct ipvs_nl *nl, const struct ipvs_service *s,
		   struct ipvs_dest **list, size_t *n);
/* At most two daemons (master and backup); *n says how many run. */
int ipvs_daemon_get(struct ipvs_nl *nl, struct ipvs_daemon dm[2], size_t *n);
int ipvs_timeouts_get(struct ipvs_nl *nl, struct ipvs_timeouts *t);

#endif
