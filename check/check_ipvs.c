/*
 * The IPVS controller (see check_ipvs.h for the rules).
 *
 * The controller keeps one table, "managed": what it applied last.  It
 * serves twice: as the "owned" set the reconciler may delete from, and
 * as the picture of the kernel a reload diffs against, so a reload costs
 * no dump and sends only real changes.  When applying fails part way the
 * picture is no longer trusted and the next reload reads the kernel's
 * table again first.  Every kernel failure reaches the log through the
 * client's failure handler, with the operation and the entry it was
 * about; the controller itself never aborts the process for one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "check/check_ipvs.h"
#include "ipvs/ipvs_nl.h"
#include "ipvs/ipvs_reconcile.h"
#include "lib/log.h"

struct check_ipvs {
	struct ipvs_nl *nl;
	struct ipvs_table managed;
	bool resync;			/* managed may differ from the kernel */
	struct ipvs_timeouts timeouts;	/* last set */
	struct ipvs_daemon daemons[2];	/* running because of us */
	size_t ndaemons;
	/* Where each virtual server of the config last applied has its
	 * services in managed. */
	struct check_table_run *runs;
	size_t nruns;
};

static void on_failure(const struct ipvs_failure *f, void *arg)
{
	(void)arg;
	log_err("IPVS: %s", f->msg);
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void plan_counts(const struct ipvs_plan *p, size_t n[6])
{
	memset(n, 0, 6 * sizeof(n[0]));
	for (size_t i = 0; i < p->n; i++)
		n[p->a[i].kind]++;
}

/* A table's entries, shallow (the destinations stay its own): those of
 * its runs i but the ones whose kept[i] is (the runs of the new table
 * that were moved from the one before, at the same places), for the
 * diff of what a reload changed. */
static int changed_part(const struct ipvs_table *t,
			const struct check_table_run *runs, size_t nruns,
			const struct check_table_run *kept, size_t nkept,
			struct ipvs_table *out)
{
	size_t n = 0;

	out->vs = malloc((t->n ? t->n : 1) * sizeof(*out->vs));
	out->cap = out->n = 0;
	if (!out->vs)
		return -ENOMEM;
	for (size_t i = 0; i < nruns; i++) {
		if (i < nkept && kept[i].kept)
			continue;
		for (size_t k = 0; k < runs[i].n && runs[i].at + k < t->n; k++)
			out->vs[n++] = t->vs[runs[i].at + k];
	}
	out->n = n;
	return 0;
}

int check_table_plan_kept(const struct check_conf *cc,
			  const struct check_table_opts *to,
			  struct ipvs_table *last,
			  const struct check_table_run *last_runs, size_t nlast,
			  struct ipvs_table *want, struct check_table_run **runs,
			  struct ipvs_plan *plan, bool marked)
{
	struct ipvs_table wpart = { 0 }, hpart = { 0 };
	struct ipvs_reconcile_opts ro = { .owned = &hpart };
	int r;

	/* A reload's runs carried over, or those of the unmarked virtual
	 * servers after changes of state. */
	r = (marked ? check_conf_to_table_marked : check_conf_to_table_runs)(
		cc, to, last, last_runs, nlast, want, runs);
	if (r < 0)
		return r;
	r = changed_part(want, *runs, cc->nvs, *runs, cc->nvs, &wpart);
	if (r == 0)
		r = changed_part(last, last_runs, nlast, *runs, cc->nvs, &hpart);
	if (r == 0)
		r = ipvs_reconcile(&wpart, &hpart, &ro, plan);
	/* Shallow: the entries are want's and last's. */
	free(wpart.vs);
	free(hpart.vs);
	if (r < 0) {
		check_table_runs_undo(last, last_runs, nlast, want, *runs, cc->nvs);
		free(*runs);
		*runs = NULL;
		ipvs_table_free(want);
	}
	return r;
}

/* What of the table applied last sync_table may take as it is. */
enum sync_keep {
	SYNC_ALL,		/* nothing: the whole config again */
	SYNC_KEPT,		/* a reload's virtual servers taken over whole */
	SYNC_MARKED,		/* the same config: the unmarked virtual servers */
};

/* Make the kernel match cc.  With read_kernel the kernel's table is read
 * and reconciled (start, resync); otherwise the last applied table is the
 * kernel's picture.  With kept (a reload, the table up to date with every
 * change of state), the virtual servers the reload took over whole keep
 * their services as applied last (check_conf_to_table_runs), and only the
 * others are diffed: the same plan as a diff of the whole tables, since
 * the kept ones are the same on both sides and no service is in two
 * virtual servers. */
static int sync_table(struct check_ipvs *ci, const struct check_conf *cc,
		      const struct check_table_opts *to, bool read_kernel,
		      bool flush, bool first, bool quiet, enum sync_keep keep)
{
	struct ipvs_table want = { 0 }, have = { 0 };
	struct ipvs_plan plan = { 0 };
	struct ipvs_reconcile_opts ro = {
		.owned = first ? NULL : &ci->managed, .flush = flush,
	};
	struct check_table_run *runs = NULL;
	unsigned long sent;
	size_t n[6];
	uint64_t t0 = mono_us(), t1;
	bool part;
	int r;

	part = keep != SYNC_ALL && !read_kernel && !flush && !first && ci->runs;
	if (part && keep == SYNC_MARKED && ci->nruns != cc->nvs)
		part = false;	/* not the config the table was made for */
	if (part) {
		r = check_table_plan_kept(cc, to, &ci->managed, ci->runs,
					  ci->nruns, &want, &runs, &plan,
					  keep == SYNC_MARKED);
	} else {
		r = check_conf_to_table_runs(cc, to, NULL, NULL, 0, &want, &runs);
		if (r == 0 && read_kernel) {
			r = ipvs_table_read(ci->nl, &have);
			if (r < 0)
				log_err("IPVS: cannot read the kernel's table: %s",
					ipvs_last_error(ci->nl));
		}
		if (r == 0)
			r = ipvs_reconcile(&want, read_kernel ? &have : &ci->managed,
					   &ro, &plan);
	}
	ipvs_table_free(&have);
	if (r < 0) {
		/* Nothing was sent: keep what is owned, read the kernel
		 * next time. */
		if (r == -ENOMEM)
			log_err("IPVS: out of memory");
		free(runs);
		ipvs_table_free(&want);
		ci->resync = true;
		return r;
	}
	/* Counted by the client, so the log says what really went out. */
	sent = ipvs_request_count(ci->nl);
	t1 = mono_us();
	if (plan.n)
		r = ipvs_plan_apply(ci->nl, &plan);
	sent = ipvs_request_count(ci->nl) - sent;
	plan_counts(&plan, n);
	/* How long the table took to follow: planned (the whole config to a
	 * table, against what was applied), then sent and acked by the
	 * kernel, which the line's own stamp ends. */
	if (!quiet || plan.n)
		log_info("IPVS: %zu services wanted; %lu requests (services: %zu "
			 "added, %zu changed, %zu deleted; real servers: %zu added, "
			 "%zu changed, %zu deleted)%s; planned in %.1f ms, sent and "
			 "acked in %.1f ms", want.n, sent,
			 n[IPVS_ACT_SERVICE_ADD], n[IPVS_ACT_SERVICE_SET],
			 n[IPVS_ACT_SERVICE_DEL], n[IPVS_ACT_DEST_ADD],
			 n[IPVS_ACT_DEST_SET], n[IPVS_ACT_DEST_DEL],
			 r < 0 ? ", with failures" : "",
			 (double)(t1 - t0) / 1000, (double)(mono_us() - t1) / 1000);
	ipvs_plan_free(&plan);
	ipvs_table_free(&ci->managed);
	ci->managed = want;
	free(ci->runs);
	ci->runs = runs;
	ci->nruns = cc->nvs;
	ci->resync = r < 0;
	return r;
}

static void set_timeouts(struct check_ipvs *ci, const struct ipvs_timeouts *t)
{
	if (!t->tcp && !t->tcp_fin && !t->udp)
		return;
	if (!memcmp(t, &ci->timeouts, sizeof(*t)))
		return;
	if (ipvs_timeouts_set(ci->nl, t) == 0)
		ci->timeouts = *t;
}

static void stop_daemons(struct check_ipvs *ci)
{
	for (size_t i = 0; i < ci->ndaemons; i++)
		ipvs_daemon_del(ci->nl, &ci->daemons[i]);
	ci->ndaemons = 0;
}

static void set_daemons(struct check_ipvs *ci, const struct check_ipvs_opts *o)
{
	if (o->ndaemons == ci->ndaemons &&
	    !memcmp(o->daemons, ci->daemons, o->ndaemons * sizeof(o->daemons[0])))
		return;
	stop_daemons(ci);
	for (size_t i = 0; i < o->ndaemons && i < 2; i++)
		if (ipvs_daemon_add(ci->nl, &o->daemons[i]) == 0)
			ci->daemons[ci->ndaemons++] = o->daemons[i];
}

void check_ipvs_set_daemons(struct check_ipvs *ci,
			    const struct check_ipvs_opts *o)
{
	set_daemons(ci, o);
}

int check_ipvs_start(struct check_ipvs **out, const struct check_conf *cc,
		     const struct check_ipvs_opts *o, char *err, size_t errlen)
{
	struct check_ipvs *ci = calloc(1, sizeof(*ci));
	int r;

	if (!ci) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = ipvs_open(&ci->nl, err, errlen);
	if (r < 0) {
		free(ci);
		return r;
	}
	ipvs_set_failure_handler(ci->nl, on_failure, ci);
	ipvs_set_progress(ci->nl, o->progress, NULL);
	set_timeouts(ci, &o->timeouts);
	set_daemons(ci, o);
	sync_table(ci, cc, &o->table, true, o->flush, true, false, SYNC_ALL);
	*out = ci;
	return 0;
}

int check_ipvs_reload(struct check_ipvs *ci, const struct check_conf *cc,
		      const struct check_ipvs_opts *o, bool current)
{
	set_timeouts(ci, &o->timeouts);
	set_daemons(ci, o);
	return sync_table(ci, cc, &o->table, ci->resync, false, false, false,
			  current ? SYNC_KEPT : SYNC_ALL);
}

int check_ipvs_refresh(struct check_ipvs *ci, const struct check_conf *cc,
		       const struct check_ipvs_opts *o)
{
	return sync_table(ci, cc, &o->table, ci->resync, false, false, true,
			  SYNC_ALL);
}

int check_ipvs_refresh_marked(struct check_ipvs *ci,
			      const struct check_conf *cc,
			      const struct check_ipvs_opts *o)
{
	return sync_table(ci, cc, &o->table, ci->resync, false, false, true,
			  SYNC_MARKED);
}

void check_ipvs_stop(struct check_ipvs *ci, const struct check_ipvs_opts *o)
{
	struct ipvs_table none = { 0 }, have = { 0 };
	struct ipvs_plan plan = { 0 };
	struct ipvs_reconcile_opts ro = { 0 };

	if (!ci)
		return;
	ro.owned = &ci->managed;
	switch (o->on_stop) {
	case CHECK_IPVS_STOP_KEEP:
		stop_daemons(ci);
		log_info("IPVS: keeping the table as it is");
		break;
	case CHECK_IPVS_STOP_FLUSH:
		stop_daemons(ci);
		if (ipvs_flush(ci->nl) == 0)
			log_info("IPVS: flushed the table");
		break;
	case CHECK_IPVS_STOP_REMOVE:
		stop_daemons(ci);
		if (ipvs_table_read(ci->nl, &have) < 0) {
			log_err("IPVS: cannot read the kernel's table: %s",
				ipvs_last_error(ci->nl));
			break;
		}
		if (ipvs_reconcile(&none, &have, &ro, &plan) == 0 && plan.n) {
			ipvs_plan_apply(ci->nl, &plan);
			log_info("IPVS: removed %zu services", plan.n);
		}
		break;
	}
	ipvs_plan_free(&plan);
	ipvs_table_free(&have);
	ipvs_table_free(&ci->managed);
	free(ci->runs);
	ipvs_close(ci->nl);
	free(ci);
}

unsigned long check_ipvs_requests(const struct check_ipvs *ci)
{
	return ci ? ipvs_request_count(ci->nl) : 0;
}

/* ------------------------------------------------------------------ */
/* Dumps                                                               */

static void dump_table(FILE *f, const char *title, const struct ipvs_table *t)
{
	char s[IPVS_STR_MAX], d[IPVS_STR_MAX];

	fprintf(f, " %s (%zu services)\n", title, t->n);
	for (size_t i = 0; i < t->n; i++) {
		const struct ipvs_vs *v = &t->vs[i];

		fprintf(f, "  %s %s%s%s timeout %u\n",
			ipvs_service_str(&v->svc, s, sizeof(s)), v->svc.sched,
			v->svc.flags & IP_VS_SVC_F_PERSISTENT ? " persistent" : "",
			v->svc.flags & IP_VS_SVC_F_ONEPACKET ? " ops" : "",
			v->svc.timeout);
		for (size_t k = 0; k < v->ndests; k++) {
			const struct ipvs_dest *e = &v->dests[k];

			fprintf(f, "   -> %s %s weight %d active %u inactive %u "
				"conns %llu\n",
				ipvs_dest_str(e, v->svc.af, d, sizeof(d)),
				ipvs_fwd_name(e->fwd), e->weight,
				e->active_conns, e->inact_conns,
				(unsigned long long)e->stats.conns);
		}
	}
}

int check_ipvs_read(struct check_ipvs *ci, struct ipvs_table *t)
{
	return ci ? ipvs_table_read(ci->nl, t) : -ENODEV;
}

void check_ipvs_dump(struct check_ipvs *ci, FILE *f)
{
	struct ipvs_table have = { 0 };

	fprintf(f, "------< IPVS >------\n");
	if (!ci) {
		fprintf(f, " not available (no IPVS in this kernel)\n");
		return;
	}
	fprintf(f, " requests sent = %lu\n", ipvs_request_count(ci->nl));
	dump_table(f, "wanted", &ci->managed);
	if (ipvs_table_read(ci->nl, &have) == 0)
		dump_table(f, "kernel", &have);
	else
		fprintf(f, " kernel: cannot read (%s)\n", ipvs_last_error(ci->nl));
	ipvs_table_free(&have);
}

static struct json_object *stats_json(const struct ipvs_stats *st)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "conns", json_object_new_int64((int64_t)st->conns));
	json_object_object_add(o, "inpkts", json_object_new_int64((int64_t)st->inpkts));
	json_object_object_add(o, "outpkts", json_object_new_int64((int64_t)st->outpkts));
	json_object_object_add(o, "inbytes", json_object_new_int64((int64_t)st->inbytes));
	json_object_object_add(o, "outbytes", json_object_new_int64((int64_t)st->outbytes));
	return o;
}

