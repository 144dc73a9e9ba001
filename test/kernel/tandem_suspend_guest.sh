#!/bin/sh
# In-guest part of tandem_suspend.sh (bash is /bin/sh in the VM): the
# whole daemon, vrrp and check children, from one config.  A VRRP
# instance alone on a veth becomes master and adds its VIP; the
# virtual_server on that VIP has ha_suspend, so it is in the IPVS table
# only while the VIP is here.  A second ha_suspend service follows an
# address added and removed by hand, and a third without ha_suspend is
# always there.  The sync daemon, tied to the instance, runs as master
# while the instance is master and as backup otherwise: the vrrp child's
# states reach the check child through the parent.  Every wait is
# bounded.  Its sync id defaults to the instance's VRID.
cd /tmp || exit 1
. /test/guest_lib.sh

in_table() { ipvsadm -Ln -t "$1" >/dev/null 2>&1; }
not_in_table() { ! in_table "$1"; }
daemons() { ipvsadm -L --daemon 2>/dev/null; }
syncd_master_only() {
	daemons | grep -q "^master sync daemon (mcast=tvr0, syncid=51," &&
		! daemons | grep -q "^backup"
}
syncd_backup_only() {
	daemons | grep -q "^backup sync daemon (mcast=tvr0, syncid=51," &&
		! daemons | grep -q "^master"
}
has_vip() { ip -o addr show dev tvr0 | grep -q ' 192\.0\.2\.100/'; }

ip link add tvr0 type veth peer name tvr1 &&
ip addr add 192.0.2.1/24 dev tvr0 &&
ip link set tvr0 up && ip link set tvr1 up &&
ip link add tdummy0 type dummy &&
ip link set tdummy0 up &&
ip route add 10.71.0.0/24 dev tdummy0 ||
	echo "# guest: interface setup failed"

cat >/tmp/t.conf <<'CONF'
global_defs {
  router_id vm
  lvs_sync_daemon tvr0 VI_1
}
vrrp_instance VI_1 {
  interface tvr0
  virtual_router_id 51
  priority 100
  version 3
  advert_int 0.1
  virtual_ipaddress {
    192.0.2.100/32
  }
}
virtual_server 192.0.2.100 80 {
  ha_suspend
  lvs_method NAT
  real_server 10.71.0.1 80 {
  }
}
virtual_server 10.70.0.6 80 {
  ha_suspend
  lvs_method NAT
  real_server 10.71.0.2 80 {
  }
}
virtual_server 10.70.0.5 80 {
  lvs_method NAT
  real_server 10.71.0.3 80 {
  }
}
CONF

: >/tmp/tandem.log
$T -n -G -g/tmp/tandem.log -f /tmp/t.conf -p /tmp/t.pid -c /tmp/tc.pid \
	-r /tmp/tv.pid 2>>/tmp/tandem.err &
pid=$!

check "a service without ha_suspend is in the table at start" \
	wait_for 10 in_table 10.70.0.5:80
check "an ha_suspend service whose address is not here is not" \
	not_in_table 10.70.0.6:80
check "the VRRP instance becomes master and adds its VIP" \
	wait_for 10 has_vip
check "the ha_suspend service on the VIP enters the table" \
	wait_for 5 in_table 192.0.2.100:80
ipvsadm -Ln | sed 's/^/# master: /'
check "the sync daemon follows the instance: master only" \
	wait_for 5 syncd_master_only
daemons | sed 's/^/# daemons: /'

ip addr add 10.70.0.6/32 dev tdummy0
check "an address added by hand brings its ha_suspend service in" \
	wait_for 5 in_table 10.70.0.6:80
ip addr del 10.70.0.6/32 dev tdummy0
check "and its removal takes the service out" \
	wait_for 5 not_in_table 10.70.0.6:80

ip link set tvr0 down
check "link down: the instance leaves master and drops the VIP" \
	wait_for 5 eval '! has_vip'
check "link down: the service on the VIP leaves the table" \
	wait_for 5 not_in_table 192.0.2.100:80
check "link down: the other services stay" in_table 10.70.0.5:80
check "link down: the sync daemon is no longer master" \
	wait_for 5 eval '! daemons | grep -q "^master"'
daemons | sed 's/^/# daemons after link down: /'
ip link set tvr0 up
check "link up: master again with the VIP" wait_for 10 has_vip
check "link up: the service on the VIP is back" \
	wait_for 5 in_table 192.0.2.100:80
check "its real server came back with it" \
	eval 'ipvsadm -Ln -t 192.0.2.100:80 | grep -q "10.71.0.1:80"'
check "link up: the sync daemon is master again" wait_for 5 syncd_master_only

# A check child that restarts learns the states from the parent at once.
cpid=$(cat /tmp/tc.pid 2>/dev/null)
[ -n "$cpid" ] && kill -KILL "$cpid"
check "a restarted check child is told the instance is master" \
	wait_for 10 eval '[ "$(cat /tmp/tc.pid 2>/dev/null)" != "$cpid" ] && syncd_master_only && in_table 192.0.2.100:80'

check "the check process was started twice (the kill), no more" \
	eval '[ "$(grep -c "started check child" /tmp/tandem.log)" = 2 ]'

kill -TERM "$pid"
check "SIGTERM stops tandem" wait_for 15 eval '! kill -0 "$pid" 2>/dev/null'
wait "$pid"
rc=$?
check "with status 0" eval '[ $rc = 0 ]'
check "stop removed every service and the VIP" \
	eval '[ -z "$(ipvsadm -Sn)" ] && ! has_vip'

finish
