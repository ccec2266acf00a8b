// SPDX-License-Identifier: MIT
/* Links over rtnetlink: lookups, the add/set/del messages, snapshots for undo, and dumps.
 * Kind-specific parts live in link_<kind>.c. */
#include "link.h"

#include <errno.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/vec.h"

#include "ifindex.h"

static int lookup(struct hk_nl *nl, const char *name, const char *what, int *ret,
		  struct hk_err *err)
{
	if (!name[0] || *ret > 0)
		return 0; /* nothing to look up, or already resolved by the caller */
	int r = hk_link_index(nl, name, ret, err);
	if (r == -ENODEV)
		return hk_err_set(err, -ENODEV, "%s '%s' does not exist", what, name);
	return r < 0 ? hk_err_prefix(err, "%s", what) : 0;
}

int hk_link_resolve(struct hk_nl *nl, const struct hk_link_req *req, struct hk_link_res *res,
		    struct hk_err *err)
{
	int r = lookup(nl, req->a.master, "master", &res->master, err);
	if (r == 0)
		r = lookup(nl, req->a.link, "lower device", &res->link, err);
	if (r == 0 && req->kind == &hk_link_vxlan)
		r = lookup(nl, req->u.vxlan.dev, "dev", &res->vxlan_dev, err);
	return r < 0 ? hk_err_prefix(err, "link '%s'", req->name) : 0;
}

/* Attributes common to add and set. */
static void put_common(const struct hk_link_req *req, const struct hk_link_res *res,
		       struct ifinfomsg *ifi, struct hk_nlmsg *m)
{
	if (req->a.up >= 0) {
		ifi->ifi_change |= IFF_UP;
		ifi->ifi_flags |= req->a.up ? IFF_UP : 0;
	}
	if (req->a.has_mtu)
		hk_nlmsg_put_u32(m, IFLA_MTU, req->a.mtu);
	if (req->a.has_mac)
		hk_nlmsg_put(m, IFLA_ADDRESS, 6, req->a.mac);
	if (res->master || req->a.nomaster)
		hk_nlmsg_put_u32(m, IFLA_MASTER, (uint32_t)res->master);
	if (res->netns_fd >= 0)
		hk_nlmsg_put_u32(m, IFLA_NET_NS_FD, (uint32_t)res->netns_fd);
	const struct {
		enum hk_onoff v;
		unsigned flag;
		bool inverse; /* arp on clears IFF_NOARP */
	} fl[] = {
		{ req->a.promisc, IFF_PROMISC, false },
		{ req->a.arp, IFF_NOARP, true },
		{ req->a.multicast, IFF_MULTICAST, false },
		{ req->a.allmulticast, IFF_ALLMULTI, false },
	};
	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
		if (fl[i].v == HK_KEEP)
			continue;
		ifi->ifi_change |= fl[i].flag;
		if ((fl[i].v == HK_ON) != fl[i].inverse)
			ifi->ifi_flags |= fl[i].flag;
	}
	if (req->a.has_txqlen)
		hk_nlmsg_put_u32(m, IFLA_TXQLEN, req->a.txqlen);
	if (req->a.has_alias) /* without its NUL, as ip: an empty one removes the alias */
		hk_nlmsg_put(m, IFLA_IFALIAS, strlen(req->a.alias), req->a.alias);
	if (req->a.has_group)
		hk_nlmsg_put_u32(m, IFLA_GROUP, req->a.group);
}

static int check_overflow(const struct hk_nlmsg *m, const char *name, struct hk_err *err)
{
	return m->overflow ? hk_err_set(err, -EMSGSIZE, "link '%s': request too large", name) : 0;
}

