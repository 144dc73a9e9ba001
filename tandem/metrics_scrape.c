/*
 * A scrape: the parent's own metrics, written at once, and one relayed
 * question per running child, answered on the loop.  The answers are
 * kept per child and joined in the order of enum child_type when the
 * last one is in, so the text does not depend on which child was faster.
 * A child that is not running, died meanwhile or did not answer within
 * the relay's timeout is only missing from the text;
 * tandem_scrape_child_ok says which ones answered, so an alert can tell
 * "no data" from "the child was asked and failed".
 *
 * Both ways in use it: the HTTP endpoint (metrics_http.c) and the
 * control socket's "metrics" command (ctl_cmds.c), so the two texts are
 * the same.  The source of the parent's numbers is set once, here, by
 * whoever configures the parent (metrics_scrape_set_source), since the
 * socket serves metrics even when no HTTP endpoint is configured.
 *
 * The parent's block is written when the scrape starts but its
 * tandem_scrape_child_ok family only at the end, once the answers are
 * known.  The HTTP client may go away before that: the scrape then
 * lives on, detached, until the relay has called back for every child,
 * since the relay's callbacks carry this object.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "lib/log.h"
#include "lib/prom_text.h"
#include "tandem/ctl_relay.h"
#include "tandem/metrics_scrape.h"

struct ask {
	struct metrics_scrape *s;
	enum child_type t;
};

struct metrics_scrape {
	metrics_scrape_done done;	/* NULL once detached */
	void *ud;
	char *head;			/* the parent's metrics */
	char *text[CHILD_NTYPES];	/* each child's answer */
	bool asked[CHILD_NTYPES], ok[CHILD_NTYPES];
	struct ask ask[CHILD_NTYPES];
	unsigned pending;
};

static struct {
	metrics_parent_fn fn;
	void *ud;
	uint64_t started;		/* CLOCK_MONOTONIC usec */
} src;

