/*
 * Firewall commands as child processes (see vrrp_fw_cmd.h).  The
 * iptables backend changes rules with the system's own iptables
 * commands (vrrp_ipt.c says why); each takes milliseconds, which the
 * event loop must not wait for, so they are queued here and run one at
 * a time: the next starts when sd-event reports the previous one's
 * exit.  Order matters (a check decides whether the add that follows it
 * runs), hence one queue and never two children at once.
 *
 * A child gets /dev/null for stdin and stdout and a pipe for stderr,
 * whose first bytes go into the log when the command fails; it starts
 * with an empty signal mask (the vrrp process blocks the signals
 * sd-event handles).  Past VRRP_CMD_TIMEOUT_US it is killed.
 *
 * vrrp_cmd_run() is the waiting form, for teardown: at stop the loop is
 * ending, and a reload that replaces the firewall must not let the old
 * one's deletes run after the new one's adds.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "vrrp/vrrp_fw_cmd.h"

struct cmd {
	struct cmd *next;
	unsigned flags;
	char **argv;
};

struct vrrp_cmdq {
	sd_event *e;
	struct cmd *head, **tail;
	unsigned n;
	bool last_failed;	/* of the command that ran last */
	/* the running one (head) */
	pid_t pid;
	int errfd;
	sd_event_source *child, *timer;
};

static void cmd_free(struct cmd *c)
{
	if (!c)
		return;
	for (char **a = c->argv; a && *a; a++)
		free(*a);
	free(c->argv);
	free(c);
}

/* "iptables -A INPUT ..." for the log */
static void cmd_line(char *const argv[], char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; argv[i] && o + 1 < len; i++) {
		const char *w = i ? argv[i] : strrchr(argv[0], '/') ?
			strrchr(argv[0], '/') + 1 : argv[0];
		int k = snprintf(buf + o, len - o, "%s%s", i ? " " : "", w);

		if (k < 0)
			break;
		o += (size_t)k;
	}
}

/* Start ARGV; its pid, or -errno.  *ERRFD: the read end of its stderr. */
static pid_t spawn(char *const argv[], int *errfd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int p[2], rc;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(&pid, argv[0], &fa, &at, argv, NULL);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (rc) {
		close(p[0]);
		return -rc;
	}
	*errfd = p[0];
	return pid;
}

/* Log a failed command with the start of what it wrote to stderr. */
static void report(char *const argv[], int status, int errfd)
{
	char line[512], err[256] = "";
	ssize_t k = errfd >= 0 ? read(errfd, err, sizeof(err) - 1) : -1;

	if (k > 0) {
		err[k] = '\0';
		err[strcspn(err, "\n")] = '\0';
	}
	cmd_line(argv, line, sizeof(line));
	if (WIFSIGNALED(status))
		log_err("firewall: %s: killed by signal %d", line,
			WTERMSIG(status));
	else
		log_err("firewall: %s: exit status %d%s%s", line,
			WEXITSTATUS(status), *err ? ": " : "", err);
}

static void start_next(struct vrrp_cmdq *q);

static void finish(struct vrrp_cmdq *q, int status)
{
	struct cmd *c = q->head;

	q->last_failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	if (q->last_failed && !(c->flags & VRRP_CMD_QUIET))
		report(c->argv, status, q->errfd);
	close(q->errfd);
	q->errfd = -1;
	q->pid = 0;
	q->child = sd_event_source_disable_unref(q->child);
	q->timer = sd_event_source_disable_unref(q->timer);
	if (!(q->head = c->next))
		q->tail = &q->head;
	q->n--;
	cmd_free(c);
	start_next(q);
}

static int on_exit_(sd_event_source *s, const siginfo_t *si, void *ud)
{
	struct vrrp_cmdq *q = ud;
	int status = si->si_code == CLD_EXITED ? W_EXITCODE(si->si_status, 0)
					       : si->si_status;

	(void)s;
	finish(q, status);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *ud)
{
	struct vrrp_cmdq *q = ud;
	char line[512];

	(void)s;
	(void)usec;
	cmd_line(q->head->argv, line, sizeof(line));
	log_err("firewall: %s: still running after %llu s: killed", line,
		(unsigned long long)(VRRP_CMD_TIMEOUT_US / 1000000));
	kill(q->pid, SIGKILL);
	return 0;
}

