// SPDX-License-Identifier: MIT
/*
 * hako route add|del|replace|show|get: iproute2's grammar parsed by the library (route.c),
 * requests sent through ctx_write() so batch mode can queue an add (undo: the same route
 * deleted, matched on everything the add set).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "cmd.h"
#include "ifindex.h"
#include "ifnames.h"
#include "out.h"
#include "route.h"
#include "rows.h"

static int route_change(struct hk_ctx *ctx, int argc, char **argv, enum hk_route_op op,
			const char *verb)
{
	char what[256];
	cli_describe(what, sizeof(what), "route", verb, argc, argv);
	struct hk_route_req req;
	int r = hk_route_parse(argc, argv, op, &req, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	struct hk_nl *nl;
	if ((r = cli_nl_ready(ctx, &nl)) < 0)
		return r;
	int oif;
	if ((r = cli_dev_index(ctx, nl, req.dev, what, &oif)) < 0)
		return r;
	for (size_t i = 0; i < req.nnh; i++)
		if ((r = cli_dev_index(ctx, nl, req.nh[i].dev, what, &req.nh[i].oif)) < 0)
			return r;
	struct hk_nlmsg m, undo;
	hk_route_msg(&req, oif, op, &m);
	if (op == HK_ROUTE_ADD)
		hk_route_undo_msg(&req, oif, &undo);
	return ctx_write(ctx, nl, &m, op == HK_ROUTE_ADD ? &undo : NULL, what);
}

static int cmd_route_add(struct hk_ctx *ctx, int argc, char **argv)
{
	return route_change(ctx, argc, argv, HK_ROUTE_ADD, "add");
}

static int cmd_route_del(struct hk_ctx *ctx, int argc, char **argv)
{
	return route_change(ctx, argc, argv, HK_ROUTE_DEL, "del");
}

static int cmd_route_replace(struct hk_ctx *ctx, int argc, char **argv)
{
	return route_change(ctx, argc, argv, HK_ROUTE_REPLACE, "replace");
}

enum {
	C_DST,
	C_GATEWAY,
	C_DEV,
	C_PROTO,
	C_SCOPE,
	C_METRIC,
	C_TABLE,
	C_FAMILY,
	C_TYPE,
	C_PREFSRC,
	C_FLAGS,
	C_NEXTHOPS,
	C_FROM,
	C_PREF,
	C_MARK,
	C_NCOLS
};

static const struct out_col route_cols[C_NCOLS] = {
	[C_DST] = { "DEST", "dst" },
	[C_GATEWAY] = { "GATEWAY", "gateway" },
	[C_DEV] = { "DEV", "dev" },
	[C_PROTO] = { "PROTO", "protocol" },
	[C_SCOPE] = { "SCOPE", "scope" },
	[C_METRIC] = { "METRIC", "metric", .right = true },
	[C_TABLE] = { "TABLE", "table" },
	[C_FAMILY] = { "FAMILY", "family", .hidden = true },
	[C_TYPE] = { "TYPE", "type" },
	[C_PREFSRC] = { "PREFSRC", "prefsrc", .hidden = true },
	[C_FLAGS] = { "FLAGS", "flags", .hidden = true },
	[C_NEXTHOPS] = { "NEXTHOPS", "nexthops", .hidden = true },
	[C_FROM] = { "FROM", "from", .hidden = true },
	[C_PREF] = { "PREF", "pref", .hidden = true },
	[C_MARK] = { "MARK", "mark", .hidden = true },
};

/* route get: the source the kernel picked (and the one asked with from) shown too */
static const struct out_col get_cols[C_NCOLS] = {
	[C_DST] = { "DEST", "dst" },
	[C_GATEWAY] = { "GATEWAY", "gateway" },
	[C_DEV] = { "DEV", "dev" },
	[C_PROTO] = { "PROTO", "protocol", .hidden = true },
	[C_SCOPE] = { "SCOPE", "scope", .hidden = true },
	[C_METRIC] = { "METRIC", "metric", .right = true, .hidden = true },
	[C_TABLE] = { "TABLE", "table" },
	[C_FAMILY] = { "FAMILY", "family", .hidden = true },
	[C_TYPE] = { "TYPE", "type" },
	[C_PREFSRC] = { "PREFSRC", "prefsrc" },
	[C_FLAGS] = { "FLAGS", "flags", .hidden = true },
	[C_NEXTHOPS] = { "NEXTHOPS", "nexthops", .hidden = true },
	[C_FROM] = { "FROM", "from" },
	[C_PREF] = { "PREF", "pref", .hidden = true },
	[C_MARK] = { "MARK", "mark", .hidden = true },
};

static const char *addr_str(const struct hk_prefix *p, char *buf, size_t len)
{
	return inet_ntop(p->family, p->addr.raw, buf, (socklen_t)len);
}

