#!/bin/sh
# In-guest part of check-scale-vm (bash is /bin/sh in the VM).  Runs tandem
# -C, then keepalived -C, from the same generated config (small.conf for a
# baseline, full.conf for the run), each on an empty IPVS table, against
# one bench_backend standing for every real server: the 127/8 servers are
# local addresses of lo, and the two victims 10.83.0.1 (TCP_CHECK) and
# 10.83.0.2 (HTTP_GET) are made local by a `local` route in the main table.
#
# For each daemon it prints "BENCH daemon key value" lines (epoch stamps,
# clock ticks, kB) and leaves the arithmetic to the host:
#   base_rss/base_pss    the check process with the small config;
#   full                 the moment the kernel has the whole table;
#   c0 c1 p0 p1 w0 w1    utime + stime of the check process and the parent
#                        at both ends of the window, and the window's stamps;
#   rss pss              the check process after the window;
#   settled end          real servers in the table before and after it;
#   written dead         the victims silenced: the moment the route change
#                        was handed to `ip -batch`, and the moment
#                        /proc/net/route shows both victims on the dummy
#                        interface, where what is sent to them is lost, so
#                        their checks' connects time out;
#   t_table h_table      the first look at /proc/net/ip_vs without the TCP /
#                        HTTP victim;
#   t_seen h_seen        the moment the poll read the daemon's verdict line;
#   t_own h_own          the verdict's own stamp: tandem's log line (ms),
#                        keepalived's line as a reader stamped it when
#                        keepalived wrote it to its stderr (keepalived's own
#                        console stamps are whole seconds);
#   t_applied h_applied  tandem only: its log line that the table change
#                        was sent ("IPVS: N services wanted; ...");
#   look                 the cost of one look at the table (µs), and dense
#                        the period of the poll near the verdict.
#
# Polling must not take the one vCPU from the daemon: under TCG every exec
# costs tens of ms, so the timed parts use bash builtins only (reads of
# /proc with redirections, $EPOCHREALTIME, `read -t` on a FIFO that never
# has data as the nap, kill as the liveness test).  The poll naps 50 ms
# until 0.15 s before the earliest verdict the config allows, then 10 ms
# (a look at the table costs some 20 ms of the guest's time already).
# Every wait is bounded; a wait that runs out is reported and fails the run.
cd /tmp || exit 1
. /test/bench.env
LIMIT=120			# seconds for a start or a table to fill
failed=0
pid=
ulimit -n 65536
# Process substitution needs /dev/fd, which devtmpfs does not make.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

