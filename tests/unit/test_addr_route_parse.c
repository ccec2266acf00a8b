// SPDX-License-Identifier: MIT
/* Unit tests for `addr` and `route` parsing and message encoding (no socket, no kernel):
 * parse a request, build its message, read the attributes back with hk_attr_parse. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "addr.h"
#include "route.h"
#include "tap.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__ })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE_ADDR(add, req, err, ...)                                                             \
	hk_addr_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), add, req, err)
#define PARSE_ROUTE(op, req, err, ...)                                                             \
	hk_route_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), op, req, err)

static const char *v4(const void *p, char *buf)
{
	return inet_ntop(AF_INET, p, buf, INET_ADDRSTRLEN);
}

static void test_addr_add_v4(void)
{
	struct hk_addr_req req;
	struct hk_err err = { 0 };
	int r = PARSE_ADDR(true, &req, &err, "10.0.0.1/24", "dev", "eth0", "broadcast", "+",
			   "label", "eth0:1", "scope", "link", "noprefixroute");
	TAP_EQ_INT(r, 0, "addr add v4 with every keyword parses");
	TAP_EQ_STR(req.dev, "eth0", "dev");
	TAP_EQ_INT(req.local.len, 24, "prefix length");
	TAP_EQ_INT(req.scope, RT_SCOPE_LINK, "scope link");

	struct hk_nlmsg m;
	hk_addr_msg(&req, 7, RTM_NEWADDR, &m);
	TAP_EQ_INT(m.nlh.nlmsg_type, RTM_NEWADDR, "RTM_NEWADDR");
	TAP_OK((m.nlh.nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) == (NLM_F_CREATE | NLM_F_EXCL),
	       "create|excl");
	const struct ifaddrmsg *ifa = hk_nlmsg_payload(&m.nlh);
	TAP_EQ_INT(ifa->ifa_family, AF_INET, "ifa_family");
	TAP_EQ_INT(ifa->ifa_prefixlen, 24, "ifa_prefixlen");
	TAP_EQ_INT(ifa->ifa_index, 7, "ifa_index");
	TAP_EQ_INT(ifa->ifa_scope, RT_SCOPE_LINK, "ifa_scope");
	const struct nlattr *tb[IFA_MAX + 1];
	hk_attr_parse(&m.nlh, sizeof(*ifa), tb, IFA_MAX);
	char buf[INET_ADDRSTRLEN];
	TAP_OK(tb[IFA_LOCAL] && tb[IFA_ADDRESS], "IFA_LOCAL and IFA_ADDRESS both set");
	TAP_EQ_STR(tb[IFA_LOCAL] ? v4(hk_attr_data(tb[IFA_LOCAL]), buf) : NULL, "10.0.0.1",
		   "IFA_LOCAL");
	TAP_EQ_STR(tb[IFA_ADDRESS] ? v4(hk_attr_data(tb[IFA_ADDRESS]), buf) : NULL, "10.0.0.1",
		   "IFA_ADDRESS");
	TAP_EQ_STR(tb[IFA_BROADCAST] ? v4(hk_attr_data(tb[IFA_BROADCAST]), buf) : NULL,
		   "10.0.0.255", "broadcast + computed");
	TAP_EQ_STR(tb[IFA_LABEL] ? hk_attr_str(tb[IFA_LABEL]) : NULL, "eth0:1", "IFA_LABEL");
	TAP_EQ_INT(tb[IFA_FLAGS] ? hk_attr_u32(tb[IFA_FLAGS]) : 0, IFA_F_NOPREFIXROUTE,
		   "IFA_FLAGS noprefixroute");

	/* The undo: the same address deleted, identifying attributes only. */
	hk_addr_msg(&req, 7, RTM_DELADDR, &m);
	hk_attr_parse(&m.nlh, sizeof(*ifa), tb, IFA_MAX);
	TAP_EQ_INT(m.nlh.nlmsg_type, RTM_DELADDR, "undo is RTM_DELADDR");
	TAP_OK(tb[IFA_LOCAL] && tb[IFA_ADDRESS] && !tb[IFA_BROADCAST] && !tb[IFA_FLAGS],
	       "undo identifies only");

	/* A decode of the add message itself gives the address back. */
	hk_addr_msg(&req, 7, RTM_NEWADDR, &m);
	struct hk_addr_info info;
	TAP_EQ_INT(hk_addr_decode(&m.nlh, &info), 0, "decode own message");
	TAP_EQ_STR(v4(info.local.addr.raw, buf), "10.0.0.1", "decoded local");
	TAP_EQ_INT(info.peer.family, 0, "no peer when IFA_ADDRESS == IFA_LOCAL");
	TAP_EQ_STR(info.label, "eth0:1", "decoded label");
}

