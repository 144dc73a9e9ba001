#!/bin/sh
# tandem and Debian's keepalived on the same VRID: the two implementations
# must form a master/backup pair in both roles and fail over to each other.
# d1 runs tandem -P, d2 runs keepalived's VRRP process only (-P, its own pid
# files in the test's folder, so nothing under /run is touched, which the
# test checks).  Both read the same keepalived.conf, with @d1 / @d2 lines
# for what differs: that the file means the same to both is tested too.
#
# Cases: v3 IPv4, v3 IPv6, v3 IPv4 unicast, v3 with tandem at advert_int
# 0.2 and keepalived at 1 (each backup must learn the master's interval),
# v2 without authentication, v2 PASS, v2 AH.  In each, tandem at priority
# 150 and keepalived at 100: tandem is MASTER with the VIP, keepalived
# stays BACKUP without it for longer than its Master_Down_Interval (so it
# hears tandem's adverts); TERM on tandem hands the VIP to keepalived,
# which logs tandem's priority-0 advert, well before Master_Down.  Then
# tandem restarts at priority 50: it stays BACKUP without the VIP and
# counts keepalived's adverts as received and none as an error; TERM on
# keepalived hands the VIP to tandem, which counts keepalived's priority-0
# advert.  keepalived's log must not complain about the config or about
# any of tandem's packets.  Last, equal priorities: two masters that meet
# settle on the higher address, whichever of the two has it.
#
# Root only; skips when keepalived is not installed.  Namespaces
# vrrpk-{br,d1,d2}-PID, the temporary folder and every process this test
# started (by PID) are removed by the EXIT trap.  Every wait is bounded.
# Addresses are from 192.0.2.0/24 and 2001:db8::/32.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

KEEPALIVED=$(command -v keepalived || echo /usr/sbin/keepalived)
[ -x "$KEEPALIVED" ] || skip_all "keepalived not installed (scripts/install-deps)"
KPID=""
RUN_BEFORE=$(ls -d /run/keepalived* 2>/dev/null)

is_keepalived() {
	[ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = keepalived ]
}
interop_cleanup() {
	set +e
	if is_keepalived "$KPID"; then
		kill -TERM "$KPID" 2>/dev/null
		wait_until 50 eval "! alive $KPID" || kill -KILL "$KPID" 2>/dev/null
	fi
	if [ -n "$T" ]; then
		for _f in "$T"/d1/ka*.pid "$T"/d2/ka*.pid; do
			[ -f "$_f" ] || continue
			_p=$(readpid "$_f")
			is_keepalived "$_p" && kill -KILL "$_p" 2>/dev/null
		done
	fi
	if [ "$FAILED" -gt 0 ] && [ -n "$T" ] && [ -f "$T/ka.all" ]; then
		diag "---- keepalived ----"
		sed 's/^/# /' "$T/ka.all"
	fi
	vrrp_lab_cleanup
}

vrrp_lab vrrpk
trap interop_cleanup EXIT

# A keepalived started by the package's service (or anyone else) lives in
# another namespace and shares nothing with this lab; say so, for the log.
for _p in $(ls /proc | grep -E '^[0-9]+$'); do
	is_keepalived "$_p" && diag "note: a keepalived not started here runs (pid $_p)"
done

CASES="v3-ipv4 v3-ipv6 v3-unicast v3-learn v2-none v2-pass v2-ah"
echo "1..$((7 * 8 + 8))"

VIP6=2001:db8::100

# conf CASE TANDEM_PRIO
conf() {
	_v=${1%%-*}; _v=${_v#v}; _k=${1#*-}
	{
		echo "global_defs {"
		echo "    router_id vrrp_interop_test"
		echo "    vrrp_garp_master_delay 1"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    state BACKUP"
		echo "    interface eth0"
		echo "    virtual_router_id 57"
		echo "    @d1 priority $2"
		echo "    @d2 priority 100"
		echo "    version $_v"
		if [ "$_k" = learn ]; then
			echo "    @d1 advert_int 0.2"
			echo "    @d2 advert_int 1"
		elif [ "$_v" = 3 ]; then echo "    advert_int 0.2"
		else echo "    advert_int 1"; fi
		case $_k in
		pass|ah)
			echo "    authentication {"
			echo "        auth_type $(echo "$_k" | tr a-z A-Z)"
			echo "        auth_pass s3cret"
			echo "    }" ;;
		unicast)
			echo "    @d1 unicast_src_ip 192.0.2.1"
			echo "    @d2 unicast_src_ip 192.0.2.2"
			echo "    unicast_peer {"
			echo "        @d1 192.0.2.2"
			echo "        @d2 192.0.2.1"
			echo "    }" ;;
		esac
		echo "    virtual_ipaddress {"
		if [ "$_k" = ipv6 ]; then echo "        $VIP6/64 -nodad"; else echo "        $VIP/24"; fi
		echo "    }"
		echo "}"
	} >"$CONF"
}

