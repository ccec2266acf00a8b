/* SPDX-License-Identifier: MIT */
/*
 * A tunnel's data path and timers: one event loop over the TUN device, the UDP socket, the
 * configuration socket (uapi.c) and a signalfd, until SIGTERM or SIGINT.
 */
#ifndef HK_TUNNEL_DAEMON_H
#define HK_TUNNEL_DAEMON_H

#include "base/err.h"
#include "tundev.h"

/* Run d (its tun_fd and udp_fd open) with the listening configuration socket uapi_fd.
 * Returns 0 on SIGTERM/SIGINT, a negative errno on a fatal error. */
int hk_daemon_run(struct hk_tundev *d, int uapi_fd, struct hk_err *err);

#endif
