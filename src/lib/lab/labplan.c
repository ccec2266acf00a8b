// SPDX-License-Identifier: MIT
/*
 * The kernel objects of a lab (see lab.h): names, ifindexes, and the check that none of
 * them exists yet. Names: the node NODE of lab LAB lives in the network namespace
 * "LAB-NODE" (its container, if any, is named the same), so two labs with the same node
 * names do not meet; the interfaces keep their own names inside it. A vm node's VM is named
 * the same; per interface IF its namespace also holds the tap "IF-tap" of the guest's NIC
 * and the bridge "IF-br" joining the two (IF cut to fit 15 bytes).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/digest.h"
#include "base/vec.h"
#include "lab.h"
#include "netns.h"
#include "store.h"

/* A vm node's taps and bridges: after its interfaces' ifindexes, no two names alike. */
static int plan_vm(const struct hk_lab *lab, struct hk_lab_node *nd, struct hk_err *err)
{
	if (strlen(nd->netns) > HK_CT_NAME_MAX)
		return hk_err_usage(err, "lab '%s': node '%s': the vm name '%s' is longer than %d",
				    lab->name, nd->name, nd->netns, HK_CT_NAME_MAX);
	snprintf(nd->vmname, sizeof(nd->vmname), "%s", nd->netns);
	for (size_t k = 0; k < nd->nifs; k++) {
		struct hk_lab_if *f = &nd->ifs[k];
		snprintf(f->tap, sizeof(f->tap), "%.11s-tap", f->name);
		snprintf(f->br, sizeof(f->br), "%.12s-br", f->name);
		f->br_index = HK_LAB_IFINDEX_BASE + (int)(nd->nifs + k);
	}
	for (size_t k = 0; k < nd->nifs; k++) {
		const char *mine[] = { nd->ifs[k].tap, nd->ifs[k].br };
		for (size_t j = 0; j < nd->nifs; j++) {
			const struct hk_lab_if *g = &nd->ifs[j];
			const char *other[] = { g->name, j != k ? g->tap : "",
						j != k ? g->br : "" };
			for (int a = 0; a < 2; a++)
				for (int b = 0; b < 3; b++)
					if (!strcmp(mine[a], other[b]))
						return hk_err_usage(
							err,
							"lab '%s': vm node '%s': interface '%s' "
							"needs a device '%s', which interface '%s' "
							"takes: rename one",
							lab->name, nd->name, nd->ifs[k].name,
							mine[a], g->name);
		}
	}
	return 0;
}

/* The management network's name, and per linux node here its lease key and host veth end:
 * derived from the lab's and the node's names (sha256), so a destroy after a crash finds
 * them, and two labs never share one. */
static void plan_mgmt(struct hk_lab *lab)
{
	struct hk_lab_mgmt *g = &lab->mgmt;
	g->used = false;
	if (g->network[0])
		snprintf(g->net, sizeof(g->net), "%s", g->network);
	else if (strlen(lab->name) + 5 <= HK_LAB_NET_MAX)
		snprintf(g->net, sizeof(g->net), "%s-mgmt", lab->name);
	else {
		uint32_t h = 2166136261u; /* FNV-1a: a stable short name */
		for (const char *s = lab->name; *s; s++)
			h = (h ^ (uint8_t)*s) * 16777619u;
		snprintf(g->net, sizeof(g->net), "%.18s-%08x-mgmt", lab->name, h);
	}
	for (size_t i = 0; i < lab->nnodes; i++) {
		struct hk_lab_node *nd = &lab->nodes[i];
		nd->mgmt = nd->kind == HK_LAB_LINUX && !nd->remote && !nd->no_mgmt;
		nd->mgmt_id[0] = nd->mgmt_hostif[0] = 0;
		if (!nd->mgmt)
			continue;
		g->used = true;
		struct hk_sha256 h;
		char d[HK_DIGEST_MAX];
		hk_sha256_init(&h);
		hk_sha256_update(&h, "hako-lab-mgmt:", 14);
		hk_sha256_update(&h, lab->name, strlen(lab->name));
		hk_sha256_update(&h, "/", 1);
		hk_sha256_update(&h, nd->name, strlen(nd->name));
		hk_sha256_final(&h, d);
		snprintf(nd->mgmt_id, sizeof(nd->mgmt_id), "%.16s", d + strlen(HK_DIGEST_PREFIX));
		snprintf(nd->mgmt_hostif, sizeof(nd->mgmt_hostif), "hkl%.12s", nd->mgmt_id);
	}
}

