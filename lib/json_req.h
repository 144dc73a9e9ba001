/*
 * Small helpers for the control requests every process answers (see
 * doc/tandem-control.7): reading a string argument and making the
 * {"error": "why"} refusal.  Here in lib/ so that the vrrp and check
 * processes, which may not include each other or tandem/, share one copy.
 */
#ifndef LIB_JSON_REQ_H
#define LIB_JSON_REQ_H

#include <stdarg.h>
#include <stddef.h>

struct json_object;

/* The string member key of o, or NULL when o is no object, or the member
 * is absent or not a string. */
const char *json_req_str(struct json_object *o, const char *key);
/* A new {"error": message} object. */
struct json_object *json_req_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
struct json_object *json_req_verror(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

#endif
