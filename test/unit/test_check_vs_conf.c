/*
 * The LVS keyword tables: every virtual_server, real_server and
 * virtual_server_group keyword stores what it says, deprecated spellings
 * warn, and every mistake gives a located error naming the keyword.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "test/unit/check_test_util.h"

static void ok_parse(const char *text, struct check_conf *cc)
{
	struct conf_diag d;

	if (parse(text, cc, &d) != 0)
		dump_diag(&d);
	assert_int_equal(d.errors, 0);
	conf_diag_free(&d);
}

/* The text must fail with an error at line containing what. */
static void bad(const char *text, int line, const char *what)
{
	struct check_conf cc;
	struct conf_diag d;

	assert_int_equal(parse(text, &cc, &d), -1);
	if (!has_diag(&d, CONF_ERROR, line, what)) {
		dump_diag(&d);
		fail_msg("no error at line %d with '%s'", line, what);
	}
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].sev == CONF_ERROR)
			assert_string_equal(d.v[i].file ? d.v[i].file : "t.conf",
					    "t.conf");
	conf_diag_free(&d);
	check_conf_free(&cc);
}

static bool warned(const char *text, const char *what)
{
	struct check_conf cc;
	struct conf_diag d;
	bool w;

	assert_int_equal(parse(text, &cc, &d), 0);
	w = has_diag(&d, CONF_WARNING, 0, what);
	conf_diag_free(&d);
	check_conf_free(&cc);
	return w;
}

static void vs_defaults(void **state)
{
	struct check_conf cc;
	const struct check_vs *vs;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 8080 {\n }\n}\n", &cc);
	assert_int_equal(cc.nvs, 1);
	vs = cc.vs[0];
	assert_int_equal(vs->kind, CHECK_VS_ADDR);
	assert_int_equal(vs->af, AF_INET);
	assert_int_equal(vs->port, 80);
	assert_string_equal(vs->sched, "wlc");
	assert_int_equal(vs->fwd.method, IPVS_FWD_MASQ);
	assert_int_equal(vs->protocol, CHECK_PROTO_TCP);
	assert_int_equal(vs->quorum, 1);
	assert_false(vs->persistent);
	assert_int_equal(vs->granularity, -1);
	assert_int_equal(vs->nrs, 1);
	assert_int_equal(vs->rs[0]->weight, 1);
	assert_true(vs->rs[0]->port_set);
	assert_int_equal(vs->rs[0]->port, 8080);
	assert_int_equal(vs->rs[0]->loc.line, 2);
	check_conf_free(&cc);
}

