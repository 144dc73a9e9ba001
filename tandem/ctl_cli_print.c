/*
 * tandemctl's screens.  Everything is read through small accessors that
 * tolerate a missing or mistyped field, so the output degrades to "-"
 * instead of failing when the daemon's JSON gains or loses a field.
 * Times are the daemon's CLOCK_REALTIME stamps (seconds or
 * microseconds), printed in local time.
 */
#define _GNU_SOURCE
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tandem/ctl_cli.h"

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (o && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, k, &v);
	return v;
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	return v && json_object_is_type(v, json_type_string)
	       ? json_object_get_string(v) : "-";
}

static long long num(struct json_object *o, const char *k, long long dflt)
{
	struct json_object *v = get(o, k);

	return v && (json_object_is_type(v, json_type_int) ||
		     json_object_is_type(v, json_type_double))
	       ? (long long)json_object_get_int64(v) : dflt;
}

static bool boolean(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	return v && json_object_get_boolean(v);
}

static size_t alen(struct json_object *a)
{
	return a && json_object_is_type(a, json_type_array)
	       ? json_object_array_length(a) : 0;
}

static const char *when(long long usec, char *buf, size_t len)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;

	if (usec <= 0 || !localtime_r(&t, &tm))
		return "-";
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static const char *duration(long long s, char *buf, size_t len)
{
	if (s < 0)
		return "-";
	if (s >= 86400)
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	return buf;
}

/* ------------------------------------------------------------------ */
/* VRRP                                                                */

static void vrrp_table(struct json_object *list)
{
	char t[32];

	printf("VRRP instances:\n");
	if (!alen(list)) {
		printf("  (none)\n");
		return;
	}
	printf("  %-16s %-8s %-8s %5s  %-24s %s\n", "NAME", "STATE", "ADMIN",
	       "PRIO", "MASTER", "SINCE");
	for (size_t i = 0; i < alen(list); i++) {
		struct json_object *d = get(json_object_array_get_idx(list, i), "data");
		bool master = !strcmp(str(d, "state"), "MASTER");
		char m[64];

		snprintf(m, sizeof(m), "%s%s", master ? str(d, "saddr")
						      : str(d, "master_saddr"),
			 master ? " (this)" : "");
		printf("  %-16s %-8s %-8s %5lld  %-24s %s\n", str(d, "iname"),
		       str(d, "state"), str(d, "admin"),
		       num(d, "effective_priority", -1), m,
		       when(num(d, "last_transition", 0), t, sizeof(t)));
	}
}

static void vrrp_detail(struct json_object *list)
{
	for (size_t i = 0; i < alen(list); i++) {
		struct json_object *o = json_object_array_get_idx(list, i);
		struct json_object *d = get(o, "data"), *st = get(o, "stats");
		struct json_object *vips = get(d, "vips"), *fault = get(d, "fault");
		char t[32];

		printf("%s%s: %s\n", i ? "\n" : "", str(d, "iname"), str(d, "state"));
		/* a hold outranks everything below it, so it comes first */
		if (strcmp(str(d, "admin"), "-"))
			printf("  held %s by the operator (until promote)\n",
			       str(d, "admin"));
		printf("  interface %s, vrid %lld, version %lld\n", str(d, "ifp_ifname"),
		       num(d, "vrid", -1), num(d, "version", -1));
		printf("  priority %lld (configured %lld), master %s (priority %lld)\n",
		       num(d, "effective_priority", -1), num(d, "base_priority", -1),
		       str(d, "master_saddr"), num(d, "master_priority", -1));
		printf("  since %s\n", when(num(d, "last_transition", 0), t, sizeof(t)));
		printf("  virtual addresses:");
		for (size_t k = 0; k < alen(vips); k++)
			printf(" %s", json_object_get_string(json_object_array_get_idx(vips, k)));
		printf("%s\n", alen(vips) ? "" : " none");
		if (alen(fault)) {
			printf("  fault:");
			for (size_t k = 0; k < alen(fault); k++)
				printf(" %s", json_object_get_string(
					json_object_array_get_idx(fault, k)));
			printf("\n");
		}
		printf("  adverts received %lld, sent %lld; became master %lld times\n",
		       num(st, "advert_rcvd", 0), num(st, "advert_sent", 0),
		       num(st, "become_master", 0));
	}
}

/* ------------------------------------------------------------------ */
/* Virtual and real servers                                            */

