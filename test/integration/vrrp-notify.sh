#!/bin/sh
# notify_* scripts and the notify FIFOs: two directors (d1 priority 100,
# d2 150) on two bridged networks, instances VI_1 (eth0) and VI_2 (eth1)
# in vrrp_sync_group G, VRRPv3 at advert_int 0.2.  d1 goes
#   master (alone) -> backup (d2 starts) -> fault (its eth1 down)
#   -> master (d2 stopped, eth1 up) -> stop (TERM)
# and its notify scripts (per state, and `notify` with TYPE NAME STATE
# PRIORITY) and vrrp_notify_fifo (read by this test) and notify_fifo (read
# by notify_fifo_script) must see these states in this order, for both
# instances and for the group.  Then: a slow notify_backup (sleep) does
# not delay d1's takeover when d2 stops; under enable_script_security a
# notify script in a world-writable folder is refused with its path in
# the log (and counted in the JSON dump); a reload that removes an
# instance runs its notify_deleted and leaves the kept one alone; with
# notify_priority_changes a tracker's weight reaches the FIFO as
# MASTER_PRIORITY with the new priority, and no script runs for it
# (keepalived.conf(5): "Send FIFO notifies for vrrp priority changes").
#
# Root only.  Namespaces vrrpn-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses from RFC 5737.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

READER=""
notify_cleanup() {
	[ -n "$READER" ] && kill "$READER" 2>/dev/null
	vrrp_lab_cleanup
}
vrrp_lab vrrpn
trap notify_cleanup EXIT
VIP2=198.51.100.100
ip -n "$BR" link add br1 type bridge mcast_snooping 0
ip -n "$BR" link set br1 up
for _d in d1 d2; do
	_ns=$(lab_ns $_d)
	ip -n "$BR" link add "q-$_d" type veth peer name eth1 netns "$_ns"
	ip -n "$BR" link set "q-$_d" master br1 up
	ip -n "$_ns" addr add "198.51.100.$(echo $_d | cut -c2)/24" dev eth1
	ip -n "$_ns" link set eth1 up
done

echo "1..22"

# A notify script: its arguments, one line each call, to $T/notify.log.
cat >"$T/n.sh" <<EOS
#!/bin/sh
echo "\$*" >>"$T/notify.log"
EOS
cat >"$T/slow.sh" <<EOS
#!/bin/sh
echo "slow \$*" >>"$T/notify.log"
sleep 6
EOS
# notify_fifo_script: gets the FIFO's path, copies what it reads.
cat >"$T/reader.sh" <<EOS
#!/bin/sh
echo "\$1" >"$T/reader.arg"
exec cat "\$1" >>"$T/fifo2.log"
EOS
chmod 755 "$T/n.sh" "$T/slow.sh" "$T/reader.sh"

# conf [GLOBAL_LINE] [INSTANCE_LINE...]: VI_1, VI_2 in G; notify lines on
# d1 only.
conf() {
	_g=$1; shift
	{
		echo "global_defs {"
		echo "    router_id vrrp_notify_test"
		echo "    vrrp_garp_master_delay 1"
		echo "    script_user root"
		echo "    @d1 vrrp_notify_fifo $T/fifo"
		echo "    @d1 notify_fifo $T/fifo2"
		echo "    @d1 notify_fifo_script $T/reader.sh"
		[ -n "$_g" ] && echo "    $_g"
		echo "}"
		echo "vrrp_sync_group G {"
		echo "    group {"
		echo "        VI_1"
		echo "        VI_2"
		echo "    }"
		echo "    @d1 notify_master \"$T/n.sh group-master\""
		echo "    @d1 notify_backup \"$T/n.sh group-backup\""
		echo "    @d1 notify_fault \"$T/n.sh group-fault\""
		echo "    @d1 notify_stop \"$T/n.sh group-stop\""
		echo "}"
		for _i in 1 2; do
			echo "vrrp_instance VI_$_i {"
			echo "    interface eth$((_i - 1))"
			echo "    virtual_router_id 6$_i"
			echo "    @d1 priority 100"
			echo "    @d2 priority 150"
			echo "    version 3"
			echo "    advert_int 0.2"
			for _l in "$@"; do echo "    @d1 $_l" | sed "s/VI_X/VI_$_i/g"; done
			echo "    virtual_ipaddress {"
			[ $_i = 1 ] && echo "        $VIP/24"
			[ $_i = 2 ] && echo "        $VIP2/24 dev eth1"
			echo "    }"
			echo "}"
		done
	} >"$CONF"
}

