/*
 * HTTP_GET / SSL_GET config: the url keywords stored (digest lower-cased,
 * status codes and ranges, the 200-299 default, regex compiled with its
 * options and offsets), the checker keywords, keepalived's 3 s
 * delay_before_retry default, virtualhost inherited url -> checker ->
 * real server -> virtual server, the regex verdicts, when two configs are
 * the same check, the SSL block, a located error for each bad input, and
 * the shared digest (against md5sum's) and Host forms of lib/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "check/check_checker.h"
#include "check/check_http.h"
#include "lib/http_digest.h"
#include "lib/http_get.h"
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

/* TEXT has an error at LINE containing WHAT. */
static void bad(const char *text, int line, const char *what)
{
	struct check_conf cc;
	struct conf_diag d;

	assert_int_not_equal(parse(text, &cc, &d), 0);
	if (!has_diag(&d, CONF_ERROR, line, what)) {
		dump_diag(&d);
		fail_msg("no error at line %d with \"%s\"", line, what);
	}
	conf_diag_free(&d);
	check_conf_free(&cc);
}

#define VS "virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 8080 {\n"
#define END " }\n}\n"

static void url_keywords(void **state)
{
	struct check_conf cc;
	const struct check_checker *ck;
	const struct check_http *h;
	const struct check_http_url *u;

	(void)state;
	ok_parse(VS "  HTTP_GET {\n"
		 "   url {\n    path /a\n    digest 9B3A0C85A887A256D6939DA88AABD8CD\n"
		 "    status_code 200 301-302 503\n    virtualhost u.example\n"
		 "    regex \"ok|fine\"\n    regex_options caseless multiline\n"
		 "    regex_min_offset 2\n    regex_max_offset 100\n"
		 "   }\n"
		 "   url { path /b }\n"
		 "   http_protocol 1.0C\n   virtualhost c.example\n"
		 "   connect_port 81\n   fast_recovery\n"
		 "  }\n" END, &cc);
	ck = cc.vs[0]->rs[0]->checkers[0];
	assert_int_equal(ck->kind, CHECK_K_HTTP);
	assert_int_equal(ck->connect_port, 81);
	h = ck->http;
	assert_non_null(h);
	assert_int_equal(h->nurls, 2);
	assert_int_equal(h->proto, HTTP_PROTO_1_0C);
	assert_string_equal(h->virtualhost, "c.example");
	assert_true(h->fast_recovery);
	u = h->urls[0];
	assert_string_equal(u->path, "/a");
	assert_true(u->has_digest);
	assert_string_equal(u->digest, "9b3a0c85a887a256d6939da88aabd8cd");
	assert_true(check_http_status_ok(u, 200));
	assert_false(check_http_status_ok(u, 201));
	assert_true(check_http_status_ok(u, 301));
	assert_true(check_http_status_ok(u, 302));
	assert_true(check_http_status_ok(u, 503));
	assert_false(check_http_status_ok(u, 504));
	assert_string_equal(u->virtualhost, "u.example");
	assert_non_null(u->code);
	assert_int_equal(u->regex_min_offset, 2);
	assert_int_equal(u->regex_max_offset, 100);
	/* No status_code: 200-299. */
	u = h->urls[1];
	assert_false(u->has_digest);
	assert_true(check_http_status_ok(u, 200));
	assert_true(check_http_status_ok(u, 299));
	assert_false(check_http_status_ok(u, 300));
	assert_false(check_http_status_ok(u, 199));
	assert_null(u->code);
	check_conf_free(&cc);
}

static void regex_verdicts(void **state)
{
	struct check_conf cc;
	const struct check_http *h;

	(void)state;
	ok_parse(VS "  HTTP_GET {\n"
		 "   url { path /\n regex \"ok\" }\n"
		 "   url { path /\n regex \"OK\"\n regex_options caseless }\n"
		 "   url { path /\n regex \"down\"\n regex_no_match }\n"
		 "   url { path /\n regex \"ok\"\n regex_min_offset 5 }\n"
		 "   url { path /\n regex \"ok\"\n regex_max_offset 2 }\n"
		 "  }\n" END, &cc);
	h = cc.vs[0]->rs[0]->checkers[0]->http;
	assert_true(check_http_regex_ok(h->urls[0], "all ok", 6));
	assert_false(check_http_regex_ok(h->urls[0], "all bad", 7));
	assert_true(check_http_regex_ok(h->urls[1], "all ok", 6));
	assert_true(check_http_regex_ok(h->urls[2], "all ok", 6));
	assert_false(check_http_regex_ok(h->urls[2], "going down", 10));
	/* "ok" at 4: before min offset 5 it does not count */
	assert_false(check_http_regex_ok(h->urls[3], "all ok", 6));
	assert_true(check_http_regex_ok(h->urls[3], "all is ok", 9));
	/* a match must start at or before offset 2 */
	assert_true(check_http_regex_ok(h->urls[4], "x ok", 4));
	assert_false(check_http_regex_ok(h->urls[4], "all ok", 6));
	check_conf_free(&cc);
}

