/*
 * MD5 of an HTTP body through OpenSSL's EVP interface (see
 * http_digest.h).  The context lives only while one body is read.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

#include "lib/http_digest.h"

int http_digest_init(struct http_digest *d)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	d->ctx = NULL;
	d->bytes = 0;
	if (!c)
		return -1;
	if (EVP_DigestInit_ex(c, EVP_md5(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return -1;
	}
	d->ctx = c;
	return 0;
}

void http_digest_update(struct http_digest *d, const void *buf, size_t len)
{
	if (d->ctx && len) {
		EVP_DigestUpdate(d->ctx, buf, len);
		d->bytes += len;
	}
}

int http_digest_final(struct http_digest *d, char hex[HTTP_DIGEST_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	int r = -1;

	hex[0] = '\0';
	if (d->ctx && EVP_DigestFinal_ex(d->ctx, md, &len) == 1 &&
	    len == HTTP_DIGEST_LEN) {
		for (unsigned i = 0; i < len; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
		r = 0;
	}
	http_digest_drop(d);
	return r;
}

void http_digest_drop(struct http_digest *d)
{
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

bool http_digest_parse(const char *s, char out[HTTP_DIGEST_HEX])
{
	if (strlen(s) != HTTP_DIGEST_HEX - 1)
		return false;
	for (size_t i = 0; i < HTTP_DIGEST_HEX - 1; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[HTTP_DIGEST_HEX - 1] = '\0';
	return true;
}
