/*
 * Reading a file again after an edit (lib/conf_splice.c): whatever the
 * edit, the tree and the diagnostics must be those of a whole read of
 * the new text; the statements the edit left alone are shared only when
 * that is certain, and the shared tree outlives the one it borrowed from.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "test/unit/conf_test_util.h"

static char dir[] = "/tmp/test_conf_spliceXXXXXX";
static char path[64];

static void put(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A text with one occurrence of from replaced by to. */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *s;

	assert_non_null(at);
	assert_true(asprintf(&s, "%.*s%s%s", (int)(at - text), text, to,
			     at + strlen(from)) > 0);
	return s;
}

static size_t tops(const struct conf_tree *t)
{
	size_t n = 0;

	for (const struct conf_node *x = t->first; x; x = x->next)
		n++;
	return n;
}

/* The same statements, word for word, line for line. */
static void assert_trees_same(const struct conf_tree *a,
			      const struct conf_tree *b)
{
	const struct conf_node *x = a->first, *y = b->first;

	for (; x && y; x = x->next, y = y->next)
		assert_true(conf_node_same(x, y));
	assert_null(x);
	assert_null(y);
}

/* old (read from the file before) against the file now holding text:
 * the read again must equal a whole read.  Returns the new tree and
 * leaves how it was made in *sp. */
static struct conf_tree *again(struct conf_tree *old, const char *text,
			       const struct conf_read_opts *o,
			       struct conf_splice *sp)
{
	struct conf_diag d1, d2;
	struct conf_tree *t, *full;
	int r1, r2;
	char *s1, *s2;

	put(text);
	conf_diag_init(&d1);
	conf_diag_init(&d2);
	r1 = conf_read_file_again(path, o, old, &d1, &t, sp);
	r2 = conf_read_file(path, o, &d2, &full);
	assert_int_equal(r1, r2);
	s1 = conf_test_diag(&d1);
	s2 = conf_test_diag(&d2);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	s1 = conf_test_dump(t, NULL);
	s2 = conf_test_dump(full, NULL);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	assert_trees_same(t, full);
	if (sp->spliced) {
		assert_int_equal(tops(old), sp->nold);
		assert_int_equal(tops(t), sp->head + sp->nmid + sp->nold - sp->from);
	}
	conf_tree_free(full);
	conf_diag_free(&d1);
	conf_diag_free(&d2);
	return t;
}

static struct conf_tree *first_read(const char *text,
				    const struct conf_read_opts *o)
{
	struct conf_diag d;
	struct conf_tree *t;

	put(text);
	conf_diag_init(&d);
	conf_read_file(path, o, &d, &t);
	conf_diag_free(&d);
	return t;
}

static const char base[] =
	"# a header comment\n"
	"global_defs {\n"
	"  router_id r1\n"
	"}\n"
	"\n"
	"alpha one\n"
	"virtual_server 10.0.0.1 80 {\n"
	"  lb_algo rr\n"
	"  real_server 10.0.1.1 80 {\n"
	"    weight 1\n"
	"  }\n"
	"}\n"
	"virtual_server 10.0.0.2 80\n"
	"{\n"
	"  real_server 10.0.1.2 80 {\n"
	"    weight 2\n"
	"  }\n"
	"}\n"
	"virtual_server 10.0.0.3 80 {\n"
	"  real_server 10.0.1.3 80 { weight 3 }\n"
	"} virtual_server 10.0.0.4 80 {\n"
	"  real_server 10.0.1.4 80 {\n"
	"    weight 4  # a comment\n"
	"  }\n"
	"}\n"
	"@node1 virtual_server 10.0.0.5 80 {\n"
	"@node1   real_server 10.0.1.5 80 {\n"
	"@node1     weight 5\n"
	"@node1   }\n"
	"@node1 }\n"
	"@^node1 beta two\n"
	"static_ipaddress {\n"
	"  192.168.0.1/24 dev eth0\n"
	"}\n";