static void test_addr_v6_and_del(void)
{
	struct hk_addr_req req;
	struct hk_err err = { 0 };
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "2001:db8::1/64", "dev", "v0", "nodad"), 0,
		   "v6 nodad parses");
	TAP_EQ_INT(req.local.family, AF_INET6, "family inet6");
	struct hk_nlmsg m;
	hk_addr_msg(&req, 3, RTM_NEWADDR, &m);
	const struct nlattr *tb[IFA_MAX + 1];
	hk_attr_parse(&m.nlh, sizeof(struct ifaddrmsg), tb, IFA_MAX);
	const struct ifaddrmsg *ifa = hk_nlmsg_payload(&m.nlh);
	TAP_EQ_INT(ifa->ifa_flags & IFA_F_NODAD, IFA_F_NODAD, "ifa_flags nodad");
	TAP_OK(tb[IFA_LOCAL] && hk_attr_len(tb[IFA_LOCAL]) == 16, "16-byte IFA_LOCAL");

	TAP_EQ_INT(PARSE_ADDR(false, &req, &err, "10.0.0.1", "dev", "v0"), 0,
		   "del without /len parses");
	hk_addr_msg(&req, 3, RTM_DELADDR, &m);
	hk_attr_parse(&m.nlh, sizeof(struct ifaddrmsg), tb, IFA_MAX);
	TAP_OK(tb[IFA_LOCAL] && !tb[IFA_ADDRESS], "del without /len: wildcard (no IFA_ADDRESS)");
}

static void test_addr_bad(void)
{
	struct hk_addr_req req;
	struct hk_err err = { 0 };
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "10.0.0.1/33", "dev", "v0"), -EINVAL,
		   "/33 refused");
	TAP_EQ_INT(err.cls, HK_ERR_USAGE, "as a usage error");
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "2001:db8::1/129", "dev", "v0"), -EINVAL,
		   "/129 refused");
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "10.0.0.1/24"), -EINVAL, "missing dev refused");
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "dev", "v0"), -EINVAL, "missing address refused");
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "10.0.0.1/24", "dev", "v0", "bogus"), -EINVAL,
		   "unknown keyword refused");
	TAP_OK(strstr(err.msg, "bogus") != NULL, "message names the keyword: %s", err.msg);
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "10.0.0.1/24", "dev", "a/b"), -EINVAL,
		   "bad ifname refused");
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "10.0.0.1/24", "dev", "v0", "label", "x1"), -EINVAL,
		   "label not starting with dev refused");
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "10.0.0.1/24", "dev", "v0", "nodad"), -EINVAL,
		   "nodad on v4 refused");
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "10.0.0.1/24", "dev", "v0", "scope", "moon"),
		   -EINVAL, "bad scope refused");
	TAP_EQ_INT(PARSE_ADDR(true, &req, &err, "10.0.0.1/24", "dev"), -EINVAL,
		   "dev without value refused");
}

