#!/usr/bin/env bash
# Boot Debian's own kernel under qemu (TCG) with a tiny initramfs and run
# one script inside it; print what the script printed and exit with its
# status.  This machine's kernel has no IPVS, so the kernel test tier runs
# its cases in such a VM.
#
# Why it is shaped so (see shared notes on the kernel tier):
#  - The kernel package is fetched with `apt-get download`, never installed,
#    and its name is resolved through linux-image-amd64 because the ABI
#    number changes.  Everything derived from it (unpacked tree, vmlinux,
#    base initramfs) is cached and rebuilt only when missing or older than
#    this script.
#  - TCG is slow at decompressing, so we boot the uncompressed ELF vmlinux
#    through qemu's PVH entry with the small qboot firmware and keep the
#    initramfs uncompressed.
#  - The base image (busybox, bash as /bin/sh, iproute2's ip and tc,
#    ipvsadm, modules)
#    is built once; each run appends a second small cpio holding /test/run,
#    the files named with -i and the shared libraries they need.  The kernel
#    unpacks concatenated archives in order.
#  - The guest has no network device; results come back over the serial
#    console between a begin marker and an exit-status marker.  No marker
#    means the VM did not boot or the script never finished: that is a
#    failure (exit 125), never a skip.
#
# usage: vm.sh [-t SECONDS] [-i FILE]... [-c] [-s] SCRIPT
#        vm.sh prepare          build the cache only
#   -i FILE   copy FILE into the guest's /test/ (with its libraries)
#   -t SEC    wall-clock limit for the whole VM (default 300)
#   -c        also print the kernel console (boot messages) on stderr
#   -s        print the script's output as it comes (for the demo), not
#             once the VM has finished
# Environment: TANDEM_KVM_CACHE overrides the cache directory.
set -euo pipefail

self=$(readlink -f "$0")
here=$(dirname "$self")

timeout_s=300
show_console=0
stream=0
files=()
while getopts 't:i:cs' opt; do
	case $opt in
	t) timeout_s=$OPTARG ;;
	i) files+=("$OPTARG") ;;
	c) show_console=1 ;;
	s) stream=1 ;;
	*) echo "usage: vm.sh [-t SEC] [-i FILE]... [-c] [-s] SCRIPT | prepare" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "vm.sh: one SCRIPT (or 'prepare') expected" >&2; exit 2; }
script=$1

die() { echo "vm.sh: $*" >&2; exit 125; }

for tool in qemu-system-x86_64 busybox cpio xz apt-get dpkg-deb timeout flock; do
	command -v "$tool" >/dev/null || die "$tool not found (run scripts/install-deps)"
done
qboot=/usr/share/qemu/qboot.rom
[ -r "$qboot" ] || die "$qboot not found (package qemu-system-data)"

# ----------------------------------------------------------------- cache
if [ -n "${TANDEM_KVM_CACHE:-}" ]; then
	cache=$TANDEM_KVM_CACHE
elif mkdir -p /var/cache/tandem-kvm 2>/dev/null && [ -w /var/cache/tandem-kvm ]; then
	cache=/var/cache/tandem-kvm
else
	cache=${top_builddir:-$here}/test/kernel/cache
fi
mkdir -p "$cache" || die "cannot create cache directory $cache"

# Modules the guest loads at boot: IPVS with every scheduler and the SIP
# persistence engine, plus what in-guest topologies use (veth, bridge,
# dummy, the tunnel drivers for TUN, and tc's ingress qdisc, u32 filter
# and skbedit action to put a firewall mark on packets for fwmark
# services).  Dependencies come from modules.dep.
MODULES="ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr
  ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh
  ip_vs_pe_sip veth bridge dummy ipip ip_gre fou fou6 ip6_tunnel sit
  sch_ingress cls_u32 act_skbedit"

kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# Pull the ELF vmlinux out of a bzImage: the compressed payload's offset
# and length are in the setup header (payload_offset at 0x248 and
# payload_length at 0x24c, relative to the protected-mode code, which
# starts after (setup_sects + 1) * 512 bytes).  Debian compresses with xz;
# the stream must start there with the xz magic.
extract_vmlinux() {
	local bz=$1 out=$2 sects off len magic
	sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
	[ "$sects" -eq 0 ] && sects=4
	off=$(od -An -tu4 -j $((0x248)) -N4 "$bz" | tr -d ' ')
	len=$(od -An -tu4 -j $((0x24c)) -N4 "$bz" | tr -d ' ')
	off=$(( (sects + 1) * 512 + off ))
	magic=$(od -An -tx1 -j "$off" -N6 "$bz" | tr -d ' ')
	[ "$magic" = "fd377a585a00" ] || die "$bz: no xz stream at payload offset $off (magic $magic)"
	# tail may die of SIGPIPE once xz has its stream: judge xz's status only.
	set +o pipefail
	tail -c +$((off + 1)) "$bz" | head -c "$len" | xz -dc --single-stream >"$out.tmp"
	local xrc=${PIPESTATUS[2]}
	set -o pipefail
	[ "$xrc" -eq 0 ] || die "$bz: xz payload does not decompress"
	[ "$(od -An -c -N4 "$out.tmp" | tr -d ' ')" = '177ELF' ] || die "$bz: payload is not an ELF vmlinux"
	mv "$out.tmp" "$out"
}

# Copy a program and the shared libraries ldd lists (plus the loader) into
# a staging root, at the same paths.
stage_with_libs() {
	local root=$1 src=$2 dst=$3 lib
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst"
	# ldd prints "name => /path (addr)" or "/path (addr)" for the loader.
	ldd "$src" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' |
	while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# The libraries a program opens with dlopen() on first use (lib/dl.h:
# curl, OpenSSL, PCRE2, ...) are not in its ldd list: stage those of the
# sonames it names that this machine has, with their own libraries, or an
# HTTP_GET in the guest finds no libcurl and the check child exits.
stage_dlopened() {
	local root=$1 src=$2 so lib sonames cache
	sonames=$(strings -a "$src" 2>/dev/null | grep -E '^lib[A-Za-z0-9_+-]+\.so\.[0-9]+$' | sort -u || true)
	cache=$(ldconfig -p 2>/dev/null || true)
	for so in $sonames; do
		lib=$(awk -v n="$so" '$1 == n && /x86-64/ && !f { print $NF; f = 1 }' <<<"$cache")
		[ -n "$lib" ] && [ ! -e "$root$lib" ] || continue
		stage_with_libs "$root" "$lib" "$lib"
	done
}

mkcpio() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet); }

