/*
 * The script runner's processes (see script.h).
 *
 * Everything that can fail before the fork (splitting, finding the
 * program, the user, the security test) is done in the parent, so that
 * a refusal has a precise reason; the child only redirects, drops its
 * privileges and execs.  An exec that fails anyway reports its errno
 * through a close-on-exec pipe, read once the child has exited (an exec
 * that succeeded closed the pipe empty), so the loop never waits on it.
 * The child's exit arrives as an sd-event child source; the timeout is a
 * timer that sends SIGTERM to the process group, then SIGKILL.  A run
 * that is cancelled owns its child: sd-event kills and reaps it when the
 * source goes, after the rest of its group got SIGKILL from us.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* close_range, pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lib/script.h"

extern char **environ;

enum run_state { RUN_PENDING, RUN_RUNNING, RUN_TERM_SENT, RUN_KILL_SENT };

struct script_run {
	sd_event *e;
	script_done_fn done;
	void *ud;
	enum run_state state;
	pid_t pid;
	int errpipe;			/* read end; -1: none */
	sd_event_source *child, *timer, *defer;
	struct script_result res;
};

pid_t script_pid(const struct script_run *r)
{
	return r ? r->pid : 0;
}

static void run_free(struct script_run *r)
{
	r->timer = sd_event_source_disable_unref(r->timer);
	r->defer = sd_event_source_disable_unref(r->defer);
	r->child = sd_event_source_disable_unref(r->child);
	if (r->errpipe >= 0)
		close(r->errpipe);
	sd_event_unref(r->e);
	free(r);
}

static void finish(struct script_run *r)
{
	struct script_result res = r->res;
	script_done_fn done = r->done;
	void *ud = r->ud;

	run_free(r);
	done(&res, ud);
}

static int on_refused(sd_event_source *s, void *ud)
{
	(void)s;
	finish(ud);
	return 0;
}

/* The program CMD names: as written when it has a slash, else the first
 * executable of that name in PATH. */
static int find_program(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, F_OK) < 0 ? -errno : 0;
	}
	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		size_t k = strcspn(path, ":");

		snprintf(out, len, "%.*s/%s", (int)k, k ? path : ".", name);
		if (access(out, X_OK) == 0)
			return 0;
		path += k + (path[k] == ':');
	}
	return -ENOENT;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	struct script_run *r = ud;

	(void)usec;
	if (r->state == RUN_RUNNING) {
		r->state = RUN_TERM_SENT;
		kill(-r->pid, SIGTERM);
		sd_event_source_set_time_relative(s, SCRIPT_KILL_GRACE);
		sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	} else {
		r->state = RUN_KILL_SENT;
		kill(-r->pid, SIGKILL);
	}
	return 0;
}

static int on_exit_(sd_event_source *s, const siginfo_t *si, void *ud)
{
	struct script_run *r = ud;
	int err = 0;

	(void)s;
	if (r->errpipe >= 0 && read(r->errpipe, &err, sizeof(err)) != sizeof(err))
		err = 0;
	r->res.pid = r->pid;
	if (r->state >= RUN_TERM_SENT) {
		/* Whatever the shell left behind goes with it. */
		kill(-r->pid, SIGKILL);
		r->res.end = SCRIPT_TIMEOUT;
		r->res.status = si->si_code == CLD_EXITED ? si->si_status : 0;
		snprintf(r->res.why, sizeof(r->res.why), "timed out, killed");
	} else if (err) {
		r->res.end = SCRIPT_REFUSED;
		snprintf(r->res.why, sizeof(r->res.why), "cannot execute: %s",
			 strerror(err));
	} else if (si->si_code == CLD_EXITED) {
		r->res.end = SCRIPT_EXITED;
		r->res.status = si->si_status;
		snprintf(r->res.why, sizeof(r->res.why), "exit status %d",
			 si->si_status);
	} else {
		r->res.end = SCRIPT_SIGNALED;
		r->res.status = si->si_status;
		snprintf(r->res.why, sizeof(r->res.why), "killed by signal %d (%s)",
			 si->si_status, strsignal(si->si_status));
	}
	/* The exited child is reaped by sd-event when the source goes. */
	finish(r);
	return 0;
}

/* After the switch to another user: no capabilities at all.  The kernel
 * clears them itself when root becomes another user, but a non-root
 * tandem holding ambient capabilities (CAP_NET_ADMIN, CAP_SETUID, ...)
 * keeps them across setuid() and would pass them on through exec, so the
 * script would run with more than its user's privileges.  (A script_user
 * root started so gets the bounding set back at exec, unless the
 * securebit noroot is set, as tandem-unprivileged.service does.) */
static int drop_caps(bool switched)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (!switched)		/* as itself: its own privileges */
		return 0;
	memset(d, 0, sizeof(d));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)		/* EINVAL: a kernel without ambient sets */
		return -1;
	return (int)syscall(SYS_capset, &h, d);
}

