/*
 * A reload asked for over the control socket, and its report.  parent.c
 * runs every reload (SIGHUP, a child's request, the socket) the same way
 * and tells this module what happened at each step; a socket client that
 * asked waits here for the end and gets one answer: the located errors
 * of a refused file, or what changed once every child applied it.
 */
#ifndef TANDEM_CTL_RELOAD_H
#define TANDEM_CTL_RELOAD_H

#include <stdbool.h>

struct conf_diag;
struct json_object;
struct tandem_config;

/* --- parent.c's side ----------------------------------------------- */
/* How to start a reload (parent.c's reload()). */
void ctl_reload_set_trigger(void (*fn)(void *arg), void *arg);
/* The new file was read: ncfg NULL when refused (d holds the errors). */
void ctl_reload_parsed(const struct tandem_config *old,
		       const struct tandem_config *ncfg,
		       const struct conf_diag *d);
/* The new config could not be handed to the children. */
void ctl_reload_failed(const char *why);
/* A child's IPC_RELOAD_DONE status (0: applied). */
void ctl_reload_child_done(const char *child, int status);
/* Every child applied it (or none runs). */
void ctl_reload_complete(void);
/* tandem is stopping: whoever waits gets an error. */
void ctl_reload_abort(const char *why);

/* --- the control socket's side ------------------------------------- */
/* result: {"ok": ..., ...} as sent to the client, borrowed. */
typedef void (*ctl_reload_cb)(struct json_object *reply, void *ud);
/* Start a reload and call cb once with its outcome (possibly before
 * returning, for a refused file).  Returns 0 or -errno. */
int ctl_reload_ask(ctl_reload_cb cb, void *ud);
/* The asker went away: cb will not be called for ud. */
void ctl_reload_cancel(void *ud);

/* What differs between two configs, block by block: {"added": [...],
 * "removed": [...], "changed": [...]} with names like "vrrp_instance
 * VI_1" (exposed for the unit test). */
struct json_object *ctl_config_changes(const struct tandem_config *old,
				       const struct tandem_config *ncfg);

#endif
