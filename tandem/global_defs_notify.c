/*
 * global_defs statements about who runs what and who is told: the start-up
 * and shutdown scripts, script_user, the notify FIFOs and their readers,
 * the SMTP server and the notification_email list.
 *
 * As in global_defs_args.c, each handler checks every word before it
 * replaces anything, and frees what it replaces.  User and group names are
 * checked for their form only: they are looked up when a script runs, on
 * the machine that runs it, not when a file is checked with tandem -t.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "tandem/global_defs.h"

/* User and group names as useradd(8) accepts them, or numeric ids. */
static bool user_ok(const char *s)
{
	return gd_word_ok(s, 32, "._-$");
}

static int check_user_group(struct conf_ctx *c, const struct conf_node *n,
			    size_t ui)
{
	const char *g;

	if (n->nargs > ui && !user_ok(n->args[ui])) {
		conf_err(c, n, "invalid user name '%s'", n->args[ui]);
		return -1;
	}
	if (n->nargs > ui + 1) {
		g = n->args[ui + 1];
		if (*g == ':')
			g++;
		if (*g && !user_ok(g)) {
			conf_err(c, n, "invalid group name '%s'",
				 n->args[ui + 1]);
			return -1;
		}
	}
	return 0;
}

static void script_clear(struct gd_script *s)
{
	free(s->cmd);
	free(s->user);
	free(s->group);
	memset(s, 0, sizeof(*s));
}

/* SCRIPT [USER [[:]GROUP]] starting at args[0]. */
static int parse_script(struct conf_ctx *c, const struct conf_node *n,
			struct gd_script *dst)
{
	struct gd_script s = { 0 };

	if (conf_arg_count(c, n, 1, 3) < 0)
		return -1;
	if (!*n->args[0]) {
		conf_err(c, n, "expected a script, got an empty string");
		return -1;
	}
	if (check_user_group(c, n, 1) < 0)
		return -1;
	if (gd_set_str(&s.cmd, n->args[0]) < 0 ||
	    (n->nargs > 1 && gd_set_str(&s.user, n->args[1]) < 0) ||
	    (n->nargs > 2 && gd_set_str(&s.group, n->args[2]) < 0)) {
		script_clear(&s);
		return gd_nomem(c, n);
	}
	script_clear(dst);
	*dst = s;
	return 0;
}

GD_HANDLER(gd_h_startup_script)
{
	return parse_script(c, n, &((struct global_defs *)obj)->startup_script);
}

GD_HANDLER(gd_h_shutdown_script)
{
	return parse_script(c, n,
			    &((struct global_defs *)obj)->shutdown_script);
}

/* FIFO [USER [GROUP]] */
static int parse_fifo(struct conf_ctx *c, const struct conf_node *n,
		      struct gd_fifo *f)
{
	char *path = NULL, *user = NULL, *group = NULL;

	if (conf_arg_count(c, n, 1, 3) < 0)
		return -1;
	if (!*n->args[0]) {
		conf_err(c, n, "expected a FIFO path, got an empty string");
		return -1;
	}
	if (check_user_group(c, n, 1) < 0)
		return -1;
	if (gd_set_str(&path, n->args[0]) < 0 ||
	    (n->nargs > 1 && gd_set_str(&user, n->args[1]) < 0) ||
	    (n->nargs > 2 && gd_set_str(&group, n->args[2]) < 0)) {
		free(path);
		free(user);
		free(group);
		return gd_nomem(c, n);
	}
	free(f->path);
	free(f->user);
	free(f->group);
	f->path = path;
	f->user = user;
	f->group = group;
	return 0;
}

#define GD_FIFO_HANDLERS(name, field) \
	GD_HANDLER(gd_h_##name) \
	{ return parse_fifo(c, n, &((struct global_defs *)obj)->field); } \
	GD_HANDLER(gd_h_##name##_script) \
	{ return parse_script(c, n, \
			      &((struct global_defs *)obj)->field.script); }

GD_FIFO_HANDLERS(notify_fifo, notify_fifo)
GD_FIFO_HANDLERS(vrrp_notify_fifo, vrrp_notify_fifo)
GD_FIFO_HANDLERS(lvs_notify_fifo, lvs_notify_fifo)

/* A DNS name (RFC 1123 labels) or an address literal. */
static bool host_ok(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];
	const char *label = s;
	size_t len = strlen(s);

	if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
		return true;
	if (len == 0 || len > 253)
		return false;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			size_t l = (size_t)(p - label);

			if (l == 0 || l > 63 || label[0] == '-' ||
			    p[-1] == '-')
				return false;
			if (*p == '\0')
				return true;
			label = p + 1;
		} else if (!isalnum((unsigned char)*p) && *p != '-') {
			return false;
		}
	}
}

GD_HANDLER(gd_h_smtp_server)
{
	struct global_defs *gd = obj;
	int64_t port = 25;

	if (conf_arg_count(c, n, 1, 2) < 0)
		return -1;
	if (!host_ok(n->args[0])) {
		conf_err(c, n, "expected a host name or an IP address, got '%s'",
			 n->args[0]);
		return -1;
	}
	if (n->nargs > 1 && conf_arg_int(c, n, 1, 1, 65535, &port) < 0)
		return -1;
	if (gd_set_str(&gd->smtp_server, n->args[0]) < 0)
		return gd_nomem(c, n);
	gd->smtp_port = (unsigned)port;
	return 0;
}

/* "user@domain" or, quoted, "Display Name <user@domain>". */
static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	const char *lt = strchr(s, '<');

	if (!at || at == s || !at[1])
		return false;
	if (!lt)
		return !strpbrk(s, " \t<>");
	return lt < at && s[strlen(s) - 1] == '>' && at[1] != '>' &&
	       at[-1] != '<';
}

static int add_email(struct conf_ctx *c, const struct conf_node *n,
		     struct global_defs *gd, const char *addr)
{
	char **v;

	if (!email_ok(addr)) {
		conf_err(c, n, "expected an e-mail address (user@domain or "
			 "\"Name <user@domain>\"), got '%s'", addr);
		return -1;
	}
	v = realloc(gd->notification_email,
		    (gd->n_notification_email + 1) * sizeof(*v));
	if (!v)
		return gd_nomem(c, n);
	gd->notification_email = v;
	if (!(v[gd->n_notification_email] = strdup(addr)))
		return gd_nomem(c, n);
	gd->n_notification_email++;
	return 0;
}

/* One line of the notification_email block: one or more addresses. */
GD_HANDLER(gd_h_notification_email)
{
	int rc = add_email(c, n, obj, n->word);

	for (size_t i = 0; i < n->nargs; i++)
		if (add_email(c, n, obj, n->args[i]) < 0)
			rc = -1;
	return rc;
}

GD_HANDLER(gd_h_script_user)
{
	struct global_defs *gd = obj;
	char *u = NULL, *g = NULL;

	if (conf_arg_count(c, n, 1, 2) < 0 || check_user_group(c, n, 0) < 0)
		return -1;
	if (gd_set_str(&u, n->args[0]) < 0 ||
	    (n->nargs > 1 && gd_set_str(&g, n->args[1]) < 0)) {
		free(u);
		return gd_nomem(c, n);
	}
	free(gd->script_user);
	free(gd->script_group);
	gd->script_user = u;
	gd->script_group = g;
	return 0;
}