static void test_route_default_via(void)
{
	struct hk_route_req req;
	struct hk_err err = { 0 };
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "default", "via", "192.168.0.254"), 0,
		   "default via parses");
	TAP_EQ_INT(req.family, AF_INET, "family from via");
	struct hk_nlmsg m;
	hk_route_msg(&req, 0, HK_ROUTE_ADD, &m);
	const struct rtmsg *rtm = hk_nlmsg_payload(&m.nlh);
	TAP_EQ_INT(m.nlh.nlmsg_type, RTM_NEWROUTE, "RTM_NEWROUTE");
	TAP_EQ_INT(rtm->rtm_dst_len, 0, "dst_len 0");
	TAP_EQ_INT(rtm->rtm_table, RT_TABLE_MAIN, "table main");
	TAP_EQ_INT(rtm->rtm_protocol, RTPROT_BOOT, "proto boot");
	TAP_EQ_INT(rtm->rtm_scope, RT_SCOPE_UNIVERSE, "scope global with a gateway");
	TAP_EQ_INT(rtm->rtm_type, RTN_UNICAST, "unicast");
	const struct nlattr *tb[RTA_MAX + 1];
	hk_attr_parse(&m.nlh, sizeof(*rtm), tb, RTA_MAX);
	char buf[INET_ADDRSTRLEN];
	TAP_OK(!tb[RTA_DST], "no RTA_DST for default");
	TAP_EQ_STR(tb[RTA_GATEWAY] ? v4(hk_attr_data(tb[RTA_GATEWAY]), buf) : NULL, "192.168.0.254",
		   "RTA_GATEWAY");

	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "default", "via", "fe80::1", "dev", "v0"),
		   0, "v6 default parses");
	TAP_EQ_INT(req.family, AF_INET6, "v6 family from via");
}

static void test_route_full(void)
{
	struct hk_route_req req;
	struct hk_err err = { 0 };
	int r = PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "10.1.0.0/16", "dev", "v0", "metric", "7",
			    "table", "1000", "proto", "static", "src", "10.0.0.1");
	TAP_EQ_INT(r, 0, "route with every keyword parses");
	struct hk_nlmsg m;
	hk_route_msg(&req, 9, HK_ROUTE_ADD, &m);
	const struct rtmsg *rtm = hk_nlmsg_payload(&m.nlh);
	const struct nlattr *tb[RTA_MAX + 1];
	hk_attr_parse(&m.nlh, sizeof(*rtm), tb, RTA_MAX);
	char buf[INET_ADDRSTRLEN];
	TAP_EQ_INT(rtm->rtm_dst_len, 16, "dst_len");
	TAP_EQ_INT(rtm->rtm_scope, RT_SCOPE_LINK, "scope link without a gateway");
	TAP_EQ_INT(rtm->rtm_protocol, RTPROT_STATIC, "proto static");
	TAP_EQ_INT(rtm->rtm_table, RT_TABLE_UNSPEC, "table >= 256: rtm_table unspec");
	TAP_EQ_INT(tb[RTA_TABLE] ? hk_attr_u32(tb[RTA_TABLE]) : 0, 1000, "RTA_TABLE");
	TAP_EQ_INT(tb[RTA_OIF] ? hk_attr_u32(tb[RTA_OIF]) : 0, 9, "RTA_OIF");
	TAP_EQ_INT(tb[RTA_PRIORITY] ? hk_attr_u32(tb[RTA_PRIORITY]) : 0, 7, "RTA_PRIORITY");
	TAP_EQ_STR(tb[RTA_DST] ? v4(hk_attr_data(tb[RTA_DST]), buf) : NULL, "10.1.0.0", "RTA_DST");
	TAP_EQ_STR(tb[RTA_PREFSRC] ? v4(hk_attr_data(tb[RTA_PREFSRC]), buf) : NULL, "10.0.0.1",
		   "RTA_PREFSRC");

	struct hk_route_info ri;
	TAP_EQ_INT(hk_route_decode(&m.nlh, &ri), 0, "decode own message");
	TAP_EQ_INT(ri.table, 1000, "decoded table");
	TAP_EQ_INT(ri.oif, 9, "decoded oif");
	TAP_EQ_INT(ri.metric, 7, "decoded metric");

	struct hk_nlmsg u;
	hk_route_undo_msg(&req, 9, &u);
	const struct rtmsg *urtm = hk_nlmsg_payload(&u.nlh);
	TAP_EQ_INT(u.nlh.nlmsg_type, RTM_DELROUTE, "undo is RTM_DELROUTE");
	TAP_OK(!(u.nlh.nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)), "undo without create flags");
	TAP_OK(urtm->rtm_scope == rtm->rtm_scope && urtm->rtm_protocol == rtm->rtm_protocol &&
		       urtm->rtm_type == rtm->rtm_type,
	       "undo carries the add's scope, protocol, type");

	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_DEL, &req, &err, "10.1.0.0/16"), 0,
		   "del with only a prefix");
	hk_route_msg(&req, 0, HK_ROUTE_DEL, &m);
	rtm = hk_nlmsg_payload(&m.nlh);
	TAP_OK(rtm->rtm_scope == RT_SCOPE_NOWHERE && rtm->rtm_protocol == 0 && rtm->rtm_type == 0,
	       "del leaves scope/proto/type as wildcards");

	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_REPLACE, &req, &err, "10.2.0.5", "via", "10.0.0.2"), 0,
		   "host route");
	TAP_EQ_INT(req.dst.len, 32, "bare address is /32");
	hk_route_msg(&req, 0, HK_ROUTE_REPLACE, &m);
	TAP_OK(m.nlh.nlmsg_flags & NLM_F_REPLACE, "replace sets NLM_F_REPLACE");

	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "blackhole", "10.66.0.0/16"), 0,
		   "blackhole type");
	TAP_EQ_INT(req.type, RTN_BLACKHOLE, "RTN_BLACKHOLE");
}

