#!/bin/sh
# In-guest part of ipvs-scale.sh (bash is /bin/sh in the VM).  Runs tandem
# -C, then keepalived -C, from the same config, each on an empty table:
# start until the full table is in the kernel, SIGHUP with a config that
# changes one weight until the kernel shows it, SIGTERM until exit.
#
# It prints "BENCH daemon key epoch-seconds" lines and leaves the
# arithmetic to the host.  Polling must not steal the one vCPU the daemon
# runs on: under TCG one read of a full /proc/net/ip_vs costs over 0.1 s
# and every exec tens of milliseconds.  So the waits use bash builtins
# only: the daemon's log is followed through an open descriptor for the
# line that says it is done (tandem: "N services wanted; M requests",
# keepalived: "Startup complete" / "Reload complete"), naps are `read -t`
# on a FIFO that never has data, and the exit is `wait`.  The kernel is
# read once the daemon says it is done, and polled only if it lags.  Every
# wait is bounded; a wait that runs out is reported and fails the run.
cd /tmp || exit 1
. /test/bench.env
POLL=0.05
LIMIT=100			# seconds for any one wait
failed=0
pid=
echo "BENCH guest poll $POLL"

lines() { wc -l </proc/net/ip_vs; }
base=$(lines)			# the header lines of an empty table
want=$((base + NSVC + NSVC * NRS))
full() { [ "$(lines)" -ge "$want" ]; }
# The weight the changed server must show: the second config's on odd
# rounds, the first's (back again) on even ones.
WANT_W=$CHANGED_WEIGHT
changed() { grep -q "$CHANGED_DEST *Masq *$WANT_W " /proc/net/ip_vs; }

mkfifo /tmp/nap && exec 7<>/tmp/nap || exit 1
nap() { read -r -t "$POLL" -u 7 _; }
# A daemon that died is not waited for (kill is a builtin).
alive() { kill -0 "$pid" 2>/dev/null; }

# next_line SECONDS PATTERN: read the followed log (fd 6) until a line
# holding PATTERN; it is left in $LINE.  A line still being written when
# the reader reaches the end is kept and completed on the next round.
LINE=
next_line() {
	local end=$((SECONDS + $1)) part= l
	while :; do
		while IFS= read -r -u 6 l; do
			l=$part$l
			part=
			case $l in *"$2"*) LINE=$l; return 0 ;; esac
		done
		part=$part$l
		[ $SECONDS -lt $end ] && alive || return 1
		nap
	done
}

# until_kernel SECONDS CMD: leave in $SEEN the stamp at which CMD (a look
# at the kernel) holds: the moment of the first look if it holds then (a
# look is slow under TCG and must not count), else polled.  Stamps come
# from $EPOCHREALTIME: a $(...) would fork, which costs tens of ms here.
SEEN=
until_kernel() {
	local end=$((SECONDS + $1))
	SEEN=$EPOCHREALTIME
	until $2; do
		[ $SECONDS -lt $end ] && alive || return 1
		nap
		SEEN=$EPOCHREALTIME
	done
}

# The ms stamp of a tandem log line (UTC: the guest has no time zone)
# and its request count.
tandem_line() { # N
	local n=$1
	set -- $LINE
	echo "BENCH tandem applied$n $(date -u -d "$1 ${2%.*}" +%s).${2##*.}"
	echo "BENCH tandem requests$n $(echo "$LINE" | sed 's/.*wanted; \([0-9]*\) requests.*/\1/')"
}

# Where tandem's time went, from its log (-D): the parent's parse, the
# check child's parse of the parent's config, the diff and apply.
log_stamp() { # LOG-LINE
	set -- $1
	echo "$(date -u -d "$1 ${2%.*}" +%s).${2##*.}"
}
tandem_phases() {
	local key pat l
	while read -r key pat; do
		l=$(grep -m1 -- "$pat" /tmp/tandem.log) &&
			echo "BENCH tandem $key $(log_stamp "$l")"
	done <<'EOF'
forked started check child
reloading reloading /tmp/bench.conf
received reload: [0-9]* bytes of config from the parent
loaded reload: config loaded, applying it
EOF
}

