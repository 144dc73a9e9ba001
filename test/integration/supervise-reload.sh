#!/bin/sh
# Reload: a broken file is refused (errors located in the log, the old
# config and the same child pids kept); a good file reaches both children
# without restarting them (same pids, the new router_id in their dumps).
# Also the USR1 / USR2 / JSON dumps.
. "$(dirname "$0")/lib.sh"

need_root_netns
setup_dir
echo "1..17"
write_conf 'global_defs {' '    router_id before_reload' '}'

start_tandem --all
wait_until 50 children_up
check "both children start" children_up
v=$(readpid "$VPID"); c=$(readpid "$CPID")

# DATA, STATS and JSON dumps, written by each child into $TMPDIR.
sig() { kill -s "$1" "$TANDEM_PID"; }
rm -f "$T"/tandem*.data "$T"/tandem*.json "$T"/tandem*.stats
sig USR1
wait_until 30 eval "[ -s '$T/tandem.data' ] && [ -s '$T/tandem_check.data' ]"
check "USR1: both children write their data dump" \
	sh -c "[ -s '$T/tandem.data' ] && [ -s '$T/tandem_check.data' ]"
check "the data dump holds the config" grep -q "router_id before_reload" "$T/tandem.data"
sig USR2
wait_until 30 eval "[ -s '$T/tandem.stats' ] && [ -s '$T/tandem_check.stats' ]"
check "USR2: both children write their stats dump" \
	sh -c "[ -s '$T/tandem.stats' ] && [ -s '$T/tandem_check.stats' ]"
kill -s "$("$TANDEM" --signum=JSON)" "$TANDEM_PID"
wait_until 30 eval "[ -s '$T/tandem.json' ] && [ -s '$T/tandem_check.json' ]"
check "JSON signal: both children write valid JSON" \
	sh -c "python3 -m json.tool '$T/tandem.json' >/dev/null && python3 -m json.tool '$T/tandem_check.json' >/dev/null"
check "the JSON dump names the process and its pid" \
	python3 -c "import json,sys; d=json.load(open('$T/tandem.json')); sys.exit(0 if d['process']=='vrrp' and d['pid']==$v else 1)"

# A broken file: refused, every error located, nothing restarted.
cp "$CONF" "$T/good.conf"
write_conf 'global_defs {' '    router_id broken_reload' '    no_such_keyword 1' '}' 'no_such_block {' '}'
sig HUP
wait_until 50 log_has "reload refused"
check "a broken file is refused" log_has "reload refused"
check "the first error is located (file:line)" log_has "tandem.conf:3:"
check "every error is logged" log_has "tandem.conf:5:"
check "children keep their pids after a refused reload" \
	sh -c "[ '$(readpid "$VPID")' = '$v' ] && [ '$(readpid "$CPID")' = '$c' ] && kill -0 $v && kill -0 $c"
rm -f "$T/tandem.json"
kill -s "$("$TANDEM" --signum=JSON)" "$TANDEM_PID"
wait_until 30 test -s "$T/tandem.json"
check "the running config is unchanged" \
	sh -c "grep -q before_reload '$T/tandem.json' && ! grep -q broken_reload '$T/tandem.json'"

# A good file: both children apply it in place.
write_conf 'global_defs {' '    router_id after_reload' '}'
sig HUP
wait_until 50 log_has "reload complete"
check "a good file is applied" log_has "reload complete"
check "both children applied it" \
	sh -c "grep -q 'vrrp child applied the new config' '$LOG' && grep -q 'check child applied the new config' '$LOG'"
check "children keep their pids across a reload" \
	sh -c "[ '$(readpid "$VPID")' = '$v' ] && [ '$(readpid "$CPID")' = '$c' ] && kill -0 $v && kill -0 $c"
rm -f "$T/tandem.data" "$T/tandem_check.json"
sig USR1
kill -s "$("$TANDEM" --signum=JSON)" "$TANDEM_PID"
wait_until 30 eval "[ -s '$T/tandem.data' ] && [ -s '$T/tandem_check.json' ]"
check "the new router_id is in effect in both children" \
	sh -c "grep -q 'router_id after_reload' '$T/tandem.data' && grep -q after_reload '$T/tandem_check.json'"

# A child restarted after the reload is forked with the new config.
kill -KILL "$c"
wait_until 30 newpid "$CPID" "$c"
c2=$(readpid "$CPID")
wait_until 20 log_has "check child (pid $c2) is up"
rm -f "$T/tandem_check.data"
sig USR1
wait_until 30 test -s "$T/tandem_check.data"
check "a child restarted after a reload runs the new config" \
	grep -q "router_id after_reload" "$T/tandem_check.data"

stop_pid "$TANDEM_PID"
TANDEM_PID=""
check_sanitizers
