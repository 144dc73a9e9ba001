/*
 * Watched track files (see vrrp_track.h).
 *
 * One inotify descriptor serves every file.  It watches folders, not the
 * files: a file that does not exist yet, one replaced by `mv` (a new
 * inode) or one removed is then seen as well as one rewritten in place.
 * A file is read when a writer closes it (IN_CLOSE_WRITE) or when a name
 * is moved, created or removed in its folder, never on IN_MODIFY, which
 * would catch `echo 5 > f` between the truncation and the write and read
 * an empty file.  A missing, unreadable or non-numeric file reads as 0,
 * logged, as keepalived does.  inotify_add_watch() gives the same watch
 * descriptor for a folder watched twice, so a file is found by its
 * descriptor and its name in the folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "lib/log.h"
#include "vrrp/vrrp_conf.h"
#include "vrrp/vrrp_track.h"

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
		    IN_CREATE | IN_DELETE)

struct vrrp_tfile {
	struct vrrp_tfile *next;
	char *path, *dir, *base;
	int wd;
	long long value;
	unsigned refs;
};

struct vrrp_tfiles {
	int fd;
	sd_event_source *io;
	struct vrrp_tfile *files;
	vrrp_tfile_cb cb;
	void *arg;
};

static long long read_value(const char *path)
{
	char buf[64], *end;
	long long v;
	ssize_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		log_warn("track_file %s: cannot open: %m; reading it as 0", path);
		return 0;
	}
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0) {
		log_warn("track_file %s: cannot read: %m; reading it as 0", path);
		return 0;
	}
	buf[len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (end == buf || errno) {
		log_warn("track_file %s: expected a number, got '%.20s'; reading "
			 "it as 0", path, buf);
		return 0;
	}
	if (v > INT_MAX)
		v = INT_MAX;
	if (v < INT_MIN)
		v = INT_MIN;
	return v;
}

static void refresh(struct vrrp_tfiles *s, struct vrrp_tfile *tf)
{
	long long v = read_value(tf->path);

	if (v == tf->value)
		return;
	log_info("track_file %s: value %lld (was %lld)", tf->path, v, tf->value);
	tf->value = v;
	if (s->cb)
		s->cb(tf, s->arg);
}

static int on_inotify(sd_event_source *src, int fd, uint32_t revents,
		      void *data)
{
	struct vrrp_tfiles *s = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	(void)src; (void)revents;
	/* Bounded: at most a few reads per wake-up. */
	for (int round = 0; round < 16; round++) {
		ssize_t len = read(fd, buf, sizeof(buf));

		if (len <= 0)
			break;
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const void *)p;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				for (struct vrrp_tfile *tf = s->files; tf;
				     tf = tf->next)
					refresh(s, tf);
				continue;
			}
			if (!ev->len)
				continue;
			for (struct vrrp_tfile *tf = s->files; tf; tf = tf->next)
				if (tf->wd == ev->wd && !strcmp(tf->base, ev->name))
					refresh(s, tf);
		}
	}
	return 0;
}

int vrrp_tfiles_new(sd_event *e, vrrp_tfile_cb cb, void *arg,
		    struct vrrp_tfiles **out)
{
	struct vrrp_tfiles *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->cb = cb;
	s->arg = arg;
	s->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->fd < 0) {
		r = -errno;
		free(s);
		return r;
	}
	r = sd_event_add_io(e, &s->io, s->fd, EPOLLIN, on_inotify, s);
	if (r < 0) {
		close(s->fd);
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

static void tf_free(struct vrrp_tfile *tf)
{
	free(tf->path);
	free(tf->dir);
	free(tf->base);
	free(tf);
}

void vrrp_tfiles_free(struct vrrp_tfiles *s)
{
	if (!s)
		return;
	while (s->files) {
		struct vrrp_tfile *tf = s->files;

		s->files = tf->next;
		tf_free(tf);
	}
	sd_event_source_disable_unref(s->io);
	close(s->fd);
	free(s);
}

/* init_file: VALUE into the file if it is missing, or always with
 * overwrite. */
static void init_file(const struct vrrp_conf_track_file *f)
{
	char buf[32];
	int fd, n;

	if (!f->init_file)
		return;
	fd = open(f->path, O_WRONLY | O_CREAT | O_CLOEXEC |
		  (f->init_overwrite ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		if (errno != EEXIST)
			log_warn("track_file %s: cannot initialise it: %m",
				 f->path);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%lld\n", f->init_value);
	if (write(fd, buf, (size_t)n) != n)
		log_warn("track_file %s: cannot initialise it: %m", f->path);
	close(fd);
}

struct vrrp_tfile *vrrp_tfile_get(struct vrrp_tfiles *s,
				  const struct vrrp_conf_track_file *f)
{
	struct vrrp_tfile *tf;
	const char *slash;

	for (tf = s->files; tf; tf = tf->next)
		if (!strcmp(tf->path, f->path)) {
			tf->refs++;
			return tf;
		}
	if (!(tf = calloc(1, sizeof(*tf))))
		return NULL;
	slash = strrchr(f->path, '/');
	tf->path = strdup(f->path);
	tf->dir = slash ? strndup(f->path, slash == f->path ? 1 :
				  (size_t)(slash - f->path)) : strdup(".");
	tf->base = strdup(slash ? slash + 1 : f->path);
	if (!tf->path || !tf->dir || !tf->base) {
		tf_free(tf);
		return NULL;
	}
	init_file(f);
	tf->wd = inotify_add_watch(s->fd, tf->dir, WATCH_MASK);
	if (tf->wd < 0)
		log_err("track_file %s: cannot watch %s: %m; its value is read "
			"once", tf->path, tf->dir);
	tf->value = read_value(tf->path);
	tf->refs = 1;
	tf->next = s->files;
	s->files = tf;
	return tf;
}

void vrrp_tfile_put(struct vrrp_tfiles *s, struct vrrp_tfile *tf)
{
	if (!tf || --tf->refs)
		return;
	for (struct vrrp_tfile **p = &s->files; *p; p = &(*p)->next)
		if (*p == tf) {
			*p = tf->next;
			break;
		}
	/* The folder's watch stays while another file uses it. */
	if (tf->wd >= 0) {
		bool shared = false;

		for (struct vrrp_tfile *o = s->files; o; o = o->next)
			shared |= o->wd == tf->wd;
		if (!shared)
			inotify_rm_watch(s->fd, tf->wd);
	}
	tf_free(tf);
}

long long vrrp_tfile_value(const struct vrrp_tfile *tf)
{
	return tf->value;
}

const char *vrrp_tfile_path(const struct vrrp_tfile *tf)
{
	return tf->path;
}
