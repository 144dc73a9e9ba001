/*
 * VRRPv2 authentication: the simple password (auth type 1) and the IPsec
 * Authentication Header with HMAC-MD5-96 (auth type 2, RFC 2402 / 2403),
 * both as keepalived speaks them so that mixed pairs work.
 *
 * AH is used the way keepalived uses it, since no other VRRP speaker does
 * and RFC 3768 dropped it: the IPv4 header carries protocol 51; a 24-byte
 * AH header follows (next header 112, payload length 4, SPI = the sender's
 * IPv4 address, a sequence number, 12 bytes of ICV); then the VRRP message
 * with auth type 2.  The key is the 8-byte padded auth_pass.  The ICV
 * covers the IPv4 header with the RFC 2402 mutable fields zeroed (TOS,
 * flags and fragment offset, header checksum, and TTL for unicast; for
 * multicast TTL stays in, as keepalived does: it is 255 by rule anyway),
 * the AH header with the ICV zeroed, and the VRRP message.
 *
 * Sequence numbers follow keepalived: one counter per instance serves both
 * ways.  A sender increments it before each advert; a receiver accepts
 * only a number greater than the counter and then stores it.  So a backup
 * that takes over continues above the numbers of the master it replaces.
 */
#ifndef TANDEM_VRRP_AUTH_H
#define TANDEM_VRRP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vrrp/vrrp_packet.h"

#define VRRP_AH_LEN		24
#define VRRP_AH_ICV_LEN		12
#define VRRP_AH_PAYLOAD_LEN	4	/* (24 / 4) - 2 */

/* The 8-byte key of auth_pass: the string, cut at 8, zero-padded. */
void vrrp_auth_key(const char *pass, uint8_t key[VRRP_AUTH_LEN]);

/* Constant-time compare of the advert's password with KEY. */
bool vrrp_auth_pass_ok(const struct vrrp_advert *a, const uint8_t key[VRRP_AUTH_LEN]);

/* Fill the AH header of an IPv4 advert and sign it.  PKT holds a complete
 * IPv4 header (protocol 51, total length, id and addresses final: the ICV
 * covers them, so the socket layer must set a non-zero id itself), 24
 * bytes of room for AH, then the encoded VRRP message; LEN is the total.
 * *SEQ is incremented and used.  ZERO_TTL: unicast.  Returns 0 or
 * -EINVAL (malformed header), -EIO (OpenSSL failed). */
int vrrp_ah_sign(uint8_t *pkt, size_t len, const uint8_t key[VRRP_AUTH_LEN],
		 uint32_t *seq, bool zero_ttl);

/* Verify the AH of a received IPv4 advert (the whole IP packet).  Checks
 * the ICV first (nothing else in the packet can be trusted before), then
 * the SPI, then the sequence number against *SEQ, which advances on
 * success.  Returns VRRP_RX_OK or VRRP_RX_AH_*. */
enum vrrp_rx_reason vrrp_ah_verify(const uint8_t *pkt, size_t len,
				   const uint8_t key[VRRP_AUTH_LEN],
				   uint32_t *seq, bool zero_ttl);

#endif
