/*
 * Checker blocks: TCP_CHECK's keywords stored, the settings a checker
 * takes over from its real and virtual server resolved in keepalived's
 * order (checker, real server, virtual server, default), located errors
 * for bad values, the deprecated nb_get_retry spelling warned about,
 * where a check goes (connect_ip / connect_port or the server's own
 * address and port), when two checker configs are the same check, and
 * a real server's weight in the table from its verdict.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "check/check_checker.h"
#include "check/check_quorum.h"
#include "check/check_rs_rt.h"
#include "test/unit/check_test_util.h"

static void ok_parse(const char *text, struct check_conf *cc)
{
	struct conf_diag d;

	if (parse(text, cc, &d) != 0) {
		dump_diag(&d);
		fail();
	}
	conf_diag_free(&d);
}

static void tcp_keywords(void **state)
{
	struct check_conf cc;
	const struct check_checker *ck;
	struct sockaddr_in *ci;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 80 {\n"
		 " real_server 10.0.1.1 8080 {\n"
		 "  TCP_CHECK {\n"
		 "   connect_ip 10.0.2.2\n connect_port 81\n"
		 "   bindto 10.0.0.9\n bind_port 4000\n bind_if eth7\n"
		 "   fwmark 12\n connect_timeout 2.5\n retry 4\n"
		 "   delay_before_retry 0.5\n delay_loop 7\n warmup 3\n"
		 "   alpha\n log_all_failures\n"
		 "  }\n"
		 "  TCP_CHECK {\n  }\n"
		 " }\n}\n", &cc);
	assert_int_equal(cc.vs[0]->rs[0]->ncheckers, 2);
	ck = cc.vs[0]->rs[0]->checkers[0];
	assert_int_equal(ck->kind, CHECK_K_TCP);
	ci = (struct sockaddr_in *)&ck->connect_ip;
	assert_int_equal(ci->sin_family, AF_INET);
	assert_int_equal(ntohl(ci->sin_addr.s_addr), 0x0a000202);
	assert_int_equal(ck->connect_port, 81);
	assert_int_equal(ck->bindto.ss_family, AF_INET);
	assert_int_equal(ck->bind_port, 4000);
	assert_string_equal(ck->bind_if, "eth7");
	assert_int_equal(ck->fwmark, 12);
	assert_int_equal(ck->connect_timeout, 2500000);
	assert_int_equal(ck->inh.retry, 4);
	assert_int_equal(ck->inh.delay_before_retry, 500000);
	assert_int_equal(ck->inh.delay_loop, 7000000);
	assert_int_equal(ck->inh.warmup, 3000000);
	assert_int_equal(ck->inh.alpha, 1);
	assert_int_equal(ck->log_all_failures, 1);
	assert_int_equal(cc.vs[0]->rs[0]->checkers[1]->connect_port, 0);
	check_conf_free(&cc);
}

static void inheritance(void **state)
{
	struct check_conf cc;
	struct check_timing t;
	const struct check_vs *vs;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 80 {\n"
		 " delay_loop 9\n retry 5\n alpha\n delay_before_retry 3\n"
		 " real_server 10.0.1.1 80 {\n"
		 "  delay_loop 4\n"
		 "  TCP_CHECK {\n   retry 2\n  }\n"
		 " }\n"
		 " real_server 10.0.1.2 80 {\n"
		 "  alpha off\n"
		 "  TCP_CHECK {\n  }\n"
		 " }\n}\n"
		 "virtual_server 10.0.0.2 80 {\n"
		 " real_server 10.0.1.3 80 {\n  TCP_CHECK {\n  }\n }\n}\n", &cc);
	vs = cc.vs[0];
	check_checker_timing(vs->rs[0]->checkers[0], vs->rs[0], vs, &t);
	assert_int_equal(t.delay_loop, 4000000);	/* the real server's */
	assert_int_equal(t.retry, 2);			/* the checker's */
	assert_int_equal(t.delay_before_retry, 3000000);	/* the vs's */
	assert_true(t.alpha);
	assert_int_equal(t.connect_timeout, CHECK_DEFAULT_CONNECT_TIMEOUT);
	check_checker_timing(vs->rs[1]->checkers[0], vs->rs[1], vs, &t);
	assert_int_equal(t.delay_loop, 9000000);
	assert_int_equal(t.retry, 5);
	assert_false(t.alpha);				/* rs says off */
	vs = cc.vs[1];
	check_checker_timing(vs->rs[0]->checkers[0], vs->rs[0], vs, &t);
	assert_int_equal(t.delay_loop, CHECK_DEFAULT_DELAY_LOOP);
	assert_int_equal(t.retry, CHECK_DEFAULT_RETRY);
	assert_int_equal(t.delay_before_retry, CHECK_DEFAULT_DELAY_BEFORE_RETRY);
	assert_int_equal(t.warmup, 0);
	assert_false(t.alpha);
	check_conf_free(&cc);
}

