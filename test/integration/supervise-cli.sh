#!/bin/sh
# The command line: -t on good and bad files (exit codes, located errors),
# -d -t dump, --signum values, unknown option, --help, --version, -s.
# Needs no privileges and starts no daemon.
. "$(dirname "$0")/lib.sh"

[ -x "$TANDEM" ] || skip_all "$TANDEM not built"
setup_dir
echo "1..16"

write_conf 'global_defs {' '    router_id cli_test_1' '}'
"$TANDEM" -t -f "$CONF" >"$T/out" 2>"$T/err"
check "-t on a good file exits 0" [ $? -eq 0 ]

"$TANDEM" -d -t -f "$CONF" >"$T/out" 2>"$T/err"
rc=$?
check "-d -t exits 0" [ $rc -eq 0 ]
check "-d -t prints the config as understood" grep -q "router_id cli_test_1" "$T/out"
# The dump is itself a valid config that dumps the same.
cp "$T/out" "$T/dump.conf"
"$TANDEM" -d -t -f "$T/dump.conf" >"$T/out2" 2>/dev/null
check "-d -t output reads back to the same dump" cmp -s "$T/out" "$T/out2"

printf 'global_defs {\n    router_id x\n    no_such_keyword 1\n}\n' >"$T/bad.conf"
"$TANDEM" -t -f "$T/bad.conf" >"$T/out" 2>"$T/err"
rc=$?
check "-t on a bad file exits 4 (keepalived's config error code)" [ $rc -eq 4 ]
check "-t locates the error (file:line)" grep -q "bad.conf:3:" "$T/err"
check "-t names the keyword" grep -q "no_such_keyword" "$T/err"
check "-t prints nothing on stdout for a bad file" [ ! -s "$T/out" ]

"$TANDEM" --config-test="$T/bad.conf" >/dev/null 2>"$T/err"
check "--config-test=FILE overrides -f" [ $? -eq 4 ]

"$TANDEM" -t -f "$T/does-not-exist.conf" >/dev/null 2>"$T/err"
rc=$?
check "-t on a missing file exits 4 with its name" \
	sh -c "[ $rc -eq 4 ] && grep -q does-not-exist.conf '$T/err'"

names=""
for f in RELOAD STOP DATA STATS; do
	names="$names $(kill -l "$("$TANDEM" --signum=$f)")"
done
check "--signum RELOAD STOP DATA STATS = HUP TERM USR1 USR2" \
	[ "$names" = " HUP TERM USR1 USR2" ]
# SIGRTMIN+2, as keepalived's SIGJSON.
rtmin=$(python3 -c 'import signal; print(int(signal.SIGRTMIN))' 2>/dev/null || echo 34)
check "--signum=JSON is SIGRTMIN+2" [ "$("$TANDEM" --signum=JSON)" = "$((rtmin + 2))" ]

"$TANDEM" --signum=BOGUS >/dev/null 2>&1
check "--signum with an unknown name fails" [ $? -ne 0 ]

"$TANDEM" --no-such-option >"$T/out" 2>"$T/err"
rc=$?
check "unknown option exits 2 with the usage" \
	sh -c "[ $rc -eq 2 ] && grep -q '^Usage:' '$T/err' && grep -q -- '--use-file' '$T/err'"

"$TANDEM" --help >"$T/out" 2>&1
check "--help prints the usage and exits 0" \
	sh -c "[ $? -eq 0 ] && grep -q '^Usage:' '$T/out'"

"$TANDEM" -s "tandem-no-such-ns-$$" -t -f "$CONF" >/dev/null 2>"$T/err"
check "-s with a missing namespace fails before anything else" \
	sh -c "[ $? -ne 0 ] && grep -q 'tandem-no-such-ns-$$' '$T/err'"
