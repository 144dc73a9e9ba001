#!/bin/sh
# The systemd units as built (tandem.service, tandem-unprivileged.service)
# and the sysusers.d file.  systemd is not PID 1 on a build machine, so
# nothing is started through it; what runs without it does:
# `systemd-analyze verify` on the units (syntax, unknown keys, that the
# programs they run exist, that the man pages they name exist: the
# installed paths are mapped to the build tree, the man pages to doc/
# through MANPATH), `systemd-analyze security --offline` (the
# unprivileged unit must expose less than the root one), and
# `systemd-sysusers --root` in a scratch folder (the user tandem is
# made).  What the units mean at run time (reload through tandemctl, the
# capabilities) is tested in systemd-reload.sh and unprivileged.sh.
. "$(dirname "$0")/lib.sh"

B="${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}"
S="${top_srcdir:-$B}"
command -v systemd-analyze >/dev/null 2>&1 || skip_all "systemd-analyze not installed"
for u in tandem tandem-unprivileged; do
	[ -f "$B/doc/$u.service" ] || skip_all "$B/doc/$u.service not built"
done
[ -x "$TANDEM" ] || skip_all "$TANDEM not built"
CTL=""
for c in "$B/tandem/tandemctl" "$B/ctl/tandemctl" "$B/tandemctl/tandemctl"; do
	[ -x "$c" ] && CTL=$c && break
done
echo "1..12"
T=$(mktemp -d "${TMPDIR:-/tmp}/systemd-units.XXXXXX")
trap 'rm -rf "$T"' EXIT

# key UNIT KEY: the value of KEY= in the built UNIT (last one wins).
key() { sed -n "s/^$2=//p" "$B/doc/$1.service" | tail -n 1; }

# The units, with the installed programs mapped to the build tree.
mkdir -p "$T/units" "$T/man/man8" "$T/man/man5"
ln -s "$S/doc/tandem.8" "$T/man/man8/tandem.8"
ln -s "$S/doc/tandem.conf.5" "$T/man/man5/tandem.conf.5"
for u in tandem tandem-unprivileged; do
	start=$(key $u ExecStart | cut -d' ' -f1)
	reload=$(key $u ExecReload | cut -d' ' -f1)
	sed -e "s|^ExecStart=$start |ExecStart=$TANDEM |" \
	    -e "s|^ExecReload=$reload |ExecReload=${CTL:-/bin/true} |" \
	    "$B/doc/$u.service" >"$T/units/$u.service"
done

for u in tandem tandem-unprivileged; do
	out=$(cd "$T/units" && MANPATH="$T/man" systemd-analyze verify "$u.service" 2>&1)
	rc=$?
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
	check "systemd-analyze verify $u.service: clean" test "$rc" = 0 -a -z "$out"
done
[ -n "$CTL" ] || diag "tandemctl not built: ExecReload checked with /bin/true"

for u in tandem tandem-unprivileged; do
	check "$u.service: Type=notify with a watchdog" \
		test "$(key $u Type)" = notify -a -n "$(key $u WatchdogSec)"
	# systemctl reload fails only if ExecReload waits and reports:
	# tandemctl reload does, kill -HUP does not.
	check "$u.service: ExecReload is tandemctl reload on the runtime directory's socket" \
		sh -c "echo '$(key $u ExecReload)' | grep -Eq '/tandemctl -s /run/tandem/tandem.sock reload\$' \
		       && [ '$(key $u RuntimeDirectory)' = tandem ]"
done

check "tandem.service runs as root, tandem-unprivileged.service as the user tandem" \
	test -z "$(key tandem User)" -a "$(key tandem-unprivileged User)" = tandem
amb=$(key tandem-unprivileged AmbientCapabilities | tr ' ' '\n' | sort | tr '\n' ' ')
bnd=$(key tandem-unprivileged CapabilityBoundingSet | tr ' ' '\n' | sort | tr '\n' ' ')
diag "ambient: $amb"
check "tandem-unprivileged.service: ambient set = bounding set, and not empty" \
	test -n "$amb" -a "$amb" = "$bnd"
check "tandem-unprivileged.service: its pid file is where a non-root tandem puts it" \
	[ "$(key tandem-unprivileged PIDFile)" = /run/tandem/tandem.pid ]

# systemd-analyze security reads the unit file alone with --offline.
exposure() {
	(cd "$T/units" && systemd-analyze security --offline=yes --man=no "$1.service" 2>/dev/null) |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
e_root=$(exposure tandem)
e_user=$(exposure tandem-unprivileged)
diag "exposure: tandem.service $e_root, tandem-unprivileged.service $e_user"
if [ -n "$e_root" ] && [ -n "$e_user" ]; then
	check "the unprivileged unit exposes less than the root unit ($e_user < $e_root)" \
		awk "BEGIN { exit !($e_user < $e_root && $e_user <= 6) }"
else
	ok "# SKIP systemd-analyze security --offline not supported here"
fi

# The sysusers.d file, applied to an empty root.
if command -v systemd-sysusers >/dev/null 2>&1; then
	mkdir -p "$T/root/etc"
	systemd-sysusers --root="$T/root" "$S/doc/tandem.sysusers" >"$T/sysusers.log" 2>&1
	check "systemd-sysusers makes the user tandem, with a group of its own and no login" \
		sh -c "grep -Eq '^tandem:x:[0-9]+:[0-9]+:.*:/usr/sbin/nologin\$' '$T/root/etc/passwd' \
		       && grep -q '^tandem:x:' '$T/root/etc/group'"
	check "and the user tandem is a system user (id below 1000)" \
		[ "$(cut -d: -f3 "$T/root/etc/passwd" | head -n 1)" -lt 1000 ]
else
	ok "# SKIP systemd-sysusers not installed"
	ok "# SKIP systemd-sysusers not installed"
fi
[ "$FAILED" = 0 ]
