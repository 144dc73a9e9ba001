#!/bin/sh
# Fuzz the config language for a bounded time.
# Usage: test/fuzz/run.sh [SECONDS]   (default 60)
# Builds the fuzzer if needed, runs it on a copy of the seed corpus in a
# temporary folder (the seeds are never modified), and exits non-zero on a
# crash, a leak or a timeout; the input that failed is kept and its path
# printed.
set -eu
secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
bin=${FUZZ_CONF_BIN:-$here/fuzz_conf}
if [ ! -x "$bin" ] || [ -n "$(find "$here/../../lib" -name 'conf*' -newer "$bin" 2>/dev/null)" ] \
   || [ "$here/fuzz_conf.c" -nt "$bin" ]; then
	"$here/build.sh" "$bin"
fi
work=$(mktemp -d /tmp/fuzz_conf_run.XXXXXX)
mkdir "$work/corpus" "$work/artifacts"
cp "$here"/corpus/conf/* "$work/corpus/"
set +e
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-max_len=16384 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
rc=$?
set -e
tail -n 15 "$work/log"
if [ $rc -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
	echo "run.sh: fuzzer failed (exit $rc); log and inputs kept in $work" >&2
	ls -l "$work/artifacts" >&2
	exit 1
fi
echo "run.sh: no crash, leak or timeout in ${secs}s"
rm -rf "$work"
