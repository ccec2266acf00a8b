/* SPDX-License-Identifier: MIT */
/* Shared by the container commands (cmd_run.c, cmd_exec.c, cmd_ps.c, cmd_lifecycle.c). */
#ifndef HK_CT_CLI_H
#define HK_CT_CLI_H

#include "cmd.h"
#include "store.h"

/* Open paths and the store (reconciled). */
int ct_open(struct hk_ctx *ctx, struct hk_paths *p, struct hk_store **st);
/* Print ctx->err as "hako: ..." and return status (for commands with Docker's statuses). */
int ct_fail(struct hk_ctx *ctx, int status);
/* Parse a signal name (TERM, SIGTERM) or number; 0 on error. */
int ct_signal(const char *s);

#endif
