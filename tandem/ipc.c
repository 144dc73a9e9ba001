/*
 * Message framing for the parent/child socketpairs.  A fixed header
 * (type, length) precedes the payload in the same packet; a descriptor
 * travels as ancillary data.  Receiving validates the length against what
 * actually arrived and closes any descriptor that came with a malformed
 * or truncated packet, so a confused peer cannot leak fds into the other.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tandem/ipc.h"

struct ipc_hdr {
	uint32_t type;
	uint32_t len;
};

int ipc_send(int sock, enum ipc_type type, const void *payload, size_t len,
	     int fd)
{
	struct ipc_hdr h = { .type = (uint32_t)type, .len = (uint32_t)len };
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	if (len > IPC_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	for (;;) {
		ssize_t n = sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int ipc_recv(int sock, struct ipc_msg *m)
{
	struct ipc_hdr h;
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = m->payload, .iov_len = sizeof(m->payload) },
	};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr mh = {
		.msg_iov = iov, .msg_iovlen = 2,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	m->fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return 0;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int *fds = (int *)CMSG_DATA(c);
			size_t k, nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (k = 0; k < nfd; k++) {
				if (m->fd < 0)
					m->fd = fds[k];
				else
					close(fds[k]);
			}
		}
	}
	if ((size_t)n < sizeof(h) || h.len != (size_t)n - sizeof(h) ||
	    (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (m->fd >= 0)
			close(m->fd);
		m->fd = -1;
		return -EBADMSG;
	}
	m->type = h.type;
	m->len = h.len;
	return 1;
}

int ipc_memfd(const char *name, const char *buf, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t off = 0;

	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t k = write(fd, buf + off, len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			int e = k < 0 ? errno : EIO;

			close(fd);
			return -e;
		}
		off += (size_t)k;
	}
	/* The reader may trust what it maps: nobody can change it now. */
	fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK |
	      F_SEAL_SEAL);
	return fd;
}

const char *ipc_type_name(uint32_t type)
{
	switch (type) {
	case IPC_HEARTBEAT: return "heartbeat";
	case IPC_RELOAD: return "reload";
	case IPC_RELOAD_DONE: return "reload-done";
	case IPC_STOP: return "stop";
	case IPC_DUMP: return "dump";
	case IPC_VRRP_STATE: return "vrrp-state";
	case IPC_CTL_REQUEST: return "ctl-request";
	case IPC_CTL_REPLY: return "ctl-reply";
	case IPC_EVENT: return "event";
	case IPC_RELOAD_REQUEST: return "reload-request";
	default: return "unknown";
	}
}
