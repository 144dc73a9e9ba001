/*
 * The HTTP_GET and SSL_GET blocks, their url blocks, and the top-level
 * SSL block (see check_http.h).
 *
 * Both checkers share one keyword table; only the kind they open with
 * differs.  The settings of their own hang off the checker (ck->http),
 * so the common keywords keep their offsets into struct check_checker
 * and these are small handlers.  Everything keepalived would only log
 * and ignore (a url without a path, regex settings without a regex, an
 * unknown regex option, a bad status code) is an error here, located at
 * its line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "check/check_http.h"

static struct check_http *H(void *obj)
{
	return ((struct check_checker *)obj)->http;
}

static int set_str(struct conf_ctx *c, const struct conf_node *n, char **dst)
{
	char *s;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	if (!(s = strdup(n->args[0]))) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = s;
	return 0;
}

static int h_vhost(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return set_str(c, n, &H(obj)->virtualhost);
}

static int h_sni_name(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return set_str(c, n, &H(obj)->sni_name);
}

static int h_bool(struct conf_ctx *c, const struct conf_node *n, bool *out)
{
	if (conf_arg_count(c, n, 0, 1) < 0)
		return -1;
	return conf_arg_bool(c, n, 0, out);
}

static int h_sni(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return h_bool(c, n, &H(obj)->enable_sni);
}

static int h_compliant(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return h_bool(c, n, &H(obj)->tls_compliant);
}

static int h_fast(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return h_bool(c, n, &H(obj)->fast_recovery);
}

static int h_proto(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	const char *v;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	v = n->args[0];
	if (!strcmp(v, "1.0"))
		H(obj)->proto = HTTP_PROTO_1_0;
	else if (!strcmp(v, "1.0C") || !strcmp(v, "1.0c"))
		H(obj)->proto = HTTP_PROTO_1_0C;
	else if (!strcmp(v, "1.1"))
		H(obj)->proto = HTTP_PROTO_1_1;
	else {
		conf_err(c, n, "expected 1.0, 1.0C or 1.1, got \"%s\"", v);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* url { }                                                             */

#define URL(f) offsetof(struct check_http_url, f)

static int h_digest(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_http_url *u = obj;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	if (!http_digest_parse(n->args[0], u->digest)) {
		conf_err(c, n, "expected an MD5 digest of 32 hex digits (as "
			 "genhash prints it), got \"%s\"", n->args[0]);
		return -1;
	}
	u->has_digest = true;
	return 0;
}

static void status_set(struct check_http_url *u, unsigned code)
{
	unsigned b = code - CHECK_HTTP_STATUS_MIN;

	u->status[b / 64] |= 1ULL << (b % 64);
}

bool check_http_status_ok(const struct check_http_url *u, long code)
{
	unsigned b;

	if (code < CHECK_HTTP_STATUS_MIN || code > CHECK_HTTP_STATUS_MAX)
		return false;
	if (!u->status_set)
		return code >= 200 && code <= 299;
	b = (unsigned)code - CHECK_HTTP_STATUS_MIN;
	return u->status[b / 64] >> (b % 64) & 1;
}

