// SPDX-License-Identifier: MIT
/* Unit tests for address allocation (ipam.c): pools, sequential allocation with wrap,
 * exhaustion, static addresses, overlap and the default-subnet picker. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/parse.h"
#include "ipam.h"
#include "tap.h"

static struct hk_prefix P(const char *s) {
	struct hk_prefix p = { 0 };
	struct hk_err e;
	if (hk_parse_prefix(s, 0, &p, &e) < 0) {
		printf("# bad test prefix %s\n", s);
		abort();
	}
	return p;
}

static const char *
S(const struct hk_prefix *p, char *buf)
{
	inet_ntop(p->family, p->addr.raw, buf, INET6_ADDRSTRLEN);
	return buf;
}

static const char *SP(const struct hk_prefix *p, char *buf)
{
	return hk_prefix_str(p, buf, INET6_ADDRSTRLEN + 8);
}

static void test_pool(void)
{
	struct hk_err e = { 0 };
	struct hk_ipam_pool pool;
	char b[64];
	struct hk_prefix s = P("10.0.0.0/24"), r = P("10.0.0.128/25"), g = P("10.0.0.254");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s, NULL, NULL, false, &e), 0, "pool 10.0.0.0/24");
	TAP_EQ_STR(S(&pool.gateway, b), "10.0.0.1", "default gateway is the first host");
	TAP_EQ_STR(SP(&pool.range, b), "10.0.0.0/24", "range defaults to the subnet");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s, &r, &g, false, &e), 0,
		   "pool with range and gateway");
	TAP_EQ_STR(S(&pool.gateway, b), "10.0.0.254", "given gateway kept");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s, NULL, NULL, true, &e), 0, "pool without gateway");
	TAP_EQ_INT(pool.gateway.family, 0, "no gateway");

	struct hk_prefix bad = P("10.0.0.1/24");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &bad, NULL, NULL, false, &e), -EINVAL,
		   "host bits refused");
	TAP_OK(strstr(e.msg, "did you mean 10.0.0.0/24") != NULL, "hint: %s", e.msg);
	TAP_EQ_INT(e.cls, HK_ERR_USAGE, "usage class");
	bad = P("10.0.0.0/31");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &bad, NULL, NULL, false, &e), -EINVAL, "/31 refused");
	bad = P("10.0.0.0");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &bad, NULL, NULL, false, &e), -EINVAL,
		   "no length refused");
	struct hk_prefix out = P("10.0.1.0/25");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s, &out, NULL, false, &e), -EINVAL,
		   "range outside refused");
	TAP_OK(strstr(e.msg, "not inside subnet") != NULL, "range message: %s", e.msg);
	out = P("10.0.0.0/23");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s, &out, NULL, false, &e), -EINVAL,
		   "range larger refused");
	out = P("10.0.0.129/25");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s, &out, NULL, false, &e), -EINVAL,
		   "range host bits refused");
	struct hk_prefix gw = P("10.0.1.1");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s, NULL, &gw, false, &e), -EINVAL,
		   "gateway outside refused");
	TAP_OK(strstr(e.msg, "gateway 10.0.1.1 is not inside subnet 10.0.0.0/24") != NULL, "gw: %s",
	       e.msg);
	gw = P("10.0.0.255");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s, NULL, &gw, false, &e), -EINVAL,
		   "gateway broadcast refused");
	gw = P("fd00::1");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s, NULL, &gw, false, &e), -EINVAL,
		   "gateway family refused");
}

static void test_next(void)
{
	struct hk_err e = { 0 };
	struct hk_ipam_pool pool;
	char b[64];
	struct hk_prefix s = P("10.0.0.0/29"), a;
	hk_ipam_pool_init(&pool, &s, NULL, NULL, false, &e);
	TAP_EQ_INT(hk_ipam_next(&pool, NULL, NULL, 0, &a, &e), 0, "first allocation");
	TAP_EQ_STR(S(&a, b), "10.0.0.2", "skips network and gateway");
	TAP_EQ_INT(a.len, 32, "result is a host address");

	/* sequential after last, not the lowest free */
	struct hk_prefix taken[8] = { P("10.0.0.2"), P("10.0.0.3") };
	struct hk_prefix last = P("10.0.0.4");
	TAP_EQ_INT(hk_ipam_next(&pool, &last, taken, 2, &a, &e), 0, "after last");
	TAP_EQ_STR(S(&a, b), "10.0.0.5", "next after last even though .4 is free");
	last = P("10.0.0.6");
	TAP_EQ_INT(hk_ipam_next(&pool, &last, taken, 2, &a, &e), 0, "wrap");
	TAP_EQ_STR(S(&a, b), "10.0.0.4", "wraps past broadcast, network, gateway and taken");

	/* exhaustion: .2-.6 taken in a /29 */
	taken[2] = P("10.0.0.4");
	taken[3] = P("10.0.0.5");
	taken[4] = P("10.0.0.6");
	TAP_EQ_INT(hk_ipam_next(&pool, &last, taken, 5, &a, &e), -ENOSPC, "exhausted");
	TAP_EQ_STR(e.msg, "no free address in 10.0.0.0/29 (5 in use)", "exhaustion message");
	taken[4] = P("fd00::6"); /* other families are ignored */
	TAP_EQ_INT(hk_ipam_next(&pool, NULL, taken, 5, &a, &e), 0, "one free again");
	TAP_EQ_STR(S(&a, b), "10.0.0.6", "the only free one");

	/* range restricts dynamic allocation */
	struct hk_prefix s24 = P("10.1.0.0/24"), r = P("10.1.0.252/30");
	hk_ipam_pool_init(&pool, &s24, &r, NULL, false, &e);
	TAP_EQ_INT(hk_ipam_next(&pool, NULL, NULL, 0, &a, &e), 0, "range allocation");
	TAP_EQ_STR(S(&a, b), "10.1.0.252", "range start (not the subnet's)");
	last = P("10.1.0.254");
	TAP_EQ_INT(hk_ipam_next(&pool, &last, NULL, 0, &a, &e), 0, "range wraps");
	TAP_EQ_STR(S(&a, b), "10.1.0.252", "wrap skips the broadcast .255");
	last = P("10.1.0.7"); /* outside the range: start from the range's beginning */
	TAP_EQ_INT(hk_ipam_next(&pool, &last, NULL, 0, &a, &e), 0, "last outside range");
	TAP_EQ_STR(S(&a, b), "10.1.0.252", "restart at the range");

	/* IPv6 */
	struct hk_prefix s6 = P("fd00:1::/64");
	TAP_EQ_INT(hk_ipam_pool_init(&pool, &s6, NULL, NULL, false, &e), 0, "v6 pool");
	TAP_EQ_STR(S(&pool.gateway, b), "fd00:1::1", "v6 gateway");
	struct hk_prefix t6[] = { P("fd00:1::2"), P("fd00:1::3") };
	TAP_EQ_INT(hk_ipam_next(&pool, NULL, t6, 2, &a, &e), 0, "v6 next");
	TAP_EQ_STR(S(&a, b), "fd00:1::4", "v6 skips taken");
	last = P("fd00:1::ffff:ffff:ffff:ffff");
	TAP_EQ_INT(hk_ipam_next(&pool, &last, t6, 2, &a, &e), 0, "v6 wrap");
	TAP_EQ_STR(S(&a, b), "fd00:1::4", "v6 wraps (no broadcast in IPv6)");
	struct hk_prefix s6b = P("fd00:2::/126");
	hk_ipam_pool_init(&pool, &s6b, NULL, NULL, false, &e);
	last = P("fd00:2::2");
	TAP_EQ_INT(hk_ipam_next(&pool, &last, NULL, 0, &a, &e), 0, "v6 /126 last address usable");
	TAP_EQ_STR(S(&a, b), "fd00:2::3", "v6 last address");

	/* a big pool, many taken: stays quick and exact */
	struct hk_prefix s16 = P("10.2.0.0/16");
	hk_ipam_pool_init(&pool, &s16, NULL, NULL, false, &e);
	size_t n = 65533;
	struct hk_prefix *many = calloc(n, sizeof(*many));
	for (size_t i = 0; i < n; i++) {
		many[i].family = AF_INET;
		uint32_t v = htonl(0x0a020000u + 2 + (uint32_t)i);
		memcpy(many[i].addr.raw, &v, 4);
	}
	TAP_EQ_INT(hk_ipam_next(&pool, NULL, many, n, &a, &e), -ENOSPC, "/16 full");
	TAP_EQ_INT(hk_ipam_next(&pool, NULL, many, n - 1, &a, &e), 0, "/16 with one free");
	TAP_EQ_STR(S(&a, b), "10.2.255.254", "the one free address");
	free(many);
}

