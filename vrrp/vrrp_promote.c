/*
 * promote_secondaries: the kernel's net.ipv4.conf.IF.promote_secondaries.
 *
 * Without it, deleting the primary IPv4 address of a subnet from an
 * interface deletes every secondary address of that subnet with it, so a
 * VIP in the subnet of the host's own address (or two VIPs of one
 * subnet) takes the others along when it leaves.  The sysctl is one value
 * per interface shared by every instance on it, so the holds are counted
 * per interface: the first hold notes the old value and sets 1, the last
 * release writes the old value back (keepalived restores it too).  A
 * deleted interface takes its sysctl with it: nothing to restore then.
 *
 * The runtime owns one struct vrrp_promote and lends it to its instances
 * (struct vrrp_inst_env), so the count lives with the process's runtime.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "vrrp/vrrp_inst.h"

struct promote_if {
	struct promote_if *next;
	int ifindex;
	char ifname[IF_NAMESIZE];
	unsigned refs;
	char old;		/* '0' or '1' as read */
};

struct vrrp_promote {
	struct promote_if *ifs;
};

static int sysctl_path(char *buf, size_t len, const char *ifname)
{
	int n = snprintf(buf, len, "/proc/sys/net/ipv4/conf/%s/promote_secondaries",
			 ifname);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int sysctl_rw(const char *ifname, char *old, char val)
{
	char path[128];
	int fd, r = sysctl_path(path, sizeof(path), ifname);

	if (r < 0)
		return r;
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) < 0)
		return -errno;
	if (old && read(fd, old, 1) != 1)
		r = -EIO;
	if (r == 0 && (lseek(fd, 0, SEEK_SET) < 0 || write(fd, &val, 1) != 1))
		r = -errno;
	close(fd);
	return r;
}

struct vrrp_promote *vrrp_promote_new(void)
{
	return calloc(1, sizeof(struct vrrp_promote));
}

int vrrp_promote_hold(struct vrrp_promote *p, int ifindex, const char *ifname)
{
	struct promote_if *pi;
	int r;

	if (!p || ifindex <= 0 || !ifname)
		return -EINVAL;
	for (pi = p->ifs; pi; pi = pi->next)
		if (pi->ifindex == ifindex) {
			pi->refs++;
			return 0;
		}
	if (!(pi = calloc(1, sizeof(*pi))))
		return -ENOMEM;
	snprintf(pi->ifname, sizeof(pi->ifname), "%s", ifname);
	r = sysctl_rw(ifname, &pi->old, '1');
	if (r < 0) {
		log_err("promote_secondaries: cannot set it on %s: %s", ifname,
			strerror(-r));
		free(pi);
		return r;
	}
	if (pi->old != '1')
		log_info("promote_secondaries set on %s", ifname);
	pi->ifindex = ifindex;
	pi->refs = 1;
	pi->next = p->ifs;
	p->ifs = pi;
	return 0;
}

static void drop(struct vrrp_promote *p, struct promote_if **link, bool gone)
{
	struct promote_if *pi = *link;
	int r;

	*link = pi->next;
	if (!gone && pi->old != '1' &&
	    (r = sysctl_rw(pi->ifname, NULL, pi->old)) < 0 && r != -ENOENT)
		log_warn("promote_secondaries: cannot restore %s: %s",
			 pi->ifname, strerror(-r));
	(void)p;
	free(pi);
}

void vrrp_promote_release(struct vrrp_promote *p, int ifindex, bool gone)
{
	if (!p)
		return;
	for (struct promote_if **l = &p->ifs; *l; l = &(*l)->next)
		if ((*l)->ifindex == ifindex) {
			if (!--(*l)->refs || gone)
				drop(p, l, gone);
			return;
		}
}

void vrrp_promote_free(struct vrrp_promote *p)
{
	if (!p)
		return;
	while (p->ifs)
		drop(p, &p->ifs, false);
	free(p);
}
