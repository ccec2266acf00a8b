/* SPDX-License-Identifier: MIT */
/*
 * Directory-tree helpers for image storage that never follow a symlink out of the tree:
 * opening beneath a directory fd (openat2 RESOLVE_BENEATH), recursive removal, and the
 * overlay-aware copy used when overlayfs is not available.
 */
#ifndef HK_FSTREE_H
#define HK_FSTREE_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

/* Open path relative to dirfd without ever leaving dirfd: RESOLVE_BENEATH, no magic links,
 * and with no_symlinks no symlink at all (every component, including the last). flags are
 * open(2) flags (O_CLOEXEC is always added). Returns an fd or negative errno (-EXDEV for a
 * path that escapes, -ELOOP for a symlink when no_symlinks). Kernels without openat2 get an
 * O_NOFOLLOW walk when no_symlinks, -ENOSYS otherwise. */
int hk_open_beneath(int dirfd, const char *path, int flags, mode_t mode, bool no_symlinks);

struct stat;
/* Open path beneath dirfd (as hk_open_beneath) for reading, only if it is a regular file:
 * for names an image or a container chose. The name is first opened O_PATH and checked
 * with fstat, then that same inode is opened for reading through /proc/self/fd, so a FIFO
 * is never waited on (open blocks until a writer comes) and a device node is never opened
 * (an open has effects: a tty, a watchdog, a tape). Returns an O_RDONLY|O_CLOEXEC fd with
 * *ret_st filled, or negative errno: -EBADMSG when it is not a regular file (*ret_st then
 * says what it is, so a caller can tell an overlay whiteout). */
int hk_open_regular_beneath(int dirfd, const char *path, bool no_symlinks, struct stat *ret_st);

/* Remove name (any type) under dirfd, recursively, never following symlinks. A missing
 * name is not an error. Returns 0 or negative errno. */
int hk_rm_rf_at(int dirfd, const char *name);
/* Remove everything inside the directory dirfd, keeping it. */
int hk_rm_children(int dirfd);
/* hk_rm_rf_at(AT_FDCWD, path), with err filled on failure. */
int hk_rm_rf(const char *path, struct hk_err *err);

/* A directory stream on path under dirfd ("." for dirfd itself) through a descriptor of its
 * own, so dirfd stays open and its position is untouched. NULL with errno set on failure. */
DIR *hk_opendir_at(int dirfd, const char *path);

/* path is the root of a mount (statx STATX_ATTR_MOUNT_ROOT; false when unknown). */
bool hk_is_mountpoint(const char *path);

/* mkdir -p (each missing component with mode). 0 or negative errno. */
int hk_mkdir_p(const char *path, mode_t mode);

/* Copy the tree under srcfd into dstfd (which exists), keeping types, modes (setuid too),
 * numeric owners, xattrs, times and hardlinks; files are reflinked when the filesystem can.
 * With overlay_layer, src is an overlay-form layer applied on top of what dst holds: a char
 * 0/0 device removes the name from dst, a directory with trusted.overlay.opaque=y first has
 * its old content in dst removed, and existing entries are replaced. Used by the copy
 * fallback when overlayfs cannot be mounted. */
int hk_tree_copy(int srcfd, int dstfd, bool overlay_layer, struct hk_err *err);

#endif
