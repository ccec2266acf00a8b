// SPDX-License-Identifier: MIT
/* Address arithmetic on 128-bit integers: an IPv4 address is its 32-bit value, an IPv6
 * address its 128-bit value, so one code path serves both families. */
#include "ipam.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

static unsigned family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static u128 to_u128(const struct hk_prefix *p)
{
	unsigned n = p->family == AF_INET ? 4 : 16;
	u128 v = 0;
	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | p->addr.raw[i];
	return v;
}

static struct hk_prefix from_u128(int family, u128 v)
{
	struct hk_prefix p = { .family = family, .len = (uint8_t)family_bits(family) };
	unsigned n = family == AF_INET ? 4 : 16;
	for (unsigned i = n; i-- > 0;) {
		p.addr.raw[i] = (uint8_t)v;
		v >>= 8;
	}
	return p;
}

/* Number of host bits of p, and its first and last address. */
static unsigned host_bits(const struct hk_prefix *p)
{
	return family_bits(p->family) - p->len;
}

static u128 first_of(const struct hk_prefix *p)
{
	unsigned hb = host_bits(p);
	u128 v = to_u128(p);
	return hb >= 128 ? 0 : v >> hb << hb;
}

static u128 last_of(const struct hk_prefix *p)
{
	unsigned hb = host_bits(p);
	u128 mask = hb >= 128 ? ~(u128)0 : (((u128)1 << hb) - 1);
	return first_of(p) | mask;
}

static const char *astr(const struct hk_prefix *p, char *buf, size_t len)
{
	inet_ntop(p->family, p->addr.raw, buf, (socklen_t)len);
	return buf;
}

bool hk_ipam_contains(const struct hk_prefix *a, const struct hk_prefix *addr)
{
	if (a->family != addr->family)
		return false;
	u128 v = to_u128(addr);
	return v >= first_of(a) && v <= last_of(a);
}

bool hk_ipam_overlap(const struct hk_prefix *a, const struct hk_prefix *b)
{
	if (a->family != b->family)
		return false;
	return first_of(a) <= last_of(b) && first_of(b) <= last_of(a);
}

/* Addresses never handed out: network, IPv4 broadcast, gateway. */
static bool reserved(const struct hk_ipam_pool *pool, u128 v)
{
	if (v == first_of(&pool->subnet))
		return true;
	if (pool->subnet.family == AF_INET && v == last_of(&pool->subnet))
		return true;
	return pool->gateway.family && v == to_u128(&pool->gateway);
}

int hk_ipam_pool_init(struct hk_ipam_pool *ret, const struct hk_prefix *subnet,
		      const struct hk_prefix *range, const struct hk_prefix *gateway,
		      bool no_gateway, struct hk_err *err)
{
	char b1[INET6_ADDRSTRLEN + 8], b2[INET6_ADDRSTRLEN + 8];
	struct hk_ipam_pool p = { .subnet = *subnet };
	if (subnet->family != AF_INET && subnet->family != AF_INET6)
		return hk_err_usage(err, "subnet: not an IPv4 or IPv6 prefix");
	unsigned maxlen = family_bits(subnet->family) - 2;
	if (!subnet->has_len || subnet->len > maxlen)
		return hk_err_usage(err,
				    "subnet %s: prefix length must be 0..%u (room for two hosts)",
				    hk_prefix_str(subnet, b1, sizeof(b1)), maxlen);
	struct hk_prefix net = *subnet;
	hk_prefix_mask(&net);
	if (memcmp(&net.addr, &subnet->addr, sizeof(net.addr)))
		return hk_err_usage(err, "subnet %s has host bits set; did you mean %s?",
				    hk_prefix_str(subnet, b1, sizeof(b1)),
				    hk_prefix_str(&net, b2, sizeof(b2)));
	p.subnet.has_len = true;
	p.range = p.subnet;
	if (range && range->family) {
		struct hk_prefix r = *range;
		if (!r.has_len)
			r.len = (uint8_t)family_bits(r.family);
		hk_prefix_mask(&r);
		if (memcmp(&r.addr, &range->addr, sizeof(r.addr)))
			return hk_err_usage(err, "ip-range %s has host bits set; did you mean %s?",
					    hk_prefix_str(range, b1, sizeof(b1)),
					    hk_prefix_str(&r, b2, sizeof(b2)));
		if (r.family != subnet->family || r.len < subnet->len ||
		    !hk_ipam_contains(subnet, &r))
			return hk_err_usage(err, "ip-range %s is not inside subnet %s",
					    hk_prefix_str(range, b1, sizeof(b1)),
					    hk_prefix_str(subnet, b2, sizeof(b2)));
		r.has_len = true;
		p.range = r;
	}
	if (gateway && gateway->family) {
		p.gateway = from_u128(gateway->family, to_u128(gateway));
		if (!hk_ipam_contains(subnet, gateway))
			return hk_err_usage(err, "gateway %s is not inside subnet %s",
					    astr(gateway, b1, sizeof(b1)),
					    hk_prefix_str(subnet, b2, sizeof(b2)));
		struct hk_ipam_pool nogw = p;
		nogw.gateway.family = 0;
		if (reserved(&nogw, to_u128(gateway)))
			return hk_err_usage(err,
					    "gateway %s is the network or broadcast address of %s",
					    astr(gateway, b1, sizeof(b1)),
					    hk_prefix_str(subnet, b2, sizeof(b2)));
	} else if (!no_gateway) {
		p.gateway = from_u128(subnet->family, first_of(subnet) + 1);
	}
	*ret = p;
	return 0;
}

