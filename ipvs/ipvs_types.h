/*
 * The IPVS table as tandem holds it: virtual services, their destinations
 * (real servers), the connection sync daemon, the protocol timeouts and the
 * counters the kernel keeps for each entry.
 *
 * These are plain values with no pointers into libnl or the kernel's UAPI
 * structures, so the reconciler, the config layer and the unit tests can
 * build, copy and compare them without a socket.  Ports are kept in host
 * byte order; addresses as a 16-byte union so IPv4 and IPv6 compare the
 * same way.  Fields follow the kernel's generic netlink attributes one to
 * one (see <linux/ip_vs.h>), including the odd one: a service's persistence
 * netmask is an IPv4 netmask in network byte order for AF_INET and a prefix
 * length for AF_INET6, exactly as the kernel stores it.
 */
#ifndef TANDEM_IPVS_TYPES_H
#define TANDEM_IPVS_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

/* Scheduler flag aliases the UAPI header of Debian 12 lacks. */
#ifndef IP_VS_SVC_F_SCHED_MH_FALLBACK
#define IP_VS_SVC_F_SCHED_MH_FALLBACK	IP_VS_SVC_F_SCHED1
#endif
#ifndef IP_VS_SVC_F_SCHED_MH_PORT
#define IP_VS_SVC_F_SCHED_MH_PORT	IP_VS_SVC_F_SCHED2
#endif

/* The flags a user may set; the kernel adds IP_VS_SVC_F_HASHED itself. */
#define IPVS_SVC_USER_FLAGS (IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET | \
	IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3)

union ipvs_addr {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t raw[16];
};

/* Counters and rates; filled from the 64-bit attribute set when the kernel
 * sends it, from the older 32-bit one otherwise. */
struct ipvs_stats {
	uint64_t conns;		/* connections scheduled */
	uint64_t inpkts, outpkts;
	uint64_t inbytes, outbytes;
	uint64_t cps;		/* current rates */
	uint64_t inpps, outpps;
	uint64_t inbps, outbps;
};

struct ipvs_service {
	uint16_t af;			/* AF_INET or AF_INET6 */
	uint16_t protocol;		/* IPPROTO_TCP/UDP/SCTP; 0 for fwmark */
	union ipvs_addr addr;
	uint16_t port;			/* host order */
	uint32_t fwmark;		/* non-zero: a firewall-mark service */
	char sched[IP_VS_SCHEDNAME_MAXLEN];
	uint32_t flags;			/* IP_VS_SVC_F_*, without HASHED */
	uint32_t timeout;		/* persistence timeout, seconds */
	uint32_t netmask;		/* see the header comment */
	char pe_name[IP_VS_PENAME_MAXLEN];	/* persistence engine, "" = none */
	/* Read back only. */
	struct ipvs_stats stats;
};

enum ipvs_fwd {
	IPVS_FWD_MASQ = IP_VS_CONN_F_MASQ,
	IPVS_FWD_LOCAL = IP_VS_CONN_F_LOCALNODE,
	IPVS_FWD_TUNNEL = IP_VS_CONN_F_TUNNEL,
	IPVS_FWD_DROUTE = IP_VS_CONN_F_DROUTE,
};

struct ipvs_dest {
	uint16_t af;			/* 0: the service's family */
	union ipvs_addr addr;
	uint16_t port;			/* host order */
	uint32_t fwd;			/* enum ipvs_fwd */
	int32_t weight;			/* 0 .. INT32_MAX */
	uint32_t u_thresh, l_thresh;	/* connection thresholds, 0 = none */
	uint8_t tun_type;		/* IP_VS_CONN_F_TUNNEL_TYPE_* */
	uint16_t tun_port;		/* GUE port, host order */
	uint16_t tun_flags;		/* IP_VS_TUNNEL_ENCAP_FLAG_* */
	/* Read back only. */
	uint32_t active_conns, inact_conns, persist_conns;
	struct ipvs_stats stats;
};

struct ipvs_daemon {
	uint32_t state;			/* IP_VS_STATE_MASTER or _BACKUP */
	char mcast_ifn[IP_VS_IFNAME_MAXLEN];
	uint32_t syncid;
	uint16_t sync_maxlen;		/* 0 = kernel default */
	uint16_t mcast_af;		/* 0 = kernel default group */
	union ipvs_addr mcast_group;
	uint16_t mcast_port;		/* 0 = kernel default */
	uint8_t mcast_ttl;		/* 0 = kernel default */
};

/* Seconds; 0 in a "set" leaves that timeout unchanged. */
struct ipvs_timeouts {
	uint32_t tcp, tcp_fin, udp;
};

/* The operations of the client, named in error messages. */
enum ipvs_op {
	IPVS_OP_SERVICE_ADD,
	IPVS_OP_SERVICE_SET,
	IPVS_OP_SERVICE_DEL,
	IPVS_OP_SERVICE_GET,
	IPVS_OP_SERVICE_DUMP,
	IPVS_OP_DEST_ADD,
	IPVS_OP_DEST_SET,
	IPVS_OP_DEST_DEL,
	IPVS_OP_DEST_DUMP,
	IPVS_OP_DAEMON_ADD,
	IPVS_OP_DAEMON_DEL,
	IPVS_OP_DAEMON_GET,
	IPVS_OP_TIMEOUTS_GET,
	IPVS_OP_TIMEOUTS_SET,
	IPVS_OP_ZERO,
	IPVS_OP_FLUSH,
	IPVS_OP_INFO,
};

/* Defaults a new entry needs before the caller fills it: full netmask, the
 * kernel's usual scheduler, weight 1. */
void ipvs_service_init(struct ipvs_service *s, int af);
void ipvs_dest_init(struct ipvs_dest *d, int af);

/* The family a destination really has (its own, or its service's). */
static inline int ipvs_dest_af(const struct ipvs_dest *d, const struct ipvs_service *s)
{
	return d->af ? d->af : s->af;
}

/* Identity and configuration comparisons (counters are ignored). */
bool ipvs_service_same_key(const struct ipvs_service *a, const struct ipvs_service *b);
bool ipvs_service_same_config(const struct ipvs_service *a, const struct ipvs_service *b);
bool ipvs_dest_same_key(const struct ipvs_dest *a, const struct ipvs_dest *b, int svc_af);
bool ipvs_dest_same_config(const struct ipvs_dest *a, const struct ipvs_dest *b, int svc_af);

/* Text, as ipvsadm users read it: "TCP 10.0.0.1:80", "FWM 7 IPv6",
 * "[2001:db8::2]:80".  Return buf. */
#define IPVS_STR_MAX 80
const char *ipvs_service_str(const struct ipvs_service *s, char *buf, size_t len);
const char *ipvs_dest_str(const struct ipvs_dest *d, int svc_af, char *buf, size_t len);
const char *ipvs_proto_name(int protocol);
const char *ipvs_fwd_name(uint32_t fwd);
const char *ipvs_tun_name(int tun_type);
/* "add destination 10.0.0.2:80 to TCP 10.0.0.1:80"; svc, dest and dm may
 * be NULL when the operation does not name them. */
const char *ipvs_op_str(enum ipvs_op op, const struct ipvs_service *svc,
			const struct ipvs_dest *dest, const struct ipvs_daemon *dm,
			char *buf, size_t len);

#endif
