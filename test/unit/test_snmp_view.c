/*
 * The MIB view of lib/snmp_view.c: index encoding as RFC 2578 7.7 says
 * (integers, length-prefixed octets, InetAddress of both families,
 * IpAddress), the
 * cell OIDs it builds, GET and GETNEXT order across columns and rows
 * added out of order, inclusive GETNEXT (AgentX ranges), the 32-bit
 * kinds wrapping, and an index too long being refused, not truncated.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "lib/snmp_view.h"

static const snmp_subid entry[] = { 1, 3, 6, 1, 2, 1, 207, 1, 1, 1, 1 };
#define ELEN (sizeof(entry) / sizeof(entry[0]))

static void test_index(void **state)
{
	struct snmp_idx x;
	struct in_addr a4;
	struct in6_addr a6;

	(void)state;
	snmp_idx_init(&x);
	snmp_idx_int(&x, 3);		/* ifIndex */
	snmp_idx_int(&x, 51);		/* VrId */
	snmp_idx_int(&x, (unsigned long)snmp_inet_type(AF_INET));
	inet_pton(AF_INET, "192.0.2.10", &a4);
	snmp_idx_inet(&x, AF_INET, &a4);
	assert_false(x.overflow);
	{
		const snmp_subid want[] = { 3, 51, 1, 4, 192, 0, 2, 10 };

		assert_int_equal(x.len, 8);
		assert_memory_equal(x.sub, want, sizeof(want));
	}
	snmp_idx_init(&x);
	inet_pton(AF_INET6, "2001:db8::1", &a6);
	snmp_idx_inet(&x, AF_INET6, &a6);
	assert_int_equal(x.len, 17);
	assert_int_equal(x.sub[0], 16);
	assert_int_equal(x.sub[1], 0x20);
	assert_int_equal(x.sub[2], 0x01);
	assert_int_equal(x.sub[3], 0x0d);
	assert_int_equal(x.sub[4], 0xb8);
	assert_int_equal(x.sub[16], 1);
	assert_int_equal(snmp_inet_type(AF_INET6), 2);
	assert_int_equal(snmp_inet_type(AF_UNSPEC), 0);
	/* an IpAddress index (RFC 2787's tables): four sub-identifiers */
	snmp_idx_init(&x);
	snmp_idx_ipv4(&x, &a4);
	assert_int_equal(x.len, 4);
	assert_int_equal(x.sub[0], 192);
	assert_int_equal(x.sub[3], 10);
	snmp_idx_init(&x);
	snmp_idx_octets(&x, "ab", 2);
	assert_int_equal(x.len, 3);
	assert_int_equal(x.sub[0], 2);
	assert_int_equal(x.sub[1], 'a');
	assert_int_equal(x.sub[2], 'b');
}

static void test_cell_oid(void **state)
{
	snmp_subid name[SNMP_VIEW_MAXOID];
	struct snmp_idx x;
	size_t n;

	(void)state;
	snmp_idx_init(&x);
	snmp_idx_int(&x, 2);
	snmp_idx_int(&x, 7);
	n = snmp_oid_cell(name, entry, ELEN, 6, &x);
	assert_int_equal(n, ELEN + 3);
	assert_memory_equal(name, entry, sizeof(entry));
	assert_int_equal(name[ELEN], 6);
	assert_int_equal(name[ELEN + 1], 2);
	assert_int_equal(name[ELEN + 2], 7);
	/* a scalar is .0 */
	n = snmp_oid_cell(name, entry, ELEN, 4, NULL);
	assert_int_equal(n, ELEN + 2);
	assert_int_equal(name[ELEN + 1], 0);
}

static size_t row(snmp_subid *out, unsigned col, unsigned a, unsigned b)
{
	struct snmp_idx x;

	snmp_idx_init(&x);
	snmp_idx_int(&x, a);
	snmp_idx_int(&x, b);
	return snmp_oid_cell(out, entry, ELEN, col, &x);
}

static void add(struct snmp_view *w, unsigned col, unsigned a, unsigned b,
		int64_t v)
{
	struct snmp_idx x;

	snmp_idx_init(&x);
	snmp_idx_int(&x, a);
	snmp_idx_int(&x, b);
	snmp_view_int(w, entry, ELEN, col, &x, v);
}

