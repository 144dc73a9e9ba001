/*
 * VRRP advertisement encode, decode and receive checks.
 *
 * Layout (RFC 5798 §5.1, RFC 3768 §5.1), byte offsets:
 *   0  version << 4 | type        1  VRID        2  priority   3  count
 *   4  v3: rsvd(4) | max adver int(12), big-endian
 *      v2: 4 auth type, 5 adver int (seconds)
 *   6  checksum                   8  addresses (4 or 16 bytes each)
 *   v2 only: 8 bytes of authentication data after the addresses.
 *
 * The decoder reads only through explicit offsets bounded by the length it
 * was given and never writes, so arbitrary input is safe (the fuzzer
 * checks this).  The checks against an instance are kept apart so the
 * caller can find the instance first and count per instance.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "vrrp/vrrp_auth.h"
#include "vrrp/vrrp_packet.h"

static const char *const reason_names[VRRP_RX_REASON_MAX] = {
	[VRRP_RX_OK] = "ok",
	[VRRP_RX_OK_ADDR_MISMATCH] = "address-list-mismatch-accepted",
	[VRRP_RX_TOO_SHORT] = "too-short",
	[VRRP_RX_LENGTH] = "length",
	[VRRP_RX_VERSION] = "version",
	[VRRP_RX_TYPE] = "type",
	[VRRP_RX_CHECKSUM] = "checksum",
	[VRRP_RX_NOT_VRRP] = "not-vrrp",
	[VRRP_RX_VRID] = "vrid",
	[VRRP_RX_TTL] = "ttl",
	[VRRP_RX_CSUM_FLAVOUR] = "checksum-flavour",
	[VRRP_RX_WRONG_VERSION] = "wrong-version",
	[VRRP_RX_DEST] = "destination",
	[VRRP_RX_OWNER] = "address-owner",
	[VRRP_RX_AUTH_INVALID] = "auth-type-invalid",
	[VRRP_RX_AUTH_MISMATCH] = "auth-type-mismatch",
	[VRRP_RX_AUTH_PASS] = "auth-password",
	[VRRP_RX_AH_MALFORMED] = "ah-malformed",
	[VRRP_RX_AH_ICV] = "ah-icv",
	[VRRP_RX_AH_SPI] = "ah-spi",
	[VRRP_RX_AH_SEQ] = "ah-sequence",
	[VRRP_RX_ADV_INTERVAL] = "advert-interval",
	[VRRP_RX_ADDR_LIST] = "address-list",
	[VRRP_RX_UNKNOWN_PEER] = "unknown-peer",
};

const char *vrrp_rx_reason_str(enum vrrp_rx_reason r)
{
	if ((unsigned)r >= VRRP_RX_REASON_MAX || !reason_names[r])
		return "unknown";
	return reason_names[r];
}

static void proto_err(struct vrrp_stats *s, enum vrrp_proto_err_reason pe)
{
	if (s)
		s->proto_err_reason = pe;
}

void vrrp_stats_count_rx(struct vrrp_stats *s, struct vrrp_router_stats *rt,
			 enum vrrp_rx_reason r, const struct vrrp_advert *a)
{
	switch (r) {
	case VRRP_RX_OK_ADDR_MISMATCH:
		if (s)
			s->address_list_errors++;
		/* the advert is still received */
		__attribute__((fallthrough));
	case VRRP_RX_OK:
		if (s) {
			s->rcvd_advertisements++;
			if (a && a->priority == VRRP_PRIO_STOP)
				s->rcvd_pri_zero++;
		}
		break;
	case VRRP_RX_TOO_SHORT:
	case VRRP_RX_LENGTH:
		if (s)
			s->packet_length_errors++;
		else if (rt)
			rt->other_errors++;
		break;
	case VRRP_RX_VERSION:
	case VRRP_RX_WRONG_VERSION:
		if (s)
			s->version_errors++;
		if (rt)
			rt->version_errors++;
		proto_err(s, VRRP_PE_VERSION);
		break;
	case VRRP_RX_TYPE:
		if (s)
			s->rcvd_invalid_type++;
		else if (rt)
			rt->other_errors++;
		break;
	case VRRP_RX_CHECKSUM:
	case VRRP_RX_CSUM_FLAVOUR:
		if (s)
			s->checksum_errors++;
		if (rt)
			rt->checksum_errors++;
		proto_err(s, VRRP_PE_CHECKSUM);
		break;
	case VRRP_RX_NOT_VRRP:
		if (rt)
			rt->other_errors++;
		break;
	case VRRP_RX_VRID:
		if (rt)
			rt->vrid_errors++;
		proto_err(s, VRRP_PE_VRID);
		break;
	case VRRP_RX_TTL:
		if (s)
			s->ip_ttl_errors++;
		proto_err(s, VRRP_PE_TTL);
		break;
	case VRRP_RX_DEST:
	case VRRP_RX_ADDR_LIST:
		if (s)
			s->address_list_errors++;
		break;
	case VRRP_RX_AUTH_INVALID:
		if (s)
			s->invalid_auth_type++;
		break;
	case VRRP_RX_AUTH_MISMATCH:
		if (s)
			s->auth_type_mismatch++;
		break;
	case VRRP_RX_AUTH_PASS:
	case VRRP_RX_AH_MALFORMED:
	case VRRP_RX_AH_ICV:
	case VRRP_RX_AH_SPI:
	case VRRP_RX_AH_SEQ:
		if (s)
			s->auth_failures++;
		break;
	case VRRP_RX_ADV_INTERVAL:
		if (s)
			s->adv_interval_errors++;
		break;
	case VRRP_RX_OWNER:
	case VRRP_RX_UNKNOWN_PEER:
		if (s)
			s->discards++;
		break;
	case VRRP_RX_REASON_MAX:
		break;
	}
}

