/*
 * conf_apply() against small test tables: every conf_type, ranges,
 * deprecated aliases, unimplemented keywords, unknown keywords, repeated
 * scalars, block/scalar mismatches, LIST and CUSTOM handlers, open/close,
 * and the conf_arg_* converters called directly.
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

struct sub {
	char *name;
	int weight;
	struct sub *next;
};

struct obj {
	bool flag, b;
	int i, multi;
	unsigned u;
	char *s, *line;
	int e;
	uint64_t t;
	struct sockaddr_storage a;
	struct sub *subs;
	int plain_i;
	char *items[8];
	size_t nitems;
	int custom_calls;
	int checks;
	int opt_seen;
	int closed;
};

static const char *const colours[] = { "red", "green", "blue", NULL };

static void *sub_open(struct conf_ctx *c, const struct conf_node *n,
		      void *parent)
{
	struct obj *o = parent;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return NULL;
	struct sub *s = calloc(1, sizeof(*s));

	s->name = strdup(n->args[0]);
	s->next = o->subs;
	o->subs = s;
	return s;
}

static int sub_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct sub *s = obj;

	if (s->weight == 0) {
		conf_err(c, n, "expected a weight in the block, got none");
		return -1;
	}
	return 0;
}

static const struct conf_keyword sub_kw[] = {
	{ .name = "weight", .type = CONF_T_INT,
	  .offset = offsetof(struct sub, weight), .min = 1, .max = 100 },
	{ .name = NULL }
};

static const struct conf_block sub_block = {
	.name = "sub", .keywords = sub_kw, .open = sub_open,
	.close = sub_close,
};

static const struct conf_keyword plain_kw[] = {
	{ .name = "plain_i", .type = CONF_T_INT,
	  .offset = offsetof(struct obj, plain_i) },
	{ .name = NULL }
};

static const struct conf_block plain_block = {
	.name = "plain", .keywords = plain_kw,
};

static int item_line(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct obj *o = obj;
	struct sockaddr_storage ss;

	if (conf_arg_count(c, n, 0, 0) < 0)
		return -1;
	/* the line's first word is the entry */
	struct conf_node tmp = *n;
	char *args[1] = { tmp.word };

	tmp.args = args;
	tmp.nargs = 1;
	if (conf_arg_addr(c, &tmp, 0, &ss) < 0)
		return -1;
	if (o->nitems < 8)
		o->items[o->nitems++] = strdup(n->word);
	return 0;
}

static int custom_fn(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct obj *o = obj;
	int64_t v;

	if (conf_arg_count(c, n, 2, 2) < 0 ||
	    conf_arg_int(c, n, 1, 0, 9, &v) < 0)
		return -1;
	o->custom_calls++;
	return 0;
}

static int int_check(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct obj *o = obj;

	o->checks++;
	if (o->i == 13) {
		conf_err(c, n, "expected anything but 13, got \"13\"");
		return -1;
	}
	return 0;
}

static int opt_custom(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	((struct obj *)obj)->opt_seen++;
	return 0;
}

static const struct conf_keyword top_kw[] = {
	{ .name = "flag", .type = CONF_T_FLAG,
	  .offset = offsetof(struct obj, flag) },
	{ .name = "bool", .type = CONF_T_BOOL,
	  .offset = offsetof(struct obj, b) },
	{ .name = "int", .type = CONF_T_INT, .offset = offsetof(struct obj, i),
	  .min = -5, .max = 100, .handler = int_check },
	{ .name = "old_int", .alias_of = "int" },
	{ .name = "multi", .type = CONF_T_INT,
	  .offset = offsetof(struct obj, multi), .flags = CONF_KW_MULTI },
	{ .name = "uint", .type = CONF_T_UINT,
	  .offset = offsetof(struct obj, u), .min = 1, .max = 255 },
	{ .name = "str", .type = CONF_T_STR,
	  .offset = offsetof(struct obj, s) },
	{ .name = "line", .type = CONF_T_LINE,
	  .offset = offsetof(struct obj, line) },
	{ .name = "colour", .type = CONF_T_ENUM,
	  .offset = offsetof(struct obj, e), .words = colours },
	{ .name = "time", .type = CONF_T_TIME,
	  .offset = offsetof(struct obj, t), .min = 100000, .max = 60000000 },
	{ .name = "addr", .type = CONF_T_ADDR,
	  .offset = offsetof(struct obj, a) },
	{ .name = "prio", .type = CONF_T_UINT,
	  .offset = offsetof(struct obj, u), .min = 1, .max = 255,
	  .expect = "a priority from 1 to 255" },
	{ .name = "sub", .type = CONF_T_BLOCK, .block = &sub_block,
	  .flags = CONF_KW_MULTI },
	{ .name = "plain", .type = CONF_T_BLOCK, .block = &plain_block },
	{ .name = "optblock", .type = CONF_T_BLOCK, .block = &plain_block,
	  .flags = CONF_KW_BLOCK_OPT, .handler = opt_custom },
	{ .name = "items", .type = CONF_T_LIST, .handler = item_line },
	{ .name = "cust", .type = CONF_T_CUSTOM, .handler = custom_fn,
	  .flags = CONF_KW_MULTI },
	{ .name = "vrrp_script", .type = CONF_T_NOTIMPL },
	{ .name = NULL }
};

