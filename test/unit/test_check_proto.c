/*
 * The SMTP, UDP, DNS, PING and FILE checkers' config: their keywords
 * stored (UDP's hex strings in keepalived's free format, X nibbles of
 * require_reply as wildcards), keepalived's defaults (UDP reply lengths,
 * DNS type SOA, retry 3 and delay_before_retry = delay_loop), located
 * errors for bad values, a type's own settings taking part in "the same
 * check" (so a reload keeps state only when nothing changed), and the
 * DNS codec: the query's bytes and which replies pass, fail or are not
 * ours; and a real server's weight with dynamic checkers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check/check_checker.h"
#include "check/check_dns_codec.h"
#include "check/check_rs_rt.h"
#include "test/unit/check_test_util.h"

static void ok_parse(const char *body, struct check_conf *cc)
{
	struct conf_diag d;
	char text[2048];

	snprintf(text, sizeof(text), "virtual_server 10.0.0.1 53 {\n"
		 " delay_loop 7\n real_server 10.0.1.1 53 {\n%s }\n}\n", body);
	if (parse(text, cc, &d) != 0) {
		dump_diag(&d);
		fail();
	}
	conf_diag_free(&d);
}

static const struct check_checker *ck_of(struct check_conf *cc, size_t i)
{
	assert_true(cc->vs[0]->rs[0]->ncheckers > i);
	return cc->vs[0]->rs[0]->checkers[i];
}

static void expect_error(const char *body, int line, const char *what)
{
	struct check_conf cc;
	struct conf_diag d;
	char text[1024];

	snprintf(text, sizeof(text),
		 "virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n"
		 "%s }\n}\n", body);
	assert_int_not_equal(parse(text, &cc, &d), 0);
	if (!has_diag(&d, CONF_ERROR, line, what)) {
		dump_diag(&d);
		fail_msg("no error \"%s\" at line %d", what, line);
	}
	conf_diag_free(&d);
	check_conf_free(&cc);
}

static void smtp(void **state)
{
	struct check_conf cc;

	(void)state;
	ok_parse("  SMTP_CHECK {\n   helo_name mx.example.com\n"
		 "   connect_timeout 3\n  }\n  SMTP_CHECK {\n  }\n", &cc);
	assert_int_equal(ck_of(&cc, 0)->kind, CHECK_K_SMTP);
	assert_string_equal(ck_of(&cc, 0)->u.smtp.helo_name, "mx.example.com");
	assert_int_equal(ck_of(&cc, 0)->connect_timeout, 3000000);
	assert_null(ck_of(&cc, 1)->u.smtp.helo_name);
	assert_false(check_checker_same(ck_of(&cc, 0), ck_of(&cc, 1)));
	assert_true(check_checker_same(ck_of(&cc, 1), ck_of(&cc, 1)));
	check_conf_free(&cc);
	expect_error("  SMTP_CHECK {\n   helo_name\n  }\n", 4, "helo_name");
	expect_error("  SMTP_CHECK {\n   type A\n  }\n", 4, "type");
}

static void udp(void **state)
{
	static const uint8_t payload[] = {
		0xab, 0x12, 0x0f, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03
	};
	struct check_conf cc;
	const struct check_udp_conf *u;

	(void)state;
	ok_parse("  UDP_CHECK {\n   payload Ab12f 3 456 546443123\n"
		 "   require_reply 0a X1 xx\n   min_reply_length 2\n"
		 "   max_reply_length 100\n  }\n  UDP_CHECK {\n  }\n"
		 "  UDP_CHECK {\n   require_reply\n  }\n", &cc);
	u = &ck_of(&cc, 0)->u.udp;
	assert_int_equal(u->payload_len, sizeof(payload));
	assert_memory_equal(u->payload, payload, sizeof(payload));
	assert_true(u->require_reply);
	assert_int_equal(u->reply_len, 3);
	assert_int_equal(u->reply[0], 0x0a);
	assert_int_equal(u->reply_mask[0], 0xff);
	assert_int_equal(u->reply[1], 0x01);
	assert_int_equal(u->reply_mask[1], 0x0f);
	assert_int_equal(u->reply_mask[2], 0x00);
	assert_int_equal(u->min_reply_length, 2);
	assert_int_equal(u->max_reply_length, 100);
	u = &ck_of(&cc, 1)->u.udp;
	assert_null(u->payload);
	assert_false(u->require_reply);
	assert_int_equal(u->min_reply_length, 0);
	assert_int_equal(u->max_reply_length, 255);
	u = &ck_of(&cc, 2)->u.udp;
	assert_true(u->require_reply);
	assert_int_equal(u->reply_len, 0);
	assert_false(check_checker_same(ck_of(&cc, 1), ck_of(&cc, 2)));
	assert_false(check_checker_same(ck_of(&cc, 0), ck_of(&cc, 1)));
	assert_true(check_checker_same(ck_of(&cc, 0), ck_of(&cc, 0)));
	check_conf_free(&cc);
	expect_error("  UDP_CHECK {\n   payload 12 zz\n  }\n", 4, "hex digits");
	expect_error("  UDP_CHECK {\n   payload 1X\n  }\n", 4, "payload:");
	expect_error("  UDP_CHECK {\n   payload\n  }\n", 4, "payload");
	expect_error("  UDP_CHECK {\n   require_reply 0g\n  }\n", 4, "require_reply:");
	expect_error("  UDP_CHECK {\n   max_reply_length 70000\n  }\n", 4,
		     "max_reply_length");
	expect_error("  UDP_CHECK {\n   min_reply_length 9\n"
		     "   max_reply_length 8\n  }\n", 3, "min_reply_length");
}

static void dns(void **state)
{
	struct check_conf cc;
	struct check_timing t;
	const struct check_vs *vs;

	(void)state;
	ok_parse("  DNS_CHECK {\n   type aaaa\n   name www.example.com.\n  }\n"
		 "  DNS_CHECK {\n  }\n"
		 "  DNS_CHECK {\n   retry 1\n   delay_before_retry 2\n  }\n", &cc);
	assert_int_equal(ck_of(&cc, 0)->u.dns.qtype, 28);
	assert_string_equal(ck_of(&cc, 0)->u.dns.name, "www.example.com.");
	assert_int_equal(ck_of(&cc, 1)->u.dns.qtype, 6);	/* SOA */
	assert_null(ck_of(&cc, 1)->u.dns.name);
	assert_false(check_checker_same(ck_of(&cc, 0), ck_of(&cc, 1)));
	vs = cc.vs[0];
	check_checker_timing(ck_of(&cc, 1), vs->rs[0], vs, &t);
	assert_int_equal(t.retry, 3);
	assert_int_equal(t.delay_before_retry, 7000000);	/* = delay_loop */
	check_checker_timing(ck_of(&cc, 2), vs->rs[0], vs, &t);
	assert_int_equal(t.retry, 1);
	assert_int_equal(t.delay_before_retry, 2000000);
	check_conf_free(&cc);
	expect_error("  DNS_CHECK {\n   type PTR\n  }\n", 4, "type:");
	expect_error("  DNS_CHECK {\n   name a..b\n  }\n", 4, "name:");
	expect_error("  DNS_CHECK {\n   name .x\n  }\n", 4, "name:");
}

