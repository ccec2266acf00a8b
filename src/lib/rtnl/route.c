// SPDX-License-Identifier: MIT
#include "route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/vec.h"

/* ---- names ------------------------------------------------------------------------------ */

struct name_num {
	const char *name;
	uint32_t num;
};

static const struct name_num tables[] = {
	{ "main", RT_TABLE_MAIN },
	{ "local", RT_TABLE_LOCAL },
	{ "default", RT_TABLE_DEFAULT },
};

static const struct name_num protos[] = {
	{ "unspec", RTPROT_UNSPEC }, { "redirect", RTPROT_REDIRECT }, { "kernel", RTPROT_KERNEL },
	{ "boot", RTPROT_BOOT },     { "static", RTPROT_STATIC },     { "ra", RTPROT_RA },
	{ "dhcp", RTPROT_DHCP },     { "zebra", RTPROT_ZEBRA },	      { "bird", RTPROT_BIRD },
	{ "babel", RTPROT_BABEL },   { "bgp", RTPROT_BGP },	      { "isis", RTPROT_ISIS },
	{ "ospf", RTPROT_OSPF },     { "rip", RTPROT_RIP },	      { "eigrp", RTPROT_EIGRP },
};

static const struct name_num types[] = {
	{ "unicast", RTN_UNICAST },
	{ "local", RTN_LOCAL },
	{ "broadcast", RTN_BROADCAST },
	{ "anycast", RTN_ANYCAST },
	{ "multicast", RTN_MULTICAST },
	{ "blackhole", RTN_BLACKHOLE },
	{ "unreachable", RTN_UNREACHABLE },
	{ "prohibit", RTN_PROHIBIT },
	{ "throw", RTN_THROW },
	{ "nat", RTN_NAT },
};

#define FIND_NAME(tab, s, ret)                                                                     \
	({                                                                                         \
		bool _found = false;                                                               \
		for (size_t _i = 0; _i < sizeof(tab) / sizeof(tab[0]); _i++)                       \
			if (!strcmp((tab)[_i].name, (s))) {                                        \
				*(ret) = (tab)[_i].num;                                            \
				_found = true;                                                     \
				break;                                                             \
			}                                                                          \
		_found;                                                                            \
	})

static const char *num_name(const struct name_num *tab, size_t n, uint32_t v, char *buf, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].num == v)
			return tab[i].name;
	snprintf(buf, len, "%u", v);
	return buf;
}

int hk_route_table_parse(const char *s, uint32_t *ret, struct hk_err *err)
{
	uint32_t v;
	if (FIND_NAME(tables, s, &v)) {
		*ret = v;
		return 0;
	}
	if (hk_parse_u32(s, 1, UINT32_MAX, &v, "table", err) < 0)
		return hk_err_usage(
			err, "table '%s': expected main, local, default or 1..4294967295", s);
	*ret = v;
	return 0;
}

const char *hk_route_table_name(uint32_t table, char *buf, size_t len)
{
	return num_name(tables, sizeof(tables) / sizeof(tables[0]), table, buf, len);
}

int hk_route_proto_parse(const char *s, uint8_t *ret, struct hk_err *err)
{
	uint32_t v;
	if (!FIND_NAME(protos, s, &v) && hk_parse_u32(s, 0, 255, &v, "proto", err) < 0)
		return hk_err_usage(
			err, "proto '%s': expected a name (boot, static, kernel, ...) or 0..255",
			s);
	*ret = (uint8_t)v;
	return 0;
}

const char *hk_route_proto_name(uint8_t proto, char *buf, size_t len)
{
	return num_name(protos, sizeof(protos) / sizeof(protos[0]), proto, buf, len);
}

int hk_route_type_parse(const char *s, uint8_t *ret)
{
	uint32_t v;
	if (!FIND_NAME(types, s, &v))
		return -EINVAL;
	*ret = (uint8_t)v;
	return 0;
}

const char *hk_route_type_name(uint8_t type, char *buf, size_t len)
{
	return num_name(types, sizeof(types) / sizeof(types[0]), type, buf, len);
}

void hk_route_flags_each(uint32_t flags, void (*fn)(const char *name, void *data), void *data)
{
	static const struct name_num names[] = {
		{ "dead", RTNH_F_DEAD },	 { "pervasive", RTNH_F_PERVASIVE },
		{ "onlink", RTNH_F_ONLINK },	 { "offload", RTNH_F_OFFLOAD },
		{ "linkdown", RTNH_F_LINKDOWN }, { "unresolved", RTNH_F_UNRESOLVED },
		{ "trap", RTNH_F_TRAP },
	};
	/* RTM_F_CLONED, RTM_F_NOTIFY: ip -j shows them elsewhere (a route get's "cache") */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].num)
			fn(names[i].name, data);
}