struct json_object *check_ipvs_table_json(const struct ipvs_table *t)
{
	struct json_object *a = json_object_new_array();
	char s[IPVS_STR_MAX];

	for (size_t i = 0; i < t->n; i++) {
		const struct ipvs_vs *v = &t->vs[i];
		struct json_object *o = json_object_new_object();
		struct json_object *ds = json_object_new_array();

		json_object_object_add(o, "service", json_object_new_string(
			ipvs_service_str(&v->svc, s, sizeof(s))));
		json_object_object_add(o, "scheduler",
				       json_object_new_string(v->svc.sched));
		json_object_object_add(o, "flags", json_object_new_int64(
			v->svc.flags & IPVS_SVC_USER_FLAGS));
		json_object_object_add(o, "timeout",
				       json_object_new_int64(v->svc.timeout));
		json_object_object_add(o, "netmask",
				       json_object_new_int64(v->svc.netmask));
		json_object_object_add(o, "pe", json_object_new_string(v->svc.pe_name));
		json_object_object_add(o, "stats", stats_json(&v->svc.stats));
		for (size_t k = 0; k < v->ndests; k++) {
			const struct ipvs_dest *e = &v->dests[k];
			struct json_object *d = json_object_new_object();

			json_object_object_add(d, "dest", json_object_new_string(
				ipvs_dest_str(e, v->svc.af, s, sizeof(s))));
			json_object_object_add(d, "method",
					       json_object_new_string(ipvs_fwd_name(e->fwd)));
			json_object_object_add(d, "weight", json_object_new_int(e->weight));
			json_object_object_add(d, "uthreshold", json_object_new_int64(e->u_thresh));
			json_object_object_add(d, "lthreshold", json_object_new_int64(e->l_thresh));
			json_object_object_add(d, "active_conns",
					       json_object_new_int64(e->active_conns));
			json_object_object_add(d, "inactive_conns",
					       json_object_new_int64(e->inact_conns));
			json_object_object_add(d, "stats", stats_json(&e->stats));
			json_object_array_add(ds, d);
		}
		json_object_object_add(o, "dests", ds);
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *check_ipvs_json(struct check_ipvs *ci)
{
	struct json_object *o = json_object_new_object();
	struct ipvs_table have = { 0 };

	json_object_object_add(o, "available", json_object_new_boolean(ci != NULL));
	if (!ci)
		return o;
	json_object_object_add(o, "requests",
			       json_object_new_int64((int64_t)ipvs_request_count(ci->nl)));
	json_object_object_add(o, "wanted", check_ipvs_table_json(&ci->managed));
	if (ipvs_table_read(ci->nl, &have) == 0)
		json_object_object_add(o, "kernel", check_ipvs_table_json(&have));
	else
		json_object_object_add(o, "kernel_error",
				       json_object_new_string(ipvs_last_error(ci->nl)));
	ipvs_table_free(&have);
	return o;
}
