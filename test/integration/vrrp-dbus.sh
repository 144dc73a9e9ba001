#!/bin/sh
# keepalived's DBus interface, against a real dbus-daemon with busctl: a
# private bus (its own config with a unix socket in the test's folder, the
# shipped policy doc/org.keepalived.Vrrp1.conf included, the rest as
# strict as Debian's system bus) and the lab's VRRP pair, both directors
# on that bus through DBUS_SYSTEM_BUS_ADDRESS: d1 (priority 150) owns
# org.keepalived.Vrrp1, d2 (100) dbus_service_name org.tandem.TestTwo.
# Checks: the names are listed; the object tree, the interfaces and their
# members as keepalived has them; Name "(s)" and State "(us)" of each
# instance; the policy lets nobody read properties but not call methods;
# PrintData and PrintStats write the dumps; SendGarp puts a gratuitous ARP
# for the VIP on the bridge (and none comes without it); ReloadConfig
# reloads (a new instance object appears, VrrpReloaded); a failover is
# seen as VrrpStatusChange (2 from d2, VrrpStopped from d1) and in the
# State property; a bus that dies is logged once and VRRP goes on; a
# tandem started without a bus works and logs it once, then joins the bus
# when it appears; PrintStatsClear zeroes the counters; a reload switches
# DBus off and on.
#
# Root only.  Namespaces vrrpdb-{br,d1,d2}-PID, the dbus-daemons, the
# monitors and captures, and the folder are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
BUSPIDS=""
BGPIDS=""
dbus_cleanup() {
	for _p in $BGPIDS $BUSPIDS; do
		kill "$_p" 2>/dev/null && wait "$_p" 2>/dev/null
	done
	vrrp_lab_cleanup
}

vrrp_lab vrrpdb
trap dbus_cleanup EXIT
command -v dbus-daemon >/dev/null 2>&1 || skip_all "dbus-daemon not installed"
command -v busctl >/dev/null 2>&1 || skip_all "busctl (systemd) not installed"
command -v tcpdump >/dev/null 2>&1 || skip_all "tcpdump not installed"
command -v setpriv >/dev/null 2>&1 || skip_all "setpriv (util-linux) not installed"

echo "1..42"

# The folder must be traversable for the unprivileged client.
chmod 755 "$T"
mkdir "$T/bus"

# bus_conf SOCKET: a bus as strict as Debian's system bus (no one owns a
# name, no method call goes through unless a policy allows it), with the
# shipped policy, and a second name for d2.
bus_conf() {
	cat <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$1</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <policy user="root">
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
    <allow own="org.tandem.TestTwo"/>
    <allow send_destination="org.tandem.TestTwo"/>
  </policy>
  <include>$SRC/doc/org.keepalived.Vrrp1.conf</include>
</busconfig>
EOF
}

# start_bus NAME: a dbus-daemon listening on $T/bus/NAME; sets BUSPID.
start_bus() {
	bus_conf "$T/bus/$1" >"$T/bus/$1.conf"
	dbus-daemon --config-file="$T/bus/$1.conf" --nofork --nopidfile \
		--print-address >"$T/bus/$1.addr" 2>"$T/bus/$1.err" &
	BUSPID=$!
	BUSPIDS="$BUSPIDS $BUSPID"
	wait_until 50 test -S "$T/bus/$1"
}

BUS="unix:path=$T/bus/a"
export DBUS_SYSTEM_BUS_ADDRESS="$BUS"
start_bus a
BUS_A=$BUSPID
bc() { timeout 10 busctl --address="$BUS" "$@"; }
# as nobody, for the policy
bc_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups \
	timeout 10 busctl --address="$BUS" "$@"; }

SVC=org.keepalived.Vrrp1
SVC2=org.tandem.TestTwo
VPATH=/org/keepalived/Vrrp1/Vrrp
IPATH=/org/keepalived/Vrrp1/Instance/eth0/51/IPv4
IPATH6=/org/keepalived/Vrrp1/Instance/eth0/61/IPv6
IF_V=org.keepalived.Vrrp1.Vrrp
IF_I=org.keepalived.Vrrp1.Instance

