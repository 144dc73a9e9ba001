/*
 * The config -> IPVS table mapping: services with their settings in the
 * kernel's form, real servers at their weight with inherited method and
 * port, groups expanded per address and fwmark, fwmark families, quorum
 * and the sorry server, ha_suspend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "ipvs/ipvs_reconcile.h"
#include "test/unit/check_test_util.h"

static void build(const char *text, struct ipvs_table *t,
		  const struct check_table_opts *o)
{
	struct check_conf cc;
	struct conf_diag d;

	if (parse(text, &cc, &d) != 0)
		dump_diag(&d);
	assert_int_equal(d.errors, 0);
	memset(t, 0, sizeof(*t));
	assert_int_equal(check_conf_to_table(&cc, o, t), 0);
	conf_diag_free(&d);
	check_conf_free(&cc);
}

static struct ipvs_vs *find(const struct ipvs_table *t, int proto,
			    const char *ip, uint16_t port)
{
	struct ipvs_service k;
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;

	ipvs_service_init(&k, af);
	k.protocol = (uint16_t)proto;
	assert_int_equal(inet_pton(af, ip, &k.addr), 1);
	k.port = port;
	return ipvs_table_find(t, &k);
}

static struct ipvs_vs *find_mark(const struct ipvs_table *t, int af,
				 uint32_t mark)
{
	struct ipvs_service k;

	ipvs_service_init(&k, af);
	k.fwmark = mark;
	return ipvs_table_find(t, &k);
}

static struct ipvs_dest *dest(const struct ipvs_vs *vs, const char *ip,
			      uint16_t port)
{
	struct ipvs_dest k;
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;

	ipvs_dest_init(&k, af);
	assert_int_equal(inet_pton(af, ip, &k.addr), 1);
	k.port = port;
	return ipvs_vs_find_dest(vs, &k);
}

static void simple_service(void **state)
{
	struct ipvs_table t;
	struct ipvs_vs *v;
	struct ipvs_dest *d;

	(void)state;
	build("virtual_server 10.0.0.1 80 {\n lvs_sched rr\n"
	      " real_server 10.0.1.1 8080 {\n  weight 3\n  uthreshold 50\n"
	      "  lthreshold 5\n }\n real_server 10.0.1.2 {\n  weight 0\n }\n}\n",
	      &t, NULL);
	assert_int_equal(t.n, 1);
	v = find(&t, IPPROTO_TCP, "10.0.0.1", 80);
	assert_non_null(v);
	assert_string_equal(v->svc.sched, "rr");
	assert_int_equal(v->svc.flags, 0);
	assert_int_equal(v->svc.timeout, 0);
	assert_int_equal(v->svc.netmask, 0xffffffffu);
	assert_string_equal(v->svc.pe_name, "");
	assert_int_equal(v->ndests, 2);
	d = dest(v, "10.0.1.1", 8080);
	assert_non_null(d);
	assert_int_equal(d->weight, 3);
	assert_int_equal(d->fwd, IPVS_FWD_MASQ);
	assert_int_equal(d->u_thresh, 50);
	assert_int_equal(d->l_thresh, 5);
	/* the port left out is the service's; weight 0 stays in the table */
	d = dest(v, "10.0.1.2", 80);
	assert_non_null(d);
	assert_int_equal(d->weight, 0);
	ipvs_table_free(&t);
}

