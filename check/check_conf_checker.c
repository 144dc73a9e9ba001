/*
 * The keywords every checker block shares, and the opening and closing
 * of a checker block inside a real_server.
 *
 * The common keywords are one macro (CHECK_COMMON_KEYWORDS in
 * check_checker.h) that each type's table starts with, so a keyword is
 * spelled, ranged and documented once and every type takes it the same
 * way.  Settings a checker may take over from its real and virtual
 * server (delay_loop, retry, delay_before_retry, warmup, alpha) are
 * stored as "not given" here and resolved when the check process runs
 * (check_checker_timing), like keepalived's inheritance.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "check/check_checker.h"

const struct check_type *const check_types[CHECK_K_NTYPES] = {
	[CHECK_K_TCP] = &check_type_tcp,
	[CHECK_K_HTTP] = &check_type_http,
	[CHECK_K_SSL] = &check_type_ssl,
	[CHECK_K_MISC] = &check_type_misc,
	[CHECK_K_SMTP] = &check_type_smtp,
	[CHECK_K_UDP] = &check_type_udp,
	[CHECK_K_DNS] = &check_type_dns,
	[CHECK_K_PING] = &check_type_ping,
	[CHECK_K_FILE] = &check_type_file,
};

int check_ck_h_alpha(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tri(c, n, &((struct check_checker *)obj)->inh.alpha);
}

int check_ck_h_log(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	return check_parse_tri(c, n,
			       &((struct check_checker *)obj)->log_all_failures);
}

int check_ck_h_port(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_checker *ck = obj;
	uint16_t port;

	if (conf_arg_count(c, n, 1, 1) < 0 || check_parse_port(c, n, 0, &port) < 0)
		return -1;
	if (!port) {
		conf_err(c, n, "expected a port in [1, 65535], got \"0\"");
		return -1;
	}
	if (!strcmp(n->word, "connect_port"))
		ck->connect_port = port;
	else
		ck->bind_port = port;
	return 0;
}

void *check_ck_open(struct conf_ctx *c, const struct conf_node *n,
		    void *parent, enum check_kind kind)
{
	struct check_rs *rs = parent;
	struct check_checker *ck = calloc(1, sizeof(*ck)), **v;

	if (!ck || !(v = realloc(rs->checkers,
				 (rs->ncheckers + 1) * sizeof(*v)))) {
		free(ck);
		conf_err(c, n, "out of memory");
		return NULL;
	}
	rs->checkers = v;
	rs->checkers[rs->ncheckers++] = ck;
	ck->kind = kind;
	ck->log_all_failures = -1;
	check_inherit_init(&ck->inh);
	if (check_loc_set(&ck->loc, n) < 0)
		conf_err(c, n, "out of memory");
	if (n->nargs)
		conf_err(c, n, "expected no argument before '{', got \"%s\"",
			 n->args[0]);
	return ck;
}

int check_ck_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_checker *ck = obj;
	int fam = ck->connect_ip.ss_family, bfam = ck->bindto.ss_family;

	if (fam && bfam && fam != bfam) {
		conf_err(c, n, "bindto and connect_ip must be of one family");
		return -1;
	}
	if (ck->bind_if && strlen(ck->bind_if) >= IF_NAMESIZE) {
		conf_err(c, n, "bind_if: expected an interface name of at most "
			 "%d characters", IF_NAMESIZE - 1);
		return -1;
	}
	return 0;
}

static const struct sockaddr_storage *ss_or(const struct sockaddr_storage *a)
{
	return a->ss_family ? a : NULL;
}

void check_checker_target(const struct check_checker *ck,
			  const struct check_rs *rs, uint16_t vs_port,
			  struct sockaddr_storage *out, socklen_t *len)
{
	const struct sockaddr_storage *ci = ss_or(&ck->connect_ip);
	uint16_t port = ck->connect_port ? (uint16_t)ck->connect_port
		      : rs->port_set ? rs->port : vs_port;

	memset(out, 0, sizeof(*out));
	if (ci) {
		*out = *ci;
	} else if (rs->af == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)out;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, rs->addr.raw, 16);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)out;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, rs->addr.raw, 4);
	}
	if (out->ss_family == AF_INET6) {
		((struct sockaddr_in6 *)out)->sin6_port = htons(port);
		*len = sizeof(struct sockaddr_in6);
	} else {
		((struct sockaddr_in *)out)->sin_port = htons(port);
		*len = sizeof(struct sockaddr_in);
	}
}

static uint64_t pick_time(uint64_t a, uint64_t b, uint64_t c, uint64_t def)
{
	return a != CHECK_INHERIT_TIME ? a : b != CHECK_INHERIT_TIME ? b
	     : c != CHECK_INHERIT_TIME ? c : def;
}

static int pick_int(int a, int b, int c, int def)
{
	return a >= 0 ? a : b >= 0 ? b : c >= 0 ? c : def;
}

void check_checker_timing(const struct check_checker *ck,
			  const struct check_rs *rs, const struct check_vs *vs,
			  struct check_timing *t)
{
	/* A few types have keepalived defaults of their own. */
	const struct check_type *ty = check_types[ck->kind];

	t->delay_loop = pick_time(ck->inh.delay_loop, rs->inh.delay_loop,
				  vs->inh.delay_loop, CHECK_DEFAULT_DELAY_LOOP);
	t->delay_before_retry = pick_time(ck->inh.delay_before_retry,
					  rs->inh.delay_before_retry,
					  vs->inh.delay_before_retry,
					  ty->delay_before_retry ?
					  ty->delay_before_retry :
					  ty->retry_delay_is_loop ? t->delay_loop :
					  CHECK_DEFAULT_DELAY_BEFORE_RETRY);
	t->warmup = pick_time(ck->inh.warmup, rs->inh.warmup, vs->inh.warmup, 0);
	t->connect_timeout = ck->connect_timeout ? ck->connect_timeout
			   : ty->timeout_is_delay_loop ? t->delay_loop
			   : CHECK_DEFAULT_CONNECT_TIMEOUT;
	t->retry = (unsigned)pick_int(ck->inh.retry, rs->inh.retry,
				      vs->inh.retry,
				      ty->no_retry_default ? 0 :
				      ty->has_default_retry ?
				      (int)ty->default_retry : CHECK_DEFAULT_RETRY);
	t->alpha = pick_int(ck->inh.alpha, rs->inh.alpha, vs->inh.alpha, 0) > 0;
}

