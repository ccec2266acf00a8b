// SPDX-License-Identifier: MIT
/* Unit tests for netlink message encoding and attribute parsing (no socket, no kernel). */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "netlink.h"
#include "tap.h"

static void test_encode_decode(void)
{
	struct hk_nlmsg m;
	struct ifinfomsg *ifi;
	hk_nlmsg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_index = 7;
	hk_nlmsg_put_str(&m, IFLA_IFNAME, "v0");
	hk_nlmsg_put_u32(&m, IFLA_MTU, 9000);
	struct nlattr *li = hk_nlmsg_nest_start(&m, IFLA_LINKINFO);
	hk_nlmsg_put_str(&m, IFLA_INFO_KIND, "veth");
	hk_nlmsg_nest_end(&m, li);
	TAP_OK(!m.overflow, "no overflow");
	TAP_EQ_INT(m.nlh.nlmsg_type, RTM_NEWLINK, "type");
	TAP_OK(m.nlh.nlmsg_flags & NLM_F_REQUEST, "NLM_F_REQUEST added");
	TAP_OK(m.nlh.nlmsg_flags & NLM_F_EXCL, "caller flags kept");

	const struct nlattr *tb[IFLA_MAX + 1];
	hk_attr_parse(&m.nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	const struct ifinfomsg *got = hk_nlmsg_payload(&m.nlh);
	TAP_EQ_INT(got->ifi_index, 7, "family header kept");
	TAP_OK(tb[IFLA_IFNAME] != NULL, "IFLA_IFNAME present");
	TAP_EQ_STR(hk_attr_str(tb[IFLA_IFNAME]), "v0", "IFLA_IFNAME value");
	TAP_EQ_INT(hk_attr_u32(tb[IFLA_MTU]), 9000, "IFLA_MTU value");
	TAP_OK(tb[IFLA_LINKINFO] != NULL, "IFLA_LINKINFO nest present");
	const struct nlattr *info[IFLA_INFO_MAX + 1];
	hk_attr_parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX);
	TAP_EQ_STR(hk_attr_str(info[IFLA_INFO_KIND]), "veth", "nested kind");
	TAP_OK(tb[IFLA_ADDRESS] == NULL, "absent attribute is NULL");

	int n = 0;
	for (const struct nlattr *a = hk_attr_first(tb[IFLA_LINKINFO]); a;
	     a = hk_attr_next(tb[IFLA_LINKINFO], a))
		n++;
	TAP_EQ_INT(n, 1, "nest iteration");
}

static void test_overflow(void)
{
	struct hk_nlmsg m;
	hk_nlmsg_init(&m, RTM_NEWLINK, 0, sizeof(struct ifinfomsg), NULL);
	static char big[HK_NLMSG_SIZE];
	memset(big, 'a', sizeof(big));
	hk_nlmsg_put(&m, IFLA_IFALIAS, sizeof(big), big);
	TAP_OK(m.overflow, "oversized attribute flags overflow");
	uint32_t len = m.nlh.nlmsg_len;
	TAP_OK(len <= HK_NLMSG_SIZE, "message length stays inside the buffer (%u)", len);
}

static void test_strings(void)
{
	struct hk_nlmsg m;
	hk_nlmsg_init(&m, RTM_NEWLINK, 0, sizeof(struct ifinfomsg), NULL);
	/* a string attribute without its NUL is not returned as a string */
	hk_nlmsg_put(&m, IFLA_IFNAME, 3, "abc");
	const struct nlattr *tb[IFLA_MAX + 1];
	hk_attr_parse(&m.nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	TAP_OK(hk_attr_str(tb[IFLA_IFNAME]) == NULL, "unterminated string rejected");
	TAP_EQ_INT(hk_attr_len(tb[IFLA_IFNAME]), 3, "payload length");
	/* short integer payloads read as 0 instead of over-reading */
	hk_nlmsg_init(&m, RTM_NEWLINK, 0, sizeof(struct ifinfomsg), NULL);
	hk_nlmsg_put_u8(&m, IFLA_MTU, 5);
	hk_attr_parse(&m.nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	TAP_EQ_INT(hk_attr_u32(tb[IFLA_MTU]), 0, "short u32 reads 0");
	TAP_EQ_INT(hk_attr_u8(tb[IFLA_MTU]), 5, "u8 reads");
}

static void test_err_text(void)
{
	struct hk_err e = { 0 };
	hk_nl_err(&e, -EEXIST, "Device already exists", "link 'v0': create");
	TAP_EQ_STR(e.msg, "link 'v0': create: File exists (kernel: Device already exists)",
		   "extack appended");
	hk_nl_err(&e, -ENODEV, "", "link 'x'");
	TAP_EQ_STR(e.msg, "link 'x': No such device", "no extack");
	TAP_EQ_INT(e.cls, HK_ERR_NOTFOUND, "ENODEV is not-found");
}

int main(void)
{
	test_encode_decode();
	test_overflow();
	test_strings();
	test_err_text();
	return tap_done();
}
