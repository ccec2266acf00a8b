// SPDX-License-Identifier: MIT
/*
 * Deploying a lab (see lab.h): record every object, then make them, in phases that each go
 * to the kernel in as few sendmsg() calls as the batched netlink core allows; 1 runs in a
 * thread of its own (from 64 namespaces up) beside 2 and 3, which take each namespace as it
 * comes (struct nsq):
 *
 *   1. the named namespaces, one per node (hk_netns_add: an unshare and a bind mount each);
 *      where devices come up as they are made (a bridge's ports) or are made by others (a
 *      VM's bridges and taps, a container's), with IPv6 address generation off for every
 *      device made in it (the namespace's conf/default/addr_gen_mode): no link-local
 *      address, so no DAD, router or MLD solicitations flooding the lab's bridges; then
 *      the bridges, up;
 *   2. every veth pair, from one socket in the host's namespace, each end created straight
 *      in its node's namespace (IFLA_NET_NS_FD on both ends) with the ifindex the plan gave
 *      it, so no later step has to look a device up; the first end up from the start and,
 *      for a bridge port, already enslaved;
 *   3. per namespace, once its links are made, one batch: lo up, what creation could not
 *      do (an end not made up comes up, enslaved if it is a bridge port, its IPv6 address
 *      generation set first: off without an IPv6 address, back on with one where the
 *      namespace has it off), addresses, qdiscs, routes;
 *   4. sysctls, VMs (a vm node: per interface a bridge, its veth end enslaved, in the
 *      node's namespace; the VM run from a thread in that namespace, so its taps are made
 *      there; the taps then enslaved), containers, exec lines.
 *
 * Any failure undoes the whole lab through the same path as destroy (labdestroy.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "base/cleanup.h"
#include "base/vec.h"
#include "base/nsswitch.h"
#include "base/proc.h"
#include "base/testpoint.h"
#include "ifindex.h"
#include "ipam.h"
#include "lab.h"
#include "labct.h"
#include "labrun.h"
#include "link.h"
#include "netns.h"
#include "network.h"
#include "qemu.h"
#include "vm.h"

/* The namespaces, made by a thread of their own while the deploying one makes the bridges and
 * links of those already made (a pipeline): most of a namespace's creation (the
 * kernel's setup_net) runs outside the RTNL lock the links are bound to, so the two
 * share the CPUs. The thread switches only its own network namespace (nsswitch.h). */
struct nsq {
	pthread_t t;
	bool thread; /* t runs */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t *order; /* node indexes, in the order they are made */
	size_t *pos;   /* per node: its place in order */
	size_t n, made;
	bool stop;
	int r;
	struct hk_err err;
};

struct dep {
	struct hk_store *st;
	struct hk_lab *lab;
	const struct hk_lab_ops *ops;
	struct hk_lab_stats *stats;
	struct hk_err *err;
	int *fds; /* per node: its namespace, -1 none (host) */
	struct nsq nsq;
	/* per node: its links not made yet (a link to itself counts twice), its batch sent */
	size_t *left;
	bool *configured;
	size_t nconfigured;
	bool ipv6; /* the kernel has IPv6 (no ipv6.disable=1): address generation to set */
	/* the batch in flight: what each request does, for the error report */
	char (*what)[160];
	size_t nwhat, capwhat;
	bool failed;
};

static void progress(struct dep *d, const char *phase, size_t done, size_t total)
{
	if (d->ops && d->ops->progress)
		d->ops->progress(d->ops->data, phase, done, total);
}

static int queue(struct dep *d, struct hk_nl *nl, const struct hk_nlmsg *m, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int queue(struct dep *d, struct hk_nl *nl, const struct hk_nlmsg *m, const char *fmt, ...)
{
	if (m->overflow)
		return hk_err_set(d->err, -EMSGSIZE, "lab '%s': request too large", d->lab->name);
	if (hk_vec_grow(&d->what, d->nwhat, &d->capwhat, 256) < 0)
		return hk_err_sys(d->err, -ENOMEM, "lab");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->what[d->nwhat], sizeof(d->what[0]), fmt, ap);
	va_end(ap);
	return hk_nl_batch_add(nl, m, d->nwhat++, d->err);
}

static void done(uint64_t cookie, int error, const char *extack, void *data)
{
	struct dep *d = data;
	if (error >= 0 || d->failed)
		return;
	d->failed = true;
	hk_nl_err(d->err, error, extack, cookie < d->nwhat ? d->what[cookie] : "request");
}

static int flush(struct dep *d, struct hk_nl *nl)
{
	d->failed = false;
	int r = hk_nl_batch_flush(nl, done, d, d->err);
	uint64_t s, q;
	hk_nl_stats(nl, &s, &q);
	d->stats->sends += s;
	d->stats->requests += q;
	d->nwhat = 0;
	if (r < 0)
		return r;
	return d->failed ? (d->err->code < 0 ? d->err->code : -EIO) : 0;
}

/* Node nd's namespace has IPv6 address generation off for every device made in it: where
 * its devices come up as they are made (a bridge's ports) or are made by others (a VM's
 * bridges and taps, a container's). A netns node's devices are all the lab's and each gets
 * its mode by netlink before it comes up (config_up), in the batch that brings it up: the
 * sysctl's open costs more than the whole batch (the kernel's /proc/sys dentries of every
 * namespace share one hash chain: the lookup walks them all, O(N) per namespace). */
static bool ns_addrgen_off(const struct hk_lab_node *nd)
{
	return nd->kind != HK_LAB_HOST && nd->kind != HK_LAB_NETNS;
}

/* IN6_ADDR_GEN_MODE_NONE for every device made in the namespace from now on. A kernel
 * without IPv6 has no such file: nothing to turn off. */
static int no_addrgen(int fd, struct hk_err *err)
{
	int old, r = hk_thread_netns_enter(fd, &old, err);
	if (r < 0)
		return r;
	int f = open("/proc/sys/net/ipv6/conf/default/addr_gen_mode", O_WRONLY | O_CLOEXEC);
	int e = f < 0 && errno != ENOENT ? -errno : 0;
	hk_thread_netns_leave(old);
	if (f >= 0) {
		if (write(f, "1", 1) != 1)
			e = -errno;
		close(f);
	}
	return e < 0 ? hk_err_sys(err, e, "ipv6 addr_gen_mode") : 0;
}

static bool has_v6(const struct hk_lab_if *f)
{
	for (size_t i = 0; i < f->naddr; i++)
		if (f->addr[i].family == AF_INET6)
			return true;
	return false;
}

/* Node i's namespace: made, opened, address generation off where it has to be. */
static int make_ns(struct dep *d, size_t i, int *ret_fd, struct hk_err *err)
{
	struct hk_lab_node *nd = &d->lab->nodes[i];
	int r = hk_netns_add(nd->netns, err);
	if (r == 0)
		r = hk_netns_open(nd->netns, ret_fd, err);
	if (r == 0 && ns_addrgen_off(nd))
		r = no_addrgen(*ret_fd, err);
	return r < 0 ? hk_err_prefix(err, "lab '%s': node '%s'", d->lab->name, nd->name) : 0;
}

