/*
 * A notify FIFO (notify_fifo, vrrp_notify_fifo, lvs_notify_fifo): lines
 * for a reader, written without ever blocking.  A FIFO that does not
 * exist is created (owned by the configured user and group, so that an
 * unprivileged reader can open it) and removed when closed.  It is opened
 * read-write and non-blocking: opening does not wait for a reader, and
 * with no reader or a full pipe a line is dropped and counted.
 */
#ifndef TANDEM_LIB_NOTIFY_FIFO_H
#define TANDEM_LIB_NOTIFY_FIFO_H

#include <stdbool.h>
#include <stdint.h>

struct notify_fifo {
	char *path;
	int fd;				/* -1: not open */
	bool created;
	uint64_t lines, dropped;
};

void notify_fifo_init(struct notify_fifo *f);
/* Open PATH (NULL: none) unless it is the one open already. */
void notify_fifo_set(struct notify_fifo *f, const char *path,
		     const char *user, const char *group);
void notify_fifo_write(struct notify_fifo *f, const char *line);
void notify_fifo_close(struct notify_fifo *f);
struct json_object;
struct json_object *notify_fifo_json(const struct notify_fifo *f);

#endif
