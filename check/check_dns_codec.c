/*
 * DNS query building and reply reading for DNS_CHECK (see
 * check_dns_codec.h).  A reply is ours when its id is the query's, the
 * QR bit says it is a response and its question section repeats ours
 * (name compared without regard to ASCII case, as DNS does); then RCODE
 * 0 is a pass and any other a failure, as in keepalived.  Anything else
 * is ignored, so a stray or spoofed datagram neither passes nor fails a
 * check.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "check/check_dns_codec.h"

#define HDR 12

static const struct { const char *name; unsigned code; } types[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 },
	{ "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 },
};

unsigned check_dns_type(const char *name)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(name, types[i].name))
			return types[i].code;
	return 0;
}

const char *check_dns_type_name(unsigned code)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].code == code)
			return types[i].name;
	return "?";
}

/* Encode NAME as labels into OUT (at least 256 bytes); the length, or
 * -1 when the name is not valid. */
static int encode_name(const char *name, uint8_t *out)
{
	size_t k = 0, len = strlen(name);

	if (!strcmp(name, ".")) {
		out[0] = 0;
		return 1;
	}
	if (!len || name[0] == '.')
		return -1;
	if (name[len - 1] == '.')
		len--;
	for (size_t i = 0; i < len;) {
		size_t j = i;

		while (j < len && name[j] != '.')
			j++;
		if (j == i || j - i > 63 || k + 1 + (j - i) + 1 > 255)
			return -1;
		out[k++] = (uint8_t)(j - i);
		memcpy(out + k, name + i, j - i);
		k += j - i;
		i = j + 1;
	}
	out[k++] = 0;
	return (int)k;
}

int check_dns_name_ok(const char *name)
{
	uint8_t tmp[256];

	return name && encode_name(name, tmp) > 0;
}

int check_dns_query(uint8_t *buf, size_t size, uint16_t id, const char *name,
		    unsigned qtype)
{
	uint8_t q[256];
	int nl = encode_name(name, q);

	if (nl < 0 || size < (size_t)HDR + (size_t)nl + 4)
		return -1;
	memset(buf, 0, HDR);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 0x01;			/* RD */
	buf[5] = 1;			/* QDCOUNT */
	memcpy(buf + HDR, q, (size_t)nl);
	buf[HDR + nl] = (uint8_t)(qtype >> 8);
	buf[HDR + nl + 1] = (uint8_t)qtype;
	buf[HDR + nl + 2] = 0;
	buf[HDR + nl + 3] = 1;		/* IN */
	return HDR + nl + 4;
}

enum check_dns_verdict check_dns_reply(const uint8_t *buf, size_t len,
				       const uint8_t *q, size_t qlen,
				       unsigned *rcode)
{
	if (len < HDR || qlen < HDR || buf[0] != q[0] || buf[1] != q[1] ||
	    !(buf[2] & 0x80))
		return CHECK_DNS_NOT_OURS;
	/* A server may answer an error without repeating the question
	 * (QDCOUNT 0); when it repeats one, it must be ours. */
	if (buf[4] || buf[5]) {
		if (buf[4] || buf[5] != 1 || len < qlen)
			return CHECK_DNS_NOT_OURS;
		for (size_t i = HDR; i < qlen; i++)
			if (tolower(buf[i]) != tolower(q[i]))
				return CHECK_DNS_NOT_OURS;
	}
	*rcode = buf[3] & 0x0f;
	return *rcode ? CHECK_DNS_ERROR : CHECK_DNS_OK;
}
