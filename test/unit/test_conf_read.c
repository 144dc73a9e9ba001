/*
 * Files: include (relative folders, nesting, globs, brace expansion,
 * missing files, loops, depth, blocks across files, include_root) and
 * @ID / @^ID conditional lines, all in temporary folders removed after.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/conf.h"
#include "test/unit/conf_test_util.h"

static char dir[PATH_MAX];

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *f)
{
	return remove(p);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/tconfXXXXXX";

	if (!mkdtemp(tmpl))
		return -1;
	/* the real path, as the reader reports ${_PWD} */
	if (!realpath(tmpl, dir))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void wfile(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	char *slash;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void rd_opts(struct rd *r, const char *rel,
		    const struct conf_read_opts *o)
{
	char path[PATH_MAX * 2];

	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, rel);
	rd_path(r, path, o);
}

static void rd(struct rd *r, const char *rel, const char *id)
{
	struct conf_read_opts o = { .config_id = id };

	rd_opts(r, rel, &o);
}


/* s with every "@D" replaced by the temp folder */
static char *at_dir(const char *s)
{
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	for (; *s; s++) {
		if (s[0] == '@' && s[1] == 'D') {
			fputs(dir, f);
			s++;
		} else {
			putc(*s, f);
		}
	}
	fclose(f);
	return out;
}

/* Here "@D" in the expected text stands for the test's folder. */
#undef assert_diag
#define assert_diag(r, s) do { \
	char *want_ = at_dir(s); \
	if (!strstr((r)->diag, want_)) \
		fail_msg("missing \"%s\" in:\n%s", want_, (r)->diag); \
	free(want_); \
} while (0)

static void test_missing_main_file(void **state)
{
	struct rd r;

	rd(&r, "/nonexistent-tandem/x.conf", "main");
	assert_int_equal(r.rc, -1);
	assert_non_null(r.t);
	assert_null(r.t->first);
	assert_diag(&r, "/nonexistent-tandem/x.conf: error: cannot read the "
		    "configuration: No such file or directory");
	rd_free(&r);
	rd(&r, dir, "main");
	assert_int_equal(r.rc, -1);
	assert_diag(&r, "@D: error: cannot read the configuration: not a "
		    "regular file");
	rd_free(&r);
}

static void test_include_relative_nested(void **state)
{
	struct rd r;

	wfile("main.conf", "a 1\ninclude sub/b.conf\nz 9\n");
	wfile("sub/b.conf", "b 2\ninclude c.conf\nb 3\n");
	wfile("sub/c.conf", "\n\nc 4 ${_PWD}\n");
	rd(&r, "main.conf", "main");
	assert_int_equal(r.d.n, 0);
	char *want = at_dir("a 1\nb 2\nc 4 @D/sub\nb 3\nz 9\n");

	assert_string_equal(r.dump, want);
	free(want);
	const struct conf_node *n = r.t->first->next->next;

	assert_string_equal(n->word, "c");
	assert_int_equal(n->line, 3);
	want = at_dir("@D/sub/c.conf");
	assert_string_equal(n->file, want);
	free(want);
	assert_int_equal(r.t->first->next->next->next->next->line, 3);
	rd_free(&r);
}

static void test_include_glob(void **state)
{
	struct rd r;

	wfile("main.conf", "include conf.d/*.conf\ninclude "
	      "{one,two/{x,y}}.conf\n");
	wfile("conf.d/20-b.conf", "b 20\n");
	wfile("conf.d/10-a.conf", "a 10\n");
	wfile("conf.d/notes.txt", "not included\n");
	wfile("one.conf", "one\n");
	wfile("two/x.conf", "two_x\n");
	wfile("two/y.conf", "two_y\n");
	rd(&r, "main.conf", "main");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "a 10\nb 20\none\ntwo_x\ntwo_y\n");
	rd_free(&r);
}

static void test_include_absolute(void **state)
{
	struct rd r;
	char *text = at_dir("include @D/abs.conf\n");

	wfile("main.conf", text);
	free(text);
	wfile("abs.conf", "abs 1\n");
	rd(&r, "main.conf", "main");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "abs 1\n");
	rd_free(&r);
}

static void test_include_missing(void **state)
{
	struct rd r;

	wfile("main.conf", "a 1\ninclude nothere.conf\ninclude none.d/*.conf\n"
	      "includer none.d/*.conf\nincluder gone.conf\nz 2\n");
	rd(&r, "main.conf", "main");
	assert_int_equal(r.rc, -1);
	assert_int_equal(r.d.errors, 3);
	assert_diag(&r, "@D/main.conf:2: error: include: cannot read "
		    "\"@D/nothere.conf\": No such file or directory");
	assert_diag(&r, "@D/main.conf:3: error: include: expected files "
		    "matching \"@D/none.d/*.conf\", got none");
	assert_diag(&r, "@D/main.conf:5: error: includer: cannot read");
	/* reading went on */
	assert_string_equal(r.dump, "a 1\nz 2\n");
	rd_free(&r);
}

