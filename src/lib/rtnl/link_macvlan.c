// SPDX-License-Identifier: MIT
/* macvlan and macvtap: `link DEV [mode private|vepa|bridge|passthru|source]`. A macvtap's
 * frames go to the character device /dev/tapN (N = its ifindex), which devtmpfs creates by
 * itself: no udev is needed. */
#include <linux/if_link.h>

#include "link.h"

static const struct hk_link_mode modes[] = {
	{ "private", MACVLAN_MODE_PRIVATE }, { "vepa", MACVLAN_MODE_VEPA },
	{ "bridge", MACVLAN_MODE_BRIDGE },   { "passthru", MACVLAN_MODE_PASSTHRU },
	{ "source", MACVLAN_MODE_SOURCE },
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

static int macvlan_parse(struct hk_link_req *req, int argc, char **argv, struct hk_err *err)
{
	req->u.macvlan.mode = 0; /* none given: the kernel's default (vepa) */
	return hk_link_parse_lower_mode(req, argc, argv, modes, NMODES, &req->u.macvlan.mode, err);
}

static int macvlan_fill(const struct hk_link_req *req, const struct hk_link_res *res,
			struct hk_nlmsg *m, struct hk_err *err)
{
	(void)res;
	(void)err;
	if (!req->u.macvlan.mode)
		return 0;
	struct nlattr *data = hk_nlmsg_nest_start(m, IFLA_INFO_DATA);
	hk_nlmsg_put_u32(m, IFLA_MACVLAN_MODE, req->u.macvlan.mode);
	hk_nlmsg_nest_end(m, data);
	return 0;
}

static void macvlan_info(const struct nlattr *data, struct hk_link_info *info)
{
	const struct nlattr *tb[IFLA_MACVLAN_MAX + 1];
	hk_attr_parse_nested(data, tb, IFLA_MACVLAN_MAX);
	if (!tb[IFLA_MACVLAN_MODE])
		return;
	hk_link_kv_str(info, "mode",
		       hk_link_mode_name(modes, NMODES, hk_attr_u32(tb[IFLA_MACVLAN_MODE])));
}

const struct hk_link_kind hk_link_macvlan = {
	.name = "macvlan",
	.info_kind = "macvlan",
	.needs_link = true,
	.parse = macvlan_parse,
	.fill = macvlan_fill,
	.info = macvlan_info,
};

const struct hk_link_kind hk_link_macvtap = {
	.name = "macvtap",
	.info_kind = "macvtap",
	.needs_link = true,
	.parse = macvlan_parse,
	.fill = macvlan_fill,
	.info = macvlan_info,
};