static int cmp_u128(const void *a, const void *b)
{
	u128 x = *(const u128 *)a, y = *(const u128 *)b;
	return x < y ? -1 : x > y;
}

/* The taken addresses of the pool's family, sorted, for bsearch. Caller frees. */
static int sorted_taken(const struct hk_ipam_pool *pool, const struct hk_prefix *taken, size_t n,
			u128 **ret, size_t *ret_n, struct hk_err *err)
{
	u128 *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return hk_err_sys(err, -ENOMEM, "ipam");
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (taken[i].family == pool->subnet.family)
			v[k++] = to_u128(&taken[i]);
	qsort(v, k, sizeof(*v), cmp_u128);
	*ret = v;
	*ret_n = k;
	return 0;
}

static bool is_taken(const u128 *v, size_t n, u128 a)
{
	return bsearch(&a, v, n, sizeof(*v), cmp_u128) != NULL;
}

int hk_ipam_next(const struct hk_ipam_pool *pool, const struct hk_prefix *last,
		 const struct hk_prefix *taken, size_t n_taken, struct hk_prefix *ret,
		 struct hk_err *err)
{
	char b1[INET6_ADDRSTRLEN + 8];
	u128 *v = NULL;
	size_t nv = 0;
	int r = sorted_taken(pool, taken, n_taken, &v, &nv, err);
	if (r < 0)
		return r;
	u128 lo = first_of(&pool->range), hi = last_of(&pool->range);
	u128 cur = lo;
	if (last && last->family == pool->subnet.family) {
		u128 l = to_u128(last);
		if (l >= lo && l < hi)
			cur = l + 1;
	}
	/* Among nv + 4 consecutive addresses at most nv are taken and 3 reserved, so the search
	 * is bounded by that as well as by the size of the range (2^128 does not fit: -1). */
	u128 size = hi - lo; /* one less than the number of addresses */
	u128 steps = (u128)nv + 4 <= size ? (u128)nv + 4 : size + 1;
	for (u128 i = 0; i < steps; i++) {
		if (!reserved(pool, cur) && !is_taken(v, nv, cur)) {
			free(v);
			*ret = from_u128(pool->subnet.family, cur);
			return 0;
		}
		cur = cur == hi ? lo : cur + 1;
	}
	free(v);
	return hk_err_set(err, -ENOSPC, "no free address in %s (%zu in use)",
			  hk_prefix_str(&pool->range, b1, sizeof(b1)), nv);
}

