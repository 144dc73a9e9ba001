#!/bin/sh
# Fuzz one target for a bounded time.
# Usage: test/fuzz/run.sh --list
#        test/fuzz/run.sh TARGET [SECONDS [WORKDIR]]   (default 60 s)
# Builds the fuzzer into WORKDIR (default: a temporary folder), runs it on a
# copy of the target's seed corpus (test/fuzz/corpus/TARGET-prefix; the
# seeds are never modified), and exits non-zero on a crash, a leak or a
# timeout, keeping the log and the failing input and printing their path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
TARGETS="conf vrrp_packet"
if [ "${1:-}" = --list ]; then echo $TARGETS; exit 0; fi
target=${1:?usage: run.sh TARGET [SECONDS [WORKDIR]]}
secs=${2:-60}
case $target in
conf)		corpus=conf; maxlen=16384 ;;
vrrp_packet)	corpus=vrrp; maxlen=2048 ;;
*)		echo "run.sh: unknown target $target (have: $TARGETS)" >&2; exit 2 ;;
esac
if [ -n "${3:-}" ]; then mkdir -p "$3"; work=$(mktemp -d "$3/$target.XXXXXX")
else work=$(mktemp -d "/tmp/fuzz_$target.XXXXXX"); fi
"$here/build.sh" "$target" "$work/fuzz_$target"
mkdir "$work/corpus" "$work/artifacts"
cp "$here/corpus/$corpus"/* "$work/corpus/"
set +e
"$work/fuzz_$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len="$maxlen" -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
rc=$?
set -e
tail -n 15 "$work/log"
if [ $rc -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
	echo "run.sh: $target: fuzzer failed (exit $rc); log and inputs kept in $work" >&2
	ls -l "$work/artifacts" >&2
	exit 1
fi
echo "run.sh: $target: no crash, leak or timeout in ${secs}s"
rm -rf "$work"
