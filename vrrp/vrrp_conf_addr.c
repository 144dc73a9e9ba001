/*
 * Address lines of a vrrp_instance: virtual_ipaddress and
 * virtual_ipaddress_excluded in keepalived's `ip addr add` syntax, and the
 * lines of unicast_peer.
 *
 *   ADDR[/PREFIX] [brd ADDR|+|-] [dev IF] [scope SCOPE] [label LABEL]
 *                 [peer ADDR[/PREFIX]] [home] [-nodad|nodad] [mngtmpaddr]
 *                 [noprefixroute] [autojoin] [no_track]
 *                 [preferred_lft SECONDS|forever]
 *   ADDR [min_ttl 0..255] [max_ttl 0..255]
 *
 * keepalived reports a bad option and goes on with the rest of the line,
 * so an address may be added with half of what the user wrote.  Here a
 * line is all or nothing: the first problem is a located error naming the
 * option, and the address is not kept.  What one line cannot know (the
 * family of the instance, a label that must begin with the interface,
 * duplicates) is checked by the instance's close().
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/conf.h"
#include "vrrp/vrrp_conf.h"

/* The file names of locations, one counted copy per name, found by
 * hash: a config of thousands of include files has as many names.  A
 * location holds the name's number (its slot in byid, plus one), not a
 * pointer: 4 bytes beside the line instead of 8 and a hole, in each of
 * the thousands of locations a config of 1,000 instances keeps. */
struct loc_file {
	struct loc_file *next;		/* in its bucket */
	size_t refs;
	uint32_t id;
	char name[];
};

static struct {
	struct loc_file **bucket;
	size_t nbuckets, n;
	struct loc_file **byid;		/* [id - 1]; NULL: a free number */
	size_t nid;			/* slots in byid */
	size_t free_from;		/* no free number below this slot */
} files;

static struct loc_file **file_slot(const char *name)
{
	struct loc_file **at = &files.bucket[conf_str_hash(name) &
					     (files.nbuckets - 1)];

	while (*at && strcmp((*at)->name, name))
		at = &(*at)->next;
	return at;
}

/* Twice the buckets once there are more names than buckets. */
static int files_grow(void)
{
	size_t nb = files.nbuckets ? files.nbuckets * 2 : 16;
	struct loc_file **old = files.bucket, **b = calloc(nb, sizeof(*b));
	size_t oldn = files.nbuckets;

	if (!b)
		return -1;
	files.bucket = b;
	files.nbuckets = nb;
	for (size_t i = 0; i < oldn; i++)
		for (struct loc_file *f = old[i], *next; f; f = next) {
			struct loc_file **at;

			next = f->next;
			at = file_slot(f->name);
			f->next = *at;
			*at = f;
		}
	free(old);
	return 0;
}

/* A free number for f: the lowest, so that byid stays as short as the
 * most names alive at once. */
static int file_number(struct loc_file *f)
{
	size_t i = files.free_from;

	while (i < files.nid && files.byid[i])
		i++;
	if (i == files.nid) {
		size_t nn = files.nid ? files.nid * 2 : 16;
		struct loc_file **b;

		if (nn > UINT32_MAX ||
		    !(b = realloc(files.byid, nn * sizeof(*b))))
			return -1;
		memset(b + files.nid, 0, (nn - files.nid) * sizeof(*b));
		files.byid = b;
		files.nid = nn;
	}
	files.byid[i] = f;
	f->id = (uint32_t)(i + 1);
	files.free_from = i + 1;
	return 0;
}

/* The name's number, 0 when out of memory. */
static uint32_t file_ref(const char *name)
{
	struct loc_file **at, *f;
	size_t len;

	if (files.n >= files.nbuckets && files_grow() < 0 && !files.nbuckets)
		return 0;
	at = file_slot(name);
	if (*at) {
		(*at)->refs++;
		return (*at)->id;
	}
	len = strlen(name);
	if (!(f = malloc(sizeof(*f) + len + 1)))
		return 0;
	memcpy(f->name, name, len + 1);
	f->refs = 1;
	f->next = NULL;
	if (file_number(f) < 0) {
		free(f);
		return 0;
	}
	*at = f;
	files.n++;
	return f->id;
}