/* Each edit of base, whether it may keep statements, and how many
 * statements are read anew when it does. */
static const struct {
	const char *from, *to;
	int spliced;		/* -1: either way */
	int nmid;		/* -1: any */
} edits[] = {
	{ "weight 2", "weight 7", 1, 1 },
	{ "weight 1", "weight 9", 1, 1 },
	{ "# a header", "# the header", 1, 1 },
	{ "192.168.0.1/24", "192.168.0.2/24", 1, 1 },
	{ "weight 4  # a", "weight 8  # a", 1, 2 },	/* 3 and 4 share a line */
	{ "weight 5", "weight 6", 1, -1 },
	{ "router_id r1", "router_id r2", 1, 1 },
	{ "", "", 1, -1 },				/* not changed */
	/* Lines added or removed: read in full, the same tree. */
	{ "    weight 2\n", "    weight 2\n    uthreshold 3\n", 0, -1 },
	{ "alpha one\n", "", 0, -1 },
	/* Errors: read in full, located as in a whole read. */
	{ "  }\n}\nvirtual_server 10.0.0.3", "  }\n\nvirtual_server 10.0.0.3", 0, -1 },
	{ "weight 2", "weight \"2", 0, -1 },
	{ "virtual_server 10.0.0.2 80\n", "{ x y }\n", 0, -1 },
	{ "virtual_server 10.0.0.2 80\n{\n", "virtual_server 10.0.0.2 80 }\n{\n", 0, -1 },
	/* What only the context can tell: read in full. */
	{ "weight 2", "weight $W", 0, -1 },
	{ "alpha one", "$W=2", 0, -1 },
	{ "alpha one", "include /nonexistent.conf", 0, -1 },
	{ "alpha one", "~SEQ(i,1,1) alpha $i", 0, -1 },
	/* A statement that becomes another of the same length. */
	{ "virtual_server 10.0.0.2 80", "virtual_server 10.0.0.9 80", 1, 1 },
	{ "alpha one", "alpha{ x }", -1, -1 },
	{ "alpha one", "alpha onf", 1, 1 },
	/* Longer or shorter on the same lines: the kept statements after it
	 * move, and are found where they moved to. */
	{ "weight 2", "weight 22", 1, 1 },
	{ "router_id r1", "router_id r", 1, 1 },
	{ "alpha one\n", "alpha one alpha one\n", 1, 1 },
	/* A statement repeated in the blank line before it: the old one
	 * matches the copy as well as itself moved; the cut is the copy. */
	{ "}\n\nalpha one\n", "}\nalpha one\nalpha one\n", 1, 2 },
	/* The edit is the first byte of a cut. */
	{ "virtual_server 10.0.0.1 80 {\n", "xirtual_server 10.0.0.1 80 {\n", 1, -1 },
	{ "static_ipaddress {", "}static_ipaddress {", 0, -1 },
};

static void test_edits(void **state)
{
	struct conf_read_opts o = { .config_id = "node1" };

	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		struct conf_tree *old = first_read(base, &o), *t;
		char *text = *edits[i].from ? edit(base, edits[i].from, edits[i].to)
					    : strdup(base);
		struct conf_splice sp;

		t = again(old, text, &o, &sp);
		if (edits[i].spliced >= 0 && sp.spliced != edits[i].spliced)
			fail_msg("edit %zu (\"%s\"): spliced %d, expected %d", i,
				 edits[i].from, sp.spliced, edits[i].spliced);
		if (sp.spliced && edits[i].nmid >= 0 &&
		    sp.nmid != (size_t)edits[i].nmid)
			fail_msg("edit %zu: %zu statements read anew, expected %d",
				 i, sp.nmid, edits[i].nmid);
		/* The new tree keeps what it shares alive. */
		conf_tree_free(old);
		{
			char *d = conf_test_dump(t, NULL);
			struct rd w;

			rd_path(&w, path, &o);
			assert_string_equal(d, w.dump);
			rd_free(&w);
			free(d);
		}
		conf_tree_free(t);
		free(text);
	}
}

