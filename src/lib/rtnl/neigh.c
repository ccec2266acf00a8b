// SPDX-License-Identifier: MIT
#include "neigh.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cleanup.h"
#include "base/vec.h"

static const struct {
	const char *name; /* as `ip neigh` prints it */
	uint16_t nud;
} states[] = {
	{ "INCOMPLETE", NUD_INCOMPLETE }, { "REACHABLE", NUD_REACHABLE }, { "STALE", NUD_STALE },
	{ "DELAY", NUD_DELAY },		  { "PROBE", NUD_PROBE },	  { "FAILED", NUD_FAILED },
	{ "NOARP", NUD_NOARP },		  { "PERMANENT", NUD_PERMANENT }, { "NONE", NUD_NONE },
};

int hk_neigh_state_parse(const char *s, uint16_t *ret)
{
	for (size_t i = 0; i < HK_ARRAY_SIZE(states); i++)
		if (!strcasecmp(s, states[i].name)) {
			*ret = states[i].nud;
			return 0;
		}
	return -EINVAL;
}

void hk_neigh_states_each(uint16_t state, void (*fn)(const char *name, void *data), void *data)
{
	for (size_t i = 0; i < HK_ARRAY_SIZE(states); i++)
		if (states[i].nud ? (state & states[i].nud) : state == NUD_NONE)
			fn(states[i].name, data);
}

static int want(int argc, int i, const char *kw, struct hk_err *err)
{
	if (i + 1 >= argc)
		return hk_err_usage(err, "'%s' needs a value", kw);
	return 0;
}

int hk_neigh_parse(int argc, char **argv, enum hk_neigh_op op, struct hk_neigh_req *ret,
		   struct hk_err *err)
{
	*ret = (struct hk_neigh_req){ .state = NUD_PERMANENT };
	bool have_dst = false;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		int r = 0;
		if (!strcmp(w, "lladdr") && op != HK_NEIGH_DEL) {
			if ((r = want(argc, i, w, err)) == 0)
				r = hk_parse_mac(argv[++i], ret->lladdr, err);
			ret->has_lladdr = r == 0;
		} else if (!strcmp(w, "nud") && op != HK_NEIGH_DEL) {
			if ((r = want(argc, i, w, err)) == 0 &&
			    hk_neigh_state_parse(argv[++i], &ret->state) < 0)
				r = hk_err_usage(err,
						 "nud '%s': expected permanent, noarp, reachable, "
						 "stale, none, incomplete, delay, probe or failed",
						 argv[i]);
		} else if (!strcmp(w, "dev")) {
			if ((r = want(argc, i, w, err)) == 0 &&
			    (r = hk_parse_ifname(argv[++i], err)) == 0)
				snprintf(ret->dev, sizeof(ret->dev), "%s", argv[i]);
		} else if (!strcmp(w, "proxy")) {
			ret->proxy = true;
		} else if (!strcmp(w, "router") && op != HK_NEIGH_DEL) {
			ret->router = true;
		} else if (!strcmp(w, "to") && !have_dst) {
			continue;
		} else if (!have_dst) {
			r = hk_parse_addr(w, 0, &ret->dst, err);
			have_dst = r == 0;
		} else {
			r = hk_err_usage(err,
					 "unexpected '%s' (expected lladdr, nud, proxy, router or "
					 "dev)",
					 w);
		}
		if (r < 0)
			return r;
	}
	if (!have_dst)
		return hk_err_usage(err, "missing the neighbour's address");
	if (!ret->dev[0])
		return hk_err_usage(err, "missing 'dev DEV'");
	if (ret->proxy && ret->has_lladdr)
		return hk_err_usage(err, "a proxy entry has no lladdr");
	return 0;
}

void hk_neigh_msg(const struct hk_neigh_req *req, int ifindex, enum hk_neigh_op op,
		  struct hk_nlmsg *m)
{
	struct ndmsg *nd;
	uint16_t flags = op == HK_NEIGH_ADD	  ? NLM_F_CREATE | NLM_F_EXCL
			 : op == HK_NEIGH_REPLACE ? NLM_F_CREATE | NLM_F_REPLACE
			 : op == HK_NEIGH_CHANGE  ? NLM_F_REPLACE
						  : 0;
	hk_nlmsg_init(m, op == HK_NEIGH_DEL ? RTM_DELNEIGH : RTM_NEWNEIGH, flags, sizeof(*nd),
		      (void **)&nd);
	nd->ndm_family = (uint8_t)req->dst.family;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = op == HK_NEIGH_DEL ? 0 : req->state;
	nd->ndm_flags = (uint8_t)((req->proxy ? NTF_PROXY : 0) | (req->router ? NTF_ROUTER : 0));
	hk_nlmsg_put(m, NDA_DST, req->dst.family == AF_INET ? 4 : 16, req->dst.addr.raw);
	if (req->has_lladdr)
		hk_nlmsg_put(m, NDA_LLADDR, 6, req->lladdr);
}

void hk_neigh_del_msg(const struct hk_neigh_info *ni, struct hk_nlmsg *m)
{
	struct ndmsg *nd;
	hk_nlmsg_init(m, RTM_DELNEIGH, 0, sizeof(*nd), (void **)&nd);
	nd->ndm_family = (uint8_t)ni->family;
	nd->ndm_ifindex = ni->ifindex;
	nd->ndm_flags = ni->flags & NTF_PROXY;
	hk_nlmsg_put(m, NDA_DST, ni->family == AF_INET ? 4 : 16, ni->dst.addr.raw);
}

