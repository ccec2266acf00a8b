// SPDX-License-Identifier: MIT
/* The `ip link` keyword grammar -> struct hk_link_req, and the messages built from it. */
#include <errno.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/tap.h"
#include "link.h"

static int split(char *s, char **argv)
{
	int n = 0;
	for (char *t = strtok(s, " "); t && n < 63; t = strtok(NULL, " "))
		argv[n++] = t;
	return n;
}

static int add(const char *line, struct hk_link_req *req, struct hk_err *err)
{
	char buf[512], *argv[64];
	snprintf(buf, sizeof(buf), "%s", line);
	hk_err_clear(err);
	return hk_link_parse_add(split(buf, argv), argv, req, err);
}

static int set(const char *line, struct hk_link_req *req, struct hk_err *err)
{
	char buf[512], *argv[64];
	snprintf(buf, sizeof(buf), "%s", line);
	hk_err_clear(err);
	return hk_link_parse_set(split(buf, argv), argv, req, err);
}

/* An add line that must be refused as bad input (exit 2) with msg containing want. */
static void bad_add(const char *line, const char *want)
{
	struct hk_link_req req;
	struct hk_err err;
	int r = add(line, &req, &err);
	TAP_OK(r == -EINVAL && err.cls == HK_ERR_USAGE && strstr(err.msg, want), "refused: %s",
	       line);
	if (!(r == -EINVAL && strstr(err.msg, want)))
		printf("#   r=%d msg='%s' want '%s'\n", r, err.msg, want);
}

static void test_veth(void)
{
	struct hk_link_req req;
	struct hk_err err;
	int r = add("v0 mtu 1400 up type veth peer name v1 mtu 9000 address 02:00:00:00:00:01 "
		    "netns ns2",
		    &req, &err);
	TAP_EQ_INT(r, 0, "veth parses");
	TAP_EQ_STR(req.name, "v0", "name");
	TAP_OK(req.kind == &hk_link_veth, "kind veth");
	TAP_EQ_INT(req.a.mtu, 1400, "mtu");
	TAP_EQ_INT(req.a.up, 1, "up");
	TAP_EQ_STR(req.u.veth.peer, "v1", "peer name");
	TAP_EQ_INT(req.u.veth.peer_mtu, 9000, "peer mtu");
	TAP_EQ_STR(req.u.veth.peer_netns, "ns2", "peer netns");
	TAP_EQ_INT(req.u.veth.peer_mac[5], 1, "peer address");
	r = add("name v0 type veth peer v1", &req, &err);
	TAP_EQ_INT(r, 0, "'name NAME' and 'peer PEER' forms");
	TAP_EQ_STR(req.u.veth.peer, "v1", "peer without 'name'");

	/* the message: IFLA_IFNAME, linkinfo/veth/peer with its own ifinfomsg */
	struct hk_link_res res;
	hk_link_res_init(&res);
	res.peer_netns_fd = 7;
	add("v0 type veth peer name v1 netns x", &req, &err);
	struct hk_nlmsg *m = malloc(sizeof(*m));
	r = hk_link_add_msg(&req, &res, m, &err);
	TAP_EQ_INT(r, 0, "veth message built");
	TAP_EQ_INT(m->nlh.nlmsg_type, RTM_NEWLINK, "RTM_NEWLINK");
	TAP_OK((m->nlh.nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)) == (NLM_F_CREATE | NLM_F_EXCL),
	       "create|excl");
	const struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *vd[VETH_INFO_MAX + 1];
	hk_attr_parse(&m->nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	TAP_EQ_STR(hk_attr_str(tb[IFLA_IFNAME]), "v0", "IFLA_IFNAME");
	hk_attr_parse_nested(tb[IFLA_LINKINFO], li, IFLA_INFO_MAX);
	TAP_EQ_STR(hk_attr_str(li[IFLA_INFO_KIND]), "veth", "IFLA_INFO_KIND");
	hk_attr_parse_nested(li[IFLA_INFO_DATA], vd, VETH_INFO_MAX);
	TAP_OK(vd[VETH_INFO_PEER] != NULL, "VETH_INFO_PEER present");
	/* peer payload: ifinfomsg, then attributes */
	const struct nlattr *peer = vd[VETH_INFO_PEER];
	const char *p = (const char *)hk_attr_data(peer) + NLMSG_ALIGN(sizeof(struct ifinfomsg));
	const struct nlattr *pa = (const struct nlattr *)p;
	TAP_EQ_INT(pa->nla_type, IFLA_IFNAME, "peer's first attribute after its ifinfomsg");
	TAP_EQ_STR((const char *)(pa + 1), "v1", "peer IFLA_IFNAME");
	const struct nlattr *pb = (const struct nlattr *)(p + NLA_ALIGN(pa->nla_len));
	TAP_EQ_INT(pb->nla_type, IFLA_NET_NS_FD, "peer IFLA_NET_NS_FD");
	TAP_EQ_INT(*(const uint32_t *)(pb + 1), 7, "peer netns fd value");
	free(m);
}