size_t vrrp_packet_len(uint8_t version, sa_family_t family, uint8_t naddr)
{
	return VRRP_HDR_LEN + (size_t)naddr * vrrp_ip_len(family) +
	       (version == 2 ? VRRP_AUTH_LEN : 0);
}

uint64_t vrrp_advert_interval_us(const struct vrrp_advert *a)
{
	if (a->version == 2)
		return (uint64_t)a->adver_int * 1000000u;
	return (uint64_t)(a->adver_int & 0x0fff) * 10000u;
}

/* The sum of a v3 message with checksum field as found, seeded with the
 * pseudo-header KIND calls for; 0 when the checksum is right. */
static uint16_t v3_sum(const uint8_t *pkt, size_t len, const struct vrrp_ip_info *ip,
		       enum vrrp_csum_kind kind)
{
	uint32_t sum = 0;

	if (kind == VRRP_CSUM_PSEUDO)
		sum = vrrp_csum_pseudo(&ip->src, &ip->dst, VRRP_PROTO, len);
	else if (kind == VRRP_CSUM_PSEUDO_MCAST)
		sum = vrrp_csum_pseudo(&ip->src, &ip->mcast_group, VRRP_PROTO, len);
	return vrrp_csum_fold(vrrp_csum_add(sum, pkt, len));
}

ssize_t vrrp_packet_encode(const struct vrrp_advert *a, const struct vrrp_ip_info *ip,
			   enum vrrp_csum_kind kind, uint8_t *buf, size_t buflen)
{
	size_t alen = vrrp_ip_len(a->family), len;
	uint16_t sum;

	if (!alen || (a->version != 2 && a->version != 3))
		return -EINVAL;
	if (a->version == 2) {
		if (a->family != AF_INET || a->adver_int < 1 || a->adver_int > 255)
			return -EINVAL;
	} else {
		if (a->adver_int < 1 || a->adver_int > VRRP_V3_MAX_ADVER_INT)
			return -EINVAL;
		if (a->family == AF_INET6 && kind != VRRP_CSUM_PSEUDO)
			return -EINVAL;
		if (kind != VRRP_CSUM_NO_PSEUDO &&
		    (!ip || ip->src.family != a->family ||
		     (kind == VRRP_CSUM_PSEUDO && ip->dst.family != a->family) ||
		     (kind == VRRP_CSUM_PSEUDO_MCAST &&
		      ip->mcast_group.family != a->family)))
			return -EINVAL;
	}
	if (a->naddr && !a->addrs)
		return -EINVAL;
	len = vrrp_packet_len(a->version, a->family, a->naddr);
	if (len > buflen)
		return -ENOSPC;

	buf[0] = (uint8_t)(a->version << 4 | VRRP_TYPE_ADVERT);
	buf[1] = a->vrid;
	buf[2] = a->priority;
	buf[3] = a->naddr;
	if (a->version == 3) {
		buf[4] = (uint8_t)(a->adver_int >> 8 & 0x0f);
		buf[5] = (uint8_t)a->adver_int;
	} else {
		buf[4] = a->auth_type;
		buf[5] = (uint8_t)a->adver_int;
	}
	buf[6] = buf[7] = 0;
	if (a->naddr)
		memcpy(buf + VRRP_HDR_LEN, a->addrs, (size_t)a->naddr * alen);
	if (a->version == 2) {
		/* Only PASS carries data here; the field is zero otherwise. */
		if (a->auth_type == VRRP_AUTH_PASS)
			memcpy(buf + len - VRRP_AUTH_LEN, a->auth_data, VRRP_AUTH_LEN);
		else
			memset(buf + len - VRRP_AUTH_LEN, 0, VRRP_AUTH_LEN);
		sum = vrrp_csum_fold(vrrp_csum_add(0, buf, len));
	} else {
		sum = v3_sum(buf, len, ip, a->family == AF_INET6 ? VRRP_CSUM_PSEUDO : kind);
	}
	buf[6] = (uint8_t)(sum >> 8);
	buf[7] = (uint8_t)sum;
	return (ssize_t)len;
}