static void expect_error(const char *body, int line, const char *what)
{
	struct check_conf cc;
	struct conf_diag d;
	char text[1024];

	snprintf(text, sizeof(text),
		 "virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n"
		 "  TCP_CHECK {\n%s  }\n }\n}\n", body);
	assert_int_not_equal(parse(text, &cc, &d), 0);
	if (!has_diag(&d, CONF_ERROR, line, what)) {
		dump_diag(&d);
		fail_msg("no error \"%s\" at line %d", what, line);
	}
	conf_diag_free(&d);
	check_conf_free(&cc);
}

static void errors(void **state)
{
	(void)state;
	expect_error("   connect_port 0\n", 4, "connect_port:");
	expect_error("   connect_port 70000\n", 4, "connect_port:");
	expect_error("   connect_timeout -1\n", 4, "connect_timeout:");
	expect_error("   connect_ip nowhere\n", 4, "connect_ip:");
	expect_error("   retry x\n", 4, "retry:");
	expect_error("   misc_path /bin/true\n", 4, "misc_path");
	expect_error("   bind_if abcdefghijklmnopqrstuvwxyz\n", 3, "bind_if:");
	expect_error("   connect_ip 2001:db8::1\n   bindto 10.0.0.1\n", 3,
		     "one family");
}

static void deprecated_alias(void **state)
{
	struct check_conf cc;
	struct conf_diag d;

	(void)state;
	assert_int_equal(parse("virtual_server 10.0.0.1 80 {\n"
			       " real_server 10.0.1.1 80 {\n"
			       "  TCP_CHECK {\n   nb_get_retry 3\n  }\n }\n}\n",
			       &cc, &d), 0);
	assert_true(has_diag(&d, CONF_WARNING, 4, "nb_get_retry"));
	assert_int_equal(cc.vs[0]->rs[0]->checkers[0]->inh.retry, 3);
	conf_diag_free(&d);
	check_conf_free(&cc);
}

static void target_and_same(void **state)
{
	struct check_conf cc;
	struct sockaddr_storage ss;
	socklen_t len;
	const struct check_rs *rs0, *rs1;

	(void)state;
	ok_parse("virtual_server 2001:db8::1 443 {\n"
		 " real_server 2001:db8::10 {\n  TCP_CHECK {\n  }\n }\n"
		 " real_server 2001:db8::11 8443 {\n"
		 "  TCP_CHECK {\n   connect_port 9\n  }\n }\n}\n", &cc);
	rs0 = cc.vs[0]->rs[0];
	rs1 = cc.vs[0]->rs[1];
	check_checker_target(rs0->checkers[0], rs0, 443, &ss, &len);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 443);
	assert_int_equal(((struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr[15], 0x10);
	check_checker_target(rs1->checkers[0], rs1, 443, &ss, &len);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 9);
	assert_true(check_checker_same(rs0->checkers[0], rs0->checkers[0]));
	assert_false(check_checker_same(rs0->checkers[0], rs1->checkers[0]));
	check_conf_free(&cc);
}

static void weight_from_verdict(void **state)
{
	struct check_conf cc;
	struct check_rs_rt down = { .up = false, .weight = -1 };
	struct check_rs_rt up = { .up = true, .weight = -1 };
	struct check_rs *rs0, *rs1;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 80 {\n"
		 " real_server 10.0.1.1 80 {\n  weight 5\n }\n"
		 " real_server 10.0.1.2 80 {\n  weight 7\n"
		 "  inhibit_on_failure\n }\n}\n", &cc);
	rs0 = cc.vs[0]->rs[0];
	rs1 = cc.vs[0]->rs[1];
	/* Outside a running check process: up at the configured weight. */
	assert_int_equal(check_rs_weight(cc.vs[0], rs0), 5);
	assert_int_equal(check_vs_live_weight(cc.vs[0]), 12);
	rs0->rt = &down;
	rs1->rt = &down;
	assert_int_equal(check_rs_weight(cc.vs[0], rs0), -1);	/* out */
	assert_int_equal(check_rs_weight(cc.vs[0], rs1), 0);	/* inhibited */
	assert_int_equal(check_vs_live_weight(cc.vs[0]), 0);
	rs1->rt = &up;
	assert_int_equal(check_rs_weight(cc.vs[0], rs1), 7);
	assert_int_equal(check_vs_live_weight(cc.vs[0]), 7);
	/* A dynamic weight (misc_dynamic) replaces the configured one
	 * while up, 0 included. */
	up.weight = 3;
	assert_int_equal(check_rs_weight(cc.vs[0], rs1), 3);
	up.weight = 0;
	assert_int_equal(check_rs_weight(cc.vs[0], rs1), 0);
	assert_int_equal(check_vs_live_weight(cc.vs[0]), 0);
	rs0->rt = rs1->rt = NULL;
	check_conf_free(&cc);
}

