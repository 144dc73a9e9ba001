#!/bin/sh
# Two directors fail a VIP over: a bridge namespace with two director
# namespaces (d1, d2) and a client on veth ports, the same config file on
# both directors with @d1 / @d2 priorities (150 / 100), VRRPv3 at
# advert_int 0.2, one VIP 192.0.2.100/24.  Checks: d1 becomes MASTER and
# holds the VIP, d2 stays BACKUP without it, the client reaches the VIP;
# an unchanged reload keeps the master; TERM on d1 hands the VIP to d2
# within about a second (priority-0 advert) and d1 releases it; a
# restarted d1 preempts back; d1's link down moves the VIP to d2, link up
# brings it back; the JSON and data dumps show the states.  Then VRRPv2
# with auth_type PASS: the same pair forms, fails over on TERM, and a
# director with the wrong password is not heard.  Then v3 over IPv6 and
# v3 by IPv4 unicast: the pair forms and fails over on TERM.
#
# Root only.  Namespaces vrrpf-{br,d1,d2,c}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrpf client
command -v ping >/dev/null 2>&1 || skip_all "ping (iputils-ping) not installed"

echo "1..33"

# conf VERSION ADVERT_INT [AUTH_PASS_D1 AUTH_PASS_D2]
conf() {
	{
		echo "global_defs {"
		echo "    router_id vrrp_failover_test"
		echo "    vrrp_garp_master_delay 1"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 51"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version $1"
		echo "    advert_int $2"
		if [ -n "$3" ]; then
			echo "    authentication {"
			echo "        auth_type PASS"
			echo "        @d1 auth_pass $3"
			echo "        @d2 auth_pass $4"
			echo "    }"
		fi
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "    }"
		echo "}"
	} >"$CONF"
}

ping_vip() { ip netns exec "$CL" ping -c 1 -W 1 -q "$VIP" >/dev/null 2>&1; }
# Start fresh logs, keeping the old lines for the sanitizer check.
new_logs() {
	for _d in d1 d2; do
		cat "$T/$_d/log" >>"$T/$_d/old.log"; : >"$T/$_d/log"
	done
}

conf 3 0.2
start d1
wait_until 50 has_vip "$D1"
check "v3: d1 becomes MASTER and holds the VIP" only "$D1"
start d2
wait_until 30 grep -q "Entering BACKUP STATE" "$T/d2/log"
sleep 1
check "v3: d2 is BACKUP without the VIP" sh -c "[ '$(entered d2 BACKUP)' -ge 1 ] && [ '$(entered d2 MASTER)' = 0 ]"
check "v3: the VIP stays on d1 only" only "$D1"
check "the client reaches the VIP" ping_vip
s=$(json_state d1 advert_sent)
check "JSON dump of d1: MASTER, adverts sent ($s)" sh -c "echo '$s' | grep -q '^MASTER [1-9]'"
s=$(json_state d2 advert_rcvd)
check "JSON dump of d2: BACKUP, adverts received ($s)" sh -c "echo '$s' | grep -q '^BACKUP [1-9]'"
rm -f "$T/d2/tandem.data"
kill -USR1 "$PID2"
wait_until 30 test -s "$T/d2/tandem.data"
check "data dump of d2 shows the instance's state and master" \
	sh -c "grep -q 'State = BACKUP' '$T/d2/tandem.data' && grep -q 'Master router = 192.0.2.1' '$T/d2/tandem.data'"

# An unchanged instance survives a reload as it is.
m=$(entered d1 MASTER)
kill -HUP "$PID1"
wait_until 30 grep -q "kept" "$T/d1/log"
sleep 0.5
check "reload with an unchanged instance keeps d1 MASTER, no new transition" \
	sh -c "grep -q '1 VRRP instance kept' '$T/d1/log' && [ '$(entered d1 MASTER)' = '$m' ]"
check "the VIP stayed on d1 across the reload" only "$D1"

# A changed instance is restarted: d1 at priority 50 hands over to d2,
# and back at 150 preempts again.
sed -i 's/@d1 priority 150/@d1 priority 50/' "$CONF"
kill -HUP "$PID1"
wait_until 30 only "$D2"
check "reload with d1's priority lowered: the instance restarts, d2 takes the VIP" \
	sh -c "grep -q '0 VRRP instances kept, 1 stopped' '$T/d1/log' && ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ! ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
sed -i 's/@d1 priority 50/@d1 priority 150/' "$CONF"
kill -HUP "$PID1"
wait_until 30 only "$D1"
check "reload with d1's priority restored: d1 preempts back" only "$D1"

t0=$(ms)
kill -TERM "$PID1"
wait_until 20 has_vip "$D2"
t1=$(ms)
check "TERM d1: d2 takes the VIP within 1 s ($((t1 - t0)) ms)" \
	sh -c "has_vip() { ip -n \$1 -4 addr show dev eth0 | grep -q 'inet $VIP/'; }; has_vip '$D2' && [ $((t1 - t0)) -le 1000 ]"
