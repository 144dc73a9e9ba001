/*
 * The VRRP runtime (see vrrp_run.h).
 *
 * Sockets are reference-counted by the instances that use them, so the
 * last instance to leave an interface closes its socket and a reload that
 * keeps one instance on it keeps the socket too.  Receive errors that
 * cannot be put down to an instance (bad checksum, bad version, unknown
 * VRID, a message too short to name its VRID) go to the router-wide
 * counters; a bad length or type that names a known VRID is counted on
 * that instance, as RFC 6527 has those counters per instance.  A
 * socket's receive buffer is the sum of what its instances ask
 * (kernel_rx_buf_size or the vrrp_rx_bufs_policy share), set again
 * whenever one joins.
 *
 * An instance whose interface does not exist is kept without a socket;
 * the link watcher's "new" event for its name brings it one, and a
 * "del" takes it away again (the instance waits in FAULT meanwhile).
 *
 * A backup of 1,000 instances at 0.1 s hears 10,000 adverts a second;
 * woken for each, it spends its time waking up.  So each socket is read
 * at most once per RX_BATCH_US (sd-event's rate limit): the first packet
 * after a quiet spell is read at once, the ones that follow gather and
 * are read together, up to VRRP_RX_BATCH of them in one recvmmsg.  An
 * advert waits at most that long (a priority-0 one too); none is lost to
 * it, since a Master_Down_Timer that runs out drains its socket before it
 * acts.  The per-VRID table makes each
 * packet's dispatch one step.
 *
 * With vrrp_rx_ring on (off by default), a socket that joins its group also
 * leaves its plain multicast adverts to the family's receive ring (see
 * vrrp_ring.h): the ring is opened by the first such socket and closed
 * with the last, and a frame it hands over goes to the socket of the
 * interface it came in on, through the same dispatch() as the socket's
 * own packets.  A ring or filter that cannot be had leaves the socket
 * receiving everything, as with vrrp_rx_ring off.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/nl_link.h"
#include "vrrp/vrrp_admin.h"
#include "vrrp/vrrp_packet.h"
#include "vrrp/vrrp_garp.h"
#include "vrrp/vrrp_garp_rate.h"
#include "vrrp/vrrp_static_track.h"
#include "vrrp/vrrp_run.h"
#include "vrrp/vrrp_fw.h"
#include "vrrp/vrrp_ring.h"
#include "vrrp/vrrp_sock.h"
#include "vrrp/vrrp_sync.h"
#include "vrrp/vrrp_track.h"
#include "vrrp/vrrp_vmac.h"

#define RX_BATCH_US	1000

struct run_sock {
	struct run_sock *next;
	struct vrrp_run *run;
	struct vrrp_sock *sock;
	sd_event_source *io;
	int ifindex;
	sa_family_t family;
	uint8_t proto;
	unsigned refs;
	bool ring;		/* its multicast adverts come by the ring */
	/* The instance of each VRID on this socket: a packet finds its
	 * instance in one step, not by a walk of every instance. */
	struct vrrp_inst *by_vrid[256];
};

/* The receive ring of a family and the sockets that use it. */
struct run_ring {
	struct vrrp_run *run;
	struct vrrp_ring *ring;
	sd_event_source *io;
	sa_family_t family;
	unsigned users;
};

/* The globals instances run under, one copy per distinct value, counted:
 * every instance points at one (all of them at the same, but across a
 * reload that changes the globals the stopping ones keep theirs). */
struct run_globals {
	struct run_globals *next;
	unsigned users;
	struct vrrp_inst_globals g;
};

