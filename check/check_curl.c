/*
 * libcurl's multi interface on sd-event (see check_curl.h).
 *
 * One io source per socket curl wants watched, kept as the socket's
 * curl_multi_assign() pointer; one timer per multi handle for curl's
 * timeout.  Events feed curl_multi_socket_action(); finished transfers
 * are read from curl_multi_info_read() afterwards, outside any curl
 * callback, so an owner may start its next transfer from its done
 * callback.  The multi handles live as long as the process (a forked
 * child gets its own).
 *
 * Transfers are spread over several multi handles, at most
 * MULTI_TRANSFERS each.  curl (7.88) keeps a multi's connections in a
 * hash of "bundles", one per host, and each connection that ends
 * removes its bundle by walking the whole hash; its name cache and
 * socket hash grow the same way.  Every real server is a host of its
 * own, so with everything in one multi handle each finished check cost
 * a walk over every check in flight: little while servers answer at
 * once, but when thousands wait at the same time (a farm that stopped
 * answering, the first round after a start) that walk was the largest
 * cost of the process, and grew as the checks fell behind.  A bounded
 * multi handle bounds the walk.
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
#include <stdbool.h>
#include <stdlib.h>

#include "check/check_curl.h"
#include "lib/log.h"

/* Transfers in flight on one multi handle (see the top). */
#define MULTI_TRANSFERS 32

struct multi {
	CURLM *m;
	sd_event_source *timer;
	unsigned running;
};

struct finished {
	CURL *h;			/* NULL: removed before its turn */
	CURLcode rc;
};

static struct {
	sd_event *e;
	bool global_done;
	struct multi **v;		/* made as needed, never freed */
	size_t n, cap;
	size_t hint;			/* where a free place was last */
	unsigned running;
	/* The source sock_cb last set, while on_io runs an action. */
	sd_event_source *rearmed;
	/* The transfers drain() read and has not handed over yet. */
	struct finished *fin;
	size_t nfin, capfin, posfin;
} cm;

static bool batch_room(void)
{
	size_t cap = cm.capfin ? 2 * cm.capfin : 64;
	struct finished *f;

	if (cm.nfin < cm.capfin)
		return true;
	if (!(f = realloc(cm.fin, cap * sizeof(*f))))
		return false;
	cm.fin = f;
	cm.capfin = cap;
	return true;
}

static void hand_over(struct multi *mu, CURL *h, CURLcode rc)
{
	struct check_curl_owner *o = NULL;

	curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&o);
	curl_multi_remove_handle(mu->m, h);
	curl_easy_setopt(h, CURLOPT_PRIVATE, NULL);
	mu->running--;
	cm.running--;
	if (o) {
		o->multi = NULL;
		o->done(h, rc, o->arg);
	}
}

/* Every finished transfer is read from curl's queue before any is
 * removed from the multi handle: curl (7.88) looks through its whole
 * queue of messages for the one of each handle removed, so removing each
 * as it is read costs the square of the transfers that finished in one
 * action.  An owner's done callback may add transfers and cancel others
 * (check_curl_remove drops them from the batch) but never drives curl
 * itself, so drain() does not nest. */
