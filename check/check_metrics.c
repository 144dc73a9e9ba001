/*
 * Checker metrics (see check_metrics.h).  Names start tandem_check_ (the
 * checkers) and tandem_ipvs_ (the kernel's table).
 *
 * A real server's series carry virtual_server and protocol (a TCP and a
 * UDP service may share an address and port) and real_server, spelled as
 * in the JSON dump and the control socket; a checker's add checker (its
 * type, TCP_CHECK ...) and index (its place among the real server's
 * checkers, since a server may have two of one type).  The config refuses
 * the same real server twice in a service, so no two series collide.
 *
 * Check durations are measured in check_rs_rt.c from the start of a
 * check to its verdict (a timeout counts as its full connect_timeout), on
 * CLOCK_MONOTONIC, and kept as a fixed-bucket histogram per checker: the
 * buckets cover a fast local connect (1 ms) to a slow HTTP check (10 s),
 * a scraper derives quantiles and averages from them.  Like the check
 * counters they survive a reload that keeps the real server.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check/check_ipvs.h"
#include "check/check_metrics.h"
#include "check/check_rs_rt.h"
#include "lib/prom_text.h"

#define END (const char *)NULL

const uint64_t check_dur_bounds_us[CHECK_DUR_NBOUNDS] = {
	1000, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000,
};

void check_dur_add(struct check_dur *d, uint64_t us)
{
	size_t i = 0;

	while (i < CHECK_DUR_NBOUNDS && us > check_dur_bounds_us[i])
		i++;
	d->bucket[i]++;
	d->last_us = us;
	d->sum_us += us;
	d->count++;
}

static const char *proto_str(const struct check_vs *vs)
{
	if (vs->kind == CHECK_VS_FWMARK)
		return "fwmark";
	return vs->protocol == CHECK_PROTO_UDP ? "udp" :
	       vs->protocol == CHECK_PROTO_SCTP ? "sctp" : "tcp";
}

/* The labels of one real server (names kept in the caller's buffers). */
struct rs_names {
	char vs[96], rs[64];
};

static void names_of(const struct check_rs_rt *r, struct rs_names *n)
{
	check_vs_name(r->vs, n->vs, sizeof(n->vs));
	check_rt_rs_name(r->rs, n->rs, sizeof(n->rs));
}

enum rs_metric { RS_UP, RS_IN_TABLE, RS_WEIGHT, RS_CONF_WEIGHT,
		 RS_TRANSITIONS, RS_N };

static void real_servers(struct prom *p, struct check_rs_rt *const *v, size_t n)
{
	static const struct { const char *name, *type, *help; } f[RS_N] = {
		{ "tandem_check_real_server_up", "gauge",
		  "1 while every checker of the real server passes." },
		{ "tandem_check_real_server_in_table", "gauge",
		  "1 while the real server is in the IPVS table (up, or down "
		  "with inhibit_on_failure at weight 0)." },
		{ "tandem_check_real_server_weight", "gauge",
		  "The weight the real server has in the table now (0 when "
		  "out of it)." },
		{ "tandem_check_real_server_configured_weight", "gauge",
		  "The weight the config gives the real server." },
		{ "tandem_check_real_server_transitions_total", "counter",
		  "Times the real server went up or down." },
	};

	for (int m = 0; m < RS_N; m++) {
		prom_family(p, f[m].name, f[m].type, f[m].help);
		for (size_t i = 0; i < n; i++) {
			const struct check_rs_rt *r = v[i];
			int w = check_rs_weight(r->vs, r->rs);
			struct rs_names nm;
			uint64_t val = 0;

			names_of(r, &nm);
			switch (m) {
			case RS_UP: val = r->up; break;
			case RS_IN_TABLE: val = w >= 0; break;
			case RS_WEIGHT: val = w > 0 ? (uint64_t)w : 0; break;
			case RS_CONF_WEIGHT:
				val = r->rs->weight > 0 ? (uint64_t)r->rs->weight : 0;
				break;
			default: val = r->transitions;
			}
			prom_u64(p, f[m].name, val, "virtual_server", nm.vs,
				 "protocol", proto_str(r->vs), "real_server", nm.rs,
				 END);
		}
	}
}

enum ck_metric { CK_UP, CK_CHECKS, CK_FAILED, CK_LAST_OK, CK_LAST_DUR,
		 CK_DUR, CK_N };

