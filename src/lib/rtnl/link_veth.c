// SPDX-License-Identifier: MIT
/* veth: `peer [name] PEER [address MAC] [mtu N] [netns NS]`. The peer is an ifinfomsg plus
 * attributes inside VETH_INFO_PEER, created in the peer's netns (IFLA_NET_NS_FD) or, without
 * one, in the namespace of the socket. */
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>

#include "link.h"

static int veth_parse(struct hk_link_req *req, int argc, char **argv, struct hk_err *err)
{
	struct hk_link_veth *v = &req->u.veth;
	int i = 0, r;
	const char *s;
	if (argc < 1 || strcmp(argv[0], "peer"))
		return hk_err_usage(err, "missing 'peer name PEER'");
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];
		if (!strcmp(w, "mtu") || !strcmp(w, "address") || !strcmp(w, "netns")) {
			r = hk_next_arg(argc, argv, &i, &s, err);
			if (r < 0)
				return r;
			if (!strcmp(w, "mtu")) {
				v->has_peer_mtu = true;
				r = hk_parse_u32(s, 68, INT32_MAX, &v->peer_mtu, "peer mtu", err);
			} else if (!strcmp(w, "address")) {
				v->has_peer_mac = true;
				r = hk_parse_mac(s, v->peer_mac, err);
			} else if ((r = hk_parse_netns_name(s, err)) == 0) {
				strcpy(v->peer_netns, s);
			}
			if (r < 0)
				return r;
			continue;
		}
		if (!strcmp(w, "name")) {
			r = hk_next_arg(argc, argv, &i, &w, err);
			if (r < 0)
				return r;
		}
		if (v->peer[0])
			return hk_err_usage(err, "unexpected '%s'", w);
		if (hk_parse_ifname(w, err) < 0)
			return hk_err_prefix(err, "peer name");
		strcpy(v->peer, w);
	}
	if (!v->peer[0])
		return hk_err_usage(err, "missing 'peer name PEER'");
	if (!strcmp(v->peer, req->name) && !strcmp(v->peer_netns, req->a.netns))
		return hk_err_usage(
			err, "the peer cannot have the same name as '%s' in the same namespace",
			req->name);
	return 0;
}

static int veth_fill(const struct hk_link_req *req, const struct hk_link_res *res,
		     struct hk_nlmsg *m, struct hk_err *err)
{
	(void)err;
	const struct hk_link_veth *v = &req->u.veth;
	struct nlattr *data = hk_nlmsg_nest_start(m, IFLA_INFO_DATA);
	struct nlattr *peer = hk_nlmsg_nest_start(m, VETH_INFO_PEER);
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = v->peer_index };
	/* the peer's ifinfomsg sits in the nest, before its attributes */
	hk_nlmsg_put_raw(m, &ifi, sizeof(ifi));
	hk_nlmsg_put_str(m, IFLA_IFNAME, v->peer);
	if (v->has_peer_mtu)
		hk_nlmsg_put_u32(m, IFLA_MTU, v->peer_mtu);
	if (v->has_peer_mac)
		hk_nlmsg_put(m, IFLA_ADDRESS, 6, v->peer_mac);
	if (res->peer_netns_fd >= 0)
		hk_nlmsg_put_u32(m, IFLA_NET_NS_FD, (uint32_t)res->peer_netns_fd);
	if (req->a.queues) {
		hk_nlmsg_put_u32(m, IFLA_NUM_TX_QUEUES, req->a.queues);
		hk_nlmsg_put_u32(m, IFLA_NUM_RX_QUEUES, req->a.queues);
	}
	hk_nlmsg_nest_end(m, peer);
	hk_nlmsg_nest_end(m, data);
	return 0;
}

const struct hk_link_kind hk_link_veth = {
	.name = "veth",
	.info_kind = "veth",
	.parse = veth_parse,
	.fill = veth_fill,
};
