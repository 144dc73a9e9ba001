/*
 * The VRRP state messages that travel vrrp child -> parent -> check child:
 * lines applied in order, DELETED forgetting an instance, malformed lines
 * skipped and counted, and sending cut at line ends into messages that
 * arrive whole and in order, with a full queue keeping the rest.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "tandem/ipc.h"
#include "tandem/relay.h"
#include "tandem/vrrp_states.h"

#define S(x) x, sizeof(x) - 1

static void apply_in_order(void **state)
{
	struct vrrp_states t = { 0 };
	size_t bad = 9;

	(void)state;
	assert_int_equal(vrrp_states_apply(&t, S("INIT VI_1\nBACKUP VI_1\nBACKUP VI_2\nMASTER VI_1\n"), &bad), 4);
	assert_int_equal(bad, 0);
	assert_string_equal(vrrp_states_get(&t, "VI_1"), "MASTER");
	assert_string_equal(vrrp_states_get(&t, "VI_2"), "BACKUP");
	assert_null(vrrp_states_get(&t, "VI_3"));
	assert_null(vrrp_states_get(&t, "VI"));
	/* No final newline: the last line still counts. */
	assert_int_equal(vrrp_states_apply(&t, S("FAULT VI_2"), NULL), 1);
	assert_string_equal(vrrp_states_get(&t, "VI_2"), "FAULT");
	assert_int_equal(vrrp_states_apply(&t, S("DELETED VI_1\n"), NULL), 1);
	assert_null(vrrp_states_get(&t, "VI_1"));
	assert_string_equal(vrrp_states_get(&t, "VI_2"), "FAULT");
	/* Deleting what is not there is harmless. */
	assert_int_equal(vrrp_states_apply(&t, S("DELETED nope\n"), NULL), 1);
	assert_int_equal(t.n, 1);
	vrrp_states_free(&t);
}

static void malformed_lines(void **state)
{
	struct vrrp_states t = { 0 };
	size_t bad = 0;
	static const char in[] = "MASTER\n\nmaster VI_1\nBOGUS VI_1\nMASTER \n"
				 "MASTERX VI_1\n MASTER VI_1\nBACKUP A\0B\nBACKUP ok\n";

	(void)state;
	assert_int_equal(vrrp_states_apply(&t, in, sizeof(in) - 1, &bad), 1);
	assert_int_equal(bad, 8);
	assert_int_equal(t.n, 1);
	assert_string_equal(vrrp_states_get(&t, "ok"), "BACKUP");
	vrrp_states_free(&t);
}

static void names_with_spaces_and_length(void **state)
{
	struct vrrp_states t = { 0 };
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(vrrp_states_line(&buf, &len, "MASTER", "a name"), 0);
	assert_int_equal(vrrp_states_line(&buf, &len, "BACKUP", "b"), 0);
	assert_int_equal(len, strlen("MASTER a name\nBACKUP b\n"));
	assert_memory_equal(buf, "MASTER a name\nBACKUP b\n", len);
	assert_int_equal(vrrp_states_apply(&t, buf, len, NULL), 2);
	assert_string_equal(vrrp_states_get(&t, "a name"), "MASTER");
	free(buf);
	vrrp_states_free(&t);
}

/* Receive every message waiting on fd and apply it; returns the count.
 * Malformed lines add to *nbad, or fail the test when NBAD is NULL. */
static size_t drain_bad(int fd, struct vrrp_states *t, size_t *nbad)
{
	struct ipc_msg *m = malloc(sizeof(*m));
	size_t n = 0;

	assert_non_null(m);
	while (ipc_recv(fd, m) == 1) {
		size_t bad = 0;

		assert_int_equal(m->type, IPC_VRRP_STATE);
		assert_true(m->len <= IPC_MAX_PAYLOAD);
		/* Cut at a line end: every message stands alone. */
		assert_int_equal(m->payload[m->len - 1], '\n');
		vrrp_states_apply(t, m->payload, m->len, &bad);
		if (nbad)
			*nbad += bad;
		else
			assert_int_equal(bad, 0);
		n++;
	}
	free(m);
	return n;
}

static size_t drain(int fd, struct vrrp_states *t)
{
	return drain_bad(fd, t, NULL);
}

static void send_in_chunks_and_queue_full(void **state)
{
	struct vrrp_states got = { 0 };
	char *buf = NULL, name[32];
	size_t len = 0, msgs = 0;
	int sv[2], r, tries;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	/* A small queue, so that a thousand instances fill it. */
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &(int){ 4096 }, sizeof(int));
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "VI_%04d", i);
		assert_int_equal(vrrp_states_line(&buf, &len, "BACKUP", name), 0);
	}
	assert_int_equal(vrrp_states_line(&buf, &len, "MASTER", "VI_0007"), 0);
	for (tries = 0; tries < 1000; tries++) {
		r = vrrp_states_send(sv[0], &buf, &len);
		msgs += drain(sv[1], &got);
		if (r == 0)
			break;
		assert_int_equal(r, -EAGAIN);
	}
	assert_int_equal(r, 0);
	assert_int_equal(len, 0);
	assert_true(msgs >= 4);		/* 15 KB does not fit one message */
	assert_int_equal(got.n, 1000);
	/* The update sent last wins: order is kept across messages. */
	assert_string_equal(vrrp_states_get(&got, "VI_0007"), "MASTER");
	assert_string_equal(vrrp_states_get(&got, "VI_0999"), "BACKUP");
	free(buf);
	vrrp_states_free(&got);
	close(sv[0]);
	close(sv[1]);
}

static void relay_snapshot_for_a_new_peer(void **state)
{
	struct relay r = { 0 };
	struct vrrp_states got = { 0 };
	size_t bad = 0;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	/* No check child yet: remembered, not queued. */
	relay_from_vrrp(&r, S("BACKUP VI_1\nMASTER VI_1\nBACKUP VI_2\n"), -1);
	assert_int_equal(r.pendlen, 0);
	assert_string_equal(relay_state(&r, "VI_1"), "MASTER");
	relay_new_peer(&r, sv[0]);
	assert_int_equal(drain(sv[1], &got), 1);
	assert_string_equal(vrrp_states_get(&got, "VI_1"), "MASTER");
	assert_string_equal(vrrp_states_get(&got, "VI_2"), "BACKUP");
	/* Then updates are forwarded as they come; bad lines are counted
	 * (and counted again by the receiver, which skips them too). */
	relay_from_vrrp(&r, S("FAULT VI_1\nnonsense\n"), sv[0]);
	assert_int_equal(r.bad, 1);
	assert_int_equal(drain_bad(sv[1], &got, &bad), 1);
	assert_int_equal(bad, 1);
	assert_string_equal(vrrp_states_get(&got, "VI_1"), "FAULT");
	relay_free(&r);
	vrrp_states_free(&got);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(apply_in_order),
		cmocka_unit_test(malformed_lines),
		cmocka_unit_test(names_with_spaces_and_length),
		cmocka_unit_test(send_in_chunks_and_queue_full),
		cmocka_unit_test(relay_snapshot_for_a_new_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