static void *ns_maker(void *arg)
{
	struct dep *d = arg;
	struct nsq *q = &d->nsq;
	for (size_t k = 0; k < q->n; k++) {
		pthread_mutex_lock(&q->mu);
		bool stop = q->stop;
		pthread_mutex_unlock(&q->mu);
		if (stop)
			break;
		int fd = -1;
		struct hk_err e = { 0 };
		int r = make_ns(d, q->order[k], &fd, &e);
		pthread_mutex_lock(&q->mu);
		if (r < 0) {
			q->r = r;
			q->err = e;
		} else {
			d->fds[q->order[k]] = fd;
			q->made = k + 1;
		}
		pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		if (r < 0)
			break;
		if (k == 0)
			hk_test_point("lab-netns");
	}
	return NULL;
}

/* Start making the namespaces, bridges' first (their ports are enslaved as the links are
 * made), then the others in the file's order: by a thread of its own for a lab of 64 or
 * more, here and now for a smaller one. */
static int ns_start(struct dep *d)
{
	struct hk_lab *lab = d->lab;
	struct nsq *q = &d->nsq;
	q->order = malloc((lab->nnodes + 1) * sizeof(*q->order));
	q->pos = malloc((lab->nnodes + 1) * sizeof(*q->pos));
	if (!q->order || !q->pos)
		return hk_err_sys(d->err, -ENOMEM, "lab");
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < lab->nnodes; i++)
			if (lab->nodes[i].netns[0] &&
			    (lab->nodes[i].kind == HK_LAB_BRIDGE) == (pass == 0)) {
				q->pos[i] = q->n;
				q->order[q->n++] = i;
			}
	if (q->n >= 64 && pthread_create(&q->t, NULL, ns_maker, d) == 0) {
		q->thread = true;
		return 0;
	}
	ns_maker(d);
	if (q->r < 0)
		*d->err = q->err;
	return q->r;
}

/* Node i's namespace is made (d->fds[i] set), or the error that stopped the making. */
static int ns_wait(struct dep *d, size_t i)
{
	struct nsq *q = &d->nsq;
	if (!d->lab->nodes[i].netns[0])
		return 0;
	pthread_mutex_lock(&q->mu);
	while (q->made <= q->pos[i] && q->r == 0)
		pthread_cond_wait(&q->cv, &q->mu);
	int r = q->made > q->pos[i] ? 0 : q->r;
	if (r < 0)
		*d->err = q->err;
	pthread_mutex_unlock(&q->mu);
	return r;
}

static bool ns_ready(struct dep *d, size_t i)
{
	struct nsq *q = &d->nsq;
	if (!d->lab->nodes[i].netns[0])
		return true;
	pthread_mutex_lock(&q->mu);
	bool ready = q->made > q->pos[i];
	pthread_mutex_unlock(&q->mu);
	return ready;
}

/* The making ends: all of it (ok), or as soon as the thread sees stop (a failure here). */
static int ns_finish(struct dep *d, bool ok)
{
	struct nsq *q = &d->nsq;
	if (q->thread) {
		pthread_mutex_lock(&q->mu);
		q->stop = !ok;
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->t, NULL);
		q->thread = false;
	}
	d->stats->netns = q->made;
	if (ok && q->r < 0) {
		*d->err = q->err;
		return q->r;
	}
	if (ok)
		progress(d, "namespaces", q->made, q->made);
	return 0;
}

/* Device mtu: the interface's own, else the link's (0: the kernel's). */
static uint32_t if_mtu(const struct hk_lab *lab, const struct hk_lab_if *f)
{
	return f->mtu ? f->mtu : lab->links[f->link].mtu;
}

/* A link to a node on another host: this host's end is a VXLAN device, made in the host's
 * namespace (where its UDP socket stays) straight into the node's, VNI and port the same
 * on both sides, so each host deploying its half of the file meets the other. */
static int make_tunnel(struct dep *d, struct hk_nl *host, size_t li, const struct hk_lab_ep *loc,
		       const struct hk_lab_ep *rem)
{
	struct hk_lab *lab = d->lab;
	const struct hk_lab_node *ln = &lab->nodes[loc->node], *rn = &lab->nodes[rem->node];
	const struct hk_lab_if *f = &ln->ifs[loc->iface];
	const struct hk_lab_host *me = hk_lab_host_find(lab, lab->self);
	const struct hk_lab_host *peer = hk_lab_host_find(lab, rn->host);
	if (!me || !peer || me->addr.family != peer->addr.family)
		return hk_err_usage(d->err,
				    "%s:%u: link %s:%s -- %s:%s: hosts '%s' and '%s' need "
				    "addresses of one family",
				    lab->file, lab->links[li].pos.line, ln->name, f->name, rn->name,
				    rn->ifs[rem->iface].name, lab->self, rn->host);
	struct hk_link_req req = { .kind = &hk_link_vxlan, .a = { .up = -1 } };
	struct hk_link_res res;
	hk_link_res_init(&res);
	snprintf(req.name, sizeof(req.name), "%s", f->name);
	res.index = f->index;
	res.netns_fd = d->fds[loc->node];
	struct hk_link_vxlan *x = &req.u.vxlan;
	x->id = HK_LAB_VNI_BASE + (uint32_t)li;
	x->has_id = true;
	x->remote = peer->addr;
	x->local = me->addr;
	x->dstport = HK_LAB_VXLAN_PORT;
	x->has_dstport = true;
	/* room for the 50 bytes of outer headers on a 1500-byte underlay */
	req.a.mtu = if_mtu(lab, f) ? if_mtu(lab, f) : 1450;
	req.a.has_mtu = true;
	struct hk_nlmsg m;
	int r = hk_link_add_msg(&req, &res, &m, d->err);
	if (r == 0)
		r = queue(d, host, &m, "%s:%u: link %s:%s -- %s:%s (on %s): vxlan %u", lab->file,
			  lab->links[li].pos.line, ln->name, f->name, rn->name,
			  rn->ifs[rem->iface].name, rn->host, x->id);
	return r;
}

static int links_made(struct dep *d, size_t from, size_t to);

/* Every link, from one socket in the host's namespace, as the namespaces of its ends are
 * made; after each sendmsg(), the batch of every node whose links are all made
 * (links_made), while the namespaces still to come are being made. */
