#!/bin/sh
# tandem as a non-root user with exactly the capabilities of
# tandem-unprivileged.service: its AmbientCapabilities (also the bounding
# and inheritable sets), no supplementary groups, no_new_privs and the
# noroot securebits, as systemd would start it (setpriv stands in for
# systemd, which is not PID 1 here).  A user id that no account uses
# runs the daemons; its primary group is nogroup.  Checks: a VRRP pair
# forms and fails over (the VIP added and removed, a gratuitous ARP seen
# by the client), no_accept's nftables set is filled, a VMAC is made (/proc/sys/net written) and removed,
# vrrp_priority applies, a vrrp_script runs as
# script_user (nobody) without any of the daemon's capabilities and is
# killed past its timeout, one with user root gets uid 0 and still no
# capability, the check child runs TCP checkers and sees a
# listener up and a closed port down, the control socket answers a
# member of control_socket_group and no one else, reloads and a clean
# stop work, and each capability of the set is needed (d1 started
# without it shows what breaks).
#
# Root (to make the namespaces and to drop to the user).  Namespaces
# unpriv-{br,d1,d2,c}-PID, the temporary folder and every process this
# test started (by PID) are removed by the EXIT trap.  Every wait is
# bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/check-lib.sh"

B="${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}"
UNIT="$B/doc/tandem-unprivileged.service"
[ -f "$UNIT" ] || { echo "1..0 # SKIP $UNIT not built"; exit 0; }
command -v setpriv >/dev/null 2>&1 || { echo "1..0 # SKIP setpriv (util-linux) not installed"; exit 0; }
command -v socat >/dev/null 2>&1 || { echo "1..0 # SKIP socat not installed"; exit 0; }
[ -x /usr/bin/python3 ] || { echo "1..0 # SKIP /usr/bin/python3 not installed"; exit 0; }
vrrp_lab unpriv client
"$TANDEM" -v | grep -q "LVS" || skip_all "built without the checkers"

# The capability set, from the unit: CAP_NET_ADMIN CAP_NET_RAW -> net_admin,net_raw
CAPS=$(sed -n 's/^AmbientCapabilities=//p' "$UNIT" | tail -n 1 |
	tr 'A-Z' 'a-z' | sed 's/cap_//g; s/ \{1,\}/,/g; s/,$//')
[ -n "$CAPS" ] || skip_all "no AmbientCapabilities= in $UNIT"
# User ids no account has (the daemons need none): TUID runs tandem in
# group nogroup, CUID is a client of the control socket.
TUID=""; CUID=""
for _u in $(seq $((61000 + $$ % 1000)) $((61100 + $$ % 1000))); do
	getent passwd "$_u" >/dev/null 2>&1 && continue
	if [ -z "$TUID" ]; then TUID=$_u; else CUID=$_u; break; fi
done
[ -n "$CUID" ] || skip_all "no free user id"
TGID=$(getent group nogroup | cut -d: -f3)
[ -n "$TGID" ] || skip_all "no group nogroup"
NOBODY=$(id -u nobody 2>/dev/null) || skip_all "no user nobody"
getent passwd keepalived_script >/dev/null 2>&1 && \
	skip_all "a keepalived_script user exists: scripts would run as it"

echo "1..34"
chmod 755 "$T"
mkdir -p "$T/out"
chmod 1777 "$T/out"
chown "$TUID:$TGID" "$T/d1" "$T/d2"

# caps_of SET: setpriv's list (+a,+b) for a comma list (a,b).
plus() { echo "$1" | sed 's/\([^,]\{1,\}\)/+\1/g'; }
# ustart ID [CAPS]: tandem for director ID as the user, with CAPS (the
# unit's by default); the lab's stop/kill9/has_vip apply.
ustart() {
	_c=$(plus "${2-$CAPS}")
	TMPDIR="$T/$1" ip netns exec "$(lab_ns "$1")" setpriv \
		--reuid="$TUID" --regid="$TGID" --clear-groups \
		--inh-caps="-all${_c:+,$_c}" --ambient-caps="-all${_c:+,$_c}" \
		--bounding-set="-all${_c:+,$_c}" \
		--securebits=+noroot,+noroot_locked --nnp \
		"$TANDEM" -n -l -G -i "$1" -f "$CONF" -p "$T/$1/tandem.pid" \
		-r "$T/$1/vrrp.pid" -c "$T/$1/check.pid" $3 >>"$T/$1/log" 2>&1 &
	case $1 in d1) PID1=$! ;; *) PID2=$! ;; esac
}

