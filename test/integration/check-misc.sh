#!/bin/sh
# MISC_CHECK, notify scripts, the LVS notify FIFO and the quorum, end to
# end: tandem -C in a network namespace runs shell scripts as checkers
# (each exits with the status written in its state file, so the test
# steers every verdict), and its JSON dump shows the verdicts, reasons,
# dynamic weights and quorum state.  The IPVS table itself is the kernel
# tier's (this machine's kernel has no IPVS; the check process runs
# without it and still checks).  Covered: exit 0 up, exit 1 down,
# misc_dynamic (exit N: weight N - 2), a script hanging past misc_timeout
# killed with its child, an unsafe script refused under
# enable_script_security with its path in the log, a missing one,
# `user`, notify_up / notify_down in order, rs_init_notifies, the FIFO's
# lines through lvs_notify_fifo_script, the quorum lost and regained
# with hysteresis (quorum_up / quorum_down run), and omega at shutdown.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"

need_root_netns
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
id nobody >/dev/null 2>&1 || skip_all "no user nobody"
setup_dir
# nobody must reach the scripts; root still owns everything on the way
# (/tmp is world-writable but sticky: accepted).
chmod 755 "$T"

script() { # NAME BODY...: an executable script in $T
	_f="$T/$1"; shift
	printf '#!/bin/sh\n' >"$_f"
	printf '%s\n' "$@" >>"$_f"
	chmod 755 "$_f"
}
script state.sh 'exit $(cat "'"$T"'/state.$1")'
script notify.sh 'echo "$*" >>"'"$T"'/notify.log"'
script hang.sh 'echo $$ >"'"$T"'/hang.pid"' \
	'sleep 60 & echo $! >"'"$T"'/hang.child"; wait'
script uid.sh '[ "$(id -u)" = "$1" ]'
script reader.sh 'exec cat "$1" >>"'"$T"'/fifo.log"'
script unsafe.sh 'exit 0'
chmod 777 "$T/unsafe.sh"
setstate() { echo "$2" >"$T/state.$1"; }
setstate 7001 0
setstate 7002 1
setstate 7003 9

N_="$T/notify.sh"
write_conf \
"global_defs {" \
"  script_user root" \
"  enable_script_security" \
"  rs_init_notifies" \
"  lvs_notify_fifo $T/lvs.fifo nobody" \
"  lvs_notify_fifo_script $T/reader.sh" \
"}" \
"virtual_server 10.0.0.1 80 {" \
"  delay_loop 0.3" \
"  quorum 10" \
"  hysteresis 2" \
"  omega" \
"  sorry_server 10.0.9.9 80" \
"  quorum_up \"$N_ quorum_up\"" \
"  quorum_down \"$N_ quorum_down\"" \
"  real_server 127.0.0.1 7001 {" \
"    weight 3" \
"    notify_up \"$N_ up 7001\"" \
"    notify_down \"$N_ down 7001\"" \
"    MISC_CHECK {" \
"      misc_path \"$T/state.sh 7001\"" \
"      misc_timeout 10" \
"    }" \
"  }" \
"  real_server 127.0.0.1 7002 {" \
"    MISC_CHECK {" \
"      misc_path \"$T/state.sh 7002\"" \
"      misc_timeout 10" \
"    }" \
"  }" \
"  real_server 127.0.0.1 7003 {" \
"    weight 7" \
"    MISC_CHECK {" \
"      misc_path \"$T/state.sh 7003\"" \
"      misc_timeout 10" \
"      misc_dynamic" \
"    }" \
"  }" \
"  real_server 127.0.0.1 7004 {" \
"    MISC_CHECK {" \
"      misc_path $T/hang.sh" \
"      misc_timeout 0.5" \
"      delay_loop 60" \
"    }" \
"  }" \
"  real_server 127.0.0.1 7005 {" \
"    MISC_CHECK { misc_path $T/unsafe.sh }" \
"  }" \
"  real_server 127.0.0.1 7006 {" \
"    MISC_CHECK {" \
"      misc_path \"$T/uid.sh $(id -u nobody)\"" \
"      misc_timeout 10" \
"      user nobody" \
"    }" \
"  }" \
"  real_server 127.0.0.1 7007 {" \
"    MISC_CHECK { misc_path $T/missing.sh }" \
"  }" \
"}"

