/* SPDX-License-Identifier: MIT */
/*
 * hako networks: Docker-style bridge and macvlan networks over the state database
 * (store_net.h), the kernel (netattach.c: bridges, veths, macvlans, addresses, routes) and
 * nftables (nat.h). network.c orchestrates; every change to networks and attachments runs
 * under one lock file (STATE/network.lock), since nat.h needs its callers serialized.
 *
 * Order of a change: validate everything (bad input: nothing changed) -> record it in the
 * store (the intent) -> apply it to the kernel and nftables -> on failure undo in reverse.
 * A hako killed half-way leaves a lease whose container the next command finds dead
 * (hk_ct_reconcile -> hk_network_ct_release): lease, ports, veth and nft rules go then.
 * A connect or disconnect of a running container killed half-way leaves a pending lease
 * (its owner dead), which hk_network_reconcile undoes on the next command. A network is
 * recorded "creating" before its bridge and rules exist and marked complete last; a remove
 * marks it "removing" first and deletes the row last: a create killed half-way is rolled
 * back, a remove killed half-way is finished, by the next command.
 */
#ifndef HK_NETWORK_H
#define HK_NETWORK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "store_net.h"

/* What a change did that the CLI reports once on stderr. */
struct hk_net_notes {
	bool forwarding4; /* net.ipv4.ip_forward was 0 and was set to 1 */
	bool forwarding6;
	char resolv[200]; /* "" or a warning about /etc/resolv.conf */
};

/* Validate a network to create (driver, names, subnets, gateway, range, parent, mtu) and
 * fill derived fields (the bridge's name). Bad input: usage class; nothing is touched. */
int hk_network_check(struct hk_net_row *n, struct hk_err *err);
/* Create: record (creating), then bridge + addresses + nft rules (+ forwarding), bridge up,
 * mark complete. */
int hk_network_create(struct hk_store *st, const struct hk_paths *p, struct hk_net_row *n,
		      struct hk_net_notes *notes, struct hk_err *err);
/* Remove: refused while containers are attached (naming them, -EBUSY); marks the row
 * removing, then nft rules, bridge, row. */
int hk_network_remove(struct hk_store *st, const struct hk_paths *p, const char *name,
		      struct hk_err *err);

/* The names options of a container (--dns, --dns-search, --dns-option): space separated,
 * NULL or "": the host's. */
struct hk_dns_conf {
	const char *servers;
	const char *search;
	const char *options;
};

#define HK_NET_PORTS_MAX 64

struct hk_net_attach {
	const char *net;
	const char *ip;			 /* static address or NULL */
	const char *ip6;		 /* static IPv6 address or NULL (a network with IPv6) */
	const char *aliases;		 /* space separated or "" */
	const struct hk_port_row *ports; /* host_port 0: one picked (a free one) */
	size_t n_ports;
	const struct hk_dns_conf *dns; /* NULL: the host's */
};

/* The text of a container's /etc/resolv.conf (out[cap]). embedded: the resolver's address
 * (resolver.h) as its only nameserver, else d's servers or the host's that a container can
 * reach (a warning in notes when there are none); search and options: d's, else the host's. */
void hk_network_resolv_text(const struct hk_dns_conf *d, bool embedded, char *out, size_t cap,
			    struct hk_net_notes *notes);

/* A route of an attachment that is not a hako container's: dst (len 0: the default route)
 * via gw (family 0: the network's gateway of dst's family). */
struct hk_net_route {
	struct hk_prefix dst;
	struct hk_prefix gw;
};

/* An attachment of something that is not a hako container (a CNI plugin's ADD, cni.h): the
 * lease is keyed by id (HK_CT_ID_LEN hex characters the caller derives from its own key),
 * the interface is ifname in the namespace netns_fd (the caller's), its host end hostif; the
 * routes are exactly routes[] (none when n_routes is 0: no default route either). No
 * /etc/hosts or resolv.conf is written. */
struct hk_net_ext {
	const char *id;
	int netns_fd;
	const char *ifname;
	const char *hostif;
	const struct hk_net_route *routes;
	size_t n_routes;
};

/* Connect running (or creating) container c to a network: lease, eth<N> in its namespace,
 * routes, published ports, /etc/hosts of every container on the network, resolv.conf, and
 * its DNS resolver (resolver.h) when it has none yet. */
int hk_network_connect(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *c,
		       const struct hk_net_attach *a, struct hk_net_notes *notes,
		       struct hk_err *err);
/* Disconnect c from net (NULL: from every network; what is already gone is no error). */
int hk_network_disconnect(struct hk_store *st, const struct hk_paths *p, const char *ct_id,
			  const char *net, struct hk_err *err);
/* The same for an attachment described by x (above); *ret: the lease made (addresses). A
 * hako killed half-way leaves a pending lease that hk_network_reconcile undoes. */
int hk_network_attach_ext(struct hk_store *st, const struct hk_paths *p,
			  const struct hk_net_attach *a, const struct hk_net_ext *x,
			  struct hk_lease_row *ret, struct hk_net_notes *notes, struct hk_err *err);
/* Undo the attachment id on net: published ports, the host veth (its peer goes with it),
 * the lease. Without a lease (gone, or never made) ifname is deleted in netns_fd when both
 * are given. What is already gone is no error: a second call returns 0. */
int hk_network_detach_ext(struct hk_store *st, const struct hk_paths *p, const char *net,
			  const char *id, int netns_fd, const char *ifname, struct hk_err *err);

/* For container.c: the container is going away (exited, removed, found dead). */
int hk_network_ct_release(struct hk_store *st, const struct hk_paths *p, const char *ct_id,
			  struct hk_err *err);

