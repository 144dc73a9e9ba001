/*
 * The words and blocks of the language: comments, quotes, escapes, braces
 * anywhere, located structural errors, and the dump with its round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/conf.h"
#include "test/unit/conf_test_util.h"

#define dump_of conf_test_dump

static void rd_len(struct rd *r, const char *text, size_t len)
{
	struct conf_read_opts o = { .config_id = "main" };

	rd_buffer(r, "/tmp/lex.conf", text, len, &o);
}

static void rd(struct rd *r, const char *text)
{
	rd_len(r, text, strlen(text));
}


static void check(const char *in, const char *want)
{
	struct rd r;

	rd(&r, in);
	if (r.d.n)
		fail_msg("unexpected diagnostics:\n%s", r.diag);
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.dump, want);
	rd_free(&r);
}

static void test_comments(void **state)
{
	check("# comment\n! comment\na b # c\nd e!f\n  g \"h # i\" 'j ! k'\n",
	      "a b\nd e\ng \"h # i\" \"j ! k\"\n");
}

static void test_quotes(void **state)
{
	struct rd r;

	rd(&r, "k abcd\" efg h jkl \"mnop\nk abcd \"efg h jkl\" mnop\n"
	   "k 'single \"inner\"' \"\"\n");
	assert_int_equal(r.d.n, 0);
	const struct conf_node *n = r.t->first;

	assert_int_equal(n->nargs, 1);
	assert_string_equal(n->args[0], "abcd efg h jkl mnop");
	n = n->next;
	assert_int_equal(n->nargs, 3);
	assert_string_equal(n->args[0], "abcd");
	assert_string_equal(n->args[1], "efg h jkl");
	assert_string_equal(n->args[2], "mnop");
	n = n->next;
	assert_int_equal(n->nargs, 2);
	assert_string_equal(n->args[0], "single \"inner\"");
	assert_string_equal(n->args[1], "");
	rd_free(&r);
}

static void test_escapes(void **state)
{
	struct rd r;

	rd(&r, "k \"\\a\\b\\E\\f\\n\\r\\t\\v\" \"\\101\\x41\\x4a2\\cA\" "
	   "\"\\\\ \\\" \\q \\{\" \"#{}!\" a\\b\n");
	assert_int_equal(r.d.n, 0);
	const struct conf_node *n = r.t->first;

	assert_int_equal(n->nargs, 5);
	assert_string_equal(n->args[0], "\a\b\x1b\f\n\r\t\v");
	assert_string_equal(n->args[1], "AAJ2\x01");
	assert_string_equal(n->args[2], "\\ \" q {");
	assert_string_equal(n->args[3], "#{}!");
	/* outside quotes a backslash is a plain character */
	assert_string_equal(n->args[4], "a\\b");
	rd_free(&r);
}

static void test_lex_errors(void **state)
{
	struct rd r;

	rd(&r, "ok 1\nnotify \"/bin/true\nk \"\\0\"\nk \"\\x00\"\nok 2\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.errors, 3);
	assert_diag(&r, "/tmp/lex.conf:2: error: notify: expected words and "
		    "quoted strings, got unterminated quoted string");
	assert_diag(&r, "/tmp/lex.conf:3: error: k: expected words and quoted "
		    "strings, got an escape makes a NUL character");
	assert_diag(&r, "/tmp/lex.conf:4: error: k:");
	/* reading went on after the errors */
	assert_string_equal(r.dump, "ok 1\nok 2\n");
	rd_free(&r);

	rd_len(&r, "a 1\nb \0x\nc 3\n", 12);
	assert_diag(&r, "/tmp/lex.conf:2: error: (line): expected text, got a "
		    "NUL byte");
	assert_string_equal(r.dump, "a 1\nc 3\n");
	rd_free(&r);
}

static void test_braces_same_line(void **state)
{
	check("authentication { auth_type PASS }\n",
	      "authentication {\n    auth_type PASS\n}\n");
	check("a { b { c } d }\ne\n",
	      "a {\n    b {\n        c\n    }\n    d\n}\ne\n");
	check("vrrp_instance VI_1{\nstate MASTER}\n",
	      "vrrp_instance VI_1 {\n    state MASTER\n}\n");
	check("a {}\nb{\n}\n", "a {\n}\nb {\n}\n");
}

static void test_brace_next_line(void **state)
{
	struct rd r;

	rd(&r, "vrrp_instance VI_1\n# comment\n\n{\n  state BACKUP\n"
	   "  virtual_ipaddress\n  {\n    10.0.0.1/24\n  }\n}\n");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "vrrp_instance VI_1 {\n    state BACKUP\n"
			    "    virtual_ipaddress {\n        10.0.0.1/24\n"
			    "    }\n}\n");
	const struct conf_node *n = r.t->first;

	assert_true(n->block);
	assert_int_equal(n->line, 1);
	assert_int_equal(n->end_line, 10);
	assert_string_equal(n->file, "/tmp/lex.conf");
	assert_null(n->parent);
	assert_string_equal(n->child->word, "state");
	assert_int_equal(n->child->line, 5);
	assert_ptr_equal(n->child->parent, n);
	const struct conf_node *v = n->child->next;

	assert_string_equal(v->word, "virtual_ipaddress");
	assert_int_equal(v->line, 6);
	assert_int_equal(v->end_line, 9);
	assert_int_equal(v->child->line, 8);
	assert_null(v->next);
	rd_free(&r);
}