# A listener on d2 for the checkers (port 7001 up, 7002 closed).
LPID=""
ip netns exec "$D2" socat TCP-LISTEN:7001,fork,reuseaddr,bind=192.0.2.2 \
	/dev/null >/dev/null 2>&1 &
LPID=$!
# Gratuitous ARP for the VIP as the client sees it: "sender-mac" lines.
SPID=""
sniff() {
	ip netns exec "$CL" python3 - "$T/garp" "$VIP" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind(("eth0", 0))
s.settimeout(0.2)
vip = socket.inet_aton(sys.argv[2])
end = time.monotonic() + 120        # bounded: the test never needs longer
with open(sys.argv[1], "a", buffering=1) as f:
    while time.monotonic() < end:
        try:
            p = s.recv(2048)
        except socket.timeout:
            continue
        a = p[14:]
        # ARP for IPv4 over Ethernet whose sender and target are the VIP.
        if len(a) >= 28 and a[14:18] == vip and a[24:28] == vip:
            f.write(a[8:14].hex(":") + "\n")
PY
	SPID=$!
}
my_cleanup() {
	[ -z "$LPID" ] || kill "$LPID" 2>/dev/null
	[ -z "$SPID" ] || kill "$SPID" 2>/dev/null
	# The hung scripts left alive by the run without CAP_KILL.
	for _h in $(cat "$T/out/hang" 2>/dev/null); do
		[ "$(cat /proc/"$_h"/comm 2>/dev/null)" = sleep ] && kill -KILL "$_h"
	done
	vrrp_lab_cleanup
}
trap my_cleanup EXIT
sniff

conf() { # D1-PRIORITY
	cat >"$CONF" <<EOF
global_defs {
    router_id unpriv_test
    vrrp_garp_master_delay 1
    vrrp_priority -5
    @d1 control_socket $T/d1/ctl.sock
    @d1 control_socket_group nogroup
}
vrrp_script chk_root {
    script "$T/chk.sh root"
    user root
    interval 1
}
vrrp_script chk_id {
    script "$T/chk.sh script"
    interval 1
}
vrrp_script chk_hang {
    script "$T/hang.sh"
    interval 2
    timeout 1
    weight -10
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 61
    no_accept
    @d1 priority $1
    @d2 priority 100
    version 3
    advert_int 0.2
    virtual_ipaddress {
        $VIP/24
    }
    track_script {
        chk_id
        chk_root
        chk_hang
    }
}
vrrp_instance VI_2 {
    interface eth0
    use_vmac
    virtual_router_id 62
    @d1 priority 140
    @d2 priority 90
    version 3
    advert_int 0.2
    virtual_ipaddress {
        192.0.2.101/32
    }
}
virtual_server 192.0.2.200 80 {
    delay_loop 0.3
    real_server 192.0.2.2 7001 {
        TCP_CHECK { connect_timeout 0.5 }
    }
    real_server 192.0.2.2 7002 {
        TCP_CHECK { connect_timeout 0.5 }
    }
}
EOF
	chmod 644 "$CONF"
}

# The script records who it runs as and what capabilities it holds.
printf '%s\n' '#!/bin/sh' "f=$T/out/\$1.\$\$" 'id -u >"$f"' \
	"grep -E '^Cap(Prm|Eff|Amb)' /proc/self/status >>\"\$f\"" >"$T/chk.sh"
