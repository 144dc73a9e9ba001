/*
 * config_load / config_load_buffer / config_dump: files in a temporary
 * directory (good, bad, missing, with includes and conditionals), errors
 * located in the right file, diagnostics that were already there left
 * alone, a dump that reads back to the same dump, and the packed form a
 * reload hands to the children: the same statements with their files and
 * lines, and a damaged pack refused.
 */
#define _GNU_SOURCE	/* asprintf */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "tandem/config.h"
#include "tandem/global_defs.h"
#ifdef WITH_LVS
#include "check/check_ipvs.h"
#include "check/check_rs_rt.h"
#endif

struct tmp {
	char dir[64];
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/tandem-test-config-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static char *write_file(const struct tmp *t, const char *name,
			const char *text)
{
	size_t len = strlen(t->dir) + strlen(name) + 2;
	char *path = malloc(len);
	FILE *f;

	assert_non_null(path);
	snprintf(path, len, "%s/%s", t->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *dump_to_string(const struct tandem_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	config_dump(cfg, f);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static const char good[] =
	"! a comment\n"
	"global_defs {\n"
	"    router_id LB_1          # trailing comment\n"
	"    notification_email {\n"
	"        ops@example.com\n"
	"    }\n"
	"    vrrp_garp_master_delay 2\n"
	"    lvs_sync_daemon eth0 VI_1 id 3\n"
	"    lvs_id OLD_SPELLING\n"
	"}\n";

static void test_load_good_file(void **state)
{
	const struct tmp *t = *state;
	char *path = write_file(t, "good.conf", good);
	struct conf_diag d;
	struct tandem_config *cfg;

	conf_diag_init(&d);
	cfg = config_load(path, NULL, &d);
	if (!cfg)
		conf_diag_print(&d, stderr);
	assert_non_null(cfg);
	assert_int_equal(d.errors, 0);
	assert_string_equal(cfg->path, path);
	assert_non_null(cfg->tree);
	/* lvs_id came later and wins: last value of a keyword is kept */
	assert_string_equal(cfg->gd.router_id, "OLD_SPELLING");
	assert_int_equal(cfg->gd.n_notification_email, 1);
	assert_int_equal(cfg->gd.vrrp_garp_master_delay, 2000000);
	assert_string_equal(cfg->gd.lvs_sync_daemon.vrrp_instance, "VI_1");
	assert_false(cfg->needs_vrrp);
	assert_false(cfg->needs_check);
	config_free(cfg);
	conf_diag_free(&d);
	free(path);
}

static void test_load_bad_file(void **state)
{
	const struct tmp *t = *state;
	char *path = write_file(t, "bad.conf",
				"global_defs {\n"
				"    vrrp_version 9\n"
				"    router_id\n"
				"}\n");
	struct conf_diag d;
	struct tandem_config *cfg;

	conf_diag_init(&d);
	cfg = config_load(path, NULL, &d);
	assert_null(cfg);
	assert_int_equal(d.errors, 2);
	for (size_t i = 0; i < d.n; i++) {
		if (d.v[i].sev != CONF_ERROR)
			continue;
		assert_non_null(d.v[i].file);
		assert_non_null(strstr(d.v[i].file, "bad.conf"));
		assert_true(d.v[i].line == 2 || d.v[i].line == 3);
	}
	conf_diag_free(&d);
	free(path);
}

static void test_load_missing_file(void **state)
{
	const struct tmp *t = *state;
	char path[128];
	struct conf_diag d;

	snprintf(path, sizeof(path), "%s/does-not-exist.conf", t->dir);
	conf_diag_init(&d);
	assert_null(config_load(path, NULL, &d));
	assert_true(d.errors >= 1);
	conf_diag_free(&d);
}

/* An error in an included file is located in that file. */
static void test_include(void **state)
{
	const struct tmp *t = *state;
	char *inc = write_file(t, "gd.inc", "global_defs {\n"
					    "    router_id FROM_INCLUDE\n}\n");
	char *bad = write_file(t, "bad.inc", "global_defs {\n"
					     "\n    vrrp_priority 42\n}\n");
	char *path = write_file(t, "main.conf", "include gd.inc\n");
	char *path2 = write_file(t, "main2.conf",
				 "global_defs {\n}\ninclude bad.inc\n");
	struct conf_diag d;
	struct tandem_config *cfg;

	conf_diag_init(&d);
	cfg = config_load(path, NULL, &d);
	if (!cfg)
		conf_diag_print(&d, stderr);
	assert_non_null(cfg);
	assert_string_equal(cfg->gd.router_id, "FROM_INCLUDE");
	config_free(cfg);
	conf_diag_free(&d);

	conf_diag_init(&d);
	assert_null(config_load(path2, NULL, &d));
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[d.n - 1].file, "bad.inc"));
	assert_int_equal(d.v[d.n - 1].line, 3);
	assert_non_null(strstr(d.v[d.n - 1].msg, "vrrp_priority"));
	conf_diag_free(&d);
	free(inc);
	free(bad);
	free(path);
	free(path2);
}

static void test_config_id(void **state)
{
	static const char text[] = "global_defs {\n"
				   "@main router_id MAIN\n"
				   "@backup router_id BACKUP\n"
				   "}\n";
	struct config_load_opts o = { .config_id = "backup" };
	struct conf_diag d;
	struct tandem_config *cfg;

	(void)state;
	conf_diag_init(&d);
	cfg = config_load_buffer("ids.conf", text, strlen(text), &o, &d);
	assert_non_null(cfg);
	assert_string_equal(cfg->gd.router_id, "BACKUP");
	config_free(cfg);
	o.config_id = "main";
	cfg = config_load_buffer("ids.conf", text, strlen(text), &o, &d);
	assert_non_null(cfg);
	assert_string_equal(cfg->gd.router_id, "MAIN");
	config_free(cfg);
	conf_diag_free(&d);
}

/* Errors already in the caller's diagnostics do not fail a good file. */
static void test_errors_before(void **state)
{
	struct conf_diag d;
	struct tandem_config *cfg;

	(void)state;
	conf_diag_init(&d);
	conf_diag_add(&d, CONF_ERROR, "earlier.conf", 1, "x: earlier");
	cfg = config_load_buffer("b.conf", good, strlen(good), NULL, &d);
	assert_non_null(cfg);
	assert_int_equal(d.errors, 1);
	config_free(cfg);
	conf_diag_free(&d);
}

/* Dump, read the dump, dump again: the same text, and the same values. */
static void test_dump_round_trip(void **state)
{
	static const char text[] =
		"global_defs {\n"
		"  router_id \"LB one\"\n"
		"  notification_email {\n"
		"    a@example.com \"Ops <ops@example.com>\"\n"
		"  }\n"
		"  lvs_timeouts tcp 900 udp 60\n"
		"  lvs_flush_onstop\n"
		"  umask IXUSR | IRWXG | IRWXO\n"
		"  startup_script \"/bin/echo 'two words'\" root\n"
		"}\n"
		"$DEF=eth0\n"
		"net_namespace ${DEF}_ns\n";
	struct conf_diag d;
	struct tandem_config *a, *b;
	char *da, *db;

	(void)state;
	conf_diag_init(&d);
	a = config_load_buffer("dump.conf", text, strlen(text), NULL, &d);
	if (!a)
		conf_diag_print(&d, stderr);
	assert_non_null(a);
	da = dump_to_string(a);
	assert_non_null(strstr(da, "router_id"));
	/* the deprecated spelling comes out as the current one */
	assert_non_null(strstr(da, "lvs_flush_on_stop"));
	assert_null(strstr(da, "lvs_flush_onstop"));
	/* the definition is resolved */
	assert_non_null(strstr(da, "eth0_ns"));

	b = config_load_buffer("dump2.conf", da, strlen(da), NULL, &d);
	if (!b)
		conf_diag_print(&d, stderr);
	assert_non_null(b);
	db = dump_to_string(b);
	assert_string_equal(da, db);
	assert_string_equal(a->gd.router_id, b->gd.router_id);
	assert_string_equal(b->gd.router_id, "LB one");
	assert_int_equal(b->gd.n_notification_email, 2);
	assert_int_equal(b->gd.umask, 0177);
	assert_int_equal(b->gd.lvs_flush_on_stop, GD_FLUSH_ON_STOP_FULL);
	assert_string_equal(b->gd.startup_script.cmd,
			    "/bin/echo 'two words'");
	assert_string_equal(b->gd.net_namespace, "eth0_ns");
	free(da);
	free(db);
	config_free(a);
	config_free(b);
	conf_diag_free(&d);
}

/* Two trees hold the same statements at the same places. */
static void same_tree(const struct conf_node *a, const struct conf_node *b)
{
	for (; a && b; a = a->next, b = b->next) {
		assert_string_equal(a->file, b->file);
		assert_int_equal(a->line, b->line);
		assert_int_equal(a->end_line, b->end_line);
		assert_string_equal(a->word, b->word);
		assert_int_equal(a->nargs, b->nargs);
		for (size_t i = 0; i < a->nargs; i++)
			assert_string_equal(a->args[i], b->args[i]);
		assert_int_equal(a->block, b->block);
		if (b->child)
			assert_ptr_equal(b->child->parent, b);
		same_tree(a->child, b->child);
	}
	assert_null(a);
	assert_null(b);
}

/* What a reload sends: the validated tree, packed, loads in the child as
 * the same config, located in the original files; any damage is an
 * error and never a crash or a partial config. */
static void test_pack_round_trip(void **state)
{
	const struct tmp *t = *state;
	char *inc = write_file(t, "vs.inc",
			       "virtual_server 192.0.2.1 80 {\n"
			       "    real_server 198.51.100.1 80 {\n"
			       "        weight 3\n    }\n}\n");
	char *path = write_file(t, "pack.conf",
				"global_defs {\n"
				"  router_id \"LB \\\"one\\\"\"\n"
				"  lvs_flush_onstop\n"
				"  startup_script \"/bin/echo 'a b'\" root\n"
				"}\n"
				"$N=2\n"
				"include vs.inc\n"
				"virtual_server 192.0.2.${N} 80 { lb_algo wrr\n"
				"  real_server 198.51.100.2 80\n  {\n  }\n}\n");
	struct conf_diag d;
	struct tandem_config *a, *b;
	char *buf, *da, *db;
	size_t len;

	conf_diag_init(&d);
	a = config_load(path, NULL, &d);
	if (!a)
		conf_diag_print(&d, stderr);
	assert_non_null(a);
	assert_int_equal(config_pack(a, &buf, &len), 0);
	b = config_load_packed(path, buf, len, NULL, &d);
	if (!b)
		conf_diag_print(&d, stderr);
	assert_non_null(b);
	assert_int_equal(d.errors, 0);
	same_tree(a->tree->first, b->tree->first);
	assert_non_null(strstr(b->tree->first->next->file, "vs.inc"));
	assert_string_equal(b->gd.router_id, "LB \"one\"");
	da = dump_to_string(a);
	db = dump_to_string(b);
	assert_string_equal(da, db);
#ifdef WITH_LVS
	assert_int_equal(b->check.nvs, a->check.nvs);
#endif
	assert_int_equal(b->needs_check, a->needs_check);
	config_free(b);

	/* Every truncation, and a wrong magic, is refused with an error. */
	for (size_t n = 0; n < len; n++) {
		size_t before = d.errors;

		assert_null(config_load_packed(path, buf, n, NULL, &d));
		assert_int_equal(d.errors, before + 1);
	}
	buf[0] ^= 1;
	assert_null(config_load_packed(path, buf, len, NULL, &d));
	buf[0] ^= 1;
	/* a string length pointing past the end */
	memset(buf + len - 8, 0xff, 4);
	assert_null(config_load_packed(path, buf, len, NULL, &d));
	conf_diag_free(&d);

	/* An empty tree packs and loads too. */
	conf_diag_init(&d);
	b = config_load_buffer("e.conf", "", 0, NULL, &d);
	assert_non_null(b);
	free(buf);
	assert_int_equal(config_pack(b, &buf, &len), 0);
	config_free(b);
	b = config_load_packed("e.conf", buf, len, NULL, &d);
	assert_non_null(b);
	assert_null(b->tree->first);
	config_free(b);
	conf_diag_free(&d);
	free(buf);
	free(da);
	free(db);
	config_free(a);
	free(inc);
	free(path);
}

#ifdef WITH_LVS
static char *share_text(int weight, const char *router_id)
{
	char *s = NULL;

	assert_true(asprintf(&s, "global_defs {\n  router_id %s\n}\n"
			     "virtual_server 192.0.2.1 80 {\n"
			     "  real_server 198.51.100.1 80 {\n    weight 2\n  }\n"
			     "  real_server 198.51.100.2 80 {\n    weight 3\n  }\n}\n"
			     "virtual_server 192.0.2.2 80 {\n"
			     "  real_server 198.51.100.3 80 {\n    weight %d\n  }\n}\n"
			     "virtual_server 192.0.2.3 80 {\n"
			     "  real_server 198.51.100.4 80 {\n    weight 5\n  }\n}\n",
			     router_id, weight) > 0);
	return s;
}

/* The parent's config of text at path, packed and loaded in a child
 * against base. */
static struct tandem_config *reload_from(const struct tmp *t, const char *text,
					 const struct tandem_config *base,
					 char **parent_dump)
{
	char *path = write_file(t, "share.conf", text);
	struct conf_diag d;
	struct tandem_config *p, *c;
	char *buf;
	size_t len;

	conf_diag_init(&d);
	p = config_load(path, NULL, &d);
	assert_non_null(p);
	assert_int_equal(config_pack(p, &buf, &len), 0);
	c = config_load_packed(path, buf, len, base, &d);
	assert_non_null(c);
	assert_int_equal(d.errors, 0);
	*parent_dump = dump_to_string(p);
	conf_diag_free(&d);
	config_free(p);
	free(buf);
	free(path);
	return c;
}

static void nothing(void *arg)
{
	(void)arg;
}

/* A reload in the check child takes over the virtual_servers whose
 * statements did not change, objects and checker state, and applies the
 * others: the result is the config the parent read, whichever of the
 * two configs is freed first. */
static void test_packed_share(void **state)
{
	const struct tmp *t = *state;
	char *ta = share_text(4, "a"), *tb = share_text(9, "a"),
	     *tc = share_text(9, "c"), *pd, *cd;
	struct tandem_config *a, *b, *c;
	struct check_rs_rt *kept;
	struct check_rt *rt;
	sd_event *e;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(check_rt_new(e, nothing, NULL, &rt), 0);
	a = reload_from(t, ta, NULL, &pd);
	free(pd);
	assert_int_equal(a->check.nvs, 3);
	assert_int_equal(check_rt_apply(rt, &a->check), 0);
	kept = a->check.vs[0]->rs[1]->rt;
	assert_non_null(kept);

	/* One weight changed: the other two are the same objects. */
	b = reload_from(t, tb, a, &pd);
	cd = dump_to_string(b);
	assert_string_equal(cd, pd);
	free(cd);
	free(pd);
	assert_ptr_equal(b->check.vs[0], a->check.vs[0]);
	assert_ptr_not_equal(b->check.vs[1], a->check.vs[1]);
	assert_ptr_equal(b->check.vs[2], a->check.vs[2]);
	assert_int_equal(b->check.vs[1]->rs[0]->weight, 9);
	assert_int_equal(a->check.vs[1]->rs[0]->weight, 4);
	/* The reload is given up: a runs on, whole. */
	config_free(b);
	assert_int_equal(a->check.vs[0]->nrs, 2);
	assert_int_equal(a->check.vs[2]->rs[0]->weight, 5);

	/* Taken this time: the state of what did not change is kept
	 * whole, the changed server's is carried over as before. */
	b = reload_from(t, tb, a, &pd);
	free(pd);
	assert_int_equal(check_rt_apply(rt, &b->check), 0);
	assert_ptr_equal(b->check.vs[0]->rs[1]->rt, kept);
	assert_non_null(b->check.vs[1]->rs[0]->rt);
	assert_false(b->check.vs[1]->rs[0]->rt->fresh);
	config_take_shared(b, a);
	config_free(a);
	assert_int_equal(b->check.vs[0]->rs[1]->weight, 3);
	assert_int_equal(check_rs_weight(b->check.vs[0], b->check.vs[0]->rs[1]), 3);

	/* Anything else changed (global_defs): everything is applied. */
	c = reload_from(t, tc, b, &pd);
	cd = dump_to_string(c);
	assert_string_equal(cd, pd);
	free(cd);
	free(pd);
	for (size_t i = 0; i < 3; i++)
		assert_ptr_not_equal(c->check.vs[i], b->check.vs[i]);
	assert_int_equal(check_rt_apply(rt, &c->check), 0);
	config_take_shared(c, b);
	config_free(b);
	assert_int_equal(check_rs_weight(c->check.vs[0], c->check.vs[0]->rs[1]), 3);
	check_rt_free(rt);
	config_free(c);
	sd_event_unref(e);
	free(ta);
	free(tb);
	free(tc);
}
#endif

#ifdef WITH_LVS
static char *table_text(int weight, int nvs)
{
	char *s = strdup("global_defs {\n  router_id t\n}\n"), *n;

	for (int i = 0; i < nvs; i++) {
		assert_true(asprintf(&n, "%svirtual_server 192.0.2.%d 80 {\n"
				     "  sorry_server 203.0.113.%d 80\n"
				     "  quorum %d\n"
				     "  real_server 198.51.100.%d 80 {\n    weight %d\n  }\n"
				     "  real_server 198.51.100.%d 81 {\n    weight 3\n  }\n}\n",
				     s, i + 1, i + 1, i == 2 ? 50 : 1, i + 1,
				     i == 1 ? weight : 2, i + 1) > 0);
		free(s);
		s = n;
	}
	return s;
}

static void assert_tables_same(const struct ipvs_table *a,
			       const struct ipvs_table *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_memory_equal(&a->vs[i].svc, &b->vs[i].svc, sizeof(a->vs[i].svc));
		assert_int_equal(a->vs[i].ndests, b->vs[i].ndests);
		if (a->vs[i].ndests)
			assert_memory_equal(a->vs[i].dests, b->vs[i].dests,
					    a->vs[i].ndests * sizeof(*a->vs[i].dests));
	}
}

static void assert_plans_same(const struct ipvs_plan *a,
			      const struct ipvs_plan *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->a[i].kind, b->a[i].kind);
		assert_memory_equal(&a->a[i].svc, &b->a[i].svc, sizeof(a->a[i].svc));
		assert_memory_equal(&a->a[i].dest, &b->a[i].dest, sizeof(a->a[i].dest));
	}
}