static int top_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	((struct obj *)obj)->closed++;
	return 0;
}

static const struct conf_block top_block = {
	.name = "test", .keywords = top_kw, .close = top_close,
};

static void obj_free(struct obj *o)
{
	free(o->s);
	free(o->line);
	while (o->subs) {
		struct sub *s = o->subs;

		o->subs = s->next;
		free(s->name);
		free(s);
	}
	for (size_t i = 0; i < o->nitems; i++)
		free(o->items[i]);
}

struct run {
	struct conf_diag d;
	struct obj o;
	int read_rc, apply_rc;
	char *text;	/* every diagnostic, printed */
};

static void run(struct run *r, const char *conf)
{
	struct conf_tree *t;
	struct conf_read_opts opts = { .config_id = "main" };
	size_t len;
	FILE *f;

	memset(r, 0, sizeof(*r));
	conf_diag_init(&r->d);
	r->read_rc = conf_read_buffer("/tmp/t.conf", conf, strlen(conf), &opts,
				      &r->d, &t);
	r->apply_rc = conf_apply(t, &top_block, &r->o, &r->d);
	conf_tree_free(t);
	f = open_memstream(&r->text, &len);
	conf_diag_print(&r->d, f);
	fclose(f);
}

static void run_free(struct run *r)
{
	obj_free(&r->o);
	conf_diag_free(&r->d);
	free(r->text);
}

#define assert_has(r, s) do { \
	if (!strstr((r)->text, (s))) \
		fail_msg("missing \"%s\" in:\n%s", (s), (r)->text); \
} while (0)

static void test_all_types_ok(void **state)
{
	struct run r;

	run(&r, "flag\nbool off\nint -5\nuint 255\nstr \"a b\"\n"
	    "line one two  three\ncolour GREEN\ntime 2.5\naddr 10.1.2.3\n");
	assert_int_equal(r.apply_rc, 0);
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.d.warnings, 0);
	assert_true(r.o.flag);
	assert_false(r.o.b);
	assert_int_equal(r.o.i, -5);
	assert_int_equal(r.o.checks, 1);
	assert_int_equal(r.o.u, 255);
	assert_string_equal(r.o.s, "a b");
	assert_string_equal(r.o.line, "one two three");
	assert_int_equal(r.o.e, 1);
	assert_int_equal(r.o.t, 2500000);
	assert_int_equal(r.o.a.ss_family, AF_INET);
	assert_int_equal(r.o.closed, 1);
	run_free(&r);
}

static void test_bool_forms(void **state)
{
	const char *yes[] = { "bool", "bool true", "bool yes", "bool on",
			      "bool 1", "bool YES" };
	const char *no[] = { "bool false", "bool no", "bool off", "bool 0" };
	struct run r;

	for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		run(&r, yes[i]);
		assert_int_equal(r.d.errors, 0);
		assert_true(r.o.b);
		run_free(&r);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(*no); i++) {
		run(&r, no[i]);
		r.o.b = true;
		run_free(&r);
		run(&r, no[i]);
		assert_int_equal(r.d.errors, 0);
		assert_false(r.o.b);
		run_free(&r);
	}
	run(&r, "bool maybe");
	assert_int_equal(r.apply_rc, -1);
	assert_has(&r, "/tmp/t.conf:1: error: bool: expected a boolean "
		   "(true, yes, on, 1, false, no, off, 0), got \"maybe\"");
	run_free(&r);
	run(&r, "bool yes no");
	assert_has(&r, "bool: expected 0 to 1 values, got \"yes no\"");
	run_free(&r);
}