struct vrrp_run {
	sd_event *e;
	struct vrrp_timerq *tq;		/* every instance's timer */
	struct nl_sock *nl;
	struct vrrp_garp *garp;
	struct vrrp_garp_rate *garp_rate;	/* garp_group pacing */
	struct vrrp_strack *strack;	/* static addresses of track groups;
					 * made when the config has one */
	struct vrrp_promote *promote;
	struct vrrp_fw *fw;		/* made by the first no_accept instance */
	struct nl_link_watch *lw;
	struct run_sock *socks;
	struct run_ring rings[2];	/* IPv4, IPv6 */
	struct vrrp_inst *insts;
	struct vrrp_router_stats rstats;
	struct vrrp_tfiles *tfiles;	/* track_file watcher */
	struct vrrp_tprocs *tprocs;	/* track_process watcher */
	struct vrrp_tscripts *tscripts;	/* vrrp_script runner */
	struct vrrp_sync *syncs;	/* sync groups of running instances */
	struct vrrp_admin *admin;	/* names held demoted */
	struct run_globals *globals;
	vrrp_state_cb on_state;
	void *state_arg;
	vrrp_event_cb on_event;
	uint64_t t0;			/* CLOCK_MONOTONIC at vrrp_run_new() */
	struct vrrp_inst_env env;	/* lent to every instance */
};

static struct vrrp_inst *find_inst(struct run_sock *rs, uint8_t vrid,
				   sa_family_t family)
{
	for (struct vrrp_inst *vi = rs->run->insts; vi; vi = vi->next)
		if (vi->sock_ref == rs && vi->ci->vrid == vrid && vi->family == family)
			return vi;
	return NULL;
}

static void dispatch(struct run_sock *rs, struct vrrp_rx *rx)
{
	struct vrrp_run *run = rs->run;
	struct vrrp_advert a;
	struct vrrp_inst *vi;
	enum vrrp_rx_reason r = rx->reason;

	if (r == VRRP_RX_OK) {
		r = vrrp_packet_decode(rx->msg, rx->len, &rx->ip, &a);
		/* A bad length or type still names its VRID (byte 1), and
		 * RFC 6527 counts both per instance. */
		if ((r == VRRP_RX_LENGTH || r == VRRP_RX_TOO_SHORT ||
		     r == VRRP_RX_TYPE) && rx->len >= 2 &&
		    (vi = find_inst(rs, rx->msg[1], rx->ip.src.family)) &&
		    vrrp_ip_cmp(&rx->ip.src, &vi->fsm.cfg.primary)) {
			vrrp_stats_count_rx(&vi->stats, NULL, r, NULL);
			return;
		}
	}
	if (r != VRRP_RX_OK) {
		vrrp_stats_count_rx(NULL, &run->rstats, r, NULL);
		return;
	}
	vi = rs->by_vrid[a.vrid];
	if (!vi || vi->family != a.family) {
		vrrp_stats_count_rx(NULL, &run->rstats, VRRP_RX_VRID, &a);
		return;
	}
	/* Our own advert, looped back by a peer-less bridge. */
	if (!vrrp_ip_cmp(&rx->ip.src, &vi->fsm.cfg.primary))
		return;
	vrrp_inst_rx(vi, &a, rx);
}

