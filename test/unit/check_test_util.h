/*
 * Shared by the check/ unit tests: read a config text through a small
 * top-level table that holds only the LVS blocks (as tandem's own top
 * table does), run the whole-file checks, and look for a diagnostic.
 */
#ifndef TANDEM_TEST_CHECK_UTIL_H
#define TANDEM_TEST_CHECK_UTIL_H

#include <string.h>

#include "check/check_vs_conf.h"

static const struct conf_keyword test_top_kw[] = {
	{ .name = "virtual_server", .type = CONF_T_CUSTOM,
	  .handler = check_conf_vs_stmt, .flags = CONF_KW_MULTI },
	{ .name = "virtual_server_group", .type = CONF_T_CUSTOM,
	  .handler = check_conf_vsg_stmt, .flags = CONF_KW_MULTI },
	{ .name = NULL },
};

static const struct conf_block test_top = {
	.name = "the top level", .keywords = test_top_kw,
};

/* 0 when the text has no error; cc and d are filled either way. */
static inline int parse(const char *text, struct check_conf *cc,
			struct conf_diag *d)
{
	struct conf_tree *t = NULL;
	int r;

	check_conf_init(cc);
	conf_diag_init(d);
	r = conf_read_buffer("t.conf", text, strlen(text), NULL, d, &t);
	if (conf_apply(t, &test_top, cc, d) < 0)
		r = -1;
	if (check_conf_finish(cc, d) < 0)
		r = -1;
	conf_tree_free(t);
	return r;
}

/* Is there a diagnostic of this severity at this line containing what? */
static inline bool has_diag(const struct conf_diag *d, enum conf_severity sev,
			    int line, const char *what)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].sev == sev && (line <= 0 || d->v[i].line == line) &&
		    strstr(d->v[i].msg, what))
			return true;
	return false;
}

static inline void dump_diag(const struct conf_diag *d)
{
	conf_diag_print(d, stderr);
}

#endif
