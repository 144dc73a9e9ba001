/*
 * From the LVS config to the IPVS table it asks for.
 *
 * A pure function of the config (and, for ha_suspend, of which virtual
 * addresses are present): no socket, no state, so the whole mapping is
 * unit-tested and the check process can compute the table of a new
 * config before touching the kernel.  A virtual_server of a group stands
 * for one service per address of each range and per fwmark of the
 * group, all with the same settings and real servers.  A real server's
 * port defaults to its service's, its forwarding method to the virtual
 * server's.  A real server's checkers decide whether it is in the table
 * (check_rs_weight: its weight when up, out or at weight 0 with
 * inhibit_on_failure when down, at a dynamic weight when a checker gave
 * one; always up without checkers or outside a running check process);
 * when the virtual server lost its quorum (check_vs_quorum_up: with
 * hysteresis in a running check process, else the weights of those up
 * adding up to less than the quorum), a sorry server, if there is one,
 * replaces them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "check/check_quorum.h"
#include "check/check_rs_rt.h"
#include "check/check_vs_conf.h"

static const uint16_t proto_num[] = {
	[CHECK_PROTO_TCP] = IPPROTO_TCP,
	[CHECK_PROTO_UDP] = IPPROTO_UDP,
	[CHECK_PROTO_SCTP] = IPPROTO_SCTP,
};

static const struct check_fwd *rs_fwd(const struct check_vs *vs,
				      const struct check_rs *rs)
{
	return rs->fwd.set ? &rs->fwd : &vs->fwd;
}

int check_vs_fwmark_af(const struct check_vs *vs)
{
	int tun_af = 0;
	bool tun_mixed = false;

	if (vs->ip_family != CHECK_AF_UNSET)
		return vs->ip_family == CHECK_AF_INET6 ? AF_INET6 : AF_INET;
	for (size_t i = 0; i < vs->nrs; i++) {
		const struct check_rs *rs = vs->rs[i];

		if (!rs->af)
			continue;
		if (rs_fwd(vs, rs)->method != IPVS_FWD_TUNNEL)
			return rs->af;
		if (tun_af && tun_af != rs->af)
			tun_mixed = true;
		tun_af = rs->af;
	}
	if (vs->sorry.set && vs->sorry.af) {
		const struct check_fwd *f = vs->sorry_fwd.set ? &vs->sorry_fwd
							      : &vs->fwd;
		if (f->method != IPVS_FWD_TUNNEL)
			return vs->sorry.af;
	}
	return tun_af && !tun_mixed ? tun_af : AF_INET;
}

static void fill_service(const struct check_vs *vs, struct ipvs_service *s,
			 int af)
{
	size_t l = strnlen(vs->sched, sizeof(s->sched) - 1);

	ipvs_service_init(s, af);
	/* What snprintf made, without its cost on every table built: the
	 * name, then the zeros ipvs_service_init left. */
	memcpy(s->sched, vs->sched, l);
	s->sched[l] = '\0';
	s->flags = vs->sched_flags;
	if (vs->ops)
		s->flags |= IP_VS_SVC_F_ONEPACKET;
	if (vs->persistent) {
		s->flags |= IP_VS_SVC_F_PERSISTENT;
		s->timeout = vs->persistence_timeout;
	}
	if (vs->granularity >= 0) {
		if (af == AF_INET6)
			s->netmask = (uint32_t)vs->granularity;
		else if (vs->granularity <= 32)
			s->netmask = htonl(vs->granularity == 32 ? 0xffffffffu :
					   ~(0xffffffffu >> vs->granularity));
	}
	if (vs->persistence_engine)
		snprintf(s->pe_name, sizeof(s->pe_name), "%s",
			 vs->persistence_engine);
}

/* The i-th address of a range (i < count). */
static void range_addr(const struct check_vsg_entry *e, uint32_t i,
		       union ipvs_addr *a)
{
	*a = e->first;
	if (e->af == AF_INET) {
		a->raw[3] = (uint8_t)(a->raw[3] + i);
	} else {
		unsigned v = ((unsigned)a->raw[14] << 8 | a->raw[15]) + i;

		a->raw[14] = (uint8_t)(v >> 8);
		a->raw[15] = (uint8_t)v;
	}
}

long check_vs_services(const struct check_conf *cc, const struct check_vs *vs,
		       struct ipvs_service **out)
{
	return check_vs_services_in(cc, vs, NULL, out);
}

long check_vs_services_in(const struct check_conf *cc,
			  const struct check_vs *vs, struct ipvs_service *one,
			  struct ipvs_service **out)
{
	const struct check_vsg *g = NULL;
	struct ipvs_service *l;
	size_t n = 0, k = 0;

