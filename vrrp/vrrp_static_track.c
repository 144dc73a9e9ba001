/*
 * Static track groups: a static_ipaddress line with `track_group G` is
 * watched; when it is deleted, it is added again at once, and when that
 * fails (its interface is gone, the kernel refuses it) every instance of
 * G goes to FAULT until the address is back, as keepalived.conf(5) says
 * of "Static track groups".
 *
 * The addresses are watched through lib/nl_addr_watch (rtnetlink events,
 * no polling).  Each batch of changes, and each interface that appears
 * (an address whose interface was missing may be restorable now: the
 * runtime calls vrrp_strack_check()), re-evaluates every tracked line:
 * present, or restored, or failed.  An instance's fault is then the OR
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
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_routes.h"
#include "vrrp/vrrp_run.h"
#include "vrrp/vrrp_static_track.h"

struct vrrp_strack {
	sd_event *e;
	struct vrrp_run *run;
	struct nl_addr_watch *w;
	const struct vrrp_conf *vc;
	bool *failed;			/* per vc->svips line */
	size_t n;
};

static void apply(struct vrrp_strack *st)
{
	for (struct vrrp_inst *vi = vrrp_run_first(st->run); vi; vi = vi->next) {
		bool fault = false;

		for (size_t i = 0; i < st->n && !fault; i++)
			fault = st->failed[i] &&
				vrrp_conf_track_group_has(st->vc->svips[i].tg,
							  vi->ci->name);
		if (fault != !!(vi->fault & VRRP_FAULT_STATIC))
			vrrp_inst_set_fault(vi, VRRP_FAULT_STATIC, fault);
	}
}

void vrrp_strack_check(struct vrrp_strack *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		const struct vrrp_vip *v = &st->vc->svips[i];
		char buf[64];
		int r;

		if (!v->tg || nl_addr_watch_has(st->w, v->addr.family,
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
				 "was deleted: %s", buf, v->dev, v->tg->name,
				 r ? "cannot restore it, its instances go "
				 "to FAULT" : "restored");
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
	if ((r = nl_addr_watch_new(e, on_addr, st, &st->w)) < 0) {
		free(st);
		return r;
	}
	*out = st;
	return 0;
}

void vrrp_strack_set(struct vrrp_strack *st, const struct vrrp_conf *vc)
{
	bool *f = NULL;
	size_t n = vc ? vc->nsvips : 0;

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
	free(st->failed);
	free(st);
}
