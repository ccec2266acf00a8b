// SPDX-License-Identifier: MIT
/* hako networks: validation, create/remove, connect/disconnect (see network.h). */
#include "network.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/proc.h"
#include "ifindex.h"
#include "netlink.h"
#include "store.h"
#include "ipam.h"
#include "nat.h"
#include "testpoint.h"

int hk_network_lock(const struct hk_paths *p, struct hk_err *err)
{
	char path[HK_PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/network.lock", p->state);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return hk_err_sys(err, -errno, "lock '%s'", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = -errno;
			close(fd);
			return hk_err_sys(err, e, "lock '%s'", path);
		}
	}
	return fd;
}

static int check_subnets(const struct hk_net_row *n, struct hk_err *err)
{
	struct hk_prefix sub, range, gw;
	struct hk_ipam_pool pool;
	int r = 0;
	if (n->subnet[0]) {
		r = hk_parse_prefix(n->subnet, AF_INET, &sub, err);
		if (r == 0 && n->iprange[0])
			r = hk_parse_prefix(n->iprange, AF_INET, &range, err);
		if (r == 0 && n->gateway[0])
			r = hk_parse_addr(n->gateway, AF_INET, &gw, err);
		if (r == 0)
			r = hk_ipam_pool_init(&pool, &sub, n->iprange[0] ? &range : NULL,
					      n->gateway[0] ? &gw : NULL, false, err);
	} else if (n->gateway[0] || n->iprange[0]) {
		r = hk_err_usage(err, "--gateway and --ip-range need --subnet");
	}
	if (r == 0 && n->subnet6[0]) {
		r = hk_parse_prefix(n->subnet6, AF_INET6, &sub, err);
		if (r == 0 && n->gateway6[0])
			r = hk_parse_addr(n->gateway6, AF_INET6, &gw, err);
		if (r == 0)
			r = hk_ipam_pool_init(&pool, &sub, NULL, n->gateway6[0] ? &gw : NULL, false,
					      err);
	}
	if (r < 0)
		hk_err_class_set(err, HK_ERR_USAGE);
	return r;
}

/* dflt: the default network, made by hako itself under its reserved name */
static int check_row(struct hk_net_row *n, bool dflt, struct hk_err *err)
{
	if (hk_nat_check_name(n->name, "network name", err) < 0)
		return -EINVAL;
	if (strlen(n->name) > HK_NET_NAME_MAX)
		return hk_err_usage(err, "network name '%s' is longer than %d bytes", n->name,
				    HK_NET_NAME_MAX);
	static const char *const reserved[] = { "none", "host", "new", HK_NET_DEFAULT, "default" };
	for (size_t i = 0; i < HK_ARRAY_SIZE(reserved) && !dflt; i++)
		if (!strcmp(n->name, reserved[i]))
			return hk_err_usage(err, "network name '%s' is reserved", n->name);
	if (!n->driver[0])
		strcpy(n->driver, "bridge");
	bool macvlan = !strcmp(n->driver, "macvlan");
	if (!macvlan && strcmp(n->driver, "bridge"))
		return hk_err_usage(err, "unknown driver '%s' (bridge or macvlan)", n->driver);
	if (n->mtu && (n->mtu < 68 || n->mtu > 65535))
		return hk_err_usage(err, "--mtu %u: expected 68..65535", n->mtu);
	if (macvlan) {
		if (!n->parent[0])
			return hk_err_usage(err, "the macvlan driver needs --parent DEV");
		if (!n->subnet[0])
			return hk_err_usage(err, "the macvlan driver needs --subnet (the parent's "
						 "network)");
		if (hk_parse_ifname(n->parent, err) < 0)
			return -EINVAL;
		_cleanup_nl_ struct hk_nl *nl = NULL;
		int idx;
		struct hk_err e;
		if (hk_nl_open(&nl, -1, err) < 0)
			return -EIO;
		if (hk_link_index(nl, n->parent, &idx, &e) < 0)
			return hk_err_usage(err, "--parent '%s': no such device", n->parent);
		n->bridge[0] = 0;
	} else {
		if (n->parent[0])
			return hk_err_usage(err, "--parent is only for the macvlan driver");
		if (!strcmp(n->name, HK_NET_DEFAULT))
			strcpy(n->bridge, HK_NET_DEFAULT_BRIDGE);
		else if (strlen(n->name) <= 12)
			snprintf(n->bridge, sizeof(n->bridge), "hk-%s", n->name);
		else {
			uint32_t h = 2166136261u; /* FNV-1a: a stable short name */
			for (const char *s = n->name; *s; s++)
				h = (h ^ (uint8_t)*s) * 16777619u;
			snprintf(n->bridge, sizeof(n->bridge), "hk-%08x", h);
		}
	}
	return check_subnets(n, err);
}