prepare() {
	local pkg deb kver tree stage mod m
	pkg=$(kernel_pkg)
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (apt-get update?)"
	kver=${pkg#linux-image-}
	deb=$(ls "$cache"/"${pkg}"_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		echo "vm.sh: downloading $pkg into $cache" >&2
		(cd "$cache" && apt-get download -q "$pkg" >/dev/null 2>&1) || die "apt-get download $pkg failed"
		deb=$(ls "$cache"/"${pkg}"_*.deb | head -n1)
	fi
	tree=$cache/$kver/tree
	if [ ! -e "$tree/.done" ]; then
		rm -rf "$tree" && mkdir -p "$tree"
		dpkg-deb -x "$deb" "$tree" || die "dpkg-deb -x $deb failed"
		busybox depmod -b "$tree" "$kver" || die "depmod on $tree failed"
		touch "$tree/.done"
	fi
	if [ ! -e "$cache/$kver/vmlinux" ]; then
		extract_vmlinux "$tree/boot/vmlinuz-$kver" "$cache/$kver/vmlinux"
	fi
	base=$cache/$kver/base.cpio
	if [ ! -e "$base" ] || [ "$self" -nt "$base" ]; then
		stage=$(mktemp -d)
		mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,test}
		cp /bin/busybox "$stage/bin/busybox"
		for a in $(busybox --list); do
			[ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"
		done
		rm -f "$stage/bin/sh" "$stage/bin/ip"
		stage_with_libs "$stage" /bin/bash /bin/bash
		ln -s bash "$stage/bin/sh"
		stage_with_libs "$stage" /sbin/ip /sbin/ip
		stage_with_libs "$stage" /sbin/ipvsadm /sbin/ipvsadm
		stage_with_libs "$stage" /sbin/tc /sbin/tc
		# The closure of the wanted modules through modules.dep.
		local dep=$tree/lib/modules/$kver/modules.dep want
		want=$(for m in $MODULES crc32c_generic; do
			awk -v m="$m" '{ f = $1; sub(/:$/, "", f); n = f; sub(/.*\//, "", n); sub(/\.ko.*$/, "", n);
				gsub(/-/, "_", n); if (n == m) { print f; for (i = 2; i <= NF; i++) print $i } }' "$dep"
		done | sort -u)
		[ -n "$want" ] || die "no modules found in $dep"
		for mod in $want; do
			mkdir -p "$stage/lib/modules/$kver/$(dirname "$mod")"
			cp "$tree/lib/modules/$kver/$mod" "$stage/lib/modules/$kver/$mod"
		done
		cp "$tree/lib/modules/$kver"/modules.{order,builtin} "$stage/lib/modules/$kver/"
		busybox depmod -b "$stage" "$kver" || die "depmod on the staging tree failed"
		echo "$MODULES" | tr -s ' \n' ' ' >"$stage/etc/tandem-modules"
		cat >"$stage/init" <<'EOF'
#!/bin/sh
# PID 1 of the test VM: mount the basics, load the modules, run /test/run,
# report its status on the console and power off.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
# busybox modprobe ignores softdeps: libcrc32c needs a crc32c provider.
modprobe crc32c_generic
modprobe -a $(cat /etc/tandem-modules) || echo "# vm: modprobe failed"
ip link set lo up
read -r up _ </proc/uptime
echo "TANDEM-VM-BEGIN uptime=$up"
if [ -x /test/run ]; then
	cd /test && ./run
	rc=$?
else
	echo "# vm: no /test/run"
	rc=126
fi
echo "TANDEM-VM-EXIT $rc"
poweroff -f
EOF
		chmod 755 "$stage/init"
		mkcpio "$stage" >"$base.tmp" || die "cpio of the base image failed"
		mv "$base.tmp" "$base"
		rm -rf "$stage"
	fi
	vmlinux=$cache/$kver/vmlinux
}

# Concurrent runs share the cache: build it under a lock.
exec 9>"$cache/.lock"
flock 9
prepare
flock -u 9
[ "$script" = prepare ] && exit 0

[ -r "$script" ] || die "$script: not readable"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage
mkdir -p "$stage/test"
cp "$script" "$stage/test/run"
chmod 755 "$stage/test/run"
for f in "${files[@]}"; do
	[ -r "$f" ] || die "$f: not readable"
	if [ "$(od -An -c -N4 "$f" | tr -d ' ')" = '177ELF' ]; then
		stage_with_libs "$stage" "$f" "/test/$(basename "$f")"
		stage_dlopened "$stage" "$f"
	else
		cp -L "$f" "$stage/test/"
	fi
done
{ cat "$base"; mkcpio "$stage"; } >"$work/initrd"

# The script's output sits between the markers; the rest is boot noise.
# Streaming needs line-buffered stages (sed -u; tee does not buffer).
between_markers() { sed -n '/^TANDEM-VM-BEGIN/,/^TANDEM-VM-EXIT/{/^TANDEM-VM-/!p}' "$@"; }
console_to_file() {
	if [ "$stream" = 1 ]; then
		sed -u 's/\r//g' | tee "$work/console" | between_markers -u
	else
		tr -d '\r' >"$work/console"
	fi
}
start=$(date +%s.%N)
set +e
timeout -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -cpu max -m 512 -smp 1 \
	-nodefaults -nographic -no-reboot -bios "$qboot" \
	-kernel "$vmlinux" -initrd "$work/initrd" -serial stdio \
	-append 'console=ttyS0 quiet panic=-1' </dev/null 2>"$work/qemu.err" |
	console_to_file
qrc=${PIPESTATUS[0]}
set -e
end=$(date +%s.%N)

[ "$show_console" = 1 ] && cat "$work/console" >&2
[ "$stream" = 1 ] || between_markers "$work/console"
boot=$(awk '/^TANDEM-VM-BEGIN/ { sub(/.*uptime=/, ""); print; exit }' "$work/console")
rc=$(awk '/^TANDEM-VM-EXIT/ { print $2; exit }' "$work/console")
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
if [ -z "$boot" ] || [ -z "$rc" ]; then
	{
		echo "vm.sh: the VM did not finish the script (qemu status $qrc; 124 is the ${timeout_s}s timeout)"
		sed 's/^/  qemu: /' "$work/qemu.err"
		tail -n 40 "$work/console" | sed 's/^/  console: /'
	} >&2
	exit 125
fi
printf '# vm: kernel %s, script started %ss after boot, %ss wall in total\n' \
	"$(basename "$(dirname "$vmlinux")")" "$boot" "$wall"
exit "$rc"
