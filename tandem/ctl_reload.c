/*
 * Reloads asked for over the control socket: the waiters and the report.
 *
 * A waiter is NEW until the parent has read the file, then APPLIED until
 * every child confirmed.  Only NEW waiters take the outcome of a parse,
 * so a reload that is refused while an earlier one is still being
 * applied answers its own asker and not the earlier one's.  Each waiter
 * has a serial number: after starting the parent's reload, ctl_reload_ask
 * looks its waiter up by serial (never by a pointer that may have been
 * freed and reused) to see whether it was answered already.
 *
 * Every reload, whoever asked for it (SIGHUP, a child, the socket), is
 * also told to the monitors as one {"event": "reload"}: at once when the
 * file is refused or cannot be passed on, and when the last child has
 * confirmed otherwise, so "applied" means applied.  The event waiting
 * for the children is kept here (rl.ev), apart from the waiters, since a
 * SIGHUP has no waiter.
 *
 * What changed is decided on the text of each top-level block as
 * conf_dump prints it (includes and definitions resolved, spellings
 * normalised, locations ignored): a block named the same in both configs
 * with a different text is "changed", which is what a user comparing the
 * files would call a change.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "tandem/config.h"
#include "tandem/ctl_hub.h"
#include "tandem/ctl_proto.h"
#include "tandem/ctl_reload.h"

enum waiter_state { W_NEW, W_APPLIED };

struct waiter {
	struct waiter *next;
	unsigned long serial;
	enum waiter_state state;
	ctl_reload_cb cb;
	void *ud;
	struct json_object *changes, *warnings, *children;
	bool child_failed;
	char failed_child[32];
};

static struct {
	void (*trigger)(void *);
	void *arg;
	struct waiter *w;
	unsigned long serial;
	struct json_object *ev;		/* the reload event being applied */
	bool ev_failed;
} rl;

static struct json_object *reload_event(const char *result)
{
	struct json_object *ev = json_object_new_object();

	if (ev) {
		json_object_object_add(ev, "event", json_object_new_string("reload"));
		json_object_object_add(ev, "result", json_object_new_string(result));
	}
	return ev;
}

/* Give ev (taken over) to the monitors. */
static void emit(struct json_object *ev)
{
	if (ev)
		ctl_relay_emit(ev);
	json_object_put(ev);
}

void ctl_reload_set_trigger(void (*fn)(void *arg), void *arg)
{
	rl.trigger = fn;
	rl.arg = arg;
}

static void waiter_free(struct waiter *w)
{
	json_object_put(w->changes);
	json_object_put(w->warnings);
	json_object_put(w->children);
	free(w);
}

static void unlink_waiter(struct waiter *w)
{
	for (struct waiter **pp = &rl.w; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			return;
		}
	}
}

/* Unlink, answer, free: the callback may ask again. */
static void answer(struct waiter *w, struct json_object *reply)
{
	unlink_waiter(w);
	w->cb(reply, w->ud);
	waiter_free(w);
}

/* Answer every waiter in state st with a copy of one reply. */
static void answer_all(enum waiter_state st, bool any_state,
		       struct json_object *reply)
{
	for (;;) {
		struct waiter *w = rl.w;

		while (w && !any_state && w->state != st)
			w = w->next;
		if (!w)
			break;
		answer(w, reply);
	}
}

struct diag_walk {
	struct json_object *errors, *warnings;
};

static void diag_entry(const struct conf_diag_entry *e, void *arg)
{
	struct diag_walk *dw = arg;
	struct json_object *o = json_object_new_object();

	if (!o)
		return;
	json_object_object_add(o, "file", e->file ? json_object_new_string(e->file)
						  : NULL);
	json_object_object_add(o, "line", json_object_new_int(e->line));
	json_object_object_add(o, "message", json_object_new_string(e->msg));
	json_object_array_add(e->sev == CONF_ERROR ? dw->errors : dw->warnings, o);
}

