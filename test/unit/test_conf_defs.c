/*
 * $NAME definitions (single and multi-line, nested, block-producing,
 * conditional), the predefined names, and the ~SEQ / ~SEQx / ~LST
 * generators, with their located errors and expansion limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "lib/conf.h"
#include "test/unit/conf_test_util.h"

static void rd_opts(struct rd *r, const char *text,
		    const struct conf_read_opts *o)
{
	rd_buffer(r, "/tmp/nodir/d.conf", text, strlen(text), o);
}

static void rd_id(struct rd *r, const char *text, const char *id)
{
	struct conf_read_opts o = { .config_id = id };

	rd_opts(r, text, &o);
}

static void rd(struct rd *r, const char *text)
{
	rd_id(r, text, "main");
}


static void check_id(const char *in, const char *id, const char *want)
{
	struct rd r;

	rd_id(&r, in, id);
	if (r.d.n)
		fail_msg("unexpected diagnostics:\n%s", r.diag);
	assert_string_equal(r.dump, want);
	rd_free(&r);
}

static void check(const char *in, const char *want)
{
	check_id(in, "main", want);
}

/* ---- definitions ---- */

static void test_def_basic(void **state)
{
	check("$A=1\n$B=two words\n  $C=\"q q\"\nk $A ${A}x $B\nk2 $C\n",
	      "k 1 1x two words\nk2 \"q q\"\n");
	/* $NAME only before whitespace, end or a quote; ${NAME} anywhere */
	check("$A=1\nk $Ax $A.b x$A ${A}${A} $A\"q\"\n",
	      "k \"\\$Ax\" \"\\$A.b\" x1 11 1q\n");
	/* empty values, redefinition */
	check("$E=\nk a${E}b\n$A=1\nk $A\n$A=2\nk $A\n",
	      "k ab\nk 1\nk 2\n");
	/* undefined names stay as written */
	check("k ${NOPE} $NOPE\n", "k \"\\${NOPE}\" \"\\$NOPE\"\n");
	/* a backslash keeps a '$' literal */
	check("$A=1\nk \"\\$A\" \"\\\\$A\"\n", "k \"\\$A\" \"\\\\1\"\n");
	/* a definition may make the keyword and braces */
	check("$KW=virtual_ipaddress {\n$KW 10.0.0.1 }\n",
	      "virtual_ipaddress {\n    10.0.0.1\n}\n");
}

static void test_def_at_use_time(void **state)
{
	/* keepalived.conf(5)'s example */
	check("$ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}\n$ADDRESS_BASE_SUB=0\n"
	      "${ADDRESS_BASE}.100/32\n$ADDRESS_BASE_SUB=10\n"
	      "${ADDRESS_BASE}.100/32\n",
	      "10.2.0.100/32\n10.2.10.100/32\n");
}

static void test_def_multiline_block(void **state)
{
	static const char in[] =
		"$INSTANCE= \\\n"
		"vrrp_instance VI_${NUM} { \\\n"
		"    interface eth0.${NUM} \\\n"
		"    @high priority 130 \\\n"
		"    @low priority 120 \\\n"
		"    # a comment line inside a definition \\\n"
		"    virtual_ipaddress { \\\n"
		"        10.0.${NUM}.254/24 \\\n"
		"    } \\\n"
		"}\n"
		"$NUM=0\n"
		"$INSTANCE\n"
		"$NUM=1\n"
		"$INSTANCE\n";

	check_id(in, "high",
		 "vrrp_instance VI_0 {\n    interface eth0.0\n"
		 "    priority 130\n    virtual_ipaddress {\n"
		 "        10.0.0.254/24\n    }\n}\n"
		 "vrrp_instance VI_1 {\n    interface eth0.1\n"
		 "    priority 130\n    virtual_ipaddress {\n"
		 "        10.0.1.254/24\n    }\n}\n");
	struct rd r;

	rd_id(&r, in, "low");
	assert_non_null(strstr(r.dump, "priority 120"));
	assert_null(strstr(r.dump, "priority 130"));
	/* lines made by a definition are located at its use */
	assert_int_equal(r.t->first->line, 12);
	assert_int_equal(r.t->first->next->line, 14);
	rd_free(&r);
}

