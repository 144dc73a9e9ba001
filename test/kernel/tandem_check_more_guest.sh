#!/bin/sh
# In-guest part of tandem_check_more.sh (bash is /bin/sh in the VM): the
# verdicts of the other checkers reach the kernel's IPVS table, read back
# with ipvsadm -Ln.
#  - HTTP_GET: busybox httpd serves files from a directory, so removing a
#    file makes a 404 and rewriting it changes the digest (computed here
#    with md5sum, not by tandem); either takes the server out, and it
#    comes back when the file does.
#  - MISC_CHECK: the script exits with the status written in a file;
#    with misc_dynamic 2..255 is weight status - 2 (2 is weight 0, in the
#    table), 1 is out, 0 is the configured weight; without it anything
#    but 0 is out.
#  - quorum 5, hysteresis 1, sorry_server, three servers of weight 2:
#    the quorum is lost below 4 and regained at 6, so one death keeps
#    the real servers, two bring in the sorry server alone (tandem's
#    rule: it replaces the real servers), one back keeps it and two back
#    take it out again.  Without a sorry server (quorum 3 over two of
#    the same servers) the servers still up stay in the table when the
#    quorum is lost: keepalived 2.2.7 does the same in this VM (it
#    removes the live servers only to put a sorry server in their place).
cd /tmp || exit 1
. /test/guest_lib.sh

dests() { ipvsadm -Ln -t "$1" 2>/dev/null | awk '$1 == "->" && $2 != "RemoteAddress:Port" { print $2 "/" $4 }' | sort | tr '\n' ' '; }
has() { [ "$(dests "$1")" = "$2" ]; }
logged() { grep -qF "$1" /tmp/tandem.log; }
# serve N ADDR DIR: a busybox httpd on ADDR:80 from DIR, its pid in SN.
serve() { httpd -f -p "$2:80" -h "$3" & eval "S$1=$!"; }
unserve() { eval "kill \$S$1; wait \$S$1 2>/dev/null"; }

# MISC_CHECK scripts run as script_user; the guest has no user database.
echo 'root:x:0:0:root:/:/bin/sh' >/etc/passwd
echo 'root:x:0:' >/etc/group

web_servers -10.71.0.1 -10.71.0.2 -10.71.0.3 -10.71.0.4 \
	-10.71.0.5 -10.71.0.6 -10.71.0.7 -10.71.0.9
mkdir -p /tmp/wa /tmp/wb
echo "page a" >/tmp/wa/a.html
echo "page b" >/tmp/wb/b.html
md5a=$(md5sum </tmp/wa/a.html | awk '{ print $1 }')
serve 1 10.71.0.1 /tmp/wa
serve 2 10.71.0.2 /tmp/wb
for i in 5 6 7; do serve $i 10.71.0.$i /tmp/www; done
printf '#!/bin/sh\nread s </tmp/ms.st\nexit $s\n' >/tmp/ms.sh
chmod 755 /tmp/ms.sh
echo 0 >/tmp/ms.st

# A real server of weight 2 checked with TCP_CHECK, no retry.
tcp_rs() {
	printf '  real_server %s 80 {\n    weight 2\n' "$1"
	printf '    TCP_CHECK { connect_timeout 0.5\n      retry 0 }\n  }\n'
}
cat >/tmp/t.conf <<CONF
global_defs { script_user root }
virtual_server 10.70.0.1 80 {
  lvs_method NAT
  delay_loop 0.3
  real_server 10.71.0.1 80 {
    weight 2
    HTTP_GET {
      url { path /a.html
            digest $md5a
            status_code 200 }
      connect_timeout 1
      retry 0
    }
  }
  real_server 10.71.0.2 80 {
    weight 3
    HTTP_GET {
      url { path /b.html
            status_code 200 }
      connect_timeout 1
      retry 0
    }
  }
}
virtual_server 10.70.0.2 80 {
  lvs_method NAT
  delay_loop 0.3
  real_server 10.71.0.3 80 {
    weight 7
    MISC_CHECK { misc_path /tmp/ms.sh
                 misc_dynamic }
  }
  real_server 10.71.0.4 80 {
    weight 1
    MISC_CHECK { misc_path /tmp/ms.sh }
  }
}
virtual_server 10.70.0.3 80 {
  lvs_method NAT
  delay_loop 0.2
  quorum 5
  hysteresis 1
  sorry_server 10.71.0.9 80
$(tcp_rs 10.71.0.5)
$(tcp_rs 10.71.0.6)
$(tcp_rs 10.71.0.7)
}
virtual_server 10.70.0.4 80 {
  lvs_method NAT
  delay_loop 0.2
  quorum 3
$(tcp_rs 10.71.0.5)
$(tcp_rs 10.71.0.7)
}
CONF