static int make_links(struct dep *d, struct hk_nl *host)
{
	struct hk_lab *lab = d->lab;
	size_t from = 0; /* the first link queued since the last flush */
	for (size_t i = 0; i < lab->nlinks; i++) {
		struct hk_lab_link *l = &lab->links[i];
		bool r0 = lab->nodes[l->ep[0].node].remote, r1 = lab->nodes[l->ep[1].node].remote;
		if (r0 && r1)
			continue; /* another host's link */
		int r = 0;
		if (!ns_ready(d, l->ep[0].node) || !ns_ready(d, l->ep[1].node)) {
			/* the kernel makes what is queued while the namespaces come */
			if ((r = flush(d, host)) < 0 || (r = links_made(d, from, i)) < 0 ||
			    (r = ns_wait(d, l->ep[0].node)) < 0 ||
			    (r = ns_wait(d, l->ep[1].node)) < 0)
				return r;
			from = i;
		}
		if (r0 || r1) {
			r = make_tunnel(d, host, i, &l->ep[r0 ? 1 : 0], &l->ep[r0 ? 0 : 1]);
			if (r < 0)
				return r;
			d->stats->links++;
			continue;
		}
		/* The kernel honours the peer's ifindex only when the first end has one too: a
		 * host end (no planned index) goes second. Only the first end can be enslaved as
		 * it is made: a bridge port goes first. */
		const struct hk_lab_node *n0 = &lab->nodes[l->ep[0].node];
		const struct hk_lab_node *n1 = &lab->nodes[l->ep[1].node];
		int a = n0->kind == HK_LAB_HOST ||
			(n1->kind == HK_LAB_BRIDGE && n0->kind != HK_LAB_BRIDGE);
		const struct hk_lab_ep *ea = &l->ep[a], *eb = &l->ep[!a];
		struct hk_lab_node *na = &lab->nodes[ea->node], *nb = &lab->nodes[eb->node];
		struct hk_lab_if *fa = &na->ifs[ea->iface], *fb = &nb->ifs[eb->iface];
		/* The first end comes up as it is made when its namespace has address generation
		 * off already (ns_addrgen_off: the kernel takes the mode only from a device that
		 * exists, IFLA_AF_SPEC in a creation is EAFNOSUPPORT) and it has no IPv6 address
		 * (which needs it back on first). The peer cannot: the kernel opens it before the
		 * pair is joined (veth_open: ENOTCONN); its namespace's batch brings it up. */
		fa->made_up = ns_addrgen_off(na) && !has_v6(fa);
		fb->made_up = false;
		/* one queue each way on both ends, as the kernel would leave them, without its
		 * two RCU grace periods per pair (link.h) */
		struct hk_link_req req = { .kind = &hk_link_veth,
					   .a = { .up = fa->made_up ? 1 : -1, .queues = 1 } };
		struct hk_link_res res;
		hk_link_res_init(&res);
		snprintf(req.name, sizeof(req.name), "%s", fa->name);
		snprintf(req.u.veth.peer, sizeof(req.u.veth.peer), "%s", fb->name);
		res.index = fa->index;
		req.u.veth.peer_index = fb->index;
		res.netns_fd = d->fds[ea->node];
		res.peer_netns_fd = d->fds[eb->node];
		if (na->kind == HK_LAB_BRIDGE)
			res.master = HK_LAB_IFINDEX_BASE; /* made before the links */
		if ((req.a.mtu = if_mtu(lab, fa)))
			req.a.has_mtu = true;
		if ((req.u.veth.peer_mtu = if_mtu(lab, fb)))
			req.u.veth.has_peer_mtu = true;
		struct hk_nlmsg m;
		r = hk_link_add_msg(&req, &res, &m, d->err);
		if (r == 0)
			r = queue(d, host, &m, "%s:%u: link %s:%s -- %s:%s: create", lab->file,
				  l->pos.line, lab->nodes[ea->node].name, fa->name,
				  lab->nodes[eb->node].name, fb->name);
		if (r < 0)
			return r;
		d->stats->links++;
	}
	progress(d, "links", lab->nlinks, lab->nlinks);
	int r = flush(d, host);
	hk_test_point("lab-links");
	return r < 0 ? r : links_made(d, from, lab->nlinks);
}

static void up_msg(int index, const char *name, int up, struct hk_nlmsg *m)
{
	struct hk_link_req req = { .a = { .up = up } };
	struct hk_link_res res;
	hk_link_res_init(&res);
	res.index = index;
	snprintf(req.name, sizeof(req.name), "%.15s", name);
	struct hk_err e;
	hk_link_set_msg(&req, &res, m, &e);
}

/* What creation could not do for interface f: its IPv6 address generation (off when it
 * needs no IPv6, back on when it does in a namespace that has it off: ns_addrgen_off), its
 * bridge (the peer end of a veth between two bridges), up. */
static int config_up(struct dep *d, struct hk_nl *nl, struct hk_lab_node *nd, struct hk_lab_if *f,
		     int index)
{
	struct hk_nlmsg m;
	int r;
	bool v6 = has_v6(f);
	if (d->ipv6 && v6 == ns_addrgen_off(nd)) {
		hk_link_addrgen_msg(index, f->name,
				    v6 ? IN6_ADDR_GEN_MODE_EUI64 : IN6_ADDR_GEN_MODE_NONE, &m);
		if ((r = queue(d, nl, &m, "%s:%s: IPv6 address generation", nd->name, f->name)) < 0)
			return r;
	}
	struct hk_link_req req = { .a = { .up = 1 } };
	struct hk_link_res res;
	hk_link_res_init(&res);
	res.index = index;
	snprintf(req.name, sizeof(req.name), "%s", f->name);
	if (nd->kind == HK_LAB_BRIDGE && f->index != HK_LAB_IFINDEX_BASE)
		res.master = HK_LAB_IFINDEX_BASE;
	if ((r = hk_link_set_msg(&req, &res, &m, d->err)) < 0)
		return r;
	return queue(d, nl, &m, "%s:%s: up", nd->name, f->name);
}

/* One interface of node nd: what creation left, addresses, qdisc. */
static int config_if(struct dep *d, struct hk_nl *nl, struct hk_lab_node *nd, struct hk_lab_if *f)
{
	struct hk_lab *lab = d->lab;
	struct hk_nlmsg m;
	int r, index = f->index;
	if (!index && (r = hk_link_index(nl, f->name, &index, d->err)) < 0)
		return hk_err_prefix(d->err, "lab '%s': %s:%s", lab->name, nd->name, f->name);
	if (!f->made_up && (r = config_up(d, nl, nd, f, index)) < 0)
		return r;
	for (size_t i = 0; nd->kind != HK_LAB_VM && i < f->naddr; i++) { /* a VM's: its guest's */
		struct hk_addr_req a = { .local = f->addr[i], .scope = -1 };
		if (a.local.family == AF_INET6)
			a.flags = IFA_F_NODAD;
		snprintf(a.dev, sizeof(a.dev), "%s", f->name);
		hk_addr_msg(&a, index, RTM_NEWADDR, &m);
		char buf[64];
		if ((r = queue(d, nl, &m, "%s:%u: %s:%s: address %s", lab->file, f->pos.line,
			       nd->name, f->name, hk_prefix_str(&f->addr[i], buf, sizeof(buf)))) <
		    0)
			return r;
		d->stats->addrs++;
	}
	struct hk_impair imp = { 0 };
	if (f->link >= 0)
		imp = f->rate_set ? (struct hk_impair){ .rate = f->rate } : lab->links[f->link].imp;
	if (hk_impair_any(&imp)) {
		hk_qdisc_impair_msg(index, &imp, &m);
		if ((r = queue(d, nl, &m, "%s:%s: qdisc", nd->name, f->name)) < 0)
			return r;
		d->stats->qdiscs++;
	}
	return 0;
}

/* The bridges, before the links (their ports are enslaved as they are made): up at once
 * unless the bridge itself has an IPv6 address (then config_up does it). */
