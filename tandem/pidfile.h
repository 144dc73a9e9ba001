/*
 * Pid files: the parent's, held under flock for as long as it runs so two
 * tandems can never both think they own it, and the children's, rewritten
 * by the parent each time it forks a replacement.
 */
#ifndef TANDEM_PIDFILE_H
#define TANDEM_PIDFILE_H

#include <stdbool.h>
#include <sys/types.h>

/* Open and lock path.  Returns the locked fd, or -EEXIST with *holder set
 * when a live tandem owns it, or another -errno. */
int pidfile_acquire(const char *path, pid_t *holder);
/* Replace the content of a locked pid file with pid. */
int pidfile_write_fd(int fd, pid_t pid);
/* Write pid to path atomically (temporary file, then rename). */
int pidfile_write(const char *path, pid_t pid);
/* The pid in path when it names a live tandem process, else 0. */
pid_t pidfile_live_tandem(const char *path);
/* Whether pid is alive and its command name starts with "tandem". */
bool pid_is_tandem(pid_t pid);

#endif