start
check "HTTP_GET: both servers are in the table at their weights" \
	wait_for 15 has 10.70.0.1:80 "10.71.0.1:80/2 10.71.0.2:80/3 "
check "MISC_CHECK exit 0: both at their configured weights" \
	wait_for 10 has 10.70.0.2:80 "10.71.0.3:80/7 10.71.0.4:80/1 "
check "quorum: the three real servers, no sorry server" \
	wait_for 10 has 10.70.0.3:80 "10.71.0.5:80/2 10.71.0.6:80/2 10.71.0.7:80/2 "
check "quorum without a sorry server: both real servers" \
	has 10.70.0.4:80 "10.71.0.5:80/2 10.71.0.7:80/2 "

# HTTP_GET
echo "page a, changed" >/tmp/wa/a.html
check "HTTP_GET: a page whose digest no longer matches leaves the table" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.2:80/3 "
check "the log names the digest mismatch" logged "digest mismatch"
echo "page a" >/tmp/wa/a.html
check "and comes back when the page is restored" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.1:80/2 10.71.0.2:80/3 "
rm /tmp/wb/b.html
check "HTTP_GET: a 404 (file removed) leaves the table" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.1:80/2 "
check "the log names the status" logged "404"
echo "page b" >/tmp/wb/b.html
check "and comes back when the file is back" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.1:80/2 10.71.0.2:80/3 "
unserve 1
check "HTTP_GET: a server that stops answering leaves the table" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.2:80/3 "
serve 1 10.71.0.1 /tmp/wa

# MISC_CHECK, misc_dynamic on 10.71.0.3 only: each row is the script's
# exit status, the table it must give, and what that shows.
while IFS='|' read -r st want name; do
	echo "$st" >/tmp/ms.st
	check "$name" wait_for 10 has 10.70.0.2:80 "$want"
done <<'STEPS'
5|10.71.0.3:80/3 |misc_dynamic exit 5: weight 3; without it, exit 5 is out
255|10.71.0.3:80/253 |misc_dynamic exit 255: weight 253
2|10.71.0.3:80/0 |misc_dynamic exit 2: in the table at weight 0
1||exit 1: out of the table
4|10.71.0.3:80/2 |misc_dynamic exit 4 after a failure: back at weight 2
0|10.71.0.3:80/7 10.71.0.4:80/1 |exit 0: both back at their configured weights
STEPS
check "HTTP_GET: the restarted server is back" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.1:80/2 10.71.0.2:80/3 "

# quorum 5, hysteresis 1: lost below 4, regained at 6
unserve 5
check "quorum: live weight 4 keeps it (hysteresis): the server leaves, no sorry server" \
	wait_for 10 has 10.70.0.3:80 "10.71.0.6:80/2 10.71.0.7:80/2 "
check "without a sorry server, live weight 2 < 3: the quorum is lost" \
	wait_for 10 logged "quorum lost (live weight 2 < 3 - 0)"
sleep 0.5
check "and the server still up stays in the table" \
	has 10.70.0.4:80 "10.71.0.7:80/2 "
unserve 6
check "live weight 2: the sorry server replaces the real servers" \
	wait_for 10 has 10.70.0.3:80 "10.71.0.9:80/1 "
check "the log says the quorum is lost" \
	logged "quorum lost (live weight 2 < 5 - 1)"
mark=$(wc -l </tmp/tandem.log)
serve 6 10.71.0.6 /tmp/www
check "one server back (live weight 4 < 6): it is up" \
	wait_for 10 eval 'tail -n +$((mark + 1)) /tmp/tandem.log | grep -qF "real server 10.71.0.6:80 of 10.70.0.3:80 is up"'
sleep 0.5
check "and the sorry server stays alone in the table" \
	has 10.70.0.3:80 "10.71.0.9:80/1 "
serve 5 10.71.0.5 /tmp/www
check "live weight 6: the real servers are back and the sorry server leaves" \
	wait_for 10 has 10.70.0.3:80 "10.71.0.5:80/2 10.71.0.6:80/2 10.71.0.7:80/2 "
check "the log says the quorum is regained" \
	logged "quorum regained (live weight 6 >= 5 + 1)"
check "without a sorry server: both back" \
	wait_for 10 has 10.70.0.4:80 "10.71.0.5:80/2 10.71.0.7:80/2 "

check "SIGTERM stops tandem" stop
check "and the table is empty" eval '[ -z "$(ipvsadm -Sn)" ]'
for i in 1 2 5 6 7; do unserve $i 2>/dev/null; done
finish
