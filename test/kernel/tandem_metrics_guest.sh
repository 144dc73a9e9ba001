#!/bin/sh
# In-guest part of tandem_metrics.sh (bash is /bin/sh in the VM): with a
# kernel that has IPVS, the check child's metrics carry the kernel's
# table.  Real servers are busybox httpd on local addresses of a dummy
# interface, checked by TCP_CHECK; tandem -C serves metrics on loopback
# and busybox wget scrapes them; a client namespace fetches pages through
# the VIP.  Checked: tandem_ipvs_available is 1,
# each destination's weight is the kernel's, a server that stops
# answering leaves the table and its series goes, inhibit_on_failure
# shows weight 0, and the service's and destinations' counters equal
# what ipvsadm reads.  (The text format itself is checked by a real
# parser in test/integration/metrics.sh; the guest has no Python.)
cd /tmp || exit 1
. /test/guest_lib.sh

ip link set lo up
ip link add tdummy0 type dummy &&
ip link set tdummy0 up &&
ip addr add 10.71.0.1/32 dev tdummy0 &&
ip addr add 10.71.0.2/32 dev tdummy0 &&
ip addr add 10.70.0.1/32 dev tdummy0 ||
	echo "# guest: interface setup failed"
# a client namespace behind a veth: its requests to the VIP cross the
# director's IPVS hook as a real client's would
ip -batch - <<'EOF' || echo "# guest: client setup failed"
netns add c
link add d0 type veth peer name c0 netns c
addr add 10.1.0.1/24 dev d0
link set d0 up
EOF
ip -n c link set lo up
ip -n c addr add 10.1.0.2/24 dev c0
ip -n c link set c0 up
ip -n c route add default via 10.1.0.1
mkdir -p /tmp/www && echo hello >/tmp/www/index.html
httpd -f -p 10.71.0.1:80 -h /tmp/www & H1=$!
httpd -f -p 10.71.0.2:80 -h /tmp/www & H2=$!

cat >/tmp/t.conf <<'CONF'
global_defs {
  metrics_listen 127.0.0.1:9650
}
virtual_server 10.70.0.1 80 {
  lvs_sched rr
  lvs_method NAT
  delay_loop 0.2
  real_server 10.71.0.1 80 {
    weight 2
    TCP_CHECK { connect_timeout 0.5 }
  }
  real_server 10.71.0.2 80 {
    weight 3
    TCP_CHECK {
      connect_timeout 0.5
      retry 0
    }
  }
}
virtual_server 10.70.0.2 80 {
  lvs_method NAT
  inhibit_on_failure
  delay_loop 0.2
  real_server 10.71.0.2 80 {
    weight 4
    TCP_CHECK {
      connect_timeout 0.5
      retry 0
    }
  }
}
CONF

# (busybox 1.35's wget crashes with -T: timeout bounds it instead)
scrape() { rm -f /tmp/m.prom; timeout 15 wget -q -O /tmp/m.prom http://127.0.0.1:9650/metrics 2>/dev/null; }
# val SERIES: the value of the line whose series (name and labels) is
# exactly SERIES in the last scrape; empty when there is none
val() { awk -v s="$1" 'substr($0, 1, length(s) + 1) == s " " { print $NF }' /tmp/m.prom; }
sval() { scrape && val "$1"; }
is() { [ "$(sval "$1")" = "$2" ]; }
W1='tandem_ipvs_dest_weight{service="TCP 10.70.0.1:80",dest="10.71.0.1:80"}'
W2='tandem_ipvs_dest_weight{service="TCP 10.70.0.1:80",dest="10.71.0.2:80"}'
W3='tandem_ipvs_dest_weight{service="TCP 10.70.0.2:80",dest="10.71.0.2:80"}'

start
check "the endpoint answers" wait_for 20 scrape
check "tandem_ipvs_available is 1" wait_for 10 is tandem_ipvs_available 1
check "10.71.0.1 has weight 2 in the kernel's table" wait_for 10 is "$W1" 2
check "10.71.0.2 has weight 3" is "$W2" 3
check "the inhibit service's server has weight 4" is "$W3" 4

# a little traffic through the table, then the counters must agree
reach() { nsenter -n/run/netns/c ping -c 1 -W 1 10.1.0.1 >/dev/null; }
check "the client reaches the director" wait_for 10 reach
got=0
for i in 1 2 3 4; do
	r=$(nsenter -n/run/netns/c timeout 3 wget -q -O - http://10.70.0.1/ 2>&1)
	[ "$r" = hello ] && got=$((got + 1)) || echo "# client: ${r:-no answer}"
done
check "the client got its 4 pages through the VIP" [ "$got" = 4 ]
# the kernel folds its per-CPU counters in every 2 s
four() { [ "$(conns "-t 10.70.0.1:80")" = 4 ]; }
check "ipvsadm counts the 4 connections" wait_for 10 four
c_ipvsadm=$(conns "-t 10.70.0.1:80")
c_metric=$(sval 'tandem_ipvs_service_connections_total{service="TCP 10.70.0.1:80"}')
echo "# connections: ipvsadm $c_ipvsadm, metrics $c_metric"
check "the service's connection counter is the kernel's" \
	eval '[ -n "$c_metric" ] && [ "$c_metric" = "$c_ipvsadm" ]'
check "each destination has its packet counters" \
	[ -n "$(val 'tandem_ipvs_dest_in_packets_total{service="TCP 10.70.0.1:80",dest="10.71.0.2:80"}')" ]

kill "$H2"; wait "$H2" 2>/dev/null
check "a server that stops answering leaves the table and its series" \
	wait_for 10 eval '[ "$(sval "$W2")" = "" ] && [ -n "$(val "$W1")" ]'
check "with inhibit_on_failure it stays at weight 0" is "$W3" 0
check "the checker's metrics say it is down" \
	is 'tandem_check_real_server_up{virtual_server="10.70.0.1:80",protocol="tcp",real_server="10.71.0.2:80"}' 0

check "tandem stops cleanly" stop
kill "$H1" 2>/dev/null
finish
