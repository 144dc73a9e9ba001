# Shared lab for the VRRP tests (sourced after lib.sh, POSIX sh): a bridge
# namespace with two directors (d1 192.0.2.1, d2 192.0.2.2) and, when
# asked, a client (192.0.2.10) on veth ports, named PREFIX-{br,d1,d2,c}-PID;
# vrrp_lab_third adds a third director (d3 192.0.2.3, PREFIX-d3-PID).
# The EXIT trap stops the tandems this test started (by PID, checked to
# be a tandem), deletes the namespaces and the temporary folder, and shows
# the logs when a check failed.  Addresses are from 192.0.2.0/24.
#
#   vrrp_lab PREFIX [client]   make the lab; sets BR D1 D2 [CL] T CONF
#   vrrp_lab_third             add director d3; sets D3
#   start ID / stop ID         tandem -P for director d1, d2 or d3
#   kill9 ID                   kill -9 of its parent and child
#   has_vip NS, no_vip NS, only NS, entered ID STATE, json_state ID STAT,
#   watch MS (poll who holds the VIP)
#   json_rx ID
#   vrrp_lab_net N             one more segment: bridge brN, ethN on d1 and
#                              d2 (10.N.255.1/24, 10.N.255.2/24), for tests
#                              that need more than 255 VRIDs a family

VIP=192.0.2.100
MADE=""
PID1=""
PID2=""
PID3=""
CL=""
D3=""
PFX=""

