/*
 * VRRP advertisements on the wire: encode, decode, and the receive checks
 * of RFC 5798 §7.1 (v3) and RFC 3768 §7.1 (v2), with the statistics of the
 * VRRPv3 MIB (RFC 6527) and the authentication counters of the VRRP MIB
 * (RFC 2787).
 *
 * Receiving is split in two steps because the socket layer can only pick
 * the instance after the packet has proved to be a VRRP advertisement:
 *
 *   vrrp_packet_decode()  checks what needs no configuration (length,
 *                         version, type, address count, checksum) and
 *                         fills a struct vrrp_advert;
 *   (caller)              finds the instance by family and VRID, and
 *                         counts VRRP_RX_VRID if there is none;
 *   vrrp_packet_check()   checks the advert against that instance (TTL,
 *                         checksum flavour, owner, authentication, advert
 *                         interval, address list, unicast source).
 *
 * Every failure is a distinct enum vrrp_rx_reason; vrrp_stats_count_rx()
 * turns a reason into the right counter.  Nothing here touches a socket or
 * a clock, so all of it runs under unit tests and the fuzzer.
 */
#ifndef TANDEM_VRRP_PACKET_H
#define TANDEM_VRRP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vrrp/vrrp_csum.h"

#define VRRP_PROTO		112	/* IP protocol number */
#define VRRP_PROTO_AH		51	/* IPv4 protocol of an AH-wrapped advert */
#define VRRP_TYPE_ADVERT	1
#define VRRP_HDR_LEN		8	/* fixed part of the message */
#define VRRP_AUTH_LEN		8	/* v2 authentication data */
#define VRRP_TTL		255
#define VRRP_PRIO_STOP		0
#define VRRP_PRIO_OWNER		255
#define VRRP_V3_MAX_ADVER_INT	4095	/* 12 bits of centiseconds */
#define VRRP_MAX_PKT_LEN	(VRRP_HDR_LEN + 255 * 16)

enum vrrp_auth_type {
	VRRP_AUTH_NONE = 0,
	VRRP_AUTH_PASS = 1,
	VRRP_AUTH_AH = 2,
};

/* Which sum a VRRPv3-over-IPv4 checksum covers.  IPv6 always uses the
 * pseudo-header; v2 never does. */
enum vrrp_csum_kind {
	VRRP_CSUM_PSEUDO = 0,	/* RFC 5798, keepalived's default */
	VRRP_CSUM_NO_PSEUDO,	/* v3_checksum_as_v2 (Cisco and others) */
	VRRP_CSUM_PSEUDO_MCAST,	/* old keepalived unicast: group address as
				 * the pseudo-header destination */
};

/* The IP-level facts of a packet, as the socket layer knows them. */
struct vrrp_ip_info {
	struct vrrp_ip src, dst;
	int ttl;		/* TTL / hop limit; -1 when unknown */
	/* For IPv4 only: the whole IP packet (header, AH, VRRP) as received,
	 * needed to verify AH; ah says it carried one. */
	const uint8_t *ip_pkt;
	size_t ip_len;
	bool ah;
	/* The multicast group, for the old-keepalived checksum; may be
	 * AF_UNSPEC. */
	struct vrrp_ip mcast_group;
};

/* One advertisement, decoded or to be encoded. */
struct vrrp_advert {
	uint8_t version;	/* 2 or 3 */
	uint8_t type;		/* VRRP_TYPE_ADVERT */
	uint8_t vrid;
	uint8_t priority;
	uint8_t naddr;
	sa_family_t family;	/* of the addresses */
	/* v3: Max Adver Int in centiseconds (12 bits); v2: seconds (8 bits). */
	uint16_t adver_int;
	uint8_t auth_type;	/* v2 only */
	uint8_t auth_data[VRRP_AUTH_LEN];	/* v2 only */
	uint16_t checksum;	/* as found on the wire (decode) */
	enum vrrp_csum_kind csum_kind;	/* which sum matched (decode) */
	/* naddr addresses packed in network byte order (in_addr or in6_addr
	 * arrays have exactly this layout).  After decode: points into the
	 * decoded buffer. */
	const uint8_t *addrs;
};

/* Why a received packet was refused.  Each maps onto a counter; the
 * comments name it. */
enum vrrp_rx_reason {
	VRRP_RX_OK = 0,
	/* The address list differs from the configured VIPs but the advert
	 * is still processed (v3, or v2 from the address owner): counted in
	 * AddressListErrors, not dropped.  vrrp_rx_accepted() is true. */
	VRRP_RX_OK_ADDR_MISMATCH,