static void ssl_and_vhost(void **state)
{
	struct check_conf cc;
	struct check_timing t;
	const struct check_vs *vs;
	const struct check_rs *rs;
	const struct check_checker *ck;

	(void)state;
	ok_parse("virtual_server 10.0.0.1 443 {\n virtualhost vs.example\n"
		 " real_server 10.0.1.1 443 {\n  virtualhost rs.example\n"
		 "  SSL_GET {\n   url { path / }\n   url { path /x\n virtualhost u.example }\n"
		 "   enable_sni\n   sni_name sni.example\n   tls_compliant\n"
		 "  }\n"
		 "  HTTP_GET { url { path / } }\n"
		 " }\n"
		 " real_server 10.0.1.2 443 {\n  HTTP_GET { url { path / } }\n"
		 "  HTTP_GET { url { path / }\n delay_before_retry 0.5 }\n"
		 " }\n}\n", &cc);
	vs = cc.vs[0];
	rs = vs->rs[0];
	ck = rs->checkers[0];
	assert_int_equal(ck->kind, CHECK_K_SSL);
	assert_true(ck->http->enable_sni);
	assert_string_equal(ck->http->sni_name, "sni.example");
	assert_true(ck->http->tls_compliant);
	assert_string_equal(check_http_vhost(ck->http, ck->http->urls[1], rs, vs),
			    "u.example");
	assert_string_equal(check_http_vhost(ck->http, ck->http->urls[0], rs, vs),
			    "rs.example");
	ck = vs->rs[1]->checkers[0];
	assert_string_equal(check_http_vhost(ck->http, ck->http->urls[0],
					     vs->rs[1], vs), "vs.example");
	assert_null(check_http_vhost(ck->http, ck->http->urls[0], NULL, NULL));
	/* keepalived's 3 s retry delay for HTTP, unless one is given */
	check_checker_timing(ck, vs->rs[1], vs, &t);
	assert_int_equal(t.delay_before_retry, 3000000);
	check_checker_timing(vs->rs[1]->checkers[1], vs->rs[1], vs, &t);
	assert_int_equal(t.delay_before_retry, 500000);
	/* same / different checks */
	assert_true(check_checker_same(vs->rs[0]->checkers[1], vs->rs[1]->checkers[0]));
	assert_false(check_checker_same(vs->rs[0]->checkers[0], vs->rs[1]->checkers[0]));
	assert_false(check_checker_same(vs->rs[1]->checkers[0], vs->rs[1]->checkers[1]));
	check_conf_free(&cc);
}

static void same_urls(void **state)
{
	struct check_conf cc;
	struct check_checker *const *c;

	(void)state;
	ok_parse(VS "  HTTP_GET { url { path /a\n digest 00000000000000000000000000000000 } }\n"
		 "  HTTP_GET { url { path /a\n digest 00000000000000000000000000000000 } }\n"
		 "  HTTP_GET { url { path /a\n digest 00000000000000000000000000000001 } }\n"
		 "  HTTP_GET { url { path /a\n status_code 200 } }\n"
		 "  HTTP_GET { url { path /a\n regex x } }\n"
		 "  HTTP_GET { url { path /a } url { path /b } }\n"
		 "  HTTP_GET { url { path /a }\n http_protocol 1.1 }\n"
		 END, &cc);
	c = cc.vs[0]->rs[0]->checkers;
	assert_true(check_checker_same(c[0], c[1]));
	for (int i = 2; i < 7; i++)
		assert_false(check_checker_same(c[0], c[i]));
	check_conf_free(&cc);
}

