/*
 * VRRPv2 PASS and AH (HMAC-MD5-96) authentication.  See vrrp_auth.h for
 * the packet layout and why it follows keepalived.
 *
 * The ICV is computed over a copy of the packet with the mutable fields
 * zeroed, so neither signing nor checking disturbs the caller's buffer
 * beyond the AH header that signing is asked to fill.  OpenSSL's one-shot
 * HMAC() does the work; a VRRP packet is small enough for a stack copy.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "vrrp/vrrp_auth.h"

/* Largest IPv4 header + AH + the largest v2 message (255 addresses). */
#define AH_MAX_PKT	(60 + VRRP_AH_LEN + VRRP_HDR_LEN + 255 * 4 + VRRP_AUTH_LEN)

void vrrp_auth_key(const char *pass, uint8_t key[VRRP_AUTH_LEN])
{
	size_t n = strnlen(pass, VRRP_AUTH_LEN);

	memset(key, 0, VRRP_AUTH_LEN);
	memcpy(key, pass, n);
}

bool vrrp_auth_pass_ok(const struct vrrp_advert *a, const uint8_t key[VRRP_AUTH_LEN])
{
	return CRYPTO_memcmp(a->auth_data, key, VRRP_AUTH_LEN) == 0;
}

/* Offset of the AH header, or 0 if PKT is not an IPv4 packet with room
 * for one. */
static size_t ah_offset(const uint8_t *pkt, size_t len)
{
	size_t ihl;

	if (len < 20 || pkt[0] >> 4 != 4)
		return 0;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < 20 || len < ihl + VRRP_AH_LEN || len > AH_MAX_PKT)
		return 0;
	return ihl;
}

/* HMAC-MD5 of PKT with the mutable fields and the ICV zeroed; the first
 * 12 bytes go to ICV.  0 on success. */
static int compute_icv(const uint8_t *pkt, size_t len, size_t ah,
		       const uint8_t key[VRRP_AUTH_LEN], bool zero_ttl,
		       uint8_t icv[VRRP_AH_ICV_LEN])
{
	uint8_t copy[AH_MAX_PKT];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	memcpy(copy, pkt, len);
	copy[1] = 0;			/* TOS / DSCP + ECN */
	copy[6] = copy[7] = 0;		/* flags, fragment offset */
	if (zero_ttl)
		copy[8] = 0;
	copy[10] = copy[11] = 0;	/* header checksum */
	memset(copy + ah + 12, 0, VRRP_AH_ICV_LEN);
	if (!HMAC(EVP_md5(), key, VRRP_AUTH_LEN, copy, len, md, &mdlen) ||
	    mdlen < VRRP_AH_ICV_LEN)
		return -1;
	memcpy(icv, md, VRRP_AH_ICV_LEN);
	return 0;
}

int vrrp_ah_sign(uint8_t *pkt, size_t len, const uint8_t key[VRRP_AUTH_LEN],
		 uint32_t *seq, bool zero_ttl)
{
	size_t ah = ah_offset(pkt, len);
	uint8_t icv[VRRP_AH_ICV_LEN];
	uint32_t s;

	if (!ah || pkt[9] != VRRP_PROTO_AH)
		return -EINVAL;
	s = ++*seq;
	pkt[ah] = VRRP_PROTO;
	pkt[ah + 1] = VRRP_AH_PAYLOAD_LEN;
	pkt[ah + 2] = pkt[ah + 3] = 0;
	memcpy(pkt + ah + 4, pkt + 12, 4);	/* SPI: our source address */
	pkt[ah + 8] = (uint8_t)(s >> 24);
	pkt[ah + 9] = (uint8_t)(s >> 16);
	pkt[ah + 10] = (uint8_t)(s >> 8);
	pkt[ah + 11] = (uint8_t)s;
	if (compute_icv(pkt, len, ah, key, zero_ttl, icv))
		return -EIO;
	memcpy(pkt + ah + 12, icv, VRRP_AH_ICV_LEN);
	return 0;
}

enum vrrp_rx_reason vrrp_ah_verify(const uint8_t *pkt, size_t len,
				   const uint8_t key[VRRP_AUTH_LEN],
				   uint32_t *seq, bool zero_ttl)
{
	size_t ah = ah_offset(pkt, len);
	uint8_t icv[VRRP_AH_ICV_LEN];
	uint32_t s;

	if (!ah || pkt[9] != VRRP_PROTO_AH || pkt[ah] != VRRP_PROTO ||
	    pkt[ah + 1] != VRRP_AH_PAYLOAD_LEN)
		return VRRP_RX_AH_MALFORMED;
	if (compute_icv(pkt, len, ah, key, zero_ttl, icv) ||
	    CRYPTO_memcmp(icv, pkt + ah + 12, VRRP_AH_ICV_LEN) != 0)
		return VRRP_RX_AH_ICV;
	if (memcmp(pkt + ah + 4, pkt + 12, 4) != 0)
		return VRRP_RX_AH_SPI;
	s = (uint32_t)pkt[ah + 8] << 24 | (uint32_t)pkt[ah + 9] << 16 |
	    (uint32_t)pkt[ah + 10] << 8 | pkt[ah + 11];
	if (s <= *seq)
		return VRRP_RX_AH_SEQ;
	*seq = s;
	return VRRP_RX_OK;
}
