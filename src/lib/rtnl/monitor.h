/* SPDX-License-Identifier: MIT */
/*
 * Watching rtnetlink's multicast groups (`ip monitor`): links, addresses, routes,
 * neighbours, rules and namespace ids, in one namespace or in every named one (`-all`),
 * the set of named namespaces followed with inotify on their directory so that namespaces
 * added later are watched too. Events go to a callback with the raw message; the decoders
 * of link.c, addr.c, route.c, neigh.c and rule.c read it. hk_monitor_run() returns when
 * SIGINT or SIGTERM arrives (blocked and read through a signalfd while it runs), or when
 * the callback returns non-zero.
 */
#ifndef HK_MONITOR_H
#define HK_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "netlink.h"

enum hk_mon_obj {
	HK_MON_LINK = 1 << 0,
	HK_MON_ADDR = 1 << 1,
	HK_MON_ROUTE = 1 << 2,
	HK_MON_NEIGH = 1 << 3,
	HK_MON_RULE = 1 << 4,
	HK_MON_NSID = 1 << 5,  /* RTM_NEWNSID / RTM_DELNSID */
	HK_MON_NETNS = 1 << 6, /* a named namespace added or deleted (inotify) */
	HK_MON_ALL = (1 << 7) - 1,
};

/* An object word (link, addr/address, route, neigh/neighbour, rule, netns/nsid, all) into
 * its bits; -EINVAL when it is none of them. */
int hk_monitor_obj_parse(const char *s, unsigned *ret);
const char *hk_monitor_obj_name(enum hk_mon_obj obj);

struct hk_mon_event {
	enum hk_mon_obj obj;
	bool del;		    /* RTM_DEL* or the namespace went away */
	const char *netns;	    /* the named namespace it happened in, NULL: the first one */
	const struct nlmsghdr *nlh; /* the message (NULL for HK_MON_NETNS) */
	struct hk_nl *query;	    /* a socket in the same namespace for lookups (names) */
	const char *name;	    /* HK_MON_NETNS: the namespace's name */
	int32_t nsid;		    /* HK_MON_NSID: the id, -1 none */
};
typedef int (*hk_mon_cb)(const struct hk_mon_event *ev, void *data, struct hk_err *err);

struct hk_monitor;

/* Watch objs in the namespace netns_fd (-1: the caller's); with all, also in every
 * namespace named in dir (/run/netns), now and later. dir is watched with inotify when all
 * is set or objs has HK_MON_NETNS. */
int hk_monitor_open(struct hk_monitor **ret, unsigned objs, int netns_fd, const char *dir, bool all,
		    struct hk_err *err);
/* Deliver events until SIGINT/SIGTERM (returns 0) or cb returns non-zero (returned). */
int hk_monitor_run(struct hk_monitor *m, hk_mon_cb cb, void *data, struct hk_err *err);
void hk_monitor_close(struct hk_monitor *m);

#endif
