#!/bin/sh
# Kernel tier: ha_suspend with the whole daemon (both children) in the VM;
# the cases are in tandem_suspend_guest.sh.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export top_srcdir
TANDEM_GUEST=tandem_suspend_guest.sh exec "$top_srcdir/test/kernel/tandem_daemon.sh"