static int make_bridges(struct dep *d)
{
	struct hk_lab *lab = d->lab;
	for (size_t i = 0; i < lab->nnodes; i++) {
		struct hk_lab_node *nd = &lab->nodes[i];
		if (nd->kind != HK_LAB_BRIDGE || nd->remote)
			continue;
		int r = ns_wait(d, i);
		if (r < 0)
			return r;
		struct hk_lab_if *self = NULL;
		for (size_t k = 0; k < nd->nifs; k++)
			if (nd->ifs[k].index == HK_LAB_IFINDEX_BASE)
				self = &nd->ifs[k];
		bool up = !self || !has_v6(self);
		if (self)
			self->made_up = up;
		struct hk_link_req req = { .kind = &hk_link_bridge, .a = { .up = up ? 1 : -1 } };
		req.u.bridge.stp_state = -1;
		req.u.bridge.forward_delay = -1;
		req.u.bridge.no_mcast_snooping = true; /* floods: O(1) per port event */
		struct hk_link_res res;
		hk_link_res_init(&res);
		res.index = HK_LAB_IFINDEX_BASE;
		snprintf(req.name, sizeof(req.name), "%.15s", nd->name);
		struct hk_nlmsg m;
		struct hk_nl *nl = NULL;
		r = hk_nl_open(&nl, d->fds[i], d->err);
		if (r == 0)
			r = hk_link_add_msg(&req, &res, &m, d->err);
		if (r == 0)
			r = queue(d, nl, &m, "bridge '%s': create", nd->name);
		if (r == 0)
			r = flush(d, nl);
		hk_nl_close(nl);
		if (r < 0)
			return hk_err_prefix(d->err, "lab '%s'", lab->name);
	}
	return 0;
}

static int config_node(struct dep *d, struct hk_nl *nl, struct hk_lab_node *nd)
{
	struct hk_lab *lab = d->lab;
	struct hk_nlmsg m;
	int r = 0;
	if (nd->kind != HK_LAB_HOST) {
		up_msg(1, "lo", 1, &m);
		if ((r = queue(d, nl, &m, "%s: lo up", nd->name)) < 0)
			return r;
	}
	/* the bridge itself first: its ports are enslaved to it */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; r == 0 && k < nd->nifs; k++) {
			bool self = nd->kind == HK_LAB_BRIDGE &&
				    nd->ifs[k].index == HK_LAB_IFINDEX_BASE;
			if (self == (pass == 0))
				r = config_if(d, nl, nd, &nd->ifs[k]);
		}
	}
	for (size_t i = 0; r == 0 && i < nd->nroutes; i++) {
		struct hk_lab_route *rt = &nd->routes[i];
		int oif = 0;
		for (size_t k = 0; rt->req.dev[0] && k < nd->nifs; k++)
			if (!strcmp(nd->ifs[k].name, rt->req.dev))
				oif = nd->ifs[k].index;
		if (!strcmp(rt->req.dev, "lo"))
			oif = 1;
		/* a multipath route's hops name their devices too (nexthop ... dev X) */
		for (size_t h = 0; h < rt->req.nnh; h++)
			for (size_t k = 0; rt->req.nh[h].dev[0] && k < nd->nifs; k++)
				if (!strcmp(nd->ifs[k].name, rt->req.nh[h].dev))
					rt->req.nh[h].oif = nd->ifs[k].index;
		hk_route_msg(&rt->req, oif, HK_ROUTE_ADD, &m);
		r = queue(d, nl, &m, "%s:%u: node '%s': route '%s'", lab->file, rt->pos.line,
			  nd->name, rt->text);
		d->stats->routes++;
	}
	return r;
}

/* Node i's batch, in its namespace, once its links are made. */
static int config_one(struct dep *d, size_t i)
{
	struct hk_lab *lab = d->lab;
	struct hk_lab_node *nd = &lab->nodes[i];
	d->configured[i] = true;
	if (++d->nconfigured % 64 == 0 || d->nconfigured == lab->nnodes)
		progress(d, "addresses", d->nconfigured, lab->nnodes);
	if ((nd->kind == HK_LAB_HOST && !nd->nifs) || nd->remote)
		return 0;
	struct hk_nl *nl = NULL;
	int r = ns_wait(d, i);
	if (r == 0)
		r = hk_nl_open(&nl, d->fds[i], d->err);
	if (r == 0)
		r = config_node(d, nl, nd);
	if (r == 0)
		r = flush(d, nl);
	hk_nl_close(nl);
	return r;
}

/* The links [from, to) are made: the nodes they were the last of get their batch. */
static int links_made(struct dep *d, size_t from, size_t to)
{
	struct hk_lab *lab = d->lab;
	for (size_t i = from; i < to; i++) {
		for (int e = 0; e < 2; e++) {
			size_t n = lab->links[i].ep[e].node;
			int r;
			if (!lab->nodes[n].remote && --d->left[n] == 0 &&
			    (r = config_one(d, n)) < 0)
				return r;
		}
	}
	return 0;
}

/* The nodes' batches not sent with the links (nodes without links). */
static int configure(struct dep *d)
{
	for (size_t i = 0; i < d->lab->nnodes; i++) {
		int r = d->configured[i] ? 0 : config_one(d, i);
		if (r < 0)
			return r;
	}
	hk_test_point("lab-configured");
	return 0;
}

/* /proc/sys/KEY (dots for slashes) of node i's namespace set to value: the thread enters it
 * for the open (the files under /proc/sys/net are those of the opener's network namespace). */
static int sysctl_set(struct dep *d, size_t i, const char *key, const char *v)
{
	char path[512];
	int n = snprintf(path, sizeof(path), "/proc/sys/%s", key);
	for (int j = 10; j < n; j++)
		if (path[j] == '.')
			path[j] = '/';
	int old, r = hk_thread_netns_enter(d->fds[i], &old, d->err);
	if (r < 0)
		return r;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int e = fd < 0 ? -errno : 0;
	hk_thread_netns_leave(old);
	if (fd >= 0 && write(fd, v, strlen(v)) != (ssize_t)strlen(v))
		e = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	return e;
}

static bool has_sysctl(const struct hk_lab_node *nd, const char *key)
{
	for (size_t k = 0; k < nd->nsysctls; k++)
		if (!strcmp(nd->sysctls[k].key, key))
			return true;
	return false;
}

/* The file's sysctls; before them, a linux node's namespace forwards IPv4 as a container of
 * containerlab's does on a Docker host (its namespace inherits the host's forwarding, which
 * Docker turns on): routing daemons expect it. */
static int sysctls(struct dep *d)
{
	struct hk_lab *lab = d->lab;
	for (size_t i = 0; i < lab->nnodes; i++) {
		struct hk_lab_node *nd = &lab->nodes[i];
		if (nd->remote || nd->kind == HK_LAB_VM)
			continue;
		int e;
		if (nd->kind == HK_LAB_LINUX && !has_sysctl(nd, "net.ipv4.ip_forward") &&
		    (e = sysctl_set(d, i, "net.ipv4.ip_forward", "1")) < 0)
			return hk_err_sys(d->err, e, "lab '%s': node '%s': net.ipv4.ip_forward",
					  lab->name, nd->name);
		for (size_t k = 0; k < nd->nsysctls; k++) {
			e = sysctl_set(d, i, nd->sysctls[k].key, nd->sysctls[k].value);
			if (e < 0)
				return hk_err_sys(d->err, e, "%s:%u: node '%s': sysctl %s",
						  lab->file, nd->sysctls[k].pos.line, nd->name,
						  nd->sysctls[k].key);
		}
	}
	return 0;
}