/* Keep by_vrid right when VI joins or leaves its socket. */
static void vrid_index(struct vrrp_run *run, struct vrrp_inst *vi, bool add)
{
	struct run_sock *rs = vi->sock_ref;
	uint8_t v = (uint8_t)vi->ci->vrid;

	if (!rs)
		return;		/* waiting for its interface: no socket */
	if (add) {
		if (!rs->by_vrid[v])
			rs->by_vrid[v] = vi;
		return;
	}
	if (rs->by_vrid[v] != vi)
		return;
	rs->by_vrid[v] = NULL;
	for (struct vrrp_inst *o = run->insts; o; o = o->next)
		if (o != vi && o->sock_ref == rs && o->ci->vrid == v) {
			rs->by_vrid[v] = o;
			break;
		}
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	struct run_sock *rs = data;

	(void)s; (void)fd; (void)revents;
	/* Bounded, so one busy socket cannot starve the timers.  A short
	 * batch means the socket is empty: no second call to hear so. */
	for (int i = 0; i < 256 / VRRP_RX_BATCH; i++) {
		struct vrrp_rx rx[VRRP_RX_BATCH];
		int r = vrrp_sock_recv_batch(rs->sock, rx, VRRP_RX_BATCH);

		if (r == -EAGAIN || r == -EINTR)
			break;
		if (r < 0) {
			log_debug("VRRP receive: %s", strerror(-r));
			break;
		}
		/* Each instance heard is a cache miss: ask for them all
		 * before the first is needed (byte 1 of a message is its
		 * VRID; a short or bad one is only a wasted prefetch). */
		for (int k = 0; k < r; k++)
			if (rx[k].reason == VRRP_RX_OK && rx[k].len >= 2)
				__builtin_prefetch(rs->by_vrid[rx[k].msg[1]]);
		for (int k = 0; k < r; k++)
			dispatch(rs, &rx[k]);
		if (r < VRRP_RX_BATCH)
			break;
	}
	return 0;
}

/* A frame from RR's ring: to the socket of its interface, as if that
 * socket had read it.  None there: no socket of ours would have. */
static void on_ring_frame(struct vrrp_rx *rx, int ifindex, void *data)
{
	struct run_ring *rr = data;
	struct run_sock *rs;

	for (rs = rr->run->socks; rs; rs = rs->next)
		if (rs->ring && rs->ifindex == ifindex && rs->family == rr->family)
			break;
	if (!rs)
		return;
	rx->ifindex = ifindex;
	rx->ip.mcast_group = *vrrp_sock_group(rs->sock);
	dispatch(rs, rx);
}

static int on_ring(sd_event_source *s, int fd, uint32_t revents, void *data)
{
	struct run_ring *rr = data;

	(void)s; (void)fd; (void)revents;
	/* Bounded like on_io: a full ring at most, then the timers. */
	if (rr->ring)
		vrrp_ring_read(rr->ring, VRRP_RING_BLOCKS, on_ring_frame, rr);
	return 0;
}

static void ring_close(struct run_ring *rr)
{
	rr->io = sd_event_source_disable_unref(rr->io);
	vrrp_ring_close(rr->ring);
	rr->ring = NULL;
	rr->users = 0;
}

/* RS leaves its plain multicast adverts to the ring of its family,
 * opened for it when it is the first. */
static void ring_use(struct vrrp_run *run, struct run_sock *rs)
{
	struct run_ring *rr = &run->rings[rs->family == AF_INET6];
	int r = 0;

	if (!rr->ring) {
		rr->run = run;
		rr->family = rs->family;
		r = vrrp_ring_open(rs->family, vrrp_sock_group(rs->sock), &rr->ring);
		if (r >= 0)
			r = sd_event_add_io(run->e, &rr->io, vrrp_ring_fd(rr->ring),
					    EPOLLIN, on_ring, rr);
		if (r < 0) {
			log_warn("VRRP: no receive ring for IPv%d (the sockets "
				 "receive every advert): %s",
				 rs->family == AF_INET ? 4 : 6, strerror(-r));
			ring_close(rr);
			return;
		}
	}
	r = vrrp_ring_raw_filter(vrrp_sock_fd(rs->sock), rs->family,
				 vrrp_ring_group(rr->ring));
	if (r < 0) {
		log_warn("VRRP: cannot filter the socket on interface %d for "
			 "the receive ring: %s", rs->ifindex, strerror(-r));
		if (!rr->users)
			ring_close(rr);
		return;
	}
	rs->ring = true;
	rr->users++;
}

static void ring_unuse(struct vrrp_run *run, struct run_sock *rs)
{
	struct run_ring *rr = &run->rings[rs->family == AF_INET6];

	if (!rs->ring)
		return;
	rs->ring = false;
	if (!--rr->users)
		ring_close(rr);
}

