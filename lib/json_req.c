/*
 * Control-request helpers (json_req.h).  Messages are cut at a fixed
 * length: they quote names a client sent, and a client must not be able
 * to make an answer of unbounded size out of a refusal.
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>

#include "lib/json_req.h"

const char *json_req_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

struct json_object *json_req_verror(const char *fmt, va_list ap)
{
	struct json_object *o = json_object_new_object();
	char msg[512];

	if (!o)
		return NULL;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

struct json_object *json_req_error(const char *fmt, ...)
{
	struct json_object *o;
	va_list ap;

	va_start(ap, fmt);
	o = json_req_verror(fmt, ap);
	va_end(ap);
	return o;
}
