/*
 * Logging for every process: syslog by default, the console with -l, a file
 * with -g, the journal when started by systemd.  Messages carry a syslog
 * priority; -D (detail) lets LOG_DEBUG through.  One sink set per process,
 * chosen once at start; children inherit it and prefix their name.
 */
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H

#include <stdbool.h>
#include <syslog.h>

struct log_opts {
	const char *ident;	/* "tandem" */
	bool console;		/* -l: stderr */
	bool syslog;		/* default true; -G turns it off */
	bool journal;		/* running under systemd (JOURNAL_STREAM set) */
	bool detail;		/* -D: debug messages too */
	int facility;		/* -S: LOG_LOCAL0..7, default LOG_DAEMON */
	const char *file;	/* -g: append to this file */
};

void log_init(const struct log_opts *o);
/* The process name shown in front of every message ("vrrp", "check"). */
void log_set_proc(const char *name);
void log_close(void);
void log_msg(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
