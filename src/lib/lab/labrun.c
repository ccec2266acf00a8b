// SPDX-License-Identifier: MIT
/* A running lab: status and runtime changes (see labrun.h). */
#include "labrun.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "base/cleanup.h"
#include "base/proc.h"
#include "ifindex.h"
#include "labct.h"
#include "link.h"
#include "netns.h"
#include "store.h"
#include "store_net.h"
#include "store_vm.h"

/* A socket in node's namespace (the host's for a host node). -ENOENT: it is gone. */
static int node_nl(const struct hk_lab_node *nd, struct hk_nl **ret, struct hk_err *err)
{
	int fd = -1;
	if (nd->netns[0]) {
		int r = hk_netns_open(nd->netns, &fd, err);
		if (r < 0)
			return r;
	}
	int r = hk_nl_open(ret, fd, err);
	if (fd >= 0)
		close(fd);
	return r;
}

static void peer_of(const struct hk_lab *lab, const struct hk_lab_node *nd,
		    const struct hk_lab_if *f, char *buf, size_t len)
{
	buf[0] = 0;
	if (f->link < 0)
		return;
	const struct hk_lab_link *l = &lab->links[f->link];
	for (int k = 0; k < 2; k++) {
		const struct hk_lab_node *o = &lab->nodes[l->ep[k].node];
		const struct hk_lab_if *g = &o->ifs[l->ep[k].iface];
		if (o != nd || g != f)
			snprintf(buf, len, "%s:%s", o->name, g->name);
	}
}

static int node_status(struct hk_store *st, const struct hk_lab *lab, const struct hk_lab_node *nd,
		       struct hk_lab_nodestat *s, struct hk_err *err)
{
	s->ifs = calloc(nd->nifs + 1, sizeof(*s->ifs));
	if (!s->ifs)
		return hk_err_sys(err, -ENOMEM, "lab");
	s->nifs = nd->nifs;
	for (size_t k = 0; k < nd->nifs; k++) {
		snprintf(s->ifs[k].name, sizeof(s->ifs[k].name), "%s", nd->ifs[k].name);
		peer_of(lab, nd, &nd->ifs[k], s->ifs[k].peer, sizeof(s->ifs[k].peer));
	}
	if (nd->remote) {
		snprintf(s->state, sizeof(s->state), "remote");
		return 0;
	}
	struct hk_lease_row *l = NULL;
	size_t nlease = 0;
	struct hk_err le;
	if (nd->mgmt && hk_netstore_leases(st, lab->mgmt.net, nd->mgmt_id, &l, &nlease, &le) == 0 &&
	    nlease) {
		snprintf(s->mgmt4, sizeof(s->mgmt4), "%s", l[0].addr);
		snprintf(s->mgmt6, sizeof(s->mgmt6), "%s", l[0].addr6);
	}
	free(l);
	struct hk_nl *nl = NULL;
	struct hk_err e;
	if (node_nl(nd, &nl, &e) < 0) {
		snprintf(s->state, sizeof(s->state), "missing");
		return 0;
	}
	snprintf(s->state, sizeof(s->state), "running");
	if (nd->kind == HK_LAB_LINUX) {
		struct hk_ct_row row;
		if (hk_store_get_name(st, nd->ctname, &row, &e) < 0)
			snprintf(s->state, sizeof(s->state), "stopped");
		else {
			if (strcmp(row.state, HK_CT_RUNNING))
				snprintf(s->state, sizeof(s->state), "stopped");
			hk_ct_row_free(&row);
		}
	}
	if (nd->kind == HK_LAB_VM) { /* its VM's state: running, stopped, or missing */
		struct hk_vm_row v;
		if (hk_vmstore_get_name(st, nd->vmname, &v, &e) < 0)
			snprintf(s->state, sizeof(s->state), "missing");
		else if (!strcmp(v.state, HK_VM_RUNNING) && !hk_proc_alive(v.pid, v.pid_start))
			/* qemu died since the store's last repair: it is stopped, whatever the
			 * row says (the next command records it) */
			snprintf(s->state, sizeof(s->state), "stopped");
		else
			snprintf(s->state, sizeof(s->state), "%s", v.state);
	}
	_cleanup_free_ struct hk_link_info *links = NULL;
	_cleanup_free_ struct hk_addr_info *addrs = NULL;
	size_t nlinks = 0, naddrs = 0;
	int r = hk_link_list(nl, NULL, &links, &nlinks, err);
	if (r == 0)
		r = hk_addr_list(nl, AF_UNSPEC, 0, &addrs, &naddrs, err);
	hk_nl_close(nl);
	if (r < 0)
		return r;
	for (size_t k = 0; k < nd->nifs; k++) {
		struct hk_lab_ifstat *f = &s->ifs[k];
		for (size_t i = 0; i < nlinks; i++) {
			if (strcmp(links[i].name, f->name))
				continue;
			f->present = true;
			f->up = links[i].flags & 1; /* IFF_UP */
			f->mtu = links[i].mtu;
			snprintf(f->operstate, sizeof(f->operstate), "%s",
				 hk_link_operstate_str(links[i].operstate));
			for (size_t a = 0; a < naddrs && f->naddr < HK_LAB_ADDR_MAX; a++)
				if (addrs[a].ifindex == links[i].index && addrs[a].scope == 0)
					f->addr[f->naddr++] = addrs[a].local;
			if (nd->kind == HK_LAB_VM) { /* the guest's, as the file gives them */
				f->naddr = nd->ifs[k].naddr;
				memcpy(f->addr, nd->ifs[k].addr, sizeof(f->addr));
			}
		}
	}
	return 0;
}

