/*
 * Policy-routing rules through rtnetlink (libnl-route-3): what
 * keepalived's virtual_rules and static_rules lines can say in `ip rule`
 * syntax — from / to prefixes, a priority, iif / oif, an fwmark with its
 * mask, a tos, and an action (look up a table, goto another rule, or
 * blackhole / unreachable / prohibit).
 *
 * Adding is idempotent (1: the kernel holds the same rule) and deleting
 * a rule that is not there answers 1, as nl_addr.h and nl_route.h do.
 */
#ifndef TANDEM_NL_RULE_H
#define TANDEM_NL_RULE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct nl_sock;

struct nl_rule_spec {
	sa_family_t family;		/* AF_INET or AF_INET6 */
	bool has_src, has_dst;
	uint8_t src[16], dst[16];
	uint8_t src_len, dst_len;
	uint8_t action;			/* FR_ACT_*; 0 means FR_ACT_TO_TBL */
	uint32_t table;			/* FR_ACT_TO_TBL; 0: main */
	uint32_t goto_prio;		/* FR_ACT_GOTO */
	bool has_prio;
	uint32_t prio;
	bool has_mark;
	uint32_t mark, mask;		/* mask 0: none given (all ones) */
	uint8_t tos;
	char iif[IF_NAMESIZE], oif[IF_NAMESIZE];	/* "": any */
};

int nl_rule_add(struct nl_sock *sk, const struct nl_rule_spec *spec);
int nl_rule_del(struct nl_sock *sk, const struct nl_rule_spec *spec);
const char *nl_rule_str(const struct nl_rule_spec *spec, char *buf,
			size_t len);

#endif
