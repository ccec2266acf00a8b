// SPDX-License-Identifier: MIT
/* Unit tests for the pure parsers and name checks in base/parse.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "base/err.h"
#include "base/parse.h"
#include "tap.h"

static void test_ifname(void)
{
	struct hk_err e = { 0 };
	TAP_EQ_INT(hk_parse_ifname("eth0", &e), 0, "ifname eth0 ok");
	TAP_EQ_INT(hk_parse_ifname("abcdefghijklmno", &e), 0, "ifname of 15 bytes ok");
	TAP_EQ_INT(hk_parse_ifname("abcdefghijklmnop", &e), -EINVAL, "ifname of 16 bytes refused");
	TAP_OK(strstr(e.msg, "at most 15") != NULL, "message names the limit: %s", e.msg);
	TAP_EQ_INT(e.cls, HK_ERR_USAGE, "bad ifname is a usage error");
	TAP_EQ_INT(hk_parse_ifname("a/b", &e), -EINVAL, "ifname with / refused");
	TAP_EQ_INT(hk_parse_ifname("a b", &e), -EINVAL, "ifname with space refused");
	TAP_EQ_INT(hk_parse_ifname("a:b", &e), -EINVAL, "ifname with : refused");
	TAP_EQ_INT(hk_parse_ifname("..", &e), -EINVAL, "ifname .. refused");
	TAP_EQ_INT(hk_parse_ifname("", &e), -EINVAL, "empty ifname refused");
}

static void test_netns_name(void)
{
	struct hk_err e = { 0 };
	TAP_EQ_INT(hk_parse_netns_name("ns01", &e), 0, "netns ns01 ok");
	TAP_EQ_INT(hk_parse_netns_name("a-very-long-namespace-name-is-fine", &e), 0,
		   "long netns name ok");
	TAP_EQ_INT(hk_parse_netns_name("..", &e), -EINVAL, "netns .. refused");
	TAP_EQ_INT(hk_parse_netns_name(".", &e), -EINVAL, "netns . refused");
	TAP_EQ_INT(hk_parse_netns_name("a/b", &e), -EINVAL, "netns with / refused");
	TAP_EQ_INT(hk_parse_netns_name("a\tb", &e), -EINVAL, "netns with tab refused");
}

static void test_u32(void)
{
	struct hk_err e = { 0 };
	uint32_t v = 0;
	TAP_EQ_INT(hk_parse_u32("1500", 68, 65535, &v, "mtu", &e), 0, "u32 1500");
	TAP_EQ_INT(v, 1500, "u32 value");
	TAP_EQ_INT(hk_parse_u32("0x10", 0, 100, &v, "x", &e), 0, "u32 hex");
	TAP_EQ_INT(v, 16, "u32 hex value");
	TAP_EQ_INT(hk_parse_u32("70000", 68, 65535, &v, "mtu", &e), -EINVAL, "u32 out of range");
	TAP_OK(strstr(e.msg, "out of range") != NULL, "range message: %s", e.msg);
	TAP_EQ_INT(hk_parse_u32("-1", 0, 10, &v, "x", &e), -EINVAL, "negative refused");
	TAP_EQ_INT(hk_parse_u32("12a", 0, 100, &v, "x", &e), -EINVAL, "trailing junk refused");
	TAP_EQ_INT(hk_parse_u32("", 0, 100, &v, "x", &e), -EINVAL, "empty refused");
	TAP_EQ_INT(hk_parse_u32("99999999999999999999", 0, UINT32_MAX, &v, "x", &e), -EINVAL,
		   "overflow refused");
}

static void test_prefix(void)
{
	struct hk_err e = { 0 };
	struct hk_prefix p;
	char buf[64];
	TAP_EQ_INT(hk_parse_prefix("192.168.0.1/24", 0, &p, &e), 0, "v4 cidr");
	TAP_EQ_INT(p.family, AF_INET, "v4 family");
	TAP_EQ_INT(p.len, 24, "v4 len");
	TAP_OK(p.has_len, "v4 has_len");
	TAP_EQ_STR(hk_prefix_str(&p, buf, sizeof(buf)), "192.168.0.1/24", "v4 round trip");
	TAP_EQ_INT(hk_parse_prefix("10.0.0.1/33", 0, &p, &e), -EINVAL, "/33 refused");
	TAP_OK(strstr(e.msg, "10.0.0.1/33") != NULL, "message quotes input: %s", e.msg);
	TAP_EQ_INT(hk_parse_prefix("10.0.0.256/8", 0, &p, &e), -EINVAL, "octet 256 refused");
	TAP_EQ_INT(hk_parse_prefix("10.0.0.1/", 0, &p, &e), -EINVAL, "empty length refused");
	TAP_EQ_INT(hk_parse_prefix("10.0.0.1/-1", 0, &p, &e), -EINVAL, "negative length refused");
	TAP_EQ_INT(hk_parse_prefix("10.0.0.1", 0, &p, &e), 0, "bare v4");
	TAP_EQ_INT(p.len, 32, "bare v4 is /32");
	TAP_OK(!p.has_len, "bare v4 has no len");
	TAP_EQ_INT(hk_parse_prefix("fd00::1/64", 0, &p, &e), 0, "v6 cidr");
	TAP_EQ_INT(p.family, AF_INET6, "v6 family");
	TAP_EQ_STR(hk_prefix_str(&p, buf, sizeof(buf)), "fd00::1/64", "v6 round trip");
	TAP_EQ_INT(hk_parse_prefix("fd00::1/129", 0, &p, &e), -EINVAL, "/129 refused");
	TAP_EQ_INT(hk_parse_prefix("fd00::1/64", AF_INET, &p, &e), -EINVAL,
		   "v6 refused when v4 wanted");
	TAP_EQ_INT(hk_parse_prefix("not-an-ip", 0, &p, &e), -EINVAL, "garbage refused");
	TAP_EQ_INT(hk_parse_prefix("10.1.2.3/20", 0, &p, &e), 0, "mask input");
	hk_prefix_mask(&p);
	TAP_EQ_STR(hk_prefix_str(&p, buf, sizeof(buf)), "10.1.0.0/20", "mask /20");
	hk_parse_prefix("fd00:1:2:3:4::1/50", 0, &p, &e);
	hk_prefix_mask(&p);
	TAP_EQ_STR(hk_prefix_str(&p, buf, sizeof(buf)), "fd00:1:2::/50", "mask v6 /50");
	/* hk_prefix_has: the first len bits, a partial byte included */
	struct hk_prefix a;
	hk_parse_prefix("10.1.0.0/20", 0, &p, &e);
	hk_parse_addr("10.1.15.255", 0, &a, &e);
	TAP_OK(hk_prefix_has(&p, a.addr.raw), "10.1.15.255 in 10.1.0.0/20");
	hk_parse_addr("10.1.16.0", 0, &a, &e);
	TAP_OK(!hk_prefix_has(&p, a.addr.raw), "10.1.16.0 not in 10.1.0.0/20");
	hk_parse_prefix("0.0.0.0/0", 0, &p, &e);
	TAP_OK(hk_prefix_has(&p, a.addr.raw), "anything in /0");
	hk_parse_prefix("fd00:1:2::/50", 0, &p, &e);
	hk_parse_addr("fd00:1:2:3fff::1", 0, &a, &e);
	TAP_OK(hk_prefix_has(&p, a.addr.raw), "v6 in /50");
	hk_parse_addr("fd00:1:2:4000::1", 0, &a, &e);
	TAP_OK(!hk_prefix_has(&p, a.addr.raw), "v6 past /50");
}

