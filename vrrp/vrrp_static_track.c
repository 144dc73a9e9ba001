/*
 * Static track groups: a static_ipaddress, static_routes or static_rules
 * line with `track_group G` is watched; when it is deleted, it is added
 * again at once, and when that
 * fails (its interface is gone, the kernel refuses it) every instance of
 * G goes to FAULT until the address is back, as keepalived.conf(5) says
 * of "Static track groups".
 *
 * The addresses are watched through lib/nl_addr_watch (rtnetlink events,
 * no polling), the routes and rules through lib/nl_route_watch (told of
 * deletions only; every tracked route and rule is then added again, the
 * kernel's EEXIST saying which were still there).  Each batch of
 * changes, and each link event (an interface that goes down takes its
 * IPv4 routes without a deletion message; one that appears may make a
 * line restorable: the runtime calls vrrp_strack_check()), re-evaluates
 * every tracked line: present, or restored, or failed.  An instance's fault is then the OR
 * over the failed lines whose group names it (VRRP_FAULT_STATIC), so an
 * instance in several groups clears only when all of them are fine.  A
 * successful restore shows up as a new address event, which finds it
 * present: no loop.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/nl_addr_watch.h"
#include "lib/nl_route_watch.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_routes.h"
#include "vrrp/vrrp_run.h"
#include "vrrp/vrrp_static_track.h"

struct vrrp_strack {
	sd_event *e;
	struct vrrp_run *run;
	struct nl_addr_watch *w;
	struct nl_route_watch *rw;	/* routes and rules deleted */
	const struct vrrp_conf *vc;
	bool *failed;			/* per vc->svips, sroutes, srules line */
	size_t n;
};

/* The group of line I of the three lists, in that order. */
static const struct vrrp_conf_track_group *tg_of(const struct vrrp_strack *st,
						 size_t i)
{
	const struct vrrp_conf *vc = st->vc;

	if (i < vc->nsvips)
		return vc->svips[i].tg;
	i -= vc->nsvips;
	if (i < vc->nsroutes)
		return vc->sroutes[i].tg;
	return vc->srules[i - vc->nsroutes].tg;
}

static void apply(struct vrrp_strack *st)
{
	for (struct vrrp_inst *vi = vrrp_run_first(st->run); vi; vi = vi->next) {
		bool fault = false;

		for (size_t i = 0; i < st->n && !fault; i++)
			fault = st->failed[i] &&
				vrrp_conf_track_group_has(tg_of(st, i),
							  vi->ci->name);
		if (fault != !!(vi->fault & VRRP_FAULT_STATIC))
			vrrp_inst_set_fault(vi, VRRP_FAULT_STATIC, fault);
	}
}

void vrrp_strack_check(struct vrrp_strack *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n && i < st->vc->nsvips; i++) {
		const struct vrrp_svip *s = &st->vc->svips[i];
		const struct vrrp_vip *v = &s->v;
		char buf[64];
		int r;

		if (!s->tg || nl_addr_watch_has(st->w, v->addr.family,
						&v->addr.u)) {
			st->failed[i] = false;
			continue;
		}
		/* 1: it was there after all (the picture lags behind a
		 * reload that just added it) */
		r = vrrp_static_addr_restore(NULL, v);
		st->failed[i] = r < 0;
		vrrp_conf_ip_str(&v->addr, buf, sizeof(buf));
		if (r <= 0)
			log_warn("static address %s dev %s of track_group %s "
				 "was deleted: %s", buf, v->dev, s->tg->name,
				 r ? "cannot restore it, its instances go "
				 "to FAULT" : "restored");
	}
	/* Routes and rules: no picture of the tables is kept; adding again
	 * what is there is answered "there" (1) by the kernel. */
	for (size_t i = st->vc ? st->vc->nsvips : 0; i < st->n; i++) {
		size_t k = i - st->vc->nsvips;
		bool route = k < st->vc->nsroutes;
		const struct vrrp_conf_loc *loc;
		int r;

		if (!tg_of(st, i))
			continue;
		r = route ? vrrp_static_route_restore(NULL, &st->vc->sroutes[k])
			  : vrrp_static_rule_restore(NULL,
				&st->vc->srules[k - st->vc->nsroutes]);
		loc = route ? &st->vc->sroutes[k].loc :
			      &st->vc->srules[k - st->vc->nsroutes].loc;
		if (r == 0)
			log_warn("static %s at %s:%d of track_group %s was "
				 "deleted: restored", route ? "route" : "rule",
				 vrrp_conf_loc_file(loc), loc->line,
				 tg_of(st, i)->name);
		st->failed[i] = r < 0;
	}
	apply(st);
}

static void on_addr(void *data)
{
	vrrp_strack_check(data);
}

int vrrp_strack_new(sd_event *e, struct vrrp_run *run,
		    struct vrrp_strack **out)
{
	struct vrrp_strack *st = calloc(1, sizeof(*st));
	int r;

	if (!st)
		return -ENOMEM;
	st->run = run;
	if ((r = nl_addr_watch_new(e, on_addr, st, &st->w)) < 0 ||
	    (r = nl_route_watch_new(e, on_addr, st, &st->rw)) < 0) {
		vrrp_strack_free(st);
		return r;
	}
	*out = st;
	return 0;
}

void vrrp_strack_set(struct vrrp_strack *st, const struct vrrp_conf *vc)
{
	bool *f = NULL;
	size_t n = vc ? vc->nsvips + vc->nsroutes + vc->nsrules : 0;

	if (!st)
		return;
	if (n && !(f = calloc(n, sizeof(*f)))) {
		log_err("VRRP: out of memory: static addresses not tracked");
		n = 0;
	}
	free(st->failed);
	st->failed = f;
	st->n = n;
	st->vc = vc;
	vrrp_strack_check(st);
}

void vrrp_strack_free(struct vrrp_strack *st)
{
	if (!st)
		return;
	nl_addr_watch_free(st->w);
	nl_route_watch_free(st->rw);
	free(st->failed);
	free(st);
}
