/* SPDX-License-Identifier: MIT */
/*
 * Mount targets inside a container's rootfs, resolved the way the container will see them:
 * every symlink (absolute, relative, "..") is resolved with the rootfs as "/" (openat2
 * RESOLVE_IN_ROOT), so a symlink planted in the rootfs (/data -> /etc) cannot aim a -v bind
 * at the host. The mount then targets the O_PATH descriptor through /proc/self/fd, as runc
 * does, so nothing is looked up twice by name. Needs Linux >= 5.6 (openat2).
 */
#ifndef HK_INROOT_H
#define HK_INROOT_H

#include <stdbool.h>

#include "base/err.h"

/* Open path (absolute as seen in the container) under root_fd as an O_PATH descriptor,
 * creating what is missing (directories; an empty file for the last component when file),
 * each relative to its resolved parent; a dangling symlink is followed inside the root and
 * its target created there. Returns the fd or a negative errno with err set. */
int hk_inroot_target(int root_fd, const char *path, bool file, struct hk_err *err);

/* Open path (as seen in the container) under root_fd as an O_PATH descriptor, creating
 * nothing; /proc magic links are not followed (ELOOP). fd or a negative errno. */
int hk_inroot_open(int root_fd, const char *path);

/* Bind src (a host path) onto path inside root (a host directory), recursively; ro makes it
 * read-only, submounts too. src_fd >= 0: move that detached mount tree (open_tree) there
 * instead, as it is (--userns, userns.h); with in_order, re-made once attached so that
 * mountinfo lists it after the mounts made before it (an OCI config's order), at the price
 * of an umount (an RCU grace period). */
int hk_inroot_bind(const char *root, const char *src, int src_fd, const char *path, bool ro,
		   bool file, bool in_order, struct hk_err *err);

#endif
