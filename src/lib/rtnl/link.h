/* SPDX-License-Identifier: MIT */
/*
 * Network devices over rtnetlink: parse iproute2's keyword grammar into a request (pure,
 * link_parse.c), build the RTM_NEWLINK/RTM_DELLINK messages for it (link.c plus one tiny
 * ops table per kind, link_<kind>.c, like iproute2's ip/link_veth.c), and read links back.
 *
 * The library builds messages and does lookups; the caller sends the state-changing ones
 * (so the CLI can batch them and record undos). tun/tap devices are not created over
 * rtnetlink but by ioctl on /dev/net/tun: hk_tuntap_create().
 */
#ifndef HK_LINK_H
#define HK_LINK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/parse.h"
#include "netlink.h"

#define HK_NETNS_NAME_MAX 256

struct hk_link_req;
struct hk_link_res;
struct hk_link_info;

/* One link kind. parse() consumes the words after "type KIND" (argv[0] is the first word
 * after the kind) and returns 0 or -EINVAL (usage error); fill() adds IFLA_INFO_DATA (and
 * for veth the peer) inside the open IFLA_LINKINFO nest; info() decodes IFLA_INFO_DATA for
 * `link show`. Any of them may be NULL. */
struct hk_link_kind {
	const char *name;      /* the word after "type": "veth", "tap", "macvtap" */
	const char *info_kind; /* the kernel's IFLA_INFO_KIND: "tun" for tun and tap */
	bool needs_link;       /* a lower device (link DEV) is required */
	bool ioctl;	       /* created by ioctl on /dev/net/tun, not by RTM_NEWLINK */
	int (*parse)(struct hk_link_req *req, int argc, char **argv, struct hk_err *err);
	int (*fill)(const struct hk_link_req *req, const struct hk_link_res *res,
		    struct hk_nlmsg *m, struct hk_err *err);
	void (*info)(const struct nlattr *data, struct hk_link_info *info);
};

/* Every kind hako knows, and the lookup by the word after "type". */
const struct hk_link_kind *hk_link_kind_find(const char *name);
extern const struct hk_link_kind hk_link_veth, hk_link_bridge, hk_link_tun, hk_link_tap,
	hk_link_macvlan, hk_link_macvtap, hk_link_vxlan, hk_link_vlan, hk_link_ipvlan,
	hk_link_dummy;

/* An on|off setting: 0 (a zeroed struct) leaves it as it is. */
enum hk_onoff { HK_KEEP = 0, HK_ON, HK_OFF };

#define HK_LINK_ALIAS_MAX 256 /* IFALIASZ, the NUL included */

/* Settings common to `link add` and `link set`. Unset fields are left as they are. */
struct hk_link_attrs {
	uint32_t mtu;
	bool has_mtu;
	uint8_t mac[6];
	bool has_mac;
	char master[HK_IFNAMSIZ]; /* "" unset */
	bool nomaster;
	int up;			       /* -1 unchanged, 0 down, 1 up */
	char netns[HK_NETNS_NAME_MAX]; /* "" unset: move to / create in this namespace */
	char newname[HK_IFNAMSIZ];     /* set only: rename */
	char link[HK_IFNAMSIZ];	       /* add only: lower device (macvlan, vlan, ipvlan) */
	/* add only: numtxqueues and numrxqueues, 0 the kernel's; a veth's peer gets the same.
	 * A veth's default is one per CPU, cut to one as it is made, through an RCU grace
	 * period per end (veth_init_queues: synchronize_net() under the RTNL lock): 1 skips it */
	uint32_t queues;
	enum hk_onoff promisc, arp, multicast, allmulticast;
	uint32_t txqlen;
	bool has_txqlen;
	char alias[HK_LINK_ALIAS_MAX];
	bool has_alias;
	uint32_t group;
	bool has_group;
};

struct hk_link_veth {
	char peer[HK_IFNAMSIZ];
	int peer_index; /* the peer's ifindex, 0: the kernel picks (the kernel honours it only
			 * when the device's own index is given too) */
	char peer_netns[HK_NETNS_NAME_MAX];
	uint32_t peer_mtu;
	bool has_peer_mtu;
	uint8_t peer_mac[6];
	bool has_peer_mac;
};

struct hk_link_bridge {
	int stp_state;	       /* -1 unset */
	int64_t forward_delay; /* centiseconds, -1 unset */
	/* IGMP/MLD snooping off: with it on, every port event makes the bridge re-arm its
	 * multicast timers on every port (br_port_state_selection), O(ports) per event */
	bool no_mcast_snooping;
};

