/*
 * The checks of the LVS config that need the whole file, run once after
 * every block was read: a virtual_server of a group that no
 * virtual_server_group defines, the same service defined twice (also
 * through overlapping groups), and, per service each virtual_server
 * stands for, its real servers and sorry server: the service's family
 * unless tunnelled (and not even then with a sync daemon: the kernel
 * refuses a destination of another family while one runs, and the sync
 * protocol could not carry its connections), a port of their own only
 * with NAT (the kernel cannot change the port of a directly routed or
 * tunnelled packet), and no real server twice.  Each problem is reported once, where it was written.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check/check_vs_conf.h"

static void err(struct conf_diag *d, const struct check_loc *l,
		const char *kw, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void err(struct conf_diag *d, const struct check_loc *l,
		const char *kw, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_diag_add(d, CONF_ERROR, l->file, l->line, "%s: %s", kw, msg);
}

static const char *fam(int af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

struct svc_ref {
	struct ipvs_service svc;
	size_t vs;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct svc_ref *x = a, *y = b;
	int c = ipvs_service_cmp(&x->svc, &y->svc);

	if (c)
		return c;
	return x->vs < y->vs ? -1 : x->vs > y->vs;
}

/* A file written in service order is sorted already: a look costs n
 * compares where the sort costs n log n. */
static bool in_order(const struct svc_ref *r, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (cmp_ref(&r[i - 1], &r[i]) > 0)
			return false;
	return true;
}

/* The same service from two virtual_servers. */
static int check_dups(struct check_conf *cc, struct conf_diag *d)
{
	struct svc_ref *refs = NULL, *nr;
	size_t n = 0, cap = 0;
	int r = 0;

	for (size_t i = 0; i < cc->nvs; i++) {
		struct ipvs_service *s, one;
		long k = check_vs_services_in(cc, cc->vs[i], &one, &s);

		/* Doubled: one copy per virtual_server was quadratic. */
		if (k >= 0 && n + (size_t)k >= cap) {
			size_t c = cap ? cap : 64;

			while (c <= n + (size_t)k)
				c *= 2;
			if ((nr = realloc(refs, c * sizeof(*nr)))) {
				refs = nr;
				cap = c;
			}
		}
		if (k < 0 || n + (size_t)k >= cap) {
			free(refs);
			if (k > 0 && s != &one)
				free(s);
			return -ENOMEM;
		}
		for (long j = 0; j < k; j++)
			refs[n++] = (struct svc_ref){ .svc = s[j], .vs = i };
		if (s != &one)
			free(s);
	}
	if (n && !in_order(refs, n))
		qsort(refs, n, sizeof(*refs), cmp_ref);
	for (size_t i = 1; i < n; i++) {
		const struct check_vs *a = cc->vs[refs[i - 1].vs];
		const struct check_vs *b = cc->vs[refs[i].vs];
		char buf[IPVS_STR_MAX];

		if (ipvs_service_cmp(&refs[i - 1].svc, &refs[i].svc))
			continue;
		ipvs_service_str(&refs[i].svc, buf, sizeof(buf));
		if (a == b)
			err(d, &b->loc, "virtual_server", "expected each "
			    "service once, got %s twice in group '%s'", buf,
			    b->group);
		else
			err(d, &b->loc, "virtual_server", "expected a service "
			    "not defined before, got %s already defined at "
			    "%s:%d", buf, a->loc.file, a->loc.line);
		r = -1;
	}
	free(refs);
	return r;
}

/* A real or sorry server against one service; bit 0 of *said: family
 * reported, bit 1: port reported. */
static void check_server(struct conf_diag *d, const struct check_loc *loc,
			 const char *kw, int af, bool port_set, uint16_t port,
			 const struct check_fwd *f, bool sync_daemon,
			 const struct ipvs_service *s, unsigned *said)
{
	if (f->method != IPVS_FWD_TUNNEL && af != s->af && !(*said & 1)) {
		err(d, loc, kw, "expected an %s address like its service's "
		    "(only a TUN server may differ), got an %s one",
		    fam(s->af), fam(af));
		*said |= 1;
	}
	if (f->method == IPVS_FWD_TUNNEL && af != s->af && sync_daemon &&
	    !(*said & 1)) {
		err(d, loc, kw, "expected an %s address like its service's "
		    "while lvs_sync_daemon is set (the kernel refuses a "
		    "tunnel to another family then), got an %s one",
		    fam(s->af), fam(af));
		*said |= 1;
	}
	if (!s->fwmark && port_set && port != s->port &&
	    f->method != IPVS_FWD_MASQ && !(*said & 2)) {
		err(d, loc, kw, "expected the service's port %u with "
		    "lvs_method %s (only NAT can change the port), got %u",
		    s->port, f->method == IPVS_FWD_DROUTE ? "DR" : "TUN",
		    port);
		*said |= 2;
	}
}