/* A path of the file, relative to its directory. */
static int lab_path(const struct hk_lab *lab, const char *p, char *buf, size_t len,
		    struct hk_err *err)
{
	int n = p[0] == '/' ? snprintf(buf, len, "%s", p)
			    : snprintf(buf, len, "%s/%s", lab->dir, p);
	return n >= 0 && (size_t)n < len ? 0 : hk_err_usage(err, "path '%s' is too long", p);
}

/* The guest's kernel command line: the file's append, then per interface k its addresses
 * (hako.addr=eth<k>,CIDR), then hako.forward=1 when the node forwards. */
static int vm_append(const struct hk_lab_node *nd, char *buf, size_t len, struct hk_err *err)
{
	size_t o = 0;
	int n = snprintf(buf, len, "%s", nd->append ? nd->append : "");
	for (size_t k = 0; n >= 0 && (size_t)n < len && k < nd->nifs; k++) {
		for (size_t a = 0; a < nd->ifs[k].naddr; a++) {
			char p[64];
			o = (size_t)n;
			n += snprintf(buf + o, len - o, "%shako.addr=eth%zu,%s", o ? " " : "", k,
				      hk_prefix_str(&nd->ifs[k].addr[a], p, sizeof(p)));
			if ((size_t)n >= len)
				break;
		}
	}
	if (n >= 0 && (size_t)n < len && nd->forward) {
		o = (size_t)n;
		n += snprintf(buf + o, len - o, "%shako.forward=1", o ? " " : "");
	}
	if (n < 0 || (size_t)n >= len)
		return hk_err_usage(err,
				    "node '%s': the guest's kernel command line is longer than "
				    "%zu bytes",
				    nd->name, len - 1);
	return 0;
}

/* Node i's bridges, one per interface, each with the interface's veth end enslaved. */
static int vm_bridges(struct dep *d, struct hk_nl *nl, struct hk_lab_node *nd)
{
	struct hk_nlmsg m;
	int r = 0;
	for (size_t k = 0; r == 0 && k < nd->nifs; k++) {
		struct hk_lab_if *f = &nd->ifs[k];
		struct hk_link_req req = { .kind = &hk_link_bridge, .a = { .up = 1 } };
		req.u.bridge.stp_state = -1;
		req.u.bridge.forward_delay = -1;
		req.u.bridge.no_mcast_snooping = true;
		struct hk_link_res res;
		hk_link_res_init(&res);
		res.index = f->br_index;
		snprintf(req.name, sizeof(req.name), "%s", f->br);
		r = hk_link_add_msg(&req, &res, &m, d->err);
		if (r == 0)
			r = queue(d, nl, &m, "%s: bridge '%s': create", nd->name, f->br);
	}
	for (size_t k = 0; r == 0 && k < nd->nifs; k++) {
		struct hk_lab_if *f = &nd->ifs[k];
		struct hk_link_req req = { .a = { .up = 1 } };
		struct hk_link_res res;
		hk_link_res_init(&res);
		res.index = f->index;
		res.master = f->br_index;
		snprintf(req.name, sizeof(req.name), "%s", f->name);
		r = hk_link_set_msg(&req, &res, &m, d->err);
		if (r == 0)
			r = queue(d, nl, &m, "%s:%s: onto bridge '%s'", nd->name, f->name, f->br);
	}
	return r == 0 ? flush(d, nl) : r;
}

/* The taps the VM's run made, each onto its interface's bridge, up. */
static int vm_taps(struct dep *d, struct hk_nl *nl, struct hk_lab_node *nd)
{
	struct hk_nlmsg m;
	int r = 0, index[HK_VM_NICS_MAX];
	for (size_t k = 0; r == 0 && k < nd->nifs && k < HK_VM_NICS_MAX; k++)
		r = hk_link_index(nl, nd->ifs[k].tap, &index[k], d->err); /* before the batch */
	for (size_t k = 0; r == 0 && k < nd->nifs && k < HK_VM_NICS_MAX; k++) {
		struct hk_lab_if *f = &nd->ifs[k];
		struct hk_link_req req = { .a = { .up = 1 } };
		struct hk_link_res res;
		hk_link_res_init(&res);
		res.master = f->br_index;
		res.index = index[k];
		snprintf(req.name, sizeof(req.name), "%s", f->tap);
		r = hk_link_set_msg(&req, &res, &m, d->err);
		if (r == 0)
			r = queue(d, nl, &m, "%s: tap '%s': onto bridge '%s'", nd->name, f->tap,
				  f->br);
	}
	return r == 0 ? flush(d, nl) : r;
}

static int make_vm(struct dep *d, size_t i)
{
	struct hk_lab *lab = d->lab;
	struct hk_lab_node *nd = &lab->nodes[i];
	char kernel[HK_VM_ARG_MAX], initrd[HK_VM_ARG_MAX], append[HK_VM_ARG_MAX] = "";
	int r = lab_path(lab, nd->kernel, kernel, sizeof(kernel), d->err);
	if (r == 0 && nd->initrd)
		r = lab_path(lab, nd->initrd, initrd, sizeof(initrd), d->err);
	if (r == 0)
		r = vm_append(nd, append, sizeof(append), d->err);
	struct hk_vm_spec s = { .name = nd->vmname,
				.n_taps = nd->nifs,
				.memory = nd->memory,
				.cpus = nd->cpus,
				.kernel = kernel,
				.initrd = nd->initrd ? initrd : NULL,
				.append = append[0] ? append : NULL,
				.accel = nd->accel };
	for (size_t k = 0; k < nd->nifs && k < HK_VM_NICS_MAX; k++)
		s.taps[k] = nd->ifs[k].tap;
	struct hk_nl *nl = NULL;
	if (r == 0)
		r = hk_nl_open(&nl, d->fds[i], d->err);
	if (r == 0)
		r = vm_bridges(d, nl, nd);
	int old;
	if (r == 0 && (r = hk_thread_netns_enter(d->fds[i], &old, d->err)) == 0) {
		/* the taps are made in this thread's namespace, qemu is started from it */
		struct hk_vm_row v;
		struct hk_net_notes notes = { 0 };
		r = hk_vm_run(d->st, d->ops->paths, &s, &v, &notes, d->err);
		hk_thread_netns_leave(old);
	}
	if (r == 0)
		r = vm_taps(d, nl, nd);
	hk_nl_close(nl);
	return r < 0 ? hk_err_prefix(d->err, "lab '%s': node '%s'", lab->name, nd->name) : 0;
}

static int vms(struct dep *d)
{
	struct hk_lab *lab = d->lab;
	size_t total = 0, n = 0;
	for (size_t i = 0; i < lab->nnodes; i++)
		total += lab->nodes[i].vmname[0] != 0;
	for (size_t i = 0; i < lab->nnodes; i++) {
		if (!lab->nodes[i].vmname[0])
			continue;
		int r = make_vm(d, i);
		if (r < 0)
			return r;
		d->stats->vms++;
		progress(d, "vms", ++n, total);
	}
	return 0;
}

