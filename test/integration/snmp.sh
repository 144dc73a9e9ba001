#!/bin/sh
# SNMP against a real net-snmp master agent.  A snmpd of the test's own
# (its config in the temporary folder, `master agentx` on a socket there,
# SNMP on 127.0.0.1 at a free UDP port, trap2sink to a snmptrapd on
# another free port that logs to a file) and a VRRP pair in namespaces:
# d2 (priority 150) with its snmp_socket on a "master" that accepts and
# never answers, d1 (priority 100, both children, TCP_CHECKs against two
# socat listeners in its namespace) on the test's master, and a client
# that sends one bad advert with scapy.  Checks: the tandem MIB and its
# stand-in imports compile (snmptranslate, smilint); d1, started before
# snmpd, connects when it appears; the VRRPv3-MIB rows (backup, priority,
# master address, associated address, counters that move) and RFC 2787's
# VRRP-MIB; vrrpv3ProtoError on an advert with a wrong TTL; the tandem
# MIB (instance, virtual and real servers, checkers); a SET is refused;
# d2 stopping makes d1 master and vrrpv3NewMaster, vrrpTrapNewMaster and
# the tandem state notification reach snmptrapd; a real server going
# down sends the tandem notification and shows its reason; snmpd killed
# leaves the daemon running and master, and a new snmpd gets the
# subagents back (and their notifications); a reload keeps serving, and
# one that turns the checker MIB off and on again; d2 stayed master
# through its hung master agent and ran as usual.
#
# Root only.  Namespaces snmpt-{br,d1,d2,c}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
"$TANDEM" -v 2>/dev/null | grep -q "SNMP" || skip_all "built without SNMP (--disable-snmp or no libsnmp-dev)"
"$TANDEM" -v | grep -q "LVS" || skip_all "built without the checker process"
for _c in snmpd snmptrapd snmpwalk snmpget snmpset snmptranslate socat; do
	command -v "$_c" >/dev/null 2>&1 || skip_all "$_c not installed (snmpd, snmptrapd, snmp, socat)"
done

# scapy (for one advert with a wrong TTL) is optional: its checks skip.
PY=""
for _py in /usr/bin/python3 python3; do
	if "$_py" -c "import scapy.layers.vrrp" 2>/dev/null; then PY=$_py; break; fi
done

vrrp_lab snmpt client
SPID="" TPID="" LPIDS=""
snmp_cleanup() {
	for _p in $SPID $TPID $LPIDS; do
		kill "$_p" 2>/dev/null && wait "$_p" 2>/dev/null
	done
	if [ "$FAILED" -gt 0 ] && [ -n "$T" ]; then
		for _f in "$T"/snmp/snmpd.log "$T"/snmp/traps.log; do
			[ -f "$_f" ] && { diag "---- $_f ----"; sed 's/^/# /' "$_f"; }
		done
	fi
	vrrp_lab_cleanup
}
trap snmp_cleanup EXIT