static void vs_every_keyword(void **state)
{
	struct check_conf cc;
	const struct check_vs *vs;

	(void)state;
	ok_parse("virtual_server 2001:db8::1 53 {\n"
		 " lvs_sched sh\n sh-port\n sh-fallback\n flag-3\n"
		 " protocol udp\n ops\n"
		 " lvs_method DR\n"
		 " persistence_timeout 600\n persistence_granularity 64\n"
		 " persistence_engine sip\n"
		 " ip_family inet6\n"
		 " sorry_server 2001:db8::99 53\n sorry_server_inhibit\n"
		 " sorry_server_lvs_method DR\n"
		 " quorum 3\n hysteresis 1\n quorum_up /bin/up a b\n"
		 " quorum_down \"/bin/down x\"\n"
		 " alpha\n omega\n ha_suspend\n inhibit_on_failure\n"
		 " smtp_alert no\n virtualhost www.example\n"
		 " delay_loop 2.5\n delay_before_retry 1\n warmup 0\n retry 4\n"
		 " real_server 2001:db8::10 {\n  weight 7\n  uthreshold 100\n"
		 "  lthreshold 10\n  inhibit_on_failure no\n"
		 "  notify_up /bin/rs-up\n  notify_down /bin/rs-down arg\n"
		 "  smtp_alert\n  alpha off\n  virtualhost rs.example\n"
		 "  delay_loop 3\n  delay_before_retry 2\n  warmup 1\n retry 2\n"
		 " }\n}\n", &cc);
	vs = cc.vs[0];
	assert_int_equal(vs->af, AF_INET6);
	assert_string_equal(vs->sched, "sh");
	assert_int_equal(vs->sched_flags, IP_VS_SVC_F_SCHED1 |
			 IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3);
	assert_int_equal(vs->protocol, CHECK_PROTO_UDP);
	assert_true(vs->ops);
	assert_int_equal(vs->fwd.method, IPVS_FWD_DROUTE);
	assert_true(vs->persistent);
	assert_int_equal(vs->persistence_timeout, 600);
	assert_int_equal(vs->granularity, 64);
	assert_string_equal(vs->persistence_engine, "sip");
	assert_int_equal(vs->ip_family, CHECK_AF_INET6);
	assert_true(vs->sorry.set);
	assert_int_equal(vs->sorry.port, 53);
	assert_true(vs->sorry_inhibit);
	assert_int_equal(vs->sorry_fwd.method, IPVS_FWD_DROUTE);
	assert_int_equal(vs->quorum, 3);
	assert_int_equal(vs->hysteresis, 1);
	assert_string_equal(vs->quorum_up, "/bin/up a b");
	assert_string_equal(vs->quorum_down, "/bin/down x");
	assert_int_equal(vs->inh.alpha, 1);
	assert_true(vs->omega);
	assert_true(vs->ha_suspend);
	assert_int_equal(vs->inh.inhibit_on_failure, 1);
	assert_int_equal(vs->inh.smtp_alert, 0);
	assert_string_equal(vs->inh.virtualhost, "www.example");
	assert_int_equal(vs->inh.delay_loop, 2500000);
	assert_int_equal(vs->inh.delay_before_retry, 1000000);
	assert_int_equal(vs->inh.warmup, 0);
	assert_int_equal(vs->inh.retry, 4);
	const struct check_rs *rs = vs->rs[0];

	assert_false(rs->port_set);
	assert_int_equal(rs->weight, 7);
	assert_int_equal(rs->uthreshold, 100);
	assert_int_equal(rs->lthreshold, 10);
	assert_int_equal(rs->inh.inhibit_on_failure, 0);
	assert_string_equal(rs->notify_up, "/bin/rs-up");
	assert_string_equal(rs->notify_down, "/bin/rs-down arg");
	assert_int_equal(rs->inh.smtp_alert, 1);
	assert_int_equal(rs->inh.alpha, 0);
	assert_string_equal(rs->inh.virtualhost, "rs.example");
	assert_int_equal(rs->inh.delay_loop, 3000000);
	assert_int_equal(rs->inh.warmup, 1000000);
	assert_int_equal(rs->inh.retry, 2);
	assert_false(rs->fwd.set);
	check_conf_free(&cc);
}

static void every_scheduler(void **state)
{
	(void)state;
	for (size_t i = 0; check_sched_names[i]; i++) {
		char text[128];
		struct check_conf cc;

		snprintf(text, sizeof(text), "virtual_server 10.0.0.1 80 {\n"
			 " lvs_sched %s\n}\n", check_sched_names[i]);
		ok_parse(text, &cc);
		assert_string_equal(cc.vs[0]->sched, check_sched_names[i]);
		check_conf_free(&cc);
	}
	size_t n = 0;

	while (check_sched_names[n])
		n++;
	assert_int_equal(n, 13);
	bad("virtual_server 10.0.0.1 80 {\n lvs_sched fastest\n}\n", 2,
	    "lvs_sched: expected");
}

static void deprecated_aliases(void **state)
{
	struct check_conf cc;
	struct conf_diag d;

	(void)state;
	assert_int_equal(parse("virtual_server 10.0.0.1 80 {\n lb_algo rr\n"
			       " lb_kind TUN\n real_server 10.0.1.1 80 {\n"
			       "  lb_kind DR\n }\n}\n", &cc, &d), 0);
	assert_true(has_diag(&d, CONF_WARNING, 2, "'lb_algo' is deprecated, use 'lvs_sched'"));
	assert_true(has_diag(&d, CONF_WARNING, 3, "'lb_kind' is deprecated, use 'lvs_method'"));
	assert_true(has_diag(&d, CONF_WARNING, 5, "'lb_kind' is deprecated"));
	assert_string_equal(cc.vs[0]->sched, "rr");
	assert_int_equal(cc.vs[0]->fwd.method, IPVS_FWD_TUNNEL);
	assert_int_equal(cc.vs[0]->rs[0]->fwd.method, IPVS_FWD_DROUTE);
	conf_diag_free(&d);
	check_conf_free(&cc);
	assert_true(warned("virtual_server 10.0.0.1 80 {\n hashed\n}\n",
			   "has no effect"));
}

