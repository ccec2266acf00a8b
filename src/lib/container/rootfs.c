// SPDX-License-Identifier: MIT
/*
 * The container's mounts, made by its init in its new mount namespace before pivot_root:
 *   / made rprivate first, so nothing mounted here propagates back to the host (the seed's
 *   --make-rslave lesson; private also keeps the host's later mounts out); the rootfs as
 *   the detached tree the parent cloned from the directory it opened and checked once
 *   (hk_rootfs_open), moved onto the container's run directory; /proc, /sys read-only, a
 *   minimal /dev on a fresh tmpfs (never the host's), /etc/{hostname,hosts,resolv.conf}
 *   from the run dir, the -v binds, then pivot_root.
 * An OCI container that shares its creator's mount namespace (no "mount" in its config)
 * gets the same mounts under its rootfs tree, on RUN/<id>/root there, then a chroot.
 * Nothing is looked up by a rootfs path: every step goes through the tree's fd and the fds
 * of its directories; /proc, /sys and /dev must be directories (a symlink is refused) and
 * every other target is resolved inside the root (inroot.h). Whoever can write the rootfs
 * or its parents cannot swap what hako mounts on.
 */
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cglimits.h"
#include "ctsec.h"
#include "fstree.h"
#include "inroot.h"
#include "netns.h"
#include "userns.h"

static int do_mount(const char *src, const char *dst, const char *fs, unsigned long fl,
		    const char *data, struct hk_err *err)
{
	if (mount(src, dst, fs, fl, data) < 0)
		return hk_err_sys(err, -errno, "mount %s on '%s'", fs ? fs : src ? src : "", dst);
	return 0;
}

/* "/proc/self/fd/N" for a descriptor: a mount target or source without a second lookup. */
#define FD_PATH(buf, fd) (snprintf((buf), sizeof(buf), "/proc/self/fd/%d", (fd)), (buf))

/* name (one component) in the directory rfd as a mount point: a directory, created when
 * missing; a symlink there is refused, whatever it points to (finding 14 of the review:
 * /proc, /sys, /dev must be the container's own). O_PATH fd or negative errno. */
