/* SPDX-License-Identifier: MIT */
/* Command groups and the verb dispatch shared by them. */
#ifndef HK_CMD_H
#define HK_CMD_H

#include <stdio.h>

#include "ctx.h"

typedef int (*cmd_fn)(struct hk_ctx *ctx, int argc, char **argv);

struct cmd_verb {
	const char *name;
	const char *alias; /* documented alias, or NULL */
	cmd_fn fn;
	const char *usage; /* "add NAME", shown by help */
};

/* Find argv[0] among verbs (exact names and aliases only) and run it with argv shifted.
 * No verb: default_verb (may be NULL -> usage error). "help" prints the group's usage. */
int cmd_dispatch(struct hk_ctx *ctx, const char *group, const struct cmd_verb *verbs, size_t n,
		 const char *default_verb, int argc, char **argv);

/* Usage error helper: sets ctx->err (class usage) and returns -EINVAL. */
int cmd_usage(struct hk_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Groups. Each returns 0 or a negative errno with ctx->err set. */
int cmd_netns(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ns(struct hk_ctx *ctx, int argc, char **argv);
int cmd_link(struct hk_ctx *ctx, int argc, char **argv);
int cmd_addr(struct hk_ctx *ctx, int argc, char **argv);
int cmd_route(struct hk_ctx *ctx, int argc, char **argv);
/* Containers (top-level commands like docker's; argv after the command word). The group
 * dispatcher already owns the name cmd_run, so `run` is cmd_ct_run. */
int cmd_ct_run(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_exec(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_ps(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_top(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_logs(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_inspect(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_stats(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_stop(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_kill(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_rm(struct hk_ctx *ctx, int argc, char **argv);
/* Images (cmd_image.c). */
int cmd_image(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_commit(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_export(struct hk_ctx *ctx, int argc, char **argv);
/* Networks (cmd_network.c, cmd_netrun.c). */
int cmd_network(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_port(struct hk_ctx *ctx, int argc, char **argv);
int cmd_ct_ss(struct hk_ctx *ctx, int argc, char **argv);

/* Run one command line (argv after global options) through the group table. */
int cmd_run(struct hk_ctx *ctx, int argc, char **argv);

/* -b FILE: run a batch. */
int cmd_batch(struct hk_ctx *ctx, const char *file);

/* The usage line of a single-verb command (run, exec, ps, ...), NULL for groups. */
const char *cmd_single_usage(const char *name);

/* Print the group list (hako --help). */
void cmd_print_help(FILE *f);

#endif