/* Another config id: the @ID lines read otherwise, so all is read. */
static void test_config_id(void **state)
{
	struct conf_read_opts a = { .config_id = "node1" }, b = { .config_id = "node2" };
	struct conf_tree *old = first_read(base, &a), *t;
	char *text = edit(base, "weight 2", "weight 7");
	struct conf_splice sp;

	(void)state;
	t = again(old, text, &b, &sp);
	assert_false(sp.spliced);
	conf_tree_free(t);
	t = again(old, text, &a, &sp);
	assert_true(sp.spliced);
	conf_tree_free(t);
	conf_tree_free(old);
	free(text);
}

/* A file read with an include, a definition or a diagnostic is read in
 * full ever after, even where the edit is elsewhere. */
static void test_context(void **state)
{
	static const char *const heads[] = {
		"$W=4\n", "include /nonexistent-*.conf\n", "x ${_PWD}\n",
		"{ x }\n",	/* an error */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		char *a, *b;
		struct conf_tree *old, *t;
		struct conf_splice sp;

		assert_true(asprintf(&a, "%s%s", heads[i], base) > 0);
		b = edit(a, "weight 2", "weight 7");
		old = first_read(a, NULL);
		t = again(old, b, NULL, &sp);
		assert_false(sp.spliced);
		conf_tree_free(old);
		conf_tree_free(t);
		free(a);
		free(b);
	}
}

/* Reload after reload, each from the tree of the last, the older trees
 * freed: every one as a whole read, the storage held stays bounded. */
static void test_chain(void **state)
{
	char *texts[4];
	struct conf_tree *t;
	struct conf_splice sp;
	size_t spliced = 0;

	(void)state;
	texts[0] = strdup(base);
	texts[1] = edit(base, "weight 2", "weight 7");
	texts[2] = edit(base, "weight 1", "weight 9");
	texts[3] = edit(base, "router_id r1", "router_id r3");
	t = first_read(texts[0], NULL);
	for (int r = 0; r < 60; r++) {
		struct conf_tree *n = again(t, texts[(r * 7 + 1) % 4], NULL, &sp);

		spliced += sp.spliced;
		conf_tree_free(t);
		t = n;
	}
	/* Most are spliced; a whole read now and then drops what piled up. */
	assert_true(spliced > 40);
	conf_tree_free(t);
	for (int i = 0; i < 4; i++)
		free(texts[i]);
}

/* The other process's half: the statements read anew, packed, spliced
 * onto its own copy of the old tree, make the same tree. */
static void test_pack_part(void **state)
{
	struct conf_tree *old = first_read(base, NULL), *t, *copy, *mid, *made;
	char *text = edit(base, "weight 2", "weight 7"), *buf;
	struct conf_splice sp;
	size_t len;

	(void)state;
	conf_pack(old, &buf, &len);
	assert_int_equal(conf_unpack(buf, len, &copy), 0);
	free(buf);
	t = again(old, text, NULL, &sp);
	assert_true(sp.spliced);
	conf_pack_part(t, sp.head, sp.nmid, 3, &buf, &len);
	assert_int_equal(conf_unpack(buf + 3, len - 3, &mid), 0);
	free(buf);
	made = conf_tree_splice(copy, sp.head, mid, sp.from);
	assert_non_null(made);
	conf_tree_free(copy);
	assert_trees_same(made, t);
	/* Numbers that do not fit the old tree. */
	assert_int_equal(conf_unpack(NULL, 0, &mid), -1);
	assert_null(conf_tree_splice(made, 3, mid, 2));
	conf_tree_free(made);
	conf_tree_free(t);
	conf_tree_free(old);
	free(text);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/t.conf", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edits),
		cmocka_unit_test(test_config_id),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_pack_part),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
