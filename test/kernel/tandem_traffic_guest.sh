#!/bin/sh
# In-guest part of tandem_traffic.sh (bash is /bin/sh in the VM): real
# traffic through the IPVS table that `tandem -C` programs from a
# keepalived.conf.
#
# The VM's own namespace is the director.  A client namespace (c) and two
# real-server namespaces (rs1, rs2) hang off it on veth pairs, each on its
# own subnet with the director as their router; the VIPs sit on a dummy
# device of the director.  Each real server runs busybox httpd whose page
# names the server, so a client's `wget` says who answered.  The real
# servers are set up the usual LVS way for DR and TUN: the DR VIP on lo,
# the TUN VIPs on the fallback tunnel devices (tunl0 takes ipip and,
# behind a fou port, gue; gre0 takes gre), arp_ignore/arp_announce, and
# rp_filter off.  Their answers to DR and TUN requests come back through
# the director with the VIP as source, so the director accepts packets
# from its local addresses (accept_local).  A fourth namespace (bk) runs a
# backup sync daemon of its own IPVS table, fed by tandem's master.
#
# Before tandem starts, ipvsadm creates one service of the config (with
# another scheduler and weight) and a client keeps a TCP connection
# through it, sending a line every 100 ms: tandem must adopt that
# service, change it in place rather than re-create it, and the
# connection must keep flowing through the start and two reloads (one
# of them changes that very service) until stop.
#
# Many cases run in one boot; namespace setup goes through `ip -batch`
# and busybox (static) applets, because each exec of a dynamic binary
# costs ~100 ms under TCG.  Every wait and loop is bounded.
cd /tmp || exit 1
. /test/guest_lib.sh

# ------------------------------------------------------------- topology
in_ns() { local ns=$1; shift; nsenter -n/run/netns/"$ns" "$@"; }
sysctl_w() { # NS KEY=VALUE...
	local ns=$1; shift
	in_ns "$ns" sysctl -q -w "$@" >/dev/null
}

ip -batch - <<'EOF' || echo "# guest: director setup failed"
netns add c
netns add rs1
netns add rs2
netns add bk
link add tvip0 type dummy
link set tvip0 up
link add d0 type veth peer name c0 netns c
link add d1 type veth peer name r1 netns rs1
link add d2 type veth peer name r2 netns rs2
link add tsync0 type veth peer name s1 netns bk
addr add 10.1.0.1/24 dev d0
addr add 2001:db8:1::1/64 dev d0 nodad
addr add 10.2.1.1/24 dev d1
addr add 2001:db8:21::1/64 dev d1 nodad
addr add 10.2.2.1/24 dev d2
addr add 2001:db8:22::1/64 dev d2 nodad
addr add 192.0.2.1/24 dev tsync0
link set d0 up
link set d1 up
link set d2 up
link set tsync0 up
EOF
{
	for a in 1 2 3 4 5 6 7 8 9 10 20 21 30; do echo "addr add 10.0.0.$a/32 dev tvip0"; done
	for a in 1 2 3 4 5 6 7 8; do echo "addr add 10.9.0.$a/32 dev tvip0"; done
	echo "addr add 2001:db8:f::1/128 dev tvip0 nodad"
} | ip -batch - || echo "# guest: VIP setup failed"
# The fwmark service's traffic: what the client sends to 10.0.0.30 gets
# mark 7 as it enters the director (the usual way is an iptables mangle
# rule; tc needs no firewall in the guest).
tc -batch - <<'EOF' || echo "# guest: tc setup failed"
qdisc add dev d0 ingress
filter add dev d0 ingress protocol ip prio 1 u32 match ip dst 10.0.0.30/32 action skbedit mark 7
EOF
echo 1 >/proc/sys/net/ipv4/ip_forward
echo 1 >/proc/sys/net/ipv6/conf/all/forwarding
echo 1 >/proc/sys/net/ipv4/conf/all/accept_local