enum vrrp_rx_reason vrrp_packet_decode(const uint8_t *pkt, size_t len,
				       const struct vrrp_ip_info *ip,
				       struct vrrp_advert *out)
{
	sa_family_t family = ip->src.family;
	uint8_t version, naddr;
	size_t alen = vrrp_ip_len(family);

	if (!alen || ip->dst.family != family)
		return VRRP_RX_NOT_VRRP;
	if (len < VRRP_HDR_LEN)
		return VRRP_RX_TOO_SHORT;

	version = pkt[0] >> 4;
	if (version != 3 && !(version == 2 && family == AF_INET))
		return VRRP_RX_VERSION;
	if ((pkt[0] & 0x0f) != VRRP_TYPE_ADVERT)
		return VRRP_RX_TYPE;
	naddr = pkt[3];
	if (len != vrrp_packet_len(version, family, naddr))
		return VRRP_RX_LENGTH;

	memset(out, 0, sizeof(*out));
	if (version == 2) {
		if (vrrp_csum_fold(vrrp_csum_add(0, pkt, len)))
			return VRRP_RX_CHECKSUM;
		out->csum_kind = VRRP_CSUM_NO_PSEUDO;
		out->auth_type = pkt[4];
		out->adver_int = pkt[5];
		memcpy(out->auth_data, pkt + len - VRRP_AUTH_LEN, VRRP_AUTH_LEN);
	} else {
		if (!v3_sum(pkt, len, ip, VRRP_CSUM_PSEUDO))
			out->csum_kind = VRRP_CSUM_PSEUDO;
		else if (family == AF_INET && !v3_sum(pkt, len, ip, VRRP_CSUM_NO_PSEUDO))
			out->csum_kind = VRRP_CSUM_NO_PSEUDO;
		else if (family == AF_INET && ip->mcast_group.family == AF_INET &&
			 vrrp_ip_cmp(&ip->mcast_group, &ip->dst) &&
			 !v3_sum(pkt, len, ip, VRRP_CSUM_PSEUDO_MCAST))
			out->csum_kind = VRRP_CSUM_PSEUDO_MCAST;
		else
			return VRRP_RX_CHECKSUM;
		out->adver_int = (uint16_t)((pkt[4] & 0x0f) << 8 | pkt[5]);
	}
	out->version = version;
	out->type = VRRP_TYPE_ADVERT;
	out->vrid = pkt[1];
	out->priority = pkt[2];
	out->naddr = naddr;
	out->family = family;
	out->checksum = (uint16_t)(pkt[6] << 8 | pkt[7]);
	out->addrs = naddr ? pkt + VRRP_HDR_LEN : NULL;
	return VRRP_RX_OK;
}

enum vrrp_rx_reason vrrp_ipv4_parse(const uint8_t *pkt, size_t len,
				    struct vrrp_ip_info *info,
				    const uint8_t **vrrp, size_t *vrrp_len)
{
	size_t ihl, off;

	if (len < 20 || pkt[0] >> 4 != 4)
		return VRRP_RX_NOT_VRRP;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return VRRP_RX_NOT_VRRP;
	/* Linux raw sockets deliver the total length in network order. */
	if ((size_t)(pkt[2] << 8 | pkt[3]) != len)
		return VRRP_RX_LENGTH;

	info->src.family = info->dst.family = AF_INET;
	memcpy(&info->src.u.v4, pkt + 12, 4);
	memcpy(&info->dst.u.v4, pkt + 16, 4);
	info->ttl = pkt[8];
	info->ip_pkt = pkt;
	info->ip_len = len;
	off = ihl;
	if (pkt[9] == VRRP_PROTO_AH) {
		if (len - off < VRRP_AH_LEN)
			return VRRP_RX_AH_MALFORMED;
		if (pkt[off] != VRRP_PROTO || pkt[off + 1] != VRRP_AH_PAYLOAD_LEN)
			return VRRP_RX_AH_MALFORMED;
		info->ah = true;
		off += VRRP_AH_LEN;
	} else if (pkt[9] == VRRP_PROTO) {
		info->ah = false;
	} else {
		return VRRP_RX_NOT_VRRP;
	}
	*vrrp = pkt + off;
	*vrrp_len = len - off;
	return VRRP_RX_OK;
}

