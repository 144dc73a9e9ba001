#!/bin/sh
# The control socket and tandemctl against a real tandem in a network
# namespace: one VRRP instance alone on a veth (it becomes MASTER) and a
# virtual server whose TCP_CHECKs reach socat listeners on loopback (one
# up, one refused).  Covered: the socket's folder and mode (0600; 0660 and
# the group with control_socket_group, moved by a reload; none), status
# and show as text and as --json (parsed), names that do not exist,
# reload applied (the changed blocks listed) and refused (every error
# with file:line, exit 1, nothing changed), monitor seeing a real server
# go down and a new instance's transitions (lines and JSON), the
# forwarded admin commands, every bad input (python3 raw client: malformed
# JSON, not an object, no or unknown command, a NUL byte, a line over
# 64 KiB, a byte-by-byte request, many requests at once, a client leaving
# mid-request, a flood of clients, an idle client) answered, logged and
# counted while the daemon keeps running, a second daemon on the same
# path, a stale socket replaced, and tandemctl's exit codes.
. "$(dirname "$0")/lib.sh"

need_root_netns
command -v socat >/dev/null 2>&1 || skip_all "socat not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
CTL="$(dirname "$TANDEM")/tandemctl"
[ -x "$CTL" ] || skip_all "$CTL not built"
PROBE="$(dirname "$0")/ctl_probe.py"
setup_dir
echo "1..87"

SOCK="$T/run/ctl/tandem.sock"
LPIDS=""
MPIDS=""
listen() { # PORT: a TCP listener in the namespace
	ip netns exec "$NS" socat TCP-LISTEN:"$1",fork,reuseaddr,bind=127.0.0.1 \
		/dev/null >/dev/null 2>&1 &
	LPIDS="$LPIDS $!"
	eval "L$1=$!"
}
listening() { ip netns exec "$NS" ss -ltn "sport = :$1" | grep -q LISTEN; }
my_cleanup() {
	for _l in $LPIDS $MPIDS; do kill "$_l" 2>/dev/null; done
	cleanup
}
trap my_cleanup EXIT

ctl() { "$CTL" -s "$SOCK" "$@"; }
probe() { python3 "$PROBE" "$1" "$SOCK" "$2" "${3:-}"; }
# jq-like: python3 expression E over the JSON on stdin (d), printed
pj() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
stat_of() { stat -c "$1" "$2" 2>/dev/null; }

ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" addr add 10.97.0.1/24 dev v0
ip -n "$NS" link set v0 up
ip -n "$NS" link set v1 up

# conf [EXTRA-GLOBAL] [EXTRA-BLOCKS] [EXTRA-REAL-SERVER]
conf() {
	write_conf \
	"global_defs {" \
	"    router_id ctl_test" \
	"    control_socket $SOCK" \
	"$1" \
	"}" \
	"vrrp_instance VI_1 {" \
	"    interface v0" \
	"    virtual_router_id 51" \
	"    priority 100" \
	"    version 3" \
	"    advert_int 0.2" \
	"    virtual_ipaddress {" \
	"        10.97.0.100/24" \
	"    }" \
	"}" \
	"$2" \
	"virtual_server 10.0.0.1 80 {" \
	"    delay_loop 0.2" \
	"    real_server 127.0.0.1 7001 {" \
	"        TCP_CHECK {" "            connect_timeout 0.5" "            retry 0" "        }" \
	"    }" \
	"    real_server 127.0.0.1 7002 {" \
	"        TCP_CHECK {" "            connect_timeout 0.5" "            retry 0" "        }" \
	"    }" \
	"$3" \
	"}"
}

listen 7001
wait_until 30 listening 7001
conf
export TANDEM_CTL_IDLE_SEC=3
start_tandem
wait_until 50 children_up
check "tandem starts with both children" children_up
v=$(readpid "$VPID"); c=$(readpid "$CPID")
wait_until 50 test -S "$SOCK"

# --- the socket ---------------------------------------------------------
check "the socket is there" test -S "$SOCK"
check "its mode is 0600, root's (got $(stat_of '%a %U' "$SOCK"))" \
	test "$(stat_of '%a %U' "$SOCK")" = "600 root"
check "its folder was made 0755 (got $(stat_of %a "$T/run/ctl"))" \
	test "$(stat_of %a "$T/run/ctl")" = 755

