/*
 * The close() of a vrrp_instance block: what one instance can check once
 * all its keywords were applied.
 *
 * It settles the address family (keepalived's order: the first VIP, else
 * the source addresses and peers, else native_ipv6, else IPv4) and reports
 * what is wrong with the instance as a whole: no VRID, VIPs of two
 * families, addresses or peers of the wrong family, a label that does not
 * begin with its interface, a VIP given twice, more addresses than an
 * advert carries, an advert_int or authentication its version cannot
 * carry.  It also warns where keepalived does (priority 255 with state
 * BACKUP, nopreempt or preempt_delay with state MASTER, no VIP, unicast
 * keywords without peers).  Whatever needs global_defs or other instances
 * waits for vrrp_conf_check() in vrrp_conf_sync.c; the flag
 * advert_check_pending tells it that the version was not known here.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

/* Error at a VIP's own line, named by its list (the node is gone). */
static void vip_err(struct conf_diag *d, const struct vrrp_vip *v,
		    const char *list, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void vip_err(struct conf_diag *d, const struct vrrp_vip *v,
		    const char *list, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	conf_diag_add(d, CONF_ERROR, vrrp_conf_loc_file(&v->loc), v->loc.line,
		      "%s: %s", list, buf);
}

/* A label must begin with the name of the interface the address goes on
 * (ip(8) refuses it otherwise). */
static void check_vips(struct conf_diag *d, const struct vrrp_conf_instance *in,
		       const struct vrrp_vip *v, size_t nv, const char *list)
{
	char a[INET6_ADDRSTRLEN], b[64];

	for (size_t i = 0; i < nv; i++) {
		const char *dev = v[i].dev ? v[i].dev : in->interface;

		if (v[i].label && dev) {
			size_t dl = strlen(dev);

			if (strncmp(v[i].label, dev, dl) ||
			    (v[i].label[dl] && v[i].label[dl] != ':'))
				vip_err(d, &v[i], list, "label '%s' must begin "
					"with the interface name '%s' (and ':' "
					"if longer)", v[i].label, dev);
		}
		for (size_t j = 0; j < i; j++) {
			const char *dj = v[j].dev ? v[j].dev : in->interface;

			if (!vrrp_conf_ip_eq(&v[i].addr, &v[j].addr))
				continue;
			if ((dev && dj && strcmp(dev, dj)) || (!dev) != (!dj))
				continue;
			snprintf(b, sizeof(b), "%s:%d",
				 vrrp_conf_loc_file(&v[j].loc), v[j].loc.line);
			vip_err(d, &v[i], list, "address %s given twice "
				"(before at %s)",
				vrrp_conf_ip_str(&v[i].addr, a, sizeof(a)), b);
			break;
		}
	}
}

int vrrp_conf_inst_close(struct conf_ctx *c, const struct conf_node *n,
			 void *obj)
{
	struct vrrp_conf_instance *in = obj;
	struct conf_diag *d = conf_ctx_diag(c);
	char a[INET6_ADDRSTRLEN];

	if (!in->vrid)
		conf_err(c, n, "instance '%s' has no virtual_router_id "
			 "(1..255)", in->name);

	/* The family: the VIPs', else the addresses of the sources and
	 * peers, else native_ipv6, else IPv4 (keepalived's order). */
	if (in->nvips)
		in->family = in->vips[0].addr.family;
	else if (in->unicast_src_ip.family)
		in->family = in->unicast_src_ip.family;
	else if (in->mcast_src_ip.family)
		in->family = in->mcast_src_ip.family;
	else if (in->npeers)
		in->family = in->peers[0].addr.family;
	else
		in->family = in->native_ipv6 ? AF_INET6 : AF_INET;
	if (in->native_ipv6 && in->family != AF_INET6)
		conf_err(c, n, "instance '%s' has native_ipv6 but IPv4 "
			 "addresses", in->name);

	for (size_t i = 1; i < in->nvips; i++)
		if (in->vips[i].addr.family != in->family)
			vip_err(d, &in->vips[i], "virtual_ipaddress",
				"%s is not of the family of the first address "
				"(line %d); the addresses of an instance share "
				"one family (put the others in "
				"virtual_ipaddress_excluded)",
				vrrp_conf_ip_str(&in->vips[i].addr, a,
						 sizeof(a)),
				in->vips[0].loc.line);
	if (in->nvips > VRRP_CONF_MAX_VIPS)
		vip_err(d, &in->vips[VRRP_CONF_MAX_VIPS], "virtual_ipaddress",
			"an advert carries at most %d addresses; put the "
			"rest in virtual_ipaddress_excluded",
			VRRP_CONF_MAX_VIPS);
	check_vips(d, in, in->vips, in->nvips, "virtual_ipaddress");
	check_vips(d, in, in->evips, in->nevips, "virtual_ipaddress_excluded");

	for (size_t i = 0; i < in->npeers; i++) {
		if (in->peers[i].addr.family != in->family)
			conf_diag_add(d, CONF_ERROR,
				      vrrp_conf_loc_file(&in->peers[i].loc),
				      in->peers[i].loc.line, "unicast_peer: "
				      "peer %s is not of the instance's family "
				      "(%s)", vrrp_conf_ip_str(&in->peers[i].addr,
							       a, sizeof(a)),
				      in->family == AF_INET ? "IPv4" : "IPv6");
		if (in->peers[i].min_ttl >= 0 || in->peers[i].max_ttl >= 0)
			in->check_unicast_src = true;
	}
	if (in->unicast_src_ip.family && in->mcast_src_ip.family) {
		if (!vrrp_conf_ip_eq(&in->unicast_src_ip, &in->mcast_src_ip))
			conf_err(c, n, "instance '%s' has mcast_src_ip and "
				 "unicast_src_ip that differ; give one",
				 in->name);
	}
	if (in->unicast_src_ip.family &&
	    in->unicast_src_ip.family != in->family)
		conf_err(c, n, "instance '%s': unicast_src_ip is not of the "
			 "instance's family", in->name);
	if (in->mcast_src_ip.family &&
	    in->mcast_src_ip.family != in->family)
		conf_err(c, n, "instance '%s': mcast_src_ip is not of the "
			 "instance's family", in->name);
	if (in->mcast_dst_ip.family) {
		if (in->mcast_dst_ip.family != in->family)
			conf_err(c, n, "instance '%s': mcast_dst_ip is not of "
				 "the instance's family", in->name);
		if (in->npeers)
			conf_warn(c, n, "instance '%s' has unicast peers; "
				  "mcast_dst_ip is not used", in->name);
	}
	if (!in->npeers) {
		if (in->unicast_ttl)
			conf_warn(c, n, "instance '%s': unicast_ttl has no "
				  "effect without unicast_peer", in->name);
		if (in->check_unicast_src_set)
			conf_warn(c, n, "instance '%s': check_unicast_src has "
				  "no effect without unicast_peer", in->name);
		if (in->unicast_fault_no_peer)
			conf_warn(c, n, "instance '%s' has unicast_fault_no_peer "
				  "and no unicast_peer: it stays in FAULT",
				  in->name);
	}
	/* Without 'all' keepalived announces on VMAC interfaces only. */
	if (in->garp_extra_if_set && in->garp_extra_if_s &&
	    !in->garp_extra_if_all && !in->use_vmac)
		conf_warn(c, n, "instance '%s': garp_extra_if without 'all' "
			  "applies to VMAC instances only, and this one has no "
			  "use_vmac: no effect", in->name);
	for (size_t i = 0; !in->use_vmac && i < in->nvips + in->nevips; i++) {
		const struct vrrp_vip *v = i < in->nvips ? &in->vips[i] :
					   &in->evips[i - in->nvips];

		if (v->use_vmac) {
			conf_warn(c, n, "instance '%s': 'use_vmac' on address "
				  "line %d without the instance's use_vmac has "
				  "no effect", in->name, v->loc.line);
			break;
		}
	}
	if (in->use_vmac_addr && !in->use_vmac)
		conf_warn(c, n, "instance '%s': use_vmac_addr without use_vmac "
			  "has no effect", in->name);
	if (in->vmac_xmit_base && !in->use_vmac)
		conf_warn(c, n, "instance '%s': vmac_xmit_base without use_vmac "
			  "has no effect", in->name);
	if (in->use_vmac && in->vmac_name && in->interface &&
	    !strcmp(in->vmac_name, in->interface))
		conf_err(c, n, "instance '%s': the use_vmac interface cannot be "
			 "the instance's own interface %s", in->name,
			 in->interface);

	/* IPv6 is VRRPv3 only (RFC 5798); v2 is IPv4 only. */
	if (in->version_set && in->version == 2 && in->family == AF_INET6)
		conf_err(c, n, "instance '%s': version 2 is IPv4 only; IPv6 "
			 "instances run version 3", in->name);
	if (in->family == AF_INET6 && !in->version_set) {
		in->version = 3;
		in->version_set = true;
	}
	if (in->version_set) {
		if (in->version == 2 && in->advert_int_us % 1000000)
			conf_diag_add(d, CONF_ERROR,
				      vrrp_conf_loc_file(&in->advert_loc),
				      in->advert_loc.line, "advert_int: VRRP "
				      "version 2 carries whole seconds (1..255), "
				      "got %llu.%02llu; sub-second intervals need "
				      "'version 3'",
				      (unsigned long long)(in->advert_int_us /
							   1000000),
				      (unsigned long long)(in->advert_int_us %
							   1000000 / 10000));
		if (in->version == 3 && in->advert_int_us > 4095 * 10000ULL)
			conf_diag_add(d, CONF_ERROR,
				      vrrp_conf_loc_file(&in->advert_loc),
				      in->advert_loc.line, "advert_int: VRRP "
				      "version 3 carries at most 40.95 s, got "
				      "%llu.%02llu",
				      (unsigned long long)(in->advert_int_us /
							   1000000),
				      (unsigned long long)(in->advert_int_us %
							   1000000 / 10000));
		if (in->auth_block && in->version == 3)
			conf_diag_add(d, CONF_ERROR,
				      vrrp_conf_loc_file(&in->auth_loc),
				      in->auth_loc.line, "authentication: "
				      "VRRP version 3 has no authentication "
				      "(RFC 5798); use version 2 or remove the "
				      "block");
	} else {
		in->advert_check_pending = true;
	}

	/* Roles keepalived warns about. */
	if (in->priority == 255 && in->state == VRRP_CONF_STATE_BACKUP)
		conf_warn(c, n, "instance '%s' has priority 255 (the address "
			  "owner): it becomes master at once, whatever 'state "
			  "BACKUP' says", in->name);
	if (in->nopreempt && in->state == VRRP_CONF_STATE_MASTER)
		conf_warn(c, n, "instance '%s': nopreempt does not work with "
			  "'state MASTER' (it takes over when it starts)",
			  in->name);
	if (in->preempt_delay_us && in->state == VRRP_CONF_STATE_MASTER)
		conf_warn(c, n, "instance '%s': preempt_delay does not work "
			  "with 'state MASTER' (it takes over when it starts)",
			  in->name);
	if (in->preempt_delay_us && in->nopreempt)
		conf_warn(c, n, "instance '%s': preempt_delay has no effect "
			  "with nopreempt", in->name);
	if (in->no_virtual_ipaddress && (in->nvips || in->nevips))
		conf_err(c, n, "instance '%s' has no_virtual_ipaddress and "
			 "addresses", in->name);
	else if (!in->nvips && !in->no_virtual_ipaddress)
		conf_warn(c, n, "instance '%s' has no virtual_ipaddress (write "
			  "no_virtual_ipaddress if that is meant)", in->name);
	return 0;
}