static int parse_code(const char *s, char **end, unsigned *out)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, end, 10);
	if (errno || v < CHECK_HTTP_STATUS_MIN || v > CHECK_HTTP_STATUS_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int h_status(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_http_url *u = obj;

	if (conf_arg_count(c, n, 1, 1000) < 0)
		return -1;
	for (size_t i = 0; i < n->nargs; i++) {
		char *e;
		unsigned lo, hi;

		if (parse_code(n->args[i], &e, &lo) < 0 ||
		    (*e == '-' ? parse_code(e + 1, &e, &hi) < 0 : (hi = lo, 0)) ||
		    *e || lo > hi) {
			conf_err(c, n, "expected status codes or ranges in "
				 "[%d, %d] (200 or 200-299), got \"%s\"",
				 CHECK_HTTP_STATUS_MIN, CHECK_HTTP_STATUS_MAX,
				 n->args[i]);
			return -1;
		}
		for (unsigned k = lo; k <= hi; k++)
			status_set(u, k);
	}
	u->status_set = true;
	return 0;
}

static const struct {
	const char *name;
	uint32_t bit;
} regex_opts[] = {
	{ "allow_empty_class", PCRE2_ALLOW_EMPTY_CLASS },
	{ "alt_bsux", PCRE2_ALT_BSUX },
	{ "auto_callout", PCRE2_AUTO_CALLOUT },
	{ "caseless", PCRE2_CASELESS },
	{ "dollar_endonly", PCRE2_DOLLAR_ENDONLY },
	{ "dotall", PCRE2_DOTALL },
	{ "dupnames", PCRE2_DUPNAMES },
	{ "extended", PCRE2_EXTENDED },
	{ "firstline", PCRE2_FIRSTLINE },
	{ "match_unset_backref", PCRE2_MATCH_UNSET_BACKREF },
	{ "multiline", PCRE2_MULTILINE },
	{ "never_ucp", PCRE2_NEVER_UCP },
	{ "never_utf", PCRE2_NEVER_UTF },
	{ "no_auto_capture", PCRE2_NO_AUTO_CAPTURE },
	{ "no_auto_possess", PCRE2_NO_AUTO_POSSESS },
	{ "no_dotstar_anchor", PCRE2_NO_DOTSTAR_ANCHOR },
	{ "no_start_optimize", PCRE2_NO_START_OPTIMIZE },
	{ "ucp", PCRE2_UCP },
	{ "ungreedy", PCRE2_UNGREEDY },
	{ "utf", PCRE2_UTF },
	{ "never_backslash_c", PCRE2_NEVER_BACKSLASH_C },
	{ "alt_circumflex", PCRE2_ALT_CIRCUMFLEX },
	{ "alt_verbnames", PCRE2_ALT_VERBNAMES },
	{ "use_offset_limit", PCRE2_USE_OFFSET_LIMIT },
};

static int h_regex_opts(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_http_url *u = obj;

	if (conf_arg_count(c, n, 1, 100) < 0)
		return -1;
	for (size_t i = 0; i < n->nargs; i++) {
		size_t k;

		for (k = 0; k < sizeof(regex_opts) / sizeof(regex_opts[0]); k++)
			if (!strcmp(n->args[i], regex_opts[k].name))
				break;
		if (k == sizeof(regex_opts) / sizeof(regex_opts[0])) {
			conf_err(c, n, "unknown option \"%s\" (see pcre2api(3): "
				 "caseless, multiline, dotall, ...)", n->args[i]);
			return -1;
		}
		u->regex_options |= regex_opts[k].bit;
	}
	return 0;
}

static int h_offset(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_http_url *u = obj;
	int64_t v;

	if (conf_arg_count(c, n, 1, 1) < 0 ||
	    conf_arg_int(c, n, 0, 0, INT64_MAX, &v) < 0)
		return -1;
	if (!strcmp(n->word, "regex_min_offset")) {
		u->regex_min_offset = (uint64_t)v;
		u->regex_min_set = true;
	} else {
		u->regex_max_offset = (uint64_t)v;
		u->regex_max_set = true;
	}
	return 0;
}

/* The JIT stack size: tandem does not JIT-compile, so there is nothing
 * to size; the values are still checked. */
static int h_stack(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	int64_t a, b;

	(void)obj;
	if (conf_arg_count(c, n, 2, 2) < 0 ||
	    conf_arg_int(c, n, 0, 0, INT64_MAX, &a) < 0 ||
	    conf_arg_int(c, n, 1, 0, INT64_MAX, &b) < 0)
		return -1;
	if (a > b) {
		conf_err(c, n, "the start (%lld) must not exceed the maximum "
			 "(%lld)", (long long)a, (long long)b);
		return -1;
	}
	conf_warn(c, n, "has no effect: tandem matches without the PCRE2 JIT");
	return 0;
}

static int h_regex_line(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)c;
	((struct check_http_url *)obj)->regex_line = n->line;
	return 0;
}

static const struct conf_keyword url_keywords[] = {
	{ .name = "path", .type = CONF_T_STR, .offset = URL(path) },
	{ .name = "digest", .type = CONF_T_CUSTOM, .handler = h_digest,
	  .expect = "an MD5 digest (32 hex digits)" },
	{ .name = "status_code", .type = CONF_T_CUSTOM, .handler = h_status,
	  .expect = "CODE|LOW-HIGH ...", .flags = CONF_KW_MULTI },
	{ .name = "virtualhost", .type = CONF_T_STR, .offset = URL(virtualhost) },
	{ .name = "regex", .type = CONF_T_STR, .offset = URL(regex),
	  .handler = h_regex_line },
	{ .name = "regex_no_match", .type = CONF_T_FLAG,
	  .offset = URL(regex_no_match) },
	{ .name = "regex_options", .type = CONF_T_CUSTOM,
	  .handler = h_regex_opts, .flags = CONF_KW_MULTI },
	{ .name = "regex_min_offset", .type = CONF_T_CUSTOM,
	  .handler = h_offset, .expect = "an offset in bytes" },
	{ .name = "regex_max_offset", .type = CONF_T_CUSTOM,
	  .handler = h_offset, .expect = "an offset in bytes" },
	{ .name = "regex_stack", .type = CONF_T_CUSTOM, .handler = h_stack,
	  .expect = "START MAX" },
	{ .name = NULL },
};

