/*
 * The kernel's process connector, and the two small /proc readers the
 * process trackers (vrrp_track_proc.c) use.
 *
 * The connector (NETLINK_CONNECTOR, CN_IDX_PROC) sends exec, fork, exit
 * and name-change events to a subscribed socket; it answers only in the
 * initial network namespace, and a socket made in any other one is
 * refused (ECONNREFUSED) when it subscribes.  tandem often runs inside a
 * namespace (net_namespace, `ip netns exec`), so the socket is then made
 * in the namespace of PID 1, or else of the nearest ancestor process in
 * another namespace, with setns() there and back; it is only listened
 * on, and nothing is sent from that namespace but the subscription.
 */
#define _GNU_SOURCE	/* setns */
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "vrrp/vrrp_track.h"

ssize_t vrrp_proc_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

/* From /proc/PID/stat: the state letter and the parent; false if gone.
 * "PID (COMM) STATE PPID ...": COMM may hold spaces and ')'. */
bool vrrp_proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int pp = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((n = vrrp_proc_read(path, buf, sizeof(buf) - 1)) <= 0)
		return false;
	buf[n] = '\0';
	if (!(p = strrchr(buf, ')')) || sscanf(p + 1, " %c %d", state, &pp) != 2)
		return false;
	*ppid = (pid_t)pp;
	return true;
}

static pid_t parent_of(pid_t pid)
{
	char st;
	pid_t pp;

	return vrrp_proc_stat(pid, &st, &pp) ? pp : 0;
}

/* The connector socket, created in the network namespace NSFD (-1: the
 * current one). */
static int cn_socket(int nsfd, int self)
{
	int fd, e;

	if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
		return -errno;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_CONNECTOR);
	e = errno;
	if (nsfd >= 0 && setns(self, CLONE_NEWNET) < 0) {
		/* cannot happen with the rights the first setns needed */
		log_err("track_process: cannot return to our network "
			"namespace: %m");
		abort();
	}
	return fd < 0 ? -e : fd;
}

/* Subscribe FD; 0 or a negative errno (-ECONNREFUSED: no connector in
 * this network namespace). */
static int cn_listen(int fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = CN_IDX_PROC,
				  .nl_pid = 0 };
	struct {
		struct nlmsghdr h;
		struct cn_msg m;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) req;
	int rcv = 1 << 20;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = NLMSG_DONE;
	req.h.nlmsg_pid = 0;
	req.m.id.idx = CN_IDX_PROC;
	req.m.id.val = CN_VAL_PROC;
	req.m.len = sizeof(req.op);
	req.op = PROC_CN_MCAST_LISTEN;
	if (send(fd, &req, sizeof(req), 0) < 0)
		return -errno;
	return 0;
}

/* The kernel's process connector answers in the initial network
 * namespace only.  Inside another one (net_namespace, `ip netns exec`)
 * the socket is made in the namespace of PID 1, or else of the nearest
 * ancestor process in another namespace, and used from here: it only
 * listens. */
int vrrp_proc_cn_open(void)
{
	struct stat self_st, st;
	int self = -1, fd, r;
	pid_t pid;

	if ((fd = cn_socket(-1, -1)) < 0)
		return fd;
	if ((r = cn_listen(fd)) != -ECONNREFUSED)
		goto done;
	close(fd);
	if ((self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(self, &self_st) < 0) {
		r = -ECONNREFUSED;
		goto out;
	}
	/* PID 1, then our parent and its ancestors */
	pid = 1;
	fd = -1;
	for (int tries = 0; tries < 32 && pid > 0;
	     tries++, pid = tries == 1 ? getppid() : parent_of(pid)) {
		char path[64];
		int ns;

		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		ns = open(path, O_RDONLY | O_CLOEXEC);
		if (ns < 0)
			continue;
		if (fstat(ns, &st) < 0 || st.st_ino == self_st.st_ino) {
			close(ns);
			continue;
		}
		fd = cn_socket(ns, self);
		close(ns);
		if (fd < 0)
			continue;
		if ((r = cn_listen(fd)) == 0) {
			log_info("track_process: process events from the "
				 "network namespace of pid %d", (int)pid);
			break;
		}
		close(fd);
		fd = -1;
	}
	r = fd < 0 ? -ECONNREFUSED : 0;
out:
	if (self >= 0)
		close(self);
done:
	if (r < 0 && fd >= 0)
		close(fd);
	return r < 0 ? r : fd;
}
