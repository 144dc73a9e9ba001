/*
 * systemd glue for the parent: readiness, reload and stop notices, status
 * lines and the watchdog keep-alive.  Every call is a no-op when tandem
 * was not started by systemd (no NOTIFY_SOCKET).
 */
#ifndef TANDEM_SDNOTIFY_H
#define TANDEM_SDNOTIFY_H

#include <stdint.h>

void sdn_ready(const char *status);
void sdn_reloading(void);
void sdn_stopping(void);
void sdn_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sdn_mainpid(void);
void sdn_watchdog(void);
/* The keep-alive period (half of WATCHDOG_USEC) when systemd asked for a
 * watchdog on this process, else 0. */
uint64_t sdn_watchdog_period_usec(void);

#endif
