/*
 * Trackers in the config: the lines of track_interface and track_file in
 * a vrrp_instance or a vrrp_sync_group, and the top-level track_file
 * blocks they name.
 *
 * A line is "NAME [weight W [reverse|noreverse]]"; the ranges are
 * keepalived's (interfaces -253..253, files -254..254 in a line and any
 * int in the block).  Lines are kept as written; what depends on other
 * blocks is settled in vrrp_conf_track_check(), called by
 * vrrp_conf_check() once every block was read:
 *   - a track_file line must name a track_file block (defined anywhere);
 *   - keepalived's manual says a member of a sync group must track with
 *     weight 0 unless the group has sync_group_tracking_weight, and an
 *     address owner (priority 255) too, since its priority cannot move:
 *     such a line is ignored, with a warning that says so.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

static int nomem(struct conf_ctx *c, const struct conf_node *n)
{
	conf_err(c, n, "out of memory");
	return -1;
}

/* Parse one line into a new entry of *list. */
int vrrp_conf_track_line(struct conf_ctx *c, const struct conf_node *n,
			 struct vrrp_conf_track **list, uint32_t *count,
			 int kind)
{
	int64_t lim = kind == VRRP_TRACK_IF || kind == VRRP_TRACK_SCRIPT ?
		      253 : 254;
	bool noreverse_ok = kind != VRRP_TRACK_IF;
	struct vrrp_conf_track t, *grown;
	int64_t w = 0;
	size_t i = 0;

	memset(&t, 0, sizeof(t));
	t.kind = kind;
	t.reverse = -1;
	if (kind == VRRP_TRACK_IF && (!n->word[0] || strlen(n->word) >
				      VRRP_CONF_IFNAME_MAX ||
				      strchr(n->word, '/'))) {
		conf_err(c, n, "expected an interface name of 1..%d characters, "
			 "got '%s'", VRRP_CONF_IFNAME_MAX, n->word);
		return -1;
	}
	if (n->nargs) {
		if (strcmp(n->args[0], "weight") || n->nargs < 2) {
			conf_err(c, n, "expected '%s [weight %lld..%lld "
				 "[reverse]]', got '%s'", n->word,
				 (long long)-lim, (long long)lim, n->args[0]);
			return -1;
		}
		if (conf_arg_int(c, n, 1, -lim, lim, &w) < 0)
			return -1;
		t.weight = (int)w;
		t.weight_set = true;
		i = 2;
	}
	for (; i < n->nargs; i++) {
		if (!strcmp(n->args[i], "reverse") && t.reverse < 0) {
			t.reverse = 1;
		} else if (noreverse_ok &&
			   !strcmp(n->args[i], "noreverse") && t.reverse < 0) {
			t.reverse = 0;
		} else {
			conf_err(c, n, "expected 'reverse'%s after the weight, "
				 "got '%s'", noreverse_ok ?
				 " or 'noreverse'" : "", n->args[i]);
			return -1;
		}
	}
	for (size_t j = 0; j < *count; j++)
		if ((*list)[j].kind == kind && !strcmp((*list)[j].name, n->word)) {
			conf_err(c, n, "'%s' is tracked twice in this block",
				 n->word);
			return -1;
		}
	/* the count is 32 bits (an instance keeps one, 1,000 times) */
	if (*count == UINT32_MAX ||
	    !(grown = realloc(*list, ((size_t)*count + 1) * sizeof(*grown))))
		return nomem(c, n);
	*list = grown;
	if (!(t.name = strdup(n->word)))
		return nomem(c, n);
	if (vrrp_conf_loc_set(&t.loc, n) < 0) {
		free(t.name);
		return nomem(c, n);
	}
	grown[(*count)++] = t;
	return 0;
}

int vrrp_conf_h_track_if(struct conf_ctx *c, const struct conf_node *n,
			 void *obj)
{
	struct vrrp_conf_instance *in = obj;

	return vrrp_conf_track_line(c, n, &in->tracks, &in->ntracks, VRRP_TRACK_IF);
}

int vrrp_conf_h_track_file(struct conf_ctx *c, const struct conf_node *n,
			   void *obj)
{
	struct vrrp_conf_instance *in = obj;

	return vrrp_conf_track_line(c, n, &in->tracks, &in->ntracks, VRRP_TRACK_FILE);
}

int vrrp_conf_sg_h_track_if(struct conf_ctx *c, const struct conf_node *n,
			    void *obj)
{
	struct vrrp_conf_sync_group *g = obj;

	return vrrp_conf_track_line(c, n, &g->tracks, &g->ntracks, VRRP_TRACK_IF);
}

int vrrp_conf_sg_h_track_file(struct conf_ctx *c, const struct conf_node *n,
			      void *obj)
{
	struct vrrp_conf_sync_group *g = obj;

	return vrrp_conf_track_line(c, n, &g->tracks, &g->ntracks, VRRP_TRACK_FILE);
}

