/* SPDX-License-Identifier: MIT */
/*
 * sd_notify through the runtime (NOTIFY_SOCKET), as crun and runc proxy it. With
 * NOTIFY_SOCKET in the runtime's environment at `create` or `run`:
 *   - RUN/<id>/notify is made and bound in the container on the directory named by the
 *     host's socket path (an abstract socket, "@name": /run/notify), and the process gets
 *     NOTIFY_SOCKET=<that directory>/notify;
 *   - `start` (or `run`) binds the runtime's datagram socket there, and relays the first
 *     READY=1 the container sends to the host's NOTIFY_SOCKET. `start` returns once it
 *     has (a container is "running" for its engine only then: podman's --sdnotify=container,
 *     a systemd unit of Type=notify) or once the process has ended.
 * Only READY=1 is relayed, as crun: the engine's own manager gives MAINPID, STATUS, ...
 */
#ifndef HK_OCINOTIFY_H
#define HK_OCINOTIFY_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

/* The container's side of host (the runtime's NOTIFY_SOCKET): dir, the directory bound in
 * the container, and env, the process's NOTIFY_SOCKET (dir + "/notify"). -EINVAL (usage, exit
 * 2) when host is empty or the container's path would not fit a socket address. */
int hk_oci_notify_paths(const char *host, char *dir, size_t dir_len, char *env, size_t env_len,
			struct hk_err *err);

/* Bind the runtime's socket RUN/<id>/notify/notify (rundir: RUN/<id>), mode 0777 so that
 * any user of the container can send, through a descriptor of the directory: whatever the
 * container put under that name is removed, never followed. Returns the socket (blocking,
 * close-on-exec); -ENOENT without err when the container was created without NOTIFY_SOCKET;
 * else a negative errno with err. */
int hk_oci_notify_listen(const char *rundir, struct hk_err *err);

/* Read sock until a datagram holding READY=1, then send "READY=1" to host (a path, or
 * "@name" for an abstract socket). pidfd (a pidfd of the container's process, or -1):
 * stop when it says the process has ended. 1: relayed; 0: the process ended first; < 0
 * with err (the host's socket refused it). */
int hk_oci_notify_relay(int sock, int pidfd, const char *host, struct hk_err *err);

#endif
