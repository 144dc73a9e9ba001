/*
 * Between the two files of the control socket: ctl_server.c (its
 * clients: lines in, answers out, ops) and ctl_listen.c (the listening
 * socket, its file and its status).  The rest of tandem uses ctl_server.h.
 */
#ifndef TANDEM_CTL_SERVER_INT_H
#define TANDEM_CTL_SERVER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "tandem/ctl_proto.h"

#define MAX_CLIENTS 64
#define OUT_MAX (4 << 20)		/* a monitor further behind is dropped */
#define IDLE_USEC_DEFAULT (60 * 1000000ULL)
#define READ_CHUNK 16384

struct ctl_client {
	struct ctl_client *next;
	unsigned long id;
	int fd;
	sd_event_source *io, *idle;
	struct ctl_lines in;
	char *out;
	size_t outlen;
	struct ctl_op *op;
	bool monitor, closing;
	bool processing;		/* in client_process: no recursion */
	bool eof;			/* it shut its sending side */
};

struct ctl_server_state {
	sd_event *e;
	int fd;
	sd_event_source *io;
	char *path;			/* being served, NULL: none */
	char *group;
	dev_t dev;
	ino_t ino;
	struct ctl_client *clients;
	unsigned nclients;
	unsigned long next_id;
	uint64_t idle_usec;
	bool subscribed;
	struct {
		unsigned long long accepted, rejected, requests, bad_json,
			too_long, unknown, errors, idle, left_mid_request,
			dropped_replies, slow_monitors;
	} n;
};
extern struct ctl_server_state cs;

/* ctl_server.c */
void ctl_client_close(struct ctl_client *c);
int ctl_server_on_accept(sd_event_source *s, int fd, uint32_t revents, void *ud);
/* A relayed event, to every monitoring client. */
struct json_object;
void ctl_server_on_event(struct json_object *ev, void *ud);

#endif
