#!/bin/sh
# The vrrp_instance options, each seen from outside: director d1 of the
# shared lab runs alone (VRRPv3, advert_int 10, state MASTER, so its own
# adverts are sparse), and a forged VRRP peer in the client namespace
# (vrrp-probe.py) sends one advert and counts what d1 sends back.
#
#   - a lower-priority advert: d1 answers with an advert at once
#     (keepalived's default) and sends garp_lower_prio_repeat gratuitous
#     ARPs at once and again after garp_lower_prio_delay; with
#     lower_prio_no_advert and garp_lower_prio_repeat 0 it is silent;
#     global_defs vrrp_garp_lower_prio_* and vrrp_lower_prio_no_advert
#     are the defaults;
#   - a higher-priority advert: d1 steps down to BACKUP and drops the VIP,
#     after one last advert with higher_prio_send_advert, silently
#     without; with down_timer_adverts 1 it takes over again after one
#     missed advert of the forged master (about 1.4 s, not 3.4 s);
#   - promote_secondaries: the sysctl is 1 while d1 runs and restored
#     after; an address of the VIP's subnet survives the VIP's removal
#     (and, as a control, does not without the option);
#   - an instance whose interface does not exist waits in FAULT, runs when
#     the interface is created, returns to FAULT when it is deleted and
#     runs again when it is back; its socket gets kernel_rx_buf_size; an
#     instance with unicast_fault_no_peer and no peer stays in FAULT;
#   - garp_extra_if all: an address on another interface is announced
#     again periodically (and not without it).
#
# Root only.  Namespaces vrrpo-{br,d1,d2,c}-PID, the temporary folder and
# the processes this test started (by PID) go in the EXIT trap.  Every
# wait is bounded.  Addresses: 192.0.2.0/24, 198.51.100.0/24 and
# 203.0.113.0/24 (RFC 5737), inside the test's namespaces only.

SRC="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}"
. "$SRC/test/integration/lib.sh"
. "$SRC/test/integration/vrrp-lab.sh"

vrrp_lab vrrpo client
command -v ss >/dev/null 2>&1 || skip_all "ss (iproute2) not installed"
PROBE="$SRC/test/integration/vrrp-probe.py"

echo "1..34"

# conf GLOBAL_LINES INSTANCE_LINES: one instance on d1's eth0 with the VIP.
conf() {
	{
		echo "global_defs {"
		echo "    vrrp_garp_master_delay 0"
		echo "    vrrp_garp_master_repeat 1"
		printf '%s\n' "$1"
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "    interface eth0"
		echo "    state MASTER"
		echo "    virtual_router_id 51"
		echo "    priority 150"
		echo "    version 3"
		echo "    advert_int 10"
		printf '%s\n' "$2"
		echo "    virtual_ipaddress {"
		echo "        $VIP/24"
		echo "    }"
		echo "}"
	} >"$CONF"
}

# probe PRIO WINDOW: one forged advert of PRIO, what d1 sent in WINDOW s.
probe() {
	ip netns exec "$CL" python3 "$PROBE" eth0 192.0.2.10 51 "$1" \
		192.0.2.1 "$VIP" "$2" 2>&1
}
field() { echo "$1" | sed -n "s/.*$2=\\([-0-9]*\\).*/\\1/p"; }

# run_lower GLOBAL INSTANCE WHAT ADVERTS GARPS: d1 as master hears a
# lower priority; ADVERTS answers and GARPS gratuitous ARPs expected.
run_lower() {
	conf "$1" "$2"
	start d1
	wait_until 50 has_vip "$D1"
	b=$(entered d1 BACKUP)
	r=$(probe 50 2.5)
	check "$3: d1 answers a lower priority with $4 advert(s) ($r)" \
		[ "$(field "$r" adverts)" = "$4" ]
	check "$3: $5 gratuitous ARPs for the VIP" [ "$(field "$r" garps)" = "$5" ]
	held=no; has_vip "$D1" && held=yes
	check "$3: d1 stays MASTER with the VIP" \
		[ "$held/$(entered d1 BACKUP)" = "yes/$b" ]
	stop d1
	cat "$T/d1/log" >>"$T/d1/old.log"; : >"$T/d1/log"
}

run_lower "" "    garp_lower_prio_repeat 3
    garp_lower_prio_delay 1" "garp_lower_prio_repeat 3, delay 1" 1 6
run_lower "" "    lower_prio_no_advert
    garp_lower_prio_repeat 0" "lower_prio_no_advert, repeat 0" 0 0
run_lower "    vrrp_garp_lower_prio_repeat 2
    vrrp_garp_lower_prio_delay 0
    vrrp_lower_prio_no_advert" "" "global_defs defaults" 0 2

