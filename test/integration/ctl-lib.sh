# Shared by the tests that steer tandem through tandemctl (sourced after
# lib.sh or vrrp-lab.sh, POSIX sh).
#
#   need_ctl                 skip when tandemctl is not built
#   ctl_global_defs [DIR]    a global_defs block with the control socket
#                            in DIR (default $T)
#   ctl [-d DIR] ARGS...     tandemctl on that socket
#   ctl_json [-d DIR] ARGS...  tandemctl --json ARGS (stdout only)
#   ctl_find K1 V1 K2 V2 F   on a JSON text on stdin: field F of the first
#                            object anywhere in it whose K1 is V1 and K2
#                            is V2, as Python prints it (True, None, 3,
#                            drained); "-" when there is none
TANDEMCTL="${TANDEMCTL:-${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}/tandem/tandemctl}"

need_ctl() {
	[ -x "$TANDEMCTL" ] || skip_all "$TANDEMCTL not built"
	command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
}
ctl_sock() { echo "${1:-$T}/ctl.sock"; }
ctl_global_defs() {
	echo "global_defs {"
	echo "    control_socket $(ctl_sock "${1:-}")"
	echo "}"
}
ctl() {
	_cd=$T
	if [ "$1" = -d ]; then _cd=$2; shift 2; fi
	"$TANDEMCTL" -s "$(ctl_sock "$_cd")" "$@"
}
ctl_json() {
	if [ "$1" = -d ]; then _cj=$2; shift 2; else _cj=$T; fi
	ctl -d "$_cj" --json "$@" 2>/dev/null
}
ctl_find() {
	python3 -c '
import json, sys
k1, v1, k2, v2, f = sys.argv[1:6]
def walk(o):
    if isinstance(o, dict):
        if str(o.get(k1)) == v1 and str(o.get(k2)) == v2:
            return o
        o = list(o.values())
    if isinstance(o, list):
        for x in o:
            r = walk(x)
            if r is not None:
                return r
    return None
try:
    d = walk(json.loads(sys.stdin.read()))
except ValueError:
    d = None
print("-" if d is None else d.get(f, "-"))' "$@"
}
