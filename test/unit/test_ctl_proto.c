/*
 * The control protocol's pieces that need no daemon: lines split out of a
 * stream (several in one read, one over many reads, CR LF, the length
 * limit on the line still open), a line taken as exactly one JSON object
 * (and every way it is not one), the reply helpers, and the block-by-block
 * comparison a reload reports (added, removed, changed; a block that only
 * moved or was respelled is unchanged).
 */
#include <errno.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tandem/config.h"
#include "tandem/ctl_proto.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_reload.h"

/* The monitors' side of ctl_relay.c: the last event, kept for a look. */
static struct json_object *last_event;
static int nevents;

void ctl_relay_emit(struct json_object *ev)
{
	json_object_put(last_event);
	last_event = json_object_get(ev);
	nevents++;
}

static __attribute__((unused)) const char *ev_str(const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(last_event, k, &v);
	return v ? json_object_get_string(v) : "";
}

#define S(x) x, sizeof(x) - 1

static void lines_split(void **state)
{
	struct ctl_lines l = { 0 };
	char *line;
	size_t len;

	(void)state;
	assert_int_equal(ctl_lines_add(&l, S("{\"a\":1}\n{\"b\"")), 0);
	assert_int_equal(ctl_lines_next(&l, &line, &len), 1);
	assert_string_equal(line, "{\"a\":1}");
	assert_int_equal(len, 7);
	free(line);
	assert_int_equal(ctl_lines_next(&l, &line, &len), 0);
	assert_int_equal(ctl_lines_pending(&l), 4);
	/* the rest, a byte at a time, then CR LF */
	assert_int_equal(ctl_lines_add(&l, S(":")), 0);
	assert_int_equal(ctl_lines_next(&l, &line, &len), 0);
	assert_int_equal(ctl_lines_add(&l, S("2}\r\n\n")), 0);
	assert_int_equal(ctl_lines_next(&l, &line, &len), 1);
	assert_string_equal(line, "{\"b\":2}");
	free(line);
	assert_int_equal(ctl_lines_next(&l, &line, &len), 1);
	assert_int_equal(len, 0);		/* an empty line */
	free(line);
	assert_int_equal(ctl_lines_next(&l, &line, &len), 0);
	ctl_lines_free(&l);
}

static void lines_limit(void **state)
{
	struct ctl_lines l = { 0 };
	char *big = malloc(CTL_LINE_MAX + 2);
	char *line;
	size_t len;

	(void)state;
	memset(big, 'x', CTL_LINE_MAX + 2);
	/* exactly the limit is fine, one more byte open is not */
	assert_int_equal(ctl_lines_add(&l, big, CTL_LINE_MAX), 0);
	assert_int_equal(ctl_lines_add(&l, big, 1), -EMSGSIZE);
	ctl_lines_free(&l);
	/* complete lines before the open one do not count against it */
	big[CTL_LINE_MAX - 1] = '\n';
	assert_int_equal(ctl_lines_add(&l, big, CTL_LINE_MAX), 0);
	assert_int_equal(ctl_lines_add(&l, big, 100), 0);
	assert_int_equal(ctl_lines_next(&l, &line, &len), 1);
	assert_int_equal(len, CTL_LINE_MAX - 1);
	free(line);
	ctl_lines_free(&l);
	/* a client may raise its own limit (tandemctl reads big answers) */
	l.max = 2 * CTL_LINE_MAX;
	assert_int_equal(ctl_lines_add(&l, big, CTL_LINE_MAX - 2), 0);
	assert_int_equal(ctl_lines_add(&l, big, CTL_LINE_MAX - 2), 0);
	ctl_lines_free(&l);
	free(big);
}

