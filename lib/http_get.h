/*
 * One HTTP GET made the way keepalived's HTTP_GET / SSL_GET and genhash
 * make it, set up on a libcurl easy handle; shared by the checker (which
 * drives the handle through its multi interface on the check process's
 * loop) and genhash (which performs it blocking), so both send the same
 * request and digest the same bytes.
 *
 * The request is keepalived's: "GET PATH HTTP/1.0" (or 1.1), the
 * User-Agent KeepAliveClient, Host the virtual host or else the address
 * and port, "Connection: close" with 1.0C and 1.1, and nothing else (no
 * Accept, no proxy from the environment, no redirects, a fresh
 * connection each time).  The body is digested as it arrives on the
 * wire: transfer decoding is off, so a chunked body is hashed with its
 * chunk framing, as keepalived does.  The connection is made to the
 * address given whatever name the URL carries (the name is only there to
 * send SNI), and bindto, bind_port, bind_if and fwmark are applied to
 * the socket before it connects.
 */
#ifndef TANDEM_HTTP_GET_H
#define TANDEM_HTTP_GET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <curl/curl.h>

#include "lib/http_digest.h"

enum http_proto { HTTP_PROTO_1_0, HTTP_PROTO_1_0C, HTTP_PROTO_1_1 };

/* The SSL block's files (any may be NULL). */
struct http_tls {
	const char *ca, *certificate, *key, *password;
	bool compliant;		/* tls_compliant: send close_notify */
};

struct http_get_req {
	struct sockaddr_storage dst;	/* address and port */
	bool tls;
	const char *path;
	const char *vhost;		/* Host; NULL: ADDR:PORT */
	const char *sni;		/* server name sent; NULL: none */
	enum http_proto proto;
	uint64_t timeout;		/* usec, the whole request */
	unsigned fwmark;		/* 0: none */
	struct sockaddr_storage bindto;	/* AF_UNSPEC: none */
	unsigned bind_port;		/* 0: any */
	const char *bind_if;
	const struct http_tls *tls_opts;	/* NULL: no files */
	size_t keep_body;		/* bytes of body kept (regex); 0: none */
	bool keep_headers;		/* keep the header lines (genhash) */
	bool no_digest;			/* the body's MD5 is not wanted
					   (digest then stays empty) */
};

struct http_get_resp {
	struct http_digest digest;	/* of the whole body */
	uint64_t body_bytes;
	char *body;			/* the first keep_body bytes */
	size_t body_len;
	char *headers;			/* with keep_headers */
	size_t headers_len;
	int sock_errno;			/* setting up the socket failed */
	const char *sock_what;		/* ... at this step */
	char errbuf[CURL_ERROR_SIZE];
	/* internal */
	struct http_get_req req;
	size_t keep, cap, hcap;
	bool oom;
	struct curl_slist *hdrs, *connect_to;
};

/* Set H up for R, collecting into RESP (zeroed by this call; R's strings
 * must live as long as the transfer).  0, or -1 when curl refused an
 * option or memory ran out. */
int http_get_setup(CURL *h, const struct http_get_req *r,
		   struct http_get_resp *resp);
void http_get_resp_free(struct http_get_resp *resp);

/* "ADDR:PORT" / "[ADDR6]:PORT" of ss. */
void http_get_hostport(const struct sockaddr_storage *ss, char *buf,
		       size_t len);

#endif
