#!/bin/sh
# Two directors started at the same moment with 1,000 VRRPv3 instances at
# advert_int 0.1 settle without the lower-priority one ever holding a VIP.
#
# At 0.1 s the backup's Master_Down_Interval (priority 100: 361 ms) is only
# 20 ms longer than the master's (priority 150: 341 ms), so a director
# that falls 20 ms behind at start-up, or that serves its timers before
# the adverts already queued on its socket, takes over instances it must
# not.  A VRID is unique per interface and family, so the 1,000 instances
# are spread over four more segments of the lab (eth1 .. eth4 on bridges
# br1 .. br4, 250 VRIDs each, one /32 VIP per instance from 10.N.0.0/16).
# The backup's addresses are watched the whole time by an rtnetlink
# monitor (`ip monitor address`) started before either director: one VIP
# added there, even for a moment, fails the test.
#
# It holds at full scale in the sanitizer build too (ASan), and with two
# CPU hogs beside the directors on 2 cores.  RACE_IFS (segments) and
# RACE_PER (instances per segment, 1-255) change the scale.
#
# Root only.  Namespaces vrace-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrace

NIF=${RACE_IFS:-4}; PER=${RACE_PER:-250}
TOTAL=$((NIF * PER))

echo "1..6"

i=1
while [ $i -le $NIF ]; do
	vrrp_lab_net $i
	i=$((i + 1))
done

python3 - "$CONF" "$NIF" "$PER" <<'EOF'
import sys
path, nif, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as o:
    o.write("global_defs {\n    router_id vrrp_race_test\n}\n")
    for i in range(1, nif + 1):
        for v in range(1, per + 1):
            o.write("vrrp_instance VI_%d_%d {\n"
                    "    interface eth%d\n"
                    "    virtual_router_id %d\n"
                    "    @d1 priority 150\n"
                    "    @d2 priority 100\n"
                    "    version 3\n"
                    "    advert_int 0.1\n"
                    "    virtual_ipaddress {\n"
                    "        10.%d.%d.%d/32\n"
                    "    }\n"
                    "}\n" % (i, v, i, v, i, v // 256, v % 256))
EOF

# The watcher: every address the backup's kernel adds or removes.
ip -n "$D2" monitor address >"$T/d2/monitor" 2>&1 &
MON=$!
watch_stop() { kill "$MON" 2>/dev/null; wait "$MON" 2>/dev/null; MON=""; }
trap 'watch_stop; vrrp_lab_cleanup' EXIT
sleep 0.2

vips() { ip -n "$1" -o -4 addr show | grep -c ' inet 10\.[0-9]*\.[0-9]*\.[0-9]*/32 ' || true; }
backups() { grep -c "Entering BACKUP STATE" "$T/$1/log" 2>/dev/null || true; }
settled() { [ "$(vips "$D1")" -eq "$TOTAL" ] && [ "$(backups d2)" -ge "$TOTAL" ]; }

t0=$(ms)
start d1
start d2
wait_until 600 settled
t1=$(ms)
check "d1 holds all $TOTAL VIPs and d2 has $TOTAL BACKUP instances ($((t1 - t0)) ms after start)" settled
# A few more seconds of steady state: 10 adverts a second per instance.
sleep 3
check "d2 never entered MASTER ($(entered d2 MASTER) times)" [ "$(entered d2 MASTER)" = 0 ]
check "d1 entered MASTER once per instance ($(entered d1 MASTER))" [ "$(entered d1 MASTER)" = "$TOTAL" ]
watch_stop
rawdrops() { ip netns exec "$1" awk 'NR > 1 { s += $NF } END { print s + 0 }' /proc/net/raw; }
diag "raw socket drops: d1 $(rawdrops "$D1"), d2 $(rawdrops "$D2")"
n=$(grep -c ' inet 10\.[0-9]*\.[0-9]*\.[0-9]*/32 ' "$T/d2/monitor" || true)
check "the rtnetlink monitor saw no VIP on d2 ($n events)" [ "$n" = 0 ]
check "d2 holds no VIP now" [ "$(vips "$D2")" = 0 ]
stop d1
stop d2
check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/log '$T'/d2/log | grep -E -q 'Sanitizer|runtime error:'"