int hk_ipam_check(const struct hk_ipam_pool *pool, const struct hk_prefix *addr,
		  const struct hk_prefix *taken, size_t n_taken, struct hk_err *err)
{
	char b1[INET6_ADDRSTRLEN + 8], b2[INET6_ADDRSTRLEN + 8];
	const char *a = astr(addr, b1, sizeof(b1));
	if (addr->family != pool->subnet.family || !hk_ipam_contains(&pool->subnet, addr))
		return hk_err_usage(err, "address %s is not inside subnet %s", a,
				    hk_prefix_str(&pool->subnet, b2, sizeof(b2)));
	u128 x = to_u128(addr);
	if (pool->gateway.family && x == to_u128(&pool->gateway))
		return hk_err_usage(err, "address %s is the gateway of %s", a,
				    hk_prefix_str(&pool->subnet, b2, sizeof(b2)));
	if (reserved(pool, x))
		return hk_err_usage(err, "address %s is the %s address of %s", a,
				    x == first_of(&pool->subnet) ? "network" : "broadcast",
				    hk_prefix_str(&pool->subnet, b2, sizeof(b2)));
	for (size_t i = 0; i < n_taken; i++)
		if (taken[i].family == addr->family && to_u128(&taken[i]) == x)
			return hk_err_set(err, -EADDRINUSE, "address %s is already in use", a);
	return 0;
}

#define V4(a, b, l)                                                                                \
	{                                                                                          \
		.family = AF_INET, .len = (l), .has_len = true, .addr.raw = {(a), (b) }            \
	}

/* Constant data, not state: the library keeps no globals that change. */
static const struct hk_prefix foreign[] = {
	V4(172, 17, 16),  /* Docker's docker0 */
	V4(172, 16, 12),  /* Docker's default-address-pools, first part (/16s) */
	V4(192, 168, 16), /* Docker's default-address-pools, second part (/20s) */
	V4(10, 88, 16),	  /* podman's default network */
	V4(10, 89, 16),	  /* podman's pool for `podman network create` (/24s) */
	V4(10, 96, 12),	  /* Kubernetes' default service range */
	V4(10, 244, 16),  /* flannel's (and the kubeadm guides') pod range */
};

const struct hk_prefix *hk_ipam_foreign_defaults(size_t *ret_n)
{
	*ret_n = sizeof(foreign) / sizeof(foreign[0]);
	return foreign;
}

static bool overlaps_any(const struct hk_prefix *p, const struct hk_prefix *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hk_ipam_overlap(p, &list[i]))
			return true;
	return false;
}

/* A foreign default that contains the whole pool is ignored: whoever chose such a pool asked
 * for those addresses. */
static bool overlaps_foreign(const struct hk_prefix *p, const struct hk_prefix *pool,
			     const struct hk_prefix *fd, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hk_ipam_overlap(p, &fd[i]) &&
		    !(fd[i].len <= pool->len && hk_ipam_contains(&fd[i], pool)))
			return true;
	return false;
}

int hk_ipam_pick_subnet(const struct hk_prefix *pool, uint8_t len, const struct hk_prefix *avoid,
			size_t n_avoid, struct hk_prefix *ret, struct hk_err *err)
{
	char b1[INET6_ADDRSTRLEN + 8];
	unsigned bits = family_bits(pool->family);
	if (len < pool->len || len > bits)
		return hk_err_usage(err, "cannot carve /%u subnets out of %s", len,
				    hk_prefix_str(pool, b1, sizeof(b1)));
	/* Candidates step by 2^(bits - len); their count is bounded to keep this quick. */
	unsigned step_bits = bits - len;
	u128 step = step_bits >= 128 ? 0 : (u128)1 << step_bits;
	u128 count = len - pool->len >= 20 ? (u128)1 << 20 : (u128)1 << (len - pool->len);
	u128 v = first_of(pool);
	size_t n_foreign;
	const struct hk_prefix *fd = hk_ipam_foreign_defaults(&n_foreign);
	for (u128 i = 0; i < count; i++, v += step) {
		struct hk_prefix c = from_u128(pool->family, v);
		c.len = len;
		c.has_len = true;
		if (!overlaps_any(&c, avoid, n_avoid) &&
		    !overlaps_foreign(&c, pool, fd, n_foreign)) {
			*ret = c;
			return 0;
		}
	}
	return hk_err_set(err, -ENOSPC, "no free /%u subnet left in %s", len,
			  hk_prefix_str(pool, b1, sizeof(b1)));
}
