/*
 * Where a reload's time goes at scale, without a kernel that has IPVS:
 * the parent's read and validation of the new file, its change report
 * and pack, then the check child's unpack, the checker runtime's apply,
 * the wanted IPVS table and the diff against the last applied one.  It
 * runs the same functions as the daemon (tandem/parent.c, tandem/child.c,
 * proc_check.c and check_ipvs.c), in one process, on two files given on
 * the command line (the second usually changes one weight of the first;
 * test/bench/ipvs-scale.sh writes such a pair), and prints the median of
 * each phase over the rounds.  Figures only, nothing asserted.  Each
 * round copies one of the two to the same temporary path first, as a
 * user edits one file: a statement read from another file is not the
 * same statement, and nothing would be kept.
 *
 * Then a verdict's table: one real server of the middle virtual server
 * goes down and back up, each round, and the wanted table and its plan
 * are made both ways, the whole config again and diffed (as every
 * verdict once was) and only the marked virtual server
 * (check_table_plan_kept marked, as the check child does now).
 *
 * Usage: bench_reload OLD.conf NEW.conf [ROUNDS]   (default 9)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "check/check_ipvs.h"
#include "check/check_rs_rt.h"
#include "check/check_vs_conf.h"
#include "ipvs/ipvs_reconcile.h"
#include "tandem/config.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_reload.h"

enum { P_READ, P_CHANGES, P_PACK, P_UNPACK, P_RT, P_TABLE, NP };
static const char *const names[NP] = {
	"parent: read and validate", "parent: change report",
	"parent: pack", "child: unpack and apply tables",
	"child: checker runtime", "child: wanted IPVS table and diff",
};

/* The change report's event goes to the control socket's monitors: a
 * benchmark has none. */