# run_higher INSTANCE WHAT ADVERTS: d1 as master hears priority 200.
run_higher() {
	conf "" "$1"
	start d1
	wait_until 50 has_vip "$D1"
	b=$(entered d1 BACKUP)
	r=$(probe 200 0.3)
	check "$2: d1 sends $3 advert(s) before stepping down ($r)" \
		sh -c "[ '$(field "$r" adverts)' = $3 ] && { [ $3 = 0 ] || [ '$(field "$r" prio)' = 150 ]; }"
	wait_until 10 no_vip "$D1"
	held=no; has_vip "$D1" && held=yes
	check "$2: d1 is BACKUP without the VIP" \
		[ "$held/$(entered d1 BACKUP)" = "no/$((b + 1))" ]
}

run_higher "" "no higher_prio_send_advert" 0
# The forged master said 1 s and went silent: back after 3 * 1 s + skew.
wait_until 60 has_vip "$D1"
check "d1 takes over again when the forged master is silent" has_vip "$D1"
stop d1
run_higher "    higher_prio_send_advert
    down_timer_adverts 1" "higher_prio_send_advert" 1
t0=$(ms)
wait_until 25 has_vip "$D1"
t1=$(ms)
check "down_timer_adverts 1: d1 takes over within 2.5 s, not 3.4 ($((t1 - t0)) ms)" \
	has_vip "$D1"
stop d1

# promote_secondaries: the VIP is the primary address of 198.51.100.0/24,
# a second address of that subnet is added while d1 is master.
PVIP=198.51.100.1
SEC2=198.51.100.2
p_sysctl() { ip netns exec "$D1" sh -c 'cat /proc/sys/net/ipv4/conf/eth0/promote_secondaries'; }
has_addr() { ip -n "$D1" -4 addr show dev eth0 | grep -q "inet $1/"; }
run_promote() {	# OPTION_LINE WHAT SURVIVES(yes/no)
	conf "" "$1"
	sed -i "s#$VIP/24#$PVIP/24#" "$CONF"
	start d1
	wait_until 50 has_addr "$PVIP"
	ip -n "$D1" addr add "$SEC2/24" dev eth0
	check "$2: the VIP is the primary, $SEC2 a secondary" \
		sh -c "ip -n '$D1' -4 addr show dev eth0 | grep 'inet $SEC2/' | grep -q secondary"
	[ "$3" = yes ] && check "$2: net.ipv4.conf.eth0.promote_secondaries is 1 while running" \
		[ "$(p_sysctl)" = 1 ]
	stop d1
	wait_until 20 eval "! has_addr $PVIP"
	if [ "$3" = yes ]; then
		check "$2: after the VIP left, $SEC2 is still there" has_addr "$SEC2"
		check "$2: the sysctl is restored to 0 when tandem stops" \
			[ "$(p_sysctl)" = 0 ]
	else
		check "$2: without it, $SEC2 left with the VIP (the control)" \
			eval "! has_addr $SEC2"
	fi
	ip -n "$D1" addr del "$SEC2/24" dev eth0 2>/dev/null
}
check "net.ipv4.conf.eth0.promote_secondaries starts at 0" [ "$(p_sysctl)" = 0 ]
run_promote "    promote_secondaries" "promote_secondaries" yes
run_promote "" "no promote_secondaries" no

