/*
 * Argument forms that several LVS blocks share: a forwarding method with
 * its tunnel options (virtual server, real server, sorry server), ports,
 * addresses, and the settings a real server inherits.
 *
 * keepalived writes the tunnel options on the lvs_method line
 * ("lvs_method TUN type gue port 6080 csum"); tandem also takes them as
 * keywords of their own (tun_type, tun_port, tun_nocsum, tun_csum,
 * tun_remcsum) that amend the method of the same block.  Either way the
 * combination is checked once the block is complete, against what the
 * kernel accepts: a GUE tunnel needs a port and only GUE has one, remote
 * checksum offload exists only for GUE, checksums only for GUE and GRE.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "check/check_vs_conf.h"

/* Every scheduler of the 6.x kernel (ip_vs_*.ko). */
const char *const check_sched_names[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq",
	"fo", "ovf", "mh", NULL
};

static const char *const methods[] = { "NAT", "DR", "TUN", NULL };
static const uint32_t method_fwd[] = {
	IPVS_FWD_MASQ, IPVS_FWD_DROUTE, IPVS_FWD_TUNNEL
};
static const char *const tun_types[] = { "ipip", "gue", "gre", NULL };
static const uint8_t tun_type_val[] = {
	IP_VS_CONN_F_TUNNEL_TYPE_IPIP, IP_VS_CONN_F_TUNNEL_TYPE_GUE,
	IP_VS_CONN_F_TUNNEL_TYPE_GRE
};
static const char *const csums[] = { "nocsum", "csum", "remcsum", NULL };
static const uint16_t csum_val[] = {
	IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM, IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
	IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM
};

int check_loc_set(struct check_loc *l, const struct conf_node *n)
{
	free(l->file);
	l->file = strdup(n && n->file ? n->file : "");
	l->line = n ? n->line : 0;
	return l->file ? 0 : -ENOMEM;
}

void check_inherit_init(struct check_inherit *i)
{
	memset(i, 0, sizeof(*i));
	i->inhibit_on_failure = i->alpha = i->smtp_alert = i->retry = -1;
	i->delay_loop = i->delay_before_retry = i->warmup = CHECK_INHERIT_TIME;
}

void check_inherit_free(struct check_inherit *i)
{
	free(i->virtualhost);
	i->virtualhost = NULL;
}