/* What a vm node needs, asked before anything is made: somewhere to keep VMs, qemu, its
 * kernel and initrd, its name free. */
static int check_vms(struct hk_store *st, const struct hk_lab *lab, const struct hk_lab_ops *ops,
		     struct hk_err *err)
{
	for (size_t i = 0; i < lab->nnodes; i++) {
		const struct hk_lab_node *nd = &lab->nodes[i];
		if (!nd->vmname[0])
			continue;
		if (!ops || !ops->paths)
			return hk_err_set(err, -EOPNOTSUPP, "lab '%s': node '%s': no VM runtime",
					  lab->name, nd->name);
		char bin[4096], path[HK_VM_ARG_MAX];
		int r = hk_qemu_find(bin, sizeof(bin), err);
		const char *files[] = { nd->kernel, nd->initrd };
		for (int k = 0; r == 0 && k < 2; k++) {
			if (!files[k])
				continue;
			r = lab_path(lab, files[k], path, sizeof(path), err);
			if (r == 0 && access(path, R_OK) < 0) {
				r = hk_err_sys(err, -errno, "%s '%s'", k ? "initrd" : "kernel",
					       path);
				if (r == -ENOENT)
					hk_err_class_set(err, HK_ERR_NOTFOUND);
			}
		}
		struct hk_vm_row v;
		struct hk_err e;
		if (r == 0 && hk_vmstore_get_name(st, nd->vmname, &v, &e) == 0)
			r = hk_err_usage(err, "a vm named '%s' already exists", nd->vmname);
		if (r < 0)
			return hk_err_prefix(err, "lab '%s': node '%s'", lab->name, nd->name);
	}
	return 0;
}

/* --- the management network ------------------------------------------------------------ */