int hk_network_check(struct hk_net_row *n, struct hk_err *err)
{
	return check_row(n, false, err);
}

static int nat_net(const struct hk_net_row *n, struct hk_nat_net *nn, struct hk_err *err)
{
	memset(nn, 0, sizeof(*nn));
	nn->name = n->name;
	nn->bridge = n->bridge;
	nn->internal = n->internal;
	nn->no_masq = n->no_masq;
	int r = hk_parse_prefix(n->subnet, AF_INET, &nn->subnet4, err);
	if (r == 0 && n->subnet6[0])
		r = hk_parse_prefix(n->subnet6, AF_INET6, &nn->subnet6, err);
	return r;
}

/* Bridge (ignoring router advertisements), addresses, nft rules, forwarding, and last the
 * bridge up: idempotent. For a recorded (complete) network whose bridge is absent or down (a
 * reboot, or a hako killed while re-applying) hk_network_ensure_locked applies it all again
 * on the next use. */
static int apply(const struct hk_net_row *n, struct hk_net_notes *notes, struct hk_err *err)
{
	if (strcmp(n->driver, "bridge"))
		return 0;
	int r = hk_netattach_bridge_up(n, false, err);
	if (r < 0)
		return r;
	hk_test_point("network-bridged");
	_cleanup_nat_ struct hk_nat *nat = NULL;
	struct hk_nat_net nn;
	r = nat_net(n, &nn, err);
	if (r == 0)
		r = hk_nat_open(&nat, -1, err);
	if (r == 0)
		r = hk_nat_network_add(nat, &nn, err);
	hk_test_point("network-ruled");
	bool ch = false;
	if (r == 0 && !n->internal) {
		r = hk_nat_forwarding_ensure(nat, AF_INET, &ch, err);
		if (notes)
			notes->forwarding4 |= ch;
		if (r == 0 && n->subnet6[0]) {
			r = hk_nat_forwarding_ensure(nat, AF_INET6, &ch, err);
			if (notes)
				notes->forwarding6 |= ch;
		}
	}
	if (r == 0)
		r = hk_netattach_bridge_up(n, true, err);
	return r < 0 ? hk_err_prefix(err, "network '%s'", n->name) : 0;
}

/* The network's nft rules (and published ports), then its bridge; what is gone is fine. */
static int unapply(const struct hk_net_row *n, struct hk_err *err)
{
	_cleanup_nat_ struct hk_nat *nat = NULL;
	struct hk_nat_net nn;
	if (strcmp(n->driver, "bridge"))
		return 0;
	int r = nat_net(n, &nn, err);
	if (r == 0)
		r = hk_nat_open(&nat, -1, err);
	if (r == 0)
		r = hk_nat_network_del(nat, &nn, err);
	hk_test_point("network-rm-unruled");
	if (r == 0)
		r = hk_netattach_bridge_down(n, err);
	hk_test_point("network-rm-unbridged");
	return r;
}

static void set_owner(struct hk_net_row *n, const char *state)
{
	snprintf(n->state, sizeof(n->state), "%s", state);
	n->owner_pid = state[0] ? getpid() : 0;
	n->owner_start = state[0] ? hk_proc_start_time(n->owner_pid) : 0;
}

/* The row goes in first, as "creating" (owner: this process), and is marked complete last:
 * a hako killed in between leaves a row that the next command rolls back (repair_locked). */
