/*
 * The operator's commands on real servers (check_admin.c): drain puts an
 * up server in the table at weight 0, disable takes it out (weight 0
 * with inhibit_on_failure), enable gives back what the checkers say;
 * "vs" narrows a request; a name that matches nothing, or a bad one, is
 * refused and changes nothing; holds survive a reload that keeps the
 * server (even with new checkers) and go with one that removes it; poll
 * makes the checks due now; "holds" lists what a respawned child must be
 * told again.  The table is checked through check_conf_to_table, the
 * same pure function the IPVS controller programs from.
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
#include <json-c/json.h>

#include "check/check_admin.h"
#include "ipvs/ipvs_reconcile.h"
#include "test/unit/check_test_util.h"

struct fx {
	sd_event *e;
	struct check_rt *rt;
	struct check_conf cc;
	int changed;
};

static struct check_rs_rt *rs_at(const struct fx *f, size_t i)
{
	size_t n;
	struct check_rs_rt *const *v = check_rt_servers(f->rt, &n);

	assert_true(i < n);
	return v[i];
}

static void on_changed(void *arg)
{
	((struct fx *)arg)->changed++;
}

static void load(struct check_conf *cc, const char *text)
{
	struct conf_diag d;

	if (parse(text, cc, &d) != 0)
		dump_diag(&d);
	assert_int_equal(d.errors, 0);
	conf_diag_free(&d);
}

static const char *CONF =
	"virtual_server 192.0.2.1 80 {\n"
	" real_server 10.0.1.1 80 {\n  weight 3\n }\n"
	" real_server 10.0.1.2 80 {\n  weight 2\n  inhibit_on_failure\n }\n"
	" real_server 10.0.1.3 8080 {\n  weight 1\n"
	"  TCP_CHECK {\n   alpha\n   delay_loop 3600\n"
	"   connect_ip 127.0.0.1\n   connect_port 1\n  }\n }\n"
	"}\n"
	"virtual_server 192.0.2.2 80 {\n"
	" real_server 10.0.1.1 80 {\n  weight 5\n }\n"
	"}\n"
	"virtual_server 2001:db8::100 80 {\n"
	" real_server 2001:db8::1 80 {\n  weight 4\n }\n"
	"}\n";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(sd_event_new(&f->e), 0);
	assert_int_equal(check_rt_new(f->e, on_changed, f, &f->rt), 0);
	load(&f->cc, CONF);
	assert_int_equal(check_rt_apply(f->rt, &f->cc), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	check_rt_free(f->rt);
	check_conf_free(&f->cc);
	sd_event_unref(f->e);
	free(f);
	return 0;
}

/* The weight of ip:port in the service vip:80 as the table has it; -1:
 * not in the table. */
static int table_weight(const struct check_conf *cc, const char *vip,
			const char *ip, uint16_t port)
{
	struct ipvs_table t;
	struct ipvs_service k;
	struct ipvs_dest dk;
	struct ipvs_vs *v;
	struct ipvs_dest *d;
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET, w = -1;

	memset(&t, 0, sizeof(t));
	assert_int_equal(check_conf_to_table(cc, NULL, &t), 0);
	ipvs_service_init(&k, af);
	k.protocol = IPPROTO_TCP;
	assert_int_equal(inet_pton(af, vip, &k.addr), 1);
	k.port = 80;
	v = ipvs_table_find(&t, &k);
	assert_non_null(v);
	ipvs_dest_init(&dk, af);
	assert_int_equal(inet_pton(af, ip, &dk.addr), 1);
	dk.port = port;
	d = ipvs_vs_find_dest(v, &dk);
	if (d)
		w = (int)d->weight;
	ipvs_table_free(&t);
	return w;
}

/* Run CMD on RS (and VS, may be NULL); the reply, owned by the caller. */
static struct json_object *run(struct fx *f, const char *cmd, const char *rs,
			       const char *vs)
{
	struct json_object *req = json_object_new_object();
	struct json_object *r;

	json_object_object_add(req, "cmd", json_object_new_string(cmd));
	if (rs)
		json_object_object_add(req, "rs", json_object_new_string(rs));
	if (vs)
		json_object_object_add(req, "vs", json_object_new_string(vs));
	r = check_admin_command(f->rt, cmd, req);
	json_object_put(req);
	return r;
}

