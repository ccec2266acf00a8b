/* SPDX-License-Identifier: MIT */
/*
 * Networks, address leases and published ports in the state database (store_net.c, over
 * store.c's connection). Every change is one IMMEDIATE transaction, so two hako commands
 * allocating at once serialize in SQLite and the UNIQUE (net, addr) constraint is the last
 * word on which address is whose. Addresses are kept as text ("10.123.0.2", subnets with
 * "/len").
 */
#ifndef HK_STORE_NET_H
#define HK_STORE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/parse.h"
#include "store.h"

/* From store.h (declared here so this header stands on its own). */
struct hk_store;
struct hk_paths;
struct hk_ct_row;

#define HK_NET_NAME_MAX 32
#define HK_NET_DEFAULT "bridge" /* the default network, created on first use */
#define HK_NET_DEFAULT_BRIDGE "hako0"
#define HK_NET_CREATING "creating" /* states of a network row; "" is a complete network */
#define HK_NET_REMOVING "removing"

struct hk_net_row {
	char name[HK_NET_NAME_MAX + 1];
	char driver[16]; /* "bridge" or "macvlan" */
	char bridge[16]; /* bridge driver: the bridge device */
	char parent[16]; /* macvlan driver: the lower device */
	char subnet[64], gateway[64], iprange[64];
	char subnet6[64], gateway6[64]; /* "" without IPv6 */
	bool internal;
	bool no_masq;	   /* traffic leaving the host keeps its source address (no masquerade) */
	bool no_bridge_gw; /* the bridge gets no gateway address (a router outside does it) */
	uint32_t mtu;	   /* 0: the kernel's default */
	char last[64], last6[64];
	int64_t created;
	/* "" (complete), HK_NET_CREATING or HK_NET_REMOVING while the hako (owner_pid,
	 * owner_start) makes or removes it; a row left so by a dead owner is undone (creating)
	 * or finished (removing) by the next command (hk_network_reconcile). */
	char state[12];
	pid_t owner_pid;
	uint64_t owner_start;
};

struct hk_lease_row {
	char net[HK_NET_NAME_MAX + 1];
	char ct[HK_CT_ID_LEN + 1];
	char ct_name[HK_CT_NAME_MAX + 1]; /* from the containers (or vms) table, "" if gone */
	char addr[64], addr6[64];	  /* addresses without /len; addr6 "" without IPv6 */
	char ifname[16];		  /* in the container: eth0, eth1, ... */
	char hostif[16];		  /* the host's veth end, "" for macvlan */
	char aliases[256];		  /* space separated */
	/* Pending: owner_pid != 0 while a hako (pid, start time) makes or undoes this
	 * attachment. A pending lease whose owner is dead is undone by the next command
	 * (hk_network_reconcile); a complete one has owner_pid 0. */
	pid_t owner_pid;
	uint64_t owner_start;
};

struct hk_port_row {
	char ct[HK_CT_ID_LEN + 1];
	char net[HK_NET_NAME_MAX + 1];
	char proto[4];	  /* "tcp" or "udp" */
	char host_ip[64]; /* "" any address */
	uint16_t host_port;
	uint16_t ct_port;
};

/* Insert a network, with n's state and owner. subnet "" picks a free /24 from ipam's default
 * pool avoiding avoid[] (the host's own addresses) and every other network; a given subnet
 * must not overlap another network's ("subnet 10.1.0.0/24 overlaps network 'a'
 * (10.1.0.0/16)", usage). Fills in the subnet and gateway chosen. Name taken: -EEXIST. */
int hk_netstore_insert(struct hk_store *st, struct hk_net_row *n, const struct hk_prefix *avoid,
		       size_t n_avoid, struct hk_err *err);
/* -ENOENT "no such network: NAME" (class not found). */
int hk_netstore_get(struct hk_store *st, const char *name, struct hk_net_row *ret,
		    struct hk_err *err);
int hk_netstore_list(struct hk_store *st, struct hk_net_row **ret, size_t *ret_n,
		     struct hk_err *err);
/* Remove a network row; refused with -EBUSY naming the containers while leases remain. */
int hk_netstore_delete(struct hk_store *st, const char *name, struct hk_err *err);
/* Set a network's state and owner ("" and 0: complete). HK_NET_REMOVING is refused like
 * hk_netstore_delete while leases remain, in the same transaction. */
int hk_netstore_set_state(struct hk_store *st, const char *name, const char *state, pid_t pid,
			  uint64_t start, struct hk_err *err);
/* Every network being made or removed (state != ""), with its owner. */
int hk_netstore_pending_nets(struct hk_store *st, struct hk_net_row **ret, size_t *ret_n,
			     struct hk_err *err);

/* Lease an address on net for container ct (static ip, or NULL for the next free one; the
 * same for IPv6 with lease->addr6 "" or the static address wanted) and
 * record its ports (their ct field is ignored), all in one transaction. Fills lease->addr
 * (and addr6 when the network has IPv6). Errors: address taken or outside the subnet,
 * subnet exhausted (-ENOSPC), a host port already published (-EADDRINUSE), the container
 * already on net (-EEXIST). */
int hk_netstore_lease(struct hk_store *st, struct hk_lease_row *lease, const char *ip,
		      const struct hk_port_row *ports, size_t n_ports, struct hk_err *err);
/* Leases of net (NULL: all) and container ct (NULL: all). */
int hk_netstore_leases(struct hk_store *st, const char *net, const char *ct,
		       struct hk_lease_row **ret, size_t *ret_n, struct hk_err *err);
/* Set the owner of ct's lease on net (NULL: every network of ct); pid 0 marks it complete. */
int hk_netstore_set_owner(struct hk_store *st, const char *net, const char *ct, pid_t pid,
			  uint64_t start, struct hk_err *err);
/* *ret: no lease at all and no network half-made or half-removed, so neither a reconcile nor
 * a disconnect has anything to do. One light query (no join, no sort) where those make
 * three or four: the common case of a state with no network in use (hako-runtime's root,
 * --network none). */
int hk_netstore_idle(struct hk_store *st, bool *ret, struct hk_err *err);
/* Every pending lease (owner_pid != 0), with its owner. */
int hk_netstore_pending(struct hk_store *st, struct hk_lease_row **ret, size_t *ret_n,
			struct hk_err *err);
/* Drop ct's lease and ports on net (NULL: on every network). */
int hk_netstore_release(struct hk_store *st, const char *net, const char *ct, struct hk_err *err);
/* Ports of ct (NULL: all). */
int hk_netstore_ports(struct hk_store *st, const char *ct, struct hk_port_row **ret, size_t *ret_n,
		      struct hk_err *err);

/* The sqlite3 handle of st (store.c); only store*.c use it. */
void *hk_store_sqlite(struct hk_store *st);

#endif