holds() {	# holds NS: NS has this case's VIP
	if [ "$KIND" = ipv6 ]; then
		ip -n "$1" -6 addr show dev eth0 | grep -q "inet6 $VIP6/"
	else
		ip -n "$1" -4 addr show dev eth0 | grep -q "inet $VIP/"
	fi
}
only_holds() {	# only_holds NS OTHER
	holds "$1" && ! holds "$2"
}

# start_ka [ID]: keepalived for director ID (d2 unless told), its files
# in ID's folder; KLOG is its log.
start_ka() {
	_kd=${1:-d2}; _kn=$D2; [ "$_kd" = d1 ] && _kn=$D1
	KLOG="$T/$_kd/ka.log"
	TMPDIR="$T/$_kd" ip netns exec "$_kn" "$KEEPALIVED" -P -n -l -D -G -i "$_kd" \
		-f "$CONF" -p "$T/$_kd/ka.pid" -r "$T/$_kd/ka-vrrp.pid" \
		-c "$T/$_kd/ka-check.pid" -b "$T/$_kd/ka-bfd.pid" >"$KLOG" 2>&1 &
	KPID=$!
}
# stop_ka sends TERM, reap_ka waits for keepalived's exit (bounded).
stop_ka() { kill -TERM "$KPID" 2>/dev/null; }
reap_ka() {
	if wait_until 80 eval "! alive $KPID"; then wait "$KPID"; RC=$?
	else kill -KILL "$KPID" 2>/dev/null; wait "$KPID" 2>/dev/null; RC=alive; fi
	KPID=""
	cat "$KLOG" >>"$T/ka.all"
}
ka_entered() { grep -c "Entering $1 STATE" "$KLOG" 2>/dev/null || true; }
# What keepalived says about a packet or a config line it did not like
# (the words of its receive checks: bogus, invalid, mismatch, checksum...).
ka_complaints() {
	grep -i -E 'bogus|invalid|mismatch|wrong|bad |checksum|unknown|malformed|error|discard|ignor' \
		"$KLOG" | grep -v -i 'script' || true
}
new_logs() {
	[ ! -f "$T/d1/log" ] || cat "$T/d1/log" >>"$T/d1/old.log"
	: >"$T/d1/log"
}

