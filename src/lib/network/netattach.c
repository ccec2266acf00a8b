// SPDX-License-Identifier: MIT
/*
 * The kernel side of hako networks, built on hako's own link/addr/route messages: a
 * network's bridge with its gateway address, and a container's interface. The container end
 * of a veth is created directly inside the container's namespace (IFLA_NET_NS_FD on the
 * peer) under its final name, so there is no rename and no moment where it sits in the
 * host's namespace; a macvlan child of the parent is created there the same way.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "base/cleanup.h"
#include "base/nsswitch.h"
#include "ifindex.h"
#include "link.h"
#include "network.h"
#include "route.h"

static int prefix_of(const char *addr, const char *subnet, struct hk_prefix *ret,
		     struct hk_err *err)
{
	struct hk_prefix sub;
	int r = hk_parse_prefix(subnet, 0, &sub, err);
	if (r == 0)
		r = hk_parse_addr(addr, sub.family, ret, err);
	if (r == 0) {
		ret->len = sub.len;
		ret->has_len = true;
	}
	return r;
}

static int addr_add(struct hk_nl *nl, int ifindex, const struct hk_prefix *a, bool tolerate,
		    struct hk_err *err)
{
	struct hk_addr_req req = { .local = *a, .scope = -1 };
	if (a->family == AF_INET6)
		req.flags = IFA_F_NODAD;
	struct hk_nlmsg m;
	hk_addr_msg(&req, ifindex, RTM_NEWADDR, &m);
	int r = hk_nl_do(nl, &m, NULL, NULL, err);
	if (r == -EEXIST && tolerate)
		return 0;
	return r < 0 ? hk_err_prefix(err, "address") : 0;
}

/* up: 1 up, -1 unchanged; mtu 0: unchanged */
static int link_set(struct hk_nl *nl, int index, int up, uint32_t mtu, struct hk_err *err)
{
	struct hk_link_req req = { .a.up = up };
	struct hk_link_res res;
	hk_link_res_init(&res);
	res.index = index;
	if (mtu) {
		req.a.mtu = mtu;
		req.a.has_mtu = true;
	}
	struct hk_nlmsg m;
	int r = hk_link_set_msg(&req, &res, &m, err);
	return r < 0 ? r : hk_nl_do(nl, &m, NULL, NULL, err);
}

static int link_up(struct hk_nl *nl, int index, uint32_t mtu, struct hk_err *err)
{
	return link_set(nl, index, 1, mtu, err);
}

bool hk_netattach_bridge_ready(const struct hk_net_row *n)
{
	if (!n->bridge[0])
		return true;
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", n->bridge);
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP);
}

/*
 * Write val to /proc/sys/net/ipv6/conf/IFNAME/KEY in the network namespace netns_fd (-1: the
 * caller's). /proc/sys/net shows the namespace of the thread that opens the file, so the
 * thread is in the target namespace for the open only (the file keeps its namespace).
 * Per-interface IPv6 settings have no netlink setter (IFLA_INET6_CONF is read-only; only
 * the token and addr_gen_mode can be set). No such file: a kernel without IPv6
 * (ipv6.disable=1), nothing to turn off.
 */
static int ipv6_conf(int netns_fd, const char *ifname, const char *key, const char *val,
		     struct hk_err *err)
{
	char path[96];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	int old, r = hk_thread_netns_enter(netns_fd, &old, err);
	if (r < 0)
		return r;
	int fd = open(path, O_WRONLY | O_CLOEXEC), e = errno;
	hk_thread_netns_leave(old);
	if (fd < 0)
		return e == ENOENT ? 0 : hk_err_sys(err, -e, "open %s", path);
	size_t n = strlen(val);
	ssize_t k = write(fd, val, n);
	e = errno;
	close(fd);
	return k == (ssize_t)n ? 0 : hk_err_sys(err, k < 0 ? -e : -EIO, "write %s", path);
}

/* A bridge ignores router advertisements (the kernel's default accept_ra=1 would let any
 * container give the host a default route and an address through it: CVE-2020-13401;
 * libnetwork does the same). */
