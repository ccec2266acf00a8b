// SPDX-License-Identifier: MIT
#include "addr.h"

#include <errno.h>
#include <fnmatch.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/vec.h"

/* ---- names ------------------------------------------------------------------------------ */

static const struct {
	const char *name;
	uint8_t scope;
} scopes[] = {
	{ "global", RT_SCOPE_UNIVERSE }, { "universe", RT_SCOPE_UNIVERSE },
	{ "site", RT_SCOPE_SITE },	 { "link", RT_SCOPE_LINK },
	{ "host", RT_SCOPE_HOST },	 { "nowhere", RT_SCOPE_NOWHERE },
};

int hk_scope_parse(const char *s, uint8_t *ret, struct hk_err *err)
{
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		if (!strcmp(s, scopes[i].name)) {
			*ret = scopes[i].scope;
			return 0;
		}
	}
	uint32_t v;
	if (hk_parse_u32(s, 0, 255, &v, "scope", err) < 0)
		return hk_err_usage(err, "scope '%s': expected host, link, site, global or 0..255",
				    s);
	*ret = (uint8_t)v;
	return 0;
}

const char *hk_scope_name(uint8_t scope, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (scopes[i].scope == scope)
			return scopes[i].name;
	snprintf(buf, len, "%u", scope);
	return buf;
}

const char *hk_family_name(int family)
{
	return family == AF_INET ? "inet" : family == AF_INET6 ? "inet6" : "unknown";
}

/* IFA_F_* names as iproute2 spells them (ifa_flag_names); "temporary" is secondary's IPv6
 * name and "permanent" is what "dynamic" is the absence of: both only read, never shown. */
static const struct {
	uint32_t bit;
	const char *name;
} flag_names[] = {
	{ IFA_F_SECONDARY, "secondary" },
	{ IFA_F_NODAD, "nodad" },
	{ IFA_F_OPTIMISTIC, "optimistic" },
	{ IFA_F_DADFAILED, "dadfailed" },
	{ IFA_F_HOMEADDRESS, "home" },
	{ IFA_F_DEPRECATED, "deprecated" },
	{ IFA_F_TENTATIVE, "tentative" },
	{ IFA_F_MANAGETEMPADDR, "mngtmpaddr" },
	{ IFA_F_NOPREFIXROUTE, "noprefixroute" },
	{ IFA_F_MCAUTOJOIN, "autojoin" },
	{ IFA_F_STABLE_PRIVACY, "stable-privacy" },
	{ IFA_F_SECONDARY, "temporary" },
	{ IFA_F_PERMANENT, "permanent" },
};
#define SHOWN_FLAGS 11 /* the first ones: the names output uses */

void hk_addr_flags_each(uint32_t flags, void (*fn)(const char *name, void *data), void *data)
{
	for (size_t i = 0; i < SHOWN_FLAGS; i++)
		if (flags & flag_names[i].bit)
			fn(flag_names[i].name, data);
	/* As iproute2: "permanent" is the normal case, so its absence is what is shown. */
	if (!(flags & IFA_F_PERMANENT))
		fn("dynamic", data);
}

/* ---- parsing ---------------------------------------------------------------------------- */

/* broadcast + (all host bits set), - (none set), or an IPv4 address. */
static int parse_broadcast(const char *s, struct hk_addr_req *req, struct hk_err *err)
{
	if (strcmp(s, "+") && strcmp(s, "-"))
		return hk_parse_addr(s, AF_INET, &req->broadcast, err);
	req->broadcast.family = AF_INET;
	req->broadcast.len = 32;
	/* placeholder until the address is known: raw[0] remembers the sign */
	req->broadcast.addr.raw[0] = s[0] == '+';
	req->broadcast.has_len = true; /* marks "computed" */
	return 0;
}

static void compute_broadcast(struct hk_addr_req *req)
{
	bool plus = req->broadcast.addr.raw[0];
	uint32_t a = ntohl(req->local.addr.v4.s_addr);
	uint32_t mask = req->local.len ? ~0u << (32 - req->local.len) : 0;
	uint32_t b = plus ? (a | ~mask) : (a & mask);
	req->broadcast.addr.v4.s_addr = htonl(b);
	req->broadcast.has_len = false;
}