static void test_include_args(void **state)
{
	struct rd r;

	wfile("main.conf", "include\ninclude a.conf b.conf\ninclude {\n");
	rd(&r, "main.conf", "main");
	assert_int_equal(r.d.errors, 3);
	assert_diag(&r, "@D/main.conf:1: error: include: expected one file name "
		    "or pattern, got \"\"");
	assert_diag(&r, "@D/main.conf:2: error: include: expected one file name "
		    "or pattern, got \"a.conf b.conf\"");
	assert_diag(&r, "@D/main.conf:3: error: include:");
	rd_free(&r);
}

static void test_include_variants(void **state)
{
	struct rd r;

	wfile("main.conf", "include_check readable\nincludea a.conf\n"
	      "includem a.conf\nincludew a.conf\nincludeb a.conf\n"
	      "includer a.conf\n");
	wfile("a.conf", "x\n");
	rd(&r, "main.conf", "main");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "x\nx\nx\nx\nx\n");
	rd_free(&r);
}

static void test_include_check_words(void **state)
{
	struct rd r;

	wfile("main.conf", "include_check readable match wildcard_match "
	      "brace_match\ninclude_check readble\nx\ninclude_check { }\n");
	rd(&r, "main.conf", "main");
	assert_int_equal(r.d.errors, 2);
	assert_diag(&r, "@D/main.conf:4: error: include_check: expected "
		    "readable, match, wildcard_match or brace_match, got a "
		    "brace");
	assert_diag(&r, "@D/main.conf:2: error: include_check: expected "
		    "readable, match, wildcard_match or brace_match, got "
		    "\"readble\"");
	assert_string_equal(r.dump, "x\n");
	rd_free(&r);
}

static void test_include_loop(void **state)
{
	struct rd r;

	wfile("self.conf", "s 1\ninclude self.conf\ns 2\n");
	rd(&r, "self.conf", "main");
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "@D/self.conf:2: error: include: \"@D/self.conf\" is "
		    "already being read (an include loop through "
		    "@D/self.conf)");
	assert_string_equal(r.dump, "s 1\ns 2\n");
	rd_free(&r);

	wfile("a.conf", "a\ninclude b.conf\n");
	wfile("b.conf", "b\n\ninclude a.conf\n");
	rd(&r, "a.conf", "main");
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "@D/b.conf:3: error: include: \"@D/a.conf\" is already "
		    "being read");
	assert_string_equal(r.dump, "a\nb\n");
	rd_free(&r);

	/* the same file twice in a row is no loop */
	wfile("twice.conf", "include leaf.conf\ninclude leaf.conf\n");
	wfile("leaf.conf", "leaf\n");
	rd(&r, "twice.conf", "main");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "leaf\nleaf\n");
	rd_free(&r);
}

static void test_include_depth(void **state)
{
	struct rd r;
	struct conf_read_opts o = { .config_id = "main",
				    .max_include_depth = 3 };

	wfile("d1.conf", "one\ninclude d2.conf\n");
	wfile("d2.conf", "two\ninclude d3.conf\n");
	wfile("d3.conf", "three\ninclude d4.conf\n");
	wfile("d4.conf", "four\n");
	rd_opts(&r, "d1.conf", &o);
	assert_int_equal(r.d.errors, 1);
	assert_diag(&r, "@D/d3.conf:2: error: include: expected includes nested "
		    "at most 3 deep, got \"@D/d4.conf\" one level deeper");
	assert_string_equal(r.dump, "one\ntwo\nthree\n");
	rd_free(&r);
	o.max_include_depth = 0;	/* default 32 */
	rd_opts(&r, "d1.conf", &o);
	assert_int_equal(r.d.n, 0);
	rd_free(&r);
}

static void test_include_in_block(void **state)
{
	struct rd r;

	wfile("main.conf", "vrrp_instance V {\n  include body.conf\n}\n"
	      "include open.conf\n  b 2\n}\n");
	wfile("body.conf", "state MASTER\npriority 100\n");
	wfile("open.conf", "blk {\n  a 1\n");
	rd(&r, "main.conf", "main");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "vrrp_instance V {\n    state MASTER\n"
			    "    priority 100\n}\nblk {\n    a 1\n    b 2\n}\n");
	assert_int_equal(r.t->first->end_line, 3);
	rd_free(&r);
}

static void test_errors_in_included_file(void **state)
{
	struct rd r;

	wfile("main.conf", "ok 1\ninclude bad.conf\nok 2\n");
	wfile("bad.conf", "x 1\n\n}\nblk {\n  y\n");
	rd(&r, "main.conf", "main");
	assert_int_equal(r.d.errors, 2);
	assert_diag(&r, "@D/bad.conf:3: error: '}': expected a statement");
	assert_diag(&r, "@D/bad.conf:4: error: blk: expected a '}' to close the "
		    "block opened here, got the end of the file");
	rd_free(&r);
}

