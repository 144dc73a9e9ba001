/*
 * Signal numbers and masks shared by the parent and the children.  Every
 * signal is consumed through sd-event signal sources (signalfd), which only
 * works when the signal is blocked in every thread, so the mask is set once
 * before the first fork and inherited.
 */
#include <errno.h>
#include <string.h>

#include "tandem/signals.h"

int signals_by_name(const char *func)
{
	if (!strcmp(func, "RELOAD"))
		return SIGHUP;
	if (!strcmp(func, "STOP"))
		return SIGTERM;
	if (!strcmp(func, "DATA"))
		return SIGUSR1;
	if (!strcmp(func, "STATS"))
		return SIGUSR2;
	if (!strcmp(func, "JSON"))
		return SIGJSON;
	return -1;
}

int signals_block(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGJSON);
	sigaddset(&set, SIGCHLD);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return 0;
}

void signals_reset(void)
{
	sigset_t set;
	int s;

	for (s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}
