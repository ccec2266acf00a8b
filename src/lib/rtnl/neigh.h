/* SPDX-License-Identifier: MIT */
/*
 * The neighbour tables (ARP, NDP) over rtnetlink, with iproute2's `ip neigh` grammar: parse a
 * request (pure), build the RTM_NEWNEIGH / RTM_DELNEIGH message, read entries back. As for
 * routes, the caller sends the state-changing messages; an add's undo is the delete built
 * from the same request.
 */
#ifndef HK_NEIGH_H
#define HK_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "base/err.h"
#include "base/parse.h"
#include "netlink.h"

enum hk_neigh_op { HK_NEIGH_ADD, HK_NEIGH_DEL, HK_NEIGH_REPLACE, HK_NEIGH_CHANGE };

struct hk_neigh_req {
	struct hk_prefix dst;
	uint8_t lladdr[6];
	bool has_lladdr;
	uint16_t state; /* NUD_*; add/replace/change default NUD_PERMANENT, as ip */
	bool proxy;	/* NTF_PROXY: a proxy entry (no lladdr) */
	bool router;	/* NTF_ROUTER */
	char dev[HK_IFNAMSIZ];
};

/* ADDR [lladdr LLADDR] [nud STATE] [proxy] [router] dev DEV   (del: ADDR [proxy] dev DEV)
 * STATE: permanent noarp reachable stale none incomplete delay probe failed. */
int hk_neigh_parse(int argc, char **argv, enum hk_neigh_op op, struct hk_neigh_req *ret,
		   struct hk_err *err);
void hk_neigh_msg(const struct hk_neigh_req *req, int ifindex, enum hk_neigh_op op,
		  struct hk_nlmsg *m);

struct hk_neigh_filter {
	char dev[HK_IFNAMSIZ]; /* "" all */
	int family;	       /* AF_UNSPEC both */
	uint16_t state;	       /* 0: all but NUD_NOARP and NUD_NONE entries (as ip) */
	bool any_state;	       /* nud all */
	bool proxy;	       /* proxy entries instead of neighbours */
	bool flush;	       /* without nud: permanent entries are kept too (as ip) */
	struct hk_prefix to;   /* [to] PREFIX: the entries inside it */
	bool has_to;
};
/* [[to] PREFIX] [dev DEV] [nud STATE|all] [proxy] [-4|-6]  (show); flush takes the same.
 * A bare word is a PREFIX when it reads as one (as ip), else a device name. */
int hk_neigh_parse_filter(int argc, char **argv, struct hk_neigh_filter *ret, struct hk_err *err);

struct hk_neigh_info {
	int family;
	struct hk_prefix dst;
	uint8_t lladdr[32];
	size_t lladdr_len;
	int ifindex;
	uint16_t state;
	uint8_t flags; /* NTF_* */
};

/* The entries f selects (ifindex 0: every device), malloc'ed. */
int hk_neigh_list(struct hk_nl *nl, const struct hk_neigh_filter *f, int ifindex,
		  struct hk_neigh_info **ret, size_t *ret_n, struct hk_err *err);
/* Decode one RTM_NEWNEIGH / RTM_DELNEIGH (IPv4/IPv6 with a destination; else -EINVAL). */
int hk_neigh_decode(const struct nlmsghdr *nlh, struct hk_neigh_info *ret);
/* The delete message for an entry read back (flush). */
void hk_neigh_del_msg(const struct hk_neigh_info *ni, struct hk_nlmsg *m);

/* NUD_* names, iproute2's (upper case in its output: PERMANENT, REACHABLE, ...). */
int hk_neigh_state_parse(const char *s, uint16_t *ret);
/* Each set NUD_* bit's name ("REACHABLE", "PERMANENT", ...). */
void hk_neigh_states_each(uint16_t state, void (*fn)(const char *name, void *data), void *data);

#endif