static void parse(void **state)
{
	static const struct {
		const char *line;
		const char *why;	/* NULL: accepted */
	} cases[] = {
		{ "{\"cmd\":\"ping\"}", NULL },
		{ "  {\"cmd\": \"show\", \"what\": \"vrrp\"}  \r", NULL },
		{ "{}", NULL },
		{ "{bad", "malformed JSON" },
		{ "", "malformed JSON" },
		{ "[1,2]", "a request must be a JSON object" },
		{ "\"cmd\"", "a request must be a JSON object" },
		/* a bare number may go on: json-c cannot end it */
		{ "42", "malformed JSON" },
		{ "{\"cmd\":\"ping\"} x", "malformed JSON: text after the object" },
		{ "{\"cmd\":\"ping\"}{}", "malformed JSON: text after the object" },
		{ "{\"cmd\":\"pi", "malformed JSON" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = "unset";
		struct json_object *o = ctl_parse_line(cases[i].line,
						       strlen(cases[i].line), &why);

		if (!cases[i].why) {
			assert_non_null(o);
			assert_null(why);
		} else {
			assert_null(o);
			assert_string_equal(why, cases[i].why);
		}
		json_object_put(o);
	}
	{
		const char *why;
		struct json_object *o = ctl_parse_line(S("{\"cmd\":\"pi\0ng\"}"), &why);

		assert_null(o);
		assert_string_equal(why, "malformed JSON: a NUL byte in the line");
	}
}

static void replies(void **state)
{
	struct json_object *o = ctl_ok(json_object_new_int(7));
	size_t len;
	char *line = ctl_line_of(o, &len);

	(void)state;
	assert_string_equal(line, "{\"ok\":true,\"result\":7}\n");
	assert_int_equal(len, strlen(line));
	free(line);
	json_object_put(o);
	o = ctl_error("no %s named %s", "instance", "VI_9/x");
	line = ctl_line_of(o, &len);
	assert_string_equal(line, "{\"ok\":false,\"error\":\"no instance named VI_9/x\"}\n");
	assert_string_equal(ctl_str(o, "error"), "no instance named VI_9/x");
	assert_null(ctl_str(o, "ok"));		/* not a string */
	assert_null(ctl_str(o, "nothing"));
	free(line);
	json_object_put(o);
}

#ifdef WITH_LVS
static struct tandem_config *load(const char *text)
{
	struct conf_diag d;
	struct tandem_config *cfg;

	conf_diag_init(&d);
	cfg = config_load_buffer("t.conf", text, strlen(text), NULL, &d);
	if (!cfg)
		conf_diag_print(&d, stderr);
	conf_diag_free(&d);
	assert_non_null(cfg);
	return cfg;
}

static const char *names(struct json_object *ch, const char *key)
{
	static char buf[256];
	struct json_object *a = json_object_object_get(ch, key);

	buf[0] = '\0';
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, json_object_get_string(json_object_array_get_idx(a, i)));
	}
	return buf;
}

static void changes(void **state)
{
	struct tandem_config *a = load(
		"global_defs {\n router_id a\n}\n"
		"virtual_server 10.0.0.1 80 {\n lb_algo rr\n real_server 10.0.0.2 80 {\n }\n}\n"
		"virtual_server 10.0.0.1 443 {\n real_server 10.0.0.2 443 {\n }\n}\n"
		"virtual_server 10.0.0.3 80 {\n real_server 10.0.0.4 80 {\n }\n}\n");
	/* 443 moved down and its spelling changed (lb_algo is lvs_sched), 80
	 * gained a real server, 10.0.0.3 went, 10.0.0.5 came, global_defs
	 * is the same */
	struct tandem_config *b = load(
		"\n\nglobal_defs {\n    router_id a\n}\n"
		"virtual_server 10.0.0.1 80 {\n lvs_sched rr\n real_server 10.0.0.2 80 {\n }\n"
		" real_server 10.0.0.9 80 {\n }\n}\n"
		"virtual_server 10.0.0.5 80 {\n real_server 10.0.0.4 80 {\n }\n}\n"
		"virtual_server 10.0.0.1 443 {\n real_server 10.0.0.2 443 {\n }\n}\n");
	struct json_object *ch;

	(void)state;
	ch = ctl_config_changes(a, b);
	assert_string_equal(names(ch, "added"), "virtual_server 10.0.0.5 80");
	assert_string_equal(names(ch, "removed"), "virtual_server 10.0.0.3 80");
	assert_string_equal(names(ch, "changed"), "virtual_server 10.0.0.1 80");
	json_object_put(ch);
	ch = ctl_config_changes(b, b);
	assert_string_equal(names(ch, "added"), "");
	assert_string_equal(names(ch, "removed"), "");
	assert_string_equal(names(ch, "changed"), "");
	json_object_put(ch);
	config_free(a);
	config_free(b);
}

/* Blocks where they were (compared in place): only the changed ones are
 * named, a repeated name numbered as when blocks moved, spellings and
 * layout are no change. */
static void changes_in_place(void **state)
{
	struct tandem_config *a = load(
		"global_defs {\n router_id a\n}\n"
		"virtual_server 10.0.0.1 80 {\n lb_algo rr\n}\n"
		"global_defs {\n router_id b\n}\n"
		"virtual_server 10.0.0.2 80 {\n real_server 10.0.0.4 80 {\n weight 1\n }\n}\n");
	struct tandem_config *b = load(
		"global_defs {\n router_id a\n}\n"
		"virtual_server 10.0.0.1 80 {\n\n  lvs_sched rr\n}\n"
		"global_defs {\n router_id c\n}\n"
		"virtual_server 10.0.0.2 80 {\n real_server 10.0.0.4 80 {\n weight 2\n }\n}\n");
	struct json_object *ch;

	(void)state;
	ch = ctl_config_changes(a, b);
	assert_string_equal(names(ch, "added"), "");
	assert_string_equal(names(ch, "removed"), "");
	assert_string_equal(names(ch, "changed"),
			    "global_defs#2,virtual_server 10.0.0.2 80");
	json_object_put(ch);
	config_free(a);
	config_free(b);
}

