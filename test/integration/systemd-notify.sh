#!/bin/sh
# systemd notification: READY=1 once the children are up, RELOADING=1 then
# READY=1 around a reload, STOPPING=1 on stop, and WATCHDOG=1 only while
# every child answers (a SIGSTOPped child pauses it until it is replaced);
# a refused reload ends with READY=1 and a STATUS that says so.
# A small python listener stands in for systemd's notify socket.
. "$(dirname "$0")/lib.sh"

need_root_netns
setup_dir
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
echo "1..10"
write_conf 'global_defs {' '    router_id notify_test' '}'

NLOG="$T/notify.log"
: >"$NLOG"
python3 - "$T/notify.sock" "$NLOG" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.2)
end = time.monotonic() + 90          # bounded: the test never needs longer
with open(sys.argv[2], "a", buffering=1) as f:
    while time.monotonic() < end:
        try:
            m = s.recv(4096).decode(errors="replace")
        except socket.timeout:
            continue
        for line in m.split("\n"):
            f.write(line + "\n")
PY
LISTENER=$!
trap 'kill $LISTENER 2>/dev/null; cleanup' EXIT
wait_until 50 test -S "$T/notify.sock"

count() { grep -c "^$1\$" "$NLOG" || true; }

NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=1000000
export NOTIFY_SOCKET WATCHDOG_USEC
start_tandem --all
unset NOTIFY_SOCKET WATCHDOG_USEC
wait_until 50 children_up
wait_until 30 grep -q '^READY=1$' "$NLOG"
check "READY=1 once the children are up" \
	sh -c "grep -q '^READY=1\$' '$NLOG' && grep -q 'all children up' '$LOG'"

w0=$(count WATCHDOG=1); sleep 2; w1=$(count WATCHDOG=1)
check "WATCHDOG=1 every half period while all children answer ($w0 -> $w1)" \
	[ $((w1 - w0)) -ge 3 ]

# A hung child: the watchdog pauses once it is late, before it is killed.
v=$(readpid "$VPID")
kill -STOP "$v"
sleep 2
a=$(count WATCHDOG=1); sleep 0.7; b=$(count WATCHDOG=1)
check "no WATCHDOG=1 while the vrrp child is hung ($a -> $b)" [ "$a" = "$b" ]
wait_until 80 newpid "$VPID" "$v"
check "the hung child was replaced" newpid "$VPID" "$v"
kill -KILL "$v" 2>/dev/null
wait_until 50 eval '[ "$(count WATCHDOG=1)" -gt "$b" ]'
check "WATCHDOG=1 resumes once the new child answers" [ "$(count WATCHDOG=1)" -gt "$b" ]

r0=$(count READY=1)
kill -HUP "$TANDEM_PID"
wait_until 50 eval '[ "$(count READY=1)" -gt "$r0" ]'
check "a reload sends RELOADING=1" grep -q '^RELOADING=1$' "$NLOG"
check "then READY=1 again" \
	sh -c "sed -n '/^RELOADING=1\$/,\$p' '$NLOG' | grep -q '^READY=1\$'"

# A refused file: systemd must leave the reloading state (READY=1 again)
# and the status must say the reload was refused.
cp "$CONF" "$T/good.conf"
write_conf 'global_defs {' '    no_such_keyword 1' '}'
r0=$(count READY=1); g0=$(count RELOADING=1)
kill -HUP "$TANDEM_PID"
wait_until 50 eval '[ "$(count READY=1)" -gt "$r0" ]'
check "a refused reload: RELOADING=1, then READY=1 again" \
	sh -c "[ $(count RELOADING=1) -gt $g0 ] && [ $(count READY=1) -gt $r0 ]"
check "with a STATUS that says it was refused" \
	awk '/^RELOADING=1$/ { f = 0 } /^STATUS=.*refused/ { f = 1 } END { exit !f }' "$NLOG"
cp "$T/good.conf" "$CONF"

kill -TERM "$TANDEM_PID"
wait_exit "$TANDEM_PID" 80
TANDEM_PID=""
check "STOPPING=1 on stop" grep -q '^STOPPING=1$' "$NLOG"
