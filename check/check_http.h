/*
 * HTTP_GET and SSL_GET: their settings, and the SSL block they share.
 *
 * A checker holds one or more url blocks; a check fetches each of them
 * in turn and passes only when every one does: the status is one of the
 * url's status codes (200-299 when none is given), the body's MD5 is the
 * url's digest when one is given, and its regex matches (or, with
 * regex_no_match, does not).  The virtual host sent is the url's, else
 * the checker's, the real server's, the virtual server's; none sends the
 * address and port.  The regex is PCRE2, as keepalived's, compiled when
 * the file is read so a bad pattern is a located error.
 */
#ifndef TANDEM_CHECK_HTTP_H
#define TANDEM_CHECK_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "check/check_checker.h"
#include "lib/http_get.h"

#define CHECK_HTTP_STATUS_MIN 100
#define CHECK_HTTP_STATUS_MAX 599
/* The regex sees at most this much of a body (past regex_max_offset
 * nothing is needed anyway). */
#define CHECK_HTTP_REGEX_MAX_BODY (4u << 20)

struct check_http_url {
	struct check_loc loc;
	char *path;
	bool has_digest;
	char digest[HTTP_DIGEST_HEX];
	/* status codes 100..599 accepted, one bit each */
	uint64_t status[(CHECK_HTTP_STATUS_MAX - CHECK_HTTP_STATUS_MIN) / 64 + 1];
	bool status_set;
	char *virtualhost;
	char *regex;
	uint32_t regex_options;			/* PCRE2_* bits */
	bool regex_no_match;
	bool regex_min_set, regex_max_set;
	uint64_t regex_min_offset, regex_max_offset;
	int regex_line;
	void *code;				/* pcre2_code */
};

struct check_http {
	struct check_http_url **urls;
	size_t nurls;
	enum http_proto proto;			/* http_protocol */
	char *virtualhost;
	bool enable_sni;
	char *sni_name;
	bool tls_compliant;
	bool fast_recovery;			/* tandem always is */
};

/* The SSL block (top level), kept in struct check_conf. */
struct check_ssl {
	char *password, *ca, *certificate, *key;
};
extern const struct conf_keyword check_ssl_keywords[];
/* The SSL block's open() and close() for a top table whose object holds
 * the check_conf (tandem/conf_top.c). */
void *check_ssl_open(struct conf_ctx *c, const struct conf_node *n,
		     struct check_conf *cc);
int check_ssl_close(struct conf_ctx *c, const struct conf_node *n, void *obj);
void check_ssl_free(struct check_ssl *s);

/* The type's hooks (check_type.same / .free). */
bool check_http_same(const struct check_checker *a,
		     const struct check_checker *b);
void check_http_free(struct check_checker *ck);
/* The process's TLS files for SSL_GET (the config's SSL block; NULL:
 * none).  The check process sets it when it applies a config. */
void check_http_set_ssl(const struct check_ssl *s);

/* Is this status code accepted by the url? */
bool check_http_status_ok(const struct check_http_url *u, long code);
/* The virtual host a url is fetched with, or NULL. */
const char *check_http_vhost(const struct check_http *h,
			     const struct check_http_url *u,
			     const struct check_rs *rs,
			     const struct check_vs *vs);
/* Does the url's regex verdict pass on this body?  (No regex: true.) */
bool check_http_regex_ok(const struct check_http_url *u, const char *body,
			 size_t len);

#endif
