// SPDX-License-Identifier: MIT
/*
 * hako addr add|del|show|flush: iproute2's grammar parsed by the library (addr.c), requests
 * sent through ctx_write() so batch mode can queue an add (undo: the same address deleted).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "addr.h"
#include "base/cleanup.h"
#include "base/parse.h"
#include "brief.h"
#include "cmd.h"
#include "ifindex.h"
#include "ifnames.h"
#include "link.h"
#include "out.h"
#include "rows.h"

static int addr_change(struct hk_ctx *ctx, int argc, char **argv, bool add)
{
	char what[256];
	cli_describe(what, sizeof(what), "addr", add ? "add" : "del", argc, argv);
	struct hk_addr_req req;
	int r = hk_addr_parse(argc, argv, add, &req, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	struct hk_nl *nl;
	if ((r = cli_nl_ready(ctx, &nl)) < 0)
		return r;
	int ifindex;
	if ((r = hk_link_index(nl, req.dev, &ifindex, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	struct hk_nlmsg m, undo;
	hk_addr_msg(&req, ifindex, add ? RTM_NEWADDR : RTM_DELADDR, &m);
	if (add)
		hk_addr_msg(&req, ifindex, RTM_DELADDR, &undo);
	return ctx_write(ctx, nl, &m, add ? &undo : NULL, what);
}

static int cmd_addr_add(struct hk_ctx *ctx, int argc, char **argv)
{
	return addr_change(ctx, argc, argv, true);
}

static int cmd_addr_del(struct hk_ctx *ctx, int argc, char **argv)
{
	return addr_change(ctx, argc, argv, false);
}

/* The addresses a show/flush selects: the filter parsed from argv (dev required for
 * flush), its device resolved, the list read. what: the command, for error context. */
struct addr_sel {
	struct hk_nl *nl;
	int ifindex;
	struct hk_addr_info *v;
	size_t n;
	bool selective; /* a family or label was asked for: devices without one left out */
	bool up;	/* "up": devices that are down left out */
	int *had;	/* the devices that had addresses before the selectors (nhad) */
	size_t nhad;
};