static int mount_point(int rfd, const char *name, struct hk_err *err)
{
	struct stat st;
	if (fstatat(rfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			return hk_err_sys(err, -errno, "/%s", name);
		if (mkdirat(rfd, name, 0755) < 0 && errno != EEXIST)
			return hk_err_sys(err, -errno, "mkdir /%s", name);
	} else if (S_ISLNK(st.st_mode)) {
		return hk_err_set(err, -ELOOP,
				  "/%s is a symbolic link: refused (a rootfs's /%s "
				  "must be a directory)",
				  name, name);
	}
	int fd = openat(rfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hk_err_sys(err, -errno, "/%s", name);
	return fd;
}

/* A detached tree of a host path (trusted: hako's own choice), moved onto the fd target. */
static int bind_tree(const char *src, int target, bool ro, struct hk_err *err)
{
	_cleanup_close_ int t = (int)syscall(SYS_open_tree, AT_FDCWD, src,
					     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (t < 0)
		return hk_err_sys(err, -errno, "open_tree '%s'", src);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	if (ro && mount_setattr(t, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return hk_err_sys(err, -errno, "read-only '%s'", src);
	if (move_mount(t, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return hk_err_sys(err, -errno, "bind '%s'", src);
	return 0;
}

/* A fresh filesystem (fsopen/fsmount) on the fd target; its root as an fd (ret_root) when
 * asked. */
static int new_fs(const char *type, const char *const *opts, unsigned attrs, int target,
		  int *ret_root, struct hk_err *err)
{
	_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return hk_err_sys(err, -errno, "fsopen %s", type);
	for (const char *const *o = opts; o && *o; o += 2)
		if (fsconfig(fs, o[1] ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o[0], o[1], 0) < 0)
			return hk_err_sys(err, -errno, "%s: option %s", type, o[0]);
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return hk_err_sys(err, -errno, "mount %s", type);
	int m = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (m < 0)
		return hk_err_sys(err, -errno, "mount %s", type);
	if (move_mount(m, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int e = -errno;
		close(m);
		return hk_err_sys(err, e, "attach %s", type);
	}
	if (ret_root)
		*ret_root = m;
	else
		close(m);
	return 0;
}

/* The parent's node for devices[i] (a user namespace), or -1: mknod here. */
static int dev_tree(const struct hk_userns *trees, size_t i)
{
	return trees && i < trees->ndev ? trees->dev_fd[i] : -1;
}

/* d's node at name in dir (an existing node of the same device is kept): made with mknod,
 * or in a user namespace (tree >= 0: the parent's node, spawn.c) that tree moved onto an
 * empty file. Nothing is followed: a symbolic link there is refused. */
static int place_device(int dir, const char *name, const struct hk_ct_device *d, int tree,
			struct hk_err *err)
{
	struct stat st;
	if (tree >= 0) {
		_cleanup_close_ int f = openat(
			dir, name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0000);
		if (f < 0 && errno == EEXIST &&
		    (f = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
		    (fstat(f, &st) < 0 || S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode)))
			return hk_err_set(err, -EEXIST, "device '%s': something else is there",
					  d->path);
		if (f < 0)
			return hk_err_sys(err, -errno, "device '%s': create", d->path);
		if (move_mount(tree, "", f, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
		    0)
			return hk_err_sys(err, -errno, "device '%s': bind the node", d->path);
		return 0;
	}
	dev_t rdev = makedev(d->major, d->minor);
	if (mknodat(dir, name, d->type | d->mode, rdev) < 0) {
		int e = errno;
		if (e != EEXIST || fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    (st.st_mode & S_IFMT) != d->type || (d->type != S_IFIFO && st.st_rdev != rdev))
			return e == EEXIST
				       ? hk_err_set(err, -EEXIST,
						    "device '%s': something else is there", d->path)
				       : hk_err_sys(err, -e, "device '%s': mknod", d->path);
	}
	if (fchownat(dir, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(dir, name, d->mode, 0) < 0) /* the umask */
		return hk_err_sys(err, -errno, "device '%s': owner and mode", d->path);
	return 0;
}

/* One of linux.devices under the fresh /dev (its fd dev): the directories on the way made
 * there (a symlink is never followed), the node replacing one of hako's of that name. */
static int make_device(int dev, const struct hk_ct_device *d, int tree, struct hk_err *err)
{
	char rel[HK_PATH_MAX];
	snprintf(rel, sizeof(rel), "%s", d->path + strlen("/dev/"));
	_cleanup_close_ int dir = fcntl(dev, F_DUPFD_CLOEXEC, 3);
	char *name = rel;
	for (char *slash; dir >= 0 && (slash = strchr(name, '/')); name = slash + 1) {
		*slash = 0;
		if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
			return hk_err_sys(err, -errno, "device '%s': mkdir", d->path);
		int sub = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		dir = sub;
	}
	if (dir < 0)
		return hk_err_sys(err, -errno, "device '%s'", d->path);
	unlinkat(dir, name, 0); /* hako's own node of that name, if any */
	return place_device(dir, name, d, tree, err);
}

/* One of linux.devices outside /dev, in the rootfs (before it is made read-only): its
 * directory resolved, and made, inside the root (inroot.h: a symbolic link on the way
 * stays inside it), the node placed there without following anything. */
static int root_device(int rfd, const struct hk_ct_device *d, int tree, struct hk_err *err)
{
	char parent[HK_PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", d->path);
	char *slash = strrchr(parent, '/'), *name = slash + 1;
	*slash = 0;
	_cleanup_close_ int dir = parent[0] ? hk_inroot_target(rfd, parent, false, err)
					    : fcntl(rfd, F_DUPFD_CLOEXEC, 3);
	if (dir < 0)
		return parent[0] ? hk_err_prefix(err, "device '%s'", d->path)
				 : hk_err_sys(err, -errno, "device '%s'", d->path);
	struct stat st;
	if (fstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return hk_err_set(err, -ENOTDIR, "device '%s': '%s' is not a directory", d->path,
				  parent);
	return place_device(dir, name, d, tree, err);
}

/* A minimal /dev on a fresh tmpfs: everything below is made relative to its root fd, so
 * nothing in the rootfs (or a concurrent change to it) can redirect a node or a mount. */
static int setup_dev(int rfd, const struct hk_ct_spec *spec, const struct hk_userns *trees,
		     bool tty, int pty_slave, struct hk_err *err)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} nodes[] = { { "null", 1, 3 },	  { "zero", 1, 5 },    { "full", 1, 7 },
		      { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 } };
	static const char *const tmpfs_opts[] = { "source", "tmpfs",  "mode", "755",
						  "size",   "65536k", NULL };
	char p[64];
	_cleanup_close_ int target = mount_point(rfd, "dev", err), dev = -1;
	if (target < 0)
		return target;
	int r = new_fs("tmpfs", tmpfs_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, target, &dev,
		       err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < HK_ARRAY_SIZE(nodes); i++) {
		const char *n = nodes[i].name;
		if (mknodat(dev, n, S_IFCHR | 0666, makedev(nodes[i].maj, nodes[i].min)) == 0) {
			fchmodat(dev, n, 0666, 0); /* umask */
			continue;
		}
		/* in a user namespace mknod is refused: bind the host's node */
		if (errno != EPERM)
			return hk_err_sys(err, -errno, "mknod /dev/%s", n);
		_cleanup_close_ int f =
			openat(dev, n, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (f < 0)
			return hk_err_sys(err, -errno, "create /dev/%s", n);
		char host[32];
		snprintf(host, sizeof(host), "/dev/%s", n);
		r = bind_tree(host, f, false, err);
		if (r < 0)
			return r;
	}
	static const char *const links[][2] = { { "pts/ptmx", "ptmx" },
						{ "/proc/self/fd", "fd" },
						{ "/proc/self/fd/0", "stdin" },
						{ "/proc/self/fd/1", "stdout" },
						{ "/proc/self/fd/2", "stderr" } };
	for (size_t i = 0; i < HK_ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0)
			return hk_err_sys(err, -errno, "symlink /dev/%s", links[i][1]);
	static const struct {
		const char *dir, *type, *src, *data;
		unsigned long flags;
		mode_t mode;
	} subs[] = {
		{ "pts", "devpts", "devpts", "newinstance,ptmxmode=0666,mode=0620",
		  MS_NOSUID | MS_NOEXEC, 0755 },
		{ "shm", "tmpfs", "shm", "mode=1777,size=65536k", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  01777 },
		{ "mqueue", "mqueue", "mqueue", NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC, 0755 },
	};
	char shm[64]; /* --shm-size */
	snprintf(shm, sizeof(shm), "mode=1777,size=%lldk",
		 spec->shm_size > 0 ? (long long)((spec->shm_size + 1023) / 1024) : 65536LL);
	for (size_t i = 0; i < HK_ARRAY_SIZE(subs); i++) {
		if (mkdirat(dev, subs[i].dir, subs[i].mode) < 0)
			return hk_err_sys(err, -errno, "mkdir /dev/%s", subs[i].dir);
		_cleanup_close_ int d =
			openat(dev, subs[i].dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d < 0)
			return hk_err_sys(err, -errno, "/dev/%s", subs[i].dir);
		if (mount(subs[i].src, FD_PATH(p, d), subs[i].type, subs[i].flags,
			  !strcmp(subs[i].dir, "shm") ? shm : subs[i].data) < 0)
			return hk_err_sys(err, -errno, "mount %s on /dev/%s", subs[i].type,
					  subs[i].dir);
	}
	for (size_t i = 0; i < spec->ndevices; i++)
		if (!strncmp(spec->devices[i].path, "/dev/", 5) &&
		    (r = make_device(dev, &spec->devices[i], dev_tree(trees, i), err)) < 0)
			return r;
	if (tty && pty_slave >= 0) {
		/* by path: the fd's mount is the caller's mount namespace's, not ours (EINVAL) */
		char src[HK_PATH_MAX] = "";
		ssize_t k = readlink(FD_PATH(p, pty_slave), src, sizeof(src) - 1);
		if (k <= 0)
			return hk_err_sys(err, -errno, "readlink '%s'", p);
		src[k] = 0;
		_cleanup_close_ int f =
			openat(dev, "console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (f < 0)
			return hk_err_sys(err, -errno, "create /dev/console");
		r = bind_tree(src, f, false, err);
	}
	return r;
}

/* RUN/<id>/{hostname,hosts,resolv.conf} onto the rootfs's /etc, resolved inside the rootfs
 * (inroot.h): a symlinked /etc cannot aim them at the host. */
static int setup_etc(const struct hk_ct_spec *spec, const struct hk_userns *trees, const char *root,
		     struct hk_err *err)
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
		/* hako's own files, in no list whose order mountinfo must keep: not re-made
		 * (which would cost an umount each, an RCU grace period, on every start) */
		int r = hk_inroot_bind(root, src, hk_userns_src_fd(trees, src), dst, false, true,
				       false, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A tmpfs on path, resolved inside the root (inroot.h). */
static int tmpfs_at(int rfd, const char *path, const struct hk_ct_tmpfs *t, struct hk_err *err)
{
	char p[64];
	_cleanup_close_ int fd = hk_inroot_target(rfd, path, false, err);
	if (fd < 0)
		return fd;
	if (mount("tmpfs", FD_PATH(p, fd), "tmpfs", t->flags, t->data[0] ? t->data : NULL) < 0)
		return hk_err_sys(err, -errno, "mount tmpfs on '%s' (options '%s')", path, t->data);
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

/* /sys/fs/cgroup as the container's cgroup namespace sees it (spec->cgroup_mount): on a v1
 * or hybrid host a tmpfs with each hierarchy of /proc/self/mountinfo mounted under its own
 * name (and the hybrid v2 tree as "unified"), on a pure v2 host the v2 tree itself. Made
 * after the init joined its cgroup and unshared its cgroup namespace, so each mount's root
 * is the container's cgroup, as runc and crun make it. */
static int cgroup_fs(int rfd, bool rw, struct hk_err *err)
{
	char p[64];
	/* from the root: the walk crosses the sysfs just mounted on sys */
	_cleanup_close_ int cg = openat(rfd, "sys/fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return hk_err_sys(err, -errno, "/sys/fs/cgroup");
	unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC | (rw ? 0 : MS_RDONLY);
	const struct hk_cg_mount *m;
	int n = hk_cgroup_mounts(&m, err);
	if (n < 0)
		return n;
	bool v1 = false, v2 = false;
	for (int i = 0; i < n; i++) {
		v1 |= !m[i].v2;
		v2 |= m[i].v2;
	}
	if (!v1) {
		if (v2 && mount("cgroup2", FD_PATH(p, cg), "cgroup2", fl, NULL) < 0)
			return hk_err_sys(err, -errno, "mount cgroup2 on /sys/fs/cgroup");
		return 0;
	}
	if (mount("tmpfs", FD_PATH(p, cg), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") <
	    0)
		return hk_err_sys(err, -errno, "mount a tmpfs on /sys/fs/cgroup");
	_cleanup_close_ int dir = openat(rfd, "sys/fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return hk_err_sys(err, -errno, "/sys/fs/cgroup");
	int r = 0;
	for (int i = 0; r == 0 && i < n; i++) {
		/* each hierarchy mounted at /sys/fs/cgroup/NAME, with its superblock's options
		 * but rw/ro (the controllers, name=...) */
		const char *mp = m[i].mp, *fs = m[i].v2 ? "cgroup2" : "cgroup";
		if (strncmp(mp, "/sys/fs/cgroup/", 15) || strchr(mp + 15, '/'))
			continue;
		const char *name = mp + 15;
		char sopts[512], data[512] = "";
		snprintf(sopts, sizeof(sopts), "%s", m[i].opts);
		size_t len = 0;
		for (char *save = NULL, *t = strtok_r(sopts, ",", &save); t;
		     t = strtok_r(NULL, ",", &save))
			if (strcmp(t, "rw") && strcmp(t, "ro") && len < sizeof(data))
				len += (size_t)snprintf(data + len, sizeof(data) - len, "%s%s",
							len ? "," : "", t);
		if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST) {
			r = hk_err_sys(err, -errno, "/sys/fs/cgroup/%s", name);
			break;
		}
		_cleanup_close_ int d =
			openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d < 0 || mount(fs, FD_PATH(p, d), fs, fl, m[i].v2 ? NULL : data) < 0)
			r = hk_err_sys(err, -errno, "mount %s (%s) on /sys/fs/cgroup/%s", fs, data,
				       name);
	}
	if (r == 0 && !rw &&
	    mount(NULL, FD_PATH(p, dir), NULL,
		  MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
		r = hk_err_sys(err, -errno, "remount /sys/fs/cgroup read-only");
	return r;
}

int hk_cgroup_trees(const struct hk_ct_spec *spec, struct hk_userns *u, struct hk_err *err)
{
	const struct hk_cg_mount *m;
	int n = hk_cgroup_mounts(&m, err), r = n < 0 ? n : 0;
	for (int i = 0; r == 0 && i < n; i++) {
		char path[HK_PATH_MAX];
		const char *mp = m[i].mp;
		const char *name = !strcmp(mp, "/sys/fs/cgroup")	 ? ""
				   : !strncmp(mp, "/sys/fs/cgroup/", 15) ? mp + 15
									 : NULL;
		if (!name || strchr(name, '/') || strlen(name) >= sizeof(u->cg[0].name))
			continue;
		if (u->ncg == HK_USERNS_CG_MAX) {
			r = hk_err_set(err, -E2BIG, "/sys/fs/cgroup: more than %d hierarchies",
				       HK_USERNS_CG_MAX);
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", mp, spec->cgroup);
		int fd = (int)syscall(SYS_open_tree, AT_FDCWD, path,
				      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
		if (fd < 0 && errno == ENOENT)
			continue; /* a hierarchy the container has no cgroup of its own in */
		if (fd < 0) {
			r = hk_err_sys(err, -errno, "cgroup mount: open_tree '%s'", path);
			break;
		}
		struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
		if (!spec->cgroup_mount_rw &&
		    mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0) {
			r = hk_err_sys(err, -errno, "cgroup mount: read-only '%s'", path);
			close(fd);
			break;
		}
		snprintf(u->cg[u->ncg].name, sizeof(u->cg[0].name), "%s", name);
		u->cg[u->ncg++].fd = fd;
	}
	return r;
}

/* The config's cgroup mount in a user namespace: the trees hk_cgroup_trees opened, each on
 * its hierarchy's name in a tmpfs at /sys/fs/cgroup (read-only unless rw), or a v2-only
 * host's one tree on /sys/fs/cgroup itself. */
static int cgroup_trees_attach(int rfd, const struct hk_userns *u, bool rw, struct hk_err *err)
{
	char p[64];
	_cleanup_close_ int cg = openat(rfd, "sys/fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return hk_err_sys(err, -errno, "/sys/fs/cgroup");
	const int mv = MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH;
	if (u->ncg == 1 && !u->cg[0].name[0]) {
		if (move_mount(u->cg[0].fd, "", cg, "", mv) < 0)
			return hk_err_sys(err, -errno, "attach the cgroup tree on /sys/fs/cgroup");
		return 0;
	}
	if (mount("tmpfs", FD_PATH(p, cg), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") <
	    0)
		return hk_err_sys(err, -errno, "mount a tmpfs on /sys/fs/cgroup");
	_cleanup_close_ int dir = openat(rfd, "sys/fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return hk_err_sys(err, -errno, "/sys/fs/cgroup");
	for (size_t i = 0; i < u->ncg; i++) {
		const char *name = u->cg[i].name;
		if (!name[0])
			continue;
		if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
			return hk_err_sys(err, -errno, "/sys/fs/cgroup/%s", name);
		_cleanup_close_ int d =
			openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d < 0 || move_mount(u->cg[i].fd, "", d, "", mv) < 0)
			return hk_err_sys(err, -errno,
					  "attach the cgroup tree on /sys/fs/cgroup/%s", name);
	}
	if (!rw && mount(NULL, FD_PATH(p, dir), NULL,
			 MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
		return hk_err_sys(err, -errno, "remount /sys/fs/cgroup read-only");
	return 0;
}

int hk_rootfs_setup(const struct hk_ct_spec *spec, const struct hk_userns *trees,
		    struct hk_err *err)
{
	char root[64], p[64];
	/* the creator's mount namespace (spec->ns_share): its propagation is not ours to
	 * change; everything below is made under the rootfs tree, detached at the end */
	bool own_mnt = !(spec->ns_share & (1u << HK_CT_NS_MNT));
	int r = own_mnt ? do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err) : 0;
	/* the rootfs tree the parent opened (once, from the checked fd) onto the run dir; from
	 * here on the root is reached only through that tree's fd */
	if (r == 0)
		r = hk_userns_mount_root(trees, spec->rundir, root, sizeof(root), err);
	if (r < 0)
		return r;
	_cleanup_close_ int rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return hk_err_sys(err, -errno, "open the rootfs tree");
	_cleanup_close_ int proc = mount_point(rfd, "proc", err), sys = -1;
	if (proc < 0)
		return proc;
	r = do_mount("proc", FD_PATH(p, proc), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err);
	if (r < 0)
		return hk_err_prefix(err, "/proc");
	/* in the order runc's default config lists them: /proc, /dev (pts, shm, mqueue), /sys */
	r = setup_dev(rfd, spec, trees, spec->tty, spec->pty_slave, err);
	if (r < 0)
		return r;
	sys = mount_point(rfd, "sys", err);
	if (sys < 0)
		return sys;
	unsigned long sysfl = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
	/* sysfs belongs to a network namespace; sharing the host's (--net host/netns:) it
	 * cannot be mounted anew: bind the host's read-only instead */
	if (mount("sysfs", FD_PATH(p, sys), "sysfs", sysfl, NULL) < 0) {
		r = bind_tree("/sys", sys, true, err);
		if (r < 0)
			return r;
	} else if (spec->cgroup_mount && !hk_ct_cgroup_binds(spec) &&
		   (r = cgroup_fs(rfd, spec->cgroup_mount_rw, err)) < 0) {
		return r;
	} else if (spec->cgroup_mount && hk_ct_cgroup_binds(spec) &&
		   (r = cgroup_trees_attach(rfd, trees, spec->cgroup_mount_rw, err)) < 0) {
		return r;
	}
	r = setup_etc(spec, trees, root, err);
	for (size_t i = 0; r == 0 && i < spec->nmounts; i++) {
		struct stat st;
		const char *src = spec->mounts[i].host;
		if (spec->mounts[i].tmpfs) {
			r = tmpfs_at(rfd, spec->mounts[i].ct, spec->mounts[i].tmpfs, err);
			continue;
		}
		size_t nth = 0; /* the same source bound before: its own tree */
		for (size_t k = 0; k < i; k++)
			nth += !spec->mounts[k].tmpfs && !strcmp(spec->mounts[k].host, src);
		int fd = hk_userns_src_fd_nth(trees, src, nth);
		if (fd < 0 || fstat(fd, &st) < 0)
			return hk_err_sys(err, fd < 0 ? -EBADF : -errno, "volume '%s'", src);
		/* resolved inside the rootfs: a symlink there cannot aim the bind out (inroot.h) */
		r = hk_inroot_bind(root, src, fd, spec->mounts[i].ct, spec->mounts[i].ro,
				   !S_ISDIR(st.st_mode), true, err);
	}
	if (r == 0 && spec->notify_dir) { /* sd_notify's directory, after the mounts (crun) */
		char src[HK_PATH_MAX];
		snprintf(src, sizeof(src), "%s/%s", spec->rundir, HK_CT_NOTIFY_DIR);
		int fd = hk_userns_src_fd_nth(trees, src, 0);
		r = fd < 0 ? hk_err_set(err, -EBADF, "'%s': not opened", src)
			   : hk_inroot_bind(root, src, fd, spec->notify_dir, true, false, false,
					    err);
		if (r < 0)
			hk_err_prefix(err, "NOTIFY_SOCKET: %s", spec->notify_dir);
	}
	/* linux.devices outside /dev: after the mounts (as runc and crun), in the root */
	for (size_t i = 0; r == 0 && i < spec->ndevices; i++)
		if (strncmp(spec->devices[i].path, "/dev/", 5))
			r = root_device(rfd, &spec->devices[i], dev_tree(trees, i), err);
	if (r == 0 && own_mnt)
		r = pivot(root, err);
	else if (r == 0 && (chdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0))
		r = hk_err_sys(err, -errno, "chroot into the rootfs tree");
	if (r == 0 && spec->root_propagation)
		r = do_mount(NULL, "/", NULL, MS_REC | spec->root_propagation, NULL, err);
	return r;
}

static int open_once(const char *path, int flags, struct hk_err *err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC | flags,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	if (errno == ELOOP)
		return hk_err_set(err, -ELOOP,
				  "'%s' changed into a symbolic link while hako "
				  "was starting (refused)",
				  path);
	return hk_err_sys(err, -errno, "'%s'", path);
}

int hk_rootfs_open(const char *path, struct hk_err *err)
{
	int fd = open_once(path, O_DIRECTORY, err);
	if (fd < 0)
		return fd;
	struct stat st, host;
	if (fstat(fd, &st) < 0 || stat("/", &host) < 0) {
		int e = -errno;
		close(fd);
		return hk_err_sys(err, e, "'%s'", path);
	}
	if (st.st_dev == host.st_dev && st.st_ino == host.st_ino) {
		close(fd);
		return hk_err_set(err, -EINVAL, "the host's / cannot be a rootfs");
	}
	return fd;
}

int hk_bindsrc_open(const char *path, struct hk_err *err)
{
	return open_once(path, 0, err);
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

bool hk_nsbase_release_but(const char *dir, const char *going)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* a run between hk_nsbase_hold and its namespaces being bound keeps it */
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || !hk_is_mountpoint(dir))
		return false;
	_cleanup_closedir_ DIR *d = hk_opendir_at(fd, ".");
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    (!going || strcmp(de->d_name, going)))
			return false; /* a container's namespaces are still there */
	/* detached with everything mounted under it (going's namespaces): one umount, one
	 * RCU grace period, for both */
	return d && umount2(dir, MNT_DETACH | UMOUNT_NOFOLLOW) == 0;
}

void hk_nsbase_release(const char *dir)
{
	hk_nsbase_release_but(dir, NULL);
}

static const char *const ns_names[] = { "ipc", "uts", "net", "pid", "cgroup", "mnt", "user" };

int hk_ns_persist(pid_t pid, const char *nsdir, bool with_net, bool with_user, struct hk_err *err)
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

int hk_ns_persist_lazy(const char *nsdir, const char *netns_name, struct hk_err *err)
{
	int r = hk_mkdir_p(nsdir, 0700);
	if (r < 0)
		return hk_err_sys(err, r, "mkdir '%s'", nsdir);
	if (!netns_name)
		return 0;
	char dst[HK_PATH_MAX], target[HK_PATH_MAX];
	snprintf(dst, sizeof(dst), "%s/net", nsdir);
	snprintf(target, sizeof(target), "%s/%s", HK_NETNS_DIR, netns_name);
	if (symlink(target, dst) < 0)
		return hk_err_sys(err, -errno, "symlink '%s'", dst);
	return 0;
}

int hk_ns_lazy_rename(const char *nsdir, const char *netns_name, struct hk_err *err)
{
	char dst[HK_PATH_MAX], tmp[HK_PATH_MAX + 8], target[HK_PATH_MAX];
	snprintf(dst, sizeof(dst), "%s/net", nsdir);
	struct stat st;
	if (lstat(dst, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0; /* bound (hk_ns_persist), or none */
	snprintf(tmp, sizeof(tmp), "%s/net.new", nsdir);
	snprintf(target, sizeof(target), "%s/%s", HK_NETNS_DIR, netns_name);
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, dst) < 0) {
		int e = -errno;
		unlink(tmp);
		return hk_err_sys(err, e, "symlink '%s'", dst);
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
		/* NOFOLLOW: net may be a symlink to the netns name (hk_ns_persist_lazy) */
		while (umount2(p, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			;
		if (unlink(p) < 0 && errno != ENOENT && !ret)
			ret = hk_err_sys(err, -errno, "remove '%s'", p);
	}
	if (rmdir(nsdir) < 0 && errno != ENOENT && !ret)
		ret = hk_err_sys(err, -errno, "remove '%s'", nsdir);
	return ret;
}
