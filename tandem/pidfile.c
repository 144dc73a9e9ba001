/*
 * Pid files.  The parent's file is the instance lock: it is opened, locked
 * with flock(LOCK_EX|LOCK_NB) and kept open, so a second tandem pointed at
 * it fails at once and without a race even if both start in the same
 * instant; the lock vanishes with the process, so a crash leaves nothing
 * to clean up by hand.  The pid written in it is still checked (alive and
 * named tandem) for a holder that did not lock, such as a tandem from
 * before the lock was taken on this path.  Children's files are plain:
 * written to a temporary name and renamed so a reader never sees half a
 * number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tandem/pidfile.h"

static pid_t read_pid_fd(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long v;
	char *end;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	if (end == buf || v <= 0 || v > 0x3fffffff)
		return 0;
	return (pid_t)v;
}

bool pid_is_tandem(pid_t pid)
{
	char path[64], comm[64];
	ssize_t n;
	int fd;

	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	if (n <= 0)
		return false;
	comm[n] = '\0';
	return strncmp(comm, "tandem", 6) == 0;
}

int pidfile_acquire(const char *path, pid_t *holder)
{
	pid_t old;
	int fd, err;

	*holder = 0;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		err = errno;
		*holder = read_pid_fd(fd);
		close(fd);
		return err == EWOULDBLOCK ? -EEXIST : -err;
	}
	old = read_pid_fd(fd);
	if (old && old != getpid() && pid_is_tandem(old)) {
		*holder = old;
		close(fd);
		return -EEXIST;
	}
	return fd;
}

int pidfile_write_fd(int fd, pid_t pid)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld\n", (long)pid);

	if (ftruncate(fd, 0) < 0)
		return -errno;
	if (pwrite(fd, buf, (size_t)n, 0) != n)
		return -EIO;
	return 0;
}

int pidfile_write(const char *path, pid_t pid)
{
	size_t len = strlen(path) + 16;
	char *tmp = malloc(len);
	int fd, r = 0;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, len, "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		free(tmp);
		return r;
	}
	if (fchmod(fd, 0644) < 0 || pidfile_write_fd(fd, pid) < 0)
		r = -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	free(tmp);
	return r;
}

pid_t pidfile_live_tandem(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	pid_t pid;

	if (fd < 0)
		return 0;
	pid = read_pid_fd(fd);
	close(fd);
	return pid && pid != getpid() && pid_is_tandem(pid) ? pid : 0;
}
