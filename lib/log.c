/*
 * Logging sinks.  A process picks its sinks once (log_init) and every
 * message goes to each of them: syslog, the console (stderr, with a
 * timestamp and the process name, for -l), the journal, and a file (-g).
 *
 * The journal is reached through stderr with "<N>" priority prefixes rather
 * than sd_journal_print(): stderr is already the journal stream when
 * JOURNAL_STREAM is set, and a plain inherited fd survives the children
 * closing every descriptor they did not open themselves, where libsystemd's
 * cached journal socket would not.  Under the journal, syslog is skipped so
 * journald does not store every line twice.
 *
 * Each message is formatted once and written with a single write() per
 * sink, so lines from the parent and children sharing a file or terminal
 * never interleave mid-line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

static struct {
	bool inited;
	bool console, syslog, journal, detail;
	int facility;
	int file_fd;
	char ident[32];
	char proc[32];
} lg = { .file_fd = -1, .syslog = false, .ident = "tandem" };

void log_init(const struct log_opts *o)
{
	log_close();
	snprintf(lg.ident, sizeof(lg.ident), "%s", o->ident ? o->ident : "tandem");
	lg.console = o->console;
	lg.journal = o->journal;
	lg.syslog = o->syslog && !o->journal;
	lg.detail = o->detail;
	lg.facility = o->facility ? o->facility : LOG_DAEMON;
	if (lg.syslog)
		openlog(lg.ident, LOG_PID | LOG_NDELAY, lg.facility);
	if (o->file) {
		lg.file_fd = open(o->file, O_WRONLY | O_APPEND | O_CREAT |
				  O_CLOEXEC | O_NOCTTY, 0640);
		if (lg.file_fd < 0)
			fprintf(stderr, "%s: cannot open log file %s: %s\n",
				lg.ident, o->file, strerror(errno));
	}
	lg.inited = true;
}

void log_set_proc(const char *name)
{
	snprintf(lg.proc, sizeof(lg.proc), "%s", name ? name : "");
}

void log_close(void)
{
	if (lg.syslog)
		closelog();
	if (lg.file_fd >= 0)
		close(lg.file_fd);
	lg.file_fd = -1;
	lg.syslog = false;
	lg.inited = false;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += w;
		len -= (size_t)w;
	}
}

/* "2024-05-01 12:00:00.123 tandem[42]: vrrp: " */
static int stamp_prefix(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	return snprintf(buf, size, "%s.%03ld %s[%ld]: %s%s", when,
			ts.tv_nsec / 1000000L, lg.ident, (long)getpid(),
			lg.proc, lg.proc[0] ? ": " : "");
}

void log_msg(int prio, const char *fmt, ...)
{
	char msg[2048], line[2200];
	va_list ap;
	int saved = errno;
	int n;

	if (LOG_PRI(prio) == LOG_DEBUG && !lg.detail)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	/* Before log_init (command-line errors) the console is the only
	 * place a message can go. */
	if (!lg.inited) {
		n = snprintf(line, sizeof(line), "%s: %s\n", lg.ident, msg);
		write_all(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
		errno = saved;
		return;
	}
	if (lg.syslog) {
		if (lg.proc[0])
			syslog(LOG_PRI(prio), "%s: %s", lg.proc, msg);
		else
			syslog(LOG_PRI(prio), "%s", msg);
	}
	if (lg.journal) {
		n = snprintf(line, sizeof(line), "<%d>%s%s%s\n", LOG_PRI(prio),
			     lg.proc, lg.proc[0] ? ": " : "", msg);
		if (n > 0)
			write_all(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	}
	if ((lg.console && !lg.journal) || lg.file_fd >= 0) {
		int p = stamp_prefix(line, sizeof(line));

		if (p < 0)
			p = 0;
		if ((size_t)p >= sizeof(line))
			p = (int)sizeof(line) - 1;
		n = p + snprintf(line + p, sizeof(line) - (size_t)p, "%s\n", msg);
		if ((size_t)n >= sizeof(line)) {
			n = (int)sizeof(line) - 1;
			line[n - 1] = '\n';
		}
		if (lg.console && !lg.journal)
			write_all(STDERR_FILENO, line, (size_t)n);
		if (lg.file_fd >= 0)
			write_all(lg.file_fd, line, (size_t)n);
	}
	errno = saved;
}
