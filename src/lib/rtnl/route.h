/* SPDX-License-Identifier: MIT */
/*
 * IPv4 and IPv6 routes over rtnetlink: parse iproute2's keyword grammar into a request
 * (pure), build the RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE message for it, and read
 * routes back. The caller sends the state-changing messages; a route add's exact undo is
 * the RTM_DELROUTE built from the same request.
 */
#ifndef HK_ROUTE_H
#define HK_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "base/err.h"
#include "base/parse.h"
#include "netlink.h"

enum hk_route_op { HK_ROUTE_ADD, HK_ROUTE_DEL, HK_ROUTE_REPLACE };

#define HK_ROUTE_MAX_NH 8

/* One hop of a multipath route: nexthop via GW dev DEV weight W [onlink]. */
struct hk_route_req_nh {
	struct hk_prefix gw;   /* family 0: none */
	char dev[HK_IFNAMSIZ]; /* "" none */
	uint8_t weight;	       /* 1..256 as rtnh_hops + 1; 0: 1 */
	bool onlink;
	int oif; /* dev's index: set by the caller before hk_route_msg() */
};

/* A parsed `route add|del|replace` request. */
struct hk_route_req {
	int family;   /* from the addresses (AF_INET when nothing says) */
	uint8_t type; /* RTN_UNICAST unless a type word was given (blackhole, ...) */
	bool has_type;
	struct hk_prefix dst;  /* "default": len 0 */
	struct hk_prefix gw;   /* family 0: no "via" */
	struct hk_prefix src;  /* family 0: no "src" */
	char dev[HK_IFNAMSIZ]; /* "" none */
	uint32_t metric;
	bool has_metric;
	uint32_t table; /* 0: main */
	int scope;	/* -1 unset: add picks link without a gateway, else global */
	int proto;	/* -1 unset: add uses boot, like iproute2 */
	bool onlink;
	bool has_pref;
	uint8_t pref; /* RTA_PREF (pref low|medium|high): an IPv6 route's router preference */
	struct hk_route_req_nh nh[HK_ROUTE_MAX_NH]; /* RTA_MULTIPATH, nnh 0: none */
	size_t nnh;
};

/* [TYPE] PREFIX|default [via GW] [dev DEV] [metric N] [table N] [scope S] [proto P] [src IP]
 * [pref low|medium|high] [onlink] [nexthop via GW dev DEV weight W [onlink]]...
 * TYPE: unicast, local, blackhole, unreachable, prohibit, throw. The family comes from
 * PREFIX, via or src; they must agree. Usage errors: -EINVAL. */
int hk_route_parse(int argc, char **argv, enum hk_route_op op, struct hk_route_req *ret,
		   struct hk_err *err);

/* The message for req with oif (0: none): RTM_NEWROUTE with NLM_F_CREATE and NLM_F_EXCL
 * (add) or NLM_F_REPLACE (replace), or RTM_DELROUTE (del; also the undo of an add). */
void hk_route_msg(const struct hk_route_req *req, int oif, enum hk_route_op op, struct hk_nlmsg *m);

/* The exact undo of an add: RTM_DELROUTE carrying the add's own type, scope, protocol,
 * table, gateway, device and metric, so it removes that route and no other. */
void hk_route_undo_msg(const struct hk_route_req *req, int oif, struct hk_nlmsg *m);

/* A filter for `route show` / `route get`. */
struct hk_route_filter {
	uint32_t table;	       /* 0: every table ("table all"); default main */
	char dev[HK_IFNAMSIZ]; /* "" all */
	int family;	       /* AF_UNSPEC both */
	uint8_t type;	       /* RTN_*, 0 any */
	int proto;	       /* -1 any */
	int scope;	       /* -1 any */
	/* as ip route show: via and src match the gateway and preferred source within their
	 * prefix; root P the routes inside P, match P the routes containing P, exact P (or a
	 * bare P) both. family 0 with has_len: default with no family given (either). */
	struct hk_prefix via, src, root, match;
	bool has_via, has_src, has_root, has_match;
};
/* [table N|all] [dev DEV] [type TYPE] [proto P] [scope S] [via PREFIX] [src PREFIX]
 * [[to] [root|match|exact] PREFIX|default] [-4|-6] */
