/*
 * The VRRP side of the config: keepalived's `vrrp_instance NAME { }` and
 * `vrrp_sync_group NAME { }` blocks read into typed structures.
 *
 * The keyword tables live in vrrp_conf_instance.c (instance keywords),
 * vrrp_conf_inst_check.c (the checks one instance can make alone),
 * vrrp_conf_addr.c (the `ip addr`
 * syntax of virtual_ipaddress, virtual_ipaddress_excluded and the lines of
 * unicast_peer), vrrp_conf_route.c / vrrp_conf_rule.c (virtual_routes,
 * virtual_rules and the static_* lists), vrrp_conf_vmac.c (use_vmac) and
 * vrrp_conf_sync.c (sync groups and the checks that need
 * every instance and global_defs: duplicate VRIDs, group members, the
 * version that global_defs gives).
 *
 * vrrp/ may not see global_defs (tandem/), so the few globals an instance
 * falls back on are handed to vrrp_conf_check() in a small struct by the
 * code that wires these blocks into the top-level table.
 *
 * Wiring (tandem/conf_top.c, one line per block plus a close hook):
 *   - the blocks' open() takes the enclosing object as a struct vrrp_conf *,
 *     so a table whose object is a struct vrrp_conf names them as
 *     CONF_T_BLOCK; a table whose object is something else (the top level,
 *     a struct tandem_config) uses vrrp_conf_instance_stmt() /
 *     vrrp_conf_sync_group_stmt() as CONF_T_CUSTOM handlers with a one-line
 *     wrapper that passes &cfg->vrrp, as check/ does for virtual_server;
 *   - after every block was applied, vrrp_conf_check() with the globals.
 */
#ifndef TANDEM_VRRP_CONF_H
#define TANDEM_VRRP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/conf.h"
#include "lib/nl_route.h"
#include "lib/nl_rule.h"
#include "vrrp/vrrp_csum.h"

#define VRRP_CONF_IFNAME_MAX	15	/* IFNAMSIZ - 1 */
#define VRRP_CONF_AUTH_PASS_MAX	8	/* VRRP_AUTH_LEN */
#define VRRP_CONF_MAX_VIPS	255	/* Count IPvX Addr is 8 bits */
#define VRRP_CONF_LFT_FOREVER	UINT32_MAX

/* Where a statement was, for the checks made after the walk.  file_id
 * is a reference to a shared copy of the file's name, by number
 * (vrrp_conf_loc_set, vrrp_conf_loc_free; vrrp_conf_loc_file gives the
 * name): the objects outlive the tree, 1,000 instances of one file would
 * otherwise hold thousands of copies of its name, and a number beside
 * the line takes half the room of a pointer and its padding. */
struct vrrp_conf_loc {
	uint32_t file_id;		/* 0: none */
	int line;
};

enum vrrp_conf_state {
	VRRP_CONF_STATE_BACKUP = 0,	/* the default, as keepalived */
	VRRP_CONF_STATE_MASTER = 1,
};

/* Index order of the auth_type words. */
enum vrrp_conf_auth {
	VRRP_CONF_AUTH_NONE = -1,
	VRRP_CONF_AUTH_PASS = 0,
	VRRP_CONF_AUTH_AH = 1,
};

/* Address flags of `ip addr add` keepalived passes on (IFA_F_*). */
#define VRRP_VIP_HOME		0x01
#define VRRP_VIP_NODAD		0x02
#define VRRP_VIP_MNGTMPADDR	0x04
#define VRRP_VIP_NOPREFIXROUTE	0x08
#define VRRP_VIP_AUTOJOIN	0x10

