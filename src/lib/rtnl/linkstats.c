// SPDX-License-Identifier: MIT
#include "linkstats.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/vec.h"

struct acc {
	struct hk_link_stats *v;
	size_t n, cap;
};

static int on_stats(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	struct acc *a = data;
	if (!nlh) { /* dump restarted */
		a->n = 0;
		return 0;
	}
	if (nlh->nlmsg_type != RTM_NEWSTATS)
		return 0;
	const struct if_stats_msg *ifsm = hk_nlmsg_payload(nlh);
	const struct nlattr *tb[IFLA_STATS_MAX + 1];
	hk_attr_parse(nlh, sizeof(*ifsm), tb, IFLA_STATS_MAX);
	if (!tb[IFLA_STATS_LINK_64] ||
	    hk_attr_len(tb[IFLA_STATS_LINK_64]) < sizeof(struct rtnl_link_stats64))
		return 0;
	if (hk_vec_grow(&a->v, a->n, &a->cap, 16) < 0)
		return hk_err_sys(err, -ENOMEM, "link statistics");
	a->v[a->n].ifindex = (int)ifsm->ifindex;
	memcpy(&a->v[a->n].s, hk_attr_data(tb[IFLA_STATS_LINK_64]), sizeof(a->v[a->n].s));
	a->n++;
	return 0;
}

int hk_link_stats_list(struct hk_nl *nl, struct hk_link_stats **ret, size_t *ret_n,
		       struct hk_err *err)
{
	struct hk_nlmsg m;
	struct if_stats_msg *ifsm;
	hk_nlmsg_init(&m, RTM_GETSTATS, 0, sizeof(*ifsm), (void **)&ifsm);
	ifsm->family = AF_UNSPEC;
	ifsm->filter_mask = IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64);
	struct acc a = { 0 };
	int r = hk_nl_dump(nl, &m, on_stats, &a, err);
	if (r < 0) {
		free(a.v);
		return hk_err_prefix(err, "link statistics");
	}
	*ret = a.v;
	*ret_n = a.n;
	return 0;
}

const struct hk_link_stats *hk_link_stats_find(const struct hk_link_stats *v, size_t n, int ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].ifindex == ifindex)
			return &v[i];
	return NULL;
}
