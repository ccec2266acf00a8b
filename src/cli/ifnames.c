// SPDX-License-Identifier: MIT
/* Shared plumbing of cmd_addr.c and cmd_route.c (ifnames.h). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ifindex.h"
#include "ifnames.h"

void cli_describe(char *buf, size_t len, const char *group, const char *verb, int argc, char **argv)
{
	int n = snprintf(buf, len, "%s %s", group, verb);
	for (int i = 0; i < argc && n >= 0 && (size_t)n < len; i++)
		n += snprintf(buf + n, len - n, " %s", argv[i]);
}

int cli_nl_ready(struct hk_ctx *ctx, struct hk_nl **ret)
{
	int r = ctx_nl(ctx, ret);
	if (r < 0)
		return r;
	if (hk_nl_batch_pending(*ret))
		return ctx_flush(ctx);
	return 0;
}

int cli_family(struct hk_ctx *ctx, int *f, const char *what)
{
	if (*f || !ctx->family)
		return 0;
	if (ctx->family == AF_PACKET)
		return hk_err_usage(&ctx->err,
				    "%s: -0 (link layer) has nothing here; try 'hako link show'",
				    what);
	*f = ctx->family;
	return 0;
}

int cli_dev_index(struct hk_ctx *ctx, struct hk_nl *nl, const char *dev, const char *what,
		  int *ret_index)
{
	*ret_index = 0;
	if (!dev[0])
		return 0;
	int r = hk_link_index(nl, dev, ret_index, &ctx->err);
	return r < 0 ? hk_err_prefix(&ctx->err, "%s", what) : 0;
}

const char *cli_ifname(struct hk_nl *nl, struct cli_names *c, int index, char *buf)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->index[i] == index)
			return c->name[i];
	struct hk_err err;
	if (hk_link_name(nl, index, buf, &err) < 0)
		snprintf(buf, HK_IFNAMSIZ, "if%d", index);
	if (c->n < 64) {
		c->index[c->n] = index;
		memcpy(c->name[c->n++], buf, HK_IFNAMSIZ);
	}
	return buf;
}