static void test_mac(void)
{
	struct hk_err e = { 0 };
	uint8_t m[6];
	char buf[32];
	TAP_EQ_INT(hk_parse_mac("02:00:0a:Bb:cc:0f", m, &e), 0, "mac ok");
	TAP_EQ_STR(hk_mac_str(m, 6, buf, sizeof(buf)), "02:00:0a:bb:cc:0f", "mac round trip");
	TAP_EQ_INT(hk_parse_mac("02:00:0a:bb:cc", m, &e), -EINVAL, "short mac refused");
	TAP_EQ_INT(hk_parse_mac("02:00:0a:bb:cc:0g", m, &e), -EINVAL, "bad hex refused");
	TAP_EQ_INT(hk_parse_mac("02-00-0a-bb-cc-0f", m, &e), -EINVAL, "dashes refused");
}

static void test_split(void)
{
	struct hk_err e = { 0 };
	char line[] = "  link add 'a b' type \"veth\" peer\\ x # comment";
	char *argv[16];
	int n = hk_split_args(line, argv, 16, &e);
	TAP_EQ_INT(n, 6, "split count");
	TAP_EQ_STR(argv[0], "link", "split word 0");
	TAP_EQ_STR(argv[2], "a b", "single quotes");
	TAP_EQ_STR(argv[4], "veth", "double quotes");
	TAP_EQ_STR(argv[5], "peer x", "backslash escape");
	TAP_OK(argv[6] == NULL, "argv NULL-terminated");
	char bad[] = "link 'unclosed";
	TAP_EQ_INT(hk_split_args(bad, argv, 16, &e), -EINVAL, "unclosed quote refused");
	char empty[] = "   # only a comment";
	TAP_EQ_INT(hk_split_args(empty, argv, 16, &e), 0, "comment line is empty");
	char many[] = "a b c d e";
	TAP_EQ_INT(hk_split_args(many, argv, 4, &e), -EINVAL, "too many words refused");
}

static void test_err(void)
{
	struct hk_err e = { 0 };
	hk_err_sys(&e, -EEXIST, "create");
	hk_err_prefix(&e, "link '%s'", "v0");
	hk_err_prefix(&e, "netns '%s'", "lab1");
	TAP_EQ_STR(e.msg, "netns 'lab1': link 'v0': create: File exists", "prefix chain");
	TAP_EQ_INT(e.code, -EEXIST, "code kept");
	TAP_EQ_INT(hk_err_class_of(-ENOENT), HK_ERR_NOTFOUND, "ENOENT is not-found");
	TAP_EQ_INT(hk_err_class_of(-EPERM), HK_ERR_PERM, "EPERM is permission");
	TAP_EQ_INT(hk_err_class_of(-EOPNOTSUPP), HK_ERR_UNSUPPORTED, "EOPNOTSUPP is unsupported");
	/* prefixing never overflows the fixed buffer */
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	hk_err_set(&e, -EIO, "%s", "tail");
	for (int i = 0; i < 5; i++)
		hk_err_prefix(&e, "%s", big);
	TAP_OK(strlen(e.msg) < HK_ERR_MSG_MAX, "prefix bounded (%zu bytes)", strlen(e.msg));
}

int main(void)
{
	test_ifname();
	test_netns_name();
	test_u32();
	test_prefix();
	test_mac();
	test_split();
	test_err();
	return tap_done();
}
