#!/bin/sh
# HTTP_GET, SSL_GET and genhash end to end in a network namespace: nginx
# serves HTTP and HTTPS (a CA and a server certificate the test makes
# with openssl), tandem -C checks it, and its JSON dump shows each real
# server's verdict and reason.  For each checker: up; down for each
# cause (server stopped: refused; a 404; a digest that no longer
# matches; a regex that no longer matches; a stalled server: timeout; an
# address nobody answers: connect timeout; TLS to a plain port, and a
# certificate the SSL block's ca does not vouch for); and recovery.
# Also the Host header (virtualhost inherited from the real server), SNI
# (enable_sni, sni_name), IPv6, the SSL block's client certificate,
# bindto and fwmark, and genhash's digest against md5sum of the
# file served (and, when keepalived's genhash is installed, against its
# digest of a chunked body).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/check-lib.sh"

need_root_netns
command -v nginx >/dev/null 2>&1 || skip_all "nginx not installed"
command -v openssl >/dev/null 2>&1 || skip_all "openssl not installed"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"
GENHASH="${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}/genhash/genhash"
[ -x "$GENHASH" ] || skip_all "$GENHASH not built"
setup_dir

NGX=""
PY=""
my_cleanup() {
	[ -n "$NGX" ] && { kill -CONT "$NGX"; kill "$NGX"; } 2>/dev/null
	[ -n "$PY" ] && kill "$PY" 2>/dev/null
	cleanup
}
trap my_cleanup EXIT

# Certificates: a CA that signs the server's, and another CA.
mkcert() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
		-keyout "$T/$1.key" -out "$T/$1.crt" >/dev/null 2>&1
}
mkcert ca && mkcert otherca
openssl req -newkey rsa:2048 -nodes -subj "/CN=srv" -keyout "$T/srv.key" \
	-out "$T/srv.csr" >/dev/null 2>&1
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" \
	-CAcreateserial -days 2 -out "$T/srv.crt" >/dev/null 2>&1 || \
	skip_all "openssl cannot make certificates"
# A client certificate whose key is encrypted (the SSL block's password).
openssl req -newkey rsa:2048 -passout pass:s3cret -subj "/CN=client" \
	-keyout "$T/client.key" -out "$T/client.csr" >/dev/null 2>&1
openssl x509 -req -in "$T/client.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" \
	-CAcreateserial -days 2 -out "$T/client.crt" >/dev/null 2>&1

mkdir -p "$T/www" "$T/ngx"
printf 'hello from the real server\n' >"$T/www/index.html"
printf 'status: healthy\n' >"$T/www/health.html"
cat >"$T/nginx.conf" <<NGX
daemon off;
master_process off;
pid $T/ngx/nginx.pid;
error_log $T/ngx/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/ngx/body;
	proxy_temp_path $T/ngx/proxy;
	fastcgi_temp_path $T/ngx/fcgi;
	uwsgi_temp_path $T/ngx/uwsgi;
	scgi_temp_path $T/ngx/scgi;
	default_type text/plain;
	server {
		listen 8080 default_server;
		listen [::1]:8080 default_server;
		listen 8443 ssl default_server;
		ssl_certificate $T/srv.crt;
		ssl_certificate_key $T/srv.key;
		root $T/www;
		location = /vh { return 404; }
		location = /sni { return 200 "sni=\$ssl_server_name\n"; }
		location = /src { return 200 "\$remote_addr\n"; }
		location = /host { return 200 "host=\$http_host\n"; }
	}
	server {
		listen 8444 ssl;
		ssl_certificate $T/srv.crt;
		ssl_certificate_key $T/srv.key;
		ssl_client_certificate $T/ca.crt;
		ssl_verify_client on;
		location = /client { return 200 "client=\$ssl_client_s_dn\n"; }
	}
	server {
		listen 8080;
		server_name vh.example;
		location = /vh { return 200 "vhost ok\n"; }
	}
}
NGX
ngx_start() {
	ip netns exec "$NS" nginx -c "$T/nginx.conf" -p "$T/ngx" \
		>>"$T/ngx/out.log" 2>&1 &
	NGX=$!
}
ngx_stop() { kill "$NGX" 2>/dev/null; wait "$NGX" 2>/dev/null; NGX=""; }
listening() { ip netns exec "$NS" ss -ltn "sport = :$1" | grep -q LISTEN; }

# Nobody answers ARP for 10.98.0.2 behind this veth: connects time out.
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" addr add 10.98.0.1/24 dev v0
ip -n "$NS" link set v0 up
ip -n "$NS" link set v1 up

