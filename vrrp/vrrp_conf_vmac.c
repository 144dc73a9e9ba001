/*
 * use_vmac [NAME] of a vrrp_instance: the instance's addresses go on a
 * macvlan of its interface whose MAC is the VRRP virtual MAC.  The name
 * is checked here as any interface name; the default (vrrp.VRID, or
 * vrrp6.VRID for IPv6) is made by the runtime once the VRID and the
 * family are known.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

int vrrp_conf_h_use_vmac(struct conf_ctx *c, const struct conf_node *n,
			 void *obj)
{
	struct vrrp_conf_instance *in = obj;
	const char *s;
	size_t len;

	if (conf_arg_count(c, n, 0, 1) < 0)
		return -1;
	in->use_vmac = true;
	if (!n->nargs)
		return 0;
	s = n->args[0];
	len = strlen(s);
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || !isgraph((unsigned char)*p))
			len = 0;
	if (!len || len > VRRP_CONF_IFNAME_MAX || !strcmp(s, ".") ||
	    !strcmp(s, "..")) {
		conf_err(c, n, "expected an interface name of 1..%d characters "
			 "without '/', ':' or spaces, got '%s'",
			 VRRP_CONF_IFNAME_MAX, s);
		return -1;
	}
	free(in->vmac_name);
	if (!(in->vmac_name = strdup(s))) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	return 0;
}