/* One line of virtual_ipaddress / virtual_ipaddress_excluded. */
struct vrrp_vip {
	/* Grouped by size: a config of 1,000 instances keeps 1,000 of
	 * these, and the order of topics left 16 bytes of holes in each.
	 * For the same reason scope and flags are as narrow as their
	 * ranges and the switches are bits (no keyword table stores into
	 * a vip: vrrp_conf_parse_vip does). */
	struct vrrp_ip addr;
	struct vrrp_ip peer;
	struct in_addr brd;
	uint32_t preferred_lft;	/* seconds or VRRP_CONF_LFT_FOREVER */
	struct vrrp_conf_loc loc;
	int16_t scope;		/* -1: not given (global), else 0..255;
				 * IPv4 only */
	uint8_t prefix;		/* the given one, else 32 / 128; with peer:
				 * the peer's */
	uint8_t flags;		/* VRRP_VIP_* */
	bool has_brd : 1;	/* IPv4 only; brd + and - are resolved */
	bool has_peer : 1;
	bool no_track : 1;
	/* use_vmac on the line: with the instance's use_vmac, a VMAC of its
	 * own on its interface (as use_vmac_addr does for every such line) */
	bool use_vmac : 1;
	bool has_preferred_lft : 1;	/* not given: 0 for an IPv6 /128, else
					 * forever (the runtime applies it) */
	char *dev;		/* NULL: the instance's interface */
	char *label;		/* NULL: none; IPv4 only */
};

/* One line of static_ipaddress: an address and what only a static one
 * has (kept out of struct vrrp_vip, of which there are 1,000). */
struct vrrp_svip {
	struct vrrp_vip v;
	/* track_group NAME (vrrp_conf_track_group.c resolves it); NULL:
	 * none */
	char *track_group;
	const struct vrrp_conf_track_group *tg;
};

/* One line of virtual_routes / static_routes (vrrp_conf_route.c).  The
 * next hops' interfaces are names here; the runtime resolves them. */
struct vrrp_route {
	struct nl_route_spec s;		/* nh[].ifindex 0 until resolved */
	char *dev[NL_ROUTE_MAX_NH];	/* NULL: none given */
	bool no_track;
	char *track_group;		/* static_routes only, as a vip's */
	const struct vrrp_conf_track_group *tg;
	struct vrrp_conf_loc loc;
};

/* One line of virtual_rules / static_rules. */
struct vrrp_rule {
	struct nl_rule_spec s;
	bool no_track;
	char *track_group;		/* static_rules only, as a vip's */
	const struct vrrp_conf_track_group *tg;
	struct vrrp_conf_loc loc;
};

/* One line of unicast_peer. */
struct vrrp_conf_peer {
	struct vrrp_ip addr;
	int min_ttl, max_ttl;	/* -1: not given */
	struct vrrp_conf_loc loc;
};

/* vrrp_conf_track.c: one line of track_interface or track_file (in an
 * instance or a sync group), and a top-level track_file block. */
enum vrrp_conf_track_kind {
	VRRP_TRACK_IF = 0,
	VRRP_TRACK_FILE,
	VRRP_TRACK_PROCESS,
	VRRP_TRACK_SCRIPT,
};

/* vrrp_conf_track_script.c: a vrrp_script block. */
struct vrrp_conf_track_script {
	char *name;
	char *script;			/* the command line; NULL: not given */
	uint64_t interval_us;		/* default 1 s */
	uint64_t timeout_us;		/* default: the interval */
	bool timeout_set;
	int weight;			/* default 0: FAULT on failure */
	bool reverse;
	unsigned rise, fall;		/* default 1 each */
	char *user, *group;		/* NULL: script_user */
	bool init_fail;
	struct vrrp_conf_loc loc;
};

/* vrrp_conf_track_proc.c: a vrrp_track_process block. */
enum vrrp_param_match {
	VRRP_PM_EXACT = 0,	/* every parameter, no more */
	VRRP_PM_INITIAL,	/* the last one may be longer */
	VRRP_PM_PARTIAL,	/* the first ones; more may follow */
};

struct vrrp_conf_track_process {
	char *name;
	char **argv;			/* process [params...]; NULL: not given */
	size_t nargv;
	int param_match;		/* enum vrrp_param_match */
	bool param_match_set;		/* match parameters even if none */
	int weight;			/* default 0 */
	bool reverse;
	unsigned quorum;		/* default 1 */
	unsigned quorum_max;		/* default UINT_MAX: no limit */
	uint64_t fork_delay_us, terminate_delay_us;
	bool full_command;
	struct vrrp_conf_loc loc;
};

