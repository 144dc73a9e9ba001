/*
 * The config's fold (tandem/config.c): the parent drops the compiled
 * VRRP part; the vrrp child compiles its own from the parent's pack;
 * both keep their trees packed (config_fold), unpacking them for a
 * reload (config_unfold), the parent's with the record of its reading
 * so that the file is read again as a splice.  What the child ends with must be
 * what a direct load of the file gives: the same instances, groups and
 * trackers, the same dump, and after a reload sent as a delta (spliced
 * onto the unfolded tree) the same as a whole read of the edited file,
 * reload after reload; and the parent's pack of a folded config is the
 * pack of its tree.
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

#define NINST 24

struct tmp {
	char dir[64];
	char *path;
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	strcpy(t->dir, "/tmp/tandem-test-fold-XXXXXX");
	if (!mkdtemp(t->dir) || asprintf(&t->path, "%s/fold.conf", t->dir) < 0) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;

	unlink(t->path);
	rmdir(t->dir);
	free(t->path);
	free(t);
	return 0;
}

/* NINST instances, prio_of(i) their priorities: the same number of
 * lines whatever the priorities, so an edit reads as a delta. */
static void write_conf(const struct tmp *t, const unsigned *prio)
{
	FILE *f = fopen(t->path, "w");

	assert_non_null(f);
	fprintf(f, "global_defs {\n    router_id fold\n"
		"    lvs_sync_daemon eth0 VI_7\n}\n"
		"vrrp_script chk {\n    script \"/bin/true\"\n    interval 2\n}\n"
		"vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n"
		"    }\n}\n");
	for (unsigned i = 1; i <= NINST; i++)
		fprintf(f, "vrrp_instance VI_%u {\n    interface eth%u\n"
			"    virtual_router_id %u\n    priority %3u\n"
			"    version 3\n    advert_int 0.1\n"
			"    track_script {\n        chk\n    }\n"
			"    virtual_ipaddress {\n        10.0.%u.1/32\n"
			"        10.1.%u.1/24 dev lo label lo:%u\n    }\n}\n",
			i, i % 4, i + 6, prio[i - 1], i, i, i);
	assert_int_equal(fclose(f), 0);
}

static struct tandem_config *load(const struct tmp *t,
				  const struct tandem_config *base)
{
	struct config_load_opts o = { .base = base };
	struct conf_diag d;
	struct tandem_config *cfg;

	conf_diag_init(&d);
	cfg = config_load(t->path, &o, &d);
	if (!cfg)
		conf_diag_print(&d, stderr);
	assert_non_null(cfg);
	assert_int_equal(d.n, 0);
	conf_diag_free(&d);
	return cfg;
}

static char *dump_to_string(const struct tandem_config *cfg)
{
	char *text = config_dump_text(cfg);

	assert_non_null(text);
	return text;
}