static int create_locked(struct hk_store *st, struct hk_net_row *n, struct hk_net_notes *notes,
			 struct hk_err *err)
{
	struct hk_prefix *avoid = NULL;
	size_t n_avoid = 0;
	set_owner(n, HK_NET_CREATING);
	int r = hk_netattach_host_prefixes(&avoid, &n_avoid, err);
	if (r == 0)
		r = hk_netstore_insert(st, n, avoid, n_avoid, err);
	free(avoid);
	if (r < 0)
		return r;
	hk_test_point("network-recorded");
	r = apply(n, notes, err);
	hk_test_point("network-up");
	if (r == 0)
		r = hk_netstore_set_state(st, n->name, "", 0, 0, err);
	if (r < 0) {
		struct hk_err e;
		if (unapply(n, &e) == 0)
			hk_netstore_delete(st, n->name, &e);
		return r;
	}
	set_owner(n, "");
	hk_test_point("network-created");
	return 0;
}

/* Undo a network left half-made (rolled back) or half-removed (finished) by a hako that
 * died: its rules, its bridge, its row. With the lock held. */
static int repair_locked(struct hk_store *st, const struct hk_net_row *n, struct hk_err *err)
{
	int r = unapply(n, err);
	return r < 0 ? r : hk_netstore_delete(st, n->name, err);
}

int hk_network_create(struct hk_store *st, const struct hk_paths *p, struct hk_net_row *n,
		      struct hk_net_notes *notes, struct hk_err *err)
{
	_cleanup_close_ int lock = hk_network_lock(p, err);
	return lock < 0 ? lock : create_locked(st, n, notes, err);
}

int hk_network_ensure_locked(struct hk_store *st, const char *name, struct hk_net_row *ret,
			     struct hk_net_notes *notes, struct hk_err *err)
{
	int r = hk_netstore_get(st, name, ret, err);
	if (r == 0 && ret->state[0]) {
		/* creating or removing, and we hold the lock: its owner died half-way */
		r = repair_locked(st, ret, err);
		if (r == 0)
			r = hk_netstore_get(st, name, ret, err);
	}
	if (r == -ENOENT && !strcmp(name, HK_NET_DEFAULT)) {
		hk_err_clear(err);
		memset(ret, 0, sizeof(*ret));
		strcpy(ret->name, HK_NET_DEFAULT);
		r = check_row(ret, true, err);
		/* made implicitly by a run, as Docker's: forwarding switched on without a word
		 * (a plain `hako run` prints nothing but its container's output) */
		struct hk_net_notes quiet = { 0 };
		r = r < 0 ? r : create_locked(st, ret, &quiet, err);
		if (notes)
			snprintf(notes->resolv, sizeof(notes->resolv), "%s", quiet.resolv);
		return r;
	}
	if (r == 0 && !hk_netattach_bridge_ready(ret))
		r = apply(ret, notes, err); /* recorded but gone (a reboot) or half-made: again */
	return r;
}

int hk_network_remove(struct hk_store *st, const struct hk_paths *p, const char *name,
		      struct hk_err *err)
{
	_cleanup_close_ int lock = hk_network_lock(p, err);
	if (lock < 0)
		return lock;
	struct hk_net_row n;
	pid_t self = getpid();
	int r = hk_netstore_get(st, name, &n, err);
	if (r == 0)
		r = hk_netstore_set_state(st, name, HK_NET_REMOVING, self, hk_proc_start_time(self),
					  err);
	hk_test_point("network-rm-marked");
	if (r == 0)
		r = repair_locked(st, &n, err);
	return r;
}

int hk_network_reconcile_nets(struct hk_store *st, const struct hk_paths *p, struct hk_err *err)
{
	struct hk_net_row *n = NULL;
	size_t nn = 0;
	bool dead = false;
	int r = hk_netstore_pending_nets(st, &n, &nn, err);
	for (size_t i = 0; r == 0 && i < nn; i++)
		dead |= !hk_proc_alive(n[i].owner_pid, n[i].owner_start);
	free(n);
	if (r < 0 || !dead)
		return r;
	_cleanup_close_ int lock = hk_network_lock(p, err);
	if (lock < 0)
		return lock;
	/* rows change state only under the lock: every pending one is a dead hako's now */
	r = hk_netstore_pending_nets(st, &n, &nn, err);
	for (size_t i = 0; r == 0 && i < nn; i++)
		if ((r = repair_locked(st, &n[i], err)) < 0)
			hk_err_prefix(err, "repair of network '%s' (%s)", n[i].name, n[i].state);
	free(n);
	return r;
}
