/*
 * libFuzzer target for the config language: conf_read_buffer() on the
 * input, conf_apply() against a small keepalived-like table, conf_dump()
 * to /dev/null, and checks that the dump reads back to the same dump and
 * that the packed tree (conf_pack) unpacks to it; the input itself is
 * also fed to conf_unpack behind a valid magic.
 * Built by build.sh with clang and ASan+UBSan; run.sh runs
 * it for a bounded time.
 *
 * The input is named as a file inside an empty temporary folder that is
 * also the include root, so an include in the input can only ever find
 * nothing: the fuzzer never reads the real file system.  The expansion
 * limits are lowered so that one input cannot take seconds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/conf.h"

struct inst {
	char *name, *iface, *notify, *auth_pass;
	int state, auth_type, garp;
	unsigned vrid, prio;
	uint64_t advert, preempt_delay;
	bool nopreempt, smtp_alert;
	struct sockaddr_storage src;
	int nvip;
	struct inst *next;
};

struct top {
	char *router_id;
	uint64_t smtp_timeout;
	int emails;
	struct inst *insts;
	int groups;
};

static void *inst_open(struct conf_ctx *c, const struct conf_node *n,
		       void *parent)
{
	struct top *t = parent;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return NULL;
	struct inst *i = calloc(1, sizeof(*i));

	if (!i)
		abort();
	i->name = strdup(n->args[0]);
	i->next = t->insts;
	t->insts = i;
	return i;
}

static int inst_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct inst *i = obj;

	if (!i->vrid)
		conf_err(c, n, "expected a virtual_router_id, got none");
	return 0;
}

static int vip_line(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	((struct inst *)obj)->nvip++;
	return conf_arg_count(c, n, 0, 4);
}

static int email_line(struct conf_ctx *c, const struct conf_node *n,
		      void *obj)
{
	((struct top *)obj)->emails++;
	return 0;
}

static const char *const states[] = { "MASTER", "BACKUP", NULL };
static const char *const auths[] = { "PASS", "AH", NULL };

static const struct conf_keyword auth_kw[] = {
	{ .name = "auth_type", .type = CONF_T_ENUM, .words = auths,
	  .offset = offsetof(struct inst, auth_type) },
	{ .name = "auth_pass", .type = CONF_T_STR,
	  .offset = offsetof(struct inst, auth_pass) },
	{ .name = NULL }
};

static const struct conf_block auth_block = {
	.name = "authentication", .keywords = auth_kw,
};

static const struct conf_keyword inst_kw[] = {
	{ .name = "state", .type = CONF_T_ENUM, .words = states,
	  .offset = offsetof(struct inst, state) },
	{ .name = "interface", .type = CONF_T_STR,
	  .offset = offsetof(struct inst, iface) },
	{ .name = "virtual_router_id", .type = CONF_T_UINT, .min = 1,
	  .max = 255, .offset = offsetof(struct inst, vrid) },
	{ .name = "priority", .type = CONF_T_UINT, .min = 1, .max = 255,
	  .offset = offsetof(struct inst, prio) },
	{ .name = "advert_int", .type = CONF_T_TIME, .min = 10000,
	  .max = 255000000, .offset = offsetof(struct inst, advert) },
	{ .name = "preempt_delay", .type = CONF_T_TIME,
	  .offset = offsetof(struct inst, preempt_delay) },
	{ .name = "nopreempt", .type = CONF_T_FLAG,
	  .offset = offsetof(struct inst, nopreempt) },
	{ .name = "smtp_alert", .type = CONF_T_BOOL,
	  .offset = offsetof(struct inst, smtp_alert) },
	{ .name = "unicast_src_ip", .type = CONF_T_ADDR,
	  .offset = offsetof(struct inst, src) },
	{ .name = "notify", .type = CONF_T_LINE,
	  .offset = offsetof(struct inst, notify) },
	{ .name = "notify_master", .alias_of = "notify" },
	{ .name = "garp_master_delay", .type = CONF_T_INT, .min = 0,
	  .max = 1000, .offset = offsetof(struct inst, garp) },
	{ .name = "virtual_ipaddress", .type = CONF_T_LIST,
	  .handler = vip_line },
	{ .name = "authentication", .type = CONF_T_BLOCK,
	  .block = &auth_block },
	{ .name = "track_script", .type = CONF_T_NOTIMPL },
	{ .name = NULL }
};

static const struct conf_block inst_block = {
	.name = "vrrp_instance", .keywords = inst_kw, .open = inst_open,
	.close = inst_close,
};

static const struct conf_keyword group_kw[] = {
	{ .name = "group", .type = CONF_T_LIST, .handler = email_line },
	{ .name = NULL }
};

static const struct conf_block group_block = {
	.name = "vrrp_sync_group", .keywords = group_kw,
};

static int group_fn(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	((struct top *)obj)->groups++;
	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	if (!n->block) {
		conf_err(c, n, "expected a { } block, got nothing");
		return -1;
	}
	return conf_apply_block(c, n, &group_block, obj);
}

static const struct conf_keyword gd_kw[] = {
	{ .name = "router_id", .type = CONF_T_STR,
	  .offset = offsetof(struct top, router_id) },
	{ .name = "smtp_connect_timeout", .type = CONF_T_TIME,
	  .offset = offsetof(struct top, smtp_timeout) },
	{ .name = "notification_email", .type = CONF_T_LIST,
	  .handler = email_line },
	{ .name = "lvs_id", .alias_of = "router_id" },
	{ .name = NULL }
};

static const struct conf_block gd_block = {
	.name = "global_defs", .keywords = gd_kw,
};

static const struct conf_keyword top_kw[] = {
	{ .name = "global_defs", .type = CONF_T_BLOCK, .block = &gd_block,
	  .flags = CONF_KW_MULTI },
	{ .name = "vrrp_instance", .type = CONF_T_BLOCK, .block = &inst_block,
	  .flags = CONF_KW_MULTI },
	{ .name = "vrrp_sync_group", .type = CONF_T_CUSTOM,
	  .handler = group_fn, .flags = CONF_KW_MULTI },
	{ .name = "virtual_server", .type = CONF_T_NOTIMPL },
	{ .name = NULL }
};

static const struct conf_block top_block = {
	.name = "the top level", .keywords = top_kw,
};

static char dir[] = "/tmp/fuzz_confXXXXXX";
static char name[64];
static FILE *null_out;

static void cleanup(void)
{
	rmdir(dir);
}

static char *dump_text(const struct conf_tree *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	conf_dump(t, NULL, f);
	fclose(f);
	return text;
}

/* Whatever was read, its dump must read back without errors and dump
 * to the same text. */