static void test_stray_close(void **state)
{
	struct rd r;

	rd(&r, "a {\n}\n}\nb 1\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "/tmp/lex.conf:3: error: '}': expected a statement, got "
		    "a '}' that closes no block");
	assert_string_equal(r.dump, "a {\n}\nb 1\n");
	rd_free(&r);
}

static void test_open_without_keyword(void **state)
{
	struct rd r;

	/* one mistake, one error: the matching '}' is not stray too */
	rd(&r, "a {\n}\n{\n x\n}\nb {\n}\n{ y }\n");
	assert_int_equal(r.d.errors, 2);
	assert_diag(&r, "/tmp/lex.conf:3: error: '{': expected a keyword before "
		    "'{', got nothing");
	assert_diag(&r, "/tmp/lex.conf:8: error: '{'");
	assert_string_equal(r.dump, "a {\n}\nb {\n}\n");
	rd_free(&r);
}

static void test_missing_close(void **state)
{
	struct rd r;

	rd(&r, "global_defs {\n  router_id x\n}\nvrrp_instance VI_1 {\n"
	   "  state MASTER\n  virtual_ipaddress {\n    10.0.0.1\n");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.errors, 2);
	assert_diag(&r, "/tmp/lex.conf:4: error: vrrp_instance: expected a '}' "
		    "to close the block opened here, got the end of the file");
	assert_diag(&r, "/tmp/lex.conf:6: error: virtual_ipaddress: expected a "
		    "'}' to close the block opened here");
	/* the outer one is reported first */
	assert_true(strstr(r.diag, ":4:") < strstr(r.diag, ":6:"));
	rd_free(&r);
}

static void test_deep_nesting(void **state)
{
	size_t n = 200;
	char *text = malloc(n * 5 + 1), *p = text;
	struct rd r;

	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "a{\n");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "}\n");
	rd(&r, text);
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "a: blocks nest more than 64 deep");
	rd_free(&r);
	free(text);
}

static void test_undefined_reference_one_word(void **state)
{
	check("notify ${UNDEF}/x.sh $ALSO_UNDEF {a}\n",
	      "notify \"\\${UNDEF}/x.sh\" \"\\$ALSO_UNDEF\" {\n    a\n}\n");
}

static void test_crlf(void **state)
{
	check("a {\r\n  b 1\r\n}\r\n", "a {\n    b 1\n}\n");
}

static void test_dump_quoting(void **state)
{
	struct rd r;

	rd(&r, "k \"a b\" \"{\" \"}\" \"#x\" \"x!\" \"q\\\"q\" \"b\\\\s\" "
	   "\"\\$HOME\" \"~x\" \"@id\" \"\" \"t\\tn\\n\" x~ x@ 'it''s'\n"
	   "\"~SEQ(A,1,2)\" x\n\"@main\" y\n\"$X=1\" z\n");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump,
		"k \"a b\" \"{\" \"}\" \"#x\" \"x!\" \"q\\\"q\" \"b\\\\s\" "
		"\"\\$HOME\" \"~x\" \"@id\" \"\" \"t\\tn\\n\" x~ x@ its\n"
		"\"~SEQ(A,1,2)\" x\n\"@main\" y\n\"\\$X=1\" z\n");
	rd_free(&r);
}

static void test_include_word(void **state)
{
	struct rd r;

	/* quoted, "include" is an ordinary word, and the dump keeps it so */
	check("\"include\" x.conf\nk include\n\"include_check\"\n",
	      "\"include\" x.conf\nk include\n\"include_check\"\n");
	/* unquoted after a brace it cannot be an include: an error */
	rd(&r, "a { include x.conf }\nb {\n}includer y\n");
	assert_int_equal(r.d.errors, 2);
	assert_diag(&r, "/tmp/lex.conf:1: error: include: expected at the start "
		    "of a line of its own, got it after a brace");
	assert_diag(&r, "/tmp/lex.conf:3: error: includer: expected at the "
		    "start of a line of its own");
	assert_string_equal(r.dump, "a {\n    \"include\" x.conf\n}\nb {\n}\n"
			    "\"includer\" y\n");
	rd_free(&r);
}