/* What VI asks of its socket's receive buffer: kernel_rx_buf_size, else
 * its vrrp_rx_bufs_policy share; 0: no opinion. */
static unsigned inst_rx_buf(const struct vrrp_inst *vi)
{
	const struct vrrp_inst_globals *g = vi->g;
	struct nl_link_info li;
	unsigned mult = g->rx_bufs_multiplier ? g->rx_bufs_multiplier : 3;

	if (vi->ci->kernel_rx_buf_size)
		return vi->ci->kernel_rx_buf_size;
	switch (g->rx_bufs_policy) {
	case VRRP_RXB_MTU:
		if (nl_link_get(vi->env->nl, vi->ifindex, NULL, &li) < 0)
			return 0;
		return li.mtu * mult;
	case VRRP_RXB_ADVERT:
		/* IP header (with AH room), VRRP header, addresses */
		return (unsigned)(VRRP_IP4_HDR_LEN + 24 + 40 + 8 +
				  vi->nvips * vrrp_ip_len(vi->family)) * mult;
	case VRRP_RXB_SIZE:
		return g->rx_bufs_size;
	default:
		return 0;
	}
}

/* SO_RCVBUF: what VI asks plus what the instances already on RS ask. */
static void sock_rcvbuf(struct vrrp_run *run, struct run_sock *rs,
			struct vrrp_inst *vi)
{
	unsigned long sum = inst_rx_buf(vi);
	int v;

	if (!sum)
		return;
	for (struct vrrp_inst *o = run->insts; o; o = o->next)
		if (o != vi && o->sock_ref == rs)
			sum += inst_rx_buf(o);
	v = sum > INT32_MAX / 2 ? INT32_MAX / 2 : (int)sum;
	if (setsockopt(vrrp_sock_fd(rs->sock), SOL_SOCKET, SO_RCVBUF, &v,
		       sizeof(v)) < 0)
		log_warn("VRRP_Instance(%s) cannot set the receive buffer to "
			 "%d bytes: %m", vi->ci->name, v);
}

/* The instances' drain hook: what on_io would read next, read now.  It
 * is called from an instance's timer only, never from inside dispatch():
 * every socket receives into the same buffers (vrrp_sock.h), so a drain
 * while another socket's batch was still being dispatched would
 * overwrite it. */
static void drain(void *sock_ref)
{
	struct run_sock *rs = sock_ref;

	on_io(NULL, -1, 0, rs);
	if (rs->ring)
		on_ring(NULL, -1, 0, &rs->run->rings[rs->family == AF_INET6]);
}

static struct run_sock *sock_get(struct vrrp_run *run, struct vrrp_inst *vi)
{
	struct run_sock *rs;
	struct vrrp_sock_opts o;
	int r;

	int ifindex = vrrp_vmac_sock_ifindex(vi);

	for (rs = run->socks; rs; rs = rs->next)
		if (rs->ifindex == ifindex && rs->family == vi->family &&
		    rs->proto == vi->proto) {
			rs->refs++;
			sock_rcvbuf(run, rs, vi);
			return rs;
		}
	if (!(rs = calloc(1, sizeof(*rs))))
		return NULL;
	memset(&o, 0, sizeof(o));
	o.family = vi->family;
	o.ifindex = ifindex;
	o.proto = vi->proto;
	o.join = vi->npeers == 0;
	o.group = vi->group;
	r = vrrp_sock_open(&o, &rs->sock);
	if (r >= 0)
		r = sd_event_add_io(run->e, &rs->io, vrrp_sock_fd(rs->sock),
				    EPOLLIN, on_io, rs);
	/* See the top of the file. */
	if (r >= 0)
		r = sd_event_source_set_ratelimit(rs->io, RX_BATCH_US, 1);
	if (r < 0) {
		log_err("VRRP_Instance(%s) cannot open its socket on %s: %s",
			vi->ci->name, vi->ci->interface, strerror(-r));
		vrrp_sock_close(rs->sock);
		free(rs);
		return NULL;
	}
	rs->run = run;
	rs->ifindex = ifindex;
	rs->family = vi->family;
	rs->proto = vi->proto;
	rs->refs = 1;
	rs->next = run->socks;
	run->socks = rs;
	sock_rcvbuf(run, rs, vi);
	/* AH comes on its own protocol, never by the ring. */
	if (o.join && vi->g->rx_ring && vi->proto != VRRP_PROTO_AH)
		ring_use(run, rs);
	return rs;
}

