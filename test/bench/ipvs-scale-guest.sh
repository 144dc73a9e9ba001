#!/bin/sh
# In-guest part of ipvs-scale.sh (bash is /bin/sh in the VM).  Runs tandem
# -C, then keepalived -C, from the same config, each on an empty table:
# start until the full table is in the kernel, SIGHUP with a config that
# changes one weight until the kernel shows it, SIGTERM until exit.
#
# It prints "BENCH daemon key epoch-seconds" lines and leaves the
# arithmetic to the host.  The kernel is read through /proc/net/ip_vs with
# busybox tools (static, cheap to start under TCG) so the polling steals
# as little as possible of the one vCPU the daemons run on.  Every wait is
# bounded; a wait that runs out is reported and fails the run.
cd /tmp || exit 1
. /test/bench.env
POLL=0.05
LIMIT=240			# seconds for any one wait
failed=0
pid=
echo "BENCH guest poll $POLL"

now() { echo "$EPOCHREALTIME"; }
lines() { wc -l </proc/net/ip_vs; }
base=$(lines)			# the header lines of an empty table
want=$((base + NSVC + NSVC * NRS))

wait_until() { # SECONDS CMD...: poll CMD until it succeeds or time runs out
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep $POLL
	done
}
full() { [ "$(lines)" -ge "$want" ]; }
changed() { grep -q "$CHANGED_DEST *Masq *$CHANGED_WEIGHT " /proc/net/ip_vs; }
gone() { ! kill -0 "$pid" 2>/dev/null; }

# Stamp of the Nth tandem log line "IPVS: N services wanted; M requests"
# (the log is in UTC here: the guest has no time zone) and its count.
tandem_applied() { # N
	local n=$1 line
	line=$(grep 'services wanted; [0-9]* requests' /tmp/tandem.log | sed -n "${n}p")
	[ -n "$line" ] || return 1
	set -- $line
	echo "BENCH tandem applied$n $(date -u -d "$1 ${2%.*}" +%s).${2##*.}"
	echo "BENCH tandem requests$n $(echo "$line" | sed 's/.*wanted; \([0-9]*\) requests.*/\1/')"
}

# watch SECONDS TAG-A CMD-A TAG-B CMD-B: poll both conditions in one loop
# and print "BENCH who TAG stamp" for each when first seen.
watch() {
	local end=$((SECONDS + $1)) ta=$2 ca=$3 tb=$4 cb=$5 da=0 db=0
	while :; do
		[ $da = 1 ] || ! eval "$ca" || { da=1; echo "BENCH $who $ta $(now)"; }
		[ $db = 1 ] || ! eval "$cb" || { db=1; echo "BENCH $who $tb $(now)"; }
		[ $da$db = 11 ] && return 0
		if [ $SECONDS -ge $end ]; then
			echo "# $who: no $([ $da = 1 ] || echo "$ta ")$([ $db = 1 ] || echo "$tb ")after $1 s ($(lines) of $want lines)"
			return 1
		fi
		sleep $POLL
	done
}
# The daemon's own word that it is done: tandem's log line per sync,
# keepalived's "Startup complete" / "Reload complete".
tandem_done() {
	local c
	c=$(grep -c 'services wanted; [0-9]* requests' /tmp/tandem.log 2>/dev/null)
	[ "${c:-0}" -ge "$1" ]
}
keepalived_done() { grep -q "$1 complete" /tmp/keepalived.out; }

run() { # NAME CMD...: the whole cycle for one daemon
	local who=$1 t
	shift
	ipvsadm -C
	cp /test/bench-a.conf /tmp/bench.conf
	echo "BENCH $who start $(now)"
	"$@" >/tmp/$who.out 2>&1 &
	pid=$!
	if [ $who = tandem ]; then d1='tandem_done 1' d2='tandem_done 2'
	else d1='keepalived_done Startup' d2='keepalived_done Reload'; fi
	watch $LIMIT full full done1 "$d1" || failed=1
	[ $who = tandem ] && tandem_applied 1
	# Same table from both daemons?  Outside the timed windows.
	echo "BENCH $who table $(ipvsadm -Sn | LC_ALL=C sort | md5sum | cut -c1-12)"
	sleep 1				# let the daemon settle before the reload
	cp /test/bench-b.conf /tmp/bench.conf
	echo "BENCH $who hup $(now)"
	kill -HUP "$pid"
	watch $LIMIT changed changed done2 "$d2" || failed=1
	[ $who = tandem ] && tandem_applied 2
	sleep 1
	echo "BENCH $who term $(now)"
	kill -TERM "$pid"
	if wait_until $LIMIT gone; then
		echo "BENCH $who exited $(now)"
	else
		echo "# $who: did not exit on SIGTERM"
		kill -KILL "$pid"
		failed=1
	fi
	wait "$pid"
	echo "# $who: exit status $?, $(($(lines) - base)) entries left"
	cat /tmp/$who.out /tmp/$who.log 2>/dev/null | grep -i 'error\|warn\|fail' | head -n 5 | sed "s/^/# $who log: /"
	[ "${VERBOSE:-0}" = 1 ] && cat /tmp/$who.out /tmp/$who.log 2>/dev/null | sed "s/^/# $who: /"
	pid=
}

run tandem /test/tandem -C -n -G -g/tmp/tandem.log -f /tmp/bench.conf \
	-p /tmp/t.pid -c /tmp/tc.pid -r /tmp/tv.pid
run keepalived /test/keepalived -C -n -l -G -f /tmp/bench.conf \
	-p /tmp/k.pid -c /tmp/kc.pid -r /tmp/kv.pid
exit $failed
