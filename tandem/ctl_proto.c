/*
 * Line splitting and the small JSON helpers of the control protocol.
 * The buffer remembers how far it has looked for a newline, so a client
 * that trickles a long line byte by byte costs linear, not quadratic,
 * scanning; the length limit is checked on every append, before the
 * buffer grows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json_req.h"
#include "tandem/ctl_proto.h"

int ctl_lines_add(struct ctl_lines *l, const char *data, size_t n)
{
	const char *nl;

	if (l->len + n > l->cap) {
		size_t cap = l->cap ? l->cap : 1024;
		char *b;

		while (cap < l->len + n)
			cap *= 2;
		b = realloc(l->buf, cap);
		if (!b)
			return -ENOMEM;
		l->buf = b;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, data, n);
	l->len += n;
	/* Only the line still open counts against the limit. */
	nl = memrchr(l->buf, '\n', l->len);
	if ((size_t)(l->buf + l->len - (nl ? nl + 1 : l->buf)) >
	    (l->max ? l->max : CTL_LINE_MAX))
		return -EMSGSIZE;
	return 0;
}

int ctl_lines_next(struct ctl_lines *l, char **line, size_t *len)
{
	char *nl = l->scanned < l->len
		   ? memchr(l->buf + l->scanned, '\n', l->len - l->scanned)
		   : NULL;
	size_t n;

	if (!nl) {
		l->scanned = l->len;
		return 0;
	}
	n = (size_t)(nl - l->buf);
	*line = malloc(n + 1);
	if (!*line)
		return -ENOMEM;
	memcpy(*line, l->buf, n);
	(*line)[n] = '\0';
	if (n && (*line)[n - 1] == '\r')
		(*line)[--n] = '\0';
	*len = n;
	memmove(l->buf, nl + 1, l->len - (size_t)(nl + 1 - l->buf));
	l->len -= (size_t)(nl + 1 - l->buf);
	l->scanned = 0;
	return 1;
}

size_t ctl_lines_pending(const struct ctl_lines *l)
{
	return l->len;
}

void ctl_lines_free(struct ctl_lines *l)
{
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

struct json_object *ctl_parse_line(const char *line, size_t len,
				   const char **why)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t end;

	*why = NULL;
	if (memchr(line, '\0', len)) {
		*why = "malformed JSON: a NUL byte in the line";
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		*why = "out of memory";
		return NULL;
	}
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		*why = "malformed JSON";
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	for (; end < len; end++) {
		if (!strchr(" \t\r", line[end])) {
			*why = "malformed JSON: text after the object";
			json_object_put(o);
			return NULL;
		}
	}
	if (!json_object_is_type(o, json_type_object)) {
		*why = "a request must be a JSON object";
		json_object_put(o);
		return NULL;
	}
	return o;
}

char *ctl_line_of(struct json_object *o, size_t *len)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(s);
	char *line = malloc(n + 2);

	if (!line)
		return NULL;
	memcpy(line, s, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	*len = n + 1;
	return line;
}

struct json_object *ctl_ok(struct json_object *result)
{
	struct json_object *o = json_object_new_object();

	if (!o) {
		json_object_put(result);
		return NULL;
	}
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "result", result);
	return o;
}

struct json_object *ctl_error(const char *fmt, ...)
{
	struct json_object *o = json_object_new_object(), *e, *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	e = json_req_verror(fmt, ap);
	va_end(ap);
	if (e)
		json_object_object_get_ex(e, "error", &msg);
	if (!o || !msg) {
		json_object_put(o);
		json_object_put(e);
		return NULL;
	}
	/* "ok" first: a reader of the raw line sees the verdict first */
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_get(msg));
	json_object_put(e);
	return o;
}

const char *ctl_str(struct json_object *o, const char *key)
{
	return json_req_str(o, key);
}
