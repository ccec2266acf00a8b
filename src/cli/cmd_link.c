// SPDX-License-Identifier: MIT
/*
 * hako link add|set|del|show: iproute2's grammar parsed by the library (link_parse.c),
 * requests sent through ctx_write() so batch mode can queue them and roll them back.
 */
#include <errno.h>
#include <linux/if.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "brief.h"
#include "cmd.h"
#include "ifindex.h"
#include "ifnames.h"
#include "link.h"
#include "linkstats.h"
#include "netns.h"
#include "out.h"
#include "rows.h"
#include "usage.h"

/* EEXIST right after a namespace delete: how long and how often to retry (see
 * docs/parts/link.md, "Name collisions after netns del"). */
#define DYING_RETRY_MS 1000
#define DYING_SLEEP_MS 20

/* Where each device `link add` creates lives, by name: the namespace (NULL: the caller's)
 * that holds it after the request. */
struct placed {
	const char *netns;
	const char *name;
};

static int add_places(struct hk_ctx *ctx, const struct hk_link_req *req, struct placed p[2])
{
	const char *here = ctx->netns;
	int n = 0;
	p[n++] = (struct placed){ req->a.netns[0] ? req->a.netns : here, req->name };
	if (req->kind == &hk_link_veth)
		/* without a peer netns the peer is created in the socket's namespace */
		p[n++] = (struct placed){ req->u.veth.peer_netns[0] ? req->u.veth.peer_netns : here,
					  req->u.veth.peer };
	return n;
}

