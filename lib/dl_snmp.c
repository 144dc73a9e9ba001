/*
 * net-snmp through lib/dl: libnetsnmp and libnetsnmpagent for the AgentX
 * subagent (lib/snmp_agent.c), opened only by a child whose config enables
 * SNMP.  The agent library pulls in libperl, libwrap and the MIB loader;
 * a config without SNMP now maps none of them.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include "lib/dl.h"

#define F(name) __typeof__(name) *name
static struct {
	F(init_snmp);
	F(snmp_shutdown);
	F(netsnmp_ds_set_boolean);
	F(netsnmp_ds_set_int);
	F(netsnmp_ds_set_string);
	F(netsnmp_large_fd_set_init);
	F(netsnmp_large_fd_set_cleanup);
	F(netsnmp_large_fd_setfd);
	F(netsnmp_large_fd_is_set);
	F(run_alarms);
	F(snmp_disable_log);
	F(snmp_enable_calllog);
	F(snmp_free_varbind);
	F(snmp_read2);
	F(snmp_select_info2);
	F(snmp_timeout);
	F(snmp_register_callback);
	F(snmp_unregister_callback);
	F(snmp_set_var_objid);
	F(snmp_set_var_typed_value);
	F(snmp_varlist_add_variable);
} fn;

static struct {
	F(init_agent);
	F(shutdown_agent);
	F(netsnmp_check_outstanding_agent_requests);
	F(netsnmp_create_handler_registration);
	F(netsnmp_register_handler);
	F(netsnmp_unregister_handler);
	F(netsnmp_set_request_error);
	F(netsnmp_get_agent_uptime);
	F(send_v2trap);
} afn;
#undef F

#define S(name) { #name, (void **)&fn.name }
static const struct dl_sym syms[] = {
	S(init_snmp), S(snmp_shutdown), S(netsnmp_ds_set_boolean),
	S(netsnmp_ds_set_int), S(netsnmp_ds_set_string),
	S(netsnmp_large_fd_set_init), S(netsnmp_large_fd_set_cleanup),
	S(netsnmp_large_fd_setfd), S(netsnmp_large_fd_is_set), S(run_alarms),
	S(snmp_disable_log), S(snmp_enable_calllog), S(snmp_free_varbind),
	S(snmp_read2), S(snmp_select_info2), S(snmp_timeout),
	S(snmp_register_callback), S(snmp_unregister_callback),
	S(snmp_set_var_objid), S(snmp_set_var_typed_value),
	S(snmp_varlist_add_variable), { NULL, NULL }
};
#undef S
#define S(name) { #name, (void **)&afn.name }
static const struct dl_sym agent_syms[] = {
	S(init_agent), S(shutdown_agent),
	S(netsnmp_check_outstanding_agent_requests),
	S(netsnmp_create_handler_registration), S(netsnmp_register_handler),
	S(netsnmp_unregister_handler), S(netsnmp_set_request_error),
	S(netsnmp_get_agent_uptime), S(send_v2trap), { NULL, NULL }
};
#undef S

static struct dl_lib lib = {
	.soname = TANDEM_SONAME_NETSNMP,
	.package = "libsnmp40",
	.feature = "the SNMP subagent (enable_snmp_*)",
	.syms = syms,
};

static struct dl_lib agent = {
	.soname = TANDEM_SONAME_NETSNMPAGENT,
	.package = "libsnmp40",
	.feature = "the SNMP subagent (enable_snmp_*)",
	.syms = agent_syms,
};

#define CALL(name) (dl_need(&lib), fn.name)
#define ACALL(name) (dl_need(&agent), afn.name)

void init_snmp(const char *type)
{
	CALL(init_snmp)(type);
}

void snmp_shutdown(const char *type)
{
	CALL(snmp_shutdown)(type);
}

int netsnmp_ds_set_boolean(int storeid, int which, int value)
{
	return CALL(netsnmp_ds_set_boolean)(storeid, which, value);
}

int netsnmp_ds_set_int(int storeid, int which, int value)
{
	return CALL(netsnmp_ds_set_int)(storeid, which, value);
}

int netsnmp_ds_set_string(int storeid, int which, const char *value)
{
	return CALL(netsnmp_ds_set_string)(storeid, which, value);
}

void netsnmp_large_fd_set_init(netsnmp_large_fd_set *fdset, int setsize)
{
	CALL(netsnmp_large_fd_set_init)(fdset, setsize);
}

void netsnmp_large_fd_set_cleanup(netsnmp_large_fd_set *fdset)
{
	CALL(netsnmp_large_fd_set_cleanup)(fdset);
}

void netsnmp_large_fd_setfd(int fd, netsnmp_large_fd_set *fdset)
{
	CALL(netsnmp_large_fd_setfd)(fd, fdset);
}

int netsnmp_large_fd_is_set(int fd, netsnmp_large_fd_set *fdset)
{
	return CALL(netsnmp_large_fd_is_set)(fd, fdset);
}

void run_alarms(void)
{
	CALL(run_alarms)();
}

void snmp_disable_log(void)
{
	CALL(snmp_disable_log)();
}

void snmp_enable_calllog(void)
{
	CALL(snmp_enable_calllog)();
}

void snmp_free_varbind(netsnmp_variable_list *varlist)
{
	CALL(snmp_free_varbind)(varlist);
}

void snmp_read2(netsnmp_large_fd_set *fdset)
{
	CALL(snmp_read2)(fdset);
}

int snmp_select_info2(int *numfds, netsnmp_large_fd_set *fdset,
		      struct timeval *timeout, int *block)
{
	return CALL(snmp_select_info2)(numfds, fdset, timeout, block);
}

void snmp_timeout(void)
{
	CALL(snmp_timeout)();
}

int snmp_register_callback(int major, int minor, SNMPCallback *cb, void *arg)
{
	return CALL(snmp_register_callback)(major, minor, cb, arg);
}

int snmp_unregister_callback(int major, int minor, SNMPCallback *cb,
			     void *arg, int matchargs)
{
	return CALL(snmp_unregister_callback)(major, minor, cb, arg,
					      matchargs);
}

int snmp_set_var_objid(netsnmp_variable_list *var, const oid *name,
		       size_t name_length)
{
	return CALL(snmp_set_var_objid)(var, name, name_length);
}

int snmp_set_var_typed_value(netsnmp_variable_list *var, u_char type,
			     const void *value, size_t len)
{
	return CALL(snmp_set_var_typed_value)(var, type, value, len);
}

netsnmp_variable_list *snmp_varlist_add_variable(
	netsnmp_variable_list **varlist, const oid *name, size_t name_length,
	u_char type, const void *value, size_t len)
{
	return CALL(snmp_varlist_add_variable)(varlist, name, name_length,
					       type, value, len);
}

int init_agent(const char *app)
{
	return ACALL(init_agent)(app);
}

void shutdown_agent(void)
{
	ACALL(shutdown_agent)();
}

void netsnmp_check_outstanding_agent_requests(void)
{
	ACALL(netsnmp_check_outstanding_agent_requests)();
}

netsnmp_handler_registration *netsnmp_create_handler_registration(
	const char *name, Netsnmp_Node_Handler *handler, const oid *reg_oid,
	size_t reg_oid_len, int modes)
{
	return ACALL(netsnmp_create_handler_registration)(name, handler,
							  reg_oid,
							  reg_oid_len, modes);
}

int netsnmp_register_handler(netsnmp_handler_registration *reginfo)
{
	return ACALL(netsnmp_register_handler)(reginfo);
}

int netsnmp_unregister_handler(netsnmp_handler_registration *reginfo)
{
	return ACALL(netsnmp_unregister_handler)(reginfo);
}

int netsnmp_set_request_error(netsnmp_agent_request_info *reqinfo,
			      netsnmp_request_info *request, int error_value)
{
	return ACALL(netsnmp_set_request_error)(reqinfo, request,
						error_value);
}

u_long netsnmp_get_agent_uptime(void)
{
	return ACALL(netsnmp_get_agent_uptime)();
}

void send_v2trap(netsnmp_variable_list *vars)
{
	ACALL(send_v2trap)(vars);
}
