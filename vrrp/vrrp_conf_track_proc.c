/*
 * The vrrp_track_process block: which processes to count and when the
 * count is good enough.
 *
 *   vrrp_track_process NAME {
 *       process NAME_OR_PATH [PARAM ...]
 *       param_match initial|partial
 *       weight -254..254 [reverse]
 *       quorum N            (default 1)
 *       quorum_max N        (default: no limit)
 *       delay S / fork_delay S / terminate_delay S
 *       full_command
 *   }
 *
 * Words are kept as given (the parser already removed the quotes), and
 * the lines naming a block are resolved in vrrp_conf_track.c.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

#define TP(f)	offsetof(struct vrrp_conf_track_process, f)
#define MAX_DELAY_US	(3600ULL * 1000000)

static int nomem(struct conf_ctx *c, const struct conf_node *n)
{
	conf_err(c, n, "out of memory");
	return -1;
}

static int h_process(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_process *tp = obj;

	if (conf_arg_count(c, n, 1, 64) < 0)
		return -1;
	if (!n->args[0][0]) {
		conf_err(c, n, "expected a process name, got an empty one");
		return -1;
	}
	for (size_t i = 0; i < tp->nargv; i++)
		free(tp->argv[i]);
	free(tp->argv);
	tp->nargv = 0;
	if (!(tp->argv = calloc(n->nargs, sizeof(*tp->argv))))
		return nomem(c, n);
	for (size_t i = 0; i < n->nargs; i++) {
		if (!(tp->argv[i] = strdup(n->args[i])))
			return nomem(c, n);
		tp->nargv++;
	}
	return 0;
}

static const char *const pm_words[] = { "exact", "initial", "partial", NULL };

static int h_param_match(struct conf_ctx *c, const struct conf_node *n,
			 void *obj)
{
	struct vrrp_conf_track_process *tp = obj;

	tp->param_match_set = true;
	if (n->nargs == 0) {
		tp->param_match = VRRP_PM_EXACT;
		return 0;
	}
	if (conf_arg_count(c, n, 1, 1) < 0 ||
	    conf_arg_enum(c, n, 0, pm_words, &tp->param_match) < 0)
		return -1;
	return 0;
}

static int h_weight(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_process *tp = obj;
	int64_t w;

	if (conf_arg_count(c, n, 1, 2) < 0 ||
	    conf_arg_int(c, n, 0, -254, 254, &w) < 0)
		return -1;
	if (n->nargs == 2 && strcmp(n->args[1], "reverse")) {
		conf_err(c, n, "expected 'reverse' after the weight, got '%s'",
			 n->args[1]);
		return -1;
	}
	tp->weight = (int)w;
	tp->reverse = n->nargs == 2;
	return 0;
}

/* delay S: both delays */
static int h_delay(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_process *tp = obj;
	uint64_t us;

	if (conf_arg_count(c, n, 1, 1) < 0 ||
	    conf_arg_time(c, n, 0, 0, MAX_DELAY_US, &us) < 0)
		return -1;
	tp->fork_delay_us = tp->terminate_delay_us = us;
	return 0;
}

static const struct conf_keyword track_proc_keywords[] = {
	{ .name = "process", .type = CONF_T_CUSTOM, .handler = h_process,
	  .expect = "NAME [PARAMETER ...]" },
	{ .name = "param_match", .type = CONF_T_CUSTOM,
	  .handler = h_param_match, .expect = "[initial|partial]" },
	{ .name = "weight", .type = CONF_T_CUSTOM, .handler = h_weight,
	  .expect = "-254..254 [reverse]" },
	{ .name = "quorum", .type = CONF_T_UINT, .offset = TP(quorum),
	  .min = 0, .max = INT_MAX },
	{ .name = "quorum_max", .type = CONF_T_UINT, .offset = TP(quorum_max),
	  .min = 0, .max = INT_MAX },
	{ .name = "delay", .type = CONF_T_CUSTOM, .handler = h_delay,
	  .expect = "SECONDS" },
	{ .name = "fork_delay", .type = CONF_T_TIME, .offset = TP(fork_delay_us),
	  .min = 0, .max = (int64_t)MAX_DELAY_US },
	{ .name = "terminate_delay", .type = CONF_T_TIME,
	  .offset = TP(terminate_delay_us), .min = 0,
	  .max = (int64_t)MAX_DELAY_US },
	{ .name = "full_command", .type = CONF_T_FLAG, .offset = TP(full_command) },
	{ .name = NULL },
};

static void *tp_open(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	struct vrrp_conf *vc = parent;
	struct vrrp_conf_track_process *tp, **grown;

	if (n->nargs != 1) {
		conf_err(c, n, "expected one name before '{', got %zu words",
			 n->nargs);
		return NULL;
	}
	for (size_t i = 0; i < vc->ntrack_procs; i++)
		if (!strcmp(vc->track_procs[i]->name, n->args[0])) {
			conf_err(c, n, "vrrp_track_process '%s' defined twice "
				 "(before at %s:%d)", n->args[0],
				 vrrp_conf_loc_file(&vc->track_procs[i]->loc),
				 vc->track_procs[i]->loc.line);
			return NULL;
		}
	if (!(tp = calloc(1, sizeof(*tp))))
		goto fail;
	tp->quorum = 1;
	tp->quorum_max = UINT_MAX;
	grown = realloc(vc->track_procs, (vc->ntrack_procs + 1) * sizeof(*grown));
	if (!grown) {
		free(tp);
		goto fail;
	}
	vc->track_procs = grown;
	grown[vc->ntrack_procs++] = tp;
	if (!(tp->name = strdup(n->args[0])) || vrrp_conf_loc_set(&tp->loc, n))
		goto fail;
	return tp;
fail:
	nomem(c, n);
	return NULL;
}

static int tp_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_process *tp = obj;

	if (!tp->nargv) {
		conf_err(c, n, "vrrp_track_process '%s' has no process "
			 "(expected process NAME [PARAMETER ...])", tp->name);
		return -1;
	}
	/* keepalived: quorum_max 0 means "fails while any runs" */
	if (tp->quorum_max == 0)
		tp->quorum = 0;
	if (tp->quorum_max < tp->quorum) {
		conf_err(c, n, "vrrp_track_process '%s': quorum_max %u is below "
			 "quorum %u", tp->name, tp->quorum_max, tp->quorum);
		return -1;
	}
	return 0;
}

static const struct conf_block track_proc_block = {
	.name = "vrrp_track_process",
	.keywords = track_proc_keywords,
	.open = tp_open,
	.close = tp_close,
};

int vrrp_conf_track_process_stmt(struct conf_ctx *c, const struct conf_node *n,
				 void *obj)
{
	if (!n->block) {
		conf_err(c, n, "expected NAME {, got no block");
		return -1;
	}
	return conf_apply_block(c, n, &track_proc_block, obj);
}

void vrrp_conf_track_procs_free(struct vrrp_conf *vc)
{
	for (size_t i = 0; i < vc->ntrack_procs; i++) {
		struct vrrp_conf_track_process *tp = vc->track_procs[i];

		for (size_t j = 0; j < tp->nargv; j++)
			free(tp->argv[j]);
		free(tp->argv);
		free(tp->name);
		vrrp_conf_loc_free(&tp->loc);
		free(tp);
	}
	free(vc->track_procs);
	vc->track_procs = NULL;
	vc->ntrack_procs = 0;
}