static void file_unref(uint32_t id)
{
	struct loc_file **at, *f;

	if (!id || id > files.nid || !(f = files.byid[id - 1]) || --f->refs)
		return;
	at = file_slot(f->name);
	*at = f->next;
	files.byid[id - 1] = NULL;
	if (id - 1 < files.free_from)
		files.free_from = id - 1;
	free(f);
	if (!--files.n) {
		free(files.bucket);
		files.bucket = NULL;
		files.nbuckets = 0;
		free(files.byid);
		files.byid = NULL;
		files.nid = 0;
		files.free_from = 0;
	}
}

int vrrp_conf_loc_set(struct vrrp_conf_loc *l, const struct conf_node *n)
{
	vrrp_conf_loc_free(l);
	l->file_id = n && n->file ? file_ref(n->file) : 0;
	l->line = n ? n->line : 0;
	return n && n->file && !l->file_id ? -1 : 0;
}

void vrrp_conf_loc_free(struct vrrp_conf_loc *l)
{
	file_unref(l->file_id);
	l->file_id = 0;
}

const char *vrrp_conf_loc_file(const struct vrrp_conf_loc *l)
{
	uint32_t id = l->file_id;

	return id && id <= files.nid && files.byid[id - 1] ?
		files.byid[id - 1]->name : NULL;
}

bool vrrp_conf_ip_eq(const struct vrrp_ip *a, const struct vrrp_ip *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	return !memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6));
}

void vrrp_conf_ip_from_ss(struct vrrp_ip *ip, const struct sockaddr_storage *ss)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = ss->ss_family;
	if (ss->ss_family == AF_INET)
		ip->u.v4 = ((const struct sockaddr_in *)(const void *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		ip->u.v6 = ((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;
}

const char *vrrp_conf_ip_str(const struct vrrp_ip *ip, char *buf, size_t len)
{
	if (!inet_ntop(ip->family, &ip->u, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* ADDR[/PREFIX]; *prefix is -1 when none was written. */
static int parse_prefixed(struct conf_ctx *c, const struct conf_node *n,
			  const char *what, const char *s, struct vrrp_ip *ip,
			  int *prefix)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	int max;

	memset(ip, 0, sizeof(*ip));
	*prefix = -1;
	if (strlen(s) >= sizeof(buf)) {
		conf_err(c, n, "expected %s ADDRESS[/PREFIX], got '%s'", what, s);
		return -1;
	}
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &ip->u.v4) == 1) {
		ip->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, &ip->u.v6) == 1) {
		ip->family = AF_INET6;
		max = 128;
	} else {
		conf_err(c, n, "expected %s IPv4 or IPv6 address[/PREFIX], "
			 "got '%s'", what, s);
		return -1;
	}
	if (slash) {
		long v;

		errno = 0;
		v = all_digits(slash) ? strtol(slash, NULL, 10) : -1;
		if (errno || v < 0 || v > max) {
			conf_err(c, n, "expected a prefix length 0..%d after "
				 "'/' in '%s'", max, s);
			return -1;
		}
		*prefix = (int)v;
	}
	return 0;
}

/* An address a host may hold: not unspecified, multicast or broadcast. */
static bool unicast_addr(const struct vrrp_ip *ip)
{
	if (ip->family == AF_INET) {
		uint32_t a = ntohl(ip->u.v4.s_addr);

		return a != 0 && a != 0xffffffffU && !IN_MULTICAST(a);
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&ip->u.v6) &&
	       !IN6_IS_ADDR_MULTICAST(&ip->u.v6);
}

static bool ifname_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > VRRP_CONF_IFNAME_MAX || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) ||
		    !isprint((unsigned char)*s))
			return false;
	return true;
}

static const struct {
	const char *name;
	int value;
} scopes[] = {
	/* iproute2's rt_scopes names */
	{ "global", 0 }, { "universe", 0 }, { "site", 200 },
	{ "link", 253 }, { "host", 254 }, { "nowhere", 255 },
};

static int parse_scope(const char *s)
{
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (!strcmp(s, scopes[i].name))
			return scopes[i].value;
	if (all_digits(s) && strlen(s) <= 3 && atoi(s) <= 255)
		return atoi(s);
	return -1;
}

void vrrp_vip_free(struct vrrp_vip *v)
{
	free(v->dev);
	free(v->label);
	vrrp_conf_loc_free(&v->loc);
	memset(v, 0, sizeof(*v));
}

