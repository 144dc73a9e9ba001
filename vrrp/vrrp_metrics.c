/*
 * VRRP metrics (see vrrp_metrics.h).  Names start tandem_vrrp_; every
 * per-instance series has the label instance="NAME" (the vrrp_instance
 * name, unique in a config), so no two series collide.
 *
 * The state is exported as one gauge per possible state with the label
 * state="init|backup|master|fault", exactly one of them 1 (the usual
 * Prometheus shape for an enumeration: an alert says
 * tandem_vrrp_instance_state{state="master"} == 1 without knowing
 * codes).  The counters are the instance's vrrp_stats, which follow
 * RFC 6527's vrrpv3StatisticsTable (plus the VRRPv2 authentication
 * counters of RFC 2787), and reset when an instance is restarted by a
 * reload that changed it (Prometheus treats that as a counter reset).
 * Trackers are read from their JSON (vrrp_track_json), the one view of
 * them vrrp_track.c exports.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib/prom_text.h"
#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_metrics.h"
#include "vrrp/vrrp_run.h"
#include "vrrp/vrrp_track.h"

#define END (const char *)NULL

/* The per-instance counters kept in struct vrrp_stats, 32 or 64 bits
 * wide (SIZE) as their MIB objects are. */
#define AT(f)	offsetof(struct vrrp_stats, f), sizeof(((struct vrrp_stats *)0)->f)
static const struct counter {
	const char *name, *help;
	size_t off, size;
} counters[] = {
	{ "tandem_vrrp_adverts_received_total",
	  "Advertisements received (vrrpv3StatisticsRcvdAdvertisements).",
	  AT(rcvd_advertisements) },
	{ "tandem_vrrp_adv_interval_errors_total",
	  "Advertisements with another interval (AdvIntervalErrors).",
	  AT(adv_interval_errors) },
	{ "tandem_vrrp_ip_ttl_errors_total",
	  "Packets with a TTL or hop limit other than 255 (IpTtlErrors).",
	  AT(ip_ttl_errors) },
	{ "tandem_vrrp_pri_zero_received_total",
	  "Priority 0 advertisements received (RcvdPriZeroPackets).",
	  AT(rcvd_pri_zero) },
	{ "tandem_vrrp_pri_zero_sent_total",
	  "Priority 0 advertisements sent (SentPriZeroPackets).",
	  AT(sent_pri_zero) },
	{ "tandem_vrrp_invalid_type_received_total",
	  "Packets of an unknown type (RcvdInvalidTypePackets).",
	  AT(rcvd_invalid_type) },
	{ "tandem_vrrp_address_list_errors_total",
	  "Advertisements whose address list differs (AddressListErrors).",
	  AT(address_list_errors) },
	{ "tandem_vrrp_packet_length_errors_total",
	  "Packets of a wrong length (PacketLengthErrors).",
	  AT(packet_length_errors) },
	{ "tandem_vrrp_checksum_errors_total",
	  "Packets with a bad checksum for this instance.",
	  AT(checksum_errors) },
	{ "tandem_vrrp_version_errors_total",
	  "Packets of another VRRP version for this instance.",
	  AT(version_errors) },
	{ "tandem_vrrp_auth_failures_total",
	  "VRRPv2 packets that failed authentication (RFC 2787).",
	  AT(auth_failures) },
	{ "tandem_vrrp_invalid_auth_type_total",
	  "VRRPv2 packets with an unknown authentication type.",
	  AT(invalid_auth_type) },
	{ "tandem_vrrp_auth_type_mismatch_total",
	  "VRRPv2 packets with another authentication type.",
	  AT(auth_type_mismatch) },
	{ "tandem_vrrp_discards_total",
	  "Packets discarded otherwise (for the address owner, from an "
	  "unknown unicast peer).",
	  AT(discards) },
};
#undef AT

