#!/bin/sh
# Planned maintenance through tandemctl: demote and promote of a VRRP
# instance on a pair of directors (d1 priority 150, d2 100, VRRPv3 at
# advert_int 1, preempt), VIP 192.0.2.100.
#
#   demote VI_1 on the master d1: it sends priority 0 and d2 takes the
#     VIP after its Skew_Time (0.61 s), far sooner than the 3.6 s
#     Master_Down_Interval a silent master would cost;
#   d1 then stays BACKUP, longer than a Master_Down_Interval, though it
#     has the higher priority and preempts; its JSON says "demoted";
#   the hold survives tandemctl reload (same file: the instance is kept;
#     a changed instance block: it is restarted, demoted again), and a
#     kill -9 of d1's vrrp child (the parent replays it);
#   promote VI_1: d1 preempts back within a Master_Down_Interval;
#   an unknown instance is refused and changes nothing;
#   a sync group: demoting one member demotes both, promote brings both
#     back; a reload that adds an instance to a demoted member's group
#     demotes it too.
#
# Root only.  Namespaces ctladm-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vrrp-lab.sh"
. "$(dirname "$0")/ctl-lib.sh"

vrrp_lab ctladm
need_ctl
echo "1..28"

VIP2=192.0.2.101
# conf [D1-PRIORITY [SYNC]]: SYNC=yes: VI_1 and VI_2 in a sync group;
# two: both instances, no group.
conf() {
	{
		echo "global_defs {"
		echo "    @d1 control_socket $T/d1/ctl.sock"
		echo "    @d2 control_socket $T/d2/ctl.sock"
		echo "    vrrp_garp_master_delay 1"
		echo "}"
		if [ "${2:-}" = yes ]; then
			echo "vrrp_sync_group G1 {"
			echo "    group {"
			echo "        VI_1"
			echo "        VI_2"
			echo "    }"
			echo "}"
		fi
		for _i in 1 2; do
			[ $_i = 2 ] && [ "${2:-}" != yes ] && [ "${2:-}" != two ] && break
			echo "vrrp_instance VI_$_i {"
			echo "    interface eth0"
			echo "    virtual_router_id $((60 + _i))"
			echo "    @d1 priority ${1:-150}"
			echo "    @d2 priority 100"
			echo "    version 3"
			echo "    advert_int 1"
			echo "    virtual_ipaddress {"
			[ $_i = 1 ] && echo "        $VIP/24"
			[ $_i = 2 ] && echo "        $VIP2/24"
			echo "    }"
			echo "}"
		done
	} >"$CONF"
}
c1() { ctl -d "$T/d1" "$@"; }
admin() { ctl_json -d "$T/$1" show vrrp | ctl_find iname "$2" iname "$2" admin; }
state() { ctl_json -d "$T/$1" show vrrp | ctl_find iname "$2" iname "$2" state; }
has_vip2() { ip -n "$1" -4 addr show dev eth0 2>/dev/null | grep -q "inet $VIP2/"; }
# d1 stays BACKUP and without the VIP for SECONDS (polled every 0.2 s).
stays_out() {
	_so=$(($1 * 5))
	while [ "$_so" -gt 0 ]; do
		only "$D2" || return 1
		sleep 0.2
		_so=$((_so - 1))
	done
}

conf 150
start d2
wait_until 60 has_vip "$D2"
start d1
wait_until 80 only "$D1"
check "d1 (150) is master, the VIP on d1 only" only "$D1"
check "d1's control socket answers" wait_until 50 eval 'c1 status >/dev/null 2>&1'

# ---- demote
t0=$(ms)
c1 demote VI_1 >"$T/out" 2>&1; rc=$?
check "demote VI_1 succeeds ($rc)" [ "$rc" = 0 ]
wait_until 40 only "$D2"
dt=$(($(ms) - t0))
check "d2 holds the VIP alone within Skew_Time plus margin ($dt ms < 2000)" \
	eval 'only "$D2" && [ "$dt" -lt 2000 ]'
check "d1 sent priority 0 (its log)" grep -q "demoted by the operator: handing over" "$T/d1/log"
check "d1's JSON says demoted, BACKUP" \
	eval '[ "$(admin d1 VI_1)" = demoted ] && [ "$(state d1 VI_1)" = BACKUP ]'
check "d1 stays out of mastership for 5 s (more than Master_Down_Interval)" stays_out 5
c1 status >"$T/st.txt" 2>&1
check "status: an ADMIN column, demoted on VI_1's line" \
	eval 'grep -q "^ *NAME .* ADMIN " "$T/st.txt" && grep -Eq "^ +VI_1 +BACKUP +demoted " "$T/st.txt"'