S="$T/snmp"
mkdir -p "$S/persist/cert_indexes"
# net-snmp's tools read no config of the machine's and write their state
# in the test's folder.
SNMPCONFPATH="$S"; SNMP_PERSISTENT_DIR="$S/persist"
export SNMPCONFPATH SNMP_PERSISTENT_DIR
free_port() {
	python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
P1=$(free_port)
P2=$(free_port)
[ "$P1" != "$P2" ] || P2=$(free_port)
MIBDIRS="$SRC/doc:$SRC/test/mibs"
cat >"$S/snmpd.conf" <<EOF
agentaddress udp:127.0.0.1:$P1
master agentx
agentXSocket $S/agentx
agentXPerms 0700 0700
rocommunity public 127.0.0.1
rwcommunity private 127.0.0.1
trap2sink 127.0.0.1:$P2 public
EOF
echo "disableAuthorization yes" >"$S/snmptrapd.conf"
start_snmpd() {
	snmpd -f -C -c "$S/snmpd.conf" -M "$MIBDIRS" -m "" -Lf "$S/snmpd.log" \
		>/dev/null 2>&1 &
	SPID=$!
}
stop_snmpd() {
	kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; SPID=""
}
OPTS="-v2c -c public -On -Oe -Oq -t 1 -r 1 -M $MIBDIRS -m TANDEM-MIB"
# get OID: the value only (empty on an error)
get() {
	# shellcheck disable=SC2086
	snmpget $OPTS "127.0.0.1:$P1" "$1" 2>/dev/null | sed -n 's/^[^ ]* //p' | \
		grep -v '^No Such' | sed 's/^"\(.*\)"$/\1/'
}
walk() {
	# shellcheck disable=SC2086
	snmpwalk $OPTS "127.0.0.1:$P1" "$1" 2>/dev/null
}
listen() { # PORT: a listener in d1's namespace
	ip netns exec "$D1" socat TCP-LISTEN:"$1",fork,reuseaddr,bind=127.0.0.1 \
		/dev/null >/dev/null 2>&1 &
	LPIDS="$LPIDS $!"
	eval "L$1=$!"
}
unlisten() { # PORT
	eval "_ul=\$L$1"
	kill "$_ul" 2>/dev/null
	wait "$_ul" 2>/dev/null
}
# start_both: director d1 with both children
start_both() {
	TMPDIR="$T/d1" ip netns exec "$D1" "$TANDEM" -n -l -G -i d1 -f "$CONF" \
		-p "$T/d1/tandem.pid" -r "$T/d1/vrrp.pid" -c "$T/d1/check.pid" \
		>>"$T/d1/log" 2>&1 &
	PID1=$!
}
traps_have() { grep -q -- "$1" "$S/traps.log" 2>/dev/null; }

echo "1..47"

# --- the MIB file ------------------------------------------------------
o=$(snmptranslate -M "$MIBDIRS" -m TANDEM-MIB -IR -On tandemRealServerState 2>&1)
check "snmptranslate compiles TANDEM-MIB ($o)" [ "$o" = ".1.3.6.1.4.1.32473.1.2.2.1.7" ]
o=$(snmptranslate -M "$MIBDIRS" -m TANDEM-MIB -IR -On tandemVrrpInstanceStateChange 2>&1)
check "its notifications are where the daemon sends them ($o)" [ "$o" = ".1.3.6.1.4.1.32473.0.1" ]
if command -v smilint >/dev/null 2>&1; then
	o=$(SMIPATH="$SRC/test/mibs" smilint "$SRC/doc/TANDEM-MIB.txt" 2>&1)
	check "smilint has nothing to say about TANDEM-MIB" [ -z "$o" ]
else
	ok "# SKIP smilint (smitools) not installed"
fi

# --- the lab ---------------------------------------------------------------
cat >"$CONF" <<EOF
global_defs {
    router_id snmp_test
    @d1 snmp_socket unix:$S/agentx
    @d2 snmp_socket unix:$T/d2/hung-master
    enable_snmp_rfc
    enable_snmp_vrrp
    enable_snmp_checker
    enable_traps
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 51
    @d1 priority 100
    @d2 priority 150
    version 3
    advert_int 0.3
    virtual_ipaddress {
        $VIP/24
    }
}
virtual_server $VIP 80 {
    delay_loop 0.3
    real_server 127.0.0.1 7101 {
        weight 3
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
    real_server 127.0.0.1 7102 {
        TCP_CHECK {
            connect_timeout 1
            retry 0
        }
    }
}
EOF
listen 7101
listen 7102
# d2's "master agent" accepts and never answers.
socat "UNIX-LISTEN:$T/d2/hung-master,fork" SYSTEM:'exec cat >/dev/null' \
	>/dev/null 2>&1 &
LPIDS="$LPIDS $!"
wait_until 30 test -S "$T/d2/hung-master"
wait_until 30 sh -c "ip netns exec '$D1' ss -ltn | grep -q ':7102 '"
start d2
wait_until 50 has_vip "$D2"
start_both
wait_until 50 grep -q "Entering BACKUP STATE" "$T/d1/log"
check "d1 started before any master agent, and is BACKUP" sh -c "[ '$(entered d1 BACKUP)' -ge 1 ] && [ '$(entered d1 MASTER)' = 0 ]"

snmptrapd -f -C -c "$S/snmptrapd.conf" -M "$MIBDIRS" -m "" -On -Lf "$S/traps.log" \
	"udp:127.0.0.1:$P2" >/dev/null 2>&1 &
TPID=$!
start_snmpd
NAME=.1.3.6.1.4.1.32473.1.1.1.1.2.1
wait_until 100 sh -c "[ -n \"\$(snmpget $OPTS 127.0.0.1:$P1 $NAME 2>/dev/null | grep VI_1)\" ]"
check "snmpd started later: d1's vrrp subagent connects" [ "$(get $NAME)" = VI_1 ]
RS1=.1.3.6.1.4.1.32473.1.2.2.1.2.1.1
wait_until 50 sh -c "[ -n \"\$(snmpget $OPTS 127.0.0.1:$P1 $RS1 2>/dev/null | grep 7101)\" ]"
check "and its check subagent" [ "$(get $RS1)" = "[127.0.0.1]:tcp:7101" ]

# --- VRRPv3-MIB -------------------------------------------------------------
IFX=$(ip -n "$D1" -o link show eth0 | cut -d: -f1)
ROW="$IFX.51.1"
V3=.1.3.6.1.2.1.207.1
check "vrrpv3OperationsStatus: backup" [ "$(get $V3.1.1.1.6.$ROW)" = 2 ]
check "vrrpv3OperationsPriority: 100" [ "$(get $V3.1.1.1.7.$ROW)" = 100 ]
o=$(get $V3.1.1.1.3.$ROW)
check "vrrpv3OperationsMasterIpAddr: d2's 192.0.2.2 ($o)" sh -c "echo '$o' | grep -qi 'C0 00 02 02'"
o=$(walk $V3.1.2 | grep -c "^$V3.1.2.1.2.$ROW.4.192.0.2.100 ")
check "vrrpv3AssociatedIpAddrTable has the VIP" [ "$o" = 1 ]
c1=$(get $V3.2.5.1.3.$ROW)
sleep 1.5
c2=$(get $V3.2.5.1.3.$ROW)
check "vrrpv3StatisticsRcvdAdvertisements moves ($c1 -> $c2)" sh -c "[ '${c1:-0}' -gt 0 ] && [ '${c2:-0}' -gt '${c1:-0}' ]"
o=$(walk .1.3.6.1.2.1.207 | grep -c "^$V3\.")
check "a walk of the VRRPv3-MIB ends: 29 objects for one instance ($o)" [ "$o" = 29 ]
o=$(snmpset -v2c -c private -t 1 -r 0 "127.0.0.1:$P1" "$V3.1.1.1.7.$ROW" u 200 2>&1)
o=$(echo "$o" | grep -i -o 'notWritable' | head -n 1)
check "a SET is refused: notWritable ($o)" [ "$o" = notWritable ]

# --- RFC 2787's VRRP-MIB (enable_snmp_rfc serves both) ----------------------
V2=.1.3.6.1.2.1.68
check "vrrpNodeVersion: 2" [ "$(get $V2.1.1.0)" = 2 ]
check "vrrpOperState: backup, vrrpOperPriority 100" sh -c "[ '$(get $V2.1.3.1.3.$IFX.51)' = 2 ] && [ '$(get $V2.1.3.1.5.$IFX.51)' = 100 ]"
check "vrrpOperMasterIpAddr: d2 ($(get $V2.1.3.1.7.$IFX.51))" [ "$(get $V2.1.3.1.7.$IFX.51)" = 192.0.2.2 ]
check "vrrpAssoIpAddrTable has the VIP" [ "$(get $V2.1.4.1.2.$IFX.51.192.0.2.100)" = 1 ]
check "vrrpStatsAdvertiseRcvd counts ($(get $V2.2.4.1.2.$IFX.51))" sh -c "[ '$(get $V2.2.4.1.2.$IFX.51)' -gt 0 ]"

# --- a protocol error: an advert that crossed a router (TTL 64) -------------
if [ -n "$PY" ]; then
	ip netns exec "$CL" "$PY" -c "
from scapy.all import Ether, IP, conf, get_if_hwaddr, sendp
from scapy.layers.vrrp import VRRPv3
conf.verb = 0
sendp(Ether(src=get_if_hwaddr('eth0'), dst='01:00:5e:00:00:12') /
      IP(src='192.0.2.10', dst='224.0.0.18',
      ttl=64, proto=112) / VRRPv3(vrid=51, priority=50, ipcount=1, adv=30,
      addrlist=['$VIP']), iface='eth0', count=2)"
	wait_until 50 traps_have ".1.3.6.1.2.1.207.0.2"
	check "a TTL error: vrrpv3ProtoError at snmptrapd, reason ipTtlError" sh -c "grep '207.0.2' '$S/traps.log' | grep -q '$V3.2.5.1.6.$ROW = INTEGER: 1'"
	sleep 1.1
	o=$(get $V3.2.5.1.5.$ROW)
	check "vrrpv3StatisticsIpTtlErrors counts it ($o)" sh -c "[ '${o:-0}' -ge 1 ]"
else
	ok "# SKIP scapy (python3-scapy) not installed: no bad advert sent"
	ok "# SKIP scapy not installed"
fi

# --- the tandem MIB -----------------------------------------------------------
TV=.1.3.6.1.4.1.32473.1
check "tandemVrrpInstanceState: backup" [ "$(get $TV.1.1.1.3.1)" = 2 ]
check "tandemVrrpInstanceCurPriority: 100" [ "$(get $TV.1.1.1.5.1)" = 100 ]
check "tandemVirtualServerName" [ "$(get $TV.2.1.1.2.1)" = "[192.0.2.100]:tcp:80" ]
check "tandemRealServerWeight: 3" [ "$(get $TV.2.2.1.6.1.1)" = 3 ]
check "tandemRealServerState of both: up" sh -c "[ '$(get $TV.2.2.1.7.1.1)' = 1 ] && [ '$(get $TV.2.2.1.7.1.2)' = 1 ]"
check "tandemCheckerType: TCP_CHECK" [ "$(get $TV.2.3.1.2.1.1.1)" = TCP_CHECK ]
o=$(walk $TV.2.2.1.15 | grep -c "^$TV.2.2.1.15\.")
check "no IPVS in this kernel: no counter columns" [ "$o" = 0 ]

# --- failover: d1 becomes master ---------------------------------------------
check "d2's hung master agent cost it nothing: d1 was never master" [ "$(entered d1 MASTER)" = 0 ]
stop d2
wait_until 50 has_vip "$D1"
wait_until 50 traps_have ".1.3.6.1.2.1.207.0.1"
check "d2 stopped: vrrpv3NewMaster at snmptrapd" traps_have ".1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.2.1.207.0.1"
check "with d1's address as master" sh -c "grep '207.0.1' '$S/traps.log' | grep -qi '$V3.1.1.1.3.$ROW = Hex-STRING: C0 00 02 01'"
check "and vrrpTrapNewMaster (RFC 2787) with d1's address" sh -c "grep '68.0.1' '$S/traps.log' | grep -q '$V2.1.3.1.7.$IFX.51 = IpAddress: 192.0.2.1'"
check "and tandemVrrpInstanceStateChange (master)" sh -c "grep '32473.0.1' '$S/traps.log' | grep -q '$TV.1.1.1.3.1 = INTEGER: 3'"
sleep 1.1
check "vrrpv3OperationsStatus: master" [ "$(get $V3.1.1.1.6.$ROW)" = 3 ]
check "vrrpv3StatisticsMasterTransitions: 1" [ "$(get $V3.2.5.1.1.$ROW)" = 1 ]

# --- a real server goes down --------------------------------------------------
unlisten 7102
wait_until 50 traps_have ".1.3.6.1.4.1.32473.0.2"
check "7102 down: tandemRealServerStateChange at snmptrapd" sh -c "grep '32473.0.2' '$S/traps.log' | grep '7102' | grep -q '$TV.2.2.1.7.1.2 = INTEGER: 2'"
sleep 1.1
o=$(get $TV.2.2.1.11.1.2)
check "tandemRealServerLastReason says why ($o)" sh -c "echo '$o' | grep -q 'refused'"

# --- snmpd goes away and comes back -------------------------------------------
stop_snmpd
sleep 2.5
both_alive() { alive "$(readpid "$T/d1/vrrp.pid")" && alive "$(readpid "$T/d1/check.pid")"; }
check "snmpd killed: both children alive" both_alive
check "and d1 still holds the VIP" has_vip "$D1"
start_snmpd
wait_until 100 sh -c "[ -n \"\$(snmpget $OPTS 127.0.0.1:$P1 $NAME 2>/dev/null | grep VI_1)\" ]"
wait_until 50 sh -c "[ -n \"\$(snmpget $OPTS 127.0.0.1:$P1 $RS1 2>/dev/null | grep 7101)\" ]"
check "a new snmpd gets both subagents back" sh -c "[ '$(get $NAME)' = VI_1 ] && [ '$(get $RS1)' = '[127.0.0.1]:tcp:7101' ]"
listen 7102
wait_until 50 sh -c "grep '32473.0.2' '$S/traps.log' | grep -q '$TV.2.2.1.7.1.2 = INTEGER: 1'"
check "and their notifications (7102 up again)" sh -c "grep '32473.0.2' '$S/traps.log' | grep -q '$TV.2.2.1.7.1.2 = INTEGER: 1'"

# --- reload ------------------------------------------------------------------
kill -HUP "$PID1"
wait_until 50 grep -q "reload: 1 VRRP instance kept" "$T/d1/log"
sleep 1.1
check "after a reload: still served" sh -c "[ '$(get $TV.1.1.1.3.1)' = 3 ] && [ '$(get $TV.2.2.1.7.1.1)' = 1 ]"
# A reload that turns the checker MIB off, then on again: the check
# child's subagent goes and comes back in the same process.
reloads() { grep -c "reload: 1 VRRP instance kept" "$T/d1/log"; }
n=$(reloads)
sed -i 's/^    enable_snmp_checker$/    # off/' "$CONF"
kill -HUP "$PID1"
wait_until 50 sh -c "[ \$(grep -c 'reload: 1 VRRP instance kept' '$T/d1/log') -gt $n ]"
wait_until 30 sh -c "[ -z \"\$(snmpget $OPTS 127.0.0.1:$P1 $RS1 2>/dev/null | grep 7101)\" ]"
check "enable_snmp_checker reloaded away: the check tables go, VRRP stays" sh -c "[ -z '$(get $RS1)' ] && [ '$(get $NAME)' = VI_1 ]"
n=$(reloads)
sed -i 's/^    # off$/    enable_snmp_checker/' "$CONF"
kill -HUP "$PID1"
wait_until 50 sh -c "[ \$(grep -c 'reload: 1 VRRP instance kept' '$T/d1/log') -gt $n ]"
wait_until 50 sh -c "[ -n \"\$(snmpget $OPTS 127.0.0.1:$P1 $RS1 2>/dev/null | grep 7101)\" ]"
check "and reloaded back: they return" [ "$(get $RS1)" = "[127.0.0.1]:tcp:7101" ]
check "the check child was never restarted" [ "$(grep -c 'started check child' "$T/d1/log")" = 1 ]

check "d2 ran as usual: one vrrp child, never restarted, never hung" sh -c "[ '$(grep -c 'started vrrp child' "$T/d2/log")' = 1 ] && ! grep -q 'heartbeat\|restarting' '$T/d2/log'"
stop d1
check "d1 stops cleanly" [ "$RC" = 0 ]
check_sanitizers