static bool same_ns(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Is a device this request wants to create being destroyed right now? */
static bool any_dying(struct hk_ctx *ctx, const struct hk_link_req *req)
{
	struct placed p[2];
	int n = add_places(ctx, req, p);
	for (int i = 0; i < n; i++) {
		struct hk_nl *nl;
		struct hk_err saved = ctx->err;
		int r = ctx_nl_for(ctx, p[i].netns, &nl);
		ctx->err = saved;
		if (r == 0 && hk_link_dying(nl, p[i].name))
			return true;
	}
	return false;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int add_tuntap(struct hk_ctx *ctx, struct hk_nl *nl, const struct hk_link_req *req,
		      const struct hk_link_res *res)
{
	const char *where = req->a.netns[0] ? req->a.netns : ctx->netns;
	int fd = res->netns_fd;
	int r = fd < 0 ? ctx_netns_fd(ctx, ctx->netns, &fd) : 0;
	if (r == 0 && ctx->batch)
		r = ctx_flush(ctx); /* keep the order of the lines */
	if (r < 0)
		return r;
	r = hk_tuntap_create(req, fd, &ctx->err);
	if (r < 0)
		return hk_link_explain(req, true, &ctx->err);
	struct hk_nlmsg del;
	hk_link_del_msg(req->name, &del);
	r = ctx_undo_msg(ctx, where, &del);
	if (r < 0 || (req->a.up < 0 && !req->a.has_mtu && !req->a.has_mac && !res->master))
		return r;
	/* mtu, address, master, up: a second request, on the device's own namespace */
	struct hk_link_res set = *res;
	set.netns_fd = -1;
	struct hk_nlmsg m;
	struct hk_nl *tnl = nl;
	r = ctx_nl_for(ctx, where, &tnl);
	if (r == 0)
		r = hk_link_set_msg(req, &set, &m, &ctx->err);
	char what[64];
	snprintf(what, sizeof(what), "link '%s': configure", req->name);
	if (r == 0)
		r = ctx_write(ctx, tnl, &m, NULL, what);
	if (r < 0 && !ctx->batch) {
		/* do not leave a half-configured device behind (batch mode: the undo does it) */
		struct hk_err ignore;
		hk_nl_do(tnl, &del, NULL, NULL, &ignore);
	}
	return r < 0 ? hk_link_explain(req, true, &ctx->err) : 0;
}

/* Send the create; the undo deletes the device by name in the namespace it ends up in. */
static int add_send(struct hk_ctx *ctx, struct hk_nl *nl, const struct hk_link_req *req,
		    struct hk_nlmsg *m)
{
	struct placed p[2];
	int n = add_places(ctx, req, p);
	/* Deleting either end of a veth deletes both: pick one on the request's socket. */
	const struct placed *u = &p[0];
	if (n == 2 && !same_ns(p[0].netns, ctx->netns) && same_ns(p[1].netns, ctx->netns))
		u = &p[1];
	struct hk_nlmsg undo;
	hk_link_del_msg(u->name, &undo);
	char what[64];
	snprintf(what, sizeof(what), "link '%s': create", req->name);
	bool here = same_ns(u->netns, ctx->netns);
	int r;
	for (long waited = 0;; waited += DYING_SLEEP_MS) {
		r = ctx_write(ctx, nl, m, here ? &undo : NULL, what);
		/* Retry only when the colliding device is being destroyed (batch mode queues
		 * the request, so a collision there surfaces at flush time and is not retried). */
		if (r != -EEXIST || ctx->batch || waited >= DYING_RETRY_MS || !any_dying(ctx, req))
			break;
		sleep_ms(DYING_SLEEP_MS);
	}
	if (r < 0)
		return hk_link_explain(req, true, &ctx->err);
	return here ? 0 : ctx_undo_msg(ctx, u->netns, &undo);
}

/* add and set: parse the request and open `netns NS` (where the device goes). */
static int parse_req(struct hk_ctx *ctx, int argc, char **argv, bool add, struct hk_link_req *req,
		     struct hk_link_res *res)
{
	int r = add ? hk_link_parse_add(argc, argv, req, &ctx->err)
		    : hk_link_parse_set(argc, argv, req, &ctx->err);
	if (r < 0)
		return r;
	hk_link_res_init(res);
	if (req->a.netns[0] && (r = ctx_netns_fd_or_pid(ctx, req->a.netns, &res->netns_fd)) < 0)
		return r;
	return 0;
}

/* set and del: one request; its failure explained. */
static int write_req(struct hk_ctx *ctx, struct hk_nl *nl, const struct hk_link_req *req,
		     struct hk_nlmsg *m, const char *verb)
{
	char what[64];
	snprintf(what, sizeof(what), "link '%s': %s", req->name, verb);
	int r = ctx_write(ctx, nl, m, NULL, what);
	return r < 0 ? hk_link_explain(req, false, &ctx->err) : 0;
}

/* `link add ... type KIND ... help`: the kind's arguments, as `ip link add type veth help`. */
static int kind_help(struct hk_ctx *ctx, int argc, char **argv)
{
	for (int i = 0; i + 1 < argc; i++) {
		if (strcmp(argv[i], "type"))
			continue;
		bool help = false;
		for (int k = i + 2; k < argc; k++)
			help |= !strcmp(argv[k], "help");
		if (!help && !(i + 1 < argc && !strcmp(argv[i + 1], "help")))
			return 0;
		char key[64];
		snprintf(key, sizeof(key), "link add type %.20s", argv[i + 1]);
		const char *syn = cmd_synopsis(key);
		if (!syn)
			return cmd_usage(ctx,
					 "link add: unknown kind '%s'; kinds: veth, bridge, tun, "
					 "tap, macvlan, macvtap, vxlan, vlan, ipvlan, dummy",
					 argv[i + 1]);
		printf("Usage: %s\n", syn);
		return 1;
	}
	return 0;
}

static int cmd_link_add(struct hk_ctx *ctx, int argc, char **argv)
{
	int h = kind_help(ctx, argc, argv);
	if (h)
		return h < 0 ? h : 0;
	struct hk_link_req req;
	struct hk_link_res res;
	int r = parse_req(ctx, argc, argv, true, &req, &res);
	if (r < 0)
		return r;
	if (req.kind == &hk_link_veth && req.u.veth.peer_netns[0] &&
	    (r = ctx_netns_fd(ctx, req.u.veth.peer_netns, &res.peer_netns_fd)) < 0)
		return hk_err_prefix(&ctx->err, "peer");
	struct hk_nl *nl;
	if ((r = ctx_nl(ctx, &nl)) < 0)
		return r;
	if (req.a.master[0] && (r = ctx_link_index(ctx, nl, req.a.master, &res.master)) < 0) {
		if (r == -ENODEV)
			hk_err_set(&ctx->err, -ENODEV, "master '%s' does not exist", req.a.master);
		return hk_err_prefix(&ctx->err, "link '%s'", req.name);
	}
	bool lookups = req.a.link[0] || (req.kind == &hk_link_vxlan && req.u.vxlan.dev[0]);
	if (lookups && hk_nl_batch_pending(nl) && (r = ctx_flush(ctx)) < 0)
		return r;
	if (lookups && (r = hk_link_resolve(nl, &req, &res, &ctx->err)) < 0)
		return r;
	if (req.kind->ioctl)
		return add_tuntap(ctx, nl, &req, &res);
	struct hk_nlmsg m;
	if ((r = hk_link_add_msg(&req, &res, &m, &ctx->err)) < 0)
		return r;
	return add_send(ctx, nl, &req, &m);
}

/* Batch mode: record how to put the device back as it was before `link set`. */
static int set_undo(struct hk_ctx *ctx, const struct hk_link_req *req,
		    const struct hk_link_snap *snap)
{
	const char *final_ns = req->a.netns[0] ? req->a.netns : ctx->netns;
	const char *final_name = req->a.newname[0] ? req->a.newname : req->name;
	int now = snap->index, fd = -1, r;
	pid_t pid = 0;
	if (req->a.netns[0]) {
		struct hk_nl *nl;
		if ((r = ctx_nl_for(ctx, final_ns, &nl)) < 0 ||
		    (r = hk_link_index(nl, final_name, &now, &ctx->err)) < 0)
			return r;
		/* Back by fd to a named namespace; to the caller's own by our pid (its main
		 * thread never leaves it), which needs no fd kept open. */
		if (ctx->netns)
			r = ctx_netns_fd(ctx, ctx->netns, &fd);
		else
			pid = getpid();
		if (r < 0)
			return r;
	}
	struct hk_nlmsg undo;
	hk_link_restore_msg(snap, now, fd, pid, &undo);
	return ctx_undo_msg(ctx, final_ns, &undo);
}

static int cmd_link_set(struct hk_ctx *ctx, int argc, char **argv)
{
	struct hk_link_req req;
	struct hk_link_res res;
	int r = parse_req(ctx, argc, argv, false, &req, &res);
	if (r < 0)
		return r;
	struct hk_nl *nl;
	if ((r = cli_nl_ready(ctx, &nl)) < 0)
		return r;
	if ((r = hk_link_resolve(nl, &req, &res, &ctx->err)) < 0)
		return r;
	struct hk_link_snap snap = { 0 };
	if (ctx->batch) {
		if ((r = hk_link_snapshot(nl, req.name, &snap, &ctx->err)) < 0)
			return r;
		res.index = snap.index;
	} else if (req.a.newname[0] &&
		   (r = hk_link_index(nl, req.name, &res.index, &ctx->err)) < 0) {
		return r;
	}
	struct hk_nlmsg m;
	if ((r = hk_link_set_msg(&req, &res, &m, &ctx->err)) < 0)
		return r;
	if ((r = write_req(ctx, nl, &req, &m, "set")) < 0)
		return r;
	return ctx->batch ? set_undo(ctx, &req, &snap) : 0;
}

static int cmd_link_del(struct hk_ctx *ctx, int argc, char **argv)
{
	struct hk_link_req req;
	int r = hk_link_parse_del(argc, argv, &req, &ctx->err);
	if (r < 0)
		return r;
	struct hk_nl *nl;
	if ((r = ctx_nl(ctx, &nl)) < 0)
		return r;
	struct hk_nlmsg m;
	hk_link_del_msg(req.name, &m);
	return write_req(ctx, nl, &req, &m, "delete");
}

/* --- show ---------------------------------------------------------------------------- */

enum {
	C_INDEX,
	C_NAME,
	C_KIND,
	C_STATE,
	C_MTU,
	C_MAC,
	C_MASTER,
	C_PEER,
	C_FLAGS,
	C_TYPE,
	C_TXQ,
	C_GROUP,
	C_ALIAS,
	C_LINKIDX,
	C_NSID,
	C_STATS,
	C_LNETNS,
	C_DETAILS,
	/* -s: the counters as columns (JSON: stats64, as ip -s -j) */
	C_RXB,
	C_RXP,
	C_RXE,
	C_RXD,
	C_TXB,
	C_TXP,
	C_TXE,
	C_TXD,
	/* -s -s */
	C_RXMISS,
	C_RXMC,
	C_TXCARR,
	C_TXCOLL,
	/* JSON only, as ip -j: qdisc, linkmode, broadcast; with -d the counts and limits */
	C_QDISC,
	C_LINKMODE,
	C_BRD,
	C_U32, /* HK_LINK_NU32 of them: hk_link_u32_key */
};
static const struct out_col cols[] = {
	[C_INDEX] = { "INDEX", "ifindex", true, false },
	[C_NAME] = { "NAME", "ifname", false, false },
	[C_KIND] = { "KIND", "linkinfo", false, false },
	[C_STATE] = { "STATE", "operstate", false, false },
	[C_MTU] = { "MTU", "mtu", true, false },
	[C_MAC] = { "MAC", "address", false, false },
	[C_MASTER] = { "MASTER", "master", false, false },
	[C_PEER] = { "PEER", "link", false, false },
	[C_FLAGS] = { "FLAGS", "flags", false, false },
	[C_TYPE] = { "TYPE", "link_type", false, true },
	[C_TXQ] = { "TXQLEN", "txqlen", true, true },
	[C_GROUP] = { "GROUP", "group", false, true },
	[C_ALIAS] = { "ALIAS", "ifalias", false, true },
	[C_LINKIDX] = { "LINKINDEX", "link_index", true, true },
	[C_NSID] = { "LINKNETNSID", "link_netnsid", true, true },
	[C_STATS] = { "STATS64", "stats64", false, true },
	[C_LNETNS] = { "LINKNETNS", "link_netns", false, true },
	[C_DETAILS] = { "DETAILS", "linkinfo.info_data", false, true, .trunc = true },
	[C_RXB] = { "RX-BYTES", "stats64.rx.bytes", true, true },
	[C_RXP] = { "RX-PACKETS", "stats64.rx.packets", true, true },
	[C_RXE] = { "RX-ERRORS", "stats64.rx.errors", true, true },
	[C_RXD] = { "RX-DROPPED", "stats64.rx.dropped", true, true },
	[C_TXB] = { "TX-BYTES", "stats64.tx.bytes", true, true },
	[C_TXP] = { "TX-PACKETS", "stats64.tx.packets", true, true },
	[C_TXE] = { "TX-ERRORS", "stats64.tx.errors", true, true },
	[C_TXD] = { "TX-DROPPED", "stats64.tx.dropped", true, true },
	[C_RXMISS] = { "RX-MISSED", "stats64.rx.missed_errors", true, true },
	[C_RXMC] = { "RX-MCAST", "stats64.rx.multicast", true, true },
	[C_TXCARR] = { "TX-CARRIER", "stats64.tx.carrier_errors", true, true },
	[C_TXCOLL] = { "TX-COLLSNS", "stats64.tx.collisions", true, true },
	[C_QDISC] = { "QDISC", "qdisc", false, true },
	[C_LINKMODE] = { "LINKMODE", "linkmode", false, true },
	[C_BRD] = { "BROADCAST", "broadcast", false, true },
	[C_U32 + 0] = { "PROMISCUITY", "promiscuity", true, true },
	[C_U32 + 1] = { "ALLMULTI", "allmulti", true, true },
	[C_U32 + 2] = { "MIN-MTU", "min_mtu", true, true },
	[C_U32 + 3] = { "MAX-MTU", "max_mtu", true, true },
	[C_U32 + 4] = { "TX-QUEUES", "num_tx_queues", true, true },
	[C_U32 + 5] = { "RX-QUEUES", "num_rx_queues", true, true },
	[C_U32 + 6] = { "GSO-MAX-SIZE", "gso_max_size", true, true },
	[C_U32 + 7] = { "GSO-MAX-SEGS", "gso_max_segs", true, true },
	[C_U32 + 8] = { "TSO-MAX-SIZE", "tso_max_size", true, true },
	[C_U32 + 9] = { "TSO-MAX-SEGS", "tso_max_segs", true, true },
	[C_U32 + 10] = { "GRO-MAX-SIZE", "gro_max_size", true, true },
};
_Static_assert(HK_LINK_NU32 == 11, "one column per hk_link_u32_key");

/* -s (level 1, 2 for -s -s): stats64 as `ip -s -j link` gives it, and the human columns. */
static void stats_cells(struct out_table *t, const struct hk_link_info *l,
			const struct rtnl_link_stats64 *s, int level)
{
	/* ip's keys, in ip's order: direction, key, counter, the -s level that shows it */
#define S(dir, key, field, lv)                                                                     \
	{                                                                                          \
		dir, key, offsetof(struct rtnl_link_stats64, field), lv                            \
	}
	static const struct {
		int tx;
		const char *key;
		size_t off;
		int level;
	} keys[] = {
		S(0, "bytes", rx_bytes, 1),
		S(0, "packets", rx_packets, 1),
		S(0, "errors", rx_errors, 1),
		S(0, "dropped", rx_dropped, 1),
		S(0, "over_errors", rx_over_errors, 1),
		S(0, "multicast", multicast, 1),
		S(0, "length_errors", rx_length_errors, 2),
		S(0, "crc_errors", rx_crc_errors, 2),
		S(0, "frame_errors", rx_frame_errors, 2),
		S(0, "fifo_errors", rx_fifo_errors, 2),
		S(0, "missed_errors", rx_missed_errors, 2),
		S(1, "bytes", tx_bytes, 1),
		S(1, "packets", tx_packets, 1),
		S(1, "errors", tx_errors, 1),
		S(1, "dropped", tx_dropped, 1),
		S(1, "carrier_errors", tx_carrier_errors, 1),
		S(1, "collisions", collisions, 1),
		S(1, "aborted_errors", tx_aborted_errors, 2),
		S(1, "fifo_errors", tx_fifo_errors, 2),
		S(1, "window_errors", tx_window_errors, 2),
		S(1, "heartbeat_errors", tx_heartbeat_errors, 2),
	};
#undef S
	struct json_object *o = json_object_new_object(),
			   *dir[2] = { json_object_new_object(), json_object_new_object() };
	for (size_t i = 0; i < HK_ARRAY_SIZE(keys); i++) {
		uint64_t v;
		memcpy(&v, (const char *)s + keys[i].off, sizeof(v));
		if (keys[i].level <= level)
			json_object_object_add(dir[keys[i].tx], keys[i].key,
					       json_object_new_int64((int64_t)v));
	}
	if (level >= 2 && l->has_carrier_changes) /* ip -s -s: the last tx key */
		json_object_object_add(dir[1], "carrier_changes",
				       json_object_new_int64(l->carrier_changes));
	struct json_object *rx = dir[0], *tx = dir[1];
	json_object_object_add(o, "rx", rx);
	json_object_object_add(o, "tx", tx);
	out_json(t, C_STATS, o, NULL);
	const struct {
		int col;
		uint64_t v;
	} human[] = { { C_RXB, s->rx_bytes },
		      { C_RXP, s->rx_packets },
		      { C_RXE, s->rx_errors },
		      { C_RXD, s->rx_dropped },
		      { C_TXB, s->tx_bytes },
		      { C_TXP, s->tx_packets },
		      { C_TXE, s->tx_errors },
		      { C_TXD, s->tx_dropped },
		      { C_RXMISS, s->rx_missed_errors },
		      { C_RXMC, s->multicast },
		      { C_TXCARR, s->tx_carrier_errors },
		      { C_TXCOLL, s->collisions } };
	for (size_t i = 0; i < HK_ARRAY_SIZE(human); i++) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)human[i].v);
		out_json(t, human[i].col, NULL, buf); /* JSON: in stats64 */
	}
}

