/*
 * A live picture of the addresses configured in this network namespace,
 * kept by rtnetlink events on an sd-event loop (libnl's cache manager on
 * the address cache: it subscribes before it dumps, so no change falls
 * in between).
 *
 * It answers one question, "is this address configured on some
 * interface here?", and says when the answer may have changed.  That is
 * what keepalived's ha_suspend means: a virtual service whose address is
 * not on this director (its VRRP instance is not master here) stays out
 * of the IPVS table.  Asking the kernel about addresses, rather than
 * being told by the VRRP process, keeps it right whoever adds the
 * address: tandem's own vrrp child, another VRRP daemon beside a `-C`
 * tandem, or the administrator.
 *
 * Changes are reported once per batch of rtnetlink messages, so a master
 * adding a hundred VIPs costs the caller one recomputation, not a
 * hundred.
 */
#ifndef TANDEM_NL_ADDR_WATCH_H
#define TANDEM_NL_ADDR_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

struct nl_addr_watch;

/* Called from the loop after one or more addresses were added or removed
 * (also after a resync that followed a socket overrun). */
typedef void (*nl_addr_watch_cb)(void *userdata);

/* Watch every address of the current namespace on loop E.  Returns 0 or a
 * negative errno. */
int nl_addr_watch_new(sd_event *e, nl_addr_watch_cb cb, void *userdata,
		      struct nl_addr_watch **out);
/* Is ADDR (FAMILY AF_INET / AF_INET6, network byte order) the local
 * address of some interface? */
bool nl_addr_watch_has(const struct nl_addr_watch *w, int family,
		       const void *addr);
/* Stops watching and frees; NULL is fine. */
void nl_addr_watch_free(struct nl_addr_watch *w);

#endif