# This one hangs past its timeout: tandem must kill it (another user's).
printf '%s\n' '#!/bin/sh' "echo \$\$ >>$T/out/hang" 'exec sleep 20' >"$T/hang.sh"
chmod 755 "$T/chk.sh" "$T/hang.sh"
# Pid files: /run for root, /run/tandem/ (RuntimeDirectory=) for others.
check "default pid files: /run/tandem.pid as root, /run/tandem/tandem.pid as the user" \
	sh -c "'$TANDEM' --help | grep -q '(default /run/tandem.pid)' &&
	       setpriv --reuid=$TUID --regid=$TGID --clear-groups '$TANDEM' --help |
	       grep -q '(default /run/tandem/tandem.pid)'"
conf 150
ustart d1
wait_until 80 has_vip "$D1"
check "as the user, with the unit's capabilities ($CAPS): d1 becomes MASTER and holds the VIP" only "$D1"
v=$(readpid "$T/d1/vrrp.pid")
check "the daemons run as uid $TUID (parent and vrrp child)" \
	sh -c "grep -q '^Uid:[[:space:]]*$TUID[[:space:]]' /proc/$PID1/status && grep -q '^Uid:[[:space:]]*$TUID[[:space:]]' /proc/$v/status"
check "the vrrp child runs at vrrp_priority -5 (CAP_SYS_NICE)" \
	[ "$(sed 's/.*) //' /proc/"$v"/stat 2>/dev/null | cut -d' ' -f17)" = -5 ]
ustart d2
wait_until 50 grep -qs "Entering BACKUP STATE" "$T/d2/log"
sleep 1
check "d2 is BACKUP without the VIP" sh -c "[ '$(entered d2 BACKUP)' -ge 1 ] && [ '$(entered d2 MASTER)' = 0 ]"
mac1=$(ip netns exec "$D1" cat /sys/class/net/eth0/address)
mac2=$(ip netns exec "$D2" cat /sys/class/net/eth0/address)
wait_until 50 grep -q "$mac1" "$T/garp"
check "the client sees a gratuitous ARP for the VIP from d1 ($mac1)" grep -q "$mac1" "$T/garp"

# no_accept: the VIP in tandem's nftables set (CAP_NET_ADMIN).
in_set() { ip netns exec "$D1" nft list set inet tandem vips4 2>/dev/null | grep -q "$VIP"; }
if command -v nft >/dev/null 2>&1; then
	wait_until 30 in_set
	check "no_accept: the VIP is in d1's nftables set" in_set
else
	ok "# SKIP nft (nftables) not installed"
fi

# A VMAC: a macvlan made, and /proc/sys/net written (CAP_NET_ADMIN).
arp_ignore() { ip netns exec "$D1" cat /proc/sys/net/ipv4/conf/eth0/arp_ignore; }
vmac_vip() { ip -n "$D1" -4 addr show dev vrrp.62 2>/dev/null | grep -q "inet 192.0.2.101/"; }
wait_until 50 vmac_vip
check "use_vmac: d1 makes vrrp.62 and holds its VIP on it" vmac_vip
check "and sets arp_ignore 1 on eth0 (/proc/sys/net)" [ "$(arp_ignore)" = 1 ]

# The vrrp_script ran as nobody, with no capability left.
wait_until 50 sh -c "ls '$T/out'/script.* >/dev/null 2>&1"
f=$(ls "$T/out"/script.* 2>/dev/null | head -n 1)
check "a vrrp_script runs as script_user (nobody, uid $NOBODY)" \
	sh -c "[ -n '$f' ] && [ \"\$(head -n 1 '$f')\" = '$NOBODY' ]"
check "and holds none of the daemon's capabilities" \
	sh -c "[ -n '$f' ] && [ \"\$(grep -c ':[[:space:]]*0000000000000000\$' '$f')\" = 3 ]"
