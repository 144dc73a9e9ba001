#!/bin/sh
# vrrp_script and track_script move the VIP: two directors on a bridge
# (d1 priority 150, d2 100, VRRPv3 at advert_int 0.2, VIP 192.0.2.100);
# d1 tracks a script that fails while the file $T/d1/fail exists.
#   - weight -60 (fall 2, rise 2): the failure makes d1's priority 90, d2
#     takes the VIP; the JSON and data dumps show the script and its
#     effect; its recovery gives 150 back and d1 takes the VIP again.
#   - weight 0 (after an unchanged reload): the failure puts d1 in FAULT,
#     the VIP moves to d2; the recovery brings it back.
#   - the sync group of two instances tracks the script: its failure
#     moves both VIPs to d2, its recovery brings both back.
#   - a script that hangs (timeout 0.5): killed at its timeout (its pid
#     gone), it counts as failed and puts d1 in FAULT; the loop goes on
#     (d1 still answers a JSON dump while the script hangs).
#   - enable_script_security: a script writable by every user is refused,
#     the log names its path and its owner, and d1 stays in FAULT.
#
# Root only.  Namespaces vrrps-{br,d1,d2}-PID and the temporary folder
# are removed by the EXIT trap (vrrp-lab.sh), which also stops the tandems
# this test started, by PID.  Every wait is bounded.  Addresses are from
# 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrps
# the script user (root here) reaches the scripts; root owns the way
# (/tmp is world-writable but sticky: accepted)
chmod 755 "$T" "$T/d1" "$T/d2"

echo "1..25"

script() { # PATH BODY...: an executable script
	_f="$1"; shift
	printf '#!/bin/sh\n' >"$_f"
	printf '%s\n' "$@" >>"$_f"
	chmod 755 "$_f"
}
script "$T/chk.sh" 'test ! -e "'"$T"'/$1/fail"'
script "$T/hang.sh" 'echo $$ >"'"$T"'/hang.pid"' 'exec sleep 60'
script "$T/unsafe.sh" 'exit 0'
chmod 777 "$T/unsafe.sh"

# conf SCRIPT_LINES... : vrrp_script chk with these lines; d1 tracks it.
conf() {
	{
		echo "global_defs {"
		echo "    router_id vrrp_script_test"
		echo "    vrrp_garp_master_delay 1"
		echo "    script_user root"
		echo "    enable_script_security"
		echo "}"
		echo "vrrp_script chk {"
		for _l in "$@"; do echo "    $_l"; done
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 51"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.2"
		echo "    @d1 track_script {"
		echo "    @d1     chk"
		echo "    @d1 }"
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "    }"
		echo "}"
	} >"$CONF"
}

new_logs() {
	for _d in d1 d2; do
		cat "$T/$_d/log" >>"$T/$_d/old.log"; : >"$T/$_d/log"
	done
}

pair() {	# start both, d1 first; true once d1 alone holds the VIP
	start d1
	wait_until 50 has_vip "$D1"
	start d2
	wait_until 50 grep -q "Entering BACKUP STATE" "$T/d2/log"
	sleep 0.5
	only "$D1"
}

both_stop() { stop d1; stop d2; new_logs; }

# tracker FIELD: "PRIORITY VALUE" of d1's first tracker in its JSON dump
tracker() {
	rm -f "$T/d1/tandem.json"
	kill -s "$("$TANDEM" --signum JSON)" "$PID1" 2>/dev/null
	wait_until 30 test -s "$T/d1/tandem.json"
	python3 -c "import json; d=json.load(open('$T/d1/tandem.json'))['vrrp'][0]['data']; print(d['effective_priority'], d['trackers'][0]['$1'])" 2>/dev/null
}

fail() { touch "$T/d1/fail"; }
recover() { rm -f "$T/d1/fail"; }

# --- weight -60 --------------------------------------------------------
conf "script \"$T/chk.sh d1\"" "interval 0.2" "weight -60" "fall 2" "rise 2"
check "weight -60: d1 becomes master while the script succeeds" pair
s=$(tracker delta)
check "JSON: the script is good, no effect, priority 150 ($s)" test "$s" = "150 0"
fail
wait_until 50 only "$D2"
check "the script fails on d1: the VIP moves to d2" only "$D2"
check "d1 logs the failure" grep -q "VRRP_Script(chk) failed" "$T/d1/log"
s=$(tracker delta)
check "JSON: delta -60, priority 90 ($s)" test "$s" = "90 -60"
rm -f "$T/d1/tandem.data"
kill -USR1 "$PID1"
wait_until 30 test -s "$T/d1/tandem.data"
check "data dump shows the script and its effect" \
	grep -q "script chk: bad, .*weight -60, effect -60" "$T/d1/tandem.data"