/* Equality of two addresses of ALEN (4 or 16) bytes without a call to
 * memcmp per pair: this runs for every VIP of every advert received. */
static bool same_addr(const uint8_t *x, const uint8_t *y, size_t alen)
{
	uint32_t a, b;

	if (alen != 4)
		return !memcmp(x, y, 16);
	memcpy(&a, x, 4);
	memcpy(&b, y, 4);
	return a == b;
}

/* Is each configured VIP in the advert, and the counts equal? */
static bool addr_list_matches(const struct vrrp_advert *a, const struct vrrp_rx_config *c)
{
	size_t alen = vrrp_ip_len(a->family), i, j;

	if (a->naddr != c->nvips)
		return false;
	for (i = 0; i < c->nvips; i++) {
		for (j = 0; j < a->naddr; j++)
			if (same_addr(c->vips + i * alen, a->addrs + j * alen, alen))
				break;
		if (j == a->naddr)
			return false;
	}
	return true;
}

static enum vrrp_rx_reason check_auth(const struct vrrp_advert *a,
				      const struct vrrp_ip_info *ip,
				      const struct vrrp_rx_config *c)
{
	/* An AH header when we expect none, or none when we expect one. */
	if (ip->ah != (c->auth_type == VRRP_AUTH_AH))
		return VRRP_RX_AUTH_MISMATCH;
	if (a->auth_type > VRRP_AUTH_AH)
		return VRRP_RX_AUTH_INVALID;
	if (a->auth_type != c->auth_type)
		return VRRP_RX_AUTH_MISMATCH;
	if (c->auth_type == VRRP_AUTH_PASS && !vrrp_auth_pass_ok(a, c->auth_key))
		return VRRP_RX_AUTH_PASS;
	if (c->auth_type == VRRP_AUTH_AH) {
		if (!ip->ip_pkt || !c->ah_seq)
			return VRRP_RX_AH_MALFORMED;
		return vrrp_ah_verify(ip->ip_pkt, ip->ip_len, c->auth_key, c->ah_seq,
				      c->unicast);
	}
	return VRRP_RX_OK;
}

enum vrrp_rx_reason vrrp_packet_check(const struct vrrp_advert *a,
				      const struct vrrp_ip_info *ip,
				      const struct vrrp_rx_config *c)
{
	enum vrrp_rx_reason r;
	bool mcast = vrrp_ip_is_multicast(&ip->dst);
	size_t i;

	if (a->version != c->version || a->family != c->family)
		return VRRP_RX_WRONG_VERSION;
	/* RFC 5798/3768 §7.1: TTL 255.  Unicast peers may be routed, so
	 * only multicast is held to it (the unicast_ttl range is the socket
	 * layer's). */
	if (mcast && ip->ttl != -1 && ip->ttl != VRRP_TTL)
		return VRRP_RX_TTL;
	if (a->version == 3 && a->family == AF_INET && a->csum_kind != c->csum &&
	    !(a->csum_kind == VRRP_CSUM_PSEUDO_MCAST && c->csum_compat_mcast))
		return VRRP_RX_CSUM_FLAVOUR;
	if (mcast == c->unicast)
		return VRRP_RX_DEST;
	if (c->priority == VRRP_PRIO_OWNER && c->owner_ignore_adverts)
		return VRRP_RX_OWNER;
	if (a->version == 2) {
		r = check_auth(a, ip, c);
		if (r != VRRP_RX_OK)
			return r;
		if (a->adver_int != c->adver_int)
			return VRRP_RX_ADV_INTERVAL;
	} else if (ip->ah) {
		return VRRP_RX_AUTH_MISMATCH;
	}
	if (c->unicast && c->check_unicast_src) {
		for (i = 0; i < c->npeers; i++)
			if (!vrrp_ip_cmp(&c->peers[i], &ip->src))
				break;
		if (i == c->npeers)
			return VRRP_RX_UNKNOWN_PEER;
	}
	if (c->check_addr_list && !addr_list_matches(a, c)) {
		/* RFC 3768 §7.1: drop unless the owner sent it.  RFC 5798
		 * §7.1 only asks to log it, so v3 carries on. */
		if (a->version == 2 && a->priority != VRRP_PRIO_OWNER)
			return VRRP_RX_ADDR_LIST;
		return VRRP_RX_OK_ADDR_MISMATCH;
	}
	return VRRP_RX_OK;
}