/* "default", "10.0.0.0/24", or a host route's bare address, as ip prints them. */
static const char *dst_str(const struct hk_route_info *ri, char *buf, size_t len)
{
	if (ri->dst.len == 0)
		return "default";
	if (ri->dst.len == (ri->family == AF_INET ? 32 : 128))
		return addr_str(&ri->dst, buf, len);
	return hk_prefix_str(&ri->dst, buf, len);
}

static void add_flag(const char *name, void *data)
{
	json_object_array_add(data, json_object_new_string(name));
}

/* RTA_MULTIPATH: [{gateway, dev, weight}], and the human GATEWAY/DEV of the first hop. */
static struct json_object *nexthops(struct hk_nl *nl, struct cli_names *cache,
				    const struct hk_route_info *ri)
{
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < ri->nnh; i++) {
		struct json_object *o = json_object_new_object();
		char buf[INET6_ADDRSTRLEN], nb[HK_IFNAMSIZ];
		if (ri->nh[i].gw.family)
			json_object_object_add(
				o, "gateway",
				json_object_new_string(addr_str(&ri->nh[i].gw, buf, sizeof(buf))));
		if (ri->nh[i].oif)
			json_object_object_add(
				o, "dev",
				json_object_new_string(cli_ifname(nl, cache, ri->nh[i].oif, nb)));
		json_object_object_add(o, "weight", json_object_new_int(ri->nh[i].weight));
		struct json_object *fl = json_object_new_array();
		hk_route_flags_each(ri->nh[i].flags, add_flag, fl);
		json_object_object_add(o, "flags", fl);
		json_object_array_add(arr, o);
	}
	return arr;
}

static void route_row(struct out_table *t, struct hk_nl *nl, struct cli_names *cache,
		      const struct hk_route_info *ri)
{
	char buf[INET6_ADDRSTRLEN + 8], nb[HK_IFNAMSIZ], sb[16];
	out_row(t);
	out_str(t, C_DST, dst_str(ri, buf, sizeof(buf)));
	const struct hk_prefix *gw = ri->gw.family ? &ri->gw : ri->nnh ? &ri->nh[0].gw : NULL;
	if (gw && gw->family)
		out_str(t, C_GATEWAY, addr_str(gw, buf, sizeof(buf)));
	int oif = ri->oif ? ri->oif : ri->nnh ? ri->nh[0].oif : 0;
	if (oif)
		out_str(t, C_DEV, cli_ifname(nl, cache, oif, nb));
	out_str(t, C_PROTO, hk_route_proto_name(ri->protocol, sb, sizeof(sb)));
	out_str(t, C_SCOPE, hk_scope_name(ri->scope, sb, sizeof(sb)));
	if (ri->has_metric)
		out_int(t, C_METRIC, ri->metric);
	out_str(t, C_TABLE, hk_route_table_name(ri->table, sb, sizeof(sb)));
	out_str(t, C_FAMILY, hk_family_name(ri->family));
	out_str(t, C_TYPE, hk_route_type_name(ri->type, sb, sizeof(sb)));
	if (ri->prefsrc.family)
		out_str(t, C_PREFSRC, addr_str(&ri->prefsrc, buf, sizeof(buf)));
	struct json_object *fl = json_object_new_array();
	hk_route_flags_each(ri->flags, add_flag, fl);
	out_json(t, C_FLAGS, fl, NULL);
	if (ri->nnh) {
		/* the human form: every hop, "via GW dev D weight W" joined by commas */
		char human[HK_ROUTE_MAX_NH * 80] = "";
		for (size_t i = 0, len = 0; i < ri->nnh && len < sizeof(human); i++) {
			char gb[INET6_ADDRSTRLEN] = "-";
			if (ri->nh[i].gw.family)
				addr_str(&ri->nh[i].gw, gb, sizeof(gb));
			len += (size_t)snprintf(human + len, sizeof(human) - len,
						"%svia %s dev %s weight %u", i ? ", " : "", gb,
						cli_ifname(nl, cache, ri->nh[i].oif, nb),
						ri->nh[i].weight);
		}
		out_json(t, C_NEXTHOPS, nexthops(nl, cache, ri), human);
	}
	if (ri->src.family)
		out_str(t, C_FROM, addr_str(&ri->src, buf, sizeof(buf)));
	if (ri->has_pref) { /* as ip -j: an IPv6 route's router preference */
		static const char *const prefs[] = { "medium", "high", NULL, "low" };
		if (ri->pref < 4 && prefs[ri->pref])
			out_str(t, C_PREF, prefs[ri->pref]);
		else
			out_int(t, C_PREF, ri->pref);
	}
	if (ri->has_mark)
		out_int(t, C_MARK, ri->mark);
}

struct out_table *cli_route_table1(struct hk_nl *nl, struct cli_names *cache,
				   const struct hk_route_info *ri)
{
	struct out_table *t = out_table_new(route_cols, C_NCOLS);
	route_row(t, nl, cache, ri);
	return t;
}