int hk_neigh_parse_filter(int argc, char **argv, struct hk_neigh_filter *ret, struct hk_err *err)
{
	*ret = (struct hk_neigh_filter){ .family = AF_UNSPEC };
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		int r = 0;
		if (!strcmp(w, "dev")) {
			if ((r = want(argc, i, w, err)) == 0 &&
			    (r = hk_parse_ifname(argv[++i], err)) == 0)
				snprintf(ret->dev, sizeof(ret->dev), "%s", argv[i]);
		} else if (!strcmp(w, "nud")) {
			if ((r = want(argc, i, w, err)) == 0) {
				i++;
				if (!strcmp(argv[i], "all"))
					ret->any_state = true;
				else if (hk_neigh_state_parse(argv[i], &ret->state) < 0)
					r = hk_err_usage(err, "nud '%s': expected a state or all",
							 argv[i]);
			}
		} else if (!strcmp(w, "proxy")) {
			ret->proxy = true;
		} else if (!strcmp(w, "-4")) {
			ret->family = AF_INET;
		} else if (!strcmp(w, "-6")) {
			ret->family = AF_INET6;
		} else if (!strcmp(w, "to")) {
			if ((r = want(argc, i, w, err)) == 0 &&
			    (r = hk_parse_prefix(argv[++i], 0, &ret->to, err)) == 0)
				ret->has_to = true;
		} else if (!ret->has_to && hk_parse_prefix(w, 0, &ret->to, NULL) == 0) {
			ret->has_to = true; /* ip neigh show PREFIX */
		} else if (!ret->dev[0] && hk_parse_ifname(w, NULL) == 0) {
			snprintf(ret->dev, sizeof(ret->dev), "%s", w); /* ip neigh show DEV */
		} else {
			r = hk_err_usage(
				err,
				"unexpected '%s' (expected [to] PREFIX, dev, nud, proxy, -4 "
				"or -6)",
				w);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

struct neigh_list {
	const struct hk_neigh_filter *f;
	int ifindex;
	struct hk_neigh_info *v;
	size_t n, cap;
};

int hk_neigh_decode(const struct nlmsghdr *nlh, struct hk_neigh_info *ret)
{
	if ((nlh->nlmsg_type != RTM_NEWNEIGH && nlh->nlmsg_type != RTM_DELNEIGH) ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ndmsg)))
		return -EINVAL;
	const struct ndmsg *nd = hk_nlmsg_payload(nlh);
	if (nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6)
		return -EINVAL;
	const struct nlattr *tb[NDA_MAX + 1];
	hk_attr_parse(nlh, sizeof(*nd), tb, NDA_MAX);
	size_t alen = nd->ndm_family == AF_INET ? 4 : 16;
	if (!tb[NDA_DST] || hk_attr_len(tb[NDA_DST]) != alen)
		return -EINVAL;
	struct hk_neigh_info ni = { .family = nd->ndm_family,
				    .ifindex = nd->ndm_ifindex,
				    .state = nd->ndm_state,
				    .flags = nd->ndm_flags };
	ni.dst.family = nd->ndm_family;
	ni.dst.len = (uint8_t)(alen * 8);
	memcpy(ni.dst.addr.raw, hk_attr_data(tb[NDA_DST]), alen);
	if (tb[NDA_LLADDR] && hk_attr_len(tb[NDA_LLADDR]) <= sizeof(ni.lladdr)) {
		ni.lladdr_len = hk_attr_len(tb[NDA_LLADDR]);
		memcpy(ni.lladdr, hk_attr_data(tb[NDA_LLADDR]), ni.lladdr_len);
	}
	*ret = ni;
	return 0;
}

static int on_neigh(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	struct neigh_list *l = data;
	if (!nlh) {
		l->n = 0;
		return 0;
	}
	struct hk_neigh_info ni;
	if (nlh->nlmsg_type != RTM_NEWNEIGH || hk_neigh_decode(nlh, &ni) < 0)
		return 0;
	if (l->f->family && ni.family != l->f->family)
		return 0;
	if (l->ifindex && ni.ifindex != l->ifindex)
		return 0;
	if (l->f->has_to &&
	    (ni.family != l->f->to.family || !hk_prefix_has(&l->f->to, ni.dst.addr.raw)))
		return 0;
	if (!!(ni.flags & NTF_PROXY) != l->f->proxy)
		return 0;
	if (!l->f->proxy && !l->f->any_state) {
		if (l->f->state ? !(ni.state & l->f->state)
				: (ni.state & (NUD_NOARP | (l->f->flush ? NUD_PERMANENT : 0))) ||
					  ni.state == NUD_NONE)
			return 0;
	}
	if (hk_vec_grow(&l->v, l->n, &l->cap, 16) < 0)
		return hk_err_sys(err, -ENOMEM, "neighbour list");
	l->v[l->n++] = ni;
	return 0;
}

int hk_neigh_list(struct hk_nl *nl, const struct hk_neigh_filter *f, int ifindex,
		  struct hk_neigh_info **ret, size_t *ret_n, struct hk_err *err)
{
	struct hk_nlmsg m;
	struct ndmsg *nd;
	hk_nlmsg_init(&m, RTM_GETNEIGH, 0, sizeof(*nd), (void **)&nd);
	nd->ndm_family = (uint8_t)f->family;
	if (f->proxy)
		nd->ndm_flags = NTF_PROXY;
	struct neigh_list l = { .f = f, .ifindex = ifindex };
	int r = hk_nl_dump(nl, &m, on_neigh, &l, err);
	if (r < 0) {
		free(l.v);
		return hk_err_prefix(err, "list neighbours");
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}