struct hk_link_tuntap {
	uid_t owner;
	bool has_owner;
	gid_t group;
	bool has_group;
	bool multi_queue;
	bool vnet_hdr; /* IFF_VNET_HDR */
	bool pi;       /* packet information header: no IFF_NO_PI */
};

struct hk_link_macvlan {
	uint32_t mode; /* MACVLAN_MODE_*, 0 unset */
};

struct hk_link_vxlan {
	uint32_t id;
	bool has_id;
	struct hk_prefix remote; /* family 0: unset */
	bool group;		 /* remote is a multicast group */
	struct hk_prefix local;	 /* family 0: unset */
	uint16_t dstport;
	bool has_dstport;
	char dev[HK_IFNAMSIZ];
	uint8_t ttl;
	bool has_ttl;
};

struct hk_link_vlan {
	uint16_t id;
	bool has_id;
	uint16_t proto; /* ETH_P_8021Q (network order on the wire), 0 unset */
};

struct hk_link_ipvlan {
	uint16_t mode; /* IPVLAN_MODE_*, 0xffff unset */
};

/* A parsed `link add` / `link set` / `link del` request. */
struct hk_link_req {
	char name[HK_IFNAMSIZ];
	struct hk_link_attrs a;
	const struct hk_link_kind *kind; /* add only */
	union {
		struct hk_link_veth veth;
		struct hk_link_bridge bridge;
		struct hk_link_tuntap tuntap;
		struct hk_link_macvlan macvlan;
		struct hk_link_vxlan vxlan;
		struct hk_link_vlan vlan;
		struct hk_link_ipvlan ipvlan;
	} u;
};

/* What the request's names resolve to in the socket's namespace (indexes), and namespace
 * fds given by the caller (-1: none). */
struct hk_link_res {
	int index;	   /* set: the device, 0 = address it by name; add: the index asked
			    * for (a lab picks them so it never looks them up), 0 = any */
	int master;	   /* master index, 0 none */
	int link;	   /* lower device index, 0 none */
	int vxlan_dev;	   /* vxlan dev index, 0 none */
	int netns_fd;	   /* a.netns opened, -1 none */
	int peer_netns_fd; /* veth peer's netns opened, -1 none */
};
void hk_link_res_init(struct hk_link_res *res);

/* --- parsing (pure; link_parse.c) -------------------------------------------------------- */

/* [name] NAME [mtu N] [address MAC] [master BR] [up] [netns NS] [link DEV] type KIND ARGS.. */
int hk_link_parse_add(int argc, char **argv, struct hk_link_req *ret, struct hk_err *err);
/* [dev] NAME [up|down] [mtu N] [master BR] [nomaster] [netns NS|PID] [name NEW] [address MAC]
 * [promisc on|off] [arp on|off] [multicast on|off] [allmulticast on|off] [txqueuelen N]
 * [alias TEXT] [group N] */
int hk_link_parse_set(int argc, char **argv, struct hk_link_req *ret, struct hk_err *err);
/* [dev] NAME */
int hk_link_parse_del(int argc, char **argv, struct hk_link_req *ret, struct hk_err *err);

struct hk_link_filter {
	char name[HK_IFNAMSIZ];	  /* "" all */
	char kind[16];		  /* "" all; the word after "type" */
	char master[HK_IFNAMSIZ]; /* "" all */
	bool up;		  /* only devices with IFF_UP */
	bool nomaster;		  /* only devices without a master */
	bool has_group;
	uint32_t group; /* with has_group: only that IFLA_GROUP */
};
/* [dev] [NAME] [type KIND] [master BR|nomaster] [group G] [up], as ip link show */
int hk_link_parse_show(int argc, char **argv, struct hk_link_filter *ret, struct hk_err *err);

/* Helpers for kind parsers (the value after a keyword: hk_next_arg, base/parse.h).
 * "link DEV" at argv[*i] inside a kind's words: 1 when it was, 0 when not, < 0 bad input. */
int hk_link_parse_lower(struct hk_link_req *req, int argc, char **argv, int *i, struct hk_err *err);
/* A kind's named modes (macvlan, ipvlan). */
struct hk_link_mode {
	const char *name;
	uint32_t value;
};
/* The words of a kind over a lower device: "link DEV" and "mode NAME" (NAME one of modes;
 * *ret_mode is left as it is when no mode is given). */
