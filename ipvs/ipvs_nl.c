/*
 * The IPVS generic netlink socket: family resolution, requests,
 * acknowledgements, replies and dumps (see ipvs_nl.h for the contract).
 *
 * Pipelining is the reason for the shape.  Each change request carries
 * NLM_F_ACK and is appended, already completed by libnl (port, sequence
 * number), to a send buffer; up to IPVS_WINDOW requests or IPVS_SENDBUF
 * bytes go to the kernel in one sendmsg(), which the kernel processes in
 * order, acknowledging each, even after one fails.  The acknowledgements
 * are then read through libnl's callbacks and matched to the recorded
 * requests by sequence number (libnl's own one-at-a-time sequence check is
 * switched off).  The window bounds how many acknowledgements can sit in
 * the socket's receive queue, so none is dropped for lack of buffer.  A
 * request outside a batch is simply a window of one.
 *
 * Replies to "get" requests and dump records arrive through the same
 * callback set; which parser receives them is decided by the read in
 * progress (reply_fn).  A receive timeout bounds every wait, so a lost
 * acknowledgement becomes an error instead of a hang.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "ipvs/ipvs_msg.h"
#include "ipvs/ipvs_nl.h"

#include "ipvs/ipvs_nl_int.h"

/* ------------------------------------------------------------ reporting */

void ipvs_nl_report(struct ipvs_nl *nl, enum ipvs_op op, int error,
		    const struct ipvs_service *svc, const struct ipvs_dest *dest,
		    const struct ipvs_daemon *dm, const char *detail)
{
	char what[IPVS_ERRMSG_MAX - 64];
	struct ipvs_failure f;

	ipvs_op_str(op, svc, dest, dm, what, sizeof(what));
	snprintf(nl->errmsg, sizeof(nl->errmsg), "%s: %s", what,
		 detail ? detail : strerror(error));
	if (nl->fail_fn) {
		f.op = op;
		f.error = error;
		f.svc = svc;
		f.dest = dest;
		f.msg = nl->errmsg;
		nl->fail_fn(&f, nl->fail_arg);
	}
}

int ipvs_nl_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_NOMEM: return ENOBUFS;
	case NLE_AGAIN: return EAGAIN;
	case NLE_DUMP_INTR: return EINTR;
	case NLE_PERM: return EPERM;
	case NLE_OBJ_NOTFOUND: return ENOENT;
	case NLE_MSGSIZE: return EMSGSIZE;
	default: return EIO;
	}
}

/* ------------------------------------------------------------ callbacks */

static struct pending *find_pending(struct ipvs_nl *nl, uint32_t seq)
{
	for (unsigned i = 0; i < nl->npend; i++)
		if (nl->pend[i].seq == seq && !nl->pend[i].done)
			return &nl->pend[i];
	return NULL;
}

static int cb_seq(struct nl_msg *m, void *arg)
{
	(void)m;
	(void)arg;
	return NL_OK;
}

static int cb_valid(struct nl_msg *m, void *arg)
{
	struct ipvs_nl *nl = arg;
	int r;

	if (!nl->reply || nl->reply_err)
		return NL_SKIP;
	r = nl->reply(nl, m, nl->reply_arg);
	if (r < 0)
		nl->reply_err = r;
	return NL_OK;
}

static int cb_ack(struct nl_msg *m, void *arg)
{
	struct ipvs_nl *nl = arg;
	struct pending *p = find_pending(nl, nlmsg_hdr(m)->nlmsg_seq);

	if (p) {
		p->done = true;
		p->error = 0;
	}
	return NL_OK;
}

static int cb_finish(struct nl_msg *m, void *arg)
{
	struct ipvs_nl *nl = arg;

	(void)m;
	nl->dump_done = true;
	return NL_STOP;
}

static int cb_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct ipvs_nl *nl = arg;
	struct pending *p = find_pending(nl, e->msg.nlmsg_seq);

	(void)who;
	if (p) {
		p->done = true;
		p->error = e->error < 0 ? -e->error : e->error;
		if (!p->error)
			p->error = EIO;
	} else if (nl->reply && e->msg.nlmsg_seq == nl->dump_seq) {
		nl->dump_err = e->error < 0 ? -e->error : EIO;
		nl->dump_done = true;
		return NL_STOP;
	}
	return NL_SKIP;
}

/* ----------------------------------------------------------- open/close */

