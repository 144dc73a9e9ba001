#!/bin/sh
# Kernel tier: tandem -C as a non-root user with exactly the capabilities
# of tandem-unprivileged.service programs a real IPVS table (the cases
# are in tandem_unprivileged_guest.sh).  The capability list is read from
# the built unit and handed to the guest with setpriv, which stands in
# for systemd there.  A VM that does not boot or does not finish is a
# failure, never a skip.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
prog=$top_builddir/tandem/tandem
unit=$top_builddir/doc/tandem-unprivileged.service
for f in "$prog" "$unit"; do
	if [ ! -e "$f" ]; then
		echo "1..1"
		echo "not ok 1 - $f is not built (make builds it)"
		exit 1
	fi
done
setpriv=$(command -v setpriv) || { echo "1..0 # SKIP setpriv (util-linux) not installed"; exit 0; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
# CAP_NET_ADMIN CAP_NET_RAW -> +net_admin,+net_raw
sed -n 's/^AmbientCapabilities=//p' "$unit" | tail -n 1 | tr 'A-Z' 'a-z' |
	sed 's/cap_/+/g; s/ \{1,\}/,/g; s/,$//' >"$d/caps"
"$top_srcdir/test/kernel/vm.sh" -t "${TANDEM_VM_TIMEOUT:-600}" -i "$prog" \
	-i "$top_srcdir/test/kernel/guest_lib.sh" -i "$setpriv" -i "$d/caps" \
	"$top_srcdir/test/kernel/tandem_unprivileged_guest.sh" >"$d/out"
rc=$?
cat "$d/out"
if ! grep -q '^1\.\.[0-9]' "$d/out"; then
	echo "1..1"
	echo "not ok 1 - the test VM did not run tandem_unprivileged_guest.sh (vm.sh status $rc)"
	exit 1
fi
exit $rc
