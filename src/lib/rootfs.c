// SPDX-License-Identifier: MIT
/*
 * The container's mounts, made by its init in its new mount namespace before pivot_root:
 *   / made rprivate first, so nothing mounted here propagates back to the host (the seed's
 *   --make-rslave lesson; private also keeps the host's later mounts out), the rootfs bound
 *   onto itself (pivot_root needs a mount point), /proc, /sys read-only, a minimal /dev on
 *   tmpfs (never the host's), /etc/{hostname,hosts,resolv.conf} bound from the run dir, the
 *   -v binds, then pivot_root.
 */
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"
#include "inroot.h"
#include "userns.h"

static int do_mount(const char *src, const char *dst, const char *fs, unsigned long fl,
		    const char *data, struct hk_err *err)
{
	if (mount(src, dst, fs, fl, data) < 0)
		return hk_err_sys(err, -errno, "mount %s on '%s'", fs ? fs : src ? src : "", dst);
	return 0;
}

/* Make sure a mount target exists: a directory, or an empty file for a file source. */
static int ensure_target(const char *dst, bool file, struct hk_err *err)
{
	struct stat st;
	if (lstat(dst, &st) == 0)
		return 0;
	char parent[HK_PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", dst);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = 0;
		int r = hk_mkdir_p(parent, 0755);
		if (r < 0)
			return hk_err_sys(err, r, "mkdir '%s'", parent);
	}
	if (!file) {
		if (mkdir(dst, 0755) < 0 && errno != EEXIST)
			return hk_err_sys(err, -errno, "mkdir '%s'", dst);
		return 0;
	}
	int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return hk_err_sys(err, -errno, "create '%s'", dst);
	close(fd);
	return 0;
}

static int bind(const char *src, const char *dst, bool ro, bool file, struct hk_err *err)
{
	int r = ensure_target(dst, file, err);
	if (r < 0)
		return r;
	r = do_mount(src, dst, NULL, MS_BIND | MS_REC, NULL, err);
	if (r < 0 || !ro)
		return r;
	/* MS_REC is ignored by a bind remount: only mount_setattr(AT_RECURSIVE) also makes the
	 * submounts of an rbind read-only (Linux >= 5.12); remount is the fallback */
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	if (mount_setattr(AT_FDCWD, dst, AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return 0;
	return do_mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL, err);
}

static int setup_dev(const char *root, bool tty, int pty_slave, struct hk_err *err)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} nodes[] = { { "null", 1, 3 },	   { "zero", 1, 5 }, { "full", 1, 7 },
		      { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 } };
	char dev[HK_PATH_MAX], p[HK_PATH_MAX + 64];
	snprintf(dev, sizeof(dev), "%s/dev", root);
	int r = ensure_target(dev, false, err);
	if (r == 0)
		r = do_mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k",
			     err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < HK_ARRAY_SIZE(nodes); i++) {
		snprintf(p, sizeof(p), "%s/%s", dev, nodes[i].name);
		if (mknod(p, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) < 0) {
			/* in a user namespace mknod is refused: bind the host's node */
			char host[64];
			if (errno != EPERM)
				return hk_err_sys(err, -errno, "mknod '%s'", p);
			snprintf(host, sizeof(host), "/dev/%s", nodes[i].name);
			r = bind(host, p, false, true, err);
			if (r < 0)
				return r;
			continue;
		}
		chmod(p, 0666); /* umask */
	}
	snprintf(p, sizeof(p), "%s/pts", dev);
	mkdir(p, 0755);
	r = do_mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620", err);
	if (r < 0)
		return r;
	static const char *const links[][2] = { { "pts/ptmx", "ptmx" },
						{ "/proc/self/fd", "fd" },
						{ "/proc/self/fd/0", "stdin" },
						{ "/proc/self/fd/1", "stdout" },
						{ "/proc/self/fd/2", "stderr" } };
	for (size_t i = 0; i < HK_ARRAY_SIZE(links); i++) {
		snprintf(p, sizeof(p), "%s/%s", dev, links[i][1]);
		if (symlink(links[i][0], p) < 0)
			return hk_err_sys(err, -errno, "symlink '%s'", p);
	}
	snprintf(p, sizeof(p), "%s/shm", dev);
	mkdir(p, 01777);
	r = do_mount("shm", p, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k",
		     err);
	if (r < 0)
		return r;
	snprintf(p, sizeof(p), "%s/mqueue", dev);
	mkdir(p, 0755);
	r = do_mount("mqueue", p, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
	if (r < 0)
		return r;
	if (tty && pty_slave >= 0) {
		/* by path: the fd's mount is the caller's mount namespace's, not ours (EINVAL) */
		char fdp[64], src[HK_PATH_MAX] = "";
		snprintf(fdp, sizeof(fdp), "/proc/self/fd/%d", pty_slave);
		ssize_t k = readlink(fdp, src, sizeof(src) - 1);
		if (k <= 0)
			return hk_err_sys(err, -errno, "readlink '%s'", fdp);
		src[k] = 0;
		snprintf(p, sizeof(p), "%s/console", dev);
		r = bind(src, p, false, true, err);
	}
	return r;
}

