/*
 * An instance's trackers at run time (see vrrp_track.h).
 *
 * Each tracker keeps the state it last saw: an interface's "usable" bit
 * from the runtime's rtnetlink link watcher (never polled; a tracked
 * interface that does not exist is down until it appears), a file's
 * number from the inotify watcher.  After any change the whole list goes
 * through vrrp_track_calc() and the instance is given the result, which
 * it applies only where it differs, so a repeated event costs nothing.
 *
 * The instance's own lines come first, then its sync group's, which
 * every member tracks for itself: they all see the same events and so
 * reach the same verdict.  A weighted line that vrrp_conf_check() marked
 * ignored, and a group's weighted line for an address owner, have no
 * effect and say so in the dumps.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/script.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_track.h"

struct trk {
	const struct vrrp_conf_track *ct;
	bool from_group;
	bool ignored;
	int weight;
	bool reverse;
	int ifindex;
	bool up;
	struct vrrp_tfile *tf;
	struct vrrp_tproc *tp;
	struct vrrp_tscript *ts;
	struct vrrp_track_effect eff;
};

struct vrrp_tracks {
	struct vrrp_tfiles *files;
	struct vrrp_tprocs *procs;
	struct vrrp_tscripts *scripts;
	size_t n;
	struct trk v[];
};

static void resolve(const struct vrrp_inst *vi, struct trk *t)
{
	const struct vrrp_conf_track *ct = t->ct;

	t->weight = ct->weight;
	t->reverse = ct->reverse == 1;
	if (ct->kind == VRRP_TRACK_FILE && ct->file) {
		if (!ct->weight_set)
			t->weight = ct->file->weight;
		if (ct->reverse < 0)
			t->reverse = ct->file->reverse;
	}
	if (ct->kind == VRRP_TRACK_PROCESS && ct->proc) {
		if (!ct->weight_set)
			t->weight = ct->proc->weight;
		if (ct->reverse < 0)
			t->reverse = ct->proc->reverse;
	}
	if (ct->kind == VRRP_TRACK_SCRIPT && ct->script) {
		if (!ct->weight_set)
			t->weight = ct->script->weight;
		if (ct->reverse < 0)
			t->reverse = ct->script->reverse;
	}
	t->ignored = ct->ignored || (t->weight && vi->ci->priority == 255);
}

static void apply(struct vrrp_inst *vi)
{
	struct vrrp_tracks *ts = vi->tracks;
	struct vrrp_track_val vals[ts->n ? ts->n : 1];
	bool fault;
	uint8_t prio;

	for (size_t i = 0; i < ts->n; i++) {
		struct trk *t = &ts->v[i];

		vals[i] = (struct vrrp_track_val){
			.is_file = t->ct->kind == VRRP_TRACK_FILE,
			.weight = t->weight, .reverse = t->reverse,
			.ignored = t->ignored,
			/* a process is "up" while its quorum holds */
			.up = t->tp ? vrrp_tproc_ok(t->tp) :
			      t->ts ? vrrp_tscript_ok(t->ts) : t->up,
			.value = t->tf ? vrrp_tfile_value(t->tf) : 0,
		};
		t->eff = vrrp_track_effect(&vals[i]);
	}
	prio = vrrp_track_calc((uint8_t)vi->ci->priority, vals, ts->n, &fault);
	vrrp_inst_track_result(vi, fault, prio);
}

static size_t count(const struct vrrp_inst *vi)
{
	return vi->ci->ntracks + (vi->ci->sg ? vi->ci->sg->ntracks : 0);
}

static const struct vrrp_conf_track *conf_at(const struct vrrp_inst *vi,
					     size_t i, bool *from_group)
{
	*from_group = i >= vi->ci->ntracks;
	return *from_group ? &vi->ci->sg->tracks[i - vi->ci->ntracks]
			   : &vi->ci->tracks[i];
}

int vrrp_track_new(struct vrrp_inst *vi, struct vrrp_tfiles *files,
		   struct vrrp_tprocs *procs)
{
	size_t n = count(vi);
	struct vrrp_tracks *ts;

