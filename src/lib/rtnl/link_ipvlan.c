// SPDX-License-Identifier: MIT
/* ipvlan: `link DEV [mode l2|l3|l3s]`. */
#include <linux/if_link.h>

#include "link.h"

static const struct hk_link_mode modes[] = {
	{ "l2", IPVLAN_MODE_L2 },
	{ "l3", IPVLAN_MODE_L3 },
	{ "l3s", IPVLAN_MODE_L3S },
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

static int ipvlan_parse(struct hk_link_req *req, int argc, char **argv, struct hk_err *err)
{
	uint32_t mode = 0xffff; /* none given: the kernel's default */
	int r = hk_link_parse_lower_mode(req, argc, argv, modes, NMODES, &mode, err);
	req->u.ipvlan.mode = (uint16_t)mode;
	return r;
}

static int ipvlan_fill(const struct hk_link_req *req, const struct hk_link_res *res,
		       struct hk_nlmsg *m, struct hk_err *err)
{
	(void)res;
	(void)err;
	if (req->u.ipvlan.mode == 0xffff)
		return 0;
	struct nlattr *data = hk_nlmsg_nest_start(m, IFLA_INFO_DATA);
	hk_nlmsg_put_u16(m, IFLA_IPVLAN_MODE, req->u.ipvlan.mode);
	hk_nlmsg_nest_end(m, data);
	return 0;
}

static void ipvlan_info(const struct nlattr *data, struct hk_link_info *info)
{
	const struct nlattr *tb[IFLA_IPVLAN_MAX + 1];
	hk_attr_parse_nested(data, tb, IFLA_IPVLAN_MAX);
	if (tb[IFLA_IPVLAN_MODE]) {
		hk_link_kv_str(info, "mode",
			       hk_link_mode_name(modes, NMODES, hk_attr_u16(tb[IFLA_IPVLAN_MODE])));
	}
}

const struct hk_link_kind hk_link_ipvlan = {
	.name = "ipvlan",
	.info_kind = "ipvlan",
	.needs_link = true,
	.parse = ipvlan_parse,
	.fill = ipvlan_fill,
	.info = ipvlan_info,
};