void ctl_relay_emit(struct json_object *ev)
{
	(void)ev;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void changed(void *arg)
{
	(void)arg;
}

/* The child's side of a load: from the pack to the managed table (and
 * its runs), as check_ipvs.c plans it: a reload keeps the services of
 * what it took over whole. */
static struct tandem_config *child_load(const struct tandem_config *pcfg,
					struct tandem_config *base,
					struct check_rt *rt,
					struct ipvs_table *managed,
					struct check_table_run **runs,
					size_t *nruns, size_t *actions, double *t)
{
	struct ipvs_table want = { 0 };
	struct ipvs_plan plan = { 0 };
	struct ipvs_reconcile_opts ro = { .owned = managed };
	struct check_table_run *nr = NULL;
	struct tandem_config *c;
	struct conf_diag d;
	char *buf = NULL;
	size_t len = 0;
	double t0 = now();

	/* As the parent does: only what changed, to a child that runs the
	 * config the new one was read against. */
	if (!base || config_pack_delta(pcfg, &buf, &len) < 0)
		config_pack(pcfg, &buf, &len);
	t[P_PACK] = now() - t0;
	conf_diag_init(&d);
	t0 = now();
	c = config_load_packed(pcfg->path, buf, len, base, &d);
	t[P_UNPACK] = now() - t0;
	free(buf);
	if (!c) {
		conf_diag_print(&d, stderr);
		exit(1);
	}
	conf_diag_free(&d);
	t0 = now();
	if (check_rt_apply(rt, &c->check) < 0)
		exit(1);
	t[P_RT] = now() - t0;
	t0 = now();
	if (*runs && !check_rt_table_pending(rt)) {
		if (check_table_plan_kept(&c->check, NULL, managed, *runs, *nruns,
					  &want, &nr, &plan, false) < 0)
			exit(1);
	} else if (check_conf_to_table_runs(&c->check, NULL, NULL, NULL, 0,
					    &want, &nr) < 0 ||
		   ipvs_reconcile(&want, managed, &ro, &plan) < 0) {
		exit(1);
	}
	t[P_TABLE] = now() - t0;
	*actions = plan.n;
	ipvs_plan_free(&plan);
	ipvs_table_free(managed);
	*managed = want;
	free(*runs);
	*runs = nr;
	*nruns = c->check.nvs;
	if (base) {
		config_take_shared(c, base);
		config_free(base);
	}
	return c;
}

/* Copy from to the path the daemon reads. */
static void put(const char *from, const char *to)
{
	char buf[65536];
	FILE *in = fopen(from, "r"), *out = fopen(to, "w");
	size_t n;

	if (!in || !out) {
		perror(!in ? from : to);
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(in) || fclose(out) != 0) {
		perror(to);
		exit(1);
	}
	fclose(in);
}

static struct tandem_config *parent_load(const char *path,
					 const struct tandem_config *base,
					 double *t)
{
	struct config_load_opts lo = { .base = base };
	struct tandem_config *c;
	struct conf_diag d;
	double t0 = now();

	conf_diag_init(&d);
	c = config_load(path, &lo, &d);
	t[P_READ] = now() - t0;
	if (!c) {
		conf_diag_print(&d, stderr);
		exit(1);
	}
	conf_diag_free(&d);
	t0 = now();
	json_object_put(ctl_config_changes(base, c));
	t[P_CHANGES] = now() - t0;
	return c;
}

/* A verdict's table, both ways (see the top); all has room for the
 * rounds twice. */
static void verdicts(struct tandem_config *c, struct ipvs_table *managed,
		     struct check_table_run **runs, int rounds, double *all)
{
	struct check_vs *vs = c->check.nvs ? c->check.vs[c->check.nvs / 2] : NULL;
	size_t nfull = 0, nmarked = 0;

	if (!vs || !vs->nrs || !vs->rs[0]->rt || !vs->rt)
		return;
	for (int r = 0; r < rounds; r++) {
		struct ipvs_table full = { 0 }, want = { 0 };
		struct ipvs_plan p1 = { 0 }, p2 = { 0 };
		struct ipvs_reconcile_opts ro = { .owned = managed };
		struct check_table_run *fr = NULL, *nr = NULL;
		double t0;

		vs->rs[0]->rt->up = !vs->rs[0]->rt->up;
		t0 = now();
		if (check_conf_to_table_runs(&c->check, NULL, NULL, NULL, 0,
					     &full, &fr) < 0 ||
		    ipvs_reconcile(&full, managed, &ro, &p1) < 0)
			exit(1);
		all[r] = now() - t0;
		vs->rt->table_dirty = true;
		t0 = now();
		if (check_table_plan_kept(&c->check, NULL, managed, *runs,
					  c->check.nvs, &want, &nr, &p2, true) < 0)
			exit(1);
		all[rounds + r] = now() - t0;
		vs->rt->table_dirty = false;
		nfull = p1.n;
		nmarked = p2.n;
		ipvs_plan_free(&p1);
		ipvs_plan_free(&p2);
		ipvs_table_free(&full);
		free(fr);
		ipvs_table_free(managed);
		*managed = want;
		free(*runs);
		*runs = nr;
	}
	vs->rs[0]->rt->up = true;
	printf("a verdict (one real server down, then up): median of %d "
	       "(min-max), ms\n", rounds);
	for (int k = 0; k < 2; k++) {
		double *v = all + k * rounds;

		qsort(v, (size_t)rounds, sizeof(*v), cmp_d);
		printf("  %-40s %8.3f  (%.3f-%.3f), %zu action(s)\n",
		       k ? "its virtual server made and diffed" :
			   "whole table made and diffed",
		       v[rounds / 2] * 1e3, v[0] * 1e3, v[rounds - 1] * 1e3,
		       k ? nmarked : nfull);
	}
}

int main(int argc, char **argv)
{
	int rounds = argc > 3 ? atoi(argv[3]) : 9;
	struct ipvs_table managed = { 0 };
	struct check_table_run *runs = NULL;
	size_t nruns = 0;
	struct tandem_config *p, *c;
	struct check_rt *rt;
	sd_event *e;
	double t[NP], *all;
	size_t actions = 0;

	if (argc < 3 || rounds < 1) {
		fprintf(stderr, "usage: %s OLD.conf NEW.conf [ROUNDS]\n", argv[0]);
		return 2;
	}
	all = calloc((size_t)rounds * NP, sizeof(*all));
	if (!all || sd_event_default(&e) < 0 ||
	    check_rt_new(e, changed, NULL, &rt) < 0)
		return 1;
	char dir[] = "/tmp/bench_reloadXXXXXX", path[64];

	if (!mkdtemp(dir)) {
		perror("bench_reload");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/tandem.conf", dir);
	put(argv[1], path);
	p = parent_load(path, NULL, t);
	c = child_load(p, NULL, rt, &managed, &runs, &nruns, &actions, t);
	printf("first load of %s: %zu IPVS actions\n", argv[1], actions);
	for (int r = 0; r < rounds; r++) {
		struct tandem_config *np;

		put(argv[2 - r % 2], path);
		np = parent_load(path, p, t);

		c = child_load(np, c, rt, &managed, &runs, &nruns, &actions, t);
		/* What the new config shares with the old one stays. */
		config_take_shared(np, p);
		config_free(p);
		p = np;
		for (int k = 0; k < NP; k++)
			all[k * rounds + r] = t[k];
	}
	printf("reload, alternately to each file: %zu IPVS action(s) each; "
	       "median of %d (min-max), ms\n", actions, rounds);
	double sum = 0;
	for (int k = 0; k < NP; k++) {
		double *v = all + k * rounds;

		qsort(v, (size_t)rounds, sizeof(*v), cmp_d);
		sum += v[rounds / 2];
		printf("  %-40s %8.2f  (%.2f-%.2f)\n", names[k], v[rounds / 2] * 1e3,
		       v[0] * 1e3, v[rounds - 1] * 1e3);
	}
	printf("  %-40s %8.2f\n", "sum of medians", sum * 1e3);
	verdicts(c, &managed, &runs, rounds, all);
	/* The runtime hangs off the child's config: it goes first. */
	check_rt_free(rt);
	ipvs_table_free(&managed);
	free(runs);
	config_free(p);
	config_free(c);
	sd_event_unref(e);
	free(all);
	unlink(path);
	rmdir(dir);
	return 0;
}
