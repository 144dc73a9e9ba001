/*
 * What the two halves of the IPVS netlink client share (ipvs_nl.c: the
 * socket, the send window and the change requests; ipvs_nl_read.c: the
 * "get" and dump requests and their parsers).  Not for use outside ipvs/.
 */
#ifndef TANDEM_IPVS_NL_INT_H
#define TANDEM_IPVS_NL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/netlink.h>

#include "ipvs/ipvs_nl.h"

#define IPVS_WINDOW	64
#define IPVS_SENDBUF	32768
#define IPVS_RCV_TIMEOUT_S 10

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct pending {
	uint32_t seq;
	enum ipvs_op op;
	bool done;
	int error;			/* positive errno */
	bool has_svc, has_dest, has_dm;
	struct ipvs_service svc;
	struct ipvs_dest dest;
	struct ipvs_daemon dm;
};

typedef int (*reply_fn)(struct ipvs_nl *nl, struct nl_msg *m, void *arg);

struct ipvs_nl {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
	ipvs_failure_fn fail_fn;
	void *fail_arg;
	void (*progress_fn)(void *arg);
	void *progress_arg;
	char errmsg[IPVS_ERRMSG_MAX];
	unsigned long requests;

	bool batching;
	unsigned batch_failures;
	int batch_first_err;

	struct pending pend[IPVS_WINDOW];
	unsigned npend;
	uint8_t buf[IPVS_SENDBUF];
	size_t buflen;

	/* The read in progress. */
	reply_fn reply;
	void *reply_arg;
	int reply_err;			/* negative errno from the parser */
	bool dump_done;
	uint32_t dump_seq;
	int dump_err;			/* positive errno from the kernel */
};

/* Record a failure of op (positive errno) in the last-error text and
 * tell the failure handler. */
void ipvs_nl_report(struct ipvs_nl *nl, enum ipvs_op op, int error,
		    const struct ipvs_service *svc, const struct ipvs_dest *dest,
		    const struct ipvs_daemon *dm, const char *detail);
/* libnl's error code as a positive errno. */
int ipvs_nl_errno(int nle);
/* A new request of the family. */
struct nl_msg *ipvs_nl_msg(struct ipvs_nl *nl, int cmd, int flags);
/* Queue a completed request; outside a batch, send it and wait. */
int ipvs_nl_enqueue(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op,
		    const struct ipvs_service *svc, const struct ipvs_dest *dest,
		    const struct ipvs_daemon *dm);
/* A request that failed before it was sent (m freed when not NULL; r
 * 0 counts as -ENOMEM): reported, and r returned. */
int ipvs_nl_fail(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op, int r,
		 const struct ipvs_service *svc, const struct ipvs_dest *dest,
		 const struct ipvs_daemon *dm);
/* Send what a batch has queued before a read. */
void ipvs_nl_drain(struct ipvs_nl *nl);

#endif