/* What the vrrp child compiled is what the direct load compiled. */
static void assert_same_config(const struct tandem_config *a,
			       const struct tandem_config *b)
{
	char *da = dump_to_string(a), *db = dump_to_string(b);

	assert_true(strlen(da) > 1000);
	assert_string_equal(da, db);
	free(da);
	free(db);
	assert_string_equal(a->gd.router_id, b->gd.router_id);
	assert_int_equal(a->sync_vrid, b->sync_vrid);
	assert_int_equal(a->needs_vrrp, b->needs_vrrp);
#ifdef WITH_VRRP
	assert_int_equal(a->vrrp.ninst, NINST);
	assert_int_equal(b->vrrp.ninst, a->vrrp.ninst);
	for (size_t i = 0; i < a->vrrp.ninst; i++) {
		const struct vrrp_conf_instance *x = a->vrrp.inst[i];
		const struct vrrp_conf_instance *y = b->vrrp.inst[i];

		assert_string_equal(x->name, y->name);
		assert_string_equal(x->interface, y->interface);
		assert_int_equal(x->vrid, y->vrid);
		assert_int_equal(x->priority, y->priority);
		assert_int_equal(x->version, y->version);
		assert_int_equal(x->advert_int_us, y->advert_int_us);
		assert_int_equal(x->ntracks, y->ntracks);
		assert_int_equal(x->nvips, y->nvips);
		for (size_t k = 0; k < x->nvips; k++) {
			char s1[64], s2[64];

			assert_string_equal(
				vrrp_conf_ip_str(&x->vips[k].addr, s1, sizeof(s1)),
				vrrp_conf_ip_str(&y->vips[k].addr, s2, sizeof(s2)));
			assert_int_equal(x->vips[k].prefix, y->vips[k].prefix);
			assert_true(!x->vips[k].label == !y->vips[k].label);
			if (x->vips[k].label)
				assert_string_equal(x->vips[k].label,
						    y->vips[k].label);
		}
		assert_true(!vrrp_conf_inst_sync_group(x) ==
			    !vrrp_conf_inst_sync_group(y));
		if (vrrp_conf_inst_sync_group(x))
			assert_string_equal(vrrp_conf_inst_sync_group(x),
					    vrrp_conf_inst_sync_group(y));
		/* The locations of errors found at run time, too. */
		assert_string_equal(vrrp_conf_loc_file(&x->loc),
				    vrrp_conf_loc_file(&y->loc));
		assert_int_equal(x->loc.line, y->loc.line);
	}
	assert_int_equal(b->vrrp.ngroups, a->vrrp.ngroups);
	assert_int_equal(b->vrrp.ntrack_scripts, a->vrrp.ntrack_scripts);
	assert_int_equal(a->vrrp.ngroups, 1);
	assert_int_equal(a->vrrp.ntrack_scripts, 1);
#endif
}

/* The pack the parent sends (whole, or the delta of a spliced read). */
static struct tandem_config *child_load(const struct tandem_config *p,
					bool delta,
					const struct tandem_config *base)
{
	struct conf_diag d;
	struct tandem_config *c;
	char *buf;
	size_t len;

	if (delta)
		assert_int_equal(config_pack_delta(p, &buf, &len), 0);
	else
		assert_int_equal(config_pack(p, &buf, &len), 0);
	conf_diag_init(&d);
	c = config_load_packed(p->path, buf, len, base, &d);
	if (!c)
		conf_diag_print(&d, stderr);
	assert_non_null(c);
	assert_int_equal(d.errors, 0);
	conf_diag_free(&d);
	free(buf);
	return c;
}

/* The start of a vrrp child: the parent's config without its VRRP part,
 * the child's compiled from the pack and folded. */
