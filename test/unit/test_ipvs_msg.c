/*
 * IPVS attribute encoding without a kernel: what ipvs_msg puts into an
 * nl_msg must parse back to the same entry, ports and addresses must be in
 * the byte order the kernel expects, and the text of entries and errors
 * must read as ipvsadm users expect.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <netlink/genl/genl.h>

#include "ipvs/ipvs_msg.h"

static struct nl_msg *new_msg(void)
{
	struct nl_msg *m = nlmsg_alloc();

	assert_non_null(m);
	assert_non_null(genlmsg_put(m, 0, 0, 42, 0, 0, IPVS_CMD_NEW_SERVICE, 1));
	return m;
}

static void service_round_trip(void **state)
{
	struct ipvs_service s, got;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1], *a[IPVS_SVC_ATTR_MAX + 1];
	struct nl_msg *m = new_msg();

	(void)state;
	ipvs_service_init(&s, AF_INET6);
	s.protocol = IPPROTO_SCTP;
	inet_pton(AF_INET6, "2001:db8::1", &s.addr);
	s.port = 8080;
	strcpy(s.sched, "mh");
	s.flags = IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED_MH_PORT;
	s.timeout = 300;
	s.netmask = 64;
	strcpy(s.pe_name, "sip");
	assert_int_equal(ipvs_msg_put_service(m, &s, true), 0);
	assert_int_equal(ipvs_msg_parse(m, tb), 0);
	assert_int_equal(ipvs_msg_parse_service(tb[IPVS_CMD_ATTR_SERVICE], &got), 0);
	assert_true(ipvs_service_same_key(&s, &got));
	assert_true(ipvs_service_same_config(&s, &got));
	/* The port travels in network order, the address as 16 bytes. */
	assert_int_equal(nla_parse_nested(a, IPVS_SVC_ATTR_MAX, tb[IPVS_CMD_ATTR_SERVICE], NULL), 0);
	assert_int_equal(nla_get_u16(a[IPVS_SVC_ATTR_PORT]), htons(8080));
	assert_int_equal(nla_len(a[IPVS_SVC_ATTR_ADDR]), 16);
	nlmsg_free(m);
}

static void service_key_only(void **state)
{
	struct ipvs_service s, got;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1], *a[IPVS_SVC_ATTR_MAX + 1];
	struct nl_msg *m = new_msg();

	(void)state;
	ipvs_service_init(&s, AF_INET);
	s.fwmark = 7;
	assert_int_equal(ipvs_msg_put_service(m, &s, false), 0);
	assert_int_equal(ipvs_msg_parse(m, tb), 0);
	assert_int_equal(nla_parse_nested(a, IPVS_SVC_ATTR_MAX, tb[IPVS_CMD_ATTR_SERVICE], NULL), 0);
	assert_null(a[IPVS_SVC_ATTR_SCHED_NAME]);
	assert_null(a[IPVS_SVC_ATTR_PROTOCOL]);
	assert_int_equal(ipvs_msg_parse_service(tb[IPVS_CMD_ATTR_SERVICE], &got), 0);
	assert_int_equal(got.fwmark, 7);
	assert_true(ipvs_service_same_key(&s, &got));
	nlmsg_free(m);
}

static void dest_round_trip(void **state)
{
	struct ipvs_dest d, got;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1], *a[IPVS_DEST_ATTR_MAX + 1];
	struct nl_msg *m = new_msg();

	(void)state;
	ipvs_dest_init(&d, AF_INET6);	/* an IPv6 server behind an IPv4 service */
	inet_pton(AF_INET6, "2001:db8::2", &d.addr);
	d.port = 80;
	d.fwd = IPVS_FWD_TUNNEL;
	d.weight = 7;
	d.u_thresh = 100;
	d.l_thresh = 10;
	d.tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	d.tun_port = 6080;
	d.tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
	assert_int_equal(ipvs_msg_put_dest(m, &d, AF_INET, true), 0);
	assert_int_equal(ipvs_msg_parse(m, tb), 0);
	assert_int_equal(ipvs_msg_parse_dest(tb[IPVS_CMD_ATTR_DEST], AF_INET, &got), 0);
	assert_int_equal(got.af, AF_INET6);
	assert_true(ipvs_dest_same_key(&d, &got, AF_INET));
	assert_true(ipvs_dest_same_config(&d, &got, AF_INET));
	assert_int_equal(nla_parse_nested(a, IPVS_DEST_ATTR_MAX, tb[IPVS_CMD_ATTR_DEST], NULL), 0);
	assert_int_equal(nla_get_u16(a[IPVS_DEST_ATTR_TUN_PORT]), htons(6080));
	nlmsg_free(m);
}

static void dest_without_tunnel(void **state)
{
	struct ipvs_dest d;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1], *a[IPVS_DEST_ATTR_MAX + 1];
	struct nl_msg *m = new_msg();

	(void)state;
	ipvs_dest_init(&d, 0);
	inet_pton(AF_INET, "10.0.0.2", &d.addr);
	d.fwd = IPVS_FWD_DROUTE;
	assert_int_equal(ipvs_msg_put_dest(m, &d, AF_INET, true), 0);
	assert_int_equal(ipvs_msg_parse(m, tb), 0);
	assert_int_equal(nla_parse_nested(a, IPVS_DEST_ATTR_MAX, tb[IPVS_CMD_ATTR_DEST], NULL), 0);
	assert_null(a[IPVS_DEST_ATTR_TUN_TYPE]);
	assert_int_equal(nla_get_u16(a[IPVS_DEST_ATTR_ADDR_FAMILY]), AF_INET);
	assert_int_equal(nla_len(a[IPVS_DEST_ATTR_ADDR]), 4);
	nlmsg_free(m);
}

