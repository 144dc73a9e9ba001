/*
 * A running VRRP instance in the dumps: the text of SIGUSR1's data dump
 * and the JSON object of the JSON dump and the control socket, with
 * keepalived's field names where it has them (so scripts written against
 * keepalived's JSON keep reading), and the statistics reset of DBus's
 * PrintStatsClear.  Apart from vrrp_inst.c because it only reads the
 * instance: what it shows changes without touching how it runs.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vrrp/vrrp_inst.h"
#include "vrrp/vrrp_track.h"
#include "vrrp/vrrp_vmac.h"

/* ------------------------------------------------------------------ */
/* Dumps: keepalived's field names where they exist                     */

void vrrp_inst_clear_stats(struct vrrp_inst *vi)
{
	/* The state machine keeps a pointer to these, not a copy. */
	memset(&vi->stats, 0, sizeof(vi->stats));
	vi->adverts_sent = 0;
	vi->release_master = 0;
}

void vrrp_inst_dump(const struct vrrp_inst *vi, FILE *out)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	const struct vrrp_stats *s = &vi->stats;
	char buf[INET6_ADDRSTRLEN];
	time_t t = (time_t)(vi->last_transition / 1000000);
	char tb[64] = "";

	strftime(tb, sizeof(tb), "%a %b %e %H:%M:%S %Y", localtime(&t));
	fprintf(out, " VRRP Instance = %s\n", ci->name);
	fprintf(out, "   VRRP Version = %u\n", ci->version);
	fprintf(out, "   State = %s\n", vrrp_state_str(vi->fsm.state));
	if (vi->fsm.demoted)
		fprintf(out, "   Admin = demoted\n");
	if (vi->fault)
		fprintf(out, "   Fault =%s%s%s%s%s%s\n",
			vi->fault & VRRP_FAULT_LINK ? " interface down" : "",
			vi->fault & VRRP_FAULT_NOIF ? " interface missing" : "",
			vi->fault & VRRP_FAULT_NOPEER ? " no unicast peer" : "",
			vi->fault & VRRP_FAULT_TRACK ? " tracker" : "",
			vi->fault & VRRP_FAULT_STATIC ? " static address" : "",
			vi->fault & VRRP_FAULT_SYNC ? " sync group" : "");
	fprintf(out, "   Last transition = %llu (%s)\n",
		(unsigned long long)t, tb);
	fprintf(out, "   Interface = %s\n", ci->interface);
	if (vi->vmac)
		fprintf(out, "   Use VMAC = %s (%02x:%02x:%02x:%02x:%02x:%02x)%s\n",
			vi->vmac->name, vi->vmac->mac[0], vi->vmac->mac[1],
			vi->vmac->mac[2], vi->vmac->mac[3], vi->vmac->mac[4],
			vi->vmac->mac[5], ci->vmac_xmit_base ? ", xmit base" : "");
	if (ci->nvroutes || ci->nvrules)
		fprintf(out, "   Virtual routes = %u, virtual rules = %u\n",
			ci->nvroutes, ci->nvrules);
	fprintf(out, "   Accept = %s\n", ci->accept ? "enabled" : "disabled");
	fprintf(out, "   Using src_ip = %s\n", vrrp_ip_str(&vi->fsm.cfg.primary, buf, sizeof(buf)));
	fprintf(out, "   Virtual Router ID = %u\n", ci->vrid);
	fprintf(out, "   Priority = %u\n", ci->priority);
	fprintf(out, "   Effective priority = %u\n", vi->fsm.cfg.priority);
	fprintf(out, "   Advert interval = %llu milli-sec\n",
		(unsigned long long)(ci->advert_int_us / 1000));
	fprintf(out, "   Master router = %s\n",
		vrrp_ip_str(&vi->fsm.master_addr, buf, sizeof(buf)));
	fprintf(out, "   Master priority = %u\n", vi->fsm.master_priority);
	fprintf(out, "   Master advert interval = %llu milli-sec\n",
		(unsigned long long)(vi->fsm.master_adver_int_us / 1000));
	fprintf(out, "   Master down interval = %llu milli-sec\n",
		(unsigned long long)(vrrp_fsm_master_down_us(&vi->fsm) / 1000));
	fprintf(out, "   Preempt = %s\n", ci->nopreempt ? "disabled" : "enabled");
	if (vrrp_conf_inst_sync_group(ci))
		fprintf(out, "   Sync group = %s\n",
			vrrp_conf_inst_sync_group(ci));
	vrrp_track_dump(vi, out);
	fprintf(out, "   Virtual IP = %u\n", ci->nvips);
	for (size_t i = 0; i < ci->nvips; i++)
		fprintf(out, "     %s/%u dev %s\n",
			vrrp_ip_str(&ci->vips[i].addr, buf, sizeof(buf)),
			ci->vips[i].prefix,
			ci->vips[i].dev ? ci->vips[i].dev : ci->interface);
	fprintf(out, "   Advertisements: received = %llu, sent = %llu\n",
		(unsigned long long)s->rcvd_advertisements,
		(unsigned long long)vi->adverts_sent);
	fprintf(out, "   Became master = %u, released master = %u\n",
		s->master_transitions, vi->release_master);
	fprintf(out, "   Priority zero: received = %llu, sent = %llu\n",
		(unsigned long long)s->rcvd_pri_zero,
		(unsigned long long)s->sent_pri_zero);
	fprintf(out, "   Errors: checksum = %llu, version = %llu, ttl = %llu, "
		"length = %llu, interval = %llu, address list = %llu, "
		"auth = %llu, auth type mismatch = %llu\n",
		(unsigned long long)s->checksum_errors,
		(unsigned long long)s->version_errors,
		(unsigned long long)s->ip_ttl_errors,
		(unsigned long long)s->packet_length_errors,
		(unsigned long long)s->adv_interval_errors,
		(unsigned long long)s->address_list_errors,
		(unsigned long long)s->auth_failures,
		(unsigned long long)s->auth_type_mismatch);
}

