/*
 * Parent <-> child messages over a SOCK_SEQPACKET socketpair: one message
 * per packet, a small header and a payload, and at most one file
 * descriptor passed along (SCM_RIGHTS).  Sequenced packets keep message
 * boundaries and tell each side at once when the other end is gone.
 */
#ifndef TANDEM_IPC_H
#define TANDEM_IPC_H

#include <stddef.h>
#include <stdint.h>

enum ipc_type {
	IPC_HEARTBEAT = 1,	/* child -> parent, every ~500 ms */
	IPC_RELOAD,		/* parent -> child: fd = memfd with the config
				   text, payload = the config file's name */
	IPC_RELOAD_DONE,	/* child -> parent: payload = int32 status */
	IPC_STOP,		/* parent -> child: clean up and exit 0 */
	IPC_DUMP,		/* parent -> child: payload = uint32 ipc_dump */
	IPC_VRRP_STATE,		/* vrrp child -> parent -> check child:
				   lines "STATE NAME" (vrrp_states.h) */
	IPC_CTL_REQUEST,	/* parent -> child: payload = uint32 request
				   id, then the JSON request text */
	IPC_CTL_REPLY,		/* child -> parent: payload = uint32 request
				   id; fd = memfd holding the JSON reply */
	IPC_EVENT,		/* child -> parent: payload = one JSON event
				   object (for `tandemctl monitor`) */
	IPC_RELOAD_REQUEST,	/* child -> parent: reload as on SIGHUP
				   (DBus ReloadConfig) */
};

enum ipc_dump { IPC_DUMP_DATA, IPC_DUMP_STATS, IPC_DUMP_JSON };

#define IPC_MAX_PAYLOAD 4096

struct ipc_msg {
	uint32_t type;
	uint32_t len;			/* bytes used in payload */
	int fd;				/* -1 when none came with it */
	char payload[IPC_MAX_PAYLOAD];
};

/* Returns 0, or -errno (-EAGAIN when the peer's queue is full). */
int ipc_send(int sock, enum ipc_type type, const void *payload, size_t len,
	     int fd);
/* Returns 1 with a message in m (caller closes m->fd when >= 0), 0 at end
 * of stream, or -errno (-EAGAIN when nothing is waiting). */
int ipc_recv(int sock, struct ipc_msg *m);
const char *ipc_type_name(uint32_t type);
/* A sealed memfd holding len bytes of buf (name: for /proc), or -errno:
 * for what is larger than one message (a config, a control reply). */
int ipc_memfd(const char *name, const char *buf, size_t len);

#endif
