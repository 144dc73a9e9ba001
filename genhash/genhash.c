/*
 * genhash (see genhash.h): keepalived's options, one blocking GET made by
 * lib/http_get.c (the request HTTP_GET sends, digested by the same code),
 * and the digest printed as the url block's digest keyword wants it.
 *
 * A failed transfer is an error on stderr with exit status 1 (keepalived
 * prints "Connection failed" and exits 0, which a script cannot tell
 * from a digest).  A response of any status is digested: keepalived's
 * genhash does the same, and -v shows the status line.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "genhash/genhash.h"
#include "lib/http_get.h"

struct gh_opts {
	const char *server, *url, *vhost;
	unsigned port, fwmark;
	bool tls, sni, verbose;
	enum http_proto proto;
	double timeout;
};

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s -s ADDRESS [-p PORT] -u PATH [OPTIONS]\n"
		"Fetch PATH from a web server as HTTP_GET / SSL_GET do and "
		"print the MD5 digest\nof the body (for a url block's digest).\n\n"
		"  -s, --server ADDRESS        the server's address\n"
		"  -p, --port PORT             its port (default 80, 443 with -S)\n"
		"  -u, --url PATH              the path to fetch\n"
		"  -S, --use-ssl               use TLS (SSL_GET)\n"
		"  -I, --use-sni               send the virtual host as SNI (with -S)\n"
		"  -V, --use-virtualhost HOST  the Host header to send\n"
		"  -P, --protocol 1.0|1.0C|1.1 the HTTP version (default 1.0; 1.0C\n"
		"                              is 1.0 with \"Connection: close\")\n"
		"  -t, --timeout SECONDS       the whole request's timeout (default 5)\n"
		"  -m, --fwmark MARK           mark the packets (SO_MARK)\n"
		"  -v, --verbose               also print the headers and body size\n"
		"  -r, --release               print the version\n"
		"  -h, --help                  this help\n", prog);
}

static int to_addr(const char *s, unsigned port, struct sockaddr_storage *ss)
{
	struct addrinfo hints, *res = NULL;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	r = getaddrinfo(s, NULL, &hints, &res);
	if (r || !res) {
		fprintf(stderr, "genhash: %s: %s\n", s, gai_strerror(r));
		return -1;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned *out)
{
	char *e;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno || !*s || *e || *s == '-' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse(int argc, char **argv, struct gh_opts *o)
{
	static const struct option lo[] = {
		{ "use-ssl", no_argument, NULL, 'S' },
		{ "use-sni", no_argument, NULL, 'I' },
		{ "server", required_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "url", required_argument, NULL, 'u' },
		{ "use-virtualhost", required_argument, NULL, 'V' },
		{ "protocol", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "fwmark", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "release", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	char *e;

	memset(o, 0, sizeof(*o));
	o->timeout = 5;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "SIs:p:u:V:P:t:m:vrh", lo, NULL)) != -1) {
		switch (ch) {
		case 'S': o->tls = true; break;
		case 'I': o->sni = true; break;
		case 's': o->server = optarg; break;
		case 'u': o->url = optarg; break;
		case 'V': o->vhost = optarg; break;
		case 'v': o->verbose = true; break;
		case 'p':
			if (parse_uint(optarg, 65535, &o->port) < 0 || !o->port) {
				fprintf(stderr, "genhash: -p: expected a port "
					"(1-65535), got \"%s\"\n", optarg);
				return -1;
			}
			break;
		case 'm':
			if (parse_uint(optarg, UINT32_MAX, &o->fwmark) < 0) {
				fprintf(stderr, "genhash: -m: expected a mark, "
					"got \"%s\"\n", optarg);
				return -1;
			}
			break;
		case 'P':
			if (!strcmp(optarg, "1.0"))
				o->proto = HTTP_PROTO_1_0;
			else if (!strcmp(optarg, "1.0C") || !strcmp(optarg, "1.0c"))
				o->proto = HTTP_PROTO_1_0C;
			else if (!strcmp(optarg, "1.1"))
				o->proto = HTTP_PROTO_1_1;
			else {
				fprintf(stderr, "genhash: -P: expected 1.0, 1.0C "
					"or 1.1, got \"%s\"\n", optarg);
				return -1;
			}
			break;
		case 't':
			errno = 0;
			o->timeout = strtod(optarg, &e);
			if (errno || *e || !(o->timeout > 0) || o->timeout > 3600) {
				fprintf(stderr, "genhash: -t: expected seconds "
					"(0-3600), got \"%s\"\n", optarg);
				return -1;
			}
			break;
		case 'r':
			printf("genhash (tandem) %s\n", PACKAGE_VERSION);
			return 1;
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "genhash: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (!o->server || !o->url) {
		fprintf(stderr, "genhash: -s ADDRESS and -u PATH are needed "
			"(-h for help)\n");
		return -1;
	}
	if (!o->port)
		o->port = o->tls ? 443 : 80;
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int run(const struct gh_opts *o)
{
	struct http_get_req q;
	struct http_get_resp r;
	char hex[HTTP_DIGEST_HEX];
	CURL *h;
	CURLcode rc;
	uint64_t t0;
	int status = 1;

	memset(&q, 0, sizeof(q));
	if (to_addr(o->server, o->port, &q.dst) < 0)
		return 1;
	q.tls = o->tls;
	q.path = o->url;
	q.vhost = o->vhost;
	q.sni = o->tls && o->sni ? o->vhost : NULL;
	q.proto = o->proto;
	q.timeout = (uint64_t)(o->timeout * 1e6);
	q.fwmark = o->fwmark;
	q.keep_headers = o->verbose;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    !(h = curl_easy_init())) {
		fprintf(stderr, "genhash: cannot initialise libcurl\n");
		return 1;
	}
	if (http_get_setup(h, &q, &r) < 0) {
		fprintf(stderr, "genhash: cannot set the request up\n");
		goto out;
	}
	t0 = now_usec();
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		if (r.sock_what)
			fprintf(stderr, "genhash: %s: %s\n", r.sock_what,
				strerror(r.sock_errno));
		else
			fprintf(stderr, "genhash: %s\n",
				*r.errbuf ? r.errbuf : curl_easy_strerror(rc));
		goto out;
	}
	http_digest_final(&r.digest, hex);
	if (o->verbose) {
		printf("----------------------[ HTTP headers ]----------------------\n");
		fwrite(r.headers ? r.headers : "", 1, r.headers_len, stdout);
		printf("----------------------[ HTTP body ]-------------------------\n");
		printf("%llu bytes\n", (unsigned long long)r.body_bytes);
		printf("----------------------[ MD5 digest ]------------------------\n");
	}
	printf("%s\n", hex);
	if (o->verbose)
		printf("\nResponse time for [%s] = %llu usecs\n", o->url,
		       (unsigned long long)(now_usec() - t0));
	status = 0;
out:
	curl_easy_cleanup(h);
	http_get_resp_free(&r);
	return status;
}

int genhash_main(int argc, char **argv)
{
	struct gh_opts o;
	int r = parse(argc, argv, &o);

	if (r)
		return r < 0 ? 2 : 0;
	return run(&o);
}