void ctl_reload_parsed(const struct tandem_config *old,
		       const struct tandem_config *ncfg,
		       const struct conf_diag *d)
{
	struct diag_walk dw = {
		.errors = json_object_new_array(),
		.warnings = json_object_new_array(),
	};
	struct json_object *changes;

	conf_diag_foreach(d, diag_entry, &dw);
	if (!ncfg) {
		struct json_object *ev = reload_event("refused");

		if (ev) {
			json_object_object_add(ev, "errors", json_object_get(dw.errors));
			json_object_object_add(ev, "warnings", json_object_get(dw.warnings));
		}
		emit(ev);
	}
	if (!rl.w && !ncfg)
		goto out;
	if (!ncfg) {
		struct json_object *r = ctl_error("reload refused: %zu error%s; "
						  "the running config is kept",
						  json_object_array_length(dw.errors),
						  json_object_array_length(dw.errors) == 1 ? "" : "s");

		if (r) {
			json_object_object_add(r, "errors", json_object_get(dw.errors));
			json_object_object_add(r, "warnings", json_object_get(dw.warnings));
		}
		answer_all(W_NEW, false, r);
		json_object_put(r);
		goto out;
	}
	changes = ctl_config_changes(old, ncfg);
	/* A reload read while the last one is still being applied: the
	 * children confirm both at once, so one event says so, with the
	 * changes of the newer file. */
	json_object_put(rl.ev);
	rl.ev = reload_event("applied");
	rl.ev_failed = false;
	if (rl.ev) {
		json_object_object_add(rl.ev, "changes", json_object_get(changes));
		json_object_object_add(rl.ev, "children", json_object_new_object());
		json_object_object_add(rl.ev, "warnings", json_object_get(dw.warnings));
	}
	for (struct waiter *w = rl.w; w; w = w->next) {
		if (w->state != W_NEW)
			continue;
		w->state = W_APPLIED;
		w->changes = json_object_get(changes);
		w->warnings = json_object_get(dw.warnings);
		w->children = json_object_new_object();
	}
	json_object_put(changes);
out:
	json_object_put(dw.errors);
	json_object_put(dw.warnings);
}

void ctl_reload_failed(const char *why)
{
	struct json_object *r = ctl_error("reload failed: %s", why);
	struct json_object *ev = reload_event("failed");

	if (ev)
		json_object_object_add(ev, "error", json_object_new_string(why));
	json_object_put(rl.ev);	/* the "applied" one parsing made */
	rl.ev = NULL;
	emit(ev);
	answer_all(W_NEW, false, r);
	json_object_put(r);
}

void ctl_reload_child_done(const char *child, int status)
{
	struct json_object *ch;

	if (rl.ev && json_object_object_get_ex(rl.ev, "children", &ch))
		json_object_object_add(ch, child, json_object_new_string(
			status ? "failed" : "applied"));
	if (rl.ev && status && !rl.ev_failed) {
		char m[96];

		rl.ev_failed = true;
		snprintf(m, sizeof(m), "the %s child could not apply the new "
			 "config and keeps running the old one", child);
		json_object_object_add(rl.ev, "result", json_object_new_string("failed"));
		json_object_object_add(rl.ev, "error", json_object_new_string(m));
	}
	for (struct waiter *w = rl.w; w; w = w->next) {
		if (w->state != W_APPLIED || !w->children)
			continue;
		json_object_object_add(w->children, child, json_object_new_string(
			status ? "failed" : "applied"));
		if (status && !w->child_failed) {
			w->child_failed = true;
			snprintf(w->failed_child, sizeof(w->failed_child), "%s", child);
		}
	}
}

void ctl_reload_complete(void)
{
	struct json_object *ev = rl.ev;

	rl.ev = NULL;
	emit(ev);
	for (;;) {
		struct waiter *w = rl.w;
		struct json_object *res, *r;

		while (w && w->state != W_APPLIED)
			w = w->next;
		if (!w)
			break;
		res = json_object_new_object();
		if (res) {
			json_object_object_add(res, "changes", json_object_get(w->changes));
			json_object_object_add(res, "children", json_object_get(w->children));
			json_object_object_add(res, "warnings", json_object_get(w->warnings));
		}
		if (w->child_failed) {
			r = ctl_error("the %s child could not apply the new config "
				      "and keeps running the old one", w->failed_child);
			if (r)
				json_object_object_add(r, "result", res);
			else
				json_object_put(res);
		} else {
			r = ctl_ok(res);
		}
		answer(w, r);
		json_object_put(r);
	}
}