wait_until 50 sh -c "ls '$T/out'/root.* >/dev/null 2>&1"
f=$(ls "$T/out"/root.* 2>/dev/null | head -n 1)
check "a vrrp_script with user root gets uid 0 but no capabilities (noroot)" \
	sh -c "[ -n '$f' ] && [ \"\$(head -n 1 '$f')\" = 0 ] && [ \"\$(grep -c ':[[:space:]]*0000000000000000\$' '$f')\" = 3 ]"

# The check child, also as the user: TCP checks up and down.
wait_until 50 test -s "$T/d1/check.pid"
# rs_d1 ADDR:PORT: "up reason" of that server in a fresh dump of d1.
rs_d1() {
	rm -f "$T/d1/tandem_check.json"
	kill -s "$("$TANDEM" --signum JSON)" "$PID1" 2>/dev/null
	wait_until 30 test -s "$T/d1/tandem_check.json"
	cp "$T/d1/tandem_check.json" "$T/tandem_check.json" 2>/dev/null
	rs "$1" up reason
}
c=$(ls -ln /proc/"$(readpid "$T/d1/check.pid")"/status 2>/dev/null | awk '{print $3}')
check "the check child runs as uid $TUID" [ "$c" = "$TUID" ]
wait_until 50 eval '[ "$(rs_d1 192.0.2.2:7001)" = "true " ]'
check "the check child finds the listener up" [ "$(rs_d1 192.0.2.2:7001)" = "true " ]
s=$(rs_d1 192.0.2.2:7002)
check "and the closed port down ($s)" sh -c "echo '$s' | grep -q '^false connect: Connection refused'"

# A script past its timeout is killed, though it runs as another user.
wait_until 50 test -s "$T/out/hang"
h=$(head -n 1 "$T/out/hang" 2>/dev/null)
wait_until 40 eval '! kill -0 "$h" 2>/dev/null'
check "a vrrp_script (nobody's) past its timeout is killed (CAP_KILL)" \
	sh -c "[ -n '$h' ] && ! kill -0 '$h' 2>/dev/null"

# The control socket: the group's members may use it, no one else.
SOCK="$T/d1/ctl.sock"
# ctl_as GROUPS: a status request as CUID with those supplementary
# groups ("" for none); prints "ok" or the error.
# (The system's python: root's PATH may name one other users cannot run.)
ctl_as() {
	if [ -n "$1" ]; then _g="--groups=$1"; else _g="--clear-groups"; fi
	setpriv --reuid="$CUID" --regid="$CUID" "$_g" \
		/usr/bin/python3 - "$SOCK" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
try:
    s.connect(sys.argv[1])
    s.sendall(b'{"cmd": "status"}\n')
    buf = b""
    while not buf.endswith(b"\n"):
        b = s.recv(65536)
        if not b:
            break
        buf += b
    print("ok" if json.loads(buf).get("ok") else "refused")
except OSError as e:
    print(e.strerror)
PY
}
wait_until 50 test -S "$SOCK"
check "the control socket is the user's, group nogroup, mode 0660" \
	[ "$(stat -c '%u %g %a' "$SOCK" 2>/dev/null)" = "$TUID $TGID 660" ]
r=$(ctl_as "$TGID")
check "a member of control_socket_group gets answers ($r)" [ "$r" = ok ]
r=$(ctl_as "")
check "anyone else is refused ($r)" [ "$r" = "Permission denied" ]

# Failover both ways.
stop d1
check "TERM d1: it exits 0" [ "$RC" = 0 ]
check "and deletes its VMAC, restoring arp_ignore" \
	sh -c "! ip -n '$D1' link show vrrp.62 >/dev/null 2>&1 && [ '$(arp_ignore)' = 0 ]"
