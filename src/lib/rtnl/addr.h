/* SPDX-License-Identifier: MIT */
/*
 * IPv4 and IPv6 addresses over rtnetlink: parse iproute2's keyword grammar into a request
 * (pure), build the RTM_NEWADDR / RTM_DELADDR message for it, and read addresses back.
 *
 * As elsewhere in the library, the caller sends the state-changing messages (so the CLI can
 * batch them and record the exact undo: an add's undo is the delete of the same address).
 */
#ifndef HK_ADDR_H
#define HK_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/parse.h"
#include "netlink.h"

/* A parsed `addr add` / `addr del` request. */
struct hk_addr_req {
	char dev[HK_IFNAMSIZ];
	struct hk_prefix local;	    /* address and prefix length (default /32, /128) */
	struct hk_prefix broadcast; /* family 0: none */
	char label[HK_IFNAMSIZ];    /* "" none; IPv4 only, must start with dev */
	int scope;		    /* RT_SCOPE_*, -1 unset (the kernel picks) */
	uint32_t flags;		    /* IFA_F_NODAD, IFA_F_NOPREFIXROUTE */
};

/* addr add:  CIDR dev DEV [broadcast +|-|IP] [label L] [scope S] [noprefixroute] [nodad]
 * addr del:  CIDR dev DEV
 * ("local CIDR" is accepted for CIDR, "brd" for broadcast.) Usage errors: -EINVAL. */
int hk_addr_parse(int argc, char **argv, bool add, struct hk_addr_req *ret, struct hk_err *err);

/* A filter for `addr show` / `addr flush`: [dev DEV] [-4|-6]. */
struct hk_addr_filter {
	char dev[HK_IFNAMSIZ]; /* "" all */
	int family;	       /* AF_UNSPEC all */
	int scope;	       /* -1 any ("scope all") */
	struct hk_prefix to;   /* "to PREFIX": the local address inside it */
	bool has_to;
	const char *label;	  /* fnmatch pattern (points into argv), NULL any */
	uint32_t flags, flagmask; /* IFA_F_* that must be set (flags) or clear, of flagmask */
	bool up; /* "up": only the addresses of devices that are up (the caller's to check) */
};
/* ip address show's selectors: [dev] DEV, up, scope S|all, to PREFIX, label PATTERN, and the
 * CONFFLAGs permanent, dynamic, primary, secondary, temporary, [-]tentative, [-]deprecated,
 * [-]dadfailed, ... (any IFA_F_* name, '-' for its absence) */
int hk_addr_parse_filter(int argc, char **argv, struct hk_addr_filter *ret, struct hk_err *err);
struct hk_addr_info;
/* Does the address ai of the device ifname pass f's selectors (not dev and family: those
 * hk_addr_list applies)? */
bool hk_addr_filter_match(const struct hk_addr_filter *f, const struct hk_addr_info *ai,
			  const char *ifname);

/* The message for req on device ifindex: type RTM_NEWADDR (NLM_F_CREATE|NLM_F_EXCL) or
 * RTM_DELADDR (identifying attributes only: local, address, prefix length, label). Both
 * IFA_LOCAL and IFA_ADDRESS are set to the address, as iproute2 does. */
void hk_addr_msg(const struct hk_addr_req *req, int ifindex, uint16_t type, struct hk_nlmsg *m);

/* One address read back from the kernel. */
struct hk_addr_info {
	int ifindex;
	int family;
	uint8_t prefixlen;
	uint8_t scope;
	uint32_t flags;		    /* IFA_F_* (IFA_FLAGS when present) */
	struct hk_prefix local;	    /* IFA_LOCAL, else IFA_ADDRESS */
	struct hk_prefix peer;	    /* IFA_ADDRESS if not local; family 0 none */
	struct hk_prefix broadcast; /* family 0: none */
	char label[HK_IFNAMSIZ];    /* "" none */
	bool has_cacheinfo;
	uint32_t valid_lft, preferred_lft; /* seconds, 0xffffffff forever */
};

/* Decode one RTM_NEWADDR message. -EINVAL when it is not a usable address message. */
int hk_addr_decode(const struct nlmsghdr *nlh, struct hk_addr_info *ret);

/* Dump addresses (family AF_UNSPEC: both; ifindex 0: every device) into a malloc'ed array
 * that the caller frees. */
int hk_addr_list(struct hk_nl *nl, int family, int ifindex, struct hk_addr_info **ret,
		 size_t *ret_n, struct hk_err *err);

/* Scope names as iproute2 spells them: global (0), site, link, host, nowhere, or a number. */
int hk_scope_parse(const char *s, uint8_t *ret, struct hk_err *err);
const char *hk_scope_name(uint8_t scope, char *buf, size_t len);

/* IFA_F_* flag names ("secondary", "nodad", "tentative", ...), one per set bit, for output:
 * calls fn(name, data) for each; like iproute2, "dynamic" when IFA_F_PERMANENT is NOT set
 * and nothing for permanent. Unknown bits are left out. */
void hk_addr_flags_each(uint32_t flags, void (*fn)(const char *name, void *data), void *data);

/* "inet" / "inet6". */
const char *hk_family_name(int family);

#endif
