/* SPDX-License-Identifier: MIT */
/*
 * libhako: hako's public C API (libhako.so.0, `pkg-config --cflags --libs hako`).
 *
 * Network namespaces (named, under /run/netns, as iproute2's) and links, with the same
 * words as `hako link add` / `ip link add`; containers, as `hako run` makes them. Every function
 * returns 0 or a negative errno and fills *err (may be NULL) with one line saying what failed, on
 * what and why, and the status the hako command exits with (docs/cli.md: 1 failed, 2 bad input, 3
 * the kernel lacks the feature, 4 permission, 5 no such object). Nothing is printed, nothing exits.
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

/* A container run to completion, as `hako run --rm [--name N] [--hostname H] [-e K=V]...
 * [--net none|netns:NAME] --rootfs DIR -- ARGV...` runs it: hako's default isolation
 * (Docker's 14 capabilities, no_new_privs, the built-in seccomp profile, masked /proc and
 * /sys paths; docs/parts/security.md), its own PID, mount, UTS, IPC, cgroup and network
 * namespaces, hako-init as PID 1. stdin is /dev/null; stdout and stderr are the caller's
 * (copied through pipes where they are terminals: a container never gets a terminal).
 * While it runs, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH and SIGCHLD
 * are blocked in the calling thread and forwarded to the container; the mask is restored
 * before the call returns. Listed by `hako ps` while it runs, removed when it ends. */
struct hako_container {
	const char *rootfs;	 /* its root directory (required) */
	const char *const *argv; /* the command, NULL-terminated (required) */
	const char *const *env;	 /* more K=V, NULL-terminated; NULL: none */
	const char *name;	 /* NULL: the first 12 characters of its id */
	const char *hostname;	 /* NULL: the name */
	const char *netns;	 /* NULL: a network namespace of its own with only lo;
				  * else the named one to join (/run/netns/NAME) */
	const char *state_root;	 /* hako's --root DIR; NULL: HAKO_ROOT or the default */
};

/* Run c and wait for it. 0 with *exit_status the container's status (its exit code, 128+N
 * when killed by signal N, 126/127 when the command cannot be executed / is not found), or
 * a negative errno with *err set when hako could not run it (nothing of it is left). */
int hako_container_run(const struct hako_container *c, int *exit_status, struct hako_error *err);

#ifdef __cplusplus
}
#endif

#endif
