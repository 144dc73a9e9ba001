/*
 * Policy-routing rules through libnl-route-3 (see nl_rule.h).  The kernel
 * (4.x and later) answers EEXIST to an NLM_F_EXCL add of a rule it holds,
 * which makes adding idempotent without a look-up; it matches a delete on
 * the attributes given, so the spec that added a rule removes it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/route/rule.h>

#include "lib/nl_link.h"
#include "lib/nl_rule.h"

static int set_addr(struct rtnl_rule *ru, int family, const uint8_t *b,
		    unsigned plen, int (*set)(struct rtnl_rule *,
					      struct nl_addr *))
{
	struct nl_addr *a = nl_addr_make(family, b, plen);
	int r;

	if (!a)
		return -ENOMEM;
	r = set(ru, a);
	nl_addr_put(a);
	return r < 0 ? nl_err_to_errno(r) : 0;
}

static int spec_to_rtnl(const struct nl_rule_spec *s, struct rtnl_rule **out)
{
	struct rtnl_rule *ru;
	uint8_t action = s->action ? s->action : FR_ACT_TO_TBL;
	int r = 0;

	if (!nl_fam_len(s->family))
		return -EINVAL;
	if (!(ru = rtnl_rule_alloc()))
		return -ENOMEM;
	rtnl_rule_set_family(ru, s->family);
	rtnl_rule_set_action(ru, action);
	if (action == FR_ACT_TO_TBL)
		rtnl_rule_set_table(ru, s->table ? s->table : RT_TABLE_MAIN);
	if (action == FR_ACT_GOTO)
		rtnl_rule_set_goto(ru, s->goto_prio);
	if (s->has_prio)
		rtnl_rule_set_prio(ru, s->prio);
	if (s->has_mark) {
		rtnl_rule_set_mark(ru, s->mark);
		rtnl_rule_set_mask(ru, s->mask ? s->mask : 0xffffffffu);
	}
	if (s->tos)
		rtnl_rule_set_dsfield(ru, s->tos);
	if (s->has_src)
		r = set_addr(ru, s->family, s->src, s->src_len,
			     rtnl_rule_set_src);
	if (!r && s->has_dst)
		r = set_addr(ru, s->family, s->dst, s->dst_len,
			     rtnl_rule_set_dst);
	if (!r && s->iif[0])
		r = nl_err_to_errno(rtnl_rule_set_iif(ru, s->iif));
	if (!r && s->oif[0])
		r = nl_err_to_errno(rtnl_rule_set_oif(ru, s->oif));
	if (r < 0) {
		rtnl_rule_put(ru);
		return r;
	}
	*out = ru;
	return 0;
}

static int with_sock(struct nl_sock *sk, const struct nl_rule_spec *s,
		     bool add)
{
	struct nl_sock *own = NULL;
	struct rtnl_rule *ru = NULL;
	int r = spec_to_rtnl(s, &ru);

	if (r < 0)
		return r;
	if (!sk && !(own = sk = nl_rtnl_open())) {
		r = errno ? -errno : -EIO;
		rtnl_rule_put(ru);
		return r;
	}
	r = add ? rtnl_rule_add(sk, ru, NLM_F_CREATE | NLM_F_EXCL)
		: rtnl_rule_delete(sk, ru, 0);
	r = nl_err_to_errno(r);
	if (add && r == -EEXIST)
		r = 1;
	if (!add && (r == -ENOENT || r == -ESRCH))
		r = 1;
	rtnl_rule_put(ru);
	nl_rtnl_close(own);
	return r;
}

int nl_rule_add(struct nl_sock *sk, const struct nl_rule_spec *spec)
{
	return with_sock(sk, spec, true);
}

int nl_rule_del(struct nl_sock *sk, const struct nl_rule_spec *spec)
{
	return with_sock(sk, spec, false);
}

const char *nl_rule_str(const struct nl_rule_spec *s, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	size_t o = 0;

	buf[0] = '\0';
	if (s->has_prio)
		o += (size_t)snprintf(buf + o, len - o, "prio %u ", s->prio);
	if (s->has_src && o < len && inet_ntop(s->family, s->src, a, sizeof(a)))
		o += (size_t)snprintf(buf + o, len - o, "from %s/%u ", a,
				      s->src_len);
	if (s->has_dst && o < len && inet_ntop(s->family, s->dst, a, sizeof(a)))
		o += (size_t)snprintf(buf + o, len - o, "to %s/%u ", a,
				      s->dst_len);
	if (s->has_mark && o < len)
		o += (size_t)snprintf(buf + o, len - o, "fwmark 0x%x ", s->mark);
	if (s->iif[0] && o < len)
		o += (size_t)snprintf(buf + o, len - o, "iif %s ", s->iif);
	if (s->oif[0] && o < len)
		o += (size_t)snprintf(buf + o, len - o, "oif %s ", s->oif);
	if (o < len)
		snprintf(buf + o, len - o, "table %u",
			 s->table ? s->table : RT_TABLE_MAIN);
	return buf;
}
