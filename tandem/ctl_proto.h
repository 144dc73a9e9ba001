/*
 * The control socket's wire format, shared by the daemon (ctl_server.c)
 * and tandemctl: one JSON object per line, both ways (see
 * doc/tandem-control.7).  Lines are split out of a byte stream here, with
 * a hard limit on a line's length so that a client can never make the
 * daemon buffer without bound.
 */
#ifndef TANDEM_CTL_PROTO_H
#define TANDEM_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

#define CTL_LINE_MAX (64 * 1024)	/* bytes in one line, newline excluded */
/* Fixed, as the pid files are (opts.h): tandemctl must find it whatever
 * prefix either was built with. */
#define CTL_DEFAULT_SOCKET "/run/tandem/tandem.sock"

struct ctl_lines {
	char *buf;
	size_t len, cap;
	size_t scanned;		/* bytes already known to hold no newline */
	size_t max;		/* longest line taken; 0: CTL_LINE_MAX */
};

/* Append n bytes.  Returns 0, -ENOMEM, or -EMSGSIZE when the line being
 * read is already longer than the limit (the caller drops the peer). */
int ctl_lines_add(struct ctl_lines *l, const char *data, size_t n);
/* The next whole line, newline removed and NUL-terminated, into *line
 * (malloc'd, the caller frees it).  Returns 1, or 0 when no whole line
 * is buffered yet, or -ENOMEM. */
int ctl_lines_next(struct ctl_lines *l, char **line, size_t *len);
/* Bytes buffered that are not a whole line yet. */
size_t ctl_lines_pending(const struct ctl_lines *l);
void ctl_lines_free(struct ctl_lines *l);

/* line as exactly one JSON object (white space around it allowed).
 * NULL with *why set otherwise. */
struct json_object *ctl_parse_line(const char *line, size_t len,
				   const char **why);
/* o as one line, '\n' included; malloc'd, or NULL. */
char *ctl_line_of(struct json_object *o, size_t *len);

/* {"ok": true, "result": result} (result taken over; NULL is null). */
struct json_object *ctl_ok(struct json_object *result);
/* {"ok": false, "error": message} */
struct json_object *ctl_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* The string member key of o, or NULL when absent or not a string. */
const char *ctl_str(struct json_object *o, const char *key);

#endif
