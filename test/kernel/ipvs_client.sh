#!/bin/sh
# Kernel tier: run test/kernel/ipvs_client_test inside Debian's kernel
# booted under qemu (vm.sh) and pass its TAP through.  A VM that does not
# boot or does not finish is a failure, never a skip.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
export top_builddir
prog=$top_builddir/test/kernel/ipvs_client_test
if [ ! -x "$prog" ]; then
	echo "1..1"
	echo "not ok 1 - $prog is not built (make check builds it)"
	exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top_srcdir/test/kernel/vm.sh" -t "${TANDEM_VM_TIMEOUT:-600}" -i "$prog" \
	"$top_srcdir/test/kernel/ipvs_client_guest.sh" >"$out"
rc=$?
cat "$out"
if ! grep -q '^1\.\.[0-9]' "$out"; then
	echo "1..1"
	echo "not ok 1 - the test VM did not run the IPVS client test (vm.sh status $rc)"
	exit 1
fi
exit $rc
