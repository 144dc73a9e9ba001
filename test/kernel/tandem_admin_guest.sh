#!/bin/sh
# In-guest part of tandem_admin.sh (bash is /bin/sh in the VM): the
# operator's drain, disable and enable (tandemctl) in the kernel's IPVS
# table that `tandem -C` programs.
#
# The VM's own namespace is the director; a client namespace (c) and a
# real-server namespace (rs1) hang off it on veth pairs, and a second real
# server (rs2) on a third.  Service 10.0.0.1:80 balances busybox httpd on
# both (each page names its server); service 10.0.0.6:7000 has rs1 only,
# where `nc -l` holds one long-lived connection from the client, which
# sends a line every 100 ms.
#
#   drain 10.2.1.11 (a bare address: both services): weight 0 in both, the
#     long-lived connection goes on flowing and keeps its entry, every new
#     page comes from rs2, and a new connection to 10.0.0.6:7000 finds no
#     server;
#   a reload (SIGHUP) and a kill -9 of the check child keep it drained
#     (the new child inherits the parent's copy of the holds and applies
#     it before it programs the table, and the parent replays it too);
#   enable: back at its weight; disable: out of the table; enable again:
#     back; a name that matches nothing is refused and changes nothing.
cd /tmp || exit 1
. /test/guest_lib.sh

CTL=/test/tandemctl
SOCK=/tmp/tandem.sock
ctl() { $CTL -s "$SOCK" "$@"; }

in_ns() { local ns=$1; shift; nsenter -n/run/netns/"$ns" "$@"; }

ip -batch - <<'EOF' || echo "# guest: director setup failed"
netns add c
netns add rs1
netns add rs2
link add tvip0 type dummy
link set tvip0 up
addr add 10.0.0.1/32 dev tvip0
addr add 10.0.0.6/32 dev tvip0
link add d0 type veth peer name c0 netns c
link add d1 type veth peer name r1 netns rs1
link add d2 type veth peer name r2 netns rs2
addr add 10.1.0.1/24 dev d0
addr add 10.2.1.1/24 dev d1
addr add 10.2.2.1/24 dev d2
link set d0 up
link set d1 up
link set d2 up
EOF
echo 1 >/proc/sys/net/ipv4/ip_forward
ip -n c -batch - <<'EOF' || echo "# guest: client setup failed"
link set lo up
link set c0 up
addr add 10.1.0.2/24 dev c0
route add default via 10.1.0.1
EOF
for i in 1 2; do
	ip -n rs$i -batch - <<EOF || echo "# guest: rs$i setup failed"
link set lo up
link set r$i up
addr add 10.2.$i.1$i/24 dev r$i
route add default via 10.2.$i.1
EOF
	mkdir -p /tmp/www$i && echo "rs$i" >/tmp/www$i/index.html
	in_ns rs$i httpd -p 80 -h /tmp/www$i
done
mkfifo /tmp/hold
in_ns rs1 nc -l -p 7000 <>/tmp/hold >/tmp/ll.out 2>/dev/null &

cat >/tmp/t.conf <<CONF
global_defs {
  control_socket $SOCK
}
virtual_server 10.0.0.1 80 {
  lvs_sched rr
  lvs_method NAT
  real_server 10.2.1.11 80 {
    weight 2
  }
  real_server 10.2.2.12 80 {
    weight 3
  }
}
virtual_server 10.0.0.6 7000 {
  lvs_sched rr
  lvs_method NAT
  real_server 10.2.1.11 7000 {
    weight 1
  }
}
CONF

# "ADDR:PORT/WEIGHT ..." of a service, as the kernel has it.
dests() { ipvsadm -Ln -t "$1" 2>/dev/null | awk '$1 == "->" && $2 != "RemoteAddress:Port" { print $2 "/" $4 }' | sort | tr '\n' ' '; }
has() { [ "$(dests "$1")" = "$2" ]; }
get() { in_ns c timeout 5 wget -q -O - "http://10.0.0.1/" 2>/dev/null || echo -; }
gets() { local i out=; for i in 1 2 3 4; do out="$out $(get)"; done; echo "$out"; }
ll_lines() { wc -l </tmp/ll.out; }
ll_grows() { local a; a=$(ll_lines); wait_for 5 eval '[ "$(ll_lines)" -gt "$a" ]'; }
# Start-ups and reloads of the checkers so far (each logs one line).
kept_n() { grep -c "kept their state" /tmp/tandem.log; }
ll_entry() { ipvsadm -Lnc | grep ESTABLISHED | grep -q "10.0.0.6:7000 *10.2.1.11:7000"; }

start
check "tandem -C programs both services" \
	wait_for 20 eval 'has 10.0.0.1:80 "10.2.1.11:80/2 10.2.2.12:80/3 " && has 10.0.0.6:7000 "10.2.1.11:7000/1 "'
check "the control socket is up" wait_for 10 test -S "$SOCK"

