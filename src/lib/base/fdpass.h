/* SPDX-License-Identifier: MIT */
/* Passing a descriptor over a UNIX socket (SCM_RIGHTS): the seccomp agent's notification fd,
 * an OCI console socket's pty master. */
#ifndef HK_BASE_FDPASS_H
#define HK_BASE_FDPASS_H

#include <stddef.h>

/* Send len bytes of data (at least 1) with fd attached, in one sendmsg (no SIGPIPE).
 * 0, -errno, or -EMSGSIZE when the kernel took only part of data. */
int hk_fd_send(int sock, const void *data, size_t len, int fd);

#endif
