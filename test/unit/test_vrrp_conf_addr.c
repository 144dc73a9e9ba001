/*
 * The address syntax of virtual_ipaddress and virtual_ipaddress_excluded
 * (keepalived's `ip addr add` options): every option stored as written,
 * IPv4 and IPv6, brd + and -, peer, and each malformed line refused with
 * an error at that line named by its list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

/* test_vrrp_conf_util.c */
extern struct vrrp_conf_globals tv_globals;
struct vrrp_conf *tv_load(const char *text, struct conf_diag *d);
void tv_free(struct vrrp_conf *vc);
const char *tv_inst(const char *body);
struct vrrp_conf *tv_ok(const char *text);
void tv_refuse(const char *text, int line, const char *kw, const char *needle);
struct vrrp_conf *tv_warn(const char *text, int line, const char *kw,
			  const char *needle);

/* One address line in virtual_ipaddress (the line is line 3). */
static const char *vip_text(const char *list, const char *line)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s {\n%s\n}", list, line);
	return tv_inst(buf);
}

static struct vrrp_conf *vip_ok(const char *line)
{
	struct vrrp_conf *vc = tv_ok(vip_text("virtual_ipaddress", line));

	assert_int_equal(vc->inst[0]->nvips, 1);
	return vc;
}

static void vip_bad(const char *line, const char *needle)
{
	tv_refuse(vip_text("virtual_ipaddress", line), 3, "virtual_ipaddress",
		  needle);
	tv_refuse(vip_text("virtual_ipaddress_excluded", line), 3,
		  "virtual_ipaddress_excluded", needle);
}

static void ip4(const struct vrrp_ip *ip, const char *s)
{
	char buf[INET6_ADDRSTRLEN];

	assert_int_equal(ip->family, AF_INET);
	assert_string_equal(inet_ntop(AF_INET, &ip->u.v4, buf, sizeof(buf)), s);
}

static void ip6(const struct vrrp_ip *ip, const char *s)
{
	struct in6_addr want;

	assert_int_equal(ip->family, AF_INET6);
	assert_int_equal(inet_pton(AF_INET6, s, &want), 1);
	assert_memory_equal(&ip->u.v6, &want, sizeof(want));
}

static void test_plain(void **state)
{
	struct vrrp_conf *vc = vip_ok("192.0.2.7");
	const struct vrrp_vip *v = &vc->inst[0]->vips[0];

	(void)state;
	ip4(&v->addr, "192.0.2.7");
	assert_int_equal(v->prefix, 32);
	assert_null(v->dev);
	assert_null(v->label);
	assert_int_equal(v->scope, -1);
	assert_false(v->has_brd);
	assert_false(v->has_peer);
	assert_int_equal(v->flags, 0);
	assert_false(v->no_track);
	assert_false(v->has_preferred_lft);
	assert_int_equal(v->loc.line, 3);
	assert_string_equal(vrrp_conf_loc_file(&v->loc), "vrrp.conf");
	tv_free(vc);

	vc = tv_ok(vip_text("virtual_ipaddress", "2001:db8::7/64"));
	v = &vc->inst[0]->vips[0];
	ip6(&v->addr, "2001:db8::7");
	assert_int_equal(v->prefix, 64);
	tv_free(vc);
	vc = tv_ok(vip_text("virtual_ipaddress", "2001:db8::8"));
	assert_int_equal(vc->inst[0]->vips[0].prefix, 128);
	tv_free(vc);
}

static void test_ipv4_options(void **state)
{
	struct vrrp_conf *vc = vip_ok("192.0.2.7/24 brd 192.0.2.255 dev eth1 "
				      "scope link label eth1:vip no_track "
				      "noprefixroute autojoin");
	const struct vrrp_vip *v = &vc->inst[0]->vips[0];
	char buf[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(v->prefix, 24);
	assert_true(v->has_brd);
	assert_string_equal(inet_ntop(AF_INET, &v->brd, buf, sizeof(buf)),
			    "192.0.2.255");
	assert_string_equal(v->dev, "eth1");
	assert_int_equal(v->scope, 253);
	assert_string_equal(v->label, "eth1:vip");
	assert_true(v->no_track);
	assert_int_equal(v->flags, VRRP_VIP_NOPREFIXROUTE | VRRP_VIP_AUTOJOIN);
	tv_free(vc);

	/* scopes by name and number */
	static const struct { const char *w; int v; } sc[] = {
		{ "global", 0 }, { "universe", 0 }, { "site", 200 },
		{ "link", 253 }, { "host", 254 }, { "nowhere", 255 },
		{ "17", 17 },
	};
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		char line[64];

		snprintf(line, sizeof(line), "192.0.2.7 scope %s", sc[i].w);
		vc = vip_ok(line);
		assert_int_equal(vc->inst[0]->vips[0].scope, sc[i].v);
		tv_free(vc);
	}
	vc = vip_ok("192.0.2.7/24 broadcast 192.0.2.255");
	assert_true(vc->inst[0]->vips[0].has_brd);
	tv_free(vc);
}