/* ---- parsing ---------------------------------------------------------------------------- */

static int parse_dst(const char *s, struct hk_route_req *req, struct hk_err *err)
{
	if (!strcmp(s, "default") || !strcmp(s, "all") || !strcmp(s, "any")) {
		req->dst = (struct hk_prefix){ 0 }; /* family decided later */
		req->dst.has_len = true;
		return 0;
	}
	int r = hk_parse_prefix(s, 0, &req->dst, err);
	if (r < 0)
		return r;
	struct hk_prefix masked = req->dst;
	hk_prefix_mask(&masked);
	/* The kernel refuses an IPv4 prefix with host bits set; say so before sending. */
	if (req->dst.family == AF_INET && masked.addr.v4.s_addr != req->dst.addr.v4.s_addr) {
		char buf[INET6_ADDRSTRLEN + 4];
		return hk_err_usage(err, "'%s' has host bits set; did you mean %s?", s,
				    hk_prefix_str(&masked, buf, sizeof(buf)));
	}
	return 0;
}

/* One keyword at argv[*i]: 0 consumed (with its value), 1 not a keyword, < 0 bad input. */
static int route_keyword(int argc, char **argv, int *i, enum hk_route_op op,
			 struct hk_route_req *req, struct hk_err *err)
{
	const char *kw = argv[*i], *v = NULL;
	int r;
	if (!strcmp(kw, "via") || !strcmp(kw, "src") || !strcmp(kw, "dev") ||
	    !strcmp(kw, "metric") || !strcmp(kw, "priority") || !strcmp(kw, "table") ||
	    !strcmp(kw, "scope") || !strcmp(kw, "proto") || !strcmp(kw, "protocol") ||
	    !strcmp(kw, "pref")) {
		if ((r = hk_next_arg(argc, argv, i, &v, err)) < 0)
			return r;
	} else {
		return 1;
	}
	uint8_t u8;
	if (!strcmp(kw, "via")) {
		/* iproute2 also accepts "via inet6 ADDR" */
		if ((!strcmp(v, "inet") || !strcmp(v, "inet6")) &&
		    (r = hk_next_arg(argc, argv, i, &v, err)) < 0)
			return r;
		r = hk_parse_addr(v, 0, &req->gw, err);
		return r < 0 ? hk_err_prefix(err, "via") : 0;
	}
	if (!strcmp(kw, "src")) {
		r = hk_parse_addr(v, 0, &req->src, err);
		return r < 0 ? hk_err_prefix(err, "src") : 0;
	}
	if (!strcmp(kw, "dev")) {
		if ((r = hk_parse_ifname(v, err)) < 0)
			return r;
		snprintf(req->dev, sizeof(req->dev), "%s", v);
		return 0;
	}
	if (!strcmp(kw, "table"))
		return hk_route_table_parse(v, &req->table, err);
	if (!strcmp(kw, "scope")) {
		if ((r = hk_scope_parse(v, &u8, err)) < 0)
			return r;
		req->scope = u8;
		return 0;
	}
	if (!strcmp(kw, "pref")) { /* as ip: the names, or the number */
		static const char *const prefs[] = { "medium", "high", NULL, "low" };
		for (uint8_t k = 0; k < 4; k++)
			if (prefs[k] && !strcmp(v, prefs[k])) {
				req->pref = k;
				req->has_pref = true;
				return 0;
			}
		uint32_t n;
		if (hk_parse_u32(v, 0, 255, &n, "pref", err) < 0)
			return hk_err_usage(err, "pref '%s': expected low, medium or high", v);
		req->pref = (uint8_t)n;
		req->has_pref = true;
		return 0;
	}
	if (!strcmp(kw, "proto") || !strcmp(kw, "protocol")) {
		if ((r = hk_route_proto_parse(v, &u8, err)) < 0)
			return r;
		req->proto = u8;
		return 0;
	}
	(void)op;
	req->has_metric = true;
	return hk_parse_u32(v, 0, UINT32_MAX, &req->metric, "metric", err);
}