static void *url_open(struct conf_ctx *c, const struct conf_node *n,
		      void *parent)
{
	struct check_http *h = H(parent);
	struct check_http_url *u = calloc(1, sizeof(*u)), **v;

	if (!h || !u || !(v = realloc(h->urls, (h->nurls + 1) * sizeof(*v)))) {
		free(u);
		conf_err(c, n, "out of memory");
		return NULL;
	}
	h->urls = v;
	h->urls[h->nurls++] = u;
	if (check_loc_set(&u->loc, n) < 0)
		conf_err(c, n, "out of memory");
	return u;
}

static int compile(struct conf_ctx *c, const struct conf_node *n,
		   struct check_http_url *u)
{
	int err;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];
	uint32_t o = u->regex_options;

	/* regex_max_offset is PCRE2's offset limit. */
	if (u->regex_max_set)
		o |= PCRE2_USE_OFFSET_LIMIT;
	u->code = pcre2_compile((PCRE2_SPTR)u->regex, PCRE2_ZERO_TERMINATED, o,
				&err, &off, NULL);
	if (u->code)
		return 0;
	pcre2_get_error_message(err, msg, sizeof(msg));
	conf_diag_add(conf_ctx_diag(c), CONF_ERROR, n->file, u->regex_line,
		      "regex: invalid pattern at offset %zu: %s", (size_t)off,
		      (const char *)msg);
	return -1;
}

static int url_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_http_url *u = obj;

	if (!u->path) {
		conf_err(c, n, "expected a path (path /index.html)");
		return -1;
	}
	if (!u->regex) {
		if (u->regex_no_match || u->regex_options || u->regex_min_set ||
		    u->regex_max_set) {
			conf_err(c, n, "regex_no_match, regex_options and "
				 "regex_*_offset need a regex");
			return -1;
		}
		return 0;
	}
	if (u->regex_max_set && u->regex_min_offset > u->regex_max_offset) {
		conf_err(c, n, "regex_min_offset (%llu) is past regex_max_offset "
			 "(%llu)", (unsigned long long)u->regex_min_offset,
			 (unsigned long long)u->regex_max_offset);
		return -1;
	}
	return compile(c, n, u);
}

static const struct conf_block url_block = {
	.name = "url",
	.keywords = url_keywords,
	.open = url_open,
	.close = url_close,
};

/* ------------------------------------------------------------------ */
/* HTTP_GET { } / SSL_GET { }                                          */

static const struct conf_keyword http_keywords[] = {
	CHECK_COMMON_KEYWORDS,
	{ .name = "url", .type = CONF_T_BLOCK, .block = &url_block,
	  .flags = CONF_KW_MULTI },
	{ .name = "http_protocol", .type = CONF_T_CUSTOM, .handler = h_proto,
	  .expect = "1.0|1.0C|1.1" },
	{ .name = "virtualhost", .type = CONF_T_CUSTOM, .handler = h_vhost,
	  .expect = "a host name" },
	{ .name = "enable_sni", .type = CONF_T_CUSTOM, .handler = h_sni,
	  .expect = "[BOOL]" },
	{ .name = "sni_name", .type = CONF_T_CUSTOM, .handler = h_sni_name,
	  .expect = "a host name" },
	{ .name = "tls_compliant", .type = CONF_T_CUSTOM,
	  .handler = h_compliant, .expect = "[BOOL]" },
	{ .name = "fast_recovery", .type = CONF_T_CUSTOM, .handler = h_fast,
	  .expect = "[BOOL]" },
	{ .name = NULL },
};

static void *open_kind(struct conf_ctx *c, const struct conf_node *n,
		       void *parent, enum check_kind kind)
{
	struct check_checker *ck = check_ck_open(c, n, parent, kind);

	if (ck && !(ck->http = calloc(1, sizeof(*ck->http))))
		conf_err(c, n, "out of memory");
	return ck && ck->http ? ck : NULL;
}

static void *http_open(struct conf_ctx *c, const struct conf_node *n,
		       void *parent)
{
	return open_kind(c, n, parent, CHECK_K_HTTP);
}

static void *ssl_open(struct conf_ctx *c, const struct conf_node *n,
		      void *parent)
{
	return open_kind(c, n, parent, CHECK_K_SSL);
}