static void test_fold_start(void **state)
{
	const struct tmp *t = *state;
	unsigned prio[NINST];
	struct tandem_config *direct, *p, *c;
	char *before, *after;

	for (unsigned i = 0; i < NINST; i++)
		prio[i] = 100 + i;
	write_conf(t, prio);
	direct = load(t, NULL);
	p = load(t, NULL);
	before = dump_to_string(p);
	config_drop_vrrp(p);
#ifdef WITH_VRRP
	assert_int_equal(p->vrrp.ninst, 0);
	assert_int_equal(p->vrrp.ngroups, 0);
	assert_int_equal(p->vrrp.ntrack_scripts, 0);
	/* The check child forked from it still finds its sync id. */
	assert_int_equal(p->sync_vrid, 7 + 6);
#endif
	/* The tree, which the next reload reads against, stays. */
	assert_non_null(p->tree);
	after = dump_to_string(p);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* The parent folds its tree too: what it sends is the same. */
	{
		char *b1, *b2;
		size_t l1, l2;

		assert_int_equal(config_pack(p, &b1, &l1), 0);
		assert_int_equal(config_fold(p), 0);
		assert_null(p->tree);
		assert_non_null(p->folded_text);
		assert_int_equal(config_pack(p, &b2, &l2), 0);
		assert_int_equal(l1, l2);
		assert_memory_equal(b1, b2, l1);
		free(b1);
		free(b2);
	}
	c = child_load(p, false, NULL);
	assert_int_equal(c->pserial, p->serial);
	assert_int_equal(config_fold(c), 0);
	/* A tree unpacked has no record of a reading. */
	assert_null(c->folded_text);
	assert_null(c->tree);
	assert_non_null(c->folded);
	assert_true(c->folded_len > 0);
	assert_same_config(direct, c);

	/* Unfolded, the tree is the one the parent validated; folded
	 * again, the pack is the one kept. */
	{
		const char *kept = c->folded;

		assert_int_equal(config_unfold(c), 0);
		assert_non_null(c->tree);
		assert_int_equal(config_unfold(c), 0);
		assert_same_config(direct, c);
		assert_int_equal(config_fold(c), 0);
		assert_null(c->tree);
		assert_ptr_equal(c->folded, kept);
		assert_same_config(direct, c);
	}
	/* A damaged pack does not unfold, and leaves the config as it was. */
	c->folded[0] ^= 1;
	assert_int_equal(config_unfold(c), -1);
	assert_null(c->tree);
	c->folded[0] ^= 1;
	assert_int_equal(config_unfold(c), 0);
	config_free(c);
	config_free(p);
	config_free(direct);
}

/* Reloads after the fold: each edit of one instance reaches the child as
 * a delta, spliced onto its unfolded tree; the child then folds the new
 * config.  Each time, it is what a whole read of the edited file gives. */
static void test_fold_delta(void **state)
{
	const struct tmp *t = *state;
	unsigned prio[NINST];
	struct tandem_config *p, *c;
	const unsigned edit[] = { 5, 17, 1, NINST };

	for (unsigned i = 0; i < NINST; i++)
		prio[i] = 100 + i;
	write_conf(t, prio);
	p = load(t, NULL);
	config_drop_vrrp(p);
	config_fold(p);
	c = child_load(p, false, NULL);
	config_fold(c);

	for (size_t k = 0; k < sizeof(edit) / sizeof(edit[0]); k++) {
		struct tandem_config *np, *nc, *whole, *x;
		struct conf_diag d;
		char *buf;
		size_t len;

		prio[edit[k] - 1] = 200 + (unsigned)k;
		write_conf(t, prio);
		/* The parent: read against the running tree, unfolded with
		 * the record of its reading, so read as a splice. */
		assert_int_equal(config_unfold(p), 0);
		assert_null(p->folded_text);
		np = load(t, p);
		assert_true(np->splice.spliced);
		assert_int_equal(np->splice.nmid, 1);
		config_drop_vrrp(np);

		/* A folded tree is no base for a delta: unfold first. */
		assert_int_equal(config_pack_delta(np, &buf, &len), 0);
		conf_diag_init(&d);
		x = config_load_packed(np->path, buf, len, c, &d);
		assert_null(x);
		assert_int_equal(d.errors, 1);
		conf_diag_free(&d);
		free(buf);

		assert_int_equal(config_unfold(c), 0);
		nc = child_load(np, true, c);
		assert_int_equal(nc->pserial, np->serial);
		config_take_shared(nc, c);
		config_free(c);
		c = nc;
		assert_int_equal(config_fold(c), 0);
		assert_null(c->tree);

		whole = load(t, NULL);
		assert_false(whole->splice.spliced);
		assert_same_config(whole, c);
#ifdef WITH_VRRP
		assert_int_equal(c->vrrp.inst[edit[k] - 1]->priority,
				 200 + (unsigned)k);
#endif
		config_free(whole);
		config_take_shared(np, p);
		config_free(p);
		p = np;
		assert_int_equal(config_fold(p), 0);
	}
	config_free(c);
	config_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_start),
		cmocka_unit_test(test_fold_delta),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
