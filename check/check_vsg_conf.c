/*
 * The virtual_server_group block: a named list of virtual addresses,
 * address ranges and firewall marks that one virtual_server stands for.
 *
 * Its lines have no keyword ("10.0.0.1 80", "10.0.0.1-10 80", "fwmark
 * 7"), so the block is read here line by line rather than through a
 * keyword table; every error still names the file, the line and
 * virtual_server_group.  A range follows keepalived: the last part of
 * the address runs up to the number after the dash, decimal for the last
 * byte of an IPv4 address and hexadecimal for the last 16-bit group of
 * an IPv6 one, both ends included.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "check/check_vs_conf.h"

static int line_err(struct conf_ctx *c, const struct conf_node *n,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int line_err(struct conf_ctx *c, const struct conf_node *n,
		    const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_diag_add(conf_ctx_diag(c), CONF_ERROR, n->file, n->line,
		      "virtual_server_group: %s", msg);
	return -1;
}

static int parse_num(const char *s, int base, unsigned long max,
		     unsigned long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, base);
	return errno || *end || *out > max ? -1 : 0;
}

/* "ADDR" or "ADDR-LAST". */
static int parse_range(struct conf_ctx *c, const struct conf_node *n,
		       struct check_vsg_entry *e)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *w = n->word;
	char *dash;
	unsigned long last;

	if (strlen(w) >= sizeof(buf))
		return line_err(c, n, "expected an address or a range such as "
				"10.0.0.1-10, got '%s'", w);
	strcpy(buf, w);
	dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	memset(&e->first, 0, sizeof(e->first));
	if (inet_pton(AF_INET, buf, &e->first.v4) == 1)
		e->af = AF_INET;
	else if (inet_pton(AF_INET6, buf, &e->first.v6) == 1)
		e->af = AF_INET6;
	else
		return line_err(c, n, "expected an address or a range such as "
				"10.0.0.1-10, got '%s'", w);
	e->count = 1;
	if (!dash)
		return 0;
	if (e->af == AF_INET) {
		unsigned first = e->first.raw[3];

		if (parse_num(dash, 10, 255, &last) < 0)
			return line_err(c, n, "expected the last byte of the "
					"range (0-255) after '-', got '%s'", w);
		if (last < first)
			return line_err(c, n, "expected a range whose end is "
					"not below its start, got '%s'", w);
		e->count = (uint32_t)(last - first + 1);
	} else {
		unsigned first = (unsigned)e->first.raw[14] << 8 |
				 e->first.raw[15];

		if (parse_num(dash, 16, 0xffff, &last) < 0)
			return line_err(c, n, "expected the last group of the "
					"range (hexadecimal 0-ffff) after '-', "
					"got '%s'", w);
		if (last < first)
			return line_err(c, n, "expected a range whose end is "
					"not below its start, got '%s'", w);
		e->count = (uint32_t)(last - first + 1);
	}
	return 0;
}

static int parse_line(struct conf_ctx *c, const struct conf_node *n,
		      struct check_vsg_entry *e)
{
	unsigned long v;

	memset(e, 0, sizeof(*e));
	if (n->block)
		return line_err(c, n, "expected 'ADDRESS PORT', 'RANGE PORT' "
				"or 'fwmark N', got a { } block");
	if (!strcmp(n->word, "fwmark")) {
		if (n->nargs != 1 || parse_num(n->args[0], 10, UINT32_MAX, &v)
		    < 0 || v == 0)
			return line_err(c, n, "expected 'fwmark N' with N in "
					"1-4294967295, got 'fwmark%s%s%s'",
					n->nargs ? " " : "",
					n->nargs ? n->args[0] : "",
					n->nargs > 1 ? " ..." : "");
		e->is_fwmark = true;
		e->fwmark = (uint32_t)v;
		return 0;
	}
	if (parse_range(c, n, e) < 0)
		return -1;
	if (n->nargs != 1)
		return line_err(c, n, "expected one port after '%s', got %zu "
				"words", n->word, n->nargs);
	if (parse_num(n->args[0], 10, 65535, &v) < 0)
		return line_err(c, n, "expected a port (0-65535) after '%s', "
				"got '%s'", n->word, n->args[0]);
	e->port = (uint16_t)v;
	return 0;
}

/* virtual_server_group NAME { ... } */
int check_conf_vsg_stmt(struct conf_ctx *c, const struct conf_node *n,
			void *obj)
{
	struct check_conf *cc = obj;
	struct check_vsg *g, **v;
	int r = 0;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	if (!n->block) {
		conf_err(c, n, "expected a { } block after the name, got none");
		return -1;
	}
	g = check_conf_find_group(cc, n->args[0]);
	if (g) {
		conf_err(c, n, "expected a new group name, got '%s' already "
			 "defined at %s:%d", n->args[0], g->loc.file, g->loc.line);
		return -1;
	}
	g = calloc(1, sizeof(*g));
	if (!g || !(v = realloc(cc->vsg, (cc->nvsg + 1) * sizeof(*v)))) {
		free(g);
		conf_err(c, n, "out of memory");
		return -1;
	}
	cc->vsg = v;
	cc->vsg[cc->nvsg++] = g;
	if (!(g->name = strdup(n->args[0])) || check_loc_set(&g->loc, n) < 0) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	for (const struct conf_node *l = n->child; l; l = l->next) {
		struct check_vsg_entry e, *ne;

		if (parse_line(c, l, &e) < 0) {
			r = -1;
			continue;
		}
		if (check_loc_set(&e.loc, l) < 0 ||
		    !(ne = realloc(g->e, (g->n + 1) * sizeof(*ne)))) {
			free(e.loc.file);
			conf_err(c, n, "out of memory");
			return -1;
		}
		g->e = ne;
		g->e[g->n++] = e;
	}
	if (!g->n && r == 0)
		conf_warn(c, n, "group '%s' has no address and no fwmark; a "
			  "virtual_server of it has no service", g->name);
	return r;
}

struct check_vsg *check_conf_find_group(const struct check_conf *cc,
					const char *name)
{
	for (size_t i = 0; i < cc->nvsg; i++)
		if (!strcmp(cc->vsg[i]->name, name))
			return cc->vsg[i];
	return NULL;
}