int hk_lab_status(struct hk_store *st, const struct hk_lab *lab, struct hk_lab_nodestat **ret,
		  struct hk_err *err)
{
	struct hk_lab_nodestat *s = calloc(lab->nnodes + 1, sizeof(*s));
	if (!s)
		return hk_err_sys(err, -ENOMEM, "lab");
	for (size_t i = 0; i < lab->nnodes; i++) {
		int r = node_status(st, lab, &lab->nodes[i], &s[i], err);
		if (r < 0) {
			hk_lab_status_free(s, lab->nnodes);
			return hk_err_prefix(err, "lab '%s': node '%s'", lab->name,
					     lab->nodes[i].name);
		}
	}
	*ret = s;
	return 0;
}

void hk_lab_status_free(struct hk_lab_nodestat *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i].ifs);
	free(s);
}

static int if_index(struct hk_nl *nl, const struct hk_lab_if *f, int *ret, struct hk_err *err)
{
	/* by name: a lab file edited since deploy cannot point at another device */
	return hk_link_index(nl, f->name, ret, err);
}

/* Bringing a device down makes the kernel drop the IPv4 routes through it; once it is up
 * again, the node's routes from the file are put back (replace: those still there stay).
 * A route whose gateway is behind another interface still down is left for that one. */
static int restore_routes(struct hk_nl *nl, const struct hk_lab_node *nd, struct hk_err *err)
{
	for (size_t i = 0; i < nd->nroutes; i++) {
		const struct hk_lab_route *rt = &nd->routes[i];
		int oif = 0;
		if (rt->req.dev[0] && hk_link_index(nl, rt->req.dev, &oif, err) < 0)
			continue;
		struct hk_route_req req = rt->req; /* a multipath route's hops: their devices */
		bool missing = false;
		for (size_t h = 0; h < req.nnh && !missing; h++)
			missing = req.nh[h].dev[0] &&
				  hk_link_index(nl, req.nh[h].dev, &req.nh[h].oif, err) < 0;
		if (missing)
			continue;
		struct hk_nlmsg m;
		hk_route_msg(&req, oif, HK_ROUTE_REPLACE, &m);
		int r = hk_nl_do(nl, &m, NULL, NULL, err);
		if (r < 0 && r != -ENETUNREACH && r != -ENETDOWN)
			return hk_err_prefix(err, "route '%s'", rt->text);
	}
	return 0;
}