	*out = NULL;
	switch (vs->kind) {
	case CHECK_VS_BAD:
		return 0;
	case CHECK_VS_ADDR:
	case CHECK_VS_FWMARK:
		n = 1;
		break;
	case CHECK_VS_GROUP:
		g = check_conf_find_group(cc, vs->group);
		for (size_t i = 0; g && i < g->n; i++)
			n += g->e[i].is_fwmark ? 1 : g->e[i].count;
		break;
	}
	if (!n)
		return 0;
	/* One, the common case, needs no allocation where the caller has
	 * room for it. */
	l = n == 1 && one ? memset(one, 0, sizeof(*one)) : calloc(n, sizeof(*l));
	if (!l)
		return -ENOMEM;
	if (vs->kind == CHECK_VS_ADDR) {
		fill_service(vs, &l[0], vs->af);
		l[0].protocol = proto_num[vs->protocol];
		l[0].addr = vs->addr;
		l[0].port = vs->port;
	} else if (vs->kind == CHECK_VS_FWMARK) {
		fill_service(vs, &l[0], check_vs_fwmark_af(vs));
		l[0].fwmark = vs->fwmark;
	} else {
		for (size_t i = 0; i < g->n; i++) {
			const struct check_vsg_entry *e = &g->e[i];

			if (e->is_fwmark) {
				fill_service(vs, &l[k], check_vs_fwmark_af(vs));
				l[k++].fwmark = e->fwmark;
				continue;
			}
			for (uint32_t a = 0; a < e->count; a++, k++) {
				fill_service(vs, &l[k], e->af);
				l[k].protocol = proto_num[vs->protocol];
				range_addr(e, a, &l[k].addr);
				l[k].port = e->port;
			}
		}
	}
	*out = l;
	return (long)n;
}

static void fill_dest(struct ipvs_dest *d, int af, const union ipvs_addr *a,
		      uint16_t port, const struct check_fwd *f)
{
	ipvs_dest_init(d, af);
	d->addr = *a;
	d->port = port;
	d->fwd = f->method;
	if (f->method == IPVS_FWD_TUNNEL) {
		d->tun_type = f->tun_type;
		d->tun_port = f->tun_port;
		d->tun_flags = f->tun_flags;
	}
}

static int add_vs(const struct check_vs *vs, const struct ipvs_service *s,
		  struct ipvs_table *t)
{
	struct ipvs_vs *v = ipvs_table_add_service(t, s);
	struct ipvs_dest d;

	if (!v)
		return -ENOMEM;
	if (!check_vs_quorum_up(vs) && vs->sorry.set) {
		const struct check_sorry *so = &vs->sorry;

		fill_dest(&d, so->af, &so->addr,
			  so->port_set ? so->port : s->port,
			  vs->sorry_fwd.set ? &vs->sorry_fwd : &vs->fwd);
		return ipvs_vs_add_dest(v, &d) ? 0 : -ENOMEM;
	}
	for (size_t i = 0; i < vs->nrs; i++) {
		const struct check_rs *rs = vs->rs[i];
		int w = check_rs_weight(vs, rs);

		if (w < 0)
			continue;	/* down: out of the table */
		fill_dest(&d, rs->af, &rs->addr,
			  rs->port_set ? rs->port : s->port, rs_fwd(vs, rs));
		d.weight = w;
		d.u_thresh = rs->uthreshold;
		d.l_thresh = rs->lthreshold;
		if (!ipvs_vs_add_dest(v, &d))
			return -ENOMEM;
	}
	return 0;
}

/* One virtual server's services, appended to out. */
static int vs_to_table(const struct check_conf *cc, const struct check_vs *vs,
		       const struct check_table_opts *o, struct ipvs_table *out)
{
	struct ipvs_service *svcs, one;
	long n = check_vs_services_in(cc, vs, &one, &svcs);
	int r = n < 0 ? (int)n : 0;

	for (long k = 0; r == 0 && k < n; k++) {
		const struct ipvs_service *s = &svcs[k];

		if (vs->ha_suspend && !s->fwmark && o && o->vip_present &&
		    !o->vip_present(s->af, &s->addr, o->arg))
			continue;
		r = add_vs(vs, s, out);
	}
	if (svcs != &one)
		free(svcs);
	return r;
}

int check_conf_to_table(const struct check_conf *cc,
			const struct check_table_opts *o,
			struct ipvs_table *out)
{
	int r = 0;

	ipvs_table_free(out);
	for (size_t i = 0; r == 0 && i < cc->nvs; i++)
		r = vs_to_table(cc, cc->vs[i], o, out);
	if (r < 0)
		ipvs_table_free(out);
	return r;
}

