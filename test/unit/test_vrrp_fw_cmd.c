/*
 * The firewall command queue on a real sd-event loop, with /bin/sh for
 * iptables: commands run one at a time in their order; a command marked
 * "if the previous failed" runs after a failure and is skipped after a
 * success (the -C / -A pair); a missing program counts as a failure;
 * freeing the queue runs what is still queued, waiting for each; the
 * waiting form returns the exit status.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vrrp/vrrp_fw_cmd.h"

static char out[64];

/* sh -c "SCRIPT" with $1 the output file */
static void push(struct vrrp_cmdq *q, unsigned flags, const char *script)
{
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)script,
			 (char *)"sh", out, NULL };

	assert_int_equal(vrrp_cmdq_push(q, flags, argv), 0);
}

static void slurp(char *buf, size_t len)
{
	FILE *f = fopen(out, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

static int on_tick(sd_event_source *s, uint64_t usec, void *ud)
{
	struct vrrp_cmdq *q = ud;

	(void)usec;
	if (!vrrp_cmdq_pending(q))
		return sd_event_exit(sd_event_source_get_event(s), 0);
	sd_event_source_set_time_relative(s, 10000);
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static void fill(struct vrrp_cmdq *q)
{
	push(q, VRRP_CMD_QUIET, "exit 1");
	push(q, VRRP_CMD_IF_FAILED, "echo a >>\"$1\"");	/* runs */
	push(q, VRRP_CMD_QUIET, "true");
	push(q, VRRP_CMD_IF_FAILED, "echo b >>\"$1\"");	/* skipped */
	push(q, 0, "sleep 0.05; echo c >>\"$1\"");
	push(q, 0, "echo d >>\"$1\"");			/* after c */
	{
		char *argv[] = { (char *)"/nonexistent/iptables", NULL };

		assert_int_equal(vrrp_cmdq_push(q, VRRP_CMD_QUIET, argv), 0);
	}
	push(q, VRRP_CMD_IF_FAILED, "echo e >>\"$1\"");	/* runs */
}

static void in_order_on_the_loop(void **state)
{
	struct vrrp_cmdq *q;
	sd_event *e;
	char buf[64];

	(void)state;
	unlink(out);
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(vrrp_cmdq_new(e, &q), 0);
	fill(q);
	assert_true(vrrp_cmdq_pending(q) > 0);
	sd_event_add_time_relative(e, NULL, CLOCK_MONOTONIC, 10000, 0, on_tick,
				   q);
	/* bounded: 10 s at most */
	sd_event_add_time_relative(e, NULL, CLOCK_MONOTONIC, 10000000, 0,
				   NULL, (void *)(intptr_t)1);
	sd_event_loop(e);
	assert_int_equal(vrrp_cmdq_pending(q), 0);
	slurp(buf, sizeof(buf));
	assert_string_equal(buf, "a\nc\nd\ne\n");
	vrrp_cmdq_free(q);
	sd_event_unref(e);
}

static void free_drains(void **state)
{
	struct vrrp_cmdq *q;
	sd_event *e;
	char buf[64];

	(void)state;
	unlink(out);
	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(vrrp_cmdq_new(e, &q), 0);
	fill(q);		/* the loop never runs */
	vrrp_cmdq_free(q);
	slurp(buf, sizeof(buf));
	assert_string_equal(buf, "a\nc\nd\ne\n");
	sd_event_unref(e);
}

static void run_waits(void **state)
{
	char *three[] = { (char *)"/bin/sh", (char *)"-c", (char *)"exit 3",
			  NULL };
	char *ok[] = { (char *)"/bin/true", NULL };
	char *none[] = { (char *)"/nonexistent/iptables", NULL };

	(void)state;
	assert_int_equal(vrrp_cmd_run(three, true), 3);
	assert_int_equal(vrrp_cmd_run(ok, false), 0);
	assert_true(vrrp_cmd_run(none, true) != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order_on_the_loop),
		cmocka_unit_test(free_drains),
		cmocka_unit_test(run_waits),
	};
	sigset_t s;
	int r;

	/* sd-event's child sources need SIGCHLD blocked. */
	sigemptyset(&s);
	sigaddset(&s, SIGCHLD);
	sigprocmask(SIG_BLOCK, &s, NULL);
	snprintf(out, sizeof(out), "/tmp/test_vrrp_fw_cmd.%d", (int)getpid());
	r = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(out);
	return r;
}
