// SPDX-License-Identifier: MIT
/* Unit tests: ip rule's grammar (rule.c) and route's multipath and route get grammar
 * (route.c): parsing and the messages built, no kernel. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "rule.h"
#include "tap.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__ })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define RULE(op, r, err, ...) hk_rule_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), op, 0, r, err)

static void test_rule_add(void)
{
	struct hk_rule r;
	struct hk_err err;
	TAP_EQ_INT(RULE(HK_RULE_ADD, &r, &err, "not", "from", "10.0.0.0/8", "fwmark", "0x10/0xff",
			"iif", "v0", "pref", "100", "lookup", "70000"),
		   0, "rule add parses");
	TAP_OK(r.invert && r.src.family == AF_INET && r.src.len == 8, "not from 10.0.0.0/8");
	TAP_OK(r.has_fwmark && r.fwmark == 0x10 && r.has_fwmask && r.fwmask == 0xff, "fwmark/mask");
	TAP_OK(r.has_priority && r.priority == 100 && r.table == 70000, "pref, table");
	TAP_EQ_INT(r.action, FR_ACT_TO_TBL, "a table lookup");
	struct hk_nlmsg *m = malloc(sizeof(*m));
	hk_rule_msg(&r, HK_RULE_ADD, m);
	const struct fib_rule_hdr *h = hk_nlmsg_payload(&m->nlh);
	const struct nlattr *tb[FRA_MAX + 1];
	hk_attr_parse(&m->nlh, sizeof(*h), tb, FRA_MAX);
	TAP_OK(m->nlh.nlmsg_type == RTM_NEWRULE &&
		       (m->nlh.nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) ==
			       (NLM_F_CREATE | NLM_F_EXCL),
	       "RTM_NEWRULE, create exclusive");
	TAP_OK(h->flags == FIB_RULE_INVERT && h->src_len == 8 && h->table == RT_TABLE_UNSPEC,
	       "header: invert, src_len, table in FRA_TABLE");
	TAP_EQ_INT(hk_attr_u32(tb[FRA_TABLE]), 70000, "FRA_TABLE");
	TAP_EQ_STR(hk_attr_str(tb[FRA_IIFNAME]), "v0", "FRA_IIFNAME");
	hk_rule_msg(&r, HK_RULE_DEL, m);
	TAP_OK(m->nlh.nlmsg_type == RTM_DELRULE, "the undo: RTM_DELRULE");
	TAP_EQ_INT(RULE(HK_RULE_ADD, &r, &err, "pref", "5"), 0, "no table: main, as ip");
	TAP_EQ_INT(r.table, RT_TABLE_MAIN, "table main");
	TAP_EQ_INT(RULE(HK_RULE_ADD, &r, &err, "to", "2001:db8::/32", "prohibit"), 0, "IPv6");
	TAP_OK(r.family == AF_INET6 && r.action == FR_ACT_PROHIBIT && !r.table,
	       "prohibit, no table");
	TAP_EQ_INT(RULE(HK_RULE_ADD, &r, &err, "goto", "32766"), 0, "goto");
	TAP_OK(r.action == FR_ACT_GOTO && r.goto_target == 32766, "goto target");
	TAP_EQ_INT(RULE(HK_RULE_DEL, &r, &err, "pref", "5"), 0, "del by pref");
	TAP_OK(!r.table && !r.action, "del: table and action match anything");
	free(m);
}

static void test_rule_bad(void)
{
	struct hk_rule r;
	struct hk_err err;
	TAP_OK(RULE(HK_RULE_ADD, &r, &err, "from", "10.0.0.0/8", "to", "2001:db8::/32") ==
			       -EINVAL &&
		       err.cls == HK_ERR_USAGE,
	       "families disagree");
	TAP_OK(RULE(HK_RULE_ADD, &r, &err, "table", "5", "blackhole") == -EINVAL &&
		       strstr(err.msg, "exclude each other"),
	       "table and an action");
	TAP_OK(RULE(HK_RULE_ADD, &r, &err, "bogus") == -EINVAL && strstr(err.msg, "'bogus'"),
	       "unknown word");
	TAP_OK(RULE(HK_RULE_ADD, &r, &err, "pref") == -EINVAL, "pref without a value");
}

static void test_multipath(void)
{
	struct hk_route_req req;
	struct hk_err err;
	int r = hk_route_parse(ARGC("10.9.0.0/16", "nexthop", "via", "10.0.0.2", "dev", "d0",
				    "weight", "2", "nexthop", "via", "10.1.0.2", "onlink"),
			       ARGV("10.9.0.0/16", "nexthop", "via", "10.0.0.2", "dev", "d0",
				    "weight", "2", "nexthop", "via", "10.1.0.2", "onlink"),
			       HK_ROUTE_ADD, &req, &err);
	TAP_EQ_INT(r, 0, "multipath parses");
	TAP_OK(req.nnh == 2 && req.nh[0].weight == 1 && !strcmp(req.nh[0].dev, "d0") &&
		       req.nh[1].onlink && req.nh[1].weight == 0,
	       "two hops: weight 2 (hops 1), onlink");
	req.nh[0].oif = 4;
	req.nh[1].oif = 5;
	struct hk_nlmsg *m = malloc(sizeof(*m));
	hk_route_msg(&req, 0, HK_ROUTE_ADD, m);
	const struct nlattr *tb[RTA_MAX + 1];
	hk_attr_parse(&m->nlh, sizeof(struct rtmsg), tb, RTA_MAX);
	TAP_OK(tb[RTA_MULTIPATH] != NULL, "RTA_MULTIPATH");
	const struct rtnexthop *nh = hk_attr_data(tb[RTA_MULTIPATH]);
	TAP_OK(nh->rtnh_ifindex == 4 && nh->rtnh_hops == 1 && nh->rtnh_len == 16,
	       "first hop: index, hops, length with its gateway");
	const struct rtnexthop *nh2 = (const void *)((const char *)nh + RTNH_ALIGN(nh->rtnh_len));
	TAP_OK(nh2->rtnh_ifindex == 5 && nh2->rtnh_flags == RTNH_F_ONLINK, "second hop: onlink");
	TAP_EQ_INT(hk_attr_len(tb[RTA_MULTIPATH]), 32, "two hops of 16 bytes");
	const struct rtmsg *rtm = hk_nlmsg_payload(&m->nlh);
	TAP_EQ_INT(rtm->rtm_scope, RT_SCOPE_UNIVERSE, "scope global");
	r = hk_route_parse(ARGC("10.9.0.0/16", "via", "10.0.0.2", "nexthop", "dev", "d0"),
			   ARGV("10.9.0.0/16", "via", "10.0.0.2", "nexthop", "dev", "d0"),
			   HK_ROUTE_ADD, &req, &err);
	TAP_OK(r == -EINVAL && strstr(err.msg, "inside each 'nexthop'"), "via outside a hop");
	r = hk_route_parse(ARGC("local", "10.4.4.4", "dev", "d0"),
			   ARGV("local", "10.4.4.4", "dev", "d0"), HK_ROUTE_ADD, &req, &err);
	hk_route_msg(&req, 3, HK_ROUTE_ADD, m);
	rtm = hk_nlmsg_payload(&m->nlh);
	TAP_OK(r == 0 && rtm->rtm_table == RT_TABLE_LOCAL && rtm->rtm_scope == RT_SCOPE_HOST,
	       "local: table local, scope host, as ip");
	free(m);
}

static void test_query(void)
{
	struct hk_route_query q;
	struct hk_err err;
	TAP_EQ_INT(hk_route_parse_query(
			   ARGC("to", "10.0.0.5", "from", "10.1.0.1", "oif", "d0", "mark", "7"),
			   ARGV("to", "10.0.0.5", "from", "10.1.0.1", "oif", "d0", "mark", "7"), &q,
			   &err),
		   0, "route get query parses");
	TAP_OK(q.from.family == AF_INET && !strcmp(q.oif, "d0") && q.has_mark && q.mark == 7,
	       "from, oif, mark");
	TAP_OK(hk_route_parse_query(ARGC("10.0.0.5", "from", "2001:db8::1"),
				    ARGV("10.0.0.5", "from", "2001:db8::1"), &q, &err) == -EINVAL,
	       "from of another family");
	TAP_OK(hk_route_parse_query(ARGC("iif", "d0"), ARGV("iif", "d0"), &q, &err) == -EINVAL &&
		       strstr(err.msg, "one address"),
	       "no address");
}

int main(void)
{
	test_rule_add();
	test_rule_bad();
	test_multipath();
	test_query();
	return tap_done();
}
