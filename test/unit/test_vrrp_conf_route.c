/*
 * The `ip route` / `ip rule` syntax of virtual_routes and virtual_rules
 * (and, through the same parsers, static_routes / static_rules): each
 * option stored as written, the route types, next hops, tables by name,
 * and each malformed line refused at its line with the word named; and
 * use_vmac's interface name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

/* test_vrrp_conf_util.c */
struct vrrp_conf *tv_load(const char *text, struct conf_diag *d);
void tv_free(struct vrrp_conf *vc);
const char *tv_inst(const char *body);
struct vrrp_conf *tv_ok(const char *text);
void tv_refuse(const char *text, int line, const char *kw, const char *needle);

static const char *in_list(const char *list, const char *line)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s {\n%s\n}", list, line);
	return tv_inst(buf);
}

static struct vrrp_conf *route_ok(const char *line)
{
	struct vrrp_conf *vc = tv_ok(in_list("virtual_routes", line));

	assert_int_equal(vc->inst[0]->nvroutes, 1);
	return vc;
}

static struct vrrp_conf *rule_ok(const char *line)
{
	struct vrrp_conf *vc = tv_ok(in_list("virtual_rules", line));

	assert_int_equal(vc->inst[0]->nvrules, 1);
	return vc;
}

static void v4(const uint8_t *b, const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	assert_memory_equal(b, &a, 4);
}

static void test_route_full(void **state)
{
	struct vrrp_conf *vc = route_ok("src 192.0.2.1 to 198.51.100.0/24 via "
					"192.0.2.254 dev eth1 table 10 metric 5 "
					"scope link proto 4 tos 8 mtu 1400 "
					"onlink no_track");
	const struct vrrp_route *r = &vc->inst[0]->vroutes[0];

	(void)state;
	assert_int_equal(r->s.family, AF_INET);
	v4(r->s.dst, "198.51.100.0");
	assert_int_equal(r->s.dst_len, 24);
	assert_true(r->s.has_src);
	v4(r->s.src, "192.0.2.1");
	assert_int_equal(r->s.nnh, 1);
	assert_true(r->s.nh[0].has_gw);
	v4(r->s.nh[0].gw, "192.0.2.254");
	assert_true(r->s.nh[0].onlink);
	assert_string_equal(r->dev[0], "eth1");
	assert_int_equal(r->s.table, 10);
	assert_true(r->s.has_metric);
	assert_int_equal(r->s.metric, 5);
	assert_int_equal(r->s.scope, RT_SCOPE_LINK);
	assert_int_equal(r->s.protocol, 4);
	assert_int_equal(r->s.tos, 8);
	assert_int_equal(r->s.mtu, 1400);
	assert_true(r->no_track);
	assert_int_equal(r->loc.line, 3);
	tv_free(vc);
}

static void test_route_forms(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_route *r;

	(void)state;
	/* the destination first, gw as via, a named table, default scope */
	vc = route_ok("192.0.2.0/25 gw 192.0.2.254 table main");
	r = &vc->inst[0]->vroutes[0];
	assert_int_equal(r->s.table, RT_TABLE_MAIN);
	assert_int_equal(r->s.scope, -1);
	assert_null(r->dev[0]);
	assert_int_equal(r->s.type, 0);
	tv_free(vc);

	/* a device route, host prefix by default */
	vc = route_ok("203.0.113.9 dev eth0");
	r = &vc->inst[0]->vroutes[0];
	assert_int_equal(r->s.dst_len, 32);
	assert_false(r->s.nh[0].has_gw);
	tv_free(vc);

	/* types without next hops */
	vc = route_ok("blackhole 198.51.100.0/24");
	assert_int_equal(vc->inst[0]->vroutes[0].s.type, RTN_BLACKHOLE);
	assert_int_equal(vc->inst[0]->vroutes[0].s.nnh, 0);
	tv_free(vc);
	vc = route_ok("unreachable 2001:db8::/32 table 7");
	assert_int_equal(vc->inst[0]->vroutes[0].s.type, RTN_UNREACHABLE);
	assert_int_equal(vc->inst[0]->vroutes[0].s.family, AF_INET6);
	tv_free(vc);
	vc = route_ok("prohibit default");
	assert_int_equal(vc->inst[0]->vroutes[0].s.type, RTN_PROHIBIT);
	assert_int_equal(vc->inst[0]->vroutes[0].s.family, AF_INET);
	assert_int_equal(vc->inst[0]->vroutes[0].s.dst_len, 0);
	tv_free(vc);

	/* IPv6 default through a gateway takes the gateway's family */
	vc = route_ok("default via 2001:db8::1 dev eth0");
	assert_int_equal(vc->inst[0]->vroutes[0].s.family, AF_INET6);
	tv_free(vc);

	/* next hops with weights */
	vc = route_ok("default nexthop via 192.0.2.253 weight 2 "
		      "nexthop via 192.0.2.252 dev eth1 table 11");
	r = &vc->inst[0]->vroutes[0];
	assert_int_equal(r->s.nnh, 2);
	v4(r->s.nh[0].gw, "192.0.2.253");
	assert_int_equal(r->s.nh[0].weight, 1);
	v4(r->s.nh[1].gw, "192.0.2.252");
	assert_int_equal(r->s.nh[1].weight, 0);
	assert_null(r->dev[0]);
	assert_string_equal(r->dev[1], "eth1");
	assert_int_equal(r->s.table, 11);
	tv_free(vc);
}