/* The family from the addresses given; they must agree. */
static int route_family(struct hk_route_req *req, struct hk_err *err)
{
	int fam = req->dst.family;
	const struct hk_prefix *others[] = { &req->gw, &req->src };
	const char *names[] = { "via", "src" };
	for (int k = 0; k < 2; k++) {
		if (!others[k]->family)
			continue;
		if (fam && fam != others[k]->family)
			return hk_err_usage(err, "%s %s address does not match the %s destination",
					    names[k],
					    others[k]->family == AF_INET ? "IPv4" : "IPv6",
					    fam == AF_INET ? "IPv4" : "IPv6");
		fam = others[k]->family;
	}
	for (size_t k = 0; k < req->nnh; k++) {
		int f = req->nh[k].gw.family;
		if (!f)
			continue;
		if (fam && fam != f)
			return hk_err_usage(
				err, "nexthop via %s address does not match the %s route",
				f == AF_INET ? "IPv4" : "IPv6", fam == AF_INET ? "IPv4" : "IPv6");
		fam = f;
	}
	req->family = fam ? fam : AF_INET;
	if (!req->dst.family) { /* default */
		req->dst.family = req->family;
		req->dst.len = 0;
	}
	return 0;
}

/* "nexthop" at argv[*i]: via GW, dev DEV, weight W, onlink up to the next "nexthop". */
static int parse_nexthop(int argc, char **argv, int *i, struct hk_route_req *req,
			 struct hk_err *err)
{
	if (req->nnh == HK_ROUTE_MAX_NH)
		return hk_err_usage(err, "more than %d nexthops", HK_ROUTE_MAX_NH);
	struct hk_route_req_nh *nh = &req->nh[req->nnh++];
	int r;
	while (*i + 1 < argc && strcmp(argv[*i + 1], "nexthop")) {
		const char *kw = argv[++*i], *v;
		if (!strcmp(kw, "onlink")) {
			nh->onlink = true;
			continue;
		}
		if (strcmp(kw, "via") && strcmp(kw, "dev") && strcmp(kw, "weight"))
			return hk_err_usage(err,
					    "nexthop: unexpected '%s' (expected via, dev, weight, "
					    "onlink)",
					    kw);
		if ((r = hk_next_arg(argc, argv, i, &v, err)) < 0)
			return r;
		if (!strcmp(kw, "via")) {
			if ((!strcmp(v, "inet") || !strcmp(v, "inet6")) &&
			    (r = hk_next_arg(argc, argv, i, &v, err)) < 0)
				return r;
			if (hk_parse_addr(v, 0, &nh->gw, err) < 0)
				return hk_err_prefix(err, "nexthop via");
		} else if (!strcmp(kw, "dev")) {
			if ((r = hk_parse_ifname(v, err)) < 0)
				return r;
			snprintf(nh->dev, sizeof(nh->dev), "%s", v);
		} else {
			uint32_t w;
			if (hk_parse_u32(v, 1, 256, &w, "nexthop weight", err) < 0)
				return -EINVAL;
			nh->weight = (uint8_t)(w - 1);
		}
	}
	if (!nh->gw.family && !nh->dev[0])
		return hk_err_usage(err, "a nexthop needs 'via GW' or 'dev DEV'");
	return 0;
}

int hk_route_parse(int argc, char **argv, enum hk_route_op op, struct hk_route_req *ret,
		   struct hk_err *err)
{
	struct hk_route_req req = { .type = RTN_UNICAST, .scope = -1, .proto = -1 };
	bool have_dst = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "nexthop")) {
			int r = parse_nexthop(argc, argv, &i, &req, err);
			if (r < 0)
				return r;
			continue;
		}
		if (!strcmp(argv[i], "onlink")) {
			req.onlink = true;
			continue;
		}
		int r = route_keyword(argc, argv, &i, op, &req, err);
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		const char *w = argv[i];
		if (!have_dst && !req.has_type && hk_route_type_parse(w, &req.type) == 0) {
			req.has_type = true;
			continue;
		}
		if (have_dst)
			return hk_err_usage(err, "unknown keyword '%s'", w);
		if (!strcmp(w, "to") && (r = hk_next_arg(argc, argv, &i, &w, err)) < 0)
			return r;
		if ((r = parse_dst(w, &req, err)) < 0)
			return r;
		have_dst = true;
	}
	if (!have_dst)
		return hk_err_usage(err, "missing destination (PREFIX or default)");
	int r = route_family(&req, err);
	if (r < 0)
		return r;
	if (op != HK_ROUTE_DEL && req.type == RTN_UNICAST && !req.gw.family && !req.dev[0] &&
	    !req.nnh)
		return hk_err_usage(err, "a unicast route needs 'via GW', 'dev DEV' or 'nexthop'");
	if (req.nnh && (req.gw.family || req.dev[0]))
		return hk_err_usage(err, "'via' and 'dev' go inside each 'nexthop' of a multipath "
					 "route");
	*ret = req;
	return 0;
}

