/*
 * global_defs statements with several or optional arguments: LVS, VRRP,
 * firewall, scheduling and files (scripts, FIFOs and mail are in
 * global_defs_notify.c).
 *
 * keepalived parses these with ad-hoc loops that skip what they do not
 * understand; here each one either stores a complete, checked value or
 * reports a located error and leaves the previous value alone.  Every
 * handler builds the new value aside and commits it only when all of it
 * was valid, so a bad line never leaves a half-updated field (and never
 * leaks: the old strings are freed when the new ones replace them).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/conf.h"
#include "tandem/global_defs.h"

/* Interface names as IPVS takes them (IP_VS_IFNAME_MAXLEN - 1). */
#define IFNAME_MAX	15
/* iptables chain names (XT_EXTENSION_MAXNAMELEN - 1). */
#define CHAIN_MAX	28
/* ipset names (IPSET_MAXNAMELEN - 1). */
#define IPSET_NAME_MAX	31
/* nftables table names (NFT_TABLE_MAXNAMELEN - 1). */
#define NFT_NAME_MAX	255
/* IPVS connection timeouts keepalived accepts: 31 days. */
#define LVS_MAX_TIMEOUT	(86400 * 31)

int gd_set_str(char **dst, const char *src)
{
	char *copy = NULL;

	if (src && !(copy = strdup(src)))
		return -1;
	free(*dst);
	*dst = copy;
	return 0;
}

int gd_nomem(struct conf_ctx *c, const struct conf_node *n)
{
	conf_err(c, n, "out of memory");
	return -1;
}

