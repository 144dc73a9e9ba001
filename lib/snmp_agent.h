/*
 * The net-snmp AgentX subagent of a child process, on its sd-event loop.
 *
 * One subagent per process (net-snmp keeps its sessions in globals).  It
 * connects to the master agent at the given transport (global_defs
 * snmp_socket, "unix:/var/agentx/master" by default); net-snmp's own
 * descriptors and its next timeout are handed to sd-event after every
 * call into the library, so nothing here runs a thread or blocks (but
 * for the AgentX open handshake, synchronous in net-snmp and bounded by
 * SNMP_AGENT_OPEN_USEC: a local master answers it in a millisecond).  A
 * master agent that is missing, or that goes away, is retried every
 * SNMP_AGENT_PING_SEC seconds (net-snmp's agentx ping/reconnect): it
 * never fails the child.
 *
 * A subsystem registers read-only subtrees, each answered from a
 * struct snmp_view that its FILL callback rebuilds when the one in hand
 * is older than SNMP_AGENT_CACHE_USEC, and sends notifications with
 * snmp_agent_notify().
 */
#ifndef TANDEM_SNMP_AGENT_H
#define TANDEM_SNMP_AGENT_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "lib/snmp_view.h"

/* TANDEM-MIB's root (doc/TANDEM-MIB.txt): IANA's documentation
 * enterprise number (RFC 5612), tandem having none of its own. */
#define SNMP_TANDEM_MIB		1, 3, 6, 1, 4, 1, 32473

#define SNMP_AGENT_PING_SEC	2
#define SNMP_AGENT_OPEN_USEC	(300 * 1000)
#define SNMP_AGENT_CACHE_USEC	(1000 * 1000ULL)

typedef void (*snmp_fill_fn)(struct snmp_view *w, void *arg);

/* Start the subagent NAME ("tandem-vrrp") towards SOCKET (NULL: the
 * default).  0, or a negative errno when net-snmp cannot be set up at
 * all (a missing master is no error).  net-snmp cannot be set up twice
 * in a process: once started, the subagent stays until the process
 * stops (a later call with another SOCKET says so and keeps the first). */
int snmp_agent_start(sd_event *e, const char *name, const char *socket);
bool snmp_agent_started(void);
/* The transport it was started with (for a reload to compare). */
const char *snmp_agent_socket(void);
/* Serve nothing (the session stays open). */
void snmp_agent_unregister_all(void);
/* At the end of the process: unregister everything, close the session,
 * release net-snmp. */
void snmp_agent_stop(void);

/* Serve the subtree ROOT from views FILL builds.  0 or -errno. */
int snmp_agent_register(const char *name, const snmp_subid *root,
			size_t rootlen, snmp_fill_fn fill, void *arg);
/* sysUpTime as the master agent has it (hundredths of a second), for
 * TimeStamp objects; 0 before the subagent runs. */
uint64_t snmp_agent_uptime(void);
/* Drop every cached view (the state behind them was replaced). */
void snmp_agent_invalidate(void);

/* A notification variable being built. */
struct snmp_notify;
struct snmp_notify *snmp_notify_new(const snmp_subid *trap, size_t len);
void snmp_notify_int(struct snmp_notify *n, const snmp_subid *name, size_t len,
		     int64_t v);
void snmp_notify_uint(struct snmp_notify *n, const snmp_subid *name,
		      size_t len, enum snmp_cell_type t, uint64_t v);
void snmp_notify_octets(struct snmp_notify *n, const snmp_subid *name,
			size_t len, const void *p, size_t plen);
void snmp_notify_ipaddr(struct snmp_notify *n, const snmp_subid *name,
			size_t len, const void *a);
/* Send (to the master agent, which forwards it to its trap sinks) and
 * free.  Dropped, with a debug line, while no master is connected. */
void snmp_notify_send(struct snmp_notify *n);

#endif
