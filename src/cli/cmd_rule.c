// SPDX-License-Identifier: MIT
/*
 * hako rule add|del|show|flush: policy routing rules with `ip rule`'s grammar (rule.c);
 * an add goes through ctx_write() so batch mode queues it (undo: the same rule deleted).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "base/cleanup.h"
#include "cmd.h"
#include "ifnames.h"
#include "out.h"
#include "route.h"
#include "rows.h"
#include "rule.h"

static int rule_change(struct hk_ctx *ctx, int argc, char **argv, enum hk_rule_op op,
		       const char *verb)
{
	char what[256];
	cli_describe(what, sizeof(what), "rule", verb, argc, argv);
	struct hk_rule req;
	int fam = 0;
	int r = cli_family(ctx, &fam, what);
	if (r < 0)
		return r;
	r = hk_rule_parse(argc, argv, op, fam, &req, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	struct hk_nl *nl;
	if ((r = cli_nl_ready(ctx, &nl)) < 0)
		return r;
	struct hk_nlmsg m, undo;
	hk_rule_msg(&req, op, &m);
	if (op == HK_RULE_ADD)
		hk_rule_msg(&req, HK_RULE_DEL, &undo);
	return ctx_write(ctx, nl, &m, op == HK_RULE_ADD ? &undo : NULL, what);
}

static int rule_add(struct hk_ctx *ctx, int argc, char **argv)
{
	return rule_change(ctx, argc, argv, HK_RULE_ADD, "add");
}

static int rule_del(struct hk_ctx *ctx, int argc, char **argv)
{
	return rule_change(ctx, argc, argv, HK_RULE_DEL, "del");
}

enum {
	R_PRIO,
	R_NOT,
	R_SRC,
	R_SRCLEN,
	R_DST,
	R_DSTLEN,
	R_TOS,
	R_FWMARK,
	R_FWMASK,
	R_IIF,
	R_OIF,
	R_UIDSTART,
	R_UIDEND,
	R_IPPROTO,
	R_SPORT,
	R_SPORTSTART,
	R_SPORTEND,
	R_DPORT,
	R_DPORTSTART,
	R_DPORTEND,
	R_TABLE,
	R_SUPPRESS,
	R_GOTO,
	R_NOP,
	R_ACTION,
	R_PROTO,
	R_FAMILY,
	R_NCOLS
};

static const struct out_col rule_cols[R_NCOLS] = {
	[R_PRIO] = { "PRIO", "priority", .right = true },
	[R_NOT] = { "NOT", "not", .hidden = true },
	[R_SRC] = { "FROM", "src" },
	[R_SRCLEN] = { "SRCLEN", "srclen", .hidden = true },
	[R_DST] = { "TO", "dst" },
	[R_DSTLEN] = { "DSTLEN", "dstlen", .hidden = true },
	[R_TOS] = { "TOS", "tos", .hidden = true },
	[R_FWMARK] = { "FWMARK", "fwmark" },
	[R_FWMASK] = { "FWMASK", "fwmask", .hidden = true },
	[R_IIF] = { "IIF", "iif" },
	[R_OIF] = { "OIF", "oif" },
	[R_UIDSTART] = { "UIDSTART", "uid_start", .hidden = true },
	[R_UIDEND] = { "UIDEND", "uid_end", .hidden = true },
	[R_IPPROTO] = { "IPPROTO", "ipproto", .hidden = true },
	[R_SPORT] = { "SPORT", "sport", .hidden = true },
	[R_SPORTSTART] = { "SPORTSTART", "sport_start", .hidden = true },
	[R_SPORTEND] = { "SPORTEND", "sport_end", .hidden = true },
	[R_DPORT] = { "DPORT", "dport", .hidden = true },
	[R_DPORTSTART] = { "DPORTSTART", "dport_start", .hidden = true },
	[R_DPORTEND] = { "DPORTEND", "dport_end", .hidden = true },
	[R_TABLE] = { "TABLE", "table" },
	[R_SUPPRESS] = { "SUPPRESS", "suppress_prefixlen", .hidden = true },
	[R_GOTO] = { "GOTO", "goto", .hidden = true },
	[R_NOP] = { "NOP", "nop", .hidden = true },
	[R_ACTION] = { "ACTION", "action" },
	[R_PROTO] = { "PROTO", "protocol", .hidden = true },
	[R_FAMILY] = { "FAMILY", "family", .hidden = true },
};

/* src/dst as ip -j prints them: "all" for any source, the address plus a length key unless
 * a host. */