ip -n c -batch - <<'EOF' || echo "# guest: client setup failed"
link set lo up
link set c0 up
addr add 10.1.0.2/24 dev c0
addr add 2001:db8:1::2/64 dev c0 nodad
route add default via 10.1.0.1
route add ::/0 via 2001:db8:1::1
addr add 10.1.0.3/24 dev c0
route add 10.0.0.9/32 via 10.1.0.1 src 10.1.0.3
EOF
ip -n bk -batch - <<'EOF' || echo "# guest: backup setup failed"
link set lo up
link set s1 up
addr add 192.0.2.2/24 dev s1
EOF
# No UDP listener runs on the real servers (busybox nc has no UDP): the
# tests count what their stacks received.  The client sends UDP from
# 10.1.0.3, which the real servers blackhole, so that no port-unreachable
# comes back to fail the next send of a connected socket.
for i in 1 2; do
	ip -n rs$i -batch - <<EOF || echo "# guest: rs$i setup failed"
link set lo up
link set r$i up
addr add 10.2.$i.1$i/24 dev r$i
addr add 2001:db8:2$i::1$i/64 dev r$i nodad
route add default via 10.2.$i.1
route add ::/0 via 2001:db8:2$i::1
addr add 10.0.0.2/32 dev lo
link set tunl0 up
addr add 10.0.0.3/32 dev tunl0
addr add 10.0.0.4/32 dev tunl0
link set gre0 up
addr add 10.0.0.5/32 dev gre0
fou add port 6080 gue
route add blackhole 10.1.0.3/32
EOF
	sysctl_w rs$i net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.tunl0.rp_filter=0 net.ipv4.conf.gre0.rp_filter=0 \
		net.ipv4.conf.r$i.rp_filter=0
	mkdir -p /tmp/www$i && echo "rs$i" >/tmp/www$i/index.html
	in_ns rs$i httpd -p 80 -h /tmp/www$i
	# The long-lived connection lands on one of them; the other listener
	# just waits.  Its input is a fifo that never ends, so it does not
	# half-close the connection.
	mkfifo /tmp/hold$i
	in_ns rs$i nc -l -p 7000 <>/tmp/hold$i >/tmp/ll$i.out 2>/dev/null &
	eval "nc$i=\$!"
done
in_ns bk ipvsadm --start-daemon backup --mcast-interface s1 --syncid 9 ||
	echo "# guest: backup sync daemon failed"

# ---------------------------------------------------------------- client
# One page from VIP through the client namespace: the answering server's
# name, or "-" when nothing answered in time (5 s unless told).
get() { # URL [SECONDS]
	local r
	r=$(in_ns c timeout "${2:-5}" wget -q -O - "$1" 2>/dev/null) || r=-
	echo "${r:--}"
}
gets() { # COUNT URL: the answers, space-separated
	local i out=
	for i in $(seq "$1"); do out="$out $(get "$2")"; done
	echo $out
}
# rr over two servers with equal weights: both answer, in turn.
alternates() { # "A B A B"
	set -- $1
	[ $# = 4 ] && [ "$1" != "$2" ] && [ "$1" = "$3" ] && [ "$2" = "$4" ] &&
		case "$1$2" in rs1rs2|rs2rs1) true ;; *) false ;; esac
}
# UDP datagrams a real server's stack received (to a listener or not).
# The GUE tunnel's packets count too, so UDP cases never overlap with it.
udp_in() { # NS
	in_ns "$1" cat /proc/net/snmp |
		awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { print $2 + $3; exit }'
}
ll_lines() { cat /tmp/ll1.out /tmp/ll2.out 2>/dev/null | wc -l; }
ll_grows() { # the long-lived connection delivers lines within 5 s
	local a
	a=$(ll_lines)
	wait_for 5 eval '[ "$(ll_lines)" -gt "$a" ]'
}

