#!/bin/sh
# Kernel tier: the metrics endpoint's IPVS part against a real IPVS table
# (the cases are in tandem_metrics_guest.sh).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export top_srcdir
TANDEM_GUEST=tandem_metrics_guest.sh exec "$top_srcdir/test/kernel/tandem_daemon.sh"
