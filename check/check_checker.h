/*
 * Health checkers: their config, and the small vtable each checker type
 * implements.
 *
 * A checker block (TCP_CHECK { }, ...) inside a real_server becomes one
 * struct check_checker: the keywords every type shares (where to
 * connect, what to bind, the timeout, the timing settings it may take
 * over from its real and virtual server), and the type's own settings in
 * a union.  Each type lives in a file of its own (check_tcp.c, ...) and
 * exposes a struct check_type: its keyword block, how to start one check
 * and cancel it, whether two configs of it are the same check (a reload
 * keeps the real server's state only when they are), and how to free
 * its settings.  The scheduling of checks, retries and verdicts is the
 * same for every type and lives in check_rs_rt.c; a type only says "this
 * one check passed / failed, because ...".
 */
#ifndef TANDEM_CHECK_CHECKER_H
#define TANDEM_CHECK_CHECKER_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>

#include "check/check_timer.h"
#include "check/check_vs_conf.h"

enum check_kind {
	CHECK_K_TCP,
	CHECK_K_HTTP,		/* HTTP_GET */
	CHECK_K_SSL,		/* SSL_GET */
	CHECK_K_MISC,
	CHECK_K_SMTP,
	CHECK_K_UDP,
	CHECK_K_DNS,
	CHECK_K_PING,
	CHECK_K_FILE,
	CHECK_K_NTYPES
};

#define CHECK_DEFAULT_CONNECT_TIMEOUT (5 * 1000000ULL)	/* keepalived's */
#define CHECK_DEFAULT_DELAY_LOOP (60 * 1000000ULL)
#define CHECK_DEFAULT_DELAY_BEFORE_RETRY (1 * 1000000ULL)
#define CHECK_DEFAULT_RETRY 1

/* The settings of each type that has its own (check_<type>.c parses,
 * compares and frees them through its struct check_type). */
struct check_smtp_conf {
	char *helo_name;			/* NULL: keepalived's default */
};
struct check_udp_conf {
	uint8_t *payload;			/* NULL: random bytes */
	size_t payload_len;
	bool require_reply;
	uint8_t *reply, *reply_mask;		/* pattern; mask 0 bits: 'X' */
	size_t reply_len;
	unsigned min_reply_length, max_reply_length;
};
struct check_dns_conf {
	unsigned qtype;				/* DNS type code; default SOA */
	char *name;				/* NULL: "." */
};
struct check_file_conf {
	char *file;				/* the file read */
	char *track;				/* track_file NAME: resolved
						   into file/weight by
						   check_conf_track_files */
	int64_t weight;				/* multiplier; 0: up iff 0 */
	bool weight_set, reverse, dynamic;
};

struct check_checker {
	struct check_loc loc;
	enum check_kind kind;
	/* Where to check: the real server's address and port unless
	 * connect_ip / connect_port say otherwise (AF_UNSPEC / 0: not
	 * given). */
	struct sockaddr_storage connect_ip, bindto;
	unsigned connect_port, bind_port;	/* 0: not given */
	char *bind_if;
	unsigned fwmark;			/* SO_MARK; 0: none */
	uint64_t connect_timeout;		/* usec; 0: the default */
	int log_all_failures;			/* -1: the global default */
	struct check_inherit inh;		/* delay_loop, retry, ... */
	struct check_http *http;		/* HTTP_GET, SSL_GET (check_http.h) */
	/* MISC_CHECK (check_misc.c); misc_timeout is connect_timeout. */
	struct check_misc {
		char *path;			/* the command line */
		bool dynamic;			/* misc_dynamic */
		char *user, *group;		/* NULL: script_user */
	} misc;
	union {
		struct check_smtp_conf smtp;
		struct check_udp_conf udp;
		struct check_dns_conf dns;
		struct check_file_conf file;
	} u;
};

/* The address a check goes to, resolved against its real server. */
void check_checker_target(const struct check_checker *ck,
			  const struct check_rs *rs, uint16_t vs_port,
			  struct sockaddr_storage *out, socklen_t *len);