/* A reload's plan from the table applied last, keeping the services of
 * what it took over whole: the same plan and the same table as a diff of
 * the whole tables, whatever changed. */
static void test_table_kept(void **state)
{
	const struct tmp *t = *state;
	/* A weight, a weight back, the same file, a virtual server more, one
	 * fewer, a quorum reached (the sorry server goes). */
	const char *texts[6];
	char *own[6];
	struct tandem_config *cur;
	struct ipvs_table managed = { 0 };
	struct check_table_run *runs = NULL;
	size_t nruns = 0, kept_any = 0;
	struct check_rt *rt;
	sd_event *e;
	char *pd;

	own[0] = table_text(4, 4);
	own[1] = table_text(9, 4);
	own[2] = table_text(4, 4);
	own[3] = table_text(4, 5);
	own[4] = table_text(7, 3);
	own[5] = table_text(60, 3);
	for (int i = 0; i < 6; i++)
		texts[i] = own[i];
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(check_rt_new(e, nothing, NULL, &rt), 0);
	cur = reload_from(t, texts[0], NULL, &pd);
	free(pd);
	assert_int_equal(check_rt_apply(rt, &cur->check), 0);
	assert_int_equal(check_conf_to_table_runs(&cur->check, NULL, NULL, NULL,
						  0, &managed, &runs), 0);
	nruns = cur->check.nvs;
	for (int r = 1; r < 12; r++) {
		struct tandem_config *n = reload_from(t, texts[r % 6], cur, &pd);
		struct ipvs_table full = { 0 }, want = { 0 };
		struct ipvs_plan p1 = { 0 }, p2 = { 0 };
		struct ipvs_reconcile_opts ro = { .owned = &managed };
		struct check_table_run *nr = NULL;

		free(pd);
		assert_int_equal(check_rt_apply(rt, &n->check), 0);
		assert_false(check_rt_table_pending(rt));
		assert_int_equal(check_conf_to_table(&n->check, NULL, &full), 0);
		assert_int_equal(ipvs_reconcile(&full, &managed, &ro, &p1), 0);
		assert_int_equal(check_table_plan_kept(&n->check, NULL, &managed,
						       runs, nruns, &want, &nr,
						       &p2, false), 0);
		assert_plans_same(&p1, &p2);
		assert_tables_same(&want, &full);
		for (size_t i = 0; i < n->check.nvs; i++)
			kept_any += nr[i].kept;
		ipvs_plan_free(&p1);
		ipvs_plan_free(&p2);
		ipvs_table_free(&full);
		ipvs_table_free(&managed);
		managed = want;
		free(runs);
		runs = nr;
		nruns = n->check.nvs;
		config_take_shared(n, cur);
		config_free(cur);
		cur = n;
	}
	/* Some were kept, or this tested nothing. */
	assert_true(kept_any > 0);
	ipvs_table_free(&managed);
	free(runs);
	check_rt_free(rt);
	config_free(cur);
	sd_event_unref(e);
	for (int i = 0; i < 6; i++)
		free(own[i]);
}

