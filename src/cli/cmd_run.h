/* SPDX-License-Identifier: MIT */
/* What cmd_run.c offers the other container commands (start, restart, system boot). */
#ifndef HK_CMD_RUN_H
#define HK_CMD_RUN_H

#include <stdbool.h>

#include "cmd.h"
#include "store.h"

/* Start row (created or exited) again with its stored options: a detached monitor (which
 * carries out its restart policy), or with foreground in this process with stdin attached,
 * up to its exit (*ret_code). 0, or < 0 with ctx->err set (not printed). */
int run_start(struct hk_ctx *ctx, const struct hk_ct_row *row, bool foreground, int *ret_code);

#endif
