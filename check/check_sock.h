/*
 * The socket side that the network checkers share: open a non-blocking
 * socket to the probe's target with the checker's bindto, bind_port,
 * bind_if and fwmark, connect it, and wait for the connect to finish or
 * the timeout to pass, on the probe's sd-event loop.  The outcome is
 * always delivered from the loop, even when the kernel decided at once.
 */
#ifndef TANDEM_CHECK_SOCK_H
#define TANDEM_CHECK_SOCK_H

#include "check/check_checker.h"

/* ERR: 0 (connected), ETIMEDOUT, or the connect's errno. */
typedef void (*check_sock_fn)(struct check_probe *p, int err);

/* Open and connect p->fd to p->dst; then COMPLETE is called once from
 * the loop.  0, or -errno when no socket could be made (COMPLETE is not
 * called then). */
int check_sock_connect(struct check_probe *p, int type, int proto,
		       check_sock_fn complete);
/* Re-arm the probe's timer to fire COMPLETE(ETIMEDOUT) at the end of the
 * probe's timeout counted from now (for conversations after connect). */
int check_sock_rearm(struct check_probe *p);
/* Watch p->fd for EVENTS with FN during the conversation that follows
 * the connect (the timer of check_sock_rearm still ends it). */
int check_sock_watch(struct check_probe *p, uint32_t events,
		     sd_event_io_handler_t fn);
/* The reason of a connect that failed with ERR, as TCP_CHECK says it. */
void check_sock_why(const struct check_probe *p, int err, char *buf,
		    size_t len);
/* Close the socket and drop the event sources; safe to call twice. */
void check_sock_close(struct check_probe *p);

#endif
