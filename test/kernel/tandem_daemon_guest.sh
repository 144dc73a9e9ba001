#!/bin/sh
# In-guest part of tandem_daemon.sh (bash is /bin/sh in the VM).  tandem
# runs as the checker process only (-C) from a config of several virtual
# servers.  Virtual addresses live on a dummy interface and the real
# servers sit behind a route into it, so every packet the cases send is
# scheduled by IPVS and then dropped inside the VM.  Each wait is bounded.
cd /tmp || exit 1
. /test/guest_lib.sh
send_udp() { # ADDR PORT COUNT: COUNT datagrams, each from a new socket
	local i
	for i in $(seq "$3"); do echo hi 2>/dev/null >"/dev/udp/$1/$2"; done
}

ip link add tdummy0 type dummy &&
ip link set tdummy0 up &&
ip addr add 10.70.0.1/32 dev tdummy0 &&
ip addr add 10.70.0.2/32 dev tdummy0 &&
ip route add 10.71.0.0/24 dev tdummy0 &&
ip link add tsync0 type veth peer name tsync1 &&
ip addr add 192.0.2.1/24 dev tsync0 &&
ip link set tsync0 up && ip link set tsync1 up ||
	echo "# guest: interface setup failed"

write_conf() { # WEIGHT-OF-10.71.0.4 [GLOBAL-LINE]
	cat >/tmp/t.conf <<EOF
global_defs {
  router_id vm
  lvs_timeouts tcp 1000 tcpfin 100 udp 200
  lvs_sync_daemon tsync0 id 5
  $2
}
virtual_server 10.70.0.1 9000 {
  lvs_sched rr
  protocol UDP
  lvs_method DR
  real_server 10.71.0.1 9000 {
    weight 1
  }
  real_server 10.71.0.2 9000 {
    weight 2
  }
}
virtual_server 10.70.0.2 80 {
  lb_algo wlc
  lb_kind NAT
  real_server 10.71.0.3 8080 {
    weight 3
  }
  real_server 10.71.0.4 8080 {
    weight $1
    uthreshold 100
    lthreshold 10
  }
  # a real server on the director itself
  real_server 10.70.0.1 8080 {
  }
}
virtual_server fwmark 7 {
  lvs_sched sh
  sh-port
  persistence_timeout 30
  lvs_method TUN type gue port 6080
  real_server 10.71.0.5 {
    weight 5
  }
}
virtual_server 2001:db8::1 443 {
  lvs_sched mh
  mh-port
  mh-fallback
  protocol SCTP
  real_server 2001:db8:1::1 443 {
  }
}
virtual_server_group G {
  10.70.1.1-3 53
}
virtual_server group G {
  protocol UDP
  lvs_sched lc
  persistence_timeout 60
  persistence_granularity 255.255.255.0
  real_server 10.71.0.6 53 {
  }
}
EOF
}

# What that config means to ipvsadm (the foreign service too).
cat >/tmp/want <<'EOF'
-A -f 7 -s sh -p 30 -b sh-port
-A -t 10.70.0.2:80 -s wlc
-A -t 10.70.0.99:80 -s rr
-A -u 10.70.0.1:9000 -s rr
-A -u 10.70.1.1:53 -s lc -p 60 -M 255.255.255.0
-A -u 10.70.1.2:53 -s lc -p 60 -M 255.255.255.0
-A -u 10.70.1.3:53 -s lc -p 60 -M 255.255.255.0
-a -f 7 -r 10.71.0.5:0 -i -w 5 --tun-type gue --tun-port 6080 --tun-nocsum
-a -t 10.70.0.2:80 -r 10.70.0.1:8080 -m -w 1
-a -t 10.70.0.2:80 -r 10.71.0.3:8080 -m -w 3
-a -t 10.70.0.2:80 -r 10.71.0.4:8080 -m -w 4
-a -t 10.70.0.99:80 -r 10.71.0.9:80 -g -w 1
-a -u 10.70.0.1:9000 -r 10.71.0.1:9000 -g -w 1
-a -u 10.70.0.1:9000 -r 10.71.0.2:9000 -g -w 2
-a -u 10.70.1.1:53 -r 10.71.0.6:53 -m -w 1
-a -u 10.70.1.2:53 -r 10.71.0.6:53 -m -w 1
-a -u 10.70.1.3:53 -r 10.71.0.6:53 -m -w 1
EOF