# phase NAME DONE-PATTERN KERNEL-CHECK N: wait for the daemon's word and
# then the kernel; the log line is taken apart only after both, as that
# forks.
phase() {
	local found=0
	if next_line $LIMIT "$2"; then
		echo "BENCH $who done$4 $EPOCHREALTIME"
		found=1
	else
		echo "# $who: no \"$2\" in its log ($(alive && echo "after $LIMIT s" || echo "it exited"))"
		failed=1
	fi
	if until_kernel $LIMIT $3; then
		echo "BENCH $who $1 $SEEN"
	else
		echo "# $who: the kernel never showed the $1 table ($(lines) of $want lines)"
		failed=1
	fi
	[ $who = tandem ] && [ $found = 1 ] && tandem_line $4
}

run() { # NAME LOG DONE-START DONE-RELOAD CMD...: one daemon's cycle
	local who=$1 log=$2 d1=$3 d2=$4 dog
	shift 4
	ipvsadm -C
	cp /test/bench-a.conf /tmp/bench.conf
	: >/tmp/$who.out
	: >"$log"
	exec 6<"$log"
	echo "BENCH $who start $EPOCHREALTIME"
	"$@" >/tmp/$who.out 2>&1 &
	pid=$!
	phase full "$d1" full 1
	# Same table from both daemons?  Outside the timed windows.
	echo "BENCH $who table $(ipvsadm -Sn | LC_ALL=C sort | md5sum | cut -c1-12)"
	sleep 1				# let the daemon settle before the reload
	# ROUNDS reloads, each changing the one weight (to the second
	# config's, then back): the host reports their median, as one
	# reload's time moves with the load of the machine under TCG.
	local r
	for r in $(seq 1 "$ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then
			cp /test/bench-b.conf /tmp/bench.conf
			WANT_W=$CHANGED_WEIGHT
		else
			cp /test/bench-a.conf /tmp/bench.conf
			WANT_W=$ORIG_WEIGHT
		fi
		alive || break
		echo "BENCH $who hup.$r $EPOCHREALTIME"
		kill -HUP "$pid"
		phase changed.$r "$d2" changed 2.$r
		sleep 1
	done
	(sleep $LIMIT; kill -KILL "$pid" 2>/dev/null) &
	dog=$!
	echo "BENCH $who term $EPOCHREALTIME"
	kill -TERM "$pid"
	wait "$pid"
	local rc=$?
	echo "BENCH $who exited $EPOCHREALTIME"
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	exec 6<&-
	echo "# $who: exit status $rc, $(($(lines) - base)) entries left"
	if [ $who = tandem ]; then
		tandem_phases
		# A check child killed as hung (it is silent while it programs
		# the table) and restarted makes the figures meaningless.
		echo "BENCH tandem restarts $(($(grep -c 'started check child' "$log") - 1))"
		grep 'heartbeat' "$log" | head -n 3 | sed 's/^/# tandem log: /'
	fi
	[ $rc = 0 ] || failed=1
	cat /tmp/$who.out "$log" 2>/dev/null | grep -i 'error\|warn\|fail' | head -n 5 | sed "s/^/# $who log: /"
	[ "${VERBOSE:-0}" = 1 ] && cat "$log" | sed "s/^/# $who: /"
	pid=
}

run tandem /tmp/tandem.log 'services wanted; ' 'services wanted; ' \
	/test/tandem -C -n -D -G -g/tmp/tandem.log -f /tmp/bench.conf \
	-p /tmp/t.pid -c /tmp/tc.pid -r /tmp/tv.pid
run keepalived /tmp/keepalived.out 'Startup complete' 'Reload complete' \
	/test/keepalived -C -n -l -G -f /tmp/bench.conf \
	-p /tmp/k.pid -c /tmp/kc.pid -r /tmp/kv.pid
exit $failed