static void test_flag_with_value(void **state)
{
	struct run r;

	run(&r, "flag yes");
	assert_has(&r, "/tmp/t.conf:1: error: flag: expected no value, got "
		   "\"yes\"");
	assert_false(r.o.flag);
	run_free(&r);
}

static void test_int_ranges(void **state)
{
	struct run r;

	run(&r, "int 100\n");
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.o.i, 100);
	run_free(&r);
	run(&r, "\n\nint 101\n");
	assert_has(&r, "/tmp/t.conf:3: error: int: expected an integer in "
		   "[-5, 100], got \"101\"");
	run_free(&r);
	run(&r, "int -6");
	assert_has(&r, "int: expected an integer in [-5, 100], got \"-6\"");
	run_free(&r);
	run(&r, "int 1x");
	assert_has(&r, "got \"1x\"");
	run_free(&r);
	run(&r, "int 99999999999999999999999");
	assert_has(&r, "int: expected an integer in [-5, 100]");
	run_free(&r);
	run(&r, "int");
	assert_has(&r, "int: expected 1 value, got nothing");
	run_free(&r);
	run(&r, "int 1 2");
	assert_has(&r, "int: expected 1 value, got \"1 2\"");
	run_free(&r);
	/* the typed handler runs after the store and can refuse */
	run(&r, "int 13");
	assert_has(&r, "int: expected anything but 13, got \"13\"");
	run_free(&r);
}

static void test_uint_ranges(void **state)
{
	struct run r;

	run(&r, "uint 1");
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.o.u, 1);
	run_free(&r);
	run(&r, "uint 0");
	assert_has(&r, "uint: expected an integer in [1, 255], got \"0\"");
	run_free(&r);
	run(&r, "uint 256");
	assert_has(&r, "uint: expected an integer in [1, 255], got \"256\"");
	run_free(&r);
	run(&r, "uint -1");
	assert_has(&r, "got \"-1\"");
	run_free(&r);
	/* the table's own wording of what was expected */
	run(&r, "prio 300");
	assert_has(&r, "prio: expected a priority from 1 to 255, got \"300\"");
	run_free(&r);
}

static void test_enum(void **state)
{
	struct run r;

	run(&r, "colour blue");
	assert_int_equal(r.o.e, 2);
	run_free(&r);
	run(&r, "colour pink");
	assert_has(&r, "colour: expected one of red, green, blue, got "
		   "\"pink\"");
	run_free(&r);
}

static void test_time(void **state)
{
	struct run r;

	run(&r, "time 0.1");
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.o.t, 100000);
	run_free(&r);
	run(&r, "time 60");
	assert_int_equal(r.o.t, 60000000);
	run_free(&r);
	run(&r, "time 2.7182818");
	assert_int_equal(r.o.t, 2718281);
	run_free(&r);
	run(&r, "time 0.09");
	assert_has(&r, "time: expected a time in seconds in [0.1, 60], got "
		   "\"0.09\"");
	run_free(&r);
	run(&r, "time 61");
	assert_has(&r, "got \"61\"");
	run_free(&r);
	run(&r, "time -1");
	assert_has(&r, "time: expected a time in seconds in [0.1, 60], got "
		   "\"-1\"");
	run_free(&r);
	run(&r, "time 1s");
	assert_has(&r, "got \"1s\"");
	run_free(&r);
	run(&r, "time .");
	assert_has(&r, "got \".\"");
	run_free(&r);
}

static void test_addr(void **state)
{
	struct run r;
	struct sockaddr_in6 *s6;
	struct in6_addr want;

	run(&r, "addr fe80::1");
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.o.a.ss_family, AF_INET6);
	s6 = (struct sockaddr_in6 *)&r.o.a;
	inet_pton(AF_INET6, "fe80::1", &want);
	assert_memory_equal(&s6->sin6_addr, &want, sizeof(want));
	run_free(&r);
	run(&r, "addr 10.0.0.256");
	assert_has(&r, "addr: expected an IPv4 or IPv6 address, got "
		   "\"10.0.0.256\"");
	run_free(&r);
	run(&r, "addr 10.0.0.1/24");
	assert_has(&r, "got \"10.0.0.1/24\"");
	run_free(&r);
}

static void test_str_repeated(void **state)
{
	struct run r;

	run(&r, "str a\nstr b\n");
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.d.warnings, 1);
	assert_has(&r, "/tmp/t.conf:2: warning: str: given more than once "
		   "(before at /tmp/t.conf:1); the later value wins");
	assert_string_equal(r.o.s, "b");
	run_free(&r);	/* the first value was freed: no leak */
	run(&r, "str a b");
	assert_has(&r, "str: expected 1 value, got \"a b\"");
	run_free(&r);
}