# ---------------------------------------------------------------- config
rs_pair() { # PORT [LINES-IN-EACH-REAL-SERVER]
	local i
	for i in 1 2; do
		printf '  real_server 10.2.%s.1%s %s {\n    weight 1\n%s\n  }\n' \
			$i $i "$1" "${2:-}"
	done
}
vs() { # ADDR PORT SCHED METHOD [VS-LINES] [RS-LINES]
	printf 'virtual_server %s %s {\n  lvs_sched %s\n  lvs_method %s\n%s\n' \
		"$1" "$2" "$3" "$4" "${5:-}"
	rs_pair "$2" "${6:-}"
	echo "}"
}
# The services of each scheduler not used elsewhere, at 10.9.0.1...
scheds="wrr lblc lblcr dh sed nq fo ovf"
write_conf() { # WEIGHT-OF-rs2-IN-THE-DR-SERVICE [SCHED-OF-10.0.0.6 [SCHEDS]]
	{
		cat <<EOF
global_defs {
  router_id vm
  lvs_sync_daemon tsync0 id ${syncid:-9}
}
EOF
		vs 10.0.0.1 80 rr NAT
		vs 10.0.0.9 53 rr NAT "  protocol UDP"
		vs 10.0.0.9 54 rr NAT "  protocol UDP
  ops"
		printf 'virtual_server 10.0.0.2 80 {\n  lvs_sched wrr\n  lvs_method DR\n'
		printf '  real_server 10.2.1.11 80 {\n  }\n'
		printf '  real_server 10.2.2.12 80 {\n    weight %s\n  }\n}\n' "$1"
		vs 10.0.0.3 80 rr "TUN type ipip"
		vs 10.0.0.4 80 rr "TUN type gue port 6080"
		vs 10.0.0.5 80 rr "TUN type gre"
		vs 10.0.0.6 7000 "${2:-rr}" NAT
		vs 10.0.0.7 80 rr NAT "  persistence_timeout 60"
		vs 10.0.0.8 80 rr NAT "" "    uthreshold 1"
		cat <<'EOF'
virtual_server_group WEB {
  10.0.0.20-21 80
}
virtual_server group WEB {
  lvs_sched rr
  lvs_method NAT
  real_server 10.2.1.11 80 {
  }
  real_server 10.2.2.12 80 {
  }
}
virtual_server fwmark 7 {
  lvs_sched rr
  lvs_method NAT
  real_server 10.2.1.11 80 {
  }
  real_server 10.2.2.12 80 {
  }
}
virtual_server 2001:db8:f::1 80 {
  lvs_sched rr
  lvs_method NAT
  real_server 2001:db8:21::11 80 {
  }
  real_server 2001:db8:22::12 80 {
  }
}
EOF
		# Table only: the SIP persistence engine and an IPv6 persistence
		# prefix.  (An IPv4 service tunnelled to an IPv6 real server is
		# the client test's: the kernel refuses mixed families while a
		# sync daemon runs, and so does tandem's config check.)
		cat <<'EOF'
virtual_server 10.0.0.10 5060 {
  protocol UDP
  lvs_sched rr
  persistence_timeout 30
  persistence_engine sip
  real_server 10.2.1.11 5060 {
  }
}
virtual_server 2001:db8:f::2 80 {
  lvs_sched sh
  persistence_timeout 60
  persistence_granularity 64
  real_server 2001:db8:21::11 80 {
  }
}
EOF
		local k=1 s
		for s in ${3:-$scheds}; do
			vs 10.9.0.$k 80 $s NAT
			k=$((k + 1))
		done
	} >/tmp/t.conf
}