vs() {
	python3 - "$T/tandem_check.json" "$@" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["virtual_servers"][0]
print(" ".join(str(v[f]).lower() if isinstance(v[f], bool) else str(v[f])
               for f in sys.argv[2:]))
PY
}
vs_is() { # "FIELD..." "WANT"
	dump_json && [ "$(vs $1)" = "$2" ]
}
fifo_has() { grep -qxF -- "$1" "$T/fifo.log" 2>/dev/null; }
notified() { # PORT: that server's notify lines, one per line
	grep " $1\$" "$T/notify.log" 2>/dev/null | cut -d' ' -f1 | tr '\n' ' '
}

start_tandem -C
check "tandem -C starts and its check child comes up" \
	wait_until 50 eval 'is_tandem "$(readpid "$CPID")" && log_has "all children up"'

check "exit 0: up at the configured weight" \
	wait_until 30 is 127.0.0.1:7001 "up weight last_result" "true 3 ok"
check "exit 1: down, with the reason" \
	wait_until 30 is 127.0.0.1:7002 "up in_table reason" "false false script exit 1"
check "misc_dynamic exit 9: up at weight 7" \
	wait_until 30 is 127.0.0.1:7003 "up weight dynamic_weight" "true 7 7"
check "a script past misc_timeout is killed and counts as failed" \
	wait_until 40 is 127.0.0.1:7004 "up reason" "false script timed out after 0.5 s, killed"
hp=$(cat "$T/hang.pid" 2>/dev/null); hc=$(cat "$T/hang.child" 2>/dev/null)
diag "hung script pid $hp, its child $hc"
check "the hung script is gone" eval '[ -n "$hp" ] && wait_until 20 eval "! alive $hp"'
check "and so is the child it started" eval '[ -n "$hc" ] && wait_until 20 eval "! alive $hc"'
check "an unsafe script is refused (down)" \
	wait_until 30 is 127.0.0.1:7005 "up" "false"
check "the log names its path and why it is unsafe, once" eval '[ "$(grep -c "MISC_CHECK $T/unsafe.sh: unsafe script" "$LOG")" = 1 ]'
check "  as:" \
	log_has "MISC_CHECK $T/unsafe.sh: unsafe script, refused (enable_script_security): $T/unsafe.sh (owner root (uid 0)) is writable by every user"
check "a script run with 'user nobody' runs as nobody (its uid test passes)" \
	wait_until 30 is 127.0.0.1:7006 "up last_result failed" "true ok 0"
check "a missing script: down, its path in the reason" \
	wait_until 30 is 127.0.0.1:7007 "up reason" "false $T/missing.sh: No such file or directory"

# All up at first: 3 + 1 + 7 + 1 + 1 + 1 + 1 = 15; once the failing
# ones are down: 3 (7001) + 7 (7003) + 1 (7006) = 11 >= quorum 10.
check "quorum up with live weight 11" \
	wait_until 30 vs_is "quorum_up live_weight sorry_server_in_use" "true 11 false"
check "rs_init_notifies: the initial states were told" \
	wait_until 30 fifo_has "RS [127.0.0.1]:tcp:7001 [10.0.0.1]:tcp:80 UP"
check "  and the quorum's" fifo_has "VS [10.0.0.1]:tcp:80 UP"
check "  and the scripts ran" eval 'head -n 1 "$T/notify.log" | grep -qx "up 7001"'
check "the FIFO was created, owned by its user" \
	eval '[ "$(stat -c "%F %U %a" "$T/lvs.fifo")" = "fifo nobody 600" ]'