/* [to] [root|match|exact] PREFIX|default at argv[*i] into f, as ip route show's selector */
static int filter_dst(int argc, char **argv, int *i, struct hk_route_filter *f, struct hk_err *err)
{
	const char *w = argv[*i];
	int r, start = *i;
	if (!strcmp(w, "to") && (r = hk_next_arg(argc, argv, i, &w, err)) < 0)
		return r;
	bool root = !strcmp(w, "root"), match = !strcmp(w, "match");
	if ((root || match || !strcmp(w, "exact")) && (r = hk_next_arg(argc, argv, i, &w, err)) < 0)
		return r;
	struct hk_prefix p = { 0 };
	if (!strcmp(w, "default") || !strcmp(w, "all") || !strcmp(w, "any")) {
		p.family = f->family; /* AF_UNSPEC: either family */
		p.has_len = true;
	} else if ((r = hk_parse_prefix(w, 0, &p, err)) < 0) {
		if (argv[*i] != argv[start] || strchr(w, '.') || strchr(w, ':'))
			return r; /* meant as a prefix: say what is wrong with it */
		hk_err_clear(err);
		return hk_err_usage(err, "unknown keyword '%s'", w);
	}
	if (!match) {
		f->root = p;
		f->has_root = true;
	}
	if (!root) {
		f->match = p;
		f->has_match = true;
	}
	return 0;
}

int hk_route_parse_filter(int argc, char **argv, struct hk_route_filter *ret, struct hk_err *err)
{
	struct hk_route_filter f = {
		.table = RT_TABLE_MAIN, .family = AF_UNSPEC, .proto = -1, .scope = -1
	};
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		int r;
		if (!strcmp(argv[i], "-4")) {
			f.family = AF_INET;
		} else if (!strcmp(argv[i], "-6")) {
			f.family = AF_INET6;
		} else if (!strcmp(argv[i], "table")) {
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0)
				return r;
			if (!strcmp(v, "all"))
				f.table = 0;
			else if ((r = hk_route_table_parse(v, &f.table, err)) < 0)
				return r;
		} else if (!strcmp(argv[i], "dev")) {
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0 ||
			    (r = hk_parse_ifname(v, err)) < 0)
				return r;
			snprintf(f.dev, sizeof(f.dev), "%s", v);
		} else if (!strcmp(argv[i], "type")) {
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0)
				return r;
			if (hk_route_type_parse(v, &f.type) < 0)
				return hk_err_usage(
					err,
					"type '%s': expected unicast, local, broadcast, "
					"blackhole, unreachable, prohibit, throw, ...",
					v);
		} else if (!strcmp(argv[i], "proto") || !strcmp(argv[i], "protocol")) {
			uint8_t p;
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0 ||
			    (r = hk_route_proto_parse(v, &p, err)) < 0)
				return r;
			f.proto = p;
		} else if (!strcmp(argv[i], "scope")) {
			uint8_t s;
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0 ||
			    (r = hk_scope_parse(v, &s, err)) < 0)
				return r;
			f.scope = s;
		} else if (!strcmp(argv[i], "via") || !strcmp(argv[i], "src")) {
			bool via = argv[i][0] == 'v';
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0 ||
			    (r = hk_parse_prefix(v, 0, via ? &f.via : &f.src, err)) < 0)
				return r;
			*(via ? &f.has_via : &f.has_src) = true;
		} else if ((r = filter_dst(argc, argv, &i, &f, err)) < 0) {
			return r;
		}
	}
	*ret = f;
	return 0;
}

/* Is the address a (zero when a->family is 0) inside the prefix p? */
static bool in_prefix(const struct hk_prefix *p, int family, const struct hk_prefix *a)
{
	static const uint8_t zero[16];
	if (p->family && p->family != family)
		return false;
	return hk_prefix_has(p, a->family ? a->addr.raw : zero);
}