static size_t matched(struct json_object *reply)
{
	struct json_object *l;

	assert_non_null(reply);
	if (!json_object_object_get_ex(reply, "real_servers", &l))
		return 0;
	return json_object_array_length(l);
}

static bool is_error(struct json_object *reply)
{
	assert_non_null(reply);
	return json_object_object_get_ex(reply, "error", NULL);
}

static void refuse(struct fx *f, const char *cmd, const char *rs,
		   const char *vs)
{
	struct json_object *r = run(f, cmd, rs, vs);

	assert_true(is_error(r));
	json_object_put(r);
}

static void flush(struct fx *f)
{
	for (int i = 0; i < 3; i++)
		sd_event_run(f->e, 0);
}

static void drain_and_enable(void **state)
{
	struct fx *f = *state;
	struct json_object *r;

	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.1", 80), 3);
	r = run(f, "drain", "10.0.1.1:80", NULL);
	/* Without "vs": both virtual servers that have it. */
	assert_int_equal(matched(r), 2);
	json_object_put(r);
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.1", 80), 0);
	assert_int_equal(table_weight(&f->cc, "192.0.2.2", "10.0.1.1", 80), 0);
	flush(f);
	assert_int_equal(f->changed, 1);
	/* Shown in the dump. */
	r = check_rt_json(f->rt);
	assert_string_equal(json_object_get_string(json_object_object_get(
		json_object_array_get_idx(r, 0), "admin")), "drained");
	assert_null(json_object_object_get(json_object_array_get_idx(r, 1),
					   "admin"));
	json_object_put(r);
	/* A second drain changes nothing: no table work. */
	json_object_put(run(f, "drain", "10.0.1.1:80", NULL));
	flush(f);
	assert_int_equal(f->changed, 1);
	json_object_put(run(f, "enable", "10.0.1.1:80", "192.0.2.2:80"));
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.1", 80), 0);
	assert_int_equal(table_weight(&f->cc, "192.0.2.2", "10.0.1.1", 80), 5);
	json_object_put(run(f, "enable", "10.0.1.1:80", NULL));
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.1", 80), 3);
}

static void disable(void **state)
{
	struct fx *f = *state;
	struct json_object *r;

	r = run(f, "disable", "10.0.1.1:80", "192.0.2.1:80");
	assert_int_equal(matched(r), 1);
	json_object_put(r);
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.1", 80), -1);
	assert_int_equal(table_weight(&f->cc, "192.0.2.2", "10.0.1.1", 80), 5);
	/* inhibit_on_failure: weight 0, as a failed checker gives. */
	json_object_put(run(f, "disable", "10.0.1.2:80", NULL));
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.2", 80), 0);
	/* The quorum counts neither. */
	assert_int_equal(check_vs_live_weight(f->cc.vs[0]), 0);
	json_object_put(run(f, "enable", "10.0.1.2:80", NULL));
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.2", 80), 2);
}

static void down_server(void **state)
{
	struct fx *f = *state;

	/* alpha: starts down, so out of the table; drained it stays out
	 * (drain changes the weight of what is in the table only), and
	 * enable leaves it where its checker says. */
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.3", 8080), -1);
	json_object_put(run(f, "drain", "10.0.1.3:8080", NULL));
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.3", 8080), -1);
	json_object_put(run(f, "enable", "10.0.1.3:8080", NULL));
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.3", 8080), -1);
}

