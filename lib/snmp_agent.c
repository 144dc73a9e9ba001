/*
 * net-snmp's AgentX subagent driven by sd-event (see snmp_agent.h).
 *
 * net-snmp has no event-loop hooks of its own; what it offers is the
 * select() pair: snmp_select_info2() says which descriptors it wants
 * read and when its next timeout or alarm is due, snmp_read2() and
 * snmp_timeout() / run_alarms() do the work.  After every call into the
 * library the descriptor sources are dropped and added afresh (there are
 * one or two, and a reconnect may hand out the same number for a new
 * socket, which a kept epoll registration would miss), and one timer is
 * armed for the next timeout.  The library's log lines go to tandem's
 * log, and it reads no snmp.conf and writes no persistent state: the
 * subagent's whole configuration is the transport given here.
 *
 * Requests are answered by one handler per registered subtree from a
 * snmp_view cached for a second, so a walk sees one snapshot and costs
 * one rebuild however many GETNEXTs it takes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "lib/log.h"
#include "lib/snmp_agent.h"

_Static_assert(sizeof(oid) == sizeof(snmp_subid), "oid is unsigned long");

#define MAX_FDS 8

struct snmp_reg {
	struct snmp_reg *next;
	netsnmp_handler_registration *reg;
	snmp_fill_fn fill;
	void *arg;
	struct snmp_view view;
	uint64_t built;			/* CLOCK_MONOTONIC usec; 0: never */
};

static struct {
	bool started;
	sd_event *e;
	char *name, *socket;
	sd_event_source *io[MAX_FDS];
	size_t nio;
	sd_event_source *timer;
	struct snmp_reg *regs;
} ag;

static void resched(void);

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* After any work: alarms due, requests delegated and answered late. */
static void after_work(void)
{
	run_alarms();
	netsnmp_check_outstanding_agent_requests();
	resched();
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *ud)
{
	netsnmp_large_fd_set set;

	(void)s;
	(void)revents;
	(void)ud;
	netsnmp_large_fd_set_init(&set, fd + 1);
	NETSNMP_LARGE_FD_SET(fd, &set);
	snmp_read2(&set);
	netsnmp_large_fd_set_cleanup(&set);
	after_work();
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)s;
	(void)usec;
	(void)ud;
	snmp_timeout();
	after_work();
	return 0;
}

static void drop_sources(void)
{
	for (size_t i = 0; i < ag.nio; i++)
		ag.io[i] = sd_event_source_disable_unref(ag.io[i]);
	ag.nio = 0;
	ag.timer = sd_event_source_disable_unref(ag.timer);
}

static void resched(void)
{
	netsnmp_large_fd_set set;
	struct timeval tv = { 0, 0 };
	int maxfd = 0, block = 1;

	if (!ag.started)
		return;
	drop_sources();
	netsnmp_large_fd_set_init(&set, FD_SETSIZE);
	snmp_select_info2(&maxfd, &set, &tv, &block);
	for (int fd = 0; fd < maxfd && ag.nio < MAX_FDS; fd++) {
		if (!NETSNMP_LARGE_FD_ISSET(fd, &set))
			continue;
		if (sd_event_add_io(ag.e, &ag.io[ag.nio], fd, EPOLLIN, on_io,
				    NULL) < 0)
			log_warn("SNMP: cannot watch descriptor %d", fd);
		else
			ag.nio++;
	}
	netsnmp_large_fd_set_cleanup(&set);
	if (!block) {
		uint64_t due = now_usec() + (uint64_t)tv.tv_sec * 1000000 +
			       (uint64_t)tv.tv_usec;

		if (sd_event_add_time(ag.e, &ag.timer, CLOCK_MONOTONIC, due,
				      10 * 1000, on_timer, NULL) < 0)
			log_warn("SNMP: cannot arm the timer");
	}
}

/* net-snmp's log lines into ours. */
static int on_log(int major, int minor, void *server, void *client)
{
	const struct snmp_log_message *m = server;
	char buf[512];
	size_t n;

	(void)major;
	(void)minor;
	(void)client;
	if (!m || !m->msg)
		return 0;
	snprintf(buf, sizeof(buf), "%s", m->msg);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	/* A missing master is the normal state before snmpd starts, and
	 * the library would say so at every retry. */
	if (strstr(buf, "Failed to connect to the agentx master agent"))
		return 0;
	log_msg(m->priority <= LOG_ERR ? LOG_ERR :
		m->priority == LOG_WARNING ? LOG_WARNING : LOG_DEBUG,
		"SNMP: %s", buf);
	return 0;
}

/* init_snmp() would parse every MIB file it finds for names a subagent
 * never prints (and log each one it cannot resolve): an empty MIBS list
 * for the call, the user's own restored after it. */