/* After changes of state, the plan from the table made for the same
 * config: the marked virtual servers and those whose quorum moved are
 * made again, the others kept, and plan and table are those of a diff of
 * the whole tables. */
static void marked_step(const struct tandem_config *c,
			struct ipvs_table *managed, struct check_table_run **runs,
			size_t expect_remade)
{
	struct ipvs_table full = { 0 }, want = { 0 };
	struct ipvs_plan p1 = { 0 }, p2 = { 0 };
	struct ipvs_reconcile_opts ro = { .owned = managed };
	struct check_table_run *nr = NULL;
	size_t remade = 0;

	assert_int_equal(check_conf_to_table(&c->check, NULL, &full), 0);
	assert_int_equal(ipvs_reconcile(&full, managed, &ro, &p1), 0);
	assert_int_equal(check_table_plan_kept(&c->check, NULL, managed, *runs,
					       c->check.nvs, &want, &nr, &p2, true), 0);
	assert_plans_same(&p1, &p2);
	assert_tables_same(&want, &full);
	for (size_t i = 0; i < c->check.nvs; i++) {
		remade += !nr[i].kept;
		c->check.vs[i]->rt->table_dirty = false;
	}
	assert_int_equal(remade, expect_remade);
	ipvs_plan_free(&p1);
	ipvs_plan_free(&p2);
	ipvs_table_free(&full);
	ipvs_table_free(managed);
	*managed = want;
	free(*runs);
	*runs = nr;
}