void ctl_reload_abort(const char *why)
{
	struct json_object *r = ctl_error("reload not finished: %s", why);

	json_object_put(rl.ev);
	rl.ev = NULL;
	answer_all(W_NEW, true, r);
	json_object_put(r);
}

int ctl_reload_ask(ctl_reload_cb cb, void *ud)
{
	struct waiter *w;
	unsigned long serial;

	if (!rl.trigger)
		return -ENOTSUP;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->serial = serial = ++rl.serial;
	w->cb = cb;
	w->ud = ud;
	w->next = rl.w;
	rl.w = w;
	rl.trigger(rl.arg);
	for (w = rl.w; w && w->serial != serial; w = w->next)
		;
	if (w && w->state == W_NEW) {
		/* The parent did not read the file (it is stopping). */
		struct json_object *r = ctl_error("reload not started: tandem is stopping");

		answer(w, r);
		json_object_put(r);
	}
	return 0;
}

void ctl_reload_cancel(void *ud)
{
	for (struct waiter *w = rl.w, *next; w; w = next) {
		next = w->next;
		if (w->ud == ud) {
			unlink_waiter(w);
			waiter_free(w);
		}
	}
}

/* ------------------------------------------------------------------ */
/* What changed                                                        */

struct block {
	char *name;
	const struct conf_node *node;
	bool matched;
};

/* Names to numbers, by hash: the blocks of a config are matched by name,
 * and a config has thousands of them (one per virtual server), so a scan
 * per block would make a reload quadratic. */
struct names {
	size_t mask;
	struct { const char *name; size_t val; } *slot;	/* name NULL: free */
};

static bool names_init(struct names *t, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	t->mask = cap - 1;
	t->slot = calloc(cap, sizeof(*t->slot));
	return t->slot != NULL;
}

/* name's value; NULL when it has none and add is false, else a new
 * value (zero) that keeps name as its key. */
static size_t *names_at(struct names *t, const char *name, bool add)
{
	size_t i = (size_t)conf_str_hash(name) & t->mask;

	while (t->slot[i].name && strcmp(t->slot[i].name, name))
		i = (i + 1) & t->mask;
	if (!t->slot[i].name) {
		if (!add)
			return NULL;
		t->slot[i].name = name;
	}
	return &t->slot[i].val;
}

static char *node_name(const struct conf_node *n)
{
	size_t len = strlen(n->word), at;
	char *buf;

	for (size_t i = 0; i < n->nargs; i++)
		len += 1 + strlen(n->args[i]);
	if (!(buf = malloc(len + 1)))
		return NULL;
	at = strlen(n->word);
	memcpy(buf, n->word, at);
	for (size_t i = 0; i < n->nargs; i++) {
		size_t l = strlen(n->args[i]);

		buf[at++] = ' ';
		memcpy(buf + at, n->args[i], l);
		at += l;
	}
	buf[at] = '\0';
	return buf;
}

/* Would node_name name a and b alike?  (Word for word: the same.) */
static bool same_name(const struct conf_node *a, const struct conf_node *b)
{
	if (a->nargs != b->nargs || strcmp(a->word, b->word))
		return false;
	for (size_t i = 0; i < a->nargs; i++)
		if (strcmp(a->args[i], b->args[i]))
			return false;
	return true;
}

static void blocks_free(struct block *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].name);
	free(v);
}

/* The top-level statements of cfg, named; NULL when out of memory. */
static struct block *blocks_of(const struct tandem_config *cfg, size_t *n)
{
	const struct conf_node *first = cfg && cfg->tree ? cfg->tree->first : NULL;
	struct block *v = NULL;
	struct names seen;
	size_t cnt = 0;

