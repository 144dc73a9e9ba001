/*
 * The parent's Prometheus endpoint (global_defs metrics_listen): a small
 * HTTP/1.1 responder on the parent's sd-event loop.  Each GET /metrics
 * asks every running child for its metrics over the control relay
 * (ctl_relay.h) and answers with the parent's own metrics followed by
 * the children's, once all of them answered or timed out.
 *
 * The parent's own numbers (reloads, restarts, which child is up) live
 * in the supervisor; the endpoint reads them through a callback, at each
 * scrape, instead of keeping copies.
 */
#ifndef TANDEM_METRICS_HTTP_H
#define TANDEM_METRICS_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include <systemd/sd-event.h>

#include "tandem/child.h"

struct metrics_parent_info {
	uint64_t reloads_ok;		/* new config parsed and sent */
	uint64_t reloads_refused;	/* the file had errors */
	uint64_t reloads_failed;	/* good file, could not pass it on */
	uint64_t last_reload_ok;	/* CLOCK_REALTIME usec; 0: none yet */
	struct {
		bool wanted;		/* the config needs this child */
		bool up;		/* running and heartbeating */
		unsigned restarts;	/* since tandem started */
		uint64_t reload_failures;	/* it could not apply one */
	} child[CHILD_NTYPES];
};

typedef void (*metrics_parent_fn)(struct metrics_parent_info *out, void *ud);

/* Serve on addr (ss_family AF_UNSPEC: serve nothing).  Called at start
 * and on every reload: the same address keeps the socket (and its
 * clients), another one closes it and binds the new one.  fn(ud) gives
 * the parent's numbers.  0, or -errno when the socket could not be
 * bound (logged; the endpoint is then off until the next call). */
int metrics_http_configure(sd_event *e, const struct sockaddr_storage *addr,
			   metrics_parent_fn fn, void *ud);
/* Close the socket and every client. */
void metrics_http_stop(void);

/* CLOCK_REALTIME in usec, for metrics_parent_info's time stamps. */
static inline uint64_t metrics_realtime_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

#endif