static void roundtrip(const char *in, const struct conf_block *b)
{
	struct rd r1, r2;
	struct conf_read_opts o = { .config_id = "main" };
	char *d1, *d2;

	rd(&r1, in);
	d1 = dump_of(r1.t, b);
	/* read the dump again: same text */
	struct conf_diag d;
	struct conf_tree *t;

	conf_diag_init(&d);
	assert_int_equal(conf_read_buffer("/tmp/rt.conf", d1, strlen(d1), &o,
					  &d, &t), 0);
	assert_int_equal(d.n, 0);
	d2 = dump_of(t, b);
	assert_string_equal(d1, d2);
	conf_tree_free(t);
	conf_diag_free(&d);
	(void)r2;
	free(d1);
	free(d2);
	rd_free(&r1);
}

static const struct conf_keyword rt_inner[] = {
	{ .name = "lvs_sched", .type = CONF_T_STR },
	{ .name = "lb_algo", .alias_of = "lvs_sched" },
	{ .name = NULL }
};

static const struct conf_block rt_inner_block = {
	.name = "virtual_server", .keywords = rt_inner,
	.open = NULL,
};

static const struct conf_keyword rt_top[] = {
	{ .name = "virtual_server", .type = CONF_T_BLOCK,
	  .block = &rt_inner_block },
	{ .name = "old_vs", .alias_of = "virtual_server" },
	{ .name = NULL }
};

static const struct conf_block rt_top_block = {
	.name = "top", .keywords = rt_top,
};

static const char complex_conf[] =
	"! Configuration File for keepalived\n"
	"$IF=eth0\n"
	"$VIP= \\\n"
	"  virtual_ipaddress { \\\n"
	"     10.0.${N}.1/24 dev $IF \\\n"
	"  }\n"
	"global_defs {\n"
	"   notification_email { \"ops team <ops@example.com>\" }\n"
	"   router_id \"node ${_HASH}1\" # comment\n"
	"   script \"/bin/sh -c 'echo \\$HOME \\\\ ${_BANG}'\"\n"
	"}\n"
	"$INST= \\\n"
	"vrrp_instance VI_${N} { state BACKUP \\\n"
	"  interface $IF \\\n"
	"  @main priority 150 \\\n"
	"  @^main priority 100 \\\n"
	"  authentication { auth_type PASS \\\n"
	" auth_pass \"s e c\" } \\\n"
	"  $VIP \\\n"
	"  notify \"~odd\" \"@odd\" \"\\x01\\x7f\" \"tab\\there\" '{}' \\\n"
	"}\n"
	"~SEQ(N, 1, 3) $INST\n"
	"old_vs 10.0.0.1 80 { lb_algo rr }\n"
	"virtual_server fwmark 1 {\n}\n";

static void test_dump_roundtrip(void **state)
{
	roundtrip(complex_conf, NULL);
	roundtrip(complex_conf, &rt_top_block);
	roundtrip("a \"\" \"\\\\\" \"\\\\$x\" \"$\" \"${\" \"\\\\\\\"\"\n", NULL);
}

static void test_dump_aliases(void **state)
{
	struct rd r;
	char *d;

	rd(&r, "old_vs 10.0.0.1 80 {\n lb_algo rr\n lb_other x\n}\n"
	   "virtual_server 1 { lb_algo wrr }\n");
	d = dump_of(r.t, &rt_top_block);
	assert_string_equal(d, "virtual_server 10.0.0.1 80 {\n    lvs_sched rr\n"
			    "    lb_other x\n}\nvirtual_server 1 {\n"
			    "    lvs_sched wrr\n}\n");
	free(d);
	/* without tables, spellings are kept */
	assert_string_equal(r.dump, "old_vs 10.0.0.1 80 {\n    lb_algo rr\n"
			    "    lb_other x\n}\nvirtual_server 1 {\n"
			    "    lb_algo wrr\n}\n");
	rd_free(&r);
}

/* The text of one top-level statement as conf_dump prints it. */
static char *dump_one(const struct conf_node *n, const struct conf_block *b)
{
	struct conf_node one = *n;
	struct conf_tree t = { .first = &one };

	one.next = NULL;
	return dump_of(&t, b);
}

/* conf_cmp_same says "alike" exactly when the dumps are the same text:
 * every pair of statements of two files, with aliases, other lines,
 * one changed word, a block against a bare statement, nesting. */
