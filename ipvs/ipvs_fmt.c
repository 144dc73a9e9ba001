/*
 * Value helpers for the IPVS types: defaults, comparisons and the text
 * that error messages and dumps show.
 *
 * The text follows ipvsadm's notation ("TCP 10.0.0.1:80", "FWM 7") so an
 * operator can paste it next to `ipvsadm -Ln` output.  Comparisons are what
 * the reconciler calls "the same entry" (key) and "nothing to change"
 * (config); they normalise what the kernel fills in on its own (the HASHED
 * flag, a destination family left implicit) so a table read back from the
 * kernel compares equal to the one that was written.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ipvs/ipvs_types.h"

void ipvs_service_init(struct ipvs_service *s, int af)
{
	memset(s, 0, sizeof(*s));
	s->af = (uint16_t)af;
	s->netmask = af == AF_INET6 ? 128 : 0xffffffffu;
	/* Not snprintf: this runs once per service of every table built. */
	memcpy(s->sched, "wlc", sizeof("wlc"));
}

void ipvs_dest_init(struct ipvs_dest *d, int af)
{
	memset(d, 0, sizeof(*d));
	d->af = (uint16_t)af;
	d->weight = 1;
	d->fwd = IPVS_FWD_MASQ;
}

static size_t addr_len(int af)
{
	return af == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
}

bool ipvs_service_same_key(const struct ipvs_service *a, const struct ipvs_service *b)
{
	if (a->af != b->af || a->fwmark != b->fwmark)
		return false;
	if (a->fwmark)
		return true;
	return a->protocol == b->protocol && a->port == b->port &&
	       memcmp(&a->addr, &b->addr, addr_len(a->af)) == 0;
}

bool ipvs_service_same_config(const struct ipvs_service *a, const struct ipvs_service *b)
{
	return strncmp(a->sched, b->sched, sizeof(a->sched)) == 0 &&
	       (a->flags & IPVS_SVC_USER_FLAGS) == (b->flags & IPVS_SVC_USER_FLAGS) &&
	       a->timeout == b->timeout && a->netmask == b->netmask &&
	       strncmp(a->pe_name, b->pe_name, sizeof(a->pe_name)) == 0;
}

bool ipvs_dest_same_key(const struct ipvs_dest *a, const struct ipvs_dest *b, int svc_af)
{
	int afa = a->af ? a->af : svc_af, afb = b->af ? b->af : svc_af;

	return afa == afb && a->port == b->port &&
	       memcmp(&a->addr, &b->addr, addr_len(afa)) == 0;
}

bool ipvs_dest_same_config(const struct ipvs_dest *a, const struct ipvs_dest *b, int svc_af)
{
	(void)svc_af;
	if (a->fwd != b->fwd || a->weight != b->weight ||
	    a->u_thresh != b->u_thresh || a->l_thresh != b->l_thresh)
		return false;
	/* The tunnel settings mean something only for tunnelled entries; the
	 * kernel keeps whatever was sent, so compare them there only. */
	if ((a->fwd & IP_VS_CONN_F_FWD_MASK) != IPVS_FWD_TUNNEL)
		return true;
	return a->tun_type == b->tun_type && a->tun_port == b->tun_port &&
	       a->tun_flags == b->tun_flags;
}

const char *ipvs_proto_name(int protocol)
{
	switch (protocol) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_SCTP: return "SCTP";
	case 0: return "FWM";
	default: return "protocol?";
	}
}

const char *ipvs_fwd_name(uint32_t fwd)
{
	switch (fwd & IP_VS_CONN_F_FWD_MASK) {
	case IPVS_FWD_MASQ: return "NAT";
	case IPVS_FWD_DROUTE: return "DR";
	case IPVS_FWD_TUNNEL: return "TUN";
	case IPVS_FWD_LOCAL: return "local";
	default: return "forwarding?";
	}
}