/* In the child: never returns. */
static void child(const char *prog, char **argv, uid_t uid, gid_t gid,
		  const gid_t *groups, int ngroups, int devnull, int errfd)
{
	bool switched = geteuid() != uid;
	sigset_t none;
	int err;

	setpgid(0, 0);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
	}
	/* Only stdio and the error pipe go on (the pipe closes at exec). */
	if (errfd > 3)
		close_range(3, (unsigned)errfd - 1, 0);
	close_range((unsigned)errfd + 1, ~0U, 0);
	/* Root drops to the script user.  A non-root tandem switches users
	 * only with CAP_SETUID and CAP_SETGID (the unprivileged unit grants
	 * them) and fails here without; running a script as itself, it keeps
	 * its groups, which it could not set anyway. */
	if (chdir("/") < 0 ||
	    ((geteuid() == 0 || switched) &&
	     setgroups(ngroups > 0 ? (size_t)ngroups : 0, groups) < 0) ||
	    (getegid() != gid && setgid(gid) < 0) ||
	    (switched && setuid(uid) < 0) ||
	    drop_caps(switched) < 0) {
		err = errno;
		if (write(errfd, &err, sizeof(err)) < 0) { /* exits anyway */ }
		_exit(126);
	}
	execve(prog, argv, environ);
	err = errno;
	if (write(errfd, &err, sizeof(err)) < 0) { /* exits anyway */ }
	_exit(127);
}

/* Everything before the fork; 0, or -1 with r->res filled. */
static int prepare(const char *cmd, const struct script_opts *o,
		   char ***argv, char *prog, size_t plen,
		   uid_t *uid, gid_t *gid, gid_t *groups, int *ngroups,
		   struct script_result *res)
{
	int e = script_split(cmd, argv);

	res->end = SCRIPT_REFUSED;
	if (e < 0) {
		snprintf(res->why, sizeof(res->why), e == -ENOMEM ? "out of memory"
			 : "cannot split the command line (empty, or a quote "
			   "left open)");
		return -1;
	}
	if ((e = find_program((*argv)[0], prog, plen)) < 0) {
		snprintf(res->why, sizeof(res->why), "%s: %s", (*argv)[0],
			 strerror(-e));
		return -1;
	}
	if (o->secure && script_check_secure(prog, res->why,
					     sizeof(res->why)) < 0) {
		static const char pre[] = "unsafe script, refused "
					  "(enable_script_security): ";
		size_t k = sizeof(pre) - 1;

		memmove(res->why + k, res->why, sizeof(res->why) - k);
		memcpy(res->why, pre, k);
		res->why[sizeof(res->why) - 1] = '\0';
		return -1;
	}
	if (script_resolve_user(o, uid, gid, res->why, sizeof(res->why)) < 0)
		return -1;
	*ngroups = 0;
	if (o->supplementary_groups) {
		struct passwd *pw = getpwuid(*uid);

		*ngroups = 64;
		if (!pw || getgrouplist(pw->pw_name, *gid, groups, ngroups) < 0)
			*ngroups = 0;
	}
	return 0;
}

static pid_t do_fork(const char *cmd, const struct script_opts *o,
		     int *errpipe, struct script_result *res)
{
	char prog[PATH_MAX], **argv = NULL;
	gid_t groups[64];
	int ngroups = 0, p[2] = { -1, -1 }, devnull;
	uid_t uid;
	gid_t gid;
	pid_t pid;

	if (prepare(cmd, o, &argv, prog, sizeof(prog), &uid, &gid, groups,
		    &ngroups, res) < 0) {
		script_argv_free(argv);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(res->why, sizeof(res->why), "pipe: %s", strerror(errno));
		script_argv_free(argv);
		return -1;
	}
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	pid = fork();
	if (pid == 0)
		child(prog, argv, uid, gid, groups, ngroups, devnull, p[1]);
	if (devnull >= 0)
		close(devnull);
	close(p[1]);
	script_argv_free(argv);
	if (pid < 0) {
		snprintf(res->why, sizeof(res->why), "fork: %s", strerror(errno));
		close(p[0]);
		return -1;
	}
	/* Also here, so a kill(-pid) right away finds the group. */
	setpgid(pid, pid);
	*errpipe = p[0];
	return pid;
}

int script_run(sd_event *e, const char *cmd, const struct script_opts *o,
	       script_done_fn done, void *ud, struct script_run **out)
{
	struct script_run *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->e = sd_event_ref(e);
	r->done = done;
	r->ud = ud;
	r->errpipe = -1;
	r->pid = do_fork(cmd, o, &r->errpipe, &r->res);
	if (r->pid < 0) {
		r->pid = 0;
		rc = sd_event_add_defer(e, &r->defer, on_refused, r);
		if (rc < 0) {
			run_free(r);
			return rc;
		}
		*out = r;
		return 0;
	}
	r->state = RUN_RUNNING;
	rc = sd_event_add_child(e, &r->child, r->pid, WEXITED, on_exit_, r);
	if (rc >= 0)
		sd_event_source_set_child_process_own(r->child, true);
	if (rc >= 0 && o->timeout)
		rc = sd_event_add_time_relative(e, &r->timer, CLOCK_MONOTONIC,
						o->timeout, 1000, on_timeout, r);
	if (rc < 0) {
		kill(-r->pid, SIGKILL);
		if (!r->child)
			waitpid(r->pid, NULL, 0);
		run_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void script_cancel(struct script_run *r)
{
	if (!r)
		return;
	if (r->pid > 0)
		kill(-r->pid, SIGKILL);
	run_free(r);
}

int script_spawn_detached(const char *cmd, const struct script_opts *o,
			  char *why, size_t len)
{
	struct script_result res;
	int errpipe = -1;
	pid_t pid = do_fork(cmd, o, &errpipe, &res);

	if (pid < 0) {
		snprintf(why, len, "%s", res.why);
		return -EINVAL;
	}
	close(errpipe);
	return 0;
}
