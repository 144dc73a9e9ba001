#!/bin/sh
# Kernel tier, whole daemon: run tandem -C inside Debian's kernel booted
# under qemu (vm.sh) and check the IPVS table it programs at start, on a
# reload, and on stop (tandem_daemon_guest.sh has the cases; another
# guest script of test/kernel/ may be named as the first argument).  A VM
# that does not boot or does not finish is a failure, never a skip.
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
"$top_srcdir/test/kernel/vm.sh" -t "${TANDEM_VM_TIMEOUT:-600}" -i "$prog" \
	"$top_srcdir/test/kernel/${1:-tandem_daemon_guest.sh}" >"$out"
rc=$?
cat "$out"
if ! grep -q '^1\.\.[0-9]' "$out"; then
	echo "1..1"
	echo "not ok 1 - the test VM did not run the daemon test (vm.sh status $rc)"
	exit 1
fi
exit $rc