static void daemon_round_trip(void **state)
{
	struct ipvs_daemon dm = { .state = IP_VS_STATE_MASTER, .syncid = 9, .sync_maxlen = 1400,
				  .mcast_af = AF_INET6, .mcast_port = 8848, .mcast_ttl = 3 }, got;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct nl_msg *m = new_msg();

	(void)state;
	strcpy(dm.mcast_ifn, "eth1");
	inet_pton(AF_INET6, "ff02::1:2", &dm.mcast_group);
	assert_int_equal(ipvs_msg_put_daemon(m, &dm, true), 0);
	assert_int_equal(ipvs_msg_parse(m, tb), 0);
	assert_int_equal(ipvs_msg_parse_daemon(tb[IPVS_CMD_ATTR_DAEMON], &got), 0);
	assert_memory_equal(&dm, &got, sizeof(dm));
	nlmsg_free(m);
}

static void timeouts_round_trip(void **state)
{
	struct ipvs_timeouts t = { 900, 0, 300 }, got;
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1];
	struct nl_msg *m = new_msg();

	(void)state;
	assert_int_equal(ipvs_msg_put_timeouts(m, &t), 0);
	assert_int_equal(ipvs_msg_parse(m, tb), 0);
	assert_null(tb[IPVS_CMD_ATTR_TIMEOUT_TCP_FIN]);	/* 0: left unchanged */
	ipvs_msg_parse_timeouts(tb, &got);
	assert_memory_equal(&t, &got, sizeof(t));
	nlmsg_free(m);
}

static void malformed_rejected(void **state)
{
	struct nl_msg *m = new_msg();
	struct nlattr *tb[IPVS_CMD_ATTR_MAX + 1], *nest;
	struct ipvs_service s;

	(void)state;
	nest = nla_nest_start(m, IPVS_CMD_ATTR_SERVICE);
	nla_put_u16(m, IPVS_SVC_ATTR_AF, AF_INET);
	nla_put_u16(m, IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
	nla_put(m, IPVS_SVC_ATTR_ADDR, 2, "ab");	/* too short */
	nla_put_u16(m, IPVS_SVC_ATTR_PORT, htons(80));
	nla_nest_end(m, nest);
	assert_int_equal(ipvs_msg_parse(m, tb), 0);
	assert_int_equal(ipvs_msg_parse_service(tb[IPVS_CMD_ATTR_SERVICE], &s), -EBADMSG);
	assert_int_equal(ipvs_msg_parse_service(NULL, &s), -EBADMSG);
	nlmsg_free(m);
}

static void text(void **state)
{
	struct ipvs_service s;
	struct ipvs_dest d;
	char b[256];

	(void)state;
	ipvs_service_init(&s, AF_INET);
	s.protocol = IPPROTO_TCP;
	inet_pton(AF_INET, "10.0.0.1", &s.addr);
	s.port = 80;
	ipvs_dest_init(&d, 0);
	inet_pton(AF_INET, "10.0.0.2", &d.addr);
	d.port = 80;
	assert_string_equal(ipvs_op_str(IPVS_OP_DEST_ADD, &s, &d, NULL, b, sizeof(b)),
			    "add destination 10.0.0.2:80 to TCP 10.0.0.1:80");
	s.fwmark = 5;
	s.af = AF_INET6;
	assert_string_equal(ipvs_op_str(IPVS_OP_SERVICE_DEL, &s, NULL, NULL, b, sizeof(b)),
			    "delete service FWM 5 IPv6");
	d.af = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::2", &d.addr);
	assert_string_equal(ipvs_dest_str(&d, AF_INET, b, sizeof(b)), "[2001:db8::2]:80");
	assert_string_equal(ipvs_fwd_name(IPVS_FWD_DROUTE), "DR");
	assert_string_equal(ipvs_tun_name(IP_VS_CONN_F_TUNNEL_TYPE_GRE), "gre");
}

static void compare_ignores_counters_and_hashed(void **state)
{
	struct ipvs_service a, b;

	(void)state;
	ipvs_service_init(&a, AF_INET);
	b = a;
	b.flags |= IP_VS_SVC_F_HASHED;
	b.stats.conns = 5;
	assert_true(ipvs_service_same_config(&a, &b));
	b.timeout = 1;
	assert_false(ipvs_service_same_config(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(service_round_trip),
		cmocka_unit_test(service_key_only),
		cmocka_unit_test(dest_round_trip),
		cmocka_unit_test(dest_without_tunnel),
		cmocka_unit_test(daemon_round_trip),
		cmocka_unit_test(timeouts_round_trip),
		cmocka_unit_test(malformed_rejected),
		cmocka_unit_test(text),
		cmocka_unit_test(compare_ignores_counters_and_hashed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