static const struct {
	const char *word;
	unsigned flag;
	bool v6_only;
} vip_flags[] = {
	{ "home", VRRP_VIP_HOME, true },
	{ "-nodad", VRRP_VIP_NODAD, true },
	{ "nodad", VRRP_VIP_NODAD, true },
	{ "mngtmpaddr", VRRP_VIP_MNGTMPADDR, true },
	{ "noprefixroute", VRRP_VIP_NOPREFIXROUTE, false },
	{ "autojoin", VRRP_VIP_AUTOJOIN, false },
};

#define VIP_OPTIONS "brd, dev, scope, label, peer, home, -nodad, nodad, " \
	"mngtmpaddr, noprefixroute, autojoin, no_track, use_vmac or " \
	"preferred_lft"

/* The options after the address; v is filled in place. */
static int parse_vip_opts(struct conf_ctx *c, const struct conf_node *n,
			  struct vrrp_vip *v, int prefix)
{
	const char *addr = n->word;
	int brd_kind = 0;	/* 0 none, 1 address, '+', '-' */

	for (size_t i = 0; i < n->nargs; i++) {
		const char *w = n->args[i];
		const char *val = i + 1 < n->nargs ? n->args[i + 1] : NULL;
		bool takes = !strcmp(w, "brd") || !strcmp(w, "broadcast") ||
			     !strcmp(w, "dev") || !strcmp(w, "scope") ||
			     !strcmp(w, "label") || !strcmp(w, "peer") ||
			     !strcmp(w, "preferred_lft") ||
			     !strcmp(w, "track_group");
		size_t k;

		if (takes && !val) {
			conf_err(c, n, "'%s' needs a value (address %s)", w,
				 addr);
			return -1;
		}
		if (!strcmp(w, "brd") || !strcmp(w, "broadcast")) {
			if (v->addr.family != AF_INET) {
				conf_err(c, n, "'%s' applies to IPv4 addresses "
					 "only, got IPv6 address %s", w, addr);
				return -1;
			}
			if (brd_kind) {
				conf_err(c, n, "'%s' given twice for %s", w,
					 addr);
				return -1;
			}
			if (!strcmp(val, "+") || !strcmp(val, "-")) {
				brd_kind = val[0];
			} else if (inet_pton(AF_INET, val, &v->brd) == 1) {
				brd_kind = 1;
			} else {
				conf_err(c, n, "expected an IPv4 broadcast "
					 "address, '+' or '-' after '%s', got "
					 "'%s'", w, val);
				return -1;
			}
			i++;
		} else if (!strcmp(w, "dev")) {
			if (v->dev) {
				conf_err(c, n, "'dev' given twice for %s", addr);
				return -1;
			}
			if (!ifname_ok(val)) {
				conf_err(c, n, "expected an interface name of "
					 "1..%d characters after 'dev', got '%s'",
					 VRRP_CONF_IFNAME_MAX, val);
				return -1;
			}
			if (!(v->dev = strdup(val)))
				goto nomem;
			i++;
		} else if (!strcmp(w, "scope")) {
			if (v->scope >= 0) {
				conf_err(c, n, "'scope' given twice for %s",
					 addr);
				return -1;
			}
			if (v->addr.family != AF_INET) {
				conf_err(c, n, "'scope' applies to IPv4 "
					 "addresses only (the kernel sets an IPv6 "
					 "address's scope), got %s", addr);
				return -1;
			}
			v->scope = parse_scope(val);
			if (v->scope < 0) {
				conf_err(c, n, "expected a scope (global, site, "
					 "link, host, nowhere or 0..255), got "
					 "'%s'", val);
				return -1;
			}
			i++;
		} else if (!strcmp(w, "label")) {
			if (v->label) {
				conf_err(c, n, "'label' given twice for %s",
					 addr);
				return -1;
			}
			if (v->addr.family != AF_INET) {
				conf_err(c, n, "'label' applies to IPv4 "
					 "addresses only, got %s", addr);
				return -1;
			}
			if (!*val || strlen(val) > VRRP_CONF_IFNAME_MAX) {
				conf_err(c, n, "expected a label of 1..%d "
					 "characters, got '%s'",
					 VRRP_CONF_IFNAME_MAX, val);
				return -1;
			}
			if (!(v->label = strdup(val)))
				goto nomem;
			i++;
		} else if (!strcmp(w, "peer")) {
			int pp;

			if (v->has_peer) {
				conf_err(c, n, "'peer' given twice for %s",
					 addr);
				return -1;
			}
			if (parse_prefixed(c, n, "after 'peer' an", val,
					   &v->peer, &pp) < 0)
				return -1;
			if (v->peer.family != v->addr.family) {
				conf_err(c, n, "peer %s is not of the family of "
					 "%s", val, addr);
				return -1;
			}
			if (prefix >= 0) {
				conf_err(c, n, "with 'peer' the prefix is the "
					 "peer's: write %.*s peer %s", (int)
					 strcspn(addr, "/"), addr, val);
				return -1;
			}
			v->has_peer = true;
			v->prefix = (uint8_t)(pp >= 0 ? pp :
					      v->addr.family == AF_INET ? 32 : 128);
			i++;
		} else if (!strcmp(w, "preferred_lft")) {
			if (v->has_preferred_lft) {
				conf_err(c, n, "'preferred_lft' given twice for "
					 "%s", addr);
				return -1;
			}
			if (!strcmp(val, "forever")) {
				v->preferred_lft = VRRP_CONF_LFT_FOREVER;
			} else {
				unsigned long long t;

				errno = 0;
				t = all_digits(val) ? strtoull(val, NULL, 10) :
						      ~0ULL;
				if (errno || t >= VRRP_CONF_LFT_FOREVER) {
					conf_err(c, n, "expected seconds (0..%u) "
						 "or 'forever' after "
						 "'preferred_lft', got '%s'",
						 VRRP_CONF_LFT_FOREVER - 1, val);
					return -1;
				}
				v->preferred_lft = (uint32_t)t;
			}
			v->has_preferred_lft = true;
			i++;
		} else if (!strcmp(w, "no_track")) {
			v->no_track = true;
		} else if (!strcmp(w, "use_vmac")) {
			v->use_vmac = true;
		} else if (!strcmp(w, "track_group")) {
			conf_err(c, n, "'track_group' applies to static_ipaddress "
				 "only, not to a VRRP address");
			return -1;
		} else {
			for (k = 0; k < sizeof(vip_flags) / sizeof(vip_flags[0]);
			     k++)
				if (!strcmp(w, vip_flags[k].word))
					break;
			if (k == sizeof(vip_flags) / sizeof(vip_flags[0])) {
				conf_err(c, n, "unknown option '%s' for address "
					 "%s (expected " VIP_OPTIONS ")", w, addr);
				return -1;
			}
			if (vip_flags[k].v6_only && v->addr.family != AF_INET6)
				conf_warn(c, n, "'%s' has no effect on an IPv4 "
					  "address (%s)", w, addr);
			v->flags |= vip_flags[k].flag;
		}
	}

