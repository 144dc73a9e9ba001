#!/bin/sh
# `systemctl reload tandem` fails when the new file is refused: the units'
# ExecReload must wait for the reload and exit non-zero on a refusal.
# systemd is not PID 1 here, so the test runs what systemd would run: the
# ExecReload command line of each built unit, as written there, with only
# the installed tandemctl mapped to the built one and the socket path to
# this test's (control_socket in the config).  Checks, for each unit: a
# good file reloads and the command exits 0; a file with an error makes it
# exit non-zero and print the located error, while tandem keeps running
# the old config; and a reload while tandem is not running fails.
. "$(dirname "$0")/lib.sh"

B="${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}"
need_root_netns
CTL=""
for c in "$B/tandem/tandemctl" "$B/ctl/tandemctl" "$B/tandemctl/tandemctl"; do
	[ -x "$c" ] && CTL=$c && break
done
[ -n "$CTL" ] || skip_all "tandemctl not built"
for u in tandem tandem-unprivileged; do
	[ -f "$B/doc/$u.service" ] || skip_all "$B/doc/$u.service not built"
done
setup_dir
trap cleanup EXIT
echo "1..8"

SOCK="$T/ctl.sock"
# reload_cmd UNIT: its ExecReload, runnable here.  The socket it names
# is the default one, /run/tandem/tandem.sock.
reload_cmd() {
	_rc=$(sed -n 's/^ExecReload=//p' "$B/doc/$1.service" | tail -n 1)
	_bin=${_rc%% *}
	case $_bin in */tandemctl) ;; *) echo "ExecReload of $1 is not tandemctl: $_rc" >&2; return 1 ;; esac
	echo "$_rc" | sed -e "s|^$_bin |$CTL |" -e "s|/run/tandem/tandem.sock|$SOCK|g"
}
conf() { # ROUTER-ID [EXTRA LINE]
	write_conf 'global_defs {' "    router_id $1" "    control_socket $SOCK" \
		"${2:-}" '}' \
		'vrrp_instance VI_1 {' '    interface lo' '    virtual_router_id 9' \
		'    priority 100' '    virtual_ipaddress {' '        192.0.2.50/32' '    }' '}'
}
conf first
start_tandem -P
wait_until 50 test -S "$SOCK"
wait_until 50 grep -q "all children up" "$LOG"

for u in tandem tandem-unprivileged; do
	cmd=$(reload_cmd $u)
	diag "$u.service: $cmd"
	conf "good_$u"
	out=$(sh -c "$cmd" 2>&1); rc=$?
	echo "$out" | sed 's/^/#   /'
	check "$u.service's ExecReload on a good file: exit 0" [ "$rc" = 0 ]
	conf "bad_$u" "    no_such_keyword 1"
	out=$(sh -c "$cmd" 2>&1); rc=$?
	echo "$out" | sed 's/^/#   /'
	check "$u.service's ExecReload on a refused file: exit non-zero ($rc)" [ "$rc" != 0 ]
	check "and it prints the located error" \
		sh -c "echo \"\$1\" | grep -q 'tandem.conf:[0-9]*:.*no_such_keyword'" _ "$out"
done
check "tandem is still running after the refusals" alive "$TANDEM_PID"
kill -TERM "$TANDEM_PID"
wait_exit "$TANDEM_PID" 80
TANDEM_PID=""
cmd=$(reload_cmd tandem)
sh -c "$cmd" >/dev/null 2>&1
rc=$?
check "ExecReload with tandem not running: exit non-zero ($rc)" [ "$rc" != 0 ]
[ "$FAILED" = 0 ]
