// SPDX-License-Identifier: MIT
#include "rule.h"

#include <errno.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/vec.h"
#include "route.h"

static const struct {
	const char *name;
	uint8_t action;
} actions[] = {
	{ "goto", FR_ACT_GOTO },	   { "nop", FR_ACT_NOP },
	{ "blackhole", FR_ACT_BLACKHOLE }, { "unreachable", FR_ACT_UNREACHABLE },
	{ "prohibit", FR_ACT_PROHIBIT },
};

const char *hk_rule_action_name(uint8_t action)
{
	for (size_t i = 0; i < HK_ARRAY_SIZE(actions); i++)
		if (actions[i].action == action)
			return actions[i].name;
	return NULL;
}

/* "all" or a prefix; the family must agree with what came before. */
static int parse_sel(const char *kw, const char *v, struct hk_rule *r, struct hk_prefix *p,
		     struct hk_err *err)
{
	if (!strcmp(v, "all") || !strcmp(v, "any") || !strcmp(v, "default")) {
		*p = (struct hk_prefix){ 0 };
		return 0;
	}
	if (hk_parse_prefix(v, 0, p, err) < 0)
		return hk_err_prefix(err, "%s", kw);
	hk_prefix_mask(p);
	if (r->family && r->family != p->family)
		return hk_err_usage(err, "%s %s: the rule is %s", kw, v,
				    r->family == AF_INET ? "IPv4" : "IPv6");
	r->family = p->family;
	return 0;
}

static int parse_fwmark(const char *v, struct hk_rule *r, struct hk_err *err)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", v);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (hk_parse_u32(buf, 0, UINT32_MAX, &r->fwmark, "fwmark", err) < 0)
		return -EINVAL;
	r->has_fwmark = true;
	if (slash) {
		if (hk_parse_u32(slash, 0, UINT32_MAX, &r->fwmask, "fwmark mask", err) < 0)
			return -EINVAL;
		r->has_fwmask = true;
	}
	return 0;
}

static int copy_dev(char *dst, const char *kw, const char *v, struct hk_err *err)
{
	if (hk_parse_ifname(v, err) < 0)
		return hk_err_prefix(err, "%s", kw);
	snprintf(dst, HK_IFNAMSIZ, "%s", v);
	return 0;
}

/* "N" or "N-M" (ports 1..65535) into range[0..1]. */
static int parse_range(const char *kw, const char *v, uint16_t range[2], struct hk_err *err)
{
	char buf[32], *dash;
	snprintf(buf, sizeof(buf), "%s", v);
	if ((dash = strchr(buf, '-')))
		*dash++ = '\0';
	uint32_t a, b;
	if (hk_parse_u32(buf, 1, 65535, &a, kw, err) < 0 ||
	    (dash && hk_parse_u32(dash, a, 65535, &b, kw, err) < 0))
		return -EINVAL;
	range[0] = (uint16_t)a;
	range[1] = (uint16_t)(dash ? b : a);
	return 0;
}