static void route_bad(const char *line, const char *needle)
{
	tv_refuse(in_list("virtual_routes", line), 3, "virtual_routes", needle);
}

static void test_route_bad(void **state)
{
	(void)state;
	route_bad("192.0.2.0/24", "needs 'via' or 'dev'");
	route_bad("via 192.0.2.1", "needs a destination");
	route_bad("foo via 192.0.2.1", "got 'foo'");
	route_bad("192.0.2.0/33 dev eth0", "prefix length 0..32");
	route_bad("192.0.2.0/24 via 2001:db8::1", "family");
	route_bad("192.0.2.0/24 via 192.0.2.1/24", "without a prefix");
	route_bad("192.0.2.0/24 via", "'via' needs a value");
	route_bad("192.0.2.0/24 via 192.0.2.1 via 192.0.2.2", "twice");
	route_bad("192.0.2.0/24 dev eth0 table 0", "expected a table");
	route_bad("192.0.2.0/24 dev eth0 table x", "expected a table");
	route_bad("192.0.2.0/24 dev eth0 metric -1", "expected a number");
	route_bad("192.0.2.0/24 dev eth0 scope planet", "expected a scope");
	route_bad("blackhole 192.0.2.0/24 via 192.0.2.1", "has no next hop");
	route_bad("192.0.2.0/24 dev eth0 198.51.100.0/24", "unknown word");
	route_bad("192.0.2.0/24 via 192.0.2.1 nexthop via 192.0.2.2",
		  "cannot follow");
	route_bad("default nexthop weight 3", "neither 'via' nor 'dev'");
	route_bad("default nexthop via 192.0.2.1 weight 0", "weight 1..256");
	route_bad("src 2001:db8::1 192.0.2.0/24 dev eth0", "family");
	route_bad("192.0.2.0/24 dev this-name-is-too-long", "interface name");
}

static void test_rule_full(void **state)
{
	struct vrrp_conf *vc = rule_ok("from 192.0.2.0/24 to 198.51.100.7 "
				       "priority 100 iif eth0 oif eth1 fwmark "
				       "0x10/0xff tos 4 table 10 no_track");
	const struct vrrp_rule *r = &vc->inst[0]->vrules[0];

	(void)state;
	assert_int_equal(r->s.family, AF_INET);
	assert_true(r->s.has_src);
	v4(r->s.src, "192.0.2.0");
	assert_int_equal(r->s.src_len, 24);
	assert_true(r->s.has_dst);
	assert_int_equal(r->s.dst_len, 32);
	assert_true(r->s.has_prio);
	assert_int_equal(r->s.prio, 100);
	assert_string_equal(r->s.iif, "eth0");
	assert_string_equal(r->s.oif, "eth1");
	assert_true(r->s.has_mark);
	assert_int_equal(r->s.mark, 0x10);
	assert_int_equal(r->s.mask, 0xff);
	assert_int_equal(r->s.tos, 4);
	assert_int_equal(r->s.table, 10);
	assert_int_equal(r->s.action, 0);
	assert_true(r->no_track);
	tv_free(vc);
}

