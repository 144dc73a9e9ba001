#!/bin/sh
# In-guest part of tandem_unprivileged.sh (bash is /bin/sh in the VM):
# tandem -C run by setpriv as uid 61000 with the unit's capabilities
# (/test/caps) programs the kernel's IPVS table over generic netlink,
# removes a server that stops answering, and empties the table on stop;
# without CAP_NET_ADMIN the kernel refuses it and the table stays empty.
cd /tmp || exit 1
. /test/guest_lib.sh

U=61000
CAPS=$(cat /test/caps)
dests() { ipvsadm -Ln -t "$1" 2>/dev/null | awk '$1 == "->" && $2 != "RemoteAddress:Port" { print $2 "/" $4 }' | sort | tr '\n' ' '; }
has() { [ "$(dests "$1")" = "$2" ]; }
# ustart CAPS: tandem -C as the user with those capabilities.
ustart() {
	: >/tmp/tandem.log
	chown "$U" /tmp/tandem.log /tmp/u
	/test/setpriv --reuid="$U" --regid="$U" --clear-groups \
		--inh-caps="-all${1:+,$1}" --ambient-caps="-all${1:+,$1}" \
		--bounding-set="-all${1:+,$1}" --nnp \
		$T -C -n -G -g/tmp/tandem.log -f /tmp/t.conf -p /tmp/u/t.pid \
		-c /tmp/u/tc.pid -r /tmp/u/tv.pid 2>>/tmp/tandem.err &
	pid=$!
}

web_servers 10.71.0.1 10.71.0.2
mkdir -p /tmp/u
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
}
CONF
chmod 644 /tmp/t.conf
echo "# capabilities: $CAPS"

ustart "$CAPS"
check "as uid $U with the unit's capabilities: both servers in the table" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.1:80/2 10.71.0.2:80/3 "
c=$(cat /tmp/u/tc.pid 2>/dev/null)
check "the check child runs as uid $U" \
	grep -q "^Uid:[[:space:]]*$U[[:space:]]" "/proc/$c/status"
kill "$H2"; wait "$H2" 2>/dev/null
check "a server that stops answering leaves the table" \
	wait_for 10 has 10.70.0.1:80 "10.71.0.1:80/2 "
check "SIGTERM stops tandem" stop
check "and the table is empty" eval '[ -z "$(ipvsadm -Sn)" ]'

ustart "$(echo "$CAPS" | sed 's/+net_admin,\{0,1\}//; s/,$//')"
wait_for 10 grep -q "not permitted" /tmp/tandem.log
check "without CAP_NET_ADMIN the kernel refuses (EPERM logged)" \
	grep -q "not permitted" /tmp/tandem.log
check "and the table stays empty" eval '[ -z "$(ipvsadm -Sn)" ]'
stop
kill "$H1" 2>/dev/null
finish