wait_until 30 only "$D2"
check "d2 takes the VIP, d1 released it" only "$D2"
wait_until 50 grep -q "$mac2" "$T/garp"
check "the client sees a gratuitous ARP for the VIP from d2 ($mac2)" grep -q "$mac2" "$T/garp"
ustart d1
wait_until 80 only "$D1"
check "a restarted d1 preempts back" only "$D1"
# Reloads through the unit's ExecReload, run as the user as systemd would.
CTL="$B/tandem/tandemctl"
if [ -x "$CTL" ]; then
	rcmd=$(sed -n 's/^ExecReload=//p' "$UNIT" | tail -n 1 |
		sed -e "s|^[^ ]*/tandemctl |$CTL |" -e "s|/run/tandem/tandem.sock|$SOCK|g")
	wait_until 50 test -S "$SOCK"
	cp "$CONF" "$T/good.conf"
	echo "vrrp_instance { }" >>"$CONF"
	setpriv --reuid="$TUID" --regid="$TGID" --clear-groups sh -c "$rcmd" \
		>"$T/reload.out" 2>&1
	rrc=$?
	sed 's/^/#   /' "$T/reload.out"
	check "the unit's ExecReload as the user: a refused file exits $rrc, its error printed" \
		sh -c "[ $rrc != 0 ] && grep -q 'tandem.conf:[0-9]*:' '$T/reload.out'"
	cp "$T/good.conf" "$CONF"
	sed -i 's/@d1 priority 150/@d1 priority 50/' "$CONF"
	setpriv --reuid="$TUID" --regid="$TGID" --clear-groups sh -c "$rcmd" \
		>"$T/reload.out" 2>&1
	rrc=$?
	sed 's/^/#   /' "$T/reload.out"
	check "and a good one exits 0" [ "$rrc" = 0 ]
else
	ok "# SKIP tandemctl not built"
	ok "# SKIP tandemctl not built"
	sed -i 's/@d1 priority 150/@d1 priority 50/' "$CONF"
	kill -HUP "$PID1"
fi
wait_until 50 only "$D2"
check "the reload (as the user) lowered d1's priority: d2 takes over" only "$D2"
stop d1
stop d2
conf 150

# Each capability is needed: d1 alone with one left out.
# without CAP [LOG-PATTERN]: start d1 with the unit's set less CAP, wait
# for the pattern (bounded) and a little more.
without() {
	cat "$T/d1/log" >>"$T/d1/old.log"
	: >"$T/d1/log"
	rm -f "$T/out"/script.* "$T/out"/root.* "$T/out/hang"
	ustart d1 "$(echo "$CAPS" | sed "s/$1,\{0,1\}//; s/,\$//")"
	[ -z "$2" ] || wait_until 80 grep -q -- "$2" "$T/d1/log"
	sleep 1
}
without net_raw "Operation not permitted"
check "without CAP_NET_RAW: no VRRP socket (EPERM logged), no VIP" \
	sh -c "grep -q 'Operation not permitted' '$T/d1/log' && ! ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
stop d1
without net_admin "Entering MASTER STATE"
check "without CAP_NET_ADMIN: MASTER, but the VIP cannot be added" \
	sh -c "grep -q 'Entering MASTER STATE' '$T/d1/log' && ! ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
stop d1
for c in setuid setgid; do
	without $c "chk_id) refused"
	check "without CAP_$(echo $c | tr a-z A-Z): the script cannot run as nobody" \
		sh -c "grep -q 'chk_id) refused.*Operation not permitted' '$T/d1/log' && ! ls '$T/out'/script.* >/dev/null 2>&1"
	stop d1
done
without kill
wait_until 50 test -s "$T/out/hang"
sleep 3
h=$(head -n 1 "$T/out/hang" 2>/dev/null)
check "without CAP_KILL: a script past its timeout survives" \
	sh -c "[ -n '$h' ] && kill -0 '$h' 2>/dev/null"
stop d1
without sys_nice "cannot set nice"
check "without CAP_SYS_NICE: vrrp_priority cannot be applied" \
	grep -q "cannot set nice -5: Permission denied" "$T/d1/log"
stop d1
check "no sanitizer report in any daemon's log" \
	sh -c "! cat '$T'/d1/old.log '$T'/d1/log '$T'/d2/log 2>/dev/null | grep -q 'runtime error\|Sanitizer'"
[ "$FAILED" = 0 ]