static void errors(void **state)
{
	(void)state;
	bad(VS "  HTTP_GET {\n  }\n" END, 3, "at least one url");
	bad(VS "  HTTP_GET {\n   url {\n    digest 0\n   }\n  }\n" END, 5, "32 hex digits");
	bad(VS "  HTTP_GET {\n   url {\n    path /\n    digest 9b3a0c85a887a256d6939da88aabd8cz\n"
	    "   }\n  }\n" END, 6, "32 hex digits");
	bad(VS "  HTTP_GET {\n   url {\n    virtualhost x\n   }\n  }\n" END, 4, "expected a path");
	bad(VS "  HTTP_GET {\n   url {\n    path /\n    status_code 200 99\n   }\n  }\n" END,
	    6, "got \"99\"");
	bad(VS "  HTTP_GET {\n   url {\n    path /\n    status_code 300-200\n   }\n  }\n" END,
	    6, "300-200");
	bad(VS "  HTTP_GET {\n   url {\n    path /\n    status_code 2xx\n   }\n  }\n" END,
	    6, "2xx");
	bad(VS "  HTTP_GET {\n   url {\n    path /\n    regex \"(\"\n   }\n  }\n" END,
	    6, "regex: invalid pattern");
	bad(VS "  HTTP_GET {\n   url {\n    path /\n    regex x\n    regex_options shouty\n"
	    "   }\n  }\n" END, 7, "unknown option \"shouty\"");
	bad(VS "  HTTP_GET {\n   url {\n    path /\n    regex_no_match\n   }\n  }\n" END,
	    4, "need a regex");
	bad(VS "  HTTP_GET {\n   url {\n    path /\n    regex x\n    regex_min_offset 9\n"
	    "    regex_max_offset 3\n   }\n  }\n" END, 4, "past regex_max_offset");
	bad(VS "  HTTP_GET {\n   url {\n    path /\n    regex_min_offset -1\n   }\n  }\n" END,
	    6, "regex_min_offset");
	bad(VS "  HTTP_GET {\n   url { path / }\n   http_protocol 2\n  }\n" END, 5,
	    "expected 1.0, 1.0C or 1.1");
	bad(VS "  HTTP_GET {\n   url { path / }\n   enable_sni maybe\n  }\n" END, 5,
	    "enable_sni");
	bad(VS "  SSL_GET {\n   url { path / }\n   url_typo 1\n  }\n" END, 5, "url_typo");
	bad(VS "  HTTP_GET {\n   url { path / }\n   connect_port 0\n  }\n" END, 5,
	    "connect_port");
}

static void warnings(void **state)
{
	struct check_conf cc;
	struct conf_diag d;

	(void)state;
	assert_int_equal(parse(VS "  HTTP_GET {\n   url { path /\n regex x\n"
			       " regex_stack 10 20 }\n   enable_sni\n  }\n" END,
			       &cc, &d), 0);
	assert_true(has_diag(&d, CONF_WARNING, 0, "no effect without TLS"));
	assert_true(has_diag(&d, CONF_WARNING, 0, "without the PCRE2 JIT"));
	conf_diag_free(&d);
	check_conf_free(&cc);
}

/* The SSL block, through a top table that holds it as tandem's does. */
static void *ssl_open_t(struct conf_ctx *c, const struct conf_node *n,
			void *parent)
{
	return check_ssl_open(c, n, parent);
}

static const struct conf_block ssl_t = {
	.name = "SSL", .keywords = check_ssl_keywords,
	.open = ssl_open_t, .close = check_ssl_close,
};

static const struct conf_keyword ssl_top_kw[] = {
	{ .name = "SSL", .type = CONF_T_BLOCK, .block = &ssl_t,
	  .flags = CONF_KW_MULTI },
	{ .name = NULL },
};

static const struct conf_block ssl_top = {
	.name = "the top level", .keywords = ssl_top_kw,
};

static int parse_ssl(const char *text, struct check_conf *cc,
		     struct conf_diag *d)
{
	struct conf_tree *t = NULL;
	int r;

	check_conf_init(cc);
	conf_diag_init(d);
	r = conf_read_buffer("t.conf", text, strlen(text), NULL, d, &t);
	if (conf_apply(t, &ssl_top, cc, d) < 0)
		r = -1;
	conf_tree_free(t);
	return r;
}