static void test_multi_no_warning(void **state)
{
	struct run r;

	run(&r, "multi 1\nmulti 2\ncust x 1\ncust y 2\n");
	assert_int_equal(r.d.warnings, 0);
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.o.multi, 2);
	assert_int_equal(r.o.custom_calls, 2);
	run_free(&r);
}

static void test_alias(void **state)
{
	struct run r;

	run(&r, "old_int 7");
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.d.warnings, 1);
	assert_has(&r, "/tmp/t.conf:1: warning: old_int: 'old_int' is "
		   "deprecated, use 'int'");
	assert_int_equal(r.o.i, 7);
	run_free(&r);
	/* checked and repeated as the current keyword */
	run(&r, "int 1\nold_int 700");
	assert_has(&r, "old_int: expected an integer in [-5, 100], got "
		   "\"700\"");
	assert_has(&r, "given more than once");
	run_free(&r);
}

static void test_notimpl(void **state)
{
	struct run r;

	run(&r, "vrrp_script chk {\n  script /bin/true\n  bogus\n}\n");
	assert_int_equal(r.apply_rc, -1);
	assert_int_equal(r.d.errors, 1);
	assert_has(&r, "/tmp/t.conf:1: error: vrrp_script: 'vrrp_script' is a "
		   "keepalived keyword that tandem does not implement yet");
	run_free(&r);
}

static void test_unknown(void **state)
{
	struct run r;

	run(&r, "frobnicate 1\n");
	assert_has(&r, "/tmp/t.conf:1: error: frobnicate: unknown keyword "
		   "'frobnicate' in test");
	assert_null(strstr(r.text, "did you mean"));
	run_free(&r);
	run(&r, "colur red\n");
	assert_has(&r, "unknown keyword 'colur' in test (did you mean "
		   "'colour'?)");
	run_free(&r);
	run(&r, "sub a {\n weigth 3\n weight 2\n}\n");
	assert_has(&r, "/tmp/t.conf:2: error: weigth: unknown keyword 'weigth' "
		   "in sub (did you mean 'weight'?)");
	run_free(&r);
}

static void test_every_error_reported(void **state)
{
	struct run r;

	run(&r, "int 500\nuint 0\ncolour x\nfrob\nflag 1\n");
	assert_int_equal(r.d.errors, 5);
	assert_has(&r, "t.conf:1: error: int");
	assert_has(&r, "t.conf:2: error: uint");
	assert_has(&r, "t.conf:3: error: colour");
	assert_has(&r, "t.conf:4: error: frob");
	assert_has(&r, "t.conf:5: error: flag");
	run_free(&r);
}

static void test_block_open_close(void **state)
{
	struct run r;

	run(&r, "sub a {\n weight 5\n}\nsub b { weight 7 }\n");
	assert_int_equal(r.d.errors, 0);
	assert_non_null(r.o.subs);
	assert_string_equal(r.o.subs->name, "b");
	assert_int_equal(r.o.subs->weight, 7);
	assert_string_equal(r.o.subs->next->name, "a");
	assert_int_equal(r.o.subs->next->weight, 5);
	run_free(&r);
	/* close() validation, located at the block's keyword */
	run(&r, "\nsub c {\n}\n");
	assert_has(&r, "/tmp/t.conf:2: error: sub: expected a weight in the "
		   "block, got none");
	run_free(&r);
	/* open() refusing the block: its contents are skipped */
	run(&r, "sub {\n weight 1000\n}\n");
	assert_int_equal(r.d.errors, 1);
	assert_has(&r, "sub: expected 1 value, got nothing");
	run_free(&r);
	/* values inside are checked and located */
	run(&r, "sub a {\n weight 0\n}\n");
	assert_has(&r, "/tmp/t.conf:2: error: weight: expected an integer in "
		   "[1, 100], got \"0\"");
	run_free(&r);
}

static void test_block_missing_or_extra(void **state)
{
	struct run r;

	run(&r, "plain\n");
	assert_has(&r, "/tmp/t.conf:1: error: plain: expected a { } block, got "
		   "nothing");
	run_free(&r);
	run(&r, "items 10.0.0.1\n");
	assert_has(&r, "items: expected a { } block, got only \"10.0.0.1\"");
	run_free(&r);
	run(&r, "int { 5 }\n");
	assert_has(&r, "/tmp/t.conf:1: error: int: expected a value, got a "
		   "{ } block");
	run_free(&r);
	run(&r, "flag {\n}\n");
	assert_has(&r, "flag: expected no value, got a { } block");
	run_free(&r);
	run(&r, "plain x {\n plain_i 3\n}\n");
	assert_has(&r, "plain: expected '{' right after the keyword, got "
		   "\"x\"");
	run_free(&r);
	/* a block without open() stores into the parent's object */
	run(&r, "plain {\n plain_i 3\n}\n");
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.o.plain_i, 3);
	run_free(&r);
}