check "d1 is BACKUP, not FAULT" sh -c "! grep -q 'Entering FAULT' '$T/d1/log'"
recover
wait_until 50 only "$D1"
check "the script succeeds again: the VIP comes back to d1" only "$D1"
both_stop

# --- weight 0: FAULT ---------------------------------------------------
conf "script \"$T/chk.sh d1\"" "interval 0.2"
check "weight 0: d1 becomes master" pair
kill -HUP "$PID1"
wait_until 50 grep -q "reload: 1 VRRP instance kept" "$T/d1/log"
check "an unchanged reload keeps the instance (and its script)" \
	grep -q "reload: 1 VRRP instance kept" "$T/d1/log"
fail
wait_until 50 only "$D2"
check "the script fails: d1 in FAULT" grep -q "Entering FAULT STATE" "$T/d1/log"
check "the VIP moves to d2" only "$D2"
s=$(tracker fault)
check "JSON: the tracker says FAULT ($s)" test "$s" = "150 True"
recover
wait_until 50 only "$D1"
check "the script recovers: the VIP comes back to d1" only "$D1"
both_stop

# --- in a sync group: both members go to FAULT ------------------------
VIP2=192.0.2.101
{
	echo "global_defs {"
	echo "    router_id vrrp_script_test"
	echo "    script_user root"
	echo "}"
	echo "vrrp_script chk {"
	echo "    script \"$T/chk.sh d1\""
	echo "    interval 0.2"
	echo "}"
	for _i in 1 2; do
		echo "vrrp_instance VI_$_i {"
		echo "    interface eth0"
		echo "    virtual_router_id 5$_i"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.2"
		echo "    virtual_ipaddress {"
		[ "$_i" = 1 ] && echo "        $VIP/24" || echo "        $VIP2/24"
		echo "    }"
		echo "}"
	done
	echo "vrrp_sync_group G {"
	echo "    group {"
	echo "        VI_1"
	echo "        VI_2"
	echo "    }"
	echo "    @d1 track_script {"
	echo "    @d1     chk"
	echo "    @d1 }"
	echo "}"
} >"$CONF"
has2() { ip -n "$1" -4 addr show dev eth0 2>/dev/null | grep -q "inet $VIP2/"; }
pair
wait_until 50 has2 "$D1"
both_on() { has2 "$1" && only "$1"; }
check "sync group: d1 holds both VIPs" both_on "$D1"
fail
wait_until 50 has2 "$D2"
wait_until 50 only "$D2"
check "the group's script fails: both VIPs move to d2" both_on "$D2"
recover
wait_until 50 has2 "$D1"
wait_until 50 only "$D1"
check "it recovers: both come back to d1" both_on "$D1"
both_stop

# --- a script that hangs -----------------------------------------------
rm -f "$T/hang.pid"
conf "script $T/hang.sh" "interval 1" "timeout 0.5"
start d1
start d2
wait_until 30 test -s "$T/hang.pid"
HP=$(cat "$T/hang.pid" 2>/dev/null)
s=$(tracker up)
check "the loop runs while the script hangs (JSON dump: $s)" test -n "$s"
wait_until 50 grep -q "VRRP_Script(chk) timed out" "$T/d1/log"
check "the hanging script is killed at its timeout" \
	grep -q "VRRP_Script(chk) timed out and was killed" "$T/d1/log"
wait_until 30 test ! -e "/proc/$HP"
check "its process ($HP) is gone" test -n "$HP" -a ! -e "/proc/$HP"
wait_until 50 only "$D2"
check "a timeout is a failure: d1 in FAULT, the VIP on d2" sh -c \
	"grep -q 'Entering FAULT STATE' '$T/d1/log' && ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
both_stop

# --- enable_script_security --------------------------------------------
conf "script $T/unsafe.sh" "interval 0.2"
start d1
start d2
wait_until 50 grep -q "VRRP_Script(chk) refused" "$T/d1/log"
check "the unsafe script is refused, its path and owner named" \
	grep -q "VRRP_Script(chk) refused.*$T/unsafe.sh (owner root" "$T/d1/log"
wait_until 50 only "$D2"
check "d1 stays in FAULT, d2 holds the VIP" sh -c \
	"grep -q 'Entering FAULT STATE' '$T/d1/log' && ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
check "it is not run again" test "$(grep -c 'VRRP_Script(chk) refused' "$T/d1/log")" = 1
both_stop

check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/*log* '$T'/d2/*log* | grep -E -q 'Sanitizer|runtime error:'"
exit 0