static void start_next(struct vrrp_cmdq *q)
{
	while (q->head && !q->pid) {
		struct cmd *c = q->head;
		pid_t pid;

		/* skipped: the check before it found the rule */
		if ((c->flags & VRRP_CMD_IF_FAILED) && !q->last_failed) {
			q->head = c->next;
			if (!q->head)
				q->tail = &q->head;
			q->n--;
			cmd_free(c);
			continue;
		}
		pid = spawn(c->argv, &q->errfd);
		if (pid > 0 &&
		    sd_event_add_child(q->e, &q->child, pid, WEXITED, on_exit_,
				       q) >= 0) {
			q->pid = pid;
			sd_event_add_time_relative(q->e, &q->timer,
						   CLOCK_MONOTONIC,
						   VRRP_CMD_TIMEOUT_US, 0,
						   on_timeout, q);
			return;
		}
		if (pid > 0) {		/* no child source: wait for it here */
			int st = 0;

			waitpid(pid, &st, 0);
			q->pid = pid;
			finish(q, st);
			return;
		}
		q->pid = -1;		/* finish() expects a running one */
		log_err("firewall: cannot run %s: %s", c->argv[0],
			strerror((int)-pid));
		q->errfd = -1;
		finish(q, W_EXITCODE(127, 0));
		return;
	}
}

int vrrp_cmdq_new(sd_event *e, struct vrrp_cmdq **out)
{
	struct vrrp_cmdq *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->e = sd_event_ref(e);
	q->tail = &q->head;
	q->errfd = -1;
	*out = q;
	return 0;
}

int vrrp_cmdq_push(struct vrrp_cmdq *q, unsigned flags, char *const argv[])
{
	struct cmd *c = calloc(1, sizeof(*c));
	size_t n = 0;

	while (argv[n])
		n++;
	if (!c || !(c->argv = calloc(n + 1, sizeof(char *))))
		goto nomem;
	for (size_t i = 0; i < n; i++)
		if (!(c->argv[i] = strdup(argv[i])))
			goto nomem;
	c->flags = flags;
	*q->tail = c;
	q->tail = &c->next;
	q->n++;
	start_next(q);
	return 0;
nomem:
	cmd_free(c);
	log_err("firewall: out of memory for a command");
	return -ENOMEM;
}

unsigned vrrp_cmdq_pending(const struct vrrp_cmdq *q)
{
	return q ? q->n : 0;
}

/* Wait for PID at most the timeout, then kill it; its status. */
static int wait_bounded(pid_t pid, char *const argv[])
{
	struct timespec tick = { 0, 2 * 1000 * 1000 };
	unsigned long waited = 0;
	int st = 0;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return W_EXITCODE(127, 0);
		if (waited >= VRRP_CMD_TIMEOUT_US) {
			char line[512];

			cmd_line(argv, line, sizeof(line));
			log_err("firewall: %s: still running: killed", line);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return st;
		}
		nanosleep(&tick, NULL);
		waited += 2000;
	}
}

void vrrp_cmdq_free(struct vrrp_cmdq *q)
{
	if (!q)
		return;
	q->child = sd_event_source_disable_unref(q->child);
	q->timer = sd_event_source_disable_unref(q->timer);
	if (q->pid > 0)
		q->last_failed = wait_bounded(q->pid, q->head->argv) != 0;
	if (q->errfd >= 0)
		close(q->errfd);
	if (q->pid > 0) {
		struct cmd *c = q->head;

		q->head = c->next;
		cmd_free(c);
	}
	while (q->head) {
		struct cmd *c = q->head;

		if (!(c->flags & VRRP_CMD_IF_FAILED) || q->last_failed)
			q->last_failed = vrrp_cmd_run(c->argv,
					c->flags & VRRP_CMD_QUIET) != 0;
		q->head = c->next;
		cmd_free(c);
	}
	sd_event_unref(q->e);
	free(q);
}

int vrrp_cmd_run(char *const argv[], bool quiet)
{
	int errfd = -1, st;
	pid_t pid = spawn(argv, &errfd);

	if (pid < 0) {
		if (!quiet)
			log_err("firewall: cannot run %s: %s", argv[0],
				strerror((int)-pid));
		return (int)pid;
	}
	st = wait_bounded(pid, argv);
	if ((!WIFEXITED(st) || WEXITSTATUS(st)) && !quiet)
		report(argv, st, errfd);
	close(errfd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -EINTR;
}