c1 show vrrp VI_1 >"$T/sv.txt" 2>&1
check "show vrrp: the hold is printed" grep -q "held demoted by the operator" "$T/sv.txt"

# ---- held across reloads and a crash of the vrrp child
c1 reload >"$T/out" 2>&1; rc=$?
check "tandemctl reload (same file) succeeds ($rc)" [ "$rc" = 0 ]
check "and d1 stays demoted, out of mastership" \
	eval '[ "$(admin d1 VI_1)" = demoted ] && stays_out 4'
conf 160
c1 reload >"$T/out" 2>&1
check "a reload that restarts the instance (priority 160) keeps the demote" \
	wait_until 30 eval '[ "$(admin d1 VI_1)" = demoted ]'
check "and d1 stays out" stays_out 5
v1=$(readpid "$T/d1/vrrp.pid")
kill -KILL "$v1"
wait_until 50 newpid "$T/d1/vrrp.pid" "$v1"
check "d1's vrrp child, killed -9, is restarted" newpid "$T/d1/vrrp.pid" "$v1"
check "the parent replays the demote" \
	wait_until 50 grep -q "vrrp child restarted: replaying 1 operator hold" "$T/d1/log"
check "the new child holds it" wait_until 30 eval '[ "$(admin d1 VI_1)" = demoted ]'
check "and d1 stays out" stays_out 5

# ---- errors change nothing
c1 demote VI_9 >"$T/out" 2>&1; rc=$?
check "an unknown instance is refused ($rc)" [ "$rc" != 0 ]
check "the error names it" grep -q "no such VRRP instance" "$T/out"
c1 promote VI_9 >"$T/out" 2>&1
check "and nothing changed" \
	eval '[ "$(admin d1 VI_1)" = demoted ] && only "$D2"'

# ---- promote
t0=$(ms)
c1 promote VI_1 >"$T/out" 2>&1; rc=$?
wait_until 80 only "$D1"
dt=$(($(ms) - t0))
check "promote ($rc): d1 preempts back within Master_Down_Interval plus margin ($dt ms)" \
	eval '[ "$rc" = 0 ] && [ "$dt" -lt 6000 ] && only "$D1"'
check "d1's JSON: admin null, MASTER" \
	eval '[ "$(admin d1 VI_1)" = None ] && [ "$(state d1 VI_1)" = MASTER ]'
c1 status >"$T/st.txt" 2>&1
check "status after promote: '-' in the ADMIN column" \
	grep -Eq "^ +VI_1 +MASTER +- " "$T/st.txt"
stop d1
stop d2

# ---- a sync group moves as one
conf 150 yes
start d2
wait_until 60 eval 'has_vip "$D2" && has_vip2 "$D2"'
start d1
wait_until 80 eval 'only "$D1" && has_vip2 "$D1"'
c1 demote VI_2 >"$T/out" 2>&1
wait_until 40 eval 'only "$D2" && has_vip2 "$D2" && ! has_vip2 "$D1"'
check "demoting one member of a sync group hands over both" \
	eval 'only "$D2" && has_vip2 "$D2" && ! has_vip2 "$D1" && [ "$(admin d1 VI_1)" = demoted ] && [ "$(admin d1 VI_2)" = demoted ]'
c1 promote VI_1 >"$T/out" 2>&1
wait_until 80 eval 'only "$D1" && has_vip2 "$D1"'
check "promoting one brings both back" \
	eval 'only "$D1" && has_vip2 "$D1" && [ "$(admin d1 VI_2)" = None ]'
# Out of the group, a demote moves one instance; a reload that puts the
# other in its group demotes that one too.
conf 150 two
c1 reload >"$T/out" 2>&1
ctl -d "$T/d2" reload >"$T/out2" 2>&1
wait_until 80 eval 'only "$D1" && has_vip2 "$D1"'
c1 demote VI_1 >"$T/out" 2>&1
wait_until 40 only "$D2"
sleep 1
check "without a sync group, demote moves that instance only" \
	eval 'only "$D2" && has_vip2 "$D1" && [ "$(admin d1 VI_2)" = None ]'
conf 150 yes
ctl -d "$T/d2" reload >"$T/out2" 2>&1
c1 reload >"$T/out" 2>&1
check "a reload that puts VI_2 in VI_1's sync group demotes it too" \
	wait_until 80 eval 'has_vip2 "$D2" && ! has_vip2 "$D1" && [ "$(admin d1 VI_2)" = demoted ]'
stop d1
stop d2
check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/*log '$T'/d2/*log | grep -E -q 'Sanitizer|runtime error:'"