/* One keyword with a value at argv[*i]: 0 done, 1 not one of these, < 0 bad input. */
static int rule_keyword(int argc, char **argv, int *i, struct hk_rule *r, struct hk_err *err)
{
	static const char *const kws[] = {
		"from",	    "to",      "fwmark",
		"iif",	    "dev",     "oif",
		"tos",	    "dsfield", "pref",
		"priority", "order",   "table",
		"lookup",   "goto",    "ipproto",
		"sport",    "dport",   "uidrange",
		"protocol", "proto",   "suppress_prefixlength",
	};
	const char *kw = argv[*i], *v;
	size_t k;
	for (k = 0; k < HK_ARRAY_SIZE(kws); k++)
		if (!strcmp(kw, kws[k]))
			break;
	if (k == HK_ARRAY_SIZE(kws))
		return 1;
	int rc = hk_next_arg(argc, argv, i, &v, err);
	if (rc < 0)
		return rc;
	uint32_t u;
	if (!strcmp(kw, "from"))
		return parse_sel(kw, v, r, &r->src, err);
	if (!strcmp(kw, "to"))
		return parse_sel(kw, v, r, &r->dst, err);
	if (!strcmp(kw, "fwmark"))
		return parse_fwmark(v, r, err);
	if (!strcmp(kw, "iif") || !strcmp(kw, "dev"))
		return copy_dev(r->iif, kw, v, err);
	if (!strcmp(kw, "oif"))
		return copy_dev(r->oif, kw, v, err);
	if (!strcmp(kw, "tos") || !strcmp(kw, "dsfield")) {
		if (hk_parse_u32(v, 0, 255, &u, kw, err) < 0)
			return -EINVAL;
		r->tos = (uint8_t)u;
		return 0;
	}
	if (!strcmp(kw, "table") || !strcmp(kw, "lookup"))
		return hk_route_table_parse(v, &r->table, err);
	if (!strcmp(kw, "goto")) {
		r->action = FR_ACT_GOTO;
		r->has_goto = true;
		return hk_parse_u32(v, 0, UINT32_MAX, &r->goto_target, "goto", err);
	}
	if (!strcmp(kw, "ipproto")) {
		struct protoent *pe = getprotobyname(v); /* /etc/protocols, as ip */
		if (pe)
			u = (uint32_t)pe->p_proto;
		else if (hk_parse_u32(v, 1, 255, &u, "ipproto", NULL) < 0)
			return hk_err_usage(
				err, "ipproto '%s': expected tcp, udp, icmp, ... or 1..255", v);
		r->ipproto = (uint8_t)u;
		return 0;
	}
	if (!strcmp(kw, "sport") || !strcmp(kw, "dport"))
		return parse_range(kw, v, !strcmp(kw, "sport") ? r->sport : r->dport, err);
	if (!strcmp(kw, "uidrange")) {
		char buf[32], *dash;
		snprintf(buf, sizeof(buf), "%s", v);
		if (!(dash = strchr(buf, '-')))
			return hk_err_usage(err, "uidrange '%s': expected START-END", v);
		*dash++ = '\0';
		if (hk_parse_u32(buf, 0, UINT32_MAX, &r->uid[0], "uidrange", err) < 0 ||
		    hk_parse_u32(dash, r->uid[0], UINT32_MAX, &r->uid[1], "uidrange end", err) < 0)
			return -EINVAL;
		r->has_uid = true;
		return 0;
	}
	if (!strcmp(kw, "protocol") || !strcmp(kw, "proto")) {
		r->has_protocol = true;
		return hk_route_proto_parse(v, &r->protocol, err);
	}
	if (!strcmp(kw, "suppress_prefixlength")) {
		if (hk_parse_u32(v, 0, 128, &u, kw, err) < 0)
			return -EINVAL;
		r->suppress_prefixlen = (int32_t)u;
		return 0;
	}
	r->has_priority = true;
	return hk_parse_u32(v, 0, UINT32_MAX, &r->priority, kw, err);
}

int hk_rule_parse(int argc, char **argv, enum hk_rule_op op, int family, struct hk_rule *ret,
		  struct hk_err *err)
{
	struct hk_rule r = { .family = family, .suppress_prefixlen = -1 };
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		int rc = rule_keyword(argc, argv, &i, &r, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		bool act = false;
		for (size_t k = 0; k < HK_ARRAY_SIZE(actions); k++)
			if (actions[k].action != FR_ACT_GOTO && !strcmp(w, actions[k].name)) {
				r.action = actions[k].action;
				act = true;
			}
		if (act)
			continue;
		if (!strcmp(w, "not")) {
			r.invert = true;
		} else if (!strcmp(w, "-4") || !strcmp(w, "-6")) {
			int f = w[1] == '4' ? AF_INET : AF_INET6;
			if (r.family && r.family != f)
				return hk_err_usage(err, "%s: the rule is %s", w,
						    r.family == AF_INET ? "IPv4" : "IPv6");
			r.family = f;
		} else {
			return hk_err_usage(err,
					    "unexpected '%s' (expected not, from, to, fwmark, iif, "
					    "oif, tos, pref, table, goto, suppress_prefixlength, "
					    "ipproto, sport, dport, uidrange, protocol, blackhole, "
					    "unreachable, prohibit, nop)",
					    w);
		}
	}
	if (!r.family)
		r.family = AF_INET;
	if (op == HK_RULE_ADD && !r.action)
		r.action = FR_ACT_TO_TBL;
	if (op == HK_RULE_ADD && r.action == FR_ACT_TO_TBL && !r.table)
		r.table = RT_TABLE_MAIN; /* as ip rule add */
	if (r.table && r.action && r.action != FR_ACT_TO_TBL)
		return hk_err_usage(err, "'table' and '%s' exclude each other",
				    hk_rule_action_name(r.action));
	if (r.table && !r.action)
		r.action = FR_ACT_TO_TBL;
	if (r.has_fwmask && !r.has_fwmark)
		return hk_err_usage(err, "a fwmark mask needs the mark");
	*ret = r;
	return 0;
}