for c in $CASES; do
	KIND=${c#*-}
	# Long enough for a deaf backup to time out: 3 adverts plus skew.
	case $c in v2-*) steady=4.0 ;; *-learn) steady=2.5 ;; *) steady=1.2 ;; esac
	# A takeover must come well before Master_Down (3.6 s at v2's 1 s);
	# at v3's 0.2 s it is short anyway: there the priority-0 advert must
	# have been counted.
	limit=1500; [ "${c%%-*}" = v2 ] && limit=3000
	new_logs

	conf "$c" 150
	start d1
	wait_until 50 holds "$D1"
	start_ka
	wait_until 50 grep -q "Entering BACKUP STATE" "$KLOG"
	sleep "$steady"
	check "$c: tandem MASTER with the VIP, keepalived BACKUP without it" \
		sh -c "[ '$(ka_entered BACKUP)' -ge 1 ] && [ '$(ka_entered MASTER)' = 0 ] && $(only_holds "$D1" "$D2" && echo true || echo false)"
	t0=$(ms)
	kill -TERM "$PID1"
	wait_until 30 holds "$D2"
	t1=$(ms)
	got=false; holds "$D2" && got=true
	check "$c: TERM tandem, keepalived takes the VIP ($((t1 - t0)) ms) on its priority-0 advert" \
		sh -c "$got && [ $((t1 - t0)) -le $limit ] && grep -q 'received priority 0 advertisement' '$KLOG'"
	wait_exit "$PID1" 80
	PID1=""
	check "$c: tandem exited 0 and released the VIP" \
		sh -c "[ '$RC' = 0 ] && $(holds "$D1" && echo false || echo true)"

	new_logs
	conf "$c" 50
	start d1
	wait_until 50 grep -q "Entering BACKUP STATE" "$T/d1/log"
	m0=0
	if [ "$KIND" = learn ]; then
		# Until the first advert tandem times out on its own 0.2 s (RFC
		# 5798 6.4.2) and may be master for an instant; after it, it must
		# have learnt keepalived's 1 s, or it would time out every second.
		sleep 1.2
		m0=$(entered d1 MASTER)
	fi
	sleep "$steady"
	check "$c: keepalived MASTER with the VIP, tandem BACKUP without it" \
		sh -c "[ '$(entered d1 MASTER)' = $m0 ] && $(only_holds "$D2" "$D1" && echo true || echo false)"
	s=$(json_rx d1)
	check "$c: tandem received keepalived's adverts, none in error ($s)" \
		sh -c "echo '$s' | grep -q '^BACKUP [1-9][0-9]* 0$'"
	t0=$(ms)
	stop_ka
	wait_until 30 holds "$D1"
	t1=$(ms)
	got=false; holds "$D1" && got=true
	s=$(json_state d1 pri_zero_rcvd)
	check "$c: TERM keepalived, tandem takes the VIP ($((t1 - t0)) ms) on its priority-0 advert ($s)" \
		sh -c "$got && [ $((t1 - t0)) -le $limit ] && echo '$s' | grep -q '^MASTER [1-9]'"
	reap_ka
	check "$c: keepalived exited 0 and released the VIP" \
		sh -c "[ '$RC' = 0 ] && $(holds "$D2" && echo false || echo true)"
	k=$(ka_complaints)
	[ -z "$k" ] || diag "keepalived: $k"
	check "$c: keepalived logged no complaint (config or packets)" [ -z "$k" ]
	stop d1
done

# Equal priorities: the higher primary address wins (RFC 5798 6.4.3).
# With d2's bridge port disabled both become MASTER; once it forwards
# again, the one on d1 (192.0.2.1) must yield to the one on d2 (192.0.2.2),
# which must keep the VIP: first tandem yields to keepalived, then (the
# two swapped) keepalived to tandem.
KIND=ipv4
conf v3-ipv4 100
tie() {	# tie TANDEM_ID KEEPALIVED_ID
	new_logs
	[ -f "$T/d2/log" ] && : >"$T/d2/log"
	ip netns exec "$BR" bridge link set dev p-d2 state 0
	start "$1"
	start_ka "$2"
	wait_until 50 sh -c "[ \$(grep -c 'Entering MASTER STATE' '$KLOG') -ge 1 ] && [ \$(grep -c 'Entering MASTER STATE' '$T/$1/log') -ge 1 ]"
	check "tie $1/$2: apart, tandem and keepalived both MASTER with the VIP" \
		sh -c "$(holds "$D1" && holds "$D2" && echo true || echo false)"
	ip netns exec "$BR" bridge link set dev p-d2 state 3
	wait_until 30 eval '! holds "$D1"'
	sleep 1
	if [ "$1" = d1 ]; then
		check "tie: tandem (lower address) yields, keepalived keeps the VIP" \
			sh -c "$(only_holds "$D2" "$D1" && echo true || echo false) && [ '$(entered d1 MASTER)' = 1 ] && [ '$(ka_entered BACKUP)' = 1 ]"
		s=$(json_rx d1)
		want='^BACKUP [1-9][0-9]* 0$'
	else
		check "tie: keepalived (lower address) yields, tandem keeps the VIP" \
			sh -c "$(only_holds "$D2" "$D1" && echo true || echo false) && [ '$(entered d2 BACKUP)' = 1 ] && [ '$(ka_entered BACKUP)' = 2 ]"
		s=$(json_rx d2)
		# keepalived may yield on tandem's first advert before it sends one.
		want='^MASTER [0-9]* 0$'
	fi
	check "tie $1/$2: tandem counted no receive error ($s)" \
		sh -c "echo '$s' | grep -q '$want'"
	stop_ka
	reap_ka
	stop "$1"
}
tie d1 d2
tie d2 d1

RUN_AFTER=$(ls -d /run/keepalived* 2>/dev/null)
check "keepalived left nothing under /run" [ "$RUN_BEFORE" = "$RUN_AFTER" ]
new_logs
check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/old.log | grep -E -q 'Sanitizer|runtime error:'"
