/* SPDX-License-Identifier: MIT */
/*
 * libhako: hako's public C API (libhako.so.0, `pkg-config --cflags --libs hako`).
 *
 * Network namespaces (named, under /run/netns, as iproute2's) and links, with the same
 * words as `hako link add` / `ip link add`. Every function returns 0 or a negative errno and
 * fills *err (may be NULL) with one line saying what failed, on what and why, and the
 * status the hako command exits with (docs/cli.md: 1 failed, 2 bad input, 3 the kernel lacks
 * the feature, 4 permission, 5 no such object). Nothing is printed, nothing exits.
 * Thread-compatible: no global state; call from one thread at a time per object.
 * Needs CAP_NET_ADMIN and CAP_SYS_ADMIN (root) like the commands.
 */
#ifndef HAKO_H
#define HAKO_H

#ifdef __cplusplus
extern "C" {
#endif

#define HAKO_ERR_MSG_MAX 512

struct hako_error {
	int code;		    /* negative errno; 0 when there was none */
	int status;		    /* the exit status `hako` would give */
	char msg[HAKO_ERR_MSG_MAX]; /* one line, no newline */
};

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *hako_version(void);

/* Create / delete the named network namespace /run/netns/NAME. */
int hako_netns_add(const char *name, struct hako_error *err);
int hako_netns_del(const char *name, struct hako_error *err);

/* `hako [-n NETNS] link add ARGS...` (NETNS NULL: the caller's namespace): argv holds the
 * words after "add", e.g. { "v0", "type", "veth", "peer", "name", "v1", "netns", "ns2" }. */
int hako_link_add(const char *netns, int argc, const char *const *argv, struct hako_error *err);
/* `hako [-n NETNS] link del NAME`. */
int hako_link_del(const char *netns, const char *name, struct hako_error *err);

#ifdef __cplusplus
}
#endif

#endif