int check_parse_port(struct conf_ctx *c, const struct conf_node *n,
		     size_t idx, uint16_t *port)
{
	int64_t v;

	if (conf_arg_int(c, n, idx, 0, 65535, &v) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int check_parse_addr(struct conf_ctx *c, const struct conf_node *n,
		     size_t idx, int *af, union ipvs_addr *a)
{
	struct sockaddr_storage ss;

	if (conf_arg_addr(c, n, idx, &ss) < 0)
		return -1;
	memset(a, 0, sizeof(*a));
	*af = ss.ss_family;
	if (ss.ss_family == AF_INET6)
		a->v6 = ((struct sockaddr_in6 *)&ss)->sin6_addr;
	else
		a->v4 = ((struct sockaddr_in *)&ss)->sin_addr;
	return 0;
}

static int word_index(const char *const *words, const char *w)
{
	for (int i = 0; words[i]; i++)
		if (!strcasecmp(words[i], w))
			return i;
	return -1;
}

/* lvs_method NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum] */
int check_parse_fwd(struct conf_ctx *c, const struct conf_node *n,
		    struct check_fwd *f)
{
	int m, i;

	if (conf_arg_count(c, n, 1, 6) < 0 ||
	    conf_arg_enum(c, n, 0, methods, &m) < 0)
		return -1;
	__typeof__(f->kw) kw = f->kw;

	free(f->loc.file);
	memset(f, 0, sizeof(*f));
	f->kw = kw;
	f->set = true;
	f->method = method_fwd[m];
	if (check_loc_set(&f->loc, n) < 0) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	if (n->nargs > 1 && f->method != IPVS_FWD_TUNNEL) {
		conf_err(c, n, "expected nothing after %s (tunnel options go "
			 "with TUN), got '%s'", n->args[0], n->args[1]);
		return -1;
	}
	for (size_t k = 1; k < n->nargs; k++) {
		const char *w = n->args[k];

		if (!strcasecmp(w, "type") || !strcasecmp(w, "port")) {
			if (k + 1 == n->nargs) {
				conf_err(c, n, "expected a value after '%s', "
					 "got none", w);
				return -1;
			}
			if (!strcasecmp(w, "type")) {
				if (conf_arg_enum(c, n, k + 1, tun_types, &i) < 0)
					return -1;
				f->tun_type = tun_type_val[i];
				f->tun_type_set = true;
			} else {
				if (check_parse_port(c, n, k + 1, &f->tun_port) < 0)
					return -1;
				f->tun_port_set = true;
			}
			k++;
		} else if ((i = word_index(csums, w)) >= 0) {
			f->tun_flags = csum_val[i];
			f->tun_flags_set = true;
		} else {
			conf_err(c, n, "expected 'type ipip|gue|gre', 'port "
				 "PORT', nocsum, csum or remcsum after TUN, "
				 "got '%s'", w);
			return -1;
		}
	}
	return 0;
}

/* tun_type ipip|gue|gre, tun_port PORT, tun_nocsum, tun_csum, tun_remcsum:
 * amend the method of the same block (checked at its end). */
int check_parse_tun_kw(struct conf_ctx *c, const struct conf_node *n,
		       struct check_fwd *f)
{
	const char *w = n->word;
	int i;

	if (!f->loc.file && check_loc_set(&f->loc, n) < 0) {
		conf_err(c, n, "out of memory");
		return -1;
	}
	if (!strcmp(w, "tun_type")) {
		if (conf_arg_count(c, n, 1, 1) < 0 ||
		    conf_arg_enum(c, n, 0, tun_types, &i) < 0)
			return -1;
		f->kw.type = tun_type_val[i];
		f->kw.type_set = true;
	} else if (!strcmp(w, "tun_port")) {
		if (conf_arg_count(c, n, 1, 1) < 0 ||
		    check_parse_port(c, n, 0, &f->kw.port) < 0)
			return -1;
		f->kw.port_set = true;
	} else {
		if (conf_arg_count(c, n, 0, 0) < 0)
			return -1;
		i = word_index(csums, w + strlen("tun_"));
		f->kw.flags = csum_val[i < 0 ? 0 : i];
		f->kw.flags_set = true;
	}
	return 0;
}

static void fwd_err(struct conf_ctx *c, const struct check_fwd *f,
		    const char *msg)
{
	conf_diag_add(conf_ctx_diag(c), CONF_ERROR, f->loc.file, f->loc.line,
		      "lvs_method: %s", msg);
}

/* Once the block is complete: is the combination one the kernel takes? */
int check_fwd_validate(struct conf_ctx *c, const struct conf_node *n,
		       struct check_fwd *f)
{
	bool tun_opts;

	(void)n;
	if (f->kw.type_set) {
		f->tun_type = f->kw.type;
		f->tun_type_set = true;
	}
	if (f->kw.port_set) {
		f->tun_port = f->kw.port;
		f->tun_port_set = true;
	}
	if (f->kw.flags_set) {
		f->tun_flags = f->kw.flags;
		f->tun_flags_set = true;
	}
	tun_opts = f->tun_type_set || f->tun_port_set || f->tun_flags_set;
	if (!tun_opts)
		return 0;
	if (!f->set || f->method != IPVS_FWD_TUNNEL) {
		fwd_err(c, f, "expected tunnel options only with lvs_method "
			"TUN in the same block, got them without it");
		return -1;
	}
	if (f->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE && !f->tun_port) {
		fwd_err(c, f, "expected 'port PORT' (1-65535) for a GUE "
			"tunnel, got none");
		return -1;
	}
	if (f->tun_type != IP_VS_CONN_F_TUNNEL_TYPE_GUE && f->tun_port_set) {
		fwd_err(c, f, "expected a port only for a GUE tunnel, got one "
			"for another type");
		return -1;
	}
	if (f->tun_flags == IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM &&
	    f->tun_type != IP_VS_CONN_F_TUNNEL_TYPE_GUE) {
		fwd_err(c, f, "expected remcsum only for a GUE tunnel");
		return -1;
	}
	if (f->tun_flags_set && f->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_IPIP) {
		fwd_err(c, f, "expected checksum options only for a GUE or "
			"GRE tunnel, got them for ipip");
		return -1;
	}
	return 0;
}

int check_parse_tri(struct conf_ctx *c, const struct conf_node *n, int *out)
{
	bool b;

	if (conf_arg_count(c, n, 0, 1) < 0 || conf_arg_bool(c, n, 0, &b) < 0)
		return -1;
	*out = b;
	return 0;
}