MD5=$(md5sum <"$T/www/index.html" | cut -d' ' -f1)
conf() { # CA-FILE
	write_conf \
	"SSL {" \
	"  ca $1" \
	"  certificate $T/client.crt" \
	"  key $T/client.key" \
	"  password s3cret" \
	"}" \
	"virtual_server 10.0.0.1 80 {" \
	"  delay_loop 0.3" \
	"  delay_before_retry 0.2" \
	"  retry 0" \
	"  real_server 127.0.0.2 8080 {" \
	"    HTTP_GET {" \
	"      url { path /index.html }" \
	"      connect_timeout 1" \
	"    }" \
	"  }" \
	"  real_server 127.0.0.3 8080 {" \
	"    HTTP_GET {" \
	"      url {" \
	"        path /index.html" \
	"        digest $MD5" \
	"      }" \
	"      http_protocol 1.1" \
	"    }" \
	"  }" \
	"  real_server 127.0.0.4 8080 {" \
	"    HTTP_GET {" \
	"      url {" \
	"        path /health.html" \
	"        regex \"status: (healthy|ok)\"" \
	"      }" \
	"      url { path /index.html }" \
	"    }" \
	"  }" \
	"  real_server 127.0.0.5 8443 {" \
	"    SSL_GET {" \
	"      url {" \
	"        path /index.html" \
	"        digest $MD5" \
	"        status_code 200" \
	"      }" \
	"      connect_timeout 1" \
	"    }" \
	"  }" \
	"  real_server 127.0.0.6 8080 {" \
	"    SSL_GET { url { path / } }" \
	"  }" \
	"  real_server 127.0.0.7 8080 {" \
	"    virtualhost vh.example" \
	"    HTTP_GET { url { path /vh } }" \
	"  }" \
	"  real_server 127.0.0.8 8443 {" \
	"    SSL_GET {" \
	"      url {" \
	"        path /sni" \
	"        regex \"^sni=sni.example\$\"" \
	"        regex_options multiline" \
	"      }" \
	"      enable_sni" \
	"      sni_name sni.example" \
	"    }" \
	"  }" \
	"  real_server 127.0.0.9 8444 {" \
	"    SSL_GET {" \
	"      url {" \
	"        path /client" \
	"        regex \"client=CN *= *client\"" \
	"      }" \
	"    }" \
	"  }" \
	"  real_server 127.0.0.10 8080 {" \
	"    HTTP_GET {" \
	"      bindto 127.0.0.42" \
	"      url {" \
	"        path /src" \
	"        regex \"^127.0.0.42\$\"" \
	"        regex_options multiline" \
	"      }" \
	"    }" \
	"  }" \
	"  real_server 127.0.0.11 8080 {" \
	"    HTTP_GET {" \
	"      fwmark 42" \
	"      url { path /index.html }" \
	"    }" \
	"  }" \
	"  real_server 10.98.0.2 80 {" \
	"    HTTP_GET {" \
	"      url { path / }" \
	"      connect_timeout 0.3" \
	"    }" \
	"  }" \
	"}" \
	"virtual_server 2001:db8::1 80 {" \
	"  delay_loop 0.3" \
	"  real_server ::1 8080 {" \
	"    HTTP_GET {" \
	"      url {" \
	"        path /host" \
	"        regex \"host=\\\\[::1\\\\]:8080\"" \
	"      }" \
	"    }" \
	"  }" \
	"}"
}

# starts ADDR:PORT "REASON-START": down, its reason starting so
down_with() { dump_json && case "$(rs "$1" up reason)" in "false $2"*) true ;; *) false ;; esac; }

ngx_start
wait_until 50 listening 8443 || diag "nginx did not start: $(cat "$T/ngx/error.log" 2>/dev/null)"
conf "$T/ca.crt"
start_tandem -C
check "tandem -C starts with HTTP_GET and SSL_GET checkers" \
	wait_until 50 eval 'is_tandem "$(readpid "$CPID")" && log_has "all children up"'

check "HTTP_GET: a page that is there is up" \
	wait_until 30 is 127.0.0.2:8080 "up failed reason" "true 0 "
check "HTTP_GET digest (from md5sum of the file): up" \
	wait_until 30 is 127.0.0.3:8080 "up failed" "true 0"
check "HTTP_GET regex and a second url: up" \
	wait_until 30 is 127.0.0.4:8080 "up failed" "true 0"
check "SSL_GET with digest, its certificate verified against the SSL block's ca: up" \
	wait_until 30 is 127.0.0.5:8443 "up failed" "true 0"