# --- status and show ----------------------------------------------------
wait_until 50 sh -c "'$CTL' -s '$SOCK' show vrrp VI_1 | grep -q 'VI_1: MASTER'"
wait_until 50 sh -c "'$CTL' -s '$SOCK' show rs 127.0.0.1:7002 | grep -q down"
ctl status >"$T/st.txt" 2>&1
check "status exits 0" test $? = 0
check "status shows the instance as MASTER, no hold" grep -q "VI_1 *MASTER *- *100" "$T/st.txt"
check "status shows the virtual server" grep -q "10.0.0.1:80: quorum" "$T/st.txt"
check "status shows the real server up with its check" \
	grep -q "127.0.0.1:7001 *up .*TCP_CHECK ok" "$T/st.txt"
check "status shows the refused server down with the reason" \
	grep -Eq "127.0.0.1:7002 *down .*TCP_CHECK failed: .+" "$T/st.txt"
TANDEM_SOCKET="$SOCK" "$CTL" status --json >"$T/st.json"
check "status --json (socket from TANDEM_SOCKET) parses" \
	sh -c "python3 -m json.tool '$T/st.json' >/dev/null"
check "status --json: the instance's state and priority" \
	test "$(pj "d['vrrp'][0]['data']['state'], d['vrrp'][0]['data']['effective_priority']" <"$T/st.json")" = "MASTER 100"
check "status --json: two real servers, up and down" \
	test "$(pj "[r['up'] for r in d['virtual_servers'][0]['real_servers']]" <"$T/st.json")" = "[True, False]"
check "status --json: the parent's pid and version" \
	test "$(pj "d['tandem']['pid']" <"$T/st.json")" = "$TANDEM_PID"
check "show vrrp VI_1 prints the instance" \
	sh -c "'$CTL' -s '$SOCK' show vrrp VI_1 | grep -q 'virtual addresses: 10.97.0.100/24'"
ctl show vrrp NOPE >"$T/o" 2>&1
check "show vrrp NOPE exits 1" test $? = 1
check "show vrrp NOPE says why" grep -q "no VRRP instance named NOPE" "$T/o"
check "show vs 10.0.0.1:80 --json: that server only" \
	test "$(ctl show vs 10.0.0.1:80 --json | pj "len(d['virtual_servers']), d['virtual_servers'][0]['virtual_server']")" = "1 10.0.0.1:80"
ctl show vs 10.9.9.9:1 >/dev/null 2>&1
check "show vs of an unknown server exits 1" test $? = 1
# This kernel has no IPVS: show ipvs says so, as JSON and as text (the
# table itself is the kernel tier's).
check "show ipvs --json: the IPVS part of the check process" \
	test "$(ctl show ipvs --json | pj "d['ipvs']['available']")" = False
check "show ipvs says the kernel has none" sh -c "'$CTL' -s '$SOCK' show ipvs | grep -q '^IPVS: not available'"
ctl show ipvs extra >/dev/null 2>&1
check "show ipvs takes no name (exit 2)" test $? = 2
check "show rs 127.0.0.1:7002 --vs 10.0.0.1:80 --json: down" \
	test "$(ctl show rs 127.0.0.1:7002 --vs 10.0.0.1:80 --json | pj "d['real_servers'][0]['up']")" = False
ctl show rs 192.0.2.9:9 >"$T/o" 2>&1
check "show rs of an unknown server exits 1 and says so" \
	sh -c "[ $? = 1 ] && grep -q 'no real server 192.0.2.9:9' '$T/o'"

# --- usage and connection errors --------------------------------------
"$CTL" -s "$SOCK" >/dev/null 2>&1
check "no command: exit 2" test $? = 2
ctl frobnicate >/dev/null 2>&1
check "an unknown command: exit 2" test $? = 2
ctl show bogus >/dev/null 2>&1
check "show bogus: exit 2" test $? = 2
ctl drain >/dev/null 2>&1
check "drain without a real server: exit 2" test $? = 2
ctl demote VI_1 --vs x >/dev/null 2>&1
check "demote with --vs: exit 2" test $? = 2
"$CTL" -s "$T/nothing.sock" status >"$T/o" 2>&1
check "no daemon on the socket: exit 3" test $? = 3
ctl drain 127.0.0.1:7001 >"$T/o" 2>&1
rc=$?
check "drain is routed to the check process (exit $rc: $(cat "$T/o"))" \
	sh -c "[ $rc = 0 ] || { [ $rc = 1 ] && grep -q 'unknown command: drain' '$T/o'; }"
ctl demote VI_1 >"$T/o" 2>&1
rc=$?
check "demote is routed to the vrrp process (exit $rc)" \
	sh -c "[ $rc = 0 ] || { [ $rc = 1 ] && grep -q 'unknown command: demote' '$T/o'; }"
[ $rc = 0 ] && ctl promote VI_1 >/dev/null 2>&1

