#!/bin/sh
# Pid files, a second instance on the same pid file, graceful stop (TERM
# and INT), and detaching without -n.
. "$(dirname "$0")/lib.sh"

need_root_netns
setup_dir
echo "1..17"
write_conf 'global_defs {' '    router_id stop_test' '}'

start_tandem --all
wait_until 50 children_up
check "both children start" children_up
v=$(readpid "$VPID"); c=$(readpid "$CPID")
check "parent pid file" [ "$(readpid "$PIDF")" = "$TANDEM_PID" ]
check "vrrp pid file names the vrrp child" \
	sh -c "[ \"\$(cat /proc/$v/comm)\" = 'tandem: vrrp' ] && [ \$(ps -o ppid= -p $v) = $TANDEM_PID ]"
check "check pid file names the check child" \
	sh -c "[ \"\$(cat /proc/$c/comm)\" = 'tandem: check' ]"

# A second tandem on the same pid file refuses to start.
ip netns exec "$NS" "$TANDEM" -n -l -G -f "$CONF" -p "$PIDF" \
	-r "$T/v2.pid" -c "$T/c2.pid" --all >"$T/second.log" 2>&1 &
second=$!
EXTRA_PIDS=$second
wait_exit "$second" 50
check "a second instance on the same pid file exits non-zero" \
	sh -c "[ '$RC' != alive ] && [ '$RC' -ne 0 ]"
check "it says who holds the pid file" grep -q "another tandem (pid $TANDEM_PID)" "$T/second.log"
check "the first instance is untouched" \
	sh -c "[ '$(readpid "$PIDF")' = '$TANDEM_PID' ] && kill -0 $v && kill -0 $c"
check "the second instance left the children's pid files alone" \
	sh -c "[ ! -e '$T/v2.pid' ] && [ ! -e '$T/c2.pid' ]"
EXTRA_PIDS=""

# Graceful stop with TERM.
kill -TERM "$TANDEM_PID"
wait_exit "$TANDEM_PID" 80
check "TERM: exit status 0" [ "$RC" = 0 ]
check "TERM: children are gone" sh -c "! kill -0 $v 2>/dev/null && ! kill -0 $c 2>/dev/null"
check "TERM: pid files removed" \
	sh -c "[ ! -e '$PIDF' ] && [ ! -e '$VPID' ] && [ ! -e '$CPID' ]"
TANDEM_PID=""

# INT stops the same way.
new_log
start_tandem --all
wait_until 50 children_up
kill -INT "$TANDEM_PID"
wait_exit "$TANDEM_PID" 80
check "INT: exit status 0 and pid files removed" \
	sh -c "[ '$RC' = 0 ] && [ ! -e '$PIDF' ] && [ ! -e '$VPID' ] && [ ! -e '$CPID' ]"
TANDEM_PID=""

# Without -n tandem detaches: the command returns 0 at once and the
# daemon's pid is in the pid file.
new_log
TMPDIR="$T" ip netns exec "$NS" "$TANDEM" -l -G -g"$T/daemon.log" -f "$CONF" \
	-p "$PIDF" -r "$VPID" -c "$CPID" --all >>"$LOG" 2>&1 &
launcher=$!
wait_exit "$launcher" 50
check "without -n the launching command exits 0" [ "$RC" = 0 ]
wait_until 50 eval "is_tandem \$(readpid '$PIDF') && grep -q 'all children up' '$T/daemon.log'"
d=$(readpid "$PIDF")
TANDEM_PID=$d
check "the detached daemon runs with its children" \
	sh -c "[ -n '$d' ] && [ '$d' != '$launcher' ] && grep -q 'all children up' '$T/daemon.log'"
check "-g writes the log file" grep -q "started vrrp child" "$T/daemon.log"
kill -TERM "$d"
# Not our child: once gone it may linger as a zombie of whoever adopted it.
wait_until 80 eval "! alive $d"
gone=no; alive "$d" || gone=yes
check "the detached daemon stops on TERM and removes its pid files" \
	sh -c "[ $gone = yes ] && [ ! -e '$PIDF' ] && [ ! -e '$VPID' ] && [ ! -e '$CPID' ]"
TANDEM_PID=""
check_sanitizers
