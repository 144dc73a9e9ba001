#!/bin/sh
# tandem runs without glibc's tcache (tandem/heap_tune.c): it execs
# itself once with glibc.malloc.tcache_count=0 added to GLIBC_TUNABLES.
# Checked: the exec'd daemon carries the tunable (its /proc environ is
# that of the second start), keeps its name (comm "tandem", not "exe"),
# and runs its scripts with the environment it was given (a MISC_CHECK
# script writes its own); a GLIBC_TUNABLES that already sets
# tcache_count is the user's and is left alone.  Sanitizer builds skip
# the exec, so there only the name and the script's environment hold.
. "$(dirname "$0")/lib.sh"

need_root_netns
setup_dir
echo "1..8"

asan=0
ldd "$TANDEM" 2>/dev/null | grep -q libasan && asan=1

printf '#!/bin/sh\nenv >"%s/env.$$.tmp" && mv "%s/env.$$.tmp" "%s/env"\n' \
	"$T" "$T" "$T" >"$T/env.sh"
chmod 755 "$T/env.sh"
write_conf \
"global_defs {" \
"  script_user root" \
"  enable_script_security" \
"}" \
"virtual_server 10.0.0.1 80 {" \
"  delay_loop 0.3" \
"  real_server 127.0.0.1 7001 {" \
"    MISC_CHECK {" \
"      misc_path $T/env.sh" \
"    }" \
"  }" \
"}"

environ_has() { tr '\0' '\n' <"/proc/$1/environ" | grep -qx -- "$2"; }

# run [VAR=VALUE]: start tandem -C with that in its environment, wait
# for the script's environment.
run() {
	rm -f "$T/env"
	if [ -n "${1:-}" ]; then
		export "$1"
	fi
	start_tandem -C
	unset GLIBC_TUNABLES USER_MARK
	wait_until 50 test -s "$T/env"
	P=$(readpid "$PIDF")
}

run USER_MARK=kept
check "the daemon keeps its name after the exec" is_tandem "$P"
if [ $asan = 1 ]; then
	ok "# SKIP sanitizer build: no exec, no tunable"
else
	check "the daemon runs with glibc.malloc.tcache_count=0" \
		environ_has "$P" "GLIBC_TUNABLES=glibc.malloc.tcache_count=0"
fi
check "the script sees the environment tandem was given" \
	grep -qx "USER_MARK=kept" "$T/env"
check "and nothing of the exec" \
	sh -c "! grep -q '^GLIBC_TUNABLES=\|^TANDEM_HEAP_TUNED=' '$T/env'"
stop_pid "$TANDEM_PID"

run GLIBC_TUNABLES=glibc.malloc.tcache_count=3
check "with the user's tcache_count: still named tandem" is_tandem "$P"
check "the user's tunable is left as it was" \
	environ_has "$P" "GLIBC_TUNABLES=glibc.malloc.tcache_count=3"
check "and it is the script's too" \
	grep -qx "GLIBC_TUNABLES=glibc.malloc.tcache_count=3" "$T/env"
check "no mark of the exec in the script's environment" \
	sh -c "! grep -q '^TANDEM_HEAP_TUNED=' '$T/env'"
stop_pid "$TANDEM_PID"
