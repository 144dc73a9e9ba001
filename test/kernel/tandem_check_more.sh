#!/bin/sh
# Kernel tier: HTTP_GET, MISC_CHECK misc_dynamic and quorum with a sorry
# server, as they reach the IPVS table (the cases are in
# tandem_check_more_guest.sh).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export top_srcdir
TANDEM_GUEST=tandem_check_more_guest.sh exec "$top_srcdir/test/kernel/tandem_daemon.sh"