check "the FIFO has the down line of the failing server" \
	fifo_has "RS [127.0.0.1]:tcp:7002 [10.0.0.1]:tcp:80 DOWN"

# Hysteresis 2: lost below 8, regained at 12.
setstate 7003 6
check "live weight 8: not below quorum - hysteresis, kept" \
	wait_until 30 vs_is "quorum_up live_weight" "true 8"
setstate 7003 5
check "live weight 7: quorum lost, the sorry server is used" \
	wait_until 30 vs_is "quorum_up live_weight sorry_server_in_use" "false 7 true"
check "quorum_down ran (after the initial quorum_up of rs_init_notifies)" \
	eval 'wait_until 30 grep -qx "quorum_down" "$T/notify.log" &&
	      [ "$(grep -x "quorum_.*" "$T/notify.log" | tr "\n" " ")" = "quorum_up quorum_down " ]'
check "the FIFO says VS DOWN" wait_until 30 fifo_has "VS [10.0.0.1]:tcp:80 DOWN"
check "the log says so" log_has "virtual server \[10.0.0.1\]:tcp:80: quorum lost (live weight 7 < 10 - 2)"
setstate 7003 9
check "live weight 11: below quorum + hysteresis, still lost" \
	wait_until 30 vs_is "quorum_up live_weight" "false 11"
setstate 7003 10
check "live weight 12: quorum regained" \
	wait_until 30 vs_is "quorum_up live_weight sorry_server_in_use transitions" "true 12 false 2"
check "quorum_up ran" \
	wait_until 30 eval '[ "$(grep -cx "quorum_up" "$T/notify.log")" = 2 ]'

# notify_down, then notify_up, in that order, after the initial up.
setstate 7001 1
check "7001 goes down" wait_until 30 is 127.0.0.1:7001 "up" "false"
setstate 7001 0
check "and comes back" wait_until 30 is 127.0.0.1:7001 "up transitions" "true 2"
check "notify scripts ran in order: up (initial), down, up" \
	wait_until 30 eval '[ "$(notified 7001)" = "up down up " ]'
check "the FIFO has the same story" eval '
	[ "$(grep -c "RS \[127.0.0.1\]:tcp:7001 " "$T/fifo.log")" = 3 ] &&
	grep "RS \[127.0.0.1\]:tcp:7001 " "$T/fifo.log" | tail -1 | grep -q " UP$"'
check "the virtual server's quorum stayed (live weight 9 >= 8)" \
	eval '[ "$(grep -c "^VS " "$T/fifo.log")" = 3 ]'
dump_json
diag "notify: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["notify"])' "$T/tandem_check.json")"

# A reload of the same file keeps every state: verdicts, the dynamic
# weight, the quorum; nothing is told again.
lines=$(wc -l <"$T/notify.log")
kill -HUP "$TANDEM_PID"
check "reload" wait_until 50 log_has "reload complete"
check "every real server kept its state" \
	log_has "checkers: 7 real servers, 7 kept their state"
check "the dynamic weight and the quorum are kept" \
	eval 'dump_json && [ "$(rs 127.0.0.1:7003 weight)" = 8 ] &&
	      [ "$(vs quorum_up transitions)" = "true 2" ]'
check "no notify script ran for the reload" \
	eval '[ "$(wc -l <"$T/notify.log")" = "$lines" ]'

stop_pid "$TANDEM_PID"
check "tandem stops" eval '! alive "$TANDEM_PID"'
check "omega: quorum_down ran at shutdown" \
	wait_until 30 eval '[ "$(grep -c "^quorum_down$" "$T/notify.log")" = 2 ]'
check "  and notify_down of the servers that were up" \
	wait_until 30 eval '[ "$(notified 7001)" = "up down up down " ]'
check "the FIFO it created is removed" eval '! [ -e "$T/lvs.fifo" ]'
check_sanitizers
echo "1..$N"
[ "$FAILED" -eq 0 ]