# --- before tandem: a foreign service and one tandem's config names,
# with live connections and counters.
ipvsadm -A -t 10.70.0.99:80 -s rr &&
ipvsadm -a -t 10.70.0.99:80 -r 10.71.0.9:80 -g -w 1 &&
ipvsadm -A -u 10.70.0.1:9000 -s rr &&
ipvsadm -a -u 10.70.0.1:9000 -r 10.71.0.1:9000 -g -w 1 ||
	echo "# guest: ipvsadm setup failed"
send_udp 10.70.0.1 9000 5
# The kernel refreshes the counters it reports every 2 s, and a datagram
# may reuse an earlier one's source port (one connection for two), so the
# checks compare with what was measured, not with the number sent.
wait_for 5 eval '[ "$(conns "-u 10.70.0.1:9000")" -ge 1 ]'
sleep 2.2
pre_cnt=$(conns "-u 10.70.0.1:9000")
check "traffic through the pre-existing service is counted ($pre_cnt)" \
	[ "${pre_cnt:-0}" -ge 1 ]
pre_conns=$(ipvsadm -Lnc | grep -c '10.71.0.1:9000')
check "the pre-existing service has live connections ($pre_conns)" \
	[ "$pre_conns" -ge 1 ]

# --- start
write_conf 4
start
check "tandem -C programs the table of the config" \
	wait_for 20 eval 'table | grep -v "^-A --sctp\|^-a --sctp" | diff -q - /tmp/want >/dev/null'
table | grep -v "^-A --sctp\|^-a --sctp" | diff /tmp/want - | sed 's/^/# /'
check "the IPv6 SCTP service with its mh flags and real server" \
	eval 'ipvsadm -Sn | grep -q -- "--sctp-service \[2001:db8::1\]:443 -s mh -b mh-fallback,mh-port" &&
	      ipvsadm -Sn | grep -q -- "-r \[2001:db8:1::1\]:443 -m -w 1"'
ipvsadm -Sn | grep '2001' | sed 's/^/# /'
check "thresholds reach the kernel" \
	eval 'ipvsadm -Ln --thresholds -t 10.70.0.2:80 | grep -q "10.71.0.4:8080 *100 *10 "'
ipvsadm -Ln --thresholds -t 10.70.0.2:80 | sed 's/^/# /'
check "persistence granularity 255.255.255.0 reaches the kernel" \
	eval 'ipvsadm -Ln -u 10.70.1.2:53 | grep -q "persistent 60 mask 255.255.255.0"'
check "the adopted service kept its counters" \
	[ "$(conns "-u 10.70.0.1:9000")" -ge "${pre_cnt:-1}" ]
check "the adopted service kept its connections" \
	[ "$(ipvsadm -Lnc | grep -c '10.71.0.1:9000')" -ge "$pre_conns" ]
check "the foreign service is left alone" \
	eval 'ipvsadm -Sn | grep -q "10.70.0.99:80 -r 10.71.0.9:80"'
check "lvs_timeouts set" \
	eval 'ipvsadm -L --timeout | grep -q "1000 100 200"'
check "lvs_sync_daemon started master and backup" \
	eval 'ipvsadm -L --daemon | grep -q "master sync daemon (mcast=tsync0, syncid=5" &&
	      ipvsadm -L --daemon | grep -q "backup sync daemon (mcast=tsync0, syncid=5"'
check "start-up sent one batch: 15 requests for what was missing" \
	grep -q "7 services wanted; 15 requests (services: 6 added, 0 changed, 0 deleted; real servers: 9 added, 0 changed, 0 deleted)" /tmp/tandem.log
alive || diag_log

# --- reload: one weight
send_udp 10.70.0.1 9000 4
wait_for 5 eval '[ "$(conns "-u 10.70.0.1:9000")" -gt "${pre_cnt:-0}" ]'
sleep 2.2
mid_cnt=$(conns "-u 10.70.0.1:9000")
mid_conns=$(ipvsadm -Lnc | grep -c '10.71.0.[12]:9000')
table >/tmp/before
write_conf 40
kill -HUP "$pid"
check "a reload changing one weight changes that real server" \
	wait_for 15 eval 'ipvsadm -Sn | grep -q -- "-r 10.71.0.4:8080 -m -w 40"'
check "and nothing else" \
	eval 'table >/tmp/after; [ "$(diff -U0 /tmp/before /tmp/after | grep -c "^[-+]-[aA] ")" = 2 ]'
check "the reload was one request" \
	grep -q "7 services wanted; 1 requests (services: 0 added, 0 changed, 0 deleted; real servers: 0 added, 1 changed, 0 deleted)" /tmp/tandem.log