/* RUN/<id>/{hostname,hosts,resolv.conf} onto the rootfs's /etc, resolved inside the rootfs
 * (inroot.h): a symlinked /etc cannot aim them at the host. */
static int setup_etc(const struct hk_ct_spec *spec, const char *root, struct hk_err *err)
{
	static const char *const files[] = { "hostname", "hosts", "resolv.conf" };
	_cleanup_close_ int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return hk_err_sys(err, -errno, "rootfs '%s'", root);
	_cleanup_close_ int etc = hk_inroot_target(rfd, "/etc", false, err);
	if (etc < 0)
		return etc;
	for (size_t i = 0; i < HK_ARRAY_SIZE(files); i++) {
		char src[HK_PATH_MAX], dst[32];
		snprintf(src, sizeof(src), "%s/%s", spec->rundir, files[i]);
		snprintf(dst, sizeof(dst), "/etc/%s", files[i]);
		/* a symlink there (resolv.conf -> ../run/...): replace it by a file */
		struct stat st;
		if (fstatat(etc, files[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			unlinkat(etc, files[i], 0);
		int r = hk_inroot_bind(root, src, hk_userns_src_fd(spec->userns, src), dst, false,
				       true, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int pivot(const char *root, struct hk_err *err)
{
	_cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (oldroot < 0)
		return hk_err_sys(err, -errno, "open '/'");
	if (chdir(root) < 0)
		return hk_err_sys(err, -errno, "chdir '%s'", root);
	/* pivot_root(".", "."): the old root ends up stacked under the new one, then is
	 * detached; no directory for it is needed inside the rootfs. */
	if (syscall(SYS_pivot_root, ".", ".") == 0) {
		if (fchdir(oldroot) < 0)
			return hk_err_sys(err, -errno, "fchdir old root");
		if (mount(NULL, ".", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
		    umount2(".", MNT_DETACH) < 0)
			return hk_err_sys(err, -errno, "detach the old root");
		if (chdir("/") < 0)
			return hk_err_sys(err, -errno, "chdir '/'");
		return 0;
	}
	/* Fallback, only where pivot_root cannot work: the host's root is the initramfs
	 * (rootfs), which cannot be pivoted away (EINVAL). Move the rootfs over / and chroot. */
	if (errno != EINVAL)
		return hk_err_sys(err, -errno, "pivot_root '%s'", root);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return hk_err_sys(err, -errno, "chroot '%s' (pivot_root fallback)", root);
	return 0;
}

int hk_rootfs_setup(const struct hk_ct_spec *spec, struct hk_err *err)
{
	const char *root = spec->rootfs;
	char p[HK_PATH_MAX], fdroot[64];
	int r = do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err);
	if (r == 0) /* --userns: the tree the parent opened, then reached as /proc/self/fd/N */
		r = hk_userns_mount_root(spec->userns, root, fdroot, sizeof(fdroot), err);
	if (r == 1)
		root = fdroot;
	else if (r == 0)
		r = do_mount(root, root, NULL, MS_BIND | MS_REC, NULL, err);
	if (r < 0)
		return r;
	snprintf(p, sizeof(p), "%s/proc", root);
	r = ensure_target(p, false, err);
	if (r == 0)
		r = do_mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
	if (r < 0)
		return r;
	snprintf(p, sizeof(p), "%s/sys", root);
	r = ensure_target(p, false, err);
	if (r < 0)
		return r;
	unsigned long sysfl = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
	/* sysfs belongs to a network namespace; sharing the host's (--net host/netns:) it
	 * cannot be mounted anew: bind the host's read-only instead */
	if (mount("sysfs", p, "sysfs", sysfl, NULL) < 0) {
		r = bind("/sys", p, true, false, err);
		if (r < 0)
			return r;
	}
	r = setup_dev(root, spec->tty, spec->pty_slave, err);
	if (r == 0)
		r = setup_etc(spec, root, err);
	for (size_t i = 0; r == 0 && i < spec->nmounts; i++) {
		struct stat st;
		const char *src = spec->mounts[i].host;
		int fd = hk_userns_src_fd(spec->userns, src);
		if ((fd >= 0 ? fstat(fd, &st) : stat(src, &st)) < 0)
			return hk_err_sys(err, -errno, "volume '%s'", src);
		/* resolved inside the rootfs: a symlink there cannot aim the bind out (inroot.h) */
		r = hk_inroot_bind(root, src, fd, spec->mounts[i].ct, spec->mounts[i].ro,
				   !S_ISDIR(st.st_mode), err);
	}
	if (r < 0)
		return r;
	return pivot(root, err);
}

int hk_nsbase_hold(const char *dir, struct hk_err *err)
{
	int r = hk_mkdir_p(dir, 0700);
	if (r < 0)
		return hk_err_sys(err, r, "mkdir '%s'", dir);
	/* the lock is on the directory's inode, the same below and on top of its self-bind */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hk_err_sys(err, -errno, "open '%s'", dir);
	if (flock(fd, LOCK_SH) < 0) {
		r = hk_err_sys(err, -errno, "lock '%s'", dir);
		close(fd);
		return r;
	}
	/* already a mount of its own: only make sure it is private (a second bind would stack) */
	if (!hk_is_mountpoint(dir))
		r = do_mount(dir, dir, NULL, MS_BIND, NULL, err);
	if (r == 0)
		r = do_mount(NULL, dir, NULL, MS_PRIVATE, NULL, err);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

void hk_nsbase_release(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* a run between hk_nsbase_hold and its namespaces being bound keeps it */
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || !hk_is_mountpoint(dir))
		return;
	_cleanup_closedir_ DIR *d = hk_opendir_at(fd, ".");
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return; /* a container's namespaces are still there */
	if (d)
		umount2(dir, MNT_DETACH | UMOUNT_NOFOLLOW);
}

static const char *const ns_names[] = { "ipc", "uts", "net", "pid", "cgroup", "mnt", "user" };

int hk_ns_persist(pid_t pid, const char *nsdir, bool with_net, bool with_user,
		  struct hk_err *err)
{
	int r = hk_mkdir_p(nsdir, 0700);
	if (r < 0)
		return hk_err_sys(err, r, "mkdir '%s'", nsdir);
	/* nsdir becomes a mount of its own holding the nsfs binds, so hk_ns_unpersist() takes
	 * them all away with one umount (each umount waits for an RCU grace period) */
	r = do_mount(nsdir, nsdir, NULL, MS_BIND, NULL, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < HK_ARRAY_SIZE(ns_names); i++) {
		if (!with_net && !strcmp(ns_names[i], "net"))
			continue;
		if (!with_user && !strcmp(ns_names[i], "user")) /* --userns only */
			continue;
		char src[64], dst[HK_PATH_MAX];
		snprintf(src, sizeof(src), "/proc/%d/ns/%s", (int)pid, ns_names[i]);
		snprintf(dst, sizeof(dst), "%s/%s", nsdir, ns_names[i]);
		int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
		if (fd < 0)
			return hk_err_sys(err, -errno, "create '%s'", dst);
		close(fd);
		r = do_mount(src, dst, NULL, MS_BIND, NULL, err);
		/* Kernel 6.18 here refuses, now and then, to bind a mount namespace file with
		 * EINVAL (its loop check) although the namespace is newer than ours. The mount
		 * namespace lives as long as the init anyway: exec then joins it through
		 * /proc/<init>/ns/mnt (nsjoin.c). */
		if (r == -EINVAL && !strcmp(ns_names[i], "mnt")) {
			unlink(dst);
			hk_err_clear(err);
			r = 0;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int hk_ns_unpersist(const char *nsdir, struct hk_err *err)
{
	int ret = 0;
	/* the binds and nsdir's own mount at once (hk_ns_persist); the loop below then finds
	 * nothing mounted, or undoes what an older layout left */
	while (umount2(nsdir, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		;
	for (size_t i = 0; i < HK_ARRAY_SIZE(ns_names); i++) {
		char p[HK_PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", nsdir, ns_names[i]);
		while (umount2(p, MNT_DETACH) == 0)
			;
		if (unlink(p) < 0 && errno != ENOENT && !ret)
			ret = hk_err_sys(err, -errno, "remove '%s'", p);
	}
	if (rmdir(nsdir) < 0 && errno != ENOENT && !ret)
		ret = hk_err_sys(err, -errno, "remove '%s'", nsdir);
	return ret;
}
