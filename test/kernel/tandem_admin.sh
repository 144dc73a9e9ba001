#!/bin/sh
# Kernel tier: the operator's drain, disable and enable (tandemctl) in a
# real IPVS table, a live connection through a drain, the holds through a
# reload and a restart of the check child; the cases are in
# tandem_admin_guest.sh.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
export top_srcdir top_builddir
ctl=$top_builddir/tandem/tandemctl
if [ ! -x "$ctl" ]; then
	echo "1..1"
	echo "not ok 1 - $ctl is not built (make builds it)"
	exit 1
fi
TANDEM_GUEST_FILES=$ctl TANDEM_GUEST=tandem_admin_guest.sh \
	exec "$top_srcdir/test/kernel/tandem_daemon.sh"
