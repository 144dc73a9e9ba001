#!/bin/sh
# Trackers move the VIP: two directors on a bridge (d1 priority 150, d2
# 100, VRRPv3 at advert_int 0.2, VIP 192.0.2.100), each with an
# interface trk0 (one end of a veth pair) and a track file of its own.
#   - track_interface trk0 weight -60: d1's trk0 down makes its effective
#     priority 90, d2 takes the VIP; trk0 up gives 150 again and d1
#     takes it back.  The JSON dump shows the tracker and its effect.
#   - track_interface trk0 (no weight): trk0 down puts d1 in FAULT, the
#     VIP moves to d2; trk0 up brings it back.
#   - weight 60 reverse (and base 150): trk0 up lowers d1 to 90, down
#     gives 150 back.
#   - track_file (weight 1, init_file): after an unchanged reload (the
#     trackers carry on), a value of -60 written to d1's file moves the
#     VIP to d2, a 0 put in place by rename brings it back;
#     with weight 0 a non-zero value is a FAULT.
#   - vrrp_track_process (weight -60, through the process connector): a
#     copy of sleep named tp<PID> killed on d1 (after an unchanged
#     reload) moves the VIP to d2, a new
#     one brings it back (d2 tracks its own copy, tq<PID>, that runs).
#
# Root only.  Namespaces vrrpt-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrpt
for _n in "$D1" "$D2"; do
	# a veth pair (no dummy module needed): trk0 is usable while both
	# ends are up
	ip -n "$_n" link add trk0 type veth peer name trk0p 2>/dev/null ||
		skip_all "cannot create a veth pair"
	ip -n "$_n" link set trk0p up
	ip -n "$_n" link set trk0 up
done

echo "1..29"

# The tracked processes: copies of sleep, started and killed by PID.
TPP=""; TQP=""
trap 'for _k in $TPP $TQP; do kill "$_k" 2>/dev/null; done; vrrp_lab_cleanup' EXIT
cp "$(command -v sleep)" "$T/tp$$"
cp "$(command -v sleep)" "$T/tq$$"

