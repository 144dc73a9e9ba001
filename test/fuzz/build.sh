#!/bin/sh
# Build the config-language fuzzer with clang's libFuzzer, ASan and UBSan,
# straight from the sources it needs (no configure, no config.h).
# Usage: test/fuzz/build.sh [OUTPUT]   (default: test/fuzz/fuzz_conf)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/test/fuzz/fuzz_conf}
CC=${CC:-clang}
command -v "$CC" >/dev/null 2>&1 || { echo "build.sh: $CC not found (apt-get install clang)" >&2; exit 2; }
exec "$CC" -std=gnu11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Wno-unused-parameter -Werror \
	-I"$top" -o "$out" \
	"$top"/test/fuzz/fuzz_conf.c "$top"/lib/conf_*.c
