/* SPDX-License-Identifier: MIT */
/* What a lab needs from the front door (labops.c): containers made the way `hako run -d`
 * makes them, the progress bar; `hako lab exec`. */
#ifndef HK_LABOPS_H
#define HK_LABOPS_H

#include "cmd.h"
#include "lab.h"
#include "store.h"

struct labops_data {
	struct hk_ctx *ctx;
	bool bar; /* draw the progress bar (stderr is a terminal) */
	bool drawn;
	struct hk_paths paths; /* where containers and VMs are kept */
};

/* ops over data (which must outlive it). */
void labops_init(struct hk_lab_ops *ops, struct labops_data *data, struct hk_ctx *ctx);
/* Clear the progress bar's line, if one was drawn. */
void labops_bar_done(struct labops_data *data);
/* Replace this process by CMD in node n (its container, or its namespace). */
int labops_exec(struct hk_ctx *ctx, const struct hk_lab_node *n, char **cmd);

#endif