	if (brd_kind && v->has_peer) {
		conf_err(c, n, "'brd' and 'peer' exclude each other (address "
			 "%s)", addr);
		return -1;
	}
	if (brd_kind == '+' || brd_kind == '-') {
		uint32_t mask, a = ntohl(v->addr.u.v4.s_addr);

		if (v->prefix > 30) {
			conf_err(c, n, "'brd %c' needs a prefix of at most 30, "
				 "got /%u (address %s)", brd_kind, v->prefix,
				 addr);
			return -1;
		}
		mask = v->prefix ? 0xffffffffU >> v->prefix : 0xffffffffU;
		v->brd.s_addr = htonl(brd_kind == '+' ? a | mask : a & ~mask);
	}
	v->has_brd = brd_kind != 0;
	return 0;
nomem:
	conf_err(c, n, "out of memory");
	return -1;
}

int vrrp_conf_parse_vip(struct conf_ctx *c, const struct conf_node *n,
			struct vrrp_vip *out)
{
	struct vrrp_vip v = { .scope = -1 };
	int prefix;

	if (parse_prefixed(c, n, "an", n->word, &v.addr, &prefix) < 0)
		return -1;
	if (!unicast_addr(&v.addr)) {
		conf_err(c, n, "expected a unicast address, got '%s'", n->word);
		return -1;
	}
	v.prefix = (uint8_t)(prefix >= 0 ? prefix :
			     v.addr.family == AF_INET ? 32 : 128);
	if (parse_vip_opts(c, n, &v, prefix) < 0 ||
	    vrrp_conf_loc_set(&v.loc, n) < 0) {
		vrrp_vip_free(&v);
		return -1;
	}
	*out = v;
	return 0;
}

