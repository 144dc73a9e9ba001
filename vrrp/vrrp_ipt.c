/*
 * The no_accept firewall through ipsets and iptables rules, one backend
 * of vrrp_fw.h (global_defs vrrp_iptables [IN [OUT]] and vrrp_ipsets).
 *
 * With ipsets (the default): three sets, SET4 hash:ip, SET6 hash:ip
 * family inet6, and SET_IF6 hash:net,iface family inet6 for link-local
 * IPv6 VIPs, which only mean something with their interface.  They are
 * made through libipset (vrrp_ipset.c), and a VIP enters or leaves them
 * at once, at the decision points of vrrp_fw.c.  Sets a run that died
 * left are adopted with what they hold, not emptied: its VIPs may still
 * be on the interfaces, and must stay filtered until their instance
 * starts and removes them (as a backup) or keeps them (as a master).  The rules that use them are made once,
 * appended to the chains:
 *     IN:  -m set --match-set SET4 dst -j DROP
 *          (and for SET6 dst and SET_IF6 dst,src: every packet but
 *          ICMPv6 neighbour solicitations and advertisements, which an
 *          IPv6 VIP still needs)
 *     OUT: the same with src (src,dst for SET_IF6), when OUT is given.
 * Only DROP rules, so packets that are not for a VIP go on through the
 * rest of the admin's chain untouched.
 *
 * With an output chain, two more sets, SET_IGMP (hash:net,iface) and
 * SET_MLD (hash:net,iface family inet6), hold the VMAC interfaces (as
 * 0/0,IFNAME) and two rules appended to OUT drop the IGMP / MLD reports
 * that would leave by them:
 *     OUT: -d 224.0.0.22 -m set --match-set SET_IGMP dst,dst -j DROP
 *          (ip6tables: -d ff02::16 and SET_MLD)
 * as keepalived does: every router's VMAC has the same MAC, and a report
 * from a backup's VMAC would teach the switches that the virtual MAC is
 * on the backup.  The base interface, which joined the same groups,
 * still sends its own reports.
 *
 * Without ipsets (vrrp_ipsets with no name), keepalived's other form:
 * the same rules per VIP (-d VIP, with -i IF for a link-local one),
 * inserted at the head of the chains as the VIP comes and deleted as it
 * goes.
 *
 * Why the iptables commands as child processes, not libiptc: libiptc
 * speaks only to the legacy x_tables interface, while Debian 12's
 * iptables is iptables-nft by default.  Rules made with libiptc would sit
 * in the legacy tables, where neither the chains the admin made with
 * `iptables` (the IN / OUT this keyword names) nor `iptables -S` are.
 * Running the system's iptables / ip6tables puts the rules in whichever
 * backend the admin uses, with the chains they made.  (keepalived
 * instead uses nftables when iptables is the nft flavour; tandem keeps
 * to what the config asked for.)
 *
 * The commands run through vrrp_fw_cmd.c.  Making the firewall waits
 * for them (a few milliseconds each): the chains are checked to exist,
 * and every rule is checked with -C before it is added, so rules a dead
 * run left are adopted, never doubled; and no instance starts (no VIP
 * is added) before the rules are in or when they cannot be made.  That
 * is at start-up, or at a reload that first asks for the firewall.
 * Afterwards only the per-VIP form runs commands, queued, without
 * blocking the loop (its VIP is then unfiltered for the milliseconds
 * the command takes).  Teardown (stop; a reload that drops or changes
 * the firewall) runs what is queued, deletes the rules and destroys the
 * sets, waiting for each command.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "vrrp/vrrp_csum.h"
#include "vrrp/vrrp_fw.h"
#include "vrrp/vrrp_fw_cmd.h"
#include "vrrp/vrrp_ipset.h"

enum { SET4, SET6, SET_IF6, SET_IGMP, SET_MLD };

struct vrrp_ipt {
	struct vrrp_fw fw;		/* first: the vtable's view */
	struct vrrp_cmdq *q;
	struct vrrp_ipset *ips;
	char prog4[PATH_MAX], prog6[PATH_MAX];
};