int hk_lab_plan(struct hk_lab *lab, struct hk_err *err)
{
	if (lab->nhosts && !lab->self[0])
		return hk_err_usage(err, "lab '%s' spans %zu hosts: deploy it with --host NAME",
				    lab->name, lab->nhosts);
	if (lab->self[0] && !hk_lab_host_find(lab, lab->self))
		return hk_err_usage(err, "lab '%s': no host '%s' in topology.hosts", lab->name,
				    lab->self);
	for (size_t i = 0; i < lab->nnodes; i++) {
		struct hk_lab_node *nd = &lab->nodes[i];
		int next = HK_LAB_IFINDEX_BASE;
		nd->netns[0] = nd->ctname[0] = nd->vmname[0] = 0;
		nd->remote = lab->self[0] && nd->host[0] && strcmp(nd->host, lab->self);
		if (nd->remote) {
			for (size_t k = 0; k < nd->nifs; k++)
				nd->ifs[k].index = 0;
			continue;
		}
		if (nd->kind != HK_LAB_HOST) {
			snprintf(nd->netns, sizeof(nd->netns), "%s-%s", lab->name, nd->name);
			if (hk_parse_netns_name(nd->netns, err) < 0)
				return hk_err_prefix(err, "lab '%s': node '%s'", lab->name,
						     nd->name);
		}
		if (nd->kind == HK_LAB_LINUX) {
			if (strlen(nd->netns) >= sizeof(nd->ctname))
				return hk_err_usage(err,
						    "lab '%s': node '%s': the container name '%s' "
						    "is longer than 63",
						    lab->name, nd->name, nd->netns);
			snprintf(nd->ctname, sizeof(nd->ctname), "%s", nd->netns);
		}
		if (nd->kind == HK_LAB_BRIDGE) {
			if (hk_parse_ifname(nd->name, err) < 0)
				return hk_err_prefix(err, "lab '%s': bridge node '%s'", lab->name,
						     nd->name);
			for (size_t k = 0; k < nd->nifs; k++)
				if (!strcmp(nd->ifs[k].name, nd->name) && nd->ifs[k].link >= 0)
					return hk_err_usage(err,
							    "lab '%s': bridge '%s' has a port of "
							    "its own name",
							    lab->name, nd->name);
			next++; /* HK_LAB_IFINDEX_BASE: the bridge itself */
		}
		for (size_t k = 0; k < nd->nifs; k++) {
			struct hk_lab_if *f = &nd->ifs[k];
			if (nd->kind == HK_LAB_HOST)
				f->index = 0;
			else if (nd->kind == HK_LAB_BRIDGE && !strcmp(f->name, nd->name))
				f->index = HK_LAB_IFINDEX_BASE;
			else
				f->index = next++;
		}
		if (nd->kind == HK_LAB_VM) {
			int r = plan_vm(lab, nd, err);
			if (r < 0)
				return r;
		}
	}
	plan_mgmt(lab);
	return 0;
}

static int push(struct hk_labobj_row **v, size_t *n, size_t *cap, const char *kind,
		const char *name, const char *node)
{
	if (hk_vec_grow(v, *n, cap, 64) < 0)
		return -ENOMEM;
	struct hk_labobj_row *o = &(*v)[(*n)++];
	memset(o, 0, sizeof(*o));
	snprintf(o->kind, sizeof(o->kind), "%s", kind);
	/* names are checked against these sizes when the file is read; a longer one is a bug */
	if (snprintf(o->name, sizeof(o->name), "%s", name) >= (int)sizeof(o->name) ||
	    snprintf(o->node, sizeof(o->node), "%s", node) >= (int)sizeof(o->node))
		return -ENAMETOOLONG;
	return 0;
}

