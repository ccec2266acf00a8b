// SPDX-License-Identifier: MIT
/* ipvlan: `link DEV [mode l2|l3|l3s]`. */
#include <linux/if_link.h>
#include <string.h>

#include "link.h"

static const char *const modes[] = { [IPVLAN_MODE_L2] = "l2", [IPVLAN_MODE_L3] = "l3",
				     [IPVLAN_MODE_L3S] = "l3s" };

static int ipvlan_parse(struct hk_link_req *req, int argc, char **argv, struct hk_err *err)
{
	for (int i = 0; i < argc; i++) {
		int r = hk_link_parse_lower(req, argc, argv, &i, err);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		const char *v;
		if (strcmp(argv[i], "mode"))
			return hk_err_usage(err, "unexpected '%s' (link DEV, mode l2|l3|l3s)", argv[i]);
		if ((r = hk_link_next_arg(argc, argv, &i, &v, err)) < 0)
			return r;
		req->u.ipvlan.mode = 0xffff;
		for (uint16_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
			if (!strcmp(v, modes[m]))
				req->u.ipvlan.mode = m;
		if (req->u.ipvlan.mode == 0xffff)
			return hk_err_usage(err, "unknown mode '%s' (l2, l3, l3s)", v);
	}
	return 0;
}

static int ipvlan_fill(const struct hk_link_req *req, const struct hk_link_res *res, struct hk_nlmsg *m,
		       struct hk_err *err)
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
		uint16_t m = hk_attr_u16(tb[IFLA_IPVLAN_MODE]);
		hk_link_kv_str(info, "mode", m < sizeof(modes) / sizeof(modes[0]) ? modes[m] : "unknown");
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