bool hk_route_filter_match(const struct hk_route_filter *f, const struct hk_route_info *ri)
{
	if ((f->type && ri->type != f->type) || (f->proto >= 0 && ri->protocol != f->proto) ||
	    (f->scope >= 0 && ri->scope != f->scope))
		return false;
	if ((f->has_via && !in_prefix(&f->via, ri->family, &ri->gw)) ||
	    (f->has_src && !in_prefix(&f->src, ri->family, &ri->prefsrc)))
		return false;
	/* root P: the route's prefix lies inside P; match P: P lies inside the route's */
	if (f->has_root &&
	    (ri->dst.len < f->root.len || !in_prefix(&f->root, ri->family, &ri->dst)))
		return false;
	if (f->has_match) {
		struct hk_prefix dst = ri->dst;
		dst.family = ri->family;
		if (ri->dst.len > f->match.len ||
		    (f->match.family && f->match.family != ri->family))
			return false;
		if (!in_prefix(&dst, ri->family, &f->match))
			return false;
	}
	return true;
}

/* ---- messages --------------------------------------------------------------------------- */

static uint8_t default_scope(const struct hk_route_req *req)
{
	if (req->family == AF_INET6) /* as iproute2: IPv6 routes have no scope */
		return RT_SCOPE_UNIVERSE;
	switch (req->type) {
	case RTN_LOCAL:
	case RTN_NAT:
		return RT_SCOPE_HOST;
	case RTN_BROADCAST:
	case RTN_MULTICAST:
	case RTN_ANYCAST:
		return RT_SCOPE_LINK;
	case RTN_UNICAST:
		if (req->nnh)
			return RT_SCOPE_UNIVERSE;
		return req->gw.family ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	default:
		return RT_SCOPE_UNIVERSE;
	}
}

/* As iproute2: local, broadcast, anycast and nat routes go to the local table unless one
 * is named. */
static uint32_t default_table(const struct hk_route_req *req)
{
	switch (req->type) {
	case RTN_LOCAL:
	case RTN_BROADCAST:
	case RTN_ANYCAST:
	case RTN_NAT:
		return RT_TABLE_LOCAL;
	default:
		return RT_TABLE_MAIN;
	}
}

/* RTA_MULTIPATH: a packed array of struct rtnexthop, each followed by its RTA_GATEWAY (an
 * IPv6 hop's gateway too: the kernel takes RTA_GATEWAY of the route's family). */
static void put_multipath(const struct hk_route_req *req, struct hk_nlmsg *m)
{
	size_t alen = req->family == AF_INET ? 4 : 16;
	struct nlattr *mp = hk_nlmsg_nest_start(m, RTA_MULTIPATH);
	if (!mp)
		return;
	mp->nla_type &= (uint16_t)~NLA_F_NESTED; /* not a nest of attributes: as iproute2 */
	for (size_t i = 0; i < req->nnh && !m->overflow; i++) {
		const struct hk_route_req_nh *nh = &req->nh[i];
		size_t off = m->nlh.nlmsg_len;
		struct rtnexthop hdr = { .rtnh_flags = nh->onlink ? RTNH_F_ONLINK : 0,
					 .rtnh_hops = nh->weight,
					 .rtnh_ifindex = nh->oif };
		hk_nlmsg_put_raw(m, &hdr, sizeof(hdr));
		if (nh->gw.family)
			hk_nlmsg_put(m, RTA_GATEWAY, alen, nh->gw.addr.raw);
		if (m->overflow)
			return;
		struct rtnexthop *rh = (struct rtnexthop *)(m->buf + off);
		rh->rtnh_len = (unsigned short)(m->nlh.nlmsg_len - off);
	}
	hk_nlmsg_nest_end(m, mp);
}

