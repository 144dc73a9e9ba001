#!/bin/sh
# tandem and genhash link none of the optional libraries that lib/dl_*.c
# opens on first use, and export none of their names (an exported shim
# would catch the library's calls to itself).  Needs readelf (binutils).
b=${top_builddir:-.}
command -v readelf >/dev/null 2>&1 || { echo "1..0 # SKIP readelf not installed"; exit 0; }
N=0
echo "1..4"
for p in tandem/tandem genhash/genhash; do
	N=$((N + 1))
	bad=$(readelf -dW "$b/$p" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
		grep -E '^lib(curl|ssl|crypto|pcre2-8|ipset|nftables|netsnmp|netsnmpagent)\.so')
	if [ -z "$bad" ]; then echo "ok $N - $p links no optional library"
	else echo "not ok $N - $p links:" $bad; fi
	N=$((N + 1))
	bad=$(readelf --dyn-syms -W "$b/$p" | awk '$7 != "UND" { print $8 }' |
		grep -E '^(curl_|EVP_|HMAC|SSL_|pcre2_|ipset_|nft_|init_agent|snmp_|netsnmp_)')
	if [ -z "$bad" ]; then echo "ok $N - $p exports no shim"
	else echo "not ok $N - $p exports:" $bad; fi
done