# --- monitor, then a reload that adds an instance ---------------------
"$CTL" -s "$SOCK" monitor --json >"$T/mon.json" 2>&1 &
MPIDS="$MPIDS $!"
"$CTL" -s "$SOCK" monitor >"$T/mon.txt" 2>&1 &
MPIDS="$MPIDS $!"
wait_until 30 sh -c "[ \$(python3 '$PROBE' req '$SOCK' '{\"cmd\":\"status\"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"result\"][\"tandem\"][\"control\"][\"clients\"])') -ge 3 ]"
conf "" "vrrp_instance VI_2 {
    interface v0
    virtual_router_id 52
    priority 90
    version 3
    advert_int 0.2
    virtual_ipaddress {
        10.97.0.101/24
    }
}" "    real_server 127.0.0.1 7003 {
        TCP_CHECK {
            connect_timeout 0.5
            retry 0
        }
    }"
ctl reload >"$T/rl.txt" 2>&1
check "reload applied: exit 0" test $? = 0
check "reload lists the new instance" grep -q "added vrrp_instance VI_2" "$T/rl.txt"
check "reload lists the changed virtual server" \
	grep -q "changed virtual_server 10.0.0.1 80" "$T/rl.txt"
check "reload does not list the unchanged instance" sh -c "! grep -q 'VI_1' '$T/rl.txt'"
check "the children kept their pids" \
	sh -c "[ '$(readpid "$VPID")' = '$v' ] && [ '$(readpid "$CPID")' = '$c' ]"
check "reload --json with nothing changed: empty lists, both children applied" \
	test "$(ctl reload --json | pj "d['changes'], sorted(d['children'].items())")" = \
	"{'added': [], 'removed': [], 'changed': []} [('check', 'applied'), ('vrrp', 'applied')]"
wait_until 50 grep -q '"instance":"VI_2","state":"MASTER"' "$T/mon.json"
check "monitor --json sees the new instance become MASTER" \
	grep -q '"event":"vrrp","instance":"VI_2","state":"MASTER","prev":"BACKUP"' "$T/mon.json"
check "monitor prints it as a line" grep -q "vrrp VI_2: BACKUP -> MASTER (priority 90)" "$T/mon.txt"
kill "$L7001"
wait "$L7001" 2>/dev/null
wait_until 50 grep -q '"real_server":"127.0.0.1:7001","up":false' "$T/mon.json"
ev=$(grep '"real_server":"127.0.0.1:7001","up":false' "$T/mon.json" | head -1)
check "monitor --json sees the real server go down, with a reason ($ev)" \
	test "$(echo "$ev" | pj "d['event'], d['virtual_server'], len(d['reason']) > 0")" = "rs 10.0.0.1:80 True"
wait_until 30 grep -q "rs 127.0.0.1:7001 of 10.0.0.1:80: DOWN" "$T/mon.txt"
check "monitor prints it as a line" grep -q "rs 127.0.0.1:7001 of 10.0.0.1:80: DOWN: ." "$T/mon.txt"
ev=$(grep '"event":"reload"' "$T/mon.json" | head -1)
check "monitor --json got the applied reload with its changes ($ev)" \
	test "$(echo "$ev" | pj "d['result'], d['changes']['added'], sorted(d['children'].items())")" = \
	"applied ['vrrp_instance VI_2'] [('check', 'applied'), ('vrrp', 'applied')]"
check "monitor prints it as a line" \
	grep -q "reload applied: added vrrp_instance VI_2, changed virtual_server 10.0.0.1 80" "$T/mon.txt"

# --- a refused reload ---------------------------------------------------
cp "$CONF" "$T/good.conf"
write_conf "global_defs {" "    control_socket $SOCK" "    no_such_keyword 1" "}" "no_such_block {" "}"
ctl reload >"$T/rl.txt" 2>&1
check "a broken file: reload exits 1" test $? = 1
check "the first error is located (file:line)" grep -q "tandem.conf:3: error: " "$T/rl.txt"
check "every error is located" grep -q "tandem.conf:5: error: " "$T/rl.txt"
check "it says the running config is kept" grep -q "running config is kept" "$T/rl.txt"
check "the running config is untouched (VI_2 still runs)" \
	sh -c "'$CTL' -s '$SOCK' show vrrp VI_2 >/dev/null"
check "reload --json of a broken file: errors with file and line" \
	test "$(ctl reload --json | pj "d['ok'], [(e['file'].split('/')[-1], e['line']) for e in d['errors']]")" = \
	"False [('tandem.conf', 3), ('tandem.conf', 5)]"