int hk_link_parse_lower_mode(struct hk_link_req *req, int argc, char **argv,
			     const struct hk_link_mode *modes, size_t n, uint32_t *ret_mode,
			     struct hk_err *err);
/* The name of mode value, "unknown" if it has none. */
const char *hk_link_mode_name(const struct hk_link_mode *modes, size_t n, uint32_t value);
int hk_link_parse_owner(const char *s, bool group, uint32_t *ret, struct hk_err *err);

/* --- lookups and messages (link.c) ------------------------------------------------------ */

/* Resolve master / link / vxlan dev names to indexes on nl (the namespace the request is
 * sent in). Missing devices: -ENODEV, "master 'br0': device 'br0' does not exist". */
int hk_link_resolve(struct hk_nl *nl, const struct hk_link_req *req, struct hk_link_res *res,
		    struct hk_err *err);

/* RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL for req (not for ioctl kinds). */
int hk_link_add_msg(const struct hk_link_req *req, const struct hk_link_res *res,
		    struct hk_nlmsg *m, struct hk_err *err);
/* RTM_NEWLINK setting the IPv6 address generation mode of device index (or NAME when
 * index is 0): IN6_ADDR_GEN_MODE_NONE keeps a link that needs no IPv6 from getting a
 * link-local address, so no DAD, router or MLD solicitations when it comes up. Sent
 * before the device goes up. */
void hk_link_addrgen_msg(int index, const char *name, uint8_t mode, struct hk_nlmsg *m);
/* RTM_DELLINK by name (ifi_index 0, IFLA_IFNAME). */
void hk_link_del_msg(const char *name, struct hk_nlmsg *m);
/* RTM_NEWLINK (no create) applying req.a to the device (res->index, or by name). */
int hk_link_set_msg(const struct hk_link_req *req, const struct hk_link_res *res,
		    struct hk_nlmsg *m, struct hk_err *err);

/* The state of one device that `link set` can change, to undo it. */
struct hk_link_snap {
	int index;
	char name[HK_IFNAMSIZ];
	uint32_t flags;
	uint32_t mtu;
	uint32_t txqlen;
	uint32_t group;
	char alias[HK_LINK_ALIAS_MAX];
	uint8_t mac[32];
	uint16_t maclen;
	int master;
};
int hk_link_snapshot(struct hk_nl *nl, const char *name, struct hk_link_snap *ret,
		     struct hk_err *err);
/* A message, to be sent in the namespace the device is in after the change, that puts the
 * device back as snap describes: by index `now_index`; back into the namespace netns_fd
 * (>= 0) or the namespace of process netns_pid (> 0) when it was moved. */
void hk_link_restore_msg(const struct hk_link_snap *snap, int now_index, int netns_fd,
			 pid_t netns_pid, struct hk_nlmsg *m);

/* Is device NAME on nl being destroyed? True when it is a veth (or other cross-namespace
 * link) whose other end's namespace is dying: its IFLA_LINK_NETNSID is -1 (the dying
 * namespace's ids are already unhashed) or an id that RTM_GETNSID no longer resolves. A
 * device in the caller's namespace with no such link cannot be told apart: false. */
bool hk_link_dying(struct hk_nl *nl, const char *name);

/* Rewrite err after a failed add/set into the documented message: EOPNOTSUPP on a known
 * kind -> "the kernel has no <kind> support" (exit 3), EXFULL -> the 1023-port limit of a
 * bridge, ENODEV -> the device does not exist. Returns err->code. */
int hk_link_explain(const struct hk_link_req *req, bool add, struct hk_err *err);

/* --- tun/tap (link_tuntap.c) ------------------------------------------------------------ */

/* Create a persistent tun or tap device (like `ip tuntap add`) in the network namespace
 * netns_fd (-1: the caller's): the /dev/net/tun fd is opened with the thread switched into
 * that namespace, since TUNSETIFF creates the device in the namespace of the opener. */
int hk_tuntap_create(const struct hk_link_req *req, int netns_fd, struct hk_err *err);
/* Create tap device name in the caller's namespace and return its fd: not persistent, so the
 * device lives exactly as long as the fd (a VM's qemu holds it; its death removes the tap
 * and its bridge port with it). A device of that name already there: -EEXIST, usage. */
int hk_tuntap_open(const char *name, struct hk_err *err);