static void test_table_marked(void **state)
{
	const struct tmp *t = *state;
	char *text = table_text(4, 4), *pd;
	struct ipvs_table managed = { 0 }, want = { 0 };
	struct check_table_run *runs = NULL, *nr = NULL;
	struct tandem_config *c;
	struct check_rt *rt;
	struct ipvs_plan p = { 0 };
	sd_event *e;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(check_rt_new(e, nothing, NULL, &rt), 0);
	c = reload_from(t, text, NULL, &pd);
	free(pd);
	assert_int_equal(check_rt_apply(rt, &c->check), 0);
	assert_int_equal(check_conf_to_table_runs(&c->check, NULL, NULL, NULL, 0,
						  &managed, &runs), 0);
	/* Nothing changed: nothing made, nothing sent. */
	marked_step(c, &managed, &runs, 0);
	/* A real server of the second goes down: that one alone. */
	c->check.vs[1]->rs[0]->rt->up = false;
	c->check.vs[1]->rt->table_dirty = true;
	marked_step(c, &managed, &runs, 1);
	/* The third reaches its quorum (the sorry server goes) unmarked:
	 * a quorum that moved is made again all the same. */
	c->check.vs[2]->rt->quorum_up = true;
	marked_step(c, &managed, &runs, 1);
	/* Two marked at once, one back up, one with nothing changed. */
	c->check.vs[1]->rs[0]->rt->up = true;
	c->check.vs[1]->rt->table_dirty = true;
	c->check.vs[3]->rt->table_dirty = true;
	marked_step(c, &managed, &runs, 2);
	/* The mark is what is looked at: a change left unmarked is not
	 * seen (so every change of state must mark its virtual server). */
	c->check.vs[0]->rs[0]->rt->up = false;
	assert_int_equal(check_table_plan_kept(&c->check, NULL, &managed, runs,
					       c->check.nvs, &want, &nr, &p, true), 0);
	assert_int_equal(p.n, 0);
	ipvs_plan_free(&p);
	ipvs_table_free(&want);
	free(nr);
	ipvs_table_free(&managed);
	free(runs);
	check_rt_free(rt);
	config_free(c);
	sd_event_unref(e);
	free(text);
}

