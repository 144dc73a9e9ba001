/*
 * The script runner on a real sd-event loop: exit statuses (true, false,
 * exit 7), a script killed past its timeout with its whole process group
 * gone, a missing program, an unsafe one refused under
 * enable_script_security with its path named, a cancelled run, and the
 * command-line splitting and the security test on their own.
 */
#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "lib/script.h"

struct got {
	int calls;
	struct script_result r;
	sd_event *e;
};

static void on_done(const struct script_result *r, void *ud)
{
	struct got *g = ud;

	g->calls++;
	g->r = *r;
	sd_event_exit(g->e, 0);
}

/* Run CMD to its end (at most 10 s of loop). */
static struct got run(const char *cmd, struct script_opts *o)
{
	struct got g = { 0 };
	struct script_run *r;
	struct passwd *pw = getpwuid(geteuid());

	assert_int_equal(sd_event_new(&g.e), 0);
	/* As ourselves: a test need not be root. */
	if (!o->user)
		o->user = pw->pw_name;
	assert_int_equal(script_run(g.e, cmd, o, on_done, &g, &r), 0);
	assert_non_null(r);
	assert_int_equal(g.calls, 0);	/* never from within script_run */
	sd_event_add_time_relative(g.e, NULL, CLOCK_MONOTONIC, 10000000, 0,
				   NULL, (void *)(intptr_t)1);
	sd_event_loop(g.e);
	sd_event_unref(g.e);
	assert_int_equal(g.calls, 1);
	return g;
}

static void exit_statuses(void **state)
{
	struct script_opts o = { .timeout = 5000000 };
	struct got g;

	(void)state;
	g = run("/bin/true", &o);
	assert_int_equal(g.r.end, SCRIPT_EXITED);
	assert_int_equal(g.r.status, 0);
	g = run("false", &o);		/* found in PATH */
	assert_int_equal(g.r.end, SCRIPT_EXITED);
	assert_int_equal(g.r.status, 1);
	g = run("/bin/sh -c 'exit 7'", &o);
	assert_int_equal(g.r.end, SCRIPT_EXITED);
	assert_int_equal(g.r.status, 7);
	assert_string_equal(g.r.why, "exit status 7");
	assert_true(g.r.pid > 0);
	/* Reaped: no zombie left. */
	assert_int_equal(kill(g.r.pid, 0), -1);
	g = run("/bin/sh -c 'kill -USR1 $$'", &o);
	assert_int_equal(g.r.end, SCRIPT_SIGNALED);
	assert_int_equal(g.r.status, SIGUSR1);
}

static void timeout_kills_group(void **state)
{
	char dir[] = "/tmp/test_script.XXXXXX", cmd[256], f[128];
	struct script_opts o = { .timeout = 200000 };
	struct got g;
	FILE *fp;
	int child = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(f, sizeof(f), "%s/pid", dir);
	/* A shell whose own child holds on: both must go. */
	snprintf(cmd, sizeof(cmd),
		 "/bin/sh -c 'sleep 30 & echo $! >%s; wait'", f);
	g = run(cmd, &o);
	assert_int_equal(g.r.end, SCRIPT_TIMEOUT);
	assert_string_equal(g.r.why, "timed out, killed");
	fp = fopen(f, "r");
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%d", &child), 1);
	fclose(fp);
	unlink(f);
	rmdir(dir);
	assert_true(child > 0);
	/* The sleep may still be a zombie of init for a moment. */
	for (int i = 0; i < 50 && kill(child, 0) == 0; i++) {
		char p[64], st = 0;
		FILE *s;

		snprintf(p, sizeof(p), "/proc/%d/stat", child);
		if ((s = fopen(p, "r"))) {
			if (fscanf(s, "%*d %*s %c", &st) != 1)
				st = 0;
			fclose(s);
		}
		if (st == 'Z')
			break;
		usleep(20000);
	}
	{
		char p[64], st = 'R';
		FILE *s;

		snprintf(p, sizeof(p), "/proc/%d/stat", child);
		if ((s = fopen(p, "r"))) {
			if (fscanf(s, "%*d %*s %c", &st) != 1)
				st = 'R';
			fclose(s);
		} else {
			st = 'X';	/* gone */
		}
		assert_true(st == 'X' || st == 'Z');
	}
	assert_int_equal(kill(g.r.pid, 0), -1);
}

