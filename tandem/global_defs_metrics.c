/*
 * metrics_listen ADDR:PORT, tandem's own global_defs keyword: where the
 * parent serves its Prometheus endpoint (tandem/metrics_http.c).
 *
 * The address is a literal, never a host name: the parent binds it at
 * start and on every reload, and a name that resolves differently from
 * one reload to the next would move the endpoint behind the user's back.
 * IPv6 takes the usual bracketed form ([::1]:9650), so the colons of the
 * address cannot be mistaken for the port's.  A port is required; 0 (any
 * port) is refused since a scraper has to know where to look.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/global_defs.h"

#define EXPECT "expected ADDR:PORT (IPv4) or [ADDR]:PORT (IPv6) with a " \
	       "port 1..65535"

static int parse_port(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v < 1 || v > 65535)
		return -1;
	*out = (unsigned)v;
	return 0;
}

GD_HANDLER(gd_h_metrics_listen)
{
	struct global_defs *gd = obj;
	const char *arg, *colon;
	char host[INET6_ADDRSTRLEN + 1];
	unsigned port;
	size_t hl;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	arg = n->args[0];
	memset(&gd->metrics_listen, 0, sizeof(gd->metrics_listen));
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');
		struct sockaddr_in6 *a6 = (void *)&gd->metrics_listen;

		if (!close || close[1] != ':')
			goto bad;
		hl = (size_t)(close - arg - 1);
		if (hl == 0 || hl >= sizeof(host))
			goto bad;
		memcpy(host, arg + 1, hl);
		host[hl] = '\0';
		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
			conf_err(c, n, "'%s' is not an IPv6 address", host);
			return -1;
		}
		if (parse_port(close + 2, &port) < 0)
			goto bad_port;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	colon = strrchr(arg, ':');
	if (!colon || strchr(arg, ':') != colon) {
		if (colon)
			conf_err(c, n, "an IPv6 address goes in brackets: "
				 "[ADDR]:PORT, got '%s'", arg);
		else
			conf_err(c, n, "no port in '%s': %s", arg, EXPECT);
		return -1;
	}
	hl = (size_t)(colon - arg);
	if (hl == 0 || hl >= sizeof(host))
		goto bad;
	memcpy(host, arg, hl);
	host[hl] = '\0';
	{
		struct sockaddr_in *a4 = (void *)&gd->metrics_listen;

		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) {
			conf_err(c, n, "'%s' is not an IPv4 address", host);
			return -1;
		}
		if (parse_port(colon + 1, &port) < 0)
			goto bad_port;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
	}
	return 0;
bad_port:
	memset(&gd->metrics_listen, 0, sizeof(gd->metrics_listen));
	conf_err(c, n, "bad port in '%s': %s", arg, EXPECT);
	return -1;
bad:
	memset(&gd->metrics_listen, 0, sizeof(gd->metrics_listen));
	conf_err(c, n, "%s, got '%s'", EXPECT, arg);
	return -1;
}