static uint64_t stat_at(const struct vrrp_inst *vi, const struct counter *c)
{
	const char *p = (const char *)&vi->stats + c->off;
	uint64_t v;
	uint32_t v32;

	if (c->size == sizeof(v32)) {
		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
	memcpy(&v, p, sizeof(v));
	return v;
}

static void lower(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

static void instances(struct prom *p, struct vrrp_run *run)
{
	static const enum vrrp_state states[] = {
		VRRP_STATE_INIT, VRRP_STATE_BACKUP, VRRP_STATE_MASTER,
		VRRP_STATE_FAULT,
	};
	struct vrrp_inst *first = vrrp_run_first(run);

	prom_family(p, "tandem_vrrp_instance_state", "gauge",
		    "1 for the state the VRRP instance is in, 0 for the others.");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next)
		for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
			char st[16];

			lower(st, vrrp_state_str(states[i]), sizeof(st));
			prom_u64(p, "tandem_vrrp_instance_state",
				 vi->fsm.state == states[i], "instance",
				 vi->ci->name, "state", st, END);
		}
	prom_family(p, "tandem_vrrp_instance_info", "gauge",
		    "Always 1: the instance's interface, VRID, version and "
		    "sync group (empty: none) in labels.");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next) {
		char vrid[8], ver[4];

		snprintf(vrid, sizeof(vrid), "%u", vi->ci->vrid);
		snprintf(ver, sizeof(ver), "%u", vi->ci->version);
		prom_u64(p, "tandem_vrrp_instance_info", 1, "instance",
			 vi->ci->name, "interface",
			 vi->ci->interface ? vi->ci->interface : "", "vrid", vrid,
			 "version", ver, "sync_group",
			 vrrp_conf_inst_sync_group(vi->ci) ?
			 vrrp_conf_inst_sync_group(vi->ci) : "", END);
	}
	prom_family(p, "tandem_vrrp_priority", "gauge",
		    "Effective priority (the base one moved by the trackers).");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next)
		prom_u64(p, "tandem_vrrp_priority", vi->fsm.cfg.priority,
			 "instance", vi->ci->name, END);
	prom_family(p, "tandem_vrrp_base_priority", "gauge",
		    "Priority as configured.");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next)
		prom_u64(p, "tandem_vrrp_base_priority", vi->ci->priority,
			 "instance", vi->ci->name, END);
	prom_family(p, "tandem_vrrp_master_priority", "gauge",
		    "Priority of the current master as last heard (ours when "
		    "master).");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next)
		prom_u64(p, "tandem_vrrp_master_priority",
			 vi->fsm.master_priority, "instance", vi->ci->name, END);
	prom_family(p, "tandem_vrrp_fault", "gauge",
		    "1 while the instance has a fault reason (link down, "
		    "interface missing, no unicast peer, a tracker, its sync "
		    "group).");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next)
		prom_u64(p, "tandem_vrrp_fault", vi->fault != 0, "instance",
			 vi->ci->name, END);
	prom_family(p, "tandem_vrrp_last_transition_timestamp_seconds", "gauge",
		    "When the instance last changed state (Unix time).");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next)
		prom_double(p, "tandem_vrrp_last_transition_timestamp_seconds",
			    (double)vi->last_transition / 1e6, "instance",
			    vi->ci->name, END);
	prom_family(p, "tandem_vrrp_adverts_sent_total", "counter",
		    "Advertisements sent.");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next)
		prom_u64(p, "tandem_vrrp_adverts_sent_total", vi->adverts_sent,
			 "instance", vi->ci->name, END);
	prom_family(p, "tandem_vrrp_become_master_total", "counter",
		    "Transitions to master (vrrpv3StatisticsMasterTransitions).");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next)
		prom_u64(p, "tandem_vrrp_become_master_total",
			 vi->stats.master_transitions, "instance", vi->ci->name,
			 END);
	prom_family(p, "tandem_vrrp_release_master_total", "counter",
		    "Transitions from master to another state.");
	for (struct vrrp_inst *vi = first; vi; vi = vi->next)
		prom_u64(p, "tandem_vrrp_release_master_total",
			 vi->release_master, "instance", vi->ci->name, END);
	for (size_t k = 0; k < sizeof(counters) / sizeof(counters[0]); k++) {
		prom_family(p, counters[k].name, "counter", counters[k].help);
		for (struct vrrp_inst *vi = first; vi; vi = vi->next)
			prom_u64(p, counters[k].name, stat_at(vi, &counters[k]),
				 "instance", vi->ci->name, END);
	}
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) && v ?
		json_object_get_string(v) : "";
}

