/*
 * keepalived's DBus interface (service org.keepalived.Vrrp1), served by
 * the VRRP process on the system bus with sd-bus on the process's own
 * sd-event loop, so that the clients written for keepalived work
 * unchanged:
 *
 *   /org/keepalived/Vrrp1/Vrrp, interface org.keepalived.Vrrp1.Vrrp:
 *     methods PrintData, PrintStats, PrintStatsClear, ReloadConfig;
 *     signals VrrpStarted, VrrpReloaded, VrrpStopped.
 *   /org/keepalived/Vrrp1/Instance/IFNAME/VRID/IPv4|IPv6, one per
 *   instance, interface org.keepalived.Vrrp1.Instance:
 *     method SendGarp; properties Name "(s)" and State "(us)" (number and
 *     Init/Backup/Master/Fault); signal VrrpStatusChange "u" (the new
 *     state) on each transition.
 *
 * As keepalived does, IFNAME has each character that is not a letter or
 * a digit made '_', an instance without an interface uses
 * dbus_no_interface_name there, and net_namespace and instance add
 * path elements after /org/keepalived/Vrrp1.
 *
 * The instance objects are not registered one by one: one fallback
 * vtable under .../Instance finds the running instance whose path is
 * asked for, and a node enumerator lists them for introspection.  So an
 * object exists exactly while its instance runs, across reloads that add,
 * remove or restart instances, with no bookkeeping to fall out of step.
 *
 * State also emits PropertiesChanged (keepalived declares the property
 * without saying it does not, which by the DBus specification means it
 * does).  Who may call the methods is the bus policy's business
 * (doc/org.keepalived.Vrrp1.conf: root only), as with keepalived; sd-bus's
 * own check is turned off, since it would ask the bus for the caller's
 * credentials synchronously, in the middle of the VRRP loop.
 *
 * The bus must never stand in VRRP's way: a bus that is absent is logged
 * once and tried again every RETRY_USEC; a bus that goes away is dropped
 * the same way; every call to the bus daemon is asynchronous, and the
 * VrrpStopped signal at the end waits a bounded time for the socket.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>

#include "lib/log.h"
#include "vrrp/vrrp_dbus.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_run.h"

#define ROOT		"/org/keepalived/Vrrp1"
#define IF_VRRP		"org.keepalived.Vrrp1.Vrrp"
#define IF_INST		"org.keepalived.Vrrp1.Instance"
#define PATH_LEN	512
#define RETRY_USEC	(5 * 1000000ULL)
#define STOP_WAIT_USEC	(200 * 1000ULL)

struct vrrp_dbus {
	sd_event *e;
	struct vrrp_run *run;
	struct vrrp_dbus_hooks hooks;
	struct vrrp_dbus_conf conf;	/* strings owned */
	char vrrp_path[PATH_LEN];
	char inst_root[PATH_LEN];
	sd_bus *bus;			/* NULL: no bus now */
	bool named;			/* the service name is ours */
	bool down_logged;		/* this outage was logged */
	sd_event_source *retry;		/* reconnect timer */
	sd_event_source *drop;		/* defer: close a lost bus */
};

/* ------------------------------------------------------------------ */
/* Paths                                                               */

static bool path_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9');
}

/* Append "/" and S to BUF at AT, characters an object path refuses made
 * '_' (an empty S becomes "_"); the new length or -ENAMETOOLONG. */
static int add_elem(char *buf, size_t len, int at, const char *s)
{
	size_t n = strlen(s);

	if (at < 0)
		return at;
	if ((size_t)at + n + 3 > len)
		return -ENAMETOOLONG;
	buf[at++] = '/';
	if (!n)
		buf[at++] = '_';
	for (; *s; s++)
		buf[at++] = path_char(*s) ? *s : '_';
	buf[at] = '\0';
	return at;
}

static int base_path(const struct vrrp_dbus_conf *c, char *buf, size_t len)
{
	int at = snprintf(buf, len, "%s", ROOT);

	if (c->net_namespace)
		at = add_elem(buf, len, at, c->net_namespace);
	if (c->instance)
		at = add_elem(buf, len, at, c->instance);
	return at;
}