static int addr_select(struct hk_ctx *ctx, int argc, char **argv, bool need_dev, const char *what,
		       struct addr_sel *ret)
{
	struct hk_addr_filter f;
	*ret = (struct addr_sel){ 0 };
	int r = hk_addr_parse_filter(argc, argv, &f, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	if (need_dev && !f.dev[0])
		return hk_err_usage(&ctx->err, "%s: missing 'dev DEV'", what);
	if ((r = cli_family(ctx, &f.family, what)) < 0)
		return r;
	if ((r = cli_nl_ready(ctx, &ret->nl)) < 0)
		return r;
	if ((r = cli_dev_index(ctx, ret->nl, f.dev, what, &ret->ifindex)) < 0)
		return r;
	if ((r = hk_addr_list(ret->nl, f.family, ret->ifindex, &ret->v, &ret->n, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	struct cli_names cache = { .n = 0 };
	size_t k = 0;
	ret->selective = f.family != AF_UNSPEC || f.label;
	ret->up = f.up;
	if (!(ret->had = calloc(ret->n + 1, sizeof(*ret->had))))
		return hk_err_sys(&ctx->err, -ENOMEM, "%s", what);
	for (size_t i = 0; i < ret->n; i++)
		ret->had[ret->nhad++] = ret->v[i].ifindex;
	_cleanup_free_ struct hk_link_info *links = NULL;
	size_t nlinks = 0;
	if (f.up && (r = hk_link_list(ret->nl, NULL, &links, &nlinks, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	for (size_t i = 0; i < ret->n; i++) {
		char buf[HK_IFNAMSIZ];
		const char *name = cli_ifname(ret->nl, &cache, ret->v[i].ifindex, buf);
		if (!hk_addr_filter_match(&f, &ret->v[i], name))
			continue;
		bool up = !f.up;
		for (size_t j = 0; !up && j < nlinks; j++)
			up = links[j].index == ret->v[i].ifindex && (links[j].flags & IFF_UP);
		if (up)
			ret->v[k++] = ret->v[i];
	}
	ret->n = k;
	return 0;
}

enum {
	C_DEV,
	C_FAMILY,
	C_CIDR,
	C_SCOPE,
	C_FLAGS,
	C_IFINDEX,
	C_LOCAL,
	C_PREFIXLEN,
	C_PEER,
	C_BROADCAST,
	C_LABEL,
	C_VALID,
	C_PREFERRED,
	C_NCOLS
};

static const struct out_col addr_cols[C_NCOLS] = {
	[C_DEV] = { "DEV", "ifname" },
	[C_FAMILY] = { "FAMILY", "family" },
	[C_CIDR] = { "ADDRESS", "cidr" },
	[C_SCOPE] = { "SCOPE", "scope" },
	[C_FLAGS] = { "FLAGS", "flags" },
	[C_IFINDEX] = { "IFINDEX", "ifindex", .hidden = true },
	[C_LOCAL] = { "LOCAL", "local", .hidden = true },
	[C_PREFIXLEN] = { "PREFIXLEN", "prefixlen", .hidden = true },
	[C_PEER] = { "PEER", "address", .hidden = true },
	[C_BROADCAST] = { "BROADCAST", "broadcast", .hidden = true },
	[C_LABEL] = { "LABEL", "label", .hidden = true },
	[C_VALID] = { "VALID", "valid_life_time", .hidden = true },
	[C_PREFERRED] = { "PREFERRED", "preferred_life_time", .hidden = true },
};

struct flags_acc {
	struct json_object *arr;
	char text[256];
};

static void add_flag(const char *name, void *data)
{
	struct flags_acc *a = data;
	json_object_array_add(a->arr, json_object_new_string(name));
	size_t n = strlen(a->text);
	snprintf(a->text + n, sizeof(a->text) - n, "%s%s", n ? "," : "", name);
}

static const char *addr_str(const struct hk_prefix *p, char *buf, size_t len)
{
	return inet_ntop(p->family, p->addr.raw, buf, (socklen_t)len);
}

static void addr_row(struct out_table *t, const struct hk_addr_info *a, const char *dev)
{
	char buf[INET6_ADDRSTRLEN + 8], sbuf[8];
	out_row(t);
	out_str(t, C_DEV, dev);
	out_str(t, C_FAMILY, hk_family_name(a->family));
	out_str(t, C_CIDR, hk_prefix_str(&a->local, buf, sizeof(buf)));
	out_str(t, C_SCOPE, hk_scope_name(a->scope, sbuf, sizeof(sbuf)));
	struct flags_acc fl = { .arr = json_object_new_array() };
	hk_addr_flags_each(a->flags, add_flag, &fl);
	out_json(t, C_FLAGS, fl.arr, fl.text[0] ? fl.text : NULL);
	out_int(t, C_IFINDEX, a->ifindex);
	out_str(t, C_LOCAL, addr_str(&a->local, buf, sizeof(buf)));
	out_int(t, C_PREFIXLEN, a->prefixlen);
	if (a->peer.family)
		out_str(t, C_PEER, addr_str(&a->peer, buf, sizeof(buf)));
	if (a->broadcast.family)
		out_str(t, C_BROADCAST, addr_str(&a->broadcast, buf, sizeof(buf)));
	if (a->label[0])
		out_str(t, C_LABEL, a->label);
	if (a->has_cacheinfo) {
		out_int(t, C_VALID, a->valid_lft);
		out_int(t, C_PREFERRED, a->preferred_lft);
	}
}

/* -br: every device (or the one asked for) with its addresses on one line, as ip -br. */
static int addr_brief(struct hk_ctx *ctx, const struct addr_sel *sel)
{
	_cleanup_free_ struct hk_link_info *v = NULL;
	size_t n = 0, k = 0;
	int r = hk_link_list(sel->nl, NULL, &v, &n, &ctx->err);
	if (r < 0)
		return r;
	_cleanup_free_ const struct hk_link_info **rows = calloc(n + 1, sizeof(*rows));
	if (!rows)
		return hk_err_sys(&ctx->err, -ENOMEM, "addr show");
	for (size_t i = 0; i < n; i++) {
		if ((sel->ifindex && v[i].index != sel->ifindex) ||
		    (sel->up && !(v[i].flags & IFF_UP)))
			continue;
		/* as ip: a device with a selected address, or with none at all when no family
		 * was asked for (ip -br addr show scope global keeps an addressless veth) */
		bool any = false, selected = false;
		for (size_t j = 0; j < sel->nhad; j++)
			any |= sel->had[j] == v[i].index;
		for (size_t j = 0; j < sel->n; j++)
			selected |= sel->v[j].ifindex == v[i].index;
		if (selected || (!any && !sel->selective))
			rows[k++] = &v[i];
	}
	return brief_addrs(ctx, v, n, rows, k, sel->v, sel->n);
}

struct out_table *cli_addr_table1(struct hk_nl *nl, struct cli_names *cache,
				  const struct hk_addr_info *a)
{
	char buf[HK_IFNAMSIZ];
	struct out_table *t = out_table_new(addr_cols, C_NCOLS);
	addr_row(t, a, cli_ifname(nl, cache, a->ifindex, buf));
	return t;
}

/* -0 (ip's link layer): each device's link-layer address as a row of family "link"
 * (ADDRESS "link/ether MAC"; JSON local: the MAC, link_type), as `ip -0 addr` lists them. */
static int addr_link_layer(struct hk_ctx *ctx, const struct addr_sel *sel)
{
	_cleanup_free_ struct hk_link_info *v = NULL;
	size_t n = 0, k = 0;
	int r = hk_link_list(sel->nl, NULL, &v, &n, &ctx->err);
	if (r < 0)
		return r;
	struct out_table *t = out_table_new(addr_cols, C_NCOLS);
	for (size_t i = 0; i < n; i++) {
		if ((sel->ifindex && v[i].index != sel->ifindex) || !v[i].maclen)
			continue;
		char mac[64], text[96];
		hk_mac_str(v[i].mac, v[i].maclen, mac, sizeof(mac));
		snprintf(text, sizeof(text), "link/%s %s", hk_link_type_str(v[i].type), mac);
		out_row(t);
		out_str(t, C_DEV, v[i].name);
		out_str(t, C_FAMILY, "link");
		out_json(t, C_CIDR, NULL, text);
		out_int(t, C_IFINDEX, v[i].index);
		out_str(t, C_LOCAL, mac);
		k++;
	}
	r = out_table_print(t, ctx->json, ctx->noheadings || (!ctx->json && k == 0));
	out_table_free(t);
	return r;
}

static int cmd_addr_show(struct hk_ctx *ctx, int argc, char **argv)
{
	char what[256];
	cli_describe(what, sizeof(what), "addr", "show", argc, argv);
	struct addr_sel sel;
	int fam = ctx->family;
	if (fam == AF_PACKET)
		ctx->family = 0; /* the devices, selected as for the addresses */
	int r = addr_select(ctx, argc, argv, false, what, &sel);
	ctx->family = fam;
	_cleanup_free_ struct hk_addr_info *v = sel.v;
	_cleanup_free_ int *had = sel.had;
	if (r < 0)
		return r;
	struct hk_nl *nl = sel.nl;
	size_t n = sel.n;
	if (fam == AF_PACKET)
		return addr_link_layer(ctx, &sel);
	if (ctx->brief)
		return addr_brief(ctx, &sel);
	struct cli_names cache = { .n = 0 };
	struct out_table *t = out_table_new(addr_cols, C_NCOLS);
	for (size_t i = 0; i < n; i++) {
		char buf[HK_IFNAMSIZ];
		addr_row(t, &v[i], cli_ifname(nl, &cache, v[i].ifindex, buf));
	}
	r = out_table_print(t, ctx->json, ctx->noheadings || (!ctx->json && n == 0));
	out_table_free(t);
	return r;
}

/* Delete every address of the device: secondaries first (deleting a primary IPv4 address
 * takes its secondaries with it, unless promote_secondaries is set). */
static int cmd_addr_flush(struct hk_ctx *ctx, int argc, char **argv)
{
	char what[256];
	cli_describe(what, sizeof(what), "addr", "flush", argc, argv);
	struct addr_sel sel;
	int r = addr_select(ctx, argc, argv, true, what, &sel);
	_cleanup_free_ struct hk_addr_info *v = sel.v;
	_cleanup_free_ int *had = sel.had;
	if (r < 0)
		return r;
	struct hk_nl *nl = sel.nl;
	int ifindex = sel.ifindex;
	size_t n = sel.n;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			bool secondary = v[i].flags & IFA_F_SECONDARY;
			if (secondary != (pass == 0))
				continue;
			struct hk_addr_req req = { .local = v[i].local, .scope = -1 };
			req.local.has_len = true;
			struct hk_nlmsg m;
			hk_addr_msg(&req, ifindex, RTM_DELADDR, &m);
			r = ctx_write(ctx, nl, &m, NULL, what);
			if (r == -EADDRNOTAVAIL) /* went with its primary */
				continue;
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static const struct cmd_verb verbs[] = {
	{ "add", NULL, cmd_addr_add },
	{ "del", "delete", cmd_addr_del },
	{ "show", "list", cmd_addr_show },
	{ "flush", NULL, cmd_addr_flush },
};

int cmd_addr(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "addr", verbs, HK_ARRAY_SIZE(verbs), "show", argc, argv);
}
