/*
 * HTTP_GET and SSL_GET at run time: one check fetches the checker's urls
 * one after the other through the process's curl multi handle
 * (check_curl.c) and passes when every url passes (check_http.h says
 * what passing is).  The first failure ends the check with a reason in
 * keepalived's words: "connection refused", "connect timeout", "HTTP
 * status 503", "digest mismatch", "regex no match", "TLS handshake
 * failed: ...".
 *
 * The request itself (headers, SNI, socket options, the digest of the
 * body) is lib/http_get.c's, the same code genhash runs, so a digest
 * genhash prints is the one compared here.  connect_timeout bounds each
 * url's whole request.  TLS settings come from the config's SSL block;
 * without a ca the server's certificate is not verified, as keepalived
 * does not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check/check_curl.h"
#include "check/check_http.h"

static const struct check_ssl *proc_ssl;

void check_http_set_ssl(const struct check_ssl *s)
{
	proc_ssl = s;
}

struct http_run {
	struct check_curl_owner owner;
	struct check_probe *p;
	CURL *h;
	size_t url;			/* index being fetched */
	struct http_tls tls;
	struct http_get_resp resp;
	struct http_run *next_free;	/* in the pool */
};

/* Runs (each with its curl easy handle) are kept for the next check
 * instead of freed: making and freeing an easy handle per check was a
 * good part of the HTTP checks' cost (curl allocates its state and its
 * receive buffer anew each time), and a reset handle keeps its buffer.
 * The pool holds what was in flight at once, up to POOL_KEEP: a burst
 * of thousands of checks in flight (a whole server farm timing out) is
 * not kept around afterwards. */
#define POOL_KEEP 256
static struct {
	struct http_run *free;
	unsigned nfree;
} pool;

static struct http_run *run_get(void)
{
	struct http_run *r = pool.free;
	CURL *h;

	if (r) {
		pool.free = r->next_free;
		pool.nfree--;
		h = r->h;
		memset(r, 0, sizeof(*r));
		r->h = h;
		return r;
	}
	if (!(r = calloc(1, sizeof(*r))))
		return NULL;
	if (!(r->h = curl_easy_init())) {
		free(r);
		return NULL;
	}
	return r;
}

const char *check_http_vhost(const struct check_http *h,
			     const struct check_http_url *u,
			     const struct check_rs *rs,
			     const struct check_vs *vs)
{
	if (u->virtualhost)
		return u->virtualhost;
	if (h->virtualhost)
		return h->virtualhost;
	if (rs && rs->inh.virtualhost)
		return rs->inh.virtualhost;
	if (vs && vs->inh.virtualhost)
		return vs->inh.virtualhost;
	return NULL;
}

bool check_http_regex_ok(const struct check_http_url *u, const char *body,
			 size_t len)
{
	pcre2_match_data *md;
	pcre2_match_context *mc = NULL;
	int rc;
	bool matched;

	if (!u->code)
		return true;
	if (u->regex_min_offset > len) {
		matched = false;
	} else {
		md = pcre2_match_data_create_from_pattern(u->code, NULL);
		if (u->regex_max_set && (mc = pcre2_match_context_create(NULL)))
			pcre2_set_offset_limit(mc, (PCRE2_SIZE)u->regex_max_offset);
		rc = md ? pcre2_match(u->code, (PCRE2_SPTR)(body ? body : ""), len,
				      (PCRE2_SIZE)u->regex_min_offset, 0, md, mc)
			: PCRE2_ERROR_NOMEMORY;
		matched = rc >= 0;
		pcre2_match_context_free(mc);
		pcre2_match_data_free(md);
	}
	return matched != u->regex_no_match;
}

static void run_free(struct http_run *r)
{
	if (!r)
		return;
	check_curl_remove(r->h);
	http_get_resp_free(&r->resp);
	if (pool.nfree < POOL_KEEP) {
		/* Reset now: the handle then holds nothing of this check's
		 * (its strings, the header lists just freed). */
		curl_easy_reset(r->h);
		r->next_free = pool.free;
		pool.free = r;
		pool.nfree++;
		return;
	}
	curl_easy_cleanup(r->h);
	free(r);
}

static void finish(struct http_run *r, bool ok, const char *why)
{
	struct check_probe *p = r->p;

	p->priv = NULL;
	run_free(r);
	p->done(p, ok, why);
}

static bool is_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
		return true;
	default:
		return false;
	}
}