int vrrp_dbus_inst_path(const struct vrrp_dbus_conf *conf, const char *ifname,
			unsigned vrid, int family, char *buf, size_t len)
{
	char v[16];
	int at = base_path(conf, buf, len);

	snprintf(v, sizeof(v), "%u", vrid);
	at = add_elem(buf, len, at, "Instance");
	at = add_elem(buf, len, at, ifname ? ifname
		      : conf->no_if_name ? conf->no_if_name : "none");
	at = add_elem(buf, len, at, v);
	return add_elem(buf, len, at, family == AF_INET6 ? "IPv6" : "IPv4");
}

static int inst_path(const struct vrrp_dbus *d, const struct vrrp_inst *vi,
		     char *buf, size_t len)
{
	return vrrp_dbus_inst_path(&d->conf, vi->ci->interface, vi->ci->vrid,
				   vi->ci->family, buf, len);
}

/* keepalived's names of the states, in its State property */
static const char *state_name(enum vrrp_state s)
{
	switch (s) {
	case VRRP_STATE_INIT: return "Init";
	case VRRP_STATE_BACKUP: return "Backup";
	case VRRP_STATE_MASTER: return "Master";
	case VRRP_STATE_FAULT: return "Fault";
	}
	return "Unknown";
}

/* ------------------------------------------------------------------ */
/* The Vrrp object                                                     */

static const char *sender(sd_bus_message *m)
{
	const char *s = sd_bus_message_get_sender(m);

	return s ? s : "?";
}

static int m_print_data(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	struct vrrp_dbus *d = ud;

	(void)err;
	log_info("DBus: PrintData from %s", sender(m));
	if (d->hooks.print_data)
		d->hooks.print_data();
	return sd_bus_reply_method_return(m, "");
}

static int print_stats(sd_bus_message *m, struct vrrp_dbus *d, bool clear)
{
	log_info("DBus: PrintStats%s from %s", clear ? "Clear" : "", sender(m));
	if (d->hooks.print_stats)
		d->hooks.print_stats();
	if (clear)
		for (struct vrrp_inst *vi = vrrp_run_first(d->run); vi; vi = vi->next)
			vrrp_inst_clear_stats(vi);
	return sd_bus_reply_method_return(m, "");
}

static int m_print_stats(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	(void)err;
	return print_stats(m, ud, false);
}

static int m_print_stats_clear(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	(void)err;
	return print_stats(m, ud, true);
}

static int m_reload(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	struct vrrp_dbus *d = ud;
	int r;

	(void)err;
	log_info("DBus: ReloadConfig from %s", sender(m));
	/* Reply first: the reload replaces this object's instances. */
	r = sd_bus_reply_method_return(m, "");
	if (d->hooks.reload)
		d->hooks.reload();
	return r;
}

