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
/* The signals a foreground run or exec blocks and forwards to its process. */
void ct_fwd_sigset(sigset_t *set);
/* Forward those signals (blocked by the caller) to pid and, with a pty master (>= 0; its
 * input from stdin when stdin_open), copy the pty, until pid exits; its exit code. proxy:
 * NULL, or hako's ends of hk_stdio_pipes, copied likewise and closed at the end. */
int ct_wait_fwd(pid_t pid, int master, bool stdin_open, int *proxy);

#endif