	if (!n)
		return 0;
	if (!(ts = calloc(1, sizeof(*ts) + n * sizeof(ts->v[0]))))
		return -ENOMEM;
	ts->files = files;
	ts->procs = procs;
	ts->scripts = vi->env->tscripts;
	ts->n = n;
	vi->tracks = ts;
	for (size_t i = 0; i < n; i++) {
		struct trk *t = &ts->v[i];
		struct nl_link_info li;

		t->ct = conf_at(vi, i, &t->from_group);
		resolve(vi, t);
		if (t->ct->kind == VRRP_TRACK_IF) {
			if (nl_link_get(vi->env->nl, 0, t->ct->name, &li) == 0) {
				t->ifindex = li.ifindex;
				t->up = li.up;
			} else {
				log_warn("VRRP_Instance(%s) tracked interface "
					 "%s not found: down until it appears",
					 vi->ci->name, t->ct->name);
			}
		} else if (t->ct->kind == VRRP_TRACK_FILE && t->ct->file &&
			   files) {
			t->tf = vrrp_tfile_get(files, t->ct->file);
		} else if (t->ct->kind == VRRP_TRACK_PROCESS && t->ct->proc &&
			   procs) {
			t->tp = vrrp_tproc_get(procs, t->ct->proc);
		} else if (t->ct->kind == VRRP_TRACK_SCRIPT && t->ct->script &&
			   ts->scripts) {
			t->ts = vrrp_tscript_get(ts->scripts, t->ct->script);
		}
	}
	apply(vi);
	return 0;
}

void vrrp_track_free(struct vrrp_inst *vi)
{
	struct vrrp_tracks *ts = vi->tracks;

	if (!ts)
		return;
	for (size_t i = 0; i < ts->n; i++) {
		if (ts->v[i].tf)
			vrrp_tfile_put(ts->files, ts->v[i].tf);
		if (ts->v[i].tp)
			vrrp_tproc_put(ts->procs, ts->v[i].tp);
		if (ts->v[i].ts)
			vrrp_tscript_put(ts->scripts, ts->v[i].ts);
	}
	free(ts);
	vi->tracks = NULL;
}

void vrrp_track_link(struct vrrp_inst *vi, enum nl_link_event ev,
		     const struct nl_link_info *link)
{
	struct vrrp_tracks *ts = vi->tracks;
	bool changed = false;

	for (size_t i = 0; ts && i < ts->n; i++) {
		struct trk *t = &ts->v[i];
		bool up = (ev == NL_LINK_UP || ev == NL_LINK_NEW) && link->up;

		if (t->ct->kind != VRRP_TRACK_IF ||
		    (t->ifindex != link->ifindex &&
		     strcmp(t->ct->name, link->name)))
			continue;
		if (ev == NL_LINK_DEL) {
			t->ifindex = 0;
			up = false;
		} else {
			t->ifindex = link->ifindex;
		}
		if (up != t->up) {
			log_info("VRRP_Instance(%s) tracked interface %s %s",
				 vi->ci->name, t->ct->name, up ? "up" : "down");
			t->up = up;
			changed = true;
		}
	}
	if (changed)
		apply(vi);
}

void vrrp_track_file_changed(struct vrrp_inst *vi, struct vrrp_tfile *tf)
{
	struct vrrp_tracks *ts = vi->tracks;

	for (size_t i = 0; ts && i < ts->n; i++)
		if (ts->v[i].tf == tf) {
			apply(vi);
			return;
		}
}

void vrrp_track_proc_changed(struct vrrp_inst *vi, struct vrrp_tproc *tp)
{
	struct vrrp_tracks *ts = vi->tracks;

	for (size_t i = 0; ts && i < ts->n; i++)
		if (ts->v[i].tp == tp) {
			apply(vi);
			return;
		}
}

void vrrp_track_script_changed(struct vrrp_inst *vi, struct vrrp_tscript *sc)
{
	struct vrrp_tracks *ts = vi->tracks;

	for (size_t i = 0; ts && i < ts->n; i++)
		if (ts->v[i].ts == sc) {
			apply(vi);
			return;
		}
}

/* The new config reads the same, line for line: only the pointers move. */
void vrrp_track_set_conf(struct vrrp_inst *vi)
{
	struct vrrp_tracks *ts = vi->tracks;

	if (!ts || ts->n != count(vi))
		return;
	for (size_t i = 0; i < ts->n; i++) {
		ts->v[i].ct = conf_at(vi, i, &ts->v[i].from_group);
		if (ts->v[i].tp && ts->v[i].ct->proc)
			vrrp_tproc_set_conf(ts->v[i].tp, ts->v[i].ct->proc);
	}
}

/* ------------------------------------------------------------------ */

