/* SPDX-License-Identifier: MIT */
/* Interface name <-> index lookups over rtnetlink, in the socket's own namespace. */
#ifndef HK_IFINDEX_H
#define HK_IFINDEX_H

#include "base/err.h"
#include "netlink.h"

/* The index of device NAME; -ENODEV with "device 'NAME' does not exist" when absent. */
int hk_link_index(struct hk_nl *nl, const char *name, int *ret_index, struct hk_err *err);

/* The name of device index; buf must hold 16 bytes. */
int hk_link_name(struct hk_nl *nl, int index, char *buf, struct hk_err *err);

#endif