has2() { ip -n "$1" -4 addr show dev eth1 2>/dev/null | grep -q "inet $VIP2/"; }
all_on() {
	_o=$D2; [ "$1" = "$D2" ] && _o=$D1
	has_vip "$1" && has2 "$1" && ! has_vip "$_o" && ! has2 "$_o"
}
# seq FILE PATTERN: the states (3rd word) of FILE's lines matching
# PATTERN, repeats folded, on one line
seq_of() {
	grep -F -- "$2" "$1" 2>/dev/null | awk '{ print $3 }' |
		awk '$0 != last { printf "%s%s", sep, $0; sep = " "; last = $0 }'
}
# has_order SEQ WANTED...: WANTED is a subsequence of SEQ ending it
has_order() {
	_s=$1; shift
	echo "$_s" | awk -v w="$*" '{
		n = split(w, want, " "); m = split($0, got, " "); j = 1
		for (i = 1; i <= m && j <= n; i++) if (got[i] == want[j]) j++
		exit !(j > n && got[m] == want[n]) }'
}

# --- the state sequence -------------------------------------------------
conf "" "notify_master \"$T/n.sh master VI_X\"" \
	"notify_backup \"$T/n.sh backup VI_X\"" \
	"notify_fault \"$T/n.sh fault VI_X\"" \
	"notify_stop \"$T/n.sh stop VI_X\"" \
	"notify $T/n.sh any"
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.log" &
READER=$!
start d1
wait_until 50 all_on "$D1"
start d2
wait_until 80 all_on "$D2"
ip -n "$D1" link set eth1 down
wait_until 50 grep -q "INSTANCE \"VI_1\" FAULT" "$T/fifo.log"
stop d2
ip -n "$D1" link set eth1 up
wait_until 80 all_on "$D1"
sleep 0.5
stop d1
wait_until 50 sh -c "! kill -0 $READER 2>/dev/null"
READER=""
sleep 0.5

W="MASTER BACKUP FAULT MASTER STOP"
for _n in VI_1 VI_2; do
	s=$(seq_of "$T/fifo.log" "INSTANCE \"$_n\"")
	check "vrrp_notify_fifo: $_n $W ($s)" has_order "$s" $W
done
s=$(seq_of "$T/fifo.log" "GROUP \"G\"")
check "vrrp_notify_fifo: group G $W ($s)" has_order "$s" $W
check "FIFO line format: INSTANCE \"VI_1\" MASTER 100" \
	grep -qx 'INSTANCE "VI_1" MASTER 100' "$T/fifo.log"
check "FIFO line format: GROUP \"G\" MASTER 0" \
	grep -qx 'GROUP "G" MASTER 0' "$T/fifo.log"
# The FIFO script is tandem's child and stops with it: the STOP line it
# was sent just before may or may not have been copied by then.
s=$(seq_of "$T/fifo2.log" "INSTANCE \"VI_1\"")
W2="MASTER BACKUP FAULT MASTER"
check "notify_fifo via notify_fifo_script: VI_1 $W2 ($s)" \
	eval 'has_order "$(echo "$s" | sed "s/ STOP\$//")" $W2'
check "notify_fifo_script got the FIFO's path" \
	grep -qx "$T/fifo2" "$T/reader.arg"
# per-state scripts: "STATE VI_n" lines; turn them into the FIFO's shape
for _n in VI_1 VI_2; do
	s=$(grep " $_n\$" "$T/notify.log" | grep -v '^any' |
		awk '{ print "x x " toupper($1) }' | seq_of /dev/stdin "x x")
	check "notify_<state> scripts: $_n $W ($s)" has_order "$s" $W
done
s=$(grep "^any INSTANCE VI_1 " "$T/notify.log" | awk '{ print $1, $2, $4 }' |
	seq_of /dev/stdin "any")
check "notify script: INSTANCE VI_1 STATE PRIO, $W ($s)" has_order "$s" $W
s=$(grep '^group-' "$T/notify.log" | sed 's/^group-//' |
	awk '{ print "x x " toupper($1) }' | seq_of /dev/stdin "x x")
check "sync group's notify_<state>: $W ($s)" has_order "$s" $W
mv "$T/notify.log" "$T/notify.old"
cat "$T"/d1/log >>"$T/d1/old.log"; : >"$T/d1/log"
cat "$T"/d2/log >>"$T/d2/old.log"; : >"$T/d2/log"

# --- a slow script delays no failover --------------------------------------
conf "" "notify_backup $T/slow.sh" "notify_master \"$T/n.sh master VI_X\""
start d2
wait_until 50 all_on "$D2"
start d1
wait_until 50 grep -q "slow" "$T/notify.log"
sleep 0.3
t0=$(ms)
stop d2
wait_until 50 all_on "$D1"
t1=$(ms)
check "d1 takes over in $((t1 - t0)) ms while its notify_backup sleeps" \
	test $((t1 - t0)) -lt 3000
wait_until 100 grep -q "^master VI_1" "$T/notify.log"
check "notify_master ran after the slow notify_backup" \
	grep -q "^master VI_1" "$T/notify.log"