static int http_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_checker *ck = obj;
	struct check_http *h = ck->http;
	int r = check_ck_close(c, n, obj);

	if (!h->nurls) {
		conf_err(c, n, "expected at least one url { path ... } block");
		r = -1;
	}
	if (ck->kind == CHECK_K_HTTP &&
	    (h->enable_sni || h->sni_name || h->tls_compliant))
		conf_warn(c, n, "enable_sni, sni_name and tls_compliant have no "
			  "effect without TLS (SSL_GET)");
	if (ck->kind == CHECK_K_SSL && h->sni_name && !h->enable_sni)
		conf_warn(c, n, "sni_name is sent only with enable_sni");
	return r;
}

const struct conf_block check_http_block = {
	.name = "HTTP_GET",
	.keywords = http_keywords,
	.open = http_open,
	.close = http_close,
};

const struct conf_block check_ssl_block = {
	.name = "SSL_GET",
	.keywords = http_keywords,
	.open = ssl_open,
	.close = http_close,
};

/* ------------------------------------------------------------------ */
/* Comparing and freeing                                               */

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool url_same(const struct check_http_url *a,
		     const struct check_http_url *b)
{
	return str_same(a->path, b->path) && a->has_digest == b->has_digest &&
	       (!a->has_digest || !strcmp(a->digest, b->digest)) &&
	       a->status_set == b->status_set &&
	       !memcmp(a->status, b->status, sizeof(a->status)) &&
	       str_same(a->virtualhost, b->virtualhost) &&
	       str_same(a->regex, b->regex) &&
	       a->regex_options == b->regex_options &&
	       a->regex_no_match == b->regex_no_match &&
	       a->regex_min_set == b->regex_min_set &&
	       a->regex_max_set == b->regex_max_set &&
	       a->regex_min_offset == b->regex_min_offset &&
	       a->regex_max_offset == b->regex_max_offset;
}

bool check_http_same(const struct check_checker *ca,
		     const struct check_checker *cb)
{
	const struct check_http *a = ca->http, *b = cb->http;

	if (!a || !b)
		return a == b;
	if (a->nurls != b->nurls || a->proto != b->proto ||
	    !str_same(a->virtualhost, b->virtualhost) ||
	    a->enable_sni != b->enable_sni || !str_same(a->sni_name, b->sni_name) ||
	    a->tls_compliant != b->tls_compliant)
		return false;
	for (size_t i = 0; i < a->nurls; i++)
		if (!url_same(a->urls[i], b->urls[i]))
			return false;
	return true;
}

void check_http_free(struct check_checker *ck)
{
	struct check_http *h = ck->http;

	if (!h)
		return;
	for (size_t i = 0; i < h->nurls; i++) {
		struct check_http_url *u = h->urls[i];

		free(u->loc.file);
		free(u->path);
		free(u->virtualhost);
		free(u->regex);
		pcre2_code_free(u->code);
		free(u);
	}
	free(h->urls);
	free(h->virtualhost);
	free(h->sni_name);
	free(h);
	ck->http = NULL;
}

/* ------------------------------------------------------------------ */
/* SSL { }                                                             */

#define SSL_(f) offsetof(struct check_ssl, f)

static int h_file(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	(void)obj;
	/* keepalived refuses to run with a file it cannot load; say so
	 * when the file is read rather than at the first check. */
	if (access(n->args[0], R_OK) < 0) {
		conf_err(c, n, "cannot read \"%s\": %s", n->args[0],
			 strerror(errno));
		return -1;
	}
	return 0;
}

const struct conf_keyword check_ssl_keywords[] = {
	{ .name = "password", .type = CONF_T_STR, .offset = SSL_(password) },
	{ .name = "ca", .type = CONF_T_STR, .offset = SSL_(ca),
	  .handler = h_file },
	{ .name = "certificate", .type = CONF_T_STR,
	  .offset = SSL_(certificate), .handler = h_file },
	{ .name = "key", .type = CONF_T_STR, .offset = SSL_(key),
	  .handler = h_file },
	{ .name = NULL },
};

void *check_ssl_open(struct conf_ctx *c, const struct conf_node *n,
		     struct check_conf *cc)
{
	if (!cc->ssl && !(cc->ssl = calloc(1, sizeof(*cc->ssl))))
		conf_err(c, n, "out of memory");
	if (n->nargs)
		conf_err(c, n, "expected no argument before '{', got \"%s\"",
			 n->args[0]);
	return cc->ssl;
}

int check_ssl_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_ssl *s = obj;

	if (s->key && !s->certificate) {
		conf_err(c, n, "a key needs its certificate");
		return -1;
	}
	return 0;
}

void check_ssl_free(struct check_ssl *s)
{
	if (!s)
		return;
	free(s->password);
	free(s->ca);
	free(s->certificate);
	free(s->key);
	free(s);
}