struct vrrp_conf_track_file {
	char *name;
	char *path;			/* NULL: not given (an error) */
	int weight;			/* default 1 */
	bool reverse;
	bool init_file;
	long long init_value;		/* default 0 */
	bool init_overwrite;
	struct vrrp_conf_loc loc;
};

struct vrrp_conf_track {
	int kind;			/* enum vrrp_conf_track_kind */
	char *name;			/* interface or track_file name */
	int weight;			/* 0: FAULT on failure */
	bool weight_set;		/* track_file: else the file's weight */
	int reverse;			/* -1: not given (the file's), 0, 1 */
	/* Set by vrrp_conf_check(): the weight is not obeyed (a sync group
	 * member without sync_group_tracking_weight, or an address owner),
	 * as keepalived's manual says; the line then has no effect. */
	bool ignored;
	const struct vrrp_conf_track_file *file;	/* resolved (FILE) */
	const struct vrrp_conf_track_process *proc;	/* resolved (PROCESS) */
	const struct vrrp_conf_track_script *script;	/* resolved (SCRIPT) */
	struct vrrp_conf_loc loc;
};

struct vrrp_conf_sync_group;

/* notify_* of an instance or a sync group (vrrp_notify.c runs them):
 * command lines, NULL when not set. */
struct vrrp_conf_notify {
	char *master, *backup, *fault, *stop, *deleted;
	char *any;			/* notify: gets TYPE NAME STATE PRIO */
	char *master_rx_lower_pri;
	/* notify_priority_changes is the block's own member: here its two
	 * bools would make 6 bytes of padding in each instance. */
};

struct vrrp_conf_instance {
	/* Members are grouped by size, not by topic: the child keeps one of
	 * these for each of 1,000 instances, and the order of topics left
	 * 80 bytes of holes in each.  For the same reason the counts are
	 * 32 bits, the switches that no keyword table stores into (a table
	 * stores a bool at an offset, which a bit-field has not) are bits,
	 * and garp_extra_if is kept in seconds. */
	char *name;
	char *interface;		/* NULL: not given */
	/* use_vmac [NAME] [MAC]: a macvlan with the VRRP MAC (or MAC)
	 * carries the VIPs; vmac_name NULL: vrrp.VRID (vrrp6.VRID for
	 * IPv6); vmac_mac_len 0: no MAC given, 5: the VRID is the last
	 * octet (see vrrp_conf_vmac_mac()) */
	char *vmac_name;
	struct vrrp_conf_peer *peers;
	struct vrrp_vip *vips;		/* addresses */
	struct vrrp_vip *evips;
	struct vrrp_route *vroutes;	/* virtual_routes */
	struct vrrp_rule *vrules;	/* virtual_rules */
	struct vrrp_conf_track *tracks;	/* trackers (vrrp_conf_track.c) */
	/* set by vrrp_conf_check; vrrp_conf_inst_sync_group() is its name */
	const struct vrrp_conf_sync_group *sg;

	uint64_t advert_int_us;		/* default 1 s */
	uint64_t preempt_delay_us;	/* 0..1000 s */
	/* gratuitous ARP / NA: *_set false means global_defs' value */
	uint64_t garp_master_delay_us;
	uint64_t garp_master_refresh_us;
	uint64_t garp_lower_prio_delay_us;

	struct vrrp_conf_notify notify;

	struct vrrp_conf_loc loc;
	struct vrrp_conf_loc vrid_loc;
	struct vrrp_conf_loc advert_loc;
	struct vrrp_conf_loc auth_loc;	/* v2 authentication */

	uint32_t npeers;
	uint32_t nvips;
	uint32_t nevips;
	uint32_t nvroutes;
	uint32_t nvrules;
	uint32_t ntracks;

