/*
 * The reconciler's rules, one case each: adopt what matches, change in
 * place what differs, add what is missing, delete only what tandem owns
 * (or everything unnamed under flush), and order the plan so services
 * exist before their destinations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "ipvs/ipvs_reconcile.h"

static struct ipvs_vs *svc(struct ipvs_table *t, const char *ip, uint16_t port, const char *sched)
{
	struct ipvs_service s;
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;
	struct ipvs_vs *vs;

	ipvs_service_init(&s, af);
	s.protocol = IPPROTO_TCP;
	inet_pton(af, ip, &s.addr);
	s.port = port;
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	vs = ipvs_table_add_service(t, &s);
	assert_non_null(vs);
	return vs;
}

static struct ipvs_dest *dest(struct ipvs_vs *vs, const char *ip, int weight, bool explicit_af)
{
	struct ipvs_dest d, *p;
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;

	ipvs_dest_init(&d, explicit_af ? af : 0);
	inet_pton(af, ip, &d.addr);
	d.port = 80;
	d.weight = weight;
	p = ipvs_vs_add_dest(vs, &d);
	assert_non_null(p);
	return p;
}

static size_t count(const struct ipvs_plan *p, enum ipvs_action_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += p->a[i].kind == k;
	return n;
}

static void empty_kernel_adds_everything(void **state)
{
	struct ipvs_table want = { 0 }, have = { 0 };
	struct ipvs_plan p = { 0 };
	struct ipvs_vs *a, *b;

	(void)state;
	a = svc(&want, "10.0.0.1", 80, "rr");
	dest(a, "10.0.1.1", 1, false);
	dest(a, "10.0.1.2", 1, false);
	b = svc(&want, "2001:db8::1", 80, "wlc");
	dest(b, "2001:db8::2", 1, false);
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 5);
	assert_int_equal(count(&p, IPVS_ACT_SERVICE_ADD), 2);
	assert_int_equal(count(&p, IPVS_ACT_DEST_ADD), 3);
	/* Services first, then their destinations. */
	assert_int_equal(p.a[0].kind, IPVS_ACT_SERVICE_ADD);
	assert_int_equal(p.a[1].kind, IPVS_ACT_SERVICE_ADD);
	assert_int_equal(p.a[4].kind, IPVS_ACT_DEST_ADD);
	ipvs_plan_free(&p);
	ipvs_table_free(&want);
}

static void matching_table_is_adopted(void **state)
{
	struct ipvs_table want = { 0 }, have = { 0 };
	struct ipvs_plan p = { 0 };

	(void)state;
	/* The config leaves the destination family implicit, the kernel
	 * reports it: still the same entry. */
	dest(svc(&want, "10.0.0.1", 80, "rr"), "10.0.1.1", 3, false);
	struct ipvs_vs *k = svc(&have, "10.0.0.1", 80, "rr");
	struct ipvs_dest *kd = dest(k, "10.0.1.1", 3, true);
	k->svc.flags |= IP_VS_SVC_F_HASHED;
	k->svc.stats.conns = 99;
	kd->active_conns = 4;
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 0);
	ipvs_plan_free(&p);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

static void one_weight_is_one_set(void **state)
{
	struct ipvs_table want = { 0 }, have = { 0 };
	struct ipvs_plan p = { 0 };
	char ip[32];

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(ip, sizeof(ip), "10.0.0.%d", i + 1);
		struct ipvs_vs *w = svc(&want, ip, 80, "wrr"), *h = svc(&have, ip, 80, "wrr");

		for (int j = 0; j < 10; j++) {
			snprintf(ip, sizeof(ip), "10.1.%d.%d", i, j + 1);
			dest(w, ip, (i == 17 && j == 3) ? 7 : 1, false);
			dest(h, ip, 1, true);
		}
	}
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.a[0].kind, IPVS_ACT_DEST_SET);
	assert_int_equal(p.a[0].dest.weight, 7);
	assert_int_equal(p.a[0].svc.addr.v4.s_addr, inet_addr("10.0.0.18"));
	ipvs_plan_free(&p);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

static void changed_service_is_set_not_readded(void **state)
{
	struct ipvs_table want = { 0 }, have = { 0 };
	struct ipvs_plan p = { 0 };

	(void)state;
	dest(svc(&want, "10.0.0.1", 80, "wlc"), "10.0.1.1", 1, false);
	dest(svc(&have, "10.0.0.1", 80, "rr"), "10.0.1.1", 1, true);
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.a[0].kind, IPVS_ACT_SERVICE_SET);
	assert_string_equal(p.a[0].svc.sched, "wlc");
	ipvs_plan_free(&p);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

static void foreign_entries_left_alone(void **state)
{
	struct ipvs_table want = { 0 }, have = { 0 };
	struct ipvs_plan p = { 0 };

	(void)state;
	dest(svc(&want, "10.0.0.1", 80, "rr"), "10.0.1.1", 1, false);
	struct ipvs_vs *k = svc(&have, "10.0.0.1", 80, "rr");
	dest(k, "10.0.1.1", 1, true);
	dest(k, "10.0.1.9", 1, true);			/* someone else's server */
	dest(svc(&have, "10.9.9.9", 80, "rr"), "10.9.9.10", 1, true);	/* and service */
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 0);

	/* With flush they go, and the service's destinations go with it. */
	struct ipvs_reconcile_opts o = { .flush = true };
	assert_int_equal(ipvs_reconcile(&want, &have, &o, &p), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.a[0].kind, IPVS_ACT_SERVICE_DEL);
	assert_int_equal(p.a[0].svc.addr.v4.s_addr, inet_addr("10.9.9.9"));
	assert_int_equal(p.a[1].kind, IPVS_ACT_DEST_DEL);
	assert_int_equal(p.a[1].dest.addr.v4.s_addr, inet_addr("10.0.1.9"));
	ipvs_plan_free(&p);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