void hk_rule_msg(const struct hk_rule *r, enum hk_rule_op op, struct hk_nlmsg *m)
{
	struct fib_rule_hdr *h;
	hk_nlmsg_init(m, op == HK_RULE_ADD ? RTM_NEWRULE : RTM_DELRULE,
		      op == HK_RULE_ADD ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof(*h), (void **)&h);
	size_t alen = r->family == AF_INET ? 4 : 16;
	h->family = (uint8_t)r->family;
	h->action = r->action;
	h->tos = r->tos;
	h->flags = r->invert ? FIB_RULE_INVERT : 0;
	if (r->table) {
		h->table = r->table < 256 ? (uint8_t)r->table : RT_TABLE_UNSPEC;
		if (r->table >= 256)
			hk_nlmsg_put_u32(m, FRA_TABLE, r->table);
	}
	if (r->src.family) {
		h->src_len = r->src.len;
		hk_nlmsg_put(m, FRA_SRC, alen, r->src.addr.raw);
	}
	if (r->dst.family) {
		h->dst_len = r->dst.len;
		hk_nlmsg_put(m, FRA_DST, alen, r->dst.addr.raw);
	}
	if (r->has_priority)
		hk_nlmsg_put_u32(m, FRA_PRIORITY, r->priority);
	if (r->has_fwmark)
		hk_nlmsg_put_u32(m, FRA_FWMARK, r->fwmark);
	if (r->has_fwmask)
		hk_nlmsg_put_u32(m, FRA_FWMASK, r->fwmask);
	if (r->iif[0])
		hk_nlmsg_put_str(m, FRA_IIFNAME, r->iif);
	if (r->oif[0])
		hk_nlmsg_put_str(m, FRA_OIFNAME, r->oif);
	if (r->has_goto)
		hk_nlmsg_put_u32(m, FRA_GOTO, r->goto_target);
	if (r->suppress_prefixlen >= 0)
		hk_nlmsg_put_u32(m, FRA_SUPPRESS_PREFIXLEN, (uint32_t)r->suppress_prefixlen);
	if (r->has_protocol)
		hk_nlmsg_put_u8(m, FRA_PROTOCOL, r->protocol);
	if (r->ipproto)
		hk_nlmsg_put_u8(m, FRA_IP_PROTO, r->ipproto);
	if (r->sport[1]) {
		struct fib_rule_port_range pr = { r->sport[0], r->sport[1] };
		hk_nlmsg_put(m, FRA_SPORT_RANGE, sizeof(pr), &pr);
	}
	if (r->dport[1]) {
		struct fib_rule_port_range pr = { r->dport[0], r->dport[1] };
		hk_nlmsg_put(m, FRA_DPORT_RANGE, sizeof(pr), &pr);
	}
	if (r->has_uid) {
		struct fib_rule_uid_range ur = { r->uid[0], r->uid[1] };
		hk_nlmsg_put(m, FRA_UID_RANGE, sizeof(ur), &ur);
	}
}

static void get_prefix(const struct nlattr *a, int family, uint8_t len, struct hk_prefix *p)
{
	size_t alen = family == AF_INET ? 4 : 16;
	if (!a || hk_attr_len(a) < alen)
		return;
	*p = (struct hk_prefix){ .family = family, .len = len, .has_len = true };
	memcpy(p->addr.raw, hk_attr_data(a), alen);
}

struct rule_list {
	struct hk_rule *v;
	size_t n, cap;
};