static bool jbool(struct json_object *o, const char *k, bool *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v)
		return false;
	*out = json_object_get_boolean(v);
	return true;
}

/* A tracker listed twice for one instance (its own and its sync
 * group's, say) would make two equal series: the first one counts. */
static bool seen_before(struct json_object *a, size_t i)
{
	struct json_object *o = json_object_array_get_idx(a, i);

	for (size_t j = 0; j < i; j++) {
		struct json_object *q = json_object_array_get_idx(a, j);

		if (!strcmp(jstr(o, "type"), jstr(q, "type")) &&
		    !strcmp(jstr(o, "name"), jstr(q, "name")))
			return true;
	}
	return false;
}

/* kind 0: up, 1: priority delta, 2: file value. */
static void tracker_family(struct prom *p, struct vrrp_run *run, int kind)
{
	static const char *const names[] = {
		"tandem_vrrp_tracker_up", "tandem_vrrp_tracker_priority_delta",
		"tandem_vrrp_track_file_value",
	};
	static const char *const helps[] = {
		"1 when the tracked object is good (interface up, script "
		"succeeding, process running, file not asking for a fault).",
		"What the tracker adds to the instance's priority now (0 when "
		"it puts the instance in fault instead).",
		"The number last read from a track_file.",
	};

	prom_family(p, names[kind], "gauge", helps[kind]);
	for (struct vrrp_inst *vi = vrrp_run_first(run); vi; vi = vi->next) {
		struct json_object *a = vrrp_track_json(vi);
		size_t n = a ? json_object_array_length(a) : 0;

		for (size_t i = 0; i < n; i++) {
			struct json_object *o = json_object_array_get_idx(a, i), *v;
			const char *type = jstr(o, "type");
			bool up = false, fault = false;
			double val = 0;

			if (seen_before(a, i))
				continue;
			jbool(o, "fault", &fault);
			if (kind == 0) {
				if (!jbool(o, "up", &up))
					up = !fault;
				val = up;
			} else if (kind == 1) {
				if (json_object_object_get_ex(o, "delta", &v))
					val = json_object_get_int(v);
			} else {
				if (strcmp(type, "file") ||
				    !json_object_object_get_ex(o, "value", &v))
					continue;
				val = (double)json_object_get_int64(v);
			}
			prom_double(p, names[kind], val, "instance", vi->ci->name,
				    "type", type, "name", jstr(o, "name"), END);
		}
		json_object_put(a);
	}
}

static void router(struct prom *p, struct vrrp_run *run)
{
	const struct vrrp_router_stats *r = vrrp_run_router_stats(run);
	static const struct { const char *name, *help; } f[] = {
		{ "tandem_vrrp_router_checksum_errors_total",
		  "Packets with a bad checksum (vrrpv3RouterChecksumErrors)." },
		{ "tandem_vrrp_router_version_errors_total",
		  "Packets of an unknown version (vrrpv3RouterVersionErrors)." },
		{ "tandem_vrrp_router_vrid_errors_total",
		  "Packets for a VRID no instance has (vrrpv3RouterVrIdErrors)." },
		{ "tandem_vrrp_router_other_errors_total",
		  "Other packets no instance could be named for (length, type)." },
	};
	uint64_t v[4] = { 0 };

	if (r) {
		v[0] = r->checksum_errors;
		v[1] = r->version_errors;
		v[2] = r->vrid_errors;
		v[3] = r->other_errors;
	}
	for (size_t i = 0; i < 4; i++) {
		prom_family(p, f[i].name, "counter", f[i].help);
		prom_u64(p, f[i].name, v[i], END);
	}
}

char *vrrp_metrics_text(struct vrrp_run *run)
{
	struct prom p;

	if (prom_open(&p) < 0)
		return NULL;
	instances(&p, run);
	for (int k = 0; k < 3; k++)
		tracker_family(&p, run, k);
	router(&p, run);
	return prom_close(&p);
}

struct json_object *vrrp_metrics_command(struct vrrp_run *run,
					 struct json_object *req)
{
	(void)req;
	return prom_reply(vrrp_metrics_text(run));
}
