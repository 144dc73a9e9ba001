/*
 * use_vmac [NAME] [MAC] of a vrrp_instance: the instance's addresses go
 * on a macvlan of its interface whose MAC is the VRRP virtual MAC, or
 * the MAC given.  The words come in any order, as keepalived takes
 * them: one with a ':' is the MAC (an interface name cannot hold one),
 * "name NAME" or any other word the name, checked as any interface
 * name.  The default name (vrrp.VRID, or vrrp6.VRID for IPv6) and the
 * default MAC are made by the runtime once the VRID and the family are
 * known; so is the last octet of a MAC given with five (the VRID).
 *
 * A MAC is refused when it is multicast (no interface can own one) or
 * is one of the RFCs' own 00:00:5e:00:01:xx / 00:00:5e:00:02:xx, which
 * belong to the VRIDs and are what use_vmac gives anyway.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

static int set_name(struct conf_ctx *c, const struct conf_node *n,
		    struct vrrp_conf_instance *in, const char *s)
{
	size_t len = strlen(s);

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
	if (in->vmac_name) {
		conf_err(c, n, "interface name given twice ('%s', '%s')",
			 in->vmac_name, s);
		return -1;
	}
	if (!(in->vmac_name = strdup(s))) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	return 0;
}

/* Six octets of one or two hex digits separated by ':', or five (with
 * or without a last ':') to take the VRID as the sixth. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	const char *p = s;
	int k;

	for (k = 0; k < 6; k++) {
		int digits = 0, v = 0;

		while (isxdigit((unsigned char)*p) && digits < 3) {
			v = v * 16 + (isdigit((unsigned char)*p) ? *p - '0' :
				      tolower((unsigned char)*p) - 'a' + 10);
			p++;
			digits++;
		}
		if (digits < 1 || digits > 2)
			return -1;
		mac[k] = (uint8_t)v;
		if (!*p || (*p == ':' && !p[1]))
			break;
		if (*p != ':' || k == 5)
			return -1;
		p++;
	}
	if (k == 5)
		return 6;
	return k == 4 ? 5 : -1;
}

static int set_mac(struct conf_ctx *c, const struct conf_node *n,
		   struct vrrp_conf_instance *in, const char *s)
{
	uint8_t mac[6] = { 0 };
	int len;

	if (in->vmac_mac_len) {
		conf_err(c, n, "MAC address given twice ('%s')", s);
		return -1;
	}
	if ((len = parse_mac(s, mac)) < 0) {
		conf_err(c, n, "expected a MAC address of 6 hex octets "
			 "(xx:xx:xx:xx:xx:xx, or 5 to take the VRID as the "
			 "last), got '%s'", s);
		return -1;
	}
	if (mac[0] & 0x01) {
		conf_err(c, n, "MAC address '%s' is multicast", s);
		return -1;
	}
	if (!mac[0] && !mac[1] && mac[2] == 0x5e && !mac[3] &&
	    (mac[4] == 0x01 || mac[4] == 0x02)) {
		conf_err(c, n, "MAC address '%s' is an RFC 5798 virtual router "
			 "MAC (use_vmac without a MAC uses it)", s);
		return -1;
	}
	memcpy(in->vmac_mac, mac, sizeof(in->vmac_mac));
	in->vmac_mac_len = (uint8_t)len;
	return 0;
}

int vrrp_conf_h_use_vmac(struct conf_ctx *c, const struct conf_node *n,
			 void *obj)
{
	struct vrrp_conf_instance *in = obj;

	in->use_vmac = true;
	free(in->vmac_name);
	in->vmac_name = NULL;
	in->vmac_mac_len = 0;
	for (size_t i = 0; i < n->nargs; i++) {
		const char *s = n->args[i];
		int r;

		if (strchr(s, ':')) {
			r = set_mac(c, n, in, s);
		} else if (!strcmp(s, "netlink_notify_msg") ||
			   !strcmp(s, "group")) {
			conf_err(c, n, "'%s' is a keepalived use_vmac option "
				 "that tandem does not implement", s);
			r = -1;
		} else if (!strcmp(s, "name")) {
			if (++i == n->nargs) {
				conf_err(c, n, "'name' needs an interface name");
				return -1;
			}
			r = set_name(c, n, in, n->args[i]);
		} else {
			r = set_name(c, n, in, s);
		}
		if (r < 0)
			return -1;
	}
	return 0;
}

void vrrp_conf_vmac_mac(const struct vrrp_conf_instance *in, bool ipv6,
			uint8_t mac[6])
{
	if (in->vmac_mac_len) {
		memcpy(mac, in->vmac_mac, 6);
		if (in->vmac_mac_len == 5)
			mac[5] = (uint8_t)in->vrid;
		return;
	}
	mac[0] = 0x00;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = 0x00;
	mac[4] = ipv6 ? 0x02 : 0x01;
	mac[5] = (uint8_t)in->vrid;
}
