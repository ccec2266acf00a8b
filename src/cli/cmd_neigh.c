// SPDX-License-Identifier: MIT
/*
 * hako neigh add|del|replace|change|show|flush: the neighbour tables with `ip neigh`'s
 * grammar (neigh.c); changes through ctx_write() so batch mode queues an add (undo: the
 * same entry deleted).
 */
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "cmd.h"
#include "ifnames.h"
#include "neigh.h"
#include "out.h"
#include "rows.h"

static int neigh_change(struct hk_ctx *ctx, int argc, char **argv, enum hk_neigh_op op,
			const char *verb)
{
	char what[256];
	cli_describe(what, sizeof(what), "neigh", verb, argc, argv);
	struct hk_neigh_req req;
	int r = hk_neigh_parse(argc, argv, op, &req, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	struct hk_nl *nl;
	int ifindex;
	if ((r = cli_nl_ready(ctx, &nl)) < 0 ||
	    (r = cli_dev_index(ctx, nl, req.dev, what, &ifindex)) < 0)
		return r;
	struct hk_nlmsg m, undo;
	hk_neigh_msg(&req, ifindex, op, &m);
	if (op == HK_NEIGH_ADD)
		hk_neigh_msg(&req, ifindex, HK_NEIGH_DEL, &undo);
	return ctx_write(ctx, nl, &m, op == HK_NEIGH_ADD ? &undo : NULL, what);
}

static int neigh_add(struct hk_ctx *ctx, int argc, char **argv)
{
	return neigh_change(ctx, argc, argv, HK_NEIGH_ADD, "add");
}

static int neigh_del(struct hk_ctx *ctx, int argc, char **argv)
{
	return neigh_change(ctx, argc, argv, HK_NEIGH_DEL, "del");
}

static int neigh_replace(struct hk_ctx *ctx, int argc, char **argv)
{
	return neigh_change(ctx, argc, argv, HK_NEIGH_REPLACE, "replace");
}

static int neigh_change_verb(struct hk_ctx *ctx, int argc, char **argv)
{
	return neigh_change(ctx, argc, argv, HK_NEIGH_CHANGE, "change");
}

enum { N_DST, N_DEV, N_LLADDR, N_STATE, N_ROUTER, N_PROXY, N_NCOLS };

static const struct out_col neigh_cols[N_NCOLS] = {
	[N_DST] = { "DST", "dst" },
	[N_DEV] = { "DEV", "dev" },
	[N_LLADDR] = { "LLADDR", "lladdr" },
	[N_STATE] = { "STATE", "state" },
	[N_ROUTER] = { "ROUTER", "router", .hidden = true },
	[N_PROXY] = { "PROXY", "proxy", .hidden = true },
};

static void add_state(const char *name, void *data)
{
	json_object_array_add(data, json_object_new_string(name));
}

static void neigh_row(struct out_table *t, struct hk_nl *nl, struct cli_names *cache,
		      const struct hk_neigh_info *ni)
{
	char buf[INET6_ADDRSTRLEN], nb[HK_IFNAMSIZ], mac[3 * 32] = "";
	out_row(t);
	out_str(t, N_DST, inet_ntop(ni->family, ni->dst.addr.raw, buf, sizeof(buf)));
	out_str(t, N_DEV, cli_ifname(nl, cache, ni->ifindex, nb));
	for (size_t k = 0, len = 0; k < ni->lladdr_len; k++)
		len += (size_t)snprintf(mac + len, sizeof(mac) - len, "%s%02x", k ? ":" : "",
					ni->lladdr[k]);
	if (ni->lladdr_len)
		out_str(t, N_LLADDR, mac);
	if (ni->flags & NTF_PROXY) {	       /* a proxy entry has no state, as ip shows it */
		out_null(t, N_PROXY, "proxy"); /* ip -j: "proxy": null */
		return;
	}
	struct json_object *st = json_object_new_array();
	hk_neigh_states_each(ni->state, add_state, st);
	char human[128] = "";
	for (size_t k = 0; k < json_object_array_length(st); k++)
		snprintf(human + strlen(human), sizeof(human) - strlen(human), "%s%s", k ? "," : "",
			 json_object_get_string(json_object_array_get_idx(st, k)));
	out_json(t, N_STATE, st, human);
	if (ni->flags & NTF_ROUTER)
		out_null(t, N_ROUTER, "router"); /* ip -j: "router": null */
}

struct out_table *cli_neigh_table1(struct hk_nl *nl, struct cli_names *cache,
				   const struct hk_neigh_info *ni)
{
	struct out_table *t = out_table_new(neigh_cols, N_NCOLS);
	neigh_row(t, nl, cache, ni);
	return t;
}

static int list(struct hk_ctx *ctx, const char *verb, int argc, char **argv, struct hk_nl **ret_nl,
		struct hk_neigh_info **ret, size_t *ret_n, char *what, size_t wlen)
{
	cli_describe(what, wlen, "neigh", verb, argc, argv);
	struct hk_neigh_filter f;
	int r = hk_neigh_parse_filter(argc, argv, &f, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	if ((r = cli_family(ctx, &f.family, what)) < 0)
		return r;
	f.flush = !strcmp(verb, "flush");
	if (f.flush && !f.dev[0] && !f.has_to)
		return hk_err_usage(&ctx->err,
				    "%s: flush needs 'dev DEV' or 'to PREFIX' (as ip neigh flush)",
				    what);
	int ifindex;
	if ((r = cli_nl_ready(ctx, ret_nl)) < 0 ||
	    (r = cli_dev_index(ctx, *ret_nl, f.dev, what, &ifindex)) < 0)
		return r;
	if ((r = hk_neigh_list(*ret_nl, &f, ifindex, ret, ret_n, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	return 0;
}

static int neigh_show(struct hk_ctx *ctx, int argc, char **argv)
{
	char what[256];
	struct hk_nl *nl;
	_cleanup_free_ struct hk_neigh_info *v = NULL;
	size_t n;
	int r = list(ctx, "show", argc, argv, &nl, &v, &n, what, sizeof(what));
	if (r < 0)
		return r;
	struct cli_names cache = { .n = 0 };
	struct out_table *t = out_table_new(neigh_cols, N_NCOLS);
	for (size_t i = 0; i < n; i++)
		neigh_row(t, nl, &cache, &v[i]);
	r = out_table_print(t, ctx->json, ctx->noheadings || (!ctx->json && n == 0));
	out_table_free(t);
	return r;
}

static int neigh_flush(struct hk_ctx *ctx, int argc, char **argv)
{
	char what[256];
	struct hk_nl *nl;
	_cleanup_free_ struct hk_neigh_info *v = NULL;
	size_t n;
	int r = list(ctx, "flush", argc, argv, &nl, &v, &n, what, sizeof(what));
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct hk_nlmsg m;
		hk_neigh_del_msg(&v[i], &m);
		r = ctx_write(ctx, nl, &m, NULL, what);
		if (r == -ENOENT) { /* gone meanwhile */
			hk_err_clear(&ctx->err);
			r = 0;
		}
	}
	return r;
}

static const struct cmd_verb verbs[] = {
	{ "add", NULL, neigh_add },	    { "del", "delete", neigh_del },
	{ "replace", NULL, neigh_replace }, { "change", NULL, neigh_change_verb },
	{ "show", "list", neigh_show },	    { "flush", NULL, neigh_flush },
};

int cmd_neigh(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "neigh", verbs, HK_ARRAY_SIZE(verbs), "show", argc, argv);
}
