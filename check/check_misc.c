/*
 * MISC_CHECK: the real server is up when a script says so.
 *
 * misc_path is a command line run by the script runner (lib/script.c)
 * as a child of the check process: exit status 0 is up, at the
 * configured weight; with misc_dynamic an exit status of 2 to 255 is up
 * too, at weight status - 2 (keepalived's rule), reported to the runtime
 * through the probe's weight; any other status, a signal, a timeout
 * (misc_timeout, else delay_loop, as keepalived) or a refusal (not
 * found, unsafe under enable_script_security) is down.  A script runs
 * as `user` when given, else as script_user.  As in keepalived a
 * MISC_CHECK is not retried unless `retry` says so, and takes no
 * connection keywords: it goes nowhere by itself.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_checker.h"
#include "lib/log.h"
#include "lib/script.h"

#define CKM(f) offsetof(struct check_checker, misc.f)

static void *misc_open(struct conf_ctx *c, const struct conf_node *n,
		       void *parent)
{
	return check_ck_open(c, n, parent, CHECK_K_MISC);
}

/* user USER [GROUP] */
static int h_user(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_checker *ck = obj;
	char *u, *g = NULL;

	if (conf_arg_count(c, n, 1, 2) < 0)
		return -1;
	u = strdup(n->args[0]);
	if (!u || (n->nargs > 1 && !(g = strdup(n->args[1])))) {
		free(u);
		conf_err(c, n, "out of memory");
		return -1;
	}
	free(ck->misc.user);
	free(ck->misc.group);
	ck->misc.user = u;
	ck->misc.group = g;
	return 0;
}

static const struct conf_keyword misc_keywords[] = {
	CHECK_TIMING_KEYWORDS,
	{ .name = "misc_path", .type = CONF_T_LINE, .offset = CKM(path) },
	{ .name = "misc_timeout", .type = CONF_T_TIME,
	  .offset = CK_(connect_timeout), .min = 1000,
	  .max = (int64_t)86400 * 1000000 },
	{ .name = "misc_dynamic", .type = CONF_T_FLAG, .offset = CKM(dynamic) },
	{ .name = "user", .type = CONF_T_CUSTOM, .handler = h_user,
	  .expect = "USER [GROUP]" },
	{ .name = NULL },
};

static int misc_close(struct conf_ctx *c, const struct conf_node *n,
		      void *obj)
{
	struct check_checker *ck = obj;

	if (!ck->misc.path || !*ck->misc.path) {
		conf_err(c, n, "misc_path: expected the script to run, got none");
		return -1;
	}
	return check_ck_close(c, n, obj);
}

const struct conf_block check_misc_block = {
	.name = "MISC_CHECK",
	.keywords = misc_keywords,
	.open = misc_open,
	.close = misc_close,
};

static void misc_done(const struct script_result *r, void *ud)
{
	struct check_probe *p = ud;
	const struct check_misc *m = &p->ck->misc;
	char why[CHECK_REASON_MAX];

	p->run = NULL;			/* the runner is done with it */
	if (r->end != SCRIPT_REFUSED)
		p->warned = false;
	switch (r->end) {
	case SCRIPT_EXITED:
		if (r->status == 0) {
			p->done(p, true, NULL);
			return;
		}
		if (m->dynamic && r->status >= 2 && r->status <= 255) {
			p->weight = r->status - 2;
			p->done(p, true, NULL);
			return;
		}
		snprintf(why, sizeof(why), "script exit %d", r->status);
		break;
	case SCRIPT_SIGNALED:
		snprintf(why, sizeof(why), "script %.*s",
			 (int)sizeof(why) - 8, r->why);
		break;
	case SCRIPT_TIMEOUT:
		snprintf(why, sizeof(why), "script timed out after %.1f s, killed",
			 (double)p->timeout / 1e6);
		break;
	case SCRIPT_REFUSED:
	default:
		/* A config problem the user must see, whatever the
		 * checker's state: logged once until it goes away. */
		if (!p->warned)
			log_warn("MISC_CHECK %s: %s", m->path, r->why);
		p->warned = true;
		snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 1, r->why);
		break;
	}
	p->done(p, false, why);
}

static int misc_start(struct check_probe *p)
{
	const struct check_misc *m = &p->ck->misc;
	struct script_opts o = { .user = NULL };

	if (p->script)
		o = *p->script;
	if (m->user) {
		o.user = m->user;
		o.group = m->group;
	}
	o.timeout = p->timeout;
	return script_run(p->e, m->path, &o, misc_done, p, &p->run);
}

static void misc_cancel(struct check_probe *p)
{
	script_cancel(p->run);
	p->run = NULL;
}

const struct check_type check_type_misc = {
	.name = "MISC_CHECK",
	.block = &check_misc_block,
	.needs_port = false,
	.start = misc_start,
	.cancel = misc_cancel,
	.no_retry_default = true,
	.timeout_is_delay_loop = true,
};
