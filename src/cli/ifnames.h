/* SPDX-License-Identifier: MIT */
/*
 * Plumbing the listing/changing commands (addr, route, link, netns) share: the description
 * of a command used as error context, the socket with queued batch requests landed, and an
 * index -> name cache so a listing asks the kernel once per device.
 */
#ifndef HK_CLI_IFNAMES_H
#define HK_CLI_IFNAMES_H

#include <stddef.h>

#include "base/parse.h"
#include "ctx.h"

/* "GROUP VERB ARG..." into buf, truncated to len. */
void cli_describe(char *buf, size_t len, const char *group, const char *verb, int argc,
		  char **argv);

/* ctx_nl(), then flush the batch queue if anything is pending (a lookup follows). */
int cli_nl_ready(struct hk_ctx *ctx, struct hk_nl **ret);

/* The index of device dev on nl (0 when dev is empty), failures prefixed with what. */
int cli_dev_index(struct hk_ctx *ctx, struct hk_nl *nl, const char *dev, const char *what,
		  int *ret_index);

/* The global -4/-6/-0 (ctx->family) into a filter's family *f: a family given with the verb
 * wins; -0 (link layer) is refused where no such objects exist (what: error context). */
int cli_family(struct hk_ctx *ctx, int *f, const char *what);

struct cli_names {
	int index[64];
	char name[64][HK_IFNAMSIZ];
	size_t n;
};

/* The name of device index (buf as scratch, HK_IFNAMSIZ bytes); "ifN" if it has none. */
const char *cli_ifname(struct hk_nl *nl, struct cli_names *c, int index, char *buf);

#endif
