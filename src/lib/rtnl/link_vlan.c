// SPDX-License-Identifier: MIT
/* vlan: `link DEV id N [protocol 802.1q|802.1ad]`. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <strings.h>

#include "link.h"

static int vlan_parse(struct hk_link_req *req, int argc, char **argv, struct hk_err *err)
{
	struct hk_link_vlan *v = &req->u.vlan;
	for (int i = 0; i < argc; i++) {
		int r = hk_link_parse_lower(req, argc, argv, &i, err);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		const char *w = argv[i], *s;
		if (strcasecmp(w, "id") && strcasecmp(w, "protocol"))
			return hk_err_usage(
				err, "unexpected '%s' (link DEV, id N, protocol 802.1q|802.1ad)",
				w);
		if ((r = hk_next_arg(argc, argv, &i, &s, err)) < 0)
			return r;
		if (!strcasecmp(w, "id")) {
			uint32_t id;
			if ((r = hk_parse_u32(s, 0, 4094, &id, "vlan id", err)) < 0)
				return r;
			v->id = (uint16_t)id;
			v->has_id = true;
		} else if (!strcasecmp(s, "802.1q")) {
			v->proto = ETH_P_8021Q;
		} else if (!strcasecmp(s, "802.1ad")) {
			v->proto = ETH_P_8021AD;
		} else {
			return hk_err_usage(err, "unknown protocol '%s' (802.1q, 802.1ad)", s);
		}
	}
	if (!v->has_id)
		return hk_err_usage(err, "missing 'id N'");
	return 0;
}

static int vlan_fill(const struct hk_link_req *req, const struct hk_link_res *res,
		     struct hk_nlmsg *m, struct hk_err *err)
{
	(void)res;
	(void)err;
	const struct hk_link_vlan *v = &req->u.vlan;
	struct nlattr *data = hk_nlmsg_nest_start(m, IFLA_INFO_DATA);
	hk_nlmsg_put_u16(m, IFLA_VLAN_ID, v->id);
	if (v->proto)
		hk_nlmsg_put_u16(m, IFLA_VLAN_PROTOCOL, htons(v->proto));
	hk_nlmsg_nest_end(m, data);
	return 0;
}

static void vlan_info(const struct nlattr *data, struct hk_link_info *info)
{
	const struct nlattr *tb[IFLA_VLAN_MAX + 1];
	hk_attr_parse_nested(data, tb, IFLA_VLAN_MAX);
	if (tb[IFLA_VLAN_ID])
		hk_link_kv_u64(info, "id", hk_attr_u16(tb[IFLA_VLAN_ID]));
	if (tb[IFLA_VLAN_PROTOCOL])
		hk_link_kv_str(info, "protocol",
			       ntohs(hk_attr_u16(tb[IFLA_VLAN_PROTOCOL])) == ETH_P_8021AD
				       ? "802.1ad"
				       : "802.1Q");
}

const struct hk_link_kind hk_link_vlan = {
	.name = "vlan",
	.info_kind = "vlan",
	.needs_link = true,
	.parse = vlan_parse,
	.fill = vlan_fill,
	.info = vlan_info,
};
