/*
 * The IPVS client against a real kernel table.  Runs inside the test VM
 * (test/kernel/vm.sh) as root, prints TAP.
 *
 * Every case writes through tandem's client and reads back through it,
 * and some read back through ipvsadm as well, so a mistake that encodes
 * and decodes symmetrically wrong still shows.  Cases run in one process
 * and one boot: starting a program under TCG costs ~0.1 s, so ipvsadm is
 * called only a few times.  The order matters in one place: the kernel
 * refuses to start a sync daemon while destinations of a different family
 * than their service exist, so the daemon cases run before those.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ipvs/ipvs_nl.h"
#include "ipvs/ipvs_table.h"

static int ntest, nfail;
static struct ipvs_nl *nl;

static bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		nfail++;
		if (nl && ipvs_last_error(nl)[0])
			printf("# last error: %s\n", ipvs_last_error(nl));
	}
	fflush(stdout);
	return cond;
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ------------------------------------------------------------ builders */

static struct ipvs_service svc_ip(int proto, const char *ip, uint16_t port, const char *sched)
{
	struct ipvs_service s;
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;

	ipvs_service_init(&s, af);
	s.protocol = (uint16_t)proto;
	if (inet_pton(af, ip, &s.addr) != 1)
		abort();
	s.port = port;
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return s;
}

static struct ipvs_service svc_fwm(int af, uint32_t mark, const char *sched)
{
	struct ipvs_service s;

	ipvs_service_init(&s, af);
	s.fwmark = mark;
	snprintf(s.sched, sizeof(s.sched), "%s", sched);
	return s;
}

static struct ipvs_dest dest_ip(const char *ip, uint16_t port, uint32_t fwd, int weight)
{
	struct ipvs_dest d;
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;

	ipvs_dest_init(&d, af);
	if (inet_pton(af, ip, &d.addr) != 1)
		abort();
	d.port = port;
	d.fwd = fwd;
	d.weight = weight;
	return d;
}

static void show_service(const char *tag, const struct ipvs_service *s)
{
	char b[IPVS_STR_MAX];

	diag("%s: %s sched=%s flags=%#x timeout=%u netmask=%#x pe=%s", tag,
	     ipvs_service_str(s, b, sizeof(b)), s->sched, s->flags, s->timeout,
	     s->netmask, s->pe_name);
}

static void show_dest(const char *tag, const struct ipvs_dest *d)
{
	char b[IPVS_STR_MAX];

	diag("%s: %s af=%u fwd=%s weight=%d u=%u l=%u tun=%u/%u/%#x", tag,
	     ipvs_dest_str(d, AF_INET, b, sizeof(b)), d->af, ipvs_fwd_name(d->fwd),
	     d->weight, d->u_thresh, d->l_thresh, d->tun_type, d->tun_port, d->tun_flags);
}

/* Get the service back and compare what matters. */
static bool service_reads_back(const struct ipvs_service *want)
{
	struct ipvs_service got;

	if (ipvs_service_get(nl, want, &got) < 0)
		return false;
	if (ipvs_service_same_key(want, &got) && ipvs_service_same_config(want, &got))
		return true;
	show_service("wanted", want);
	show_service("kernel", &got);
	return false;
}

static bool add_and_check(const struct ipvs_service *s, const char *what)
{
	char b[IPVS_STR_MAX];
	int r = ipvs_service_add(nl, s);

	return ok(r == 0 && service_reads_back(s), "%s: %s", what, ipvs_service_str(s, b, sizeof(b)));
}

/* The kernel's destination list of s equals want[] (in any order). */
static bool dests_equal(const struct ipvs_service *s, const struct ipvs_dest *want, size_t n)
{
	struct ipvs_dest *got;
	size_t ngot;
	bool same = true;

	if (ipvs_dest_dump(nl, s, &got, &ngot) < 0)
		return false;
	if (ngot != n) {
		diag("kernel has %zu destinations, expected %zu", ngot, n);
		same = false;
	}
	for (size_t i = 0; same && i < n; i++) {
		size_t j;

		for (j = 0; j < ngot; j++)
			if (ipvs_dest_same_key(&want[i], &got[j], s->af))
				break;
		if (j == ngot) {
			show_dest("missing", &want[i]);
			same = false;
		} else if (!ipvs_dest_same_config(&want[i], &got[j], s->af) ||
			   ipvs_dest_af(&want[i], s) != got[j].af) {
			show_dest("wanted", &want[i]);
			show_dest("kernel", &got[j]);
			same = false;
		}
	}
	free(got);
	return same;
}