int hk_route_parse_filter(int argc, char **argv, struct hk_route_filter *ret, struct hk_err *err);

struct hk_route_nh {
	struct hk_prefix gw; /* family 0: none */
	int oif;
	uint8_t weight; /* rtnh_hops + 1 */
	uint8_t flags;	/* RTNH_F_* */
};

/* One route read back from the kernel. */
struct hk_route_info {
	int family;
	uint8_t type, protocol, scope, tos;
	uint32_t table;
	uint32_t flags;		  /* rtm_flags (RTNH_F_*, RTM_F_*) */
	struct hk_prefix dst;	  /* len 0 and no address: default */
	struct hk_prefix gw;	  /* family 0: none */
	struct hk_prefix prefsrc; /* family 0: none */
	struct hk_prefix src;	  /* RTA_SRC (route get ... from): family 0: none */
	int oif;
	uint32_t metric;
	bool has_metric;
	struct hk_route_nh nh[HK_ROUTE_MAX_NH]; /* RTA_MULTIPATH, nnh 0: none */
	size_t nnh;
	bool has_pref, has_mark;
	uint8_t pref;  /* RTA_PREF: an IPv6 route's router preference (ICMPV6_ROUTER_PREF_*) */
	uint32_t mark; /* RTA_MARK: route get ... mark N, echoed */
};

/* Decode one RTM_NEWROUTE message. -EINVAL when it is not an IPv4/IPv6 route. */
int hk_route_decode(const struct nlmsghdr *nlh, struct hk_route_info *ret);

/* Dump routes of filter's family and table (0: all) with output device oif (0: any) into a
 * malloc'ed array the caller frees. An empty table or namespace is an empty list. */
int hk_route_list(struct hk_nl *nl, int family, uint32_t table, int oif, struct hk_route_info **ret,
		  size_t *ret_n, struct hk_err *err);

/* Does ri pass the type and proto of f (the rest is hk_route_list's)? */
bool hk_route_filter_match(const struct hk_route_filter *f, const struct hk_route_info *ri);

/* The RTM_DELROUTE that removes exactly ri (route flush). */
void hk_route_del_info_msg(const struct hk_route_info *ri, struct hk_nlmsg *m);

/* A `route get` question: [to] ADDR [from ADDR] [iif DEV] [oif DEV] [mark N]. */
struct hk_route_query {
	struct hk_prefix dst;
	struct hk_prefix from; /* family 0: none */
	char iif[HK_IFNAMSIZ], oif[HK_IFNAMSIZ];
	uint32_t mark;
	bool has_mark;
	int iif_index, oif_index; /* set by the caller from iif/oif */
};
int hk_route_parse_query(int argc, char **argv, struct hk_route_query *ret, struct hk_err *err);

/* RTM_GETROUTE: the route the kernel would use for q. */
int hk_route_get(struct hk_nl *nl, const struct hk_route_query *q, struct hk_route_info *ret,
		 struct hk_err *err);

/* Names as iproute2 spells them; numbers otherwise. */
int hk_route_table_parse(const char *s, uint32_t *ret, struct hk_err *err);
const char *hk_route_table_name(uint32_t table, char *buf, size_t len);
int hk_route_proto_parse(const char *s, uint8_t *ret, struct hk_err *err);
const char *hk_route_proto_name(uint8_t proto, char *buf, size_t len);
int hk_route_type_parse(const char *s, uint8_t *ret); /* -EINVAL when not a type word */
const char *hk_route_type_name(uint8_t type, char *buf, size_t len);
/* RTNH_F_* / RTM_F_* flag names ("onlink", "linkdown", "offload", ...), like ip -j route. */
void hk_route_flags_each(uint32_t flags, void (*fn)(const char *name, void *data), void *data);

#endif
