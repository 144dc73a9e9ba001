/*
 * FILE_CHECK: the real server's state (and, with `dynamic`, part of its
 * weight) comes from a number in a file that something else writes.
 *
 * keepalived's FILE_CHECK names a global `track_file NAME { file ...;
 * weight ... }` block; tandem also takes the file itself, `file PATH`.
 * The blocks are parsed by the VRRP side's config (they are trackers
 * there too), which check/ cannot see, so a named one is resolved after
 * the whole file is read (check_conf_track_files, called by tandem/ with
 * the blocks copied into check's own struct): its file, and its weight
 * unless the FILE_CHECK gives one.  The meaning is keepalived's: with
 * weight 0 a value of 0 is up
 * and anything else down; otherwise the value times the weight (negated
 * with `reverse`) is the result, down when it is -2147483648 or less (or
 * does not fit), and with `dynamic` added to the real server's weight
 * (so to the quorum too).  A file that is missing or does not hold a
 * number is down, with that reason.
 *
 * The file is watched, not polled: a check reads it, and reports when
 * the result is new; when it is the same it waits, through sd-event's
 * inotify on the file's folder (writers usually replace the file), for
 * a change, re-reading every connect_timeout as a safety net.  Like
 * keepalived's it takes none of the common checker keywords and has no
 * retries: a change of the file is a change of state at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>

#include "check/check_checker.h"

struct file_state {
	bool have;			/* a result was reported */
	bool ok;
	int64_t delta;
	char why[CHECK_REASON_MAX];
	sd_event_source *ino, *timer;	/* while waiting for a change */
};

static int h_track_file(struct conf_ctx *c, const struct conf_node *n,
			void *obj)
{
	struct check_file_conf *f = &((struct check_checker *)obj)->u.file;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	free(f->track);
	if (!(f->track = strdup(n->args[0]))) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	return 0;
}

static int h_weight(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct check_file_conf *f = &((struct check_checker *)obj)->u.file;
	int64_t w;

	if (conf_arg_count(c, n, 1, 2) < 0 ||
	    conf_arg_int(c, n, 0, -2147483647, 2147483647, &w) < 0)
		return -1;
	if (n->nargs == 2 && strcmp(n->args[1], "reverse")) {
		conf_err(c, n, "expected \"reverse\" after the weight, got \"%s\"",
			 n->args[1]);
		return -1;
	}
	f->weight = w;
	f->weight_set = true;
	f->reverse = n->nargs == 2;
	return 0;
}

static void *file_open(struct conf_ctx *c, const struct conf_node *n,
		       void *parent)
{
	struct check_checker *ck = check_ck_open(c, n, parent, CHECK_K_FILE);

	if (ck) {
		/* None of the common settings: no retry, no pause between
		 * changes (a check waits for one), no warmup, no alpha. */
		ck->inh.retry = 0;
		ck->inh.delay_loop = 0;
		ck->inh.warmup = 0;
		ck->inh.alpha = 0;
	}
	return ck;
}

static int file_close(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	const struct check_file_conf *f = &((struct check_checker *)obj)->u.file;

	if (!f->file && !f->track) {
		conf_err(c, n, "expected what to read: \"track_file NAME\" "
			 "or \"file PATH\"");
		return -1;
	}
	if (f->file && f->track) {
		conf_err(c, n, "expected one of \"track_file NAME\" and "
			 "\"file PATH\", got both");
		return -1;
	}
	return 0;
}

static const struct conf_keyword file_keywords[] = {
	{ .name = "track_file", .type = CONF_T_CUSTOM, .handler = h_track_file,
	  .expect = "NAME" },
	{ .name = "file", .type = CONF_T_STR, .offset = CK_(u.file.file) },
	{ .name = "weight", .type = CONF_T_CUSTOM, .handler = h_weight,
	  .expect = "-2147483647..2147483647 [reverse]" },
	{ .name = "dynamic", .type = CONF_T_FLAG, .offset = CK_(u.file.dynamic) },
	{ .name = NULL },
};

const struct conf_block check_file_block = {
	.name = "FILE_CHECK",
	.keywords = file_keywords,
	.open = file_open,
	.close = file_close,
};

