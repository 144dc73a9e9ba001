/*
 * The words and shared values of `ip route` / `ip rule` lines (see
 * vrrp_conf_words.h).  Tables may be named as ip route names them: main,
 * local, default, or a name of iproute2's /etc/iproute2/rt_tables (and
 * rt_tables.d/NAME.conf), read when the config file is.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_conf_words.h"

const char *cw_word(const struct cw_words *w, size_t i)
{
	return i == 0 ? w->n->word : w->n->args[i - 1];
}

/* The value after word i, or an error naming it. */
const char *cw_value(struct conf_ctx *c, struct cw_words *w)
{
	const char *k = cw_word(w, w->i);

	if (w->i + 1 >= w->len) {
		conf_err(c, w->n, "'%s' needs a value", k);
		return NULL;
	}
	return cw_word(w, ++w->i);
}

int cw_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int cw_num(struct conf_ctx *c, struct cw_words *w, uint32_t max,
	   uint32_t *out)
{
	const char *k = cw_word(w, w->i), *v = cw_value(c, w);

	if (!v)
		return -1;
	if (cw_u32(v, out) < 0 || *out > max) {
		conf_err(c, w->n, "expected a number 0..%u after '%s', got "
			 "'%s'", max, k, v);
		return -1;
	}
	return 0;
}

/* A table name from iproute2's files (rt_tables, rt_tables.d/NAME.conf):
 * "NUMBER NAME" lines, '#' comments.  0 when not found. */
static uint32_t rt_table_file(const char *path, const char *name)
{
	char line[256], nm[128];
	uint32_t found = 0;
	unsigned long id;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%lu %127s", &id, nm) == 2 &&
		    !strcmp(nm, name) && id > 0 && id <= UINT32_MAX)
			found = (uint32_t)id;
	fclose(f);
	return found;
}

static uint32_t rt_table_named(const char *name)
{
	uint32_t id = rt_table_file("/etc/iproute2/rt_tables", name);
	glob_t g;

	if (id || glob("/etc/iproute2/rt_tables.d/*.conf", 0, NULL, &g))
		return id;
	for (size_t i = 0; !id && i < g.gl_pathc; i++)
		id = rt_table_file(g.gl_pathv[i], name);
	globfree(&g);
	return id;
}

int cw_table(struct conf_ctx *c, struct cw_words *w, uint32_t *out)
{
	const char *k = cw_word(w, w->i), *v = cw_value(c, w);

	if (!v)
		return -1;
	if (!strcmp(v, "main"))
		*out = RT_TABLE_MAIN;
	else if (!strcmp(v, "local"))
		*out = RT_TABLE_LOCAL;
	else if (!strcmp(v, "default"))
		*out = RT_TABLE_DEFAULT;
	else if ((cw_u32(v, out) < 0 && !(*out = rt_table_named(v))) ||
		 *out == 0) {
		conf_err(c, w->n, "expected a table 1..%u, main, local, default "
			 "or a name of /etc/iproute2/rt_tables after '%s', got "
			 "'%s'", UINT32_MAX, k, v);
		return -1;
	}
	return 0;
}

/* ADDR[/PREFIX], "default" or "all" (when ANY) for the whole family. */
int cw_prefix(struct conf_ctx *c, const struct conf_node *n,
	      const char *what, const char *s, bool any, sa_family_t *fam,
	      uint8_t *addr, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	sa_family_t f;
	long p;

	if (any && (!strcmp(s, "default") || !strcmp(s, "all"))) {
		memset(addr, 0, 16);
		*plen = 0;
		return 0;	/* family left as it is */
	}
	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')))
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		f = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		f = AF_INET6;
	else
		goto bad;
	p = f == AF_INET ? 32 : 128;
	if (slash) {
		long max = p;

		errno = 0;
		p = strtol(slash, &end, 10);
		if (errno || end == slash || *end || p < 0 || p > max) {
			conf_err(c, n, "expected a prefix length 0..%ld in "
				 "'%s'", max, s);
			return -1;
		}
	}
	if (*fam != AF_UNSPEC && *fam != f) {
		conf_err(c, n, "%s %s is not of the family of the rest of the "
			 "line", what, s);
		return -1;
	}
	*fam = f;
	*plen = (uint8_t)p;
	return 0;
bad:
	conf_err(c, n, "expected %s IPv4 or IPv6 address[/PREFIX]%s, got "
		 "'%s'", what, any ? " or 'default'" : "", s);
	return -1;
}

int cw_host(struct conf_ctx *c, const struct conf_node *n, const char *what,
	    const char *s, sa_family_t *fam, uint8_t *addr)
{
	uint8_t plen;
	sa_family_t f = *fam;

	if (strchr(s, '/')) {
		conf_err(c, n, "expected %s address without a prefix, got "
			 "'%s'", what, s);
		return -1;
	}
	if (cw_prefix(c, n, what, s, false, &f, addr, &plen) < 0)
		return -1;
	*fam = f;
	return 0;
}

int cw_ifname(struct conf_ctx *c, const struct conf_node *n, const char *k,
	      const char *v)
{
	size_t len = strlen(v);

	if (!len || len > VRRP_CONF_IFNAME_MAX || strchr(v, '/') ||
	    strchr(v, ' ')) {
		conf_err(c, n, "expected an interface name of 1..%d "
			 "characters after '%s', got '%s'",
			 VRRP_CONF_IFNAME_MAX, k, v);
		return -1;
	}
	return 0;
}