static void test_def_multiline_nested(void **state)
{
	/* the shape of keepalived.conf(5)'s nested example, blank lines and
	 * all */
	static const char in[] =
		"$RS= \\\n"
		"real_server 192.168.${VS_NUM}.${RS_NUM} 80 { \\\n"
		"    weight 1 \\\n"
		"\n"
		"    notify_up \"${_PWD}/n.sh ${VS_NUM}.${RS_NUM} UP\" \\\n"
		"\n"
		"}\n"
		"$VS= \\\n"
		"virtual_server 10.0.${VS_NUM}.4 80 { \\\n"
		"    quorum 2 \\\n"
		"    $RS_NUM=1 \\\n"
		"    $RS \\\n"
		"    $RS_NUM=2 \\\n"
		"    $RS \\\n"
		"}\n"
		"$VS_NUM=0\n"
		"$VS\n"
		"$VS_NUM=1\n"
		"$VS\n";

	check(in,
	      "virtual_server 10.0.0.4 80 {\n    quorum 2\n"
	      "    real_server 192.168.0.1 80 {\n        weight 1\n"
	      "        notify_up \"/tmp/nodir/n.sh 0.1 UP\"\n    }\n"
	      "    real_server 192.168.0.2 80 {\n        weight 1\n"
	      "        notify_up \"/tmp/nodir/n.sh 0.2 UP\"\n    }\n}\n"
	      "virtual_server 10.0.1.4 80 {\n    quorum 2\n"
	      "    real_server 192.168.1.1 80 {\n        weight 1\n"
	      "        notify_up \"/tmp/nodir/n.sh 1.1 UP\"\n    }\n"
	      "    real_server 192.168.1.2 80 {\n        weight 1\n"
	      "        notify_up \"/tmp/nodir/n.sh 1.2 UP\"\n    }\n}\n");
}

static void test_def_multiline_first_line_and_eof(void **state)
{
	/* text on the first line; a trailing backslash at the end of the
	 * file still ends the definition */
	check("$L=a 1 \\\n b 2\n$L\n$M=c 3 \\\n", "a 1\nb 2\n");
	check("$L=x \\\n y\nk $L z\n", "k x\ny z\n");
}

static void test_def_errors(void **state)
{
	struct rd r;

	rd(&r, "$A=$A x\nk $A\n$B=${C}\n$C=$B\nk2 ${B}\nk3 ok\n");
	assert_int_equal(r.d.errors, 2);
	assert_diag(&r, "/tmp/nodir/d.conf:2: error: $A: definitions nest more "
		    "than 32 deep (does one refer to itself?)");
	assert_diag(&r, "/tmp/nodir/d.conf:5: error: $");
	assert_string_equal(r.dump, "k3 ok\n");
	rd_free(&r);

	/* a multi-line definition that uses itself */
	rd(&r, "$M= \\\n a \\\n $M\n$M\nafter\n");
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "d.conf:4: error: $: expected definitions and "
		    "generators nested at most 32 deep, got deeper");
	assert_non_null(strstr(r.dump, "after\n"));
	rd_free(&r);

	/* doubling at each level: stopped by the line length cap */
	char text[4096], *p = text;

	p += sprintf(p, "$A0=xxxxxxxxxxxxxxxx\n");
	for (int i = 1; i <= 30; i++)
		p += sprintf(p, "$A%d=${A%d}${A%d}\n", i, i - 1, i - 1);
	sprintf(p, "k $A30\nk2\n");
	rd(&r, text);
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "d.conf:32: error: $: the line expands to more than "
		    "1048576 bytes");
	assert_string_equal(r.dump, "k2\n");
	rd_free(&r);

	/* predefined names cannot be redefined */
	rd(&r, "$_PWD=x\n$_HASH= \\\n y\nk ${_HASH}\n");
	assert_int_equal(r.d.errors, 2);
	assert_diag(&r, "d.conf:1: error: $_PWD: expected a name that is not "
		    "predefined, got \"_PWD\"");
	assert_diag(&r, "d.conf:2: error: $_HASH:");
	assert_string_equal(r.dump, "k \"#\"\n");
	rd_free(&r);
}

