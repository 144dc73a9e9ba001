/*
 * The digest of an HTTP body as keepalived's HTTP_GET and genhash compute
 * it: MD5 over the body's bytes as they came on the wire after the
 * headers (no transfer or content decoding), written as 32 lower-case hex
 * digits.  HTTP_GET (check/) and genhash (genhash/) both use this one
 * piece of code, so a digest genhash prints is the one the checker
 * compares.
 */
#ifndef TANDEM_HTTP_DIGEST_H
#define TANDEM_HTTP_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_DIGEST_LEN 16
#define HTTP_DIGEST_HEX (2 * HTTP_DIGEST_LEN + 1)

struct http_digest {
	void *ctx;		/* EVP_MD_CTX; NULL: not started or failed */
	uint64_t bytes;		/* fed so far */
};

/* 0, or -1 when OpenSSL could not make the context. */
int http_digest_init(struct http_digest *d);
void http_digest_update(struct http_digest *d, const void *buf, size_t len);
/* Write the hex digest into hex (HTTP_DIGEST_HEX bytes) and free the
 * context; 0, or -1 (hex is then empty). */
int http_digest_final(struct http_digest *d, char hex[HTTP_DIGEST_HEX]);
/* Free without a result (safe on a finished or zeroed one). */
void http_digest_drop(struct http_digest *d);

/* Is s 32 hex digits?  Then write it lower-cased into out. */
bool http_digest_parse(const char *s, char out[HTTP_DIGEST_HEX]);

#endif