static void test_check(void)
{
	struct hk_err e = { 0 };
	struct hk_ipam_pool pool;
	struct hk_prefix s = P("10.0.0.0/24"), r = P("10.0.0.128/25");
	hk_ipam_pool_init(&pool, &s, &r, NULL, false, &e);
	struct hk_prefix taken[] = { P("10.0.0.5"), P("10.0.0.200") };
	struct hk_prefix a = P("10.0.0.7");
	TAP_EQ_INT(hk_ipam_check(&pool, &a, taken, 2, &e), 0,
		   "static outside range, inside subnet ok");
	a = P("10.0.0.130");
	TAP_EQ_INT(hk_ipam_check(&pool, &a, taken, 2, &e), 0, "static in range ok");
	a = P("10.0.0.5");
	TAP_EQ_INT(hk_ipam_check(&pool, &a, taken, 2, &e), -EADDRINUSE, "static taken refused");
	TAP_EQ_STR(e.msg, "address 10.0.0.5 is already in use", "taken message");
	a = P("10.0.0.1");
	TAP_EQ_INT(hk_ipam_check(&pool, &a, taken, 2, &e), -EINVAL, "gateway refused");
	TAP_EQ_STR(e.msg, "address 10.0.0.1 is the gateway of 10.0.0.0/24", "gateway message");
	a = P("10.0.0.0");
	TAP_EQ_INT(hk_ipam_check(&pool, &a, taken, 2, &e), -EINVAL, "network refused");
	TAP_OK(strstr(e.msg, "network address") != NULL, "network message: %s", e.msg);
	a = P("10.0.0.255");
	TAP_EQ_INT(hk_ipam_check(&pool, &a, taken, 2, &e), -EINVAL, "broadcast refused");
	TAP_OK(strstr(e.msg, "broadcast address") != NULL, "broadcast message: %s", e.msg);
	a = P("10.0.1.5");
	TAP_EQ_INT(hk_ipam_check(&pool, &a, taken, 2, &e), -EINVAL, "outside refused");
	TAP_EQ_STR(e.msg, "address 10.0.1.5 is not inside subnet 10.0.0.0/24", "outside message");
	a = P("fd00::5");
	TAP_EQ_INT(hk_ipam_check(&pool, &a, taken, 2, &e), -EINVAL, "other family refused");
}