static void assert_dumps_same(const struct tandem_config *a,
			      const struct tandem_config *b)
{
	char *da = dump_to_string(a), *db = dump_to_string(b);

	assert_string_equal(da, db);
	free(da);
	free(db);
}

/* A reload that kept most statements (conf_read_file_again) reaches a
 * child as a delta: only the statements read anew, spliced there onto
 * the child's own tree of the config the delta was read against, and
 * nowhere else. */
static void test_delta_pack(void **state)
{
	const struct tmp *t = *state;
	char *ta = share_text(4, "a"), *tb = share_text(9, "a");
	char *path = write_file(t, "delta.conf", ta), *buf;
	struct conf_diag d;
	struct tandem_config *a, *b, *ca, *cb, *x;
	struct config_load_opts o = { .base = NULL };
	size_t len;

	conf_diag_init(&d);
	a = config_load(path, NULL, &d);
	assert_non_null(a);
	assert_false(a->splice.spliced);
	assert_int_equal(config_pack_delta(a, &buf, &len), -1);
	assert_int_equal(config_pack(a, &buf, &len), 0);
	ca = config_load_packed(path, buf, len, NULL, &d);
	free(buf);
	assert_non_null(ca);
	assert_int_equal(ca->pserial, a->serial);
	free(path);
	path = write_file(t, "delta.conf", tb);
	o.base = a;
	b = config_load(path, &o, &d);
	assert_non_null(b);
	assert_true(b->splice.spliced);
	assert_int_equal(b->splice.nmid, 1);
	assert_int_equal(b->splice_base, a->serial);
	/* An error in a statement read anew is located as in a whole
	 * read, and nothing is loaded. */
	{
		char *bad = strdup(tb), *w = strstr(bad, "weight 9");
		struct conf_diag d2;
		char *p2;

		assert_non_null(w);
		memcpy(w, "weight x", 8);
		p2 = write_file(t, "delta.conf", bad);
		conf_diag_init(&d2);
		assert_null(config_load(p2, &o, &d2));
		assert_int_equal(d2.errors, 1);
		assert_string_equal(d2.v[0].file, p2);
		assert_int_equal(d2.v[0].line, 14);	/* "    weight x" */
		assert_non_null(strstr(d2.v[0].msg, "weight"));
		conf_diag_free(&d2);
		free(bad);
		free(p2);
		free(path);
		path = write_file(t, "delta.conf", tb);
	}
	assert_int_equal(config_pack_delta(b, &buf, &len), 0);
	/* Not onto a tree of another config of the parent. */
	x = config_load_packed(path, buf, len, b, &d);
	assert_null(x);
	assert_int_equal(d.errors, 1);
	conf_diag_free(&d);
	conf_diag_init(&d);
	x = config_load_packed(path, buf, len, NULL, &d);
	assert_null(x);
	conf_diag_free(&d);
	conf_diag_init(&d);
	cb = config_load_packed(path, buf, len, ca, &d);
	free(buf);
	assert_non_null(cb);
	assert_int_equal(d.n, 0);
	assert_int_equal(cb->pserial, b->serial);
	assert_ptr_equal(cb->check.vs[0], ca->check.vs[0]);
	assert_ptr_not_equal(cb->check.vs[1], ca->check.vs[1]);
	assert_int_equal(cb->check.vs[1]->rs[0]->weight, 9);
	/* The configs it was made of go; it stands alone. */
	config_take_shared(cb, ca);
	config_free(ca);
	config_take_shared(b, a);
	config_free(a);
	assert_dumps_same(b, cb);
	x = config_load(path, NULL, &d);
	assert_dumps_same(x, cb);
	config_free(x);
	config_free(b);
	config_free(cb);
	conf_diag_free(&d);
	free(path);
	free(ta);
	free(tb);
}