# A missing interface, and unicast_fault_no_peer.
{
	echo "vrrp_instance VI_1 {"
	echo "    interface eth1"
	echo "    state MASTER"
	echo "    virtual_router_id 51"
	echo "    version 3"
	echo "    advert_int 0.2"
	echo "    kernel_rx_buf_size 100000"
	echo "    virtual_ipaddress {"
	echo "        203.0.113.100/24"
	echo "    }"
	echo "}"
	echo "vrrp_instance VI_2 {"
	echo "    interface eth0"
	echo "    state MASTER"
	echo "    virtual_router_id 52"
	echo "    version 3"
	echo "    advert_int 0.2"
	echo "    unicast_src_ip 192.0.2.1"
	echo "    unicast_fault_no_peer"
	echo "    virtual_ipaddress {"
	echo "        192.0.2.101/24"
	echo "    }"
	echo "}"
} >"$CONF"
# rcvbuf PID IFNAME: SO_RCVBUF of PID's VRRP socket bound to IFNAME, read
# from a copy of the descriptor (pidfd_getfd; the kernel shows twice the
# size asked for).
rcvbuf() {
	python3 - "$1" "$2" <<'PY' 2>/dev/null
import ctypes, os, socket, sys
pid, ifname = int(sys.argv[1]), sys.argv[2].encode()
libc = ctypes.CDLL(None, use_errno=True)
pfd = os.pidfd_open(pid)
for name in os.listdir("/proc/%d/fd" % pid):
    try:
        if not os.readlink("/proc/%d/fd/%s" % (pid, name)).startswith("socket:"):
            continue
    except OSError:
        continue
    fd = libc.syscall(438, pfd, int(name), 0)    # pidfd_getfd
    if fd < 0:
        continue
    s = socket.socket(fileno=fd)
    try:
        if s.family == socket.AF_INET and s.type == socket.SOCK_RAW and \
           s.proto == 112 and s.getsockopt(socket.SOL_SOCKET,
               socket.SO_BINDTODEVICE, 16).rstrip(b"\0") == ifname:
            print(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
    finally:
        s.close()
PY
}
# state NAME: the instance's state in d1's JSON dump, with the reasons of
# a FAULT ("FAULT/no_interface").
state() {
	rm -f "$T/d1/tandem.json"
	kill -s "$("$TANDEM" --signum JSON)" "$PID1" 2>/dev/null
	wait_until 30 test -s "$T/d1/tandem.json"
	python3 -c "import json; d=json.load(open('$T/d1/tandem.json')); print([i['data']['state'] + ''.join('/' + f for f in i['data']['fault']) for i in d['vrrp'] if i['data']['iname'] == '$1'][0])" 2>/dev/null
}
has_ev() { ip -n "$D1" -4 addr show dev eth1 2>/dev/null | grep -q "inet 203.0.113.100/"; }
mk_eth1() {
	ip -n "$D1" link add eth1 type veth peer name eth1p
	ip -n "$D1" addr add 203.0.113.1/24 dev eth1
	ip -n "$D1" link set eth1p up
	ip -n "$D1" link set eth1 up
}
start d1
wait_until 50 grep -q "interface eth1 not found" "$T/d1/log"
sleep 1
run=no; alive "$PID1" && run=yes
check "no eth1: d1 runs, VI_1 waits in FAULT" \
	[ "$run/$(state VI_1)" = yes/FAULT/no_interface ]
has_addr 192.0.2.101 && held=yes || held=no
check "unicast_fault_no_peer without peers: VI_2 stays in FAULT, no VIP" \
	[ "$(state VI_2)/$held" = FAULT/no_peer/no ]
mk_eth1
wait_until 50 has_ev
held=no; has_ev && held=yes
check "eth1 created: VI_1 runs and becomes MASTER with its VIP on eth1" \
	[ "$held/$(state VI_1)" = yes/MASTER ]
rb=$(rcvbuf "$(readpid "$T/d1/vrrp.pid")" eth1)
check "kernel_rx_buf_size 100000: the VRRP socket on eth1 has SO_RCVBUF 200000 ($rb)" \
	[ "$rb" = 200000 ]
f=$(grep -c "Entering FAULT STATE" "$T/d1/log")
ip -n "$D1" link del eth1
wait_until 30 sh -c "[ \$(grep -c 'Entering FAULT STATE' '$T/d1/log') -gt $f ]"
run=no; alive "$PID1" && run=yes
check "eth1 deleted: VI_1 is back in FAULT, d1 still runs" \
	[ "$run/$(state VI_1)" = yes/FAULT/no_interface ]
check "eth1 deleted: no error about addresses that left with it" \
	sh -c "! grep -E -q 'cannot (remove|add)|ERROR|error' '$T/d1/log'"
mk_eth1
wait_until 50 has_ev
held=no; has_ev && held=yes
check "eth1 back: VI_1 MASTER again with its VIP" \
	[ "$held/$(state VI_1)" = yes/MASTER ]
check "VI_2 stayed in FAULT throughout" [ "$(state VI_2)" = FAULT/no_peer ]
stop d1
check "d1 stops cleanly (exit status $RC)" [ "$RC" = 0 ]

# garp_extra_if all: an address on another interface (eth2, whose peer
# end eth2p is watched) is announced again every second while master.
ip -n "$D1" link add eth2 type veth peer name eth2p
ip -n "$D1" addr add 198.51.100.9/24 dev eth2
ip -n "$D1" link set eth2p up
ip -n "$D1" link set eth2 up
run_extra() {	# LINE: sets N, the GARPs for 198.51.100.50 in 3.5 s
	conf "" "$1
    virtual_ipaddress_excluded {
        198.51.100.50/24 dev eth2
    }"
	start d1
	wait_until 50 has_vip "$D1"
	sleep 0.5
	r=$(ip netns exec "$D1" python3 "$PROBE" --garps eth2p 198.51.100.50 3.5 2>&1)
	stop d1
	cat "$T/d1/log" >>"$T/d1/old.log"; : >"$T/d1/log"
	n=$(field "$r" garps)
}
run_extra "    garp_extra_if all 1"
check "garp_extra_if all 1: the address on eth2 is announced every second ($n in 3.5 s)" \
	[ "${n:-0}" -ge 3 ]
run_extra ""
check "without garp_extra_if: no more announcements on eth2 after the first ($n)" \
	[ "$n" = 0 ]

cat "$T/d1/log" >>"$T/d1/old.log"
check "no sanitizer report in the log" \
	sh -c "! grep -E -q 'Sanitizer|runtime error:' '$T/d1/old.log'"