static int bridge_no_ra(const char *bridge, struct hk_err *err)
{
	return ipv6_conf(-1, bridge, "accept_ra", "0", err);
}

int hk_netattach_bridge_up(const struct hk_net_row *n, bool up, struct hk_err *err)
{
	_cleanup_nl_ struct hk_nl *nl = NULL;
	int r = hk_nl_open(&nl, -1, err);
	if (r < 0)
		return r;
	struct hk_link_req req = { .kind = &hk_link_bridge, .a.up = -1 };
	req.u.bridge.stp_state = -1;
	req.u.bridge.forward_delay = 0; /* no STP: ports forward at once */
	snprintf(req.name, sizeof(req.name), "%s", n->bridge);
	struct hk_link_res res;
	hk_link_res_init(&res);
	struct hk_nlmsg m;
	r = hk_link_add_msg(&req, &res, &m, err);
	if (r == 0)
		r = hk_nl_do(nl, &m, NULL, NULL, err);
	if (r < 0 && r != -EEXIST)
		return hk_err_prefix(err, "bridge '%s'", n->bridge);
	int idx;
	r = hk_link_index(nl, n->bridge, &idx, err);
	if (r == 0)
		r = bridge_no_ra(n->bridge, err);
	struct hk_prefix gw;
	bool addr = !n->no_bridge_gw;
	if (r == 0 && addr && n->gateway[0] &&
	    (r = prefix_of(n->gateway, n->subnet, &gw, err)) == 0)
		r = addr_add(nl, idx, &gw, true, err);
	if (r == 0 && addr && n->gateway6[0] &&
	    (r = prefix_of(n->gateway6, n->subnet6, &gw, err)) == 0)
		r = addr_add(nl, idx, &gw, true, err);
	if (r == 0 && (up || n->mtu))
		r = link_set(nl, idx, up ? 1 : -1, n->mtu, err);
	return r < 0 ? hk_err_prefix(err, "bridge '%s'", n->bridge) : 0;
}

static int del_in(struct hk_nl *nl, const char *ifname, struct hk_err *err)
{
	struct hk_nlmsg m;
	hk_link_del_msg(ifname, &m);
	int r = hk_nl_do(nl, &m, NULL, NULL, err);
	if (r == -ENODEV || r == -ENOENT) {
		hk_err_clear(err);
		return 0;
	}
	return r < 0 ? hk_err_prefix(err, "delete '%s'", ifname) : 0;
}

int hk_netattach_del(const char *ifname, struct hk_err *err)
{
	_cleanup_nl_ struct hk_nl *nl = NULL;
	int r = hk_nl_open(&nl, -1, err);
	return r < 0 ? r : del_in(nl, ifname, err);
}

int hk_netattach_ct_del(int netns_fd, const char *ifname, struct hk_err *err)
{
	_cleanup_nl_ struct hk_nl *nl = NULL;
	int r = hk_nl_open(&nl, netns_fd, err);
	return r < 0 ? r : del_in(nl, ifname, err);
}

int hk_netattach_bridge_down(const struct hk_net_row *n, struct hk_err *err)
{
	return n->bridge[0] ? hk_netattach_del(n->bridge, err) : 0;
}

/* Hairpin mode on a bridge port (IFLA_BRPORT_MODE in AF_BRIDGE's IFLA_PROTINFO), so a
 * container reaches its own published port when br_netfilter DNATs on the bridge (nat.h). */