/* The parent's reload against its running config: the same sharing, only
 * from a config whose load said nothing (so no warning of an unchanged
 * statement is lost), with the same diagnostics as a load from scratch. */
static void test_load_share(void **state)
{
	const struct tmp *t = *state;
	char *ta = share_text(4, "a"), *tb = share_text(9, "a");
	char *path = write_file(t, "pshare.conf", ta), *da, *db;
	struct conf_diag d, d2;
	struct tandem_config *a, *b, *w, *x;
	struct config_load_opts o = { .base = NULL };

	conf_diag_init(&d);
	a = config_load(path, NULL, &d);
	assert_non_null(a);
	assert_true(a->clean);
	free(path);
	path = write_file(t, "pshare.conf", tb);
	o.base = a;
	b = config_load(path, &o, &d);
	assert_non_null(b);
	assert_int_equal(d.n, 0);
	assert_ptr_equal(b->check.vs[0], a->check.vs[0]);
	assert_ptr_not_equal(b->check.vs[1], a->check.vs[1]);
	assert_int_equal(b->check.vs[1]->rs[0]->weight, 9);
	x = config_load(path, NULL, &d);
	da = dump_to_string(b);
	db = dump_to_string(x);
	assert_string_equal(da, db);
	free(da);
	free(db);
	config_free(x);
	/* The running config goes first this time. */
	config_take_shared(b, a);
	config_free(a);
	assert_int_equal(b->check.vs[0]->rs[1]->weight, 3);

	/* A warning in the running config's load (lb_algo is deprecated):
	 * nothing is shared, and the reload warns again. */
	free(path);
	path = write_file(t, "pshare.conf", "virtual_server 192.0.2.1 80 {\n"
			  "  lb_algo rr\n}\n");
	w = config_load(path, NULL, &d);
	assert_non_null(w);
	assert_false(w->clean);
	conf_diag_init(&d2);
	o.base = w;
	x = config_load(path, &o, &d2);
	assert_non_null(x);
	assert_int_equal(d2.warnings, 1);
	assert_ptr_not_equal(x->check.vs[0], w->check.vs[0]);
	config_free(x);
	config_free(w);
	conf_diag_free(&d2);
	conf_diag_free(&d);
	config_free(b);
	free(path);
	free(ta);
	free(tb);
}
#endif

