// SPDX-License-Identifier: MIT
/*
 * A VM's tap on a hako bridge network (network.h). The order is a container's (network_ct.c):
 * the lease is recorded pending (owner: this process) before the tap exists, and marked
 * complete last, so a hako killed in between leaves a pending lease hk_network_reconcile
 * undoes; the tap itself needs no undo then, since it dies with the last fd.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/proc.h"
#include "link.h"
#include "network.h"
#include "testpoint.h"

static int tap_locked(struct hk_store *st, const struct hk_paths *p, const struct hk_net_tap *t,
		      struct hk_net_row *n, struct hk_lease_row *l, int *ret_fd,
		      struct hk_net_notes *notes, struct hk_err *err)
{
	int r = hk_network_ensure_locked(st, t->net, n, notes, err);
	if (r < 0)
		return r;
	if (strcmp(n->driver, "bridge"))
		return hk_err_usage(err,
				    "network '%s' is a %s network: a VM joins its parent with "
				    "--macvtap %s",
				    n->name, n->driver, n->parent);
	if (t->n_ports && n->internal)
		return hk_err_usage(err, "network '%s' is internal: no ports can be published",
				    n->name);
	struct hk_port_row ports[HK_NET_PORTS_MAX]; /* with the host ports picked */
	if (t->n_ports > HK_NET_PORTS_MAX)
		return hk_err_usage(err, "too many published ports (at most %d)", HK_NET_PORTS_MAX);
	if (t->n_ports)
		memcpy(ports, t->ports, t->n_ports * sizeof(*ports));
	if ((r = hk_network_ports_pick(st, ports, t->n_ports, err)) < 0 ||
	    (r = hk_network_ports_free(ports, t->n_ports, err)) < 0)
		return r;
	if (if_nametoindex(t->ifname)) {
		hk_err_usage(err, "tap '%s': a device of that name already exists", t->ifname);
		return err->code = -EEXIST;
	}
	memset(l, 0, sizeof(*l));
	snprintf(l->net, sizeof(l->net), "%s", n->name);
	snprintf(l->ct, sizeof(l->ct), "%s", t->id);
	snprintf(l->ifname, sizeof(l->ifname), "eth0");
	snprintf(l->hostif, sizeof(l->hostif), "%s", t->ifname);
	l->owner_pid = getpid();
	l->owner_start = hk_proc_start_time(l->owner_pid);
	r = hk_netstore_lease(st, l, t->ip, ports, t->n_ports, err);
	if (r < 0)
		return hk_err_prefix(err, "network '%s'", n->name);
	hk_test_point("vm-leased");
	_cleanup_close_ int fd = hk_tuntap_open(t->ifname, err);
	r = fd < 0 ? fd : hk_netattach_port(n, t->ifname, err);
	if (r == 0 && t->n_ports)
		r = hk_network_ports_nat(n, l, ports, t->n_ports, err);
	if (r == 0)
		r = hk_network_hosts_update(st, p, n->name, err);
	if (r == 0)
		r = hk_netstore_set_owner(st, n->name, t->id, 0, 0, err);
	if (r < 0) {
		struct hk_err e;
		if (fd >= 0) {
			close(fd); /* the tap goes with it */
			fd = -1;
		}
		hk_network_detach_locked(st, p, l, t->n_ports > 0, &e);
		return hk_err_prefix(err, "network '%s'", n->name);
	}
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int hk_network_tap_connect(struct hk_store *st, const struct hk_paths *p,
			   const struct hk_net_tap *t, struct hk_net_row *ret_net,
			   struct hk_lease_row *ret_lease, int *ret_fd, struct hk_net_notes *notes,
			   struct hk_err *err)
{
	_cleanup_close_ int lock = hk_network_lock(p, err);
	return lock < 0 ? lock : tap_locked(st, p, t, ret_net, ret_lease, ret_fd, notes, err);
}