static void drain(struct multi *mu)
{
	CURLMsg *msg;
	int left;

	cm.nfin = cm.posfin = 0;
	while ((msg = curl_multi_info_read(mu->m, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		if (!batch_room()) {
			/* No memory for the batch: this one now, the slow
			 * way (its message stays valid until its removal). */
			hand_over(mu, msg->easy_handle, msg->data.result);
			continue;
		}
		cm.fin[cm.nfin].h = msg->easy_handle;
		cm.fin[cm.nfin++].rc = msg->data.result;
	}
	while (cm.posfin < cm.nfin) {
		struct finished f = cm.fin[cm.posfin++];

		if (f.h)
			hand_over(mu, f.h, f.rc);
	}
	cm.nfin = cm.posfin = 0;
}

static void action(struct multi *mu, curl_socket_t s, int ev)
{
	int still;

	curl_multi_socket_action(mu->m, s, ev, &still);
	drain(mu);
}

static int on_io(sd_event_source *src, int fd, uint32_t revents, void *ud)
{
	int ev = 0, on = SD_EVENT_OFF;
	uint32_t want;

	if (revents & EPOLLIN)
		ev |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		ev |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		ev |= CURL_CSELECT_ERR;
	/* curl may let go of the socket inside the action (sock_cb then
	 * disables and drops the source): hold it to look afterwards.  A
	 * source sock_cb set anew in the action is re-armed already (its
	 * EPOLL_CTL_MOD was the re-arm): one epoll_ctl a check less. */
	sd_event_source_ref(src);
	cm.rearmed = NULL;
	action(ud, fd, ev);
	if (cm.rearmed != src &&
	    sd_event_source_get_enabled(src, &on) >= 0 && on != SD_EVENT_OFF &&
	    sd_event_source_get_io_events(src, &want) >= 0)
		sd_event_source_set_io_events(src, want | EPOLLET);
	cm.rearmed = NULL;
	sd_event_source_unref(src);
	return 0;
}

static int on_timer(sd_event_source *src, uint64_t usec, void *ud)
{
	(void)src;
	(void)usec;
	action(ud, CURL_SOCKET_TIMEOUT, 0);
	return 0;
}

static int sock_cb(CURL *h, curl_socket_t s, int what, void *ud, void *sp)
{
	struct multi *mu = ud;
	sd_event_source *src = sp;
	uint32_t ev = 0;

	(void)h;
	if (what == CURL_POLL_REMOVE) {
		sd_event_source_disable_unref(src);
		curl_multi_assign(mu->m, s, NULL);
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
		else
			cm.rearmed = src;
		return 0;
	}
	if (sd_event_add_io(cm.e, &src, s, ev, on_io, mu) < 0) {
		log_err("curl: cannot watch socket %d", s);
		return -1;
	}
	curl_multi_assign(mu->m, s, src);
	return 0;
}

static int timer_cb(CURLM *m, long ms, void *ud)
{
	struct multi *mu = ud;
	uint64_t now = 0;

	(void)m;
	if (ms < 0) {
		if (mu->timer)
			sd_event_source_set_enabled(mu->timer, SD_EVENT_OFF);
		return 0;
	}
	sd_event_now(cm.e, CLOCK_MONOTONIC, &now);
	now += (uint64_t)ms * 1000;
	if (mu->timer) {
		if (sd_event_source_set_time(mu->timer, now) < 0 ||
		    sd_event_source_set_enabled(mu->timer, SD_EVENT_ONESHOT) < 0)
			return -1;
		return 0;
	}
	return sd_event_add_time(cm.e, &mu->timer, CLOCK_MONOTONIC, now, 1000,
				 on_timer, mu) < 0 ? -1 : 0;
}

static struct multi *multi_new(void)
{
	struct multi *mu;

	if (cm.n == cm.cap) {
		size_t cap = cm.cap ? 2 * cm.cap : 8;
		struct multi **v = realloc(cm.v, cap * sizeof(*v));

		if (!v)
			return NULL;
		cm.v = v;
		cm.cap = cap;
	}
	if (!(mu = calloc(1, sizeof(*mu))))
		return NULL;
	if (!(mu->m = curl_multi_init())) {
		free(mu);
		return NULL;
	}
	curl_multi_setopt(mu->m, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(mu->m, CURLMOPT_SOCKETDATA, mu);
	curl_multi_setopt(mu->m, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(mu->m, CURLMOPT_TIMERDATA, mu);
	cm.v[cm.n++] = mu;
	return mu;
}

/* A multi handle with room for one more transfer. */
static struct multi *multi_pick(sd_event *e)
{
	if (!cm.e) {
		if (!cm.global_done) {
			if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
				return NULL;
			cm.global_done = true;
		}
		cm.e = sd_event_ref(e);
	} else if (cm.e != e) {
		return NULL;
	}
	if (cm.hint < cm.n && cm.v[cm.hint]->running < MULTI_TRANSFERS)
		return cm.v[cm.hint];
	for (size_t i = 0; i < cm.n; i++)
		if (cm.v[i]->running < MULTI_TRANSFERS) {
			cm.hint = i;
			return cm.v[i];
		}
	cm.hint = cm.n;
	return multi_new();
}

int check_curl_add(sd_event *e, CURL *easy, struct check_curl_owner *o)
{
	struct multi *mu = multi_pick(e);

	if (!mu)
		return cm.e && cm.e != e ? -EINVAL : -ENOMEM;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, o);
	/* curl only arms its timer here; the transfer starts from the
	 * loop, so DONE cannot run before we return. */
	if (curl_multi_add_handle(mu->m, easy) != CURLM_OK) {
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
		return -ENOMEM;
	}
	o->multi = mu;
	mu->running++;
	cm.running++;
	return 0;
}

void check_curl_remove(CURL *easy)
{
	struct check_curl_owner *o = NULL;
	struct multi *mu;

	if (!easy)
		return;
	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&o);
	if (!o || !(mu = o->multi))
		return;
	/* Finished but not handed over yet: it is not to be. */
	for (size_t i = cm.posfin; i < cm.nfin; i++)
		if (cm.fin[i].h == easy)
			cm.fin[i].h = NULL;
	curl_multi_remove_handle(mu->m, easy);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
	o->multi = NULL;
	mu->running--;
	cm.running--;
}

unsigned check_curl_running(void)
{
	return cm.running;
}