static void load_no_mibs(void)
{
	const char *env = getenv("MIBS");
	char *saved = env ? strdup(env) : NULL;

	setenv("MIBS", "", 1);
	init_snmp(ag.name);
	if (saved)
		setenv("MIBS", saved, 1);
	else
		unsetenv("MIBS");
	free(saved);
}

/* The AgentX open is the library's one synchronous exchange (at start
 * and at each reconnect), and the session it opens takes the library's
 * defaults, a second and five retries: a master that accepts and does
 * not answer would hold the loop six seconds, long enough for a VRRP
 * peer to take over and for the parent to kill the child as hung.  The
 * stream session is given SNMP_AGENT_OPEN_USEC and no retry as it is
 * created, before the open is sent. */
static int on_session(int major, int minor, void *server, void *client)
{
	netsnmp_session *s = server;

	(void)major;
	(void)minor;
	(void)client;
	if (s && (s->flags & SNMP_FLAGS_STREAM_SOCKET)) {
		s->timeout = SNMP_AGENT_OPEN_USEC;
		s->retries = 0;
	}
	return 0;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int snmp_agent_start(sd_event *e, const char *name, const char *socket)
{
	if (ag.started) {
		/* net-snmp cannot be shut down and set up again in one
		 * process: the first transport stays */
		if (!same_str(socket, ag.socket))
			log_warn("SNMP: snmp_socket %s takes effect when tandem "
				 "restarts; the subagent stays towards %s",
				 socket ? socket : "(default)",
				 ag.socket ? ag.socket : "the default");
		return 0;
	}
	ag.e = e;
	ag.name = strdup(name);
	ag.socket = socket ? strdup(socket) : NULL;
	if (!ag.name || (socket && !ag.socket)) {
		free(ag.name);
		free(ag.socket);
		ag.name = ag.socket = NULL;
		return -ENOMEM;
	}
	snmp_disable_log();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
			       on_log, NULL);
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_SESSION_INIT,
			       on_session, NULL);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	/* alarms (the agentx ping and reconnect) run from our timer, never
	 * from a SIGALRM handler */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
			       NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
			       NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID,
			       NETSNMP_DS_AGENT_NO_ROOT_ACCESS, 1);
	if (ag.socket)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
				      NETSNMP_DS_AGENT_X_SOCKET, ag.socket);
	if (init_agent(ag.name) != 0) {
		log_err("SNMP: cannot start the AgentX subagent");
		snmp_shutdown(ag.name);
		free(ag.name);
		free(ag.socket);
		ag.name = ag.socket = NULL;
		return -EIO;
	}
	/* after init_agent(), which sets the library's default (15 s); the
	 * session opens (or its retries start) in init_snmp() */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
			   NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   SNMP_AGENT_PING_SEC);
	load_no_mibs();
	ag.started = true;
	log_info("SNMP: AgentX subagent towards %s",
		 ag.socket ? ag.socket : "the default master agent");
	resched();
	return 0;
}

bool snmp_agent_started(void)
{
	return ag.started;
}

const char *snmp_agent_socket(void)
{
	return ag.socket;
}

void snmp_agent_unregister_all(void)
{
	for (struct snmp_reg *r = ag.regs, *next; r; r = next) {
		next = r->next;
		netsnmp_unregister_handler(r->reg);
		snmp_view_free(&r->view);
		free(r);
	}
	ag.regs = NULL;
	resched();
}

void snmp_agent_stop(void)
{
	if (!ag.started)
		return;
	snmp_agent_unregister_all();
	drop_sources();
	snmp_shutdown(ag.name);
	shutdown_agent();
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
				 on_log, NULL, 1);
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY,
				 SNMP_CALLBACK_SESSION_INIT, on_session, NULL, 1);
	free(ag.name);
	free(ag.socket);
	ag.name = ag.socket = NULL;
	ag.started = false;
}

uint64_t snmp_agent_uptime(void)
{
	return ag.started ? netsnmp_get_agent_uptime() : 0;
}

void snmp_agent_invalidate(void)
{
	for (struct snmp_reg *r = ag.regs; r; r = r->next)
		r->built = 0;
}

static void set_value(netsnmp_variable_list *vb, const struct snmp_cell *c)
{
	switch (c->type) {
	case SNMP_CELL_INTEGER: {
		long v = (long)c->i;

		snmp_set_var_typed_value(vb, ASN_INTEGER, &v, sizeof(v));
		break;
	}
	case SNMP_CELL_OCTETS:
	case SNMP_CELL_IPADDRESS:
		snmp_set_var_typed_value(vb, (u_char)c->type, c->s, c->slen);
		break;
	case SNMP_CELL_COUNTER64: {
		struct counter64 v = { .high = (u_long)(c->u >> 32),
				       .low = (u_long)(c->u & 0xffffffffu) };

		snmp_set_var_typed_value(vb, ASN_COUNTER64, &v, sizeof(v));
		break;
	}
	default: {
		u_long v = (u_long)c->u;

		snmp_set_var_typed_value(vb, (u_char)c->type, &v, sizeof(v));
	}
	}
}

