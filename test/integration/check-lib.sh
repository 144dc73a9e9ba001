# Shared by the checker tests (sourced after lib.sh): read the check
# child's JSON dump of the tandem this test started.
#
#   dump_json                 ask for a fresh dump and wait for it
#   rs ADDR:PORT FIELD...     fields of that real server, or of its first
#                             checker when the server has no such field,
#                             from the last dump (booleans in lower case)
#   is ADDR:PORT "FIELD..." "WANT"   a fresh dump's fields read WANT

dump_json() {
	rm -f "$T/tandem_check.json"
	kill -s "$("$TANDEM" --signum JSON)" "$TANDEM_PID" 2>/dev/null
	wait_until 20 test -s "$T/tandem_check.json"
}
rs() {
	_rs=$1; shift
	python3 - "$T/tandem_check.json" "$_rs" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["real_servers"]:
    if r["real_server"] == sys.argv[2]:
        c = r["checkers"][0]
        out = []
        for f in sys.argv[3:]:
            v = r[f] if f in r else c[f]
            out.append(str(v).lower() if isinstance(v, bool) else str(v))
        print(" ".join(out))
PY
}
is() { dump_json && [ "$(rs "$1" $2)" = "$3" ]; }
