/*
 * The signals tandem answers, with keepalived's meanings: HUP reload,
 * TERM and INT stop, USR1 data dump, USR2 stats dump, SIGRTMIN+2 JSON dump
 * (keepalived's SIGJSON).  --signum prints the number for a function name
 * so scripts need not hard-code the real-time one.
 */
#ifndef TANDEM_SIGNALS_H
#define TANDEM_SIGNALS_H

#include <signal.h>

#define SIGJSON (SIGRTMIN + 2)

/* RELOAD, STOP, DATA, STATS, JSON -> signal number; -1 if unknown. */
int signals_by_name(const char *func);
/* Block the signals an sd-event loop takes as sources, plus SIGCHLD, and
 * ignore SIGPIPE.  Returns 0 or -errno. */
int signals_block(void);
/* Restore default dispositions and an empty mask (for exec'd helpers). */
void signals_reset(void);

#endif