static void test_order(void **state)
{
	struct snmp_view w;
	snmp_subid name[SNMP_VIEW_MAXOID];
	const struct snmp_cell *c;
	size_t n;
	const snmp_subid before[] = { 1, 3, 6, 1, 2, 1 };
	const snmp_subid after[] = { 1, 3, 6, 1, 2, 1, 208 };

	(void)state;
	snmp_view_init(&w);
	/* rows and columns out of order; row (10, 1) sorts after (2, 9) */
	add(&w, 7, 10, 1, 71);
	add(&w, 6, 2, 9, 62);
	add(&w, 7, 2, 9, 72);
	add(&w, 6, 10, 1, 61);
	/* GET */
	n = row(name, 7, 2, 9);
	c = snmp_view_find(&w, name, n, true, false);
	assert_non_null(c);
	assert_int_equal(c->i, 72);
	n = row(name, 7, 2, 8);
	assert_null(snmp_view_find(&w, name, n, true, false));
	/* a walk from before the subtree: column by column, rows in order */
	c = snmp_view_find(&w, before, 6, false, false);
	assert_int_equal(c->i, 62);
	c = snmp_view_find(&w, c->name, c->len, false, false);
	assert_int_equal(c->i, 61);
	c = snmp_view_find(&w, c->name, c->len, false, false);
	assert_int_equal(c->i, 72);
	c = snmp_view_find(&w, c->name, c->len, false, false);
	assert_int_equal(c->i, 71);
	assert_null(snmp_view_find(&w, c->name, c->len, false, false));
	/* inclusive: the name itself */
	n = row(name, 6, 10, 1);
	c = snmp_view_find(&w, name, n, false, true);
	assert_int_equal(c->i, 61);
	/* a partial index lands on the next full one */
	n = row(name, 6, 10, 1) - 1;
	c = snmp_view_find(&w, name, n, false, false);
	assert_int_equal(c->i, 61);
	assert_null(snmp_view_find(&w, after, 7, false, false));
	/* cleared, refilled */
	snmp_view_clear(&w);
	assert_null(snmp_view_find(&w, before, 6, false, false));
	add(&w, 1, 1, 1, 5);
	assert_non_null(snmp_view_find(&w, before, 6, false, false));
	snmp_view_free(&w);
}

static void test_values(void **state)
{
	struct snmp_view w;
	const struct snmp_cell *c;
	const snmp_subid start[] = { 1 };
	struct snmp_idx big;

	(void)state;
	snmp_view_init(&w);
	snmp_view_uint(&w, entry, ELEN, 1, NULL, SNMP_CELL_COUNTER32,
		       0x100000005ULL);
	snmp_view_uint(&w, entry, ELEN, 2, NULL, SNMP_CELL_COUNTER64,
		       0x100000005ULL);
	snmp_view_str(&w, entry, ELEN, 3, NULL, "VI_1");
	snmp_view_ipaddr(&w, entry, ELEN, 4, NULL, "\xc0\x00\x02\x01");
	c = snmp_view_find(&w, start, 1, false, false);
	assert_int_equal(c->type, SNMP_CELL_COUNTER32);
	assert_int_equal(c->u, 5);
	c = snmp_view_find(&w, c->name, c->len, false, false);
	assert_int_equal(c->type, SNMP_CELL_COUNTER64);
	assert_true(c->u == 0x100000005ULL);
	c = snmp_view_find(&w, c->name, c->len, false, false);
	assert_int_equal(c->type, SNMP_CELL_OCTETS);
	assert_int_equal(c->slen, 4);
	assert_memory_equal(c->s, "VI_1", 4);
	c = snmp_view_find(&w, c->name, c->len, false, false);
	assert_int_equal(c->type, SNMP_CELL_IPADDRESS);
	assert_int_equal(c->slen, 4);
	assert_memory_equal(c->s, "\xc0\x00\x02\x01", 4);
	assert_false(w.failed);
	/* an index that does not fit is refused and said */
	snmp_idx_init(&big);
	for (int i = 0; i < SNMP_VIEW_MAXOID + 1; i++)
		snmp_idx_int(&big, 1);
	assert_true(big.overflow);
	snmp_view_int(&w, entry, ELEN, 9, &big, 1);
	assert_true(w.failed);
	assert_int_equal(w.n, 4);
	snmp_view_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_cell_oid),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