/* One keyword at argv[*i]: 0 consumed (with its value), 1 not a keyword, < 0 bad input. */
static int addr_keyword(int argc, char **argv, int *i, bool add, struct hk_addr_req *req,
			struct hk_err *err)
{
	const char *kw = argv[*i], *v = NULL;
	int r;
	if (!strcmp(kw, "dev")) {
		if ((r = hk_next_arg(argc, argv, i, &v, err)) < 0 ||
		    (r = hk_parse_ifname(v, err)) < 0)
			return r;
		snprintf(req->dev, sizeof(req->dev), "%s", v);
	} else if (add && (!strcmp(kw, "broadcast") || !strcmp(kw, "brd"))) {
		if ((r = hk_next_arg(argc, argv, i, &v, err)) < 0 ||
		    (r = parse_broadcast(v, req, err)) < 0)
			return r;
	} else if (add && !strcmp(kw, "label")) {
		if ((r = hk_next_arg(argc, argv, i, &v, err)) < 0)
			return r;
		if (strlen(v) >= HK_IFNAMSIZ || strchr(v, '/') || !*v)
			return hk_err_usage(err, "label '%s': 1..15 bytes, no '/'", v);
		snprintf(req->label, sizeof(req->label), "%s", v);
	} else if (add && !strcmp(kw, "scope")) {
		uint8_t s = 0;
		if ((r = hk_next_arg(argc, argv, i, &v, err)) < 0 ||
		    (r = hk_scope_parse(v, &s, err)) < 0)
			return r;
		req->scope = s;
	} else if (add && !strcmp(kw, "noprefixroute")) {
		req->flags |= IFA_F_NOPREFIXROUTE;
	} else if (add && !strcmp(kw, "nodad")) {
		req->flags |= IFA_F_NODAD;
	} else {
		return 1; /* not a keyword: the address, or an unknown word */
	}
	return 0;
}

static int addr_check(bool add, struct hk_addr_req *req, struct hk_err *err)
{
	if (!req->local.family)
		return hk_err_usage(err, "missing address (CIDR)");
	if (!req->dev[0])
		return hk_err_usage(err, "missing 'dev DEV'");
	if (!add)
		return 0;
	bool v4 = req->local.family == AF_INET;
	if (req->broadcast.family && !v4)
		return hk_err_usage(err, "broadcast is for IPv4 addresses only");
	if (req->label[0] && !v4)
		return hk_err_usage(err, "label is for IPv4 addresses only");
	if (req->label[0] && strncmp(req->label, req->dev, strlen(req->dev)))
		return hk_err_usage(err, "label '%s' must start with the device name '%s'",
				    req->label, req->dev);
	if ((req->flags & IFA_F_NODAD) && v4)
		return hk_err_usage(err, "nodad is for IPv6 addresses only");
	if (req->broadcast.family && req->broadcast.has_len)
		compute_broadcast(req);
	return 0;
}

int hk_addr_parse(int argc, char **argv, bool add, struct hk_addr_req *ret, struct hk_err *err)
{
	struct hk_addr_req req = { .scope = -1 };
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		int r = strcmp(w, "local") ? addr_keyword(argc, argv, &i, add, &req, err) : 1;
		if (r < 0)
			return r;
		if (r == 0)
			continue;
		if (!strcmp(w, "local") && (r = hk_next_arg(argc, argv, &i, &w, err)) < 0)
			return r;
		if (req.local.family)
			return hk_err_usage(err, "unknown keyword '%s'", w);
		if ((r = hk_parse_prefix(w, 0, &req.local, err)) < 0)
			return r;
	}
	int r = addr_check(add, &req, err);
	if (r < 0)
		return r;
	*ret = req;
	return 0;
}

/* An ip address show CONFFLAG (permanent, dynamic, primary, secondary, [-]tentative, ...)
 * into f->flags/flagmask, as iproute2's get_filter. false: not one. */
