/* SPDX-License-Identifier: MIT */
/*
 * Named network namespaces, compatible with iproute2 both ways: the same /run/netns
 * directory, made a shared mount point bound onto itself once, one empty file per name
 * with the namespace bind-mounted on it.
 */
#ifndef HK_NETNS_H
#define HK_NETNS_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

#define HK_NETNS_DIR "/run/netns"

struct hk_nl;

struct hk_netns_info {
	char name[256];
	unsigned long inode; /* namespace inode, 0 if the file holds no namespace */
	int nsid;	     /* peer id seen from the caller's namespace, -1 if unassigned */
};

/* Open /run/netns/NAME (O_RDONLY|O_CLOEXEC). A missing name: -ENOENT, "network namespace
 * 'NAME' does not exist". */
int hk_netns_open(const char *name, int *ret_fd, struct hk_err *err);

/* As ip's `netns NAME|PID`: /run/netns/NAME, or when there is no such name and s is a
 * number, the network namespace of that process (/proc/PID/ns/net; none: -ESRCH). */
int hk_netns_open_or_pid(const char *s, int *ret_fd, struct hk_err *err);

/* Create a new network namespace named NAME. Fails with -EEXIST, changing nothing, if the
 * name is taken. lo stays down, as after `ip netns add`. */
int hk_netns_add(const char *name, struct hk_err *err);

/* Unmount and remove /run/netns/NAME. */
int hk_netns_del(const char *name, struct hk_err *err);

/* Name the network namespace of process pid (like `ip netns attach NAME PID`). */
int hk_netns_attach(const char *name, pid_t pid, struct hk_err *err);

/* Every name under /run/netns, sorted by name. Caller frees *ret. */
int hk_netns_list(struct hk_netns_info **ret, size_t *ret_n, struct hk_err *err);

/* Like hk_netns_list(), with each nsid as seen from nl's namespace (nl NULL: no ids). */
int hk_netns_list_at(struct hk_nl *nl, struct hk_netns_info **ret, size_t *ret_n,
		     struct hk_err *err);

/* The id of the namespace nsfd as seen from nl's namespace (RTM_GETNSID), -1 when none is
 * assigned. */
int hk_netns_nsid(struct hk_nl *nl, int nsfd, int *ret_nsid, struct hk_err *err);

/* Give the namespace nsfd the id nsid as seen from nl's namespace (RTM_NEWNSID, like
 * `ip netns set NAME NSID`); nsid -1: let the kernel pick one. An id already used, or a
 * namespace that has one: -EEXIST with the kernel's text. */
int hk_netns_set_nsid(struct hk_nl *nl, int nsfd, int nsid, struct hk_err *err);

struct hk_nsid_entry {
	int nsid;
	char name[256]; /* the name under /run/netns of that namespace, "" none */
};
/* Every id nl's namespace has given to a peer namespace (RTM_GETNSID dump), ascending, with
 * the peer's name when one under /run/netns is it. Caller frees *ret. */
int hk_netns_list_ids(struct hk_nl *nl, struct hk_nsid_entry **ret, size_t *ret_n,
		      struct hk_err *err);

/* The names under /run/netns of the network namespace of pid (0: self). Caller frees
 * *ret. */
int hk_netns_identify(pid_t pid, struct hk_netns_info **ret, size_t *ret_n, struct hk_err *err);

/* PIDs whose network namespace is NAME's, ascending. Caller frees *ret. */
int hk_netns_pids(const char *name, pid_t **ret, size_t *ret_n, struct hk_err *err);

/* Turn the calling process into one that runs inside NAME the way `ip netns exec` does:
 * join the namespace, unshare the mount namespace, make / a slave, remount /sys for the
 * namespace and bind /etc/netns/NAME/ * over /etc. The caller then execs. Returns 0, or
 * > 0: that many /etc binds failed (err->msg describes the first, err->code stays 0; like
 * iproute2, the caller warns and goes on). Must run single-threaded (unshare CLONE_NEWNS). */
int hk_netns_enter_exec(const char *name, struct hk_err *err);

#endif
