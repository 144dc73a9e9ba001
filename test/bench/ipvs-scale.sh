#!/usr/bin/env bash
# IPVS programming rate and reload time at scale, tandem against Debian's
# keepalived, on the same kernel: both run in the qemu VM of
# test/kernel/vm.sh, one after the other, from the same generated
# keepalived.conf of 1,000 virtual services x 10 real servers.
#
# usage: SRC/test/bench/ipvs-scale.sh        (in a build directory, or in
#                                             the source tree of an in-tree
#                                             build)
#        BUILD=/path/to/build SRC/test/bench/ipvs-scale.sh
#        make bench-ipvs                      (in a build directory)
# It is not part of `make check`: it takes about a minute and prints
# figures to compare, not pass/fail results.
# Environment:
#   BUILD                  build directory holding tandem/tandem (default:
#                          $top_builddir, else the current directory)
#   BENCH_SERVICES (1000), BENCH_REALS (10)   the size of the table
#   TANDEM_BENCH_CACHE     where keepalived's package is fetched and
#                          unpacked (default /var/cache/tandem-kvm/keepalived)
#   TANDEM_VM_TIMEOUT      wall-clock limit of the VM in seconds (1200)
#   BENCH_ROUNDS (3)       one-weight reloads per daemon (1..9)
#   BENCH_VERBOSE=1        also print both daemons' logs
#
# What it measures, for each daemon (guest part: ipvs-scale-guest.sh):
#   install   from the daemon's exec to its log line that it is done, and
#             to the full table in the kernel (/proc/net/ip_vs has every
#             service and real server);
#   reload    from SIGHUP to its log line that the reload is done, and to
#             the kernel showing the one real server whose weight the
#             second config changes; BENCH_ROUNDS (3) reloads, to the
#             second config and back in turn, and the median is the
#             figure (one reload under TCG moves with the host's load);
#   stop      from SIGTERM to the daemon's exit (it removes the table).
# For tandem it also reads its own log line "N services wanted; M requests"
# (the request count and the moment the batch was acknowledged).
# The figures are printed with the targets of issue #7, never asserted:
# the exit status is non-zero only when the benchmark could not run.
#
# keepalived is fetched into the cache by keepalived-fetch.sh (Debian's
# package, unpacked, never installed).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${BUILD:-${top_builddir:-.}}
# Run from the source tree of an in-tree build: the build is there too.
[ -n "${BUILD:-}${top_builddir:-}" ] || [ -x tandem/tandem ] || build=$src
build=$(cd "$build" && pwd)
tandem=$build/tandem/tandem
nsvc=${BENCH_SERVICES:-1000}
nrs=${BENCH_REALS:-10}
cache=${TANDEM_BENCH_CACHE:-/var/cache/tandem-kvm/keepalived}

die() { echo "ipvs-scale: $*" >&2; exit 1; }

[ -x "$tandem" ] || die "$tandem not built (run make, or set BUILD=)"
rounds=${BENCH_ROUNDS:-3}
case $nsvc$nrs$rounds in *[!0-9]*) die "BENCH_SERVICES, BENCH_REALS and BENCH_ROUNDS must be numbers" ;; esac
[ "$rounds" -ge 1 ] && [ "$rounds" -le 9 ] || die "BENCH_ROUNDS 1..9"
[ "$nsvc" -ge 1 ] && [ "$nsvc" -le 60000 ] && [ "$nrs" -ge 1 ] && [ "$nrs" -le 250 ] ||
	die "BENCH_SERVICES 1..60000, BENCH_REALS 1..250"

# ----------------------------------------------------------- keepalived
. "$here/keepalived-fetch.sh"
keepalived_fetch "$cache" || die "no keepalived to compare with"
kbin=$KEEPALIVED_BIN
kver=$KEEPALIVED_VERSION