static const char *name_of(const struct hk_link_info *v, size_t n, int index)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].index == index)
			return v[i].name;
	return NULL;
}

static const char *kv_str(const struct hk_link_info *l, const char *key)
{
	for (int i = 0; i < l->nkv; i++)
		if (l->kv[i].type == HK_KV_STR && !strcmp(l->kv[i].key, key))
			return l->kv[i].str;
	return NULL;
}

/* The word `type` shows and filters on: tun and tap share the kernel kind "tun". */
static const char *kind_word(const struct hk_link_info *l)
{
	if (!strcmp(l->kind, "tun") && kv_str(l, "type"))
		return kv_str(l, "type");
	return l->kind[0] ? l->kind : NULL;
}

static void add_flag(const char *name, void *data)
{
	json_object_array_add(data, json_object_new_string(name));
}

/* info_data's "link" (vxlan's lower device) is an ifindex in the kernel's message; ip -d -j
 * shows the device's name: so does hako when the device is in this namespace. */
static const char *kv_link_name(const struct hk_link_info *v, size_t n, const struct hk_link_kv *kv)
{
	return kv->type == HK_KV_U64 && !strcmp(kv->key, "link") ? name_of(v, n, (int)kv->u) : NULL;
}

static struct json_object *linkinfo_json(const struct hk_link_info *v, size_t n,
					 const struct hk_link_info *l)
{
	struct json_object *o = json_object_new_object();
	if (l->kind[0])
		json_object_object_add(o, "info_kind", json_object_new_string(l->kind));
	if (l->nkv) {
		struct json_object *d = json_object_new_object();
		for (int i = 0; i < l->nkv; i++) {
			const struct hk_link_kv *kv = &l->kv[i];
			const char *lname = kv_link_name(v, n, kv);
			struct json_object *x =
				lname			 ? json_object_new_string(lname)
				: kv->type == HK_KV_STR	 ? json_object_new_string(kv->str)
				: kv->type == HK_KV_BOOL ? json_object_new_boolean(kv->u)
							 : json_object_new_int64((int64_t)kv->u);
			json_object_object_add(d, kv->key, x);
		}
		json_object_object_add(o, "info_data", d);
	}
	if (l->slave_kind[0])
		json_object_object_add(o, "info_slave_kind", json_object_new_string(l->slave_kind));
	return o;
}

