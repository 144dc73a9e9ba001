/*
 * keepalived's HTTP GET on a curl easy handle (see http_get.h).
 *
 * The URL names either the address itself or, to send SNI, the server
 * name with CURLOPT_CONNECT_TO mapping it to the address, so no name is
 * ever resolved.  The socket options curl has no one option for
 * (SO_MARK, a bind address and a bind port together with an interface)
 * are set in the socket callback, where a failure is recorded for the
 * caller's reason and aborts the transfer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>

#include "lib/http_get.h"

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET6
			     ? ((const struct sockaddr_in6 *)ss)->sin6_port
			     : ((const struct sockaddr_in *)ss)->sin_port);
}

static void addr_of(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family == AF_INET6 ? AF_INET6 : AF_INET, a, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
}

void http_get_hostport(const struct sockaddr_storage *ss, char *buf,
		       size_t len)
{
	char a[INET6_ADDRSTRLEN];

	addr_of(ss, a, sizeof(a));
	snprintf(buf, len, ss->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
		 port_of(ss));
}

static bool grow(char **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 4096;
	char *p;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	p = realloc(*buf, n);
	if (!p)
		return false;
	*buf = p;
	*cap = n;
	return true;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_get_resp *r = ud;
	size_t len = size * nmemb, keep;

	http_digest_update(&r->digest, data, len);
	r->body_bytes += len;
	keep = r->body_len < r->keep ? r->keep - r->body_len : 0;
	if (keep > len)
		keep = len;
	if (keep) {
		/* One byte more for a terminating NUL. */
		if (!grow(&r->body, &r->cap, r->body_len + keep + 1)) {
			r->oom = true;
			return CURL_WRITEFUNC_ERROR;
		}
		memcpy(r->body + r->body_len, data, keep);
		r->body_len += keep;
		r->body[r->body_len] = '\0';
	}
	return len;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_get_resp *r = ud;
	size_t len = size * nmemb;

	if (!r->req.keep_headers)
		return len;
	if (!grow(&r->headers, &r->hcap, r->headers_len + len + 1)) {
		r->oom = true;
		return 0;
	}
	memcpy(r->headers + r->headers_len, data, len);
	r->headers_len += len;
	r->headers[r->headers_len] = '\0';
	return len;
}

static int sock_fail(struct http_get_resp *r, const char *what)
{
	r->sock_errno = errno;
	r->sock_what = what;
	return CURL_SOCKOPT_ERROR;
}

static int on_sockopt(void *ud, curl_socket_t fd, curlsocktype purpose)
{
	struct http_get_resp *r = ud;
	const struct http_get_req *q = &r->req;
	struct sockaddr_storage b;
	socklen_t blen;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKOPT_OK;
	if (q->fwmark && setsockopt(fd, SOL_SOCKET, SO_MARK, &q->fwmark,
				    sizeof(q->fwmark)) < 0)
		return sock_fail(r, "fwmark");
	if (q->bind_if && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, q->bind_if,
				     (socklen_t)strlen(q->bind_if)) < 0)
		return sock_fail(r, "bind_if");
	if (!q->bindto.ss_family && !q->bind_port)
		return CURL_SOCKOPT_OK;
	memset(&b, 0, sizeof(b));
	if (q->bindto.ss_family)
		b = q->bindto;
	else
		b.ss_family = q->dst.ss_family;
	if (b.ss_family == AF_INET6) {
		((struct sockaddr_in6 *)&b)->sin6_port = htons((uint16_t)q->bind_port);
		blen = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)&b)->sin_port = htons((uint16_t)q->bind_port);
		blen = sizeof(struct sockaddr_in);
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (bind(fd, (struct sockaddr *)&b, blen) < 0)
		return sock_fail(r, "bind");
	return CURL_SOCKOPT_OK;
}

/* Without tls_compliant, no close_notify at the end, as keepalived. */
static CURLcode on_ssl_ctx(CURL *h, void *ctx, void *ud)
{
	(void)h;
	(void)ud;
	SSL_CTX_set_quiet_shutdown(ctx, 1);
	return CURLE_OK;
}

static int add_hdr(struct curl_slist **l, const char *name, const char *v)
{
	char buf[1024];
	struct curl_slist *n;

	/* "Name:" alone removes a header curl would add. */
	snprintf(buf, sizeof(buf), "%s:%s%s", name, *v ? " " : "", v);
	n = curl_slist_append(*l, buf);
	if (!n)
		return -1;
	*l = n;
	return 0;
}

#define SET(opt, val) do { if (curl_easy_setopt(h, opt, val) != CURLE_OK) \
		return -1; } while (0)