static bool filter_flag(const char *arg, struct hk_addr_filter *f)
{
	bool inv = arg[0] == '-';
	arg += inv;
	if (!strcmp(arg, "dynamic") || !strcmp(arg, "primary")) {
		inv = !inv;
		arg = arg[0] == 'd' ? "permanent" : "secondary";
	}
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (strcmp(arg, flag_names[i].name))
			continue;
		f->flagmask |= flag_names[i].bit;
		if (inv)
			f->flags &= ~flag_names[i].bit;
		else
			f->flags |= flag_names[i].bit;
		return true;
	}
	return false;
}

int hk_addr_parse_filter(int argc, char **argv, struct hk_addr_filter *ret, struct hk_err *err)
{
	struct hk_addr_filter f = { .family = AF_UNSPEC, .scope = -1 };
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		int r;
		if (!strcmp(argv[i], "-4")) {
			f.family = AF_INET;
		} else if (!strcmp(argv[i], "-6")) {
			f.family = AF_INET6;
		} else if (!strcmp(argv[i], "scope")) {
			uint8_t sc;
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0)
				return r;
			if (!strcmp(v, "all")) {
				f.scope = -1;
			} else {
				if ((r = hk_scope_parse(v, &sc, err)) < 0)
					return r;
				f.scope = sc;
			}
		} else if (!strcmp(argv[i], "to")) {
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0 ||
			    (r = hk_parse_prefix(v, 0, &f.to, err)) < 0)
				return r;
			f.has_to = true;
			if (f.family == AF_UNSPEC) /* as ip: the prefix's family */
				f.family = f.to.family;
		} else if (!strcmp(argv[i], "up")) {
			f.up = true;
		} else if (!strcmp(argv[i], "label")) {
			if ((r = hk_next_arg(argc, argv, &i, &v, err)) < 0)
				return r;
			f.label = v;
		} else if (filter_flag(argv[i], &f)) {
			continue;
		} else if (!strcmp(argv[i], "dev") || !f.dev[0]) {
			if (!strcmp(argv[i], "dev") &&
			    (r = hk_next_arg(argc, argv, &i, &v, err)) < 0)
				return r;
			v = argv[i];
			if ((r = hk_parse_ifname(v, err)) < 0)
				return r;
			snprintf(f.dev, sizeof(f.dev), "%s", v);
		} else {
			return hk_err_usage(err, "unknown keyword '%s'", argv[i]);
		}
	}
	*ret = f;
	return 0;
}

bool hk_addr_filter_match(const struct hk_addr_filter *f, const struct hk_addr_info *ai,
			  const char *ifname)
{
	if ((f->scope >= 0 && ai->scope != f->scope) || ((ai->flags ^ f->flags) & f->flagmask))
		return false;
	if (f->has_to && (ai->family != f->to.family || !hk_prefix_has(&f->to, ai->local.addr.raw)))
		return false;
	/* as ip: the label, or the device's name when the address has none (IPv6) */
	if (f->label && fnmatch(f->label, ai->label[0] ? ai->label : ifname, 0))
		return false;
	return true;
}

/* ---- messages --------------------------------------------------------------------------- */

void hk_addr_msg(const struct hk_addr_req *req, int ifindex, uint16_t type, struct hk_nlmsg *m)
{
	struct ifaddrmsg *ifa;
	bool add = type == RTM_NEWADDR;
	hk_nlmsg_init(m, type, add ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof(*ifa), (void **)&ifa);
	size_t alen = req->local.family == AF_INET ? 4 : 16;
	ifa->ifa_family = (uint8_t)req->local.family;
	ifa->ifa_prefixlen = req->local.len;
	ifa->ifa_index = (uint32_t)ifindex;
	hk_nlmsg_put(m, IFA_LOCAL, alen, req->local.addr.raw);
	/* A delete without "/LEN" leaves IFA_ADDRESS out: the kernel then matches the IPv4
	 * address whatever its prefix length (iproute2's "wildcard deletion"). */
	if (add || req->local.has_len)
		hk_nlmsg_put(m, IFA_ADDRESS, alen, req->local.addr.raw);
	if (req->label[0])
		hk_nlmsg_put_str(m, IFA_LABEL, req->label);
	if (!add)
		return;
	if (req->scope >= 0)
		ifa->ifa_scope = (uint8_t)req->scope;
	ifa->ifa_flags = (uint8_t)(req->flags & 0xff);
	if (req->flags)
		hk_nlmsg_put_u32(m, IFA_FLAGS, req->flags);
	if (req->broadcast.family)
		hk_nlmsg_put(m, IFA_BROADCAST, 4, req->broadcast.addr.raw);
}