static void sock_put(struct vrrp_run *run, struct run_sock *rs)
{
	if (!rs || --rs->refs)
		return;
	for (struct run_sock **p = &run->socks; *p; p = &(*p)->next)
		if (*p == rs) {
			*p = rs->next;
			break;
		}
	ring_unuse(run, rs);
	sd_event_source_disable_unref(rs->io);
	vrrp_sock_close(rs->sock);
	free(rs);
}

/* The interface of VI (waiting for it) appeared as LINK. */
static void inst_found(struct vrrp_run *run, struct vrrp_inst *vi,
		       const struct nl_link_info *link)
{
	struct run_sock *rs;

	vrrp_inst_if_found(vi, link->ifindex);
	if (!(rs = sock_get(run, vi))) {
		/* no socket, no protocol: back to waiting */
		vrrp_inst_if_gone(vi);
		return;
	}
	vi->sock_ref = rs;
	vrid_index(run, vi, true);
	vrrp_inst_set_sock(vi, rs->sock);
}

static void inst_gone(struct vrrp_run *run, struct vrrp_inst *vi)
{
	struct run_sock *rs = vi->sock_ref;

	vrid_index(run, vi, false);
	vrrp_inst_if_gone(vi);
	vi->sock_ref = NULL;
	sock_put(run, rs);
}

static void on_link(enum nl_link_event ev, const struct nl_link_info *link,
		    void *data)
{
	struct vrrp_run *run = data;
	bool up = (ev == NL_LINK_UP || ev == NL_LINK_NEW) && link->up;

	for (struct vrrp_inst *vi = run->insts; vi; vi = vi->next) {
		vrrp_track_link(vi, ev, link);
		/* "up" too: a socket that could not be opened when the
		 * link appeared is tried again. */
		if ((ev == NL_LINK_NEW || ev == NL_LINK_UP) && !vi->ifindex &&
		    !strcmp(vi->ci->interface, link->name))
			inst_found(run, vi, link);
		if (vi->ifindex != link->ifindex)
			continue;
		if (ev == NL_LINK_DEL) {
			inst_gone(run, vi);
			continue;
		}
		/* dont_track_primary: the instance's own interface does not
		 * put it in FAULT. */
		if (!vi->ci->dont_track_primary)
			vrrp_inst_link(vi, up);
	}
	/* a tracked static line may be restorable (a new or upped link),
	 * or gone (a link down takes its IPv4 routes silently) */
	vrrp_strack_check(run->strack);
}

static void on_tfile(struct vrrp_tfile *tf, void *data)
{
	struct vrrp_run *run = data;

	for (struct vrrp_inst *vi = run->insts; vi; vi = vi->next)
		vrrp_track_file_changed(vi, tf);
}

static void on_tproc(struct vrrp_tproc *tp, void *data)
{
	struct vrrp_run *run = data;

	for (struct vrrp_inst *vi = run->insts; vi; vi = vi->next)
		vrrp_track_proc_changed(vi, tp);
}

static void on_tscript(struct vrrp_tscript *ts, void *data)
{
	struct vrrp_run *run = data;

	for (struct vrrp_inst *vi = run->insts; vi; vi = vi->next)
		vrrp_track_script_changed(vi, ts);
}