static void test_def_bytes_budget(void **state)
{
	struct rd r;
	struct conf_read_opts o = { .config_id = "main",
				    .max_expanded_bytes = 1000 };

	rd_opts(&r, "$A=0123456789012345678901234567890123456789\n"
		"~SEQ(I, 1, 100) k $A\nlast\n", &o);
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "d.conf:2: error: ~: expected the configuration to "
		    "expand to less than the limit");
	assert_non_null(strstr(r.dump, "last\n"));
	rd_free(&r);
}

/* ---- predefined ---- */

static void test_predef_simple(void **state)
{
	check_id("k ${_PWD} $_PWD ${_INSTANCE} a${_HASH}b ${_BANG} $_HASH\n"
		 "k2 \"${_HASH} not a comment\" # but this is\n",
		 "node-7",
		 "k /tmp/nodir /tmp/nodir node-7 \"a#b\" \"!\" \"#\"\n"
		 "k2 \"# not a comment\"\n");
}

static void test_predef_env(void **state)
{
	setenv("TCONF_X", "hello world", 1);
	unsetenv("TCONF_UNSET");
	check("k \"${_ENV TCONF_X}\" ${_ENV TCONF_X} x${_ENV TCONF_UNSET}y\n",
	      "k \"hello world\" hello world xy\n");
	struct rd r;

	rd(&r, "k ${_ENV}\nk ${_ENV A B}\n");
	assert_int_equal(r.d.errors, 2);
	assert_diag(&r, "d.conf:1: error: ${_ENV}: expected one environment "
		    "variable name, got \"\"");
	assert_diag(&r, "d.conf:2: error: ${_ENV}: expected one environment "
		    "variable name, got \" A B\"");
	rd_free(&r);
}

static void test_predef_random(void **state)
{
	struct rd r;

	for (int round = 0; round < 20; round++) {
		rd(&r, "k ${_RANDOM} ${_RANDOM 5 5} ${_RANDOM 3 4} "
		   "${_RANDOM 32760} $_RANDOM\n");
		assert_int_equal(r.d.n, 0);
		const struct conf_node *n = r.t->first;

		assert_int_equal(n->nargs, 5);
		long v0 = atol(n->args[0]), v2 = atol(n->args[2]);
		long v3 = atol(n->args[3]), v4 = atol(n->args[4]);

		assert_true(v0 >= 0 && v0 <= 32767);
		assert_string_equal(n->args[1], "5");
		assert_true(v2 == 3 || v2 == 4);
		assert_true(v3 >= 32760 && v3 <= 32767);
		assert_true(v4 >= 0 && v4 <= 32767);
		rd_free(&r);
	}
	rd(&r, "k ${_RANDOM 5 1}\nk ${_RANDOM a}\nk ${_RANDOM 1 2 3}\n"
	   "k ${_RANDOM -1}\n");
	assert_int_equal(r.d.errors, 4);
	assert_diag(&r, "d.conf:1: error: ${_RANDOM}: expected [MIN [MAX]], "
		    "non-negative integers with MIN <= MAX, got \" 5 1\"");
	assert_diag(&r, "d.conf:2: error: ${_RANDOM}");
	assert_diag(&r, "d.conf:3: error: ${_RANDOM}");
	assert_diag(&r, "d.conf:4: error: ${_RANDOM}");
	rd_free(&r);
	rd(&r, "k ${_PWD x}\n");
	assert_diag(&r, "d.conf:1: error: ${_PWD}: expected no argument, got "
		    "\" x\"");
	rd_free(&r);
}

/* ---- generators ---- */

static void test_seq_forms(void **state)
{
	check("~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n",
	      "ip_address 10.0.0.1\nip_address 10.0.1.1\nip_address 10.0.2.1\n"
	      "ip_address 10.0.3.1\n");
	check("~SEQ(I, 3) k $I\n", "k 1\nk 2\nk 3\n");
	check("~SEQ(I, -2) k $I\n", "k -1\nk -2\n");
	check("~SEQ(I, 5, 3) k $I\n", "k 5\nk 4\nk 3\n");
	check("~SEQ(I, 0, 2, 7) k $I\n", "k 0\nk 2\nk 4\nk 6\n");
	check("~SEQ(I, 10, -5, 0) k $I\n", "k 10\nk 5\nk 0\n");
	check("~SEQ(I, 5, 1, 3) k $I\nafter\n", "after\n");
	check("  ~SEQ( I ,1,2 )   k $I\n", "k 1\nk 2\n");
}