/* ---- reading back ----------------------------------------------------------------------- */

static bool get_addr(const struct nlattr *a, int family, uint8_t len, struct hk_prefix *ret)
{
	size_t alen = family == AF_INET ? 4 : 16;
	if (!a || hk_attr_len(a) < alen)
		return false;
	memset(ret, 0, sizeof(*ret));
	ret->family = family;
	ret->len = len;
	memcpy(ret->addr.raw, hk_attr_data(a), alen);
	return true;
}

int hk_addr_decode(const struct nlmsghdr *nlh, struct hk_addr_info *ret)
{
	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
		return -EINVAL;
	const struct ifaddrmsg *ifa = hk_nlmsg_payload(nlh);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -EINVAL;
	const struct nlattr *tb[IFA_MAX + 1];
	hk_attr_parse(nlh, sizeof(*ifa), tb, IFA_MAX);
	struct hk_addr_info a = {
		.ifindex = (int)ifa->ifa_index,
		.family = ifa->ifa_family,
		.prefixlen = ifa->ifa_prefixlen,
		.scope = ifa->ifa_scope,
		.flags = tb[IFA_FLAGS] ? hk_attr_u32(tb[IFA_FLAGS]) : ifa->ifa_flags,
	};
	struct hk_prefix address = { 0 };
	bool has_address = get_addr(tb[IFA_ADDRESS], a.family, a.prefixlen, &address);
	if (!get_addr(tb[IFA_LOCAL], a.family, a.prefixlen, &a.local)) {
		if (!has_address)
			return -EINVAL;
		a.local = address;
	} else if (has_address && memcmp(address.addr.raw, a.local.addr.raw, 16)) {
		a.peer = address;
	}
	get_addr(tb[IFA_BROADCAST], a.family, 32, &a.broadcast);
	if (tb[IFA_LABEL] && hk_attr_str(tb[IFA_LABEL]))
		snprintf(a.label, sizeof(a.label), "%s", hk_attr_str(tb[IFA_LABEL]));
	if (tb[IFA_CACHEINFO] && hk_attr_len(tb[IFA_CACHEINFO]) >= sizeof(struct ifa_cacheinfo)) {
		const struct ifa_cacheinfo *ci = hk_attr_data(tb[IFA_CACHEINFO]);
		a.has_cacheinfo = true;
		a.valid_lft = ci->ifa_valid;
		a.preferred_lft = ci->ifa_prefered;
	}
	*ret = a;
	return 0;
}

struct addr_list {
	int ifindex;
	struct hk_addr_info *v;
	size_t n, cap;
};

static int on_addr(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	struct addr_list *l = data;
	if (!nlh) { /* the dump restarts */
		l->n = 0;
		return 0;
	}
	struct hk_addr_info a;
	if (hk_addr_decode(nlh, &a) < 0 || (l->ifindex && a.ifindex != l->ifindex))
		return 0;
	if (hk_vec_grow(&l->v, l->n, &l->cap, 16) < 0)
		return hk_err_sys(err, -ENOMEM, "address list");
	l->v[l->n++] = a;
	return 0;
}

int hk_addr_list(struct hk_nl *nl, int family, int ifindex, struct hk_addr_info **ret,
		 size_t *ret_n, struct hk_err *err)
{
	struct hk_nlmsg m;
	struct ifaddrmsg *ifa;
	hk_nlmsg_init(&m, RTM_GETADDR, 0, sizeof(*ifa), (void **)&ifa);
	ifa->ifa_family = (uint8_t)family;
	struct addr_list l = { .ifindex = ifindex };
	int r = hk_nl_dump(nl, &m, on_addr, &l, err);
	if (r < 0) {
		free(l.v);
		return hk_err_prefix(err, "list addresses");
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}