# conf [extra]: VI_1 (IPv4), VI_6 (IPv6), and VI_2 when given; without
# enable_dbus when NODBUS is set
conf() {
	{
		echo "global_defs {"
		[ -n "${NODBUS:-}" ] || echo "    enable_dbus"
		echo "    @d2 dbus_service_name $SVC2"
		echo "    vrrp_garp_master_delay 0"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 51"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.2"
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "    }"
		echo "}"
		echo "vrrp_instance VI_6 {"
		echo "    interface eth0"
		echo "    virtual_router_id 61"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.2"
		echo "    virtual_ipaddress {"
		echo "        2001:db8::100/64"
		echo "    }"
		echo "}"
		if [ -n "${1:-}" ]; then
			echo "vrrp_instance VI_2 {"
			echo "    interface eth0"
			echo "    virtual_router_id 52"
			echo "    priority 100"
			echo "    version 3"
		echo "    advert_int 0.2"
			echo "    virtual_ipaddress {"
			echo "        192.0.2.101/24"
			echo "    }"
			echo "}"
		fi
	} >"$CONF"
}

# monitor FILE SECS: the service signals of the bus, as JSON lines, for
# SECS seconds in the background (bounded by timeout); sets MONPID.
monitor() {
	timeout "$2" busctl --address="$BUS" monitor --json=short \
		--match="type='signal',interface='$IF_V'" \
		--match="type='signal',interface='$IF_I'" >"$1" 2>"$1.err" &
	MONPID=$!
	BGPIDS="$BGPIDS $MONPID"
	wait_until 30 grep -qs "Monitoring" "$1.err"
}
# sig FILE MEMBER [PATH [VALUE]]: FILE has MEMBER's signal (on PATH, with
# the uint VALUE).
sig() {
	python3 - "$@" <<'EOF'
import json, sys
f, member = sys.argv[1], sys.argv[2]
path = sys.argv[3] if len(sys.argv) > 3 else None
value = int(sys.argv[4]) if len(sys.argv) > 4 else None
for line in open(f):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("member") != member or (path and m.get("path") != path):
        continue
    if value is not None and m.get("payload", {}).get("data") != [value]:
        continue
    sys.exit(0)
sys.exit(1)
EOF
}
has_name() { bc list --no-legend 2>/dev/null | grep -q "^$1 "; }
prop() { bc get-property "$1" "$2" "$IF_I" "$3" 2>/dev/null; }
introspect() { bc introspect --no-legend "$1" "$2" 2>/dev/null; }
member() {	# member DUMP NAME TYPE SIGNATURE: one row of busctl introspect
	printf '%s\n' "$1" | awk -v n="$2" -v t="$3" -v s="$4" \
		'$1 == n && $2 == t && $3 == s { f = 1 } END { exit !f }'
}

state_is() { [ "$(prop "$1" "$2" State)" = "$3" ]; }
MASTER='(us) 2 "Master"'
BACKUP='(us) 1 "Backup"'
both_names() { has_name "$SVC" && has_name "$SVC2"; }
in_tree() {	# in_tree PATH...: each PATH is an object of $SVC
	_tr=$(bc tree --list "$SVC" 2>/dev/null)
	for _p in "$@"; do
		printf '%s\n' "$_tr" | grep -qx "$_p" || return 1
	done
}
members() {	# members PATH TYPE SIGNATURE NAME...: introspect shows them
	_in=$(introspect "$SVC" "$1"); _ty=$2; _si=$3; shift 3
	for _m in "$@"; do
		member "$_in" ".$_m" "$_ty" "$_si" || return 1
	done
}
count_is() { [ "$(grep -c -- "$2" "$3" 2>/dev/null)" = "$1" ]; }
started_twice() { [ "$(grep -c '"member":"VrrpStarted"' "$1")" -ge 2 ]; }
fails() { ! "$@" >/dev/null 2>&1; }
nobody_reads() { bc_nobody get-property "$SVC" "$IPATH" "$IF_I" State 2>/dev/null | grep -q Master; }
nobody_introspects() { bc_nobody introspect "$SVC" "$IPATH" 2>/dev/null | grep -q SendGarp; }