static int handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
		   netsnmp_agent_request_info *ri, netsnmp_request_info *req)
{
	struct snmp_reg *r = h->myvoid;
	uint64_t now = now_usec();

	(void)reg;
	if (!r->built || now - r->built >= SNMP_AGENT_CACHE_USEC) {
		snmp_view_clear(&r->view);
		r->fill(&r->view, r->arg);
		if (r->view.failed)
			log_warn("SNMP: %s: some cells left out (out of "
				 "memory or an index too long)",
				 r->reg->handlerName);
		r->built = now;
	}
	for (; req; req = req->next) {
		netsnmp_variable_list *vb = req->requestvb;
		const struct snmp_cell *c;

		if (req->processed)
			continue;
		switch (ri->mode) {
		case MODE_GET:
			c = snmp_view_find(&r->view, vb->name, vb->name_length,
					   true, false);
			if (c)
				set_value(vb, c);
			else
				netsnmp_set_request_error(ri, req,
							  SNMP_NOSUCHINSTANCE);
			break;
		case MODE_GETNEXT:
			c = snmp_view_find(&r->view, vb->name, vb->name_length,
					   false, req->inclusive);
			/* none: left unanswered, the agent goes on to the
			 * next subtree */
			if (c) {
				snmp_set_var_objid(vb, c->name, c->len);
				set_value(vb, c);
			}
			break;
		default:
			netsnmp_set_request_error(ri, req, SNMP_ERR_NOTWRITABLE);
		}
	}
	return SNMP_ERR_NOERROR;
}

int snmp_agent_register(const char *name, const snmp_subid *root,
			size_t rootlen, snmp_fill_fn fill, void *arg)
{
	struct snmp_reg *r;

	if (!ag.started)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	snmp_view_init(&r->view);
	r->fill = fill;
	r->arg = arg;
	r->reg = netsnmp_create_handler_registration(name, handler, root,
						     rootlen, HANDLER_CAN_RONLY);
	if (!r->reg) {
		free(r);
		return -ENOMEM;
	}
	r->reg->handler->myvoid = r;
	if (netsnmp_register_handler(r->reg) != MIB_REGISTERED_OK) {
		/* the registration is freed by the failed call */
		log_err("SNMP: cannot register %s", name);
		free(r);
		return -EEXIST;
	}
	r->next = ag.regs;
	ag.regs = r;
	resched();
	return 0;
}

/* ---------------------------------------------------------------- traps */

struct snmp_notify {
	netsnmp_variable_list *vars;
};

static const oid trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

struct snmp_notify *snmp_notify_new(const snmp_subid *trap, size_t len)
{
	struct snmp_notify *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	snmp_varlist_add_variable(&n->vars, trap_oid, OID_LENGTH(trap_oid),
				  ASN_OBJECT_ID, trap, len * sizeof(oid));
	return n;
}

void snmp_notify_int(struct snmp_notify *n, const snmp_subid *name, size_t len,
		     int64_t v)
{
	long l = (long)v;

	if (n)
		snmp_varlist_add_variable(&n->vars, name, len, ASN_INTEGER,
					  &l, sizeof(l));
}

void snmp_notify_uint(struct snmp_notify *n, const snmp_subid *name,
		      size_t len, enum snmp_cell_type t, uint64_t v)
{
	u_long l = (u_long)v;

	if (n)
		snmp_varlist_add_variable(&n->vars, name, len, (u_char)t,
					  &l, sizeof(l));
}

void snmp_notify_octets(struct snmp_notify *n, const snmp_subid *name,
			size_t len, const void *p, size_t plen)
{
	if (n)
		snmp_varlist_add_variable(&n->vars, name, len, ASN_OCTET_STR,
					  p, plen);
}

void snmp_notify_ipaddr(struct snmp_notify *n, const snmp_subid *name,
			size_t len, const void *a)
{
	if (n)
		snmp_varlist_add_variable(&n->vars, name, len, ASN_IPADDRESS,
					  a, 4);
}

void snmp_notify_send(struct snmp_notify *n)
{
	if (!n)
		return;
	if (ag.started && n->vars) {
		send_v2trap(n->vars);
		resched();
	}
	snmp_free_varbind(n->vars);
	free(n);
}