static void test_route_bad(void)
{
	struct hk_route_req req;
	struct hk_err err = { 0 };
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "10.0.0.0/33", "dev", "v0"), -EINVAL,
		   "/33 refused");
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "default", "via", "gw.example"), -EINVAL,
		   "gateway not an address refused");
	TAP_EQ_INT(err.cls, HK_ERR_USAGE, "as a usage error");
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "10.0.0.0/24", "via", "fe80::1"), -EINVAL,
		   "mixed families refused");
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "10.0.0.1/24", "dev", "v0"), -EINVAL,
		   "host bits refused");
	TAP_OK(strstr(err.msg, "10.0.0.0/24") != NULL, "suggests the network: %s", err.msg);
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "10.0.0.0/24"), -EINVAL,
		   "neither via nor dev refused");
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "10.0.0.0/24", "dev", "v0", "frobnicate"),
		   -EINVAL, "unknown keyword refused");
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "10.0.0.0/24", "dev", "v0", "metric", "x"),
		   -EINVAL, "bad metric refused");
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "10.0.0.0/24", "dev", "v0", "table", "0"),
		   -EINVAL, "table 0 refused");
	TAP_EQ_INT(PARSE_ROUTE(HK_ROUTE_ADD, &req, &err, "via", "10.0.0.1"), -EINVAL,
		   "missing destination refused");
}

static void test_route_filter(void)
{
	struct hk_route_filter f;
	struct hk_err err = { 0 };
	TAP_EQ_INT(hk_route_parse_filter(0, NULL, &f, &err), 0, "empty filter");
	TAP_EQ_INT(f.table, RT_TABLE_MAIN, "default table main");
	TAP_EQ_INT(hk_route_parse_filter(4, ARGV("table", "all", "dev", "v0"), &f, &err), 0,
		   "table all dev");
	TAP_EQ_INT(f.table, 0, "table all is 0");
	TAP_EQ_STR(f.dev, "v0", "dev");
	TAP_EQ_INT(hk_route_parse_filter(1, ARGV("foo"), &f, &err), -EINVAL,
		   "unknown word refused");
	char buf[16];
	TAP_EQ_STR(hk_route_table_name(100, buf, sizeof(buf)), "100", "table name number");
	TAP_EQ_STR(hk_route_table_name(255, buf, sizeof(buf)), "local", "table name local");
	TAP_EQ_STR(hk_scope_name(0, buf, sizeof(buf)), "global", "scope global");
}

int main(void)
{
	test_addr_add_v4();
	test_addr_v6_and_del();
	test_addr_bad();
	test_route_default_via();
	test_route_full();
	test_route_bad();
	test_route_filter();
	return tap_done();
}