static int hairpin(struct hk_nl *nl, int index, struct hk_err *err)
{
	struct hk_nlmsg m;
	struct ifinfomsg *ifi;
	hk_nlmsg_init(&m, RTM_SETLINK, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = index;
	struct nlattr *pi = hk_nlmsg_nest_start(&m, IFLA_PROTINFO | NLA_F_NESTED);
	hk_nlmsg_put_u8(&m, IFLA_BRPORT_MODE, BRIDGE_MODE_HAIRPIN);
	hk_nlmsg_nest_end(&m, pi);
	int r = hk_nl_do(nl, &m, NULL, NULL, err);
	return r < 0 ? hk_err_prefix(err, "hairpin") : 0;
}

/* The host side: veth (peer in the container) or macvlan (in the container). */
static int make_link(struct hk_nl *host, const struct hk_net_row *n, const struct hk_lease_row *l,
		     int netns_fd, struct hk_err *err)
{
	struct hk_link_req req = { .a.up = -1 };
	struct hk_link_res res;
	hk_link_res_init(&res);
	if (n->mtu) {
		req.a.mtu = n->mtu;
		req.a.has_mtu = true;
	}
	int r;
	if (!strcmp(n->driver, "macvlan")) {
		req.kind = &hk_link_macvlan;
		req.u.macvlan.mode = MACVLAN_MODE_BRIDGE;
		snprintf(req.name, sizeof(req.name), "%s", l->ifname);
		r = hk_link_index(host, n->parent, &res.link, err);
		if (r < 0)
			return hk_err_prefix(err, "parent");
		res.netns_fd = netns_fd;
	} else {
		req.kind = &hk_link_veth;
		req.a.up = 1;
		snprintf(req.name, sizeof(req.name), "%s", l->hostif);
		snprintf(req.u.veth.peer, sizeof(req.u.veth.peer), "%s", l->ifname);
		req.u.veth.peer_mtu = n->mtu;
		req.u.veth.has_peer_mtu = n->mtu != 0;
		r = hk_link_index(host, n->bridge, &res.master, err);
		if (r < 0)
			return hk_err_prefix(err, "bridge");
		res.peer_netns_fd = netns_fd;
	}
	struct hk_nlmsg m;
	r = hk_link_add_msg(&req, &res, &m, err);
	if (r == 0)
		r = hk_nl_do(host, &m, NULL, NULL, err);
	if (r < 0)
		return hk_err_prefix(err, "create '%s'", req.name);
	if (res.master) {
		int idx;
		r = hk_link_index(host, l->hostif, &idx, err);
		if (r == 0)
			r = hairpin(host, idx, err);
	}
	return r;
}

int hk_netattach_port(const struct hk_net_row *n, const char *ifname, struct hk_err *err)
{
	_cleanup_nl_ struct hk_nl *nl = NULL;
	int r = hk_nl_open(&nl, -1, err);
	struct hk_link_req req = { .a.up = 1 };
	struct hk_link_res res;
	hk_link_res_init(&res);
	if (n->mtu) {
		req.a.mtu = n->mtu;
		req.a.has_mtu = true;
	}
	if (r == 0 && (r = hk_link_index(nl, n->bridge, &res.master, err)) < 0)
		hk_err_prefix(err, "bridge");
	if (r == 0)
		r = hk_link_index(nl, ifname, &res.index, err);
	struct hk_nlmsg m;
	if (r == 0)
		r = hk_link_set_msg(&req, &res, &m, err);
	if (r == 0)
		r = hk_nl_do(nl, &m, NULL, NULL, err);
	return r < 0 ? hk_err_prefix(err, "plug '%s' into '%s'", ifname, n->bridge) : 0;
}

/* dst (len 0: default) via gw on idx; a route that is there already is fine (another
 * network gives the default route already). */
static int route_add(struct hk_nl *nl, int idx, const struct hk_prefix *dst,
		     const struct hk_prefix *gw, struct hk_err *err)
{
	struct hk_route_req rq = {
		.family = dst->family, .type = RTN_UNICAST, .scope = -1, .proto = -1
	};
	rq.dst = *dst;
	rq.gw = *gw;
	struct hk_nlmsg m;
	hk_route_msg(&rq, idx, HK_ROUTE_ADD, &m);
	int r = hk_nl_do(nl, &m, NULL, NULL, err);
	if (r == -EEXIST) {
		hk_err_clear(err);
		return 0;
	}
	char d[64], g[64];
	return r < 0 ? hk_err_prefix(err, "route %s/%u via %s",
				     inet_ntop(dst->family, dst->addr.raw, d, sizeof(d)), dst->len,
				     inet_ntop(gw->family, gw->addr.raw, g, sizeof(g)))
		     : 0;
}

static int default_route(struct hk_nl *nl, int idx, const char *gw, int fam, struct hk_err *err)
{
	struct hk_prefix dst = { .family = fam }, g;
	int r = hk_parse_addr(gw, fam, &g, err);
	return r < 0 ? r : route_add(nl, idx, &dst, &g, err);
}

/* x's routes; a route without a gateway goes via the network's gateway of its family. */
static int ext_routes(struct hk_nl *nl, int idx, const struct hk_net_row *n,
		      const struct hk_net_ext *x, struct hk_err *err)
{
	int r = 0;
	for (size_t i = 0; r == 0 && i < x->n_routes; i++) {
		const struct hk_net_route *rt = &x->routes[i];
		struct hk_prefix gw = rt->gw;
		if (!gw.family) {
			const char *g = rt->dst.family == AF_INET6 ? n->gateway6 : n->gateway;
			if (!g[0])
				return hk_err_usage(err, "route: no gateway for its family");
			r = hk_parse_addr(g, rt->dst.family, &gw, err);
		}
		if (r == 0)
			r = route_add(nl, idx, &rt->dst, &gw, err);
	}
	return r;
}

int hk_netattach_ct(const struct hk_net_row *n, const struct hk_lease_row *l, int netns_fd,
		    const struct hk_net_ext *x, struct hk_err *err)
{
	_cleanup_nl_ struct hk_nl *host = NULL, *ct = NULL;
	int r = hk_nl_open(&host, -1, err);
	if (r == 0)
		r = hk_nl_open(&ct, netns_fd, err);
	/* a bridge made by an older hako (still up, so never re-applied) is fixed here */
	if (r == 0 && n->bridge[0])
		r = bridge_no_ra(n->bridge, err);
	if (r == 0)
		r = make_link(host, n, l, netns_fd, err);
	if (r < 0)
		return r;
	int idx;
	struct hk_prefix a;
	r = hk_link_index(ct, l->ifname, &idx, err);
	/* The container's addresses and routes are hako's: router advertisements and redirects
	 * from peers (any container has CAP_NET_RAW) are ignored, set before the link is up. */
	if (r == 0)
		r = ipv6_conf(netns_fd, l->ifname, "accept_ra", "0", err);
	if (r == 0)
		r = ipv6_conf(netns_fd, l->ifname, "accept_redirects", "0", err);
	if (r == 0 && (r = prefix_of(l->addr, n->subnet, &a, err)) == 0)
		r = addr_add(ct, idx, &a, false, err);
	if (r == 0 && l->addr6[0] && (r = prefix_of(l->addr6, n->subnet6, &a, err)) == 0)
		r = addr_add(ct, idx, &a, false, err);
	if (r == 0)
		r = link_up(ct, idx, 0, err);
	if (r == 0 && x)
		r = ext_routes(ct, idx, n, x, err);
	if (r == 0 && !x && n->gateway[0] && !n->internal)
		r = default_route(ct, idx, n->gateway, AF_INET, err);
	if (r == 0 && !x && n->gateway6[0] && !n->internal)
		r = default_route(ct, idx, n->gateway6, AF_INET6, err);
	if (r < 0) {
		struct hk_err e;
		hk_err_prefix(err, "%s", l->ifname);
		if (l->hostif[0])
			del_in(host, l->hostif, &e);
		del_in(ct, l->ifname, &e);
	}
	return r;
}

int hk_netattach_host_prefixes(struct hk_prefix **ret, size_t *ret_n, struct hk_err *err)
{
	_cleanup_nl_ struct hk_nl *nl = NULL;
	struct hk_addr_info *a = NULL;
	size_t n = 0;
	int r = hk_nl_open(&nl, -1, err);
	if (r == 0)
		r = hk_addr_list(nl, AF_INET, 0, &a, &n, err);
	if (r < 0)
		return r;
	struct hk_prefix *p = calloc(n + 1, sizeof(*p));
	if (!p) {
		free(a);
		return hk_err_sys(err, -ENOMEM, "addresses");
	}
	for (size_t i = 0; i < n; i++) {
		p[i] = a[i].local;
		p[i].len = a[i].prefixlen;
		hk_prefix_mask(&p[i]);
	}
	free(a);
	*ret = p;
	*ret_n = n;
	return 0;
}
