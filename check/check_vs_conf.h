/*
 * The LVS part of keepalived.conf as the check process holds it:
 * virtual_server blocks with their real servers and sorry server, and
 * virtual_server_group blocks.
 *
 * The config lives here, in check/, because a real server will carry its
 * checkers; ipvs/ only ever sees the table derived from it.  Parsing is
 * three steps, each in its own file: the keyword tables store what each
 * block says (check_vs_conf.c, check_rs_conf.c, check_vsg_conf.c, with
 * the shared argument forms in check_conf_args.c), check_conf_finish()
 * checks what needs the whole file (a group named before it is defined,
 * the same service twice, families, ports), and check_conf_to_table()
 * is a pure function from a finished config to the IPVS table it asks
 * for (check_vs_table.c).  Every object remembers the file and line it
 * came from, so the cross-block checks report located errors too.
 */
#ifndef TANDEM_CHECK_VS_CONF_H
#define TANDEM_CHECK_VS_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/conf.h"
#include "ipvs/ipvs_table.h"

struct check_checker;
struct check_rs_rt;
struct check_ssl;
struct check_vs_rt;

/* Where an object was defined (file is owned). */
struct check_loc {
	char *file;
	int line;
};

/* A forwarding method with its tunnel options (lvs_method, lb_kind,
 * sorry_server_lvs_method, tun_*). */
struct check_fwd {
	bool set;		/* given at this level */
	uint32_t method;	/* IPVS_FWD_MASQ, _DROUTE, _TUNNEL */
	uint8_t tun_type;	/* IP_VS_CONN_F_TUNNEL_TYPE_* */
	uint16_t tun_port;	/* GUE port, host order */
	uint16_t tun_flags;	/* IP_VS_TUNNEL_ENCAP_FLAG_* */
	bool tun_port_set, tun_flags_set, tun_type_set;
	struct check_loc loc;	/* of the first keyword that set it */
	/* tun_type, tun_port, tun_*csum: merged in at the end of the block
	 * (check_fwd_validate), so their order against lvs_method does not
	 * matter. */
	struct {
		bool type_set, port_set, flags_set;
		uint8_t type;
		uint16_t port, flags;
	} kw;
};

/* Settings a real server inherits from its virtual server (and, later,
 * a checker from its real server); -1 means "not given here". */
#define CHECK_INHERIT_TIME UINT64_MAX
struct check_inherit {
	int inhibit_on_failure;	/* -1: inherit */
	int alpha;		/* -1: inherit */
	int smtp_alert;		/* -1: inherit */
	char *virtualhost;
	uint64_t delay_loop;		/* usec; CHECK_INHERIT_TIME: inherit */
	uint64_t delay_before_retry;	/* same */
	uint64_t warmup;		/* same */
	int retry;			/* -1: inherit */
};

struct check_rs {
	struct check_loc loc;
	int af;
	union ipvs_addr addr;
	bool port_set;
	uint16_t port;
	int weight;			/* 0..65535, default 1 */
	struct check_fwd fwd;		/* unset: the virtual server's */
	unsigned uthreshold, lthreshold;	/* 0: none */
	char *notify_up, *notify_down;
	struct check_inherit inh;
	struct check_checker **checkers;	/* check_checker.h */
	size_t ncheckers;
	/* The checkers' verdict while the check process runs
	 * (check_rs_rt.h); NULL in a config that only was read. */
	struct check_rs_rt *rt;
};

enum check_vs_kind {
	CHECK_VS_BAD,		/* the statement's arguments were wrong */
	CHECK_VS_ADDR,		/* IP PORT */
	CHECK_VS_FWMARK,	/* fwmark N */
	CHECK_VS_GROUP,		/* group NAME */
};

enum check_proto { CHECK_PROTO_TCP, CHECK_PROTO_UDP, CHECK_PROTO_SCTP };
enum check_family { CHECK_AF_UNSET = -1, CHECK_AF_INET, CHECK_AF_INET6 };

struct check_sorry {
	bool set;
	struct check_loc loc;
	int af;
	union ipvs_addr addr;
	bool port_set;
	uint16_t port;
};

struct check_vs {
	struct check_loc loc;
	enum check_vs_kind kind;
	int af;				/* CHECK_VS_ADDR */
	union ipvs_addr addr;
	uint16_t port;
	uint32_t fwmark;		/* CHECK_VS_FWMARK */
	char *group;			/* CHECK_VS_GROUP */

	char sched[IP_VS_SCHEDNAME_MAXLEN];	/* default "wlc" */
	struct check_loc sched_loc;
	uint32_t sched_flags;		/* IP_VS_SVC_F_SCHED1..3 */
	bool sh_flags, mh_flags;	/* sh-* / mh-* given (for checks) */
	bool ops;
	struct check_fwd fwd;		/* default NAT */
	bool persistent;
	unsigned persistence_timeout;	/* seconds */
	int granularity;		/* prefix length; -1: none */
	bool granularity_v4mask;	/* given as a dotted IPv4 netmask */
	char *persistence_engine;
	int protocol;			/* enum check_proto */
	int ip_family;			/* enum check_family */

