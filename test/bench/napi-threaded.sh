# Sourced by the benchmarks whose lab is veth pairs (vrrp-scale,
# check-scale): receive a veth's frames in a napi/ kernel thread instead of
# in the sender's context.  By default a veth hands a sent frame to its
# peer's backlog and the kernel runs that backlog when the send returns,
# so the receiver's whole stack is charged to the sending process (this
# kernel has no IRQ time accounting); on real machines that work is the
# NIC's and the other host's.  POSIX sh.
#
# napi_threaded NS DEV: receives on DEV run in a napi/DEV kernel thread.
# A veth uses its peer's NAPI only for frames "eligible for GRO": sent by
# a device without TSO, or by a socket when the peer does UDP GRO
# forwarding; frames a bridge floods need the first, local sends the
# second, so both ends get both.  The thread made for DEV (the one that
# was not there before) runs at nice -10: a wire does not wait for the
# CPU, and on a busy machine a nice-0 thread would.
napi_threads() { ps -e -o pid= -o comm= | awk '$2 ~ /^napi\// { print $1 }' | sort; }
napi_threaded() {
	_before=$(napi_threads)
	ip netns exec "$1" ethtool -K "$2" gro on rx-udp-gro-forwarding on \
		tso off >/dev/null 2>&1 &&
		ip netns exec "$1" sh -c "echo 1 > /sys/class/net/$2/threaded" 2>/dev/null ||
		return 1
	for _p in $(napi_threads | comm -13 /dev/fd/3 - 3<<EOT
$_before
EOT
	); do
		renice -n -10 -p "$_p" >/dev/null 2>&1
	done
	return 0
}