static void statement_forms(void **state)
{
	struct check_conf cc;

	(void)state;
	ok_parse("virtual_server fwmark 7 {\n}\n"
		 "virtual_server group G {\n}\n"
		 "virtual_server_group G {\n 10.0.0.1 80\n}\n", &cc);
	assert_int_equal(cc.vs[0]->kind, CHECK_VS_FWMARK);
	assert_int_equal(cc.vs[0]->fwmark, 7);
	assert_int_equal(cc.vs[1]->kind, CHECK_VS_GROUP);
	assert_string_equal(cc.vs[1]->group, "G");
	check_conf_free(&cc);
	bad("virtual_server 10.0.0.1 {\n}\n", 1, "expected a port");
	bad("virtual_server 10.0.0.1 99999 {\n}\n", 1, "virtual_server:");
	bad("virtual_server 10.0.0.300 80 {\n}\n", 1, "virtual_server:");
	bad("virtual_server fwmark 0 {\n}\n", 1, "virtual_server:");
	bad("virtual_server fwmark {\n}\n", 1, "virtual_server:");
	bad("virtual_server group {\n}\n", 1, "virtual_server:");
	bad("virtual_server 10.0.0.1 80\n", 1, "expected a { } block");
	/* errors inside a statement with bad arguments are still found */
	bad("virtual_server 10.0.0.1 {\n lvs_sched nope\n}\n", 2, "lvs_sched");
	bad("virtual_server 10.0.0.1 80 {\n bogus 1\n}\n", 2, "bogus");
}

static void persistence(void **state)
{
	struct check_conf cc;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 80 {\n persistence_timeout\n"
		 " persistence_granularity 255.255.255.0\n}\n"
		 "virtual_server 10.0.0.1 0 {\n persistence_timeout 30\n"
		 " persistence_granularity 16\n}\n", &cc);
	assert_true(cc.vs[0]->persistent);
	assert_int_equal(cc.vs[0]->persistence_timeout, 360);
	assert_int_equal(cc.vs[0]->granularity, 24);
	assert_true(cc.vs[0]->granularity_v4mask);
	assert_int_equal(cc.vs[1]->granularity, 16);
	check_conf_free(&cc);
	bad("virtual_server 10.0.0.1 80 {\n persistence_timeout 0\n}\n", 2,
	    "persistence_timeout");
	bad("virtual_server 10.0.0.1 80 {\n persistence_timeout 1 2\n}\n", 2,
	    "persistence_timeout");
	bad("virtual_server 10.0.0.1 80 {\n persistence_timeout 1\n"
	    " persistence_granularity 255.0.255.0\n}\n", 3, "contiguous");
	bad("virtual_server 10.0.0.1 80 {\n persistence_timeout 1\n"
	    " persistence_granularity 129\n}\n", 3, "persistence_granularity");
	bad("virtual_server 10.0.0.1 80 {\n persistence_timeout 1\n"
	    " persistence_granularity 33\n}\n", 1, "1-32 for an IPv4 service");
	bad("virtual_server 2001:db8::1 80 {\n persistence_timeout 1\n"
	    " persistence_granularity 255.255.0.0\n}\n", 1,
	    "for an IPv6 service, got an IPv4 netmask");
	bad("virtual_server 10.0.0.1 80 {\n persistence_engine "
	    "abcdefghijklmnopq\n}\n", 2, "persistence_engine: expected a name");
	bad("virtual_server 10.0.0.1 0 {\n}\n", 1,
	    "persistence_timeout with port 0");
	assert_true(warned("virtual_server 10.0.0.1 80 {\n"
			   " persistence_granularity 24\n}\n",
			   "no effect without persistence_timeout"));
	assert_true(warned("virtual_server 10.0.0.1 80 {\n"
			   " persistence_engine sip\n}\n",
			   "no effect without persistence_timeout"));
}

