#!/bin/sh
# Every malformed-advert class of RFC 5798 §7.1 and RFC 3768 §7.1, sent
# with scapy (vrrp_scapy.py) from a client namespace onto the bridge of two
# directors: d1 (priority 150) is MASTER and d2 (100) BACKUP of a v3
# instance (VRID 51, advert_int 0.2, VIP 192.0.2.100), of a v2 PASS
# instance (VRID 52, advert_int 1, VIP 192.0.2.101) and of a v3 IPv6
# instance (VRID 53, advert_int 0.2, VIP 2001:db8::100).  Each broken class is
# sent three times at priority 200 (which would unseat the master) and
# three times at priority 0 (which would hand the backup the VIP); each
# must be dropped and counted in its RFC 6527 / RFC 2787 counter on both
# directors (the JSON dump; router-wide counters in the data dump), with
# no advert accepted, no transition, the VIPs where they were.  Checked:
# bad checksum, version 4, a v2 advert to the v3 instance, unknown VRID,
# TTL 254, IPv6 hop limit 254, IPv6 bad checksum, too short, length not matching the address count, invalid type,
# v2 advert interval, v2 address list, v2 wrong password, auth type
# mismatch, invalid auth type.  Also that well-formed lower-priority
# adverts (v3, v2, IPv6) are accepted, that a v3 address-list mismatch is accepted and
# counted, and priority 0: both count it, the master answers at once and
# stays master, the backup stays backup.  Finally the same vrrp child is
# running: nothing crashed.
#
# Root only.  Namespaces vrrpm-{br,d1,d2,c}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

SENDER="${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp_scapy.py"
# Debian's python3-scapy is for Debian's python3, whatever python3 is first
# on PATH.
PY=""
for _py in /usr/bin/python3 python3; do
	if "$_py" -c "import scapy.layers.vrrp" 2>/dev/null; then PY=$_py; break; fi
done
[ -n "$PY" ] || skip_all "scapy (python3-scapy) not installed"
command -v mkfifo >/dev/null 2>&1 || skip_all "mkfifo not installed"

vrrp_lab vrrpm client
VIP2=192.0.2.101
VIP6=2001:db8::100

echo "1..56"

cat >"$CONF" <<EOC
global_defs {
    router_id vrrp_malformed_test
    vrrp_garp_master_delay 1
}
vrrp_instance VI_3 {
    interface eth0
    virtual_router_id 51
    @d1 priority 150
    @d2 priority 100
    version 3
    advert_int 0.2
    virtual_ipaddress {
        $VIP/24
    }
}
vrrp_instance VI_2 {
    interface eth0
    virtual_router_id 52
    @d1 priority 150
    @d2 priority 100
    version 2
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass secret
    }
    virtual_ipaddress {
        $VIP2/24
    }
}
vrrp_instance VI_6 {
    interface eth0
    virtual_router_id 53
    @d1 priority 150
    @d2 priority 100
    version 3
    advert_int 0.2
    virtual_ipaddress {
        $VIP6/64 nodad
    }
}
EOC

has_vips() {
	has_vip "$1" && ip -n "$1" -4 addr show dev eth0 2>/dev/null | grep -q "inet $VIP2/" &&
		ip -n "$1" -6 addr show dev eth0 2>/dev/null | grep -q "inet6 $VIP6/"
}
no_vips() {
	! ip -n "$1" addr show dev eth0 2>/dev/null | grep -E -q "inet6? (192.0.2.10[01]|$VIP6)/"
}
# The client's link-local address, once out of DAD: the IPv6 source.
linklocal() {
	ip -n "$CL" -6 -o addr show dev eth0 scope link 2>/dev/null | grep -v tentative |
		sed -n 's/.* inet6 \([^/]*\)\/.*/\1/p' | head -n 1
}
start d1
wait_until 80 has_vips "$D1"
start d2
wait_until 30 sh -c "[ \$(grep -cs 'Entering BACKUP STATE' '$T/d2/log') -ge 3 ] 2>/dev/null"
sleep 1.5
check "d1 MASTER of the three instances, d2 BACKUP of them" \
	sh -c "$(has_vips "$D1" && no_vips "$D2" && echo true || echo false) && [ '$(entered d2 MASTER)' = 0 ]"
wait_until 50 sh -c "[ -n \"\$(ip -n '$CL' -6 -o addr show dev eth0 scope link | grep -v tentative)\" ]"
SRC6=$(linklocal)
[ -n "$SRC6" ] || diag "the client has no link-local address"
CHILD1=$(readpid "$T/d1/vrrp.pid")
CHILD2=$(readpid "$T/d2/vrrp.pid")

