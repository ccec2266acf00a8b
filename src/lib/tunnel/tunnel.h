/* SPDX-License-Identifier: MIT */
/*
 * A tunnel's life: `up` checks everything, then starts one daemon that owns the TUN device
 * (not persistent: it dies with the daemon, with its addresses and routes), the UDP socket
 * and the configuration socket, and returns once the device is up; `down` stops it; `list`
 * tells live from dead ones.
 *
 * A daemon holds an flock on its record RUN/tunnel/NAME for its whole life, so a record
 * whose lock is free is a dead daemon (killed with -9): `list` shows it as dead, `up` of
 * the same name takes it over, `down` removes it. Two `up` of one name: the second finds the
 * lock taken and is refused.
 */
#ifndef HK_TUNNEL_TUNNEL_H
#define HK_TUNNEL_TUNNEL_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/err.h"
#include "tunconf.h"

struct hk_tunnel_up {
	const char *name;	/* the device and the socket: an interface name */
	const char *netns;	/* the device's named netns, NULL: the caller's */
	const char *sock_netns; /* the UDP socket's named netns, NULL: the device's */
	const char *run_dir;	/* hako's RUN (records in RUN/tunnel) */
	const struct hk_tunconf *conf;
};

/* Start the daemon; *ret_pid its pid. */
int hk_tunnel_up(const struct hk_tunnel_up *u, pid_t *ret_pid, struct hk_err *err);
/* Stop it (TERM, then KILL after 5 s) or clear what a dead one left. -ENOENT: no such. */
int hk_tunnel_down(const char *run_dir, const char *name, struct hk_err *err);

struct hk_tunnel_rec {
	char name[16];
	bool alive;
	pid_t pid;
	char netns[64];
	char sock_netns[64];
	unsigned port;
};
int hk_tunnel_list(const char *run_dir, struct hk_tunnel_rec **ret, size_t *ret_n,
		   struct hk_err *err);

#endif