	uint32_t garp_extra_if_s;	/* 0..86400; 0: off */
	int state;			/* enum vrrp_conf_state */
	unsigned vrid;			/* 0: not given (an error) */
	unsigned priority;		/* default 100 */
	/* 0 until resolved: the instance's `version`, else (in
	 * vrrp_conf_check) global_defs vrrp_version; IPv6 forces 3. */
	unsigned version;
	unsigned unicast_ttl;		/* 0: not given (255) */
	int auth_type;			/* enum vrrp_conf_auth */
	unsigned garp_master_repeat;
	unsigned garp_master_refresh_repeat;
	unsigned garp_lower_prio_repeat;
	/* behaviour switches that default to global_defs */
	unsigned down_timer_adverts;	/* 0: global (3) */
	unsigned kernel_rx_buf_size;	/* 0: global policy */
	unsigned debug;			/* 0..4, kept for keepalived's files */

	/* sources, multicast group and unicast */
	/* family AF_UNSPEC: not given.  A struct vrrp_ip, not the
	 * sockaddr_storage of CONF_T_ADDR: 1,000 instances kept 300 kB of
	 * sockaddr_storage padding. */
	struct vrrp_ip mcast_src_ip;
	struct vrrp_ip unicast_src_ip;
	struct vrrp_ip mcast_dst_ip;

	char auth_pass[VRRP_CONF_AUTH_PASS_MAX + 1];
	uint8_t vmac_mac[6];
	uint8_t vmac_mac_len;
	uint8_t family;			/* AF_INET / AF_INET6, set by close() */

	/* switches a keyword table stores */
	bool nopreempt;
	bool preempt_given;
	bool dont_track_primary;
	bool native_ipv6;
	bool check_unicast_src;
	bool unicast_fault_no_peer;
	bool no_virtual_ipaddress;
	bool promote_secondaries;
	bool accept_given, no_accept;
	bool vmac_xmit_base;		/* adverts on the base interface */
	/* use_vmac_addr: a VMAC of its own for each other interface a VIP
	 * or eVIP names, and for the eVIPs of the other family */
	bool use_vmac_addr;
	bool lower_prio_no_advert;
	bool higher_prio_send_advert;
	bool skip_check_adv_addr;
	bool strict_mode;
	bool v3_checksum_as_v2;
	/* smtp_alert: a mail on each state change (else global_defs'
	 * smtp_alert_vrrp decides) */
	bool smtp_alert;
	/* notify_priority_changes as written; an instance without it takes
	 * its sync group's, else global_defs' (tandem/proc_vrrp.c) */
	bool notify_priority_changes;

	/* switches the handlers set */
	bool advert_int_set : 1;
	bool version_set : 1;
	/* advert_int was not checked against the version because it comes
	 * from global_defs: vrrp_conf_check() does it. */
	bool advert_check_pending : 1;
	bool check_unicast_src_set : 1;
	bool auth_block : 1;
	bool auth_pass_set : 1;
	/* accept / no_accept: after vrrp_conf_check(), accept is the
	 * effective mode (default: accept, but no_accept in strict mode) */
	bool accept : 1;
	bool use_vmac : 1;
	bool garp_master_delay_set : 1;
	bool garp_master_repeat_set : 1;
	bool garp_master_refresh_set : 1;
	bool garp_master_refresh_repeat_set : 1;
	bool garp_lower_prio_delay_set : 1;
	bool garp_lower_prio_repeat_set : 1;
	bool garp_extra_if_all : 1;
	bool garp_extra_if_set : 1;
	bool lower_prio_no_advert_set : 1;
	bool higher_prio_send_advert_set : 1;
	bool skip_check_adv_addr_set : 1;
	bool strict_mode_set : 1;
	bool v3_checksum_as_v2_set : 1;
	bool smtp_alert_set : 1;
	bool notify_priority_changes_set : 1;
};

struct vrrp_conf_sync_group {
	char *name;
	struct vrrp_conf_loc loc;
	char **members;
	struct vrrp_conf_loc *member_loc;
	size_t nmembers;
	struct vrrp_conf_track *tracks;	/* apply to every member */
	uint32_t ntracks;		/* as an instance's */
	bool tracking_weight;		/* sync_group_tracking_weight */
	struct vrrp_conf_notify notify;
	bool smtp_alert, smtp_alert_set;	/* as an instance's */
	bool notify_priority_changes, notify_priority_changes_set;
};

