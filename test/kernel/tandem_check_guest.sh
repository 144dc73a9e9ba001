#!/bin/sh
# In-guest part of tandem_check.sh (bash is /bin/sh in the VM): checker
# verdicts reach the kernel's IPVS table.  Real servers are busybox httpd
# on local addresses of a dummy interface; tandem -C checks them with
# TCP_CHECK.  A server that stops answering leaves the table (or drops to
# weight 0 with inhibit_on_failure) and comes back when it answers again;
# an alpha server with nothing listening never enters; a reload keeps the
# verdicts; the time from a server's death to its removal is printed.
cd /tmp || exit 1
. /test/guest_lib.sh

usec() { echo "${EPOCHREALTIME/./}"; }
dests() { ipvsadm -Ln -t "$1" 2>/dev/null | awk '$1 == "->" && $2 != "RemoteAddress:Port" { print $2 "/" $4 }' | sort | tr '\n' ' '; }
has() { [ "$(dests "$1")" = "$2" ]; }

web_servers 10.71.0.1 10.71.0.2 -10.71.0.3

cat >/tmp/t.conf <<'CONF'
virtual_server 10.70.0.1 80 {
  lvs_sched rr
  lvs_method NAT
  delay_loop 0.2
  delay_before_retry 0.1
  real_server 10.71.0.1 80 {
    weight 2
    TCP_CHECK { connect_timeout 0.5 }
  }
  real_server 10.71.0.2 80 {
    weight 3
    TCP_CHECK { connect_timeout 0.5 }
  }
  real_server 10.71.0.3 80 {
    alpha
    TCP_CHECK { connect_timeout 0.5 }
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

start
check "both answering servers are in the table at their weights" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.1:80/2 10.71.0.2:80/3 "
check "the alpha server with nothing listening never entered" \
	eval '! grep -q "10.71.0.3:80 of 10.70.0.1:80 is up" /tmp/tandem.log'
check "inhibit_on_failure service: its server at its weight" \
	has 10.70.0.2:80 "10.71.0.2:80/4 "

t0=$(usec)
kill "$H2"; wait "$H2" 2>/dev/null
check "a server that stops answering leaves the table" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.1:80/2 "
t1=$(usec)
echo "# death to removal: $(( (t1 - t0) / 1000 )) ms (delay_loop 0.2 s, one retry 0.1 s later)"
check "with inhibit_on_failure it stays at weight 0" \
	wait_for 10 has 10.70.0.2:80 "10.71.0.2:80/0 "
check "the log says why" \
	grep -q "real server 10.71.0.2:80 of 10.70.0.1:80 is down (connect: Connection refused): out of the table" /tmp/tandem.log

httpd -f -p 10.71.0.2:80 -h /tmp/www & H2=$!
check "it comes back at its weight when it answers again" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.1:80/2 10.71.0.2:80/3 "
check "and back at its weight in the inhibit_on_failure service" \
	wait_for 10 has 10.70.0.2:80 "10.71.0.2:80/4 "

kill "$H1"; wait "$H1" 2>/dev/null
wait_for 10 has 10.70.0.1:80 "10.71.0.2:80/3 "
kill -HUP "$pid"
check "a reload keeps the verdicts (the down server stays out)" \
	wait_for 10 grep -q "checkers: 4 real servers, 4 kept their state" /tmp/tandem.log
sleep 0.5
check "and the table is unchanged by it" has 10.70.0.1:80 "10.71.0.2:80/3 "

check "SIGTERM stops tandem" stop
check "and the table is empty" eval '[ -z "$(ipvsadm -Sn)" ]'
kill "$H2" 2>/dev/null
finish