mkfifo /tmp/nap && exec 7<>/tmp/nap || exit 1
nap() { read -r -t "$1" -u 7 _; }
alive() { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
now_us() { NOW=${EPOCHREALTIME/./}; }
# Microseconds as seconds.fraction in $S: no $(...), which would fork.
secs() { S="${1:0:-6}.${1: -6}"; }

lines() { wc -l </proc/net/ip_vs; }
ipvsadm -C
base=$(lines)			# the header lines of an empty table

# ----------------------------------------------------------- the setup
ip link add bdum0 type dummy && ip link set bdum0 up &&
	ip addr add 10.84.0.1/32 dev bdum0 &&
	ip route add local "$VT/32" dev lo table main &&
	ip route add local "$VH/32" dev lo table main ||
	{ echo "# guest: the victims' routes could not be set up"; exit 1; }
/test/bench_backend 1800 tcp:8080 http:8081 &
BPID=$!
# One `ip -batch` that stays, so silencing the victims is a write, not an
# exec whose moment would be uncertain by ~100 ms.
# -force: a failed command must not end it.
coproc IPB { ip -force -batch - >/tmp/ip.out 2>&1; }
listening() { local a; mapfile a </proc/net/tcp; [[ "${a[*]}" == *":1F91 00000000:0000 0A"* ]]; }
for _ in $(seq 100); do listening && break; nap 0.1; done
listening || { echo "# guest: bench_backend is not listening"; exit 1; }

# ------------------------------------------------------------- helpers
ticks() { # PID: utime + stime, fields 14 and 15 after the ")" ending the name
	local l
	TICKS=-1
	read -r l <"/proc/$1/stat" || return 1
	l=${l##*) }
	set -- $l
	TICKS=$((${12} + ${13}))
}
mem() { # PID: VmRSS and Pss in kB
	local k v _
	RSS=-1 PSS=-1
	while read -r k v _; do [ "$k" = VmRSS: ] && RSS=$v; done <"/proc/$1/status"
	while read -r k v _; do [ "$k" = Pss: ] && PSS=$v; done <"/proc/$1/smaps_rollup"
}
# mapfile, not read -d '': read with a delimiter other than newline reads
# one byte per system call, and each read of /proc/net/ip_vs walks the
# service table again; mapfile reads a seekable file in blocks.
look() { local a; mapfile a </proc/net/ip_vs; TAB="${a[*]}"; }
in_table() { [[ $TAB == *"-> $1 "* ]]; }
route_moved() {
	local a r
	mapfile a </proc/net/route
	r="${a[*]}"
	[[ $r == *"bdum0	$VT_ROUTE	"* && $r == *"bdum0	$VH_ROUTE	"* ]]
}
# Bounded wait for the whole table (wc forks: never in a timed part).
wait_full() { # WANT
	local end=$((SECONDS + LIMIT))
	while [ "$(lines)" -lt "$1" ]; do
		[ $SECONDS -lt $end ] && alive || return 1
		nap 0.3
	done
	return 0
}
# keepalived stamps its console lines in whole seconds: a reader stamps
# each line as keepalived writes it (a blocking read wakes at once).
stamp_lines() { local l; while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "$l"; done; }

start() { # WHO CONF
	rm -f /tmp/tc.pid /tmp/kc.pid
	if [ "$1" = tandem ]; then
		LOG=/tmp/tandem.log
		: >$LOG
		/test/tandem -C -n -G -g$LOG -f "$2" -p /tmp/t.pid -c /tmp/tc.pid \
			-r /tmp/tv.pid >/tmp/tandem.out 2>&1 &
		pid=$!
		CPIDF=/tmp/tc.pid
	else
		LOG=/tmp/keepalived.log
		: >$LOG
		/test/keepalived -C -n -l -G -f "$2" -p /tmp/k.pid -c /tmp/kc.pid \
			-r /tmp/kv.pid > >(stamp_lines >$LOG) 2>&1 &
		pid=$!
		CPIDF=/tmp/kc.pid
	fi
	cpid=
	local end=$((SECONDS + 30))
	while ! { [ -s "$CPIDF" ] && read -r cpid <"$CPIDF" && [ -n "$cpid" ]; }; do
		[ $SECONDS -lt $end ] && alive || { cpid=; return 1; }
		nap 0.1
	done
	return 0
}
stop() {
	local dog rc
	alive || { pid=; return 1; }
	(sleep 60; kill -KILL "$pid" 2>/dev/null) &
	dog=$!
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	pid=
	return $rc
}
say() { echo "BENCH $who $*"; }
# Commands to the `ip -batch` coprocess; SIGPIPE ignored only here (were
# ip gone, a write must fail, not end this script), so that the daemons
# started from this shell do not inherit it ignored.
to_ip() {
	trap '' PIPE
	printf '%s\n' "$@" >&"${IPB[1]}" || echo "# guest: ip -batch is gone"
	trap - PIPE
}

# The verdict lines and tandem's apply line that follows each.
case_line() { # LINE
	local l=$1 own
	if [ $who = tandem ]; then
		set -- $l
		own="${1}_$2"
	else
		own=${l%% *}
	fi
	now_us
	case $l in
	*"$T_PAT"*) [ -z "$t_seen" ] && { t_seen=$NOW; say t_own "$own"; [ $who = tandem ] && pend_t=1; } ;;
	*"$H_PAT"*) [ -z "$h_seen" ] && { h_seen=$NOW; say h_own "$own"; [ $who = tandem ] && pend_h=1; } ;;
	*"services wanted; "*)
		[ "$pend_t" = 1 ] && { say t_applied "$own"; pend_t=0; }
		[ "$pend_h" = 1 ] && { say h_applied "$own"; pend_h=0; } ;;
	esac
}

