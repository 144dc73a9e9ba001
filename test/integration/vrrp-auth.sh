#!/bin/sh
# VRRPv2 authentication end to end: two directors, d1 (priority 150) and
# d2 (100), advert_int 1, one VIP 192.0.2.100/24.
#   AH with the same key: the pair forms (d1 MASTER, d2 BACKUP hearing
#     d1, no authentication failure) and fails over on TERM;
#   AH with different keys: the ICV fails, each drops the other's adverts
#     and counts authentication failures, both become MASTER;
#   PASS with different passwords: the same, on both sides;
#   PASS on d1, AH on d2: both MASTER (the two ride different IP
#     protocols, 112 and 51, so neither socket even sees the other's
#     adverts; the auth type check itself is in vrrp-malformed.sh).
#
# Root only.  Namespaces vrrpa-{br,d1,d2}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab vrrpa

echo "1..15"

# conf TYPE_D1 KEY_D1 TYPE_D2 KEY_D2
conf() {
	cat >"$CONF" <<EOC
global_defs {
    router_id vrrp_auth_test
    vrrp_garp_master_delay 1
}
vrrp_instance VI_1 {
    interface eth0
    virtual_router_id 101
    @d1 priority 150
    @d2 priority 100
    version 2
    advert_int 1
    authentication {
        @d1 auth_type $1
        @d1 auth_pass $2
        @d2 auth_type $3
        @d2 auth_pass $4
    }
    virtual_ipaddress {
        $VIP/24
    }
}
EOC
}
new_logs() {
	for _d in d1 d2; do
		cat "$T/$_d/log" >>"$T/$_d/old.log"; : >"$T/$_d/log"
	done
}
both_stop() {
	[ -n "$PID1" ] && stop d1
	[ -n "$PID2" ] && stop d2
	new_logs
}
# both_master WHAT [COUNTER]: the two directors do not hear each other.
both_master() {
	start d1
	start d2
	wait_until 80 sh -c "ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
	sleep 1.5
	check "$1: both become MASTER and hold the VIP" \
		sh -c "ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
	if [ -n "$2" ]; then
		_s1=$(json_state d1 "$2"); _s2=$(json_state d2 "$2")
		check "$1: each counts $2 (d1: $_s1, d2: $_s2)" \
			sh -c "echo '$_s1' | grep -q '^MASTER [1-9]' && echo '$_s2' | grep -q '^MASTER [1-9]'"
	fi
	_r1=$(json_state d1 advert_rcvd); _r2=$(json_state d2 advert_rcvd)
	check "$1: no advert accepted (d1: $_r1, d2: $_r2)" \
		sh -c "[ '$_r1' = 'MASTER 0' ] && [ '$_r2' = 'MASTER 0' ]"
	both_stop
}

# ---- AH, same key
conf AH s3cret AH s3cret
start d1
wait_until 50 has_vip "$D1"
start d2
wait_until 30 grep -qs "Entering BACKUP STATE" "$T/d2/log"
sleep 3.5
check "AH same key: d1 MASTER, d2 BACKUP, the VIP on d1 only" \
	sh -c "[ '$(entered d2 MASTER)' = 0 ] && ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ! ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
s=$(json_state d2 advert_rcvd)
check "AH same key: d2 BACKUP accepts d1's adverts ($s)" sh -c "echo '$s' | grep -q '^BACKUP [1-9]'"
s=$(json_state d2 auth_failure)
check "AH same key: no authentication failure ($s)" [ "$s" = "BACKUP 0" ]
tcpdump_ok=0
if command -v tcpdump >/dev/null 2>&1; then
	timeout 5 ip netns exec "$BR" tcpdump -i p-d1 -n -c 1 'ip proto 51' >"$T/ah.td" 2>&1 && tcpdump_ok=1
fi
check "AH same key: d1's adverts are IPsec AH on the wire" \
	sh -c "[ $tcpdump_ok = 1 ] && grep -q 'AH(spi=0xc0000201' '$T/ah.td'"
stop d1
wait_until 50 has_vip "$D2"
check "AH same key: TERM d1, d2 takes the VIP" sh -c "ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/' && ! ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
s=$(json_state d2 pri_zero_rcvd)
check "AH same key: d2 took over on d1's signed priority-0 advert ($s)" sh -c "echo '$s' | grep -q '^MASTER [1-9]'"
both_stop

conf AH s3cret AH other
both_master "AH different keys" auth_failure
conf PASS secret PASS wrong
both_master "PASS different passwords" auth_failure
conf PASS secret AH secret
both_master "PASS on d1, AH on d2"

check "no sanitizer report in any process's log" \
	sh -c "! cat '$T'/d1/old.log '$T'/d2/old.log | grep -E -q 'Sanitizer|runtime error:'"
