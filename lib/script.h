/*
 * The script runner: user scripts (MISC_CHECK, notify_up, quorum_up,
 * the FIFO readers, and later VRRP's track and notify scripts) run as
 * child processes on an sd-event loop, never blocking it.
 *
 * A script is keepalived's command line: one string, split into words
 * here (blanks separate words; '...' and "..." group them, a backslash
 * escapes the next character), with no shell in between.  The child gets
 * a process group of its own, /dev/null as stdin, stdout and stderr, an
 * empty signal mask, and runs as the script user: the one asked for, else
 * the dedicated unprivileged user keepalived_script if it exists, else
 * nobody.  Past its timeout the whole group gets SIGTERM and, a grace
 * period later, SIGKILL.  Under enable_script_security a script that a
 * non-root user could change (the file, or any directory above it, owned
 * by someone else than root or writable by group or others) is refused
 * before it is started, and the result names the path and its owner.
 *
 * Every outcome, refusals included, comes back through the done
 * callback, always from the loop and never from within script_run(), so
 * callers have one path for success and failure alike.
 */
#ifndef TANDEM_LIB_SCRIPT_H
#define TANDEM_LIB_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#define SCRIPT_DEFAULT_USER "keepalived_script"
#define SCRIPT_FALLBACK_USER "nobody"
#define SCRIPT_KILL_GRACE (1000000ULL)	/* usec from SIGTERM to SIGKILL */
#define SCRIPT_WHY_MAX 256

struct script_opts {
	const char *user;	/* NULL: keepalived_script, else nobody */
	const char *group;	/* NULL: the user's primary group */
	bool supplementary_groups;	/* the user's other groups as well */
	bool secure;		/* enable_script_security */
	uint64_t timeout;	/* usec; 0: none */
};

enum script_end {
	SCRIPT_EXITED,		/* status: the exit status */
	SCRIPT_SIGNALED,	/* status: the signal (not ours) */
	SCRIPT_TIMEOUT,		/* killed past its timeout */
	SCRIPT_REFUSED,		/* never ran: why says why */
};

struct script_result {
	enum script_end end;
	int status;
	pid_t pid;		/* 0 when refused */
	char why[SCRIPT_WHY_MAX];	/* a short human text, always set */
};

struct script_run;
typedef void (*script_done_fn)(const struct script_result *r, void *ud);

/* Start CMD.  0 (done will be called once, from the loop, unless the run
 * is cancelled), or -ENOMEM / the sd-event error when not even a refusal
 * could be scheduled (done is not called). */
int script_run(sd_event *e, const char *cmd, const struct script_opts *o,
	       script_done_fn done, void *ud, struct script_run **out);
/* Abandon a run: its process group is killed and the child reaped; done
 * is not called.  NULL is fine. */
void script_cancel(struct script_run *r);
/* The pid of a running script (0 before it started or when refused). */
pid_t script_pid(const struct script_run *r);

/* Start CMD without waiting for it (at shutdown: quorum_down with
 * omega); the process exits on its own, with no timeout.  0, or -EINVAL
 * with why. */
int script_spawn_detached(const char *cmd, const struct script_opts *o,
			  char *why, size_t len);

/* The parts, exported for their unit tests. */
/* Split CMD into a NULL-terminated malloc'ed argv (free with
 * script_argv_free).  0, -EINVAL (empty, unbalanced quote), -ENOMEM. */
int script_split(const char *cmd, char ***argv);
void script_argv_free(char **argv);
/* Is PATH safe from every non-root user?  0, or -EPERM with why naming
 * the file or directory and its owner, or -errno when it cannot be
 * examined. */
int script_check_secure(const char *path, char *why, size_t len);
/* The user and group a script runs as.  0, or -ENOENT with why. */
int script_resolve_user(const struct script_opts *o, uid_t *uid, gid_t *gid,
			char *why, size_t len);

#endif