static void test_kinds(void)
{
	struct hk_link_req req;
	struct hk_err err;
	TAP_EQ_INT(add("t0 type tap owner 1000 group 100 multi_queue", &req, &err), 0,
		   "tap parses");
	TAP_OK(req.kind == &hk_link_tap && req.u.tuntap.owner == 1000 &&
		       req.u.tuntap.group == 100 && req.u.tuntap.multi_queue,
	       "tap owner/group/multi_queue");
	TAP_EQ_INT(add("t0 type tun owner root", &req, &err), 0, "owner by user name");
	TAP_EQ_INT(req.u.tuntap.owner, 0, "root is 0");
	TAP_EQ_INT(add("m0 type macvlan link v0 mode bridge", &req, &err), 0, "macvlan parses");
	TAP_EQ_STR(req.a.link, "v0", "lower device");
	TAP_EQ_INT(req.u.macvlan.mode, MACVLAN_MODE_BRIDGE, "mode bridge");
	TAP_EQ_INT(add("m0 link v0 type macvtap mode passthru", &req, &err), 0,
		   "link DEV before type");
	TAP_EQ_INT(req.u.macvlan.mode, MACVLAN_MODE_PASSTHRU, "mode passthru");
	TAP_EQ_INT(
		add("x0 type vxlan id 42 remote 10.0.0.2 local 10.0.0.1 dstport 4789 dev v0 ttl 8",
		    &req, &err),
		0, "vxlan parses");
	TAP_OK(req.u.vxlan.id == 42 && req.u.vxlan.dstport == 4789 && req.u.vxlan.ttl == 8 &&
		       !strcmp(req.u.vxlan.dev, "v0") && req.u.vxlan.remote.family == AF_INET &&
		       !req.u.vxlan.group,
	       "vxlan fields");
	TAP_EQ_INT(add("x0 type vxlan id 7 group 239.1.1.1 dev v0", &req, &err), 0, "vxlan group");
	TAP_OK(req.u.vxlan.group, "group flagged");
	TAP_EQ_INT(add("l0 type vlan link v0 id 10 protocol 802.1ad", &req, &err), 0,
		   "vlan parses");
	TAP_OK(req.u.vlan.id == 10 && req.u.vlan.proto == 0x88a8, "vlan id/protocol");
	TAP_EQ_INT(add("i0 type ipvlan link v0 mode l3s", &req, &err), 0, "ipvlan parses");
	TAP_EQ_INT(req.u.ipvlan.mode, IPVLAN_MODE_L3S, "ipvlan l3s");
	TAP_EQ_INT(add("d0 type dummy", &req, &err), 0, "dummy parses");
	TAP_EQ_INT(add("b0 type bridge stp_state 1 forward_delay 400", &req, &err), 0,
		   "bridge parses");
	TAP_OK(req.u.bridge.stp_state == 1 && req.u.bridge.forward_delay == 400, "bridge options");
	TAP_EQ_INT(add("b0 master br0 type bridge", &req, &err), 0, "master parses");
	TAP_EQ_STR(req.a.master, "br0", "master");
}