static void test_brd_plus_minus(void **state)
{
	struct vrrp_conf *vc = vip_ok("192.0.2.77/26 brd +");
	char buf[INET_ADDRSTRLEN];

	(void)state;
	assert_string_equal(inet_ntop(AF_INET, &vc->inst[0]->vips[0].brd, buf,
				      sizeof(buf)), "192.0.2.127");
	tv_free(vc);
	vc = vip_ok("192.0.2.77/26 brd -");
	assert_string_equal(inet_ntop(AF_INET, &vc->inst[0]->vips[0].brd, buf,
				      sizeof(buf)), "192.0.2.64");
	tv_free(vc);
	vc = vip_ok("10.1.2.3/8 brd +");
	assert_string_equal(inet_ntop(AF_INET, &vc->inst[0]->vips[0].brd, buf,
				      sizeof(buf)), "10.255.255.255");
	tv_free(vc);
	vip_bad("192.0.2.77/31 brd +", "at most 30");
	vip_bad("192.0.2.77 brd +", "/32");
	vip_bad("192.0.2.77/24 brd 300.1.1.1", "'300.1.1.1'");
	vip_bad("192.0.2.77/24 brd", "needs a value");
	vip_bad("192.0.2.77/24 brd + brd -", "twice");
	vip_bad("2001:db8::1/64 brd +", "IPv4 addresses only");
}

static void test_peer(void **state)
{
	struct vrrp_conf *vc = vip_ok("192.0.2.1 peer 192.0.2.2/30");
	const struct vrrp_vip *v = &vc->inst[0]->vips[0];

	(void)state;
	assert_true(v->has_peer);
	ip4(&v->peer, "192.0.2.2");
	assert_int_equal(v->prefix, 30);	/* the peer's */
	tv_free(vc);
	vc = tv_ok(vip_text("virtual_ipaddress", "2001:db8::1 peer 2001:db8::2"));
	v = &vc->inst[0]->vips[0];
	ip6(&v->peer, "2001:db8::2");
	assert_int_equal(v->prefix, 128);
	tv_free(vc);
	vip_bad("192.0.2.1/24 peer 192.0.2.2", "the prefix is the peer's");
	vip_bad("192.0.2.1 peer 2001:db8::2", "not of the family");
	vip_bad("192.0.2.1 peer 192.0.2.2 peer 192.0.2.3", "twice");
	vip_bad("192.0.2.1 peer 192.0.2.2 brd 192.0.2.255",
		"exclude each other");
	vip_bad("192.0.2.1 peer bogus", "'bogus'");
	vip_bad("192.0.2.1 peer 192.0.2.2/33", "0..32");
}

static void test_ipv6_options(void **state)
{
	struct vrrp_conf *vc = tv_ok(vip_text("virtual_ipaddress",
		"2001:db8::1/64 dev eth2 home -nodad mngtmpaddr noprefixroute "
		"autojoin no_track preferred_lft forever"));
	const struct vrrp_vip *v = &vc->inst[0]->vips[0];

	(void)state;
	assert_string_equal(v->dev, "eth2");
	assert_int_equal(v->flags, VRRP_VIP_HOME | VRRP_VIP_NODAD |
			 VRRP_VIP_MNGTMPADDR | VRRP_VIP_NOPREFIXROUTE |
			 VRRP_VIP_AUTOJOIN);
	assert_true(v->no_track);
	assert_true(v->has_preferred_lft);
	assert_int_equal(v->preferred_lft, VRRP_CONF_LFT_FOREVER);
	tv_free(vc);
	vc = tv_ok(vip_text("virtual_ipaddress", "2001:db8::1 nodad "
			    "preferred_lft 0"));
	v = &vc->inst[0]->vips[0];
	assert_int_equal(v->flags, VRRP_VIP_NODAD);
	assert_int_equal(v->preferred_lft, 0);
	tv_free(vc);
	/* link-local VIPs are allowed */
	tv_free(tv_ok(vip_text("virtual_ipaddress", "fe80::1/64")));
	vip_bad("2001:db8::1 scope link", "IPv4 addresses only");
	vip_bad("2001:db8::1 label eth0:1", "IPv4 addresses only");
	vip_bad("2001:db8::1 preferred_lft soon", "'soon'");
	vip_bad("2001:db8::1 preferred_lft 4294967295", "forever");
	vip_bad("2001:db8::1 preferred_lft 1 preferred_lft 2", "twice");
	/* IPv6-only flags on IPv4: a warning, not silence */
	tv_free(tv_warn(vip_text("virtual_ipaddress", "192.0.2.1 home"), 3,
			"virtual_ipaddress", "no effect on an IPv4"));
}

