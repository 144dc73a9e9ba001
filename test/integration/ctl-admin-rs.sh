#!/bin/sh
# The operator's commands on real servers through tandemctl, with the
# whole daemon in a namespace (this kernel has no IPVS, so the check
# child runs without it: what is checked here is the held state as
# `tandemctl show rs --json` reports it; test/kernel/tandem_admin.sh
# checks the table).
#
#   drain / disable / enable, with and without --vs, an IPv6 server;
#   the checkers keep running under a hold (a server that comes up while
#   disabled stays out; enable then gives it the checkers' verdict);
#   poll runs a check at once (delay_loop is an hour);
#   names that match nothing, and bad addresses, are refused and change
#   nothing;
#   tandemctl reload keeps the holds, a reload that removes a server drops
#   its hold; a kill -9 of the check child: the parent replays the holds
#   to the new child.
#
# Root only.  Namespace tandem-test-PID, the temporary folder and every
# process this test started (by PID) are removed by the EXIT trap.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ctl-lib.sh"

need_root_netns
need_ctl
setup_dir
echo "1..30"

LPID=""
trap 'set +e; [ -n "$LPID" ] && kill "$LPID" 2>/dev/null; cleanup' EXIT

# conf [WITH_RS2_IN_VS2]: the config, with 127.0.0.2:80 in the second
# virtual server or not.
conf() {
	{
		ctl_global_defs
		echo "virtual_server 192.0.2.100 80 {"
		echo "  real_server 127.0.0.1 8080 {"
		echo "    weight 3"
		echo "    TCP_CHECK {"
		echo "      connect_timeout 0.5"
		echo "      delay_loop 3600"
		echo "      retry 0"
		echo "    }"
		echo "  }"
		echo "  real_server 127.0.0.2 80 {"
		echo "    weight 2"
		echo "  }"
		echo "}"
		echo "virtual_server 192.0.2.101 80 {"
		[ "${1:-yes}" = yes ] && echo "  real_server 127.0.0.2 80 { weight 5 }"
		echo "  real_server 127.0.0.3 80 { weight 1 }"
		echo "}"
		echo "virtual_server 2001:db8::100 80 {"
		echo "  real_server 2001:db8::1 80 { weight 4 }"
		echo "}"
	} >"$CONF"
}

# rs VS RS FIELD: a field of one real server in `show rs --json`
# ("None" for a JSON null, "-" when there is no such entry).
rs() { ctl_json show rs | ctl_find real_server "$2" virtual_server "$1" "$3"; }
holds() {
	for _h in "192.0.2.100:80 127.0.0.1:8080" "192.0.2.100:80 127.0.0.2:80" \
		  "192.0.2.101:80 127.0.0.2:80" "192.0.2.101:80 127.0.0.3:80" \
		  "[2001:db8::100]:80 [2001:db8::1]:80"; do
		rs $_h admin
	done | tr '\n' ' '
}

conf yes
start_tandem --all
wait_until 50 children_up
check "both children and the control socket are up" \
	wait_until 50 eval 'ctl status >/dev/null 2>&1'
check "the server with nothing listening is down (alpha not set: one failed check)" \
	wait_until 50 eval '[ "$(rs 192.0.2.100:80 127.0.0.1:8080 up)" = False ]'

# ---- drain, disable, enable
ctl drain 127.0.0.2:80 >"$T/out" 2>&1; rc=$?
check "drain without --vs succeeds ($rc)" [ "$rc" = 0 ]
check "it applies in both virtual servers that have the server" \
	eval '[ "$(holds)" = "None drained drained None None " ]'
check "a drained server stays in the table at weight 0" \
	eval '[ "$(rs 192.0.2.101:80 127.0.0.2:80 weight)" = 0 ] && [ "$(rs 192.0.2.101:80 127.0.0.2:80 in_table)" = True ]'
ctl enable 127.0.0.2:80 --vs 192.0.2.101:80 >"$T/out" 2>&1
check "enable with --vs: only there" \
	eval '[ "$(holds)" = "None drained None None None " ] && [ "$(rs 192.0.2.101:80 127.0.0.2:80 weight)" = 5 ]'
ctl disable '[2001:db8::1]:80' >"$T/out" 2>&1; rc=$?
check "disable of an IPv6 server ($rc): out of the table" \
	eval '[ "$(rs "[2001:db8::100]:80" "[2001:db8::1]:80" in_table)" = False ] && [ "$(rs "[2001:db8::100]:80" "[2001:db8::1]:80" admin)" = disabled ]'
ctl disable 127.0.0.1:8080 >"$T/out" 2>&1
check "disable of a down server" \
	eval '[ "$(holds)" = "disabled drained None None disabled " ]'
# the text screens carry the hold too: the ADMIN column
ctl show rs >"$T/rs.txt" 2>&1
check "show rs has an ADMIN column" grep -q "^ *VIRTUAL SERVER .* ADMIN " "$T/rs.txt"
check "show rs: drained and disabled on their lines, '-' where none" \
	eval 'grep -Eq "192\.0\.2\.100:80 +127\.0\.0\.2:80 +(up|down) +drained " "$T/rs.txt" && grep -Eq "\[2001:db8::1\]:80 +(up|down) +disabled " "$T/rs.txt" && grep -Eq "192\.0\.2\.101:80 +127\.0\.0\.3:80 +(up|down) +- " "$T/rs.txt"'