static void jadd_u(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

struct json_object *vrrp_inst_json(const struct vrrp_inst *vi)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	const struct vrrp_stats *s = &vi->stats;
	struct json_object *o = json_object_new_object();
	struct json_object *d = json_object_new_object();
	struct json_object *st = json_object_new_object();
	struct json_object *vips = json_object_new_array();
	struct json_object *fault = json_object_new_array();
	char buf[INET6_ADDRSTRLEN];

	json_object_object_add(d, "iname", json_object_new_string(ci->name));
	json_object_object_add(d, "state",
			       json_object_new_string(vrrp_state_str(vi->fsm.state)));
	json_object_object_add(d, "admin", vi->fsm.demoted ?
			       json_object_new_string("demoted") : NULL);
	json_object_object_add(d, "ifp_ifname", json_object_new_string(ci->interface));
	if (vi->vmac) {
		const uint8_t *m = vi->vmac->mac;
		char mac[18];

		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		json_object_object_add(d, "vmac_ifname",
				       json_object_new_string(vi->vmac->name));
		json_object_object_add(d, "vmac_mac",
				       json_object_new_string(mac));
	}
	json_object_object_add(d, "accept", json_object_new_boolean(ci->accept));
	/* why FAULT: "link", "no_interface", "no_peer" (empty otherwise) */
	json_object_object_add(d, "fault", fault);
	if (vi->fault & VRRP_FAULT_LINK)
		json_object_array_add(fault, json_object_new_string("link"));
	if (vi->fault & VRRP_FAULT_NOIF)
		json_object_array_add(fault, json_object_new_string("no_interface"));
	if (vi->fault & VRRP_FAULT_NOPEER)
		json_object_array_add(fault, json_object_new_string("no_peer"));
	if (vi->fault & VRRP_FAULT_TRACK)
		json_object_array_add(fault, json_object_new_string("tracker"));
	if (vi->fault & VRRP_FAULT_STATIC)
		json_object_array_add(fault, json_object_new_string("static_address"));
	if (vi->fault & VRRP_FAULT_SYNC)
		json_object_array_add(fault, json_object_new_string("sync_group"));
	json_object_object_add(d, "sync_group", vrrp_conf_inst_sync_group(ci) ?
			       json_object_new_string(
				       vrrp_conf_inst_sync_group(ci)) : NULL);
	json_object_object_add(d, "trackers", vrrp_track_json(vi));
	jadd_u(d, "vrid", ci->vrid);
	jadd_u(d, "version", ci->version);
	jadd_u(d, "base_priority", ci->priority);
	jadd_u(d, "effective_priority", vi->fsm.cfg.priority);
	jadd_u(d, "adver_int", ci->advert_int_us);
	jadd_u(d, "master_adver_int", vi->fsm.master_adver_int_us);
	jadd_u(d, "master_down_int", vrrp_fsm_master_down_us(&vi->fsm));
	json_object_object_add(d, "master_saddr", json_object_new_string(
		vrrp_ip_str(&vi->fsm.master_addr, buf, sizeof(buf))));
	jadd_u(d, "master_priority", vi->fsm.master_priority);
	json_object_object_add(d, "saddr", json_object_new_string(
		vrrp_ip_str(&vi->fsm.cfg.primary, buf, sizeof(buf))));
	jadd_u(d, "last_transition", vi->last_transition);
	json_object_object_add(d, "nopreempt", json_object_new_boolean(ci->nopreempt));
	jadd_u(d, "preempt_delay", ci->preempt_delay_us);
	for (size_t i = 0; i < ci->nvips; i++) {
		char a[INET6_ADDRSTRLEN + 8];

		snprintf(a, sizeof(a), "%s/%u",
			 vrrp_ip_str(&ci->vips[i].addr, buf, sizeof(buf)), ci->vips[i].prefix);
		json_object_array_add(vips, json_object_new_string(a));
	}
	json_object_object_add(d, "vips", vips);

	jadd_u(st, "advert_rcvd", s->rcvd_advertisements);
	jadd_u(st, "advert_sent", vi->adverts_sent);
	jadd_u(st, "become_master", s->master_transitions);
	jadd_u(st, "release_master", vi->release_master);
	jadd_u(st, "packet_len_err", s->packet_length_errors);
	jadd_u(st, "advert_interval_err", s->adv_interval_errors);
	jadd_u(st, "ip_ttl_err", s->ip_ttl_errors);
	jadd_u(st, "invalid_type_rcvd", s->rcvd_invalid_type);
	jadd_u(st, "addr_list_err", s->address_list_errors);
	jadd_u(st, "invalid_authtype", s->invalid_auth_type);
	jadd_u(st, "authtype_mismatch", s->auth_type_mismatch);
	jadd_u(st, "auth_failure", s->auth_failures);
	jadd_u(st, "pri_zero_rcvd", s->rcvd_pri_zero);
	jadd_u(st, "pri_zero_sent", s->sent_pri_zero);
	jadd_u(st, "checksum_err", s->checksum_errors);
	jadd_u(st, "version_err", s->version_errors);
	jadd_u(st, "discards", s->discards);

	json_object_object_add(o, "data", d);
	json_object_object_add(o, "stats", st);
	return o;
}