int hk_rule_decode(const struct nlmsghdr *nlh, struct hk_rule *ret)
{
	if ((nlh->nlmsg_type != RTM_NEWRULE && nlh->nlmsg_type != RTM_DELRULE) ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct fib_rule_hdr)))
		return -EINVAL;
	const struct fib_rule_hdr *h = hk_nlmsg_payload(nlh);
	if (h->family != AF_INET && h->family != AF_INET6)
		return -EINVAL;
	const struct nlattr *tb[FRA_MAX + 1];
	hk_attr_parse(nlh, sizeof(*h), tb, FRA_MAX);
	struct hk_rule r = { .family = h->family,
			     .tos = h->tos,
			     .action = h->action,
			     .invert = !!(h->flags & FIB_RULE_INVERT),
			     .flags = h->flags,
			     .table = tb[FRA_TABLE] ? hk_attr_u32(tb[FRA_TABLE]) : h->table,
			     .suppress_prefixlen = -1 };
	get_prefix(tb[FRA_SRC], h->family, h->src_len, &r.src);
	get_prefix(tb[FRA_DST], h->family, h->dst_len, &r.dst);
	if (tb[FRA_PRIORITY]) {
		r.has_priority = true;
		r.priority = hk_attr_u32(tb[FRA_PRIORITY]);
	}
	if (tb[FRA_FWMARK]) {
		r.has_fwmark = true;
		r.fwmark = hk_attr_u32(tb[FRA_FWMARK]);
	}
	if (tb[FRA_FWMASK]) {
		r.has_fwmask = true;
		r.fwmask = hk_attr_u32(tb[FRA_FWMASK]);
	}
	const char *s;
	if (tb[FRA_IIFNAME] && (s = hk_attr_str(tb[FRA_IIFNAME])))
		snprintf(r.iif, sizeof(r.iif), "%s", s);
	if (tb[FRA_OIFNAME] && (s = hk_attr_str(tb[FRA_OIFNAME])))
		snprintf(r.oif, sizeof(r.oif), "%s", s);
	if (tb[FRA_GOTO]) {
		r.has_goto = true;
		r.goto_target = hk_attr_u32(tb[FRA_GOTO]);
	}
	if (tb[FRA_SUPPRESS_PREFIXLEN])
		r.suppress_prefixlen = (int32_t)hk_attr_u32(tb[FRA_SUPPRESS_PREFIXLEN]);
	if (tb[FRA_PROTOCOL]) {
		r.has_protocol = true;
		r.protocol = hk_attr_u8(tb[FRA_PROTOCOL]);
	}
	if (tb[FRA_IP_PROTO])
		r.ipproto = hk_attr_u8(tb[FRA_IP_PROTO]);
	const struct nlattr *ranges[2] = { tb[FRA_SPORT_RANGE], tb[FRA_DPORT_RANGE] };
	uint16_t *dst[2] = { r.sport, r.dport };
	for (int k = 0; k < 2; k++)
		if (ranges[k] && hk_attr_len(ranges[k]) >= sizeof(struct fib_rule_port_range)) {
			const struct fib_rule_port_range *pr = hk_attr_data(ranges[k]);
			dst[k][0] = pr->start;
			dst[k][1] = pr->end;
		}
	if (tb[FRA_UID_RANGE] &&
	    hk_attr_len(tb[FRA_UID_RANGE]) >= sizeof(struct fib_rule_uid_range)) {
		const struct fib_rule_uid_range *ur = hk_attr_data(tb[FRA_UID_RANGE]);
		r.has_uid = true;
		r.uid[0] = ur->start;
		r.uid[1] = ur->end;
	}
	*ret = r;
	return 0;
}

static int on_rule(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	struct rule_list *l = data;
	if (!nlh) {
		l->n = 0;
		return 0;
	}
	struct hk_rule r;
	if (nlh->nlmsg_type != RTM_NEWRULE || hk_rule_decode(nlh, &r) < 0)
		return 0;
	if (hk_vec_grow(&l->v, l->n, &l->cap, 16) < 0)
		return hk_err_sys(err, -ENOMEM, "rule list");
	l->v[l->n++] = r;
	return 0;
}

int hk_rule_list(struct hk_nl *nl, int family, struct hk_rule **ret, size_t *ret_n,
		 struct hk_err *err)
{
	struct hk_nlmsg m;
	struct fib_rule_hdr *h;
	hk_nlmsg_init(&m, RTM_GETRULE, 0, sizeof(*h), (void **)&h);
	h->family = (uint8_t)family;
	struct rule_list l = { 0 };
	int r = hk_nl_dump(nl, &m, on_rule, &l, err);
	if (r < 0) {
		free(l.v);
		return hk_err_prefix(err, "list rules");
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}