int vrrp_conf_h_track_proc(struct conf_ctx *c, const struct conf_node *n,
			   void *obj)
{
	struct vrrp_conf_instance *in = obj;

	return vrrp_conf_track_line(c, n, &in->tracks, &in->ntracks, VRRP_TRACK_PROCESS);
}

int vrrp_conf_sg_h_track_proc(struct conf_ctx *c, const struct conf_node *n,
			      void *obj)
{
	struct vrrp_conf_sync_group *g = obj;

	return vrrp_conf_track_line(c, n, &g->tracks, &g->ntracks, VRRP_TRACK_PROCESS);
}

void vrrp_conf_tracks_free(struct vrrp_conf_track *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].name);
		vrrp_conf_loc_free(&t[i].loc);
	}
	free(t);
}

/* ------------------------------------------------------------------ */
/* track_file NAME { file PATH; weight W [reverse]; init_file [V] [overwrite] } */

#define TF(f)	offsetof(struct vrrp_conf_track_file, f)

static int h_tf_weight(struct conf_ctx *c, const struct conf_node *n,
		       void *obj)
{
	struct vrrp_conf_track_file *tf = obj;
	int64_t w;

	if (conf_arg_count(c, n, 1, 2) < 0 ||
	    conf_arg_int(c, n, 0, -2147483647LL, 2147483647LL, &w) < 0)
		return -1;
	if (n->nargs == 2 && strcmp(n->args[1], "reverse")) {
		conf_err(c, n, "expected 'reverse' after the weight, got '%s'",
			 n->args[1]);
		return -1;
	}
	tf->weight = (int)w;
	tf->reverse = n->nargs == 2;
	return 0;
}

static int h_tf_init(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_file *tf = obj;
	bool got = false;
	int64_t v;

	tf->init_file = true;
	for (size_t i = 0; i < n->nargs; i++) {
		if (!strcmp(n->args[i], "overwrite") && !tf->init_overwrite) {
			tf->init_overwrite = true;
		} else if (!got && !tf->init_overwrite) {
			if (conf_arg_int(c, n, i, -2147483647LL - 1,
					 2147483647LL, &v) < 0)
				return -1;
			tf->init_value = v;
			got = true;
		} else {
			conf_err(c, n, "expected [VALUE] [overwrite], got '%s'",
				 n->args[i]);
			return -1;
		}
	}
	return 0;
}

static const struct conf_keyword track_file_keywords[] = {
	{ .name = "file", .type = CONF_T_STR, .offset = TF(path) },
	{ .name = "weight", .type = CONF_T_CUSTOM, .handler = h_tf_weight,
	  .expect = "WEIGHT [reverse]" },
	{ .name = "init_file", .type = CONF_T_CUSTOM, .handler = h_tf_init,
	  .expect = "[VALUE] [overwrite]" },
	{ .name = NULL },
};

static void *tf_open(struct conf_ctx *c, const struct conf_node *n,
		     void *parent)
{
	struct vrrp_conf *vc = parent;
	struct vrrp_conf_track_file *tf, **grown;

	if (n->nargs != 1) {
		conf_err(c, n, "expected one track_file name before '{', got "
			 "%zu words", n->nargs);
		return NULL;
	}
	for (size_t i = 0; i < vc->ntrack_files; i++)
		if (!strcmp(vc->track_files[i]->name, n->args[0])) {
			conf_err(c, n, "track_file '%s' defined twice (before "
				 "at %s:%d)", n->args[0],
				 vrrp_conf_loc_file(&vc->track_files[i]->loc),
				 vc->track_files[i]->loc.line);
			return NULL;
		}
	if (!(tf = calloc(1, sizeof(*tf))))
		goto fail;
	tf->weight = 1;
	grown = realloc(vc->track_files, (vc->ntrack_files + 1) * sizeof(*grown));
	if (!grown) {
		free(tf);
		goto fail;
	}
	vc->track_files = grown;
	grown[vc->ntrack_files++] = tf;
	if (!(tf->name = strdup(n->args[0])) || vrrp_conf_loc_set(&tf->loc, n))
		goto fail;
	return tf;
fail:
	nomem(c, n);
	return NULL;
}

static int tf_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_track_file *tf = obj;

	if (!tf->path || !tf->path[0]) {
		conf_err(c, n, "track_file '%s' has no file (expected "
			 "file PATH)", tf->name);
		return -1;
	}
	return 0;
}

static const struct conf_block track_file_block = {
	.name = "track_file",
	.keywords = track_file_keywords,
	.open = tf_open,
	.close = tf_close,
};

int vrrp_conf_track_file_stmt(struct conf_ctx *c, const struct conf_node *n,
			      void *obj)
{
	if (!n->block) {
		conf_err(c, n, "expected NAME {, got no block");
		return -1;
	}
	return conf_apply_block(c, n, &track_file_block, obj);
}

void vrrp_conf_track_files_free(struct vrrp_conf *vc)
{
	for (size_t i = 0; i < vc->ntrack_files; i++) {
		free(vc->track_files[i]->name);
		free(vc->track_files[i]->path);
		vrrp_conf_loc_free(&vc->track_files[i]->loc);
		free(vc->track_files[i]);
	}
	free(vc->track_files);
	vc->track_files = NULL;
	vc->ntrack_files = 0;
}

