#!/bin/sh
# Kernel tier: checker verdicts reach the IPVS table (the cases are in
# tandem_check_guest.sh).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export top_srcdir
TANDEM_GUEST=tandem_check_guest.sh exec "$top_srcdir/test/kernel/tandem_daemon.sh"