static void tunnels(void **state)
{
	struct check_conf cc;
	const struct check_fwd *f;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 80 {\n"
		 " lvs_method TUN type gue port 6080 remcsum\n"
		 " real_server 10.0.1.1 80 {\n  lvs_method TUN type gre csum\n }\n"
		 " real_server 10.0.1.2 80 {\n  lvs_method TUN\n"
		 "  tun_type gue\n  tun_port 5555\n  tun_csum\n }\n"
		 " real_server 10.0.1.3 80 {\n  lvs_method NAT\n }\n"
		 " real_server 10.0.1.4 80 {\n  tun_type gue\n  tun_port 7\n"
		 "  tun_remcsum\n  lvs_method TUN\n }\n}\n", &cc);
	f = &cc.vs[0]->fwd;
	assert_int_equal(f->method, IPVS_FWD_TUNNEL);
	assert_int_equal(f->tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(f->tun_port, 6080);
	assert_int_equal(f->tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);
	f = &cc.vs[0]->rs[0]->fwd;
	assert_int_equal(f->tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GRE);
	assert_int_equal(f->tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	f = &cc.vs[0]->rs[1]->fwd;
	assert_int_equal(f->tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(f->tun_port, 5555);
	assert_int_equal(f->tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	assert_int_equal(cc.vs[0]->rs[2]->fwd.method, IPVS_FWD_MASQ);
	/* the tun_* keywords may come before lvs_method */
	f = &cc.vs[0]->rs[3]->fwd;
	assert_int_equal(f->method, IPVS_FWD_TUNNEL);
	assert_int_equal(f->tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(f->tun_port, 7);
	assert_int_equal(f->tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM);
	check_conf_free(&cc);
	bad("virtual_server 10.0.0.1 80 {\n lvs_method TUN type gue\n}\n", 2,
	    "'port PORT' (1-65535) for a GUE");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method TUN type gre port 1\n}\n",
	    2, "only for a GUE");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method TUN type gre remcsum\n}\n",
	    2, "remcsum only");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method TUN csum\n}\n", 2,
	    "for ipip");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method DR type gre\n}\n", 2,
	    "tunnel options go with TUN");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method TUN type foo\n}\n", 2,
	    "lvs_method");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method TUN type\n}\n", 2,
	    "after 'type'");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method TUN wobble\n}\n", 2,
	    "got 'wobble'");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method LOCAL\n}\n", 2,
	    "lvs_method");
	bad("virtual_server 10.0.0.1 80 {\n tun_type gre\n}\n", 2,
	    "only with lvs_method TUN in the same block");
	bad("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n"
	    "  tun_port 9\n }\n}\n", 3, "lvs_method TUN");
	bad("virtual_server 10.0.0.1 80 {\n sorry_server_lvs_method TUN type "
	    "gue\n}\n", 2, "for a GUE tunnel");
}

static void scheduler_flags(void **state)
{
	struct check_conf cc;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 80 {\n lvs_sched mh\n mh-port\n"
		 " mh-fallback\n}\n", &cc);
	assert_int_equal(cc.vs[0]->sched_flags, IP_VS_SVC_F_SCHED_MH_PORT |
			 IP_VS_SVC_F_SCHED_MH_FALLBACK);
	check_conf_free(&cc);
	bad("virtual_server 10.0.0.1 80 {\n lvs_sched rr\n sh-port\n}\n", 1,
	    "expected lvs_sched sh with them, got lvs_sched rr");
	bad("virtual_server 10.0.0.1 80 {\n lvs_sched sh\n mh-fallback\n}\n", 1,
	    "expected lvs_sched mh");
	bad("virtual_server 10.0.0.1 80 {\n flag-1 yes\n}\n", 2, "flag-1");
}