int hk_link_add_msg(const struct hk_link_req *req, const struct hk_link_res *res,
		    struct hk_nlmsg *m, struct hk_err *err)
{
	struct ifinfomsg *ifi;
	hk_nlmsg_init(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = res->index;
	hk_nlmsg_put_str(m, IFLA_IFNAME, req->name);
	put_common(req, res, ifi, m);
	if (res->link)
		hk_nlmsg_put_u32(m, IFLA_LINK, (uint32_t)res->link);
	if (req->a.queues) {
		hk_nlmsg_put_u32(m, IFLA_NUM_TX_QUEUES, req->a.queues);
		hk_nlmsg_put_u32(m, IFLA_NUM_RX_QUEUES, req->a.queues);
	}
	struct nlattr *li = hk_nlmsg_nest_start(m, IFLA_LINKINFO);
	hk_nlmsg_put_str(m, IFLA_INFO_KIND, req->kind->info_kind);
	if (req->kind->fill) {
		int r = req->kind->fill(req, res, m, err);
		if (r < 0)
			return r;
	}
	hk_nlmsg_nest_end(m, li);
	return check_overflow(m, req->name, err);
}

void hk_link_addrgen_msg(int index, const char *name, uint8_t mode, struct hk_nlmsg *m)
{
	struct ifinfomsg *ifi;
	hk_nlmsg_init(m, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	if (!index)
		hk_nlmsg_put_str(m, IFLA_IFNAME, name);
	struct nlattr *af = hk_nlmsg_nest_start(m, IFLA_AF_SPEC);
	struct nlattr *in6 = hk_nlmsg_nest_start(m, AF_INET6);
	hk_nlmsg_put_u8(m, IFLA_INET6_ADDR_GEN_MODE, mode);
	hk_nlmsg_nest_end(m, in6);
	hk_nlmsg_nest_end(m, af);
}

void hk_link_del_msg(const char *name, struct hk_nlmsg *m)
{
	struct ifinfomsg *ifi;
	hk_nlmsg_init(m, RTM_DELLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	hk_nlmsg_put_str(m, IFLA_IFNAME, name);
}

int hk_link_set_msg(const struct hk_link_req *req, const struct hk_link_res *res,
		    struct hk_nlmsg *m, struct hk_err *err)
{
	struct ifinfomsg *ifi;
	hk_nlmsg_init(m, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = res->index;
	/* By name when we can (no lookup round trip); a rename needs the index, since the
	 * kernel reads IFLA_IFNAME as the new name then. */
	if (req->a.newname[0]) {
		if (!res->index)
			return hk_err_set(err, -EINVAL, "link '%s': rename needs the device index",
					  req->name);
		hk_nlmsg_put_str(m, IFLA_IFNAME, req->a.newname);
	} else if (!res->index) {
		hk_nlmsg_put_str(m, IFLA_IFNAME, req->name);
	}
	put_common(req, res, ifi, m);
	return check_overflow(m, req->name, err);
}

static const struct {
	uint16_t attr;
	const char *key;
} u32_attrs[HK_LINK_NU32] = {
	{ IFLA_PROMISCUITY, "promiscuity" },
	{ IFLA_ALLMULTI, "allmulti" },
	{ IFLA_MIN_MTU, "min_mtu" },
	{ IFLA_MAX_MTU, "max_mtu" },
	{ IFLA_NUM_TX_QUEUES, "num_tx_queues" },
	{ IFLA_NUM_RX_QUEUES, "num_rx_queues" },
	{ IFLA_GSO_MAX_SIZE, "gso_max_size" },
	{ IFLA_GSO_MAX_SEGS, "gso_max_segs" },
	{ IFLA_TSO_MAX_SIZE, "tso_max_size" },
	{ IFLA_TSO_MAX_SEGS, "tso_max_segs" },
	{ IFLA_GRO_MAX_SIZE, "gro_max_size" },
};

const char *hk_link_u32_key(int i)
{
	return i >= 0 && i < HK_LINK_NU32 ? u32_attrs[i].key : NULL;
}

static void fill_info(const struct nlmsghdr *nlh, struct hk_link_info *info);

static int on_snap(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	(void)err;
	if (nlh && nlh->nlmsg_type == RTM_NEWLINK)
		fill_info(nlh, data);
	return 0;
}

static int get_one(struct hk_nl *nl, const char *name, struct hk_link_info *info,
		   struct hk_err *err)
{
	struct hk_nlmsg m;
	struct ifinfomsg *ifi;
	hk_nlmsg_init(&m, RTM_GETLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	hk_nlmsg_put_str(&m, IFLA_IFNAME, name);
	hk_nlmsg_put_u32(&m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	memset(info, 0, sizeof(*info));
	int r = hk_nl_do(nl, &m, on_snap, info, err);
	if (r == -ENODEV || (r == 0 && !info->index))
		return hk_err_set(err, -ENODEV, "device '%s' does not exist", name);
	return r < 0 ? hk_err_prefix(err, "device '%s'", name) : 0;
}

int hk_link_snapshot(struct hk_nl *nl, const char *name, struct hk_link_snap *ret,
		     struct hk_err *err)
{
	struct hk_link_info *info = malloc(sizeof(*info));
	if (!info)
		return hk_err_sys(err, -ENOMEM, "link '%s'", name);
	int r = get_one(nl, name, info, err);
	if (r == 0) {
		*ret = (struct hk_link_snap){ .index = info->index,
					      .flags = info->flags,
					      .mtu = info->mtu,
					      .txqlen = info->txqlen,
					      .group = info->group,
					      .maclen = info->maclen,
					      .master = info->master };
		memcpy(ret->name, info->name, sizeof(ret->name));
		memcpy(ret->mac, info->mac, sizeof(ret->mac));
		memcpy(ret->alias, info->alias, sizeof(ret->alias));
	}
	free(info);
	return r;
}

void hk_link_restore_msg(const struct hk_link_snap *snap, int now_index, int netns_fd,
			 pid_t netns_pid, struct hk_nlmsg *m)
{
	struct ifinfomsg *ifi;
	hk_nlmsg_init(m, RTM_NEWLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = now_index;
	/* the flags `link set` changes: up, promisc, arp, multicast, allmulticast */
	ifi->ifi_change = IFF_UP | IFF_PROMISC | IFF_NOARP | IFF_MULTICAST | IFF_ALLMULTI;
	ifi->ifi_flags = snap->flags & ifi->ifi_change;
	/* The kernel moves the device first, then renames and applies the rest in the
	 * namespace it came from (do_setlink), so the master index is the old one. */
	if (netns_fd >= 0)
		hk_nlmsg_put_u32(m, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	else if (netns_pid > 0)
		hk_nlmsg_put_u32(m, IFLA_NET_NS_PID, (uint32_t)netns_pid);
	hk_nlmsg_put_str(m, IFLA_IFNAME, snap->name);
	hk_nlmsg_put_u32(m, IFLA_MTU, snap->mtu);
	if (snap->maclen)
		hk_nlmsg_put(m, IFLA_ADDRESS, snap->maclen, snap->mac);
	hk_nlmsg_put_u32(m, IFLA_MASTER, (uint32_t)snap->master);
	hk_nlmsg_put_u32(m, IFLA_TXQLEN, snap->txqlen);
	hk_nlmsg_put_u32(m, IFLA_GROUP, snap->group);
	hk_nlmsg_put(m, IFLA_IFALIAS, strlen(snap->alias), snap->alias);
}

/* Does nsid still name a live namespace? The kernel's get_net_ns_by_id() refuses a dying
 * one (maybe_get_net() fails once its count is 0), so RTM_GETNSID answers ENOENT. */
static bool nsid_dead(struct hk_nl *nl, int32_t nsid)
{
	struct hk_nlmsg m;
	struct rtgenmsg *g;
	struct hk_err err;
	hk_nlmsg_init(&m, RTM_GETNSID, 0, sizeof(*g), (void **)&g);
	g->rtgen_family = AF_UNSPEC;
	hk_nlmsg_put_s32(&m, NETNSA_NSID, nsid);
	return hk_nl_do(nl, &m, NULL, NULL, &err) == -ENOENT;
}

bool hk_link_dying(struct hk_nl *nl, const char *name)
{
	struct hk_err err;
	struct hk_link_info *info = malloc(sizeof(*info));
	if (!info)
		return false;
	bool dying = get_one(nl, name, info, &err) == 0 && info->has_link_netnsid &&
		     (info->link_netnsid < 0 || nsid_dead(nl, info->link_netnsid));
	free(info);
	return dying;
}

int hk_link_explain(const struct hk_link_req *req, bool add, struct hk_err *err)
{
	char extra[HK_ERR_EXTACK_MAX + 16] = "", extack[HK_ERR_EXTACK_MAX];
	snprintf(extack, sizeof(extack), "%s", err->extack);
	if (extack[0])
		snprintf(extra, sizeof(extra), " (kernel: %s)", extack);
	switch (-err->code) {
	case EOPNOTSUPP:
		if (add && req->kind) {
			hk_err_set(err, -EOPNOTSUPP, "link '%s': the kernel has no %s support%s",
				   req->name, req->kind->name, extra);
			hk_err_class_set(err, HK_ERR_UNSUPPORTED);
		}
		break;
	case EXFULL:
		if (req->a.master[0])
			hk_err_set(err, -EXFULL,
				   "link '%s': master '%s' is full: the kernel allows at most "
				   "1023 ports per bridge (BR_MAX_PORTS)",
				   req->name, req->a.master);
		break;
	case ENODEV:
		if (!add)
			hk_err_set(err, -ENODEV, "device '%s' does not exist", req->name);
		break;
	case EEXIST:
		if (add && req->kind == &hk_link_veth)
			hk_err_set(err, -EEXIST,
				   "link '%s': a device named '%s' or '%s' already exists%s",
				   req->name, req->name, req->u.veth.peer, extra);
		else if (add)
			hk_err_set(err, -EEXIST,
				   "link '%s': a device of that name already exists%s", req->name,
				   extra);
		break;
	}
	/* the explanation keeps the kernel's text as a field too */
	snprintf(err->extack, sizeof(err->extack), "%s", extack);
	return err->code;
}

/* --- reading ------------------------------------------------------------------------- */

void hk_link_kv_str(struct hk_link_info *info, const char *key, const char *s)
{
	if (info->nkv >= HK_LINK_KV_MAX)
		return;
	struct hk_link_kv *kv = &info->kv[info->nkv++];
	*kv = (struct hk_link_kv){ .key = key, .type = HK_KV_STR };
	snprintf(kv->str, sizeof(kv->str), "%s", s);
}

void hk_link_kv_u64(struct hk_link_info *info, const char *key, uint64_t v)
{
	if (info->nkv < HK_LINK_KV_MAX)
		info->kv[info->nkv++] =
			(struct hk_link_kv){ .key = key, .type = HK_KV_U64, .u = v };
}

void hk_link_kv_bool(struct hk_link_info *info, const char *key, bool v)
{
	if (info->nkv < HK_LINK_KV_MAX)
		info->kv[info->nkv++] =
			(struct hk_link_kv){ .key = key, .type = HK_KV_BOOL, .u = v };
}

static const struct hk_link_kind *kind_by_info(const char *info_kind)
{
	static const struct hk_link_kind *const all[] = { &hk_link_veth,    &hk_link_bridge,
							  &hk_link_tun,	    &hk_link_macvlan,
							  &hk_link_macvtap, &hk_link_vxlan,
							  &hk_link_vlan,    &hk_link_ipvlan,
							  &hk_link_dummy };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(all[i]->info_kind, info_kind))
			return all[i];
	return NULL;
}

static void fill_linkinfo(const struct nlattr *li, struct hk_link_info *info)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1];
	hk_attr_parse_nested(li, tb, IFLA_INFO_MAX);
	if (tb[IFLA_INFO_SLAVE_KIND] && hk_attr_str(tb[IFLA_INFO_SLAVE_KIND]))
		snprintf(info->slave_kind, sizeof(info->slave_kind), "%s",
			 hk_attr_str(tb[IFLA_INFO_SLAVE_KIND]));
	if (!tb[IFLA_INFO_KIND] || !hk_attr_str(tb[IFLA_INFO_KIND]))
		return;
	snprintf(info->kind, sizeof(info->kind), "%s", hk_attr_str(tb[IFLA_INFO_KIND]));
	const struct hk_link_kind *k = kind_by_info(info->kind);
	if (k && k->info && tb[IFLA_INFO_DATA])
		k->info(tb[IFLA_INFO_DATA], info);
}

static void fill_info(const struct nlmsghdr *nlh, struct hk_link_info *info)
{
	const struct ifinfomsg *ifi = hk_nlmsg_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1];
	hk_attr_parse(nlh, sizeof(*ifi), tb, IFLA_MAX);
	memset(info, 0, sizeof(*info));
	info->index = ifi->ifi_index;
	info->flags = ifi->ifi_flags;
	info->type = ifi->ifi_type;
	info->link_netnsid = -1;
	if (tb[IFLA_IFNAME] && hk_attr_str(tb[IFLA_IFNAME]))
		snprintf(info->name, sizeof(info->name), "%s", hk_attr_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_MTU])
		info->mtu = hk_attr_u32(tb[IFLA_MTU]);
	if (tb[IFLA_OPERSTATE])
		info->operstate = hk_attr_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_TXQLEN])
		info->txqlen = hk_attr_u32(tb[IFLA_TXQLEN]);
	if (tb[IFLA_GROUP])
		info->group = hk_attr_u32(tb[IFLA_GROUP]);
	for (int i = 0; i < HK_LINK_NU32; i++)
		if (tb[u32_attrs[i].attr]) {
			info->u32[i] = hk_attr_u32(tb[u32_attrs[i].attr]);
			info->has_u32 |= 1u << i;
		}
	if (tb[IFLA_QDISC] && hk_attr_str(tb[IFLA_QDISC]))
		snprintf(info->qdisc, sizeof(info->qdisc), "%s", hk_attr_str(tb[IFLA_QDISC]));
	if (tb[IFLA_LINKMODE])
		info->linkmode = hk_attr_u8(tb[IFLA_LINKMODE]);
	if (tb[IFLA_BROADCAST] && hk_attr_len(tb[IFLA_BROADCAST]) <= sizeof(info->brd)) {
		info->brdlen = (uint16_t)hk_attr_len(tb[IFLA_BROADCAST]);
		memcpy(info->brd, hk_attr_data(tb[IFLA_BROADCAST]), info->brdlen);
	}
	if (tb[IFLA_CARRIER_CHANGES]) {
		info->carrier_changes = hk_attr_u32(tb[IFLA_CARRIER_CHANGES]);
		info->has_carrier_changes = true;
	}
	if (tb[IFLA_IFALIAS] && hk_attr_len(tb[IFLA_IFALIAS]) < sizeof(info->alias)) {
		memcpy(info->alias, hk_attr_data(tb[IFLA_IFALIAS]), hk_attr_len(tb[IFLA_IFALIAS]));
		info->alias[hk_attr_len(tb[IFLA_IFALIAS])] = '\0';
	}
	if (tb[IFLA_MASTER])
		info->master = (int)hk_attr_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_LINK])
		info->link = (int)hk_attr_u32(tb[IFLA_LINK]);
	if (tb[IFLA_LINK_NETNSID]) {
		info->has_link_netnsid = true;
		info->link_netnsid = (int32_t)hk_attr_u32(tb[IFLA_LINK_NETNSID]);
	}
	if (tb[IFLA_ADDRESS] && hk_attr_len(tb[IFLA_ADDRESS]) <= sizeof(info->mac)) {
		info->maclen = hk_attr_len(tb[IFLA_ADDRESS]);
		memcpy(info->mac, hk_attr_data(tb[IFLA_ADDRESS]), info->maclen);
	}
	if (tb[IFLA_LINKINFO])
		fill_linkinfo(tb[IFLA_LINKINFO], info);
}