# -------------------------------------------------------- one daemon
run() { # WHO
	who=$1
	if [ $who = tandem ]; then
		T_PAT="real server $VT:8080 of 10.90.0.1:80 is down"
		H_PAT="real server $VH:8081 of 10.90.0.2:80 is down"
	else
		T_PAT="Removing service [$VT]:tcp:8080 from VS [10.90.0.1]:tcp:80"
		H_PAT="Removing service [$VH]:tcp:8081 from VS [10.90.0.2]:tcp:80"
	fi

	# Baseline: the same process with 12 real servers.
	ipvsadm -C
	if start $who /test/small.conf && wait_full $((base + SMALL_VS + SMALL_RS)); then
		nap 3
		mem "$cpid"
		say base_rss $RSS
		say base_pss $PSS
	else
		echo "# $who: the 12-server baseline did not fill the table ($(lines) lines)"
		tail -n 5 /tmp/$who.out "$LOG" 2>/dev/null | sed "s/^/# $who log: /"
		failed=1
	fi
	stop

	# The run.
	ipvsadm -C
	say start "$EPOCHREALTIME"
	if ! start $who /test/full.conf; then
		echo "# $who: no check process"
		failed=1
		stop
		return
	fi
	exec 6<"$LOG"
	if wait_full $((base + NVS + NRS)); then
		say full "$EPOCHREALTIME"
	else
		echo "# $who: the table never held every real server ($(lines) of $((base + NVS + NRS)) lines)"
		failed=1
	fi
	nap 3				# three check rounds: failures are out by now
	say settled $(($(lines) - base - NVS))
	ticks "$cpid"; say c0 $TICKS
	ticks "$pid"; say p0 $TICKS
	say w0 "$EPOCHREALTIME"
	nap "$WINDOW"
	say w1 "$EPOCHREALTIME"
	ticks "$cpid"; say c1 $TICKS
	ticks "$pid"; say p1 $TICKS
	mem "$cpid"
	say rss $RSS
	say pss $PSS
	say end $(($(lines) - base - NVS))
	local l
	while IFS= read -r -u 6 l; do :; done	# the log so far: not the verdict

	# Detection: silence both victims at one moment.
	local t_table= h_table= t_seen= h_seen= pend_t=0 pend_h=0 part= x0 x1 n=0 d0= looked=
	local dead_us end_us dense_us
	look
	in_table "$VT_HEX" && in_table "$VH_HEX" ||
		echo "# $who: a victim was not in the table before it was silenced"
	say written "$EPOCHREALTIME"
	to_ip "route replace $VT/32 dev bdum0 table main" "route replace $VH/32 dev bdum0 table main"
	now_us; end_us=$((NOW + 5000000))
	until route_moved; do
		now_us; [ $NOW -lt $end_us ] || { echo "# $who: the victims' routes did not move"; failed=1; break; }
		nap 0.001
	done
	now_us; dead_us=$NOW
	secs $dead_us; say dead "$S"
	end_us=$((dead_us + 15000000))
	dense_us=$((dead_us + DMIN_US - 150000))
	while :; do
		while IFS= read -r -u 6 l; do
			l=$part$l
			part=
			case_line "$l"
		done
		part=$part$l
		x0=${EPOCHREALTIME/./}
		look
		x1=${EPOCHREALTIME/./}
		[ -z "$looked" ] && { looked=1; say look $((x1 - x0)); }
		[ -z "$t_table" ] && ! in_table "$VT_HEX" && { t_table=$x1; secs $x1; say t_table "$S"; }
		[ -z "$h_table" ] && ! in_table "$VH_HEX" && { h_table=$x1; secs $x1; say h_table "$S"; }
		[ -n "$t_table" ] && [ -n "$h_table" ] && [ -n "$t_seen" ] && [ -n "$h_seen" ] &&
			[ "$pend_t$pend_h" = 00 ] && break
		[ $x1 -lt $end_us ] && alive || { echo "# $who: no verdict or no table change within 15 s"; failed=1; break; }
		if [ $x1 -lt $dense_us ]; then
			nap 0.05
		else
			[ -z "$d0" ] && d0=$x1
			n=$((n + 1))
			nap 0.01
		fi
	done
	[ $n -gt 1 ] && say dense $(( (x1 - d0) / (n - 1) ))
	[ -n "$t_seen" ] && { secs $t_seen; say t_seen "$S"; }
	[ -n "$h_seen" ] && { secs $h_seen; say h_seen "$S"; }
	exec 6<&-
	[ $who = tandem ] && say restarts $(($(grep -c 'started check child' "$LOG") - 1))
	stop || { echo "# $who: exit status $? on SIGTERM"; }
	grep -i 'error\|warn\|fail' /tmp/$who.out "$LOG" 2>/dev/null | grep -v "$VT\|$VH" |
		head -n 5 | sed "s/^/# $who log: /"
	[ "${VERBOSE:-0}" = 1 ] && sed "s/^/# $who: /" "$LOG" | tail -n 40
	# The victims answer again for the next daemon.
	to_ip "route replace local $VT/32 dev lo table main" "route replace local $VH/32 dev lo table main"
	nap 0.5
}

echo "BENCH guest nproc $(nproc)"
run tandem
run keepalived
kill "$BPID" 2>/dev/null
[ -s /tmp/ip.out ] && sed 's/^/# ip -batch: /' /tmp/ip.out
exit $failed
