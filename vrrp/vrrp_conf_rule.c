/*
 * Rule lines in keepalived's `ip rule` syntax: virtual_rules of a
 * vrrp_instance and the top-level static_rules.
 *
 *   [from PREFIX|all] [to PREFIX|all] [priority|preference|prio N]
 *          [iif|dev IF] [oif IF] [fwmark MARK[/MASK]] [tos N]
 *          [table|lookup N | goto N | blackhole | unreachable | prohibit]
 *          [no_track] [inet6]
 *
 * A line is all or nothing, as a route's; a rule without addresses is
 * IPv4 unless inet6 says otherwise.
 */
#include <linux/fib_rules.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_conf_words.h"

static int rule_action(struct vrrp_rule *r, const char *k)
{
	if (!strcmp(k, "blackhole")) r->s.action = FR_ACT_BLACKHOLE;
	else if (!strcmp(k, "unreachable")) r->s.action = FR_ACT_UNREACHABLE;
	else if (!strcmp(k, "prohibit")) r->s.action = FR_ACT_PROHIBIT;
	else return 0;
	return 1;
}

int vrrp_conf_parse_rule(struct conf_ctx *c, const struct conf_node *n,
			 struct vrrp_rule *out)
{
	struct vrrp_rule r;
	struct cw_words w = { .n = n, .len = n->nargs + 1 };
	bool acted = false, any = false;
	uint32_t u;

	memset(&r, 0, sizeof(r));
	for (w.i = 0; w.i < w.len; w.i++) {
		const char *k = cw_word(&w, w.i), *v;

		if (!strcmp(k, "from") || !strcmp(k, "to")) {
			bool from = k[0] == 'f';
			bool *has = from ? &r.s.has_src : &r.s.has_dst;

			if (*has) {
				conf_err(c, n, "'%s' given twice", k);
				goto fail;
			}
			if (!(v = cw_value(c, &w)) ||
			    cw_prefix(c, n, from ? "a source" : "a destination", v,
				   true, &r.s.family, from ? r.s.src : r.s.dst,
				   from ? &r.s.src_len : &r.s.dst_len) < 0)
				goto fail;
			/* `from all`: any source, nothing to send */
			*has = strcmp(v, "all") && strcmp(v, "default");
		} else if (!strcmp(k, "priority") || !strcmp(k, "preference") ||
			   !strcmp(k, "prio") || !strcmp(k, "pref")) {
			if (cw_num(c, &w, UINT32_MAX, &r.s.prio) < 0)
				goto fail;
			r.s.has_prio = true;
		} else if (!strcmp(k, "iif") || !strcmp(k, "dev") ||
			   !strcmp(k, "oif")) {
			char *dst = k[0] == 'o' ? r.s.oif : r.s.iif;

			if (!(v = cw_value(c, &w)) || cw_ifname(c, n, k, v) < 0)
				goto fail;
			snprintf(dst, IF_NAMESIZE, "%s", v);
		} else if (!strcmp(k, "fwmark")) {
			char buf[32], *slash;

			if (!(v = cw_value(c, &w)))
				goto fail;
			snprintf(buf, sizeof(buf), "%s", v);
			if ((slash = strchr(buf, '/')))
				*slash++ = '\0';
			if (cw_u32(buf, &r.s.mark) < 0 ||
			    (slash && (cw_u32(slash, &r.s.mask) < 0 ||
				       !r.s.mask))) {
				conf_err(c, n, "expected MARK[/MASK] (32-bit "
					 "numbers, a mask not 0) after 'fwmark', "
					 "got '%s'", v);
				goto fail;
			}
			r.s.has_mark = true;
		} else if (!strcmp(k, "tos") || !strcmp(k, "dsfield")) {
			if (cw_num(c, &w, 255, &u) < 0)
				goto fail;
			r.s.tos = (uint8_t)u;
		} else if (!acted && (!strcmp(k, "table") ||
				      !strcmp(k, "lookup"))) {
			if (cw_table(c, &w, &r.s.table) < 0)
				goto fail;
			acted = true;
		} else if (!acted && !strcmp(k, "goto")) {
			if (cw_num(c, &w, UINT32_MAX, &r.s.goto_prio) < 0)
				goto fail;
			r.s.action = FR_ACT_GOTO;
			acted = true;
		} else if (!acted && rule_action(&r, k)) {
			acted = true;
		} else if (!strcmp(k, "no_track")) {
			r.no_track = true;
		} else if (!strcmp(k, "inet6") || !strcmp(k, "-6")) {
			if (r.s.family == AF_INET) {
				conf_err(c, n, "'%s' on a line with IPv4 "
					 "addresses", k);
				goto fail;
			}
			r.s.family = AF_INET6;
		} else if (!strcmp(k, "not")) {
			conf_err(c, n, "'not' in a rule is not implemented yet");
			goto fail;
		} else {
			conf_err(c, n, "unknown word '%s' in a rule (expected "
				 "from, to, priority, iif, oif, fwmark, tos, "
				 "table, goto, blackhole, unreachable, "
				 "prohibit or no_track)%s", k,
				 acted ? "; the action was given already" : "");
			goto fail;
		}
		any = true;
	}
	if (!any || !acted) {
		conf_err(c, n, "a rule needs an action: table N, goto N, "
			 "blackhole, unreachable or prohibit");
		goto fail;
	}
	if (r.s.family == AF_UNSPEC)
		r.s.family = AF_INET;
	if (vrrp_conf_loc_set(&r.loc, n) < 0) {
		conf_err(c, n, "out of memory");
		goto fail;
	}
	*out = r;
	return 0;
fail:
	vrrp_conf_loc_free(&r.loc);
	return -1;
}