static void test_bad_lines(void **state)
{
	(void)state;
	vip_bad("192.0.2", "'192.0.2'");
	vip_bad("vip.example.com", "IPv4 or IPv6");
	vip_bad("192.0.2.1/33", "0..32");
	vip_bad("2001:db8::1/129", "0..128");
	vip_bad("192.0.2.1/", "prefix length");
	vip_bad("192.0.2.1/2x", "prefix length");
	vip_bad("0.0.0.0", "unicast address");
	vip_bad("255.255.255.255", "unicast address");
	vip_bad("224.0.0.18", "unicast address");
	vip_bad("::", "unicast address");
	vip_bad("ff02::12", "unicast address");
	vip_bad("192.0.2.1 dev", "needs a value");
	vip_bad("192.0.2.1 dev eth0 dev eth1", "'dev' given twice");
	vip_bad("192.0.2.1 dev averyveryverylongname", "1..15");
	vip_bad("192.0.2.1 dev eth0/1", "'eth0/1'");
	vip_bad("192.0.2.1 scope planet", "'planet'");
	vip_bad("192.0.2.1 scope 256", "'256'");
	vip_bad("192.0.2.1 scope host scope link", "twice");
	vip_bad("192.0.2.1 label", "needs a value");
	vip_bad("192.0.2.1 label eth0:averyverylong", "1..15");
	vip_bad("192.0.2.1 label eth0:1 label eth0:2", "twice");
	vip_bad("192.0.2.1 metric 5", "unknown option 'metric'");
	vip_bad("192.0.2.1 track_group g", "static_ipaddress");
	/* a block on a line is refused, by the list */
	tv_refuse(tv_inst("virtual_ipaddress {\n192.0.2.1 {\n}\n}"), 3,
		  "virtual_ipaddress", "one entry per line");
	/* arguments before the list's brace */
	tv_refuse(tv_inst("virtual_ipaddress 192.0.2.1 {\n192.0.2.2\n}"), 2,
		  "virtual_ipaddress", "right after the keyword");
}

/* A bad line loses only itself: the next lines are read and reported. */
static void test_line_is_all_or_nothing(void **state)
{
	struct conf_diag d;
	struct vrrp_conf *vc = tv_load(tv_inst("virtual_ipaddress {\n"
		"192.0.2.1 label eth0:1 bogus\n192.0.2.2\n192.0.2.3 scope x\n}"),
		&d);

	(void)state;
	assert_int_equal(d.errors, 2);
	assert_int_equal(vc->inst[0]->nvips, 1);
	ip4(&vc->inst[0]->vips[0].addr, "192.0.2.2");
	conf_diag_free(&d);
	tv_free(vc);
}

/* The public line parser works on a bare node too (static_ipaddress). */
static int h_line(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_vip *v = obj;

	if (vrrp_conf_loc_file(&v->loc))
		vrrp_vip_free(v);
	return vrrp_conf_parse_vip(c, n, v);
}

static void test_parse_vip_direct(void **state)
{
	static const struct conf_keyword kw[] = {
		{ .name = "addrs", .type = CONF_T_LIST, .handler = h_line },
		{ .name = NULL },
	};
	static const struct conf_block top = { .name = "t", .keywords = kw };
	const char *text = "addrs {\n10.0.0.1/8 dev lo label lo:x\n}\n";
	struct conf_tree *t = NULL;
	struct conf_diag d;
	struct vrrp_vip v = { 0 };
	char buf[64];

	(void)state;
	conf_diag_init(&d);
	assert_int_equal(conf_read_buffer("x.conf", text, strlen(text), NULL,
					  &d, &t), 0);
	assert_int_equal(conf_apply(t, &top, &v, &d), 0);
	assert_string_equal(vrrp_conf_ip_str(&v.addr, buf, sizeof(buf)),
			    "10.0.0.1");
	assert_int_equal(v.prefix, 8);
	assert_string_equal(v.label, "lo:x");
	vrrp_vip_free(&v);
	conf_tree_free(t);
	conf_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_brd_plus_minus),
		cmocka_unit_test(test_peer),
		cmocka_unit_test(test_ipv6_options),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_line_is_all_or_nothing),
		cmocka_unit_test(test_parse_vip_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