static int print_routes(struct hk_ctx *ctx, struct hk_nl *nl, const struct hk_route_info *v,
			size_t n, const struct out_col *cols)
{
	struct cli_names cache = { .n = 0 };
	/* a multipath route's hops are a column of their own when there is one (ip prints
	 * them on lines of their own) */
	struct out_col with_hops[C_NCOLS];
	for (size_t i = 0; i < n && !ctx->json; i++)
		if (v[i].nnh) {
			memcpy(with_hops, cols, sizeof(with_hops));
			with_hops[C_NEXTHOPS].hidden = false;
			cols = with_hops;
			break;
		}
	struct out_table *t = out_table_new(cols, C_NCOLS);
	for (size_t i = 0; i < n; i++)
		route_row(t, nl, &cache, &v[i]);
	/* An empty list prints nothing at all (no header) in the human form; JSON: []. */
	int r = out_table_print(t, ctx->json, ctx->noheadings || (!ctx->json && n == 0));
	out_table_free(t);
	return r;
}

static int cmd_route_show(struct hk_ctx *ctx, int argc, char **argv)
{
	char what[256];
	cli_describe(what, sizeof(what), "route", "show", argc, argv);
	struct hk_route_filter f;
	int r = hk_route_parse_filter(argc, argv, &f, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	if ((r = cli_family(ctx, &f.family, what)) < 0)
		return r;
	struct hk_nl *nl;
	if ((r = cli_nl_ready(ctx, &nl)) < 0)
		return r;
	int oif;
	if ((r = cli_dev_index(ctx, nl, f.dev, what, &oif)) < 0)
		return r;
	_cleanup_free_ struct hk_route_info *v = NULL;
	size_t n;
	if ((r = hk_route_list(nl, f.family, f.table, oif, &v, &n, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (hk_route_filter_match(&f, &v[i]))
			v[k++] = v[i];
	return print_routes(ctx, nl, v, k, route_cols);
}

/* route flush: what show lists (table main unless table N|all), deleted one by one; the
 * kernel's own local and broadcast routes and the link routes of addresses stay unless a
 * table or device is named, as ip route flush does not touch the local table either. */
static int cmd_route_flush(struct hk_ctx *ctx, int argc, char **argv)
{
	char what[256];
	cli_describe(what, sizeof(what), "route", "flush", argc, argv);
	struct hk_route_filter f;
	int r = hk_route_parse_filter(argc, argv, &f, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	if ((r = cli_family(ctx, &f.family, what)) < 0)
		return r;
	if (!argc)
		return hk_err_usage(&ctx->err,
				    "%s: name what to flush (table N|all, dev DEV, -4, "
				    "-6), as ip route flush",
				    what);
	struct hk_nl *nl;
	if ((r = cli_nl_ready(ctx, &nl)) < 0)
		return r;
	int oif;
	if ((r = cli_dev_index(ctx, nl, f.dev, what, &oif)) < 0)
		return r;
	_cleanup_free_ struct hk_route_info *v = NULL;
	size_t n;
	if ((r = hk_route_list(nl, f.family, f.table, oif, &v, &n, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (v[i].table == RT_TABLE_LOCAL && f.table != RT_TABLE_LOCAL)
			continue; /* the local table only when named */
		if (!hk_route_filter_match(&f, &v[i]))
			continue;
		struct hk_nlmsg m;
		hk_route_del_info_msg(&v[i], &m);
		r = ctx_write(ctx, nl, &m, NULL, what);
		if (r == -ESRCH || r == -ENOENT) { /* gone with an earlier one */
			hk_err_clear(&ctx->err);
			r = 0;
		}
	}
	return r;
}

static int cmd_route_get(struct hk_ctx *ctx, int argc, char **argv)
{
	char what[256];
	cli_describe(what, sizeof(what), "route", "get", argc, argv);
	struct hk_route_query q;
	int r = hk_route_parse_query(argc, argv, &q, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	struct hk_nl *nl;
	if ((r = cli_nl_ready(ctx, &nl)) < 0 ||
	    (r = cli_dev_index(ctx, nl, q.iif, what, &q.iif_index)) < 0 ||
	    (r = cli_dev_index(ctx, nl, q.oif, what, &q.oif_index)) < 0)
		return r;
	struct hk_route_info ri;
	if ((r = hk_route_get(nl, &q, &ri, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	return print_routes(ctx, nl, &ri, 1, get_cols);
}

static const struct cmd_verb verbs[] = {
	{ "add", NULL, cmd_route_add },		{ "del", "delete", cmd_route_del },
	{ "replace", NULL, cmd_route_replace }, { "show", "list", cmd_route_show },
	{ "get", NULL, cmd_route_get },		{ "flush", NULL, cmd_route_flush },
};

int cmd_route(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "route", verbs, HK_ARRAY_SIZE(verbs), "show", argc, argv);
}