wait_exit "$PID1" 80
PID1=""
check "d1 exited 0" [ "$RC" = 0 ]
check "d1 released the VIP" no_vip "$D1"
s=$(json_state d2 pri_zero_rcvd)
check "d2 is MASTER after a priority-0 advert ($s)" sh -c "echo '$s' | grep -q '^MASTER [1-9]'"
check "the client still reaches the VIP" ping_vip

start d1
wait_until 50 only "$D1"
check "restarted d1 preempts back and holds the VIP alone" only "$D1"

ip -n "$D1" link set eth0 down
wait_until 20 has_vip "$D2"
check "link down on d1: d2 takes the VIP" has_vip "$D2"
check "link down on d1: d1 in FAULT without the VIP" \
	sh -c "grep -q 'Entering FAULT STATE' '$T/d1/log' && ! ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
ip -n "$D1" link set eth0 up
wait_until 50 only "$D1"
check "link up on d1: d1 takes the VIP back" only "$D1"

stop d1
stop d2
check "both stopped, no VIP left" sh -c "! ip -n '$D1' addr | grep -q '$VIP' && ! ip -n '$D2' addr | grep -q '$VIP'"

# VRRPv2 with a password.
new_logs
conf 2 1 secret secret
start d1
wait_until 50 has_vip "$D1"
start d2
wait_until 30 grep -q "Entering BACKUP STATE" "$T/d2/log"
sleep 3.5
check "v2 PASS: d1 MASTER, d2 BACKUP, the VIP on d1 only" \
	sh -c "[ '$(entered d2 MASTER)' = 0 ] && ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ! ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
t0=$(ms)
kill -TERM "$PID1"
wait_until 30 has_vip "$D2"
t1=$(ms)
check "v2 PASS: TERM d1, d2 takes the VIP ($((t1 - t0)) ms)" has_vip "$D2"
wait_exit "$PID1" 80
PID1=""
check "v2 PASS: d1 released the VIP" no_vip "$D1"
stop d2

new_logs
conf 2 1 secret wrong
start d1
wait_until 50 has_vip "$D1"
start d2
wait_until 50 has_vip "$D2"
check "v2 wrong password: d2 does not hear d1 and takes the VIP too" has_vip "$D2"
s=$(json_state d2 auth_failure)
check "v2 wrong password: d2 counts authentication failures ($s)" \
	sh -c "echo '$s' | grep -q '^MASTER [1-9]'"
stop d1
check "d1 stopped cleanly ($RC)" [ "$RC" = 0 ]
stop d2
check "d2 stopped cleanly ($RC)" [ "$RC" = 0 ]

# IPv6 (v3 over ff02::12) and IPv4 unicast: the pair forms and fails over.
VIP6=2001:db8::100
has_vip6() { ip -n "$1" -6 addr show dev eth0 | grep -q "inet6 $VIP6/"; }
conf_other() {	# conf_other KIND
	{
		echo "vrrp_instance VI_2 {"
		echo "    interface eth0"
		echo "    virtual_router_id 52"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.2"
		if [ "$1" = unicast ]; then
			echo "    @d1 unicast_src_ip 192.0.2.1"
			echo "    @d2 unicast_src_ip 192.0.2.2"
			echo "    unicast_peer {"
			echo "        @d1 192.0.2.2"
			echo "        @d2 192.0.2.1"
			echo "    }"
			echo "    virtual_ipaddress {"
			echo "        $VIP/24"
			echo "    }"
		else
			echo "    virtual_ipaddress {"
			echo "        $VIP6/64 nodad"
			echo "    }"
		fi
		echo "}"
	} >"$CONF"
}
for kind in ipv6 unicast; do
	new_logs
	conf_other $kind
	if [ $kind = ipv6 ]; then hv=has_vip6; else hv=has_vip; fi
	start d1
	wait_until 50 $hv "$D1"
	start d2
	wait_until 30 grep -q "Entering BACKUP STATE" "$T/d2/log"
	sleep 1
	check "$kind: d1 MASTER with the VIP, d2 BACKUP without it" \
		sh -c "$(command -v ip) -n '$D1' addr show dev eth0 | grep -q 'inet6* $( [ $kind = ipv6 ] && echo $VIP6 || echo $VIP)/' && \
		       ! $(command -v ip) -n '$D2' addr show dev eth0 | grep -q 'inet6* $( [ $kind = ipv6 ] && echo $VIP6 || echo $VIP)/' && \
		       [ '$(entered d2 MASTER)' = 0 ]"
	t0=$(ms)
	kill -TERM "$PID1"
	wait_until 20 $hv "$D2"
	t1=$(ms)
	got=0; $hv "$D2" && got=1
	check "$kind: TERM d1, d2 takes the VIP within 1 s ($((t1 - t0)) ms)" \
		sh -c "[ $got = 1 ] && [ $((t1 - t0)) -le 1000 ]"
	wait_exit "$PID1" 80
	PID1=""
	stop d2
done

new_logs
check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/old.log '$T'/d2/old.log | grep -E -q 'Sanitizer|runtime error:'"
