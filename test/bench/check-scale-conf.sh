# Sourced by check-scale (on this machine) and check-scale-vm (in the VM):
# the config both benchmarks check, so their figures are for the same
# thing.  POSIX sh: check-scale runs under /bin/sh.
#
# check_scale_conf OUT REAL-SERVERS PER-SERVICE TCP-VICTIM HTTP-VICTIM [NET]
#   REAL-SERVERS / PER-SERVICE virtual services 10.90.x.y:80 (NAT, wrr),
#   every other one with TCP_CHECK (port 8080) or HTTP_GET (port 8081),
#   delay_loop 1 s, connect_timeout 0.5 s, retry 1, delay_before_retry
#   0.2 s; real servers 127.A.B.C (A = 10 + j / 62500: every 127/8 address
#   is local, so one backend answers for all), or NET.B.C when NET (two
#   octets, "10.10") is given: a /16 the backend's namespace routes to its
#   loopback, 62,500 servers at most.  Two more real servers, the
#   victims the benchmark silences, join the first TCP and the first HTTP
#   service at the addresses given (TCP port 8080, HTTP port 8081).
check_scale_conf() {
	awk -v total="$2" -v per="$3" -v vtcp="$4" -v vhttp="$5" -v net="${6:-}" '
	function rs(addr, port, http) {
		printf "  real_server %s %d {\n", addr, port
		if (http)
			printf "    HTTP_GET {\n      url {\n        path /\n        status_code 200\n      }\n      connect_timeout 0.5\n    }\n"
		else
			printf "    TCP_CHECK {\n      connect_timeout 0.5\n    }\n"
		printf "  }\n"
	}
	BEGIN {
		print "global_defs {\n  router_id check_scale_bench\n}"
		nvs = int(total / per)
		for (v = 0; v < nvs; v++) {
			http = v % 2
			printf "virtual_server 10.90.%d.%d %d {\n  delay_loop 1\n  retry 1\n  delay_before_retry 0.2\n  lvs_sched wrr\n  lvs_method NAT\n  protocol TCP\n", int(v / 250), v % 250 + 1, 80
			for (k = 0; k < per; k++) {
				j = v * per + k
				a = net != "" ? net : sprintf("127.%d", 10 + int(j / 62500))
				rs(sprintf("%s.%d.%d", a, int(j / 250) % 250, j % 250 + 1), http ? 8081 : 8080, http)
			}
			if (v == 0) rs(vtcp, 8080, 0)
			if (v == 1) rs(vhttp, 8081, 1)
			print "}"
		}
	}' >"$1"
}

# The detection time the config gives a server that goes silent: up to one
# delay_loop to the next check, then (retry + 1) x connect_timeout with
# delay_before_retry between the attempts.
CHECK_SCALE_DETECT_MAX=$(awk 'BEGIN { printf "%.1f", 1 + 2 * 0.5 + 0.2 }')
CHECK_SCALE_DETECT_MIN=$(awk 'BEGIN { printf "%.1f", 2 * 0.5 + 0.2 }')
# From a victim's first failed check to its verdict: delay_before_retry,
# then the retry's connect_timeout.
CHECK_SCALE_RETRY_SPAN=$(awk 'BEGIN { printf "%.1f", 0.2 + 0.5 }')
