/*
 * The vrrp_script block and the track_script lines that name it.
 *
 *   vrrp_script NAME {
 *       script "COMMAND LINE"   (split into words by lib/script.c)
 *       interval S              (default 1)
 *       timeout S               (default: the interval)
 *       weight -253..253 [reverse]   (default 0: FAULT on failure)
 *       rise N / fall N         (default 1 each)
 *       user USER [GROUP]       (default: script_user)
 *       init_fail
 *   }
 *
 * The block holds what the runner needs; the lines in an instance or a
 * sync group are ordinary tracker lines (vrrp_conf_track.c parses them
 * and resolves the name once every block is read), so a script may be
 * defined after the instances that track it, as keepalived allows.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

#define TS(f)	offsetof(struct vrrp_conf_track_script, f)
#define MAX_TIME_US	((int64_t)86400 * 1000000)

static int nomem(struct conf_ctx *c, const struct conf_node *n)
{
	conf_err(c, n, "out of memory");
	return -1;
}

static int h_weight(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_script *ts = obj;
	int64_t w;

	if (conf_arg_count(c, n, 1, 2) < 0 ||
	    conf_arg_int(c, n, 0, -253, 253, &w) < 0)
		return -1;
	if (n->nargs == 2 && strcmp(n->args[1], "reverse")) {
		conf_err(c, n, "expected 'reverse' after the weight, got '%s'",
			 n->args[1]);
		return -1;
	}
	ts->weight = (int)w;
	ts->reverse = n->nargs == 2;
	return 0;
}

/* user USER [GROUP] */
static int h_user(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_script *ts = obj;
	char *u, *g = NULL;

	if (conf_arg_count(c, n, 1, 2) < 0)
		return -1;
	u = strdup(n->args[0]);
	if (!u || (n->nargs > 1 && !(g = strdup(n->args[1])))) {
		free(u);
		return nomem(c, n);
	}
	free(ts->user);
	free(ts->group);
	ts->user = u;
	ts->group = g;
	return 0;
}

static int h_timeout(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_script *ts = obj;

	if (conf_arg_count(c, n, 1, 1) < 0 ||
	    conf_arg_time(c, n, 0, 1000, MAX_TIME_US, &ts->timeout_us) < 0)
		return -1;
	ts->timeout_set = true;
	return 0;
}

static const struct conf_keyword track_script_keywords[] = {
	{ .name = "script", .type = CONF_T_LINE, .offset = TS(script) },
	{ .name = "interval", .type = CONF_T_TIME, .offset = TS(interval_us),
	  .min = 1000, .max = MAX_TIME_US },
	{ .name = "timeout", .type = CONF_T_CUSTOM, .handler = h_timeout,
	  .expect = "SECONDS" },
	{ .name = "weight", .type = CONF_T_CUSTOM, .handler = h_weight,
	  .expect = "-253..253 [reverse]" },
	{ .name = "rise", .type = CONF_T_UINT, .offset = TS(rise),
	  .min = 1, .max = INT_MAX },
	{ .name = "fall", .type = CONF_T_UINT, .offset = TS(fall),
	  .min = 1, .max = INT_MAX },
	{ .name = "user", .type = CONF_T_CUSTOM, .handler = h_user,
	  .expect = "USER [GROUP]" },
	{ .name = "init_fail", .type = CONF_T_FLAG, .offset = TS(init_fail) },
	{ .name = NULL },
};

static void *ts_open(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	struct vrrp_conf *vc = parent;
	struct vrrp_conf_track_script *ts, **grown;

	if (n->nargs != 1) {
		conf_err(c, n, "expected one name before '{', got %zu words",
			 n->nargs);
		return NULL;
	}
	for (size_t i = 0; i < vc->ntrack_scripts; i++)
		if (!strcmp(vc->track_scripts[i]->name, n->args[0])) {
			conf_err(c, n, "vrrp_script '%s' defined twice "
				 "(before at %s:%d)", n->args[0],
				 vrrp_conf_loc_file(&vc->track_scripts[i]->loc),
				 vc->track_scripts[i]->loc.line);
			return NULL;
		}
	if (!(ts = calloc(1, sizeof(*ts))))
		goto fail;
	ts->interval_us = 1000000;
	ts->rise = ts->fall = 1;
	grown = realloc(vc->track_scripts,
			(vc->ntrack_scripts + 1) * sizeof(*grown));
	if (!grown) {
		free(ts);
		goto fail;
	}
	vc->track_scripts = grown;
	grown[vc->ntrack_scripts++] = ts;
	if (!(ts->name = strdup(n->args[0])) || vrrp_conf_loc_set(&ts->loc, n))
		goto fail;
	return ts;
fail:
	nomem(c, n);
	return NULL;
}

static int ts_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_script *ts = obj;

	if (!ts->script || !ts->script[0]) {
		conf_err(c, n, "vrrp_script '%s' has no script (expected "
			 "script COMMAND [ARGUMENT ...])", ts->name);
		return -1;
	}
	if (!ts->timeout_set)
		ts->timeout_us = ts->interval_us;
	return 0;
}

static const struct conf_block track_script_block = {
	.name = "vrrp_script",
	.keywords = track_script_keywords,
	.open = ts_open,
	.close = ts_close,
};

int vrrp_conf_track_script_stmt(struct conf_ctx *c, const struct conf_node *n,
				void *obj)
{
	if (!n->block) {
		conf_err(c, n, "expected NAME {, got no block");
		return -1;
	}
	return conf_apply_block(c, n, &track_script_block, obj);
}

int vrrp_conf_h_track_script(struct conf_ctx *c, const struct conf_node *n,
			     void *obj)
{
	struct vrrp_conf_instance *in = obj;

	return vrrp_conf_track_line(c, n, &in->tracks, &in->ntracks,
				    VRRP_TRACK_SCRIPT);
}

int vrrp_conf_sg_h_track_script(struct conf_ctx *c, const struct conf_node *n,
				void *obj)
{
	struct vrrp_conf_sync_group *g = obj;

	return vrrp_conf_track_line(c, n, &g->tracks, &g->ntracks,
				    VRRP_TRACK_SCRIPT);
}

void vrrp_conf_track_scripts_free(struct vrrp_conf *vc)
{
	for (size_t i = 0; i < vc->ntrack_scripts; i++) {
		struct vrrp_conf_track_script *ts = vc->track_scripts[i];

		free(ts->script);
		free(ts->user);
		free(ts->group);
		free(ts->name);
		vrrp_conf_loc_free(&ts->loc);
		free(ts);
	}
	free(vc->track_scripts);
	vc->track_scripts = NULL;
	vc->ntrack_scripts = 0;
}
