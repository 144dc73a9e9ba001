#!/bin/sh
# tandem and Debian's FRR vrrpd on the same VRID: a second, independently
# written implementation must form a master/backup pair with tandem in both
# roles.  d1 runs tandem -P; d2 runs FRR's zebra and vrrpd as the frr user,
# with every pid file, vty socket, zserv socket, config and log in the
# test's folder (nothing under /run/frr).  FRR keeps its VIPs on macvlan
# devices with the virtual MAC on top of eth0 and shows Backup by putting
# them in protodown (FRR's VRRP documentation); the test makes them:
# vrrp4-2-57 (00:00:5e:00:01:39) with 192.0.2.100 and vrrp6-2-57
# (00:00:5e:00:02:39, random link-local) with 2001:db8::100.
#
# For each case (v3 IPv4, v3 IPv6, v2 -- FRR has no v2 authentication):
# tandem at priority 150 and vrrpd at 100 -- tandem is MASTER with the VIP,
# vrrpd is Backup (macvlan in protodown) for longer than its
# Master_Down_Interval and counts tandem's adverts; TERM on tandem hands
# the VIP to vrrpd on tandem's priority-0 advert.  Then tandem restarts at
# priority 50 -- it stays BACKUP without the VIP and counts vrrpd's adverts
# as received and none as an error; TERM on vrrpd hands the VIP to tandem,
# which counts vrrpd's priority-0 advert.  vrrpd runs with "debug vrrp
# packets": it must have parsed tandem's adverts and logged none of its
# refusals (bad checksum, wrong size or address count, "Datagram invalid").
#
# Root only; skips when FRR is not installed, or when this kernel cannot
# make a macvlan or put it in protodown (FRR's VRRP needs both).
# Namespaces vrrpq-{br,d1,d2}-PID, the temporary folder and every process
# this test started (by PID) are removed by the EXIT trap.  Every wait is
# bounded.  Addresses are from 192.0.2.0/24 and 2001:db8::/32.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

FRRLIB=/usr/lib/frr
[ -x "$FRRLIB/vrrpd" ] && [ -x "$FRRLIB/zebra" ] || \
	skip_all "FRR (zebra, vrrpd) not installed (scripts/install-deps)"
command -v vtysh >/dev/null 2>&1 || skip_all "vtysh (frr) not installed"
id frr >/dev/null 2>&1 || skip_all "no frr user (package frr)"
ZPID=""
VRPID=""
FRR_RUN_BEFORE=$(ls -A /run/frr 2>/dev/null)

