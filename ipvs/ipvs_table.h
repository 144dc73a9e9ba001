/*
 * A whole IPVS table: services, each with its destinations.  The same
 * shape holds the table the config wants and the one read from the kernel,
 * so the reconciler compares like with like.  Reading the kernel's table is
 * one service dump plus one destination dump per service.
 */
#ifndef TANDEM_IPVS_TABLE_H
#define TANDEM_IPVS_TABLE_H

#include "ipvs/ipvs_types.h"

struct ipvs_nl;

struct ipvs_vs {
	struct ipvs_service svc;
	struct ipvs_dest *dests;	/* malloc'ed, ndests entries */
	size_t ndests;
	size_t dests_cap;		/* room in dests (0: exactly ndests) */
};

struct ipvs_table {
	struct ipvs_vs *vs;		/* malloc'ed, n entries */
	size_t n;
	size_t cap;			/* room in vs (0: exactly n) */
};

/* Read the kernel's table into t (emptied first).  0 or -errno, with the
 * message in ipvs_last_error(). */
int ipvs_table_read(struct ipvs_nl *nl, struct ipvs_table *t);
void ipvs_table_free(struct ipvs_table *t);

/* Building a table by hand (config, tests).  Return the new entry or NULL
 * when out of memory. */
struct ipvs_vs *ipvs_table_add_service(struct ipvs_table *t, const struct ipvs_service *s);
struct ipvs_dest *ipvs_vs_add_dest(struct ipvs_vs *vs, const struct ipvs_dest *d);

struct ipvs_vs *ipvs_table_find(const struct ipvs_table *t, const struct ipvs_service *key);
struct ipvs_dest *ipvs_vs_find_dest(const struct ipvs_vs *vs, const struct ipvs_dest *key);

/* Total order on keys (family, fwmark, protocol, address, port), used to
 * sort tables for merging. */
int ipvs_service_cmp(const struct ipvs_service *a, const struct ipvs_service *b);
int ipvs_dest_cmp(const struct ipvs_dest *a, const struct ipvs_dest *b, int svc_af);

#endif
