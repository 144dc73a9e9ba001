# Sourced by the benchmarks that set tandem beside Debian's keepalived
# (ipvs-scale.sh, check-scale-vm): fetch keepalived into a cache and say
# where its binary is.  It is fetched with `apt-get download` and unpacked
# with `dpkg-deb -x`, never installed; vm.sh copies it into the guest with
# the shared libraries ldd lists, so those libraries must be on this
# machine (scripts/install-deps installs them).  Several benchmarks (and
# helpers) share the cache, so the fetch runs under a lock.
#
# keepalived_fetch CACHE: on success sets KEEPALIVED_BIN and
# KEEPALIVED_VERSION; on failure says why on stderr and returns 1.
keepalived_fetch() {
	local cache=$1 deb missing
	KEEPALIVED_BIN=
	KEEPALIVED_VERSION=
	mkdir -p "$cache" || { echo "keepalived: cannot create $cache" >&2; return 1; }
	# A descriptor of our own, closed on every way out of the lock.
	exec 8>"$cache/.lock" && flock 8 || { echo "keepalived: cannot lock $cache" >&2; return 1; }
	deb=$(ls "$cache"/keepalived_*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		echo "# fetching keepalived into $cache" >&2
		if ! (cd "$cache" && apt-get download -q keepalived >/dev/null 2>&1); then
			exec 8>&-
			echo "keepalived: apt-get download keepalived failed" >&2
			return 1
		fi
		deb=$(ls "$cache"/keepalived_*.deb | head -n1)
	fi
	if [ ! -e "$cache/root/.done" ] || [ "$deb" -nt "$cache/root/.done" ]; then
		rm -rf "$cache/root"
		if ! dpkg-deb -x "$deb" "$cache/root"; then
			exec 8>&-
			echo "keepalived: dpkg-deb -x $deb failed" >&2
			return 1
		fi
		touch "$cache/root/.done"
	fi
	exec 8>&-
	[ -x "$cache/root/usr/sbin/keepalived" ] ||
		{ echo "keepalived: usr/sbin/keepalived missing from $deb" >&2; return 1; }
	missing=$(ldd "$cache/root/usr/sbin/keepalived" | awk '/not found/ { print $1 }' | tr '\n' ' ')
	[ -z "$missing" ] ||
		{ echo "keepalived needs libraries this machine lacks: $missing(run scripts/install-deps)" >&2; return 1; }
	KEEPALIVED_BIN=$cache/root/usr/sbin/keepalived
	KEEPALIVED_VERSION=$("$KEEPALIVED_BIN" --version 2>&1 | awk 'NR == 1 { print $2 }')
}