static int add_vip(struct conf_ctx *c, const struct conf_node *n,
		   struct vrrp_vip **arr, uint32_t *len)
{
	struct vrrp_vip v, *grown = NULL;

	if (vrrp_conf_parse_vip(c, n, &v) < 0)
		return -1;
	/* the count is 32 bits (the instance keeps 1,000 of them) */
	if (*len < UINT32_MAX)
		grown = realloc(*arr, ((size_t)*len + 1) * sizeof(**arr));
	if (!grown) {
		vrrp_vip_free(&v);
		conf_err(c, n, "out of memory");
		return -1;
	}
	grown[(*len)++] = v;
	*arr = grown;
	return 0;
}

int vrrp_conf_h_vip(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_instance *in = obj;

	return add_vip(c, n, &in->vips, &in->nvips);
}

int vrrp_conf_h_evip(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_instance *in = obj;

	return add_vip(c, n, &in->evips, &in->nevips);
}

/* ADDR [min_ttl N] [max_ttl N] */
int vrrp_conf_h_peer(struct conf_ctx *c, const struct conf_node *n, void *obj)
{
	struct vrrp_conf_instance *in = obj;
	struct vrrp_conf_peer p = { .min_ttl = -1, .max_ttl = -1 }, *grown;
	int prefix;

	if (parse_prefixed(c, n, "a peer", n->word, &p.addr, &prefix) < 0)
		return -1;
	if (prefix >= 0) {
		conf_err(c, n, "expected a peer address without a prefix, got "
			 "'%s'", n->word);
		return -1;
	}
	if (!unicast_addr(&p.addr)) {
		conf_err(c, n, "expected a unicast peer address, got '%s'",
			 n->word);
		return -1;
	}
	for (size_t i = 0; i < n->nargs; i += 2) {
		const char *w = n->args[i];
		int *dst;
		long v;

		if (!strcmp(w, "min_ttl"))
			dst = &p.min_ttl;
		else if (!strcmp(w, "max_ttl"))
			dst = &p.max_ttl;
		else {
			conf_err(c, n, "unknown option '%s' for peer %s "
				 "(expected min_ttl or max_ttl)", w, n->word);
			return -1;
		}
		if (*dst >= 0) {
			conf_err(c, n, "'%s' given twice for peer %s", w,
				 n->word);
			return -1;
		}
		v = i + 1 < n->nargs && all_digits(n->args[i + 1]) &&
		    strlen(n->args[i + 1]) <= 3 ? atol(n->args[i + 1]) : -1;
		if (v < 0 || v > 255) {
			conf_err(c, n, "expected a TTL 0..255 after '%s', got "
				 "'%s'", w, i + 1 < n->nargs ? n->args[i + 1] :
				 "nothing");
			return -1;
		}
		*dst = (int)v;
	}
	if (p.min_ttl >= 0 && p.max_ttl >= 0 && p.min_ttl > p.max_ttl) {
		conf_err(c, n, "min_ttl %d is above max_ttl %d for peer %s",
			 p.min_ttl, p.max_ttl, n->word);
		return -1;
	}
	for (size_t i = 0; i < in->npeers; i++)
		if (vrrp_conf_ip_eq(&in->peers[i].addr, &p.addr)) {
			conf_err(c, n, "peer %s given twice (before at %s:%d)",
				 n->word, vrrp_conf_loc_file(&in->peers[i].loc),
				 in->peers[i].loc.line);
			return -1;
		}
	if (vrrp_conf_loc_set(&p.loc, n) < 0) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	grown = in->npeers < UINT32_MAX ?
		realloc(in->peers, ((size_t)in->npeers + 1) * sizeof(*grown)) :
		NULL;
	if (!grown) {
		vrrp_conf_loc_free(&p.loc);
		conf_err(c, n, "out of memory");
		return -1;
	}
	grown[in->npeers++] = p;
	in->peers = grown;
	return 0;
}
