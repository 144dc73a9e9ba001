/*
 * The check process's one libcurl multi handle, driven by its sd-event
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

/* Start EASY on E's loop (the multi handle is made on first use).  0, or
 * -errno; DONE never runs before this returns. */
int check_curl_add(sd_event *e, CURL *easy, check_curl_done_fn done,
		   void *arg);
/* Abandon a transfer in flight (DONE is not called). */
void check_curl_remove(CURL *easy);
/* Transfers in flight (tests). */
unsigned check_curl_running(void);

#endif