conf
monitor "$T/mon1" 8
start d1
start d2
wait_until 50 has_vip "$D1"
wait_until 50 both_names
check "d1 and d2 own their names on the bus" both_names
check "the object tree: Vrrp and one object per instance" \
	in_tree "$VPATH" "$IPATH" "$IPATH6"
check "Vrrp: PrintData, PrintStats, PrintStatsClear, ReloadConfig" \
	members "$VPATH" method - PrintData PrintStats PrintStatsClear ReloadConfig
check "Vrrp: signals VrrpStarted, VrrpReloaded, VrrpStopped" \
	members "$VPATH" signal - VrrpStarted VrrpReloaded VrrpStopped
check "Instance: method SendGarp" members "$IPATH" method - SendGarp
check "Instance: signal VrrpStatusChange (u)" members "$IPATH" signal u VrrpStatusChange
check "Instance: properties Name (s) and State (us)" eval \
	'members "$IPATH" property "(s)" Name && members "$IPATH" property "(us)" State'
check "Name of the IPv4 instance" test "$(prop "$SVC" "$IPATH" Name)" = '(s) "VI_1"'
check "Name of the IPv6 instance" test "$(prop "$SVC" "$IPATH6" Name)" = '(s) "VI_6"'
wait_until 50 state_is "$SVC" "$IPATH6" "$MASTER"
check "State of d1's instances: 2 Master" eval \
	'state_is "$SVC" "$IPATH" "$MASTER" && state_is "$SVC" "$IPATH6" "$MASTER"'
check "State of d2's instance (under its own name): 1 Backup" \
	state_is "$SVC2" "$IPATH" "$BACKUP"
check "a path with no instance is no object" \
	fails bc get-property "$SVC" /org/keepalived/Vrrp1/Instance/eth0/99/IPv4 "$IF_I" State
wait "$MONPID" 2>/dev/null
check "VrrpStarted from both directors at the start" started_twice "$T/mon1"
check "VrrpStatusChange 2 (Master) for d1's instance at the start" \
	sig "$T/mon1" VrrpStatusChange "$IPATH" 2

# The policy: anyone reads, only root calls.
check "nobody may read State" nobody_reads
check "nobody may introspect" nobody_introspects
rm -f "$T/d1/tandem.data"
check "nobody may not call PrintData" fails bc_nobody call "$SVC" "$VPATH" "$IF_V" PrintData
check "nobody may not call SendGarp" fails bc_nobody call "$SVC" "$IPATH" "$IF_I" SendGarp
check "nobody may not set a property" \
	fails bc_nobody set-property "$SVC" "$IPATH" "$IF_I" State "(us)" 0 x
check "... and nothing was dumped" test ! -e "$T/d1/tandem.data"

# The dumps.
check "PrintData answers" bc call "$SVC" "$VPATH" "$IF_V" PrintData
wait_until 30 test -s "$T/d1/tandem.data"
check "PrintData wrote d1's data dump" grep -q "VRRP Instance = VI_1" "$T/d1/tandem.data"
rm -f "$T/d1/tandem.stats"
bc call "$SVC" "$VPATH" "$IF_V" PrintStats >/dev/null 2>&1
wait_until 30 test -s "$T/d1/tandem.stats"
check "PrintStats wrote d1's stats dump" grep -q "statistics" "$T/d1/tandem.stats"

# SendGarp: a gratuitous ARP for the VIP (sender address 192.0.2.100,
# offset 14 of the ARP header) on the bridge; none in a quiet second.
garp_capture() {	# garp_capture FILE SECS
	ip netns exec "$BR" timeout "$2" tcpdump -i br0 -n -l -c 1 \
		'arp and arp[14:4] = 0xc0000264' >"$1" 2>"$1.err" &
	CAPPID=$!
	BGPIDS="$BGPIDS $CAPPID"
	wait_until 30 grep -qs "listening" "$1.err"
}
garp_capture "$T/quiet.cap" 1
wait "$CAPPID" 2>/dev/null
check "no gratuitous ARP for the VIP in a quiet second" fails grep -q 192.0.2.100 "$T/quiet.cap"
garp_capture "$T/garp.cap" 5
bc call "$SVC" "$IPATH" "$IF_I" SendGarp >/dev/null 2>&1
wait "$CAPPID" 2>/dev/null
check "SendGarp: a gratuitous ARP for the VIP on the bridge" grep -q 192.0.2.100 "$T/garp.cap"

