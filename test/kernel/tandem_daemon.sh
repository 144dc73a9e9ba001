#!/bin/sh
# Kernel tier, whole daemon: run tandem -C inside Debian's kernel booted
# under qemu (vm.sh) and check the IPVS table it programs at start, on a
# reload, and on stop (tandem_daemon_guest.sh has the cases).  A VM that
# does not boot or does not finish is a failure, never a skip.
# tandem_traffic.sh and the others run another guest script through this
# one (TANDEM_GUEST names it).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
export top_builddir
prog=$top_builddir/tandem/tandem
if [ ! -x "$prog" ]; then
	echo "1..1"
	echo "not ok 1 - $prog is not built (make builds it)"
	exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
guest=${TANDEM_GUEST:-tandem_daemon_guest.sh}
# TANDEM_GUEST_FILES: more programs the guest script needs in /test/.
set --
for f in ${TANDEM_GUEST_FILES:-}; do
	set -- "$@" -i "$f"
done
"$top_srcdir/test/kernel/vm.sh" -t "${TANDEM_VM_TIMEOUT:-600}" -i "$prog" \
	-i "$top_srcdir/test/kernel/guest_lib.sh" "$@" \
	"$top_srcdir/test/kernel/$guest" >"$out"
rc=$?
cat "$out"
if ! grep -q '^1\.\.[0-9]' "$out"; then
	echo "1..1"
	echo "not ok 1 - the test VM did not run $guest (vm.sh status $rc)"
	exit 1
fi
exit $rc