/* The name of in's sync group (vrrp_conf_check), NULL: none. */
static inline const char *
vrrp_conf_inst_sync_group(const struct vrrp_conf_instance *in)
{
	return in->sg ? in->sg->name : NULL;
}

void vrrp_conf_notify_free(struct vrrp_conf_notify *n);

/* The notify keywords both blocks share; MARK_PRIO sets
 * notify_priority_changes_set (the scripts are whole lines: a
 * quoted command, or the words of the line joined by blanks). */
#define VRRP_CONF_NOTIFY_LINE(w, T, f) \
	{ .name = w, .type = CONF_T_LINE, .offset = offsetof(T, notify.f) }
#define VRRP_CONF_NOTIFY_KEYWORDS(T, mark_prio) \
	VRRP_CONF_NOTIFY_LINE("notify_master", T, master), \
	VRRP_CONF_NOTIFY_LINE("notify_backup", T, backup), \
	VRRP_CONF_NOTIFY_LINE("notify_fault", T, fault), \
	VRRP_CONF_NOTIFY_LINE("notify_stop", T, stop), \
	VRRP_CONF_NOTIFY_LINE("notify_deleted", T, deleted), \
	VRRP_CONF_NOTIFY_LINE("notify", T, any), \
	{ .name = "notify_priority_changes", .type = CONF_T_BOOL, \
	  .offset = offsetof(T, notify_priority_changes), \
	  .handler = mark_prio }

/* vrrp_conf_garp.c: one garp_group block.  An interval not given
 * (*_set false) is global_defs' vrrp_garp_interval / vrrp_gna_interval. */
struct vrrp_conf_garp_group {
	uint64_t garp_us, gna_us;
	bool garp_set, gna_set;
	char **ifs;			/* interface, or interfaces { } */
	size_t nifs;
	bool one_given, list_given;
	struct vrrp_conf_loc loc;
};

/* vrrp_conf_track_group.c: track_group NAME { group { INSTANCE... } }:
 * the instances that go to FAULT when a static address, route or rule
 * naming the group is deleted and cannot be restored. */
struct vrrp_conf_track_group {
	char *name;
	char **members;
	struct vrrp_conf_loc *member_loc;
	size_t nmembers;
	struct vrrp_conf_loc loc;
};

/* Every vrrp_instance and vrrp_sync_group of a file, in file order. */
struct vrrp_conf {
	struct vrrp_conf_instance **inst;
	size_t ninst;
	struct vrrp_conf_sync_group **groups;
	size_t ngroups;
	/* static_ipaddress, static_routes, static_rules: set while the vrrp
	 * process runs, whatever the instances' states */
	struct vrrp_svip *svips;
	size_t nsvips;
	/* 32-bit counts: the lists' parsers are the instances' */
	struct vrrp_route *sroutes;
	uint32_t nsroutes;
	struct vrrp_rule *srules;
	uint32_t nsrules;
	struct vrrp_conf_track_file **track_files;
	size_t ntrack_files;
	struct vrrp_conf_track_process **track_procs;
	size_t ntrack_procs;
	struct vrrp_conf_track_script **track_scripts;
	size_t ntrack_scripts;
	struct vrrp_conf_garp_group **garp_groups;
	size_t ngarp_groups;
	struct vrrp_conf_track_group **track_groups;
	size_t ntrack_groups;
};

/* What vrrp_conf_check() needs from global_defs. */
struct vrrp_conf_globals {
	unsigned vrrp_version;		/* 2 or 3 (keepalived's default 2) */
	bool vrrp_strict;
	const char *default_interface;	/* NULL: not given */
};

void vrrp_conf_init(struct vrrp_conf *vc);
void vrrp_conf_free(struct vrrp_conf *vc);

/* The tables.  The blocks' open() expects the enclosing object to be a
 * struct vrrp_conf. */