check "SSL_GET to a plain HTTP port: down, TLS handshake failed" \
	wait_until 30 down_with 127.0.0.6:8080 "TLS handshake failed: "
check "the virtual host inherited from the real server is sent as Host" \
	wait_until 30 is 127.0.0.7:8080 "up failed" "true 0"
check "enable_sni sends sni_name" \
	wait_until 30 is 127.0.0.8:8443 "up failed" "true 0"
check "the SSL block's client certificate (key with password) is presented" \
	wait_until 30 is 127.0.0.9:8444 "up failed" "true 0"
check "bindto: the request comes from that address" \
	wait_until 30 is 127.0.0.10:8080 "up failed" "true 0"
if command -v nft >/dev/null 2>&1 &&
   ip netns exec "$NS" nft -f - <<'NFT' 2>/dev/null
table inet tandem_test {
	chain out {
		type filter hook output priority 0;
		ip daddr 127.0.0.11 meta mark 42 counter
	}
}
NFT
then
	marked() {
		ip netns exec "$NS" nft list chain inet tandem_test out |
			grep -Eq 'counter packets [1-9]'
	}
	check "fwmark: the checker's packets carry the mark" wait_until 30 marked
else
	ok "fwmark: the checker's packets carry the mark # SKIP no nftables"
fi
check "IPv6: up, with Host [::1]:8080 as keepalived sends it" \
	wait_until 30 is "[::1]:8080" "up failed" "true 0"
check "an address nobody answers: connect timeout" \
	wait_until 30 is 10.98.0.2:80 "up reason" "false connect timeout after 0.3 s"

# Digest: the page changes, then comes back.
printf 'something else\n' >"$T/www/index.html"
NEW=$(md5sum <"$T/www/index.html" | cut -d' ' -f1)
check "a changed page: digest mismatch (HTTP_GET), with the new digest" \
	wait_until 30 is 127.0.0.3:8080 "up reason" "false digest mismatch for /index.html: $NEW"
check "a changed page: digest mismatch (SSL_GET)" \
	wait_until 30 down_with 127.0.0.5:8443 "digest mismatch for /index.html"
check "the status-only checker stays up" is 127.0.0.2:8080 "up" "true"
check "the log says the server left the table" \
	log_has "real server 127.0.0.3:8080 of 10.0.0.1:80 is down (digest mismatch for /index.html"
printf 'hello from the real server\n' >"$T/www/index.html"
check "the page restored: back up (HTTP_GET)" \
	wait_until 30 is 127.0.0.3:8080 "up transitions" "true 2"
check "the page restored: back up (SSL_GET)" \
	wait_until 30 is 127.0.0.5:8443 "up transitions" "true 2"

# Regex.
printf 'status: sick\n' >"$T/www/health.html"
check "the regex no longer matches: down" \
	wait_until 30 is 127.0.0.4:8080 "up reason" "false regex no match for /health.html"
printf 'status: ok\n' >"$T/www/health.html"
check "it matches again: up" wait_until 30 is 127.0.0.4:8080 "up transitions" "true 2"

# Status code.
mv "$T/www/index.html" "$T/www/index.html.away"
check "a missing page: HTTP status 404" \
	wait_until 30 is 127.0.0.2:8080 "up reason" "false HTTP status 404 for /index.html"
check "status_code 200 on SSL_GET: 404 is down too" \
	wait_until 30 is 127.0.0.5:8443 "up reason" "false HTTP status 404 for /index.html"
mv "$T/www/index.html.away" "$T/www/index.html"
check "the page back: up" wait_until 30 is 127.0.0.2:8080 "up transitions" "true 2"

# Timeout: the server accepts (the kernel does) but never answers.
kill -STOP "$NGX"
check "a stalled server: timeout waiting for the response (HTTP_GET)" \
	wait_until 40 is 127.0.0.2:8080 "up reason" "false timeout after 1.0 s waiting for the response"
check "a stalled server: SSL_GET's handshake stalls: connect timeout" \
	wait_until 40 is 127.0.0.5:8443 "up reason" "false connect timeout after 1.0 s"
kill -CONT "$NGX"
check "the server answers again: up" \
	wait_until 40 is 127.0.0.2:8080 "up transitions" "true 4"
check "and SSL_GET is up again" wait_until 40 is 127.0.0.5:8443 "up" "true"

# Server stopped.
ngx_stop
check "server stopped: connection refused (HTTP_GET)" \
	wait_until 30 is 127.0.0.2:8080 "up reason" "false connection refused"