static void test_include_root(void **state)
{
	struct rd r;
	struct conf_read_opts o = { .config_id = "main" };
	char root[PATH_MAX * 2];

	snprintf(root, sizeof(root), "%s/jail", dir);
	o.include_root = root;
	wfile("outside.conf", "outside\n");
	wfile("jail/in.conf", "in\n");
	wfile("jail/main.conf", "include in.conf\ninclude ../outside.conf\n"
	      "include /etc/hostname\ninclude /etc/*\n"
	      "include sub/../../outside.conf\n");
	rd_opts(&r, "jail/main.conf", &o);
	assert_int_equal(r.d.errors, 4);
	assert_diag(&r, "@D/jail/main.conf:2: error: include: expected a file "
		    "inside @D/jail, got \"../outside.conf\"");
	assert_diag(&r, "@D/jail/main.conf:3: error: include: expected a file "
		    "inside @D/jail, got \"/etc/hostname\"");
	assert_diag(&r, "@D/jail/main.conf:4: error");
	assert_diag(&r, "@D/jail/main.conf:5: error");
	assert_string_equal(r.dump, "in\n");
	rd_free(&r);
}

static void test_conditionals(void **state)
{
	struct rd r;

	wfile("c.conf", "@main a 1\n@other b 2\n@^main c 3\n@^other d 4\n"
	      "blk {\n  @main   x main\n  @other x other\n}\n"
	      "@main @^other both\n");
	rd(&r, "c.conf", "main");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "a 1\nd 4\nblk {\n    x main\n}\nboth\n");
	rd_free(&r);
	rd(&r, "c.conf", "other");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "b 2\nc 3\nblk {\n    x other\n}\n");
	rd_free(&r);
	/* an id is a whole word: "@mai" is not "@main" */
	wfile("w.conf", "@mai x\n@mainx y\n");
	rd(&r, "w.conf", "main");
	assert_string_equal(r.dump, "");
	rd_free(&r);
}

static void test_conditional_errors(void **state)
{
	struct rd r;

	wfile("e.conf", "@ x 1\n@^ y 2\nz 3\n");
	rd(&r, "e.conf", "main");
	assert_int_equal(r.d.errors, 2);
	assert_diag(&r, "@D/e.conf:1: error: @: expected a config id right "
		    "after '@', got \"@ x 1\"");
	assert_diag(&r, "@D/e.conf:2: error: @: expected a config id right "
		    "after '@^'");
	assert_string_equal(r.dump, "z 3\n");
	rd_free(&r);
}

static void test_conditional_default_id(void **state)
{
	char host[256], text[600];
	struct rd r;

	assert_int_equal(gethostname(host, sizeof(host)), 0);
	host[255] = '\0';
	char *dot = strchr(host, '.');

	if (dot)
		*dot = '\0';
	snprintf(text, sizeof(text), "@%s mine\n@^%s theirs\nk ${_INSTANCE}\n",
		 host, host);
	wfile("h.conf", text);
	rd(&r, "h.conf", NULL);
	snprintf(text, sizeof(text), "mine\nk %s\n", host);
	assert_string_equal(r.dump, text);
	rd_free(&r);
}

static void test_conditional_definitions(void **state)
{
	struct rd r;

	wfile("p.conf", "@main $PRIORITY=240\n@backup $PRIORITY=200\n"
	      "priority $PRIORITY\n$IF_MAIN=@main\n$IF_MAIN only_main\n"
	      "@backup $SKIPPED= \\\n  not 1 \\\n  kept 2\nafter\n");
	rd(&r, "p.conf", "main");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "priority 240\nonly_main\nafter\n");
	rd_free(&r);
	rd(&r, "p.conf", "backup");
	assert_int_equal(r.d.n, 0);
	assert_string_equal(r.dump, "priority 200\nafter\n");
	rd_free(&r);
}

static void test_pwd_per_file(void **state)
{
	struct rd r;

	wfile("m.conf", "top ${_PWD}\ninclude x/y/inc.conf\nback ${_PWD}\n");
	wfile("x/y/inc.conf", "inner ${_PWD}\n");
	rd(&r, "m.conf", "main");
	char *want = at_dir("top @D\ninner @D/x/y\nback @D\n");

	assert_string_equal(r.dump, want);
	free(want);
	rd_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_main_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_relative_nested,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_glob, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_absolute, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_missing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_args, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_variants, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_check_words, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_loop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_depth, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_include_in_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_errors_in_included_file,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_include_root, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_conditionals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_conditional_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_conditional_default_id,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_conditional_definitions,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pwd_per_file, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