# conf TRACK_LINES... : the instance, its track lines inside its block.
conf() {
	{
		echo "global_defs {"
		echo "    router_id vrrp_track_test"
		echo "    vrrp_garp_master_delay 1"
		echo "}"
		echo "track_file TF {"
		echo "    @d1 file $T/d1/trk"
		echo "    @d2 file $T/d2/trk"
		echo "    init_file 0 overwrite"
		echo "}"
		echo "vrrp_track_process TP {"
		echo "    @d1 process tp$$"
		echo "    @d2 process tq$$"
		echo "    weight -60"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    virtual_router_id 51"
		echo "    @d1 priority 150"
		echo "    @d2 priority 100"
		echo "    version 3"
		echo "    advert_int 0.2"
		for _l in "$@"; do echo "    $_l"; done
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

# tracker ID FIELD: FIELD of the first tracker in director ID's JSON dump,
# with the effective priority: "PRIORITY VALUE"
tracker() {
	_p=$(lab_pid "$1")
	rm -f "$T/$1/tandem.json"
	kill -s "$("$TANDEM" --signum JSON)" "$_p" 2>/dev/null
	wait_until 30 test -s "$T/$1/tandem.json"
	python3 -c "import json; d=json.load(open('$T/$1/tandem.json'))['vrrp'][0]['data']; print(d['effective_priority'], d['trackers'][0]['$2'])" 2>/dev/null
}

trk() { ip -n "$D1" link set trk0 "$1"; }

# --- weighted interface -----------------------------------------------
conf "track_interface {" "    trk0 weight -60" "}"
check "weight -60: d1 becomes master with trk0 up" pair
s=$(tracker d1 delta)
check "JSON: trk0 up, no effect, priority 150 ($s)" test "$s" = "150 0"
trk down
wait_until 50 only "$D2"
check "trk0 down on d1: the VIP moves to d2" only "$D2"
check "d1 logs its effective priority 90" grep -q "effective priority 90" "$T/d1/log"
s=$(tracker d1 delta)
check "JSON: trk0 down, delta -60, priority 90 ($s)" test "$s" = "90 -60"
check "d1 is BACKUP, not FAULT" sh -c "! grep -q 'Entering FAULT' '$T/d1/log'"
trk up
wait_until 50 only "$D1"
check "trk0 up on d1: the VIP comes back to d1" only "$D1"
rm -f "$T/d1/tandem.data"
kill -USR1 "$PID1"
wait_until 30 test -s "$T/d1/tandem.data"
check "data dump shows the tracker and its effect" \
	grep -q "interface trk0: up, weight -60, effect +0" "$T/d1/tandem.data"
both_stop

# --- unweighted interface: FAULT --------------------------------------
conf "track_interface {" "    trk0" "}"
check "no weight: d1 becomes master" pair
trk down
wait_until 50 only "$D2"
check "trk0 down on d1: d1 in FAULT" grep -q "Entering FAULT STATE" "$T/d1/log"
check "the VIP moves to d2" only "$D2"
s=$(tracker d1 fault)
check "JSON: the tracker says FAULT ($s)" test "$s" = "150 True"
trk up
wait_until 50 only "$D1"
check "trk0 up: the VIP comes back to d1" only "$D1"
both_stop

# --- reverse ----------------------------------------------------------
conf "track_interface {" "    trk0 weight 60 reverse" "}"
trk down
ip -n "$D2" link set trk0 down	# d2 stays at 100
check "reverse: d1 (trk0 down) becomes master" pair
trk up
wait_until 50 only "$D2"
check "reverse: trk0 up lowers d1 to 90, the VIP moves to d2" only "$D2"
trk down
wait_until 50 only "$D1"
check "reverse: trk0 down again, d1 takes it back" only "$D1"
both_stop
trk up
ip -n "$D2" link set trk0 up

# --- track_file -------------------------------------------------------
conf "track_file {" "    TF" "}"
check "track_file: d1 becomes master (init_file wrote 0)" pair
check "init_file created the file" grep -qx 0 "$T/d1/trk"
kill -HUP "$PID1"
wait_until 50 grep -q "reload: 1 VRRP instance kept" "$T/d1/log"
check "an unchanged reload keeps the instance (and its trackers)" \
	grep -q "reload: 1 VRRP instance kept" "$T/d1/log"
echo -60 >"$T/d1/trk"
wait_until 50 only "$D2"
check "value -60 in d1's file: the VIP moves to d2" only "$D2"
echo 0 >"$T/d1/trk.new"
mv "$T/d1/trk.new" "$T/d1/trk"
wait_until 50 only "$D1"
check "0 renamed into place: the VIP comes back to d1" only "$D1"
# a changed track_file block restarts the instances that may use it
sed -i 's/init_file 0 overwrite/init_file 0 overwrite\n    weight 2/' "$CONF"
kill -HUP "$PID1"
wait_until 50 grep -q "reload: 0 VRRP instances kept" "$T/d1/log"
wait_until 80 only "$D1"
check "a changed track_file block: the instance restarts and is master again" \
	sh -c "grep -q 'reload: 0 VRRP instances kept' '$T/d1/log' && ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
both_stop

conf "track_file {" "    TF weight 0" "}"
check "track_file weight 0: d1 becomes master" pair
echo 1 >"$T/d1/trk"
wait_until 50 only "$D2"
check "weight 0, value 1: d1 in FAULT and the VIP on d2" \
	sh -c "grep -q 'Entering FAULT STATE' '$T/d1/log' && ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
both_stop

# --- track_process --------------------------------------------------------
"$T/tp$$" 600 & TPP=$!
"$T/tq$$" 600 & TQP=$!
conf "track_process {" "    TP" "}"
check "track_process: d1 becomes master while tp$$ runs" pair
s=$(tracker d1 running)
check "JSON: one tp$$ running ($s)" test "$s" = "150 1"
kill -HUP "$PID1"
wait_until 50 grep -q "reload: 1 VRRP instance kept" "$T/d1/log"
kill "$TPP"; wait "$TPP" 2>/dev/null; TPP=""
wait_until 50 only "$D2"
check "tp$$ killed: d1 drops to 90, the VIP moves to d2" only "$D2"
"$T/tp$$" 600 & TPP=$!
wait_until 50 only "$D1"
check "tp$$ started again: the VIP comes back to d1" only "$D1"
both_stop
kill "$TPP" "$TQP" 2>/dev/null; TPP=""; TQP=""

check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/*log* '$T'/d2/*log* | grep -E -q 'Sanitizer|runtime error:'"
exit 0