	for (const struct conf_node *x = first; x; x = x->next)
		cnt++;
	*n = 0;
	if (!names_init(&seen, cnt))
		return NULL;
	v = calloc(cnt ? cnt : 1, sizeof(*v));
	for (const struct conf_node *x = first; v && x; x = x->next) {
		char *name = node_name(x), *numbered;
		size_t *dup;

		if (!name)
			goto fail;
		v[*n].name = name;	/* freed with v from here on */
		v[*n].node = x;
		(*n)++;
		/* The key is the first block's name, which v keeps. */
		dup = names_at(&seen, name, true);
		/* The same name twice (two global_defs): number the
		 * repeats. */
		if (++*dup == 1)
			continue;
		if (asprintf(&numbered, "%s#%zu", name, *dup) < 0)
			goto fail;
		v[*n - 1].name = numbered;
		free(name);
	}
	free(seen.slot);
	return v;
fail:
	free(seen.slot);
	blocks_free(v, *n);
	*n = 0;
	return NULL;
}

/* Where at most this many blocks changed, a config whose blocks are
 * named as before, in the same order, is compared in place. */
#define IN_PLACE_MAX 64

/* A reload that edits values leaves every block where it was: then the
 * blocks are compared pairwise, and only the changed ones are named
 * (numbered as blocks_of would, by the earlier blocks of that name).
 * False when they moved, or too many changed: compare by name. */
static bool changes_in_place(const struct conf_node *a,
			     const struct conf_node *first, const bool *same,
			     struct json_object *chg)
{
	const struct conf_node *at[IN_PLACE_MAX];
	const struct conf_node *b = first;
	struct conf_cmp *cmp = conf_cmp_new(&conf_top_block);
	size_t n = 0;

	if (!cmp)
		return false;
	for (size_t i = 0; a && b; a = a->next, b = b->next, i++) {
		/* The same to the letter prints the same. */
		if (same && same[i])
			continue;
		if (!same_name(a, b))
			break;
		if (conf_cmp_same(cmp, a, b))
			continue;
		if (n == IN_PLACE_MAX)
			break;
		at[n++] = b;
	}
	conf_cmp_free(cmp);
	if (a || b)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned dup = 1;
		char *name = node_name(at[i]), *numbered = NULL;

		for (const struct conf_node *x = first; x != at[i]; x = x->next)
			dup += same_name(x, at[i]);
		if (name && dup > 1 && asprintf(&numbered, "%s#%u", name, dup) < 0)
			numbered = NULL;
		if (numbered) {
			free(name);
			name = numbered;
		}
		if (name)
			json_object_array_add(chg, json_object_new_string(name));
		free(name);
	}
	return true;
}

struct json_object *ctl_config_changes(const struct tandem_config *old,
				       const struct tandem_config *ncfg)
{
	struct json_object *o = json_object_new_object();
	struct json_object *add = json_object_new_array();
	struct json_object *rem = json_object_new_array();
	struct json_object *chg = json_object_new_array();
	size_t no = 0, nn = 0;
	struct block *a = NULL, *b = NULL;
	struct conf_cmp *cmp = NULL;
	struct names by_name = { 0 };

	if (old && old->tree && ncfg && ncfg->tree &&
	    changes_in_place(old->tree->first, ncfg->tree->first,
			     ncfg->same_top && ncfg->same_base == old->serial
				     ? ncfg->same_top : NULL, chg))
		goto done;
	a = blocks_of(old, &no);
	b = blocks_of(ncfg, &nn);
	cmp = conf_cmp_new(&conf_top_block);
	if (a && b && cmp && names_init(&by_name, nn)) {
		/* Names are unique by now (repeats are numbered). */
		for (size_t k = 0; k < nn; k++)
			*names_at(&by_name, b[k].name, true) = k;
		for (size_t i = 0; i < no; i++) {
			size_t *k = names_at(&by_name, a[i].name, false);
			struct block *m = k ? &b[*k] : NULL;

			if (!m) {
				json_object_array_add(rem, json_object_new_string(a[i].name));
				continue;
			}
			m->matched = true;
			if (!conf_cmp_same(cmp, a[i].node, m->node))
				json_object_array_add(chg, json_object_new_string(a[i].name));
		}
		for (size_t k = 0; k < nn; k++)
			if (!b[k].matched)
				json_object_array_add(add, json_object_new_string(b[k].name));
	}
done:
	json_object_object_add(o, "added", add);
	json_object_object_add(o, "removed", rem);
	json_object_object_add(o, "changed", chg);
	free(by_name.slot);
	conf_cmp_free(cmp);
	blocks_free(a, no);
	blocks_free(b, nn);
	return o;
}