int ipvs_open(struct ipvs_nl **out, char *err, size_t errlen)
{
	struct ipvs_nl *nl;
	struct timeval tv = { .tv_sec = IPVS_RCV_TIMEOUT_S };
	int one = 1, big = 1 << 20, fd, r;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		if (err)
			snprintf(err, errlen, "IPVS: out of memory");
		return -ENOMEM;
	}
	nl->sk = nl_socket_alloc();
	nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!nl->sk || !nl->cb) {
		if (err)
			snprintf(err, errlen, "IPVS: out of memory");
		ipvs_close(nl);
		return -ENOMEM;
	}
	r = genl_connect(nl->sk);
	if (r < 0) {
		if (err)
			snprintf(err, errlen, "IPVS: cannot open a generic netlink socket: %s",
				 nl_geterror(r));
		ipvs_close(nl);
		return -ipvs_nl_errno(r);
	}
	nl->family = genl_ctrl_resolve(nl->sk, IPVS_GENL_NAME);
	if (nl->family < 0) {
		if (err)
			snprintf(err, errlen, "the kernel has no IPVS (no \"%s\" generic netlink "
				 "family): load it with `modprobe ip_vs`", IPVS_GENL_NAME);
		ipvs_close(nl);
		return -EPROTONOSUPPORT;
	}
	nl_socket_disable_auto_ack(nl->sk);
	nl_socket_enable_msg_peek(nl->sk);
	fd = nl_socket_get_fd(nl->sk);
	/* Room for a window of acknowledgements and large dump records;
	 * the FORCE variant lifts rmem_max when we may. */
	nl_socket_set_buffer_size(nl->sk, big, big);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	/* Failed requests need not be echoed back whole in the error. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	nl_cb_set(nl->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, cb_seq, nl);
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_CUSTOM, cb_valid, nl);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, cb_ack, nl);
	nl_cb_set(nl->cb, NL_CB_FINISH, NL_CB_CUSTOM, cb_finish, nl);
	nl_cb_err(nl->cb, NL_CB_CUSTOM, cb_error, nl);
	*out = nl;
	return 0;
}

void ipvs_close(struct ipvs_nl *nl)
{
	if (!nl)
		return;
	if (nl->npend)
		(void)ipvs_batch_end(nl);
	if (nl->cb)
		nl_cb_put(nl->cb);
	if (nl->sk)
		nl_socket_free(nl->sk);
	free(nl);
}

void ipvs_set_failure_handler(struct ipvs_nl *nl, ipvs_failure_fn fn, void *arg)
{
	nl->fail_fn = fn;
	nl->fail_arg = arg;
}

void ipvs_set_progress(struct ipvs_nl *nl, void (*fn)(void *arg), void *arg)
{
	nl->progress_fn = fn;
	nl->progress_arg = arg;
}

void ipvs_progress(struct ipvs_nl *nl)
{
	if (nl->progress_fn)
		nl->progress_fn(nl->progress_arg);
}

const char *ipvs_last_error(const struct ipvs_nl *nl)
{
	return nl->errmsg;
}

unsigned long ipvs_request_count(const struct ipvs_nl *nl)
{
	return nl->requests;
}

unsigned ipvs_batch_failures(const struct ipvs_nl *nl)
{
	return nl->batch_failures;
}

/* ------------------------------------------------------- the send window */

static void fail_open_requests(struct ipvs_nl *nl, int error)
{
	for (unsigned i = 0; i < nl->npend; i++)
		if (!nl->pend[i].done) {
			nl->pend[i].done = true;
			nl->pend[i].error = error;
		}
}

/* Send what is buffered, collect every acknowledgement, report failures.
 * Returns 0 or the first failure's -errno. */
static int flush_window(struct ipvs_nl *nl)
{
	int first = 0, r;
	unsigned open = nl->npend, i;

	if (!nl->npend)
		return 0;
	r = nl_sendto(nl->sk, nl->buf, nl->buflen);
	nl->buflen = 0;
	if (r < 0)
		fail_open_requests(nl, ipvs_nl_errno(r));
	for (;;) {
		for (open = 0, i = 0; i < nl->npend; i++)
			open += !nl->pend[i].done;
		if (!open)
			break;
		r = nl_recvmsgs_report(nl->sk, nl->cb);
		if (r < 0)
			fail_open_requests(nl, ipvs_nl_errno(r));
		else if (r == 0)
			fail_open_requests(nl, ETIMEDOUT);
	}
	for (i = 0; i < nl->npend; i++) {
		struct pending *p = &nl->pend[i];

		nl->requests++;
		if (!p->error)
			continue;
		if (!first)
			first = -p->error;
		if (nl->batching) {
			nl->batch_failures++;
			if (!nl->batch_first_err)
				nl->batch_first_err = -p->error;
		}
		ipvs_nl_report(nl, p->op, p->error, p->has_svc ? &p->svc : NULL,
		       p->has_dest ? &p->dest : NULL, p->has_dm ? &p->dm : NULL, NULL);
	}
	nl->npend = 0;
	return first;
}

