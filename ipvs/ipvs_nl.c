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

/* ------------------------------------------------------------ reporting */

static void report(struct ipvs_nl *nl, enum ipvs_op op, int error,
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

static int nle_errno(int nle)
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
		return -nle_errno(r);
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
		fail_open_requests(nl, nle_errno(r));
	for (;;) {
		for (open = 0, i = 0; i < nl->npend; i++)
			open += !nl->pend[i].done;
		if (!open)
			break;
		r = nl_recvmsgs_report(nl->sk, nl->cb);
		if (r < 0)
			fail_open_requests(nl, nle_errno(r));
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
		report(nl, p->op, p->error, p->has_svc ? &p->svc : NULL,
		       p->has_dest ? &p->dest : NULL, p->has_dm ? &p->dm : NULL, NULL);
	}
	nl->npend = 0;
	return first;
}

static struct nl_msg *new_msg(struct ipvs_nl *nl, int cmd, int flags)
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
static int enqueue(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op,
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
		report(nl, op, EMSGSIZE, svc, dest, dm, NULL);
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
static void drain(struct ipvs_nl *nl)
{
	(void)flush_window(nl);
}

/* -------------------------------------------------------------- changes */

static int local_fail(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op, int r,
		      const struct ipvs_service *svc, const struct ipvs_dest *dest,
		      const struct ipvs_daemon *dm)
{
	if (m)
		nlmsg_free(m);
	if (!r)
		r = -ENOMEM;
	report(nl, op, -r, svc, dest, dm, NULL);
	return r;
}

static int service_req(struct ipvs_nl *nl, int cmd, enum ipvs_op op,
		       const struct ipvs_service *s, bool full)
{
	struct nl_msg *m = new_msg(nl, cmd, NLM_F_ACK);
	int r;

	if (!m)
		return local_fail(nl, NULL, op, -ENOMEM, s, NULL, NULL);
	r = ipvs_msg_put_service(m, s, full);
	if (r < 0)
		return local_fail(nl, m, op, r, s, NULL, NULL);
	return enqueue(nl, m, op, s, NULL, NULL);
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
	struct nl_msg *m = new_msg(nl, cmd, NLM_F_ACK);
	int r;

	if (!m)
		return local_fail(nl, NULL, op, -ENOMEM, s, d, NULL);
	r = ipvs_msg_put_service(m, s, false);
	if (r == 0)
		r = ipvs_msg_put_dest(m, d, s->af, full);
	if (r < 0)
		return local_fail(nl, m, op, r, s, d, NULL);
	return enqueue(nl, m, op, s, d, NULL);
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
	struct nl_msg *m = new_msg(nl, cmd, NLM_F_ACK);
	int r;

	if (!m)
		return local_fail(nl, NULL, op, -ENOMEM, NULL, NULL, dm);
	r = ipvs_msg_put_daemon(m, dm, full);
	if (r < 0)
		return local_fail(nl, m, op, r, NULL, NULL, dm);
	return enqueue(nl, m, op, NULL, NULL, dm);
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
	struct nl_msg *m = new_msg(nl, IPVS_CMD_SET_CONFIG, NLM_F_ACK);
	int r;

	if (!m)
		return local_fail(nl, NULL, IPVS_OP_TIMEOUTS_SET, -ENOMEM, NULL, NULL, NULL);
	r = ipvs_msg_put_timeouts(m, t);
	if (r < 0)
		return local_fail(nl, m, IPVS_OP_TIMEOUTS_SET, r, NULL, NULL, NULL);
	return enqueue(nl, m, IPVS_OP_TIMEOUTS_SET, NULL, NULL, NULL);
}

int ipvs_zero(struct ipvs_nl *nl, const struct ipvs_service *svc)
{
	struct nl_msg *m = new_msg(nl, IPVS_CMD_ZERO, NLM_F_ACK);
	int r = 0;

	if (!m)
		return local_fail(nl, NULL, IPVS_OP_ZERO, -ENOMEM, svc, NULL, NULL);
	if (svc)
		r = ipvs_msg_put_service(m, svc, false);
	if (r < 0)
		return local_fail(nl, m, IPVS_OP_ZERO, r, svc, NULL, NULL);
	return enqueue(nl, m, IPVS_OP_ZERO, svc, NULL, NULL);
}

int ipvs_flush(struct ipvs_nl *nl)
{
	struct nl_msg *m = new_msg(nl, IPVS_CMD_FLUSH, NLM_F_ACK);

	if (!m)
		return local_fail(nl, NULL, IPVS_OP_FLUSH, -ENOMEM, NULL, NULL, NULL);
	return enqueue(nl, m, IPVS_OP_FLUSH, NULL, NULL, NULL);
}

/* ---------------------------------------------------------------- reads */

/* A "get": one reply message, then the acknowledgement. */
static int get_req(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op,
		   const struct ipvs_service *svc, reply_fn fn, void *arg, bool *got)
{
	int r;

	bool batching = nl->batching;

	drain(nl);
	nl->batching = false;
	nl->reply = fn;
	nl->reply_arg = arg;
	nl->reply_err = 0;
	nl->dump_seq = 0;
	r = enqueue(nl, m, op, svc, NULL, NULL);
	nl->reply = NULL;
	nl->batching = batching;
	if (r == 0 && nl->reply_err)
		r = nl->reply_err;
	if (r == 0 && !*got)
		r = -ENODATA;
	if (r == -EBADMSG || r == -ENODATA)
		report(nl, op, -r, svc, NULL, NULL, r == -EBADMSG ?
		       "malformed reply from the kernel" : "no reply from the kernel");
	return r;
}

/* A dump: records until NLMSG_DONE, no acknowledgement. */
static int dump_req(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op,
		    const struct ipvs_service *svc, reply_fn fn, void *arg)
{
	int r, tries = 0;

	drain(nl);
again:
	nl->reply = fn;
	nl->reply_arg = arg;
	nl->reply_err = 0;
	nl->dump_done = false;
	nl->dump_err = 0;
	nl_complete_msg(nl->sk, m);
	nl->dump_seq = nlmsg_hdr(m)->nlmsg_seq;
	r = nl_send(nl->sk, m);
	if (r >= 0) {
		nl->requests++;
		while (!nl->dump_done) {
			r = nl_recvmsgs_report(nl->sk, nl->cb);
			if (r <= 0)
				break;
		}
	}
	nl->reply = NULL;
	if (r == -NLE_DUMP_INTR && ++tries < 3) {
		/* The table changed under the dump: the caller gets a fresh one. */
		r = fn(nl, NULL, arg);
		nlmsg_hdr(m)->nlmsg_seq = NL_AUTO_SEQ;
		goto again;
	}
	nlmsg_free(m);
	if (nl->dump_err) {
		report(nl, op, nl->dump_err, svc, NULL, NULL, NULL);
		return -nl->dump_err;
	}
	if (r == 0 && !nl->dump_done) {
		report(nl, op, ETIMEDOUT, svc, NULL, NULL, NULL);
		return -ETIMEDOUT;
	}
	if (r < 0) {
		report(nl, op, nle_errno(r), svc, NULL, NULL, nl_geterror(r));
		return -nle_errno(r);
	}
	if (nl->reply_err) {
		report(nl, op, -nl->reply_err, svc, NULL, NULL, "malformed reply from the kernel");
		return nl->reply_err;
	}
	return 0;
}

struct info_arg {
	uint32_t *version, *size;
	bool got;
};

static int parse_info(struct ipvs_nl *nl, struct nl_msg *m, void *arg)
{
	static struct nla_policy pol[IPVS_INFO_ATTR_MAX + 1] = {
		[IPVS_INFO_ATTR_VERSION] = { .type = NLA_U32 },
		[IPVS_INFO_ATTR_CONN_TAB_SIZE] = { .type = NLA_U32 },
	};
	struct nlattr *tb[IPVS_INFO_ATTR_MAX + 1];
	struct info_arg *a = arg;

	(void)nl;
	if (genlmsg_parse(nlmsg_hdr(m), 0, tb, IPVS_INFO_ATTR_MAX, pol) < 0 ||
	    !tb[IPVS_INFO_ATTR_VERSION] || !tb[IPVS_INFO_ATTR_CONN_TAB_SIZE])
		return -EBADMSG;
	*a->version = nla_get_u32(tb[IPVS_INFO_ATTR_VERSION]);
	*a->size = nla_get_u32(tb[IPVS_INFO_ATTR_CONN_TAB_SIZE]);
	a->got = true;
	return 0;
}

int ipvs_info(struct ipvs_nl *nl, uint32_t *version, uint32_t *conn_tab_size)
{
	struct info_arg a = { version, conn_tab_size, false };
	struct nl_msg *m = new_msg(nl, IPVS_CMD_GET_INFO, NLM_F_ACK);

	if (!m)
		return local_fail(nl, NULL, IPVS_OP_INFO, -ENOMEM, NULL, NULL, NULL);
	return get_req(nl, m, IPVS_OP_INFO, NULL, parse_info, &a, &a.got);
}

struct svc_arg {
	struct ipvs_service *one;
	struct ipvs_service *list;
	size_t n, cap;
	bool got;
};

static int parse_svc(struct ipvs_nl *nl, struct nl_msg *m, void *arg)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct svc_arg *a = arg;
	struct ipvs_service s;

	(void)nl;
	if (!m) {		/* restart of an interrupted dump */
		a->n = 0;
		return 0;
	}
	if (ipvs_msg_parse(m, tb) < 0 || ipvs_msg_parse_service(tb[IPVS_CMD_ATTR_SERVICE], &s) < 0)
		return -EBADMSG;
	a->got = true;
	if (a->one) {
		*a->one = s;
		return 0;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		struct ipvs_service *l = realloc(a->list, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		a->list = l;
		a->cap = cap;
	}
	a->list[a->n++] = s;
	return 0;
}

int ipvs_service_get(struct ipvs_nl *nl, const struct ipvs_service *key, struct ipvs_service *out)
{
	struct svc_arg a = { .one = out };
	struct nl_msg *m = new_msg(nl, IPVS_CMD_GET_SERVICE, NLM_F_ACK);
	int r;

	if (!m)
		return local_fail(nl, NULL, IPVS_OP_SERVICE_GET, -ENOMEM, key, NULL, NULL);
	r = ipvs_msg_put_service(m, key, false);
	if (r < 0)
		return local_fail(nl, m, IPVS_OP_SERVICE_GET, r, key, NULL, NULL);
	return get_req(nl, m, IPVS_OP_SERVICE_GET, key, parse_svc, &a, &a.got);
}

int ipvs_service_dump(struct ipvs_nl *nl, struct ipvs_service **list, size_t *n)
{
	struct svc_arg a = { 0 };
	struct nl_msg *m = new_msg(nl, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
	int r;

	*list = NULL;
	*n = 0;
	if (!m)
		return local_fail(nl, NULL, IPVS_OP_SERVICE_DUMP, -ENOMEM, NULL, NULL, NULL);
	r = dump_req(nl, m, IPVS_OP_SERVICE_DUMP, NULL, parse_svc, &a);
	if (r < 0) {
		free(a.list);
		return r;
	}
	*list = a.list;
	*n = a.n;
	return 0;
}

struct dest_arg {
	int svc_af;
	struct ipvs_dest *list;
	size_t n, cap;
};

static int parse_dest(struct ipvs_nl *nl, struct nl_msg *m, void *arg)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct dest_arg *a = arg;
	struct ipvs_dest d;

	(void)nl;
	if (!m) {
		a->n = 0;
		return 0;
	}
	if (ipvs_msg_parse(m, tb) < 0 || ipvs_msg_parse_dest(tb[IPVS_CMD_ATTR_DEST], a->svc_af, &d) < 0)
		return -EBADMSG;
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		struct ipvs_dest *l = realloc(a->list, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		a->list = l;
		a->cap = cap;
	}
	a->list[a->n++] = d;
	return 0;
}

int ipvs_dest_dump(struct ipvs_nl *nl, const struct ipvs_service *s,
		   struct ipvs_dest **list, size_t *n)
{
	struct dest_arg a = { .svc_af = s->af };
	struct nl_msg *m = new_msg(nl, IPVS_CMD_GET_DEST, NLM_F_DUMP);
	int r;

	*list = NULL;
	*n = 0;
	if (!m)
		return local_fail(nl, NULL, IPVS_OP_DEST_DUMP, -ENOMEM, s, NULL, NULL);
	r = ipvs_msg_put_service(m, s, false);
	if (r < 0)
		return local_fail(nl, m, IPVS_OP_DEST_DUMP, r, s, NULL, NULL);
	r = dump_req(nl, m, IPVS_OP_DEST_DUMP, s, parse_dest, &a);
	if (r < 0) {
		free(a.list);
		return r;
	}
	*list = a.list;
	*n = a.n;
	return 0;
}

struct daemon_arg {
	struct ipvs_daemon *dm;
	size_t n;
};

static int parse_daemon(struct ipvs_nl *nl, struct nl_msg *m, void *arg)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct daemon_arg *a = arg;

	(void)nl;
	if (!m) {
		a->n = 0;
		return 0;
	}
	if (a->n >= 2)
		return 0;
	if (ipvs_msg_parse(m, tb) < 0 ||
	    ipvs_msg_parse_daemon(tb[IPVS_CMD_ATTR_DAEMON], &a->dm[a->n]) < 0)
		return -EBADMSG;
	a->n++;
	return 0;
}