const char *ipvs_tun_name(int tun_type)
{
	switch (tun_type) {
	case IP_VS_CONN_F_TUNNEL_TYPE_IPIP: return "ipip";
	case IP_VS_CONN_F_TUNNEL_TYPE_GUE: return "gue";
	case IP_VS_CONN_F_TUNNEL_TYPE_GRE: return "gre";
	default: return "tunnel?";
	}
}

static const char *addr_port_str(int af, const union ipvs_addr *a, uint16_t port,
				 char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, a, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	if (af == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ip, port);
	else
		snprintf(buf, len, "%s:%u", ip, port);
	return buf;
}

const char *ipvs_service_str(const struct ipvs_service *s, char *buf, size_t len)
{
	char ap[IPVS_STR_MAX];

	if (s->fwmark)
		snprintf(buf, len, "FWM %u%s", s->fwmark, s->af == AF_INET6 ? " IPv6" : "");
	else
		snprintf(buf, len, "%s %s", ipvs_proto_name(s->protocol),
			 addr_port_str(s->af, &s->addr, s->port, ap, sizeof(ap)));
	return buf;
}

const char *ipvs_dest_str(const struct ipvs_dest *d, int svc_af, char *buf, size_t len)
{
	return addr_port_str(d->af ? d->af : svc_af, &d->addr, d->port, buf, len);
}

const char *ipvs_op_str(enum ipvs_op op, const struct ipvs_service *svc,
			const struct ipvs_dest *dest, const struct ipvs_daemon *dm,
			char *buf, size_t len)
{
	char s[IPVS_STR_MAX] = "?", d[IPVS_STR_MAX] = "?";

	if (svc)
		ipvs_service_str(svc, s, sizeof(s));
	if (dest)
		ipvs_dest_str(dest, svc ? svc->af : AF_INET, d, sizeof(d));
	switch (op) {
	case IPVS_OP_SERVICE_ADD: snprintf(buf, len, "add service %s", s); break;
	case IPVS_OP_SERVICE_SET: snprintf(buf, len, "change service %s", s); break;
	case IPVS_OP_SERVICE_DEL: snprintf(buf, len, "delete service %s", s); break;
	case IPVS_OP_SERVICE_GET: snprintf(buf, len, "get service %s", s); break;
	case IPVS_OP_SERVICE_DUMP: snprintf(buf, len, "list services"); break;
	case IPVS_OP_DEST_ADD: snprintf(buf, len, "add destination %s to %s", d, s); break;
	case IPVS_OP_DEST_SET: snprintf(buf, len, "change destination %s of %s", d, s); break;
	case IPVS_OP_DEST_DEL: snprintf(buf, len, "delete destination %s from %s", d, s); break;
	case IPVS_OP_DEST_DUMP: snprintf(buf, len, "list destinations of %s", s); break;
	case IPVS_OP_DAEMON_ADD:
		if (dm)
			snprintf(buf, len, "start %s sync daemon on %s (sync id %u)",
				 dm->state == IP_VS_STATE_BACKUP ? "backup" : "master",
				 dm->mcast_ifn, dm->syncid);
		else
			snprintf(buf, len, "start sync daemon");
		break;
	case IPVS_OP_DAEMON_DEL:
		snprintf(buf, len, "stop %s sync daemon",
			 dm && dm->state == IP_VS_STATE_BACKUP ? "backup" : "master");
		break;
	case IPVS_OP_DAEMON_GET: snprintf(buf, len, "list sync daemons"); break;
	case IPVS_OP_TIMEOUTS_GET: snprintf(buf, len, "get timeouts"); break;
	case IPVS_OP_TIMEOUTS_SET: snprintf(buf, len, "set timeouts"); break;
	case IPVS_OP_ZERO:
		if (svc)
			snprintf(buf, len, "zero counters of %s", s);
		else
			snprintf(buf, len, "zero all counters");
		break;
	case IPVS_OP_FLUSH: snprintf(buf, len, "flush the IPVS table"); break;
	case IPVS_OP_INFO: snprintf(buf, len, "get IPVS information"); break;
	}
	return buf;
}