static void missing_program(void **state)
{
	struct script_opts o = { .timeout = 1000000 };
	struct got g;

	(void)state;
	g = run("/nonexistent/tandem-script arg", &o);
	assert_int_equal(g.r.end, SCRIPT_REFUSED);
	assert_non_null(strstr(g.r.why, "/nonexistent/tandem-script"));
	g = run("tandem-no-such-program-anywhere", &o);
	assert_int_equal(g.r.end, SCRIPT_REFUSED);
	g = run("'unbalanced", &o);
	assert_int_equal(g.r.end, SCRIPT_REFUSED);
}

static void unsafe_refused(void **state)
{
	char dir[] = "/tmp/test_script.XXXXXX", path[128], why[SCRIPT_WHY_MAX];
	struct script_opts o = { .timeout = 1000000, .secure = true };
	struct got g;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.sh", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("#!/bin/sh\nexit 0\n", fp);
	fclose(fp);
	/* Writable by everyone: unsafe whoever owns it. */
	chmod(path, 0777);
	g = run(path, &o);
	assert_int_equal(g.r.end, SCRIPT_REFUSED);
	assert_non_null(strstr(g.r.why, path));
	assert_non_null(strstr(g.r.why, "enable_script_security"));
	assert_int_equal(script_check_secure(path, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, path));
	/* Without enable_script_security it runs. */
	o.secure = false;
	g = run(path, &o);
	assert_int_equal(g.r.end, SCRIPT_EXITED);
	assert_int_equal(g.r.status, 0);
	if (geteuid() == 0) {
		/* Safe once only root may change it: the file and /tmp
		 * (world-writable, but sticky) are fine. */
		chmod(path, 0755);
		assert_int_equal(script_check_secure(path, why, sizeof(why)), 0);
		/* A directory a group may write makes it unsafe again. */
		assert_int_equal(chown(dir, 0, 65534), 0);
		chmod(dir, 0775);
		assert_int_equal(script_check_secure(path, why, sizeof(why)), -EPERM);
		assert_non_null(strstr(why, dir));
		/* And an owner other than root. */
		chmod(dir, 0755);
		assert_int_equal(chown(path, 65534, 0), 0);
		assert_int_equal(script_check_secure(path, why, sizeof(why)), -EPERM);
		assert_non_null(strstr(why, "not root"));
	}
	assert_int_equal(script_check_secure("/bin/sh", why, sizeof(why)), 0);
	unlink(path);
	rmdir(dir);
}

static void never_done(const struct script_result *r, void *ud)
{
	(void)r;
	(void)ud;
	fail();
}

static void cancel(void **state)
{
	struct script_opts o = { .timeout = 0 };
	struct passwd *pw = getpwuid(geteuid());
	struct script_run *r;
	sd_event *e;
	int calls = 0;
	pid_t pid;

	(void)state;
	o.user = pw->pw_name;
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(script_run(e, "/bin/sleep 30", &o, never_done,
				    &calls, &r), 0);
	pid = script_pid(r);
	assert_true(pid > 0);
	script_cancel(r);
	/* Killed and reaped at once. */
	assert_int_equal(kill(pid, 0), -1);
	sd_event_unref(e);
}

static void split(void **state)
{
	char **v;

	(void)state;
	assert_int_equal(script_split("/bin/x a  'b c' \"d \\\"e\\\"\" f\\ g", &v), 0);
	assert_string_equal(v[0], "/bin/x");
	assert_string_equal(v[1], "a");
	assert_string_equal(v[2], "b c");
	assert_string_equal(v[3], "d \"e\"");
	assert_string_equal(v[4], "f g");
	assert_null(v[5]);
	script_argv_free(v);
	assert_int_equal(script_split("   ", &v), -EINVAL);
	assert_int_equal(script_split("a \"b", &v), -EINVAL);
	assert_int_equal(script_split("''", &v), 0);
	assert_string_equal(v[0], "");
	script_argv_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split),
		cmocka_unit_test(exit_statuses),
		cmocka_unit_test(timeout_kills_group),
		cmocka_unit_test(missing_program),
		cmocka_unit_test(unsafe_refused),
		cmocka_unit_test(cancel),
	};
	sigset_t s;

	/* sd-event's child sources need SIGCHLD blocked. */
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