static void ssl_block(void **state)
{
	char path[] = "/tmp/test_check_http.XXXXXX", text[512];
	struct check_conf cc;
	struct conf_diag d;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(text, sizeof(text), "SSL {\n password secret\n ca %s\n"
		 " certificate %s\n key %s\n}\n", path, path, path);
	assert_int_equal(parse_ssl(text, &cc, &d), 0);
	assert_non_null(cc.ssl);
	assert_string_equal(cc.ssl->password, "secret");
	assert_string_equal(cc.ssl->ca, path);
	assert_string_equal(cc.ssl->certificate, path);
	assert_string_equal(cc.ssl->key, path);
	conf_diag_free(&d);
	check_conf_free(&cc);

	assert_int_not_equal(parse_ssl("SSL {\n ca /nonexistent/ca.pem\n}\n",
				       &cc, &d), 0);
	assert_true(has_diag(&d, CONF_ERROR, 2, "cannot read \"/nonexistent/ca.pem\""));
	conf_diag_free(&d);
	check_conf_free(&cc);

	snprintf(text, sizeof(text), "SSL {\n key %s\n}\n", path);
	assert_int_not_equal(parse_ssl(text, &cc, &d), 0);
	assert_true(has_diag(&d, CONF_ERROR, 1, "needs its certificate"));
	conf_diag_free(&d);
	check_conf_free(&cc);
	unlink(path);
}

/* lib/http_digest and the Host form of lib/http_get, which HTTP_GET and
 * genhash share. */
static void digest_and_host(void **state)
{
	struct http_digest d;
	char hex[HTTP_DIGEST_HEX], p[HTTP_DIGEST_HEX], hp[64];
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

	(void)state;
	assert_int_equal(http_digest_init(&d), 0);
	http_digest_update(&d, "hello ", 6);
	http_digest_update(&d, "world\n", 6);
	assert_int_equal(d.bytes, 12);
	assert_int_equal(http_digest_final(&d, hex), 0);
	assert_string_equal(hex, "6f5902ac237024bdd0c176cb93063dc4");	/* md5sum */
	assert_int_equal(http_digest_init(&d), 0);
	assert_int_equal(http_digest_final(&d, hex), 0);
	assert_string_equal(hex, "d41d8cd98f00b204e9800998ecf8427e");	/* empty */
	assert_true(http_digest_parse("6F5902AC237024BDD0C176CB93063DC4", p));
	assert_string_equal(p, "6f5902ac237024bdd0c176cb93063dc4");
	assert_false(http_digest_parse("6f5902ac237024bdd0c176cb93063dc", p));
	assert_false(http_digest_parse("6f5902ac237024bdd0c176cb93063dc44", p));
	assert_false(http_digest_parse("6f5902ac237024bdd0c176cb93063dcg", p));

	memset(&ss, 0, sizeof(ss));
	s4->sin_family = AF_INET;
	s4->sin_port = htons(8080);
	inet_pton(AF_INET, "192.0.2.7", &s4->sin_addr);
	http_get_hostport(&ss, hp, sizeof(hp));
	assert_string_equal(hp, "192.0.2.7:8080");
	memset(&ss, 0, sizeof(ss));
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(443);
	inet_pton(AF_INET6, "2001:db8::1", &s6->sin6_addr);
	http_get_hostport(&ss, hp, sizeof(hp));
	assert_string_equal(hp, "[2001:db8::1]:443");
}

/* Is every keyword of TABLE (and of the blocks it opens) in the man page
 * TEXT, set in bold? */
static void all_documented(const char *text, const struct conf_keyword *kw,
			   const char *where)
{
	static const char *const pre[] = { ".B ", ".BR ", ".BI ", "\\fB", "\" " };

	for (; kw->name; kw++) {
		bool found = false;
		char pat[80];

		for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]) && !found; i++) {
			snprintf(pat, sizeof(pat), "%s%s", pre[i], kw->name);
			found = strstr(text, pat) != NULL;
		}
		if (!found)
			fail_msg("%s: '%s' is not in tandem.conf(5)", where, kw->name);
		if (kw->type == CONF_T_BLOCK && kw->block)
			all_documented(text, kw->block->keywords, kw->name);
	}
}

static void documented(void **state)
{
	const char *srcdir = getenv("top_srcdir");
	char path[4096], *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/doc/tandem.conf.5",
		 srcdir ? srcdir : "..");
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	all_documented(text, check_http_block.keywords, "HTTP_GET");
	all_documented(text, check_ssl_keywords, "SSL");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(url_keywords),
		cmocka_unit_test(regex_verdicts),
		cmocka_unit_test(ssl_and_vhost),
		cmocka_unit_test(same_urls),
		cmocka_unit_test(errors),
		cmocka_unit_test(warnings),
		cmocka_unit_test(ssl_block),
		cmocka_unit_test(documented),
		cmocka_unit_test(digest_and_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
