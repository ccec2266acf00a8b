/* SPDX-License-Identifier: MIT */
/*
 * Address allocation for hako networks: pure arithmetic, no kernel and no storage. The store
 * persists leases (and the last address handed out) in SQLite and calls these functions
 * inside its transaction with the set of addresses already taken.
 *
 * A pool is a subnet, an optional ip-range inside it (the dynamic pool) and a gateway (the
 * first host unless told otherwise). Dynamic allocation is sequential after the last address
 * handed out and wraps around, the way Docker does it, so a freed address is not reused at
 * once. The network address, the IPv4 broadcast address and the gateway are never handed
 * out. Static addresses may lie anywhere in the subnet, also outside the ip-range (as in
 * Docker: the range is the dynamic pool, statics are usually chosen outside it).
 *
 * hako's defaults: subnets for networks created without --subnet (and the default network)
 * are /24s taken from 10.123.0.0/16, the first free one, skipping any that overlaps a subnet in
 * use (other hako networks, the host's routes) or a well-known default of another engine:
 * Docker's docker0 172.17.0.0/16 and its address pools 172.16.0.0/12 and 192.168.0.0/16
 * (/20s), podman's 10.88.0.0/16 and its network pool 10.89.0.0/16, Kubernetes' service range
 * 10.96.0.0/12 and flannel's 10.244.0.0/16 (see hk_ipam_foreign_defaults()).
 */
#ifndef HK_IPAM_H
#define HK_IPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/parse.h"

#define HK_IPAM_DEFAULT_POOL "10.123.0.0/16"
#define HK_IPAM_DEFAULT_LEN 24
#define HK_IPAM_DEFAULT_POOL6 "fd68:616b:6f00::/48" /* ULA; its global id spells "hako" */
#define HK_IPAM_DEFAULT_LEN6 64

struct hk_ipam_pool {
	struct hk_prefix subnet;  /* host bits zero */
	struct hk_prefix range;	  /* dynamic pool, host bits zero; equals subnet when not given */
	struct hk_prefix gateway; /* len 32/128; family 0 when the pool has no gateway */
};

/*
 * Validate and build a pool. subnet must have no host bits set and leave room for at least
 * two hosts (IPv4 /30, IPv6 /126 at most). range (NULL: the whole subnet) must lie inside
 * subnet. gateway NULL picks the first host; a given gateway must be inside the subnet and
 * not its network or broadcast address. no_gateway leaves the pool without one (macvlan
 * networks with an outside router). Bad input: -EINVAL, class usage.
 */
int hk_ipam_pool_init(struct hk_ipam_pool *ret, const struct hk_prefix *subnet,
		      const struct hk_prefix *range, const struct hk_prefix *gateway,
		      bool no_gateway, struct hk_err *err);

/*
 * The next free address of the dynamic range after last (NULL or family 0: start at the
 * range's beginning), wrapping around; taken holds the addresses in use (any order, prefix
 * lengths ignored, other families ignored). *ret has len 32/128. A full range: -ENOSPC,
 * "no free address in 10.0.0.0/30 (2 in use)".
 */
int hk_ipam_next(const struct hk_ipam_pool *pool, const struct hk_prefix *last,
		 const struct hk_prefix *taken, size_t n_taken, struct hk_prefix *ret,
		 struct hk_err *err);

/* Is addr usable as a static address: same family, inside the subnet, not the network,
 * broadcast or gateway address and not taken. -EINVAL (usage) or -EADDRINUSE otherwise,
 * with a message saying which. */
int hk_ipam_check(const struct hk_ipam_pool *pool, const struct hk_prefix *addr,
		  const struct hk_prefix *taken, size_t n_taken, struct hk_err *err);

/* Whether prefix a contains address addr (prefix length of addr ignored). */
bool hk_ipam_contains(const struct hk_prefix *a, const struct hk_prefix *addr);

/* Whether two prefixes of the same family share any address. */
bool hk_ipam_overlap(const struct hk_prefix *a, const struct hk_prefix *b);

/* The first /len subnet of pool (in address order) that overlaps none of avoid[] nor
 * hk_ipam_foreign_defaults(). -ENOSPC when the pool is used up. */
int hk_ipam_pick_subnet(const struct hk_prefix *pool, uint8_t len, const struct hk_prefix *avoid,
			size_t n_avoid, struct hk_prefix *ret, struct hk_err *err);

/* Subnets other engines use by default, which hako never picks by itself. */
const struct hk_prefix *hk_ipam_foreign_defaults(size_t *ret_n);

#endif
