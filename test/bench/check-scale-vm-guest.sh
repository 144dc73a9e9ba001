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
#                        was sent and acked ("IPVS: N services wanted;
#                        ..."), stamped when the last ack came;
#   t_planned t_acked    tandem only: from that line, the ms it took to
#   h_planned h_acked    plan the change (config to table, diff) and to
#                        send it and have the kernel ack it;
#   look                 the cost of one look at the table (µs);
#   late_mean late_max   tandem only, from its JSON dump after the
#                        detection: how late its checks started against
#                        their due time, mean since the start and worst
#                        over the last 10-20 s (µs): a guest too slow for
#                        the checks stretches every detection by as much.
#
# Polling must not take the one vCPU from the daemon: under TCG every exec
# costs tens of ms, so the timed parts use bash builtins only (reads of
# /proc with redirections, $EPOCHREALTIME, `read -t` on a FIFO that never
# has data as the nap where bash's loadable sleep is missing, kill as
# the liveness test).  A look at the table
# costs some 20-50 ms of the guest's time, as much as the daemon's checks
# in that time: the poll reads the daemon's log every 10 ms (cheap) and
# looks at the table as soon as it has read a verdict (tandem's: and the
# line that follows it, that the change was applied, so the look does not
# take the vCPU while tandem applies it), and otherwise only every 0.5 s
# (a table change the log did not announce).  A look made at
# once after the verdict bounds the verdict -> table step from above;
# tandem's log gives that step to the ms (its apply line).
# Every wait is bounded; a wait that runs out is reported and fails the run.
cd /tmp || exit 1
. /test/bench.env
LIMIT=120			# seconds for a start or a table to fill
failed=0
pid=
ulimit -n 65536
# Process substitution needs /dev/fd, which devtmpfs does not make.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

# The nap: bash's loadable sleep builtin (select() with a timeout, no
# fork), copied in by check-scale-vm.  `read -t` on a FIFO that never has
# data, the fallback, once in a few runs never returned under TCG: the
# detection loop's 10 ms naps ended in a read(2) blocked on the empty
# FIFO (the watchdog below showed it), its timeout lost.
mkfifo /tmp/nap && exec 7<>/tmp/nap || exit 1
if [ -r /test/sleep ] && enable -f /test/sleep sleep 2>/dev/null; then
	nap() { sleep "$1"; }
else
	echo "# guest: no loadable sleep builtin (bash-builtins): naps are read -t, which can hang"
	nap() { read -r -t "$1" -u 7 _; }
fi
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
# Where the run is, with the guest's clock: a slow run shows where its
# time went (a loaded host makes TCG several times slower), and a
# streamed one (BENCH_STREAM=1) shows it is moving.
step() { echo "# guest ${SECONDS}s: $who: $*"; echo "$SECONDS" >/tmp/step; }

