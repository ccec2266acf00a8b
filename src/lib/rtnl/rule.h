/* SPDX-License-Identifier: MIT */
/*
 * Policy routing rules (FIB rules) over rtnetlink with iproute2's `ip rule` grammar: parse
 * a request (pure), build the RTM_NEWRULE / RTM_DELRULE message, read rules back. As for
 * routes, the caller sends the state-changing messages; an add's exact undo is the delete
 * built from the same request.
 */
#ifndef HK_RULE_H
#define HK_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/parse.h"
#include "netlink.h"

enum hk_rule_op { HK_RULE_ADD, HK_RULE_DEL };

/* A parsed rule (request), and one read back from the kernel. */
struct hk_rule {
	int family;	   /* AF_INET unless an address or -6 says otherwise */
	uint32_t priority; /* pref/priority/order */
	bool has_priority;
	struct hk_prefix src, dst; /* family 0: any ("all") */
	uint32_t fwmark, fwmask;
	bool has_fwmark, has_fwmask;
	char iif[HK_IFNAMSIZ]; /* "" any */
	char oif[HK_IFNAMSIZ];
	bool invert;	      /* not */
	uint32_t table;	      /* 0: none given */
	uint8_t action;	      /* FR_ACT_*; 0 unset */
	uint32_t goto_target; /* action goto */
	bool has_goto;
	uint8_t tos;
	int32_t suppress_prefixlen; /* -1 unset */
	uint8_t protocol;	    /* FRA_PROTOCOL (protocol P) */
	bool has_protocol;
	uint8_t ipproto;	     /* FRA_IP_PROTO, 0 none */
	uint16_t sport[2], dport[2]; /* FRA_SPORT_RANGE / FRA_DPORT_RANGE, [1] 0: none */
	uint32_t uid[2];	     /* FRA_UID_RANGE */
	bool has_uid;
	uint32_t flags; /* fib_rule_hdr flags read back (FIB_RULE_*) */
};

/* [not] [from PREFIX|all] [to PREFIX|all] [fwmark MARK[/MASK]] [iif DEV] [oif DEV]
 * [tos N] [pref|priority|order N] [table|lookup TABLE] [suppress_prefixlength N]
 * [ipproto PROTO] [sport N[-M]] [dport N[-M]] [uidrange A-B] [protocol P]
 * [goto N|blackhole|unreachable|prohibit|nop] [-4|-6]
 * add without table and action looks up main, as ip. Usage errors: -EINVAL. */
int hk_rule_parse(int argc, char **argv, enum hk_rule_op op, int family, struct hk_rule *ret,
		  struct hk_err *err);

/* RTM_NEWRULE (NLM_F_CREATE|NLM_F_EXCL) or RTM_DELRULE for r. */
void hk_rule_msg(const struct hk_rule *r, enum hk_rule_op op, struct hk_nlmsg *m);

/* Every rule of family (AF_UNSPEC: both), malloc'ed, in the kernel's order. */
int hk_rule_list(struct hk_nl *nl, int family, struct hk_rule **ret, size_t *ret_n,
		 struct hk_err *err);

/* Decode one RTM_NEWRULE / RTM_DELRULE (IPv4/IPv6; else -EINVAL). */
int hk_rule_decode(const struct nlmsghdr *nlh, struct hk_rule *ret);

/* The action's name as ip prints it ("blackhole", "goto", ...); NULL for "to table". */
const char *hk_rule_action_name(uint8_t action);

#endif