static const char *kind_str(const struct trk *t)
{
	return t->ct->kind == VRRP_TRACK_IF ? "interface" :
	       t->ct->kind == VRRP_TRACK_FILE ? "file" :
	       t->ct->kind == VRRP_TRACK_SCRIPT ? "script" : "process";
}

static const char *state_str(const struct trk *t, char *buf, size_t len)
{
	if (t->ct->kind == VRRP_TRACK_IF)
		return t->up ? "up" : "down";
	if (t->ct->kind == VRRP_TRACK_SCRIPT) {
		snprintf(buf, len, "%s, last: %s", t->ts && vrrp_tscript_ok(t->ts)
			 ? "good" : "bad", t->ts ? vrrp_tscript_last(t->ts) :
			 "not run");
		return buf;
	}
	if (t->ct->kind == VRRP_TRACK_PROCESS) {
		snprintf(buf, len, "%s, %zu running", t->tp &&
			 vrrp_tproc_ok(t->tp) ? "up" : "down",
			 t->tp ? vrrp_tproc_count(t->tp) : 0);
		return buf;
	}
	snprintf(buf, len, "value %lld", t->tf ? vrrp_tfile_value(t->tf) : 0);
	return buf;
}

static const char *effect_str(const struct trk *t, char *buf, size_t len)
{
	if (t->ignored)
		return "ignored";
	if (t->eff.fault)
		return "FAULT";
	snprintf(buf, len, "%+d", t->eff.delta);
	return buf;
}

void vrrp_track_dump(const struct vrrp_inst *vi, FILE *out)
{
	const struct vrrp_tracks *ts = vi->tracks;
	char sb[SCRIPT_WHY_MAX + 32], eb[16];

	if (!ts)
		return;
	fprintf(out, "   Tracking = %zu\n", ts->n);
	for (size_t i = 0; i < ts->n; i++) {
		const struct trk *t = &ts->v[i];

		fprintf(out, "     %s %s%s%s: %s, weight %d%s, effect %s\n",
			kind_str(t), t->ct->name,
			t->tf ? " " : "", t->tf ? vrrp_tfile_path(t->tf) : "",
			state_str(t, sb, sizeof(sb)), t->weight,
			t->reverse ? " reverse" : "",
			effect_str(t, eb, sizeof(eb)));
		if (t->from_group)
			fprintf(out, "       (from sync group %s)\n",
				vrrp_conf_inst_sync_group(vi->ci));
	}
}

struct json_object *vrrp_track_json(const struct vrrp_inst *vi)
{
	const struct vrrp_tracks *ts = vi->tracks;
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; ts && i < ts->n; i++) {
		const struct trk *t = &ts->v[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string(kind_str(t)));
		json_object_object_add(o, "name", json_object_new_string(t->ct->name));
		if (t->ct->kind == VRRP_TRACK_IF) {
			json_object_object_add(o, "up", json_object_new_boolean(t->up));
		} else if (t->ct->kind == VRRP_TRACK_SCRIPT) {
			json_object_object_add(o, "up", json_object_new_boolean(
				t->ts && vrrp_tscript_ok(t->ts)));
			json_object_object_add(o, "last", json_object_new_string(
				t->ts ? vrrp_tscript_last(t->ts) : ""));
			json_object_object_add(o, "runs", json_object_new_int64(
				t->ts ? (int64_t)vrrp_tscript_runs(t->ts) : 0));
		} else if (t->ct->kind == VRRP_TRACK_PROCESS) {
			json_object_object_add(o, "up", json_object_new_boolean(
				t->tp && vrrp_tproc_ok(t->tp)));
			json_object_object_add(o, "running", json_object_new_int64(
				t->tp ? (int64_t)vrrp_tproc_count(t->tp) : 0));
		} else {
			json_object_object_add(o, "path", json_object_new_string(
				t->tf ? vrrp_tfile_path(t->tf) : ""));
			json_object_object_add(o, "value", json_object_new_int64(
				t->tf ? vrrp_tfile_value(t->tf) : 0));
		}
		json_object_object_add(o, "weight", json_object_new_int(t->weight));
		json_object_object_add(o, "reverse", json_object_new_boolean(t->reverse));
		json_object_object_add(o, "ignored", json_object_new_boolean(t->ignored));
		json_object_object_add(o, "fault", json_object_new_boolean(t->eff.fault));
		json_object_object_add(o, "delta", json_object_new_int(t->eff.delta));
		json_object_object_add(o, "from_sync_group",
				       json_object_new_boolean(t->from_group));
		json_object_array_add(a, o);
	}
	return a;
}