# What that config means to ipvsadm -Sn, sorted.
want_table() { # WEIGHT-OF-rs2-IN-THE-DR-SERVICE
	{
		local a m k=1 s
		echo "-A -t 10.0.0.1:80 -s rr"
		echo "-A -u 10.0.0.9:53 -s rr"
		echo "-A -f 7 -s rr"
		echo "-A -u 10.0.0.9:54 -s rr -o"
		echo "-A -u 10.0.0.10:5060 -s rr -p 30 --pe sip"
		echo "-A -t [2001:db8:f::2]:80 -s sh -p 60 -M 64"
		echo "-a -u 10.0.0.10:5060 -r 10.2.1.11:5060 -m -w 1"
		echo "-a -t [2001:db8:f::2]:80 -r [2001:db8:21::11]:80 -m -w 1"
		echo "-A -t 10.0.0.2:80 -s wrr"
		for a in 3 4 5; do echo "-A -t 10.0.0.$a:80 -s rr"; done
		echo "-A -t 10.0.0.6:7000 -s rr"
		echo "-A -t 10.0.0.7:80 -s rr -p 60"
		for a in 8 20 21; do echo "-A -t 10.0.0.$a:80 -s rr"; done
		echo "-A -t [2001:db8:f::1]:80 -s rr"
		for s in $scheds; do
			echo "-A -t 10.9.0.$k:80 -s $s"
			k=$((k + 1))
		done
		for r in 10.2.1.11 10.2.2.12; do
			echo "-a -t 10.0.0.1:80 -r $r:80 -m -w 1"
			echo "-a -u 10.0.0.9:53 -r $r:53 -m -w 1"
			echo "-a -f 7 -r $r:80 -m -w 1"
			echo "-a -u 10.0.0.9:54 -r $r:54 -m -w 1"
			echo "-a -t 10.0.0.3:80 -r $r:80 -i -w 1 --tun-type ipip"
			echo "-a -t 10.0.0.4:80 -r $r:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum"
			echo "-a -t 10.0.0.5:80 -r $r:80 -i -w 1 --tun-type gre --tun-nocsum"
			echo "-a -t 10.0.0.6:7000 -r $r:7000 -m -w 1"
			echo "-a -t 10.0.0.7:80 -r $r:80 -m -w 1"
			echo "-a -t 10.0.0.8:80 -r $r:80 -m -w 1"
			echo "-a -t 10.0.0.20:80 -r $r:80 -m -w 1"
			echo "-a -t 10.0.0.21:80 -r $r:80 -m -w 1"
			for k in 1 2 3 4 5 6 7 8; do echo "-a -t 10.9.0.$k:80 -r $r:80 -m -w 1"; done
		done
		echo "-a -t 10.0.0.2:80 -r 10.2.1.11:80 -g -w 1"
		echo "-a -t 10.0.0.2:80 -r 10.2.2.12:80 -g -w $1"
		echo "-a -t [2001:db8:f::1]:80 -r [2001:db8:21::11]:80 -m -w 1"
		echo "-a -t [2001:db8:f::1]:80 -r [2001:db8:22::12]:80 -m -w 1"
	} | LC_ALL=C sort
}

# ------------------------------------------- before tandem: a live connection
# It differs from the config in its scheduler and one weight, which
# tandem must change in place.
ipvsadm -R <<'EOF' || echo "# guest: ipvsadm setup failed"
-A -t 10.0.0.6:7000 -s wlc
-a -t 10.0.0.6:7000 -r 10.2.1.11:7000 -m -w 1
-a -t 10.0.0.6:7000 -r 10.2.2.12:7000 -m -w 2
EOF
mkfifo /tmp/tick
# bash's read -t is the 100 ms pause (no exec per line); 3000 lines at
# most, so the client ends by itself if the test does not stop it.
in_ns c bash -c 'exec 3<>/dev/tcp/10.0.0.6/7000 || exit 1
	exec 4<>/tmp/tick
	for i in $(seq 3000); do
		echo "line $i" >&3 || exit 1
		read -t 0.1 -u 4
	done' 2>/dev/null &
llpid=$!
check "a connection through the service ipvsadm made flows" ll_grows
sleep 2.2 # the kernel refreshes the counters it reports every 2 s
pre_pkts=$(inpkts "-t 10.0.0.6:7000")
pre_conn=$(ipvsadm -Lnc | grep ESTABLISHED | grep -c '10.0.0.6:7000')
ipvsadm -Lnc | sed 's/^/# before: /'

# ---------------------------------------------------------------- start
write_conf 1
want_table 1 >/tmp/want
start
check "tandem -C programs the table of the config" \
	wait_for 20 eval 'table | diff -q - /tmp/want >/dev/null'