struct nl_msg *ipvs_nl_msg(struct ipvs_nl *nl, int cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m)
		return NULL;
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 (uint8_t)cmd, IPVS_GENL_VERSION)) {
		nlmsg_free(m);
		return NULL;
	}
	return m;
}

/* Queue a completed request; outside a batch, send it and wait. */
int ipvs_nl_enqueue(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op,
		    const struct ipvs_service *svc, const struct ipvs_dest *dest,
		    const struct ipvs_daemon *dm)
{
	struct nlmsghdr *h;
	struct pending *p;
	size_t len;

	nl_complete_msg(nl->sk, m);
	h = nlmsg_hdr(m);
	len = NLMSG_ALIGN(h->nlmsg_len);
	if (len > sizeof(nl->buf)) {
		nlmsg_free(m);
		ipvs_nl_report(nl, op, EMSGSIZE, svc, dest, dm, NULL);
		return -EMSGSIZE;
	}
	if (nl->npend == IPVS_WINDOW || nl->buflen + len > sizeof(nl->buf))
		(void)flush_window(nl);	/* failures reach the handler */
	p = &nl->pend[nl->npend++];
	memset(p, 0, sizeof(*p));
	p->seq = h->nlmsg_seq;
	p->op = op;
	if ((p->has_svc = svc != NULL))
		p->svc = *svc;
	if ((p->has_dest = dest != NULL))
		p->dest = *dest;
	if ((p->has_dm = dm != NULL))
		p->dm = *dm;
	memcpy(nl->buf + nl->buflen, h, h->nlmsg_len);
	memset(nl->buf + nl->buflen + h->nlmsg_len, 0, len - h->nlmsg_len);
	nl->buflen += len;
	nlmsg_free(m);
	if (nl->batching)
		return 0;
	return flush_window(nl);
}

void ipvs_batch_begin(struct ipvs_nl *nl)
{
	nl->batching = true;
	nl->batch_failures = 0;
	nl->batch_first_err = 0;
}

int ipvs_batch_end(struct ipvs_nl *nl)
{
	(void)flush_window(nl);
	nl->batching = false;
	return nl->batch_first_err;
}

/* Reads interrupt a batch: what was queued must reach the kernel first. */
void ipvs_nl_drain(struct ipvs_nl *nl)
{
	(void)flush_window(nl);
}

/* -------------------------------------------------------------- changes */

int ipvs_nl_fail(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op, int r,
		 const struct ipvs_service *svc, const struct ipvs_dest *dest,
		 const struct ipvs_daemon *dm)
{
	if (m)
		nlmsg_free(m);
	if (!r)
		r = -ENOMEM;
	ipvs_nl_report(nl, op, -r, svc, dest, dm, NULL);
	return r;
}

static int service_req(struct ipvs_nl *nl, int cmd, enum ipvs_op op,
		       const struct ipvs_service *s, bool full)
{
	struct nl_msg *m = ipvs_nl_msg(nl, cmd, NLM_F_ACK);
	int r;

	if (!m)
		return ipvs_nl_fail(nl, NULL, op, -ENOMEM, s, NULL, NULL);
	r = ipvs_msg_put_service(m, s, full);
	if (r < 0)
		return ipvs_nl_fail(nl, m, op, r, s, NULL, NULL);
	return ipvs_nl_enqueue(nl, m, op, s, NULL, NULL);
}

int ipvs_service_add(struct ipvs_nl *nl, const struct ipvs_service *s)
{
	return service_req(nl, IPVS_CMD_NEW_SERVICE, IPVS_OP_SERVICE_ADD, s, true);
}

int ipvs_service_set(struct ipvs_nl *nl, const struct ipvs_service *s)
{
	return service_req(nl, IPVS_CMD_SET_SERVICE, IPVS_OP_SERVICE_SET, s, true);
}

int ipvs_service_del(struct ipvs_nl *nl, const struct ipvs_service *s)
{
	return service_req(nl, IPVS_CMD_DEL_SERVICE, IPVS_OP_SERVICE_DEL, s, false);
}