stop d1

# --- enable_script_security refuses an unsafe script ------------------------
mkdir "$T/open"
chmod 0777 "$T/open"
cp "$T/n.sh" "$T/open/u.sh"
chmod 755 "$T/open/u.sh"
conf "enable_script_security" "notify_master $T/open/u.sh"
start d1
wait_until 50 grep -q "$T/open" "$T/d1/log"
check "an unsafe notify script is refused, its path named" \
	sh -c "grep 'notify script' '$T/d1/log' | grep -q '$T/open'"
rm -f "$T/d1/tandem.json"
kill -s "$("$TANDEM" --signum JSON)" "$PID1" 2>/dev/null
wait_until 30 test -s "$T/d1/tandem.json"
s=$(python3 -c "import json; print(json.load(open('$T/d1/tandem.json'))['vrrp_notify']['scripts_failed'])" 2>/dev/null)
check "JSON: vrrp_notify counts the refused scripts ($s)" test "${s:-0}" -ge 1
stop d1

# --- a reload that removes an instance: notify_deleted ---------------------
rm -f "$T/notify.log"
# one instance with notify_deleted, and a second one that stays
inst() {
	echo "vrrp_instance $1 {"
	echo "    interface eth0"
	echo "    virtual_router_id $2"
	echo "    priority 100"
	echo "    version 3"
	echo "    advert_int 0.2"
	echo "    notify_deleted \"$T/n.sh deleted $1\""
	echo "    notify_stop \"$T/n.sh stop $1\""
	echo "    virtual_ipaddress {"
	echo "        $3/24"
	echo "    }"
	echo "}"
}
{ echo "global_defs {"; echo "    script_user root"; echo "}"
  inst VI_A 71 192.0.2.71; inst VI_B 72 192.0.2.72; } >"$CONF"
start d1
wait_until 50 sh -c "ip -n '$D1' addr show dev eth0 | grep -q 192.0.2.72/"
{ echo "global_defs {"; echo "    script_user root"; echo "}"
  inst VI_A 71 192.0.2.71; } >"$CONF"
kill -HUP "$PID1"
wait_until 50 grep -q "^deleted VI_B" "$T/notify.log"
check "reload without VI_B: its notify_deleted ran" \
	grep -q "^deleted VI_B" "$T/notify.log"
check "the kept VI_A was neither stopped nor deleted" \
	sh -c "! grep -q 'VI_A' '$T/notify.log'"
stop d1
# --- notify_priority_changes ---------------------------------------------
rm -f "$T/notify.log" "$T/fifo2.log"
# a veth pair: the dummy module may be missing, and trk0 would then be
# down from the start, so the priority would never change
ip -n "$D1" link add trk0 type veth peer name trk0p
ip -n "$D1" link set trk0p up
ip -n "$D1" link set trk0 up
{ echo "global_defs {"; echo "    script_user root"
  echo "    vrrp_notify_fifo $T/fifo4"
  echo "    vrrp_notify_fifo_script $T/reader.sh"; echo "}"
  echo "vrrp_instance VI_P {"
  echo "    interface eth0"
  echo "    virtual_router_id 73"
  echo "    priority 100"
  echo "    version 3"
  echo "    advert_int 0.2"
  echo "    track_interface {"
  echo "        trk0 weight -10"
  echo "    }"
  echo "    notify_priority_changes"
  echo "    notify \"$T/n.sh any\""
  echo "    notify_master \"$T/n.sh master VI_P\""
  echo "    virtual_ipaddress {"
  echo "        192.0.2.73/24"
  echo "    }"
  echo "}"; } >"$CONF"
start d1
wait_until 50 grep -q "^any INSTANCE VI_P MASTER 100" "$T/notify.log"
check "VI_P is master at priority 100 before trk0 goes down" \
	grep -q "^any INSTANCE VI_P MASTER 100" "$T/notify.log"
ip -n "$D1" link set trk0 down
wait_until 50 grep -qx 'INSTANCE "VI_P" MASTER_PRIORITY 90' "$T/fifo2.log"
check "priority 100 -> 90: the FIFO gets INSTANCE \"VI_P\" MASTER_PRIORITY 90" \
	grep -qx 'INSTANCE "VI_P" MASTER_PRIORITY 90' "$T/fifo2.log"
# a script started for it would have had a second to write its line
sleep 1
check "the notify script is not run for a priority change (FIFOs only)" \
	sh -c "! grep -q 'VI_P MASTER 90' '$T/notify.log'"
check "notify_master did not run again for a priority change" \
	test "$(grep -c '^master VI_P' "$T/notify.log")" = 1
stop d1

check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/*log* '$T'/d2/*log* | grep -E -q 'Sanitizer|runtime error:'"
exit 0