static void service_settings(void **state)
{
	struct ipvs_table t;
	struct ipvs_vs *v;

	(void)state;
	build("virtual_server 10.0.0.1 53 {\n protocol UDP\n ops\n lvs_sched sh\n"
	      " sh-port\n sh-fallback\n persistence_timeout 120\n"
	      " persistence_granularity 255.255.255.0\n persistence_engine sip\n}\n"
	      "virtual_server 2001:db8::1 443 {\n protocol SCTP\n"
	      " persistence_timeout\n persistence_granularity 48\n flag-3\n}\n"
	      "virtual_server 10.0.0.2 0 {\n persistence_timeout 5\n"
	      " persistence_granularity 20\n}\n", &t, NULL);
	assert_int_equal(t.n, 3);
	v = find(&t, IPPROTO_UDP, "10.0.0.1", 53);
	assert_non_null(v);
	assert_string_equal(v->svc.sched, "sh");
	assert_int_equal(v->svc.flags, IP_VS_SVC_F_ONEPACKET |
			 IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED_SH_PORT |
			 IP_VS_SVC_F_SCHED_SH_FALLBACK);
	assert_int_equal(v->svc.timeout, 120);
	assert_int_equal(v->svc.netmask, htonl(0xffffff00u));
	assert_string_equal(v->svc.pe_name, "sip");
	v = find(&t, IPPROTO_SCTP, "2001:db8::1", 443);
	assert_non_null(v);
	assert_int_equal(v->svc.flags, IP_VS_SVC_F_PERSISTENT |
			 IP_VS_SVC_F_SCHED3);
	assert_int_equal(v->svc.timeout, 360);
	assert_int_equal(v->svc.netmask, 48);
	v = find(&t, IPPROTO_TCP, "10.0.0.2", 0);
	assert_non_null(v);
	assert_int_equal(v->svc.netmask, htonl(0xfffff000u));
	ipvs_table_free(&t);
}

