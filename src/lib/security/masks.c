// SPDX-License-Identifier: MIT
/* Masked and read-only paths (Docker's defaults), applied relative to a root directory fd. */
#include "masks.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"

const char *const hk_masks_default_masked[] = {
	"/proc/acpi",
	"/proc/asound",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/sys/firmware",
	"/sys/devices/virtual/powercap",
	NULL,
};

const char *const hk_masks_default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* Open path (absolute in the container) under root_fd as an O_PATH fd, never leaving the
 * root. *ret_fd = -1 when it does not exist. */
static int resolve(int root_fd, const char *path, int *ret_fd, struct hk_err *err)
{
	const char *rel = path;
	*ret_fd = -1;
	if (path[0] != '/')
		return hk_err_usage(err, "'%s': want an absolute path", path);
	while (*rel == '/')
		rel++;
	if (!*rel)
		return hk_err_usage(err, "'%s': refusing to cover the root", path);

	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) /* before 5.6: at least do not follow a final link */
		fd = openat(root_fd, rel, O_PATH | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return hk_err_sys(err, -errno, "'%s': open", path);
	}
	*ret_fd = fd;
	return 0;
}

/* The file masks are bound from: it must really be the null device. */
static int check_null(struct hk_err *err)
{
	struct stat st;
	if (stat("/dev/null", &st) < 0)
		return hk_err_sys(err, -errno, "/dev/null");
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
		return hk_err_set(err, -EINVAL, "/dev/null is not the null device (1:3)");
	return 0;
}

int hk_mask_path(int root_fd, const char *path, struct hk_err *err)
{
	_cleanup_close_ int fd = -1;
	char target[64];
	struct stat st;
	int r = resolve(root_fd, path, &fd, err);
	if (r < 0 || fd < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return hk_err_sys(err, -errno, "mask '%s': stat", path);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (S_ISDIR(st.st_mode)) {
		r = mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "mode=0555");
	} else {
		r = check_null(err);
		if (r < 0)
			return hk_err_prefix(err, "mask '%s'", path);
		r = mount("/dev/null", target, NULL, MS_BIND, NULL);
	}
	if (r < 0)
		return hk_err_sys(err, -errno, "mask '%s': mount", path);
	return 0;
}

/* The flags a bind remount must repeat, from what the mount has now. */
static unsigned long kept_flags(int fd)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_NOSUID, MS_NOSUID },	    { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC },	    { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME },   { ST_RELATIME, MS_RELATIME },
		{ ST_SYNCHRONOUS, MS_SYNCHRONOUS },
	};
	struct statvfs sv;
	unsigned long fl = 0;
	if (fstatvfs(fd, &sv) < 0)
		return 0;
	for (size_t i = 0; i < HK_ARRAY_SIZE(map); i++)
		if (sv.f_flag & map[i].st)
			fl |= map[i].ms;
	return fl;
}

/* The new mount API (5.12+): a copy of the tree at fd, made read-only (submounts too) while
 * detached, then put on top of fd. Three calls and no path walks, where the bind and the
 * remount below need two more lookups and two walks through /proc/self/fd. 1: not
 * available here (nothing was changed). */
static int readonly_clone(int fd)
{
	_cleanup_close_ int t =
		(int)syscall(SYS_open_tree, fd, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (t < 0)
		return errno == ENOSYS ? 1 : -errno;
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
	if (syscall(SYS_mount_setattr, t, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
		return errno == ENOSYS ? 1 : -errno; /* the detached copy goes with t */
	if (syscall(SYS_move_mount, t, "", fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

int hk_readonly_path(int root_fd, const char *path, struct hk_err *err)
{
	_cleanup_close_ int fd = -1, top = -1;
	char target[64];
	int r = resolve(root_fd, path, &fd, err);
	if (r < 0 || fd < 0)
		return r;
	r = readonly_clone(fd);
	if (r < 0)
		return hk_err_sys(err, r, "read-only '%s'", path);
	if (r == 0)
		return 0;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return hk_err_sys(err, -errno, "read-only '%s': bind", path);
	/* fd still names the mount underneath; the remount must hit the new bind on top. */
	r = resolve(root_fd, path, &top, err);
	if (r < 0)
		return hk_err_prefix(err, "read-only");
	if (top < 0)
		return hk_err_set(err, -ENOENT, "read-only '%s': gone after the bind", path);
	snprintf(target, sizeof(target), "/proc/self/fd/%d", top);
	unsigned long fl = MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(top);
	if (mount(NULL, target, NULL, fl, NULL) < 0)
		return hk_err_sys(err, -errno, "read-only '%s': remount", path);
	return 0;
}

int hk_masks_apply(int root_fd, const struct hk_masks *m, struct hk_err *err)
{
	for (const char *const *p = m->masked; p && *p; p++) {
		int r = hk_mask_path(root_fd, *p, err);
		if (r < 0)
			return r;
	}
	for (const char *const *p = m->readonly; p && *p; p++) {
		int r = hk_readonly_path(root_fd, *p, err);
		if (r < 0)
			return r;
	}
	return 0;
}
