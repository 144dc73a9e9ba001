/*
 * libcurl's multi interface on sd-event (see check_curl.h).
 *
 * One io source per socket curl wants watched, kept as the socket's
 * curl_multi_assign() pointer; one timer for curl's timeout.  Events
 * feed curl_multi_socket_action(); finished transfers are read from
 * curl_multi_info_read() afterwards, outside any curl callback, so an
 * owner may start its next transfer from its done callback.  The multi
 * handle lives as long as the process (a forked child gets its own).
 *
 * The sockets are watched edge-triggered and re-armed after each event
 * (sd-event never skips an EPOLLET update): a socket that is still ready
 * then reports once more, as level-triggered watching would, but one
 * waiting for its turn is not reported again on every turn of the loop.
 * With thousands of checks in flight, level-triggered epoll hands back
 * every ready socket not yet served each turn, and the loop spends its
 * time in the kernel looking at them.
 */
#include <errno.h>
#include <stdlib.h>

#include "check/check_curl.h"
#include "lib/log.h"

struct owner {
	check_curl_done_fn done;
	void *arg;
};

static struct {
	CURLM *m;
	sd_event *e;
	sd_event_source *timer;
	unsigned running;
} cm;

static void drain(void)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(cm.m, &left))) {
		CURL *h = msg->easy_handle;
		CURLcode rc = msg->data.result;
		struct owner *o = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&o);
		curl_multi_remove_handle(cm.m, h);
		curl_easy_setopt(h, CURLOPT_PRIVATE, NULL);
		cm.running--;
		if (o) {
			struct owner c = *o;

			free(o);
			c.done(h, rc, c.arg);
		}
	}
}

static void action(curl_socket_t s, int ev)
{
	int still;

	curl_multi_socket_action(cm.m, s, ev, &still);
	drain();
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	int ev = 0, on = SD_EVENT_OFF;
	uint32_t want;

	(void)ud;
	if (revents & EPOLLIN)
		ev |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		ev |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		ev |= CURL_CSELECT_ERR;
	/* curl may let go of the socket inside the action (sock_cb then
	 * disables and drops the source): hold it to look afterwards. */
	sd_event_source_ref(src);
	action(fd, ev);
	if (sd_event_source_get_enabled(src, &on) >= 0 && on != SD_EVENT_OFF &&
	    sd_event_source_get_io_events(src, &want) >= 0)
		sd_event_source_set_io_events(src, want | EPOLLET);
	sd_event_source_unref(src);
	return 0;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *ud)
{
	(void)src;
	(void)usec;
	(void)ud;
	action(CURL_SOCKET_TIMEOUT, 0);
	return 0;
}

static int sock_cb(CURL *h, curl_socket_t s, int what, void *ud, void *sp)
{
	sd_event_source *src = sp;
	uint32_t ev = 0;

	(void)h;
	(void)ud;
	if (what == CURL_POLL_REMOVE) {
		sd_event_source_disable_unref(src);
		curl_multi_assign(cm.m, s, NULL);
		return 0;
	}
	ev = EPOLLET;
	if (what & CURL_POLL_IN)
		ev |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		ev |= EPOLLOUT;
	if (src) {
		if (sd_event_source_set_io_events(src, ev) < 0)
			log_err("curl: cannot watch socket %d", s);
		return 0;
	}
	if (sd_event_add_io(cm.e, &src, s, ev, on_io, NULL) < 0) {
		log_err("curl: cannot watch socket %d", s);
		return -1;
	}
	curl_multi_assign(cm.m, s, src);
	return 0;
}

static int timer_cb(CURLM *m, long ms, void *ud)
{
	uint64_t now = 0;

	(void)m;
	(void)ud;
	if (ms < 0) {
		if (cm.timer)
			sd_event_source_set_enabled(cm.timer, SD_EVENT_OFF);
		return 0;
	}
	sd_event_now(cm.e, CLOCK_MONOTONIC, &now);
	now += (uint64_t)ms * 1000;
	if (cm.timer) {
		if (sd_event_source_set_time(cm.timer, now) < 0 ||
		    sd_event_source_set_enabled(cm.timer, SD_EVENT_ONESHOT) < 0)
			return -1;
		return 0;
	}
	return sd_event_add_time(cm.e, &cm.timer, CLOCK_MONOTONIC, now, 1000,
				 on_timer, NULL) < 0 ? -1 : 0;
}

static int setup(sd_event *e)
{
	if (cm.m)
		return cm.e == e ? 0 : -EINVAL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    !(cm.m = curl_multi_init()))
		return -ENOMEM;
	cm.e = sd_event_ref(e);
	curl_multi_setopt(cm.m, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(cm.m, CURLMOPT_TIMERFUNCTION, timer_cb);
	return 0;
}

int check_curl_add(sd_event *e, CURL *easy, check_curl_done_fn done,
		   void *arg)
{
	struct owner *o;
	int r = setup(e);

	if (r < 0)
		return r;
	if (!(o = malloc(sizeof(*o))))
		return -ENOMEM;
	o->done = done;
	o->arg = arg;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, o);
	/* curl only arms its timer here; the transfer starts from the
	 * loop, so DONE cannot run before we return. */
	if (curl_multi_add_handle(cm.m, easy) != CURLM_OK) {
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		free(o);
		return -ENOMEM;
	}
	cm.running++;
	return 0;
}

void check_curl_remove(CURL *easy)
{
	struct owner *o = NULL;

	if (!cm.m || !easy)
		return;
	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&o);
	if (!o)
		return;
	curl_multi_remove_handle(cm.m, easy);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
	free(o);
	cm.running--;
}

unsigned check_curl_running(void)
{
	return cm.running;
}
