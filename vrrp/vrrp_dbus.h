/*
 * keepalived's DBus interface for the VRRP process, on the system bus
 * through sd-bus (see vrrp_dbus.c for the objects, methods, properties
 * and signals).  The process owns one struct vrrp_dbus while enable_dbus
 * is set; what belongs to the rest of the daemon (the dumps, a reload of
 * the config) comes in as hooks, since vrrp/ sees only lib/.
 */
#ifndef TANDEM_VRRP_DBUS_H
#define TANDEM_VRRP_DBUS_H

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "vrrp/vrrp_fsm.h"

struct vrrp_inst;
struct vrrp_run;

struct vrrp_dbus_conf {
	const char *service;	/* the bus name owned: dbus_service_name */
	const char *no_if_name;	/* path element of an instance without an
				 * interface: dbus_no_interface_name */
	/* extra path elements after /org/keepalived/Vrrp1, as keepalived
	 * adds them: net_namespace, then instance; NULL: none */
	const char *net_namespace;
	const char *instance;
};

struct vrrp_dbus_hooks {
	void (*print_data)(void);	/* PrintData: the data dump */
	void (*print_stats)(void);	/* PrintStats(Clear): the stats dump */
	void (*reload)(void);		/* ReloadConfig: reload as on SIGHUP */
};

struct vrrp_dbus;

/* Connect to the system bus ($DBUS_SYSTEM_BUS_ADDRESS, else the standard
 * socket), serve RUN's instances and ask for the name.  A bus that is not
 * there is no error: it is logged once and tried again every few seconds
 * while the process runs without it.  0 or -ENOMEM. */
int vrrp_dbus_new(sd_event *e, struct vrrp_run *run,
		  const struct vrrp_dbus_conf *conf,
		  const struct vrrp_dbus_hooks *hooks, struct vrrp_dbus **out);
/* Whether CONF would change what D serves (then free it and make a new
 * one). */
bool vrrp_dbus_differs(const struct vrrp_dbus *d, const struct vrrp_dbus_conf *conf);
/* VI entered TO: VrrpStatusChange and PropertiesChanged(State) on its
 * object.  NULL D is fine. */
void vrrp_dbus_state(struct vrrp_dbus *d, const struct vrrp_inst *vi,
		     enum vrrp_state to);
/* A reload was applied: VrrpReloaded (the instances it added or
 * restarted tell their states as they change).  NULL D is fine. */
void vrrp_dbus_reloaded(struct vrrp_dbus *d);
/* VrrpStopped (sent within a bounded wait), then close.  NULL is fine. */
void vrrp_dbus_free(struct vrrp_dbus *d);

/* The object path of VI under CONF into BUF (256 bytes is plenty); its
 * length, or -ENAMETOOLONG.  For the unit test too. */
int vrrp_dbus_inst_path(const struct vrrp_dbus_conf *conf, const char *ifname,
			unsigned vrid, int family, char *buf, size_t len);

#endif
