/* SPDX-License-Identifier: MIT */
/*
 * Device counters (`ip -s link`): one RTM_GETSTATS dump of IFLA_STATS_LINK_64, apart from
 * the link listing, which asks the kernel to skip statistics to stay cheap.
 */
#ifndef HK_LINKSTATS_H
#define HK_LINKSTATS_H

#include <linux/if_link.h>
#include <stddef.h>

#include "base/err.h"
#include "netlink.h"

struct hk_link_stats {
	int ifindex;
	struct rtnl_link_stats64 s;
};

/* Every device's counters on nl, in the kernel's order. Caller frees *ret. */
int hk_link_stats_list(struct hk_nl *nl, struct hk_link_stats **ret, size_t *ret_n,
		       struct hk_err *err);
/* The entry of ifindex in v[0..n), or NULL. */
const struct hk_link_stats *hk_link_stats_find(const struct hk_link_stats *v, size_t n,
					       int ifindex);

#endif