static bool ss_same(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool check_checker_same(const struct check_checker *a,
			const struct check_checker *b)
{
	return a->kind == b->kind && ss_same(&a->connect_ip, &b->connect_ip) &&
	       ss_same(&a->bindto, &b->bindto) &&
	       a->connect_port == b->connect_port &&
	       a->bind_port == b->bind_port && str_same(a->bind_if, b->bind_if) &&
	       a->fwmark == b->fwmark && a->connect_timeout == b->connect_timeout &&
	       a->log_all_failures == b->log_all_failures &&
	       a->inh.delay_loop == b->inh.delay_loop &&
	       a->inh.delay_before_retry == b->inh.delay_before_retry &&
	       a->inh.warmup == b->inh.warmup && a->inh.retry == b->inh.retry &&
	       a->inh.alpha == b->inh.alpha &&
	       str_same(a->misc.path, b->misc.path) &&
	       a->misc.dynamic == b->misc.dynamic &&
	       str_same(a->misc.user, b->misc.user) &&
	       str_same(a->misc.group, b->misc.group) &&
	       (!check_types[a->kind]->same || check_types[a->kind]->same(a, b));
}

void check_checker_free(struct check_checker *ck)
{
	if (!ck)
		return;
	if (check_types[ck->kind]->free_conf)
		check_types[ck->kind]->free_conf(ck);
	free(ck->loc.file);
	free(ck->bind_if);
	free(ck->misc.path);
	free(ck->misc.user);
	free(ck->misc.group);
	check_inherit_free(&ck->inh);
	free(ck);
}