int vrrp_run_script_opts(struct vrrp_run *run, const char *user,
			 const char *group, bool supplementary_groups,
			 bool secure)
{
	return vrrp_tscripts_set_opts(run->tscripts, user, group,
				      supplementary_groups, secure);
}

int vrrp_run_new(sd_event *e, struct vrrp_run **out)
{
	struct vrrp_run *run = calloc(1, sizeof(*run));
	int r;

	if (!run)
		return -ENOMEM;
	run->e = sd_event_ref(e);
	sd_event_now(e, CLOCK_MONOTONIC, &run->t0);
	if ((r = vrrp_timerq_new(e, &run->tq)) < 0)
		goto fail;
	if (!(run->nl = nl_rtnl_open())) {
		r = errno ? -errno : -EIO;
		goto fail;
	}
	if ((r = vrrp_garp_open(&run->garp)) < 0) {
		log_warn("VRRP: no gratuitous ARP / NA: %s", strerror(-r));
		run->garp = NULL;
	} else if ((r = vrrp_garp_rate_new(e, run->garp, &run->garp_rate)) < 0) {
		goto fail;
	}
	if (!(run->promote = vrrp_promote_new()) ||
	    !(run->admin = vrrp_admin_new())) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = nl_link_watch_new(e, on_link, run, &run->lw)) < 0)
		goto fail;
	if ((r = vrrp_tfiles_new(e, on_tfile, run, &run->tfiles)) < 0 ||
	    (r = vrrp_tprocs_new(e, on_tproc, run, &run->tprocs)) < 0 ||
	    (r = vrrp_tscripts_new(e, on_tscript, run, &run->tscripts)) < 0)
		goto fail;
	*out = run;
	return 0;
fail:
	log_err("VRRP: cannot start: %s", strerror(-r));
	vrrp_run_free(run, true);
	return r;
}

void vrrp_run_on_state(struct vrrp_run *run, vrrp_state_cb cb, void *arg)
{
	run->on_state = cb;
	run->state_arg = arg;
}

int vrrp_run_static_track(struct vrrp_run *run, const struct vrrp_conf *vc)
{
	bool any = false;
	int r;

	for (size_t i = 0; vc && i < vc->nsvips && !any; i++)
		any = vc->svips[i].tg != NULL;
	for (size_t i = 0; vc && i < vc->nsroutes && !any; i++)
		any = vc->sroutes[i].tg != NULL;
	for (size_t i = 0; vc && i < vc->nsrules && !any; i++)
		any = vc->srules[i].tg != NULL;
	if (any && !run->strack &&
	    (r = vrrp_strack_new(run->e, run, &run->strack)) < 0) {
		log_err("VRRP: cannot watch the static addresses of the track "
			"groups: %s", strerror(-r));
		return r;
	}
	vrrp_strack_set(run->strack, any ? vc : NULL);
	return 0;
}

int vrrp_run_garp_pace(struct vrrp_run *run, const struct vrrp_conf *vc,
		       uint64_t garp_us, uint64_t gna_us)
{
	return run->garp_rate ? vrrp_garp_rate_set(run->garp_rate, vc, garp_us,
						   gna_us) : 0;
}

void vrrp_run_on_event(struct vrrp_run *run, vrrp_event_cb cb)
{
	run->on_event = cb;
}

/* The shared copy of G (made zeroed, as make_globals does, so that equal
 * values compare equal byte for byte). */
static const struct vrrp_inst_globals *globals_get(struct vrrp_run *run,
						  const struct vrrp_inst_globals *g)
{
	struct run_globals *rg;

	for (rg = run->globals; rg; rg = rg->next)
		if (!memcmp(&rg->g, g, sizeof(*g)))
			break;
	if (!rg) {
		if (!(rg = calloc(1, sizeof(*rg))))
			return NULL;
		rg->g = *g;
		rg->next = run->globals;
		run->globals = rg;
	}
	rg->users++;
	return &rg->g;
}

