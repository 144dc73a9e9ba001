/*
 * The tandem MIB of the check process (see check_snmp.h).
 *
 * Rows are numbered by position: a virtual server by its place in the
 * config, a real server by its place in its virtual server, a checker by
 * its place in its real server; the names (keepalived's "[addr]:proto:
 * port" strings) are columns and are in every notification, since a
 * reload may renumber.  "In table" and the current weight are what
 * tandem wants in the IPVS table (check_rs_weight); the connection,
 * packet and byte columns are the kernel's counters, read at most every
 * snmp_*_stats_update_interval, and absent when the kernel has no IPVS.
 * A virtual server group sums its services' counters.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/check_rs_rt.h"
#include "check/check_snmp.h"
#include "ipvs/ipvs_table.h"
#include "lib/log.h"
#include "lib/snmp_agent.h"
#include "lib/snmp_view.h"

#define LEN(a)		(sizeof(a) / sizeof((a)[0]))

static const snmp_subid root[] = { SNMP_TANDEM_MIB, 1, 2 };
static const snmp_subid vs_entry[] = { SNMP_TANDEM_MIB, 1, 2, 1, 1 };
static const snmp_subid rs_entry[] = { SNMP_TANDEM_MIB, 1, 2, 2, 1 };
static const snmp_subid ck_entry[] = { SNMP_TANDEM_MIB, 1, 2, 3, 1 };
static const snmp_subid trap_rs[] = { SNMP_TANDEM_MIB, 0, 2 };
static const snmp_subid trap_vs[] = { SNMP_TANDEM_MIB, 0, 3 };

enum { RESULT_NONE = 1, RESULT_OK = 2, RESULT_FAIL = 3 };

static struct {
	const struct check_conf *cc;
	struct check_ipvs *ipvs;
	struct check_notify *notify;
	struct check_snmp_opts o;	/* what is served (socket unused) */
	struct ipvs_table kernel;	/* the counters, cached */
	bool have_kernel;
	uint64_t read_at;		/* CLOCK_MONOTONIC usec */
} cs;

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void read_kernel(void)
{
	uint64_t now = clock_us(CLOCK_MONOTONIC);

	if (!cs.ipvs) {
		ipvs_table_free(&cs.kernel);
		cs.have_kernel = false;
		return;
	}
	if (cs.read_at && now - cs.read_at < cs.o.stats_usec)
		return;
	cs.read_at = now;
	ipvs_table_free(&cs.kernel);
	cs.have_kernel = check_ipvs_read(cs.ipvs, &cs.kernel) == 0;
}

struct counters {
	bool found;
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint32_t active, inactive;
};

static void add_stats(struct counters *c, const struct ipvs_stats *st)
{
	c->found = true;
	c->conns += st->conns;
	c->inpkts += st->inpkts;
	c->outpkts += st->outpkts;
	c->inbytes += st->inbytes;
	c->outbytes += st->outbytes;
}

/* The kernel's counters of VS (RS NULL) or of RS behind it. */
static void counters(const struct check_vs *vs, const struct check_rs *rs,
		     struct counters *c)
{
	struct ipvs_service *svc = NULL;
	long n;

	memset(c, 0, sizeof(*c));
	if (!cs.have_kernel)
		return;
	n = check_vs_services(cs.cc, vs, &svc);
	for (long i = 0; i < n; i++) {
		const struct ipvs_vs *kv = ipvs_table_find(&cs.kernel, &svc[i]);
		struct ipvs_dest key;
		const struct ipvs_dest *kd;

		if (!kv)
			continue;
		if (!rs) {
			add_stats(c, &kv->svc.stats);
			continue;
		}
		ipvs_dest_init(&key, rs->af);
		key.addr = rs->addr;
		key.port = rs->port_set ? rs->port : svc[i].port;
		kd = ipvs_vs_find_dest(kv, &key);
		if (kd) {
			add_stats(c, &kd->stats);
			c->active += kd->active_conns;
			c->inactive += kd->inact_conns;
		}
	}
	free(svc);
}