static void checkers(struct prom *p, struct check_rs_rt *const *v, size_t n)
{
	static const struct { const char *name, *type, *help; } f[CK_N] = {
		{ "tandem_check_checker_up", "gauge",
		  "1 while the checker passes (after its retries)." },
		{ "tandem_check_checks_total", "counter",
		  "Checks the checker ran." },
		{ "tandem_check_check_failures_total", "counter",
		  "Checks of the checker that failed." },
		{ "tandem_check_last_check_ok", "gauge",
		  "1 when the checker's last check passed (not listed before "
		  "its first check)." },
		{ "tandem_check_last_check_duration_seconds", "gauge",
		  "How long the checker's last check took." },
		{ "tandem_check_duration_seconds", "histogram",
		  "How long the checker's checks took, start to verdict." },
	};
	double le[CHECK_DUR_NBOUNDS];

	for (size_t i = 0; i < CHECK_DUR_NBOUNDS; i++)
		le[i] = (double)check_dur_bounds_us[i] / 1e6;
	for (int m = 0; m < CK_N; m++) {
		prom_family(p, f[m].name, f[m].type, f[m].help);
		for (size_t i = 0; i < n; i++) {
			const struct check_rs_rt *r = v[i];
			struct rs_names nm;

			names_of(r, &nm);
			for (size_t k = 0; k < r->ncks; k++) {
				const struct check_ck_rt *c = &r->cks[k];
				const char *type = c->type->name;
				char idx[24];

				snprintf(idx, sizeof(idx), "%zu", k);
				if (m == CK_DUR) {
					const char *lk[] = { "virtual_server",
						"protocol", "real_server",
						"checker", "index" };
					const char *lv[] = { nm.vs,
						proto_str(r->vs), nm.rs, type,
						idx };

					prom_histogram(p, f[m].name, le,
						       c->dur.bucket,
						       CHECK_DUR_NBOUNDS,
						       c->dur.bucket[CHECK_DUR_NBOUNDS],
						       (double)c->dur.sum_us / 1e6,
						       lk, lv, 5);
					continue;
				}
				if ((m == CK_LAST_OK && !c->last_at) ||
				    (m == CK_LAST_DUR && !c->dur.count))
					continue;
				if (m == CK_LAST_DUR) {
					prom_double(p, f[m].name,
						    (double)c->dur.last_us / 1e6,
						    "virtual_server", nm.vs,
						    "protocol", proto_str(r->vs),
						    "real_server", nm.rs,
						    "checker", type, "index", idx,
						    END);
					continue;
				}
				prom_u64(p, f[m].name,
					 m == CK_UP ? c->up :
					 m == CK_CHECKS ? c->checks :
					 m == CK_FAILED ? c->failed : c->last_ok,
					 "virtual_server", nm.vs, "protocol",
					 proto_str(r->vs), "real_server", nm.rs,
					 "checker", type, "index", idx, END);
			}
		}
	}
}

/* Checks run and failed per checker type, over every real server. */
static void per_type(struct prom *p, struct check_rs_rt *const *v, size_t n)
{
	uint64_t runs[CHECK_K_NTYPES] = { 0 }, failed[CHECK_K_NTYPES] = { 0 };
	bool present[CHECK_K_NTYPES] = { false };

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < v[i]->ncks; k++) {
			const struct check_ck_rt *c = &v[i]->cks[k];
			unsigned t = c->ck->kind;

			if (t >= CHECK_K_NTYPES)
				continue;
			present[t] = true;
			runs[t] += c->checks;
			failed[t] += c->failed;
		}
	prom_family(p, "tandem_check_type_checks_total", "counter",
		    "Checks run, by checker type, over every real server.");
	for (unsigned t = 0; t < CHECK_K_NTYPES; t++)
		if (present[t])
			prom_u64(p, "tandem_check_type_checks_total", runs[t],
				 "checker", check_types[t]->name, END);
	prom_family(p, "tandem_check_type_failures_total", "counter",
		    "Checks failed, by checker type, over every real server.");
	for (unsigned t = 0; t < CHECK_K_NTYPES; t++)
		if (present[t])
			prom_u64(p, "tandem_check_type_failures_total",
				 failed[t], "checker", check_types[t]->name, END);
}

static void quorums(struct prom *p, const struct check_rt *rt)
{
	size_t n;
	struct check_vs_rt *const *v = check_rt_quorums(rt, &n);
	static const char *const names[] = {
		"tandem_check_virtual_server_quorum_up",
		"tandem_check_virtual_server_live_weight",
		"tandem_check_virtual_server_quorum",
	};
	static const char *const helps[] = {
		"1 while the virtual server has its quorum (else its sorry "
		"server, if any, stands in).",
		"Sum of the weights of the real servers that are up.",
		"The quorum the config asks for.",
	};

	for (int m = 0; m < 3; m++) {
		prom_family(p, names[m], "gauge", helps[m]);
		for (size_t i = 0; i < n; i++) {
			char vs[96];
			uint64_t val = m == 0 ? v[i]->quorum_up :
				       m == 1 ? check_vs_live_weight(v[i]->vs) :
				       v[i]->vs->quorum;

			check_vs_name(v[i]->vs, vs, sizeof(vs));
			prom_u64(p, names[m], val, "virtual_server", vs,
				 "protocol", proto_str(v[i]->vs), END);
		}
	}
}

