/*
 * IP sets through libipset (see vrrp_ipset.h).  The library is driven
 * with its command language (ipset_parse_line), the interface the
 * ipset tool itself is built on and the one its headers document; each
 * line is one local netlink exchange, quick enough for the event loop,
 * so adding a VIP to its set happens at once, before its address is
 * added.  libipset reports errors through callbacks: they are caught
 * into a buffer and logged with the line that failed.
 */
#include <errno.h>
#include <libipset/ipset.h>
#include <libipset/session.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "vrrp/vrrp_ipset.h"

struct vrrp_ipset {
	struct ipset *h;
	char err[256];
};

static int on_custom_error(struct ipset *h, void *p, int status,
			   const char *msg, ...)
{
	struct vrrp_ipset *s = p;
	va_list ap;

	(void)h;
	va_start(ap, msg);
	vsnprintf(s->err, sizeof(s->err), msg, ap);
	va_end(ap);
	return status;
}

static int on_standard_error(struct ipset *h, void *p)
{
	struct vrrp_ipset *s = p;
	struct ipset_session *ss = ipset_session(h);
	const char *m = ss ? ipset_session_report_msg(ss) : NULL;

	snprintf(s->err, sizeof(s->err), "%s", m && *m ? m : "failed");
	if (ss)
		ipset_session_report_reset(ss);
	return -1;
}

/* Listings are never asked for; anything printed is dropped. */
static int on_print(struct ipset_session *ss, void *p, const char *fmt, ...)
{
	(void)ss;
	(void)p;
	(void)fmt;
	return 0;
}

int vrrp_ipset_open(struct vrrp_ipset **out)
{
	struct vrrp_ipset *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	ipset_load_types();	/* hash:ip and the others; loaded once */
	if (!(s->h = ipset_init())) {
		free(s);
		log_err("ipset: cannot open a libipset session");
		return -EIO;
	}
	ipset_custom_printf(s->h, on_custom_error, on_standard_error, on_print,
			    s);
	*out = s;
	return 0;
}

void vrrp_ipset_close(struct vrrp_ipset *s)
{
	if (!s)
		return;
	ipset_fini(s->h);
	free(s);
}

int vrrp_ipset_cmd(struct vrrp_ipset *s, bool quiet, const char *fmt, ...)
{
	char line[256], shown[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	memcpy(shown, line, sizeof(shown));	/* the parser cuts LINE up */
	s->err[0] = '\0';
	/* the line may only be queued in the session: commit sends it */
	if (ipset_parse_line(s->h, line) == 0 &&
	    ipset_commit(ipset_session(s->h)) == 0)
		return 0;
	s->err[strcspn(s->err, "\n")] = '\0';
	if (!quiet)
		log_err("ipset: %s: %s", shown, *s->err ? s->err : "failed");
	return -EIO;
}