static void test_rule_forms(void **state)
{
	struct vrrp_conf *vc;
	const struct vrrp_rule *r;

	(void)state;
	vc = rule_ok("from all lookup local preference 5");
	r = &vc->inst[0]->vrules[0];
	assert_false(r->s.has_src);
	assert_int_equal(r->s.table, RT_TABLE_LOCAL);
	assert_int_equal(r->s.prio, 5);
	tv_free(vc);
	vc = rule_ok("to 2001:db8::/48 prohibit");
	r = &vc->inst[0]->vrules[0];
	assert_int_equal(r->s.family, AF_INET6);
	assert_int_equal(r->s.action, FR_ACT_PROHIBIT);
	tv_free(vc);
	vc = rule_ok("fwmark 7 goto 200 prio 10");
	r = &vc->inst[0]->vrules[0];
	assert_int_equal(r->s.action, FR_ACT_GOTO);
	assert_int_equal(r->s.goto_prio, 200);
	assert_int_equal(r->s.mask, 0);
	tv_free(vc);
	vc = rule_ok("inet6 fwmark 1 table 9");
	assert_int_equal(vc->inst[0]->vrules[0].s.family, AF_INET6);
	tv_free(vc);
}

static void rule_bad(const char *line, const char *needle)
{
	tv_refuse(in_list("virtual_rules", line), 3, "virtual_rules", needle);
}

static void test_rule_bad(void **state)
{
	(void)state;
	rule_bad("from 192.0.2.1", "needs an action");
	rule_bad("from 192.0.2.1 to 2001:db8::1 table 3", "family");
	rule_bad("from 192.0.2.1 from 192.0.2.2 table 3", "twice");
	rule_bad("fwmark 1/0 table 3", "MARK[/MASK]");
	rule_bad("fwmark x table 3", "MARK[/MASK]");
	rule_bad("table 3 table 4", "action was given already");
	rule_bad("table 3 bogus", "unknown word 'bogus'");
	rule_bad("not from 192.0.2.1 table 3", "not implemented yet");
	rule_bad("from 192.0.2.1 inet6 table 3", "IPv4");
	rule_bad("priority 1x table 3", "expected a number");
}

/* Several lines, and the static lists through their own handlers. */
static void test_lists(void **state)
{
	struct vrrp_conf *vc = tv_ok(tv_inst("virtual_routes {\n"
		"192.0.2.0/26 dev eth0\nblackhole 198.51.100.0/24\n}\n"
		"virtual_rules {\nfrom 192.0.2.1 table 5\nto 192.0.2.9 "
		"table 6\n}"));

	(void)state;
	assert_int_equal(vc->inst[0]->nvroutes, 2);
	assert_int_equal(vc->inst[0]->nvrules, 2);
	assert_int_equal(vc->inst[0]->vrules[1].loc.line, 8);
	tv_free(vc);
}

/* The static_* lists, through a top level of their own (as
 * tandem/conf_top.c wires them). */
static const struct conf_keyword static_kw[] = {
	{ .name = "static_ipaddress", .type = CONF_T_LIST,
	  .handler = vrrp_conf_h_static_addr, .flags = CONF_KW_MULTI },
	{ .name = "static_routes", .type = CONF_T_LIST,
	  .handler = vrrp_conf_h_static_route, .flags = CONF_KW_MULTI },
	{ .name = "static_rules", .type = CONF_T_LIST,
	  .handler = vrrp_conf_h_static_rule, .flags = CONF_KW_MULTI },
	{ .name = NULL },
};

static const struct conf_block static_top = {
	.name = "the top level",
	.keywords = static_kw,
};

static struct vrrp_conf *static_load(const char *text, struct conf_diag *d)
{
	struct conf_tree *t = NULL;
	struct vrrp_conf *vc = calloc(1, sizeof(*vc));

	assert_non_null(vc);
	vrrp_conf_init(vc);
	conf_diag_init(d);
	if (conf_read_buffer("s.conf", text, strlen(text), NULL, d, &t) == 0)
		conf_apply(t, &static_top, vc, d);
	conf_tree_free(t);
	return vc;
}

static void static_bad(const char *text, const char *needle)
{
	struct conf_diag d;
	struct vrrp_conf *vc = static_load(text, &d);
	bool found = false;

	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].sev == CONF_ERROR && d.v[i].line == 2 &&
		    strstr(d.v[i].msg, needle))
			found = true;
	if (!found)
		fail_msg("no error with \"%s\" at line 2 for:\n%s", needle, text);
	conf_diag_free(&d);
	tv_free(vc);
}