# -------------------------------------------------------------- configs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Virtual services 10.80.x.y:80, real servers 10.81.x.y:8080, all distinct
# so the changed one is a single line of /proc/net/ip_vs.  Weights 1..10.
# bench-b.conf differs in one weight: the middle service's middle server.
gen_conf() { # OUT CHANGED-WEIGHT
	awk -v nsvc="$nsvc" -v nrs="$nrs" -v neww="$2" '
	function ip(net, j) { return sprintf("10.%d.%d.%d", net, int(j / 250), j % 250 + 1) }
	BEGIN {
		ci = int(nsvc / 2); ck = int(nrs / 2)
		print "global_defs {\n  router_id bench\n}"
		for (i = 0; i < nsvc; i++) {
			printf "virtual_server %s 80 {\n  lvs_sched wlc\n  lvs_method NAT\n  protocol TCP\n", ip(80, i)
			for (k = 0; k < nrs; k++) {
				w = k % 10 + 1
				if (i == ci && k == ck && neww) w = neww
				printf "  real_server %s 8080 {\n    weight %d\n  }\n", ip(81, i * nrs + k), w
			}
			print "}"
		}
		# What the guest looks for: the changed server, as /proc/net/ip_vs
		# spells it (hex address:port), and its new weight.
		j = ci * nrs + ck
		printf "%02X%02X%02X%02X:1F90 %d %d\n", 10, 81, int(j / 250), j % 250 + 1, neww, ck % 10 + 1 > "/dev/stderr"
	}' >"$1"
}
gen_conf "$work/bench-a.conf" 0 2>/dev/null
gen_conf "$work/bench-b.conf" 50 2>"$work/changed"
read -r changed_dest changed_weight orig_weight <"$work/changed"
# The guest reads its parameters from this file.
cat >"$work/bench.env" <<EOF
NSVC=$nsvc
NRS=$nrs
CHANGED_DEST=$changed_dest
CHANGED_WEIGHT=$changed_weight
ORIG_WEIGHT=$orig_weight
ROUNDS=$rounds
VERBOSE=${BENCH_VERBOSE:-0}
EOF
"$tandem" -t -f "$work/bench-a.conf" >/dev/null 2>&1 ||
	die "tandem -t refuses the generated config: $("$tandem" -t -f "$work/bench-a.conf" 2>&1 | head -3)"

# ------------------------------------------------------------------ run
echo "# ipvs-scale: $nsvc virtual services x $nrs real servers, tandem $("$tandem" -v 2>&1 | head -n1 | awk '{ print $NF }') vs keepalived $kver" >&2
out=$work/out
set +e
"$src/test/kernel/vm.sh" -t "${TANDEM_VM_TIMEOUT:-1200}" \
	-i "$tandem" -i "$kbin" -i "$work/bench-a.conf" -i "$work/bench-b.conf" \
	-i "$work/bench.env" "$here/ipvs-scale-guest.sh" >"$out"
rc=$?
set -e
grep -v '^BENCH ' "$out" || true
[ "$rc" = 0 ] || die "the benchmark did not complete in the VM (vm.sh status $rc)"