cp "$T/good.conf" "$CONF"
wait_until 30 grep -q '"result":"refused"' "$T/mon.json"
ev=$(grep '"result":"refused"' "$T/mon.json" | head -1)
check "monitor --json got the refused reload with its located errors" \
	test "$(echo "$ev" | pj "d['event'], [(e['file'].split('/')[-1], e['line']) for e in d['errors']]")" = \
	"reload [('tandem.conf', 3), ('tandem.conf', 5)]"
check "monitor prints it as a line with the first error" \
	grep -q "reload refused: 2 errors, first .*tandem.conf:3: " "$T/mon.txt"
for m in $MPIDS; do kill "$m" 2>/dev/null; wait "$m" 2>/dev/null; done
MPIDS=""

# --- metrics: the same text as the HTTP endpoint, the parent's included
ctl metrics >"$T/metrics.txt" 2>&1
check "tandemctl metrics exits 0" test $? = 0
check "it has the parent's block (tandem_uptime_seconds, reloads)" \
	sh -c "grep -q '^tandem_uptime_seconds ' '$T/metrics.txt' && grep -q '^tandem_reloads_total{result=\"refused\"} [1-9]' '$T/metrics.txt'"
check "and both children's, each answering" \
	sh -c "grep -q '^tandem_scrape_child_ok{child=\"vrrp\"} 1' '$T/metrics.txt' && grep -q '^tandem_scrape_child_ok{child=\"check\"} 1' '$T/metrics.txt' && grep -q '^tandem_check_checks_total' '$T/metrics.txt'"

# --- bad input on the socket -------------------------------------------
check "malformed JSON gets an error" sh -c "python3 '$PROBE' raw '$SOCK' '{bad' | grep -q '\"ok\":false,\"error\":\"malformed JSON\"'"
check "an array gets an error" sh -c "python3 '$PROBE' raw '$SOCK' '[1,2]' | grep -q 'must be a JSON object'"
check "text after the object gets an error" sh -c "python3 '$PROBE' raw '$SOCK' '{\"cmd\":\"ping\"} x' | grep -q 'text after the object'"
check "a NUL byte gets an error" sh -c "python3 '$PROBE' raw '$SOCK' '{\"cmd\":\"ping\"\\x00}' | grep -q 'NUL byte'"
check "no cmd gets an error" sh -c "python3 '$PROBE' req '$SOCK' '{\"x\":1}' | grep -q 'needs ..cmd'"
check "a cmd that is not a string gets an error" sh -c "python3 '$PROBE' req '$SOCK' '{\"cmd\":5}' | grep -q '\"ok\":false'"
check "an unknown command gets an error" sh -c "python3 '$PROBE' req '$SOCK' '{\"cmd\":\"frob\"}' | grep -q 'unknown command: frob'"
check "show without what gets an error" sh -c "python3 '$PROBE' req '$SOCK' '{\"cmd\":\"show\"}' | grep -q 'vrrp, vs, rs or ipvs'"
long=$(python3 -c "print('x' * 5000)")
check "a name too long to relay gets an error" sh -c "python3 '$PROBE' req '$SOCK' '{\"cmd\":\"show\",\"what\":\"vrrp\",\"name\":\"$long\"}' | grep -q 'request too large to pass to the vrrp process'"
check "demote without a name gets an error" sh -c "python3 '$PROBE' req '$SOCK' '{\"cmd\":\"demote\"}' | grep -q 'needs ..name'"
check "a line over 64 KiB: an error, then closed" sh -c "python3 '$PROBE' longline '$SOCK' | grep -q 'longer than 65536 bytes.* closed$'"
check "a request sent byte by byte is answered" sh -c "python3 '$PROBE' trickle '$SOCK' | grep -q '\"pong\":true'"
check "200 requests on one connection: 200 answers" sh -c "python3 '$PROBE' many '$SOCK' 200 | grep -qx 'answers 200'"
check "a client that shuts its sending side gets its answer, then is closed" \
	sh -c "python3 '$PROBE' halfclose '$SOCK' '{\"cmd\":\"status\"}' | grep -q '^{\"ok\":true,\"result\":{\"tandem\".* closed$'"
for i in 1 2 3; do python3 "$PROBE" leave "$SOCK" '{"cmd":"status"}' >/dev/null; done
python3 "$PROBE" leave "$SOCK" '{"cmd":"reload"}' >/dev/null
wait_until 30 log_has "reload complete"
check "clients leaving mid-request: the daemon still answers" \
	sh -c "python3 '$PROBE' req '$SOCK' '{\"cmd\":\"ping\"}' | grep -q pong"