	struct check_sorry sorry;
	bool sorry_inhibit;
	struct check_fwd sorry_fwd;	/* unset: the virtual server's */

	unsigned quorum;		/* default 1 */
	unsigned hysteresis;
	char *quorum_up, *quorum_down;
	bool omega, ha_suspend, hashed;
	struct check_inherit inh;

	struct check_rs **rs;
	size_t nrs, rs_cap;		/* rs_cap: room in rs (doubled) */
	/* The quorum state while the check process runs (check_rs_rt.h);
	 * NULL in a config that only was read. */
	struct check_vs_rt *rt;
};

/* One line of a virtual_server_group. */
struct check_vsg_entry {
	struct check_loc loc;
	bool is_fwmark;
	uint32_t fwmark;
	int af;
	union ipvs_addr first;		/* the range first..last (inclusive) */
	uint32_t count;			/* addresses in the range, >= 1 */
	uint16_t port;
};

struct check_vsg {
	struct check_loc loc;
	char *name;
	struct check_vsg_entry *e;
	size_t n;
};

/* A virtual_server a reload carries over: the statement of the new tree
 * and the object the same statement made in the config replaced. */
struct check_vs_share {
	const struct conf_node *n;
	size_t old_idx;			/* in the old config's vs */
	size_t new_idx;			/* in this one's; SIZE_MAX: not taken */
};

struct check_conf {
	struct check_vs **vs;
	size_t nvs, vs_cap;		/* vs_cap: room in vs (doubled) */
	struct check_vsg **vsg;
	size_t nvsg;
	/* lvs_sync_daemon is set (global_defs, which check/ cannot see:
	 * tandem/ sets this before check_conf_finish). */
	bool sync_daemon;
	struct check_ssl *ssl;		/* the SSL block; NULL: none */
	/* Virtual servers carried over from share_from, the config a reload
	 * replaces: their statements did not change, so their objects (and
	 * the checker state hanging off them) serve both configs until one
	 * is freed (check_conf_take_shared, check_conf_free). */
	const struct check_conf *share_from;
	struct check_vs_share *share;
	size_t nshare, share_cap, share_at;
};

void check_conf_init(struct check_conf *cc);
/* Room for one more element of size elem in p (n used, *cap allocated),
 * doubling so a file of thousands of blocks is not copied once per
 * block: the array to use from now on, or NULL when out of memory (p is
 * then unchanged). */
void *check_grow(void *p, size_t n, size_t *cap, size_t elem);
void check_conf_free(struct check_conf *cc);

/* Before applying a reload's tree to cc: statement n (a virtual_server,
 * added in tree order) is the same as the old_idx-th one of from, whose
 * object cc may then take over instead of applying n again.  0 or
 * -ENOMEM. */
int check_conf_share_add(struct check_conf *cc, const struct check_conf *from,
			 const struct conf_node *n, size_t old_idx);
/* The virtual_server block's reuse hook: true when n's object was taken
 * over (appended to cc->vs). */
bool check_vs_reuse(struct check_conf *cc, const struct conf_node *n);
/* from (cc's share_from) is about to be freed while cc lives on: cc
 * becomes the only owner of what it took over.  (check_conf_free of a
 * cc that still shares leaves the shared objects to share_from.) */
void check_conf_take_shared(struct check_conf *cc, struct check_conf *from);
/* Is cc->vs[v] taken over from share_from?  For walks over v in
 * increasing order: *at starts at 0 and is kept between the calls. */
bool check_conf_vs_shared(const struct check_conf *cc, size_t *at, size_t v);
/* Forget the shares planned (none taken yet). */
void check_conf_share_clear(struct check_conf *cc);

/* The top-level statements, for the top table's CONF_T_CUSTOM entries:
 * obj is the struct check_conf. */
int check_conf_vs_stmt(struct conf_ctx *c, const struct conf_node *n,
		       void *obj);
int check_conf_vsg_stmt(struct conf_ctx *c, const struct conf_node *n,
			void *obj);

/* The checks that need the whole file; run once after conf_apply.
 * Returns 0 when it added no error to d. */
int check_conf_finish(struct check_conf *cc, struct conf_diag *d);

/* The top-level track_file blocks, as FILE_CHECK needs them (the VRRP
 * side parses them; tandem/ copies them here). */
struct check_track_file {
	const char *name, *path;
	int weight;
	bool reverse;
};

/* Resolve every FILE_CHECK's `track_file NAME` against tf: its file,
 * and its weight unless the checker gives one.  An unknown name is a
 * located error.  Returns 0, or -1 when an error was added. */
int check_conf_track_files(struct check_conf *cc,
			   const struct check_track_file *tf, size_t ntf,
			   struct conf_diag *d);

/* The IPVS services one virtual_server stands for (one, or one per
 * address and fwmark of its group), with their settings; a malloc'ed
 * array in *out (NULL when empty).  Returns the count, or -ENOMEM. */