	/* vrrp_packet_decode() and vrrp_ipv4_parse(): no configuration */
	VRRP_RX_TOO_SHORT,	/* shorter than the header: PacketLengthErrors */
	VRRP_RX_LENGTH,		/* length does not match the address count
				 * (or the IPv4 total length): PacketLengthErrors */
	VRRP_RX_VERSION,	/* not 2 or 3, or v2 over IPv6: VersionErrors */
	VRRP_RX_TYPE,		/* type is not ADVERTISEMENT: InvalidTypePktsRcvd */
	VRRP_RX_CHECKSUM,	/* ChecksumErrors */
	VRRP_RX_NOT_VRRP,	/* IPv4 header malformed or protocol not VRRP/AH:
				 * not a VRRP packet at all, no MIB counter */

	/* the caller's lookup */
	VRRP_RX_VRID,		/* no instance for this VRID: VrIdErrors */

	/* vrrp_packet_check(): against an instance */
	VRRP_RX_TTL,		/* multicast with TTL/hop limit != 255: IpTtlErrors */
	VRRP_RX_CSUM_FLAVOUR,	/* v3 sum right only in a flavour this
				 * instance does not use: ChecksumErrors */
	VRRP_RX_WRONG_VERSION,	/* valid, but not this instance's version:
				 * VersionErrors */
	VRRP_RX_DEST,		/* multicast expected, unicast received or the
				 * reverse: AddressListErrors (as keepalived) */
	VRRP_RX_OWNER,		/* we own the addresses and ignore adverts
				 * (RFC 5798 §7.1): discards */
	VRRP_RX_AUTH_INVALID,	/* v2 auth type not 0, 1, 2: InvalidAuthType */
	VRRP_RX_AUTH_MISMATCH,	/* v2 auth type (or AH presence) differs from
				 * ours: AuthTypeMismatch */
	VRRP_RX_AUTH_PASS,	/* wrong password: AuthFailures */
	VRRP_RX_AH_MALFORMED,	/* AH header not as VRRP uses it: AuthFailures */
	VRRP_RX_AH_ICV,		/* HMAC-MD5-96 mismatch: AuthFailures */
	VRRP_RX_AH_SPI,		/* SPI is not the source address: AuthFailures */
	VRRP_RX_AH_SEQ,		/* sequence number not newer: AuthFailures */
	VRRP_RX_ADV_INTERVAL,	/* v2 interval differs: AdvIntervalErrors */
	VRRP_RX_ADDR_LIST,	/* v2 address list differs and the sender is
				 * not the owner: AddressListErrors, dropped */
	VRRP_RX_UNKNOWN_PEER,	/* unicast source not among the peers
				 * (check_unicast_src): discards */
	VRRP_RX_REASON_MAX
};

/* Short stable name of a reason ("checksum", "ttl", ...), for logs and
 * the JSON dump. */
const char *vrrp_rx_reason_str(enum vrrp_rx_reason r);
/* Is the advert processed by the state machine? */
static inline bool vrrp_rx_accepted(enum vrrp_rx_reason r)
{
	return r == VRRP_RX_OK || r == VRRP_RX_OK_ADDR_MISMATCH;
}

/* vrrpv3StatisticsNewMasterReason */
enum vrrp_new_master_reason {
	VRRP_NM_NOT_MASTER = 0,
	VRRP_NM_PRIORITY = 1,		/* address owner */
	VRRP_NM_PREEMPTED = 2,
	VRRP_NM_NO_RESPONSE = 3,	/* masterNoResponse */
};

/* vrrpv3StatisticsProtoErrReason */
enum vrrp_proto_err_reason {
	VRRP_PE_NONE = 0,
	VRRP_PE_TTL = 1,
	VRRP_PE_VERSION = 2,
	VRRP_PE_CHECKSUM = 3,
	VRRP_PE_VRID = 4,
};

/* Per instance: vrrpv3StatisticsEntry, plus RFC 2787's authentication
 * counters, plus the router-wide error counters when they can be put down
 * to an instance.  Each counter is as wide as its MIB object: what
 * RFC 6527 makes Counter64 (and checksum and version errors, which feed
 * its Counter64 router-wide sums) is 64 bits; MasterTransitions, a
 * Counter32 of RFC 6527, and the authentication counters, Counter32 in
 * RFC 2787 and absent from RFC 6527, are 32 bits and wrap as a Counter32
 * does.  discards is in neither MIB and stays 64 bits.  The 32-bit ones
 * go first, where they leave no padding: an instance carries one, 1,000
 * instances 1,000. */
struct vrrp_stats {
	uint32_t master_transitions;
	enum vrrp_new_master_reason new_master_reason;
	enum vrrp_proto_err_reason proto_err_reason;
	uint32_t auth_failures;
	uint32_t invalid_auth_type;
	uint32_t auth_type_mismatch;
	uint64_t rcvd_advertisements;
	uint64_t adv_interval_errors;
	uint64_t ip_ttl_errors;
	uint64_t rcvd_pri_zero;
	uint64_t sent_pri_zero;
	uint64_t rcvd_invalid_type;
	uint64_t address_list_errors;
	uint64_t packet_length_errors;
	uint64_t checksum_errors;
	uint64_t version_errors;
	uint64_t discards;		/* VRRP_RX_OWNER, VRRP_RX_UNKNOWN_PEER */
};