# ReloadConfig: a new instance appears with its object.
conf VI_2
monitor "$T/mon2" 6
P2=/org/keepalived/Vrrp1/Instance/eth0/52/IPv4
has_vi2() { [ "$(prop "$SVC" "$P2" Name)" = '(s) "VI_2"' ]; }
check "before ReloadConfig, no VI_2 object" fails has_vi2
check "ReloadConfig answers" bc call "$SVC" "$VPATH" "$IF_V" ReloadConfig
wait_until 50 has_vi2
check "after ReloadConfig, VI_2's object exists" has_vi2
check "the reload happened (the parent's log)" grep -q "reload complete" "$T/d1/log"
wait "$MONPID" 2>/dev/null
check "VrrpReloaded was sent" sig "$T/mon2" VrrpReloaded "$VPATH"

# Failover: d1 stops, d2 takes over.
monitor "$T/mon3" 6
stop d1
wait_until 50 has_vip "$D2"
wait_until 30 state_is "$SVC2" "$IPATH" "$MASTER"
check "d2's State follows it to 2 Master" state_is "$SVC2" "$IPATH" "$MASTER"
wait "$MONPID" 2>/dev/null
check "VrrpStatusChange 2 from d2 during the failover" sig "$T/mon3" VrrpStatusChange "$IPATH" 2
check "VrrpStopped from d1" sig "$T/mon3" VrrpStopped "$VPATH"

# The bus dies: logged once, VRRP carries on.
kill "$BUS_A"
wait "$BUS_A" 2>/dev/null
sleep 1
check "d2 logs the lost bus once" count_is 1 "lost the system bus" "$T/d2/log"
check "d2 keeps the VIP without a bus" has_vip "$D2"

# No bus at all: d1 starts, takes the VIP back, logs it once; the bus
# appears and d1 joins it.
cat "$T/d1/log" >>"$T/d1/old.log"; : >"$T/d1/log"
BUS="unix:path=$T/bus/b"
export DBUS_SYSTEM_BUS_ADDRESS="$BUS"
start d1
wait_until 50 has_vip "$D1"
sleep 1
check "without a bus d1 works (takes the VIP back)" only "$D1"
check "... and logs the absent bus once" count_is 1 "no system bus" "$T/d1/log"
start_bus b
wait_until 100 has_name "$SVC"
check "d1 joins the bus when it appears" state_is "$SVC" "$IPATH" "$MASTER"

# PrintStatsClear: the counters start again from 0.
sleep 2
before=$(json_state d1 advert_sent | cut -d" " -f2)
bc call "$SVC" "$VPATH" "$IF_V" PrintStatsClear >/dev/null 2>&1
after=$(json_state d1 advert_sent | cut -d" " -f2)
check "PrintStatsClear zeroes the counters ($before adverts sent, then $after)" \
	test "${after:-x}" -lt "${before:-0}" -a "${before:-0}" -gt 5

# A reload switches DBus off, another on again.
NODBUS=1 conf VI_2
kill -HUP "$PID1"
wait_until 50 fails has_name "$SVC"
check "a reload without enable_dbus leaves the bus" fails has_name "$SVC"
conf VI_2
kill -HUP "$PID1"
wait_until 50 has_name "$SVC"
check "a reload with it joins again" state_is "$SVC" "$IPATH" "$MASTER"

stop d1
stop d2
check "no sanitizer report in any process's log" \
	fails grep -E -q "Sanitizer|runtime error:" "$T/d1/old.log" "$T/d1/log" "$T/d2/log"