/* ------------------------------------------------------------------ */

static const char *kw(const struct vrrp_conf_track *t)
{
	return t->kind == VRRP_TRACK_IF ? "track_interface" :
	       t->kind == VRRP_TRACK_FILE ? "track_file" :
	       t->kind == VRRP_TRACK_SCRIPT ? "track_script" : "track_process";
}

static int weight_of(const struct vrrp_conf_track *t)
{
	if (t->kind == VRRP_TRACK_FILE && !t->weight_set)
		return t->file ? t->file->weight : 0;
	if (t->kind == VRRP_TRACK_PROCESS && !t->weight_set)
		return t->proc ? t->proc->weight : 0;
	if (t->kind == VRRP_TRACK_SCRIPT && !t->weight_set)
		return t->script ? t->script->weight : 0;
	return t->weight;
}

static void resolve(struct vrrp_conf *vc, struct vrrp_conf_track *t,
		    size_t n, struct conf_diag *d)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].kind == VRRP_TRACK_SCRIPT) {
			t[i].script = NULL;
			for (size_t j = 0; j < vc->ntrack_scripts &&
					   !t[i].script; j++)
				if (!strcmp(vc->track_scripts[j]->name, t[i].name))
					t[i].script = vc->track_scripts[j];
			if (!t[i].script)
				conf_diag_add(d, CONF_ERROR,
					      vrrp_conf_loc_file(&t[i].loc),
					      t[i].loc.line, "track_script: '%s' "
					      "is not a vrrp_script block",
					      t[i].name);
			continue;
		}
		if (t[i].kind == VRRP_TRACK_PROCESS) {
			t[i].proc = NULL;
			for (size_t j = 0; j < vc->ntrack_procs && !t[i].proc; j++)
				if (!strcmp(vc->track_procs[j]->name, t[i].name))
					t[i].proc = vc->track_procs[j];
			if (!t[i].proc)
				conf_diag_add(d, CONF_ERROR,
					      vrrp_conf_loc_file(&t[i].loc),
					      t[i].loc.line, "track_process: '%s' "
					      "is not a vrrp_track_process block",
					      t[i].name);
			continue;
		}
		if (t[i].kind != VRRP_TRACK_FILE)
			continue;
		t[i].file = NULL;
		for (size_t j = 0; j < vc->ntrack_files && !t[i].file; j++)
			if (!strcmp(vc->track_files[j]->name, t[i].name))
				t[i].file = vc->track_files[j];
		if (!t[i].file)
			conf_diag_add(d, CONF_ERROR,
				      vrrp_conf_loc_file(&t[i].loc), t[i].loc.line,
				      "track_file: '%s' is not a track_file "
				      "block", t[i].name);
	}
}

static void ignore(struct vrrp_conf_track *t, struct conf_diag *d,
		   const char *why)
{
	t->ignored = true;
	conf_diag_add(d, CONF_WARNING, vrrp_conf_loc_file(&t->loc), t->loc.line,
		      "%s: '%s' has weight %d, but %s: this line is ignored "
		      "(give weight 0 to track it)", kw(t), t->name,
		      weight_of(t), why);
}

void vrrp_conf_track_check(struct vrrp_conf *vc, struct conf_diag *d)
{
	char why[256];

	for (size_t i = 0; i < vc->ngroups; i++)
		resolve(vc, vc->groups[i]->tracks, vc->groups[i]->ntracks, d);
	for (size_t i = 0; i < vc->ninst; i++) {
		struct vrrp_conf_instance *in = vc->inst[i];

		resolve(vc, in->tracks, in->ntracks, d);
		for (size_t j = 0; j < in->ntracks; j++) {
			struct vrrp_conf_track *t = &in->tracks[j];

			t->ignored = false;
			if (!weight_of(t))
				continue;
			if (in->priority == 255) {
				snprintf(why, sizeof(why), "instance '%s' has "
					 "priority 255 (address owner), whose "
					 "priority trackers cannot change",
					 in->name);
				ignore(t, d, why);
			} else if (in->sg && !in->sg->tracking_weight) {
				snprintf(why, sizeof(why), "instance '%s' is in "
					 "sync group '%s' without "
					 "sync_group_tracking_weight", in->name,
					 in->sg->name);
				ignore(t, d, why);
			}
		}
		/* A group's weighted trackers cannot move an owner either;
		 * the runtime skips them for it, say so here. */
		for (size_t j = 0; in->sg && in->priority == 255 &&
				   j < in->sg->ntracks; j++)
			if (weight_of(&in->sg->tracks[j]))
				conf_diag_add(d, CONF_WARNING,
					      vrrp_conf_loc_file(
						      &in->sg->tracks[j].loc),
					      in->sg->tracks[j].loc.line,
					      "%s: '%s' has a weight, which "
					      "member '%s' (priority 255) "
					      "ignores", kw(&in->sg->tracks[j]),
					      in->sg->tracks[j].name, in->name);
	}
}