static void service_checks(void **state)
{
	(void)state;
	bad("virtual_server 10.0.0.1 80 {\n ops\n}\n", 1,
	    "ops: expected protocol UDP");
	bad("virtual_server 10.0.0.1 80 {\n protocol ICMP\n}\n", 2, "protocol");
	bad("virtual_server 10.0.0.1 80 {\n quorum 2\n hysteresis 2\n}\n", 1,
	    "hysteresis: expected less than quorum (2), got 2");
	bad("virtual_server 10.0.0.1 80 {\n quorum 0\n}\n", 2, "quorum");
	bad("virtual_server 10.0.0.1 80 {\n ip_family inet6\n}\n", 1,
	    "ip_family: expected the family of the address");
	bad("virtual_server 10.0.0.1 80 {\n ip_family ipx\n}\n", 2, "ip_family");
	bad("virtual_server 10.0.0.1 80 {\n delay_loop 0\n}\n", 2, "delay_loop");
	bad("virtual_server 10.0.0.1 80 {\n sorry_server\n}\n", 2, "sorry_server");
	bad("virtual_server 10.0.0.1 80 {\n sorry_server 10.0.9.9 1 2\n}\n", 2,
	    "sorry_server");
	bad("virtual_server 10.0.0.1 80 {\n alpha maybe\n}\n", 2, "alpha");
	bad("virtual_server 10.0.0.1 80 {\n virtual_server 10.0.0.2 80 {\n"
	    " }\n}\n", 2, "virtual_server");
}

static void real_server_checks(void **state)
{
	(void)state;
	bad("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n"
	    "  weight 70000\n }\n}\n", 3, "weight");
	bad("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n"
	    "  weight -1\n }\n}\n", 3, "weight");
	bad("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n"
	    "  uthreshold 5\n  lthreshold 6\n }\n}\n", 2,
	    "lthreshold: expected at most uthreshold (5), got 6");
	bad("virtual_server 10.0.0.1 80 {\n real_server {\n }\n}\n", 2,
	    "real_server");
	bad("virtual_server 10.0.0.1 80 {\n real_server nothere 80 {\n }\n}\n",
	    2, "real_server");
	bad("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 1 {\n"
	    " }\n}\n", 2, "real_server");
	bad("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n"
	    "  nosuch\n }\n}\n", 3, "nosuch");
}

static void checkers_not_implemented(void **state)
{
	static const char *const checkers[] = {
		"BFD_CHECK", NULL
	};

	(void)state;
	for (size_t i = 0; checkers[i]; i++) {
		char text[200];

		snprintf(text, sizeof(text), "virtual_server 10.0.0.1 80 {\n"
			 " real_server 10.0.1.1 80 {\n  %s {\n   connect_port 80\n"
			 "  }\n }\n}\n", checkers[i]);
		bad(text, 3, "not implement yet");
	}
}

static void cross_block_checks(void **state)
{
	struct check_conf cc;

	(void)state;
	/* a group defined after its use is fine */
	ok_parse("virtual_server group LATER {\n}\n"
		 "virtual_server_group LATER {\n 10.0.0.5 80\n}\n", &cc);
	check_conf_free(&cc);
	bad("virtual_server group NOPE {\n}\n", 1,
	    "expected a virtual_server_group named 'NOPE'");
	bad("virtual_server 10.0.0.1 80 {\n}\nvirtual_server 10.0.0.1 80 {\n}\n",
	    3, "TCP 10.0.0.1:80 already defined at t.conf:1");
	bad("virtual_server_group G {\n 10.0.0.1-5 80\n}\n"
	    "virtual_server 10.0.0.3 80 {\n}\nvirtual_server group G {\n}\n", 6,
	    "TCP 10.0.0.3:80 already defined at t.conf:4");
	bad("virtual_server_group G {\n 10.0.0.1-5 80\n 10.0.0.4 80\n}\n"
	    "virtual_server group G {\n}\n", 5, "twice in group 'G'");
	/* different protocols are different services */
	ok_parse("virtual_server 10.0.0.1 53 {\n protocol UDP\n}\n"
		 "virtual_server 10.0.0.1 53 {\n protocol TCP\n}\n"
		 "virtual_server fwmark 1 {\n}\n"
		 "virtual_server fwmark 1 {\n ip_family inet6\n}\n", &cc);
	check_conf_free(&cc);
	bad("virtual_server fwmark 1 {\n}\nvirtual_server fwmark 1 {\n}\n", 3,
	    "FWM 1");
}

