#!/bin/sh
# How soon a silent real server is found down, against the time its
# config gives.  tandem -C checks 100 real servers (TCP_CHECK and
# HTTP_GET, delay_loop 1 s: a hundred checks a second, so the loop is
# not idle) and two more, one of each type, that go silent at a known
# moment: an nftables rule in the namespace drops what is sent to them,
# so their checks time out rather than being refused.
#
# The config (connect_timeout 0.5 s, retry 1, delay_before_retry 0.2 s)
# gives each victim up to one delay_loop to its next check, then two
# attempts of 0.5 s with 0.2 s between: down 0.7 to 2.2 s after the
# silence (0.7 when a check already in flight is the first to fail).
# Checked from tandem's own log stamps (ms), for each victim:
#   - the retry comes delay_before_retry after the first failure and
#     takes its connect_timeout: 0.7 s from the first failure to the
#     verdict, not less (the timeout was not cut short), and not more
#     than 0.4 s beyond (a retry that waited for a delay_loop, or behind
#     the routine checks, is late by a second);
#   - the verdict comes within the configured time plus 0.5 s;
#   - the check child was not restarted meanwhile.
# The margins are for CI's two busy cores: scheduler noise is tens of
# milliseconds there, the faults this is for are a second.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"

need_root_netns
command -v nft >/dev/null 2>&1 || skip_all "nft not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
setup_dir

PEER=""
my_cleanup() {
	[ -n "$PEER" ] && kill "$PEER" 2>/dev/null
	cleanup
}
trap my_cleanup EXIT

ip netns exec "$NS" python3 "$(dirname "$0")/check_detect_peer.py" 7000 7080 \
	>"$T/peer.out" 2>&1 &
PEER=$!
listening() { ip netns exec "$NS" ss -ltn "sport = :$1" | grep -q LISTEN; }
wait_until 50 listening 7000 && wait_until 50 listening 7080 ||
	{ not_ok "the real servers listen"; sed 's/^/# /' "$T/peer.out"; echo "1..$N"; exit 1; }

# Two virtual servers of 50 real servers each (127.0.1.k TCP_CHECK,
# 127.0.2.k HTTP_GET) and the victims 127.0.3.1 (TCP) and 127.0.3.2
# (HTTP).
awk 'function vs(n, kind, net, port, victim) {
	printf "virtual_server 10.0.0.%d 80 {\n  delay_loop 1\n  retry 1\n", n
	printf "  delay_before_retry 0.2\n  lvs_sched rr\n  protocol TCP\n"
	for (k = 1; k <= 51; k++) {
		addr = k <= 50 ? sprintf("127.0.%d.%d", net, k) : victim
		printf "  real_server %s %d {\n", addr, port
		if (kind == "tcp")
			printf "    TCP_CHECK { connect_timeout 0.5 }\n"
		else
			printf "    HTTP_GET {\n      url {\n        path /\n        status_code 200\n      }\n      connect_timeout 0.5\n    }\n"
		printf "  }\n"
	}
	printf "}\n"
}
BEGIN { vs(1, "tcp", 1, 7000, "127.0.3.1"); vs(2, "http", 2, 7080, "127.0.3.2") }' >"$CONF"

start_tandem -C
check "tandem -C starts and its check child comes up" \
	wait_until 100 eval 'is_tandem "$(readpid "$CPID")" && log_has "all children up"'
all_up() {
	dump_json && python3 - "$T/tandem_check.json" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["real_servers"]
sys.exit(0 if len(rs) == 102 and all(r["up"] for r in rs) else 1)
PY
}
check "all 102 real servers are up" wait_until 30 all_up
sleep 2				# a couple of rounds in the steady state

ip netns exec "$NS" nft -f - <<'EOF'
table inet check_detect {
	chain out {
		type filter hook output priority 0;
		ip daddr { 127.0.3.1, 127.0.3.2 } drop
	}
}
EOF
dead=$(date +%s.%N)
check "both victims are found down" wait_until 100 eval \
	'log_has "real server 127.0.3.1:7000 of .* is down" &&
	 log_has "real server 127.0.3.2:7080 of .* is down"'

# Each victim's first failed check and its verdict, from the log stamps.
timing() { # ADDR:PORT TYPE: "FIRST-FAILURE DOWN" seconds after $dead
	python3 - "$LOG" "$dead" "$1" "$2" <<'PY'
import re, sys, time
log, dead, rs, kind = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
def stamp(line):
    d, t = line.split()[:2]
    return time.mktime(time.strptime(d + " " + t[:8], "%Y-%m-%d %H:%M:%S")) + float(t[8:])
first = down = None
for line in open(log, errors="replace"):
    if first is None and f": {kind} of {rs}: " in line and line.rstrip().endswith(", retrying"):
        first = stamp(line) - dead
    if down is None and re.search(f"real server {re.escape(rs)} of .* is down", line):
        down = stamp(line) - dead
print(-1 if first is None else f"{first:.3f}", -1 if down is None else f"{down:.3f}")
PY
}
between() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }
for v in "127.0.3.1:7000 TCP_CHECK" "127.0.3.2:7080 HTTP_GET"; do
	set -- $v
	set -- "$1" "$2" $(timing "$1" "$2")
	diag "$2 of $1: first failure $3 s, down $4 s after the silence (configured 0.7..2.2 s)"
	retry=$(awk -v a="$3" -v b="$4" 'BEGIN { printf "%.3f", b - a }')
	check "$2 of $1: the retry and its timeout take 0.7 s, not a delay_loop more ($retry s)" \
		eval '[ "$3" != -1 ] && between "$retry" 0.68 1.1'
	check "$2 of $1: down within the configured 2.2 s + 0.5 s ($4 s)" \
		between "$4" 0.68 2.7
done
check "the check child was not restarted" \
	eval '[ "$(grep -c "started check child" "$LOG")" = 1 ]'

stop_pid "$TANDEM_PID"
check "tandem stops" eval '! alive "$TANDEM_PID"'
check_sanitizers
echo "1..$N"
[ "$FAILED" -eq 0 ]