int hk_lab_link_set(const struct hk_lab *lab, const struct hk_lab_ep *ep, enum hk_lab_link_op op,
		    uint64_t rate, struct hk_err *err)
{
	const struct hk_lab_node *nd = &lab->nodes[ep->node];
	const struct hk_lab_if *f = &nd->ifs[ep->iface];
	if (nd->remote)
		return hk_err_usage(err, "lab '%s': node '%s' runs on host '%s', not here",
				    lab->name, nd->name, nd->host);
	struct hk_nl *nl = NULL;
	int index = 0, r = node_nl(nd, &nl, err);
	if (r == 0)
		r = if_index(nl, f, &index, err);
	struct hk_nlmsg m;
	if (r == 0 && op != HK_LAB_LINK_RATE) {
		struct hk_link_req req = { .a = { .up = op == HK_LAB_LINK_UP } };
		struct hk_link_res res;
		hk_link_res_init(&res);
		res.index = index;
		snprintf(req.name, sizeof(req.name), "%s", f->name);
		r = hk_link_set_msg(&req, &res, &m, err);
		if (r == 0)
			r = hk_nl_do(nl, &m, NULL, NULL, err);
		if (r == 0 && op == HK_LAB_LINK_UP)
			r = restore_routes(nl, nd, err);
	} else if (r == 0) {
		struct hk_impair imp = { .rate = rate };
		if (rate)
			hk_qdisc_impair_msg(index, &imp, &m);
		else
			hk_qdisc_del_root_msg(index, &m);
		r = hk_nl_do(nl, &m, NULL, NULL, err);
		if (r == -ENOENT && !rate)
			r = 0; /* no qdisc of ours: nothing to remove */
	}
	hk_nl_close(nl);
	return r < 0 ? hk_err_prefix(err, "lab '%s': %s:%s", lab->name, nd->name, f->name) : 0;
}

int hk_lab_node_set(struct hk_store *st, const struct hk_lab *lab, size_t node, bool start,
		    const struct hk_lab_ops *ops, struct hk_err *err)
{
	const struct hk_lab_node *nd = &lab->nodes[node];
	if (nd->remote)
		return hk_err_usage(err, "lab '%s': node '%s' runs on host '%s', not here",
				    lab->name, nd->name, nd->host);
	int r = 0;
	if (nd->kind == HK_LAB_LINUX && (!ops || !ops->paths))
		r = hk_err_set(err, -EOPNOTSUPP, "no container runtime");
	else if (nd->kind == HK_LAB_LINUX && !start)
		r = hk_lab_ct_stop(st, ops->paths, nd->ctname, err);
	if (r == 0 && nd->kind == HK_LAB_LINUX && start && ops->ct_start) {
		r = hk_lab_ct_remove(st, ops->paths, nd->ctname, err);
		if (r == 0)
			r = ops->ct_start(ops->data, lab, nd, err);
	}
	for (size_t k = 0; r == 0 && k < nd->nifs; k++) {
		struct hk_lab_ep ep = { node, k };
		if (nd->ifs[k].link >= 0)
			r = hk_lab_link_set(lab, &ep, start ? HK_LAB_LINK_UP : HK_LAB_LINK_DOWN, 0,
					    err);
	}
	return r < 0 ? hk_err_prefix(err, "node '%s'", nd->name) : 0;
}

/* The egress qdisc the file gives endpoint f: its own rate, else the link's impairments. */
static struct hk_impair file_impair(const struct hk_lab *lab, const struct hk_lab_if *f)
{
	if (f->rate_set)
		return (struct hk_impair){ .rate = f->rate };
	return lab->links[f->link].imp;
}

