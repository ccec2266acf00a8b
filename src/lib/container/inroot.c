// SPDX-License-Identifier: MIT
/* Mount targets resolved inside a container's rootfs (see inroot.h). */
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "container.h"

#define HOPS_MAX 40 /* symlinks followed while creating, as the kernel's MAXSYMLINKS */

/* openat2(root_fd, rel, O_PATH, RESOLVE_IN_ROOT): fd or negative errno. "" is the root. */
static int in_root(int root_fd, const char *rel)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root_fd, rel[0] ? rel : ".", &how, sizeof(how));
	return fd >= 0 ? fd : -errno;
}

int hk_inroot_open(int root_fd, const char *path)
{
	return in_root(root_fd, path);
}

/*
 * Create the first missing component of want (relative to the root). Returns 0 when
 * something was created, 1 when want was rewritten through a dangling symlink, or a
 * negative errno.
 */
static int create_first_missing(int root_fd, char *want, size_t cap, bool file)
{
	_cleanup_close_ int dfd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (dfd < 0)
		return -errno;
	char pre[HK_PATH_MAX];
	size_t i = 0;
	for (;;) {
		while (want[i] == '/')
			i++;
		if (!want[i])
			return -ENOENT; /* everything resolves now: a race, let the caller retry */
		size_t start = i;
		while (want[i] && want[i] != '/')
			i++;
		size_t end = i, rest = i;
		while (want[rest] == '/')
			rest++;
		bool last = !want[rest];
		if (end >= sizeof(pre))
			return -ENAMETOOLONG;
		memcpy(pre, want, end);
		pre[end] = 0;
		int fd = in_root(root_fd, pre);
		if (fd >= 0) {
			close(dfd);
			dfd = fd;
			continue;
		}
		if (fd != -ENOENT)
			return fd;
		char name[256];
		if (end - start >= sizeof(name))
			return -ENAMETOOLONG;
		memcpy(name, want + start, end - start);
		name[end - start] = 0;
		if (last && file) {
			int fl = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
			int f = openat(dfd, name, fl, 0644);
			if (f >= 0) {
				close(f);
				return 0;
			}
		} else if (mkdirat(dfd, name, 0755) == 0) {
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
		/* the name exists but does not resolve: a dangling symlink; go through it */
		char tgt[HK_PATH_MAX], next[HK_PATH_MAX];
		ssize_t k = readlinkat(dfd, name, tgt, sizeof(tgt) - 1);
		/* not a symlink: someone else made it between our lookup and our create (runs
		 * started at once on a fresh rootfs, all making /etc/hosts): resolve again */
		if (k < 0)
			return errno == EINVAL ? 0 : -errno;
		tgt[k] = 0;
		int n = snprintf(next, sizeof(next), "%.*s/%s%s", tgt[0] == '/' ? 0 : (int)start,
				 want, tgt, want + end); /* want + end: "" or "/rest" */
		if (n < 0 || (size_t)n >= cap || (size_t)n >= sizeof(next))
			return -ENAMETOOLONG;
		memcpy(want, next, (size_t)n + 1);
		return 1;
	}
}

int hk_inroot_target(int root_fd, const char *path, bool file, struct hk_err *err)
{
	char want[HK_PATH_MAX];
	if (snprintf(want, sizeof(want), "%s", path) >= (int)sizeof(want))
		return hk_err_sys(err, -ENAMETOOLONG, "mount target '%s'", path);
	/* each round creates one component or follows one symlink */
	for (int hops = 0, round = 0; hops <= HOPS_MAX && round < 4 * HOPS_MAX; round++) {
		int fd = in_root(root_fd, want);
		if (fd >= 0)
			return fd;
		if (fd != -ENOENT)
			return hk_err_sys(err, fd, "mount target '%s'", path);
		int r = create_first_missing(root_fd, want, sizeof(want), file);
		if (r < 0 && r != -ENOENT)
			return hk_err_sys(err, r, "mount target '%s': create", path);
		hops += r != 0;
	}
	return hk_err_sys(err, -ELOOP, "mount target '%s'", path);
}

/* The tree just attached on path, replaced by a copy of itself made now: the kernel lists
 * mounts (mountinfo) by creation, and a tree opened before the container's init existed
 * would come before its /proc, /dev, ... whatever the order of the mounts asked for. A
 * kernel that cannot copy it keeps the tree. */
static int renew(int rfd, const char *path, bool file, struct hk_err *err)
{
	char at[40];
	_cleanup_close_ int top = hk_inroot_target(rfd, path, file, err);
	if (top < 0)
		return top;
	_cleanup_close_ int copy =
		(int)syscall(SYS_open_tree, top, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (copy < 0)
		return 0;
	snprintf(at, sizeof(at), "/proc/self/fd/%d", top);
	if (umount2(at, MNT_DETACH) < 0)
		return 0; /* the copy is dropped with its descriptor */
	_cleanup_close_ int t = hk_inroot_target(rfd, path, file, err);
	if (t < 0)
		return t;
	if (syscall(SYS_move_mount, copy, "", t, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return hk_err_sys(err, -errno, "mount again on '%s'", path);
	return 0;
}

int hk_inroot_bind(const char *root, const char *src, int src_fd, const char *path, bool ro,
		   bool file, bool in_order, struct hk_err *err)
{
	_cleanup_close_ int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return hk_err_sys(err, -errno, "rootfs '%s'", root);
	_cleanup_close_ int t = hk_inroot_target(rfd, path, file, err);
	if (t < 0)
		return t;
	if (src_fd >= 0) { /* a detached tree, already read-only if asked (userns.h) */
		if (syscall(SYS_move_mount, src_fd, "", t, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return hk_err_sys(err, -errno, "mount '%s' on '%s'", src, path);
		return in_order ? renew(rfd, path, file, err) : 0;
	}
	char at[40];
	snprintf(at, sizeof(at), "/proc/self/fd/%d", t);
	if (mount(src, at, NULL, MS_BIND | MS_REC, NULL) < 0)
		return hk_err_sys(err, -errno, "bind '%s' on '%s'", src, path);
	if (!ro)
		return 0;
	/* the descriptor names what lies under the new mount: open the path again for its top */
	_cleanup_close_ int m = hk_inroot_target(rfd, path, file, err);
	if (m < 0)
		return m;
	/* MS_REC is ignored by a bind remount: mount_setattr(AT_RECURSIVE) (Linux >= 5.12)
	 * also makes the submounts of an rbind read-only; remount is the fallback */
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return 0;
	snprintf(at, sizeof(at), "/proc/self/fd/%d", m);
	if (mount(NULL, at, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) < 0)
		return hk_err_sys(err, -errno, "read-only '%s'", path);
	return 0;
}
