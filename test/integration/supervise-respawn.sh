#!/bin/sh
# Supervision: a killed child is restarted (new pid, pid file rewritten), a
# hung (SIGSTOPped) child is killed and replaced, too many restarts stop
# the daemon with a non-zero exit, and -R exits instead of restarting.
. "$(dirname "$0")/lib.sh"

need_root_netns
setup_dir
echo "1..18"
write_conf 'global_defs {' '    router_id respawn' '}'

start_tandem --all
wait_until 50 children_up
check "both children start with --all" children_up
p=$(readpid "$PIDF")
check "parent pid file names the parent" [ "$p" = "$TANDEM_PID" ]
v1=$(readpid "$VPID"); c1=$(readpid "$CPID")
check "children are named for ps" \
	sh -c "grep -q 'tandem: vrrp' /proc/$v1/comm && grep -q 'tandem: check' /proc/$c1/comm"

# A child that dies is restarted at once, its pid file rewritten.
kill -KILL "$v1"
wait_until 30 newpid "$VPID" "$v1"
v2=$(readpid "$VPID")
check "vrrp child killed -9 is replaced within 3 s" newpid "$VPID" "$v1"
check "the old vrrp pid is gone" sh -c "! kill -0 $v1 2>/dev/null"
kill -KILL "$c1"
wait_until 30 newpid "$CPID" "$c1"
c2=$(readpid "$CPID")
check "check child killed -9 is replaced within 3 s" newpid "$CPID" "$c1"
check "the parent survives and keeps its pid" [ "$(readpid "$PIDF")" = "$TANDEM_PID" ]

# A hung child (stopped, so no heartbeats) is killed and replaced.
wait_until 20 log_has "check child (pid $c2) is up"
kill -STOP "$c2"
t0=$(date +%s)
wait_until 80 newpid "$CPID" "$c2"
t1=$(date +%s)
check "a SIGSTOPped child is replaced within 8 s" newpid "$CPID" "$c2"
diag "replaced after about $((t1 - t0)) s"
check "the hang is logged" log_has "sent no heartbeat"
check "the stopped child was killed" sh -c "! kill -0 $c2 2>/dev/null"

# Too many restarts in the window: the vrrp child has been restarted once;
# keep killing each replacement until the parent gives up (at most 8).
v=$v2
i=0
while [ $i -lt 8 ] && alive "$TANDEM_PID"; do
	kill -KILL "$v" 2>/dev/null
	wait_until 100 eval "newpid '$VPID' '$v' || ! alive $TANDEM_PID"
	v=$(readpid "$VPID")
	i=$((i + 1))
done
wait_exit "$TANDEM_PID" 50; rc=$RC
diag "killed the vrrp child $i times; tandem exit status: $rc"
check "too many restarts stop the daemon with a non-zero exit" \
	sh -c "[ '$rc' != alive ] && [ '$rc' -ne 0 ]"
check "the give-up is logged" log_has "giving up"
check "no child is left" sh -c "! pgrep -P $TANDEM_PID >/dev/null && ! kill -0 $(readpid "$CPID" || echo $c2) 2>/dev/null"
check "pid files are removed" sh -c "[ ! -e '$PIDF' ] && [ ! -e '$VPID' ] && [ ! -e '$CPID' ]"
TANDEM_PID=""

# -R: the first child exit stops everything.
new_log
start_tandem --all -R
wait_until 50 children_up
c=$(readpid "$CPID"); v=$(readpid "$VPID")
kill -KILL "$c"
wait_exit "$TANDEM_PID" 50; rc=$RC
check "-R: the parent exits when a child dies" [ "$rc" != alive ]
check "-R: exit status is non-zero" sh -c "[ '$rc' != alive ] && [ '$rc' -ne 0 ]"
check "-R: the other child is stopped and nothing restarted" \
	sh -c "! kill -0 $v 2>/dev/null && [ \$(grep -c 'started check child' '$LOG') -eq 1 ]"
TANDEM_PID=""
check_sanitizers
