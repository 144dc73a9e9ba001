/*
 * The DBus object paths of VRRP instances: keepalived's layout (root,
 * optional namespace and instance elements, interface, VRID, family),
 * its rule for interface names (a character other than a letter or a
 * digit becomes '_'), the stand-in for an instance without an interface,
 * and that every path sd-bus is given is one it accepts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <systemd/sd-bus.h>

#include "vrrp/vrrp_dbus.h"

static void expect_path(const struct vrrp_dbus_conf *c, const char *ifname,
			unsigned vrid, int family, const char *want)
{
	char buf[256];
	int n = vrrp_dbus_inst_path(c, ifname, vrid, family, buf, sizeof(buf));

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(buf, want);
	assert_true(sd_bus_object_path_is_valid(buf) > 0);
}

static void test_plain(void **state)
{
	const struct vrrp_dbus_conf c = { .service = "org.keepalived.Vrrp1" };

	(void)state;
	expect_path(&c, "eth0", 51, AF_INET,
		    "/org/keepalived/Vrrp1/Instance/eth0/51/IPv4");
	expect_path(&c, "eth0", 255, AF_INET6,
		    "/org/keepalived/Vrrp1/Instance/eth0/255/IPv6");
}

static void test_ifname_chars(void **state)
{
	const struct vrrp_dbus_conf c = { 0 };

	(void)state;
	expect_path(&c, "bond0.20", 1, AF_INET,
		    "/org/keepalived/Vrrp1/Instance/bond0_20/1/IPv4");
	expect_path(&c, "br-lan@x", 7, AF_INET,
		    "/org/keepalived/Vrrp1/Instance/br_lan_x/7/IPv4");
}

static void test_no_interface(void **state)
{
	const struct vrrp_dbus_conf dflt = { 0 };
	const struct vrrp_dbus_conf mine = { .no_if_name = "no-if" };

	(void)state;
	expect_path(&dflt, NULL, 9, AF_INET,
		    "/org/keepalived/Vrrp1/Instance/none/9/IPv4");
	expect_path(&mine, NULL, 9, AF_INET6,
		    "/org/keepalived/Vrrp1/Instance/no_if/9/IPv6");
}

static void test_namespace_instance(void **state)
{
	const struct vrrp_dbus_conf ns = { .net_namespace = "blue" };
	const struct vrrp_dbus_conf both = { .net_namespace = "blue",
					     .instance = "lb-1" };
	const struct vrrp_dbus_conf inst = { .instance = "lb-1" };

	(void)state;
	expect_path(&ns, "eth0", 1, AF_INET,
		    "/org/keepalived/Vrrp1/blue/Instance/eth0/1/IPv4");
	expect_path(&both, "eth0", 1, AF_INET,
		    "/org/keepalived/Vrrp1/blue/lb_1/Instance/eth0/1/IPv4");
	expect_path(&inst, "eth0", 1, AF_INET,
		    "/org/keepalived/Vrrp1/lb_1/Instance/eth0/1/IPv4");
}

static void test_too_long(void **state)
{
	const struct vrrp_dbus_conf c = { 0 };
	char buf[40];

	(void)state;
	assert_int_equal(vrrp_dbus_inst_path(&c, "eth0", 1, AF_INET, buf,
					     sizeof(buf)), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_ifname_chars),
		cmocka_unit_test(test_no_interface),
		cmocka_unit_test(test_namespace_instance),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