/* The reason of a transfer curl could not complete. */
static void transfer_reason(struct http_run *r, CURLcode rc, char *why,
			    size_t len)
{
	const char *eb = *r->resp.errbuf ? r->resp.errbuf : curl_easy_strerror(rc);
	double tmo = (double)r->p->timeout / 1e6;
	long oserr = 0;
	curl_off_t conn = 0;

	curl_easy_getinfo(r->h, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(r->h, CURLINFO_CONNECT_TIME_T, &conn);
	if (r->resp.sock_what) {
		snprintf(why, len, "%s: %s", r->resp.sock_what,
			 strerror(r->resp.sock_errno));
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		/* curl counts a TLS connection as made once its handshake
		 * is done: a stalled handshake is a connect timeout, as
		 * keepalived words it too. */
		snprintf(why, len, conn ? "timeout after %.1f s waiting for the "
			 "response" : "connect timeout after %.1f s", tmo);
	} else if (rc == CURLE_COULDNT_CONNECT) {
		if (oserr == ECONNREFUSED)
			snprintf(why, len, "connection refused");
		else
			snprintf(why, len, "connect: %.100s",
				 oserr ? strerror((int)oserr) : eb);
	} else if (is_tls_error(rc)) {
		snprintf(why, len, "TLS handshake failed: %.100s", eb);
	} else {
		snprintf(why, len, "HTTP: %.100s", eb);
	}
}

static int fetch(struct http_run *r);

static void on_done(CURL *h, CURLcode rc, void *arg)
{
	struct http_run *r = arg;
	const struct check_http *hc = r->p->ck->http;
	const struct check_http_url *u = hc->urls[r->url];
	char why[CHECK_REASON_MAX], hex[HTTP_DIGEST_HEX];
	long code = 0;
	int e;

	if (rc != CURLE_OK) {
		transfer_reason(r, rc, why, sizeof(why));
		finish(r, false, why);
		return;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	http_digest_final(&r->resp.digest, hex);
	if (!check_http_status_ok(u, code)) {
		snprintf(why, sizeof(why), "HTTP status %ld for %s", code, u->path);
		finish(r, false, why);
		return;
	}
	if (u->has_digest && strcmp(hex, u->digest)) {
		snprintf(why, sizeof(why), "digest mismatch for %s: %s", u->path,
			 hex);
		finish(r, false, why);
		return;
	}
	if (!check_http_regex_ok(u, r->resp.body, r->resp.body_len)) {
		snprintf(why, sizeof(why), u->regex_no_match
			 ? "regex matched for %s (regex_no_match)"
			 : "regex no match for %s", u->path);
		finish(r, false, why);
		return;
	}
	if (++r->url == hc->nurls) {
		finish(r, true, NULL);
		return;
	}
	/* Next url: a new transfer, started from here (not from inside a
	 * curl callback). */
	curl_easy_reset(r->h);
	http_get_resp_free(&r->resp);
	e = fetch(r);
	if (e < 0) {
		snprintf(why, sizeof(why), "cannot start: %s", strerror(-e));
		finish(r, false, why);
	}
}

static int fetch(struct http_run *r)
{
	struct check_probe *p = r->p;
	const struct check_checker *ck = p->ck;
	const struct check_http *hc = ck->http;
	const struct check_http_url *u = hc->urls[r->url];
	struct http_get_req q;

	memset(&q, 0, sizeof(q));
	q.dst = p->dst;
	q.tls = ck->kind == CHECK_K_SSL;
	q.path = u->path;
	q.vhost = check_http_vhost(hc, u, p->rs, p->vs);
	if (q.tls && hc->enable_sni)
		q.sni = hc->sni_name ? hc->sni_name : q.vhost;
	q.proto = hc->proto;
	q.timeout = p->timeout;
	q.fwmark = ck->fwmark;
	q.bindto = ck->bindto;
	q.bind_port = ck->bind_port;
	q.bind_if = ck->bind_if;
	q.tls_opts = &r->tls;
	q.no_digest = !u->has_digest;
	q.keep_body = u->code ? CHECK_HTTP_REGEX_MAX_BODY : 0;
	if (u->code && u->regex_max_set &&
	    u->regex_max_offset < CHECK_HTTP_REGEX_MAX_BODY - 65536)
		/* Room past the last start for the match itself. */
		q.keep_body = (size_t)u->regex_max_offset + 65536;
	if (http_get_setup(r->h, &q, &r->resp) < 0)
		return -ENOMEM;
	r->owner.done = on_done;
	r->owner.arg = r;
	return check_curl_add(p->e, r->h, &r->owner);
}

static int http_start(struct check_probe *p)
{
	struct http_run *r = run_get();
	int e;

	if (!r)
		return -ENOMEM;
	r->p = p;
	if (proc_ssl) {
		r->tls.ca = proc_ssl->ca;
		r->tls.certificate = proc_ssl->certificate;
		r->tls.key = proc_ssl->key;
		r->tls.password = proc_ssl->password;
	}
	r->tls.compliant = p->ck->http->tls_compliant;
	e = fetch(r);
	if (e < 0) {
		run_free(r);
		return e;
	}
	p->priv = r;
	return 0;
}

static void http_cancel(struct check_probe *p)
{
	run_free(p->priv);
	p->priv = NULL;
}

const struct check_type check_type_http = {
	.name = "HTTP_GET",
	.block = &check_http_block,
	.needs_port = true,
	.start = http_start,
	.cancel = http_cancel,
	.same = check_http_same,
	.free_conf = check_http_free,
	.delay_before_retry = 3 * 1000000ULL,	/* keepalived's for HTTP */
};

const struct check_type check_type_ssl = {
	.name = "SSL_GET",
	.block = &check_ssl_block,
	.needs_port = true,
	.start = http_start,
	.cancel = http_cancel,
	.same = check_http_same,
	.free_conf = check_http_free,
	.delay_before_retry = 3 * 1000000ULL,
};