# ---------------------------------------------------------------- report
# The guest prints "BENCH daemon key value" with epoch stamps; differences
# are taken here, where awk has floating point.
awk -v nsvc="$nsvc" -v nrs="$nrs" -v rounds="$rounds" '
$1 == "BENCH" { v[$2 "." $3] = $4; next }
function d(who, a, b) { return (v[who "." a] != "" && v[who "." b] != "") ? v[who "." b] - v[who "." a] : -1 }
function later(x, y) { return (x < 0 || y < 0) ? -1 : (x > y ? x : y) }
function sec(x) { return x < 0 ? "n/a" : sprintf("%.2f s", x) }
function ratio(k, t) { return (k > 0 && t > 0) ? sprintf("%.1fx", k / t) : "n/a" }
function verdict(k, t, want) { return (k > 0 && t > 0) ? (k / t >= want ? "met" : "MISSED") : "n/a" }
function row(name, t, k, target) { printf "%-40s %10s %11s %7s  %s\n", name, sec(t), sec(k), ratio(k, t), target }
# The median of x[1..n] (n/a when a round is missing); the rounds, in
# order, are left in list.
function median(x, n,   i, j, t, y) {
	list = ""
	for (i = 1; i <= n; i++) {
		list = list (i > 1 ? " " : "") sec(x[i])
		if (x[i] < 0)
			return -1
		y[i] = x[i]
	}
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && y[j - 1] > y[j]; j--) { t = y[j]; y[j] = y[j - 1]; y[j - 1] = t }
	return n % 2 ? y[(n + 1) / 2] : (y[n / 2] + y[n / 2 + 1]) / 2
}
END {
	for (i = 0; i < 2; i++) {
		w = i ? "keepalived" : "tandem"
		kf[w] = d(w, "start", "full"); df[w] = d(w, "start", "done1")
		st[w] = d(w, "term", "exited")
		for (r = 1; r <= rounds; r++) {
			one[r] = d(w, "hup." r, "done2." r)
			both[r] = later(d(w, "hup." r, "changed." r), one[r])
		}
		dc[w] = median(one, rounds)
		rl[w] = median(both, rounds); rlist[w] = list
	}
	ti = later(kf["tandem"], df["tandem"]); ki = later(kf["keepalived"], df["keepalived"])
	tr = rl["tandem"]; kr = rl["keepalived"]
	nreq = ""; allone = 1
	for (r = 1; r <= rounds; r++) {
		nreq = nreq (r > 1 ? " " : "") v["tandem.requests2." r]
		if (v["tandem.requests2." r] != 1)
			allone = 0
	}
	printf "\nIPVS at scale: %d virtual services x %d real servers (%d entries), same VM, same config\n\n",
		nsvc, nrs, nsvc * (nrs + 1)
	printf "%-40s %10s %11s %7s  %s\n", "seconds from exec / SIGHUP / SIGTERM", "tandem", "keepalived", "ratio", "target"
	row("install: the daemon logs it is done", df["tandem"], df["keepalived"], "")
	row("install: and the kernel has the table", ti, ki, ">= 3x: " verdict(ki, ti, 3))
	row("reload one weight: the daemon is done", dc["tandem"], dc["keepalived"], "")
	row("reload one weight: and in the kernel", tr, kr, ">= 5x: " verdict(kr, tr, 5))
	row("stop: exit, table removed", st["tandem"], st["keepalived"], "")
	printf "(reloads: the median of %d; each, to the kernel: tandem %s; keepalived %s)\n",
		rounds, rlist["tandem"], rlist["keepalived"]
	printf "\nnetlink requests sent by tandem: install %s, reloads %s (target for a reload: exactly 1: %s)\n",
		v["tandem.requests1"], nreq, allone ? "met" : "MISSED"
	for (r = 1; r <= rounds; r++)
		ap = ap (r > 1 ? " " : "") sec(d("tandem", "hup." r, "applied2." r))
	printf "tandem log stamps: install applied %s after exec, reloads applied %s after SIGHUP\n",
		sec(d("tandem", "start", "applied1")), ap
	printf "tandem install: parent parse %s, then check child: read the kernel, diff, %s requests %s\n",
		sec(d("tandem", "start", "forked")), v["tandem.requests1"], sec(d("tandem", "forked", "applied1"))
	printf "tandem first reload: parent parse and pack %s, check child unpack and apply tables %s, diff and apply %s\n",
		sec(d("tandem", "reloading", "received")), sec(d("tandem", "received", "loaded")),
		sec(d("tandem", "loaded", "applied2.1"))
	if (v["tandem.restarts"] > 0)
		printf "WARNING: tandem restarted its check child %d time(s) (killed as hung: see the log\n" \
		       "  lines above), so its figures include the restarts\n", v["tandem.restarts"]
	printf "same table from both daemons (ipvsadm -Sn): %s\n",
		v["tandem.table"] != "" && v["tandem.table"] == v["keepalived.table"] ? "yes" : "NO"
	printf "(wall times in a 1-vCPU TCG guest; each daemon logs to a file, followed every %s s;\n", v["guest.poll"]
	printf " the kernel table is read when the daemon says it is done; see ipvs-scale-guest.sh)\n"
}' "$out"