/* Timing resolved down the chain checker -> real server -> virtual
 * server -> keepalived's defaults. */
struct check_timing {
	uint64_t delay_loop, delay_before_retry, warmup, connect_timeout;
	unsigned retry;
	bool alpha;
};
void check_checker_timing(const struct check_checker *ck,
			  const struct check_rs *rs, const struct check_vs *vs,
			  struct check_timing *out);

/* ------------------------------------------------------------------ */
/* One check in flight                                                 */

#define CHECK_REASON_MAX 128

struct check_probe;
struct script_opts;
/* Called once per started check, from the loop (never from start()):
 * OK, and when not OK a short reason ("connection refused", "timeout
 * after 2.0 s", ...). */
typedef void (*check_done_fn)(struct check_probe *p, bool ok,
			      const char *reason);

struct check_probe {
	sd_event *e;
	struct check_timers *timers;	/* the process's (check_timer.h) */
	const struct check_checker *ck;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	uint64_t timeout;			/* usec */
	check_done_fn done;
	void *userdata;
	/* A weight the check found, set before done() (misc_dynamic's exit
	 * status - 2); -1, as the runtime sets it before each check: the
	 * real server's configured weight. */
	int weight;
	/* script_user and enable_script_security, for script checks. */
	const struct script_opts *script;
	struct script_run *run;		/* a script check in flight */
	bool warned;			/* a lasting problem was logged */
	/* The type's own state while a check runs (check_sock.c). */
	int fd;				/* -1: none */
	sd_event_source *io;
	struct check_timer timer;
	void (*sock_complete)(struct check_probe *p, int err);
	int early;			/* errno connect() decided at once */
	/* The servers checked (for settings a type inherits, such as
	 * virtualhost), and the type's state kept from one check to the
	 * next (freed by its cancel()/release()); NULL at first. */
	const struct check_rs *rs;
	const struct check_vs *vs;
	void *priv;
	/* A conversation's progress (SMTP replies, ICMP sequence, ...). */
	unsigned step;
	uint16_t seq;
};

/* Dynamic weights (FILE_CHECK dynamic, MISC_CHECK misc_dynamic): what
 * this checker adds to its real server's configured weight, given
 * before p->done(). */
void check_probe_weight_delta(struct check_probe *p, int64_t delta);

struct check_type {
	const char *name;			/* "TCP_CHECK" */
	const struct conf_block *block;
	bool needs_port;			/* talks to an address:port */
	/* Begin one check; its end comes through p->done.  0, or -errno
	 * when it could not even start (then done is not called). */
	int (*start)(struct check_probe *p);
	/* Abandon a check in flight (done is not called). */
	void (*cancel)(struct check_probe *p);
	/* Optional: are the type's own settings the same check?  (NULL:
	 * the type has none.)  And free them. */
	bool (*same)(const struct check_checker *a, const struct check_checker *b);
	void (*free_conf)(struct check_checker *ck);
	/* Optional: the checker is going away; free p->priv. */
	void (*release)(struct check_probe *p);
	/* keepalived's defaults that differ by type: delay_before_retry
	 * (its own value, or delay_loop with retry_delay_is_loop), retry
	 * (default_retry with has_default_retry; none with
	 * no_retry_default), and a timeout of delay_loop when none is given
	 * (MISC_CHECK). */
	uint64_t delay_before_retry;
	bool retry_delay_is_loop;
	bool has_default_retry;
	unsigned default_retry;
	bool no_retry_default, timeout_is_delay_loop;
};

extern const struct check_type *const check_types[CHECK_K_NTYPES];
extern const struct check_type check_type_tcp, check_type_smtp,
	check_type_udp, check_type_dns, check_type_ping, check_type_file;
extern const struct check_type check_type_http, check_type_ssl;
extern const struct check_type check_type_misc;

/* ------------------------------------------------------------------ */
/* Config                                                              */

