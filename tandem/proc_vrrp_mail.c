/*
 * See proc_vrrp_mail.h.  Subjects follow keepalived's ("[router_id]
 * VRRP Instance VI_1 - Entering MASTER state", "... VRRP Group G1 -
 * Entering BACKUP state").  A group's mail goes out once per state the
 * group as a whole reaches, so the remembered last state is kept by
 * group name: it survives a reload, which replaces the config objects.
 * INIT is never mailed (it is where every instance starts and stops).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/mail.h"
#include "tandem/proc_vrrp_mail.h"

#ifdef WITH_VRRP

struct group_state {
	char *name;
	enum vrrp_state last;
};

static struct {
	struct smtp_alert *mail;
	bool dflt;			/* smtp_alert_vrrp */
	bool no_faults;			/* no_email_faults */
	struct group_state *groups;
	size_t ngroups;
} pm;

void pv_mail_setup(sd_event *e, const struct global_defs *gd)
{
	mail_setup(e, gd, &pm.mail);
	pm.dflt = gd->smtp_alert_vrrp;
	pm.no_faults = gd->no_email_faults;
}

static struct group_state *group_state(const char *name)
{
	struct group_state *g;

	for (size_t i = 0; i < pm.ngroups; i++)
		if (!strcmp(pm.groups[i].name, name))
			return &pm.groups[i];
	g = realloc(pm.groups, (pm.ngroups + 1) * sizeof(*g));
	if (!g)
		return NULL;
	pm.groups = g;
	g += pm.ngroups;
	if (!(g->name = strdup(name)))
		return NULL;
	g->last = VRRP_STATE_INIT;
	pm.ngroups++;
	return g;
}

static void group_mail(struct vrrp_run *run, const struct vrrp_inst *vi,
		       const struct vrrp_conf_sync_group *sg,
		       enum vrrp_state to)
{
	struct group_state *gs;
	char subject[300], body[120];

	for (size_t i = 0; i < sg->nmembers; i++) {
		const struct vrrp_inst *m = vrrp_run_find(run, sg->members[i]);
		enum vrrp_state st = m == vi ? to : m ? m->fsm.state
						      : VRRP_STATE_INIT;

		if (st != to)
			return;
	}
	if (!(gs = group_state(sg->name)) || gs->last == to)
		return;
	gs->last = to;
	snprintf(subject, sizeof(subject), "VRRP Group %s - Entering %s state",
		 sg->name, vrrp_state_str(to));
	snprintf(body, sizeof(body),
		 "=> All VRRP group instances are now in %s state <=\n",
		 vrrp_state_str(to));
	smtp_alert_send(pm.mail, subject, body);
}

void pv_mail_state(struct vrrp_run *run, const struct vrrp_inst *vi,
		   enum vrrp_state to)
{
	const struct vrrp_conf_instance *ci = vi->ci;
	const struct vrrp_conf_sync_group *sg = ci->sg;
	char subject[300];

	if (!smtp_alert_enabled(pm.mail) || to == VRRP_STATE_INIT ||
	    (to == VRRP_STATE_FAULT && pm.no_faults))
		return;
	if (ci->smtp_alert_set ? ci->smtp_alert : pm.dflt) {
		snprintf(subject, sizeof(subject),
			 "VRRP Instance %s - Entering %s state", ci->name,
			 vrrp_state_str(to));
		smtp_alert_send(pm.mail, subject,
				to == VRRP_STATE_MASTER
				? "=> VRRP Instance is now owning VRRP VIPs <=\n"
				: "=> VRRP Instance is no longer owning VRRP VIPs <=\n");
	}
	if (sg && (sg->smtp_alert_set ? sg->smtp_alert : pm.dflt))
		group_mail(run, vi, sg, to);
}

void pv_mail_stop(void)
{
	smtp_alert_free(pm.mail);
	for (size_t i = 0; i < pm.ngroups; i++)
		free(pm.groups[i].name);
	free(pm.groups);
	memset(&pm, 0, sizeof(pm));
}

#endif