check "server stopped: connection refused (SSL_GET)" \
	wait_until 30 is 127.0.0.5:8443 "up reason" "false connection refused"
ngx_start
wait_until 50 listening 8443
check "server started again: up (HTTP_GET)" \
	wait_until 30 is 127.0.0.2:8080 "up transitions" "true 6"
check "server started again: up (SSL_GET)" \
	wait_until 30 is 127.0.0.5:8443 "up" "true"

# TLS: a ca that did not sign the server's certificate.
conf "$T/otherca.crt"
kill -HUP "$TANDEM_PID"
check "reload with another CA in the SSL block" wait_until 50 log_has "reload complete"
check "the certificate no longer verifies: TLS handshake failed" \
	wait_until 30 down_with 127.0.0.5:8443 "TLS handshake failed: "
dump_json
diag "TLS reason: $(rs 127.0.0.5:8443 reason)"
new_log
conf "$T/ca.crt"
kill -HUP "$TANDEM_PID"
check "reload with the right CA" wait_until 50 log_has "reload complete"
check "verifies again: up" wait_until 30 is 127.0.0.5:8443 "up" "true"
check "the plain HTTP servers kept their state across both reloads" \
	is 127.0.0.2:8080 "up transitions" "true 6"

# genhash
gh() { ip netns exec "$NS" "$GENHASH" "$@"; }
check "genhash prints md5sum's digest of the file served" \
	eval '[ "$(gh -s 127.0.0.1 -p 8080 -u /index.html)" = "$MD5" ]'
check "genhash over IPv6 prints the same digest" \
	eval '[ "$(gh -s ::1 -p 8080 -u /index.html)" = "$MD5" ]'
check "genhash -S (TLS) prints the same digest" \
	eval '[ "$(gh -S -s 127.0.0.1 -p 8443 -u /index.html)" = "$MD5" ]'
check "tandem --genhash prints the same digest" \
	eval '[ "$(ip netns exec "$NS" "$TANDEM" --genhash -s 127.0.0.1 -p 8080 -u /index.html -P 1.1)" = "$MD5" ]'
out=$(gh -v -s 127.0.0.1 -p 8080 -u /vh -V vh.example)
check "genhash -v prints the headers, the body size and the digest (-V sends Host)" \
	eval 'echo "$out" | grep -q "^HTTP/1.[01] 200" &&
	      echo "$out" | grep -q "^9 bytes" &&
	      echo "$out" | grep -qx "$(printf "vhost ok\n" | md5sum | cut -d" " -f1)"'
check "genhash -I sends the virtual host as SNI" \
	eval '[ "$(gh -S -I -V sni.example -s 127.0.0.1 -p 8443 -u /sni)" = "$(printf "sni=sni.example\n" | md5sum | cut -d" " -f1)" ]'
check "genhash: a refused connection is exit status 1" \
	eval '! gh -s 127.0.0.1 -p 8099 -u / 2>/dev/null'
check "genhash: a bad option is exit status 2" \
	eval 'gh -s 127.0.0.1 -p 0 -u / 2>/dev/null; [ $? -eq 2 ]'

# A chunked body is digested with its framing, as keepalived does.
cat >"$T/chunk.py" <<'PY'
import http.server
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"6\r\nhello \r\nd\r\nchunked body\n\r\n0\r\n\r\n")
        self.close_connection = True
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", 8090), H).serve_forever()
PY
ip netns exec "$NS" python3 "$T/chunk.py" &
PY=$!
wait_until 50 listening 8090
RAW=$(printf '6\r\nhello \r\nd\r\nchunked body\n\r\n0\r\n\r\n' | md5sum | cut -d' ' -f1)
check "genhash digests a chunked body as sent (framing included)" \
	eval '[ "$(gh -s 127.0.0.1 -p 8090 -u /)" = "$RAW" ]'
if [ -x /usr/bin/genhash ] && /usr/bin/genhash -h 2>&1 | grep -q -- --use-sni; then
	check "keepalived's genhash prints the same digest of it" \
		eval '[ "$(ip netns exec "$NS" /usr/bin/genhash -s 127.0.0.1 -p 8090 -u /)" = "$RAW" ]'
else
	ok "keepalived's genhash prints the same digest of it # SKIP keepalived not installed"
fi

stop_pid "$TANDEM_PID"
check "tandem stops" eval '! alive "$TANDEM_PID"'
check_sanitizers
echo "1..$N"
[ "$FAILED" -eq 0 ]