int hk_lab_plan_objects(const struct hk_lab *lab, struct hk_labobj_row **ret, size_t *ret_n,
			struct hk_err *err)
{
	struct hk_labobj_row *v = NULL;
	size_t n = 0, cap = 0;
	int r = 0;
	/* the management network first: removed last, after every lease on it */
	if (lab->mgmt.used && lab->mgmt.create)
		r = push(&v, &n, &cap, HK_LABOBJ_NET, lab->mgmt.net, "");
	for (size_t i = 0; r == 0 && i < lab->nnodes; i++)
		if (lab->nodes[i].netns[0])
			r = push(&v, &n, &cap, HK_LABOBJ_NETNS, lab->nodes[i].netns,
				 lab->nodes[i].name);
	for (size_t i = 0; r == 0 && i < lab->nnodes; i++) {
		const struct hk_lab_node *nd = &lab->nodes[i];
		for (size_t k = 0; r == 0 && nd->kind == HK_LAB_HOST && k < nd->nifs; k++)
			r = push(&v, &n, &cap, HK_LABOBJ_LINK, nd->ifs[k].name, nd->name);
	}
	for (size_t i = 0; r == 0 && i < lab->nnodes; i++) {
		const struct hk_lab_node *nd = &lab->nodes[i];
		char name[300];
		snprintf(name, sizeof(name), "%s/%s", lab->mgmt.net, nd->mgmt_id);
		if (nd->mgmt)
			r = push(&v, &n, &cap, HK_LABOBJ_MGMT, name, nd->name);
	}
	for (size_t i = 0; r == 0 && i < lab->nnodes; i++)
		if (lab->nodes[i].ctname[0])
			r = push(&v, &n, &cap, HK_LABOBJ_CT, lab->nodes[i].ctname,
				 lab->nodes[i].name);
	/* a vm node: its bridges, its taps (made by the VM's run), the VM */
	for (size_t i = 0; r == 0 && i < lab->nnodes; i++) {
		const struct hk_lab_node *nd = &lab->nodes[i];
		if (!nd->vmname[0])
			continue;
		for (int pass = 0; pass < 2; pass++) {
			for (size_t k = 0; r == 0 && k < nd->nifs; k++) {
				char name[300];
				snprintf(name, sizeof(name), "%s/%s", nd->netns,
					 pass ? nd->ifs[k].tap : nd->ifs[k].br);
				r = push(&v, &n, &cap, HK_LABOBJ_NSLINK, name, nd->name);
			}
		}
		if (r == 0)
			r = push(&v, &n, &cap, HK_LABOBJ_VM, nd->vmname, nd->name);
	}
	if (r < 0) {
		free(v);
		return hk_err_sys(err, r, "lab '%s'", lab->name);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int hk_lab_plan_check_free(const struct hk_lab *lab, struct hk_err *err)
{
	for (size_t i = 0; i < lab->nnodes; i++) {
		const struct hk_lab_node *nd = &lab->nodes[i];
		char path[300];
		snprintf(path, sizeof(path), "%s/%s", HK_NETNS_DIR, nd->netns);
		if (nd->remote)
			continue;
		if (nd->netns[0] && access(path, F_OK) == 0)
			return hk_err_usage(err,
					    "lab '%s': node '%s': network namespace '%s' already "
					    "exists",
					    lab->name, nd->name, nd->netns);
		if (nd->mgmt && if_nametoindex(nd->mgmt_hostif))
			return hk_err_usage(err,
					    "lab '%s': node '%s': the host already has a device "
					    "'%s' (its management veth)",
					    lab->name, nd->name, nd->mgmt_hostif);
		for (size_t k = 0; nd->kind == HK_LAB_HOST && k < nd->nifs; k++)
			if (if_nametoindex(nd->ifs[k].name))
				return hk_err_usage(
					err,
					"lab '%s': endpoint '%s:%s': the host already has "
					"a device '%s'",
					lab->name, nd->name, nd->ifs[k].name, nd->ifs[k].name);
	}
	return 0;
}