static void real_server_vs_checks(void **state)
{
	struct check_conf cc;

	(void)state;
	bad("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n }\n"
	    " real_server 10.0.1.1 80 {\n }\n}\n", 4, "already at t.conf:2");
	/* a missing port is the service's: the same real server */
	bad("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n }\n"
	    " real_server 10.0.1.1 {\n }\n}\n", 4, "already at t.conf:2");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method DR\n"
	    " real_server 10.0.1.1 8080 {\n }\n}\n", 3,
	    "port 80 with lvs_method DR (only NAT can change the port), got 8080");
	bad("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 8080 {\n"
	    "  lvs_method TUN\n }\n}\n", 2, "with lvs_method TUN");
	bad("virtual_server 10.0.0.1 80 {\n real_server 2001:db8::1 80 {\n"
	    " }\n}\n", 2, "expected an IPv4 address like its service's");
	bad("virtual_server 10.0.0.1 80 {\n sorry_server 2001:db8::1 80\n}\n", 2,
	    "sorry_server: expected an IPv4 address");
	bad("virtual_server 10.0.0.1 80 {\n lvs_method DR\n"
	    " sorry_server 10.0.9.9 81\n}\n", 3, "sorry_server: expected the "
	    "service's port 80");
	/* NAT remaps ports; TUN crosses families; fwmark has no port */
	ok_parse("virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 8080 {\n"
		 " }\n real_server 2001:db8::1 80 {\n  lvs_method TUN\n }\n}\n"
		 "virtual_server fwmark 3 {\n lvs_method DR\n"
		 " real_server 10.0.1.1 443 {\n }\n}\n", &cc);
	check_conf_free(&cc);
	/* with a sync daemon, not even TUN crosses families */
	ok_parse("virtual_server 10.0.0.1 80 {\n lvs_method TUN\n"
		 " real_server 10.0.1.1 80 {\n }\n"
		 " real_server 2001:db8::1 80 {\n }\n}\n", &cc);
	{
		struct conf_diag d;

		cc.sync_daemon = true;
		conf_diag_init(&d);
		assert_int_equal(check_conf_finish(&cc, &d), -1);
		if (!has_diag(&d, CONF_ERROR, 5, "expected an IPv4 address "
			      "like its service's while lvs_sync_daemon is set"))
			fail_msg("no error for a TUN to IPv6 with a sync daemon");
		assert_int_equal(d.errors, 1);
		conf_diag_free(&d);
	}
	check_conf_free(&cc);
	/* a group mixing families cannot share a NAT real server */
	bad("virtual_server_group G {\n 10.0.0.1 80\n 2001:db8::1 80\n}\n"
	    "virtual_server group G {\n real_server 10.0.1.1 80 {\n }\n}\n", 6,
	    "expected an IPv6 address");
}

