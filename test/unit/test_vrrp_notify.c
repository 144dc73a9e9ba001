/*
 * The notify queues of the vrrp process (vrrp/vrrp_notify.c) on a real
 * sd-event loop: a queue exists only while an instance or group has a
 * script to run or running, and is freed after its last one; a block
 * without scripts (FIFO only, or nothing) never gets one; a config that
 * gains a script (a reload) fires it at the next change and one that
 * loses it leaves no queue; scripts of one instance keep their order; a
 * group is notified once per state.  The scripts append their argument
 * to a file in a temporary directory, as the current user.
 */
#include <fcntl.h>
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
#include <json-c/json.h>
#include <cmocka.h>

#include "vrrp/vrrp_notify.h"

struct fx {
	sd_event *e;
	struct vrrp_notify *n;
	char dir[64];
	char rec[128];		/* the recording script */
	char out[128];		/* what it recorded */
	char fifo[128];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct vrrp_notify_opts o = { 0 };
	FILE *s;

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_vrrp_notify.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->rec, sizeof(f->rec), "%s/rec", f->dir);
	snprintf(f->out, sizeof(f->out), "%s/out", f->dir);
	snprintf(f->fifo, sizeof(f->fifo), "%s/fifo", f->dir);
	assert_non_null(s = fopen(f->rec, "w"));
	fprintf(s, "#!/bin/sh\necho \"$*\" >> %s\n", f->out);
	fclose(s);
	assert_int_equal(chmod(f->rec, 0755), 0);
	assert_int_equal(sd_event_new(&f->e), 0);
	assert_int_equal(vrrp_notify_new(f->e, &f->n), 0);
	/* as ourselves: a test need not be root */
	o.script.user = getpwuid(geteuid())->pw_name;
	vrrp_notify_set(f->n, &o);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];

	vrrp_notify_free(f->n);
	sd_event_unref(f->e);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* "DIR/rec WORDS" */
static char *cmd(const struct fx *f, const char *words)
{
	static char buf[4][192];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, sizeof(buf[0]), "%s %s", f->rec, words);
	return b;
}

/* Run the loop until no queue is left (at most 10 s). */
static void drain(struct fx *f)
{
	for (int i = 0; i < 1000 && vrrp_notify_queues(f->n); i++)
		assert_true(sd_event_run(f->e, 10000) >= 0);
	assert_int_equal(vrrp_notify_queues(f->n), 0);
}

/* What the scripts recorded, "" when nothing. */
static const char *recorded(const struct fx *f)
{
	static char buf[512];
	int fd = open(f->out, O_RDONLY);
	ssize_t len = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[len > 0 ? len : 0] = '\0';
	return buf;
}

static int64_t counter(const struct fx *f, const char *key)
{
	struct json_object *o = vrrp_notify_json(f->n), *v;
	int64_t r = -1;

	if (json_object_object_get_ex(o, key, &v))
		r = json_object_get_int64(v);
	json_object_put(o);
	return r;
}

static void no_script_no_queue(void **state)
{
	struct fx *f = *state;
	struct vrrp_conf_notify none = { 0 };
	struct vrrp_conf_notify empty = { .master = (char *)"" };
	struct vrrp_notify_opts o = { 0 };
	char line[128];
	int fd;
	ssize_t len;

	o.script.user = getpwuid(geteuid())->pw_name;
	o.fifo[1] = f->fifo;
	vrrp_notify_set(f->n, &o);
	assert_true((fd = open(f->fifo, O_RDONLY | O_NONBLOCK)) >= 0);
	for (int i = 0; i < 1000; i++) {
		char name[16];

		snprintf(name, sizeof(name), "VI_%d", i);
		vrrp_notify_event(f->n, "INSTANCE", name, &none, "MASTER", 100);
	}
	vrrp_notify_event(f->n, "INSTANCE", "VI_E", &empty, "MASTER", 100);
	vrrp_notify_event(f->n, "INSTANCE", "VI_N", NULL, "BACKUP", 100);
	assert_int_equal(vrrp_notify_queues(f->n), 0);
	assert_int_equal(counter(f, "scripts_run"), 0);
	/* the FIFO has its lines all the same */
	len = read(fd, line, 26);
	assert_int_equal(len, 26);
	line[len] = '\0';
	assert_string_equal(line, "INSTANCE \"VI_0\" MASTER 100");
	close(fd);
}

