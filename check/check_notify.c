/*
 * Notify scripts and FIFO lines of the check process (see
 * check_notify.h).
 *
 * The scripts wait in a queue and run one at a time through the script
 * runner, so "notify_down, then notify_up" reaches the scripts in that
 * order even when a server flaps faster than a script runs.  The FIFOs
 * are opened read-write and non-blocking: opening does not wait for a
 * reader, and a write never blocks the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "check/check_mail.h"
#include "check/check_notify.h"
#include "lib/log.h"
#include "lib/notify_fifo.h"

struct job {
	struct job *next;
	char *cmd;
};

struct check_notify {
	sd_event *e;
	struct script_opts so;
	char *user, *group;		/* so's strings, owned */
	bool init_notifies, stopping;
	struct notify_fifo fifo[2];		/* notify_fifo, lvs_notify_fifo */
	char *fifo_script;
	struct script_run *reader;	/* lvs_notify_fifo_script */
	struct job *head, **tail;
	struct script_run *running;
	uint64_t scripts, failed;
	struct smtp_alert *mail;	/* not owned */
	bool mail_default, mail_rs;
	struct check_notify_hook hook;
};

/* ------------------------------------------------------------------ */
/* Names                                                               */

static const char *proto_name(int p)
{
	return p == CHECK_PROTO_UDP ? "udp" : p == CHECK_PROTO_SCTP ? "sctp"
					    : "tcp";
}

static void trio(int af, const union ipvs_addr *a, int proto, unsigned port,
		 char *buf, size_t len)
{
	char t[INET6_ADDRSTRLEN] = "?";

	inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, a->raw, t, sizeof(t));
	snprintf(buf, len, "[%s]:%s:%u", t, proto_name(proto), port);
}

void check_notify_vs_name(const struct check_vs *vs, char *buf, size_t len)
{
	switch (vs->kind) {
	case CHECK_VS_ADDR:
		trio(vs->af, &vs->addr, vs->protocol, vs->port, buf, len);
		break;
	case CHECK_VS_FWMARK:
		snprintf(buf, len, "FWM %u", vs->fwmark);
		break;
	default:
		snprintf(buf, len, "[%s]:0", vs->group ? vs->group : "");
	}
}

void check_notify_rs_name(const struct check_vs *vs, const struct check_rs *rs,
			  char *buf, size_t len)
{
	unsigned port = rs->port_set ? rs->port
		      : vs->kind == CHECK_VS_ADDR ? vs->port : 0;

	trio(rs->af, &rs->addr, vs->protocol, port, buf, len);
}

static void fifo_line(struct check_notify *n, const char *line)
{
	for (int i = 0; i < 2; i++)
		notify_fifo_write(&n->fifo[i], line);
}

/* ------------------------------------------------------------------ */
/* Scripts                                                             */

static void run_next(struct check_notify *n);

static void on_script(const struct script_result *r, void *ud)
{
	struct check_notify *n = ud;

	n->running = NULL;
	if (r->end != SCRIPT_EXITED || r->status != 0) {
		n->failed++;
		log_warn("notify script failed: %s", r->why);
	}
	run_next(n);
}

static void run_next(struct check_notify *n)
{
	while (!n->running && n->head) {
		struct job *j = n->head;
		struct script_opts o = n->so;
		int r;

		n->head = j->next;
		if (!n->head)
			n->tail = &n->head;
		o.timeout = CHECK_NOTIFY_TIMEOUT;
		n->scripts++;
		r = script_run(n->e, j->cmd, &o, on_script, n, &n->running);
		if (r < 0) {
			n->running = NULL;
			n->failed++;
			log_err("cannot run notify script %s: %s", j->cmd,
				strerror(-r));
		}
		free(j->cmd);
		free(j);
	}
}

static void script(struct check_notify *n, const char *cmd)
{
	struct job *j;

	if (!cmd || !*cmd)
		return;
	if (n->stopping) {
		char why[SCRIPT_WHY_MAX];

		n->scripts++;
		if (script_spawn_detached(cmd, &n->so, why, sizeof(why)) < 0) {
			n->failed++;
			log_warn("notify script failed: %s", why);
		}
		return;
	}
	j = calloc(1, sizeof(*j));
	if (!j || !(j->cmd = strdup(cmd))) {
		free(j);
		n->failed++;
		log_err("notify script %s: out of memory", cmd);
		return;
	}
	*n->tail = j;
	n->tail = &j->next;
	run_next(n);
}

void check_notify_rs(struct check_notify *n, const struct check_vs *vs,
		     const struct check_rs *rs, bool up)
{
	char v[INET6_ADDRSTRLEN + 300], s[INET6_ADDRSTRLEN + 20];
	char line[sizeof(v) + sizeof(s) + 16];

	if (!n)
		return;
	check_notify_vs_name(vs, v, sizeof(v));
	check_notify_rs_name(vs, rs, s, sizeof(s));
	snprintf(line, sizeof(line), "RS %s %s %s\n", s, v, up ? "UP" : "DOWN");
	fifo_line(n, line);
	script(n, up ? rs->notify_up : rs->notify_down);
	if (n->mail_rs)
		check_mail_rs(n->mail, n->mail_default, vs, rs, up);
	if (n->hook.rs)
		n->hook.rs(vs, rs, up, n->hook.arg);
}

