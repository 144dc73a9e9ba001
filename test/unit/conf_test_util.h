/*
 * Helpers shared by the config-language unit tests: read a buffer or a
 * file, and keep the tree, its dump and the printed diagnostics together
 * so a test can compare text.
 */
#ifndef TANDEM_CONF_TEST_UTIL_H
#define TANDEM_CONF_TEST_UTIL_H

#include <string.h>

#include "lib/conf.h"

struct rd {
	struct conf_diag d;
	struct conf_tree *t;
	int rc;
	char *dump, *diag;
};

/* conf_dump / conf_diag_print into a malloc'd string. */
char *conf_test_dump(const struct conf_tree *t, const struct conf_block *b);
char *conf_test_diag(const struct conf_diag *d);

void rd_buffer(struct rd *r, const char *name, const char *text, size_t len,
	       const struct conf_read_opts *o);
void rd_path(struct rd *r, const char *path, const struct conf_read_opts *o);
void rd_free(struct rd *r);

#define assert_diag(r, s) do { \
	if (!strstr((r)->diag, (s))) \
		fail_msg("missing \"%s\" in:\n%s", (s), (r)->diag); \
} while (0)

#endif