static void globals_put(struct vrrp_run *run, const struct vrrp_inst_globals *g)
{
	for (struct run_globals **p = &run->globals, *rg; (rg = *p);
	     p = &rg->next)
		if (&rg->g == g) {
			if (!--rg->users) {
				*p = rg->next;
				free(rg);
			}
			return;
		}
}

int vrrp_run_add(struct vrrp_run *run, const struct vrrp_conf_instance *ci,
		 const struct vrrp_inst_globals *g_in, bool resume)
{
	const struct vrrp_inst_globals *g;
	struct vrrp_inst_env *env = &run->env;
	uint64_t iter = 0;
	struct vrrp_inst *vi;
	struct run_sock *rs = NULL;
	int r;

	/* no_accept: the firewall first, so the instance's VIPs never go
	 * unfiltered; without it the instance does not run.  Globals that
	 * name another firewall restart every instance (reload), so when
	 * this one asks for another, the old one has no user left. */
	if (vrrp_fw_wanted(ci) && !vrrp_fw_is(run->fw, &g_in->fw)) {
		vrrp_fw_free(run->fw, false);
		run->fw = run->env.fw = NULL;
		if ((r = vrrp_fw_new(&g_in->fw, run->e, &run->fw)) < 0) {
			log_err("VRRP_Instance(%s) has no_accept and no "
				"firewall: not started", ci->name);
			return r;
		}
	}
	/* Every instance shares this one; what differs from the last
	 * instance's is the firewall (made above) and the start time. */
	*env = (struct vrrp_inst_env){
		.e = run->e, .tq = run->tq, .nl = run->nl, .garp = run->garp,
		.garp_rate = run->garp_rate,
		.promote = run->promote, .drain = drain,
		.tfiles = run->tfiles, .tprocs = run->tprocs,
		.tscripts = run->tscripts,
		.on_state = run->on_state, .state_arg = run->state_arg,
		.on_event = run->on_event, .fw = run->fw,
	};
	/* Before the event loop first runs, this is the start-up batch. */
	if (sd_event_get_iteration(run->e, &iter) >= 0 && iter == 0)
		env->started = run->t0;
	if (!(g = globals_get(run, g_in)))
		return -ENOMEM;
	if ((r = vrrp_inst_new(env, ci, g, &vi)) < 0) {
		globals_put(run, g);
		return r;
	}
	/* Held demoted (by name, so across a restart by a reload): from
	 * its start on. */
	vi->fsm.demoted = vrrp_admin_held(run->admin, ci->name);
	/* No interface yet: no socket either, until it appears. */
	if (vi->ifindex && !(rs = sock_get(run, vi))) {
		vrrp_inst_free(vi);
		globals_put(run, g);
		return -EIO;
	}
	vi->sock_ref = rs;
	vi->next = run->insts;
	run->insts = vi;
	if (rs)
		vrid_index(run, vi, true);
	if ((r = vrrp_sync_join(&run->syncs, vi)) < 0)
		log_err("VRRP_Instance(%s) cannot join its sync group: %s",
			ci->name, strerror(-r));
	vrrp_inst_start(vi, rs ? rs->sock : NULL, resume);
	return 0;
}

void vrrp_run_settle(struct vrrp_run *run)
{
	for (struct vrrp_inst *vi = run ? run->insts : NULL; vi; vi = vi->next)
		if (vrrp_fw_wanted(vi->ci))
			return;
	if (run && run->fw) {
		log_info("no instance needs the no_accept firewall any more: "
			 "removed");
		vrrp_fw_free(run->fw, false);
		run->fw = run->env.fw = NULL;
	}
}

struct vrrp_inst *vrrp_run_find(struct vrrp_run *run, const char *name)
{
	for (struct vrrp_inst *vi = run ? run->insts : NULL; vi; vi = vi->next)
		if (!strcmp(vi->ci->name, name))
			return vi;
	return NULL;
}