static void methods_inherit(void **state)
{
	struct ipvs_table t;
	struct ipvs_vs *v;
	struct ipvs_dest *d;

	(void)state;
	build("virtual_server 10.0.0.1 80 {\n lvs_method DR\n"
	      " real_server 10.0.1.1 80 {\n }\n"
	      " real_server 10.0.1.2 8080 {\n  lvs_method NAT\n }\n"
	      " real_server 2001:db8::5 80 {\n  lvs_method TUN type gue port 6080"
	      " csum\n }\n"
	      " real_server 10.0.1.4 80 {\n  lvs_method TUN type gre\n }\n}\n",
	      &t, NULL);
	v = find(&t, IPPROTO_TCP, "10.0.0.1", 80);
	assert_non_null(v);
	assert_int_equal(v->ndests, 4);
	assert_int_equal(dest(v, "10.0.1.1", 80)->fwd, IPVS_FWD_DROUTE);
	assert_int_equal(dest(v, "10.0.1.2", 8080)->fwd, IPVS_FWD_MASQ);
	d = dest(v, "2001:db8::5", 80);
	assert_non_null(d);
	assert_int_equal(d->af, AF_INET6);
	assert_int_equal(d->fwd, IPVS_FWD_TUNNEL);
	assert_int_equal(d->tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GUE);
	assert_int_equal(d->tun_port, 6080);
	assert_int_equal(d->tun_flags, IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
	d = dest(v, "10.0.1.4", 80);
	assert_int_equal(d->tun_type, IP_VS_CONN_F_TUNNEL_TYPE_GRE);
	assert_int_equal(d->tun_port, 0);
	ipvs_table_free(&t);
}

static void fwmark_families(void **state)
{
	struct ipvs_table t;
	struct ipvs_vs *v;

	(void)state;
	build("virtual_server fwmark 1 {\n real_server 10.0.1.1 80 {\n }\n}\n"
	      "virtual_server fwmark 2 {\n real_server 2001:db8::1 80 {\n }\n}\n"
	      "virtual_server fwmark 3 {\n ip_family inet6\n}\n"
	      "virtual_server fwmark 4 {\n lvs_method TUN\n"
	      " real_server 2001:db8::1 {\n }\n real_server 2001:db8::2 {\n"
	      " }\n}\n"
	      "virtual_server fwmark 5 {\n lvs_method TUN\n"
	      " real_server 2001:db8::1 {\n }\n real_server 10.0.1.2 {\n"
	      " }\n}\n"
	      "virtual_server fwmark 6 {\n}\n", &t, NULL);
	assert_int_equal(t.n, 6);
	assert_non_null(v = find_mark(&t, AF_INET, 1));
	assert_int_equal(v->svc.protocol, 0);
	assert_non_null(dest(v, "10.0.1.1", 80));
	assert_non_null(v = find_mark(&t, AF_INET6, 2));
	assert_non_null(find_mark(&t, AF_INET6, 3));
	assert_non_null(v = find_mark(&t, AF_INET6, 4));
	/* a real server without a port behind a fwmark: port 0 */
	assert_non_null(dest(v, "2001:db8::2", 0));
	assert_non_null(find_mark(&t, AF_INET, 5));
	assert_non_null(find_mark(&t, AF_INET, 6));
	ipvs_table_free(&t);
}

static void group_expansion(void **state)
{
	struct ipvs_table t;
	struct ipvs_vs *v;

	(void)state;
	build("virtual_server_group G {\n 10.0.0.1 80\n 10.0.0.10-12 443\n"
	      " fwmark 9\n}\n"
	      "virtual_server_group G6 {\n 2001:db8::fe-101 80\n}\n"
	      "virtual_server group G {\n lvs_sched rr\n"
	      " real_server 10.0.1.1 {\n  weight 2\n }\n"
	      " real_server 10.0.1.2 8080 {\n }\n}\n"
	      "virtual_server group G6 {\n protocol UDP\n}\n", &t, NULL);
	assert_int_equal(t.n, 1 + 3 + 1 + 4);
	v = find(&t, IPPROTO_TCP, "10.0.0.1", 80);
	assert_non_null(v);
	assert_string_equal(v->svc.sched, "rr");
	assert_int_equal(dest(v, "10.0.1.1", 80)->weight, 2);
	assert_non_null(dest(v, "10.0.1.2", 8080));
	for (int i = 10; i <= 12; i++) {
		char ip[16];

		snprintf(ip, sizeof(ip), "10.0.0.%d", i);
		v = find(&t, IPPROTO_TCP, ip, 443);
		assert_non_null(v);
		/* the port left out follows each service of the group */
		assert_non_null(dest(v, "10.0.1.1", 443));
		assert_int_equal(v->ndests, 2);
	}
	assert_null(find(&t, IPPROTO_TCP, "10.0.0.13", 443));
	v = find_mark(&t, AF_INET, 9);
	assert_non_null(v);
	assert_non_null(dest(v, "10.0.1.1", 0));
	/* an IPv6 range carries into the next byte of the last group */
	assert_non_null(find(&t, IPPROTO_UDP, "2001:db8::fe", 80));
	assert_non_null(find(&t, IPPROTO_UDP, "2001:db8::ff", 80));
	assert_non_null(find(&t, IPPROTO_UDP, "2001:db8::100", 80));
	assert_non_null(find(&t, IPPROTO_UDP, "2001:db8::101", 80));
	ipvs_table_free(&t);
}

static void quorum_and_sorry(void **state)
{
	struct ipvs_table t;
	struct ipvs_vs *v;
	struct ipvs_dest *d;

	(void)state;
	build("virtual_server 10.0.0.1 80 {\n quorum 5\n"
	      " sorry_server 10.0.9.9\n sorry_server_lvs_method DR\n"
	      " real_server 10.0.1.1 80 {\n  weight 2\n }\n"
	      " real_server 10.0.1.2 80 {\n  weight 2\n }\n}\n"
	      "virtual_server 10.0.0.2 80 {\n quorum 4\n"
	      " sorry_server 10.0.9.9 81\n"
	      " real_server 10.0.1.1 80 {\n  weight 2\n }\n"
	      " real_server 10.0.1.2 80 {\n  weight 2\n }\n}\n"
	      "virtual_server 10.0.0.3 80 {\n quorum 9\n"
	      " real_server 10.0.1.1 80 {\n }\n}\n"
	      "virtual_server 10.0.0.4 80 {\n sorry_server 10.0.9.9 80\n}\n",
	      &t, NULL);
	/* weight 4 < quorum 5: the sorry server alone, weight 1 */
	v = find(&t, IPPROTO_TCP, "10.0.0.1", 80);
	assert_int_equal(v->ndests, 1);
	d = dest(v, "10.0.9.9", 80);
	assert_non_null(d);
	assert_int_equal(d->weight, 1);
	assert_int_equal(d->fwd, IPVS_FWD_DROUTE);
	/* quorum reached: the real servers */
	v = find(&t, IPPROTO_TCP, "10.0.0.2", 80);
	assert_int_equal(v->ndests, 2);
	assert_null(dest(v, "10.0.9.9", 81));
	/* quorum lost without a sorry server: the real servers stay */
	v = find(&t, IPPROTO_TCP, "10.0.0.3", 80);
	assert_int_equal(v->ndests, 1);
	/* no real server at all */
	v = find(&t, IPPROTO_TCP, "10.0.0.4", 80);
	assert_int_equal(v->ndests, 1);
	assert_non_null(dest(v, "10.0.9.9", 80));
	ipvs_table_free(&t);
}

static bool only_first(int af, const union ipvs_addr *a, void *arg)
{
	(void)arg;
	return af == AF_INET && a->raw[3] == 1;
}

static void ha_suspend(void **state)
{
	struct ipvs_table t;
	const struct check_table_opts o = { .vip_present = only_first };
	const char *text =
		"virtual_server 10.0.0.1 80 {\n ha_suspend\n}\n"
		"virtual_server 10.0.0.2 80 {\n ha_suspend\n}\n"
		"virtual_server 10.0.0.3 80 {\n}\n"
		"virtual_server fwmark 8 {\n ha_suspend\n}\n";

	(void)state;
	build(text, &t, &o);
	assert_int_equal(t.n, 3);
	assert_non_null(find(&t, IPPROTO_TCP, "10.0.0.1", 80));
	assert_null(find(&t, IPPROTO_TCP, "10.0.0.2", 80));
	assert_non_null(find(&t, IPPROTO_TCP, "10.0.0.3", 80));
	assert_non_null(find_mark(&t, AF_INET, 8));
	ipvs_table_free(&t);
	build(text, &t, NULL);
	assert_int_equal(t.n, 4);
	ipvs_table_free(&t);
}

/* The table of a config, reconciled with itself, needs no request; one
 * weight changed needs exactly one. */
static void table_reconciles_minimally(void **state)
{
	struct ipvs_table a, b;
	struct ipvs_plan p = { 0 };
#define BASE "virtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n" \
		"  weight %d\n }\n real_server 10.0.1.2 80 {\n }\n}\n" \
		"virtual_server fwmark 3 {\n real_server 10.0.1.1 80 {\n }\n}\n"
	char text[512];

	(void)state;
	snprintf(text, sizeof(text), BASE, 1);
	build(text, &a, NULL);
	snprintf(text, sizeof(text), BASE, 5);
#undef BASE
	build(text, &b, NULL);
	assert_int_equal(ipvs_reconcile(&a, &a, NULL, &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(ipvs_reconcile(&b, &a, NULL, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.a[0].kind, IPVS_ACT_DEST_SET);
	assert_int_equal(p.a[0].dest.weight, 5);
	ipvs_plan_free(&p);
	ipvs_table_free(&a);
	ipvs_table_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple_service),
		cmocka_unit_test(service_settings),
		cmocka_unit_test(methods_inherit),
		cmocka_unit_test(fwmark_families),
		cmocka_unit_test(group_expansion),
		cmocka_unit_test(quorum_and_sorry),
		cmocka_unit_test(ha_suspend),
		cmocka_unit_test(table_reconciles_minimally),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