struct edits {
	struct hk_lab_edit *v;
	size_t n, cap;
	char (*vals)[32]; /* the values' text, one per edit */
};

static int edit(struct edits *e, const char *node, const char *iface, const char *key,
		const char *value)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		struct hk_lab_edit *v = realloc(e->v, cap * sizeof(*v));
		char(*vals)[32] = v ? realloc(e->vals, cap * sizeof(*vals)) : NULL;
		if (v)
			e->v = v;
		if (!vals)
			return -ENOMEM;
		e->vals = vals;
		e->cap = cap;
	}
	snprintf(e->vals[e->n], sizeof(e->vals[0]), "%s", value);
	e->v[e->n] = (struct hk_lab_edit){ node, iface, key, NULL };
	e->n++;
	return 0;
}

/* The changes of node nd (its status s) against the file. */
static int node_edits(const struct hk_lab *lab, const struct hk_lab_node *nd,
		      const struct hk_lab_nodestat *s, struct edits *e, struct hk_err *err)
{
	int r = 0;
	if (nd->kind == HK_LAB_LINUX && strcmp(s->state, "missing")) {
		bool stopped = !strcmp(s->state, "stopped");
		if (stopped != nd->stopped)
			r = edit(e, nd->name, NULL, "state", stopped ? "stopped" : "running");
	}
	struct hk_nl *nl = NULL;
	if (r == 0 && (r = node_nl(nd, &nl, err)) < 0)
		return r == -ENOENT ? 0 : r;
	for (size_t k = 0; r == 0 && k < nd->nifs; k++) {
		const struct hk_lab_if *f = &nd->ifs[k];
		if (f->link < 0 || !s->ifs[k].present)
			continue;
		if (s->ifs[k].up == f->down)
			r = edit(e, nd->name, f->name, "state", s->ifs[k].up ? "up" : "down");
		int index;
		struct hk_qdisc_root q;
		if (r == 0 && (r = hk_link_index(nl, f->name, &index, err)) == 0)
			r = hk_qdisc_root_get(nl, index, &q, err);
		if (r < 0)
			break;
		struct hk_impair want = file_impair(lab, f);
		char buf[32];
		if (!strcmp(q.kind, "tbf") && (hk_impair_needs_netem(&want) || want.rate != q.rate))
			r = edit(e, nd->name, f->name, "rate",
				 hk_rate_str(q.rate, buf, sizeof(buf)));
		else if (strcmp(q.kind, "tbf") && strcmp(q.kind, "netem") && hk_impair_any(&want))
			r = edit(e, nd->name, f->name, "rate", "none");
	}
	hk_nl_close(nl);
	if (r == -ENOMEM)
		hk_err_sys(err, r, "lab");
	return r;
}

int hk_lab_save(struct hk_store *st, const struct hk_lab *lab, char **ret, struct hk_err *err)
{
	struct hk_lab_nodestat *s = NULL;
	int r = hk_lab_status(st, lab, &s, err);
	if (r < 0)
		return r;
	struct edits e = { 0 };
	for (size_t i = 0; r == 0 && i < lab->nnodes; i++) {
		const struct hk_lab_node *nd = &lab->nodes[i];
		/* an undeclared host node has no place in the file to write to */
		if (nd->remote || !nd->declared)
			continue;
		r = node_edits(lab, nd, &s[i], &e, err);
		if (r < 0)
			hk_err_prefix(err, "lab '%s': node '%s'", lab->name, nd->name);
	}
	hk_lab_status_free(s, lab->nnodes);
	for (size_t i = 0; i < e.n; i++)
		e.v[i].value = e.vals[i];
	if (r == 0 && !e.n && !(*ret = strdup(lab->text))) /* unchanged: the file as it was */
		r = hk_err_sys(err, -ENOMEM, "lab");
	else if (r == 0 && e.n)
		r = hk_lab_edit_text(lab, e.v, e.n, ret, err);
	free(e.v);
	free(e.vals);
	return r;
}