static void test_bad(void)
{
	bad_add("abcdefghijklmnop type bridge", "name");
	bad_add("a/b type bridge", "name");
	bad_add("v0 type nosuchkind", "unknown link kind 'nosuchkind'");
	bad_add("v0", "missing 'type KIND'");
	bad_add("type bridge", "missing NAME");
	bad_add("v0 type veth", "peer");
	bad_add("v0 type veth peer name v0", "same name");
	bad_add("v0 type veth peer name abcdefghijklmnop", "peer name");
	bad_add("v0 mtu 12 type bridge", "mtu");
	bad_add("v0 mtu x type bridge", "mtu");
	bad_add("v0 address 02:00 type bridge", "");
	bad_add("v0 type macvlan mode bridge", "missing 'link DEV'");
	bad_add("v0 type macvlan link v1 mode nosuch", "unknown mode");
	bad_add("v0 type vxlan remote 10.0.0.1", "missing 'id N'");
	bad_add("v0 type vxlan id 16777216", "vxlan id");
	bad_add("v0 type vxlan id 1 group 10.0.0.1", "not a multicast");
	bad_add("v0 type vlan link v1", "missing 'id N'");
	bad_add("v0 type vlan link v1 id 4095", "vlan id");
	bad_add("v0 type tap owner nosuchuserhere", "no such user");
	bad_add("v0 type tap frobnicate", "unexpected 'frobnicate'");
	bad_add("v0 type bridge link v1", "unexpected");
	bad_add("v0 master br0 netns x type bridge", "cannot be combined");
	bad_add("v0 netns ../x type bridge", "netns");
	bad_add("v0 mtu", "'mtu' needs a value");
}

static void test_set(void)
{
	struct hk_link_req req;
	struct hk_err err;
	TAP_EQ_INT(set("v0 up mtu 1400 name v9 address 02:00:00:00:00:02", &req, &err), 0,
		   "set parses");
	TAP_OK(req.a.up == 1 && req.a.mtu == 1400 && !strcmp(req.a.newname, "v9"), "set fields");
	TAP_EQ_INT(set("dev v0 nomaster down", &req, &err), 0, "dev NAME form");
	TAP_OK(req.a.nomaster && req.a.up == 0 && !strcmp(req.name, "v0"), "nomaster down");
	TAP_EQ_INT(set("v0", &req, &err), -EINVAL, "nothing to change is refused");
	TAP_EQ_INT(set("v0 master b nomaster", &req, &err), -EINVAL, "master+nomaster refused");
	TAP_EQ_INT(set("v0 name a/b", &req, &err), -EINVAL, "bad new name refused");

	/* rename needs an index; otherwise by name with ifi_index 0 */
	struct hk_link_res res;
	hk_link_res_init(&res);
	struct hk_nlmsg *m = malloc(sizeof(*m));
	set("v0 mtu 1300 up", &req, &err);
	TAP_EQ_INT(hk_link_set_msg(&req, &res, m, &err), 0, "set by name built");
	const struct ifinfomsg *ifi = hk_nlmsg_payload(&m->nlh);
	const struct nlattr *tb[IFLA_MAX + 1];
	hk_attr_parse(&m->nlh, sizeof(*ifi), tb, IFLA_MAX);
	TAP_OK(ifi->ifi_index == 0 && !strcmp(hk_attr_str(tb[IFLA_IFNAME]), "v0"),
	       "addressed by IFLA_IFNAME");
	TAP_OK(ifi->ifi_change == IFF_UP && ifi->ifi_flags == IFF_UP,
	       "up via ifi_change/ifi_flags");
	TAP_EQ_INT(hk_attr_u32(tb[IFLA_MTU]), 1300, "IFLA_MTU");
	set("v0 name v1", &req, &err);
	TAP_EQ_INT(hk_link_set_msg(&req, &res, m, &err), -EINVAL, "rename without index refused");
	res.index = 5;
	TAP_EQ_INT(hk_link_set_msg(&req, &res, m, &err), 0, "rename with index");
	hk_attr_parse(&m->nlh, sizeof(*ifi), tb, IFLA_MAX);
	ifi = hk_nlmsg_payload(&m->nlh);
	TAP_OK(ifi->ifi_index == 5 && !strcmp(hk_attr_str(tb[IFLA_IFNAME]), "v1"),
	       "new name, by index");

	/* restore message: moves back by pid, renames, master 0 */
	struct hk_link_snap snap = {
		.index = 5, .name = "v0", .flags = 0, .mtu = 1500, .maclen = 6
	};
	hk_link_restore_msg(&snap, 9, -1, 1234, m);
	hk_attr_parse(&m->nlh, sizeof(*ifi), tb, IFLA_MAX);
	ifi = hk_nlmsg_payload(&m->nlh);
	TAP_OK(ifi->ifi_index == 9 && (ifi->ifi_change & IFF_UP) && ifi->ifi_flags == 0,
	       "restore: index, down");
	TAP_OK(ifi->ifi_change == (IFF_UP | IFF_PROMISC | IFF_NOARP | IFF_MULTICAST | IFF_ALLMULTI),
	       "restore: the flags link set changes");
	TAP_EQ_INT(hk_attr_u32(tb[IFLA_TXQLEN]), 0, "restore: txqueuelen");
	TAP_EQ_INT(hk_attr_u32(tb[IFLA_NET_NS_PID]), 1234, "restore: back by pid");
	TAP_EQ_STR(hk_attr_str(tb[IFLA_IFNAME]), "v0", "restore: old name");
	TAP_EQ_INT(hk_attr_u32(tb[IFLA_MASTER]), 0, "restore: no master");
	free(m);
}

