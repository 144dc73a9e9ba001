#!/bin/sh
# Mail alerts (smtp_alert) end to end: a tiny SMTP server written below
# (python3, plain sockets) listens in the client namespace of the VRRP
# lab (192.0.2.10:2525) and stores every message it accepts.  Checks:
# d1 entering MASTER and d2 entering BACKUP each send a mail with the
# configured From, To and a keepalived-like Subject; with the server
# silent (it accepts and never answers) and then absent (nothing
# listens), failover still happens on time and the failure is only
# logged; a real server of a TCP_CHECK (a socat listener in d1) going
# down mails "Realserver [127.0.0.1]:tcp:7001 - DOWN"; a sync group mails
# once all its members are MASTER, and smtp_alert no silences an instance.
#
# Root only.  Namespaces smtpa-{br,d1,d2,c}-PID, the temporary folder and
# every process this test started (by PID) are removed by the EXIT trap.
# Every wait is bounded.  Addresses are from 192.0.2.0/24 (RFC 5737).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/lib.sh"

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/test/integration/vrrp-lab.sh"

vrrp_lab smtpa client
command -v socat >/dev/null 2>&1 || skip_all "socat not installed"
"$TANDEM" -v | grep -q "LVS" || skip_all "built without the checkers"

SMTPD=""
SOCAT=""
CPIDT=""
smtp_cleanup() {
	for _p in $SMTPD $SOCAT; do kill "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; done
	is_tandem "$CPIDT" && stop_pid "$CPIDT"
	vrrp_lab_cleanup
}
trap smtp_cleanup EXIT

echo "1..15"

mkdir "$T/mail" "$T/c"
cat >"$T/smtpd.py" <<'PY'
# A minimal SMTP server: HELO/EHLO, MAIL, RCPT, DATA, QUIT; each message
# is saved as DIR/N.eml with its envelope.  MODE "silent" accepts a
# connection and never answers.
import os, socket, sys, threading
port, out, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
count = [0]
def serve(c):
    f = c.makefile("rb")
    if mode == "silent":
        f.read()
        return
    c.sendall(b"220 test ESMTP\r\n")
    env, data = [], None
    for line in f:
        s = line.decode("utf-8", "replace")
        if data is not None:
            if s == ".\r\n":
                count[0] += 1
                p = os.path.join(out, "%d.eml" % count[0])
                with open(p + ".tmp", "w") as m:
                    m.write("".join(env) + "\n" + "".join(data))
                os.rename(p + ".tmp", p)
                data = None
                c.sendall(b"250 queued\r\n")
            else:
                data.append(s[1:] if s.startswith("..") else s)
            continue
        cmd = s[:4].upper()
        if cmd in ("MAIL", "RCPT"):
            env.append(s.replace("\r", ""))
        if cmd == "DATA":
            data = []
            c.sendall(b"354 go on\r\n")
        elif cmd == "QUIT":
            c.sendall(b"221 bye\r\n")
            break
        else:
            c.sendall(b"250 ok\r\n")
    c.close()
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("0.0.0.0", port))
l.listen(8)
while True:
    c, _ = l.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY

smtpd() { # MODE
	ip netns exec "$CL" python3 "$T/smtpd.py" 2525 "$T/mail" "$1" &
	SMTPD=$!
	wait_until 50 sh -c "ip netns exec '$CL' ss -ltn 'sport = :2525' | grep -q LISTEN"
}
smtpd_stop() { kill "$SMTPD" 2>/dev/null; wait "$SMTPD" 2>/dev/null; SMTPD=""; }
# mail_with TEXT: some stored message contains TEXT (a fixed string).
mail_with() { cat "$T"/mail/*.eml 2>/dev/null | grep -qF -- "$1"; }

{
	echo "global_defs {"
	echo "    router_id LB_TEST"
	echo "    notification_email {"
	echo "        ops@example.com"
	echo "        noc@example.com"
	echo "    }"
	echo "    notification_email_from tandem@lb.example"
	echo "    smtp_server 192.0.2.10 2525"
	echo "    smtp_helo_name lb.example"
	echo "    smtp_connect_timeout 2"
	echo "    smtp_alert"
	echo "}"
	echo "vrrp_instance VI_1 {"
	echo "    interface eth0"
	echo "    virtual_router_id 51"
	echo "    @d1 priority 150"
	echo "    @d2 priority 100"
	echo "    version 3"
	echo "    advert_int 0.2"
	echo "    virtual_ipaddress {"
	echo "        $VIP/24"
	echo "    }"
	echo "}"
	echo "vrrp_instance VI_2 {"
	echo "    interface eth0"
	echo "    virtual_router_id 52"
	echo "    @d1 priority 150"
	echo "    @d2 priority 100"
	echo "    version 3"
	echo "    advert_int 0.2"
	echo "    smtp_alert no"
	echo "    virtual_ipaddress {"
	echo "        192.0.2.101/24"
	echo "    }"
	echo "}"
	echo "vrrp_sync_group G1 {"
	echo "    group {"
	echo "        VI_1"
	echo "        VI_2"
	echo "    }"
	echo "}"
} >"$CONF"

smtpd normal
start d1
check "d1 becomes MASTER" wait_until 50 has_vip "$D1"
check "a mail arrives: [LB_TEST] VRRP Instance VI_1 - Entering MASTER state" \
	wait_until 50 mail_with "Subject: [LB_TEST] VRRP Instance VI_1 - Entering MASTER state"
check "with the configured From" mail_with "From: tandem@lb.example"
check "the sync group's mail arrives: [LB_TEST] VRRP Group G1 - Entering MASTER state" \
	wait_until 50 mail_with "Subject: [LB_TEST] VRRP Group G1 - Entering MASTER state"
check "smtp_alert no in VI_2: no mail of its own" \
	sh -c "! cat '$T'/mail/*.eml | grep -qF 'VRRP Instance VI_2'"
check "to both recipients (header and envelope)" sh -c \
	"cat '$T'/mail/*.eml | grep -qF 'To: ops@example.com, noc@example.com' &&
	 cat '$T'/mail/*.eml | grep -qF 'RCPT TO:<noc@example.com>'"
start d2
check "d2's BACKUP mail arrives" \
	wait_until 50 mail_with "Subject: [LB_TEST] VRRP Instance VI_1 - Entering BACKUP state"

# A silent server: d1 stops, d2 must take over within about a second.
smtpd_stop
smtpd silent
t0=$(ms)
stop d1
wait_until 50 has_vip "$D2"
t1=$(ms)
check "with a silent mail server, d2 takes over on time ($((t1 - t0)) ms)" \
	sh -c "[ $((t1 - t0)) -lt 2500 ] && ip -n '$D2' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
check "d2's mail times out after smtp_connect_timeout, logged" \
	wait_until 60 grep -q 'mail alert "\[LB_TEST\] VRRP Instance VI_1 - Entering MASTER state" not sent: timed out' "$T/d2/log"

# No server at all: d1 comes back and preempts, on time.
smtpd_stop
t0=$(ms)
start d1
wait_until 50 has_vip "$D1"
t1=$(ms)
check "with no mail server, d1 preempts back on time ($((t1 - t0)) ms)" \
	sh -c "[ $((t1 - t0)) -lt 4000 ] && ip -n '$D1' -4 addr show dev eth0 | grep -q 'inet $VIP/'"
check "and the refused connection is logged, not fatal" \
	wait_until 50 grep -q 'mail alert .* not sent: Connection refused' "$T/d1/log"
check "d1's daemon is still running" is_tandem "$PID1"

# The check process: a real server going down mails.
smtpd normal
ip netns exec "$D1" socat TCP-LISTEN:7001,fork,reuseaddr,bind=127.0.0.1 /dev/null \
	>/dev/null 2>&1 &
SOCAT=$!
wait_until 30 sh -c "ip netns exec '$D1' ss -ltn 'sport = :7001' | grep -q LISTEN"
{
	sed -n '/^global_defs/,/^}/p' "$CONF"
	echo "virtual_server 10.0.0.1 80 {"
	echo "    delay_loop 0.2"
	echo "    real_server 127.0.0.1 7001 {"
	echo "        TCP_CHECK { connect_timeout 0.5 }"
	echo "    }"
	echo "}"
} >"$T/c.conf"
TMPDIR="$T/c" ip netns exec "$D1" "$TANDEM" -C -n -l -G -f "$T/c.conf" \
	-p "$T/c/tandem.pid" -r "$T/c/vrrp.pid" -c "$T/c/check.pid" \
	>>"$T/c/log" 2>&1 &
CPIDT=$!
check "tandem -C starts" wait_until 50 grep -q "all children up" "$T/c/log"
sleep 1
kill "$SOCAT"; wait "$SOCAT" 2>/dev/null; SOCAT=""
check "the real server going down mails: [LB_TEST] Realserver [127.0.0.1]:tcp:7001 - DOWN" \
	wait_until 50 mail_with "Subject: [LB_TEST] Realserver [127.0.0.1]:tcp:7001 - DOWN"
check "no sanitizer report in any log" \
	sh -c "! cat '$T'/d1/log '$T'/d2/log '$T'/c/log | grep -E -q 'Sanitizer|runtime error:'"
[ "$FAILED" -eq 0 ]