static void test_seqx(void **state)
{
	static const char want[] =
		"ip_address fe80::20:90:1\nip_address fe80::20:a0:1\n"
		"ip_address fe80::20:b0:1\nip_address fe80::20:c0:1\n";

	check("~SEQx(SUBNET, 144, 16, 192) ip_address fe80::20:${SUBNET}:1\n",
	      want);
	check("~SEQx(SUBNET, 0x90, 0x10, 0xc0) ip_address "
	      "fe80::20:${SUBNET}:1\n", want);
}

static void test_seq_several_per_line(void **state)
{
	struct rd r;

	rd(&r, "virtual_ipaddress {\n"
	   "    ~SEQx(AD2, 0x90, 0x10, 0xc0) ~SEQx(AD1, 0x12, -1, 0x0c) "
	   "fe81::10:${AD2}:${AD1}\n}\n");
	assert_int_equal(r.d.n, 0);
	size_t count = 0;
	const struct conf_node *n = r.t->first->child, *last = NULL;

	for (; n; n = n->next, count++)
		last = n;
	assert_int_equal(count, 4 * 7);
	assert_string_equal(r.t->first->child->word, "fe81::10:90:12");
	assert_string_equal(r.t->first->child->next->word, "fe81::10:90:11");
	assert_string_equal(last->word, "fe81::10:c0:c");
	assert_int_equal(last->line, 2);
	rd_free(&r);
}

static void test_lst(void **state)
{
	check("~LST(IP, 1, 2, 3) x ${IP}\n", "x 1\nx 2\nx 3\n");
	check("~LST({IP, IP1}, {10,1},{20,4},{5,6},{12,8}) 192.168.${IP}.${IP1}\n",
	      "192.168.10.1\n192.168.20.4\n192.168.5.6\n192.168.12.8\n");
	check("~LST(IP, 1, 2) ~LST(IP1, 5,6,7) 192.169.${IP}.${IP1}\n",
	      "192.169.1.5\n192.169.1.6\n192.169.1.7\n"
	      "192.169.2.5\n192.169.2.6\n192.169.2.7\n");
	check("~LST({IP, IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,172) "
	      "192.${IP2}.${IP}.${IP1}\n",
	      "192.168.10.1\n192.170.10.1\n192.172.10.1\n"
	      "192.168.20.4\n192.170.20.4\n192.172.20.4\n");
	/* values are text: quotes in them are the line's quotes */
	check("~LST(W, \"a b\", c) k $W\n", "k \"a b\"\nk c\n");
}

static void test_gen_with_multiline_def(void **state)
{
	check("$INST= \\\nvrrp_instance VI_${N} { \\\n  virtual_router_id $N \\\n"
	      "}\n~SEQ(N, 1, 2) $INST\n",
	      "vrrp_instance VI_1 {\n    virtual_router_id 1\n}\n"
	      "vrrp_instance VI_2 {\n    virtual_router_id 2\n}\n");
}

static void test_gen_var_restored(void **state)
{
	check("$I=keep\n~SEQ(I, 1, 2) k $I\nk $I\n~SEQ(J, 1, 1) j $J\nj $J\n",
	      "k 1\nk 2\nk keep\nj 1\nj \"\\$J\"\n");
}

static void test_gen_in_conditional(void **state)
{
	check_id("@main ~SEQ(I, 1, 2) k $I\n@other ~SEQ(I, 1, 2) o $I\n"
		 "~SEQ(I, 1, 2) @main m $I\n", "main",
		 "k 1\nk 2\nm 1\nm 2\n");
}