# A run that stops moving (one in some five runs once did, with no word
# why) says what every process is doing: after 60 s without a step, and
# again every 60 s, the state, kernel wait channel and kernel stack of
# each user process, and the clocks.  Builtins only; the naps are its own
# read -t on the FIFO.
watchdog() {
	local last=0 since=$SECONDS s d c st w k
	while nap 10; [ -d /proc/$$ ]; do
		read -r s </tmp/step 2>/dev/null || s=0
		if [ "$s" != "$last" ]; then last=$s since=$SECONDS; continue; fi
		[ $((SECONDS - since)) -ge 60 ] || continue
		since=$SECONDS
		read -r k </proc/uptime
		echo "# guest watchdog: no step for 60 s (uptime $k, epoch $EPOCHREALTIME)"
		for d in /proc/[0-9]*; do
			# /proc sizes read 0: a kernel thread's cmdline is empty.
			c=
			read -r -d '' c <$d/cmdline 2>/dev/null
			[ -n "$c" ] || continue
			read -r c <$d/comm; read -r st <$d/stat; read -r w <$d/wchan
			st=${st##*) }
			echo "# guest watchdog: ${d#/proc/} $c ${st%% *} wchan=${w:-0}"
			while read -r k; do echo "# guest watchdog:     $k"; done <$d/stack 2>/dev/null
		done
		if [ -s /tmp/trace ]; then
			echo "# guest watchdog: the last lines of the detection's trace:"
			tail -n 40 /tmp/trace | sed 's/^/# guest watchdog:   /'
		fi
	done
}
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
		# "...; planned in P ms, sent and acked in A ms": tandem's
		# own measure of the two steps, in its clock (no fork here).
		local pl=${l##*planned in } ak=${l##*acked in }
		pl=${pl%% ms*} ak=${ak%% ms*}
		[ "$pend_t" = 1 ] && { say t_applied "$own"; say t_planned "$pl"; say t_acked "$ak"; pend_t=0; }
		[ "$pend_h" = 1 ] && { say h_applied "$own"; say h_planned "$pl"; say h_acked "$ak"; pend_h=0; } ;;
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
	step "baseline"
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
	step "full run"
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
	step "table full, settling, then the $WINDOW s window"
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
	step "silencing the victims"
	local t_table= h_table= t_seen= h_seen= pend_t=0 pend_h=0 part= x0 x1 looked=
	local dead_us end_us last_look=0
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
	# BENCH_TRACE=1: every command of the detection loop to /tmp/trace
	# (slow; for finding where a run stops: the watchdog prints its end).
	if [ "${TRACE:-0}" = 1 ]; then
		exec 8>/tmp/trace
		BASH_XTRACEFD=8
		PS4='+${EPOCHREALTIME} '
		set -x
	fi
	while :; do
		while IFS= read -r -u 6 l; do
			l=$part$l
			part=
			case_line "$l"
		done
		part=$part$l
		x1=${EPOCHREALTIME/./}
		# tandem: once its apply line is read too (pend_* back to 0),
		# so the look does not take the vCPU while it applies.
		if { [ -n "$t_seen" ] && [ -z "$t_table" ] && [ $pend_t = 0 ]; } ||
		   { [ -n "$h_seen" ] && [ -z "$h_table" ] && [ $pend_h = 0 ]; } ||
		   [ $((x1 - last_look)) -ge 500000 ]; then
			x0=$x1
			look
			x1=${EPOCHREALTIME/./}
			last_look=$x1
			[ -z "$looked" ] && { looked=1; say look $((x1 - x0)); }
			[ -z "$t_table" ] && ! in_table "$VT_HEX" && { t_table=$x1; secs $x1; say t_table "$S"; }
			[ -z "$h_table" ] && ! in_table "$VH_HEX" && { h_table=$x1; secs $x1; say h_table "$S"; }
		fi
		[ -n "$t_table" ] && [ -n "$h_table" ] && [ -n "$t_seen" ] && [ -n "$h_seen" ] &&
			[ "$pend_t$pend_h" = 00 ] && break
		[ $x1 -lt $end_us ] && alive || { echo "# $who: no verdict or no table change within 15 s"; failed=1; break; }
		nap 0.01
	done
	set +x
	[ -n "$t_seen" ] && { secs $t_seen; say t_seen "$S"; }
	[ -n "$h_seen" ] && { secs $h_seen; say h_seen "$S"; }
	exec 6<&-
	[ $who = tandem ] && say restarts $(($(grep -c 'started check child' "$LOG") - 1))
	if [ $who = tandem ]; then
		local j=/tmp/tandem_check.json k
		rm -f $j
		kill -s "$(/test/tandem --signum JSON)" "$pid" 2>/dev/null
		for k in $(seq 50); do [ -s $j ] && break; nap 0.1; done
		if [ -s $j ]; then
			# Pretty-printed, one member a line; grep, not bash
			# patterns over the whole dump (of some 100 kB: bash
			# takes minutes over that under TCG).
			local a st= su= rm=
			mapfile -t a < <(grep -A6 '"schedule"' $j)
			for k in "${a[@]}"; do
				k=${k//[ ,]/}
				case $k in
				'"checks_started":'*) st=${k#*:} ;;
				'"start_late_sum_usec":'*) su=${k#*:} ;;
				'"start_late_recent_max_usec":'*) rm=${k#*:} ;;
				esac
			done
			[[ $st =~ ^[0-9]+$ && $su =~ ^[0-9]+$ && $st -gt 0 ]] && say late_mean $((su / st))
			[[ $rm =~ ^[0-9]+$ ]] && say late_max "$rm"
		fi
	fi
	step "detection done, stopping"
	stop || { echo "# $who: exit status $? on SIGTERM"; }
	grep -i 'error\|warn\|fail' /tmp/$who.out "$LOG" 2>/dev/null | grep -v "$VT\|$VH" |
		head -n 5 | sed "s/^/# $who log: /"
	[ "${VERBOSE:-0}" = 1 ] && sed "s/^/# $who: /" "$LOG" | tail -n 40
	# The victims answer again for the next daemon.
	to_ip "route replace local $VT/32 dev lo table main" "route replace local $VH/32 dev lo table main"
	nap 0.5
}

echo "BENCH guest nproc $(nproc)"
echo 0 >/tmp/step
watchdog &
WPID=$!
run tandem
run keepalived
kill "$BPID" "$WPID" 2>/dev/null
[ -s /tmp/ip.out ] && sed 's/^/# ip -batch: /' /tmp/ip.out
exit $failed