table | diff /tmp/want - | sed 's/^/# /'
check "start-up adopted the service ipvsadm made (added all but it, changed it in place)" \
	grep -q "24 services wanted; 69 requests (services: 23 added, 1 changed, 0 deleted; real servers: 44 added, 1 changed, 0 deleted)" /tmp/tandem.log
check "uthreshold reaches the kernel" \
	eval '[ "$(ipvsadm -Ln --thresholds -t 10.0.0.8:80 | grep -c "> 10.2.[12].1[12]:80 *1 *0 ")" = 2 ]'
ipvsadm -Ln --thresholds -t 10.0.0.8:80 | sed 's/^/# /'
check "the live connection still flows after tandem started" ll_grows
check "and its entry survives" \
	eval '[ "$pre_conn" = 1 ] && ipvsadm -Lnc | grep ESTABLISHED | grep -q "10.0.0.6:7000"'
sleep 2.2
check "the adopted service kept its counters ($pre_pkts, then more)" \
	eval '[ "${pre_pkts:-0}" -gt 0 ] && [ "$(inpkts "-t 10.0.0.6:7000")" -gt "$pre_pkts" ]'

# ---------------------------------------------------------------- traffic
for case in "10.0.0.1 NAT" "10.0.0.2 DR (wrr)" "10.0.0.3 TUN ipip" \
	"10.0.0.4 TUN gue" "10.0.0.5 TUN gre" "[2001:db8:f::1] NAT over IPv6" \
	"10.0.0.30 NAT by fwmark"; do
	set -- $case
	got=$(gets 4 "http://$1/")
	check "$(echo ${case#* }): the real servers take turns ($got)" \
		alternates "$got"
done

u1=$(udp_in rs1) u2=$(udp_in rs2)
in_ns c bash -c 'for i in 1 2 3 4; do echo hi >/dev/udp/10.0.0.9/53; done' 2>/dev/null
wait_for 3 eval '[ $(($(udp_in rs1) - u1)) = 2 ] && [ $(($(udp_in rs2) - u2)) = 2 ]'
check "UDP NAT: rr sends two datagrams to each real server ($(($(udp_in rs1) - u1)), $(($(udp_in rs2) - u2)))" \
	eval '[ $(($(udp_in rs1) - u1)) = 2 ] && [ $(($(udp_in rs2) - u2)) = 2 ]'

# One socket, four datagrams: one connection to IPVS, so one real server;
# with ops each datagram is scheduled on its own.
u1=$(udp_in rs1) u2=$(udp_in rs2)
in_ns c bash -c 'exec 3>/dev/udp/10.0.0.9/53 && for i in 1 2 3 4; do echo hi >&3; done
	exec 3>/dev/udp/10.0.0.9/54 && for i in 1 2 3 4; do echo hi >&3; done' 2>/dev/null
wait_for 3 eval '[ $(($(udp_in rs1) - u1 + $(udp_in rs2) - u2)) = 8 ]'
d1=$(($(udp_in rs1) - u1)) d2=$(($(udp_in rs2) - u2))
check "UDP: one socket's datagrams go to one real server, with ops 2 and 2 ($d1, $d2)" \
	eval 'case "$d1 $d2" in "6 2"|"2 6") true ;; *) false ;; esac'

