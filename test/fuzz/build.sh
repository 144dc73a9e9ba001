#!/bin/sh
# Build one libFuzzer target with clang, ASan and UBSan, straight from the
# sources it needs (no configure, no config.h).
# Usage: test/fuzz/build.sh TARGET OUTPUT
#   TARGET: conf (the config language) or vrrp_packet (the VRRP decoder)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:?usage: build.sh TARGET OUTPUT}
out=${2:?usage: build.sh TARGET OUTPUT}
CC=${CC:-clang}
command -v "$CC" >/dev/null 2>&1 || { echo "build.sh: $CC not found (apt-get install clang)" >&2; exit 2; }
case $target in
conf)		srcs="$top/lib/conf_*.c"; libs= ;;
vrrp_packet)	srcs="$top/vrrp/vrrp_csum.c $top/vrrp/vrrp_packet.c $top/vrrp/vrrp_auth.c $top/vrrp/vrrp_fsm.c"
		libs=$(pkg-config --libs openssl) ;;
*)		echo "build.sh: unknown target $target" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
exec "$CC" -std=gnu11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Wno-unused-parameter -Werror \
	-I"$top" -o "$out" "$top/test/fuzz/fuzz_$target.c" $srcs $libs
