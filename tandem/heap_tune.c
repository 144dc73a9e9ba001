/*
 * The daemon runs without glibc's per-thread cache of freed blocks
 * (tcache), set the only way glibc allows: GLIBC_TUNABLES read when the
 * program starts, so main() execs itself once with it added.
 *
 * Why: the tcache keeps up to seven freed blocks of each small size out
 * of the heap's free lists, still "in use" as far as the heap can tell.
 * Reading a config frees tens of thousands of small blocks; the ones
 * left cached split the free space into islands that never coalesce,
 * and every page such an island or its neighbour touches stays
 * resident: malloc_trim gives back only whole free pages.  The parent
 * forks its children from that heap and the vrrp child builds 1,000
 * instances in it; without the cache both keep some 300-400 kB less
 * (test/bench/vrrp-scale), at no CPU cost this daemon can measure: it
 * is not malloc-bound.
 *
 * A GLIBC_TUNABLES that already names tcache_count is the user's choice
 * and is left alone.  The variable as it was is restored right after
 * the exec, so scripts run with the environment tandem was given.
 * Sanitizer builds have their own allocator and skip all this.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tandem/heap_tune.h"

#define TUNE "glibc.malloc.tcache_count=0"
/* "-": GLIBC_TUNABLES was not set; "+VALUE": it was VALUE. */
#define MARK "TANDEM_HEAP_TUNED"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
/* The program's file, or -1 when it cannot be named (no /proc, or the
 * file was replaced or removed since it started: then no exec). */
static int self_path(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n <= 0 || (size_t)n >= size - 1)
		return -1;
	buf[n] = '\0';
	if (strstr(buf, " (deleted)") || access(buf, X_OK) != 0)
		return -1;
	return 0;
}

static void restore(const char *mark)
{
	if (mark[0] == '+')
		setenv("GLIBC_TUNABLES", mark + 1, 1);
	else
		unsetenv("GLIBC_TUNABLES");
	unsetenv(MARK);
}

void heap_tune(char **argv)
{
	const char *old = getenv("GLIBC_TUNABLES");
	const char *mark = getenv(MARK);
	char *val = NULL, *was = NULL, self[PATH_MAX];

	if (mark) {
		/* The second start: glibc has read the tunable. */
		char *m = strdup(mark);

		if (m) {
			restore(m);
			free(m);
		} else {
			unsetenv(MARK);
		}
		return;
	}
	if (old && strstr(old, "tcache_count"))
		return;
	if (asprintf(&val, "%s%s" TUNE, old ? old : "", old ? ":" : "") < 0)
		return;
	if (asprintf(&was, "%s%s", old ? "+" : "-", old ? old : "") < 0) {
		free(val);
		return;
	}
	/* By its own path, not /proc/self/exe: the kernel names the
	 * process (comm, what ps, pidof and systemd show) after the file
	 * exec'd, and "exe" is no name for the daemon. */
	if (self_path(self, sizeof(self)) == 0 && setenv(MARK, was, 1) == 0 &&
	    setenv("GLIBC_TUNABLES", val, 1) == 0)
		execv(self, argv);
	/* No exec (no /proc): run as is, with the environment as it was. */
	restore(was);
	free(val);
	free(was);
}
#else
void heap_tune(char **argv)
{
	(void)argv;
}
#endif