static void sel(struct out_table *t, int col, int lencol, const struct hk_prefix *p,
		const char *any, bool invert)
{
	char buf[INET6_ADDRSTRLEN + 4], human[INET6_ADDRSTRLEN + 16];
	const char *not = invert ? "not " : ""; /* the human cell says it, as ip: not from X */
	if (!p->family) {
		if (any) {
			snprintf(human, sizeof(human), "%s%s", not, any);
			out_json(t, col, json_object_new_string(any), human);
		}
		return;
	}
	inet_ntop(p->family, p->addr.raw, buf, sizeof(buf));
	uint8_t host = p->family == AF_INET ? 32 : 128;
	if (p->len == host)
		snprintf(human, sizeof(human), "%s%s", not, buf);
	else
		snprintf(human, sizeof(human), "%s%s/%u", not, buf, p->len);
	out_json(t, col, json_object_new_string(buf), human);
	if (p->len != host)
		out_int(t, lencol, p->len);
}

static void hex(struct out_table *t, int col, uint32_t v)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%#x", v);
	out_str(t, col, buf);
}

/* A port range as ip -j: "sport": N for one port, else "sport_start" and "sport_end"
 * (the columns after col). */
static void ports(struct out_table *t, int col, const uint16_t range[2])
{
	if (!range[1])
		return;
	if (range[0] == range[1]) {
		out_int(t, col, range[0]);
		return;
	}
	out_int(t, col + 1, range[0]);
	out_int(t, col + 2, range[1]);
}

static void rule_row(struct out_table *t, const struct hk_rule *r)
{
	char buf[32];
	out_row(t);
	out_int(t, R_PRIO, r->has_priority ? r->priority : 0);
	if (r->invert)
		out_null(t, R_NOT, "not");
	sel(t, R_SRC, R_SRCLEN, &r->src, "all", r->invert);
	sel(t, R_DST, R_DSTLEN, &r->dst, NULL, false);
	if (r->tos)
		hex(t, R_TOS, r->tos);
	if (r->has_fwmark || r->has_fwmask) {
		hex(t, R_FWMARK, r->fwmark);
		if (r->has_fwmask && r->fwmask != UINT32_MAX)
			hex(t, R_FWMASK, r->fwmask);
	}
	if (r->iif[0])
		out_str(t, R_IIF, r->iif);
	if (r->oif[0])
		out_str(t, R_OIF, r->oif);
	if (r->has_uid) {
		out_int(t, R_UIDSTART, r->uid[0]);
		out_int(t, R_UIDEND, r->uid[1]);
	}
	if (r->ipproto) {
		struct protoent *pe = getprotobynumber(r->ipproto); /* as ip: /etc/protocols */
		if (pe)
			snprintf(buf, sizeof(buf), "%s", pe->p_name);
		else
			snprintf(buf, sizeof(buf), "ipproto-%u", r->ipproto);
		out_str(t, R_IPPROTO, buf);
	}
	ports(t, R_SPORT, r->sport);
	ports(t, R_DPORT, r->dport);
	if (r->table) {
		out_str(t, R_TABLE, hk_route_table_name(r->table, buf, sizeof(buf)));
		if (r->suppress_prefixlen >= 0)
			out_int(t, R_SUPPRESS, r->suppress_prefixlen);
	}
	if (r->action == FR_ACT_GOTO) {
		if (r->has_goto)
			out_int(t, R_GOTO, r->goto_target);
		else
			out_str(t, R_GOTO, "none");
		/* ip -j has no "action" key for goto: the human cell only */
		out_json(t, R_ACTION, NULL, "goto");
	} else if (r->action == FR_ACT_NOP) {
		out_null(t, R_NOP, "nop");
		out_json(t, R_ACTION, NULL, "nop");
	} else if (r->action != FR_ACT_TO_TBL) {
		const char *a = hk_rule_action_name(r->action);
		if (!a) {
			snprintf(buf, sizeof(buf), "%u", r->action);
			a = buf;
		}
		out_str(t, R_ACTION, a);
	}
	if (r->has_protocol)
		out_str(t, R_PROTO, hk_route_proto_name(r->protocol, buf, sizeof(buf)));
	out_str(t, R_FAMILY, hk_family_name(r->family));
}