check "the other services kept their counters ($mid_cnt)" \
	eval '[ "${mid_cnt:-0}" -gt "${pre_cnt:-0}" ] && [ "$(conns "-u 10.70.0.1:9000")" -ge "$mid_cnt" ]'
check "and their connections ($mid_conns)" \
	eval '[ "$mid_conns" -ge 1 ] && [ "$(ipvsadm -Lnc | grep -c "10.71.0.[12]:9000")" -ge "$mid_conns" ]'

# --- a file with an error is refused; the table stays as it is
cp /tmp/t.conf /tmp/t.good
sed -i 's/^virtual_server group G {/virtual_server group NOPE {/' /tmp/t.conf
$T -t -f /tmp/t.conf >/tmp/t.out 2>&1
trc=$?
check "tandem -t names the file, line and keyword of a missing group" \
	eval '[ $trc = 4 ] && grep -q "t.conf:[0-9]*: error: virtual_server: expected a virtual_server_group named .NOPE." /tmp/t.out'
sed 's/^/# -t: /' /tmp/t.out
kill -HUP "$pid"
check "a reload of that file is refused" \
	wait_for 10 grep -q "reload refused" /tmp/tandem.log
check "and the table is untouched" eval 'table | diff -q - /tmp/after >/dev/null'
cp /tmp/t.good /tmp/t.conf

# --- the dumps show the table as tandem wants it and as the kernel has it
rm -f /tmp/tandem_check.data /tmp/tandem_check.json
kill -USR1 "$pid"
kill -n "$($T --signum JSON)" "$pid"
check "the data dump shows both tables" \
	wait_for 10 eval 'grep -q "wanted (7 services)" /tmp/tandem_check.data &&
			  grep -q "kernel (8 services)" /tmp/tandem_check.data'
check "the JSON dump shows both tables" \
	wait_for 10 eval 'grep -q "\"wanted\"" /tmp/tandem_check.json &&
			  grep -q "\"kernel\"" /tmp/tandem_check.json &&
			  grep -q "10.70.0.99:80" /tmp/tandem_check.json'

# --- stop
check "SIGTERM stops tandem with status 0" stop
check "stop removed what tandem manages and left the foreign service" \
	eval '[ "$(table)" = "$(printf "%s\n" "-A -t 10.70.0.99:80 -s rr" "-a -t 10.70.0.99:80 -r 10.71.0.9:80 -g -w 1")" ]'
table | sed 's/^/# after stop: /'
check "stop stopped the sync daemons" \
	eval '! ipvsadm -L --daemon | grep -q "sync daemon"'

# --- -I keeps the table
start -I
wait_for 20 eval '[ "$(ipvsadm -Sn | grep -c "^-A")" = 8 ]'
check "with -I" stop
check "stop keeps every entry" \
	eval '[ "$(ipvsadm -Sn | grep -c "^-A")" = 8 ] && [ "$(ipvsadm -Sn | grep -c "^-a")" = 11 ]'

# --- lvs_flush: a restart over that table removes what the config does
# not name (the foreign service), adopts the rest.
write_conf 4 lvs_flush
start
check "lvs_flush removes the foreign service at start" \
	wait_for 20 eval '! ipvsadm -Sn | grep -q 10.70.0.99'
check "and adopts the rest, setting the weight that differs" \
	grep -q "7 services wanted; 2 requests (services: 0 added, 0 changed, 1 deleted; real servers: 0 added, 1 changed, 0 deleted)" /tmp/tandem.log
check "stop after lvs_flush" stop
check "leaves an empty table" eval '[ -z "$(ipvsadm -Sn)" ]'

# --- no IPVS in the kernel: one clear error, the process keeps running
ipvsadm -C
ipvsadm --stop-daemon master 2>/dev/null
ipvsadm --stop-daemon backup 2>/dev/null
rmmod ip_vs_pe_sip ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc \
	ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf \
	ip_vs_mh ip_vs 2>/dev/null || echo "# rmmod failed"
write_conf 4
start
check "without IPVS the check process says what to load" \
	wait_for 10 grep -q "IPVS: the kernel has no IPVS.*modprobe ip_vs.*runs without it" /tmp/tandem.log
sleep 2
check "and keeps running (no restart)" \
	eval 'alive && [ "$(grep -c "started check child" /tmp/tandem.log)" = 1 ]'
check "and stops cleanly" stop

finish