/* The named namespaces with their ids as the listing's namespace knows them (ip's
 * link-netns NAME), fetched once, only when a device has a peer elsewhere. */
struct peer_ns {
	struct hk_nl *nl;
	bool done;
	struct hk_netns_info *v;
	size_t n;
};

static const char *peer_ns_name(struct peer_ns *p, int nsid)
{
	if (!p->done) {
		struct hk_err ignored = { 0 };
		p->done = true;
		if (hk_netns_list_at(p->nl, &p->v, &p->n, &ignored) < 0)
			p->n = 0;
	}
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].nsid == nsid)
			return p->v[i].name;
	return NULL;
}

static void show_row(struct out_table *t, const struct hk_link_info *v, size_t n,
		     const struct hk_link_info *l, struct peer_ns *pns, bool details)
{
	char buf[256];
	out_row(t);
	out_int(t, C_INDEX, l->index);
	out_str(t, C_NAME, l->name);
	if (l->kind[0] || l->slave_kind[0])
		out_json(t, C_KIND, linkinfo_json(v, n, l), kind_word(l));
	out_str(t, C_STATE, hk_link_operstate_str(l->operstate));
	out_int(t, C_MTU, l->mtu);
	if (l->maclen)
		out_str(t, C_MAC, hk_mac_str(l->mac, l->maclen, buf, sizeof(buf)));
	if (l->master)
		out_str(t, C_MASTER, name_of(v, n, l->master));
	if (l->link) { /* the kernel omits IFLA_LINK when it is the device itself */
		if (l->has_link_netnsid) {
			const char *ns = peer_ns_name(pns, l->link_netnsid);
			if (ns) {
				snprintf(buf, sizeof(buf), "if%d@%.200s", l->link, ns);
				out_str(t, C_LNETNS, ns);
			} else {
				snprintf(buf, sizeof(buf), "if%d@nsid%d", l->link, l->link_netnsid);
			}
			out_json(t, C_PEER, NULL, buf);
			out_int(t, C_LINKIDX, l->link);
			out_int(t, C_NSID, l->link_netnsid);
		} else {
			out_str(t, C_PEER, name_of(v, n, l->link));
		}
	}
	struct json_object *flags = json_object_new_array();
	hk_link_flags_each(l->flags, add_flag, flags);
	hk_link_flags_str(l->flags, buf, sizeof(buf));
	if (link_mdown(v, n, l)) {
		add_flag("M-DOWN", flags);
		strncat(buf, buf[0] ? ",M-DOWN" : "M-DOWN", sizeof(buf) - strlen(buf) - 1);
	}
	out_json(t, C_FLAGS, flags, buf);
	/* -d: the kind's attributes, "key value" as ip -d prints them (JSON: linkinfo) */
	size_t off = 0;
	buf[0] = '\0';
	for (int i = 0; i < l->nkv && off < sizeof(buf); i++) {
		const struct hk_link_kv *kv = &l->kv[i];
		const char *lname = kv_link_name(v, n, kv);
		off += lname ? snprintf(buf + off, sizeof(buf) - off, "%sdev %s", i ? " " : "",
					lname)
		       : kv->type == HK_KV_STR ? snprintf(buf + off, sizeof(buf) - off, "%s%s %s",
							  i ? " " : "", kv->key, kv->str)
		       : kv->type == HK_KV_BOOL
			       ? snprintf(buf + off, sizeof(buf) - off, "%s%s %s", i ? " " : "",
					  kv->key, kv->u ? "on" : "off")
			       : snprintf(buf + off, sizeof(buf) - off, "%s%s %llu", i ? " " : "",
					  kv->key, (unsigned long long)kv->u);
	}
	if (l->nkv)
		out_json(t, C_DETAILS, NULL, buf);
	out_str(t, C_TYPE, hk_link_type_str(l->type));
	out_int(t, C_TXQ, l->txqlen);
	if (l->group) {
		snprintf(buf, sizeof(buf), "%u", l->group);
		out_str(t, C_GROUP, buf);
	} else {
		out_str(t, C_GROUP, "default"); /* as ip: group 0's name */
	}
	if (l->alias[0])
		out_str(t, C_ALIAS, l->alias);
	if (l->qdisc[0])
		out_str(t, C_QDISC, l->qdisc);
	static const char *const modes[] = { "DEFAULT", "DORMANT", "TESTING" };
	if (l->linkmode < HK_ARRAY_SIZE(modes))
		out_str(t, C_LINKMODE, modes[l->linkmode]);
	else
		out_int(t, C_LINKMODE, l->linkmode);
	if (l->brdlen && !(l->flags & IFF_POINTOPOINT)) /* as ip: a peer's link has none */
		out_str(t, C_BRD, hk_mac_str(l->brd, l->brdlen, buf, sizeof(buf)));
	for (int i = 0; details && i < HK_LINK_NU32; i++)
		if (l->has_u32 & (1u << i))
			out_int(t, C_U32 + i, l->u32[i]);
}

