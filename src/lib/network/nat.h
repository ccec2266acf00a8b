/* SPDX-License-Identifier: MIT */
/*
 * NAT and isolation for hako networks, through libnftables: the only module that includes
 * it. Everything hako does lives in its own table `inet hako` (inet nat needs kernel >= 5.2
 * and nft >= 0.9.1; both Debian 12 and this machine have it); no other table is ever listed
 * for change, flushed or touched. The table is created on first use and deleted when its last
 * rule goes, so `nft list ruleset` is back to what it was.
 *
 * The table:
 *   set bridges      type ifname: the bridge of every hako network (isolation)
 *   chain prerouting nat, prerouting, dstnat: published ports (from outside and from bridges)
 *   chain output     nat, output, -100: published ports for the host's own traffic,
 *                    including 127.0.0.1
 *   chain postrouting nat, postrouting, srcnat: masquerade, hairpin, localhost
 *   chain forward    filter, forward, 0: isolation between networks, --internal
 *   chain input      filter, input, 0: protection that comes with route_localnet
 *
 * Each rule carries a comment naming its owner, "hako:NET" for a network's rules and
 * "hako:NET:OWNER" for published ports (OWNER: the container, or any id the caller likes),
 * so removal is exact: the table is listed with handles and precisely those rules are
 * deleted, in one nftables transaction. Adding is also one transaction that first deletes
 * rules of the same owner, so re-adding repairs a half-done earlier attempt.
 *
 * Per network (bridge B, subnets S4/S6):
 *   forward     iifname B oifname != B oifname @bridges ct status ! dnat drop
 *               (no traffic between networks, except to published ports: those are open
 *               to the world through the uplink already, so they are to neighbours too)
 *   internal:   iifname B oifname != B drop; oifname B iifname != B drop   (no way out, none in)
 *   postrouting ip saddr S4 oifname != B masquerade                 (not for internal or
 *                                                                    no_masq; S6 too)
 *               oifname B ip saddr S4 ct status dnat masquerade     (hairpin: a container
 *               reaching a published port of its own network through a host address)
 *               oifname B ip saddr 127.0.0.0/8 masquerade           (localhost, IPv4)
 *   input       iifname B ip daddr 127.0.0.0/8 ct state new,invalid drop
 *   sysctl      net.ipv4.conf.B.route_localnet=1 (IPv4, not internal): 127.0.0.1 DNATed to
 *               a container leaves through B, which the kernel allows only with it; set on
 *               the bridge only, never on "all". The input rule keeps containers from
 *               reaching the host's 127.0.0.1 services through it (CVE-2020-8558).
 * Per published port (proto P, host address H or any local address, host port HP):
 *   prerouting  [ip daddr H | meta nfproto ipv4 fib daddr type local] P dport HP dnat ip to C:CP
 *   output      the same (so the host reaches HP on its own addresses and on 127.0.0.1)
 * The client's source address is kept (DNAT only), so the container sees the real client.
 * IPv6 ports work the same except ::1, which the kernel never routes off the host.
 *
 * Hairpin to a container's own published port: with br_netfilter loaded
 * (net.bridge.bridge-nf-call-iptables=1) the DNAT happens while the frame is being bridged and
 * it has to leave through the port it came in on, so whoever attaches a container to a bridge
 * sets hairpin mode on its port (IFLA_BRPORT_MODE), as Docker does. Without br_netfilter the
 * packet is routed and no hairpin mode is needed.
 *
 * Callers serialize changes (the store's lock): listing and the transaction are two steps.
 * Forwarding is the caller's to enable, through hk_nat_forwarding_ensure().
 */
#ifndef HK_NAT_H
#define HK_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/parse.h"

#define HK_NAT_TABLE "hako" /* family inet */
#define HK_NAT_NAME_MAX 64  /* network and owner names: [A-Za-z0-9_.-], 1..64 bytes */

struct hk_nat;

/* A handle for changes in the network namespace netns_fd (-1: the caller's). The fd is
 * duplicated; each operation enters that namespace on the calling thread and comes back. */
int hk_nat_open(struct hk_nat **ret, int netns_fd, struct hk_err *err);
void hk_nat_close(struct hk_nat *nat);
static inline void hk_nat_closep(struct hk_nat **nat)
{
	if (*nat)
		hk_nat_close(*nat);
}
#define _cleanup_nat_ __attribute__((cleanup(hk_nat_closep)))

struct hk_nat_net {
	const char *name;	  /* the network's name: the rules' tag */
	const char *bridge;	  /* its bridge */
	struct hk_prefix subnet4; /* family 0: no IPv4 */
	struct hk_prefix subnet6; /* family 0: no IPv6 */
	bool internal;		  /* no way out: no masquerade, forwarding off the bridge dropped */
	bool no_masq; /* a way out, but without masquerade: the subnets' addresses are routed */
};

/* Install (or replace) a network's rules, creating the table on first use, and set
 * route_localnet on the bridge (see above). The bridge must exist for IPv4 non-internal
 * networks. Bad names or prefixes: -EINVAL, usage class, nothing changed. */
int hk_nat_network_add(struct hk_nat *nat, const struct hk_nat_net *net, struct hk_err *err);

/* Remove a network's rules and its published ports (every "hako:NAME:*" rule); delete the
 * table if nothing is left in it. Removing what is not there is not an error. Only name and
 * bridge of net are used. */
int hk_nat_network_del(struct hk_nat *nat, const struct hk_nat_net *net, struct hk_err *err);

struct hk_nat_port {
	int proto;		  /* IPPROTO_TCP or IPPROTO_UDP */
	struct hk_prefix host_ip; /* family 0: every local address of ct_ip's family */
	uint16_t host_port;	  /* 1..65535 */
	struct hk_prefix ct_ip;	  /* the container's address */
	uint16_t ct_port;	  /* 1..65535 */
};

/* Publish ports of one owner on network net (replacing that owner's earlier ports there). */
int hk_nat_ports_add(struct hk_nat *nat, const char *net, const char *owner,
		     const struct hk_nat_port *ports, size_t n, struct hk_err *err);

/* Remove every published port of owner on net; the table goes if it is left empty. */
int hk_nat_ports_del(struct hk_nat *nat, const char *net, const char *owner, struct hk_err *err);

/* One hako rule, as listed (the table is shared by every --root: its rules are never
 * compared with one root's store to find orphans). */
struct hk_nat_rule {
	char chain[32];
	uint64_t handle;
	char net[HK_NAT_NAME_MAX + 1];
	char owner[HK_NAT_NAME_MAX + 1]; /* "" for a network's own rules */
};

/* Names for the tags: 1..64 bytes of [A-Za-z0-9_.-]. */
int hk_nat_check_name(const char *s, const char *what, struct hk_err *err);

/* Set net.ipv4.ip_forward (AF_INET) or net.ipv6.conf.all.forwarding (AF_INET6) to 1 in the
 * handle's namespace; *ret_changed tells whether it was 0 before (so the caller can say so,
 * and undo it). Note that IPv6 forwarding makes the kernel ignore router advertisements on
 * interfaces with accept_ra=1. */
int hk_nat_forwarding_ensure(struct hk_nat *nat, int family, bool *ret_changed, struct hk_err *err);

#endif