long check_vs_services(const struct check_conf *cc, const struct check_vs *vs,
		       struct ipvs_service **out);
/* Same, written into one (when not NULL) if there is just one: then *out
 * is one, not to be freed. */
long check_vs_services_in(const struct check_conf *cc,
			  const struct check_vs *vs, struct ipvs_service *one,
			  struct ipvs_service **out);
/* The address family of a fwmark service (ip_family, else its real
 * servers', else IPv4). */
int check_vs_fwmark_af(const struct check_vs *vs);
struct check_vsg *check_conf_find_group(const struct check_conf *cc,
					const char *name);

struct check_table_opts {
	/* For ha_suspend: is the virtual address configured here?  NULL:
	 * every service is in the table. */
	bool (*vip_present)(int af, const union ipvs_addr *a, void *arg);
	void *arg;
};

/* The table a finished config asks for: every service, and each real
 * server at its weight (there are no checkers yet, so every real server
 * is up, as keepalived treats one without a checker).  When the total
 * weight does not reach quorum and a sorry server is set, the sorry
 * server alone.  0 or -ENOMEM; out is emptied first. */
int check_conf_to_table(const struct check_conf *cc,
			const struct check_table_opts *o,
			struct ipvs_table *out);

/* Where each virtual server's services are in a table made by
 * check_conf_to_table_runs: out->vs[at .. at + n) (n may be 0). */
struct check_table_run {
	const struct check_vs *vs;
	size_t at, n;
	bool quorum_up;		/* its runtime's, when the table was made */
	bool kept;		/* moved from the table before */
};

/* check_conf_to_table, with where each virtual server's services went
 * (*runs, malloc'd, cc->nvs entries).  With prev, the last table made so
 * (prev_runs, nprev: its runs): a virtual server that is the object of
 * run i of prev at place i, taken over whole by a reload, without
 * ha_suspend and with its quorum as then, has its services moved from
 * prev (whose entries keep their keys but lose their destinations)
 * instead of made again: kept is set.  Only for a check process whose
 * table followed every change of state since prev was made (none is
 * waiting to be applied).  0 or -ENOMEM (prev as it was). */
int check_conf_to_table_runs(const struct check_conf *cc,
			     const struct check_table_opts *o,
			     struct ipvs_table *prev,
			     const struct check_table_run *prev_runs,
			     size_t nprev, struct ipvs_table *out,
			     struct check_table_run **runs);
/* The same for prev made for this very config (its runs name cc's
 * virtual servers at their places), after changes of state: the virtual
 * servers their runtime did not mark (table_dirty, check_rs_rt.h) and
 * whose quorum is as then keep their services (kept), fresh or not; the
 * marked ones are made again.  So a verdict costs its virtual server,
 * not the table. */
int check_conf_to_table_marked(const struct check_conf *cc,
			       const struct check_table_opts *o,
			       struct ipvs_table *prev,
			       const struct check_table_run *prev_runs,
			       size_t nprev, struct ipvs_table *out,
			       struct check_table_run **runs);
/* Give prev back what check_conf_to_table_runs moved into out. */
void check_table_runs_undo(struct ipvs_table *prev,
			   const struct check_table_run *prev_runs, size_t nprev,
			   struct ipvs_table *out,
			   const struct check_table_run *runs, size_t n);

/* check_conf_args.c: argument forms shared by the blocks. */
extern const char *const check_sched_names[];
int check_parse_fwd(struct conf_ctx *c, const struct conf_node *n,
		    struct check_fwd *f);
int check_parse_tun_kw(struct conf_ctx *c, const struct conf_node *n,
		       struct check_fwd *f);
/* At the end of a block: merge the tun_* keywords in and check that the
 * kernel takes the combination. */
int check_fwd_validate(struct conf_ctx *c, const struct conf_node *n,
		       struct check_fwd *f);
/* An inherited BOOL ([BOOL], default on): stores 0 or 1 into a setting
 * whose -1 means "not given here, inherit it". */
int check_parse_tri(struct conf_ctx *c, const struct conf_node *n, int *out);
int check_parse_port(struct conf_ctx *c, const struct conf_node *n,
		     size_t idx, uint16_t *port);
int check_parse_addr(struct conf_ctx *c, const struct conf_node *n,
		     size_t idx, int *af, union ipvs_addr *a);
int check_loc_set(struct check_loc *l, const struct conf_node *n);
void check_inherit_init(struct check_inherit *i);
void check_inherit_free(struct check_inherit *i);
extern const struct conf_block check_rs_block;
/* The virtual_server block's table; its open() takes the check_conf as
 * parent.  The parts are exported for a top table whose object holds the
 * check_conf (tandem/conf_top.c), as global_defs' are. */
extern const struct conf_block check_vs_block;
extern const struct conf_keyword check_vs_keywords[];
void *check_vs_open(struct conf_ctx *c, const struct conf_node *n,
		    void *parent);
int check_vs_close(struct conf_ctx *c, const struct conf_node *n, void *obj);

#endif