static void rs_line(struct json_object *r, bool with_vs)
{
	struct json_object *cks = get(r, "checkers");
	char w[16], c[48], chk[160] = "";
	size_t used = 0;

	if (get(r, "weight") && json_object_is_type(get(r, "weight"), json_type_int))
		snprintf(w, sizeof(w), "%lld", num(r, "weight", 0));
	else
		snprintf(w, sizeof(w), "-");
	if (get(r, "active_conns") &&
	    json_object_is_type(get(r, "active_conns"), json_type_int))
		snprintf(c, sizeof(c), "%lld/%lld", num(r, "active_conns", 0),
			 num(r, "inactive_conns", 0));
	else
		snprintf(c, sizeof(c), "-");
	for (size_t k = 0; k < alen(cks) && used < sizeof(chk); k++) {
		struct json_object *ck = json_object_array_get_idx(cks, k);
		bool failed = !strcmp(str(ck, "last_result"), "failed");

		used += (size_t)snprintf(chk + used, sizeof(chk) - used, "%s%s %s%s%s",
					 k ? ", " : "", str(ck, "type"),
					 str(ck, "last_result"), failed ? ": " : "",
					 failed ? str(ck, "reason") : "");
	}
	if (with_vs)
		printf("  %-22s ", str(r, "virtual_server"));
	else
		printf("    ");
	printf("%-22s %-4s %-8s %6s %11s  %s\n", str(r, "real_server"),
	       boolean(r, "up") ? "up" : "down", str(r, "admin"), w, c,
	       *chk ? chk : "no checker");
}

static void rs_header(bool with_vs)
{
	if (with_vs)
		printf("  %-22s ", "VIRTUAL SERVER");
	else
		printf("    ");
	printf("%-22s %-4s %-8s %6s %11s  %s\n", "REAL SERVER", "", "ADMIN",
	       "WEIGHT", "CONNS A/I", "LAST CHECK");
}

static void vs_table(struct json_object *list)
{
	printf("Virtual servers:\n");
	if (!alen(list)) {
		printf("  (none)\n");
		return;
	}
	for (size_t i = 0; i < alen(list); i++) {
		struct json_object *v = json_object_array_get_idx(list, i);
		struct json_object *rs = get(v, "real_servers");

		printf("  %s: quorum %s, live weight %lld\n", str(v, "virtual_server"),
		       boolean(v, "quorum_up") ? "up" : "down", num(v, "live_weight", 0));
		if (!alen(rs)) {
			printf("    (no real servers)\n");
			continue;
		}
		rs_header(false);
		for (size_t k = 0; k < alen(rs); k++)
			rs_line(json_object_array_get_idx(rs, k), false);
	}
}

/* ------------------------------------------------------------------ */

void cli_print_status(struct json_object *res)
{
	struct json_object *t = get(res, "tandem"), *errs = get(res, "errors");
	char up[32];

	printf("tandem %s, pid %lld, up %s, config %s\n\n", str(t, "version"),
	       num(t, "pid", -1), duration(num(t, "uptime", -1), up, sizeof(up)),
	       str(t, "config_file"));
	if (get(res, "vrrp")) {
		vrrp_table(get(res, "vrrp"));
		printf("\n");
	}
	if (get(res, "virtual_servers"))
		vs_table(get(res, "virtual_servers"));
	for (size_t i = 0; i < alen(errs); i++)
		printf("warning: %s\n", json_object_get_string(json_object_array_get_idx(errs, i)));
}

/* One table of show ipvs, in ipvsadm -Ln's order: each service, then
 * its destinations with weight and connections. */
static void ipvs_table(const char *title, struct json_object *t)
{
	printf("%s:\n", title);
	if (!alen(t))
		printf("  (empty)\n");
	for (size_t i = 0; i < alen(t); i++) {
		struct json_object *v = json_object_array_get_idx(t, i);
		struct json_object *ds = get(v, "dests");

		printf("  %s %s\n", str(v, "service"), str(v, "scheduler"));
		for (size_t k = 0; k < alen(ds); k++) {
			struct json_object *d = json_object_array_get_idx(ds, k);

			printf("    -> %-28s %-6s weight %-5lld active %-6lld inactive %lld\n",
			       str(d, "dest"), str(d, "method"), num(d, "weight", 0),
			       num(d, "active_conns", 0), num(d, "inactive_conns", 0));
		}
	}
}

static void ipvs_show(struct json_object *ipvs)
{
	if (!ipvs || !boolean(ipvs, "available")) {
		printf("IPVS: not available (no IPVS in this kernel, or no check process)\n");
		return;
	}
	printf("IPVS: %lld requests sent\n", num(ipvs, "requests", 0));
	ipvs_table("wanted", get(ipvs, "wanted"));
	if (get(ipvs, "kernel"))
		ipvs_table("kernel", get(ipvs, "kernel"));
	else
		printf("kernel: cannot read: %s\n", str(ipvs, "kernel_error"));
}