static int at(const struct hk_lab *lab, struct hk_lab_pos p, struct hk_err *err, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));
static int at(const struct hk_lab *lab, struct hk_lab_pos p, struct hk_err *err, const char *fmt,
	      ...)
{
	char msg[HK_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hk_err_usage(err, "%s:%u:%u: %s", lab->file, p.line ? p.line : 1, p.col ? p.col : 1,
			    msg);
}

/* The network the lab would create: its name and the file's subnets, checked. */
static int mgmt_row(const struct hk_lab *lab, struct hk_net_row *n, struct hk_err *err)
{
	const struct hk_lab_mgmt *g = &lab->mgmt;
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", g->net);
	if (g->sub4.family)
		hk_prefix_str(&g->sub4, n->subnet, sizeof(n->subnet));
	if (g->sub6.family)
		hk_prefix_str(&g->sub6, n->subnet6, sizeof(n->subnet6));
	int r = hk_network_check(n, err);
	return r < 0 ? at(lab, g->network_pos, err, "mgmt: network '%s': %s", g->net, err->msg) : 0;
}

/* An address the file pins (family fam) against the network's pool and its leases. */
static int mgmt_pins(const struct hk_lab *lab, const char *subnet, const char *gateway, int fam,
		     const struct hk_prefix *taken, size_t ntaken, struct hk_err *err)
{
	struct hk_prefix sub, gw;
	struct hk_ipam_pool pool;
	struct hk_err e;
	for (size_t i = 0; i < lab->nnodes; i++) {
		const struct hk_lab_node *nd = &lab->nodes[i];
		const struct hk_prefix *a = fam == AF_INET6 ? &nd->mgmt6 : &nd->mgmt4;
		struct hk_lab_pos pos = fam == AF_INET6 ? nd->mgmt6_pos : nd->mgmt4_pos;
		char c = fam == AF_INET6 ? '6' : '4', buf[64];
		if (!nd->mgmt || !a->family)
			continue;
		inet_ntop(a->family, a->addr.raw, buf, sizeof(buf));
		if (!subnet[0])
			return at(lab, pos, err,
				  "node '%s': mgmt-ipv%c %s: the management network '%s' has no "
				  "IPv%c subnet to take it from (mgmt.ipv%c-subnet)",
				  nd->name, c, buf, lab->mgmt.net, c, c);
		if (hk_parse_prefix(subnet, fam, &sub, &e) < 0 ||
		    (gateway[0] && hk_parse_addr(gateway, fam, &gw, &e) < 0) ||
		    hk_ipam_pool_init(&pool, &sub, NULL, gateway[0] ? &gw : NULL, false, &e) < 0 ||
		    hk_ipam_check(&pool, a, taken, ntaken, &e) < 0)
			return at(lab, pos, err, "node '%s': mgmt-ipv%c %s: %s", nd->name, c, buf,
				  e.msg);
	}
	return 0;
}

/* What the management network needs, asked before anything is made: a network to join
 * (a bridge one) or one to create (its name, bridge and subnets free), and every address
 * the file pins inside its subnet and free. Decides lab->mgmt.create. */
static int check_mgmt(struct hk_store *st, struct hk_lab *lab, const struct hk_lab_ops *ops,
		      struct hk_err *err)
{
	struct hk_lab_mgmt *g = &lab->mgmt;
	g->create = false;
	if (!g->used)
		return 0;
	if (!ops || !ops->paths)
		return hk_err_set(err, -EOPNOTSUPP, "lab '%s': no network runtime (mgmt)",
				  lab->name);
	struct hk_net_row n;
	struct hk_err e = { 0 };
	int r = hk_netstore_get(st, g->net, &n, &e);
	if (r < 0 && r != -ENOENT) {
		*err = e;
		return r;
	}
	if (r == -ENOENT) {
		g->create = true;
		if ((r = mgmt_row(lab, &n, err)) < 0)
			return r;
		struct hk_net_row *nets = NULL;
		size_t nn = 0;
		if ((r = hk_netstore_list(st, &nets, &nn, err)) < 0)
			return r;
		for (size_t i = 0; r == 0 && i < nn; i++) {
			for (int k = 0; r == 0 && k < 2; k++) {
				const struct hk_prefix *mine = k ? &g->sub6 : &g->sub4;
				struct hk_prefix theirs;
				const char *s = k ? nets[i].subnet6 : nets[i].subnet;
				if (mine->family && s[0] &&
				    hk_parse_prefix(s, mine->family, &theirs, &e) == 0 &&
				    hk_ipam_overlap(mine, &theirs))
					r = at(lab, k ? g->sub6_pos : g->sub4_pos, err,
					       "mgmt.ipv%c-subnet overlaps network '%s' (%s)",
					       k ? '6' : '4', nets[i].name, s);
			}
		}
		free(nets);
		struct hk_nl *nl = NULL;
		int idx;
		if (r == 0 && hk_nl_open(&nl, -1, &e) == 0 &&
		    hk_link_index(nl, n.bridge, &idx, &e) == 0)
			r = at(lab, g->network_pos, err,
			       "mgmt: the host already has a device '%s' (network '%s''s bridge)",
			       n.bridge, g->net);
		hk_nl_close(nl);
		if (r == 0)
			r = mgmt_pins(lab, n.subnet, "", AF_INET, NULL, 0, err);
		return r == 0 ? mgmt_pins(lab, n.subnet6, "", AF_INET6, NULL, 0, err) : r;
	}
	if (strcmp(n.driver, "bridge"))
		return at(lab, g->network_pos, err,
			  "mgmt: network '%s' is a %s network, not a bridge one", g->net, n.driver);
	char buf[64];
	if (g->sub4.family && strcmp(hk_prefix_str(&g->sub4, buf, sizeof(buf)), n.subnet))
		return at(lab, g->sub4_pos, err,
			  "mgmt.ipv4-subnet %s: network '%s' exists with subnet %s", buf, g->net,
			  n.subnet);
	if (g->sub6.family && strcmp(hk_prefix_str(&g->sub6, buf, sizeof(buf)), n.subnet6))
		return at(lab, g->sub6_pos, err,
			  "mgmt.ipv6-subnet %s: network '%s' exists with IPv6 subnet '%s'", buf,
			  g->net, n.subnet6);
	struct hk_lease_row *l = NULL;
	size_t nl = 0;
	if ((r = hk_netstore_leases(st, g->net, NULL, &l, &nl, err)) < 0)
		return r;
	struct hk_prefix *taken = calloc(2 * nl + 1, sizeof(*taken));
	size_t nt = 0;
	for (size_t i = 0; taken && i < nl; i++) {
		if (hk_parse_addr(l[i].addr, AF_INET, &taken[nt], &e) == 0)
			nt++;
		if (l[i].addr6[0] && hk_parse_addr(l[i].addr6, AF_INET6, &taken[nt], &e) == 0)
			nt++;
	}
	free(l);
	if (!taken)
		return hk_err_sys(err, -ENOMEM, "lab");
	r = mgmt_pins(lab, n.subnet, n.gateway, AF_INET, taken, nt, err);
	if (r == 0)
		r = mgmt_pins(lab, n.subnet6, n.gateway6, AF_INET6, taken, nt, err);
	free(taken);
	return r;
}

static bool has_default(const struct hk_lab_node *nd, int fam)
{
	for (size_t i = 0; i < nd->nroutes; i++)
		if (nd->routes[i].req.family == fam && nd->routes[i].req.dst.len == 0)
			return true;
	return false;
}

/* The management network (made when the lab owns it), then each linux node's eth0 on it
 * with its lease, as a CNI attachment is made (network.h): default routes through it unless
 * the node has its own. */
static int mgmt(struct dep *d)
{
	struct hk_lab *lab = d->lab;
	struct hk_lab_mgmt *g = &lab->mgmt;
	if (!g->used)
		return 0;
	const struct hk_paths *p = d->ops->paths;
	struct hk_net_row n;
	int r = 0;
	if (g->create && (r = mgmt_row(lab, &n, d->err)) == 0)
		r = hk_network_create(d->st, p, &n, &d->stats->notes, d->err);
	if (r == 0)
		r = hk_netstore_get(d->st, g->net, &n, d->err);
	if (r < 0)
		return hk_err_prefix(d->err, "lab '%s': management network", lab->name);
	hk_test_point("lab-mgmt-net");
	size_t total = 0, done = 0;
	for (size_t i = 0; i < lab->nnodes; i++)
		total += lab->nodes[i].mgmt;
	for (size_t i = 0; i < lab->nnodes; i++) {
		struct hk_lab_node *nd = &lab->nodes[i];
		if (!nd->mgmt)
			continue;
		struct hk_net_route rts[2];
		size_t nr = 0;
		if (!has_default(nd, AF_INET))
			rts[nr++] = (struct hk_net_route){ .dst = { .family = AF_INET } };
		if (n.subnet6[0] && !has_default(nd, AF_INET6))
			rts[nr++] = (struct hk_net_route){ .dst = { .family = AF_INET6 } };
		char ip4[64], ip6[64];
		struct hk_net_attach a = {
			.net = g->net,
			.ip = nd->mgmt4.family
				      ? inet_ntop(AF_INET, nd->mgmt4.addr.raw, ip4, sizeof(ip4))
				      : NULL,
			.ip6 = nd->mgmt6.family
				       ? inet_ntop(AF_INET6, nd->mgmt6.addr.raw, ip6, sizeof(ip6))
				       : NULL,
			.aliases = "",
		};
		struct hk_net_ext x = { .id = nd->mgmt_id,
					.netns_fd = d->fds[i],
					.ifname = HK_LAB_MGMT_IF,
					.hostif = nd->mgmt_hostif,
					.routes = rts,
					.n_routes = nr };
		struct hk_lease_row l;
		r = hk_network_attach_ext(d->st, p, &a, &x, &l, &d->stats->notes, d->err);
		if (r < 0)
			return hk_err_prefix(d->err, "lab '%s': node '%s': management network '%s'",
					     lab->name, nd->name, g->net);
		progress(d, "mgmt", ++done, total);
	}
	return 0;
}

static int containers(struct dep *d)
{
	struct hk_lab *lab = d->lab;
	size_t total = 0, n = 0;
	for (size_t i = 0; i < lab->nnodes; i++)
		total += lab->nodes[i].kind == HK_LAB_LINUX && !lab->nodes[i].remote &&
			 !lab->nodes[i].stopped;
	for (size_t i = 0; i < lab->nnodes; i++) {
		struct hk_lab_node *nd = &lab->nodes[i];
		if (nd->kind != HK_LAB_LINUX || nd->remote || nd->stopped)
			continue;
		if (!d->ops || !d->ops->ct_start)
			return hk_err_set(d->err, -EOPNOTSUPP, "lab '%s': no container runtime",
					  lab->name);
		int r = d->ops->ct_start(d->ops->data, lab, nd, d->err);
		if (r < 0)
			return hk_err_prefix(d->err, "lab '%s': node '%s'", lab->name, nd->name);
		d->stats->containers++;
		progress(d, "containers", ++n, total);
	}
	for (size_t i = 0; i < lab->nnodes; i++) {
		struct hk_lab_node *nd = &lab->nodes[i];
		for (size_t k = 0;
		     !nd->remote && !(nd->stopped && nd->kind == HK_LAB_LINUX) && k < nd->nexec;
		     k++) {
			int r = hk_lab_node_exec(d->st, d->ops ? d->ops->paths : NULL, nd,
						 nd->exec[k], d->err);
			if (r < 0)
				return hk_err_prefix(d->err, "lab '%s': node '%s': exec '%s'",
						     lab->name, nd->name, nd->exec[k]);
		}
	}
	return 0;
}

/* What a saved lab says was down (state: down, a node stopped): set down last, after the
 * routes, so the kernel drops the routes through them as it did when they went down. */
static int downs(struct dep *d)
{
	struct hk_lab *lab = d->lab;
	for (size_t i = 0; i < lab->nnodes; i++) {
		struct hk_lab_node *nd = &lab->nodes[i];
		for (size_t k = 0; !nd->remote && k < nd->nifs; k++) {
			struct hk_lab_ep ep = { i, k };
			if (nd->ifs[k].link < 0 || !(nd->ifs[k].down || nd->stopped))
				continue;
			int r = hk_lab_link_set(lab, &ep, HK_LAB_LINK_DOWN, 0, d->err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int deploy(struct hk_store *st, struct dep *d)
{
	struct hk_lab *lab = d->lab;
	d->left = calloc(lab->nnodes + 1, sizeof(*d->left));
	d->configured = calloc(lab->nnodes + 1, sizeof(*d->configured));
	if (!d->left || !d->configured)
		return hk_err_sys(d->err, -ENOMEM, "lab");
	for (size_t i = 0; i < lab->nlinks; i++)
		for (int e = 0; e < 2; e++)
			if (!lab->nodes[lab->links[i].ep[e].node].remote)
				d->left[lab->links[i].ep[e].node]++;
	int r = ns_start(d);
	struct hk_nl *host = NULL;
	if (r == 0)
		r = make_bridges(d);
	if (r == 0)
		r = hk_nl_open(&host, -1, d->err);
	if (r == 0)
		r = make_links(d, host);
	hk_nl_close(host);
	int made = ns_finish(d, r == 0);
	if (r == 0)
		r = made;
	if (r == 0)
		r = configure(d);
	if (r == 0)
		r = sysctls(d);
	if (r == 0)
		r = mgmt(d);
	if (r == 0)
		r = vms(d);
	if (r == 0 && d->stats->vms)
		hk_test_point("lab-vms");
	for (size_t i = 0; i < lab->nnodes; i++) {
		if (d->fds[i] >= 0)
			close(d->fds[i]);
		d->fds[i] = -1;
	}
	if (r == 0)
		r = containers(d);
	if (r == 0)
		r = downs(d);
	if (r == 0)
		r = hk_labstore_set_state(st, lab->name, HK_LAB_RUNNING, 0, 0, d->err);
	return r;
}

/* The qdiscs the links ask for exist in this kernel, asked before anything is made: delay,
 * jitter, loss and corrupt need netem, a rate alone tbf. */
static int check_qdiscs(const struct hk_lab *lab, struct hk_err *err)
{
	long netem = -1, tbf = -1;
	for (size_t i = 0; i < lab->nlinks; i++) {
		const struct hk_impair *imp = &lab->links[i].imp;
		if (netem < 0 && hk_impair_needs_netem(imp))
			netem = (long)i;
		else if (tbf < 0 && imp->rate && !hk_impair_needs_netem(imp))
			tbf = (long)i;
	}
	struct hk_lab_pos tbf_pos = { 0 };
	for (size_t i = 0; tbf < 0 && i < lab->nnodes; i++)
		for (size_t k = 0; tbf < 0 && k < lab->nodes[i].nifs; k++)
			if (lab->nodes[i].ifs[k].rate_set && lab->nodes[i].ifs[k].rate) {
				tbf = lab->nodes[i].ifs[k].link;
				tbf_pos = lab->nodes[i].ifs[k].rate_pos;
			}
	const char *kind[] = { "netem", "tbf" };
	const char *what[] = { "delay, jitter, loss and corrupt need", "a rate needs" };
	const char *conf[] = { "CONFIG_NET_SCH_NETEM", "CONFIG_NET_SCH_TBF" };
	long at[] = { netem, tbf };
	for (int k = 0; k < 2; k++) {
		if (at[k] < 0)
			continue;
		int r = hk_qdisc_probe(kind[k], err);
		if (r < 0)
			return r;
		if (r == 0) {
			struct hk_lab_pos p = lab->links[at[k]].imp_pos;
			if (k == 1 && tbf_pos.line)
				p = tbf_pos;
			hk_err_set(err, -EOPNOTSUPP,
				   "%s:%u:%u: %s the %s qdisc, which this kernel lacks (%s); "
				   "nothing was deployed",
				   lab->file, p.line, p.col, what[k], kind[k], conf[k]);
			hk_err_class_set(err, HK_ERR_UNSUPPORTED);
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* A record with this name: a live lab (refused), or one whose deploying or destroying hako
 * died (destroyed now, so this deploy starts clean). */
static int stale(struct hk_store *st, struct hk_lab *lab, const struct hk_lab_ops *ops,
		 struct hk_err *err)
{
	struct hk_lab_row row;
	struct hk_err e = { 0 };
	if (hk_labstore_get(st, lab->name, &row, &e) < 0)
		return e.code == -ENOENT ? 0 : (*err = e, e.code);
	bool dead =
		strcmp(row.state, HK_LAB_RUNNING) && !hk_proc_alive(row.owner_pid, row.owner_start);
	hk_lab_row_free(&row);
	if (!dead)
		return hk_err_usage(err, "lab '%s' already exists", lab->name);
	return hk_lab_destroy(st, lab->name, ops, err);
}

int hk_lab_deploy(struct hk_store *st, struct hk_lab *lab, const struct hk_lab_ops *ops,
		  struct hk_lab_stats *ret_stats, struct hk_err *err)
{
	struct hk_lab_stats stats = { 0 };
	int r = stale(st, lab, ops, err);
	if (r == 0)
		r = hk_lab_plan_check_free(lab, err);
	if (r == 0)
		r = check_qdiscs(lab, err);
	if (r == 0)
		r = check_vms(st, lab, ops, err);
	if (r == 0)
		r = check_mgmt(st, lab, ops, err);
	_cleanup_free_ struct hk_labobj_row *objs = NULL;
	size_t nobjs = 0;
	if (r == 0)
		r = hk_lab_plan_objects(lab, &objs, &nobjs, err);
	if (r < 0)
		return r;
	char *real = realpath(lab->file, NULL);
	struct hk_lab_row row = { .state = HK_LAB_DEPLOYING,
				  .file = real ? real : lab->file,
				  .text = lab->text,
				  .owner_pid = getpid(),
				  .owner_start = hk_proc_start_time(getpid()),
				  .created = time(NULL) };
	snprintf(row.name, sizeof(row.name), "%s", lab->name);
	snprintf(row.host, sizeof(row.host), "%s", lab->self);
	r = hk_labstore_insert(st, &row, objs, nobjs, err);
	free(real);
	if (r < 0)
		return r;
	hk_test_point("lab-recorded");
	struct dep d = { .st = st,
			 .lab = lab,
			 .ops = ops,
			 .stats = &stats,
			 .err = err,
			 .ipv6 = access("/proc/sys/net/ipv6", F_OK) == 0,
			 .nsq = { .mu = PTHREAD_MUTEX_INITIALIZER,
				  .cv = PTHREAD_COND_INITIALIZER } };
	d.fds = malloc((lab->nnodes + 1) * sizeof(int));
	if (!d.fds)
		r = hk_err_sys(err, -ENOMEM, "lab");
	for (size_t i = 0; d.fds && i < lab->nnodes; i++)
		d.fds[i] = -1;
	if (r == 0)
		r = deploy(st, &d);
	for (size_t i = 0; d.fds && i < lab->nnodes; i++)
		if (d.fds[i] >= 0)
			close(d.fds[i]);
	free(d.fds);
	free(d.what);
	free(d.nsq.order);
	free(d.nsq.pos);
	free(d.left);
	free(d.configured);
	if (r < 0) {
		struct hk_err e = { 0 };
		hk_lab_destroy(st, lab->name, ops, &e); /* the first error is the one to tell */
	}
	if (ret_stats)
		*ret_stats = stats;
	return r;
}