# frr_daemon PID NAME: PID is the FRR daemon NAME this test started.
frr_daemon() { [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }
frr_stop() {	# frr_stop PID NAME: TERM, reaped, bounded; sets RC
	RC=none
	[ -n "$1" ] || return 0
	# An unreaped child of ours keeps its PID, so this is still our daemon.
	frr_daemon "$1" "$2" && kill -TERM "$1" 2>/dev/null
	if wait_until 50 eval "! alive $1"; then wait "$1"; RC=$?
	else kill -KILL "$1" 2>/dev/null; wait "$1" 2>/dev/null; RC=alive; fi
}
frr_cleanup() {
	set +e
	frr_stop "$VRPID" vrrpd
	frr_stop "$ZPID" zebra
	if [ "$FAILED" -gt 0 ] && [ -n "$T" ]; then
		for _f in "$T"/d2/frr/vrrpd.all "$T"/d2/frr/vrrpd.log "$T"/d2/frr/zebra.log; do
			[ -f "$_f" ] || continue
			diag "---- $_f ----"
			sed 's/^/# /' "$_f"
		done
	fi
	vrrp_lab_cleanup
}

vrrp_lab vrrpq
trap frr_cleanup EXIT

MV4=vrrp4-2-57
MV6=vrrp6-2-57
VIP6=2001:db8::100
ip -n "$D2" link add "$MV4" link eth0 type macvlan mode bridge 2>/dev/null || \
	skip_all "this kernel cannot make a macvlan device (FRR's VRRP needs one)"
ip -n "$D2" link set "$MV4" protodown on 2>/dev/null || \
	skip_all "this kernel cannot put a macvlan in protodown (FRR's VRRP needs it)"
ip -n "$D2" link set "$MV4" protodown off
ip -n "$D2" link add "$MV6" link eth0 type macvlan mode bridge
# Random link-local addresses: vrrpd sends v6 adverts from the macvlan's,
# which must not be derived from the (shared) virtual MAC.
ip -n "$D2" link set "$MV4" address 00:00:5e:00:01:39 addrgenmode random
ip -n "$D2" link set "$MV6" address 00:00:5e:00:02:39 addrgenmode random
ip -n "$D2" addr add "$VIP/24" dev "$MV4"
ip -n "$D2" addr add "$VIP6/64" dev "$MV6" nodad
ip -n "$D2" link set "$MV4" up
ip -n "$D2" link set "$MV6" up

F="$T/d2/frr"
mkdir -p "$F"
chmod 755 "$T" "$T/d2"
chown frr:frr "$F"
echo "hostname d2" >"$F/zebra.conf"
: >"$F/vrrpd.all"

frr_run() {	# frr_run NAME: start FRR daemon NAME in d2; sets FPID
	ip netns exec "$D2" "$FRRLIB/$1" -u frr -g frr -f "$F/$1.conf" \
		-i "$F/$1.pid" --vty_socket "$F" -z "$F/zserv.api" -P 0 \
		--log "file:$F/$1.log" --log-level debug >"$F/$1.out" 2>&1 &
	FPID=$!
}
frr_run zebra
ZPID=$FPID
wait_until 50 test -S "$F/zserv.api" || skip_all "FRR's zebra does not start here: $(cat "$F/zebra.out")"

CASES="v3-ipv4 v3-ipv6 v2-ipv4"
echo "1..$((3 * 8 + 2))"

conf() {	# conf CASE TANDEM_PRIO: tandem's config and vrrpd's
	_v=${1%%-*}; _v=${_v#v}; _k=${1#*-}
	if [ "$_v" = 3 ]; then _ai=0.2; _ms=200; else _ai=1; _ms=1000; fi
	{
		echo "global_defs {"
		echo "    router_id vrrp_interop_frr_test"
		echo "    vrrp_garp_master_delay 1"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 57"
		echo "    priority $2"
		echo "    version $_v"
		echo "    advert_int $_ai"
		echo "    virtual_ipaddress {"
		if [ "$_k" = ipv6 ]; then echo "        $VIP6/64 -nodad"; else echo "        $VIP/24"; fi
		echo "    }"
		echo "}"
	} >"$CONF"
	{
		echo "hostname d2"
		echo "debug vrrp packets"
		echo "debug vrrp protocol"
		echo "interface eth0"
		echo " vrrp 57 version $_v"
		echo " vrrp 57 priority 100"
		echo " vrrp 57 advertisement-interval $_ms"
		if [ "$_k" = ipv6 ]; then echo " vrrp 57 ipv6 $VIP6"; else echo " vrrp 57 ip $VIP"; fi
	} >"$F/vrrpd.conf"
}

tandem_holds() {
	if [ "$KIND" = ipv6 ]; then
		ip -n "$D1" -6 addr show dev eth0 | grep -q "inet6 $VIP6/"
	else
		ip -n "$D1" -4 addr show dev eth0 | grep -q "inet $VIP/"
	fi
}
# vrrpd holds the VIP when its macvlan is out of protodown and up.
frr_holds() {
	_mv=$MV4; [ "$KIND" = ipv6 ] && _mv=$MV6
	ip -n "$D2" -d link show "$_mv" | grep -q 'protodown on' && return 1
	ip -n "$D2" link show "$_mv" | grep -q 'state UP'
}
# frr_show: "STATUS RX" of this case's family from vrrpd's show vrrp.
frr_show() {
	_fam=v4; [ "$KIND" = ipv6 ] && _fam=v6
	ip netns exec "$D2" vtysh --vty_socket "$F" -c "show vrrp 57" 2>/dev/null | \
		awk -v f="($_fam)" '$1 == "Status" && $2 == f { s = $3 }
			$1 == "Advertisements" && $2 == "Rx" && $3 == f { r = $4 }
			END { print s, r }'
}
frr_masters() { grep -c "\[$1\] Backup -> Master" "$F/vrrpd.log" 2>/dev/null || true; }
new_logs() {
	[ ! -f "$T/d1/log" ] || cat "$T/d1/log" >>"$T/d1/old.log"
	: >"$T/d1/log"
}
# vrrpd's log is set aside once that vrrpd has exited (it keeps its file open).
frr_new_log() {
	[ ! -f "$F/vrrpd.log" ] || cat "$F/vrrpd.log" >>"$F/vrrpd.all"
	rm -f "$F/vrrpd.log"
}
# No tentative link-local address left: v6 adverts need one on each side.
lladdr_ready() {
	! ip -n "$D1" -6 addr show dev eth0 | grep -q tentative && \
	! ip -n "$D2" -6 addr show dev "$MV6" | grep -q tentative && \
	ip -n "$D2" -6 addr show dev "$MV6" | grep -q 'inet6 fe80'
}

for c in $CASES; do
	KIND=${c#*-}
	fam=IPv4; [ "$KIND" = ipv6 ] && fam=IPv6 && wait_until 50 lladdr_ready
	if [ "${c%%-*}" = v2 ]; then steady=4.2; limit=3000; else steady=1.2; limit=1500; fi
	new_logs

	conf "$c" 150
	start d1
	wait_until 50 tandem_holds
	frr_run vrrpd
	VRPID=$FPID
	wait_until 50 sh -c "grep -q '\[$fam\] Initialize -> Backup' '$F/vrrpd.log' 2>/dev/null"
	sleep "$steady"
	s=$(frr_show)
	check "$c: tandem MASTER with the VIP, vrrpd Backup hearing it ($s)" \
		sh -c "echo '$s' | grep -q '^Backup [1-9]' && [ '$(frr_masters $fam)' = 0 ] && $(tandem_holds && ! frr_holds && echo true || echo false)"
	t0=$(ms)
	kill -TERM "$PID1"
	wait_until 30 frr_holds
	t1=$(ms)
	got=false; frr_holds && got=true
	check "$c: TERM tandem, vrrpd takes the VIP ($((t1 - t0)) ms) on its priority-0 advert" \
		sh -c "$got && [ $((t1 - t0)) -le $limit ] && grep -q 'Received VRRP Advertisement from .* priority 0,' '$F/vrrpd.log'"
	wait_exit "$PID1" 80
	PID1=""
	check "$c: tandem exited 0 and released the VIP" \
		sh -c "[ '$RC' = 0 ] && $(tandem_holds && echo false || echo true)"

	new_logs
	conf "$c" 50
	start d1
	wait_until 50 grep -q "Entering BACKUP STATE" "$T/d1/log"
	sleep "$steady"
	check "$c: vrrpd Master with the VIP, tandem BACKUP without it" \
		sh -c "[ '$(entered d1 MASTER)' = 0 ] && $(frr_holds && ! tandem_holds && echo true || echo false)"
	s=$(json_rx d1)
	check "$c: tandem received vrrpd's adverts, none in error ($s)" \
		sh -c "echo '$s' | grep -q '^BACKUP [1-9][0-9]* 0$'"
	t0=$(ms)
	kill -TERM "$VRPID"
	wait_until 30 tandem_holds
	t1=$(ms)
	got=false; tandem_holds && got=true
	s=$(json_state d1 pri_zero_rcvd)
	check "$c: TERM vrrpd, tandem takes the VIP ($((t1 - t0)) ms) on its priority-0 advert ($s)" \
		sh -c "$got && [ $((t1 - t0)) -le $limit ] && echo '$s' | grep -q '^MASTER [1-9]'"
	frr_stop "$VRPID" vrrpd
	VRPID=""
	check "$c: vrrpd exited 0 ($RC)" [ "$RC" = 0 ]
	# vrrpd's words for a received packet its checks refuse (debug packets on).
	k=$(grep -E 'Datagram invalid|Datagram has [0-9]|Bad VRRP checksum|undersized|oversized|incorrect # addresses|does not match # received|not large enough' \
		"$F/vrrpd.log" || true)
	n=$(grep -c 'Received VRRP Advertisement from' "$F/vrrpd.log" || true)
	[ -z "$k" ] || diag "vrrpd: $k"
	check "$c: vrrpd parsed $n of tandem's adverts and refused none" \
		sh -c "[ '$n' -ge 3 ] && [ -z '$(echo "$k" | tr -d "'")' ]"
	frr_new_log
	stop d1
done

frr_stop "$ZPID" zebra
ZPID=""
check "FRR left /run/frr as it was" [ "$(ls -A /run/frr 2>/dev/null)" = "$FRR_RUN_BEFORE" ]
new_logs
check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/old.log | grep -E -q 'Sanitizer|runtime error:'"