struct out_table *cli_rule_table1(const struct hk_rule *r)
{
	struct out_table *t = out_table_new(rule_cols, R_NCOLS);
	rule_row(t, r);
	return t;
}

static int list(struct hk_ctx *ctx, const char *verb, int argc, char **argv, struct hk_nl **nl,
		struct hk_rule **v, size_t *n, struct hk_rule *f, char *what, size_t wlen)
{
	cli_describe(what, wlen, "rule", verb, argc, argv);
	int fam = 0;
	int r = cli_family(ctx, &fam, what);
	if (r < 0)
		return r;
	/* The selectors of a rule filter the list: [-4|-6] [table N] [pref N] ... */
	r = hk_rule_parse(argc, argv, HK_RULE_DEL, ctx->family, f, &ctx->err);
	if (r < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	bool fam_given = ctx->family != 0;
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "-4") || !strcmp(argv[i], "-6") || !strcmp(argv[i], "from") ||
		    !strcmp(argv[i], "to"))
			fam_given = true;
	if (!fam_given)
		f->family = AF_UNSPEC;
	if ((r = cli_nl_ready(ctx, nl)) < 0)
		return r;
	if ((r = hk_rule_list(*nl, f->family, v, n, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "%s", what);
	return 0;
}

/* As ip rule show's from/to: the rule's prefix lies inside the selector's (from 10.0.0.0/8
 * lists from 10.1.2.3 too); a rule without one (from all) only for a /0. */
static bool inside(const struct hk_prefix *sel, const struct hk_rule *r, const struct hk_prefix *p)
{
	static const uint8_t zero[16];
	return sel->family == r->family && p->len >= sel->len &&
	       hk_prefix_has(sel, p->family ? p->addr.raw : zero);
}

/* Does rule r match the selectors given in f (those set)? */
static bool matches(const struct hk_rule *f, const struct hk_rule *r)
{
	if (f->has_priority && (!r->has_priority ? 0 : r->priority) != f->priority)
		return false;
	if (f->table && r->table != f->table)
		return false;
	if (f->src.family && !inside(&f->src, r, &r->src))
		return false;
	if (f->dst.family && !inside(&f->dst, r, &r->dst))
		return false;
	if (f->iif[0] && strcmp(f->iif, r->iif))
		return false;
	if (f->oif[0] && strcmp(f->oif, r->oif))
		return false;
	if (f->has_fwmark && (!r->has_fwmark || r->fwmark != f->fwmark))
		return false;
	if (f->invert && !r->invert)
		return false;
	if (f->action && f->action != FR_ACT_TO_TBL && r->action != f->action)
		return false;
	return true;
}

static int rule_show(struct hk_ctx *ctx, int argc, char **argv)
{
	char what[256];
	struct hk_nl *nl;
	_cleanup_free_ struct hk_rule *v = NULL;
	size_t n;
	struct hk_rule f;
	int r = list(ctx, "show", argc, argv, &nl, &v, &n, &f, what, sizeof(what));
	if (r < 0)
		return r;
	struct out_table *t = out_table_new(rule_cols, R_NCOLS);
	for (size_t i = 0; i < n; i++)
		if (matches(&f, &v[i]))
			rule_row(t, &v[i]);
	r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	return r;
}

/* flush: every rule with a priority (all but the local table's rule 0), as ip rule flush
 * does: also the main and default rules, 32766 and 32767. */
static int rule_flush(struct hk_ctx *ctx, int argc, char **argv)
{
	char what[256];
	struct hk_nl *nl;
	_cleanup_free_ struct hk_rule *v = NULL;
	size_t n;
	struct hk_rule f;
	int r = list(ctx, "flush", argc, argv, &nl, &v, &n, &f, what, sizeof(what));
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (!v[i].has_priority || !v[i].priority || !matches(&f, &v[i]))
			continue;
		struct hk_nlmsg m;
		hk_rule_msg(&v[i], HK_RULE_DEL, &m);
		r = ctx_write(ctx, nl, &m, NULL, what);
		if (r == -ENOENT) {
			hk_err_clear(&ctx->err);
			r = 0;
		}
	}
	return r;
}

static const struct cmd_verb verbs[] = {
	{ "add", NULL, rule_add },
	{ "del", "delete", rule_del },
	{ "show", "list", rule_show },
	{ "flush", NULL, rule_flush },
};

int cmd_rule(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "rule", verbs, HK_ARRAY_SIZE(verbs), "show", argc, argv);
}
