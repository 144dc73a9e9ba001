/* See conf_test_util.h. */
#include <stdio.h>
#include <stdlib.h>

#include "test/unit/conf_test_util.h"

char *conf_test_dump(const struct conf_tree *t, const struct conf_block *b)
{
	char *s = NULL;
	size_t len;
	FILE *f = open_memstream(&s, &len);

	conf_dump(t, b, f);
	fclose(f);
	return s;
}

char *conf_test_diag(const struct conf_diag *d)
{
	char *s = NULL;
	size_t len;
	FILE *f = open_memstream(&s, &len);

	conf_diag_print(d, f);
	fclose(f);
	return s;
}

static void rd_finish(struct rd *r)
{
	r->dump = conf_test_dump(r->t, NULL);
	r->diag = conf_test_diag(&r->d);
}

void rd_buffer(struct rd *r, const char *name, const char *text, size_t len,
	       const struct conf_read_opts *o)
{
	memset(r, 0, sizeof(*r));
	conf_diag_init(&r->d);
	r->rc = conf_read_buffer(name, text, len, o, &r->d, &r->t);
	rd_finish(r);
}

void rd_path(struct rd *r, const char *path, const struct conf_read_opts *o)
{
	memset(r, 0, sizeof(*r));
	conf_diag_init(&r->d);
	r->rc = conf_read_file(path, o, &r->d, &r->t);
	rd_finish(r);
}

void rd_free(struct rd *r)
{
	conf_tree_free(r->t);
	conf_diag_free(&r->d);
	free(r->dump);
	free(r->diag);
}
