#!/bin/sh
# Kernel tier, traffic: tandem -C programs IPVS in the VM from a
# keepalived.conf and real connections go from a client namespace through
# the VIPs to two real-server namespaces (NAT, DR, TUN ipip/gue/gre, IPv6,
# UDP), a live connection survives start-up adoption, a reload and the
# sync daemon (tandem_traffic_guest.sh has the cases).  The VM harness is
# tandem_daemon.sh's.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export top_srcdir
TANDEM_GUEST=tandem_traffic_guest.sh exec "$top_srcdir/test/kernel/tandem_daemon.sh"
