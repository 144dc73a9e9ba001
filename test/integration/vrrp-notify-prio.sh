#!/bin/sh
# notify_priority_changes taken from a vrrp_sync_group or from global_defs,
# and notify_master_rx_lower_pri.  Director d1 of the shared lab runs
# alone; an interface trk0 (one end of a veth pair) that three instances track with weight
# -10 goes down, which lowers their priority from 100 to 90.
#
#   - sync group G (VI_1, VI_2) says notify_priority_changes: VI_1, which
#     does not say it, gets the FIFO line INSTANCE "VI_1" MASTER_PRIORITY
#     90 (keepalived's word) and no `notify` run (keepalived.conf(5):
#     priority changes go to the FIFOs only); VI_2, which says
#     `notify_priority_changes off`, does not; VI_3 (no group, nothing in
#     global_defs) does not either;
#   - global_defs vrrp_notify_priority_changes: VI_3 now gets it;
#   - a master at priority 200 hears a forged advert of priority 50 from
#     the client namespace (vrrp-probe.py): notify_master_rx_lower_pri
#     runs once with its own arguments, the FIFO gets
#     INSTANCE "VI_R" MASTER_RX_LOWER_PRI 200, `notify` is not run for
#     it, and d1 stays master; before the probe it had not run.
#
# Root only.  Namespaces vrrpp-{br,d1,d2,c}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses from RFC 5737.

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SRC/test/integration/lib.sh"
. "$SRC/test/integration/vrrp-lab.sh"

READER=""
prio_cleanup() {
	[ -n "$READER" ] && kill "$READER" 2>/dev/null
	vrrp_lab_cleanup
}
vrrp_lab vrrpp client
trap prio_cleanup EXIT
PROBE="$SRC/test/integration/vrrp-probe.py"

echo "1..11"

cat >"$T/n.sh" <<EOS
#!/bin/sh
echo "\$*" >>"$T/notify.log"
EOS
chmod 755 "$T/n.sh"
# a veth pair (no dummy module needed): trk0 is usable while both ends are up
ip -n "$D1" link add trk0 type veth peer name trk0p
ip -n "$D1" link set trk0p up
ip -n "$D1" link set trk0 up

# The FIFO: made here and read by a cat of this test's own, which holds
# it open for writing too, so it sees no end between two runs of d1.
mkfifo "$T/fifo"
sh -c 'exec 3<>"$1"; exec cat <&3' _ "$T/fifo" >>"$T/fifo.log" &
READER=$!

# inst NAME VRID ADDR [LINE...]
inst() {
	_n=$1; _v=$2; _a=$3; shift 3
	echo "vrrp_instance $_n {"
	echo "    interface eth0"
	echo "    state MASTER"
	echo "    virtual_router_id $_v"
	echo "    priority 100"
	echo "    version 3"
	echo "    advert_int 0.5"
	echo "    track_interface {"
	echo "        trk0 weight -10"
	echo "    }"
	echo "    notify \"$T/n.sh any\""
	for _l in "$@"; do echo "    $_l"; done
	echo "    virtual_ipaddress {"
	echo "        $_a/24"
	echo "    }"
	echo "}"
}
gdefs() {
	echo "global_defs {"
	echo "    script_user root"
	echo "    vrrp_notify_fifo $T/fifo"
	for _l in "$@"; do echo "    $_l"; done
	echo "}"
}
conf_groups() {
	{ gdefs "$@"
	  echo "vrrp_sync_group G {"
	  echo "    group {"
	  echo "        VI_1"
	  echo "        VI_2"
	  echo "    }"
	  echo "    notify_priority_changes"
	  echo "    sync_group_tracking_weight"
	  echo "}"
	  inst VI_1 71 192.0.2.71
	  inst VI_2 72 192.0.2.72 "notify_priority_changes off"
	  inst VI_3 73 192.0.2.73; } >"$CONF"
}
masters() {
	for _i in 1 2 3; do
		grep -q "^any INSTANCE VI_$_i MASTER 100" "$T/notify.log" || return 1
	done
}
at90() { grep -qx "INSTANCE \"$1\" MASTER_PRIORITY 90" "$T/fifo.log"; }

# --- from the sync group -------------------------------------------------
conf_groups
start d1
wait_until 150 masters
check "all three instances became master at priority 100" masters
ip -n "$D1" link set trk0 down
wait_until 80 at90 VI_1
check "VI_1 takes notify_priority_changes from G: the FIFO got INSTANCE \"VI_1\" MASTER_PRIORITY 90" \
	at90 VI_1
# the last of the three changes had a second to be told
sleep 1
check "no notify script ran for VI_1's priority change (FIFOs only)" \
	sh -c "! grep -q 'VI_1 MASTER 90' '$T/notify.log'"
check "VI_2 (notify_priority_changes off) is not told" sh -c "! grep -q VI_2.*90 '$T/notify.log' '$T/fifo.log'"
check "VI_3 (no group, no global_defs) is not told" sh -c "! grep -q VI_3.*90 '$T/notify.log' '$T/fifo.log'"
stop d1
ip -n "$D1" link set trk0 up

# --- from global_defs ----------------------------------------------------
: >"$T/notify.log"
: >"$T/fifo.log"
conf_groups "vrrp_notify_priority_changes"
start d1
wait_until 150 masters
ip -n "$D1" link set trk0 down
wait_until 80 at90 VI_3
check "global_defs vrrp_notify_priority_changes: VI_3 MASTER_PRIORITY 90 on the FIFO" at90 VI_3
stop d1

# --- notify_master_rx_lower_pri ------------------------------------------
: >"$T/notify.log"
: >"$T/fifo.log"
{ gdefs
  echo "vrrp_instance VI_R {"
  echo "    interface eth0"
  echo "    state MASTER"
  echo "    virtual_router_id 51"
  echo "    priority 200"
  echo "    version 3"
  echo "    advert_int 1"
  echo "    notify \"$T/n.sh any\""
  echo "    notify_master_rx_lower_pri \"$T/n.sh rxlow VI_R arg2\""
  echo "    virtual_ipaddress {"
  echo "        $VIP/24"
  echo "    }"
  echo "}"; } >"$CONF"
start d1
wait_until 100 has_vip "$D1"
sleep 0.5
check "not run before any lower advert" sh -c "! grep -q rxlow '$T/notify.log'"
r=$(ip netns exec "$CL" python3 "$PROBE" eth0 192.0.2.10 51 50 192.0.2.1 \
	"$VIP" 1.5 2>&1)
diag "probe: $r"
wait_until 50 grep -q "^rxlow" "$T/notify.log"
check "notify_master_rx_lower_pri ran once with its arguments" \
	test "$(grep -c '^rxlow VI_R arg2$' "$T/notify.log")" = 1
check "the FIFO got INSTANCE \"VI_R\" MASTER_RX_LOWER_PRI 200" \
	wait_until 30 grep -q '^INSTANCE "VI_R" MASTER_RX_LOWER_PRI 200' "$T/fifo.log"
check "notify is not run for it, d1 is still master" \
	sh -c "! grep -q 'any.*RX_LOWER' '$T/notify.log' && ip -n '$D1' addr show dev eth0 | grep -q 'inet $VIP/'"
stop d1

check "no sanitizer report in the log" \
	sh -c "! cat '$T'/d1/*log* | grep -E -q 'Sanitizer|runtime error:'"
exit 0