void check_notify_set_hook(struct check_notify *n,
			   const struct check_notify_hook *h)
{
	if (n)
		n->hook = h ? *h : (struct check_notify_hook){ 0 };
}

void check_notify_vs(struct check_notify *n, const struct check_vs *vs,
		     bool up)
{
	char v[INET6_ADDRSTRLEN + 300], line[sizeof(v) + 16];

	if (!n)
		return;
	check_notify_vs_name(vs, v, sizeof(v));
	snprintf(line, sizeof(line), "VS %s %s\n", v, up ? "UP" : "DOWN");
	fifo_line(n, line);
	script(n, up ? vs->quorum_up : vs->quorum_down);
	check_mail_vs(n->mail, n->mail_default, vs, up);
	if (n->hook.vs)
		n->hook.vs(vs, up, n->hook.arg);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

int check_notify_new(sd_event *e, struct check_notify **out)
{
	struct check_notify *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	n->e = sd_event_ref(e);
	n->tail = &n->head;
	notify_fifo_init(&n->fifo[0]);
	notify_fifo_init(&n->fifo[1]);
	*out = n;
	return 0;
}

static int dup_or_null(char **dst, const char *src)
{
	char *c = src ? strdup(src) : NULL;

	if (src && !c)
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

static void on_reader(const struct script_result *r, void *ud)
{
	struct check_notify *n = ud;

	n->reader = NULL;
	log_warn("lvs_notify_fifo_script ended: %s", r->why);
}

void check_notify_set(struct check_notify *n, const struct check_notify_opts *o)
{
	bool restart;

	n->so = o->script;
	if (dup_or_null(&n->user, o->script.user) < 0 ||
	    dup_or_null(&n->group, o->script.group) < 0)
		log_err("notify: out of memory");
	n->so.user = n->user;
	n->so.group = n->group;
	n->init_notifies = o->rs_init_notifies;
	n->mail = o->mail;
	n->mail_default = o->mail_default;
	n->mail_rs = o->mail_rs;
	restart = !o->lvs_notify_fifo || !n->fifo[1].path ||
		  strcmp(o->lvs_notify_fifo, n->fifo[1].path) ||
		  !o->lvs_fifo_script || !n->fifo_script ||
		  strcmp(o->lvs_fifo_script, n->fifo_script);
	notify_fifo_set(&n->fifo[0], o->notify_fifo, o->fifo_user[0], o->fifo_group[0]);
	notify_fifo_set(&n->fifo[1], o->lvs_notify_fifo, o->fifo_user[1],
		 o->fifo_group[1]);
	if (!restart && n->reader)
		return;
	script_cancel(n->reader);
	n->reader = NULL;
	if (dup_or_null(&n->fifo_script, o->lvs_fifo_script) < 0)
		log_err("notify: out of memory");
	if (n->fifo_script && n->fifo[1].path) {
		size_t len = strlen(n->fifo_script) + strlen(n->fifo[1].path) + 4;
		char *cmd = malloc(len);
		struct script_opts so = n->so;

		so.timeout = 0;		/* it reads for as long as we run */
		if (cmd) {
			/* The FIFO's path as its one argument, quoted. */
			snprintf(cmd, len, "%s '%s'", n->fifo_script,
				 n->fifo[1].path);
			if (script_run(n->e, cmd, &so, on_reader, n, &n->reader) < 0)
				n->reader = NULL;
		}
		free(cmd);
	}
}

const struct script_opts *check_notify_script_opts(const struct check_notify *n)
{
	return n ? &n->so : NULL;
}

bool check_notify_init_notifies(const struct check_notify *n)
{
	return n && n->init_notifies;
}

void check_notify_stopping(struct check_notify *n)
{
	if (!n)
		return;
	n->stopping = true;
	while (n->head) {
		struct job *j = n->head;

		n->head = j->next;
		free(j->cmd);
		free(j);
	}
	n->tail = &n->head;
}

void check_notify_free(struct check_notify *n)
{
	if (!n)
		return;
	check_notify_stopping(n);
	script_cancel(n->running);
	script_cancel(n->reader);
	notify_fifo_close(&n->fifo[0]);
	notify_fifo_close(&n->fifo[1]);
	free(n->fifo_script);
	free(n->user);
	free(n->group);
	sd_event_unref(n->e);
	free(n);
}

struct json_object *check_notify_json(const struct check_notify *n)
{
	struct json_object *o = json_object_new_object();

	if (!n)
		return o;
	json_object_object_add(o, "scripts_run",
			       json_object_new_int64((int64_t)n->scripts));
	json_object_object_add(o, "scripts_failed",
			       json_object_new_int64((int64_t)n->failed));
	for (int i = 0; i < 2; i++) {
		if (n->fifo[i].path)
			json_object_object_add(o, i ? "lvs_notify_fifo" : "notify_fifo",
					       notify_fifo_json(&n->fifo[i]));
	}
	return o;
}