/* The keywords every checker block has, for the types' tables. */
int check_ck_h_alpha(struct conf_ctx *c, const struct conf_node *n, void *obj);
int check_ck_h_log(struct conf_ctx *c, const struct conf_node *n, void *obj);
int check_ck_h_port(struct conf_ctx *c, const struct conf_node *n, void *obj);
#define CK_(f) offsetof(struct check_checker, f)
/* Every type's: the connection keywords, then the timing ones (a type
 * that connects nowhere, MISC_CHECK, takes only the timing ones). */
#define CHECK_COMMON_KEYWORDS CHECK_CONN_KEYWORDS, CHECK_TIMING_KEYWORDS
#define CHECK_CONN_KEYWORDS \
	{ .name = "connect_ip", .type = CONF_T_ADDR, .offset = CK_(connect_ip) }, \
	{ .name = "connect_port", .type = CONF_T_CUSTOM, \
	  .handler = check_ck_h_port, .expect = "a port (1-65535)" }, \
	{ .name = "bindto", .type = CONF_T_ADDR, .offset = CK_(bindto) }, \
	{ .name = "bind_port", .type = CONF_T_CUSTOM, \
	  .handler = check_ck_h_port, .expect = "a port (1-65535)" }, \
	{ .name = "bind_if", .type = CONF_T_STR, .offset = CK_(bind_if) }, \
	{ .name = "fwmark", .type = CONF_T_UINT, .offset = CK_(fwmark), \
	  .min = 1, .max = UINT32_MAX }, \
	{ .name = "connect_timeout", .type = CONF_T_TIME, \
	  .offset = CK_(connect_timeout), .min = 1000, \
	  .max = (int64_t)3600 * 1000000 }
#define CHECK_TIMING_KEYWORDS \
	{ .name = "retry", .type = CONF_T_INT, .offset = CK_(inh.retry), \
	  .min = 0, .max = 1000000 }, \
	{ .name = "nb_get_retry", .alias_of = "retry" }, \
	{ .name = "delay_before_retry", .type = CONF_T_TIME, \
	  .offset = CK_(inh.delay_before_retry), .min = 1000, \
	  .max = (int64_t)86400 * 1000000 }, \
	{ .name = "delay_loop", .type = CONF_T_TIME, \
	  .offset = CK_(inh.delay_loop), .min = 1000, \
	  .max = (int64_t)86400 * 1000000 }, \
	{ .name = "warmup", .type = CONF_T_TIME, .offset = CK_(inh.warmup), \
	  .min = 0, .max = (int64_t)86400 * 1000000 }, \
	{ .name = "alpha", .type = CONF_T_CUSTOM, .handler = check_ck_h_alpha, \
	  .expect = "[BOOL]" }, \
	{ .name = "log_all_failures", .type = CONF_T_CUSTOM, \
	  .handler = check_ck_h_log, .expect = "[BOOL]" }

/* Open a checker block of KIND inside a real_server (the blocks' open()),
 * and the shared close() that checks what every type needs. */
void *check_ck_open(struct conf_ctx *c, const struct conf_node *n,
		    void *parent, enum check_kind kind);
int check_ck_close(struct conf_ctx *c, const struct conf_node *n, void *obj);

extern const struct conf_block check_tcp_block;
extern const struct conf_block check_http_block, check_ssl_block;
extern const struct conf_block check_misc_block;
extern const struct conf_block check_tcp_block, check_smtp_block,
	check_udp_block, check_dns_block, check_ping_block, check_file_block;

/* The checker blocks, for the real_server table. */
#define CHECK_CHECKER_BLOCK(nm, b) \
	{ .name = nm, .type = CONF_T_BLOCK, .block = &(b), \
	  .flags = CONF_KW_MULTI | CONF_KW_BLOCK_OPT }

/* Are two checker configs the same check?  (Locations aside.) */
bool check_checker_same(const struct check_checker *a,
			const struct check_checker *b);
void check_checker_free(struct check_checker *ck);

#endif