struct vrrp_admin *vrrp_run_admin(struct vrrp_run *run)
{
	return run ? run->admin : NULL;
}

struct vrrp_inst *vrrp_run_first(struct vrrp_run *run)
{
	return run ? run->insts : NULL;
}

const struct vrrp_router_stats *vrrp_run_router_stats(const struct vrrp_run *run)
{
	return run ? &run->rstats : NULL;
}

void vrrp_run_remove(struct vrrp_run *run, struct vrrp_inst *vi, bool release)
{
	const struct vrrp_inst_globals *g;

	for (struct vrrp_inst **p = &run->insts; *p; p = &(*p)->next)
		if (*p == vi) {
			*p = vi->next;
			break;
		}
	vrid_index(run, vi, false);
	vrrp_inst_stop(vi, release);
	vrrp_sync_leave(&run->syncs, vi);
	sock_put(run, vi->sock_ref);
	g = vi->g;
	vrrp_inst_free(vi);
	globals_put(run, g);
}

void vrrp_run_free(struct vrrp_run *run, bool release)
{
	if (!run)
		return;
	vrrp_strack_free(run->strack);
	run->strack = NULL;
	while (run->insts)
		vrrp_run_remove(run, run->insts, release);
	vrrp_fw_free(run->fw, !release);
	nl_link_watch_free(run->lw);
	vrrp_tfiles_free(run->tfiles);
	vrrp_tprocs_free(run->tprocs);
	vrrp_tscripts_free(run->tscripts);
	vrrp_promote_free(run->promote);
	vrrp_admin_free(run->admin);
	vrrp_garp_rate_free(run->garp_rate);
	vrrp_garp_close(run->garp);
	if (run->nl)
		nl_rtnl_close(run->nl);
	vrrp_timerq_free(run->tq);
	sd_event_unref(run->e);
	free(run);
}

void vrrp_run_dump(struct vrrp_run *run, FILE *out)
{
	if (!run)
		return;
	fprintf(out, "------< VRRP Topology >------\n");
	for (struct vrrp_inst *vi = run->insts; vi; vi = vi->next)
		vrrp_inst_dump(vi, out);
	fprintf(out, " Router errors: checksum = %llu, version = %llu, "
		"VRID = %llu, other = %llu\n",
		(unsigned long long)run->rstats.checksum_errors,
		(unsigned long long)run->rstats.version_errors,
		(unsigned long long)run->rstats.vrid_errors,
		(unsigned long long)run->rstats.other_errors);
	for (int i = 0; i < 2; i++)
		fprintf(out, " Receive ring IPv%d: %s, %u sockets, %llu dropped\n",
			i ? 6 : 4, run->rings[i].ring ? "open" : "off",
			run->rings[i].users, (unsigned long long)
			(run->rings[i].ring ? vrrp_ring_drops(run->rings[i].ring) : 0));
}

struct json_object *vrrp_run_ring_json(struct vrrp_run *run)
{
	struct json_object *o = json_object_new_object();

	for (int i = 0; run && i < 2; i++) {
		struct json_object *f = json_object_new_object();

		json_object_object_add(f, "open",
				       json_object_new_boolean(run->rings[i].ring != NULL));
		json_object_object_add(f, "sockets",
				       json_object_new_int((int)run->rings[i].users));
		json_object_object_add(f, "drops", json_object_new_int64((int64_t)
				       (run->rings[i].ring ?
					vrrp_ring_drops(run->rings[i].ring) : 0)));
		json_object_object_add(o, i ? "ipv6" : "ipv4", f);
	}
	return o;
}

struct json_object *vrrp_run_json(struct vrrp_run *run)
{
	struct json_object *a = json_object_new_array();

	for (struct vrrp_inst *vi = run ? run->insts : NULL; vi; vi = vi->next)
		json_object_array_add(a, vrrp_inst_json(vi));
	return a;
}