/* Read the file and work out the result into ok / delta / why. */
static void evaluate(const struct check_file_conf *f, bool *ok, int64_t *delta,
		     char *why, size_t wlen)
{
	char buf[64], *end;
	int fd = open(f->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t r = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	int64_t w = f->weight_set ? f->weight : 1, v, prod;
	long long ll;

	*ok = false;
	*delta = 0;
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		snprintf(why, wlen, "FILE: %s: %s", f->file, strerror(errno));
		return;
	}
	buf[r] = '\0';
	errno = 0;
	ll = strtoll(buf, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (end == buf || *end || errno) {
		snprintf(why, wlen, "FILE: %s does not hold a number", f->file);
		return;
	}
	v = ll;
	if (f->reverse)
		w = -w;
	if (!w) {
		*ok = v == 0;
		if (!*ok)
			snprintf(why, wlen, "FILE: %s reads %lld (weight 0: "
				 "not 0 is down)", f->file, ll);
		return;
	}
	if (__builtin_mul_overflow(v, w, &prod) || prod <= INT32_MIN) {
		snprintf(why, wlen, "FILE: %s reads %lld, times weight %lld is "
			 "too low", f->file, ll, (long long)w);
		return;
	}
	*ok = true;
	*delta = f->dynamic ? prod : 0;
}

static void stop_wait(struct file_state *st)
{
	st->ino = sd_event_source_disable_unref(st->ino);
	st->timer = sd_event_source_disable_unref(st->timer);
}

/* Report the file's result if it differs from the last one; true when
 * it did (the check is over). */
static bool report_if_new(struct check_probe *p)
{
	struct file_state *st = p->priv;
	bool ok;
	int64_t delta;
	char why[CHECK_REASON_MAX] = "";

	evaluate(&p->ck->u.file, &ok, &delta, why, sizeof(why));
	if (st->have && ok == st->ok && delta == st->delta &&
	    !strcmp(why, st->why))
		return false;
	stop_wait(st);
	st->have = true;
	st->ok = ok;
	st->delta = delta;
	memcpy(st->why, why, sizeof(why));
	check_probe_weight_delta(p, delta);
	p->done(p, ok, ok ? NULL : why);
	return true;
}

static int on_change(sd_event_source *s, const struct inotify_event *ev,
		     void *ud)
{
	(void)s;
	(void)ev;
	report_if_new(ud);
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	struct check_probe *p = ud;

	/* A time source fires once: re-arm it for the next look. */
	if (!report_if_new(p) && sd_event_source_set_time(s, usec + p->timeout) >= 0)
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return 0;
}

static int file_start(struct check_probe *p)
{
	struct file_state *st = p->priv;
	char dir[PATH_MAX];
	uint64_t now = 0;
	int r;

	if (!st && !(st = p->priv = calloc(1, sizeof(*st))))
		return -ENOMEM;
	snprintf(dir, sizeof(dir), "%s", p->ck->u.file.file);
	/* First (or after a change was reported): look at once, from the
	 * loop; the timer of 0 s is that. */
	sd_event_now(p->e, CLOCK_MONOTONIC, &now);
	r = sd_event_add_time(p->e, &st->timer, CLOCK_MONOTONIC,
			      st->have ? now + p->timeout : now, 1000,
			      on_timer, p);
	if (r < 0)
		return r;
	r = sd_event_add_inotify(p->e, &st->ino, dirname(dir),
				 IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
				 IN_CREATE | IN_DELETE | IN_MODIFY |
				 IN_ONLYDIR, on_change, p);
	/* A folder that is missing or not watchable leaves the timer. */
	(void)r;
	return 0;
}

static void file_cancel(struct check_probe *p)
{
	if (p->priv)
		stop_wait(p->priv);
}

static void file_release(struct check_probe *p)
{
	file_cancel(p);
	free(p->priv);
	p->priv = NULL;
}

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool file_same(const struct check_checker *a, const struct check_checker *b)
{
	const struct check_file_conf *x = &a->u.file, *y = &b->u.file;

	return str_same(x->file, y->file) && str_same(x->track, y->track) &&
	       x->weight == y->weight &&
	       x->weight_set == y->weight_set && x->reverse == y->reverse &&
	       x->dynamic == y->dynamic;
}

static void file_free(struct check_checker *ck)
{
	free(ck->u.file.file);
	free(ck->u.file.track);
}

int check_conf_track_files(struct check_conf *cc,
			   const struct check_track_file *tf, size_t ntf,
			   struct conf_diag *d)
{
	size_t before = d->errors, at = 0;

	for (size_t v = 0; v < cc->nvs; v++) {
		/* Taken over from the running config, where they were
		 * resolved against the same track_file blocks (nothing is
		 * taken over when any of those changed). */
		if (check_conf_vs_shared(cc, &at, v))
			continue;
		for (size_t r = 0; r < cc->vs[v]->nrs; r++) {
			struct check_rs *rs = cc->vs[v]->rs[r];

			for (size_t k = 0; k < rs->ncheckers; k++) {
				struct check_checker *ck = rs->checkers[k];
				struct check_file_conf *f = &ck->u.file;
				const struct check_track_file *t = NULL;

				if (ck->kind != CHECK_K_FILE || !f->track || f->file)
					continue;
				for (size_t i = 0; i < ntf && !t; i++)
					if (!strcmp(tf[i].name, f->track))
						t = &tf[i];
				if (!t) {
					conf_diag_add(d, CONF_ERROR, ck->loc.file,
						      ck->loc.line, "FILE_CHECK: "
						      "track_file: expected the "
						      "name of a track_file "
						      "block, got '%s'", f->track);
					continue;
				}
				if (!(f->file = strdup(t->path))) {
					conf_diag_add(d, CONF_ERROR, ck->loc.file,
						      ck->loc.line, "FILE_CHECK: "
						      "out of memory");
					continue;
				}
				if (!f->weight_set) {
					f->weight = t->weight;
					f->reverse = t->reverse;
					f->weight_set = true;
				}
			}
		}
	}
	return d->errors > before ? -1 : 0;
}

const struct check_type check_type_file = {
	.name = "FILE_CHECK",
	.block = &check_file_block,
	.needs_port = false,
	.start = file_start,
	.cancel = file_cancel,
	.same = file_same,
	.free_conf = file_free,
	.release = file_release,
};