static void test_block_optional(void **state)
{
	struct run r;

	run(&r, "optblock\noptblock {\n plain_i 4\n}\n");
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.o.opt_seen, 2);
	assert_int_equal(r.o.plain_i, 4);
	run_free(&r);
}

static void test_list(void **state)
{
	struct run r;

	run(&r, "items {\n 10.0.0.1\n ::1\n}\n");
	assert_int_equal(r.d.errors, 0);
	assert_int_equal(r.o.nitems, 2);
	assert_string_equal(r.o.items[0], "10.0.0.1");
	assert_string_equal(r.o.items[1], "::1");
	run_free(&r);
	/* a line's error names the list and the line */
	run(&r, "items {\n 10.0.0.1\n 10.0.0.300\n 1.2.3.4 x\n}\n");
	assert_has(&r, "/tmp/t.conf:3: error: items: expected an IPv4 or IPv6 "
		   "address, got \"10.0.0.300\"");
	assert_has(&r, "/tmp/t.conf:4: error: items: expected no value, got "
		   "\"x\"");
	assert_int_equal(r.o.nitems, 1);
	run_free(&r);
	run(&r, "items {\n a {\n }\n}\n");
	assert_has(&r, "/tmp/t.conf:2: error: items: expected one entry per "
		   "line, got a { } block");
	run_free(&r);
}

static void test_custom(void **state)
{
	struct run r;

	run(&r, "cust a 5");
	assert_int_equal(r.o.custom_calls, 1);
	run_free(&r);
	run(&r, "cust a 50");
	assert_has(&r, "cust: expected an integer in [0, 9], got \"50\"");
	run_free(&r);
	run(&r, "cust a");
	assert_has(&r, "cust: expected 2 values, got \"a\"");
	run_free(&r);
}

/* An empty config applies cleanly, with default options. */
static void test_empty(void **state)
{
	struct conf_diag d;
	struct conf_tree *t;
	static const struct conf_keyword kw[] = { { .name = NULL } };
	struct conf_block b = { .name = "b", .keywords = kw };

	conf_diag_init(&d);
	assert_int_equal(conf_read_buffer("x", "", 0, NULL, &d, &t), 0);
	assert_null(t->first);
	assert_int_equal(conf_apply(t, &b, NULL, &d), 0);
	conf_tree_free(t);
	assert_int_equal(conf_read_buffer("x", "\n  # c\n! c\n", 10, NULL,
					  &d, &t), 0);
	assert_null(t->first);
	conf_tree_free(t);
	assert_int_equal(d.n, 0);
	conf_diag_free(&d);
}

/* The converters called directly, as CUSTOM handlers do: the ctx of a
 * walk reaches them through the top block's close(). */