vrrp_lab_cleanup() {
	set +e
	for _p in $PID1 $PID2 $PID3; do
		is_tandem "$_p" && kill -CONT "$_p" 2>/dev/null && stop_pid "$_p"
	done
	if [ -n "$T" ]; then
		for _f in "$T"/d1/*.pid "$T"/d2/*.pid "$T"/d3/*.pid; do
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
			for _f in "$T"/d1/old.log "$T"/d1/log "$T"/d2/old.log "$T"/d2/log \
				  "$T"/d3/old.log "$T"/d3/log; do
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
	PFX=$1; BR="$1-br-$$"; D1="$1-d1-$$"; D2="$1-d2-$$"
	[ "${2:-}" = client ] && CL="$1-c-$$"
	for _n in "$BR" "$D1" "$D2" $CL; do
		ip netns add "$_n" 2>/dev/null || skip_all "cannot create a network namespace"
		MADE="$MADE $_n"
		ip -n "$_n" link set lo up
	done
	T=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	mkdir "$T/d1" "$T/d2"
	CONF="$T/tandem.conf"
	# Control sockets in this lab's folder, never the host's (a
	# director's config may still name its own).
	TANDEM_SOCKET="$T/ctl.sock"
	export TANDEM_SOCKET
	ip -n "$BR" link add br0 type bridge mcast_snooping 0 || skip_all "no bridge support"
	ip -n "$BR" link set br0 up
	vrrp_lab_port "$D1" d1 192.0.2.1
	vrrp_lab_port "$D2" d2 192.0.2.2
	[ -z "$CL" ] || vrrp_lab_port "$CL" c 192.0.2.10
}

vrrp_lab_third() {
	D3="$PFX-d3-$$"
	ip netns add "$D3" 2>/dev/null || skip_all "cannot create a network namespace"
	MADE="$MADE $D3"
	ip -n "$D3" link set lo up
	mkdir "$T/d3"
	vrrp_lab_port "$D3" d3 192.0.2.3
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

# lab_ns ID / lab_pid ID: the namespace / the running tandem of director ID.
lab_ns() { case $1 in d1) echo "$D1" ;; d2) echo "$D2" ;; *) echo "$D3" ;; esac; }
lab_pid() { case $1 in d1) echo "$PID1" ;; d2) echo "$PID2" ;; *) echo "$PID3" ;; esac; }
# start ID: tandem -P for director ID in its namespace; sets PID1/2/3.
start() {
	TMPDIR="$T/$1" ip netns exec "$(lab_ns "$1")" "$TANDEM" -P -n -l -G -i "$1" \
		-f "$CONF" -p "$T/$1/tandem.pid" -r "$T/$1/vrrp.pid" \
		-c "$T/$1/check.pid" >>"$T/$1/log" 2>&1 &
	case $1 in d1) PID1=$! ;; d2) PID2=$! ;; *) PID3=$! ;; esac
}
# kill9 ID: kill -9 of director ID's whole daemon, parent and vrrp child,
# reaped; its VIPs stay behind; KILLED_AT is the time of the kill (ms).  The parent is held first: neither may act
# on the other's death (a respawn, or the TERM a child gets when its
# parent dies).
kill9() {
	_kp=$(lab_pid "$1")
	case $1 in d1) PID1="" ;; d2) PID2="" ;; *) PID3="" ;; esac
	_kc=$(readpid "$T/$1/vrrp.pid")
	kill -STOP "$_kp"
	is_tandem "$_kc" && kill -KILL "$_kc"
	kill -KILL "$_kp"
	KILLED_AT=$(ms)
	wait "$_kp" 2>/dev/null
	# Gone, not just a zombie: a fresh start checks its pid files.
	wait_until 50 test ! -e "/proc/$_kc"
}
# stop ID: TERM, reaped, bounded.
stop() {
	_sp=$(lab_pid "$1")
	case $1 in d1) PID1="" ;; d2) PID2="" ;; *) PID3="" ;; esac
	kill -TERM "$_sp" 2>/dev/null
	wait_exit "$_sp" 80
}
has_vip() { ip -n "$1" -4 addr show dev eth0 2>/dev/null | grep -q "inet $VIP/"; }
no_vip() { ! has_vip "$1"; }
only() {	# only NS: NS holds the VIP, the other directors do not
	has_vip "$1" || return 1
	for _on in "$D1" "$D2" $D3; do
		[ "$_on" = "$1" ] || no_vip "$_on" || return 1
	done
}
entered() { grep -c "Entering $2 STATE" "$T/$1/log" 2>/dev/null || true; }
# json_dump ID: director ID writes its JSON dump, $T/ID/tandem.json.
json_dump() {
	_p=$(lab_pid "$1")
	rm -f "$T/$1/tandem.json"
	kill -s "$("$TANDEM" --signum JSON)" "$_p" 2>/dev/null
	wait_until 30 test -s "$T/$1/tandem.json"
}
# json_state ID STAT: "STATE VALUE-OF-STAT" from director ID's JSON dump.
json_state() {
	json_dump "$1"
	python3 -c "import json; d=json.load(open('$T/$1/tandem.json')); print(d['vrrp'][0]['data']['state'], d['vrrp'][0]['stats']['$2'])" 2>/dev/null
}
# json_rx ID: "STATE RECEIVED ERRORS" of director ID's first instance: its
# adverts received and every receive error counter summed.
json_rx() {
	json_dump "$1"
	python3 -c "
import json
s = json.load(open('$T/$1/tandem.json'))['vrrp'][0]
st = s['stats']
err = sum(st[k] for k in ('packet_len_err', 'advert_interval_err', 'ip_ttl_err',
	'invalid_type_rcvd', 'addr_list_err', 'invalid_authtype', 'authtype_mismatch',
	'auth_failure', 'checksum_err', 'version_err', 'discards'))
print(s['data']['state'], st['advert_rcvd'], err)" 2>/dev/null
}
ms() { date +%s%3N; }
# log_ms ID PATTERN: the time (ms) of the last log line of director ID
# that matches PATTERN; empty when none does.
log_ms() {
	_lm=$(grep -- "$2" "$T/$1/log" 2>/dev/null | tail -n 1 | cut -c1-23)
	[ -z "$_lm" ] || date -d "$_lm" +%s%3N
}
# watch MS: poll every 20 ms for MS ms (and at most MS/10 polls); sets
# D2_HELD (polls where d2 held the VIP), D1_GAP (longest run of polls
# without the VIP on d1), D1_MISSED (polls without it on d1) and BOTH
# (polls where d1 and d2 both held it).
watch() {
	D2_HELD=0; D1_GAP=0; D1_MISSED=0; BOTH=0
	_run=0; _end=$(($(ms) + $1)); _n=$(($1 / 10))
	while [ "$_n" -gt 0 ] && [ "$(ms)" -lt "$_end" ]; do
		_w2=0
		has_vip "$D2" && { D2_HELD=$((D2_HELD + 1)); _w2=1; }
		if has_vip "$D1"; then _run=0; [ $_w2 = 1 ] && BOTH=$((BOTH + 1)); else
			_run=$((_run + 1)); D1_MISSED=$((D1_MISSED + 1))
			[ "$_run" -gt "$D1_GAP" ] && D1_GAP=$_run
		fi
		sleep 0.02
		_n=$((_n - 1))
	done
}
