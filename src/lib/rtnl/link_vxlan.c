// SPDX-License-Identifier: MIT
/* vxlan: `id N [remote IP | group IP] [local IP] [dstport P] [dev DEV] [ttl N]`. Without
 * dstport the kernel uses its historical default 8472, not IANA's 4789 (as iproute2 warns). */
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <string.h>

#include "link.h"

static bool is_multicast(const struct hk_prefix *p)
{
	if (p->family == AF_INET)
		return IN_MULTICAST(ntohl(p->addr.v4.s_addr));
	return p->addr.raw[0] == 0xff;
}

static int vxlan_word(struct hk_link_vxlan *x, const char *w, const char *v, struct hk_err *err)
{
	uint32_t n;
	int r;
	if (!strcmp(w, "id") || !strcmp(w, "vni")) {
		x->has_id = true;
		return hk_parse_u32(v, 0, (1u << 24) - 1, &x->id, "vxlan id", err);
	}
	if (!strcmp(w, "remote") || !strcmp(w, "group")) {
		if (x->remote.family)
			return hk_err_usage(err, "give one of 'remote' and 'group', once");
		if ((r = hk_parse_addr(v, 0, &x->remote, err)) < 0)
			return r;
		x->group = !strcmp(w, "group");
		if (x->group != is_multicast(&x->remote))
			return hk_err_usage(err, "%s '%s': %s", w, v,
					    x->group ? "not a multicast address"
						     : "a multicast address (use 'group')");
		return 0;
	}
	if (!strcmp(w, "local"))
		return hk_parse_addr(v, 0, &x->local, err);
	if (!strcmp(w, "dstport")) {
		x->has_dstport = true;
		r = hk_parse_u32(v, 0, 65535, &n, "dstport", err);
		x->dstport = (uint16_t)n;
		return r;
	}
	if (!strcmp(w, "ttl")) {
		x->has_ttl = true;
		r = hk_parse_u32(v, 0, 255, &n, "ttl", err);
		x->ttl = (uint8_t)n;
		return r;
	}
	/* dev */
	if (hk_parse_ifname(v, err) < 0)
		return hk_err_prefix(err, "dev");
	strcpy(x->dev, v);
	return 0;
}

static int vxlan_parse(struct hk_link_req *req, int argc, char **argv, struct hk_err *err)
{
	static const char *const words[] = { "id",    "vni",	 "remote", "group",
					     "local", "dstport", "ttl",	   "dev" };
	struct hk_link_vxlan *x = &req->u.vxlan;
	for (int i = 0; i < argc; i++) {
		const char *v;
		bool known = false;
		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			known |= !strcmp(argv[i], words[k]);
		if (!known)
			return hk_err_usage(
				err,
				"unexpected '%s' (id, remote, group, local, dstport, dev, ttl)",
				argv[i]);
		int r = hk_next_arg(argc, argv, &i, &v, err);
		if (r < 0 || (r = vxlan_word(x, argv[i - 1], v, err)) < 0)
			return r;
	}
	if (!x->has_id)
		return hk_err_usage(err, "missing 'id N'");
	if (x->remote.family && x->local.family && x->remote.family != x->local.family)
		return hk_err_usage(err, "remote and local are of different address families");
	return 0;
}

static void put_addr(struct hk_nlmsg *m, uint16_t t4, uint16_t t6, const struct hk_prefix *p)
{
	if (p->family == AF_INET)
		hk_nlmsg_put(m, t4, 4, &p->addr.v4);
	else
		hk_nlmsg_put(m, t6, 16, &p->addr.v6);
}

static int vxlan_fill(const struct hk_link_req *req, const struct hk_link_res *res,
		      struct hk_nlmsg *m, struct hk_err *err)
{
	(void)err;
	const struct hk_link_vxlan *x = &req->u.vxlan;
	struct nlattr *data = hk_nlmsg_nest_start(m, IFLA_INFO_DATA);
	hk_nlmsg_put_u32(m, IFLA_VXLAN_ID, x->id);
	if (x->remote.family)
		put_addr(m, IFLA_VXLAN_GROUP, IFLA_VXLAN_GROUP6, &x->remote);
	if (x->local.family)
		put_addr(m, IFLA_VXLAN_LOCAL, IFLA_VXLAN_LOCAL6, &x->local);
	if (x->has_dstport)
		hk_nlmsg_put_u16(m, IFLA_VXLAN_PORT, htons(x->dstport));
	if (x->has_ttl)
		hk_nlmsg_put_u8(m, IFLA_VXLAN_TTL, x->ttl);
	if (res->vxlan_dev)
		hk_nlmsg_put_u32(m, IFLA_VXLAN_LINK, (uint32_t)res->vxlan_dev);
	hk_nlmsg_nest_end(m, data);
	return 0;
}

static void info_addr(struct hk_link_info *info, const char *key, const struct nlattr *a,
		      int family)
{
	char buf[INET6_ADDRSTRLEN];
	if (a && inet_ntop(family, hk_attr_data(a), buf, sizeof(buf)))
		hk_link_kv_str(info, key, buf);
}

static void vxlan_info(const struct nlattr *data, struct hk_link_info *info)
{
	const struct nlattr *tb[IFLA_VXLAN_MAX + 1];
	hk_attr_parse_nested(data, tb, IFLA_VXLAN_MAX);
	if (tb[IFLA_VXLAN_ID])
		hk_link_kv_u64(info, "id", hk_attr_u32(tb[IFLA_VXLAN_ID]));
	const struct nlattr *g =
		tb[IFLA_VXLAN_GROUP] ? tb[IFLA_VXLAN_GROUP] : tb[IFLA_VXLAN_GROUP6];
	if (g) {
		int fam = tb[IFLA_VXLAN_GROUP] ? AF_INET : AF_INET6;
		const uint8_t *b = hk_attr_data(g);
		bool mc = fam == AF_INET ? (b[0] & 0xf0) == 0xe0 : b[0] == 0xff;
		info_addr(info, mc ? "group" : "remote", g, fam);
	}
	info_addr(info, "local", tb[IFLA_VXLAN_LOCAL], AF_INET);
	info_addr(info, "local", tb[IFLA_VXLAN_LOCAL6], AF_INET6);
	if (tb[IFLA_VXLAN_PORT])
		hk_link_kv_u64(info, "port", ntohs(hk_attr_u16(tb[IFLA_VXLAN_PORT])));
	if (tb[IFLA_VXLAN_LINK])
		hk_link_kv_u64(info, "link", hk_attr_u32(tb[IFLA_VXLAN_LINK]));
	if (tb[IFLA_VXLAN_TTL])
		hk_link_kv_u64(info, "ttl", hk_attr_u8(tb[IFLA_VXLAN_TTL]));
}

const struct hk_link_kind hk_link_vxlan = {
	.name = "vxlan",
	.info_kind = "vxlan",
	.parse = vxlan_parse,
	.fill = vxlan_fill,
	.info = vxlan_info,
};
