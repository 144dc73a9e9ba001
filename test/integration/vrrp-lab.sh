# Shared lab for the VRRP tests (sourced after lib.sh, POSIX sh): a bridge
# namespace with two directors (d1 192.0.2.1, d2 192.0.2.2) and, when
# asked, a client (192.0.2.10) on veth ports, named PREFIX-{br,d1,d2,c}-PID.
# The EXIT trap stops the tandems this test started (by PID, checked to
# be a tandem), deletes the namespaces and the temporary folder, and shows
# the logs when a check failed.  Addresses are from 192.0.2.0/24.
#
#   vrrp_lab PREFIX [client]   make the lab; sets BR D1 D2 [CL] T CONF
#   vrrp_lab_net N             one more segment: bridge brN, ethN on d1 and
#                              d2 (10.N.255.1/24, 10.N.255.2/24), for tests
#                              that need more than 255 VRIDs a family
#   start ID / stop ID         tandem -P for director d1 or d2
#   has_vip NS, no_vip NS, only NS, entered ID STATE, json_state ID STAT

VIP=192.0.2.100
MADE=""
PID1=""
PID2=""
CL=""

vrrp_lab_cleanup() {
	set +e
	for _p in $PID1 $PID2; do
		is_tandem "$_p" && kill -CONT "$_p" 2>/dev/null && stop_pid "$_p"
	done
	if [ -n "$T" ]; then
		for _f in "$T"/d1/*.pid "$T"/d2/*.pid; do
			[ -f "$_f" ] || continue
			_p=$(readpid "$_f")
			is_tandem "$_p" && kill -CONT "$_p" 2>/dev/null && \
				kill -KILL "$_p" 2>/dev/null
		done
	fi
	for _n in $MADE; do
		ip netns del "$_n" 2>/dev/null
	done
	if [ -n "$T" ]; then
		if [ "$FAILED" -gt 0 ]; then
			for _f in "$T"/d1/old.log "$T"/d1/log "$T"/d2/old.log "$T"/d2/log; do
				[ -f "$_f" ] || continue
				diag "---- $_f ----"
				sed 's/^/# /' "$_f"
			done
		fi
		rm -rf "$T"
	fi
}

vrrp_lab() {
	trap vrrp_lab_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	command -v ip >/dev/null 2>&1 || skip_all "ip (iproute2) not installed"
	command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
	[ -x "$TANDEM" ] || skip_all "$TANDEM not built"
	"$TANDEM" -v | grep -q "VRRP" || skip_all "built without VRRP"
	BR="$1-br-$$"; D1="$1-d1-$$"; D2="$1-d2-$$"
	[ "${2:-}" = client ] && CL="$1-c-$$"
	for _n in "$BR" "$D1" "$D2" $CL; do
		ip netns add "$_n" 2>/dev/null || skip_all "cannot create a network namespace"
		MADE="$MADE $_n"
		ip -n "$_n" link set lo up
	done
	T=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	mkdir "$T/d1" "$T/d2"
	CONF="$T/tandem.conf"
	ip -n "$BR" link add br0 type bridge mcast_snooping 0 || skip_all "no bridge support"
	ip -n "$BR" link set br0 up
	vrrp_lab_port "$D1" d1 192.0.2.1
	vrrp_lab_port "$D2" d2 192.0.2.2
	[ -z "$CL" ] || vrrp_lab_port "$CL" c 192.0.2.10
}

vrrp_lab_port() {	# NS NAME ADDR
	ip -n "$BR" link add "p-$2" type veth peer name eth0 netns "$1"
	ip -n "$BR" link set "p-$2" master br0 up
	ip -n "$1" addr add "$3/24" dev eth0
	ip -n "$1" link set eth0 up
}

vrrp_lab_net() {	# N
	ip -n "$BR" link add "br$1" type bridge mcast_snooping 0
	ip -n "$BR" link set "br$1" up
	for _d in 1 2; do
		eval "_ln=\$D$_d"
		ip -n "$BR" link add "p-d$_d-$1" type veth peer name "eth$1" netns "$_ln"
		ip -n "$BR" link set "p-d$_d-$1" master "br$1" up
		ip -n "$_ln" addr add "10.$1.255.$_d/24" dev "eth$1"
		ip -n "$_ln" link set "eth$1" up
	done
}

# start ID: tandem -P for director ID in its namespace; sets PID1 / PID2.
start() {
	_ns=$D1; [ "$1" = d2 ] && _ns=$D2
	TMPDIR="$T/$1" ip netns exec "$_ns" "$TANDEM" -P -n -l -G -i "$1" \
		-f "$CONF" -p "$T/$1/tandem.pid" -r "$T/$1/vrrp.pid" \
		-c "$T/$1/check.pid" >>"$T/$1/log" 2>&1 &
	if [ "$1" = d1 ]; then PID1=$!; else PID2=$!; fi
}
# stop ID: TERM, reaped, bounded.
stop() {
	if [ "$1" = d1 ]; then _sp=$PID1; PID1=""; else _sp=$PID2; PID2=""; fi
	kill -TERM "$_sp" 2>/dev/null
	wait_exit "$_sp" 80
}
has_vip() { ip -n "$1" -4 addr show dev eth0 | grep -q "inet $VIP/"; }
no_vip() { ! has_vip "$1"; }
only() {	# only NS: NS holds the VIP, the other director does not
	if [ "$1" = "$D1" ]; then has_vip "$D1" && no_vip "$D2"
	else has_vip "$D2" && no_vip "$D1"; fi
}
entered() { grep -c "Entering $2 STATE" "$T/$1/log" 2>/dev/null || true; }
# json_state ID STAT: "STATE VALUE-OF-STAT" from director ID's JSON dump.
json_state() {
	_p=$PID1; [ "$1" = d2 ] && _p=$PID2
	rm -f "$T/$1/tandem.json"
	kill -s "$("$TANDEM" --signum JSON)" "$_p" 2>/dev/null
	wait_until 30 test -s "$T/$1/tandem.json"
	python3 -c "import json; d=json.load(open('$T/$1/tandem.json')); print(d['vrrp'][0]['data']['state'], d['vrrp'][0]['stats']['$2'])" 2>/dev/null
}
ms() { date +%s%3N; }