/* b loaded as a child loads a reload: packed, against a, so the
 * statements found alike while sharing are known (same_top). */
static struct tandem_config *load_against(struct tandem_config *a,
					  const char *text)
{
	struct tandem_config *b = load(text), *c;
	struct conf_diag d;
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(config_pack(b, &buf, &len), 0);
	conf_diag_init(&d);
	c = config_load_packed("t.conf", buf, len, a, &d);
	conf_diag_free(&d);
	free(buf);
	config_free(b);
	assert_non_null(c);
	return c;
}

/* The statements sharing found alike are not compared again, and the
 * report is the same as without that knowledge. */
static void changes_known_alike(void **state)
{
	static const char ta[] =
		"global_defs {\n router_id a\n}\n"
		"virtual_server 10.0.0.1 80 {\n real_server 10.0.0.4 80 {\n weight 1\n }\n}\n"
		"virtual_server 10.0.0.2 80 {\n real_server 10.0.0.4 80 {\n weight 1\n }\n}\n";
	static const char tb[] =
		"global_defs {\n router_id a\n}\n"
		"virtual_server 10.0.0.1 80 {\n real_server 10.0.0.4 80 {\n weight 1\n }\n}\n"
		"virtual_server 10.0.0.2 80 {\n real_server 10.0.0.4 80 {\n weight 2\n }\n}\n";
	struct tandem_config *a = load(ta), *b = load_against(a, tb);
	struct json_object *ch;

	(void)state;
	assert_non_null(b->same_top);
	assert_int_equal(b->same_base, a->serial);
	assert_true(b->same_top[0] && b->same_top[1] && !b->same_top[2]);
	ch = ctl_config_changes(a, b);
	assert_string_equal(names(ch, "changed"), "virtual_server 10.0.0.2 80");
	assert_string_equal(names(ch, "added"), "");
	assert_string_equal(names(ch, "removed"), "");
	json_object_put(ch);
	config_take_shared(b, a);
	config_free(a);
	config_free(b);
}

/* Every reload is told to the monitors, SIGHUP's too (no waiter here):
 * refused at once, applied only once the children confirmed. */
static void reload_events(void **state)
{
	struct tandem_config *a = load("virtual_server 10.0.0.1 80 {\n}\n");
	struct tandem_config *b = load("virtual_server 10.0.0.1 80 {\n}\n"
				       "virtual_server 10.0.0.2 80 {\n}\n");
	struct conf_diag d;
	struct json_object *v;

	(void)state;
	nevents = 0;
	conf_diag_init(&d);
	conf_diag_add(&d, CONF_ERROR, "t.conf", 3, "no_such: unknown keyword");
	ctl_reload_parsed(a, NULL, &d);
	conf_diag_free(&d);
	assert_int_equal(nevents, 1);
	assert_string_equal(ev_str("event"), "reload");
	assert_string_equal(ev_str("result"), "refused");
	assert_true(json_object_object_get_ex(last_event, "errors", &v));
	assert_int_equal(json_object_array_length(v), 1);

	conf_diag_init(&d);
	ctl_reload_parsed(a, b, &d);
	conf_diag_free(&d);
	assert_int_equal(nevents, 1);		/* not applied yet */
	ctl_reload_child_done("check", 0);
	ctl_reload_complete();
	assert_int_equal(nevents, 2);
	assert_string_equal(ev_str("result"), "applied");
	assert_true(json_object_object_get_ex(last_event, "changes", &v));
	assert_string_equal(names(v, "added"), "virtual_server 10.0.0.2 80");
	assert_true(json_object_object_get_ex(last_event, "children", &v));
	assert_string_equal(json_object_get_string(
		json_object_object_get(v, "check")), "applied");

	conf_diag_init(&d);
	ctl_reload_parsed(b, a, &d);
	conf_diag_free(&d);
	ctl_reload_child_done("check", 1);
	ctl_reload_complete();
	assert_int_equal(nevents, 3);
	assert_string_equal(ev_str("result"), "failed");
	assert_non_null(strstr(ev_str("error"), "check child could not apply"));
	ctl_reload_complete();			/* nothing pending: no event */
	assert_int_equal(nevents, 3);
	json_object_put(last_event);
	last_event = NULL;
	config_free(a);
	config_free(b);
}
#endif	/* the blocks compared are virtual servers */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_split),
		cmocka_unit_test(lines_limit),
		cmocka_unit_test(parse),
		cmocka_unit_test(replies),
#ifdef WITH_LVS
		cmocka_unit_test(changes),
		cmocka_unit_test(changes_in_place),
		cmocka_unit_test(changes_known_alike),
		cmocka_unit_test(reload_events),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
