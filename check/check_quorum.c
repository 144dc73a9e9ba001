/*
 * Virtual servers' quorums (see check_quorum.h).
 *
 * keepalived's rule with hysteresis H around quorum Q: a virtual server
 * that has its quorum loses it when the live weight (the sum of the
 * weights of its real servers that are up) drops below Q - H, and one
 * that lost it gets it back when the live weight reaches Q + H, so a
 * weight that hovers around Q does not flap.  The state lives in a
 * struct check_vs_rt hung off the config's virtual server, like the real
 * servers' state; a reload matches virtual servers by their service
 * (address, port, protocol, fwmark or group), a linear scan since
 * virtual servers are few next to real servers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "check/check_notify.h"
#include "check/check_quorum.h"
#include "lib/log.h"

static uint64_t real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

bool check_vs_same(const struct check_vs *a, const struct check_vs *b)
{
	return a->kind == b->kind && a->af == b->af && a->port == b->port &&
	       a->protocol == b->protocol && a->fwmark == b->fwmark &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr)) &&
	       (a->group == b->group ||
		(a->group && b->group && !strcmp(a->group, b->group)));
}

bool check_vs_quorum_up(const struct check_vs *vs)
{
	if (vs->rt)
		return vs->rt->quorum_up;
	return check_vs_live_weight(vs) >= vs->quorum;
}

int check_quorum_apply(struct check_vs_rt ***v, size_t *n,
		       struct check_conf *cc)
{
	struct check_vs_rt **nv = cc->nvs ? calloc(cc->nvs, sizeof(*nv)) : NULL;
	size_t at = 0;

	if (cc->nvs && !nv)
		return -ENOMEM;
	for (size_t i = 0; i < cc->nvs; i++) {
		struct check_vs *vs = cc->vs[i];
		struct check_vs_rt *q = NULL;

		/* From just after the last match: a reload mostly keeps
		 * the order, so this finds it at once instead of after a
		 * scan of every virtual server (quadratic at scale). */
		for (size_t s = 0; s < *n && !q; s++) {
			size_t k = (at + s) % *n;

			if ((*v)[k] && check_vs_same((*v)[k]->vs, vs)) {
				q = (*v)[k];
				(*v)[k] = NULL;
				q->fresh = false;
				at = k + 1;
			}
		}
		if (!q && !(q = calloc(1, sizeof(*q)))) {
			for (size_t k = 0; k < i; k++) {
				/* Give the taken ones back: nothing changed. */
				cc->vs[k]->rt = NULL;
				free(nv[k]);
			}
			free(nv);
			return -ENOMEM;
		}
		if (!q->vs) {
			q->fresh = true;
			q->since = real_now();
			/* The real servers' state is attached already. */
			q->quorum_up = check_vs_live_weight(vs) >= vs->quorum;
		}
		q->vs = vs;
		vs->rt = q;
		nv[i] = q;
	}
	check_quorum_free(*v, *n);
	*v = nv;
	*n = cc->nvs;
	return 0;
}

static void tell(struct check_vs_rt *q, struct check_notify *nt)
{
	check_notify_vs(nt, q->vs, q->quorum_up);
}

void check_quorum_init_notify(struct check_vs_rt **v, size_t n,
			      struct check_notify *nt)
{
	for (size_t i = 0; nt && i < n; i++)
		if (v[i]->fresh)
			tell(v[i], nt);
}

static void eval(struct check_vs_rt **v, size_t n, struct check_notify *nt,
		 const bool *skip, bool marked_only);

void check_quorum_eval(struct check_vs_rt **v, size_t n,
		       struct check_notify *nt)
{
	eval(v, n, nt, NULL, false);
}

void check_quorum_eval_marked(struct check_vs_rt **v, size_t n,
			      struct check_notify *nt)
{
	eval(v, n, nt, NULL, true);
}

void check_quorum_eval_some(struct check_vs_rt **v, size_t n,
			    struct check_notify *nt, const bool *skip)
{
	eval(v, n, nt, skip, false);
}