/* Can run i of the last table stand for cc->vs[i] as it is now?  The
 * same object (taken over whole by a reload, real servers, checkers and
 * their state with it) at the same place, its quorum as it was, and no
 * ha_suspend (whose addresses come and go on their own). */
static bool run_holds(const struct check_table_run *prev, size_t nprev,
		      const struct check_vs *vs, size_t i)
{
	return i < nprev && prev[i].vs == vs && !vs->ha_suspend && vs->rt &&
	       !vs->rt->fresh && vs->rt->quorum_up == prev[i].quorum_up;
}

/* The same for a table made for this very config: a virtual server none
 * of whose real servers changed since (not marked) and whose quorum did
 * not move; fresh ones too, as prev was made after they came. */
static bool run_unmarked(const struct check_table_run *prev, size_t nprev,
			 const struct check_vs *vs, size_t i)
{
	return i < nprev && prev[i].vs == vs && !vs->ha_suspend && vs->rt &&
	       !vs->rt->table_dirty && vs->rt->quorum_up == prev[i].quorum_up;
}

static int to_table_runs(const struct check_conf *cc,
			 const struct check_table_opts *o,
			 struct ipvs_table *prev,
			 const struct check_table_run *prev_runs, size_t nprev,
			 struct ipvs_table *out, struct check_table_run **runs,
			 bool marked)
{
	struct check_table_run *v = calloc(cc->nvs ? cc->nvs : 1, sizeof(*v));
	int r = 0;

	ipvs_table_free(out);
	*runs = NULL;
	if (!v)
		return -ENOMEM;
	/* About as many as last time: one allocation. */
	if (prev && prev->n && !(out->vs = malloc(prev->n * sizeof(*out->vs)))) {
		free(v);
		return -ENOMEM;
	}
	out->cap = prev ? prev->n : 0;
	for (size_t i = 0; r == 0 && i < cc->nvs; i++) {
		const struct check_vs *vs = cc->vs[i];

		v[i].vs = vs;
		v[i].at = out->n;
		v[i].quorum_up = vs->rt ? vs->rt->quorum_up : false;
		if (prev && (marked ? run_unmarked : run_holds)(prev_runs, nprev, vs, i) &&
		    prev_runs[i].at + prev_runs[i].n <= prev->n) {
			struct ipvs_vs *from = &prev->vs[prev_runs[i].at];
			size_t n = prev_runs[i].n;

			if (out->n + n > out->cap) {
				size_t cap = 2 * (out->n + n);
				struct ipvs_vs *g = realloc(out->vs, cap * sizeof(*g));

				if (!g) {
					r = -ENOMEM;
					break;
				}
				out->vs = g;
				out->cap = cap;
			}
			/* Moved, not copied: prev keeps the keys, not the
			 * destinations (check_table_runs_undo puts them back). */
			memcpy(&out->vs[out->n], from, n * sizeof(*from));
			for (size_t k = 0; k < n; k++) {
				from[k].dests = NULL;
				from[k].ndests = from[k].dests_cap = 0;
			}
			out->n += n;
			v[i].n = n;
			v[i].kept = true;
			continue;
		}
		r = vs_to_table(cc, vs, o, out);
		v[i].n = out->n - v[i].at;
	}
	if (r < 0) {
		check_table_runs_undo(prev, prev_runs, nprev, out, v, cc->nvs);
		ipvs_table_free(out);
		free(v);
		return r;
	}
	*runs = v;
	return 0;
}

int check_conf_to_table_runs(const struct check_conf *cc,
			     const struct check_table_opts *o,
			     struct ipvs_table *prev,
			     const struct check_table_run *prev_runs,
			     size_t nprev, struct ipvs_table *out,
			     struct check_table_run **runs)
{
	return to_table_runs(cc, o, prev, prev_runs, nprev, out, runs, false);
}

int check_conf_to_table_marked(const struct check_conf *cc,
			       const struct check_table_opts *o,
			       struct ipvs_table *prev,
			       const struct check_table_run *prev_runs,
			       size_t nprev, struct ipvs_table *out,
			       struct check_table_run **runs)
{
	return to_table_runs(cc, o, prev, prev_runs, nprev, out, runs, true);
}

void check_table_runs_undo(struct ipvs_table *prev,
			   const struct check_table_run *prev_runs, size_t nprev,
			   struct ipvs_table *out,
			   const struct check_table_run *runs, size_t n)
{
	for (size_t i = 0; prev && i < n && i < nprev; i++) {
		if (!runs[i].kept)
			continue;
		for (size_t k = 0; k < runs[i].n; k++) {
			struct ipvs_vs *w = &out->vs[runs[i].at + k];

			prev->vs[prev_runs[i].at + k] = *w;
			w->dests = NULL;
			w->ndests = w->dests_cap = 0;
		}
	}
}