ctl status >"$T/st.txt" 2>&1
check "status: the hold is on the real server's line" \
	grep -Eq "^ +127\.0\.0\.1:8080 +(up|down) +disabled " "$T/st.txt"

# ---- the checkers run on underneath
ip netns exec "$NS" python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8080)); s.listen(16)
end = time.time() + 120
while time.time() < end:
    s.settimeout(1)
    try: c, _ = s.accept(); c.close()
    except OSError: pass' &
LPID=$!
sleep 0.5
checks0=$(ctl_json show rs | ctl_find real_server 127.0.0.1:8080 virtual_server 192.0.2.100:80 checkers 2>/dev/null | python3 -c 'import ast,sys; print(ast.literal_eval(sys.stdin.read())[0]["checks"])' 2>/dev/null)
ctl poll 127.0.0.1:8080 >"$T/out" 2>&1; rc=$?
check "poll succeeds ($rc)" [ "$rc" = 0 ]
check "poll: the checker runs at once and finds the server up (delay_loop is an hour)" \
	wait_until 50 eval '[ "$(rs 192.0.2.100:80 127.0.0.1:8080 up)" = True ]'
checks1=$(ctl_json show rs | ctl_find real_server 127.0.0.1:8080 virtual_server 192.0.2.100:80 checkers 2>/dev/null | python3 -c 'import ast,sys; print(ast.literal_eval(sys.stdin.read())[0]["checks"])' 2>/dev/null)
check "poll: one more check counted ($checks0 -> $checks1)" \
	sh -c "[ -n '$checks0' ] && [ -n '$checks1' ] && [ '$checks1' -gt '$checks0' ]"
check "up, but held disabled: still out of the table" \
	eval '[ "$(rs 192.0.2.100:80 127.0.0.1:8080 in_table)" = False ] && [ "$(rs 192.0.2.100:80 127.0.0.1:8080 admin)" = disabled ]'
check "the log says the server is up but held" \
	log_has "real server 127.0.0.1:8080 of 192.0.2.100:80 is up: held by the operator, disabled"

# ---- refused requests change nothing
before=$(holds)
for bad in "127.0.0.9:80" "127.0.0.2:81" "nonsense" "127.0.0.2:0" "[2001:db8::1" ""; do
	ctl drain "$bad" >"$T/out" 2>&1 && break
done
check "unknown or malformed real servers are refused (last: '$bad')" [ "$bad" = "" ]
ctl drain 127.0.0.3:80 --vs 192.0.2.100:80 >"$T/out" 2>&1; rc=$?
check "a real server named in a virtual server that lacks it is refused ($rc)" [ "$rc" != 0 ]
check "the error names it" grep -q "no such real server" "$T/out"
ctl drain 127.0.0.2:80 --vs 198.51.100.1:80 >"$T/out" 2>&1; rc=$?
check "an unknown virtual server is refused ($rc)" [ "$rc" != 0 ]
check "nothing changed" eval '[ "$(holds)" = "$before" ]'

# ---- held across reloads
ctl reload >"$T/out" 2>&1; rc=$?
check "tandemctl reload succeeds ($rc)" [ "$rc" = 0 ]
check "the holds are kept" eval '[ "$(holds)" = "disabled drained None None disabled " ]'
ctl drain 127.0.0.3:80 >"$T/out" 2>&1
ctl drain 127.0.0.2:80 --vs 192.0.2.101:80 >"$T/out" 2>&1
conf no
ctl reload >"$T/out" 2>&1
wait_until 30 eval '[ "$(rs 192.0.2.101:80 127.0.0.2:80 admin)" = - ]'
conf yes
ctl reload >"$T/out" 2>&1
wait_until 30 eval '[ "$(rs 192.0.2.101:80 127.0.0.2:80 admin)" != - ]'
check "a reload that removed a server dropped its hold; the others stay" \
	eval '[ "$(holds)" = "disabled drained None drained disabled " ]'

# ---- a restarted check child gets the holds back (the parent's copy
# followed the reloads: the hold they dropped is not replayed)
c1=$(readpid "$CPID")
kill -KILL "$c1"
wait_until 50 newpid "$CPID" "$c1"
check "the check child is restarted" newpid "$CPID" "$c1"
check "the parent replays its holds (not the one the reload dropped)" \
	wait_until 50 log_has "check child restarted: replaying 4 operator holds"
check "the new child holds them" \
	wait_until 50 eval '[ "$(holds)" = "disabled drained None drained disabled " ]'

# ---- enable everything
for r in 127.0.0.1:8080 127.0.0.2:80 127.0.0.3:80 '[2001:db8::1]:80'; do
	ctl enable "$r" >"$T/out" 2>&1
done
check "enable: no hold left" eval '[ "$(holds)" = "None None None None None " ]'
check "enable gives the checkers' verdict: up and in the table at its weight" \
	eval '[ "$(rs 192.0.2.100:80 127.0.0.1:8080 in_table)" = True ] && [ "$(rs 192.0.2.100:80 127.0.0.1:8080 weight)" = 3 ]'
check_sanitizers
