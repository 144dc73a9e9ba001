/*
 * sd_notify() wrappers.  systemd learns READY=1 only once the children are
 * up, RELOADING=1 .. READY=1 around a reload (with MONOTONIC_USEC, which
 * newer systemd wants for Type=notify-reload), STOPPING=1 when stopping.
 * The watchdog period comes from sd_watchdog_enabled(), which also checks
 * WATCHDOG_PID so a child never answers for the parent; the parent
 * decides when to call sdn_watchdog() (only while every child is on
 * time), this file only sends.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "tandem/sdnotify.h"

static uint64_t now_mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void sdn_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status ? status : "running");
}

void sdn_reloading(void)
{
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
		   (unsigned long long)now_mono_usec());
}

void sdn_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

void sdn_status(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sd_notifyf(0, "STATUS=%s", buf);
}

void sdn_mainpid(void)
{
	sd_notifyf(0, "MAINPID=%ld", (long)getpid());
}

void sdn_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

uint64_t sdn_watchdog_period_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec / 2;
}