static void ping_and_file(void **state)
{
	struct check_conf cc;
	const struct check_file_conf *f;
	struct check_timing t;

	(void)state;
	ok_parse("  PING_CHECK {\n   connect_timeout 1\n  }\n"
		 "  FILE_CHECK {\n   file /run/w\n   weight -3 reverse\n"
		 "   dynamic\n  }\n"
		 "  FILE_CHECK {\n   file /run/w\n  }\n", &cc);
	assert_int_equal(ck_of(&cc, 0)->kind, CHECK_K_PING);
	f = &ck_of(&cc, 1)->u.file;
	assert_string_equal(f->file, "/run/w");
	assert_int_equal(f->weight, -3);
	assert_true(f->weight_set && f->reverse && f->dynamic);
	assert_false(ck_of(&cc, 2)->u.file.weight_set);
	assert_false(check_checker_same(ck_of(&cc, 1), ck_of(&cc, 2)));
	/* FILE_CHECK has no retries and waits for changes itself. */
	check_checker_timing(ck_of(&cc, 2), cc.vs[0]->rs[0], cc.vs[0], &t);
	assert_int_equal(t.retry, 0);
	assert_int_equal(t.delay_loop, 0);
	check_conf_free(&cc);
	expect_error("  FILE_CHECK {\n   track_file\n  }\n", 4, "track_file");
	expect_error("  FILE_CHECK {\n   track_file t\n   file /x\n  }\n", 3,
		     "got both");
	expect_error("  FILE_CHECK {\n  }\n", 3, "file PATH");
	expect_error("  FILE_CHECK {\n   file /x\n   weight 1 sideways\n  }\n",
		     5, "reverse");
	expect_error("  FILE_CHECK {\n   file /x\n   weight 3000000000\n  }\n",
		     5, "weight:");
	expect_error("  FILE_CHECK {\n   file /x\n   connect_port 80\n  }\n",
		     5, "connect_port");
	expect_error("  PING_CHECK {\n   helo_name x\n  }\n", 4, "helo_name");
}

