/*
 * Notify FIFOs (see notify_fifo.h), shared by the check and vrrp
 * processes, which write the same kind of lines to them.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "lib/log.h"
#include "lib/notify_fifo.h"

void notify_fifo_init(struct notify_fifo *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

void notify_fifo_close(struct notify_fifo *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->created && f->path)
		unlink(f->path);
	free(f->path);
	notify_fifo_init(f);
}

static void fifo_chown(const char *path, const char *user, const char *group)
{
	struct passwd *pw = user ? getpwnam(user) : NULL;
	struct group *gr = group ? getgrnam(group) : NULL;
	uid_t uid = pw ? pw->pw_uid : (uid_t)-1;
	gid_t gid = gr ? gr->gr_gid : pw ? pw->pw_gid : (gid_t)-1;

	if ((user && !pw) || (group && !gr))
		log_warn("FIFO %s: no user %s or group %s; left to root", path,
			 user ? user : "-", group ? group : "-");
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0)
		log_warn("FIFO %s: chown: %s", path, strerror(errno));
}

static void fifo_open(struct notify_fifo *f, const char *path,
		      const char *user, const char *group)
{
	struct stat st;

	f->path = strdup(path);
	if (!f->path)
		return;
	if (stat(path, &st) < 0) {
		if (mkfifo(path, 0600) < 0) {
			log_err("cannot create FIFO %s: %s", path, strerror(errno));
			return;
		}
		f->created = true;
		fifo_chown(path, user, group);
	} else if (!S_ISFIFO(st.st_mode)) {
		log_err("%s is not a FIFO: no notify lines are written to it",
			path);
		return;
	}
	f->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (f->fd < 0)
		log_err("cannot open FIFO %s: %s", path, strerror(errno));
}

void notify_fifo_set(struct notify_fifo *f, const char *path,
		     const char *user, const char *group)
{
	if ((!path && !f->path) || (path && f->path && !strcmp(path, f->path)))
		return;
	notify_fifo_close(f);
	if (path)
		fifo_open(f, path, user, group);
}

void notify_fifo_write(struct notify_fifo *f, const char *line)
{
	size_t len = strlen(line);

	if (f->fd < 0)
		return;
	if (write(f->fd, line, len) == (ssize_t)len) {
		f->lines++;
	} else {
		if (!f->dropped)
			log_warn("FIFO %s: line dropped (%s)", f->path,
				 strerror(errno));
		f->dropped++;
	}
}

struct json_object *notify_fifo_json(const struct notify_fifo *f)
{
	struct json_object *fo = json_object_new_object();

	json_object_object_add(fo, "path", json_object_new_string(f->path));
	json_object_object_add(fo, "open", json_object_new_boolean(f->fd >= 0));
	json_object_object_add(fo, "lines",
			       json_object_new_int64((int64_t)f->lines));
	json_object_object_add(fo, "dropped",
			       json_object_new_int64((int64_t)f->dropped));
	return fo;
}