/* needs_vrrp / needs_check come from the tree's top-level blocks. */
static void test_needs(void **state)
{
	static const struct {
		const char *text;
		bool vrrp, check;
	} cases[] = {
		{ "global_defs {\n}\n", false, false },
		{ "vrrp_instance VI_1 {\n}\n", true, false },
		{ "vrrp_sync_group G {\n}\n", true, false },
		{ "static_ipaddress {\n 10.0.0.1/24 dev lo\n}\n", true, false },
		{ "vrrp_script s {\n}\n", false, false },
		{ "virtual_server 10.0.0.1 80 {\n}\n", false, true },
		{ "vrrp_instance A {\n}\nvirtual_server 1.2.3.4 80 {\n}\n",
		  true, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf_diag d;
		struct conf_tree *t = NULL;
		bool v = !cases[i].vrrp, c = !cases[i].check;

		conf_diag_init(&d);
		conf_read_buffer("n.conf", cases[i].text,
				 strlen(cases[i].text), NULL, &d, &t);
		assert_int_equal(d.errors, 0);
		conf_top_needs(t, &v, &c);
		assert_int_equal(v, cases[i].vrrp);
		assert_int_equal(c, cases[i].check);
		conf_tree_free(t);
		conf_diag_free(&d);
	}
}

/* The sample config shipped as /etc/tandem/tandem.conf must load. */
static void test_shipped_sample(void **state)
{
	const char *srcdir = getenv("top_srcdir");
	char path[4096];
	struct conf_diag d;
	struct tandem_config *cfg;

	(void)state;
	snprintf(path, sizeof(path), "%s/doc/tandem.conf",
		 srcdir ? srcdir : ".");
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "cannot read %s\n", path);
		fail();
	}
	conf_diag_init(&d);
	cfg = config_load(path, NULL, &d);
	if (!cfg || d.n)
		conf_diag_print(&d, stderr);
	assert_non_null(cfg);
	assert_int_equal(d.n, 0);
	config_free(cfg);
	conf_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_good_file),
		cmocka_unit_test(test_load_bad_file),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_config_id),
		cmocka_unit_test(test_errors_before),
		cmocka_unit_test(test_dump_round_trip),
		cmocka_unit_test(test_pack_round_trip),
#ifdef WITH_LVS
		cmocka_unit_test(test_packed_share),
		cmocka_unit_test(test_load_share),
		cmocka_unit_test(test_delta_pack),
		cmocka_unit_test(test_table_kept),
		cmocka_unit_test(test_table_marked),
#endif
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_shipped_sample),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