out=$(python3 "$PROBE" flood "$SOCK" 70)
check "a flood of 70 clients: 64 served, 6 refused ($out)" test "$out" = "accepted 64 refused 6"
wait_until 30 sh -c "python3 '$PROBE' req '$SOCK' '{\"cmd\":\"ping\"}' | grep -q pong"
out=$(python3 "$PROBE" idle "$SOCK" 3)
check "an idle client gets an error and is closed ($out)" \
	sh -c "echo '$out' | grep -q 'idle timeout.* closed idle [345] s'"
ctl status --json >"$T/st.json"
check "every bad input is counted" \
	test "$(pj "[d['tandem']['control'][k] >= n for k, n in (('bad_json', 4), ('unknown', 3), ('too_long', 1), ('rejected', 6), ('idle', 1))]" <"$T/st.json")" = \
	"[True, True, True, True, True]"
# The reload the leaving client asked for may still be running: wait for
# its answer to be dropped rather than read the counters once.
left_counted() {
	ctl status --json >"$T/st2.json" &&
	test "$(pj "d['tandem']['control']['left_mid_request'] + d['tandem']['control']['dropped_replies'] >= 1" <"$T/st2.json")" = True
}
check "a client leaving mid-request is counted" wait_until 50 left_counted
check "bad input is logged" log_has "control: client [0-9]*: malformed JSON"
check "the daemon and its children kept running" \
	sh -c "kill -0 $TANDEM_PID && [ '$(readpid "$VPID")' = '$v' ] && [ '$(readpid "$CPID")' = '$c' ]"

# --- a child that hangs mid-request ------------------------------------
kill -STOP "$c"
ctl status --json >"$T/st.json" 2>"$T/o"
check "status with a hung check child still answers (exit $?)" test $? = 0
got=$(pj "d.get('errors'), sorted(i['data']['iname'] for i in d['vrrp'])" <"$T/st.json" 2>&1)
check "it names the check process as not answering, and has the VRRP part ($got)" \
	test "$got" = \
	"['the check process did not answer'] ['VI_1', 'VI_2']"
wait_until 100 newpid "$CPID" "$c"
c=$(readpid "$CPID")
wait_until 50 sh -c "'$CTL' -s '$SOCK' show rs 127.0.0.1:7002 >/dev/null 2>&1"
check "the restarted check child answers show" \
	sh -c "'$CTL' -s '$SOCK' show rs 127.0.0.1:7002 | grep -q down"

# --- a second daemon on the same path; a stale socket ------------------
printf 'global_defs {\n    control_socket %s\n}\n' "$SOCK" >"$T/second.conf"
ip netns exec "$NS" "$TANDEM" -n -l -G -f "$T/second.conf" -p "$T/p2" \
	-r "$T/v2" -c "$T/c2" >"$T/log2" 2>&1 &
P2=$!
EXTRA_PIDS="$P2"
wait_until 50 grep -q "control" "$T/log2" 2>/dev/null
check "a second daemon on the path warns and runs without the socket" \
	grep -q "another daemon serves $SOCK" "$T/log2"
check "the first daemon keeps the socket" \
	test "$(ctl version --json | pj "d['pid']")" = "$TANDEM_PID"
stop_pid "$P2"
kill -STOP "$TANDEM_PID"
kill -KILL "$v" "$c" "$TANDEM_PID"
wait "$TANDEM_PID" 2>/dev/null
wait_until 50 sh -c "[ ! -e /proc/$v ] && [ ! -e /proc/$c ]"
check "a killed daemon leaves its socket file" test -S "$SOCK"
new_log
start_tandem
wait_until 50 children_up
wait_until 30 sh -c "'$CTL' -s '$SOCK' ping >/dev/null 2>&1"
check "the next daemon replaces the stale socket" log_has "replacing the stale socket $SOCK"
check "and answers on it" sh -c "'$CTL' -s '$SOCK' ping | grep -qx ok"

# --- control_socket_group and none, by reload ---------------------------
conf "    control_socket_group daemon"
ctl reload >/dev/null 2>&1
wait_until 30 test "$(stat_of '%a %G' "$SOCK")" = "660 daemon"
check "control_socket_group: mode 0660, that group (got $(stat_of '%a %G' "$SOCK"))" \
	test "$(stat_of '%a %G' "$SOCK")" = "660 daemon"
check "the moved socket answers" sh -c "'$CTL' -s '$SOCK' ping | grep -qx ok"
write_conf "global_defs {" "    control_socket none" "}"
kill -HUP "$TANDEM_PID"
wait_until 50 test ! -e "$SOCK"
check "control_socket none: the socket goes away" test ! -e "$SOCK"

stop_pid "$TANDEM_PID"
check_sanitizers
[ "$FAILED" = 0 ]