static void groups(void **state)
{
	struct check_conf cc;
	const struct check_vsg *g;

	(void)state;
	ok_parse("virtual_server_group G {\n 10.0.0.1 80\n 10.0.0.1-10 443\n"
		 " 2001:db8::a-1f 80\n fwmark 9\n 10.0.0.20-20 8\n}\n", &cc);
	g = cc.vsg[0];
	assert_string_equal(g->name, "G");
	assert_int_equal(g->n, 5);
	assert_int_equal(g->e[0].count, 1);
	assert_int_equal(g->e[0].port, 80);
	assert_int_equal(g->e[1].count, 10);
	assert_int_equal(g->e[1].port, 443);
	assert_int_equal(g->e[2].af, AF_INET6);
	assert_int_equal(g->e[2].count, 0x1f - 0xa + 1);
	assert_true(g->e[3].is_fwmark);
	assert_int_equal(g->e[3].fwmark, 9);
	assert_int_equal(g->e[4].count, 1);
	assert_int_equal(g->e[2].loc.line, 4);
	check_conf_free(&cc);
	bad("virtual_server_group G {\n 10.0.0.10-1 80\n}\n", 2,
	    "virtual_server_group: expected a range whose end is not below");
	bad("virtual_server_group G {\n 2001:db8::ff-a 80\n}\n", 2,
	    "not below its start");
	bad("virtual_server_group G {\n 10.0.0.1-256 80\n}\n", 2,
	    "last byte of the range");
	bad("virtual_server_group G {\n 10.0.0.1-x 80\n}\n", 2,
	    "last byte of the range");
	bad("virtual_server_group G {\n 2001:db8::1-10000 80\n}\n", 2,
	    "hexadecimal");
	bad("virtual_server_group G {\n 10.0.0.1\n}\n", 2, "one port");
	bad("virtual_server_group G {\n 10.0.0.1 70000\n}\n", 2, "a port");
	bad("virtual_server_group G {\n nothost 80\n}\n", 2, "got 'nothost'");
	bad("virtual_server_group G {\n fwmark 0\n}\n", 2, "fwmark N");
	bad("virtual_server_group G {\n fwmark\n}\n", 2, "fwmark N");
	bad("virtual_server_group G {\n 10.0.0.1 80 {\n }\n}\n", 2,
	    "got a { } block");
	bad("virtual_server_group G {\n}\nvirtual_server_group G {\n}\n", 3,
	    "already defined at t.conf:1");
	bad("virtual_server_group {\n}\n", 1, "virtual_server_group");
	bad("virtual_server_group G\n", 1, "expected a { } block");
	assert_true(warned("virtual_server_group E {\n}\n", "has no address"));
}

/* Every keyword of the virtual_server and real_server tables is in
 * tandem.conf(5), set in bold. */
static void documented(void **state)
{
	const char *srcdir = getenv("top_srcdir");
	const struct conf_block *blocks[] = { &check_vs_block, &check_rs_block };
	char path[4096], *text = NULL;
	size_t len = 0;
	FILE *f, *m;
	int ch;

	(void)state;
	snprintf(path, sizeof(path), "%s/doc/tandem.conf.5",
		 srcdir ? srcdir : "..");
	f = fopen(path, "r");
	assert_non_null(f);
	m = open_memstream(&text, &len);
	assert_non_null(m);
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(f);
	assert_int_equal(fclose(m), 0);
	for (size_t b = 0; b < 2; b++) {
		for (const struct conf_keyword *k = blocks[b]->keywords; k->name; k++) {
			static const char *const pre[] = {
				".B ", ".BR ", ".BI ", "\\fB", "\" ",
				"\\\n",
			};
			char name[64], pat[80];
			size_t j = 0;
			bool found = false;

			for (const char *p = k->name; *p && j + 2 < sizeof(name); p++) {
				if (*p == '-')
					name[j++] = '\\';
				name[j++] = *p;
			}
			name[j] = '\0';
			for (size_t i = 0; i < 6 && !found; i++) {
				snprintf(pat, sizeof(pat), "%s%s", pre[i], name);
				found = strstr(text, pat) != NULL;
			}
			if (!found)
				fail_msg("%s: '%s' is not in %s", blocks[b]->name,
					 k->name, path);
		}
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vs_defaults),
		cmocka_unit_test(vs_every_keyword),
		cmocka_unit_test(every_scheduler),
		cmocka_unit_test(deprecated_aliases),
		cmocka_unit_test(statement_forms),
		cmocka_unit_test(persistence),
		cmocka_unit_test(tunnels),
		cmocka_unit_test(scheduler_flags),
		cmocka_unit_test(service_checks),
		cmocka_unit_test(real_server_checks),
		cmocka_unit_test(checkers_not_implemented),
		cmocka_unit_test(cross_block_checks),
		cmocka_unit_test(real_server_vs_checks),
		cmocka_unit_test(groups),
		cmocka_unit_test(documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