extern const struct conf_block vrrp_instance_block;
extern const struct conf_block vrrp_sync_group_block;
extern const struct conf_keyword vrrp_instance_keywords[];
extern const struct conf_keyword vrrp_sync_group_keywords[];

/* CONF_T_CUSTOM handlers for a table whose object is not a struct
 * vrrp_conf: obj is the struct vrrp_conf to fill. */
int vrrp_conf_instance_stmt(struct conf_ctx *c, const struct conf_node *n,
			    void *obj);
int vrrp_conf_sync_group_stmt(struct conf_ctx *c, const struct conf_node *n,
			      void *obj);

/* Top-level track_file NAME { } (vrrp_track_file is its deprecated
 * alias); obj is the struct vrrp_conf to fill. */
int vrrp_conf_track_file_stmt(struct conf_ctx *c, const struct conf_node *n,
			      void *obj);

/* Top-level garp_group { } (vrrp_conf_garp.c); obj is the struct
 * vrrp_conf.  The check that no interface is in two blocks, and the
 * free. */
int vrrp_conf_garp_group_stmt(struct conf_ctx *c, const struct conf_node *n,
			      void *obj);
void vrrp_conf_garp_check(struct vrrp_conf *vc, struct conf_diag *d);
void vrrp_conf_garp_free(struct vrrp_conf *vc);

/* Top-level track_group NAME { group { } } (vrrp_conf_track_group.c);
 * obj is the struct vrrp_conf.  The check resolves the static addresses'
 * groups and the groups' members. */
int vrrp_conf_track_group_stmt(struct conf_ctx *c, const struct conf_node *n,
			       void *obj);
void vrrp_conf_track_group_check(struct vrrp_conf *vc, struct conf_diag *d);
void vrrp_conf_track_groups_free(struct vrrp_conf *vc);
/* Does track group G name instance NAME? */
bool vrrp_conf_track_group_has(const struct vrrp_conf_track_group *g,
			       const char *name);

/* Top-level vrrp_track_process NAME { }; obj is the struct vrrp_conf. */
int vrrp_conf_track_process_stmt(struct conf_ctx *c, const struct conf_node *n,
				 void *obj);

/* The checks that need every block and the globals: unique instance and
 * group names, group members that exist and belong to one group, the
 * version from global_defs and what depends on it (advert_int, IPv6,
 * authentication, strict mode), an interface for every multicast
 * instance, no two instances on the same (interface, family, VRID, group
 * or peers).  Errors and warnings go to d with the location of the
 * statement concerned.  Returns 0 when no error was added. */
int vrrp_conf_check(struct vrrp_conf *vc, const struct vrrp_conf_globals *g,
		    struct conf_diag *d);

/* vrrp_conf_addr.c: parse one line of virtual_ipaddress (the words of n:
 * n->word is the address) into *out; 0, or -1 after a located error.
 * Exported for static_ipaddress later. */
int vrrp_conf_parse_vip(struct conf_ctx *c, const struct conf_node *n,
			struct vrrp_vip *out);
void vrrp_vip_free(struct vrrp_vip *v);
/* "ADDR/PREFIX" */
const char *vrrp_conf_ip_str(const struct vrrp_ip *ip, char *buf, size_t len);

/* vrrp_conf_route.c, vrrp_conf_rule.c: one line of `ip route` / `ip rule`
 * syntax; 0, or -1 after a located error. */
int vrrp_conf_parse_route(struct conf_ctx *c, const struct conf_node *n,
			  struct vrrp_route *out);
int vrrp_conf_parse_rule(struct conf_ctx *c, const struct conf_node *n,
			 struct vrrp_rule *out);
void vrrp_route_free(struct vrrp_route *r);
/* The top-level static_* lists: CONF_T_LIST handlers whose obj is the
 * struct vrrp_conf. */
int vrrp_conf_h_static_addr(struct conf_ctx *c, const struct conf_node *n,
			    void *obj);
int vrrp_conf_h_static_route(struct conf_ctx *c, const struct conf_node *n,
			     void *obj);