/* Create a tun (tap: a tap) device that lives as long as the returned descriptor (not persistent:
 * when its owner dies, however it dies, the kernel removes the device with its addresses and
 * routes), in the network namespace netns_fd (-1: the caller's). A taken name: -EEXIST. offload:
 * every packet read or written has a struct virtio_net_hdr in front (IFF_VNET_HDR), and the
 * kernel may hand over partial checksums and TCP segments of up to 64 KiB (TUNSETOFFLOAD;
 * tun only: a tap's frames always come whole). */
int hk_tun_attach(const char *name, int netns_fd, bool tap, bool offload, int *ret_fd,
		  struct hk_err *err);
/* The same for one queue of a multi-queue tun device (IFF_MULTI_QUEUE, offloads on): first
 * makes the device, each later call adds a queue (one reader per queue, the kernel spreads
 * flows over them). */
int hk_tun_attach_queue(const char *name, int netns_fd, bool first, int *ret_fd,
			struct hk_err *err);

/* --- reading links (link.c) ------------------------------------------------------------- */

#define HK_LINK_KV_MAX 16
struct hk_link_kv {
	const char *key;
	enum { HK_KV_STR, HK_KV_U64, HK_KV_BOOL } type;
	char str[48];
	uint64_t u;
};

/* The u32 attributes ip -d -j prints as they are: promiscuity, allmulti, min_mtu, max_mtu,
 * num_tx_queues, num_rx_queues, gso_max_size, gso_max_segs, tso_max_size, tso_max_segs,
 * gro_max_size (hk_link_u32_key(i): the JSON key of u32[i]). */
#define HK_LINK_NU32 11
const char *hk_link_u32_key(int i);

struct hk_link_info {
	int index;
	char name[HK_IFNAMSIZ];
	char kind[16]; /* IFLA_INFO_KIND, "" none */
	char slave_kind[16];
	uint32_t flags; /* IFF_* */
	uint8_t operstate;
	uint32_t mtu;
	uint16_t type; /* ARPHRD_* */
	uint8_t mac[32];
	uint16_t maclen;
	int master;	  /* 0 none */
	int link;	  /* IFLA_LINK: veth peer / lower device index, 0 none */
	int link_netnsid; /* -1: same namespace (or dying peer, see hk_link_dying) */
	bool has_link_netnsid;
	uint32_t txqlen;
	uint32_t group;		  /* IFLA_GROUP */
	uint32_t carrier_changes; /* IFLA_CARRIER_CHANGES */
	bool has_carrier_changes;
	char qdisc[32];	  /* IFLA_QDISC, "" none */
	uint8_t linkmode; /* IFLA_LINKMODE */
	uint8_t brd[32];  /* IFLA_BROADCAST */
	uint16_t brdlen;
	uint32_t u32[HK_LINK_NU32];    /* the counts and limits of hk_link_u32_key, as read */
	uint32_t has_u32;	       /* bit i: u32[i] was in the message */
	char alias[HK_LINK_ALIAS_MAX]; /* IFLA_IFALIAS, "" none */
	struct hk_link_kv kv[HK_LINK_KV_MAX]; /* decoded IFLA_INFO_DATA */
	int nkv;
};

/* Add a decoded info_data value (no-op when full). */
void hk_link_kv_str(struct hk_link_info *info, const char *key, const char *s);
void hk_link_kv_u64(struct hk_link_info *info, const char *key, uint64_t v);
void hk_link_kv_bool(struct hk_link_info *info, const char *key, bool v);

/* Every link on nl, ordered by index (name != NULL: only that one, -ENODEV if absent).
 * Caller frees *ret. */
int hk_link_list(struct hk_nl *nl, const char *name, struct hk_link_info **ret, size_t *ret_n,
		 struct hk_err *err);

/* Decode one RTM_NEWLINK / RTM_DELLINK (monitor events). */
int hk_link_decode(const struct nlmsghdr *nlh, struct hk_link_info *ret);

/* Names for flags and operstate, as iproute2 prints them. */
const char *hk_link_operstate_str(uint8_t state);
/* Comma-separated IFF_* names into buf (NO-CARRIER first for UP without RUNNING, as ip). */
const char *hk_link_flags_str(uint32_t flags, char *buf, size_t len);
/* Calls fn for each set flag's name. */
void hk_link_flags_each(uint32_t flags, void (*fn)(const char *name, void *data), void *data);
const char *hk_link_type_str(uint16_t type);

#endif