static void put_counters(struct snmp_view *w, const snmp_subid *e, size_t el,
			 unsigned first, const struct snmp_idx *x,
			 const struct counters *c)
{
	const uint64_t v[] = { c->conns, c->inpkts, c->outpkts, c->inbytes,
			       c->outbytes };

	if (!c->found)
		return;
	for (unsigned i = 0; i < LEN(v); i++)
		snmp_view_uint(w, e, el, first + i, x, SNMP_CELL_COUNTER64,
			       v[i]);
}

static size_t alen(int af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

static int proto_value(int p)
{
	return p == CHECK_PROTO_UDP ? 2 : p == CHECK_PROTO_SCTP ? 3 : 1;
}

static unsigned rs_up_count(const struct check_vs *vs)
{
	unsigned n = 0;

	for (size_t i = 0; i < vs->nrs; i++)
		n += vs->rs[i]->rt && vs->rs[i]->rt->up;
	return n;
}

static void vs_row(struct snmp_view *w, const struct check_vs *vs,
		   const struct snmp_idx *x)
{
	const snmp_subid *e = vs_entry;
	size_t el = LEN(vs_entry);
	char name[INET6_ADDRSTRLEN + 300];
	size_t l = vs->kind == CHECK_VS_ADDR ? alen(vs->af) : 0;
	struct counters c;

	check_notify_vs_name(vs, name, sizeof(name));
	snmp_view_str(w, e, el, 2, x, name);
	snmp_view_int(w, e, el, 3, x, vs->kind == CHECK_VS_FWMARK ? 2
		      : vs->kind == CHECK_VS_GROUP ? 3 : 1);
	snmp_view_int(w, e, el, 4, x, l ? snmp_inet_type(vs->af) : 0);
	snmp_view_octets(w, e, el, 5, x, &vs->addr, l);
	snmp_view_uint(w, e, el, 6, x, SNMP_CELL_GAUGE32,
		       vs->kind == CHECK_VS_ADDR ? vs->port : 0);
	snmp_view_uint(w, e, el, 7, x, SNMP_CELL_GAUGE32,
		       vs->kind == CHECK_VS_FWMARK ? vs->fwmark : 0);
	snmp_view_int(w, e, el, 8, x, proto_value(vs->protocol));
	snmp_view_str(w, e, el, 9, x, vs->sched);
	snmp_view_uint(w, e, el, 10, x, SNMP_CELL_GAUGE32, vs->quorum);
	snmp_view_int(w, e, el, 11, x, check_vs_quorum_up(vs) ? 1 : 2);
	snmp_view_uint(w, e, el, 12, x, SNMP_CELL_GAUGE32, vs->nrs);
	snmp_view_uint(w, e, el, 13, x, SNMP_CELL_GAUGE32, rs_up_count(vs));
	snmp_view_str(w, e, el, 14, x, vs->group ? vs->group : "");
	counters(vs, NULL, &c);
	put_counters(w, e, el, 15, x, &c);
}

/* The last verdict of RS's checkers: the latest check, and the reason
 * of the first checker that is down (else of the latest failure). */
static void rs_last(const struct check_rs_rt *r, int *result,
		    const char **reason)
{
	const struct check_ck_rt *latest = NULL;

	*result = RESULT_NONE;
	*reason = "";
	if (!r)
		return;
	for (size_t i = 0; i < r->ncks; i++)
		if (r->cks[i].last_at &&
		    (!latest || r->cks[i].last_at > latest->last_at))
			latest = &r->cks[i];
	if (latest) {
		*result = latest->last_ok ? RESULT_OK : RESULT_FAIL;
		if (!latest->last_ok)
			*reason = latest->reason;
	}
	for (size_t i = 0; i < r->ncks; i++)
		if (!r->cks[i].up && r->cks[i].last_at) {
			*reason = r->cks[i].reason;
			break;
		}
}

static void rs_row(struct snmp_view *w, const struct check_vs *vs,
		   const struct check_rs *rs, const struct snmp_idx *x)
{
	const snmp_subid *e = rs_entry;
	size_t el = LEN(rs_entry);
	char name[INET6_ADDRSTRLEN + 20];
	const struct check_rs_rt *r = rs->rt;
	int weight = check_rs_weight(vs, rs), result;
	const char *reason;
	struct counters c;

	check_notify_rs_name(vs, rs, name, sizeof(name));
	rs_last(r, &result, &reason);
	snmp_view_str(w, e, el, 2, x, name);
	snmp_view_int(w, e, el, 3, x, snmp_inet_type(rs->af));
	snmp_view_octets(w, e, el, 4, x, &rs->addr, alen(rs->af));
	snmp_view_uint(w, e, el, 5, x, SNMP_CELL_GAUGE32,
		       rs->port_set ? rs->port
		       : vs->kind == CHECK_VS_ADDR ? vs->port : 0);
	snmp_view_int(w, e, el, 6, x, rs->weight);
	snmp_view_int(w, e, el, 7, x, r && r->up ? 1 : 2);
	snmp_view_int(w, e, el, 8, x, weight >= 0 ? 1 : 2);
	snmp_view_int(w, e, el, 9, x, weight >= 0 ? weight : 0);
	snmp_view_int(w, e, el, 10, x, result);
	snmp_view_str(w, e, el, 11, x, reason);
	snmp_view_uint(w, e, el, 12, x, SNMP_CELL_COUNTER32,
		       r ? r->transitions : 0);
	counters(vs, rs, &c);
	if (c.found) {
		snmp_view_uint(w, e, el, 13, x, SNMP_CELL_GAUGE32, c.active);
		snmp_view_uint(w, e, el, 14, x, SNMP_CELL_GAUGE32, c.inactive);
	}
	put_counters(w, e, el, 15, x, &c);
}

static void ck_row(struct snmp_view *w, const struct check_ck_rt *k,
		   const struct snmp_idx *x, uint64_t now)
{
	const snmp_subid *e = ck_entry;
	size_t el = LEN(ck_entry);

	snmp_view_str(w, e, el, 2, x, k->type ? k->type->name : "");
	snmp_view_int(w, e, el, 3, x, k->up ? 1 : 2);
	snmp_view_uint(w, e, el, 4, x, SNMP_CELL_COUNTER64, k->checks);
	snmp_view_uint(w, e, el, 5, x, SNMP_CELL_COUNTER64, k->failed);
	snmp_view_int(w, e, el, 6, x, !k->last_at ? RESULT_NONE
		      : k->last_ok ? RESULT_OK : RESULT_FAIL);
	snmp_view_str(w, e, el, 7, x, k->last_ok ? "" : k->reason);
	snmp_view_uint(w, e, el, 8, x, SNMP_CELL_TIMETICKS,
		       k->last_at && k->last_at < now
		       ? (now - k->last_at) / 10000 : 0);
}

static void fill(struct snmp_view *w, void *arg)
{
	uint64_t now = clock_us(CLOCK_REALTIME);

	(void)arg;
	if (!cs.cc)
		return;
	read_kernel();
	for (size_t i = 0; i < cs.cc->nvs; i++) {
		const struct check_vs *vs = cs.cc->vs[i];
		struct snmp_idx x;

		snmp_idx_init(&x);
		snmp_idx_int(&x, i + 1);
		vs_row(w, vs, &x);
		for (size_t j = 0; j < vs->nrs; j++) {
			const struct check_rs_rt *r = vs->rs[j]->rt;
			struct snmp_idx y = x;

			snmp_idx_int(&y, j + 1);
			rs_row(w, vs, vs->rs[j], &y);
			for (size_t k = 0; r && k < r->ncks; k++) {
				struct snmp_idx z = y;

				snmp_idx_int(&z, k + 1);
				ck_row(w, &r->cks[k], &z, now);
			}
		}
	}
}

/* ------------------------------------------------------ notifications */

static size_t vs_pos(const struct check_vs *vs)
{
	for (size_t i = 0; cs.cc && i < cs.cc->nvs; i++)
		if (cs.cc->vs[i] == vs)
			return i + 1;
	return 0;
}

static void put_name(struct snmp_notify *n, const snmp_subid *e, size_t el,
		     unsigned col, const struct snmp_idx *x, const char *s)
{
	snmp_subid name[SNMP_VIEW_MAXOID];
	size_t l = snmp_oid_cell(name, e, el, col, x);

	snmp_notify_octets(n, name, l, s, strlen(s));
}

static void put_int(struct snmp_notify *n, const snmp_subid *e, size_t el,
		    unsigned col, const struct snmp_idx *x, int64_t v)
{
	snmp_subid name[SNMP_VIEW_MAXOID];
	size_t l = snmp_oid_cell(name, e, el, col, x);

	snmp_notify_int(n, name, l, v);
}

static void on_rs(const struct check_vs *vs, const struct check_rs *rs,
		  bool up, void *arg)
{
	size_t v = vs_pos(vs), r = 0;
	char vname[INET6_ADDRSTRLEN + 300], rname[INET6_ADDRSTRLEN + 20];
	struct snmp_idx x, y;
	struct snmp_notify *n;

	(void)arg;
	for (size_t j = 0; j < vs->nrs; j++)
		if (vs->rs[j] == rs)
			r = j + 1;
	if (!v || !r || !cs.o.traps)
		return;
	snmp_idx_init(&x);
	snmp_idx_int(&x, v);
	y = x;
	snmp_idx_int(&y, r);
	check_notify_vs_name(vs, vname, sizeof(vname));
	check_notify_rs_name(vs, rs, rname, sizeof(rname));
	n = snmp_notify_new(trap_rs, LEN(trap_rs));
	put_name(n, vs_entry, LEN(vs_entry), 2, &x, vname);
	put_name(n, rs_entry, LEN(rs_entry), 2, &y, rname);
	put_int(n, rs_entry, LEN(rs_entry), 7, &y, up ? 1 : 2);
	snmp_notify_send(n);
}

static void on_vs(const struct check_vs *vs, bool up, void *arg)
{
	size_t v = vs_pos(vs);
	char vname[INET6_ADDRSTRLEN + 300];
	struct snmp_idx x;
	struct snmp_notify *n;

	(void)arg;
	if (!v || !cs.o.traps)
		return;
	snmp_idx_init(&x);
	snmp_idx_int(&x, v);
	check_notify_vs_name(vs, vname, sizeof(vname));
	n = snmp_notify_new(trap_vs, LEN(trap_vs));
	put_name(n, vs_entry, LEN(vs_entry), 2, &x, vname);
	put_int(n, vs_entry, LEN(vs_entry), 11, &x, up ? 1 : 2);
	snmp_notify_send(n);
}

/* ------------------------------------------------------------- life */

void check_snmp_stop(void)
{
	check_notify_set_hook(cs.notify, NULL);
	snmp_agent_stop();
	ipvs_table_free(&cs.kernel);
	memset(&cs, 0, sizeof(cs));
}

/* The subagent, once started, stays for the life of the process (see
 * snmp_agent.h): a reload only changes what it serves. */
void check_snmp_set(sd_event *e, const struct check_conf *cc,
		    struct check_ipvs *ipvs, struct check_notify *n,
		    const struct check_snmp_opts *o)
{
	struct check_notify_hook h = { .rs = on_rs, .vs = on_vs };
	bool was = cs.o.enable;

	cs.cc = cc;
	cs.ipvs = ipvs;
	cs.o.traps = o->traps;
	cs.o.stats_usec = o->stats_usec;
	cs.read_at = 0;
	if (cs.notify != n)
		check_notify_set_hook(cs.notify, NULL);
	cs.notify = n;
	if (!o->enable) {
		if (was)
			snmp_agent_unregister_all();
		cs.o.enable = false;
		check_notify_set_hook(n, NULL);
		return;
	}
	if (snmp_agent_start(e, "tandem-check", o->socket) < 0)
		return;
	if (!was)
		cs.o.enable = snmp_agent_register("TANDEM-MIB-check", root,
						  LEN(root), fill, NULL) == 0;
	snmp_agent_invalidate();
	check_notify_set_hook(n, cs.o.enable ? &h : NULL);
}