static int direct_close(struct conf_ctx *c, const struct conf_node *unused,
			void *obj)
{
	char *args[] = { "7", "1.5", "nope", "blue", "::ffff:1.2.3.4", "-3" };
	struct conf_node n = { .file = "x.conf", .line = 9, .word = "kw",
			       .args = args, .nargs = 6 };
	int64_t i;
	uint64_t u;
	bool b;
	int e;
	struct sockaddr_storage ss;
	int *ok = obj;

	assert_null(unused);	/* top-level close gets no node */
	assert_int_equal(conf_arg_count(c, &n, 6, 6), 0);
	assert_int_equal(conf_arg_count(c, &n, 0, 2), -1);
	assert_int_equal(conf_arg_int(c, &n, 0, 0, 10, &i), 0);
	assert_int_equal(i, 7);
	assert_int_equal(conf_arg_int(c, &n, 5, 0, 0, &i), 0);
	assert_int_equal(i, -3);
	assert_int_equal(conf_arg_int(c, &n, 0, 8, 10, &i), -1);
	assert_int_equal(conf_arg_int(c, &n, 9, 0, 10, &i), -1);
	assert_int_equal(conf_arg_time(c, &n, 1, 0, 0, &u), 0);
	assert_int_equal(u, 1500000);
	assert_int_equal(conf_arg_time(c, &n, 1, 2000000, 3000000, &u), -1);
	assert_int_equal(conf_arg_bool(c, &n, 2, &b), -1);
	assert_int_equal(conf_arg_bool(c, &n, 99, &b), 0);
	assert_true(b);
	assert_int_equal(conf_arg_enum(c, &n, 3, colours, &e), 0);
	assert_int_equal(e, 2);
	assert_int_equal(conf_arg_enum(c, &n, 2, colours, &e), -1);
	assert_int_equal(conf_arg_addr(c, &n, 4, &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(conf_arg_addr(c, &n, 0, &ss), -1);
	assert_int_equal(conf_ctx_diag(c)->errors, 7);
	conf_warn(c, &n, "a warning");
	conf_err(c, NULL, "no location");
	*ok = 1;
	return 0;
}

static void test_converters_in_handler(void **state)
{
	static const struct conf_keyword none[] = { { .name = NULL } };
	struct conf_block b = { .name = "b", .keywords = none,
				.close = direct_close };
	struct conf_diag d;
	struct conf_tree *t;
	int ok = 0;
	char *text;
	size_t len;
	FILE *f;

	conf_diag_init(&d);
	conf_read_buffer("x", "", 0, NULL, &d, &t);
	assert_int_equal(conf_apply(t, &b, &ok, &d), -1);
	assert_int_equal(ok, 1);
	assert_int_equal(d.warnings, 1);
	f = open_memstream(&text, &len);
	conf_diag_print(&d, f);
	fclose(f);
	assert_non_null(strstr(text, "x.conf:9: error: kw: expected 0 to 2 "
			       "values, got \"7 1.5 nope blue ::ffff:1.2.3.4 "
			       "-3\""));
	assert_non_null(strstr(text, "x.conf:9: error: kw: expected an "
			       "integer in [8, 10], got \"7\""));
	assert_non_null(strstr(text, "x.conf:9: error: kw: expected an "
			       "integer in [0, 10], got nothing"));
	assert_non_null(strstr(text, "x.conf:9: error: kw: expected a time in "
			       "seconds in [2, 3], got \"1.5\""));
	assert_non_null(strstr(text, "x.conf:9: warning: kw: a warning"));
	assert_non_null(strstr(text, "\nerror: no location\n"));
	free(text);
	conf_tree_free(t);
	conf_diag_free(&d);
}

static void test_read_errors_fail_apply_runs(void **state)
{
	struct run r;

	/* reading errors do not stop applying what was read */
	run(&r, "int 5\n}\nuint 3\n");
	assert_int_equal(r.read_rc, -1);
	assert_int_equal(r.apply_rc, 0);
	assert_int_equal(r.o.i, 5);
	assert_int_equal(r.o.u, 3);
	run_free(&r);
}

static void count_fn(const struct conf_diag_entry *e, void *arg)
{
	(*(int *)arg)++;
}

static void test_diag_foreach_format(void **state)
{
	struct conf_diag d;
	int count = 0;
	char buf[128];

	conf_diag_init(&d);
	conf_diag_add(&d, CONF_ERROR, "f.conf", 3, "kw: bad %d", 1);
	conf_diag_add(&d, CONF_WARNING, "f.conf", 0, "kw: meh");
	conf_diag_add(&d, CONF_ERROR, NULL, 0, "kw: nowhere");
	assert_int_equal(d.errors, 2);
	assert_int_equal(d.warnings, 1);
	conf_diag_format(&d.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "f.conf:3: error: kw: bad 1");
	conf_diag_format(&d.v[1], buf, sizeof(buf));
	assert_string_equal(buf, "f.conf: warning: kw: meh");
	conf_diag_format(&d.v[2], buf, sizeof(buf));
	assert_string_equal(buf, "error: kw: nowhere");
	conf_diag_foreach(&d, count_fn, &count);
	assert_int_equal(count, 3);
	conf_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_types_ok),
		cmocka_unit_test(test_bool_forms),
		cmocka_unit_test(test_flag_with_value),
		cmocka_unit_test(test_int_ranges),
		cmocka_unit_test(test_uint_ranges),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_str_repeated),
		cmocka_unit_test(test_multi_no_warning),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_notimpl),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_block_open_close),
		cmocka_unit_test(test_block_missing_or_extra),
		cmocka_unit_test(test_block_optional),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_custom),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_converters_in_handler),
		cmocka_unit_test(test_read_errors_fail_apply_runs),
		cmocka_unit_test(test_diag_foreach_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