/* track_file NAME takes the named block's file, and its weight unless
 * the checker has one; an unknown name is a located error. */
static void file_track_named(void **state)
{
	static const struct check_track_file tf[] = {
		{ .name = "A", .path = "/run/a", .weight = 7, .reverse = true },
	};
	struct check_conf cc;
	struct conf_diag d;

	(void)state;
	ok_parse("  FILE_CHECK {\n   track_file A\n  }\n"
		 "  FILE_CHECK {\n   track_file A\n   weight 2\n  }\n", &cc);
	conf_diag_init(&d);
	assert_int_equal(check_conf_track_files(&cc, tf, 1, &d), 0);
	assert_string_equal(ck_of(&cc, 0)->u.file.file, "/run/a");
	assert_int_equal(ck_of(&cc, 0)->u.file.weight, 7);
	assert_true(ck_of(&cc, 0)->u.file.reverse);
	assert_int_equal(ck_of(&cc, 1)->u.file.weight, 2);
	assert_false(ck_of(&cc, 1)->u.file.reverse);
	check_conf_free(&cc);
	conf_diag_free(&d);

	ok_parse("  FILE_CHECK {\n   track_file B\n  }\n", &cc);
	conf_diag_init(&d);
	assert_int_equal(check_conf_track_files(&cc, tf, 1, &d), -1);
	if (!has_diag(&d, CONF_ERROR, 4, "got 'B'")) {
		dump_diag(&d);
		fail();
	}
	check_conf_free(&cc);
	conf_diag_free(&d);
}