struct out_table *cli_link_table1(const struct hk_link_info *l)
{
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	struct peer_ns pns = { 0 }; /* an event's peer elsewhere: its nsid, not its name */
	pns.done = true;
	show_row(t, l, 1, l, &pns, false);
	return t;
}

static int cmd_link_show(struct hk_ctx *ctx, int argc, char **argv)
{
	struct hk_link_filter f;
	int r = hk_link_parse_show(argc, argv, &f, &ctx->err);
	if (r < 0)
		return r;
	struct hk_nl *nl;
	if ((r = cli_nl_ready(ctx, &nl)) < 0)
		return r;
	int master = 0;
	if (f.master[0] && (r = hk_link_index(nl, f.master, &master, &ctx->err)) < 0)
		return hk_err_prefix(&ctx->err, "master");
	_cleanup_free_ struct hk_link_info *v = NULL;
	size_t n = 0;
	if ((r = hk_link_list(nl, NULL, &v, &n, &ctx->err)) < 0)
		return r;
	_cleanup_free_ const struct hk_link_info **rows = calloc(n + 1, sizeof(*rows));
	if (!rows)
		return hk_err_sys(&ctx->err, -ENOMEM, "link show");
	size_t k = 0;
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		const struct hk_link_info *l = &v[i];
		if (f.name[0] && strcmp(f.name, l->name))
			continue;
		found = true;
		if (f.kind[0] && (!kind_word(l) || strcmp(f.kind, kind_word(l))))
			continue;
		if ((master && l->master != master) || (f.nomaster && l->master) ||
		    (f.up && !(l->flags & IFF_UP)) || (f.has_group && l->group != f.group))
			continue;
		rows[k++] = l;
	}
	if (f.name[0] && !found)
		return hk_err_set(&ctx->err, -ENODEV, "device '%s' does not exist", f.name);
	if (ctx->brief)
		return brief_links(ctx, v, n, rows, k);
	_cleanup_free_ struct hk_link_stats *st = NULL;
	size_t nst = 0;
	if (ctx->stats && (r = hk_link_stats_list(nl, &st, &nst, &ctx->err)) < 0)
		return r;
	struct out_table *t = out_table_new(cols, HK_ARRAY_SIZE(cols));
	struct peer_ns pns = { .nl = nl };
	for (size_t i = 0; i < k; i++) {
		show_row(t, v, n, rows[i], &pns, ctx->details);
		const struct hk_link_stats *s = hk_link_stats_find(st, nst, rows[i]->index);
		if (s)
			stats_cells(t, rows[i], &s->s, ctx->stats);
	}
	const char *bad;
	size_t blen;
	if (ctx->details && !ctx->stats && !ctx->json)
		out_table_select(t, "+DETAILS", &bad, &blen);
	if (ctx->stats && !ctx->json)
		out_table_select(t,
				 ctx->stats > 1
					 ? "INDEX,NAME,STATE,RX-BYTES,RX-PACKETS,RX-ERRORS,"
					   "RX-DROPPED,RX-MISSED,RX-MCAST,TX-BYTES,TX-PACKETS,"
					   "TX-ERRORS,TX-DROPPED,TX-CARRIER,TX-COLLSNS"
					 : "INDEX,NAME,STATE,RX-BYTES,RX-PACKETS,RX-ERRORS,"
					   "RX-DROPPED,TX-BYTES,TX-PACKETS,TX-ERRORS,TX-DROPPED",
				 &bad, &blen);
	r = out_table_print(t, ctx->json, ctx->noheadings);
	out_table_free(t);
	free(pns.v);
	if (r < 0 && ctx->err.msg[0]) /* said already (the table's library) */
		return r;
	return r < 0 ? hk_err_sys(&ctx->err, r, "write to standard output") : 0;
}

static const struct cmd_verb verbs[] = {
	{ "add", NULL, cmd_link_add },
	{ "set", NULL, cmd_link_set },
	{ "del", "delete", cmd_link_del },
	{ "show", "list", cmd_link_show },
};

int cmd_link(struct hk_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, "link", verbs, HK_ARRAY_SIZE(verbs), "show", argc, argv);
}