static const sd_bus_vtable vrrp_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("PrintData", "", "", m_print_data,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("PrintStats", "", "", m_print_stats,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("PrintStatsClear", "", "", m_print_stats_clear,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("ReloadConfig", "", "", m_reload,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL("VrrpStarted", "", 0),
	SD_BUS_SIGNAL("VrrpReloaded", "", 0),
	SD_BUS_SIGNAL("VrrpStopped", "", 0),
	SD_BUS_VTABLE_END
};

/* ------------------------------------------------------------------ */
/* The Instance objects                                                */

static int m_send_garp(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	struct vrrp_inst *vi = ud;

	(void)err;
	/* keepalived answers success either way: only a master holds the
	 * addresses, so a backup has nothing to announce. */
	if (vrrp_garp_sched_now(vi))
		log_info("(%s) DBus: SendGarp from %s: addresses announced",
			 vi->ci->name, sender(m));
	else
		log_info("(%s) DBus: SendGarp from %s: not master, nothing "
			 "to announce", vi->ci->name, sender(m));
	return sd_bus_reply_method_return(m, "");
}

static int p_name(sd_bus *bus, const char *path, const char *iface,
		  const char *prop, sd_bus_message *reply, void *ud,
		  sd_bus_error *err)
{
	const struct vrrp_inst *vi = ud;

	(void)bus; (void)path; (void)iface; (void)prop; (void)err;
	return sd_bus_message_append(reply, "(s)", vi->ci->name);
}

static int p_state(sd_bus *bus, const char *path, const char *iface,
		   const char *prop, sd_bus_message *reply, void *ud,
		   sd_bus_error *err)
{
	const struct vrrp_inst *vi = ud;

	(void)bus; (void)path; (void)iface; (void)prop; (void)err;
	return sd_bus_message_append(reply, "(us)", (uint32_t)vi->fsm.state,
				     state_name(vi->fsm.state));
}

static const sd_bus_vtable inst_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("SendGarp", "", "", m_send_garp,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_NAMES("VrrpStatusChange", "u",
				 SD_BUS_PARAM(status), 0),
	/* A reload may put another instance at the same path: not const. */
	SD_BUS_PROPERTY("Name", "(s)", p_name, 0, 0),
	SD_BUS_PROPERTY("State", "(us)", p_state, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_VTABLE_END
};

static int find_inst(sd_bus *bus, const char *path, const char *iface,
		     void *ud, void **found, sd_bus_error *err)
{
	struct vrrp_dbus *d = ud;
	char p[PATH_LEN];

	(void)bus; (void)iface; (void)err;
	for (struct vrrp_inst *vi = vrrp_run_first(d->run); vi; vi = vi->next)
		if (inst_path(d, vi, p, sizeof(p)) > 0 && !strcmp(p, path)) {
			*found = vi;
			return 1;
		}
	return 0;
}

static int list_insts(sd_bus *bus, const char *prefix, void *ud,
		      char ***nodes, sd_bus_error *err)
{
	struct vrrp_dbus *d = ud;
	size_t n = 0, i = 0;
	char p[PATH_LEN], **v;

	(void)bus; (void)prefix; (void)err;
	for (struct vrrp_inst *vi = vrrp_run_first(d->run); vi; vi = vi->next)
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (struct vrrp_inst *vi = vrrp_run_first(d->run); vi; vi = vi->next)
		if (inst_path(d, vi, p, sizeof(p)) > 0 && !(v[i++] = strdup(p))) {
			for (size_t k = 0; k + 1 < i; k++)
				free(v[k]);
			free(v);
			return -ENOMEM;
		}
	*nodes = v;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Signals                                                             */

static void emit_vrrp(struct vrrp_dbus *d, const char *member)
{
	int r;

	if (!d->bus)
		return;
	r = sd_bus_emit_signal(d->bus, d->vrrp_path, IF_VRRP, member, "");
	if (r < 0)
		log_debug("DBus: %s not sent: %s", member, strerror(-r));
}

static void emit_state(struct vrrp_dbus *d, const struct vrrp_inst *vi,
		       enum vrrp_state to)
{
	char p[PATH_LEN];
	int r;

	if (!d->bus || inst_path(d, vi, p, sizeof(p)) < 0)
		return;
	r = sd_bus_emit_signal(d->bus, p, IF_INST, "VrrpStatusChange", "u",
			       (uint32_t)to);
	if (r < 0)
		log_debug("(%s) DBus: VrrpStatusChange not sent: %s",
			  vi->ci->name, strerror(-r));
	/* Fails while the instance is not in the runtime's list yet (its
	 * first transitions, as it is added): no one can have read the
	 * property before then either. */
	sd_bus_emit_properties_changed(d->bus, p, IF_INST, "State", NULL);
}

void vrrp_dbus_state(struct vrrp_dbus *d, const struct vrrp_inst *vi,
		     enum vrrp_state to)
{
	if (d)
		emit_state(d, vi, to);
}

void vrrp_dbus_reloaded(struct vrrp_dbus *d)
{
	if (d)
		emit_vrrp(d, "VrrpReloaded");
}

/* ------------------------------------------------------------------ */
/* The connection                                                      */

static int bus_connect(struct vrrp_dbus *d);
static void arm_retry(struct vrrp_dbus *d);

static int on_retry(sd_event_source *s, uint64_t usec, void *ud)
{
	struct vrrp_dbus *d = ud;

	(void)s; (void)usec;
	if (bus_connect(d) < 0)
		arm_retry(d);
	return 0;
}

static void arm_retry(struct vrrp_dbus *d)
{
	if (!d->retry) {
		if (sd_event_add_time_relative(d->e, &d->retry, CLOCK_MONOTONIC,
					       RETRY_USEC, 100 * 1000, on_retry,
					       d) < 0)
			d->retry = NULL;
		return;
	}
	sd_event_source_set_time_relative(d->retry, RETRY_USEC);
	sd_event_source_set_enabled(d->retry, SD_EVENT_ONESHOT);
}

static int on_drop(sd_event_source *s, void *ud)
{
	struct vrrp_dbus *d = ud;

	(void)s;
	d->drop = sd_event_source_disable_unref(d->drop);
	d->bus = sd_bus_close_unref(d->bus);
	d->named = false;
	arm_retry(d);
	return 0;
}

static int on_disconnected(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	struct vrrp_dbus *d = ud;

	(void)m; (void)err;
	if (!d->down_logged)
		log_warn("DBus: lost the system bus; VRRP carries on without "
			 "it, reconnecting every %llu s",
			 (unsigned long long)(RETRY_USEC / 1000000));
	d->down_logged = true;
	/* Not closed from inside its own dispatch: from the loop, next. */
	if (!d->drop && sd_event_add_defer(d->e, &d->drop, on_drop, d) < 0)
		d->drop = NULL;
	return 0;
}

static int on_name(sd_bus_message *m, void *ud, sd_bus_error *err)
{
	struct vrrp_dbus *d = ud;
	const sd_bus_error *e = sd_bus_message_get_error(m);
	uint32_t code = 0;

	(void)err;
	if (e) {
		log_err("DBus: cannot own %s: %s", d->conf.service,
			e->message ? e->message : e->name);
		return 0;
	}
	/* 1: primary owner, 4: already ours; 3: someone else has it */
	if (sd_bus_message_read(m, "u", &code) < 0 || (code != 1 && code != 4)) {
		log_err("DBus: %s is owned by another process", d->conf.service);
		return 0;
	}
	d->named = true;
	log_info("DBus: serving %s", d->conf.service);
	/* As keepalived: started, then where every instance stands. */
	emit_vrrp(d, "VrrpStarted");
	for (struct vrrp_inst *vi = vrrp_run_first(d->run); vi; vi = vi->next)
		emit_state(d, vi, vi->fsm.state);
	return 0;
}

static int bus_connect(struct vrrp_dbus *d)
{
	sd_bus *bus = NULL;
	int r;

	r = sd_bus_open_system_with_description(&bus, "tandem-vrrp");
	if (r >= 0)
		r = sd_bus_attach_event(bus, d->e, SD_EVENT_PRIORITY_NORMAL);
	/* sd-bus would flush (without a time limit) and close the bus as
	 * the loop ends, before VrrpStopped: vrrp_dbus_free() does both. */
	if (r >= 0)
		r = sd_bus_set_close_on_exit(bus, false);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, d->vrrp_path, IF_VRRP,
					     vrrp_vtable, d);
	if (r >= 0)
		r = sd_bus_add_fallback_vtable(bus, NULL, d->inst_root, IF_INST,
					       inst_vtable, find_inst, d);
	if (r >= 0)
		r = sd_bus_add_node_enumerator(bus, NULL, d->inst_root,
					       list_insts, d);
	if (r >= 0)
		r = sd_bus_match_signal(bus, NULL, "org.freedesktop.DBus.Local",
					"/org/freedesktop/DBus/Local",
					"org.freedesktop.DBus.Local",
					"Disconnected", on_disconnected, d);
	if (r >= 0)
		r = sd_bus_request_name_async(bus, NULL, d->conf.service, 0,
					      on_name, d);
	if (r < 0) {
		sd_bus_close_unref(bus);
		if (!d->down_logged)
			log_warn("DBus: no system bus (%s); VRRP runs without "
				 "it, trying again every %llu s", strerror(-r),
				 (unsigned long long)(RETRY_USEC / 1000000));
		d->down_logged = true;
		return r;
	}
	if (d->down_logged)
		log_info("DBus: connected to the system bus");
	d->down_logged = false;
	d->bus = bus;
	return 0;
}

static int dup_conf(struct vrrp_dbus_conf *to, const struct vrrp_dbus_conf *c)
{
	to->service = strdup(c->service ? c->service : "org.keepalived.Vrrp1");
	to->no_if_name = strdup(c->no_if_name ? c->no_if_name : "none");
	to->net_namespace = c->net_namespace ? strdup(c->net_namespace) : NULL;
	to->instance = c->instance ? strdup(c->instance) : NULL;
	if (!to->service || !to->no_if_name ||
	    (c->net_namespace && !to->net_namespace) ||
	    (c->instance && !to->instance))
		return -ENOMEM;
	return 0;
}

static void free_conf(struct vrrp_dbus_conf *c)
{
	free((char *)c->service);
	free((char *)c->no_if_name);
	free((char *)c->net_namespace);
	free((char *)c->instance);
}

int vrrp_dbus_new(sd_event *e, struct vrrp_run *run,
		  const struct vrrp_dbus_conf *conf,
		  const struct vrrp_dbus_hooks *hooks, struct vrrp_dbus **out)
{
	struct vrrp_dbus *d = calloc(1, sizeof(*d));
	int at;

	*out = NULL;
	if (!d)
		return -ENOMEM;
	d->e = e;
	d->run = run;
	d->hooks = *hooks;
	if (dup_conf(&d->conf, conf) < 0) {
		free_conf(&d->conf);
		free(d);
		return -ENOMEM;
	}
	at = base_path(&d->conf, d->vrrp_path, sizeof(d->vrrp_path));
	memcpy(d->inst_root, d->vrrp_path, sizeof(d->inst_root));
	add_elem(d->vrrp_path, sizeof(d->vrrp_path), at, "Vrrp");
	add_elem(d->inst_root, sizeof(d->inst_root), at, "Instance");
	if (bus_connect(d) < 0)
		arm_retry(d);
	*out = d;
	return 0;
}

static bool str_differs(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b));
}

bool vrrp_dbus_differs(const struct vrrp_dbus *d, const struct vrrp_dbus_conf *c)
{
	struct vrrp_dbus_conf n = {
		.service = c->service ? c->service : "org.keepalived.Vrrp1",
		.no_if_name = c->no_if_name ? c->no_if_name : "none",
		.net_namespace = c->net_namespace, .instance = c->instance,
	};

	return str_differs(d->conf.service, n.service) ||
	       str_differs(d->conf.no_if_name, n.no_if_name) ||
	       str_differs(d->conf.net_namespace, n.net_namespace) ||
	       str_differs(d->conf.instance, n.instance);
}

/* Write out what is queued, for at most STOP_WAIT_USEC: a bus daemon
 * that does not read must not hold up the process's exit. */
static void flush_bounded(sd_bus *bus)
{
	for (int i = 0; i < 20; i++) {
		int ev = sd_bus_get_events(bus);

		if (ev < 0 || !(ev & POLLOUT))
			return;
		if (sd_bus_process(bus, NULL) < 0)
			return;
		sd_bus_wait(bus, STOP_WAIT_USEC / 20);
	}
}

void vrrp_dbus_free(struct vrrp_dbus *d)
{
	if (!d)
		return;
	if (d->bus && d->named)
		emit_vrrp(d, "VrrpStopped");
	if (d->bus)
		flush_bounded(d->bus);
	sd_bus_close_unref(d->bus);
	sd_event_source_disable_unref(d->retry);
	sd_event_source_disable_unref(d->drop);
	free_conf(&d->conf);
	free(d);
}
