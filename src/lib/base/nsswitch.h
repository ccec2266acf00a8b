/* SPDX-License-Identifier: MIT */
/*
 * The one way hako moves the calling thread into another network namespace and back: for a
 * socket() (a socket keeps its namespace for life), an open of /dev/net/tun, an nft context,
 * a clone() that must start in a namespace it cannot join itself. Only the thread switches,
 * for microseconds: no helper thread, no fork, no mount namespace work (netns.c measured
 * it). Coming back cannot fail in practice; if it does, the process aborts rather than go
 * on changing the wrong namespace.
 */
#ifndef HK_BASE_NSSWITCH_H
#define HK_BASE_NSSWITCH_H

#include "base/err.h"

/* Enter the network namespace netns_fd; *ret_old: the descriptor to come back with (-1 and
 * nothing done when netns_fd < 0). */
int hk_thread_netns_enter(int netns_fd, int *ret_old, struct hk_err *err);
/* Enter a brand-new network namespace (unshare); *ret_old as above. */
int hk_thread_netns_new(int *ret_old, struct hk_err *err);
/* Back to old (and close it); -1: nothing. */
void hk_thread_netns_leave(int old);

#endif
