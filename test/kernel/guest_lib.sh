# Shared part of the in-guest kernel-tier scripts that run the daemon
# (tandem_daemon_guest.sh, tandem_traffic_guest.sh), sourced from /test/
# in the VM: TAP output, bounded waits, and starting and stopping
# `tandem -C` with its log in /tmp.  bash is /bin/sh in the VM.  Kept to
# shell builtins where it can be: each exec of a dynamic binary costs
# ~100 ms under TCG.
T=/test/tandem
n=0
failed=0
pid=
: >/tmp/tandem.err

ok() { # STATUS NAME
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
check() { # NAME CMD...
	local name=$1
	shift
	if "$@"; then ok 0 "$name"; else ok 1 "$name"; fi
}
# Bounded by the clock, not by a count of tries: under a loaded TCG a
# try can take longer than its pause.
wait_for() { # SECONDS CMD...
	local end=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	while :; do
		"$@" && return 0
		[ "${EPOCHREALTIME/./}" -lt "$end" ] || return 1
		sleep 0.1
	done
}
alive() { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
# web_servers ADDR...: the /32 addresses on a dummy interface tdummy0,
# and a busybox httpd on port 80 of each ADDR not written -ADDR (address
# only); the httpds' pids are H1, H2, ... in that order.
web_servers() {
	local a i=0
	ip link add tdummy0 type dummy && ip link set tdummy0 up ||
		echo "# guest: interface setup failed"
	mkdir -p /tmp/www && echo hello >/tmp/www/index.html
	for a in "$@"; do
		ip addr add "${a#-}/32" dev tdummy0 ||
			echo "# guest: address ${a#-} failed"
		[ "${a#-}" = "$a" ] || continue
		httpd -f -p "$a:80" -h /tmp/www &
		i=$((i + 1))
		eval "H$i=$!"
	done
}
start() { # EXTRA-OPTIONS...
	: >/tmp/tandem.log
	$T -C -n -G -g/tmp/tandem.log -f /tmp/t.conf -p /tmp/t.pid \
		-c /tmp/tc.pid -r /tmp/tv.pid "$@" 2>>/tmp/tandem.err &
	pid=$!
}
stop() {
	alive || return 1
	kill -TERM "$pid"
	wait_for 15 eval '! kill -0 "$pid" 2>/dev/null' || return 1
	wait "$pid"
	local rc=$?
	pid=
	return $rc
}
diag_log() { sed 's/^/# log: /' /tmp/tandem.log; }
table() { ipvsadm -Sn | LC_ALL=C sort; }
# Counters of one service ("-u 10.70.0.1:9000"), as ipvsadm shows them.
conns() { ipvsadm -Ln --stats $1 | awk '$1 ~ /^(TCP|UDP|SCTP|FWM)$/ { print $3; exit }'; }
inpkts() { ipvsadm -Ln --stats $1 | awk '$1 ~ /^(TCP|UDP|SCTP|FWM)$/ { print $4; exit }'; }
# The end of a guest script: sanitizer reports fail, the plan, the status.
finish() {
	check "no sanitizer report" eval '! grep -q "runtime error\|Sanitizer" /tmp/tandem.err'
	sed 's/^/# stderr: /' /tmp/tandem.err | head -40
	[ $failed = 0 ] || diag_log
	echo "1..$n"
	[ $failed = 0 ]
}