int ipvs_daemon_get(struct ipvs_nl *nl, struct ipvs_daemon dm[2], size_t *n)
{
	struct daemon_arg a = { dm, 0 };
	struct nl_msg *m = new_msg(nl, IPVS_CMD_GET_DAEMON, NLM_F_DUMP);
	int r;

	*n = 0;
	if (!m)
		return local_fail(nl, NULL, IPVS_OP_DAEMON_GET, -ENOMEM, NULL, NULL, NULL);
	r = dump_req(nl, m, IPVS_OP_DAEMON_GET, NULL, parse_daemon, &a);
	if (r == 0)
		*n = a.n;
	return r;
}

struct timeouts_arg {
	struct ipvs_timeouts *t;
	bool got;
};

static int parse_timeouts(struct ipvs_nl *nl, struct nl_msg *m, void *arg)
{
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct timeouts_arg *a = arg;

	(void)nl;
	if (ipvs_msg_parse(m, tb) < 0)
		return -EBADMSG;
	ipvs_msg_parse_timeouts(tb, a->t);
	a->got = true;
	return 0;
}

int ipvs_timeouts_get(struct ipvs_nl *nl, struct ipvs_timeouts *t)
{
	struct timeouts_arg a = { t, false };
	struct nl_msg *m = new_msg(nl, IPVS_CMD_GET_CONFIG, NLM_F_ACK);

	if (!m)
		return local_fail(nl, NULL, IPVS_OP_TIMEOUTS_GET, -ENOMEM, NULL, NULL, NULL);
	return get_req(nl, m, IPVS_OP_TIMEOUTS_GET, NULL, parse_timeouts, &a, &a.got);
}
