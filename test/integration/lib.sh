# Shared helpers for the supervision tests (sourced, POSIX sh).
#
# Each test runs its own tandem inside its own network namespace
# (tandem-test-<PID>), with its config, pid files, log and dumps in a
# mktemp folder.  The EXIT trap stops only the processes this test started
# (by PID, checked to still be a tandem), deletes the namespace and the
# folder.  Every wait is bounded.

TANDEM="${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}/tandem/tandem"
NS="tandem-test-$$"
T=""
TANDEM_PID=""
NS_MADE=""
N=0
FAILED=0

ok() { N=$((N + 1)); echo "ok $N - $*"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
# check "description" command...: one TAP line from a command's status.
check() { _ck_d="$1"; shift; if "$@"; then ok "$_ck_d"; else not_ok "$_ck_d"; fi; }
diag() { echo "# $*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

is_tandem() {
	[ -n "$1" ] && [ -r "/proc/$1/comm" ] && \
		case "$(cat "/proc/$1/comm" 2>/dev/null)" in tandem*) true ;; *) false ;; esac
}
# Alive and not a zombie waiting to be reaped.
alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null && \
		[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]
}
readpid() { cat "$1" 2>/dev/null || true; }

# wait_until TENTHS command...: poll every 0.1 s, at most TENTHS times.
# The count is local (dash and bash have `local`): a command that itself
# waits with wait_until must not reset the outer count, or a condition
# that never holds would be polled forever.  (Other helpers use their own
# variable names.)
wait_until() {
	local _wu_n=$1
	shift
	while [ "$_wu_n" -gt 0 ]; do
		if "$@"; then return 0; fi
		sleep 0.1
		_wu_n=$((_wu_n - 1))
	done
	"$@"
}

# wait_exit PID TENTHS: reap a tandem this test started, bounded; sets RC
# to its exit status, or to "alive" (after killing it) when it did not
# exit in time.
wait_exit() {
	if wait_until "$2" eval "! alive $1"; then
		wait "$1"
		RC=$?
	else
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		RC=alive
	fi
}

# newpid FILE OLD: FILE names a live tandem other than OLD.
newpid() {
	_np=$(readpid "$1")
	[ -n "$_np" ] && [ "$_np" != "$2" ] && is_tandem "$_np"
}

need_root_netns() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	command -v ip >/dev/null 2>&1 || skip_all "ip (iproute2) not installed"
	[ -x "$TANDEM" ] || skip_all "$TANDEM not built"
	"$TANDEM" -v | grep -q "VRRP LVS" || \
		skip_all "these tests run both children (built without VRRP or LVS)"
	ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace"
	NS_MADE=1
	ip -n "$NS" link set lo up 2>/dev/null || true
}

setup_dir() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/tandem-test.XXXXXX")
	CONF="$T/tandem.conf"
	PIDF="$T/tandem.pid"
	VPID="$T/vrrp.pid"
	CPID="$T/check.pid"
	LOG="$T/log"
	: >"$LOG"
	# The daemons' control socket (and tandemctl's) in this test's
	# folder unless the config names one: never the host's.
	TANDEM_SOCKET="$T/ctl.sock"
	export TANDEM_SOCKET
}

# Stop a tandem this test started (and, should it have lost them, its
# children named in our own pid files).
stop_pid() {
	_sp=$1
	alive "$_sp" || return 0
	kill -TERM "$_sp" 2>/dev/null || true
	wait_until 80 eval "! alive $_sp" || kill -KILL "$_sp" 2>/dev/null || true
}

cleanup() {
	set +e
	for _p in $TANDEM_PID $EXTRA_PIDS; do
		is_tandem "$_p" && stop_pid "$_p"
	done
	if [ -n "$T" ]; then
		for _f in "$VPID" "$CPID"; do
			_p=$(readpid "$_f")
			is_tandem "$_p" && kill -KILL "$_p" 2>/dev/null
		done
	fi
	[ -n "$NS_MADE" ] && ip netns del "$NS" 2>/dev/null
	if [ -n "$T" ]; then
		if [ "$FAILED" -gt 0 ] && [ -f "$LOG" ]; then
			diag "---- tandem log ----"
			sed 's/^/# /' "$LOG"
		fi
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

write_conf() { printf '%s\n' "$@" >"$CONF"; }

# start_tandem [extra options]: foreground tandem in the namespace, with
# this test's pid files, logging to $LOG, dumps into $T.  Sets TANDEM_PID.
start_tandem() {
	TMPDIR="$T" ip netns exec "$NS" "$TANDEM" -n -l -G -f "$CONF" \
		-p "$PIDF" -r "$VPID" -c "$CPID" "$@" >>"$LOG" 2>&1 &
	TANDEM_PID=$!
}

# Both children up: pid files hold live tandem processes.
children_up() {
	_cu_v=$(readpid "$VPID"); _cu_c=$(readpid "$CPID")
	is_tandem "$_cu_v" && is_tandem "$_cu_c" && grep -q "all children up" "$LOG"
}

log_has() { grep -q -- "$1" "$LOG"; }

# Start a fresh $LOG, keeping the old lines for the sanitizer check.
new_log() { cat "$LOG" >>"$T/old.log"; : >"$LOG"; }

# Under --enable-sanitizers a report in any process (children too) must
# fail the test, not just restart a child.
check_sanitizers() {
	check "no sanitizer report in any process's log" \
		sh -c "! cat '$T'/*log* | grep -E -q 'Sanitizer|runtime error:'"
}