void cli_print_show(struct json_object *res)
{
	struct json_object *rs = get(res, "real_servers");

	if (json_object_object_get_ex(res, "ipvs", NULL))
		ipvs_show(get(res, "ipvs"));
	else if (get(res, "vrrp"))
		vrrp_detail(get(res, "vrrp"));
	else if (get(res, "virtual_servers"))
		vs_table(get(res, "virtual_servers"));
	else if (rs) {
		rs_header(true);
		for (size_t k = 0; k < alen(rs); k++)
			rs_line(json_object_array_get_idx(rs, k), true);
	}
}

static void list(const char *what, struct json_object *a)
{
	for (size_t i = 0; i < alen(a); i++)
		printf("  %s %s\n", what, json_object_get_string(json_object_array_get_idx(a, i)));
}

static void diag_lines(FILE *f, const char *sev, struct json_object *a)
{
	for (size_t i = 0; i < alen(a); i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		if (get(e, "file"))
			fprintf(f, "%s:%lld: %s: %s\n", str(e, "file"), num(e, "line", 0),
				sev, str(e, "message"));
		else
			fprintf(f, "%s: %s\n", sev, str(e, "message"));
	}
}

void cli_print_reload(struct json_object *res)
{
	struct json_object *ch = get(res, "changes");
	size_t n = alen(get(ch, "added")) + alen(get(ch, "removed")) +
		   alen(get(ch, "changed"));

	diag_lines(stdout, "warning", get(res, "warnings"));
	if (!n) {
		printf("reload applied: nothing changed\n");
		return;
	}
	printf("reload applied: %zu block%s changed\n", n, n == 1 ? "" : "s");
	list("added", get(ch, "added"));
	list("removed", get(ch, "removed"));
	list("changed", get(ch, "changed"));
}

void cli_print_done(struct json_object *res)
{
	const char *msg = str(res, "message");

	printf("%s\n", strcmp(msg, "-") ? msg : "ok");
}

void cli_print_version(struct json_object *res)
{
	printf("tandem %s, pid %lld\n", str(res, "version"), num(res, "pid", -1));
}

/* As it is: the text is Prometheus's exposition format already. */
void cli_print_metrics(struct json_object *res)
{
	fputs(strcmp(str(res, "text"), "-") ? str(res, "text") : "", stdout);
}

void cli_print_error(struct json_object *rep)
{
	diag_lines(stderr, "error", get(rep, "errors"));
	fprintf(stderr, "tandemctl: %s\n", str(rep, "error"));
}

/* One line: what changed, the first error of a refused file (the
 * others are in the log and in --json), or why it failed. */
static void reload_event(const char *t, struct json_object *ev)
{
	const char *res = str(ev, "result");
	struct json_object *ch = get(ev, "changes"), *errs = get(ev, "errors");
	static const char *const kinds[] = { "added", "removed", "changed" };

	printf("%s reload %s", t, res);
	if (!strcmp(res, "applied")) {
		size_t n = 0;

		for (size_t k = 0; k < 3; k++) {
			struct json_object *a = get(ch, kinds[k]);

			for (size_t i = 0; i < alen(a); i++)
				printf("%s%s %s", n++ ? ", " : ": ", kinds[k],
				       json_object_get_string(json_object_array_get_idx(a, i)));
		}
		if (!n)
			printf(": nothing changed");
	} else if (!strcmp(res, "refused")) {
		struct json_object *e = json_object_array_get_idx(errs, 0);

		printf(": %zu error%s", alen(errs), alen(errs) == 1 ? "" : "s");
		if (e && get(e, "file"))
			printf(", first %s:%lld: %s", str(e, "file"), num(e, "line", 0),
			       str(e, "message"));
		else if (e)
			printf(", first: %s", str(e, "message"));
	} else if (strcmp(str(ev, "error"), "-")) {
		printf(": %s", str(ev, "error"));
	}
	printf("\n");
}

void cli_print_event(struct json_object *ev)
{
	const char *kind = str(ev, "event");
	char t[16];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(t, sizeof(t), "%H:%M:%S", &tm);
	if (!strcmp(kind, "vrrp"))
		printf("%s vrrp %s: %s -> %s (priority %lld)\n", t, str(ev, "instance"),
		       str(ev, "prev"), str(ev, "state"), num(ev, "priority", -1));
	else if (!strcmp(kind, "rs"))
		printf("%s rs %s of %s: %s%s%s\n", t, str(ev, "real_server"),
		       str(ev, "virtual_server"), boolean(ev, "up") ? "UP" : "DOWN",
		       boolean(ev, "up") || !*str(ev, "reason") ? "" : ": ",
		       boolean(ev, "up") ? "" : str(ev, "reason"));
	else if (!strcmp(kind, "reload"))
		reload_event(t, ev);
	else
		printf("%s %s %s\n", t, kind, json_object_to_json_string_ext(
			ev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}