/* ipvsadm's view: every line of `ipvsadm -Ln ARGS` split into words; a
 * check passes when some line starts with the expected words. */
static char *ipvsadm_out;

static bool ipvsadm_run(const char *args)
{
	char cmd[256];
	FILE *p;
	size_t len = 0, cap = 0;
	char buf[4096];
	size_t r;

	free(ipvsadm_out);
	ipvsadm_out = NULL;
	snprintf(cmd, sizeof(cmd), "ipvsadm %s 2>&1", args);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while ((r = fread(buf, 1, sizeof(buf), p)) > 0) {
		if (len + r + 1 > cap) {
			cap = 2 * (len + r + 1);
			ipvsadm_out = realloc(ipvsadm_out, cap);
			if (!ipvsadm_out)
				abort();
		}
		memcpy(ipvsadm_out + len, buf, r);
		len += r;
	}
	if (ipvsadm_out)
		ipvsadm_out[len] = '\0';
	return pclose(p) == 0 && ipvsadm_out;
}

static void squeeze(const char *in, char *out, size_t len)
{
	size_t o = 0;
	bool sp = true;

	for (; *in && o + 1 < len; in++) {
		if (*in == ' ' || *in == '\t') {
			if (!sp)
				out[o++] = ' ';
			sp = true;
		} else {
			out[o++] = *in;
			sp = false;
		}
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static bool ipvsadm_has(const char *words)
{
	char line[512], sq[512];
	const char *p = ipvsadm_out, *e;

	while (p && *p) {
		e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		squeeze(line, sq, sizeof(sq));
		if (strncmp(sq, words, strlen(words)) == 0 &&
		    (sq[strlen(words)] == '\0' || sq[strlen(words)] == ' '))
			return true;
		p = e ? e + 1 : NULL;
	}
	diag("ipvsadm shows no line starting with \"%s\"; it printed:", words);
	for (p = ipvsadm_out; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		printf("#   %.*s\n", (int)(e ? e - p : (int)strlen(p)), p);
	}
	return false;
}

/* ---------------------------------------------------------------- cases */

static const char *scheds[] = {
	"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh",
};

static void test_schedulers(void)
{
	for (size_t i = 0; i < sizeof(scheds) / sizeof(scheds[0]); i++) {
		struct ipvs_service s = svc_ip(IPPROTO_TCP, "10.1.0.1", (uint16_t)(1000 + i), scheds[i]);

		add_and_check(&s, scheds[i]);
	}
	ok(ipvsadm_run("-Ln") && ipvsadm_has("TCP 10.1.0.1:1000 rr") &&
	   ipvsadm_has("TCP 10.1.0.1:1012 mh"), "ipvsadm lists the scheduler services");
}

static void test_protocols(void)
{
	static const struct { int proto; const char *ip; } c[] = {
		{ IPPROTO_TCP, "10.2.0.1" }, { IPPROTO_UDP, "10.2.0.1" }, { IPPROTO_SCTP, "10.2.0.1" },
		{ IPPROTO_TCP, "2001:db8:2::1" }, { IPPROTO_UDP, "2001:db8:2::1" },
		{ IPPROTO_SCTP, "2001:db8:2::1" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct ipvs_service s = svc_ip(c[i].proto, c[i].ip, 80, "rr");

		add_and_check(&s, "protocol and family");
	}
	struct ipvs_service f4 = svc_fwm(AF_INET, 7, "wrr"), f6 = svc_fwm(AF_INET6, 7, "wlc");

	add_and_check(&f4, "fwmark IPv4");
	add_and_check(&f6, "fwmark IPv6");
	ok(ipvsadm_run("-Ln") && ipvsadm_has("SCTP [2001:db8:2::1]:80 rr") &&
	   ipvsadm_has("UDP 10.2.0.1:80 rr") && ipvsadm_has("FWM 7 wrr") &&
	   ipvsadm_has("FWM 7 IPv6 wlc"), "ipvsadm lists protocols, families and fwmarks");
}

static void test_flags(void)
{
	struct ipvs_service s;

	s = svc_ip(IPPROTO_TCP, "10.3.0.1", 443, "wlc");
	s.flags = IP_VS_SVC_F_PERSISTENT;
	s.timeout = 300;
	inet_pton(AF_INET, "255.255.255.0", &s.netmask);
	add_and_check(&s, "persistence with netmask");
	ok(ipvsadm_run("-Ln") && ipvsadm_has("TCP 10.3.0.1:443 wlc persistent 300 mask 255.255.255.0"),
	   "ipvsadm shows persistence and netmask");

	s = svc_ip(IPPROTO_TCP, "2001:db8:3::1", 443, "rr");
	s.flags = IP_VS_SVC_F_PERSISTENT;
	s.timeout = 60;
	s.netmask = 64;
	add_and_check(&s, "IPv6 persistence with prefix length");

	s = svc_ip(IPPROTO_UDP, "10.3.0.1", 53, "rr");
	s.flags = IP_VS_SVC_F_ONEPACKET;
	add_and_check(&s, "one-packet scheduling");

	s = svc_ip(IPPROTO_TCP, "10.3.0.1", 81, "sh");
	s.flags = IP_VS_SVC_F_SCHED_SH_PORT | IP_VS_SVC_F_SCHED_SH_FALLBACK;
	add_and_check(&s, "sh-port and sh-fallback");

	s = svc_ip(IPPROTO_TCP, "10.3.0.1", 82, "mh");
	s.flags = IP_VS_SVC_F_SCHED_MH_PORT | IP_VS_SVC_F_SCHED_MH_FALLBACK | IP_VS_SVC_F_SCHED3;
	add_and_check(&s, "mh-port, mh-fallback and flag-3");
	ok(ipvsadm_run("-Ln") && ipvsadm_has("TCP 10.3.0.1:81 sh (sh-fallback,sh-port)") &&
	   ipvsadm_has("UDP 10.3.0.1:53 rr ops"), "ipvsadm shows scheduler flags and ops");

	s = svc_ip(IPPROTO_UDP, "10.3.0.1", 5060, "rr");
	s.flags = IP_VS_SVC_F_PERSISTENT;
	s.timeout = 120;
	snprintf(s.pe_name, sizeof(s.pe_name), "sip");
	add_and_check(&s, "persistence engine sip");

	/* Change: scheduler, flags, timeout, and dropping the engine. */
	s.timeout = 30;
	snprintf(s.sched, sizeof(s.sched), "wrr");
	s.pe_name[0] = '\0';
	ok(ipvs_service_set(nl, &s) == 0 && service_reads_back(&s), "service set changes scheduler, timeout, engine");
}

static void test_dests(void)
{
	struct ipvs_service s = svc_ip(IPPROTO_TCP, "10.4.0.1", 80, "wrr");
	struct ipvs_dest d[6];
	size_t n = 0;
	bool all = true;

	ok(ipvs_service_add(nl, &s) == 0, "service for destinations");
	d[n] = dest_ip("10.4.0.2", 80, IPVS_FWD_MASQ, 5);
	d[n].u_thresh = 100;
	d[n++].l_thresh = 10;
	d[n++] = dest_ip("10.4.0.3", 8080, IPVS_FWD_DROUTE, 0);
	d[n] = dest_ip("10.4.0.4", 80, IPVS_FWD_TUNNEL, 2);
	d[n++].tun_type = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
	d[n] = dest_ip("10.4.0.5", 80, IPVS_FWD_TUNNEL, 3);
	d[n].tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	d[n].tun_port = 6080;
	d[n++].tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
	d[n] = dest_ip("10.4.0.6", 80, IPVS_FWD_TUNNEL, 4);
	d[n].tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GRE;
	d[n++].tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
	d[n++] = dest_ip("127.0.0.1", 80, IPVS_FWD_LOCAL, 1);
	for (size_t i = 0; i < n; i++)
		all &= ipvs_dest_add(nl, &s, &d[i]) == 0;
	ok(all, "add NAT, DR, TUN ipip/gue/gre and local destinations");
	ok(dests_equal(&s, d, n), "destinations read back with method, weight, thresholds, tunnel");
	ok(ipvsadm_run("-Ln") && ipvsadm_has("-> 10.4.0.2:80 Masq 5") &&
	   ipvsadm_has("-> 10.4.0.3:8080 Route 0") && ipvsadm_has("-> 10.4.0.4:80 Tunnel 2") &&
	   ipvsadm_has("-> 127.0.0.1:80 Local 1"), "ipvsadm shows the destinations");
	ok(ipvsadm_run("-Ln --thresholds") && ipvsadm_has("-> 10.4.0.2:80 100 10"),
	   "ipvsadm shows the thresholds");
	ok(ipvsadm_run("-Ln --tun-info") && ipvsadm_has("-> 10.4.0.5:80 Tunnel gue:6080:+c 3") &&
	   ipvsadm_has("-> 10.4.0.6:80 Tunnel gre:+c 4") &&
	   ipvsadm_has("-> 10.4.0.4:80 Tunnel ipip 2"), "ipvsadm shows the tunnel settings");

	/* Set: weight, thresholds and the tunnel type change in place. */
	d[0].weight = 9;
	d[0].u_thresh = 0;
	d[0].l_thresh = 0;
	d[2].tun_type = IP_VS_CONN_F_TUNNEL_TYPE_GUE;
	d[2].tun_port = 7000;
	d[2].tun_flags = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
	d[1].fwd = IPVS_FWD_MASQ;
	ok(ipvs_dest_set(nl, &s, &d[0]) == 0 && ipvs_dest_set(nl, &s, &d[1]) == 0 &&
	   ipvs_dest_set(nl, &s, &d[2]) == 0 && dests_equal(&s, d, n),
	   "destination set changes weight, thresholds, method, tunnel");

	ok(ipvs_dest_del(nl, &s, &d[n - 1]) == 0 && dests_equal(&s, d, n - 1),
	   "destination delete");

	/* IPv6 service with IPv6 destinations. */
	struct ipvs_service s6 = svc_ip(IPPROTO_TCP, "2001:db8:4::1", 80, "rr");
	struct ipvs_dest d6[2] = {
		dest_ip("2001:db8:4::2", 80, IPVS_FWD_MASQ, 1),
		dest_ip("2001:db8:4::3", 80, IPVS_FWD_DROUTE, 2),
	};

	ok(ipvs_service_add(nl, &s6) == 0 && ipvs_dest_add(nl, &s6, &d6[0]) == 0 &&
	   ipvs_dest_add(nl, &s6, &d6[1]) == 0 && dests_equal(&s6, d6, 2),
	   "IPv6 service with IPv6 destinations");

	/* fwmark service with destinations. */
	struct ipvs_service f = svc_fwm(AF_INET, 7, "wrr");
	struct ipvs_dest fd = dest_ip("10.4.1.2", 0, IPVS_FWD_DROUTE, 1);

	ok(ipvs_dest_add(nl, &f, &fd) == 0 && dests_equal(&f, &fd, 1), "fwmark service destination");
}

/* What the failure handler saw. */
static char seen[8][IPVS_ERRMSG_MAX];
static int nseen;

static void on_failure(const struct ipvs_failure *f, void *arg)
{
	(void)arg;
	if (nseen < 8)
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", f->msg);
}

static void test_errors(void)
{
	struct ipvs_service s = svc_ip(IPPROTO_TCP, "10.4.0.1", 80, "wrr");
	struct ipvs_service none = svc_ip(IPPROTO_TCP, "10.99.0.1", 80, "rr");
	struct ipvs_service bad = svc_ip(IPPROTO_TCP, "10.99.0.2", 80, "nosuch");
	struct ipvs_dest d = dest_ip("10.4.0.2", 80, IPVS_FWD_MASQ, 1);
	struct ipvs_dest d6 = dest_ip("2001:db8::9", 80, IPVS_FWD_MASQ, 1);
	int r;

	r = ipvs_service_add(nl, &s);
	ok(r == -EEXIST && strcmp(ipvs_last_error(nl), "add service TCP 10.4.0.1:80: File exists") == 0,
	   "existing service: \"%s\"", ipvs_last_error(nl));
	r = ipvs_dest_add(nl, &s, &d);
	ok(r == -EEXIST && strcmp(ipvs_last_error(nl),
				  "add destination 10.4.0.2:80 to TCP 10.4.0.1:80: File exists") == 0,
	   "existing destination: \"%s\"", ipvs_last_error(nl));
	r = ipvs_service_del(nl, &none);
	ok(r < 0 && strncmp(ipvs_last_error(nl), "delete service TCP 10.99.0.1:80: ", 33) == 0,
	   "missing service: \"%s\"", ipvs_last_error(nl));
	r = ipvs_service_add(nl, &bad);
	ok(r < 0 && strncmp(ipvs_last_error(nl), "add service TCP 10.99.0.2:80: ", 30) == 0,
	   "unknown scheduler: \"%s\"", ipvs_last_error(nl));
	r = ipvs_dest_add(nl, &s, &d6);
	ok(r == -EINVAL && strcmp(ipvs_last_error(nl),
				  "add destination [2001:db8::9]:80 to TCP 10.4.0.1:80: Invalid argument") == 0,
	   "NAT destination of another family: \"%s\"", ipvs_last_error(nl));
	struct ipvs_service got;
	r = ipvs_service_get(nl, &none, &got);
	ok(r < 0 && strncmp(ipvs_last_error(nl), "get service TCP 10.99.0.1:80: ", 30) == 0,
	   "get of a missing service: \"%s\"", ipvs_last_error(nl));
}

static void test_batch(void)
{
	enum { NS = 200, ND = 5 };
	struct ipvs_table want = { 0 }, have = { 0 };
	unsigned long before = ipvs_request_count(nl);
	bool same = true;
	int r;

	for (int i = 0; i < NS; i++) {
		char ip[32];
		struct ipvs_service s;
		struct ipvs_vs *vs;

		snprintf(ip, sizeof(ip), "10.50.%d.%d", i / 250, i % 250 + 1);
		s = svc_ip(i % 2 ? IPPROTO_UDP : IPPROTO_TCP, ip, 80, scheds[i % 13]);
		vs = ipvs_table_add_service(&want, &s);
		for (int j = 0; j < ND; j++) {
			char dip[32];

			snprintf(dip, sizeof(dip), "10.60.%d.%d", i / 50, (i % 50) * 5 + j + 1);
			struct ipvs_dest d = dest_ip(dip, 8080, j % 2 ? IPVS_FWD_DROUTE : IPVS_FWD_MASQ, j);
			ipvs_vs_add_dest(vs, &d);
		}
	}
	nseen = 0;
	ipvs_set_failure_handler(nl, on_failure, NULL);
	ipvs_batch_begin(nl);
	for (size_t i = 0; i < want.n; i++) {
		ipvs_service_add(nl, &want.vs[i].svc);
		for (size_t j = 0; j < want.vs[i].ndests; j++)
			ipvs_dest_add(nl, &want.vs[i].svc, &want.vs[i].dests[j]);
		if (i == 10 || i == 150)	/* two deliberate failures mid-batch */
			ipvs_dest_add(nl, &want.vs[i].svc, &want.vs[i].dests[0]);
	}
	r = ipvs_batch_end(nl);
	ipvs_set_failure_handler(nl, NULL, NULL);
	ok(r == -EEXIST && ipvs_batch_failures(nl) == 2, "batch of %d requests: two failures reported (%d, %u)",
	   NS * (ND + 1) + 2, r, ipvs_batch_failures(nl));
	ok(ipvs_request_count(nl) - before == NS * (ND + 1) + 2, "every batched request acknowledged (%lu)",
	   ipvs_request_count(nl) - before);
	ok(nseen == 2 && strcmp(seen[0], "add destination 10.60.0.51:8080 to TCP 10.50.0.11:80: File exists") == 0 &&
	   strcmp(seen[1], "add destination 10.60.3.1:8080 to TCP 10.50.0.151:80: File exists") == 0,
	   "batch failures name their entries (\"%s\", \"%s\")", nseen > 0 ? seen[0] : "", nseen > 1 ? seen[1] : "");

	r = ipvs_table_read(nl, &have);
	for (size_t i = 0; r == 0 && i < want.n; i++) {
		struct ipvs_vs *k = ipvs_table_find(&have, &want.vs[i].svc);

		if (!k || !ipvs_service_same_config(&k->svc, &want.vs[i].svc) ||
		    k->ndests != want.vs[i].ndests) {
			same = false;
			show_service("wanted", &want.vs[i].svc);
			continue;
		}
		for (size_t j = 0; j < k->ndests; j++) {
			struct ipvs_dest *kd = ipvs_vs_find_dest(k, &want.vs[i].dests[j]);

			if (!kd || !ipvs_dest_same_config(kd, &want.vs[i].dests[j], k->svc.af)) {
				same = false;
				show_dest("wanted", &want.vs[i].dests[j]);
			}
		}
	}
	ok(r == 0 && same, "the whole table reads back as batched (%zu services)", have.n);

	/* Batched deletes. */
	ipvs_batch_begin(nl);
	for (size_t i = 0; i < want.n; i++)
		ipvs_service_del(nl, &want.vs[i].svc);
	r = ipvs_batch_end(nl);
	size_t left = have.n;
	ipvs_table_read(nl, &have);
	ok(r == 0 && have.n == left - NS, "batched delete of %d services", NS);
	ipvs_table_free(&want);
	ipvs_table_free(&have);
}

static void test_stats(void)
{
	struct ipvs_service s = svc_ip(IPPROTO_UDP, "10.70.0.1", 9000, "rr");
	struct ipvs_dest d = dest_ip("10.70.0.1", 9001, IPVS_FWD_LOCAL, 1);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9000) };
	struct ipvs_service got = { 0 };
	struct ipvs_dest *dl = NULL;
	size_t n = 0;
	int fd, sent = 0;

	/* The VIP lives on a dummy interface the guest script made (tdummy0),
	 * so the packets never leave the VM. */
	inet_pton(AF_INET, "10.70.0.1", &to.sin_addr);
	ok(ipvs_service_add(nl, &s) == 0 && ipvs_dest_add(nl, &s, &d) == 0, "service for counters");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	for (int i = 0; fd >= 0 && i < 5; i++)
		sent += sendto(fd, "hello", 5, 0, (struct sockaddr *)&to, sizeof(to)) == 5;
	if (fd >= 0)
		close(fd);
	/* The kernel refreshes the counters it reports every 2 s. */
	for (int i = 0; i < 40; i++) {
		if (ipvs_service_get(nl, &s, &got) == 0 && got.stats.inpkts >= 5)
			break;
		usleep(100000);
	}
	ok(sent == 5 && got.stats.conns >= 1 && got.stats.inpkts >= 5 && got.stats.inbytes >= 5 * 33,
	   "service counters read back (conns %llu, in packets %llu, in bytes %llu)",
	   (unsigned long long)got.stats.conns, (unsigned long long)got.stats.inpkts,
	   (unsigned long long)got.stats.inbytes);
	int r = ipvs_dest_dump(nl, &s, &dl, &n);

	ok(r == 0 && n == 1 && dl[0].stats.inpkts >= 5,
	   "destination counters read back (in packets %llu)",
	   n ? (unsigned long long)dl[0].stats.inpkts : 0ULL);
	free(dl);
	ok(ipvs_zero(nl, &s) == 0 && ipvs_service_get(nl, &s, &got) == 0 &&
	   got.stats.conns == 0 && got.stats.inpkts == 0, "zero one service's counters");
	ok(ipvs_zero(nl, NULL) == 0, "zero all counters");
	ok(ipvs_service_del(nl, &s) == 0, "delete the counter service");
}

static void test_timeouts(void)
{
	struct ipvs_timeouts orig = { 0 }, t = { 1000, 100, 200 }, got;
	int r = ipvs_timeouts_get(nl, &orig);

	ok(r == 0 && orig.tcp && orig.tcp_fin && orig.udp,
	   "timeouts read (%u %u %u)", orig.tcp, orig.tcp_fin, orig.udp);
	ok(ipvs_timeouts_set(nl, &t) == 0 && ipvs_timeouts_get(nl, &got) == 0 &&
	   got.tcp == 1000 && got.tcp_fin == 100 && got.udp == 200, "timeouts set and read back");
	ok(ipvsadm_run("-L --timeout") && ipvsadm_has("Timeout (tcp tcpfin udp): 1000 100 200"),
	   "ipvsadm shows the timeouts");
	t = (struct ipvs_timeouts){ 0, 0, 250 };
	ok(ipvs_timeouts_set(nl, &t) == 0 && ipvs_timeouts_get(nl, &got) == 0 &&
	   got.tcp == 1000 && got.tcp_fin == 100 && got.udp == 250, "a zero timeout is left unchanged");
	ok(ipvs_timeouts_set(nl, &orig) == 0, "timeouts restored");
}

static void test_daemons(void)
{
	struct ipvs_daemon m = { .state = IP_VS_STATE_MASTER, .syncid = 7, .sync_maxlen = 1400,
				 .mcast_af = AF_INET, .mcast_port = 8850, .mcast_ttl = 2 };
	struct ipvs_daemon b = { .state = IP_VS_STATE_BACKUP, .syncid = 8 };
	struct ipvs_daemon got[2];
	size_t n = 9;
	int im, ib;

	snprintf(m.mcast_ifn, sizeof(m.mcast_ifn), "tsync0");
	snprintf(b.mcast_ifn, sizeof(b.mcast_ifn), "tsync0");
	inet_pton(AF_INET, "239.1.2.3", &m.mcast_group.v4);
	ok(ipvs_daemon_get(nl, got, &n) == 0 && n == 0, "no sync daemon at first");
	ok(ipvs_daemon_add(nl, &m) == 0, "start master sync daemon");
	ok(ipvs_daemon_add(nl, &b) == 0, "start backup sync daemon");
	ok(ipvs_daemon_get(nl, got, &n) == 0 && n == 2, "two sync daemons listed");
	im = n == 2 && got[1].state == IP_VS_STATE_MASTER;
	ib = !im;
	ok(n == 2 && got[im].state == IP_VS_STATE_MASTER && strcmp(got[im].mcast_ifn, "tsync0") == 0 &&
	   got[im].syncid == 7 && got[im].sync_maxlen == 1400 && got[im].mcast_af == AF_INET &&
	   got[im].mcast_group.v4.s_addr == m.mcast_group.v4.s_addr && got[im].mcast_port == 8850 &&
	   got[im].mcast_ttl == 2, "master daemon reads back (id %u maxlen %u port %u ttl %u)",
	   got[im].syncid, got[im].sync_maxlen, got[im].mcast_port, got[im].mcast_ttl);
	ok(n == 2 && got[ib].state == IP_VS_STATE_BACKUP && got[ib].syncid == 8,
	   "backup daemon reads back");
	ok(ipvsadm_run("-L --daemon") && ipvsadm_has("master sync daemon (mcast=tsync0, syncid=7, maxlen=1400, group=239.1.2.3, port=8850, ttl=2)"),
	   "ipvsadm shows the master daemon");
	ok(ipvs_daemon_del(nl, &m) == 0 && ipvs_daemon_del(nl, &b) == 0 &&
	   ipvs_daemon_get(nl, got, &n) == 0 && n == 0, "stop both sync daemons");
}

static void test_mixed_family(void)
{
	struct ipvs_service s4 = svc_ip(IPPROTO_TCP, "10.5.0.1", 80, "rr");
	struct ipvs_service s6 = svc_ip(IPPROTO_TCP, "2001:db8:5::1", 80, "rr");
	struct ipvs_dest d4[1], d6[1];

	d4[0] = dest_ip("2001:db8:5::2", 80, IPVS_FWD_TUNNEL, 1);	/* v6 real server */
	d6[0] = dest_ip("10.5.0.2", 80, IPVS_FWD_TUNNEL, 1);		/* v4 real server */
	d6[0].tun_type = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
	ok(ipvs_service_add(nl, &s4) == 0 && ipvs_dest_add(nl, &s4, &d4[0]) == 0 &&
	   dests_equal(&s4, d4, 1), "IPv4 service, IPv6 tunnel destination");
	ok(ipvs_service_add(nl, &s6) == 0 && ipvs_dest_add(nl, &s6, &d6[0]) == 0 &&
	   dests_equal(&s6, d6, 1), "IPv6 service, IPv4 tunnel destination");
	ok(ipvsadm_run("-Ln") && ipvsadm_has("-> [2001:db8:5::2]:80 Tunnel 1"),
	   "ipvsadm shows the IPv6 destination of the IPv4 service");
}

static void test_flush_and_delete(void)
{
	struct ipvs_service *l = NULL;
	struct ipvs_service s = svc_ip(IPPROTO_TCP, "10.1.0.1", 1000, "rr");
	size_t n = 0, before;

	ipvs_service_dump(nl, &l, &n);
	free(l);
	before = n;
	bool del_ok = ipvs_service_del(nl, &s) == 0 && ipvs_service_dump(nl, &l, &n) == 0;
	ok(before > 20 && del_ok && n == before - 1, "service delete (%zu -> %zu)", before, n);
	free(l);
	ok(ipvs_flush(nl) == 0 && ipvs_service_dump(nl, &l, &n) == 0 && n == 0 && !l,
	   "flush empties the table");
	ok(ipvsadm_run("-Ln") && !strstr(ipvsadm_out, "TCP") && !strstr(ipvsadm_out, "FWM"),
	   "ipvsadm agrees the table is empty");
}

/* Last: with IPVS unloaded the client says what is missing. */
static void test_no_ipvs(void)
{
	struct ipvs_nl *n2 = NULL;
	char err[256] = "";
	int r;

	if (system("rmmod ip_vs_pe_sip ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc "
		   "ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs "
		   ">/dev/null 2>&1") != 0)
		diag("rmmod failed");
	r = ipvs_open(&n2, err, sizeof(err));
	ok(r == -EPROTONOSUPPORT && !n2 && strstr(err, "no IPVS") && strstr(err, "modprobe ip_vs"),
	   "without ip_vs: \"%s\"", err);
	ipvs_close(n2);
}

int main(void)
{
	char err[256] = "";
	uint32_t version = 0, size = 0;
	struct ipvs_service *l = NULL;
	size_t n = 99;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!ok(ipvs_open(&nl, err, sizeof(err)) == 0, "open the IPVS family %s", err)) {
		printf("1..%d\n", ntest);
		return 1;
	}
	int r = ipvs_info(nl, &version, &size);

	ok(r == 0 && version >= 0x010200 && size > 0,
	   "IPVS info: version %#x, connection table %u", version, size);
	ok(ipvs_flush(nl) == 0 && ipvs_service_dump(nl, &l, &n) == 0 && n == 0, "empty table at start");
	free(l);

	test_schedulers();
	test_protocols();
	test_flags();
	test_dests();
	test_errors();
	test_batch();
	test_stats();
	test_timeouts();
	test_daemons();
	test_mixed_family();
	test_flush_and_delete();
	ipvs_close(nl);
	nl = NULL;
	test_no_ipvs();
	free(ipvsadm_out);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	diag("%d cases, %d failed, %.2f s in the guest", ntest, nfail,
	     (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	printf("1..%d\n", ntest);
	return nfail ? 1 : 0;
}