static int set_tls(CURL *h, const struct http_get_req *q)
{
	const struct http_tls *t = q->tls_opts;

	/* keepalived does not verify the server; a CA file asks for it. */
	SET(CURLOPT_SSL_VERIFYPEER, t && t->ca ? 1L : 0L);
	SET(CURLOPT_SSL_VERIFYHOST, 0L);
	if (t && t->ca)
		SET(CURLOPT_CAINFO, t->ca);
	if (t && t->certificate)
		SET(CURLOPT_SSLCERT, t->certificate);
	if (t && t->key)
		SET(CURLOPT_SSLKEY, t->key);
	if (t && t->password)
		SET(CURLOPT_KEYPASSWD, t->password);
	if (!t || !t->compliant)
		SET(CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	return 0;
}

int http_get_setup(CURL *h, const struct http_get_req *q,
		   struct http_get_resp *r)
{
	char url[512], hp[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN], ct[600];
	const char *scheme = q->tls ? "https" : "http";
	long ms = (long)(q->timeout / 1000);
	uint16_t port = port_of(&q->dst);

	memset(r, 0, sizeof(*r));
	r->req = *q;
	r->keep = q->keep_body;
	if (!q->no_digest && http_digest_init(&r->digest) < 0)
		return -1;
	http_get_hostport(&q->dst, hp, sizeof(hp));
	addr_of(&q->dst, a, sizeof(a));
	if (q->sni && *q->sni) {
		snprintf(url, sizeof(url), "%s://%s:%u/", scheme, q->sni, port);
		snprintf(ct, sizeof(ct), "%s:%u:%s%s%s:%u", q->sni, port,
			 q->dst.ss_family == AF_INET6 ? "[" : "", a,
			 q->dst.ss_family == AF_INET6 ? "]" : "", port);
		r->connect_to = curl_slist_append(NULL, ct);
		if (!r->connect_to)
			return -1;
		SET(CURLOPT_CONNECT_TO, r->connect_to);
	} else {
		snprintf(url, sizeof(url), "%s://%s/", scheme, hp);
	}
	if (add_hdr(&r->hdrs, "Host", q->vhost ? q->vhost : hp) < 0 ||
	    add_hdr(&r->hdrs, "Accept", "") < 0 ||
	    (q->proto != HTTP_PROTO_1_0 &&
	     add_hdr(&r->hdrs, "Connection", "close") < 0))
		return -1;
	SET(CURLOPT_URL, url);
	SET(CURLOPT_REQUEST_TARGET, q->path);
	SET(CURLOPT_HTTPHEADER, r->hdrs);
	SET(CURLOPT_USERAGENT, "KeepAliveClient");
	SET(CURLOPT_HTTP_VERSION, q->proto == HTTP_PROTO_1_1
		? (long)CURL_HTTP_VERSION_1_1 : (long)CURL_HTTP_VERSION_1_0);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_NOPROXY, "*");
	SET(CURLOPT_NOSIGNAL, 1L);
	/* A plain GET is one send, which Nagle never holds back (nothing
	 * is unacknowledged before it): curl's TCP_NODELAY would be a
	 * setsockopt a check for nothing.  TLS writes its handshake in
	 * pieces, where Nagle would wait for an ACK: kept there. */
	SET(CURLOPT_TCP_NODELAY, q->tls ? 1L : 0L);
	SET(CURLOPT_FORBID_REUSE, 1L);
	SET(CURLOPT_FRESH_CONNECT, 1L);
	/* The host is an address, nothing to remember; and curl walks its
	 * whole name cache on every lookup, which with thousands of real
	 * servers checked through one multi handle is most of the work. */
	SET(CURLOPT_DNS_CACHE_TIMEOUT, 0L);
	SET(CURLOPT_HTTP_TRANSFER_DECODING, 0L);
	SET(CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, ms > 0 ? ms : 1L);
	SET(CURLOPT_ERRORBUFFER, r->errbuf);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, r);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, r);
	SET(CURLOPT_SOCKOPTFUNCTION, on_sockopt);
	SET(CURLOPT_SOCKOPTDATA, r);
	if (q->tls && set_tls(h, q) < 0)
		return -1;
	return 0;
}

void http_get_resp_free(struct http_get_resp *r)
{
	http_digest_drop(&r->digest);
	free(r->body);
	free(r->headers);
	curl_slist_free_all(r->hdrs);
	curl_slist_free_all(r->connect_to);
	r->body = r->headers = NULL;
	r->hdrs = r->connect_to = NULL;
}
