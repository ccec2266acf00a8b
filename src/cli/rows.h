/* SPDX-License-Identifier: MIT */
/*
 * One object as a one-row table with the columns its `show` prints (so `hako monitor`'s
 * events carry the same keys as the listings): built by cmd_<object>.c, freed with
 * out_table_free(). nl: a socket in the object's namespace for device names, cache: names
 * known already (monitor's, learned from link events: a device deleted since still has one).
 */
#ifndef HK_CLI_ROWS_H
#define HK_CLI_ROWS_H

#include "addr.h"
#include "ifnames.h"
#include "link.h"
#include "neigh.h"
#include "out.h"
#include "route.h"
#include "rule.h"

struct out_table *cli_link_table1(const struct hk_link_info *l);
struct out_table *cli_addr_table1(struct hk_nl *nl, struct cli_names *cache,
				  const struct hk_addr_info *a);
struct out_table *cli_route_table1(struct hk_nl *nl, struct cli_names *cache,
				   const struct hk_route_info *ri);
struct out_table *cli_neigh_table1(struct hk_nl *nl, struct cli_names *cache,
				   const struct hk_neigh_info *ni);
struct out_table *cli_rule_table1(const struct hk_rule *r);

#endif