int hk_link_decode(const struct nlmsghdr *nlh, struct hk_link_info *ret)
{
	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EINVAL;
	fill_info(nlh, ret);
	return 0;
}

struct list {
	struct hk_link_info *v;
	size_t n, cap;
};

static int on_dump(const struct nlmsghdr *nlh, void *data, struct hk_err *err)
{
	struct list *l = data;
	if (!nlh) { /* dump restarted */
		l->n = 0;
		return 0;
	}
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (hk_vec_grow(&l->v, l->n, &l->cap, 16) < 0)
		return hk_err_sys(err, -ENOMEM, "link list");
	fill_info(nlh, &l->v[l->n++]);
	return 0;
}

static int cmp_index(const void *a, const void *b)
{
	const struct hk_link_info *x = a, *y = b;
	return (x->index > y->index) - (x->index < y->index);
}

int hk_link_list(struct hk_nl *nl, const char *name, struct hk_link_info **ret, size_t *ret_n,
		 struct hk_err *err)
{
	struct list l = { 0 };
	int r;
	if (name) {
		l.v = malloc(sizeof(*l.v));
		if (!l.v)
			return hk_err_sys(err, -ENOMEM, "link list");
		r = get_one(nl, name, l.v, err);
		l.n = 1;
	} else {
		struct hk_nlmsg m;
		struct ifinfomsg *ifi;
		hk_nlmsg_init(&m, RTM_GETLINK, 0, sizeof(*ifi), (void **)&ifi);
		ifi->ifi_family = AF_UNSPEC;
		hk_nlmsg_put_u32(&m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
		r = hk_nl_dump(nl, &m, on_dump, &l, err);
		if (r < 0)
			r = hk_err_prefix(err, "list links");
	}
	if (r < 0) {
		free(l.v);
		return r;
	}
	qsort(l.v, l.n, sizeof(*l.v), cmp_index);
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

const char *hk_link_operstate_str(uint8_t state)
{
	static const char *const names[] = { "UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN",
					     "TESTING", "DORMANT",    "UP" };
	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "UNKNOWN";
}

static const struct {
	uint32_t flag;
	const char *name;
} flag_names[] = {
	{ IFF_LOOPBACK, "LOOPBACK" },
	{ IFF_BROADCAST, "BROADCAST" },
	{ IFF_POINTOPOINT, "POINTOPOINT" },
	{ IFF_MULTICAST, "MULTICAST" },
	{ IFF_NOARP, "NOARP" },
	{ IFF_ALLMULTI, "ALLMULTI" },
	{ IFF_PROMISC, "PROMISC" },
	{ IFF_MASTER, "MASTER" },
	{ IFF_SLAVE, "SLAVE" },
	{ IFF_DEBUG, "DEBUG" },
	{ IFF_DYNAMIC, "DYNAMIC" },
	{ IFF_AUTOMEDIA, "AUTOMEDIA" },
	{ IFF_PORTSEL, "PORTSEL" },
	{ IFF_NOTRAILERS, "NOTRAILERS" },
	{ IFF_UP, "UP" },
	{ IFF_LOWER_UP, "LOWER_UP" },
	{ IFF_DORMANT, "DORMANT" },
	{ IFF_ECHO, "ECHO" },
};

/* As iproute2: an UP device that is not RUNNING has no carrier, said first. */
void hk_link_flags_each(uint32_t flags, void (*fn)(const char *name, void *data), void *data)
{
	if ((flags & IFF_UP) && !(flags & IFF_RUNNING))
		fn("NO-CARRIER", data);
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (flags & flag_names[i].flag)
			fn(flag_names[i].name, data);
}

const char *hk_link_flags_str(uint32_t flags, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	if ((flags & IFF_UP) && !(flags & IFF_RUNNING))
		n = (size_t)snprintf(buf, len, "NO-CARRIER");
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]) && n < len; i++) {
		if (!(flags & flag_names[i].flag))
			continue;
		int w = snprintf(buf + n, len - n, "%s%s", n ? "," : "", flag_names[i].name);
		if (w < 0 || (size_t)w >= len - n)
			break;
		n += (size_t)w;
	}
	return buf;
}

const char *hk_link_type_str(uint16_t type)
{
	switch (type) {
	case ARPHRD_ETHER:
		return "ether";
	case ARPHRD_LOOPBACK:
		return "loopback";
	case ARPHRD_NONE:
		return "none";
	case ARPHRD_VOID:
		return "void";
	default:
		return "other";
	}
}
