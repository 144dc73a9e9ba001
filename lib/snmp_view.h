/*
 * A read-only MIB view: the (OID, value) pairs of one subtree, built in
 * one go from the daemon's state, sorted, and searched for GET (exact)
 * and GETNEXT (first name after).  A subsystem describes its tables by
 * adding one cell per (column, row): the OID is the table entry's OID,
 * the column number and the row's index, so the index encoding rules of
 * RFC 2578 section 7.7 live here once (integers are one sub-identifier,
 * a non-IMPLIED OCTET STRING / InetAddress is its length then one
 * sub-identifier per byte).  Pure: no agent, no I/O; the agent glue
 * (snmp_agent.c) answers requests from it.
 */
#ifndef TANDEM_SNMP_VIEW_H
#define TANDEM_SNMP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Long enough for the longest index tandem builds: VRRPv3's associated
 * address table (ifIndex, VrId, type, length + 16 bytes of IPv6). */
#define SNMP_VIEW_MAXOID 48

typedef unsigned long snmp_subid;	/* net-snmp's oid */

/* A row index being built. */
struct snmp_idx {
	snmp_subid sub[SNMP_VIEW_MAXOID];
	size_t len;
	bool overflow;
};

void snmp_idx_init(struct snmp_idx *x);
void snmp_idx_int(struct snmp_idx *x, unsigned long v);
/* Length-prefixed (no IMPLIED). */
void snmp_idx_octets(struct snmp_idx *x, const void *p, size_t len);
/* An IpAddress index: four sub-identifiers, no length. */
void snmp_idx_ipv4(struct snmp_idx *x, const void *addr);
/* An InetAddress of FAMILY (AF_INET / AF_INET6; other: zero length). */
void snmp_idx_inet(struct snmp_idx *x, int family, const void *addr);
/* RFC 4001 InetAddressType of a family: ipv4(1), ipv6(2), unknown(0). */
int snmp_inet_type(int family);

/* Cell types, as net-snmp's ASN_* codes (kept as plain numbers so this
 * header needs no net-snmp one). */
enum snmp_cell_type {
	SNMP_CELL_INTEGER = 0x02,
	SNMP_CELL_OCTETS = 0x04,
	SNMP_CELL_IPADDRESS = 0x40,	/* 4 octets (SMIv2 IpAddress) */
	SNMP_CELL_COUNTER32 = 0x41,
	SNMP_CELL_GAUGE32 = 0x42,
	SNMP_CELL_TIMETICKS = 0x43,
	SNMP_CELL_COUNTER64 = 0x46,
};

struct snmp_cell {
	snmp_subid name[SNMP_VIEW_MAXOID];
	size_t len;
	enum snmp_cell_type type;
	int64_t i;			/* INTEGER */
	uint64_t u;			/* the unsigned kinds */
	unsigned char *s;		/* OCTETS (owned) */
	size_t slen;
};

struct snmp_view {
	struct snmp_cell *v;
	size_t n, cap;
	bool sorted;
	bool failed;			/* out of memory or an OID too long */
};

void snmp_view_init(struct snmp_view *w);
/* Forget every cell (the storage is kept for the next fill). */
void snmp_view_clear(struct snmp_view *w);
void snmp_view_free(struct snmp_view *w);

/* One cell: ENTRY (the table's entry OID, or the scalar's group), COL,
 * then IDX (NULL: ".0", a scalar). */
void snmp_view_int(struct snmp_view *w, const snmp_subid *entry, size_t elen,
		   unsigned col, const struct snmp_idx *idx, int64_t v);
void snmp_view_uint(struct snmp_view *w, const snmp_subid *entry, size_t elen,
		    unsigned col, const struct snmp_idx *idx,
		    enum snmp_cell_type t, uint64_t v);
void snmp_view_octets(struct snmp_view *w, const snmp_subid *entry,
		      size_t elen, unsigned col, const struct snmp_idx *idx,
		      const void *p, size_t len);
/* An IpAddress: the 4 bytes at A (network order). */
void snmp_view_ipaddr(struct snmp_view *w, const snmp_subid *entry,
		      size_t elen, unsigned col, const struct snmp_idx *idx,
		      const void *a);
void snmp_view_str(struct snmp_view *w, const snmp_subid *entry, size_t elen,
		   unsigned col, const struct snmp_idx *idx, const char *s);

/* Sorted on first use.  EXACT: the cell named NAME; otherwise the first
 * after NAME (INCLUSIVE: NAME itself counts).  NULL: none. */
const struct snmp_cell *snmp_view_find(struct snmp_view *w,
				       const snmp_subid *name, size_t len,
				       bool exact, bool inclusive);

/* The OID of one cell (ENTRY, COL, IDX) into NAME, for a notification's
 * varbind; its length (0: too long). */
size_t snmp_oid_cell(snmp_subid name[SNMP_VIEW_MAXOID], const snmp_subid *entry, size_t elen,
		     unsigned col, const struct snmp_idx *idx);

int snmp_oid_cmp(const snmp_subid *a, size_t alen, const snmp_subid *b,
		 size_t blen);

#endif
