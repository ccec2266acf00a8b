/* SPDX-License-Identifier: MIT */
/*
 * Listening sockets of a network namespace, the way `ss -tulpn` finds them: a
 * NETLINK_SOCK_DIAG dump (inet_diag, IPv4 and IPv6) on a socket opened inside the namespace
 * (hk_nl_open_proto: setns on the thread, socket, setns back), and optionally the owning
 * processes found by matching socket inodes against /proc/PID/fd/ * (only processes visible
 * in the caller's PID namespace can be named).
 */
#ifndef HK_SOCKDIAG_H
#define HK_SOCKDIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/parse.h"

#define HK_SOCKDIAG_TCP (1u << 0)   /* TCP sockets in LISTEN */
#define HK_SOCKDIAG_UDP (1u << 1)   /* bound UDP sockets, connected or not */
#define HK_SOCKDIAG_PROCS (1u << 2) /* fill users[] by scanning /proc */
#define HK_SOCKDIAG_USERS_MAX 4

struct hk_sock_user {
	pid_t pid;
	int fd;
	char comm[16];
};

struct hk_sock {
	int proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	int family;		/* AF_INET or AF_INET6 */
	uint8_t state;		/* kernel TCP_* state: TCP_LISTEN, TCP_CLOSE ("UNCONN"), ... */
	struct hk_prefix local; /* len 32/128 */
	uint16_t local_port;	/* host byte order */
	struct hk_prefix peer;	/* unspecified for listeners */
	uint16_t peer_port;
	uint32_t ifindex; /* SO_BINDTODEVICE, 0: none */
	uint32_t uid;
	uint64_t inode;
	uint32_t rqueue, wqueue; /* listeners: accept backlog and its maximum */
	size_t n_users;		 /* processes holding it (users[] keeps the first few) */
	struct hk_sock_user users[HK_SOCKDIAG_USERS_MAX];
};

/*
 * List the sockets selected by flags in the network namespace netns_fd (-1: the caller's),
 * sorted by protocol, local port, family and address. Caller frees *ret.
 */
int hk_sockdiag_list(int netns_fd, unsigned flags, struct hk_sock **ret, size_t *ret_n,
		     struct hk_err *err);

/* Name of a kernel TCP state as ss prints it ("LISTEN", "UNCONN", "ESTAB", ...). */
const char *hk_sockdiag_state_str(uint8_t state);

#endif
