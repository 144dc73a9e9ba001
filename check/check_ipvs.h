/*
 * The IPVS controller of the check process: keeps the kernel's table
 * equal to what the LVS config asks for, across start, reload and stop.
 *
 * Start reads the kernel's table and reconciles with it: matching entries
 * are adopted (their connections and counters survive), differing ones
 * changed in place, missing ones added, and entries the config does not
 * name left alone unless flush is asked for.  From then on the
 * controller manages (owns) every entry of the config, adopted or added;
 * a reload diffs the new config's table against the one applied last, so
 * it sends only the requests that change something (one weight: one
 * request).  Stop removes the owned entries, flushes the whole table, or
 * keeps everything, as the options say.  Knowing nothing of tandem's
 * global_defs or command line, it takes those choices as plain options.
 */
#ifndef TANDEM_CHECK_IPVS_H
#define TANDEM_CHECK_IPVS_H

#include <stdio.h>
#include <json-c/json.h>

#include "check/check_vs_conf.h"
#include "ipvs/ipvs_reconcile.h"

enum check_ipvs_stop {
	CHECK_IPVS_STOP_REMOVE,	/* delete the owned services (default) */
	CHECK_IPVS_STOP_FLUSH,	/* flush the whole IPVS table */
	CHECK_IPVS_STOP_KEEP,	/* leave everything (-I) */
};

struct check_ipvs_opts {
	bool flush;			/* lvs_flush: at start, delete what
					   the config does not name */
	enum check_ipvs_stop on_stop;
	struct ipvs_timeouts timeouts;	/* 0: leave that one alone */
	/* Sync daemons to run (lvs_sync_daemon): ndaemons 0..2. */
	struct ipvs_daemon daemons[2];
	size_t ndaemons;
	/* Called while a long plan goes out (ipvs_set_progress); may be
	 * NULL. */
	void (*progress)(void *arg);
	/* Which services are wanted now (ha_suspend: only those whose
	 * address is configured here).  Zeroed: all of them. */
	struct check_table_opts table;
};

struct check_ipvs;

/* Open the netlink client and reconcile.  On a kernel without IPVS
 * returns -EPROTONOSUPPORT with the message in err; other errors also
 * leave a message there.  *out is set only on success (a failed
 * reconcile is logged and still returns a controller: the next reload
 * retries from the kernel's table). */
int check_ipvs_start(struct check_ipvs **out, const struct check_conf *cc,
		     const struct check_ipvs_opts *o, char *err, size_t errlen);
/* The plan of a reload from the table last (made for the config before,
 * with its runs) to cc's, which want gets (with its runs): the virtual
 * servers taken over whole keep their services (moved from last, see
 * check_conf_to_table_runs) and only the others are diffed, which gives
 * the plan a diff of the whole tables would, since the kept ones are the
 * same on both sides and no service is in two virtual servers.  Only for
 * a table that followed every change of state.  With marked, last was
 * made for cc itself and changes of state came since: only the virtual
 * servers their runtime marked are made again and diffed
 * (check_conf_to_table_marked).  0 or -ENOMEM (last as it was). */
int check_table_plan_kept(const struct check_conf *cc,
			  const struct check_table_opts *to,
			  struct ipvs_table *last,
			  const struct check_table_run *last_runs, size_t nlast,
			  struct ipvs_table *want, struct check_table_run **runs,
			  struct ipvs_plan *plan, bool marked);
/* Apply a new config.  current: the table applied last followed every
 * change of state since (no refresh is waiting), so the virtual servers
 * the reload took over whole need not be looked at again.  0 or -errno
 * (failures are logged). */
int check_ipvs_reload(struct check_ipvs *ci, const struct check_conf *cc,
		      const struct check_ipvs_opts *o, bool current);
/* Apply the same config again because o->table's answers may have
 * changed (an address came or went); says nothing when nothing changed. */
int check_ipvs_refresh(struct check_ipvs *ci, const struct check_conf *cc,
		       const struct check_ipvs_opts *o);
/* The same after verdicts changed (check_rt_table_all false): only the
 * virtual servers whose runtime is marked table_dirty are made again and
 * diffed, so a verdict costs its virtual server and its one request, not
 * the table.  A table not trusted (resync) is made whole, as above. */
int check_ipvs_refresh_marked(struct check_ipvs *ci,
			      const struct check_conf *cc,
			      const struct check_ipvs_opts *o);
/* Run the sync daemons o names, stopping those it no longer does (a VRRP
 * instance tied to them changed state). */
void check_ipvs_set_daemons(struct check_ipvs *ci,
			    const struct check_ipvs_opts *o);
/* Remove / flush / keep as o->on_stop says, stop the sync daemons that
 * were started (unless keeping), and free. */
void check_ipvs_stop(struct check_ipvs *ci, const struct check_ipvs_opts *o);

/* Requests acknowledged by the kernel so far (for tests and stats). */
unsigned long check_ipvs_requests(const struct check_ipvs *ci);
/* The kernel's table now, with its counters, into *t (to be freed with
 * ipvs_table_free).  0, or -errno (also without a controller: -ENODEV). */
int check_ipvs_read(struct check_ipvs *ci, struct ipvs_table *t);
/* The tables as tandem wants them and as the kernel has them (read now). */
void check_ipvs_dump(struct check_ipvs *ci, FILE *f);
struct json_object *check_ipvs_json(struct check_ipvs *ci);
/* An IPVS table as JSON (an array of services with destinations). */
struct json_object *check_ipvs_table_json(const struct ipvs_table *t);

#endif