static void test_static(void **state)
{
	struct conf_diag d;
	struct vrrp_conf *vc;

	(void)state;
	vc = static_load("static_ipaddress {\n10.1.0.1/24 dev lo\n"
			 "2001:db8::7 dev eth0\n}\nstatic_routes {\n"
			 "198.51.100.0/24 via 10.1.0.254 table 7\n}\n"
			 "static_rules {\nfrom 10.1.0.0/24 table 7\n}\n", &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(vc->nsvips, 2);
	assert_string_equal(vc->svips[0].v.dev, "lo");
	assert_int_equal(vc->svips[0].v.prefix, 24);
	assert_int_equal(vc->svips[1].v.addr.family, AF_INET6);
	assert_int_equal(vc->nsroutes, 1);
	assert_int_equal(vc->sroutes[0].s.table, 7);
	assert_int_equal(vc->nsrules, 1);
	assert_int_equal(vc->srules[0].s.table, 7);
	conf_diag_free(&d);
	tv_free(vc);

	static_bad("static_ipaddress {\n10.1.0.1/24\n}\n", "needs 'dev IF'");
	/* track_group G: kept for vrrp_conf_check(), which resolves it */
	vc = static_load("static_ipaddress {\n10.1.0.1/24 dev lo track_group g "
			 "scope host\n}\n", &d);
	assert_int_equal(d.errors, 0);
	assert_int_equal(vc->nsvips, 1);
	assert_string_equal(vc->svips[0].track_group, "g");
	assert_int_equal(vc->svips[0].v.scope, 254);
	conf_diag_free(&d);
	tv_free(vc);
	static_bad("static_ipaddress {\n10.1.0.1/24 dev lo track_group\n}\n",
		   "'track_group' needs a value");
	static_bad("static_ipaddress {\n10.1.0.1/24 dev lo track_group a "
		   "track_group b\n}\n", "given twice");
	vc = static_load("static_routes {\n198.51.100.0/24 dev lo track_group g\n"
			 "}\nstatic_rules {\nfrom 10.1.0.0/24 table 7 track_group "
			 "h pref 9\n}\n", &d);
	assert_int_equal(d.errors, 0);
	assert_string_equal(vc->sroutes[0].track_group, "g");
	assert_string_equal(vc->srules[0].track_group, "h");
	assert_int_equal(vc->srules[0].s.prio, 9);
	conf_diag_free(&d);
	tv_free(vc);
	static_bad("static_rules {\nfrom 10.1.0.0/24 table 7 track_group g\n}\n",
		   "needs a preference");
	static_bad("static_routes {\n198.51.100.0/24 dev lo track_group\n}\n",
		   "needs a value");
	static_bad("static_routes {\n198.51.100.0/24\n}\n", "'via' or 'dev'");
	static_bad("static_rules {\nfrom 10.1.0.1\n}\n", "needs an action");
}

/* use_vmac [NAME] and vmac_xmit_base (vrrp_conf_vmac.c). */
static void test_vmac(void **state)
{
	struct vrrp_conf *vc;

	(void)state;
	vc = tv_ok(tv_inst("use_vmac"));
	assert_true(vc->inst[0]->use_vmac);
	assert_null(vc->inst[0]->vmac_name);
	assert_false(vc->inst[0]->vmac_xmit_base);
	tv_free(vc);
	vc = tv_ok(tv_inst("use_vmac vmac7\nvmac_xmit_base"));
	assert_string_equal(vc->inst[0]->vmac_name, "vmac7");
	assert_true(vc->inst[0]->vmac_xmit_base);
	tv_free(vc);
	tv_refuse(tv_inst("use_vmac a/b"), 2, "use_vmac", "interface name");
	tv_refuse(tv_inst("use_vmac sixteen-chars-xx"), 2, "use_vmac",
		  "1..15 characters");
	tv_refuse(tv_inst("use_vmac a b"), 2, "use_vmac", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_full),
		cmocka_unit_test(test_route_forms),
		cmocka_unit_test(test_route_bad),
		cmocka_unit_test(test_rule_full),
		cmocka_unit_test(test_rule_forms),
		cmocka_unit_test(test_rule_bad),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_vmac),
		cmocka_unit_test(test_static),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