static void test_show(void)
{
	struct hk_link_filter f;
	struct hk_err err;
	char a0[] = "v0", a1[] = "type", a2[] = "tap", a3[] = "master", a4[] = "br0",
	     a5[] = "nosuch";
	char *argv[] = { a0, a1, a2, a3, a4 };
	TAP_EQ_INT(hk_link_parse_show(5, argv, &f, &err), 0, "show filters parse");
	TAP_OK(!strcmp(f.name, "v0") && !strcmp(f.kind, "tap") && !strcmp(f.master, "br0"),
	       "show filter fields");
	char *bad[] = { a1, a5 };
	TAP_EQ_INT(hk_link_parse_show(2, bad, &f, &err), -EINVAL, "unknown kind in show refused");
}

/* ip's link set attributes: on|off flags, txqueuelen, alias, group, and their message */
static void test_set_attrs(void)
{
	struct hk_link_req req;
	struct hk_err err;
	int r = set("v0 promisc on arp off multicast off allmulticast on txqueuelen 77 group 3",
		    &req, &err);
	TAP_EQ_INT(r, 0, "set attributes parse");
	TAP_OK(req.a.promisc == HK_ON && req.a.arp == HK_OFF && req.a.multicast == HK_OFF &&
		       req.a.allmulticast == HK_ON,
	       "on|off flags");
	TAP_OK(req.a.has_txqlen && req.a.txqlen == 77 && req.a.has_group && req.a.group == 3,
	       "txqueuelen, group");
	struct hk_link_res res;
	hk_link_res_init(&res);
	struct hk_nlmsg *m = malloc(sizeof(*m));
	TAP_EQ_INT(hk_link_set_msg(&req, &res, m, &err), 0, "set message");
	const struct ifinfomsg *ifi = hk_nlmsg_payload(&m->nlh);
	TAP_OK(ifi->ifi_change == (IFF_PROMISC | IFF_NOARP | IFF_MULTICAST | IFF_ALLMULTI) &&
		       ifi->ifi_flags == (IFF_PROMISC | IFF_NOARP | IFF_ALLMULTI),
	       "flags: arp off sets NOARP, multicast off clears MULTICAST");
	const struct nlattr *tb[IFLA_MAX + 1];
	hk_attr_parse(&m->nlh, sizeof(*ifi), tb, IFLA_MAX);
	TAP_EQ_INT(hk_attr_u32(tb[IFLA_TXQLEN]), 77, "IFLA_TXQLEN");
	TAP_EQ_INT(hk_attr_u32(tb[IFLA_GROUP]), 3, "IFLA_GROUP");
	TAP_OK(!tb[IFLA_IFALIAS], "no alias unless given");
	TAP_EQ_INT(set("v0 alias ''", &req, &err), 0, "alias '' parses");
	TAP_EQ_INT(set("v0 group default", &req, &err), 0, "group default");
	TAP_EQ_INT(req.a.group, 0, "group default is 0");
	r = set("v0 promisc yes", &req, &err);
	TAP_OK(r == -EINVAL && strstr(err.msg, "expected on or off"), "promisc yes refused");
	r = set("v0 bogus", &req, &err);
	TAP_OK(r == -EINVAL && strstr(err.msg, "promisc"), "unknown keyword: the list");
	free(m);
}

int main(void)
{
	test_set_attrs();
	test_veth();
	test_kinds();
	test_bad();
	test_set();
	test_show();
	return tap_done();
}