static void owned_entries_removed_on_reload(void **state)
{
	struct ipvs_table old = { 0 }, want = { 0 }, have = { 0 };
	struct ipvs_plan p = { 0 };
	struct ipvs_reconcile_opts o = { .owned = &old };

	(void)state;
	/* Before: two services tandem made, one server each plus a foreign one. */
	struct ipvs_vs *a = svc(&old, "10.0.0.1", 80, "rr");
	dest(a, "10.0.1.1", 1, false);
	dest(a, "10.0.1.2", 1, false);
	dest(svc(&old, "10.0.0.2", 80, "rr"), "10.0.2.1", 1, false);
	struct ipvs_vs *k = svc(&have, "10.0.0.1", 80, "rr");
	dest(k, "10.0.1.1", 1, true);
	dest(k, "10.0.1.2", 1, true);
	dest(k, "10.0.1.3", 1, true);			/* foreign */
	dest(svc(&have, "10.0.0.2", 80, "rr"), "10.0.2.1", 1, true);
	/* After: 10.0.0.2 and server 10.0.1.2 removed, 10.0.1.4 added. */
	struct ipvs_vs *w = svc(&want, "10.0.0.1", 80, "rr");
	dest(w, "10.0.1.1", 1, false);
	dest(w, "10.0.1.4", 1, false);
	assert_int_equal(ipvs_reconcile(&want, &have, &o, &p), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.a[0].kind, IPVS_ACT_SERVICE_DEL);
	assert_int_equal(p.a[0].svc.addr.v4.s_addr, inet_addr("10.0.0.2"));
	assert_int_equal(p.a[1].kind, IPVS_ACT_DEST_DEL);
	assert_int_equal(p.a[1].dest.addr.v4.s_addr, inet_addr("10.0.1.2"));
	assert_int_equal(p.a[2].kind, IPVS_ACT_DEST_ADD);
	assert_int_equal(p.a[2].dest.addr.v4.s_addr, inet_addr("10.0.1.4"));
	ipvs_plan_free(&p);
	ipvs_table_free(&old);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

static void tunnel_settings_and_family(void **state)
{
	struct ipvs_table want = { 0 }, have = { 0 };
	struct ipvs_plan p = { 0 };

	(void)state;
	struct ipvs_dest *w = dest(svc(&want, "10.0.0.1", 80, "rr"), "2001:db8::2", 1, true);
	struct ipvs_dest *h = dest(svc(&have, "10.0.0.1", 80, "rr"), "2001:db8::2", 1, true);
	w->fwd = h->fwd = IPVS_FWD_TUNNEL;
	w->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
	h->tun_type = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.a[0].kind, IPVS_ACT_DEST_SET);
	assert_int_equal(p.a[0].dest.af, AF_INET6);
	/* The tunnel type of a non-tunnel entry means nothing. */
	w->fwd = h->fwd = IPVS_FWD_DROUTE;
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 0);
	ipvs_plan_free(&p);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

static void duplicates_count_once(void **state)
{
	struct ipvs_table want = { 0 }, have = { 0 };
	struct ipvs_plan p = { 0 };

	(void)state;
	struct ipvs_vs *a = svc(&want, "10.0.0.1", 80, "rr");
	dest(a, "10.0.1.1", 1, false);
	dest(a, "10.0.1.1", 1, true);
	svc(&want, "10.0.0.1", 80, "rr");
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 2);
	ipvs_plan_free(&p);
	ipvs_table_free(&want);
}

static void fwmark_and_key_order(void **state)
{
	struct ipvs_table want = { 0 }, have = { 0 };
	struct ipvs_plan p = { 0 };
	struct ipvs_service s;

	(void)state;
	/* Insertion order differs between the tables: the merge sorts. */
	for (int i = 0; i < 3; i++) {
		ipvs_service_init(&s, AF_INET);
		s.fwmark = (uint32_t)(i + 1);
		ipvs_table_add_service(&want, &s);
		s.fwmark = (uint32_t)(3 - i);
		ipvs_table_add_service(&have, &s);
	}
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 0);
	ipvs_service_init(&s, AF_INET6);
	s.fwmark = 1;
	ipvs_table_add_service(&want, &s);
	assert_int_equal(ipvs_reconcile(&want, &have, NULL, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.a[0].svc.af, AF_INET6);
	ipvs_plan_free(&p);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_kernel_adds_everything),
		cmocka_unit_test(matching_table_is_adopted),
		cmocka_unit_test(one_weight_is_one_set),
		cmocka_unit_test(changed_service_is_set_not_readded),
		cmocka_unit_test(foreign_entries_left_alone),
		cmocka_unit_test(owned_entries_removed_on_reload),
		cmocka_unit_test(tunnel_settings_and_family),
		cmocka_unit_test(duplicates_count_once),
		cmocka_unit_test(fwmark_and_key_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