void hk_route_msg(const struct hk_route_req *req, int oif, enum hk_route_op op, struct hk_nlmsg *m)
{
	struct rtmsg *rtm;
	uint16_t flags = op == HK_ROUTE_ADD	  ? NLM_F_CREATE | NLM_F_EXCL
			 : op == HK_ROUTE_REPLACE ? NLM_F_CREATE | NLM_F_REPLACE
						  : 0;
	hk_nlmsg_init(m, op == HK_ROUTE_DEL ? RTM_DELROUTE : RTM_NEWROUTE, flags, sizeof(*rtm),
		      (void **)&rtm);
	size_t alen = req->family == AF_INET ? 4 : 16;
	rtm->rtm_family = (uint8_t)req->family;
	rtm->rtm_dst_len = req->dst.len;
	uint32_t table = req->table ? req->table : default_table(req);
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	if (op == HK_ROUTE_DEL) {
		/* Unset fields match anything, as in iproute2: scope nowhere, protocol and type
		 * unspec. An add's undo passes the add's own values, so it is exact. */
		rtm->rtm_scope = req->scope >= 0 ? (uint8_t)req->scope : RT_SCOPE_NOWHERE;
		rtm->rtm_protocol = req->proto >= 0 ? (uint8_t)req->proto : RTPROT_UNSPEC;
		rtm->rtm_type = req->has_type ? req->type : RTN_UNSPEC;
	} else {
		rtm->rtm_scope = req->scope >= 0 ? (uint8_t)req->scope : default_scope(req);
		rtm->rtm_protocol = req->proto >= 0 ? (uint8_t)req->proto : RTPROT_BOOT;
		rtm->rtm_type = req->type;
	}
	if (table >= 256)
		hk_nlmsg_put_u32(m, RTA_TABLE, table);
	if (req->dst.len)
		hk_nlmsg_put(m, RTA_DST, alen, req->dst.addr.raw);
	if (req->gw.family)
		hk_nlmsg_put(m, RTA_GATEWAY, alen, req->gw.addr.raw);
	if (req->src.family)
		hk_nlmsg_put(m, RTA_PREFSRC, alen, req->src.addr.raw);
	if (oif)
		hk_nlmsg_put_u32(m, RTA_OIF, (uint32_t)oif);
	if (req->has_metric)
		hk_nlmsg_put_u32(m, RTA_PRIORITY, req->metric);
	if (req->has_pref)
		hk_nlmsg_put_u8(m, RTA_PREF, req->pref);
	if (req->onlink)
		rtm->rtm_flags |= RTNH_F_ONLINK;
	if (req->nnh)
		put_multipath(req, m);
}

void hk_route_undo_msg(const struct hk_route_req *req, int oif, struct hk_nlmsg *m)
{
	hk_route_msg(req, oif, HK_ROUTE_ADD, m);
	m->nlh.nlmsg_type = RTM_DELROUTE;
	m->nlh.nlmsg_flags &= (uint16_t) ~(NLM_F_CREATE | NLM_F_EXCL);
}

void hk_route_del_info_msg(const struct hk_route_info *ri, struct hk_nlmsg *m)
{
	struct rtmsg *rtm;
	hk_nlmsg_init(m, RTM_DELROUTE, 0, sizeof(*rtm), (void **)&rtm);
	size_t alen = ri->family == AF_INET ? 4 : 16;
	rtm->rtm_family = (uint8_t)ri->family;
	rtm->rtm_dst_len = ri->dst.len;
	rtm->rtm_tos = ri->tos;
	rtm->rtm_table = ri->table < 256 ? (uint8_t)ri->table : RT_TABLE_UNSPEC;
	rtm->rtm_scope = ri->scope;
	rtm->rtm_protocol = ri->protocol;
	rtm->rtm_type = ri->type;
	if (ri->table >= 256)
		hk_nlmsg_put_u32(m, RTA_TABLE, ri->table);
	if (ri->dst.len)
		hk_nlmsg_put(m, RTA_DST, alen, ri->dst.addr.raw);
	if (ri->gw.family)
		hk_nlmsg_put(m, RTA_GATEWAY, alen, ri->gw.addr.raw);
	if (ri->oif)
		hk_nlmsg_put_u32(m, RTA_OIF, (uint32_t)ri->oif);
	if (ri->has_metric)
		hk_nlmsg_put_u32(m, RTA_PRIORITY, ri->metric);
}

/* ---- reading back ----------------------------------------------------------------------- */

static bool get_addr(const void *data, size_t len, int family, uint8_t plen, struct hk_prefix *ret)
{
	size_t alen = family == AF_INET ? 4 : 16;
	if (!data || len < alen)
		return false;
	memset(ret, 0, sizeof(*ret));
	ret->family = family;
	ret->len = plen;
	memcpy(ret->addr.raw, data, alen);
	return true;
}

static bool get_attr_addr(const struct nlattr *a, int family, uint8_t plen, struct hk_prefix *ret)
{
	return a && get_addr(hk_attr_data(a), hk_attr_len(a), family, plen, ret);
}

