/*
 * libipset through lib/dl: the VIP sets of vrrp_ipsets (no_accept with
 * iptables), in the vrrp process only and only when configured.
 */
#include <stdbool.h>
#include <stdio.h>
#include <libipset/ipset.h>
#include <libipset/session.h>
#include <libipset/types.h>

#include "lib/dl.h"

#define F(name) __typeof__(name) *name
static struct {
	F(ipset_load_types);
	F(ipset_init);
	F(ipset_fini);
	F(ipset_custom_printf);
	F(ipset_parse_line);
	F(ipset_session);
	F(ipset_session_report_msg);
	F(ipset_session_report_reset);
	F(ipset_commit);
} fn;
#undef F

#define S(name) { #name, (void **)&fn.name }
static const struct dl_sym syms[] = {
	S(ipset_load_types), S(ipset_init), S(ipset_fini),
	S(ipset_custom_printf), S(ipset_parse_line), S(ipset_session),
	S(ipset_session_report_msg), S(ipset_session_report_reset),
	S(ipset_commit), { NULL, NULL }
};
#undef S

static struct dl_lib lib = {
	.soname = TANDEM_SONAME_IPSET,
	.package = "libipset13",
	.feature = "vrrp_ipsets (no_accept through iptables)",
	.syms = syms,
};

#define CALL(name) (dl_need(&lib), fn.name)

void ipset_load_types(void)
{
	CALL(ipset_load_types)();
}

struct ipset *ipset_init(void)
{
	return CALL(ipset_init)();
}

int ipset_fini(struct ipset *ipset)
{
	return CALL(ipset_fini)(ipset);
}

int ipset_custom_printf(struct ipset *ipset,
			ipset_custom_errorfn custom_error,
			ipset_standard_errorfn standard_error,
			ipset_print_outfn outfn, void *p)
{
	return CALL(ipset_custom_printf)(ipset, custom_error, standard_error,
					 outfn, p);
}

int ipset_parse_line(struct ipset *ipset, char *line)
{
	return CALL(ipset_parse_line)(ipset, line);
}

struct ipset_session *ipset_session(struct ipset *ipset)
{
	return CALL(ipset_session)(ipset);
}

const char *ipset_session_report_msg(const struct ipset_session *session)
{
	return CALL(ipset_session_report_msg)(session);
}

void ipset_session_report_reset(struct ipset_session *session)
{
	CALL(ipset_session_report_reset)(session);
}

int ipset_commit(struct ipset_session *session)
{
	return CALL(ipset_commit)(session);
}