static void test_overlap(void)
{
	struct hk_prefix a = P("10.0.0.0/16"), b = P("10.0.5.0/24"), c = P("10.1.0.0/16"),
			 d = P("0.0.0.0/0"), v6 = P("::/0"), e6 = P("fd00::/8"),
			 f6 = P("fd00:1::/64");
	TAP_OK(hk_ipam_overlap(&a, &b), "supernet overlaps subnet");
	TAP_OK(hk_ipam_overlap(&b, &a), "overlap is symmetric");
	TAP_OK(!hk_ipam_overlap(&a, &c), "neighbours do not overlap");
	TAP_OK(hk_ipam_overlap(&d, &c), "0.0.0.0/0 overlaps everything");
	TAP_OK(!hk_ipam_overlap(&d, &v6), "families never overlap");
	TAP_OK(hk_ipam_overlap(&v6, &f6), "::/0 overlaps v6");
	TAP_OK(hk_ipam_overlap(&e6, &f6), "v6 supernet");
	TAP_OK(hk_ipam_contains(&a, &b), "contains address of b");
	TAP_OK(!hk_ipam_contains(&b, &c), "does not contain");
}

static void test_pick(void)
{
	struct hk_err e = { 0 };
	char b[64];
	struct hk_prefix pool = P(HK_IPAM_DEFAULT_POOL), got;
	TAP_EQ_INT(hk_ipam_pick_subnet(&pool, HK_IPAM_DEFAULT_LEN, NULL, 0, &got, &e), 0,
		   "default pick");
	TAP_EQ_STR(SP(&got, b), "10.123.0.0/24", "first default subnet");
	struct hk_prefix used[] = { P("10.123.0.0/24"), P("10.123.1.0/25"), P("10.123.0.0/23"),
				    P("10.123.2.7/32") };
	TAP_EQ_INT(hk_ipam_pick_subnet(&pool, 24, used, 4, &got, &e), 0, "pick avoiding used");
	TAP_EQ_STR(SP(&got, b), "10.123.3.0/24", "skips overlaps of any size");
	struct hk_prefix host = P("10.0.0.0/8");
	TAP_EQ_INT(hk_ipam_pick_subnet(&pool, 24, &host, 1, &got, &e), -ENOSPC, "pool covered");
	TAP_EQ_STR(e.msg, "no free /24 subnet left in 10.123.0.0/16", "exhaustion message");

	/* foreign defaults are avoided in a wide pool ... */
	struct hk_prefix wide = P("10.88.0.0/15");
	TAP_EQ_INT(hk_ipam_pick_subnet(&wide, 16, NULL, 0, &got, &e), -ENOSPC,
		   "podman's ranges avoided");
	struct hk_prefix p172 = P("172.0.0.0/8");
	TAP_EQ_INT(hk_ipam_pick_subnet(&p172, 16, NULL, 0, &got, &e), 0, "pick in 172/8");
	TAP_EQ_STR(SP(&got, b), "172.0.0.0/16", "first");
	struct hk_prefix av[] = { P("172.0.0.0/12") };
	TAP_EQ_INT(hk_ipam_pick_subnet(&p172, 16, av, 1, &got, &e), 0, "pick past Docker's pool");
	TAP_EQ_STR(SP(&got, b), "172.32.0.0/16", "skips 172.16.0.0/12");
	/* ... but not when the pool was chosen inside one */
	struct hk_prefix dk = P("172.17.0.0/16");
	TAP_EQ_INT(hk_ipam_pick_subnet(&dk, 24, NULL, 0, &got, &e), 0,
		   "explicit pool inside docker's");
	TAP_EQ_STR(SP(&got, b), "172.17.0.0/24", "explicit pool honoured");

	size_t n;
	const struct hk_prefix *fd = hk_ipam_foreign_defaults(&n);
	TAP_OK(n >= 3, "foreign defaults listed");
	struct hk_prefix d0 = P("172.17.0.0/16"), pm = P("10.88.0.0/16");
	bool has_docker = false, has_podman = false;
	for (size_t i = 0; i < n; i++) {
		has_docker |= hk_ipam_overlap(&fd[i], &d0) && fd[i].len == 16;
		has_podman |= hk_ipam_overlap(&fd[i], &pm) && fd[i].len == 16;
	}
	TAP_OK(has_docker && has_podman, "docker0 and podman defaults among them");
	for (size_t i = 0; i < n; i++)
		TAP_OK(!hk_ipam_overlap(&fd[i], &pool), "default pool clear of %s", SP(&fd[i], b));

	struct hk_prefix p6 = P(HK_IPAM_DEFAULT_POOL6), u6[] = { P("fd68:616b:6f00::/64") };
	TAP_EQ_INT(hk_ipam_pick_subnet(&p6, HK_IPAM_DEFAULT_LEN6, u6, 1, &got, &e), 0, "v6 pick");
	TAP_EQ_STR(SP(&got, b), "fd68:616b:6f00:1::/64", "second v6 /64");
	TAP_EQ_INT(hk_ipam_pick_subnet(&p6, 40, NULL, 0, &got, &e), -EINVAL,
		   "len shorter than pool");
}

int main(void)
{
	test_pool();
	test_next();
	test_check();
	test_overlap();
	test_pick();
	return tap_done();
}