mkfifo /tmp/tick
in_ns c bash -c 'exec 3<>/dev/tcp/10.0.0.6/7000 || exit 1
	exec 4<>/tmp/tick
	for i in $(seq 3000); do
		echo "line $i" >&3 || exit 1
		read -t 0.1 -u 4
	done' 2>/dev/null &
llpid=$!
check "a long-lived connection to rs1 flows" ll_grows

# ---------------------------------------------------------------- drain
ctl drain 10.2.1.11 >/tmp/out 2>&1; rc=$?
check "drain of a bare address succeeds ($rc)" [ "$rc" = 0 ]
check "drain: weight 0 in both services" \
	wait_for 5 eval 'has 10.0.0.1:80 "10.2.1.11:80/0 10.2.2.12:80/3 " && has 10.0.0.6:7000 "10.2.1.11:7000/0 "'
check "drain: the established connection goes on flowing" ll_grows
check "drain: and keeps its entry" ll_entry
g=$(gets)
check "drain: every new page comes from rs2 ($g)" [ "$g" = " rs2 rs2 rs2 rs2" ]
in_ns c timeout 3 bash -c 'exec 3<>/dev/tcp/10.0.0.6/7000' 2>/dev/null; rc=$?
check "drain: a new connection to the drained-only service is refused ($rc)" [ "$rc" != 0 ]

kill -HUP "$pid"
wait_for 10 eval '[ "$(kept_n)" -ge 2 ]'
sleep 0.5
check "a reload keeps it drained" \
	eval 'has 10.0.0.1:80 "10.2.1.11:80/0 10.2.2.12:80/3 " && has 10.0.0.6:7000 "10.2.1.11:7000/0 "'
cpid=$(cat /tmp/tc.pid)
nb=$(grep -c "services wanted" /tmp/tandem.log)
kill -KILL "$cpid"
# The new child takes the holds it inherits before it programs the
# table: the drained server never comes back meanwhile.
flap=0
end=$((${EPOCHREALTIME/./} + 3000000))
while [ "${EPOCHREALTIME/./}" -lt "$end" ]; do
	case "$(dests 10.0.0.1:80)" in *10.2.1.11:80/2*) flap=1 ;; esac
	sleep 0.05
done
check "the drained server did not come back while the child restarted" [ "$flap" = 0 ]
check "the check child is restarted" \
	wait_for 10 eval '[ -s /tmp/tc.pid ] && [ "$(cat /tmp/tc.pid 2>/dev/null)" != "$cpid" ]'
check "the parent replays the drain to the new child" \
	wait_for 10 grep -q "replaying 2 operator holds" /tmp/tandem.log
first=$(grep "services wanted" /tmp/tandem.log | sed -n "$((nb + 1))p")
echo "# the new child's first table: ${first#*IPVS: }"
check "its first table already had the drain: no request to the kernel" \
	eval 'case "$first" in *"; 0 requests"*) true ;; *) false ;; esac'
check "so it is drained again in the table" \
	wait_for 10 eval 'has 10.0.0.1:80 "10.2.1.11:80/0 10.2.2.12:80/3 " && has 10.0.0.6:7000 "10.2.1.11:7000/0 "'
check "and the connection flows still" ll_grows

# ---------------------------------------------------------------- errors
before=$(ipvsadm -Sn)
ctl disable 10.2.1.99:80 >/tmp/out 2>&1; rc=$?
check "an unknown real server is refused ($rc)" [ "$rc" != 0 ]
ctl disable 10.2.1.11:80 --vs 10.0.0.9:80 >/tmp/out 2>&1; rc=$?
check "a known one in the wrong virtual server too ($rc)" [ "$rc" != 0 ]
sleep 0.3
check "and the table is unchanged" eval '[ "$(ipvsadm -Sn)" = "$before" ]'

# ------------------------------------------------- enable, disable, enable
ctl enable 10.2.1.11 >/tmp/out 2>&1
check "enable: back at its weights" \
	wait_for 5 eval 'has 10.0.0.1:80 "10.2.1.11:80/2 10.2.2.12:80/3 " && has 10.0.0.6:7000 "10.2.1.11:7000/1 "'
ctl disable 10.2.1.11:80 --vs 10.0.0.1:80 >/tmp/out 2>&1; rc=$?
check "disable in one virtual server ($rc): out of that table only" \
	wait_for 5 eval 'has 10.0.0.1:80 "10.2.2.12:80/3 " && has 10.0.0.6:7000 "10.2.1.11:7000/1 "'
kill -HUP "$pid"
wait_for 10 eval '[ "$(kept_n)" -ge 4 ]'
sleep 0.5
check "a reload keeps it disabled" has 10.0.0.1:80 "10.2.2.12:80/3 "
ctl enable 10.2.1.11:80 >/tmp/out 2>&1
check "enable: back in the table" \
	wait_for 5 has 10.0.0.1:80 "10.2.1.11:80/2 10.2.2.12:80/3 "

kill "$llpid" 2>/dev/null
check "SIGTERM stops tandem" stop
finish
