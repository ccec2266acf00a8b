// SPDX-License-Identifier: MIT
/*
 * Destroying a lab (see lab.h): the record lists every object the deploy meant to make,
 * written before it made any; each is removed if it is there, newest first (VMs, then
 * their taps and bridges, containers, the host's devices, then the namespaces, whose devices
 * go with them), the management network's leases before it and it last, and the record
 * last. A VM goes first: its qemu holds its namespace. A destroy that
 * is itself killed leaves the record in "destroying" with a dead owner: the next destroy (or deploy
 * of the same name) finishes it.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/proc.h"
#include "base/testpoint.h"
#include "lab.h"
#include "labct.h"
#include "link.h"
#include "netns.h"
#include "network.h"
#include "vm.h"

/* A device in a lab namespace: "NETNS/DEVICE". Either gone: done. */
static int remove_nslink(const char *name, struct hk_err *err)
{
	char ns[256];
	const char *slash = strchr(name, '/');
	if (!slash || (size_t)(slash - name) >= sizeof(ns))
		return 0;
	snprintf(ns, sizeof(ns), "%.*s", (int)(slash - name), name);
	int fd, r = hk_netns_open(ns, &fd, err);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	struct hk_nl *nl = NULL;
	r = hk_nl_open(&nl, fd, err);
	close(fd);
	if (r < 0)
		return r;
	struct hk_nlmsg m;
	hk_link_del_msg(slash + 1, &m);
	r = hk_nl_do(nl, &m, NULL, NULL, err);
	hk_nl_close(nl);
	if (r == -ENODEV)
		return 0;
	return r < 0 ? hk_err_prefix(err, "link '%s': delete", name) : 0;
}

static int remove_one(struct hk_store *st, struct hk_nl **host, const struct hk_labobj_row *o,
		      const struct hk_lab_ops *ops, struct hk_err *err)
{
	int r = 0;
	if (!strcmp(o->kind, HK_LABOBJ_VM)) {
		if (!ops || !ops->paths)
			return hk_err_set(err, -EOPNOTSUPP, "vm '%s': no VM runtime", o->name);
		struct hk_vm_row v, gone;
		r = hk_vmstore_get_name(st, o->name, &v, err);
		if (r == 0) /* by its id: a name that begins another VM's id is not that VM */
			r = hk_vm_remove(st, ops->paths, v.id, true, &gone, err);
		if (r == -ENOENT)
			r = 0;
	} else if (!strcmp(o->kind, HK_LABOBJ_MGMT) || !strcmp(o->kind, HK_LABOBJ_NET)) {
		if (!ops || !ops->paths)
			return hk_err_set(err, -EOPNOTSUPP, "%s '%s': no network runtime", o->kind,
					  o->name);
		const char *slash = strchr(o->name, '/');
		char net[HK_NET_NAME_MAX + 1];
		snprintf(net, sizeof(net), "%.*s", slash ? (int)(slash - o->name) : 32, o->name);
		if (slash) /* a node's lease, its veth (its peer goes with it) */
			r = hk_network_detach_ext(st, ops->paths, net, slash + 1, -1, NULL, err);
		else if ((r = hk_network_remove(st, ops->paths, net, err)) == -ENOENT)
			r = 0;
		else if (r == -EBUSY)
			r = 0; /* another lab's nodes joined it since (mgmt.network): theirs now */
	} else if (!strcmp(o->kind, HK_LABOBJ_NSLINK)) {
		r = remove_nslink(o->name, err);
	} else if (!strcmp(o->kind, HK_LABOBJ_CT)) {
		if (!ops || !ops->paths)
			return hk_err_set(err, -EOPNOTSUPP, "container '%s': no container runtime",
					  o->name);
		r = hk_lab_ct_remove(st, ops->paths, o->name, err);
	} else if (!strcmp(o->kind, HK_LABOBJ_LINK)) {
		if (!*host && (r = hk_nl_open(host, -1, err)) < 0)
			return r;
		struct hk_nlmsg m;
		hk_link_del_msg(o->name, &m);
		r = hk_nl_do(*host, &m, NULL, NULL, err);
		if (r == -ENODEV)
			r = 0; /* gone with its peer's namespace, or never made */
		else if (r < 0)
			hk_err_prefix(err, "link '%s': delete", o->name);
	} else if (!strcmp(o->kind, HK_LABOBJ_NETNS)) {
		r = hk_netns_del(o->name, err);
		if (r == -ENOENT)
			r = 0;
	}
	return r;
}

int hk_lab_destroy(struct hk_store *st, const char *name, const struct hk_lab_ops *ops,
		   struct hk_err *err)
{
	struct hk_lab_row row;
	int r = hk_labstore_get(st, name, &row, err);
	if (r < 0)
		return r;
	pid_t self = getpid();
	bool busy = strcmp(row.state, HK_LAB_RUNNING) && row.owner_pid != self &&
		    hk_proc_alive(row.owner_pid, row.owner_start);
	pid_t owner = row.owner_pid;
	char state[16];
	snprintf(state, sizeof(state), "%s", row.state);
	hk_lab_row_free(&row);
	if (busy)
		return hk_err_set(err, -EBUSY, "lab '%s' is %s by process %d", name, state,
				  (int)owner);
	r = hk_labstore_set_state(st, name, HK_LAB_DESTROYING, self, hk_proc_start_time(self), err);
	_cleanup_free_ struct hk_labobj_row *objs = NULL;
	size_t n = 0;
	if (r == 0)
		r = hk_labstore_objects(st, name, &objs, &n, err);
	if (r < 0)
		return r;
	struct hk_nl *host = NULL;
	int first = 0;
	for (size_t i = n; i-- > 0;) {
		struct hk_err e = { 0 };
		int k = remove_one(st, &host, &objs[i], ops, &e);
		if (k < 0 && !first) {
			first = k;
			*err = e;
		}
		if (i == n / 2)
			hk_test_point("lab-destroy");
	}
	hk_nl_close(host);
	if (first < 0)
		return hk_err_prefix(err, "lab '%s': destroy", name);
	return hk_labstore_delete(st, name, err);
}

int hk_lab_open(struct hk_store *st, const char *name, struct hk_lab_row *ret_row,
		struct hk_lab *ret, struct hk_err *err)
{
	memset(ret, 0, sizeof(*ret));
	int r = hk_labstore_get(st, name, ret_row, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *dir = strdup(ret_row->file);
	if (!dir) {
		hk_lab_row_free(ret_row);
		return hk_err_sys(err, -ENOMEM, "lab");
	}
	r = hk_lab_parse(ret_row->file, dirname(dir), ret_row->text, ret, err);
	if (r == 0)
		snprintf(ret->self, sizeof(ret->self), "%.48s", ret_row->host);
	if (r == 0)
		r = hk_lab_plan(ret, err);
	if (r < 0) {
		hk_lab_row_free(ret_row);
		hk_lab_free(ret);
	}
	return r;
}
