/* SPDX-License-Identifier: MIT */
/*
 * A running lab: what is there (inspect), and changes without a redeploy (labrun.c) — an
 * endpoint up or down, a rate on an endpoint's egress, a node stopped (its interfaces down,
 * its container stopped) and started again.
 */
#ifndef HK_LABRUN_H
#define HK_LABRUN_H

#include <stdbool.h>
#include <stddef.h>

#include "lab.h"
#include "qdisc.h"

struct hk_store;

struct hk_lab_ifstat {
	char name[16];
	bool present, up;
	char operstate[16];
	uint32_t mtu;
	struct hk_prefix addr[HK_LAB_ADDR_MAX];
	size_t naddr;
	char peer[HK_LAB_NODE_MAX + 20]; /* "NODE:IF" at the other end of its link, "" none */
};

struct hk_lab_nodestat {
	char state[16];		   /* "running", "stopped" (a container not running), "missing" */
	char mgmt4[64], mgmt6[64]; /* its management addresses (its lease), "" none */
	struct hk_lab_ifstat *ifs;
	size_t nifs;
};

/* The state of every node of lab (in the kernel, and its container in st). */
int hk_lab_status(struct hk_store *st, const struct hk_lab *lab, struct hk_lab_nodestat **ret,
		  struct hk_err *err);
void hk_lab_status_free(struct hk_lab_nodestat *s, size_t n);

enum hk_lab_link_op { HK_LAB_LINK_UP, HK_LAB_LINK_DOWN, HK_LAB_LINK_RATE };
/* Set endpoint ep of lab up or down, or its egress rate (rate 0: none). */
int hk_lab_link_set(const struct hk_lab *lab, const struct hk_lab_ep *ep, enum hk_lab_link_op op,
		    uint64_t rate, struct hk_err *err);
/* Stop node (its interfaces down, its container in st stopped) or start it again. */
int hk_lab_node_set(struct hk_store *st, const struct hk_lab *lab, size_t node, bool start,
		    const struct hk_lab_ops *ops, struct hk_err *err);

/* The lab's file with what changed since deploy written back (lab save): an interface down
 * (interfaces.IF.state: down, or up again), an egress rate other than the file's
 * (interfaces.IF.rate: RATE or none), a linux node whose container is stopped (state:
 * stopped). Read from the kernel and the store, so it holds whatever made the change.
 * *ret malloc'd. */
int hk_lab_save(struct hk_store *st, const struct hk_lab *lab, char **ret, struct hk_err *err);

#endif