/* Router-wide: vrrpv3RouterChecksumErrors, VersionErrors, VrIdErrors, for
 * packets that cannot be put down to an instance. */
struct vrrp_router_stats {
	uint64_t checksum_errors;
	uint64_t version_errors;
	uint64_t vrid_errors;
	uint64_t other_errors;		/* length, type, not VRRP */
};

/* Count one received packet.  INST is the instance it was for, or NULL
 * when none is known yet; ROUTER may be NULL.  A is the decoded advert
 * when there is one (an accepted priority-0 advert bumps RcvdPriZero). */
void vrrp_stats_count_rx(struct vrrp_stats *inst, struct vrrp_router_stats *router,
			 enum vrrp_rx_reason r, const struct vrrp_advert *a);

/* Bytes of the message for this advert (header, addresses, v2 auth). */
size_t vrrp_packet_len(uint8_t version, sa_family_t family, uint8_t naddr);

/* Encode A into BUF (BUFLEN bytes).  IP gives the source and destination
 * that the v3 pseudo-header covers (ignored for v2); KIND says which sum
 * to use for v3 over IPv4.  Returns the length written, or -EINVAL for an
 * advert no RFC allows (bad version, v2 over IPv6, interval out of range),
 * -ENOSPC when BUF is too small. */
ssize_t vrrp_packet_encode(const struct vrrp_advert *a, const struct vrrp_ip_info *ip,
			   enum vrrp_csum_kind kind, uint8_t *buf, size_t buflen);

/* Decode and check what needs no configuration.  PKT is the VRRP message
 * (after the IP header and any AH header), IP its IP-level facts.  On
 * VRRP_RX_OK, OUT is filled (its addrs point into PKT).  For v3 over IPv4
 * every checksum flavour is tried and OUT->csum_kind says which matched;
 * vrrp_packet_check() decides whether the instance accepts it. */
enum vrrp_rx_reason vrrp_packet_decode(const uint8_t *pkt, size_t len,
				       const struct vrrp_ip_info *ip,
				       struct vrrp_advert *out);

/* Split an IPv4 packet as a raw socket delivers it (header included):
 * fills the source, destination, TTL, ip_pkt/ip_len and ah fields of INFO
 * and points *VRRP at the VRRP message.  An AH header must be the one VRRP
 * uses (next header 112, 24 bytes), else VRRP_RX_AH_MALFORMED. */
enum vrrp_rx_reason vrrp_ipv4_parse(const uint8_t *pkt, size_t len,
				    struct vrrp_ip_info *info,
				    const uint8_t **vrrp, size_t *vrrp_len);

/* What vrrp_packet_check() needs to know of an instance. */
struct vrrp_rx_config {
	uint8_t version;		/* 2 or 3 */
	sa_family_t family;
	uint8_t priority;		/* our priority (255: we own the VIPs) */
	bool owner_ignore_adverts;	/* drop adverts while we are the owner */
	bool unicast;			/* unicast peers configured */
	bool check_unicast_src;		/* source must be one of peers[] */
	const struct vrrp_ip *peers;
	size_t npeers;
	enum vrrp_csum_kind csum;	/* v3 over IPv4: the flavour we use */
	bool csum_compat_mcast;		/* also accept VRRP_CSUM_PSEUDO_MCAST */
	uint16_t adver_int;		/* v2: seconds (ignored for v3) */
	const uint8_t *vips;		/* packed configured addresses */
	uint8_t nvips;
	bool check_addr_list;		/* false skips the (optional) check */
	uint8_t auth_type;		/* enum vrrp_auth_type, v2 only */
	uint8_t auth_key[VRRP_AUTH_LEN];	/* PASS password / AH key */
	uint32_t *ah_seq;		/* AH sequence state (vrrp_auth.h) */
};

/* Check a decoded advert against an instance, in the order of the RFCs'
 * lists.  Returns VRRP_RX_OK, VRRP_RX_OK_ADDR_MISMATCH, or the reason to
 * drop it.  On success with AH, *cfg->ah_seq has advanced. */
enum vrrp_rx_reason vrrp_packet_check(const struct vrrp_advert *a,
				      const struct vrrp_ip_info *ip,
				      const struct vrrp_rx_config *cfg);

/* The advert's interval in microseconds (v3 centiseconds, v2 seconds). */
uint64_t vrrp_advert_interval_us(const struct vrrp_advert *a);

#endif