static bool same_rs(const struct check_rs *a, const struct check_rs *b,
		    uint16_t svc_port)
{
	uint16_t pa = a->port_set ? a->port : svc_port;
	uint16_t pb = b->port_set ? b->port : svc_port;

	return a->af == b->af && pa == pb &&
	       !memcmp(&a->addr, &b->addr, a->af == AF_INET6 ? 16 : 4);
}

static int check_vs(struct check_conf *cc, struct check_vs *vs,
		    struct conf_diag *d)
{
	struct ipvs_service *s, one;
	long n = check_vs_services_in(cc, vs, &one, &s);
	unsigned *said, gran_said = 0, sorry_said = 0;

	if (n <= 0)
		return (int)n;
	said = calloc(vs->nrs + 1, sizeof(*said));
	if (!said) {
		if (s != &one)
			free(s);
		return -ENOMEM;
	}
	for (long k = 0; k < n; k++) {
		const struct ipvs_service *sv = &s[k];

		if (vs->granularity >= 0 && !gran_said &&
		    ((sv->af == AF_INET6 && vs->granularity_v4mask) ||
		     (sv->af == AF_INET && vs->granularity > 32))) {
			if (vs->granularity_v4mask)
				err(d, &vs->loc, "persistence_granularity",
				    "expected a prefix length (1-128) for an "
				    "IPv6 service, got an IPv4 netmask");
			else
				err(d, &vs->loc, "persistence_granularity",
				    "expected a netmask or a prefix length "
				    "1-32 for an IPv4 service, got %d",
				    vs->granularity);
			gran_said = 1;
		}
		for (size_t i = 0; i < vs->nrs; i++) {
			const struct check_rs *rs = vs->rs[i];
			const struct check_fwd *f = rs->fwd.set ? &rs->fwd
								: &vs->fwd;

			if (!rs->af)
				continue;
			check_server(d, &rs->loc, "real_server", rs->af,
				     rs->port_set, rs->port, f,
				     cc->sync_daemon, sv, &said[i]);
			for (size_t j = 0; j < i && !(said[i] & 4); j++) {
				if (!vs->rs[j]->af ||
				    !same_rs(vs->rs[j], rs, sv->port))
					continue;
				err(d, &rs->loc, "real_server", "expected each "
				    "real server once in a virtual_server, got "
				    "this one already at %s:%d",
				    vs->rs[j]->loc.file, vs->rs[j]->loc.line);
				said[i] |= 4;
			}
		}
		if (vs->sorry.set && vs->sorry.af)
			check_server(d, &vs->sorry.loc, "sorry_server",
				     vs->sorry.af, vs->sorry.port_set,
				     vs->sorry.port, vs->sorry_fwd.set ?
				     &vs->sorry_fwd : &vs->fwd,
				     cc->sync_daemon, sv, &sorry_said);
	}
	free(said);
	if (s != &one)
		free(s);
	return 0;
}

int check_conf_finish(struct check_conf *cc, struct conf_diag *d)
{
	size_t before = d->errors, at = 0;

	for (size_t i = 0; i < cc->nvs; i++) {
		struct check_vs *vs = cc->vs[i];

		if (vs->kind == CHECK_VS_GROUP &&
		    !check_conf_find_group(cc, vs->group)) {
			err(d, &vs->loc, "virtual_server", "expected a "
			    "virtual_server_group named '%s', got none",
			    vs->group);
			vs->kind = CHECK_VS_BAD;
		}
	}
	if (check_dups(cc, d) == -ENOMEM)
		goto nomem;
	/* A virtual server taken over passed these checks in the config
	 * it comes from, against the same groups and global_defs (the
	 * condition for taking it over): only the checks across virtual
	 * servers, above, have something new to look at. */
	for (size_t i = 0; i < cc->nvs; i++)
		if (!check_conf_vs_shared(cc, &at, i) &&
		    check_vs(cc, cc->vs[i], d) == -ENOMEM)
			goto nomem;
	return d->errors > before ? -1 : 0;
nomem:
	conf_diag_add(d, CONF_ERROR, NULL, 0, "virtual_server: out of memory");
	return -1;
}