static void refused(void **state)
{
	struct fx *f = *state;
	static const char *bad[] = {
		"10.0.1.9:80", "10.0.1.1:81", "nonsense", "10.0.1.1:0",
		"10.0.1.1:70000", "10.0.1.1:", "[2001:db8::1", "[10.0.1.1]x",
		"", "10.0.1.1:8x",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		refuse(f, "disable", bad[i], NULL);
	/* A virtual server that does not have it, or does not exist. */
	refuse(f, "disable", "[2001:db8::1]:80", "192.0.2.1:80");
	refuse(f, "disable", "[2001:db8::1]:80", "2001:db8::100:80");
	refuse(f, "drain", "10.0.1.1:80", "192.0.2.9:80");
	/* No "rs" at all; "vs" not a string. */
	refuse(f, "drain", NULL, NULL);
	{
		struct json_object *req = json_object_new_object(), *r;

		json_object_object_add(req, "rs", json_object_new_string("10.0.1.1:80"));
		json_object_object_add(req, "vs", json_object_new_int(3));
		r = check_admin_command(f->rt, "drain", req);
		assert_true(is_error(r));
		json_object_put(r);
		json_object_put(req);
	}
	/* Not this module's. */
	assert_null(check_admin_command(f->rt, "show", NULL));
	assert_null(check_admin_command(f->rt, NULL, NULL));
	/* Nothing changed. */
	flush(f);
	assert_int_equal(f->changed, 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(rs_at(f, i)->admin, CHECK_ADMIN_NONE);
}

static void ipv6_and_bare(void **state)
{
	struct fx *f = *state;
	struct json_object *r;

	r = run(f, "disable", "[2001:0db8:0::1]:80", NULL);
	assert_int_equal(matched(r), 1);
	json_object_put(r);
	assert_int_equal(table_weight(&f->cc, "2001:db8::100", "2001:db8::1", 80), -1);
	/* A bare address: every port of that server. */
	r = run(f, "enable", "2001:db8::1", NULL);
	assert_int_equal(matched(r), 1);
	json_object_put(r);
	assert_int_equal(table_weight(&f->cc, "2001:db8::100", "2001:db8::1", 80), 4);
}

/* Apply TEXT as a reload does: the old config lives through the call. */
static void reload(struct fx *f, const char *text)
{
	struct check_conf n;

	load(&n, text);
	assert_int_equal(check_rt_apply(f->rt, &n), 0);
	check_conf_free(&f->cc);
	f->cc = n;
}

static void held_across_reload(void **state)
{
	struct fx *f = *state;

	json_object_put(run(f, "drain", "10.0.1.1:80", "192.0.2.1:80"));
	json_object_put(run(f, "disable", "10.0.1.2:80", NULL));
	/* Same servers, new weight and a checker added to the first: the
	 * holds stay (the new checker starts up, as alpha is not set). */
	reload(f, "virtual_server 192.0.2.1 80 {\n"
		  " real_server 10.0.1.1 80 {\n  weight 7\n"
		  "  TCP_CHECK {\n   delay_loop 3600\n"
		  "   connect_ip 127.0.0.1\n   connect_port 1\n  }\n }\n"
		  " real_server 10.0.1.2 80 {\n  weight 2\n  inhibit_on_failure\n }\n"
		  "}\n"
		  "virtual_server 192.0.2.2 80 {\n"
		  " real_server 10.0.1.1 80 {\n  weight 5\n }\n"
		  "}\n");
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.1", 80), 0);
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.2", 80), 0);
	assert_int_equal(table_weight(&f->cc, "192.0.2.2", "10.0.1.1", 80), 5);
	/* A reload without 10.0.1.2 drops its hold: back, it is enabled. */
	reload(f, "virtual_server 192.0.2.1 80 {\n"
		  " real_server 10.0.1.1 80 {\n  weight 7\n }\n}\n");
	reload(f, "virtual_server 192.0.2.1 80 {\n"
		  " real_server 10.0.1.1 80 {\n  weight 7\n }\n"
		  " real_server 10.0.1.2 80 {\n  weight 2\n }\n}\n");
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.1", 80), 0);
	assert_int_equal(table_weight(&f->cc, "192.0.2.1", "10.0.1.2", 80), 2);
}

static void holds_list(void **state)
{
	struct fx *f = *state;
	struct json_object *r, *l, *h;

	json_object_put(run(f, "drain", "10.0.1.1:80", "192.0.2.2:80"));
	json_object_put(run(f, "disable", "2001:db8::1:80", NULL));	/* bare v6 */
	r = check_admin_command(f->rt, "holds", NULL);
	assert_true(json_object_object_get_ex(r, "holds", &l));
	assert_int_equal(json_object_array_length(l), 1);
	json_object_put(r);
	json_object_put(run(f, "disable", "[2001:db8::1]:80", NULL));
	r = check_admin_command(f->rt, "holds", NULL);
	assert_true(json_object_object_get_ex(r, "holds", &l));
	assert_int_equal(json_object_array_length(l), 2);
	h = json_object_array_get_idx(l, 0);
	assert_string_equal(json_object_get_string(json_object_object_get(h, "cmd")), "drain");
	assert_string_equal(json_object_get_string(json_object_object_get(h, "rs")), "10.0.1.1:80");
	assert_string_equal(json_object_get_string(json_object_object_get(h, "vs")), "192.0.2.2:80");
	h = json_object_array_get_idx(l, 1);
	assert_string_equal(json_object_get_string(json_object_object_get(h, "cmd")), "disable");
	assert_string_equal(json_object_get_string(json_object_object_get(h, "rs")), "[2001:db8::1]:80");
	/* Replaying a hold's request sets it again: the form round-trips. */
	{
		const char *rs = json_object_get_string(json_object_object_get(h, "rs"));
		const char *vs = json_object_get_string(json_object_object_get(h, "vs"));
		struct json_object *again = run(f, "disable", rs, vs);

		assert_int_equal(matched(again), 1);
		json_object_put(again);
	}
	json_object_put(r);
}

/* A fwmark service: its real servers have no port of their own, so a
 * request matches them on any port; "vs" names it as the dumps do. */
static void fwmark_service(void **state)
{
	struct fx *f = *state;
	struct json_object *r;

	reload(f, "virtual_server fwmark 7 {\n"
		  " real_server 10.0.2.1 {\n  weight 2\n }\n}\n"
		  "virtual_server 192.0.2.1 80 {\n"
		  " real_server 10.0.2.1 80 {\n  weight 3\n }\n}\n");
	r = run(f, "drain", "10.0.2.1:8080", "fwmark 7");
	assert_int_equal(matched(r), 1);
	json_object_put(r);
	assert_int_equal(rs_at(f, 0)->admin, CHECK_ADMIN_DRAINED);
	assert_int_equal(rs_at(f, 1)->admin, CHECK_ADMIN_NONE);
	/* Port 8080 is not the port 192.0.2.1:80 gives its server. */
	refuse(f, "drain", "10.0.2.1:8080", "192.0.2.1:80");
	r = check_admin_command(f->rt, "holds", NULL);
	assert_string_equal(json_object_get_string(json_object_object_get(
		json_object_array_get_idx(json_object_object_get(r, "holds"), 0),
		"rs")), "10.0.2.1");
	json_object_put(r);
}

static void poll_now(void **state)
{
	struct fx *f = *state;
	struct check_rs_rt *r = rs_at(f, 2);	/* 10.0.1.3 */
	uint64_t now = 0;

	assert_int_equal(r->ncks, 1);
	r->cks[0].next_at = UINT64_MAX / 2;
	json_object_put(run(f, "poll", "10.0.1.3:8080", NULL));
	sd_event_now(f->e, CLOCK_MONOTONIC, &now);
	assert_true(r->cks[0].next_at <= now + 1000);
	assert_int_equal(r->admin, CHECK_ADMIN_NONE);
	refuse(f, "poll", "10.0.1.4:8080", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(drain_and_enable, setup, teardown),
		cmocka_unit_test_setup_teardown(disable, setup, teardown),
		cmocka_unit_test_setup_teardown(down_server, setup, teardown),
		cmocka_unit_test_setup_teardown(refused, setup, teardown),
		cmocka_unit_test_setup_teardown(ipv6_and_bare, setup, teardown),
		cmocka_unit_test_setup_teardown(held_across_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(holds_list, setup, teardown),
		cmocka_unit_test_setup_teardown(fwmark_service, setup, teardown),
		cmocka_unit_test_setup_teardown(poll_now, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