static void queue_while_running(void **state)
{
	struct fx *f = *state;
	struct vrrp_conf_notify cn = {
		.master = cmd(f, "MASTER"), .backup = cmd(f, "BACKUP"),
		.any = cmd(f, "any"),
	};
	struct vrrp_conf_notify other = { .fault = cmd(f, "other FAULT") };

	vrrp_notify_event(f->n, "INSTANCE", "VI_1", &cn, "MASTER", 100);
	vrrp_notify_event(f->n, "INSTANCE", "VI_1", &cn, "BACKUP", 90);
	vrrp_notify_event(f->n, "INSTANCE", "VI_2", &other, "FAULT", 0);
	/* VI_1 and VI_2, one queue each; VI_2 has no MASTER script */
	vrrp_notify_event(f->n, "INSTANCE", "VI_2", &other, "MASTER", 0);
	assert_int_equal(vrrp_notify_queues(f->n), 2);
	drain(f);
	/* VI_1's in the order asked; VI_2's line anywhere */
	const char *r = recorded(f);
	const char *m = strstr(r, "MASTER\n"), *b = strstr(r, "BACKUP\n");

	assert_non_null(strstr(r, "other FAULT\n"));
	assert_non_null(m);
	assert_non_null(b);
	assert_true(m < strstr(r, "any INSTANCE VI_1 MASTER 100\n"));
	assert_true(strstr(r, "any INSTANCE VI_1 MASTER 100\n") < b);
	assert_true(b < strstr(r, "any INSTANCE VI_1 BACKUP 90\n"));
	assert_int_equal(counter(f, "scripts_run"), 5);
	assert_int_equal(counter(f, "scripts_failed"), 0);
	/* and again after the queue went: a new one, same order */
	vrrp_notify_event(f->n, "INSTANCE", "VI_2", &other, "FAULT", 0);
	assert_int_equal(vrrp_notify_queues(f->n), 1);
	drain(f);
	assert_int_equal(counter(f, "scripts_run"), 6);
}

/* The config of an instance as a reload changes it: the notify block
 * read at each change is the one the instance has then. */
static void reload_adds_and_removes(void **state)
{
	struct fx *f = *state;
	struct vrrp_conf_notify before = { 0 };
	struct vrrp_conf_notify after = { .master = cmd(f, "added") };

	vrrp_notify_event(f->n, "INSTANCE", "VI_1", &before, "MASTER", 100);
	assert_int_equal(vrrp_notify_queues(f->n), 0);
	vrrp_notify_event(f->n, "INSTANCE", "VI_1", &after, "BACKUP", 100);
	assert_int_equal(vrrp_notify_queues(f->n), 0);	/* no BACKUP one */
	vrrp_notify_event(f->n, "INSTANCE", "VI_1", &after, "MASTER", 100);
	assert_int_equal(vrrp_notify_queues(f->n), 1);
	drain(f);
	assert_string_equal(recorded(f), "added\n");
	/* removed again, while the instance's script still runs: the one
	 * running ends, the queue goes, and nothing more is run */
	vrrp_notify_event(f->n, "INSTANCE", "VI_1", &after, "MASTER", 100);
	vrrp_notify_event(f->n, "INSTANCE", "VI_1", &before, "MASTER", 100);
	assert_int_equal(vrrp_notify_queues(f->n), 1);
	drain(f);
	assert_string_equal(recorded(f), "added\nadded\n");
	assert_int_equal(counter(f, "scripts_run"), 2);
}

static void refused_frees(void **state)
{
	struct fx *f = *state;
	struct vrrp_conf_notify cn = {
		.master = (char *)"/nonexistent/notify-script",
		.any = (char *)"/nonexistent/notify-any",
	};

	vrrp_notify_event(f->n, "INSTANCE", "VI_1", &cn, "MASTER", 100);
	drain(f);
	assert_int_equal(counter(f, "scripts_run"), 2);
	assert_int_equal(counter(f, "scripts_failed"), 2);
}

static void group_once_per_state(void **state)
{
	struct fx *f = *state;
	struct vrrp_conf_sync_group g = {
		.name = (char *)"G1",
		.notify = { .master = cmd(f, "G MASTER"),
			    .backup = cmd(f, "G BACKUP") },
	};
	struct vrrp_conf_sync_group quiet = { .name = (char *)"G2" };

	vrrp_notify_group(f->n, &g, "MASTER");
	vrrp_notify_group(f->n, &g, "MASTER");
	vrrp_notify_group(f->n, &quiet, "MASTER");
	assert_int_equal(vrrp_notify_queues(f->n), 1);
	drain(f);
	/* the group's state outlives its queue */
	vrrp_notify_group(f->n, &g, "MASTER");
	assert_int_equal(vrrp_notify_queues(f->n), 0);
	vrrp_notify_group(f->n, &g, "BACKUP");
	drain(f);
	assert_string_equal(recorded(f), "G MASTER\nG BACKUP\n");
}

static void stopping_detached(void **state)
{
	struct fx *f = *state;
	struct vrrp_conf_notify cn = { .stop = cmd(f, "STOP") };

	vrrp_notify_stopping(f->n);
	vrrp_notify_event(f->n, "INSTANCE", "VI_1", &cn, "STOP", 100);
	assert_int_equal(vrrp_notify_queues(f->n), 0);
	assert_int_equal(counter(f, "scripts_run"), 1);
	/* detached: nobody waits for it, but it runs (10 s at most) */
	for (int i = 0; i < 1000 && !*recorded(f); i++)
		usleep(10000);
	assert_string_equal(recorded(f), "STOP\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_script_no_queue, setup,
						teardown),
		cmocka_unit_test_setup_teardown(queue_while_running, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reload_adds_and_removes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refused_frees, setup, teardown),
		cmocka_unit_test_setup_teardown(group_once_per_state, setup,
						teardown),
		cmocka_unit_test_setup_teardown(stopping_detached, setup,
						teardown),
	};
	sigset_t s;

	/* sd-event's child sources need SIGCHLD blocked. */
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