static int dest_req(struct ipvs_nl *nl, int cmd, enum ipvs_op op,
		    const struct ipvs_service *s, const struct ipvs_dest *d, bool full)
{
	struct nl_msg *m = ipvs_nl_msg(nl, cmd, NLM_F_ACK);
	int r;

	if (!m)
		return ipvs_nl_fail(nl, NULL, op, -ENOMEM, s, d, NULL);
	r = ipvs_msg_put_service(m, s, false);
	if (r == 0)
		r = ipvs_msg_put_dest(m, d, s->af, full);
	if (r < 0)
		return ipvs_nl_fail(nl, m, op, r, s, d, NULL);
	return ipvs_nl_enqueue(nl, m, op, s, d, NULL);
}

int ipvs_dest_add(struct ipvs_nl *nl, const struct ipvs_service *s, const struct ipvs_dest *d)
{
	return dest_req(nl, IPVS_CMD_NEW_DEST, IPVS_OP_DEST_ADD, s, d, true);
}

int ipvs_dest_set(struct ipvs_nl *nl, const struct ipvs_service *s, const struct ipvs_dest *d)
{
	return dest_req(nl, IPVS_CMD_SET_DEST, IPVS_OP_DEST_SET, s, d, true);
}

int ipvs_dest_del(struct ipvs_nl *nl, const struct ipvs_service *s, const struct ipvs_dest *d)
{
	return dest_req(nl, IPVS_CMD_DEL_DEST, IPVS_OP_DEST_DEL, s, d, false);
}

static int daemon_req(struct ipvs_nl *nl, int cmd, enum ipvs_op op,
		      const struct ipvs_daemon *dm, bool full)
{
	struct nl_msg *m = ipvs_nl_msg(nl, cmd, NLM_F_ACK);
	int r;

	if (!m)
		return ipvs_nl_fail(nl, NULL, op, -ENOMEM, NULL, NULL, dm);
	r = ipvs_msg_put_daemon(m, dm, full);
	if (r < 0)
		return ipvs_nl_fail(nl, m, op, r, NULL, NULL, dm);
	return ipvs_nl_enqueue(nl, m, op, NULL, NULL, dm);
}

int ipvs_daemon_add(struct ipvs_nl *nl, const struct ipvs_daemon *dm)
{
	return daemon_req(nl, IPVS_CMD_NEW_DAEMON, IPVS_OP_DAEMON_ADD, dm, true);
}

int ipvs_daemon_del(struct ipvs_nl *nl, const struct ipvs_daemon *dm)
{
	return daemon_req(nl, IPVS_CMD_DEL_DAEMON, IPVS_OP_DAEMON_DEL, dm, false);
}

int ipvs_timeouts_set(struct ipvs_nl *nl, const struct ipvs_timeouts *t)
{
	struct nl_msg *m = ipvs_nl_msg(nl, IPVS_CMD_SET_CONFIG, NLM_F_ACK);
	int r;

	if (!m)
		return ipvs_nl_fail(nl, NULL, IPVS_OP_TIMEOUTS_SET, -ENOMEM, NULL, NULL, NULL);
	r = ipvs_msg_put_timeouts(m, t);
	if (r < 0)
		return ipvs_nl_fail(nl, m, IPVS_OP_TIMEOUTS_SET, r, NULL, NULL, NULL);
	return ipvs_nl_enqueue(nl, m, IPVS_OP_TIMEOUTS_SET, NULL, NULL, NULL);
}

int ipvs_zero(struct ipvs_nl *nl, const struct ipvs_service *svc)
{
	struct nl_msg *m = ipvs_nl_msg(nl, IPVS_CMD_ZERO, NLM_F_ACK);
	int r = 0;

	if (!m)
		return ipvs_nl_fail(nl, NULL, IPVS_OP_ZERO, -ENOMEM, svc, NULL, NULL);
	if (svc)
		r = ipvs_msg_put_service(m, svc, false);
	if (r < 0)
		return ipvs_nl_fail(nl, m, IPVS_OP_ZERO, r, svc, NULL, NULL);
	return ipvs_nl_enqueue(nl, m, IPVS_OP_ZERO, svc, NULL, NULL);
}

int ipvs_flush(struct ipvs_nl *nl)
{
	struct nl_msg *m = ipvs_nl_msg(nl, IPVS_CMD_FLUSH, NLM_F_ACK);

	if (!m)
		return ipvs_nl_fail(nl, NULL, IPVS_OP_FLUSH, -ENOMEM, NULL, NULL, NULL);
	return ipvs_nl_enqueue(nl, m, IPVS_OP_FLUSH, NULL, NULL, NULL);
}

