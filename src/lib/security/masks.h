/* SPDX-License-Identifier: MIT */
/*
 * /proc and /sys hardening inside a container's mount namespace, as Docker and runc do:
 *   masked paths   a file is covered by a bind mount of /dev/null (reads as empty, writes
 *                  vanish), a directory by an empty read-only tmpfs;
 *   read-only      bind-mounted onto itself, then remounted MS_RDONLY, repeating the flags
 *                  the mount already has (nosuid, nodev, noexec, atime: a remount must, or
 *                  the kernel refuses it inside a user namespace).
 * Paths are absolute as seen in the container and resolved under root_fd without leaving it
 * (openat2 RESOLVE_IN_ROOT, so a symlink planted in the rootfs cannot aim a mount at the
 * host). Paths that do not exist are skipped. Call in the child, in its own mount namespace,
 * after /proc and /sys are mounted; /dev/null must exist as seen from the caller, and so must
 * /proc/self/fd (the mounts target O_PATH descriptors through it, as runc does).
 */
#ifndef HK_MASKS_H
#define HK_MASKS_H

#include "base/err.h"

/* NULL-terminated lists of Docker's defaults. */
extern const char *const hk_masks_default_masked[];
extern const char *const hk_masks_default_readonly[];

struct hk_masks {
	const char *const *masked;   /* NULL-terminated; NULL: none */
	const char *const *readonly; /* NULL-terminated; NULL: none */
};

/* Apply both lists under root_fd (a directory fd of the container's root, "/" after
 * pivot_root). Fails on the first path that exists but cannot be masked. */
int hk_masks_apply(int root_fd, const struct hk_masks *m, struct hk_err *err);

/* The pieces, for a single path. */
int hk_mask_path(int root_fd, const char *path, struct hk_err *err);
int hk_readonly_path(int root_fd, const char *path, struct hk_err *err);

#endif
