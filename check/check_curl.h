/*
 * The check process's libcurl multi handles, driven by its sd-event
 * loop: curl says which sockets to watch and when its timer is due
 * (CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION), the loop calls
 * curl_multi_socket_action when they fire, and a finished transfer is
 * handed to its owner from there.  No thread, no blocking call: any
 * number of HTTP checks are in flight on the one loop.
 */
#ifndef TANDEM_CHECK_CURL_H
#define TANDEM_CHECK_CURL_H

#include <curl/curl.h>
#include <systemd/sd-event.h>

/* Called once per transfer, from the loop, after it was removed from the
 * multi handle (the easy handle is the owner's again). */
typedef void (*check_curl_done_fn)(CURL *h, CURLcode rc, void *arg);

/* Who a transfer's end goes to: the owner's memory (it lives in the
 * owner's per-transfer state, so adding a transfer allocates nothing),
 * which must stay put while the transfer runs. */
struct check_curl_owner {
	check_curl_done_fn done;
	void *arg;
	void *multi;		/* check_curl.c's: where it runs */
};

/* Start EASY on E's loop (the multi handle is made on first use), its
 * end told to O (filled in by the caller).  0, or -errno; O->done never
 * runs before this returns. */
int check_curl_add(sd_event *e, CURL *easy, struct check_curl_owner *o);
/* Abandon a transfer in flight (DONE is not called). */
void check_curl_remove(CURL *easy);
/* Transfers in flight (tests). */
unsigned check_curl_running(void);

#endif