/* Letters, digits and the characters of extra; 1..max characters. */
bool gd_word_ok(const char *s, size_t max, const char *extra)
{
	size_t len = strlen(s);

	if (len == 0 || len > max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

static bool is_multicast(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return IN_MULTICAST(ntohl(((const struct sockaddr_in *)
					   (const void *)ss)->sin_addr.s_addr));
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_MULTICAST(&((const struct sockaddr_in6 *)
					       (const void *)ss)->sin6_addr);
	return false;
}

static bool is_uint(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

GD_HANDLER(gd_h_lvs_sync_daemon)
{
	struct global_defs *gd = obj;
	struct gd_lvs_syncd s = { 0 };
	const char *inst = NULL;
	int64_t v;
	size_t i;

	if (conf_arg_count(c, n, 1, 14) < 0)
		return -1;
	if (!gd_word_ok(n->args[0], IFNAME_MAX, "._-@")) {
		conf_err(c, n, "expected an interface name of at most %d "
			 "characters, got '%s'", IFNAME_MAX, n->args[0]);
		return -1;
	}
	s.syncid = -1;
	s.port = 8848;
	inet_pton(AF_INET, "224.0.0.81",
		  &((struct sockaddr_in *)(void *)&s.group)->sin_addr);
	s.group.ss_family = AF_INET;

	for (i = 1; i < n->nargs; i++) {
		const char *w = n->args[i];
		bool has_val = i + 1 < n->nargs;

		if (!strcmp(w, "inst") || !strcmp(w, "id") ||
		    !strcmp(w, "maxlen") || !strcmp(w, "port") ||
		    !strcmp(w, "ttl") || !strcmp(w, "group")) {
			if (!has_val) {
				conf_err(c, n, "'%s' needs a value", w);
				return -1;
			}
		}
		if (!strcmp(w, "inst")) {
			if (inst) {
				conf_err(c, n, "VRRP instance given twice");
				return -1;
			}
			inst = n->args[++i];
		} else if (!strcmp(w, "id")) {
			if (conf_arg_int(c, n, ++i, 0, 255, &v) < 0)
				return -1;
			s.syncid = (int)v;
		} else if (!strcmp(w, "maxlen")) {
			if (conf_arg_int(c, n, ++i, 1, 65535 - 20 - 8, &v) < 0)
				return -1;
			s.maxlen = (unsigned)v;
		} else if (!strcmp(w, "port")) {
			if (conf_arg_int(c, n, ++i, 1, 65535, &v) < 0)
				return -1;
			s.port = (unsigned)v;
		} else if (!strcmp(w, "ttl")) {
			if (conf_arg_int(c, n, ++i, 1, 255, &v) < 0)
				return -1;
			s.ttl = (unsigned)v;
		} else if (!strcmp(w, "group")) {
			if (conf_arg_addr(c, n, ++i, &s.group) < 0)
				return -1;
			if (!is_multicast(&s.group)) {
				conf_err(c, n, "group: expected a multicast "
					 "address, got '%s'", n->args[i]);
				return -1;
			}
		} else if (i == 1) {
			/* keepalived's first form: IF INSTANCE [SYNCID] */
			inst = w;
		} else if (i == 2 && inst && is_uint(w)) {
			conf_warn(c, n, "a bare sync id is deprecated; "
				  "write 'id %s'", w);
			if (conf_arg_int(c, n, i, 0, 255, &v) < 0)
				return -1;
			s.syncid = (int)v;
		} else {
			conf_err(c, n, "unknown option '%s' (expected inst, "
				 "id, maxlen, port, ttl or group)", w);
			return -1;
		}
	}

	if (gd_set_str(&s.ifname, n->args[0]) < 0 ||
	    gd_set_str(&s.vrrp_instance, inst) < 0) {
		free(s.ifname);
		return gd_nomem(c, n);
	}
	free(gd->lvs_sync_daemon.ifname);
	free(gd->lvs_sync_daemon.vrrp_instance);
	gd->lvs_sync_daemon = s;
	return 0;
}

GD_HANDLER(gd_h_lvs_timeouts)
{
	struct global_defs *gd = obj;
	struct gd_lvs_timeouts t = gd->lvs_timeouts;
	int64_t v;

	if (conf_arg_count(c, n, 2, 6) < 0)
		return -1;
	for (size_t i = 0; i < n->nargs; i += 2) {
		const char *w = n->args[i];
		uint64_t *dst;

		if (!strcmp(w, "tcp"))
			dst = &t.tcp;
		else if (!strcmp(w, "tcpfin"))
			dst = &t.tcpfin;
		else if (!strcmp(w, "udp"))
			dst = &t.udp;
		else {
			conf_err(c, n, "unknown protocol '%s' (expected tcp, "
				 "tcpfin or udp)", w);
			return -1;
		}
		if (i + 1 >= n->nargs) {
			conf_err(c, n, "'%s' needs a number of seconds", w);
			return -1;
		}
		if (conf_arg_int(c, n, i + 1, 0, LVS_MAX_TIMEOUT, &v) < 0)
			return -1;
		*dst = (uint64_t)v * GD_USEC_PER_SEC;
	}
	gd->lvs_timeouts = t;
	return 0;
}

GD_HANDLER(gd_h_lvs_flush_on_stop)
{
	static const char *const words[] = { "VS", NULL };
	struct global_defs *gd = obj;
	int w;

	if (conf_arg_count(c, n, 0, 1) < 0)
		return -1;
	if (n->nargs == 0) {
		gd->lvs_flush_on_stop = GD_FLUSH_ON_STOP_FULL;
		return 0;
	}
	if (conf_arg_enum(c, n, 0, words, &w) < 0)
		return -1;
	gd->lvs_flush_on_stop = GD_FLUSH_ON_STOP_VS;
	return 0;
}

static int parse_cpus(struct conf_ctx *c, const struct conf_node *n,
		      struct gd_proc *p)
{
	uint64_t cpus[GD_MAX_CPUS / 64] = { 0 };
	int64_t v;

	if (conf_arg_count(c, n, 1, GD_MAX_CPUS) < 0)
		return -1;
	for (size_t i = 0; i < n->nargs; i++) {
		if (conf_arg_int(c, n, i, 0, GD_MAX_CPUS - 1, &v) < 0)
			return -1;
		cpus[v / 64] |= 1ULL << (v % 64);
	}
	memcpy(p->cpus, cpus, sizeof(cpus));
	p->cpus_set = true;
	return 0;
}

GD_HANDLER(gd_h_vrrp_cpu_affinity)
{
	return parse_cpus(c, n, &((struct global_defs *)obj)->vrrp_proc);
}

GD_HANDLER(gd_h_checker_cpu_affinity)
{
	return parse_cpus(c, n, &((struct global_defs *)obj)->checker_proc);
}

GD_HANDLER(gd_h_bfd_cpu_affinity)
{
	return parse_cpus(c, n, &((struct global_defs *)obj)->bfd_proc);
}

GD_HANDLER(gd_h_max_auto_priority)
{
	struct global_defs *gd = obj;
	int64_t v = 99;		/* sched_get_priority_max(SCHED_RR) */

	if (conf_arg_count(c, n, 0, 1) < 0)
		return -1;
	if (n->nargs == 1 && conf_arg_int(c, n, 0, -1, 99, &v) < 0)
		return -1;
	gd->max_auto_priority = (int)v;
	return 0;
}

GD_HANDLER(gd_h_vrrp_garp_extra_if)
{
	struct global_defs *gd = obj;
	bool all = false;
	int64_t secs = 0;

	if (conf_arg_count(c, n, 1, 2) < 0)
		return -1;
	for (size_t i = 0; i < n->nargs; i++) {
		if (!strcmp(n->args[i], "all")) {
			all = true;
			continue;
		}
		if (secs) {
			conf_err(c, n, "time given twice");
			return -1;
		}
		if (conf_arg_int(c, n, i, 1, 86400, &secs) < 0)
			return -1;
	}
	if (!secs) {
		conf_err(c, n, "expected a time in seconds (1..86400)");
		return -1;
	}
	gd->vrrp_garp_extra_if = (uint64_t)secs * GD_USEC_PER_SEC;
	gd->vrrp_garp_extra_if_all = all;
	return 0;
}

static int check_chain(struct conf_ctx *c, const struct conf_node *n,
		       const char *s)
{
	if (!gd_word_ok(s, CHAIN_MAX, "_.-")) {
		conf_err(c, n, "expected an iptables chain name of at most %d "
			 "letters, digits, '_', '.' or '-', got '%s'",
			 CHAIN_MAX, s);
		return -1;
	}
	return 0;
}

GD_HANDLER(gd_h_vrrp_iptables)
{
	struct global_defs *gd = obj;
	const char *in = "INPUT", *out = "OUTPUT";
	char *i2 = NULL, *o2 = NULL;

	if (conf_arg_count(c, n, 0, 2) < 0)
		return -1;
	if (n->nargs >= 1) {
		if (check_chain(c, n, n->args[0]) < 0)
			return -1;
		in = n->args[0];
		out = NULL;
	}
	if (n->nargs == 2) {
		if (check_chain(c, n, n->args[1]) < 0)
			return -1;
		out = n->args[1];
	}
	if (gd_set_str(&i2, in) < 0 || gd_set_str(&o2, out) < 0) {
		free(i2);
		return gd_nomem(c, n);
	}
	free(gd->vrrp_iptables_in);
	free(gd->vrrp_iptables_out);
	gd->vrrp_iptables_in = i2;
	gd->vrrp_iptables_out = o2;
	gd->vrrp_iptables = true;
	return 0;
}

/* Set names left out are made from the ones given, as keepalived does:
 * NAME6, NAME_if6, NAME_igmp, NAME_mld, NAME_vmac_nd. */
GD_HANDLER(gd_h_vrrp_ipsets)
{
	struct global_defs *gd = obj;
	char *sets[GD_IPSETS] = { 0 };
	char buf[128];
	size_t i;
	int rc = 0;

	if (conf_arg_count(c, n, 0, GD_IPSETS) < 0)
		return -1;
	for (i = 0; i < GD_IPSETS && rc == 0; i++) {
		const char *name = NULL;

		if (n->nargs == 0)
			break;
		if (i < n->nargs) {
			name = n->args[i];
		} else {
			const char *base = n->args[0];
			size_t bl;

			switch (i) {
			case 1:
				snprintf(buf, sizeof(buf), "%s6", base);
				break;
			case 2:
				/* from the IPv6 set's name, without its '6' */
				bl = strlen(sets[1]);
				if (bl && sets[1][bl - 1] == '6')
					bl--;
				snprintf(buf, sizeof(buf), "%.*s_if6", (int)bl,
					 sets[1]);
				break;
			case 3:
				snprintf(buf, sizeof(buf), "%s_igmp", base);
				break;
			case 4:
				snprintf(buf, sizeof(buf), "%s_mld", base);
				break;
			default:
				snprintf(buf, sizeof(buf), "%s_vmac_nd", base);
				break;
			}
			name = buf;
		}
		if (!gd_word_ok(name, IPSET_NAME_MAX, "_.-")) {
			conf_err(c, n, "ipset name '%s' is not 1..%d letters, "
				 "digits, '_', '.' or '-'%s", name,
				 IPSET_NAME_MAX, i < n->nargs ? "" :
				 " (made from the first name; give the names)");
			rc = -1;
		} else if (!(sets[i] = strdup(name))) {
			rc = gd_nomem(c, n);
		}
	}
	if (rc < 0) {
		for (i = 0; i < GD_IPSETS; i++)
			free(sets[i]);
		return -1;
	}
	for (i = 0; i < GD_IPSETS; i++) {
		free(gd->vrrp_ipsets[i]);
		gd->vrrp_ipsets[i] = sets[i];
	}
	gd->vrrp_ipsets_set = true;
	return 0;
}

static int parse_nft(struct conf_ctx *c, const struct conf_node *n,
		     char **dst, const char *def)
{
	const char *name = def;

	if (conf_arg_count(c, n, 0, 1) < 0)
		return -1;
	if (n->nargs == 1) {
		name = n->args[0];
		if (!gd_word_ok(name, NFT_NAME_MAX, "_.-/") ||
		    isdigit((unsigned char)name[0])) {
			conf_err(c, n, "expected an nftables table name "
				 "(a letter or '_' then letters, digits, '_', "
				 "'.', '-', '/'), got '%s'", name);
			return -1;
		}
	}
	if (gd_set_str(dst, name) < 0)
		return gd_nomem(c, n);
	return 0;
}

GD_HANDLER(gd_h_nftables)
{
	return parse_nft(c, n, &((struct global_defs *)obj)->nftables,
			 "tandem");
}

GD_HANDLER(gd_h_nftables_ipvs)
{
	return parse_nft(c, n, &((struct global_defs *)obj)->nftables_ipvs,
			 "tandem_ipvs");
}

GD_HANDLER(gd_h_dynamic_interfaces)
{
	static const char *const words[] = { "allow_if_changes", NULL };
	struct global_defs *gd = obj;
	int w;

	if (conf_arg_count(c, n, 0, 1) < 0)
		return -1;
	if (n->nargs == 1 && conf_arg_enum(c, n, 0, words, &w) < 0)
		return -1;
	gd->dynamic_interfaces = true;
	gd->allow_if_changes = n->nargs == 1;
	return 0;
}

GD_HANDLER(gd_h_vrrp_rx_bufs_policy)
{
	struct global_defs *gd = obj;
	int64_t v;

	if (conf_arg_count(c, n, 1, 1) < 0)
		return -1;
	if (!strcasecmp(n->args[0], "MTU")) {
		gd->vrrp_rx_bufs_policy = GD_RX_BUFS_MTU;
	} else if (!strcasecmp(n->args[0], "ADVERT")) {
		gd->vrrp_rx_bufs_policy = GD_RX_BUFS_ADVERT;
	} else {
		if (conf_arg_int(c, n, 0, 1, UINT32_MAX, &v) < 0)
			return -1;
		gd->vrrp_rx_bufs_policy = GD_RX_BUFS_SIZE;
		gd->vrrp_rx_bufs_size = (unsigned)v;
	}
	return 0;
}

static const struct {
	const char *name;
	unsigned bits;
} umask_bits[] = {
	{ "IRWXU", 0700 }, { "IRUSR", 0400 }, { "IWUSR", 0200 },
	{ "IXUSR", 0100 }, { "IRWXG", 0070 }, { "IRGRP", 0040 },
	{ "IWGRP", 0020 }, { "IXGRP", 0010 }, { "IRWXO", 0007 },
	{ "IROTH", 0004 }, { "IWOTH", 0002 }, { "IXOTH", 0001 },
};

/* umask NUMBER, or BITS joined by '|' (spaces around '|' allowed, so the
 * expression may span several words). */
GD_HANDLER(gd_h_umask)
{
	struct global_defs *gd = obj;
	unsigned mask = 0;
	char expr[256] = "";
	size_t len = 0;

	if (conf_arg_count(c, n, 1, 64) < 0)
		return -1;
	if (isdigit((unsigned char)n->args[0][0])) {
		char *end;
		long v;

		if (n->nargs != 1) {
			conf_err(c, n, "expected one number, got %zu words",
				 n->nargs);
			return -1;
		}
		errno = 0;
		v = strtol(n->args[0], &end, 0);
		if (errno || *end || v < 0 || v > 0777) {
			conf_err(c, n, "expected a mask in 0..0777 (octal with "
				 "a leading 0, hex with 0x), got '%s'",
				 n->args[0]);
			return -1;
		}
		gd->umask = (unsigned)v;
		gd->umask_set = true;
		return 0;
	}
	for (size_t i = 0; i < n->nargs; i++) {
		size_t l = strlen(n->args[i]);

		if (len + l + 1 > sizeof(expr)) {
			conf_err(c, n, "expression too long");
			return -1;
		}
		memcpy(expr + len, n->args[i], l + 1);
		len += l;
	}
	for (char *tok = expr, *next; tok; tok = next) {
		size_t k;

		next = strchr(tok, '|');
		if (next)
			*next++ = '\0';
		for (k = 0; k < sizeof(umask_bits) / sizeof(umask_bits[0]); k++)
			if (!strcmp(tok, umask_bits[k].name))
				break;
		if (k == sizeof(umask_bits) / sizeof(umask_bits[0])) {
			conf_err(c, n, "unknown mode bit '%s' (expected "
				 "I{R,W,X}{USR,GRP,OTH} or IRWX{U,G,O} joined "
				 "by '|')", tok);
			return -1;
		}
		mask |= umask_bits[k].bits;
	}
	gd->umask = mask;
	gd->umask_set = true;
	return 0;
}

GD_HANDLER(gd_h_reload_check_config)
{
	struct global_defs *gd = obj;

	if (conf_arg_count(c, n, 0, 1) < 0)
		return -1;
	if (gd_set_str(&gd->reload_check_config,
		       n->nargs ? n->args[0] : "/dev/null") < 0)
		return gd_nomem(c, n);
	return 0;
}

GD_HANDLER(gd_h_reload_file)
{
	struct global_defs *gd = obj;

	if (conf_arg_count(c, n, 0, 1) < 0)
		return -1;
	if (n->nargs && n->args[0][0] != '/') {
		conf_err(c, n, "expected an absolute path, got '%s'",
			 n->args[0]);
		return -1;
	}
	if (gd_set_str(&gd->reload_file, n->nargs ? n->args[0] : NULL) < 0)
		return gd_nomem(c, n);
	gd->reload_file_set = true;
	return 0;
}
