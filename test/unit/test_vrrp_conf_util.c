/*
 * Helpers shared by the vrrp_conf test programs (linked into each; their
 * prototypes are repeated at the top of each program, there being no
 * header in this test's files).
 *
 * A small top-level table stands in for tandem/conf_top.c, which does not
 * name the VRRP blocks yet: its object is a struct vrrp_conf, so the
 * blocks are plain CONF_T_BLOCK entries, and its close() runs
 * vrrp_conf_check() with tv_globals, as the wiring will.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

#define NAME "vrrp.conf"

/* The interface, repeated in each program that links this file. */
extern struct vrrp_conf_globals tv_globals;
extern const struct conf_block tv_top;
struct vrrp_conf *tv_load(const char *text, struct conf_diag *d);
void tv_free(struct vrrp_conf *vc);
const char *tv_inst(const char *body);
struct vrrp_conf *tv_ok(const char *text);
void tv_refuse(const char *text, int line, const char *kw, const char *needle);
struct vrrp_conf *tv_warn(const char *text, int line, const char *kw,
			  const char *needle);

struct vrrp_conf_globals tv_globals = { .vrrp_version = 2 };

static int top_close(struct conf_ctx *c, const struct conf_node *n,
		     void *obj)
{
	(void)n;
	vrrp_conf_check(obj, &tv_globals, conf_ctx_diag(c));
	return 0;
}

static const struct conf_keyword top_kw[] = {
	{ .name = "vrrp_instance", .type = CONF_T_BLOCK,
	  .block = &vrrp_instance_block, .flags = CONF_KW_MULTI },
	{ .name = "vrrp_sync_group", .type = CONF_T_BLOCK,
	  .block = &vrrp_sync_group_block, .flags = CONF_KW_MULTI },
	{ .name = "track_file", .type = CONF_T_CUSTOM,
	  .handler = vrrp_conf_track_file_stmt, .flags = CONF_KW_MULTI },
	{ .name = "vrrp_track_process", .type = CONF_T_CUSTOM,
	  .handler = vrrp_conf_track_process_stmt, .flags = CONF_KW_MULTI },
	{ .name = "vrrp_script", .type = CONF_T_CUSTOM,
	  .handler = vrrp_conf_track_script_stmt, .flags = CONF_KW_MULTI },
	{ .name = "garp_group", .type = CONF_T_CUSTOM,
	  .handler = vrrp_conf_garp_group_stmt, .flags = CONF_KW_MULTI },
	{ .name = "track_group", .type = CONF_T_CUSTOM,
	  .handler = vrrp_conf_track_group_stmt, .flags = CONF_KW_MULTI },
	{ .name = "static_ipaddress", .type = CONF_T_LIST,
	  .handler = vrrp_conf_h_static_addr, .flags = CONF_KW_MULTI },
	{ .name = NULL },
};

const struct conf_block tv_top = {
	.name = "the top level",
	.keywords = top_kw,
	.close = top_close,
};

/* Read and apply text; the config is returned whatever the outcome. */
struct vrrp_conf *tv_load(const char *text, struct conf_diag *d)
{
	struct conf_tree *t = NULL;
	struct vrrp_conf *vc = calloc(1, sizeof(*vc));

	assert_non_null(vc);
	vrrp_conf_init(vc);
	conf_diag_init(d);
	if (conf_read_buffer(NAME, text, strlen(text), NULL, d, &t) == 0)
		conf_apply(t, &tv_top, vc, d);
	conf_tree_free(t);
	return vc;
}

void tv_free(struct vrrp_conf *vc)
{
	vrrp_conf_free(vc);
	free(vc);
}

/* Does a line of body begin with kw followed by a space? */
static bool has_kw(const char *body, const char *kw)
{
	size_t kl = strlen(kw);

	for (const char *p = body; p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, kw, kl) && (p[kl] == ' ' || p[kl] == '\n' ||
					     !p[kl]))
			return true;
	}
	return false;
}

/* An instance with body on line 2, then an interface, a VRID and a VIP
 * unless body gives them. */
const char *tv_inst(const char *body)
{
	static char buf[8192];
	bool vip = has_kw(body, "virtual_ipaddress") ||
		   has_kw(body, "no_virtual_ipaddress");

	snprintf(buf, sizeof(buf), "vrrp_instance VI {\n%s\n%s%s%s}\n", body,
		 has_kw(body, "interface") ? "" : "interface eth0\n",
		 has_kw(body, "virtual_router_id") ? "" :
		 "virtual_router_id 51\n",
		 vip ? "" : "virtual_ipaddress {\n192.0.2.1/24\n}\n");
	return buf;
}

static void dump_if(const struct conf_diag *d, bool cond, const char *text)
{
	if (cond) {
		fprintf(stderr, "--- for:\n%s--- got:\n", text);
		conf_diag_print(d, stderr);
	}
}

/* No error and no warning; returns the config (tv_free it). */
struct vrrp_conf *tv_ok(const char *text)
{
	struct conf_diag d;
	struct vrrp_conf *vc = tv_load(text, &d);

	dump_if(&d, d.n != 0, text);
	assert_int_equal(d.n, 0);
	conf_diag_free(&d);
	return vc;
}

static const struct conf_diag_entry *find(const struct conf_diag *d,
					  enum conf_severity sev, int line,
					  const char *kw, const char *needle)
{
	size_t kl = strlen(kw);

	for (size_t i = 0; i < d->n; i++) {
		const struct conf_diag_entry *e = &d->v[i];

		if (e->sev != sev || !e->file || strcmp(e->file, NAME) ||
		    (line && e->line != line))
			continue;
		if (strncmp(e->msg, kw, kl) || e->msg[kl] != ':')
			continue;
		if (needle && !strstr(e->msg, needle))
			continue;
		return e;
	}
	return NULL;
}

/* An error at NAME:line (0: any line) whose message is "kw: ..." and holds
 * needle. */
void tv_refuse(const char *text, int line, const char *kw, const char *needle)
{
	struct conf_diag d;
	struct vrrp_conf *vc = tv_load(text, &d);
	const struct conf_diag_entry *e = find(&d, CONF_ERROR, line, kw,
					       needle);

	if (!e)
		fprintf(stderr, "expected error at line %d '%s: ...%s...'\n",
			line, kw, needle ? needle : "");
	dump_if(&d, !e, text);
	assert_non_null(e);
	conf_diag_free(&d);
	tv_free(vc);
}

/* Accepted (no error) with that warning; returns the config. */
struct vrrp_conf *tv_warn(const char *text, int line, const char *kw,
			  const char *needle)
{
	struct conf_diag d;
	struct vrrp_conf *vc = tv_load(text, &d);
	const struct conf_diag_entry *e = find(&d, CONF_WARNING, line, kw,
					       needle);

	dump_if(&d, !e || d.errors, text);
	assert_int_equal(d.errors, 0);
	assert_non_null(e);
	conf_diag_free(&d);
	return vc;
}