/* RTA_MULTIPATH: a packed array of struct rtnexthop, each followed by its attributes. */
static void decode_multipath(const struct nlattr *mp, struct hk_route_info *ri)
{
	const uint8_t *p = hk_attr_data(mp);
	size_t left = hk_attr_len(mp);
	uint8_t alen = ri->family == AF_INET ? 4 : 16;
	while (left >= sizeof(struct rtnexthop) && ri->nnh < HK_ROUTE_MAX_NH) {
		const struct rtnexthop *nh = (const void *)p;
		if (nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > left)
			break;
		struct hk_route_nh *o = &ri->nh[ri->nnh++];
		*o = (struct hk_route_nh){ .oif = nh->rtnh_ifindex,
					   .weight = (uint8_t)(nh->rtnh_hops + 1),
					   .flags = nh->rtnh_flags };
		size_t off = RTNH_ALIGN(sizeof(*nh));
		while (off + sizeof(struct nlattr) <= nh->rtnh_len) {
			const struct nlattr *a = (const void *)(p + off);
			if (a->nla_len < sizeof(*a) || off + a->nla_len > nh->rtnh_len)
				break;
			if ((a->nla_type & NLA_TYPE_MASK) == RTA_GATEWAY)
				get_addr(hk_attr_data(a), hk_attr_len(a), ri->family, alen * 8,
					 &o->gw);
			off += NLA_ALIGN(a->nla_len);
		}
		size_t step = RTNH_ALIGN(nh->rtnh_len);
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
}

int hk_route_decode(const struct nlmsghdr *nlh, struct hk_route_info *ret)
{
	if ((nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE) ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtmsg)))
		return -EINVAL;
	const struct rtmsg *rtm = hk_nlmsg_payload(nlh);
	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return -EINVAL;
	const struct nlattr *tb[RTA_MAX + 1];
	hk_attr_parse(nlh, sizeof(*rtm), tb, RTA_MAX);
	struct hk_route_info ri = {
		.family = rtm->rtm_family,
		.type = rtm->rtm_type,
		.protocol = rtm->rtm_protocol,
		.scope = rtm->rtm_scope,
		.tos = rtm->rtm_tos,
		.table = tb[RTA_TABLE] ? hk_attr_u32(tb[RTA_TABLE]) : rtm->rtm_table,
		.flags = rtm->rtm_flags,
		.oif = tb[RTA_OIF] ? (int)hk_attr_u32(tb[RTA_OIF]) : 0,
	};
	uint8_t full = ri.family == AF_INET ? 32 : 128;
	ri.dst.family = ri.family;
	ri.dst.len = rtm->rtm_dst_len;
	get_attr_addr(tb[RTA_DST], ri.family, rtm->rtm_dst_len, &ri.dst);
	get_attr_addr(tb[RTA_GATEWAY], ri.family, full, &ri.gw);
	get_attr_addr(tb[RTA_PREFSRC], ri.family, full, &ri.prefsrc);
	get_attr_addr(tb[RTA_SRC], ri.family, rtm->rtm_src_len, &ri.src);
	if (tb[RTA_PRIORITY]) {
		ri.has_metric = true;
		ri.metric = hk_attr_u32(tb[RTA_PRIORITY]);
	}
	if (tb[RTA_MULTIPATH])
		decode_multipath(tb[RTA_MULTIPATH], &ri);
	if (tb[RTA_PREF]) {
		ri.has_pref = true;
		ri.pref = hk_attr_u8(tb[RTA_PREF]);
	}
	if (tb[RTA_MARK]) {
		ri.has_mark = true;
		ri.mark = hk_attr_u32(tb[RTA_MARK]);
	}
	*ret = ri;
	return 0;
}

struct route_list {
	uint32_t table;
	int oif;
	struct hk_route_info *v;
	size_t n, cap;
};

static bool uses_oif(const struct hk_route_info *ri, int oif)
{
	if (ri->oif == oif)
		return true;
	for (size_t i = 0; i < ri->nnh; i++)
		if (ri->nh[i].oif == oif)
			return true;
	return false;
}

static int on_route(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	struct route_list *l = data;
	if (!nlh) { /* the dump restarts */
		l->n = 0;
		return 0;
	}
	struct hk_route_info ri;
	if (hk_route_decode(nlh, &ri) < 0 || (ri.flags & RTM_F_CLONED))
		return 0;
	if ((l->table && ri.table != l->table) || (l->oif && !uses_oif(&ri, l->oif)))
		return 0;
	if (hk_vec_grow(&l->v, l->n, &l->cap, 16) < 0)
		return hk_err_sys(err, -ENOMEM, "route list");
	l->v[l->n++] = ri;
	return 0;
}