/* quorum 5, hysteresis 2, weights 3+3+3: lost below 3, back at 7. */
static void quorum_hysteresis(void **state)
{
	struct check_conf cc;
	struct check_rs_rt r[3] = {
		{ .up = true, .weight = -1 }, { .up = true, .weight = -1 },
		{ .up = true, .weight = -1 },
	};
	struct check_vs_rt **v = NULL;
	size_t n = 0;
	struct check_vs *vs;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 80 {\n quorum 5\n hysteresis 2\n"
		 " sorry_server 10.0.9.9 80\n"
		 " real_server 10.0.1.1 80 {\n  weight 3\n }\n"
		 " real_server 10.0.1.2 80 {\n  weight 3\n }\n"
		 " real_server 10.0.1.3 80 {\n  weight 3\n }\n}\n", &cc);
	vs = cc.vs[0];
	for (int i = 0; i < 3; i++)
		vs->rs[i]->rt = &r[i];
	assert_int_equal(check_quorum_apply(&v, &n, &cc), 0);
	assert_int_equal(n, 1);
	assert_true(check_vs_quorum_up(vs));
	r[0].up = false;			/* 6: still >= 5 - 2 */
	check_quorum_eval(v, n, NULL);
	assert_true(check_vs_quorum_up(vs));
	r[1].up = false;			/* 3: not below 3 */
	check_quorum_eval(v, n, NULL);
	assert_true(check_vs_quorum_up(vs));
	r[2].weight = 2;			/* 2 < 3: lost */
	check_quorum_eval(v, n, NULL);
	assert_false(check_vs_quorum_up(vs));
	assert_int_equal(v[0]->transitions, 1);
	r[2].weight = -1;
	r[1].up = true;				/* 6: below 5 + 2, still lost */
	check_quorum_eval(v, n, NULL);
	assert_false(check_vs_quorum_up(vs));
	r[0].up = true;				/* 9 >= 7: regained */
	check_quorum_eval(v, n, NULL);
	assert_true(check_vs_quorum_up(vs));
	assert_int_equal(v[0]->transitions, 2);
	/* A reload keeps the state of the same service. */
	r[0].up = r[1].up = false;		/* 3: lost, not evaluated yet */
	v[0]->quorum_up = false;
	assert_int_equal(check_quorum_apply(&v, &n, &cc), 0);
	assert_false(check_vs_quorum_up(vs));
	assert_false(v[0]->fresh);
	check_quorum_free(v, n);
	assert_null(vs->rt);
	for (int i = 0; i < 3; i++)
		vs->rs[i]->rt = NULL;
	check_conf_free(&cc);
}

static void misc_keywords(void **state)
{
	struct check_conf cc;
	const struct check_checker *ck;
	struct check_timing t;
	struct conf_diag d;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 80 {\n delay_loop 4\n"
		 " real_server 10.0.1.1 80 {\n"
		 "  MISC_CHECK {\n"
		 "   misc_path \"/bin/check.sh 'a b' c\"\n"
		 "   misc_timeout 2.5\n misc_dynamic\n user nobody nogroup\n"
		 "  }\n"
		 "  MISC_CHECK {\n   misc_path /bin/true\n  }\n"
		 " }\n}\n", &cc);
	ck = cc.vs[0]->rs[0]->checkers[0];
	assert_int_equal(ck->kind, CHECK_K_MISC);
	assert_string_equal(ck->misc.path, "/bin/check.sh 'a b' c");
	assert_true(ck->misc.dynamic);
	assert_string_equal(ck->misc.user, "nobody");
	assert_string_equal(ck->misc.group, "nogroup");
	check_checker_timing(ck, cc.vs[0]->rs[0], cc.vs[0], &t);
	assert_int_equal(t.connect_timeout, 2500000);
	/* keepalived's defaults for MISC_CHECK: no retry, and delay_loop
	 * as the timeout. */
	ck = cc.vs[0]->rs[0]->checkers[1];
	check_checker_timing(ck, cc.vs[0]->rs[0], cc.vs[0], &t);
	assert_int_equal(t.retry, 0);
	assert_int_equal(t.connect_timeout, 4000000);
	assert_false(ck->misc.dynamic);
	assert_null(ck->misc.user);
	assert_false(check_checker_same(cc.vs[0]->rs[0]->checkers[0], ck));
	check_conf_free(&cc);
	/* No script, or a connection keyword: located errors. */
	assert_int_not_equal(parse("virtual_server 10.0.0.1 80 {\n"
				   " real_server 10.0.1.1 80 {\n"
				   "  MISC_CHECK {\n   misc_timeout 3\n  }\n"
				   " }\n}\n", &cc, &d), 0);
	assert_true(has_diag(&d, CONF_ERROR, 3, "misc_path: expected the script"));
	conf_diag_free(&d);
	check_conf_free(&cc);
	assert_int_not_equal(parse("virtual_server 10.0.0.1 80 {\n"
				   " real_server 10.0.1.1 80 {\n"
				   "  MISC_CHECK {\n   misc_path /bin/true\n"
				   "   connect_port 80\n  }\n"
				   " }\n}\n", &cc, &d), 0);
	assert_true(has_diag(&d, CONF_ERROR, 5, "unknown keyword"));
	conf_diag_free(&d);
	check_conf_free(&cc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_keywords),
		cmocka_unit_test(inheritance),
		cmocka_unit_test(errors),
		cmocka_unit_test(deprecated_alias),
		cmocka_unit_test(target_and_same),
		cmocka_unit_test(weight_from_verdict),
		cmocka_unit_test(misc_keywords),
		cmocka_unit_test(quorum_hysteresis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