/* network_tap.c: a VM on a hako bridge network. Its lease is recorded under the VM's id
 * (hostif: the tap) as a container's is, so `network inspect` lists it, network rm refuses
 * while it is there, and hk_network_disconnect(id) / hk_network_reconcile undo it the same
 * way (the tap deleted by name when still there). */
struct hk_net_tap {
	const char *net;
	const char *id;			 /* the VM's id: the lease's owner key */
	const char *ifname;		 /* the tap to create on the host */
	const char *ip;			 /* static address or NULL */
	const struct hk_port_row *ports; /* published: host port -> the VM's address */
	size_t n_ports;
};
/* Lease an address (pending), create the tap (hk_tuntap_open: not persistent, it lives as
 * long as *ret_fd and the copies qemu is given), plug it into the bridge, mark the lease
 * complete. Fills *ret_net and *ret_lease. Bad input (a macvlan network, the tap name
 * taken, --ip taken or outside, a host port taken): usage class, nothing left. */
int hk_network_tap_connect(struct hk_store *st, const struct hk_paths *p,
			   const struct hk_net_tap *t, struct hk_net_row *ret_net,
			   struct hk_lease_row *ret_lease, int *ret_fd, struct hk_net_notes *notes,
			   struct hk_err *err);

/* Repair after a hako killed half-way through a connect or disconnect: every pending lease
 * (store_net.h) whose owner is dead is undone completely (nft port rules tagged
 * hako:NET:CT, host veth, container interface, lease, ports, /etc/hosts). Cheap when there
 * is nothing to do (one query, no lock). Tried by hk_ct_reconcile, so by every command;
 * network commands fail with its error (a repair that keeps failing stops only them). */
int hk_network_reconcile(struct hk_store *st, const struct hk_paths *p, struct hk_err *err);
/* The same for networks (part of hk_network_reconcile): a row left "creating" by a dead hako
 * is rolled back (nft rules, bridge, row), one left "removing" is finished (the same). */
int hk_network_reconcile_nets(struct hk_store *st, const struct hk_paths *p, struct hk_err *err);

/* The resolv.conf of container id (out[cap], "" when it has none): for one that joins its
 * network namespace (--network container:NAME), whose resolver serves it too. */
void hk_network_ct_resolv(const struct hk_paths *p, const char *id, char *out, size_t cap);

/* Rewrite RUN/<id>/hosts of every container on net (write in place: it is bind mounted). */
int hk_network_hosts_update(struct hk_store *st, const struct hk_paths *p, const char *net,
			    struct hk_err *err);

/* Internal to network*.c: the lock (an fd to close), and ensure with it held: the default
 * network "bridge" (device hako0, first free /24 of 10.123.0.0/16) is created on first use; a
 * recorded network's bridge and rules are made again when gone (after a reboot). */
int hk_network_lock(const struct hk_paths *p, struct hk_err *err);
int hk_network_ensure_locked(struct hk_store *st, const char *name, struct hk_net_row *ret,
			     struct hk_net_notes *notes, struct hk_err *err);

/* Internal to network*.c (network_tap.c), with the lock held: every host port of ports free
 * on the host (usage); ports' DNAT rules for lease l; undo attachment l completely (ports'
 * rules if ports, the host device, lease, /etc/hosts of the peers). */
int hk_network_ports_free(const struct hk_port_row *ports, size_t n, struct hk_err *err);
/* ... and a host port for each of ports without one (host_port 0: -p CTPORT, -P). */
int hk_network_ports_pick(struct hk_store *st, struct hk_port_row *ports, size_t n,
			  struct hk_err *err);
int hk_network_ports_nat(const struct hk_net_row *n, const struct hk_lease_row *l,
			 const struct hk_port_row *ports, size_t np, struct hk_err *err);
int hk_network_detach_locked(struct hk_store *st, const struct hk_paths *p,
			     const struct hk_lease_row *l, bool ports, struct hk_err *err);

/* netattach.c: the kernel side. */
/* Create the bridge with its gateway addresses and MTU (existing: fine); up: also set it up,
 * which apply() does last, after the nft rules: an up bridge marks a complete network. */
int hk_netattach_bridge_up(const struct hk_net_row *n, bool up, struct hk_err *err);
int hk_netattach_bridge_down(const struct hk_net_row *n, struct hk_err *err);
/* The bridge exists and is up (true for drivers without one). */
bool hk_netattach_bridge_ready(const struct hk_net_row *n);
/* Create lease->ifname in the namespace netns_fd (veth peer on the bridge / macvlan child
 * of the parent), address it, bring it up, default route via the gateway if none yet (x:
 * x->routes instead). */
int hk_netattach_ct(const struct hk_net_row *n, const struct hk_lease_row *lease, int netns_fd,
		    const struct hk_net_ext *x, struct hk_err *err);
/* Enslave the host device ifname (a VM's tap) to n's bridge, with n's MTU, and set it up. */
int hk_netattach_port(const struct hk_net_row *n, const char *ifname, struct hk_err *err);
/* Delete a host-side device by name; absent is fine. */
int hk_netattach_del(const char *ifname, struct hk_err *err);
/* Delete a device inside the namespace netns_fd; absent is fine. */
int hk_netattach_ct_del(int netns_fd, const char *ifname, struct hk_err *err);
/* The host's IPv4 addresses (to keep automatic subnets away from them). */
int hk_netattach_host_prefixes(struct hk_prefix **ret, size_t *ret_n, struct hk_err *err);

#endif