static uint64_t dest_weight(const struct ipvs_dest *e)
{
	return e->weight > 0 ? (uint64_t)e->weight : 0;
}

static uint64_t dest_active(const struct ipvs_dest *e)
{
	return e->active_conns;
}

static uint64_t dest_inactive(const struct ipvs_dest *e)
{
	return e->inact_conns;
}

static const struct {
	const char *name, *help;
	uint64_t (*get)(const struct ipvs_dest *e);
} gauges[] = {
	{ "tandem_ipvs_dest_weight",
	  "The destination's weight in the kernel's table.", dest_weight },
	{ "tandem_ipvs_dest_active_connections",
	  "Active connections to the destination.", dest_active },
	{ "tandem_ipvs_dest_inactive_connections",
	  "Inactive connections to the destination.", dest_inactive },
};

/* The kernel's counters; only "available 0" without IPVS. */
static void ipvs(struct prom *p, struct check_ipvs *ci)
{
	struct ipvs_table t = { 0 };
	bool ok = ci && check_ipvs_read(ci, &t) == 0;
	static const struct { const char *svc, *dest, *help; size_t off; } f[] = {
		{ "tandem_ipvs_service_connections_total",
		  "tandem_ipvs_dest_connections_total", "Connections scheduled.",
		  offsetof(struct ipvs_stats, conns) },
		{ "tandem_ipvs_service_in_packets_total",
		  "tandem_ipvs_dest_in_packets_total", "Packets in.",
		  offsetof(struct ipvs_stats, inpkts) },
		{ "tandem_ipvs_service_out_packets_total",
		  "tandem_ipvs_dest_out_packets_total", "Packets out.",
		  offsetof(struct ipvs_stats, outpkts) },
		{ "tandem_ipvs_service_in_bytes_total",
		  "tandem_ipvs_dest_in_bytes_total", "Bytes in.",
		  offsetof(struct ipvs_stats, inbytes) },
		{ "tandem_ipvs_service_out_bytes_total",
		  "tandem_ipvs_dest_out_bytes_total", "Bytes out.",
		  offsetof(struct ipvs_stats, outbytes) },
	};
	char s[128], d[80];

	prom_family(p, "tandem_ipvs_available", "gauge",
		    "1 when the kernel's IPVS table could be read.");
	prom_u64(p, "tandem_ipvs_available", ok, END);
	if (!ok)
		return;
	for (size_t m = 0; m < sizeof(f) / sizeof(f[0]); m++) {
		prom_family(p, f[m].svc, "counter", f[m].help);
		for (size_t i = 0; i < t.n; i++) {
			uint64_t v;

			memcpy(&v, (const char *)&t.vs[i].svc.stats + f[m].off,
			       sizeof(v));
			ipvs_service_str(&t.vs[i].svc, s, sizeof(s));
			prom_u64(p, f[m].svc, v, "service", s, END);
		}
		prom_family(p, f[m].dest, "counter", f[m].help);
		for (size_t i = 0; i < t.n; i++) {
			ipvs_service_str(&t.vs[i].svc, s, sizeof(s));
			for (size_t k = 0; k < t.vs[i].ndests; k++) {
				const struct ipvs_dest *e = &t.vs[i].dests[k];
				uint64_t v;

				memcpy(&v, (const char *)&e->stats + f[m].off,
				       sizeof(v));
				ipvs_dest_str(e, t.vs[i].svc.af, d, sizeof(d));
				prom_u64(p, f[m].dest, v, "service", s, "dest",
					 d, END);
			}
		}
	}
	for (size_t m = 0; m < sizeof(gauges) / sizeof(gauges[0]); m++) {
		prom_family(p, gauges[m].name, "gauge", gauges[m].help);
		for (size_t i = 0; i < t.n; i++) {
			ipvs_service_str(&t.vs[i].svc, s, sizeof(s));
			for (size_t k = 0; k < t.vs[i].ndests; k++) {
				const struct ipvs_dest *e = &t.vs[i].dests[k];

				ipvs_dest_str(e, t.vs[i].svc.af, d, sizeof(d));
				prom_u64(p, gauges[m].name, gauges[m].get(e),
					 "service", s, "dest", d, END);
			}
		}
	}
	ipvs_table_free(&t);
}

char *check_metrics_text(const struct check_rt *rt, struct check_ipvs *ci)
{
	struct prom p;
	size_t n;
	struct check_rs_rt *const *v = check_rt_servers(rt, &n);

	if (prom_open(&p) < 0)
		return NULL;
	real_servers(&p, v, n);
	checkers(&p, v, n);
	per_type(&p, v, n);
	quorums(&p, rt);
	ipvs(&p, ci);
	return prom_close(&p);
}

struct json_object *check_metrics_command(const struct check_rt *rt,
					  struct check_ipvs *ci,
					  struct json_object *req)
{
	(void)req;
	return prom_reply(check_metrics_text(rt, ci));
}