# The sender, fed through a fifo held open on fd 3; bounded by timeout.
mkfifo "$T/cmd"
SRC6=$SRC6 timeout 300 ip netns exec "$CL" "$PY" "$SENDER" <"$T/cmd" >"$T/sent" 2>"$T/sent.err" &
SPID=$!
exec 3>"$T/cmd"
# send CLASS PRIORITY COUNT: bounded wait for the sender's answer.
send() {
	echo "$1 $2 $3" >&3
	wait_until 100 grep -q "^done $1 $2\$" "$T/sent"
}

# snap SUFFIX: both directors' counters and states as "KEY VALUE" lines in
# $T/d1.SUFFIX and $T/d2.SUFFIX, from their JSON dumps (INSTANCE.STAT,
# INSTANCE.state) and data dumps (router.*); both asked at once.
snap() {
	for _d in d1 d2; do
		rm -f "$T/$_d/tandem.json" "$T/$_d/tandem.data"
		kill -s "$("$TANDEM" --signum JSON)" "$(lab_pid $_d)" 2>/dev/null
		kill -USR1 "$(lab_pid $_d)" 2>/dev/null
	done
	for _d in d1 d2; do
		wait_until 30 sh -c "test -s '$T/$_d/tandem.json' && grep -q 'Router errors' '$T/$_d/tandem.data'"
		python3 - "$T/$_d/tandem.json" "$T/$_d/tandem.data" >"$T/$_d.$1" <<'EOP' 2>/dev/null
import json, re, sys
for i in json.load(open(sys.argv[1]))["vrrp"]:
    n = i["data"]["iname"]
    print(n + ".state", i["data"]["state"])
    for k, v in i["stats"].items():
        print(n + "." + k, v)
m = re.search(r"Router errors: checksum = (\d+), version = (\d+), VRID = (\d+), other = (\d+)",
              open(sys.argv[2]).read())
for k, v in zip(("checksum", "version", "vrid", "other"), m.groups()):
    print("router." + k, v)
EOP
	done
}
# val FILE KEY / delta KEY (for director $SD, between $T/SD.a and $T/SD.b)
val() { sed -n "s/^$2 //p" "$1"; }
delta() { echo $(( $(val "$T/$SD.b" "$1") - $(val "$T/$SD.a" "$1") )); }
# steady: for director $SD, no transition, no advert from the client
# accepted (d2 hears d1, so only d1's advert_rcvd must stay), states kept.
steady() {
	[ "$(delta VI_3.become_master)" = 0 ] && [ "$(delta VI_2.become_master)" = 0 ] &&
	[ "$(delta VI_6.become_master)" = 0 ] && [ "$(delta VI_6.pri_zero_rcvd)" = 0 ] &&
	[ "$(delta VI_3.pri_zero_rcvd)" = 0 ] && [ "$(delta VI_2.pri_zero_rcvd)" = 0 ] ||
		return 1
	if [ "$SD" = d1 ]; then
		[ "$(delta VI_3.advert_rcvd)" = 0 ] && [ "$(delta VI_2.advert_rcvd)" = 0 ] &&
		[ "$(delta VI_6.advert_rcvd)" = 0 ] &&
		[ "$(val "$T/d1.b" VI_3.state)" = MASTER ] && [ "$(val "$T/d1.b" VI_2.state)" = MASTER ] &&
		[ "$(val "$T/d1.b" VI_6.state)" = MASTER ]
	else
		[ "$(val "$T/d2.b" VI_3.state)" = BACKUP ] && [ "$(val "$T/d2.b" VI_2.state)" = BACKUP ] &&
		[ "$(val "$T/d2.b" VI_6.state)" = BACKUP ]
	fi
}
# try CLASS [PRIORITIES]: snapshots around the class sent 3 times at each
# priority (default 200 and 0); the last "after" is the next "before".
try() {
	if [ -s "$T/d1.b" ] && [ -s "$T/d2.b" ]; then
		mv "$T/d1.b" "$T/d1.a"; mv "$T/d2.b" "$T/d2.a"
	else
		snap a
	fi
	_c=$1; shift
	for _pr in ${*:-200 0}; do send "$_c" "$_pr" 3; done
	sleep 0.3
	snap b
}
# dropped WHAT CLASS KEY: KEY rose by 6 on both directors, both steady,
# the VIPs on d1 only.
dropped() {
	try "$2"
	for SD in d1 d2; do
		_d=$(delta "$3")
		check "$1: dropped, $SD counts $3 (+$_d), no advert taken, state kept" \
			sh -c "[ '$_d' = 6 ] && $(steady && echo true || echo false)"
	done
	check "$1: the VIPs still on d1 only" sh -c "$(has_vips "$D1" && no_vips "$D2" && echo true || echo false)"
}