got=$(gets 4 http://10.0.0.7/)
check "persistence: one client stays on one real server ($got)" \
	eval 'set -- $got; [ $# = 4 ] && [ "$1" != - ] && [ "$1" = "$2" ] && [ "$1" = "$3" ] && [ "$1" = "$4" ]'

got="$(gets 2 http://10.0.0.8/) $(get http://10.0.0.8/ 1)"
check "uthreshold 1: each real server takes one connection, the third finds none ($got)" \
	eval 'set -- $got; [ $# = 3 ] && [ "$1" != - ] && [ "$2" != - ] && [ "$1" != "$2" ] && [ "$3" = - ] &&
	      dmesg | grep -q "TCP 10.0.0.8:80 - no destination available"'

got="$(get http://10.0.0.20/) $(get http://10.0.0.21/)"
check "both addresses of the group service answer ($got)" \
	eval 'case "$got" in *-*) false ;; *) true ;; esac'

got=
for k in 1 2 3 4 5 6 7 8; do got="$got $(get http://10.9.0.$k/)"; done
check "wrr lblc lblcr dh sed nq fo ovf each carry a connection (${got# })" \
	eval 'case "$got" in *-*) false ;; *) [ $(echo $got | wc -w) = 8 ] ;; esac'

check "the backup sync daemon of another IPVS table learns the connections" \
	wait_for 10 eval 'in_ns bk ipvsadm -Lnc | grep -q "10.0.0.6:7000"'
in_ns bk ipvsadm -Lnc | head -5 | sed 's/^/# backup: /'

# ---------------------------------------------------------------- reload
sleep 2.2
mid_pkts=$(inpkts "-t 10.0.0.6:7000")
mid_conns=$(conns "-t 10.0.0.1:80")
table >/tmp/before
write_conf 3
kill -HUP "$pid"
check "a reload changing one weight changes that real server" \
	wait_for 15 eval 'ipvsadm -Sn | grep -q -- "-r 10.2.2.12:80 -g -w 3"'
check "with one request and nothing else" \
	eval 'grep -q "24 services wanted; 1 requests (services: 0 added, 0 changed, 0 deleted; real servers: 0 added, 1 changed, 0 deleted)" /tmp/tandem.log &&
	      table >/tmp/after && [ "$(diff -U0 /tmp/before /tmp/after | grep -c "^[-+]-[aA] ")" = 2 ]'
got=$(gets 4 http://10.0.0.2/)
check "DR with weights 1 and 3 after the reload: 1 to 3 ($got)" \
	eval '[ "$(echo $got | tr " " "\n" | sort | uniq -c | tr -s " " | sed "s/^ //" | tr "\n" " ")" = "1 rs1 3 rs2 " ]'
check "the live connection flows through the reload" ll_grows
sleep 2.2
check "the other services kept their counters" \
	eval '[ "$(inpkts "-t 10.0.0.6:7000")" -gt "${mid_pkts:-0}" ] && [ "$(conns "-t 10.0.0.1:80")" -ge "${mid_conns:-1}" ] && [ "${mid_conns:-0}" -ge 4 ]'

# A second reload: the adopted service, which carries the live connection,
# changes its scheduler (set in place, not re-created), the ovf service
# goes, and the sync daemons change their id.
mid_pkts=$(inpkts "-t 10.0.0.6:7000")
syncid=10 write_conf 3 wlc "${scheds% ovf}"
kill -HUP "$pid"
check "a reload changing a scheduler and dropping a service applies both" \
	wait_for 15 eval 'ipvsadm -Sn | grep -q -- "-A -t 10.0.0.6:7000 -s wlc" && ! ipvsadm -Sn | grep -q 10.9.0.8'
check "and restarts the sync daemons with the new id" \
	wait_for 5 eval '[ "$(ipvsadm -L --daemon | grep -c "sync daemon (mcast=tsync0, syncid=10,")" = 2 ]'
check "as two requests" \
	grep -q "23 services wanted; 2 requests (services: 0 added, 1 changed, 1 deleted; real servers: 0 added, 0 changed, 0 deleted)" /tmp/tandem.log
check "the live connection flows through the change of its service" ll_grows
sleep 2.2
check "its entry and the service's counters survive" \
	eval 'ipvsadm -Lnc | grep ESTABLISHED | grep -q "10.0.0.6:7000" && [ "$(inpkts "-t 10.0.0.6:7000")" -gt "${mid_pkts:-0}" ]'

# ---------------------------------------------------------------- stop
check "SIGTERM stops tandem with status 0" stop
check "stop removed every service of the config" eval '[ -z "$(ipvsadm -Sn)" ]'
check "and stopped the sync daemons" eval '! ipvsadm -L --daemon | grep -q "sync daemon"'
kill "$llpid" "$nc1" "$nc2" 2>/dev/null
finish