static uint64_t clock_usec(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static char *parent_text(metrics_parent_fn fn, void *fnud, uint64_t started)
{
	struct metrics_parent_info info;
	struct prom p;
	uint64_t now = clock_usec(CLOCK_MONOTONIC);

	memset(&info, 0, sizeof(info));
	if (fn)
		fn(&info, fnud);
	if (prom_open(&p) < 0)
		return NULL;
	prom_family(&p, "tandem_build_info", "gauge",
		    "Always 1; the version of tandem in a label.");
	prom_u64(&p, "tandem_build_info", 1, "version", PACKAGE_VERSION,
		 (const char *)NULL);
	prom_family(&p, "tandem_uptime_seconds", "gauge",
		    "Seconds since the tandem parent process started.");
	prom_double(&p, "tandem_uptime_seconds",
		    now > started ? (double)(now - started) / 1e6 : 0.0,
		    (const char *)NULL);
	prom_family(&p, "tandem_reloads_total", "counter",
		    "Reloads asked for (SIGHUP or the control socket), by "
		    "outcome: ok (new config passed to the children), refused "
		    "(the file had errors; nothing changed), failed (could not "
		    "pass the config on).");
	prom_u64(&p, "tandem_reloads_total", info.reloads_ok, "result", "ok",
		 (const char *)NULL);
	prom_u64(&p, "tandem_reloads_total", info.reloads_refused, "result",
		 "refused", (const char *)NULL);
	prom_u64(&p, "tandem_reloads_total", info.reloads_failed, "result",
		 "failed", (const char *)NULL);
	prom_family(&p, "tandem_last_reload_success_timestamp_seconds", "gauge",
		    "When the last reload was accepted (Unix time); 0: none "
		    "since start.");
	prom_double(&p, "tandem_last_reload_success_timestamp_seconds",
		    (double)info.last_reload_ok / 1e6, (const char *)NULL);
	prom_family(&p, "tandem_child_up", "gauge",
		    "1 while the child process runs and sends heartbeats; "
		    "children the config does not need are not listed.");
	for (int i = 0; i < CHILD_NTYPES; i++)
		if (info.child[i].wanted)
			prom_u64(&p, "tandem_child_up", info.child[i].up,
				 "child", child_ops_table[i]->name,
				 (const char *)NULL);
	prom_family(&p, "tandem_child_restarts_total", "counter",
		    "Times the parent restarted a child that died or hung.");
	for (int i = 0; i < CHILD_NTYPES; i++)
		if (info.child[i].wanted)
			prom_u64(&p, "tandem_child_restarts_total",
				 info.child[i].restarts, "child",
				 child_ops_table[i]->name, (const char *)NULL);
	prom_family(&p, "tandem_child_reload_failures_total", "counter",
		    "Reloads the child could not apply (it kept its config).");
	for (int i = 0; i < CHILD_NTYPES; i++)
		if (info.child[i].wanted)
			prom_u64(&p, "tandem_child_reload_failures_total",
				 info.child[i].reload_failures, "child",
				 child_ops_table[i]->name, (const char *)NULL);
	return prom_close(&p);
}

/* The child-ok family and everything joined; NULL when out of memory. */
static char *join(struct metrics_scrape *s)
{
	struct prom p;
	char *tail, *out = NULL;
	size_t len = 0;
	FILE *f;

	if (!s->head || prom_open(&p) < 0)
		return NULL;
	prom_family(&p, "tandem_scrape_child_ok", "gauge",
		    "1 when the child answered this scrape, 0 when it was "
		    "asked and did not (or sent no metrics).");
	for (int i = 0; i < CHILD_NTYPES; i++)
		if (s->asked[i])
			prom_u64(&p, "tandem_scrape_child_ok", s->ok[i], "child",
				 child_ops_table[i]->name, (const char *)NULL);
	tail = prom_close(&p);
	if (!tail)
		return NULL;
	f = open_memstream(&out, &len);
	if (f) {
		fputs(s->head, f);
		fputs(tail, f);
		for (int i = 0; i < CHILD_NTYPES; i++) {
			size_t l = s->text[i] ? strlen(s->text[i]) : 0;

			if (!l)
				continue;
			fputs(s->text[i], f);
			if (s->text[i][l - 1] != '\n')
				fputc('\n', f);
		}
		if (fclose(f) != 0) {
			free(out);
			out = NULL;
		}
	}
	free(tail);
	return out;
}

static void scrape_free(struct metrics_scrape *s)
{
	free(s->head);
	for (int i = 0; i < CHILD_NTYPES; i++)
		free(s->text[i]);
	free(s);
}

static void finish(struct metrics_scrape *s)
{
	if (s->done)
		s->done(join(s), s->ud);
	scrape_free(s);
}

static void on_reply(struct json_object *reply, void *ud)
{
	struct ask *a = ud;
	struct metrics_scrape *s = a->s;
	struct json_object *t;

	if (reply && json_object_object_get_ex(reply, "text", &t) &&
	    json_object_is_type(t, json_type_string)) {
		s->text[a->t] = strdup(json_object_get_string(t));
		s->ok[a->t] = s->text[a->t] != NULL;
	} else if (reply) {
		struct json_object *e = NULL;

		json_object_object_get_ex(reply, "error", &e);
		log_warn("metrics: the %s child refused: %s",
			 child_ops_table[a->t]->name,
			 e ? json_object_get_string(e) : "no text in its answer");
	}
	if (--s->pending == 0)
		finish(s);
}

void metrics_scrape_set_source(metrics_parent_fn fn, void *ud)
{
	if (!src.started)
		src.started = clock_usec(CLOCK_MONOTONIC);
	src.fn = fn;
	src.ud = ud;
}

int metrics_scrape_start(metrics_scrape_done done, void *ud,
			 struct metrics_scrape **out)
{
	struct metrics_scrape *s = calloc(1, sizeof(*s));
	struct json_object *req;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->done = done;
	s->ud = ud;
	if (!src.started)
		src.started = clock_usec(CLOCK_MONOTONIC);
	s->head = parent_text(src.fn, src.ud, src.started);
	req = json_object_new_object();
	if (!s->head || !req) {
		json_object_put(req);
		scrape_free(s);
		return -ENOMEM;
	}
	json_object_object_add(req, "cmd", json_object_new_string("metrics"));
	/* pending counts one extra while asking, so an answer that came at
	 * once cannot finish the scrape under this loop */
	s->pending = 1;
	for (int i = 0; i < CHILD_NTYPES; i++) {
		s->ask[i].s = s;
		s->ask[i].t = (enum child_type)i;
		s->pending++;
		if (ctl_ask_child((enum child_type)i, req, on_reply,
				  &s->ask[i]) == 0)
			s->asked[i] = true;
		else
			s->pending--;
	}
	json_object_put(req);
	if (--s->pending == 0) {
		finish(s);
		return 0;
	}
	*out = s;
	return 0;
}

void metrics_scrape_detach(struct metrics_scrape *s)
{
	if (s)
		s->done = NULL;
}