static void eval(struct check_vs_rt **v, size_t n, struct check_notify *nt,
		 const bool *skip, bool marked_only)
{
	for (size_t i = 0; i < n; i++) {
		struct check_vs_rt *q = v[i];
		const struct check_vs *vs = q->vs;
		uint64_t live;

		if ((skip && skip[i]) || (marked_only && !q->table_dirty))
			continue;
		live = check_vs_live_weight(vs);
		uint64_t lo = vs->quorum > vs->hysteresis
			    ? vs->quorum - vs->hysteresis : 0;
		uint64_t hi = (uint64_t)vs->quorum + vs->hysteresis;
		char name[320];

		if (q->quorum_up ? live >= lo : live < hi)
			continue;
		q->quorum_up = !q->quorum_up;
		q->since = real_now();
		q->transitions++;
		check_notify_vs_name(vs, name, sizeof(name));
		if (q->quorum_up)
			log_info("virtual server %s: quorum regained (live weight "
				 "%llu >= %u + %u)%s", name,
				 (unsigned long long)live, vs->quorum,
				 vs->hysteresis, vs->sorry.set
					 ? ": real servers replace the sorry server"
					 : "");
		else
			log_warn("virtual server %s: quorum lost (live weight "
				 "%llu < %u - %u)%s", name,
				 (unsigned long long)live, vs->quorum,
				 vs->hysteresis, vs->sorry.set
					 ? ": the sorry server replaces the real servers"
					 : "");
		tell(q, nt);
	}
}

void check_quorum_stopping(struct check_vs_rt **v, size_t n,
			   struct check_notify *nt)
{
	for (size_t i = 0; i < n; i++)
		if (v[i]->vs->omega && v[i]->quorum_up)
			check_notify_vs(nt, v[i]->vs, false);
}

void check_quorum_free(struct check_vs_rt **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i])
			continue;
		if (v[i]->vs && v[i]->vs->rt == v[i])
			((struct check_vs *)v[i]->vs)->rt = NULL;
		free(v[i]);
	}
	free(v);
}

void check_quorum_dump(struct check_vs_rt *const *v, size_t n, FILE *out)
{
	char name[320];

	fprintf(out, "------< Virtual server quorums >------\n");
	for (size_t i = 0; i < n; i++) {
		const struct check_vs *vs = v[i]->vs;

		check_notify_vs_name(vs, name, sizeof(name));
		fprintf(out, " %s: quorum %s, live weight %llu, quorum %u, "
			"hysteresis %u, %llu transitions\n", name,
			v[i]->quorum_up ? "up" : "down",
			(unsigned long long)check_vs_live_weight(vs), vs->quorum,
			vs->hysteresis, (unsigned long long)v[i]->transitions);
	}
}

struct json_object *check_quorum_json(struct check_vs_rt *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	char name[320];

	for (size_t i = 0; i < n; i++) {
		const struct check_vs *vs = v[i]->vs;
		struct json_object *o = json_object_new_object();

		check_notify_vs_name(vs, name, sizeof(name));
		json_object_object_add(o, "virtual_server", json_object_new_string(name));
		json_object_object_add(o, "quorum_up",
				       json_object_new_boolean(v[i]->quorum_up));
		json_object_object_add(o, "live_weight", json_object_new_int64(
			(int64_t)check_vs_live_weight(vs)));
		json_object_object_add(o, "quorum", json_object_new_int64(vs->quorum));
		json_object_object_add(o, "hysteresis",
				       json_object_new_int64(vs->hysteresis));
		json_object_object_add(o, "sorry_server_in_use", json_object_new_boolean(
			vs->sorry.set && !v[i]->quorum_up));
		json_object_object_add(o, "since_usec",
				       json_object_new_int64((int64_t)v[i]->since));
		json_object_object_add(o, "transitions",
				       json_object_new_int64((int64_t)v[i]->transitions));
		json_object_array_add(a, o);
	}
	return a;
}
