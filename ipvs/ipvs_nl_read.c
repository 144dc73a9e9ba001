/*
 * The IPVS netlink client's reads: "get" requests (one reply, then the
 * acknowledgement) and dumps (records until NLMSG_DONE), and the parsers
 * of their replies.  A read first sends what a batch has queued, since
 * the kernel answers in order; the replies come through the callbacks of
 * ipvs_nl.c, which hand each to the parser of the read in progress.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/genl/genl.h>

#include "ipvs/ipvs_msg.h"
#include "ipvs/ipvs_nl_int.h"

/* ---------------------------------------------------------------- reads */

/* A "get": one reply message, then the acknowledgement. */
static int get_req(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op,
		   const struct ipvs_service *svc, reply_fn fn, void *arg, bool *got)
{
	int r;

	bool batching = nl->batching;

	ipvs_nl_drain(nl);
	nl->batching = false;
	nl->reply = fn;
	nl->reply_arg = arg;
	nl->reply_err = 0;
	nl->dump_seq = 0;
	r = ipvs_nl_enqueue(nl, m, op, svc, NULL, NULL);
	nl->reply = NULL;
	nl->batching = batching;
	if (r == 0 && nl->reply_err)
		r = nl->reply_err;
	if (r == 0 && !*got)
		r = -ENODATA;
	if (r == -EBADMSG || r == -ENODATA)
		ipvs_nl_report(nl, op, -r, svc, NULL, NULL, r == -EBADMSG ?
		       "malformed reply from the kernel" : "no reply from the kernel");
	return r;
}

/* A dump: records until NLMSG_DONE, no acknowledgement. */
static int dump_req(struct ipvs_nl *nl, struct nl_msg *m, enum ipvs_op op,
		    const struct ipvs_service *svc, reply_fn fn, void *arg)
{
	int r, tries = 0;

	ipvs_nl_drain(nl);
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
		ipvs_nl_report(nl, op, nl->dump_err, svc, NULL, NULL, NULL);
		return -nl->dump_err;
	}
	if (r == 0 && !nl->dump_done) {
		ipvs_nl_report(nl, op, ETIMEDOUT, svc, NULL, NULL, NULL);
		return -ETIMEDOUT;
	}
	if (r < 0) {
		ipvs_nl_report(nl, op, ipvs_nl_errno(r), svc, NULL, NULL, nl_geterror(r));
		return -ipvs_nl_errno(r);
	}
	if (nl->reply_err) {
		ipvs_nl_report(nl, op, -nl->reply_err, svc, NULL, NULL, "malformed reply from the kernel");
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
	struct nl_msg *m = ipvs_nl_msg(nl, IPVS_CMD_GET_INFO, NLM_F_ACK);

	if (!m)
		return ipvs_nl_fail(nl, NULL, IPVS_OP_INFO, -ENOMEM, NULL, NULL, NULL);
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
	struct nl_msg *m = ipvs_nl_msg(nl, IPVS_CMD_GET_SERVICE, NLM_F_ACK);
	int r;

	if (!m)
		return ipvs_nl_fail(nl, NULL, IPVS_OP_SERVICE_GET, -ENOMEM, key, NULL, NULL);
	r = ipvs_msg_put_service(m, key, false);
	if (r < 0)
		return ipvs_nl_fail(nl, m, IPVS_OP_SERVICE_GET, r, key, NULL, NULL);
	return get_req(nl, m, IPVS_OP_SERVICE_GET, key, parse_svc, &a, &a.got);
}

int ipvs_service_dump(struct ipvs_nl *nl, struct ipvs_service **list, size_t *n)
{
	struct svc_arg a = { 0 };
	struct nl_msg *m = ipvs_nl_msg(nl, IPVS_CMD_GET_SERVICE, NLM_F_DUMP);
	int r;

	*list = NULL;
	*n = 0;
	if (!m)
		return ipvs_nl_fail(nl, NULL, IPVS_OP_SERVICE_DUMP, -ENOMEM, NULL, NULL, NULL);
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
	struct nl_msg *m = ipvs_nl_msg(nl, IPVS_CMD_GET_DEST, NLM_F_DUMP);
	int r;

	*list = NULL;
	*n = 0;
	if (!m)
		return ipvs_nl_fail(nl, NULL, IPVS_OP_DEST_DUMP, -ENOMEM, s, NULL, NULL);
	r = ipvs_msg_put_service(m, s, false);
	if (r < 0)
		return ipvs_nl_fail(nl, m, IPVS_OP_DEST_DUMP, r, s, NULL, NULL);
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
	struct nl_msg *m = ipvs_nl_msg(nl, IPVS_CMD_GET_DAEMON, NLM_F_DUMP);
	int r;

	*n = 0;
	if (!m)
		return ipvs_nl_fail(nl, NULL, IPVS_OP_DAEMON_GET, -ENOMEM, NULL, NULL, NULL);
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
	struct nl_msg *m = ipvs_nl_msg(nl, IPVS_CMD_GET_CONFIG, NLM_F_ACK);

	if (!m)
		return ipvs_nl_fail(nl, NULL, IPVS_OP_TIMEOUTS_GET, -ENOMEM, NULL, NULL, NULL);
	return get_req(nl, m, IPVS_OP_TIMEOUTS_GET, NULL, parse_timeouts, &a, &a.got);
}