int vrrp_conf_h_static_rule(struct conf_ctx *c, const struct conf_node *n,
			    void *obj);
/* Frees an instance's or the config's routes, rules and static lists. */
void vrrp_conf_routes_free(struct vrrp_conf_instance *in);
void vrrp_conf_static_free(struct vrrp_conf *vc);

/* The MAC of an instance's VMAC: use_vmac's, else the RFCs' virtual
 * router MAC of the family. */
void vrrp_conf_vmac_mac(const struct vrrp_conf_instance *in, bool ipv6,
			uint8_t mac[6]);

/* Internal to vrrp_conf*.c. */
int vrrp_conf_h_use_vmac(struct conf_ctx *c, const struct conf_node *n,
			 void *obj);
int vrrp_conf_h_vroute(struct conf_ctx *c, const struct conf_node *n,
		       void *obj);
int vrrp_conf_h_vrule(struct conf_ctx *c, const struct conf_node *n,
		      void *obj);
int vrrp_conf_inst_close(struct conf_ctx *c, const struct conf_node *n,
			 void *obj);
int vrrp_conf_loc_set(struct vrrp_conf_loc *l, const struct conf_node *n);
/* Drop l's file reference (l is then empty). */
void vrrp_conf_loc_free(struct vrrp_conf_loc *l);
/* The file name of l, NULL when none; valid while l holds it. */
const char *vrrp_conf_loc_file(const struct vrrp_conf_loc *l);
int vrrp_conf_h_vip(struct conf_ctx *c, const struct conf_node *n, void *obj);
int vrrp_conf_h_evip(struct conf_ctx *c, const struct conf_node *n, void *obj);
int vrrp_conf_h_peer(struct conf_ctx *c, const struct conf_node *n, void *obj);
bool vrrp_conf_ip_eq(const struct vrrp_ip *a, const struct vrrp_ip *b);
void vrrp_conf_ip_from_ss(struct vrrp_ip *ip, const struct sockaddr_storage *ss);
/* vrrp_conf_track.c */
int vrrp_conf_h_track_if(struct conf_ctx *c, const struct conf_node *n,
			 void *obj);
int vrrp_conf_h_track_file(struct conf_ctx *c, const struct conf_node *n,
			   void *obj);
int vrrp_conf_sg_h_track_if(struct conf_ctx *c, const struct conf_node *n,
			    void *obj);
int vrrp_conf_sg_h_track_file(struct conf_ctx *c, const struct conf_node *n,
			      void *obj);
int vrrp_conf_h_track_proc(struct conf_ctx *c, const struct conf_node *n,
			   void *obj);
int vrrp_conf_sg_h_track_proc(struct conf_ctx *c, const struct conf_node *n,
			      void *obj);
void vrrp_conf_track_procs_free(struct vrrp_conf *vc);
/* vrrp_conf_track_script.c: vrrp_script NAME { } at the top level (obj
 * is the struct vrrp_conf) and the track_script lines. */
int vrrp_conf_track_script_stmt(struct conf_ctx *c, const struct conf_node *n,
				void *obj);
int vrrp_conf_h_track_script(struct conf_ctx *c, const struct conf_node *n,
			     void *obj);
int vrrp_conf_sg_h_track_script(struct conf_ctx *c, const struct conf_node *n,
				void *obj);
void vrrp_conf_track_scripts_free(struct vrrp_conf *vc);
/* The parser of one track_* line (vrrp_conf_track.c). */
int vrrp_conf_track_line(struct conf_ctx *c, const struct conf_node *n,
			 struct vrrp_conf_track **list, uint32_t *count,
			 int kind);
void vrrp_conf_tracks_free(struct vrrp_conf_track *t, size_t n);
void vrrp_conf_track_files_free(struct vrrp_conf *vc);
/* Resolve track_file names, apply keepalived's rules on weights in sync
 * groups and on address owners (warnings; the line is ignored). */
void vrrp_conf_track_check(struct vrrp_conf *vc, struct conf_diag *d);

#endif
