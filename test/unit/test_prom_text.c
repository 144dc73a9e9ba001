/*
 * The Prometheus text writer: HELP/TYPE lines, label escaping (backslash,
 * quote, newline), labels left out when their value is NULL, integer and
 * special float values, histograms (cumulative buckets, +Inf, _sum,
 * _count), and the refusal of bad metric and label names.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/prom_text.h"

#define END (const char *)NULL

static void test_family_and_samples(void **state)
{
	struct prom p;
	char *s;

	(void)state;
	assert_int_equal(prom_open(&p), 0);
	prom_family(&p, "tandem_x_total", "counter", "A help\nwith a \\ in it.");
	prom_u64(&p, "tandem_x_total", 18446744073709551615ULL, END);
	prom_u64(&p, "tandem_x_total", 7, "a", "plain", "b", NULL,
		 "c", "q\"uo\\te\nnl", END);
	prom_double(&p, "tandem_y", 0.25, "k", "v", END);
	prom_double(&p, "tandem_y", NAN, END);
	prom_double(&p, "tandem_y", -INFINITY, END);
	s = prom_close(&p);
	assert_non_null(s);
	assert_string_equal(s,
		"# HELP tandem_x_total A help\\nwith a \\\\ in it.\n"
		"# TYPE tandem_x_total counter\n"
		"tandem_x_total 18446744073709551615\n"
		"tandem_x_total{a=\"plain\",c=\"q\\\"uo\\\\te\\nnl\"} 7\n"
		"tandem_y{k=\"v\"} 0.25\n"
		"tandem_y NaN\n"
		"tandem_y -Inf\n");
	free(s);
}

static void test_histogram(void **state)
{
	static const double le[] = { 0.001, 0.5 };
	static const uint64_t b[] = { 2, 3 };
	const char *lk[] = { "rs" }, *lv[] = { "10.0.0.1:80" };
	struct prom p;
	char *s;

	(void)state;
	assert_int_equal(prom_open(&p), 0);
	prom_histogram(&p, "tandem_d_seconds", le, b, 2, 1, 1.5, lk, lv, 1);
	s = prom_close(&p);
	assert_non_null(s);
	assert_string_equal(s,
		"tandem_d_seconds_bucket{rs=\"10.0.0.1:80\",le=\"0.001\"} 2\n"
		"tandem_d_seconds_bucket{rs=\"10.0.0.1:80\",le=\"0.5\"} 5\n"
		"tandem_d_seconds_bucket{rs=\"10.0.0.1:80\",le=\"+Inf\"} 6\n"
		"tandem_d_seconds_sum{rs=\"10.0.0.1:80\"} 1.5\n"
		"tandem_d_seconds_count{rs=\"10.0.0.1:80\"} 6\n");
	free(s);
}

static void test_names(void **state)
{
	struct prom p;

	(void)state;
	assert_true(prom_metric_name_ok("tandem_a:b_1"));
	assert_false(prom_metric_name_ok("1abc"));
	assert_false(prom_metric_name_ok("a-b"));
	assert_false(prom_metric_name_ok(""));
	assert_true(prom_label_name_ok("virtual_server"));
	assert_false(prom_label_name_ok("__reserved"));
	assert_false(prom_label_name_ok("a:b"));
	/* a bad name fails the whole text */
	assert_int_equal(prom_open(&p), 0);
	prom_u64(&p, "tandem_ok", 1, "bad-label", "v", END);
	assert_null(prom_close(&p));
	assert_int_equal(prom_open(&p), 0);
	prom_family(&p, "bad name", "gauge", "x");
	assert_null(prom_close(&p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_and_samples),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