static void test_gen_errors(void **state)
{
	struct rd r;

	rd(&r, "~SEQ(1X, 1, 2) k\n"
	   "~SEQ(I, a, 2) k\n"
	   "~SEQ(I, 1, 0, 3) k\n"
	   "~SEQ(I, 1, 3 k\n"
	   "~SEQ(I, 1, 3)\n"
	   "~LST({A,B}, {1}, {2,3}) k\n"
	   "~LST(A) k\n"
	   "~SEQ(I, 1, 2, 3, 4) k\n"
	   "~SEQ(I) k\n"
	   "~LST({A,_PWD}, {1,2}) k\n"
	   "~FOO(x) k\n");
	assert_int_equal(r.d.errors, 10);
	assert_diag(&r, "d.conf:1: error: ~SEQ: expected (VAR, [START, [STEP,]] "
		    "END) with VAR a name, got \"(1X, 1, 2)\"");
	assert_diag(&r, "d.conf:2: error: ~SEQ: expected an integer, got "
		    "\"a\"");
	assert_diag(&r, "d.conf:3: error: ~SEQ: expected a STEP other than 0, "
		    "got \"0\"");
	assert_diag(&r, "d.conf:4: error: ~SEQ: expected a closing ')', got "
		    "\"~SEQ(I, 1, 3 k\"");
	assert_diag(&r, "d.conf:5: error: ~SEQ: expected a statement after (...) "
		    "on the same line, got nothing");
	assert_diag(&r, "d.conf:6: error: ~LST: expected {...} with 2 values "
		    "like the variables, got \"{1}\"");
	assert_diag(&r, "d.conf:7: error: ~LST: expected at least one value "
		    "after the variable, got \"(A)\"");
	assert_diag(&r, "d.conf:8: error: ~SEQ: expected (VAR");
	assert_diag(&r, "d.conf:9: error: ~SEQ: expected (VAR");
	assert_diag(&r, "d.conf:10: error: ~LST: expected (VAR, VALUE, ...)");
	/* not a generator: an ordinary (quoted on dump) word */
	assert_string_equal(r.dump, "\"~FOO(x)\" k\n");
	rd_free(&r);
}

static void test_gen_budget(void **state)
{
	struct rd r;
	struct conf_read_opts o = { .config_id = "main",
				    .max_expanded_lines = 100 };
	time_t t0 = time(NULL);

	rd_opts(&r, "~SEQ(I, 1, 1000) k $I\nafter\n", &o);
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "d.conf:1: error: ~: expected the configuration to "
		    "expand to less than the limit of generated lines and "
		    "bytes, got more; expansion stopped here");
	assert_string_equal(r.dump, "after\n");
	rd_free(&r);

	/* with the default limit a huge range fails at once */
	rd(&r, "~SEQ(I, 1, 1000000000000) k $I\n");
	assert_int_equal(r.d.errors, 1);
	assert_null(r.t->first);
	rd_free(&r);

	/* nested: stops part way with one error */
	o.max_expanded_lines = 10000;
	rd_opts(&r, "~SEQ(A, 1, 1000) ~SEQ(B, 1, 1000) ~SEQ(C, 1, 1000) k\n"
		"~SEQ(D, 1, 2) more\n", &o);
	assert_int_equal(r.d.errors, 1);
	assert_true(time(NULL) - t0 < 20);
	rd_free(&r);

	/* multi-line definitions used many times are charged too */
	o.max_expanded_lines = 50;
	rd_opts(&r, "$M= \\\n a \\\n b\n$N= \\\n $M \\\n $M \\\n $M\n"
		"$O= \\\n $N \\\n $N \\\n $N\n$P= \\\n $O \\\n $O \\\n $O\n"
		"$P\n", &o);
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "d.conf:16: error: ~: expected the configuration to "
		    "expand");
	rd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_def_basic),
		cmocka_unit_test(test_def_at_use_time),
		cmocka_unit_test(test_def_multiline_block),
		cmocka_unit_test(test_def_multiline_nested),
		cmocka_unit_test(test_def_multiline_first_line_and_eof),
		cmocka_unit_test(test_def_errors),
		cmocka_unit_test(test_def_bytes_budget),
		cmocka_unit_test(test_predef_simple),
		cmocka_unit_test(test_predef_env),
		cmocka_unit_test(test_predef_random),
		cmocka_unit_test(test_seq_forms),
		cmocka_unit_test(test_seqx),
		cmocka_unit_test(test_seq_several_per_line),
		cmocka_unit_test(test_lst),
		cmocka_unit_test(test_gen_with_multiline_def),
		cmocka_unit_test(test_gen_var_restored),
		cmocka_unit_test(test_gen_in_conditional),
		cmocka_unit_test(test_gen_errors),
		cmocka_unit_test(test_gen_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
