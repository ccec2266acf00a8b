// SPDX-License-Identifier: MIT
/* bridge: `[stp_state 0|1] [forward_delay CENTISECONDS]`. */
#include <linux/if_link.h>
#include <string.h>

#include "link.h"

static int bridge_parse(struct hk_link_req *req, int argc, char **argv, struct hk_err *err)
{
	struct hk_link_bridge *b = &req->u.bridge;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i], *v;
		uint32_t n;
		if (strcmp(w, "stp_state") && strcmp(w, "forward_delay"))
			return hk_err_usage(err, "unexpected '%s' (stp_state 0|1, forward_delay N)",
					    w);
		int r = hk_next_arg(argc, argv, &i, &v, err);
		if (r < 0)
			return r;
		if (!strcmp(w, "stp_state")) {
			r = hk_parse_u32(v, 0, 1, &n, "stp_state", err);
			b->stp_state = (int)n;
		} else {
			/* the kernel's range: 2..30 s, in centiseconds */
			r = hk_parse_u32(v, 200, 3000, &n, "forward_delay (centiseconds)", err);
			b->forward_delay = n;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int bridge_fill(const struct hk_link_req *req, const struct hk_link_res *res,
		       struct hk_nlmsg *m, struct hk_err *err)
{
	(void)res;
	(void)err;
	const struct hk_link_bridge *b = &req->u.bridge;
	if (b->stp_state < 0 && b->forward_delay < 0 && !b->no_mcast_snooping)
		return 0;
	struct nlattr *data = hk_nlmsg_nest_start(m, IFLA_INFO_DATA);
	if (b->stp_state >= 0)
		hk_nlmsg_put_u32(m, IFLA_BR_STP_STATE, (uint32_t)b->stp_state);
	if (b->forward_delay >= 0)
		hk_nlmsg_put_u32(m, IFLA_BR_FORWARD_DELAY, (uint32_t)b->forward_delay);
	if (b->no_mcast_snooping)
		hk_nlmsg_put_u8(m, IFLA_BR_MCAST_SNOOPING, 0);
	hk_nlmsg_nest_end(m, data);
	return 0;
}

static void bridge_info(const struct nlattr *data, struct hk_link_info *info)
{
	const struct nlattr *tb[IFLA_BR_MAX + 1];
	hk_attr_parse_nested(data, tb, IFLA_BR_MAX);
	if (tb[IFLA_BR_STP_STATE])
		hk_link_kv_u64(info, "stp_state", hk_attr_u32(tb[IFLA_BR_STP_STATE]));
	if (tb[IFLA_BR_FORWARD_DELAY])
		hk_link_kv_u64(info, "forward_delay", hk_attr_u32(tb[IFLA_BR_FORWARD_DELAY]));
}

const struct hk_link_kind hk_link_bridge = {
	.name = "bridge",
	.info_kind = "bridge",
	.parse = bridge_parse,
	.fill = bridge_fill,
	.info = bridge_info,
};