# A well-formed lower-priority advert is heard: the sender works.
try valid3 50
SD=d1
check "well-formed v3 advert at priority 50: d1 accepts 3 (+$(delta VI_3.advert_rcvd)), stays MASTER" \
	sh -c "[ '$(delta VI_3.advert_rcvd)' = 3 ] && [ '$(val "$T/d1.b" VI_3.state)' = MASTER ] && [ '$(delta VI_3.become_master)' = 0 ]"
try valid2 50
check "well-formed v2 PASS advert at priority 50: d1 accepts 3 (+$(delta VI_2.advert_rcvd))" \
	sh -c "[ '$(delta VI_2.advert_rcvd)' = 3 ] && [ '$(val "$T/d1.b" VI_2.state)' = MASTER ]"
try valid6 50
check "well-formed IPv6 advert at priority 50: d1 accepts 3 (+$(delta VI_6.advert_rcvd))" \
	sh -c "[ '$(delta VI_6.advert_rcvd)' = 3 ] && [ '$(val "$T/d1.b" VI_6.state)' = MASTER ]"

dropped "bad checksum" checksum router.checksum
dropped "version 4" version router.version
dropped "v2 advert to the v3 instance" v2_to_v3 VI_3.version_err
dropped "unknown VRID 77" vrid router.vrid
dropped "TTL 254" ttl VI_3.ip_ttl_err
dropped "IPv6 hop limit 254" hoplimit6 VI_6.ip_ttl_err
dropped "IPv6 bad checksum" checksum6 router.checksum
dropped "too short (4 bytes)" short VI_3.packet_len_err
dropped "length not matching the address count" length VI_3.packet_len_err
dropped "type 2" type VI_3.invalid_type_rcvd
dropped "v2 advert interval 3 s, not 1" interval2 VI_2.advert_interval_err
dropped "v2 address list mismatch" addrlist2 VI_2.addr_list_err
dropped "v2 wrong password" password2 VI_2.auth_failure
dropped "v2 auth type 0 on a PASS instance" authtype2 VI_2.authtype_mismatch
dropped "v2 auth type 7" badauth2 VI_2.invalid_authtype

# v3 (RFC 5798 §7.1): an address-list mismatch is logged and counted but
# the advert is still processed.
try addrlist3 50
SD=d1
check "v3 address list mismatch: d1 counts it (+$(delta VI_3.addr_list_err)) and still accepts the advert (+$(delta VI_3.advert_rcvd)), stays MASTER" \
	sh -c "[ '$(delta VI_3.addr_list_err)' = 3 ] && [ '$(delta VI_3.advert_rcvd)' = 3 ] && [ '$(val "$T/d1.b" VI_3.state)' = MASTER ]"

# Priority 0: the master answers with an advert at once, so the backup,
# whose Master_Down_Timer fell to Skew_Time, stays backup.
try valid3 0
SD=d1
check "priority 0: d1 counts 3 (+$(delta VI_3.pri_zero_rcvd)) and stays MASTER without a transition" \
	sh -c "[ '$(delta VI_3.pri_zero_rcvd)' = 3 ] && [ '$(val "$T/d1.b" VI_3.state)' = MASTER ] && [ '$(delta VI_3.become_master)' = 0 ]"
SD=d2
check "priority 0: d2 counts 3 (+$(delta VI_3.pri_zero_rcvd)) and stays BACKUP (the master answered)" \
	sh -c "[ '$(delta VI_3.pri_zero_rcvd)' = 3 ] && [ '$(val "$T/d2.b" VI_3.state)' = BACKUP ] && [ '$(delta VI_3.become_master)' = 0 ]"
check "priority 0: the VIPs still on d1 only" sh -c "$(has_vips "$D1" && no_vips "$D2" && echo true || echo false)"

exec 3>&-
wait "$SPID" 2>/dev/null
if ! grep -q '^error' "$T/sent" && [ "$(grep -c '^done' "$T/sent")" = 35 ]; then
	ok "the sender sent every class and reported no error"
else
	not_ok "the sender sent every class and reported no error"
	sed 's/^/# /' "$T/sent" "$T/sent.err"
fi
check "both daemons and their first vrrp children still run" \
	sh -c "$(is_tandem "$PID1" && is_tandem "$PID2" && [ "$(readpid "$T/d1/vrrp.pid")" = "$CHILD1" ] && [ "$(readpid "$T/d2/vrrp.pid")" = "$CHILD2" ] && is_tandem "$CHILD1" && is_tandem "$CHILD2" && echo true || echo false)"
stop d1
stop d2
check "both stop cleanly, no sanitizer report" \
	sh -c "[ '$RC' = 0 ] && ! cat '$T'/d1/log '$T'/d2/log | grep -E -q 'Sanitizer|runtime error:'"
