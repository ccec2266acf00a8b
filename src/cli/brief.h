/* SPDX-License-Identifier: MIT */
/*
 * iproute2's brief output (`ip -br link`, `ip -br addr`): one line per device, the name
 * (with @peer) in 16 columns, the operational state in 14, then the MAC and flags or the
 * addresses; with -j the same objects `ip -br -j` prints.
 */
#ifndef HK_BRIEF_H
#define HK_BRIEF_H

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "ctx.h"
#include "link.h"

/* M-DOWN (ip's flag): the device's peer or lower device, in the same namespace, is down. */
bool link_mdown(const struct hk_link_info *all, size_t n, const struct hk_link_info *l);

/* rows: the devices to print (pointers into all, every device of the namespace). */
int brief_links(struct hk_ctx *ctx, const struct hk_link_info *all, size_t n,
		const struct hk_link_info *const *rows, size_t nrows);
/* The devices in rows, each with its addresses among a[0..na). */
int brief_addrs(struct hk_ctx *ctx, const struct hk_link_info *all, size_t n,
		const struct hk_link_info *const *rows, size_t nrows, const struct hk_addr_info *a,
		size_t na);

#endif