static void roundtrip(const struct conf_tree *t,
		      const struct conf_read_opts *o)
{
	char *d1 = dump_text(t);
	struct conf_diag d;
	struct conf_tree *t2;

	conf_diag_init(&d);
	if (conf_read_buffer(name, d1, strlen(d1), o, &d, &t2) < 0) {
		fprintf(stderr, "dump does not read back:\n%s\n---\n", d1);
		conf_diag_print(&d, stderr);
		abort();
	}
	char *d2 = dump_text(t2);

	if (strcmp(d1, d2)) {
		fprintf(stderr, "dump changed on re-read:\n%s\n---\n%s\n",
			d1, d2);
		abort();
	}
	free(d2);
	conf_tree_free(t2);
	conf_diag_free(&d);

	/* The packed tree a reload sends loads back to the same dump, and
	 * a cut one is refused. */
	char *pk;
	size_t pklen;

	conf_pack(t, &pk, &pklen);
	if (conf_unpack(pk, pklen, &t2) < 0) {
		fprintf(stderr, "pack does not unpack:\n%s\n", d1);
		abort();
	}
	d2 = dump_text(t2);
	if (strcmp(d1, d2)) {
		fprintf(stderr, "dump changed through a pack:\n%s\n---\n%s\n",
			d1, d2);
		abort();
	}
	free(d2);
	conf_tree_free(t2);
	if (conf_unpack(pk, pklen - 1, &t2) == 0 && t2->first) {
		fprintf(stderr, "a cut pack was taken:\n%s\n", d1);
		abort();
	}
	conf_tree_free(t2);
	free(pk);
	free(d1);
}

/* Arbitrary bytes behind the pack's magic: refused or taken, never a
 * crash. */
static void unpack_raw(const uint8_t *data, size_t size)
{
	char *pk, *buf;
	size_t pklen, ml;
	struct conf_tree *t;

	conf_pack(NULL, &pk, &pklen);
	ml = (size_t)((char *)memchr(pk, '\n', pklen) - pk) + 1;
	buf = malloc(ml + size + 1);
	if (!buf)
		abort();
	memcpy(buf, pk, ml);
	memcpy(buf + ml, data, size);
	conf_unpack(buf, ml + size, &t);
	conf_dump(t, NULL, null_out);
	conf_tree_free(t);
	free(buf);
	free(pk);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	snprintf(name, sizeof(name), "%s/fuzz.conf", dir);
	null_out = fopen("/dev/null", "w");
	if (!null_out)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_read_opts o = {
		.config_id = "main",
		.max_include_depth = 4,
		.max_expanded_lines = 20000,
		.max_expanded_bytes = 4u << 20,
		.include_root = dir,
	};
	struct conf_diag d;
	struct conf_tree *t;
	struct top top;

	memset(&top, 0, sizeof(top));
	conf_diag_init(&d);
	conf_read_buffer(name, (const char *)data, size, &o, &d, &t);
	conf_apply(t, &top_block, &top, &d);
	conf_dump(t, &top_block, null_out);
	conf_diag_print(&d, null_out);
	roundtrip(t, &o);
	unpack_raw(data, size);
	conf_tree_free(t);
	conf_diag_free(&d);
	free(top.router_id);
	while (top.insts) {
		struct inst *i = top.insts;

		top.insts = i->next;
		free(i->name);
		free(i->iface);
		free(i->notify);
		free(i->auth_pass);
		free(i);
	}
	return 0;
}