/* What to do with each rule: queue or run a command about it. */
enum rule_op { OP_ADD, OP_ADD_NOW, OP_DEL, OP_DEL_NOW };

static const struct vrrp_fw_ops ipt_ops;

/* iptables is in /usr/sbin, which a daemon's PATH may lack. */
static int find_prog(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s:/usr/sbin:/sbin", path ? path : "");
	for (char *save = NULL, *d = strtok_r(buf, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", *d ? d : ".", name);
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* PROG -w 5 OP CHAIN MATCH... */
static void command(struct vrrp_ipt *t, int family, enum rule_op op,
		    const char *chain, char *const *match, bool head)
{
	char *argv[40];
	size_t n = 0;
	const char *opt = op == OP_DEL || op == OP_DEL_NOW ? "-D" :
			  head ? "-I" : "-A";

	argv[n++] = family == AF_INET ? t->prog4 : t->prog6;
	argv[n++] = (char *)"-w";
	argv[n++] = (char *)"5";
	argv[n++] = (char *)"-C";
	argv[n++] = (char *)chain;
	while (*match && n < 38)
		argv[n++] = *match++;
	argv[n] = NULL;
	switch (op) {
	case OP_ADD:
		vrrp_cmdq_push(t->q, VRRP_CMD_QUIET, argv);
		argv[3] = (char *)opt;
		vrrp_cmdq_push(t->q, VRRP_CMD_IF_FAILED, argv);
		break;
	case OP_ADD_NOW:
		if (vrrp_cmd_run(argv, true) == 0)
			break;
		argv[3] = (char *)opt;
		vrrp_cmd_run(argv, false);
		break;
	case OP_DEL:
		argv[3] = (char *)opt;
		vrrp_cmdq_push(t->q, VRRP_CMD_QUIET, argv);
		break;
	case OP_DEL_NOW:
		/* every copy, should an older run have doubled one */
		argv[3] = (char *)opt;
		for (int i = 0; i < 4 && vrrp_cmd_run(argv, true) == 0; i++)
			;
		break;
	}
}

/* The rules for one family in one chain: packets whose address (DST:
 * destination, else source) matches WHAT are dropped.  WHAT is a set
 * match (SET with its direction flags SETDIR), or an address ADDR with
 * its interface IFNAME (may be NULL).  IPv6 spares neighbour discovery. */
static void rules(struct vrrp_ipt *t, int family, bool dst, const char *set,
		  const char *setdir, const char *addr, const char *ifname,
		  enum rule_op op)
{
	const char *chain = dst ? t->fw.conf.ipt_in : t->fw.conf.ipt_out;
	const char *m[32];
	size_t n = 0, base;

	if (!*chain)
		return;
	if (set) {
		m[n++] = "-m";
		m[n++] = "set";
		m[n++] = "--match-set";
		m[n++] = set;
		m[n++] = setdir;
	} else {
		m[n++] = dst ? "-d" : "-s";
		m[n++] = addr;
		if (ifname) {
			m[n++] = dst ? "-i" : "-o";
			m[n++] = ifname;
		}
	}
	base = n;
	if (family == AF_INET) {
		m[n++] = "-j";
		m[n++] = "DROP";
		m[n] = NULL;
		command(t, family, op, chain, (char *const *)m, !set);
		return;
	}
	m[n++] = "!";
	m[n++] = "-p";
	m[n++] = "ipv6-icmp";
	m[n++] = "-j";
	m[n++] = "DROP";
	m[n] = NULL;
	command(t, family, op, chain, (char *const *)m, !set);
	n = base;
	m[n++] = "-p";
	m[n++] = "ipv6-icmp";
	m[n++] = "-m";
	m[n++] = "icmp6";
	m[n++] = "!";
	m[n++] = "--icmpv6-type";
	m[n++] = "135";
	m[n++] = "-m";
	m[n++] = "icmp6";
	m[n++] = "!";
	m[n++] = "--icmpv6-type";
	m[n++] = "136";
	m[n++] = "-j";
	m[n++] = "DROP";
	m[n] = NULL;
	command(t, family, op, chain, (char *const *)m, !set);
}

/* The set rules, in the input chain and the output one. */
static void set_rules(struct vrrp_ipt *t, enum rule_op op)
{
	for (int dst = 1; dst >= 0; dst--) {
		rules(t, AF_INET, dst, t->fw.conf.sets[SET4], dst ? "dst" : "src",
		      NULL, NULL, op);
		rules(t, AF_INET6, dst, t->fw.conf.sets[SET6], dst ? "dst" : "src",
		      NULL, NULL, op);
		/* the interface: incoming on input, outgoing on output */
		rules(t, AF_INET6, dst, t->fw.conf.sets[SET_IF6],
		      dst ? "dst,src" : "src,dst", NULL, NULL, op);
	}
}

/* IGMP and MLD reports (to 224.0.0.22 and ff02::16, where IGMPv3 and
 * MLDv2 send them) leaving by an interface of SET_IGMP / SET_MLD:
 * dropped, by a rule appended to the output chain. */
static void report_rules(struct vrrp_ipt *t, enum rule_op op)
{
	const char *m[12] = { "-d", "224.0.0.22", "-m", "set", "--match-set",
			      t->fw.conf.sets[SET_IGMP], "dst,dst", "-j", "DROP",
			      NULL };

	command(t, AF_INET, op, t->fw.conf.ipt_out, (char *const *)m, false);
	m[1] = "ff02::16";
	m[5] = t->fw.conf.sets[SET_MLD];
	command(t, AF_INET6, op, t->fw.conf.ipt_out, (char *const *)m, false);
}

/* The sets made: the report ones only with an output chain to use them. */
static size_t nsets(const struct vrrp_ipt *t)
{
	return *t->fw.conf.ipt_out ? VRRP_FW_SETS : SET_IGMP;
}

/* Does CHAIN exist for FAMILY?  iptables -S CHAIN says. */
static bool chain_ok(struct vrrp_ipt *t, int family, const char *chain)
{
	char *argv[] = { family == AF_INET ? t->prog4 : t->prog6,
			 (char *)"-w", (char *)"5", (char *)"-S",
			 (char *)chain, NULL };

	if (!*chain || vrrp_cmd_run(argv, true) == 0)
		return true;
	log_err("vrrp_iptables: there is no %s chain %s: make it first (a "
		"startup_script can)", family == AF_INET ? "iptables" :
		"ip6tables", chain);
	return false;
}

static int make_sets(struct vrrp_ipt *t)
{
	static const char *const type[VRRP_FW_SETS] = {
		"hash:ip family inet", "hash:ip family inet6",
		"hash:net,iface family inet6", "hash:net,iface family inet",
		"hash:net,iface family inet6"
	};
	int r;

	if ((r = vrrp_ipset_open(&t->ips)) < 0)
		return r;
	for (size_t i = 0; i < nsets(t); i++)
		if ((r = vrrp_ipset_cmd(t->ips, false, "create %s %s -exist",
					t->fw.conf.sets[i], type[i])) < 0)
			return r;
	return 0;
}

static void ipt_free(struct vrrp_fw *fw, bool keep)
{
	struct vrrp_ipt *t = (struct vrrp_ipt *)fw;

	vrrp_cmdq_free(t->q);
	if (!keep && t->fw.conf.ipsets && t->ips) {
		set_rules(t, OP_DEL_NOW);
		if (*t->fw.conf.ipt_out)
			report_rules(t, OP_DEL_NOW);
		for (size_t i = 0; i < nsets(t); i++)
			vrrp_ipset_cmd(t->ips, false, "destroy %s",
				       t->fw.conf.sets[i]);
		log_info("vrrp_iptables: rules removed, ipsets destroyed");
	}
	vrrp_ipset_close(t->ips);
	free(t);
}

int vrrp_ipt_new(const struct vrrp_fw_conf *c, sd_event *e,
		 struct vrrp_fw **out)
{
	struct vrrp_ipt *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	t->fw.ops = &ipt_ops;
	t->fw.conf = *c;
	if ((r = vrrp_cmdq_new(e, &t->q)) < 0) {
		free(t);
		return r;
	}
	if (find_prog("iptables", t->prog4, sizeof(t->prog4)) < 0 ||
	    find_prog("ip6tables", t->prog6, sizeof(t->prog6)) < 0) {
		log_err("vrrp_iptables: no iptables / ip6tables command "
			"(Debian package iptables)");
		r = -ENOENT;
		goto fail;
	}
	if (!chain_ok(t, AF_INET, c->ipt_in) || !chain_ok(t, AF_INET, c->ipt_out) ||
	    !chain_ok(t, AF_INET6, c->ipt_in) ||
	    !chain_ok(t, AF_INET6, c->ipt_out)) {
		r = -ENOENT;
		goto fail;
	}
	if (c->ipsets) {
		if ((r = make_sets(t)) < 0)
			goto fail;
		set_rules(t, OP_ADD_NOW);
		if (*c->ipt_out)
			report_rules(t, OP_ADD_NOW);
	}
	log_info("vrrp_iptables: no_accept in chains %s%s%s%s", c->ipt_in,
		 *c->ipt_out ? " and " : "", c->ipt_out,
		 c->ipsets ? ", with ipsets" : ", a rule per VIP");
	*out = &t->fw;
	return 0;
fail:
	ipt_free(&t->fw, true);
	return r;
}

static int ipt_vip(struct vrrp_fw *fw, const struct vrrp_ip *ip,
		   const char *ifname, bool add)
{
	struct vrrp_ipt *t = (struct vrrp_ipt *)fw;
	char a[INET6_ADDRSTRLEN];
	bool ll = ip->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&ip->u.v6);

	if (!inet_ntop(ip->family, &ip->u, a, sizeof(a)))
		return -EINVAL;
	if (!t->fw.conf.ipsets) {
		for (int dst = 1; dst >= 0; dst--)
			rules(t, ip->family, dst, NULL, NULL, a,
			      ll ? ifname : NULL, add ? OP_ADD : OP_DEL);
		return 0;
	}
	if (ll && !ifname)
		return -ENODEV;
	if (ll)
		/* deleting what is not there (a start as backup) is no error */
		return vrrp_ipset_cmd(t->ips, !add, "%s %s %s,%s -exist",
				      add ? "add" : "del", t->fw.conf.sets[SET_IF6],
				      a, ifname);
	return vrrp_ipset_cmd(t->ips, !add, "%s %s %s -exist",
			      add ? "add" : "del",
			      t->fw.conf.sets[ip->family == AF_INET ? SET4 : SET6], a);
}

/* A VMAC's reports: its name in the IGMP and MLD sets, with any
 * address (0/0), which the rules' destination narrows. */
static int ipt_vmac(struct vrrp_fw *fw, const char *ifname, bool add)
{
	struct vrrp_ipt *t = (struct vrrp_ipt *)fw;
	const char *op = add ? "add" : "del";
	int r;

	if (!t->fw.conf.ipsets || !*t->fw.conf.ipt_out)
		return 0;
	r = vrrp_ipset_cmd(t->ips, !add, "%s %s 0.0.0.0/0,%s -exist", op,
			   t->fw.conf.sets[SET_IGMP], ifname);
	if (vrrp_ipset_cmd(t->ips, !add, "%s %s ::/0,%s -exist", op,
			   t->fw.conf.sets[SET_MLD], ifname) < 0)
		r = -EIO;
	return r;
}

static const struct vrrp_fw_ops ipt_ops = {
	.vip = ipt_vip,
	.vmac = ipt_vmac,
	.free = ipt_free,
};
