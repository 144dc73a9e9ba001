#!/bin/sh
# The global_defs process settings reach the children: vrrp_priority and
# checker_priority (nice), *_cpu_affinity, vrrp_rt_priority (SCHED_RR)
# with its RLIMIT_RTTIME, checker_no_swap (locked memory); the parent
# itself is left alone.  The real-time limit is generous (5 s): under
# AddressSanitizer the leak check at exit runs at real-time priority too.
. "$(dirname "$0")/lib.sh"

need_root_netns
setup_dir
echo "1..10"
write_conf 'global_defs {' '    router_id sched_test' \
	'    vrrp_priority -5' '    checker_priority 7' \
	'    vrrp_cpu_affinity 0' '    checker_cpu_affinity 0' \
	'    vrrp_rt_priority 10' '    vrrp_rlimit_rttime 5000000' \
	'    checker_no_swap' '}'

start_tandem --all
wait_until 50 children_up
check "both children start" children_up
v=$(readpid "$VPID"); c=$(readpid "$CPID")
nice_of() { ps -o ni= -p "$1" | tr -d ' '; }
policy_of() { ps -o cls= -p "$1" | tr -d ' '; }
rtprio_of() { ps -o rtprio= -p "$1" | tr -d ' '; }
cpus_of() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$1/status"; }
check "vrrp child: SCHED_RR at priority 10" \
	eval '[ "$(policy_of "$v")" = RR ] && [ "$(rtprio_of "$v")" = 10 ]'
check "vrrp child: RLIMIT_RTTIME 5000000 us (soft: half)" \
	grep -Eq '^Max realtime timeout +2500000 +5000000 ' "/proc/$v/limits"
check "vrrp child: only CPU 0" eval '[ "$(cpus_of "$v")" = 0 ]'
check "check child: nice 7" eval '[ "$(nice_of "$c")" = 7 ]'
check "check child: only CPU 0" eval '[ "$(cpus_of "$c")" = 0 ]'
if [ -n "${TANDEM_TEST_SANITIZER:-}" ]; then
	# AddressSanitizer intercepts mlockall and makes it a no-op.
	N=$((N + 1))
	echo "ok $N - check child: memory locked # SKIP AddressSanitizer turns mlockall into a no-op"
else
	check "check child: memory locked" \
		eval '[ "$(sed -n "s/^VmLck:[[:space:]]*\([0-9]*\).*/\1/p" /proc/$c/status)" -gt 0 ]'
fi
check "the parent keeps its own scheduling" \
	eval '[ "$(policy_of "$TANDEM_PID")" = TS ] && [ "$(nice_of "$TANDEM_PID")" = 0 ]'
stop_pid "$TANDEM_PID"
check "no child was stopped by its real-time limit" \
	eval '! log_has "CPU time limit exceeded"'
check_sanitizers
[ "$FAILED" -eq 0 ]
