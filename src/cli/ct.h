/* SPDX-License-Identifier: MIT */
/* Shared by the container commands (cmd_run.c, cmd_exec.c, cmd_ps.c, cmd_lifecycle.c). */
#ifndef HK_CT_CLI_H
#define HK_CT_CLI_H

#include <signal.h>

#include "cmd.h"
#include "store.h"

/* Open paths and the store (reconciled). */
int ct_open(struct hk_ctx *ctx, struct hk_paths *p, struct hk_store **st);
/* All containers, or the one named (id, prefix or name) key: the store opened for the call. */
int ct_list(struct hk_ctx *ctx, struct hk_ct_row **rows, size_t *n);
int ct_get(struct hk_ctx *ctx, const char *key, struct hk_paths *p, struct hk_ct_row *c);
/* Print ctx->err as "hako: ..." and return status (for commands with Docker's statuses). */
int ct_fail(struct hk_ctx *ctx, int status);
/* Parse a signal name (TERM, SIGTERM) or number; 0 on error. */
int ct_signal(const char *s);

#endif