static void dns_codec(void **state)
{
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 2, 'e', 'x', 0, 0, 1, 0, 1
	};
	uint8_t q[CHECK_DNS_MAX_QUERY], r[64];
	char big[300];
	unsigned rc = 99;
	int n;

	(void)state;
	assert_int_equal(check_dns_type("mx"), 15);
	assert_int_equal(check_dns_type("TXT"), 16);
	assert_int_equal(check_dns_type("SRV"), 0);
	assert_string_equal(check_dns_type_name(6), "SOA");
	n = check_dns_query(q, sizeof(q), 0x1234, "www.ex", 1);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	assert_int_equal(check_dns_query(q, sizeof(q), 1, "www.ex.", 1), n);
	assert_int_equal(check_dns_query(q, sizeof(q), 1, ".", 6), 17);
	assert_int_equal(q[12], 0);
	assert_int_equal(check_dns_query(q, 10, 1, "www.ex", 1), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(check_dns_name_ok(big));		/* a 299-byte label */
	for (size_t i = 60; i < sizeof(big) - 1; i += 61)
		big[i] = '.';
	assert_false(check_dns_name_ok(big));		/* over 255 in all */
	big[120] = '\0';
	assert_true(check_dns_name_ok(big));

	n = check_dns_query(q, sizeof(q), 0x1234, "www.ex", 1);
	memcpy(r, q, (size_t)n);
	r[2] |= 0x80;					/* a response */
	assert_int_equal(check_dns_reply(r, (size_t)n, q, (size_t)n, &rc), CHECK_DNS_OK);
	assert_int_equal(rc, 0);
	r[3] = 0x03;					/* NXDOMAIN */
	assert_int_equal(check_dns_reply(r, (size_t)n, q, (size_t)n, &rc), CHECK_DNS_ERROR);
	assert_int_equal(rc, 3);
	r[3] = 0;
	r[14] = 'W';					/* case does not matter */
	assert_int_equal(check_dns_reply(r, (size_t)n, q, (size_t)n, &rc), CHECK_DNS_OK);
	r[14] = 'z';					/* another question */
	assert_int_equal(check_dns_reply(r, (size_t)n, q, (size_t)n, &rc), CHECK_DNS_NOT_OURS);
	r[14] = 'w';
	r[1] = 0x35;					/* another id */
	assert_int_equal(check_dns_reply(r, (size_t)n, q, (size_t)n, &rc), CHECK_DNS_NOT_OURS);
	r[1] = 0x34;
	r[2] &= 0x7f;					/* a query */
	assert_int_equal(check_dns_reply(r, (size_t)n, q, (size_t)n, &rc), CHECK_DNS_NOT_OURS);
	r[2] |= 0x80;
	assert_int_equal(check_dns_reply(r, 11, q, (size_t)n, &rc), CHECK_DNS_NOT_OURS);
	assert_int_equal(check_dns_reply(r, 20, q, (size_t)n, &rc), CHECK_DNS_NOT_OURS);
	r[5] = 0;					/* no question, refused */
	r[3] = 5;
	assert_int_equal(check_dns_reply(r, 12, q, (size_t)n, &rc), CHECK_DNS_ERROR);
	assert_int_equal(rc, 5);
}

/* Dynamic checkers add to the configured weight; the sum stays within
 * what IPVS takes, and a server that is down has no weight to add to. */
static void dynamic_weight(void **state)
{
	struct check_conf cc;
	struct check_ck_rt cks[2];
	struct check_rs_rt rt = { .up = true, .cks = cks, .ncks = 2,
				  .weight = -1 };	/* no MISC_CHECK weight */
	struct check_rs *rs;

	(void)state;
	ok_parse("  weight 5\n", &cc);
	rs = cc.vs[0]->rs[0];
	memset(cks, 0, sizeof(cks));
	rs->rt = &rt;
	assert_int_equal(check_rs_weight(cc.vs[0], rs), 5);
	cks[0].weight_delta = 20;
	cks[1].weight_delta = -3;
	assert_int_equal(check_rs_weight(cc.vs[0], rs), 22);
	cks[1].weight_delta = -100;
	assert_int_equal(check_rs_weight(cc.vs[0], rs), 0);
	cks[0].weight_delta = 100000;
	assert_int_equal(check_rs_weight(cc.vs[0], rs), 65535);
	assert_int_equal(check_vs_live_weight(cc.vs[0]), 65535);
	rt.up = false;
	assert_int_equal(check_rs_weight(cc.vs[0], rs), -1);
	rs->rt = NULL;
	check_conf_free(&cc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(smtp),
		cmocka_unit_test(udp),
		cmocka_unit_test(dns),
		cmocka_unit_test(ping_and_file),
		cmocka_unit_test(file_track_named),
		cmocka_unit_test(dns_codec),
		cmocka_unit_test(dynamic_weight),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
