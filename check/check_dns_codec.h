/*
 * The little of DNS (RFC 1035) that DNS_CHECK needs: build one query
 * and read the header and question of its reply.  Our own small codec
 * rather than a resolver library, because every resolver Debian ships
 * either blocks or brings an event loop of its own; a health check needs
 * only "did this server answer this question without an error".
 */
#ifndef TANDEM_CHECK_DNS_CODEC_H
#define TANDEM_CHECK_DNS_CODEC_H

#include <stddef.h>
#include <stdint.h>

#define CHECK_DNS_MAX_QUERY 512		/* a name is at most 255 bytes */

/* The type code of a keepalived DNS_CHECK type name (A, NS, CNAME, SOA,
 * MX, TXT, AAAA; any case), 0 when unknown; and back. */
unsigned check_dns_type(const char *name);
const char *check_dns_type_name(unsigned code);

/* Is NAME a valid query name ("." or labels of 1 to 63 bytes, 255 in
 * all, an optional final dot)? */
int check_dns_name_ok(const char *name);

/* Write a query (recursion desired, class IN) into BUF; its length, or
 * -1 when it does not fit or the name is bad. */
int check_dns_query(uint8_t *buf, size_t size, uint16_t id, const char *name,
		    unsigned qtype);

enum check_dns_verdict {
	CHECK_DNS_OK,		/* our reply, RCODE 0 */
	CHECK_DNS_ERROR,	/* our reply, with an error RCODE (in *rcode) */
	CHECK_DNS_NOT_OURS,	/* too short, a query, another id or question:
				   keep waiting */
};

/* Judge BUF as the reply to the query in Q (as check_dns_query made it). */
enum check_dns_verdict check_dns_reply(const uint8_t *buf, size_t len,
				       const uint8_t *q, size_t qlen,
				       unsigned *rcode);

#endif