static void test_cmp_same(void **state)
{
	static const char a[] =
		"old_vs 10.0.0.1 80 { lb_algo rr }\n"
		"virtual_server 10.0.0.2 80 {\n lvs_sched rr\n x { y 1 }\n}\n"
		"virtual_server 10.0.0.3 80 {\n lvs_sched rr\n}\n"
		"virtual_server 10.0.0.4 80\n"
		"virtual_server 10.0.0.5 80 {\n}\n"
		"other a b\n";
	static const char b[] =
		"\n\nvirtual_server 10.0.0.1 80 {\n    lvs_sched rr\n}\n"
		"virtual_server 10.0.0.2 80 {\n lvs_sched rr\n x { y 2 }\n}\n"
		"virtual_server 10.0.0.3 80 {\n lvs_sched rr\n z\n}\n"
		"virtual_server 10.0.0.4 80 {\n}\n"
		"virtual_server 10.0.0.5 80 {\n}\n"
		"other a \"b\"\n";
	struct rd ra, rb;
	struct conf_cmp *c = conf_cmp_new(&rt_top_block);
	int alike = 0;

	(void)state;
	assert_non_null(c);
	rd(&ra, a);
	rd(&rb, b);
	for (const struct conf_node *x = ra.t->first; x; x = x->next)
		for (const struct conf_node *y = rb.t->first; y; y = y->next) {
			char *dx = dump_one(x, &rt_top_block);
			char *dy = dump_one(y, &rt_top_block);
			bool same = !strcmp(dx, dy);

			if (conf_cmp_same(c, x, y) != same)
				fail_msg("conf_cmp_same is %d for\n%s---\n%s",
					 !same, dx, dy);
			alike += same;
			free(dx);
			free(dy);
		}
	/* .1 (alias and layout), .5 and "other" are alike; the rest not */
	assert_int_equal(alike, 3);
	conf_cmp_free(c);
	rd_free(&ra);
	rd_free(&rb);
}

/* conf_node_same across two reads: the same file's name is another
 * string in each tree; another file, another line or another word deep
 * inside is another statement. */
static void test_node_same(void **state)
{
	static const char text[] = "vs 1 {\n rs a {\n  w 1\n }\n}\nvs 2 {\n}\n";
	struct conf_read_opts o = { .config_id = "main" };
	struct rd a, b, other, moved, deep;

	(void)state;
	rd(&a, text);
	rd(&b, text);
	rd_buffer(&other, "/tmp/other.conf", text, strlen(text), &o);
	rd(&moved, "\nvs 1 {\n rs a {\n  w 1\n }\n}\nvs 2 {\n}\n");
	rd(&deep, "vs 1 {\n rs a {\n  w 2\n }\n}\nvs 2 {\n}\n");
	assert_ptr_not_equal(a.t->first->file, b.t->first->file);
	assert_true(conf_node_same(a.t->first, b.t->first));
	assert_true(conf_node_same(a.t->first->next, b.t->first->next));
	assert_false(conf_node_same(a.t->first, a.t->first->next));
	assert_false(conf_node_same(a.t->first, other.t->first));
	assert_false(conf_node_same(a.t->first, moved.t->first));
	assert_false(conf_node_same(a.t->first, deep.t->first));
	assert_true(conf_node_same(a.t->first->next, deep.t->first->next));
	rd_free(&a);
	rd_free(&b);
	rd_free(&other);
	rd_free(&moved);
	rd_free(&deep);
}

static void test_dump_resolved(void **state)
{
	struct rd r;

	rd(&r, complex_conf);
	assert_int_equal(r.d.n, 0);
	/* definitions, generators and conditionals are gone */
	assert_null(strstr(r.dump, "~SEQ"));
	assert_null(strstr(r.dump, "@main"));
	assert_null(strstr(r.dump, "$IF"));
	assert_non_null(strstr(r.dump, "vrrp_instance VI_3 {\n"));
	assert_non_null(strstr(r.dump, "        10.0.3.1/24 dev eth0\n"));
	assert_non_null(strstr(r.dump, "    priority 150\n"));
	assert_null(strstr(r.dump, "priority 100"));
	assert_non_null(strstr(r.dump, "router_id \"node #1\"\n"));
	assert_non_null(strstr(r.dump,
		"script \"/bin/sh -c 'echo \\$HOME \\\\ !'\"\n"));
	rd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_lex_errors),
		cmocka_unit_test(test_braces_same_line),
		cmocka_unit_test(test_brace_next_line),
		cmocka_unit_test(test_stray_close),
		cmocka_unit_test(test_open_without_keyword),
		cmocka_unit_test(test_missing_close),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_undefined_reference_one_word),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_dump_quoting),
		cmocka_unit_test(test_include_word),
		cmocka_unit_test(test_dump_roundtrip),
		cmocka_unit_test(test_dump_aliases),
		cmocka_unit_test(test_dump_resolved),
		cmocka_unit_test(test_cmp_same),
		cmocka_unit_test(test_node_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