int hk_route_list(struct hk_nl *nl, int family, uint32_t table, int oif, struct hk_route_info **ret,
		  size_t *ret_n, struct hk_err *err)
{
	struct hk_nlmsg m;
	struct rtmsg *rtm;
	/* No table in the request: the kernel would answer "FIB table does not exist" for a
	 * table with no routes yet (iproute2 shows this in a fresh namespace); filter here. */
	hk_nlmsg_init(&m, RTM_GETROUTE, 0, sizeof(*rtm), (void **)&rtm);
	rtm->rtm_family = (uint8_t)family;
	struct route_list l = { .table = table, .oif = oif };
	int r = hk_nl_dump(nl, &m, on_route, &l, err);
	if (r < 0) {
		free(l.v);
		return hk_err_prefix(err, "list routes");
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

struct get_state {
	struct hk_route_info *ri;
	bool found;
};

static int on_get(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	(void)err;
	struct get_state *st = data;
	if (nlh && !st->found && hk_route_decode(nlh, st->ri) == 0)
		st->found = true;
	return 0;
}

int hk_route_parse_query(int argc, char **argv, struct hk_route_query *ret, struct hk_err *err)
{
	struct hk_route_query q = { 0 };
	bool have_dst = false;
	for (int i = 0; i < argc; i++) {
		const char *kw = argv[i], *v;
		int r;
		if (!strcmp(kw, "dev")) /* ip route get's alias of oif */
			kw = "oif";
		if (!strcmp(kw, "from") || !strcmp(kw, "iif") || !strcmp(kw, "oif") ||
		    !strcmp(kw, "mark") || !strcmp(kw, "to")) {
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0)
				return r;
		} else if (!have_dst) {
			v = kw;
			kw = "to";
		} else {
			return hk_err_usage(
				err, "unexpected '%s' (expected from, iif, oif, dev or mark)", kw);
		}
		if (!strcmp(kw, "to")) {
			if (have_dst)
				return hk_err_usage(err, "two destinations ('%s')", v);
			if ((r = hk_parse_addr(v, 0, &q.dst, err)) < 0)
				return r;
			have_dst = true;
		} else if (!strcmp(kw, "from")) {
			if ((r = hk_parse_addr(v, 0, &q.from, err)) < 0)
				return hk_err_prefix(err, "from");
		} else if (!strcmp(kw, "mark")) {
			if (hk_parse_u32(v, 0, UINT32_MAX, &q.mark, "mark", err) < 0)
				return -EINVAL;
			q.has_mark = true;
		} else {
			if ((r = hk_parse_ifname(v, err)) < 0)
				return r;
			snprintf(!strcmp(kw, "iif") ? q.iif : q.oif, HK_IFNAMSIZ, "%s", v);
		}
	}
	if (!have_dst)
		return hk_err_usage(err, "expected one address to look up");
	if (q.from.family && q.from.family != q.dst.family)
		return hk_err_usage(err, "from: the address families disagree");
	*ret = q;
	return 0;
}

int hk_route_get(struct hk_nl *nl, const struct hk_route_query *q, struct hk_route_info *ret,
		 struct hk_err *err)
{
	struct hk_nlmsg m;
	struct rtmsg *rtm;
	hk_nlmsg_init(&m, RTM_GETROUTE, 0, sizeof(*rtm), (void **)&rtm);
	const struct hk_prefix *addr = &q->dst;
	size_t alen = addr->family == AF_INET ? 4 : 16;
	rtm->rtm_family = (uint8_t)addr->family;
	rtm->rtm_dst_len = (uint8_t)(alen * 8);
	/* as ip: the answer names the table the route was found in (local, 100), not main */
	rtm->rtm_flags |= RTM_F_LOOKUP_TABLE;
	hk_nlmsg_put(&m, RTA_DST, alen, addr->addr.raw);
	if (q->from.family) {
		rtm->rtm_src_len = (uint8_t)(alen * 8);
		hk_nlmsg_put(&m, RTA_SRC, alen, q->from.addr.raw);
	}
	if (q->iif_index)
		hk_nlmsg_put_u32(&m, RTA_IIF, (uint32_t)q->iif_index);
	if (q->oif_index)
		hk_nlmsg_put_u32(&m, RTA_OIF, (uint32_t)q->oif_index);
	if (q->has_mark)
		hk_nlmsg_put_u32(&m, RTA_MARK, q->mark);
	struct get_state st = { .ri = ret };
	int r = hk_nl_do(nl, &m, on_get, &st, err);
	if (r < 0)
		return r;
	if (!st.found)
		return hk_err_set(err, -ENOENT, "no route in the kernel's answer");
	return 0;
}
