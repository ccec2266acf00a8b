// SPDX-License-Identifier: MIT
#include "fstree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/cleanup.h"

#define OVL_OPAQUE "trusted.overlay.opaque"
#define OVL_PREFIX "trusted.overlay."

/* O_NOFOLLOW walk for kernels without openat2 (< 5.6): every component opened with
 * O_NOFOLLOW, ".." refused. */
static int open_walk(int dirfd, const char *path, int flags, mode_t mode)
{
	_cleanup_free_ char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	_cleanup_close_ int cur = -1;
	int at = dirfd;
	char *save = NULL, *c = strtok_r(p, "/", &save);
	while (c) {
		char *next = strtok_r(NULL, "/", &save);
		if (!strcmp(c, ".."))
			return -EXDEV;
		if (!strcmp(c, ".")) {
			c = next;
			continue;
		}
		int fd = next ? openat(at, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			      : openat(at, c, flags | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd < 0)
			return -errno;
		if (cur >= 0)
			close(cur);
		cur = at = fd;
		c = next;
	}
	if (cur < 0)
		return openat(dirfd, ".", flags | O_CLOEXEC, mode) < 0 ? -errno : -EINVAL;
	return TAKE_FD(cur);
}

int hk_open_beneath(int dirfd, const char *path, int flags, mode_t mode, bool no_symlinks)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
			   (no_symlinks ? RESOLVE_NO_SYMLINKS : 0),
	};
	if (!*path)
		path = ".";
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	if (errno == ENOSYS && no_symlinks)
		return open_walk(dirfd, path, flags, mode);
	return -errno;
}

int hk_open_regular_beneath(int dirfd, const char *path, bool no_symlinks, struct stat *ret_st)
{
	_cleanup_close_ int pfd = hk_open_beneath(dirfd, path, O_PATH, 0, no_symlinks);
	if (pfd < 0)
		return pfd;
	if (fstat(pfd, ret_st) < 0)
		return -errno;
	if (!S_ISREG(ret_st->st_mode))
		return -EBADMSG;
	char p[32];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", pfd);
	int fd = open(p, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	/* no /proc (rare): by name again, non-blocking, and it must be the inode checked above */
	struct stat st;
	fd = hk_open_beneath(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0, no_symlinks);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || st.st_dev != ret_st->st_dev || st.st_ino != ret_st->st_ino ||
	    fcntl(fd, F_SETFL, 0) < 0) {
		close(fd);
		return -EBADMSG;
	}
	return fd;
}

/* Name stack for the iterative removal: deep trees would otherwise need one fd per level. */
struct names {
	char **v;
	size_t n, cap;
};

static int names_push(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	if (!(s->v[s->n] = strdup(name)))
		return -ENOMEM;
	s->n++;
	return 0;
}

static void names_free(struct names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

/* Empty the directory fd (owned, closed on return). Iterative: descend by closing the
 * parent, ascend through "..", so the depth costs memory for names, not file descriptors. */
static int rm_walk(int fd)
{
	struct names stack = { 0 };
	int r = 0;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			if (errno) {
				r = -errno;
				break;
			}
			if (stack.n == 0)
				break;
			int up = openat(dirfd(d), "..",
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (up < 0) {
				r = -errno;
				break;
			}
			closedir(d);
			d = NULL;
			char *name = stack.v[--stack.n];
			if (unlinkat(up, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
				r = -errno;
			free(name);
			if (!(d = fdopendir(up))) {
				close(up);
				r = r ? r : -errno;
			}
			if (r)
				break;
			continue;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			r = -errno;
			break;
		}
		int sub = openat(dirfd(d), de->d_name,
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0) {
			r = -errno;
			break;
		}
		if ((r = names_push(&stack, de->d_name)) < 0) {
			close(sub);
			break;
		}
		closedir(d);
		if (!(d = fdopendir(sub))) {
			close(sub);
			r = -errno;
			break;
		}
	}
	if (d)
		closedir(d);
	names_free(&stack);
	return r;
}

int hk_rm_children(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return rm_walk(fd);
}

int hk_rm_rf_at(int dirfd, const char *name)
{
	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	int r = rm_walk(fd);
	if (r < 0)
		return r;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int hk_rm_rf(const char *path, struct hk_err *err)
{
	int r = hk_rm_rf_at(AT_FDCWD, path);
	if (r < 0)
		return hk_err_sys(err, r, "remove '%s'", path);
	return 0;
}

int hk_mkdir_p(const char *path, mode_t mode)
{
	/* the common case first: the parents (or the whole path) exist already */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	_cleanup_free_ char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- copy ------------------------------------------------------------------------- */

struct hl_ent {
	dev_t dev;
	ino_t ino;
	char *path; /* relative to the destination root */
};

struct copy_ctx {
	int dstroot;
	bool overlay;
	struct hl_ent *hl;
	size_t nhl, caphl;
	struct hk_err *err;
};

static int copy_xattrs(int sfd, int dfd, bool skip_overlay)
{
	char list[16384], val[65536];
	ssize_t n = flistxattr(sfd, list, sizeof(list));
	if (n < 0)
		return errno == ENOTSUP ? 0 : -errno;
	for (char *k = list; k < list + n; k += strlen(k) + 1) {
		if (skip_overlay && !strncmp(k, OVL_PREFIX, strlen(OVL_PREFIX)))
			continue;
		ssize_t v = fgetxattr(sfd, k, val, sizeof(val));
		if (v < 0)
			continue;
		if (fsetxattr(dfd, k, val, (size_t)v, 0) < 0 && errno != ENOTSUP && errno != EPERM)
			return -errno;
	}
	return 0;
}

/* Owner first: chown clears setuid/setgid, so the mode goes after it. */
static int copy_meta_fd(int sfd, int dfd, const struct stat *st, bool skip_overlay)
{
	if (geteuid() == 0 && fchown(dfd, st->st_uid, st->st_gid) < 0)
		return -errno;
	if (fchmod(dfd, st->st_mode & 07777) < 0)
		return -errno;
	int r = copy_xattrs(sfd, dfd, skip_overlay);
	if (r < 0)
		return r;
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	return futimens(dfd, ts) < 0 ? -errno : 0;
}

static int copy_data(int sfd, int dfd, off_t size)
{
	if (ioctl(dfd, FICLONE, sfd) == 0)
		return 0;
	off_t left = size;
	while (left > 0) {
		ssize_t n = copy_file_range(sfd, NULL, dfd, NULL, (size_t)left, 0);
		if (n < 0) {
			if (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP ||
			    errno == EINVAL)
				break;
			return -errno;
		}
		if (n == 0)
			return 0;
		left -= n;
	}
	char buf[65536];
	ssize_t n;
	while ((n = read(sfd, buf, sizeof(buf))) > 0)
		if (write(dfd, buf, (size_t)n) != n)
			return errno ? -errno : -EIO;
	return n < 0 ? -errno : 0;
}

static const char *hl_find(struct copy_ctx *c, const struct stat *st)
{
	for (size_t i = 0; i < c->nhl; i++)
		if (c->hl[i].dev == st->st_dev && c->hl[i].ino == st->st_ino)
			return c->hl[i].path;
	return NULL;
}

static int hl_add(struct copy_ctx *c, const struct stat *st, const char *rel)
{
	if (c->nhl == c->caphl) {
		size_t cap = c->caphl ? c->caphl * 2 : 64;
		struct hl_ent *v = realloc(c->hl, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->hl = v;
		c->caphl = cap;
	}
	char *p = strdup(rel);
	if (!p)
		return -ENOMEM;
	c->hl[c->nhl++] = (struct hl_ent){ st->st_dev, st->st_ino, p };
	return 0;
}

static int copy_file(struct copy_ctx *c, int sdir, int ddir, const char *name,
		     const struct stat *st, const char *rel)
{
	if (st->st_nlink > 1) {
		const char *first = hl_find(c, st);
		if (first)
			return linkat(c->dstroot, first, ddir, name, 0) < 0 ? -errno : 0;
	}
	struct stat now; /* a name swapped for a FIFO or a device since the walk is refused */
	_cleanup_close_ int sfd = hk_open_regular_beneath(sdir, name, true, &now);
	if (sfd < 0)
		return sfd;
	_cleanup_close_ int dfd =
		openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dfd < 0)
		return -errno;
	int r = copy_data(sfd, dfd, st->st_size);
	if (r == 0)
		r = copy_meta_fd(sfd, dfd, st, false);
	if (r == 0 && st->st_nlink > 1)
		r = hl_add(c, st, rel);
	return r;
}

static int copy_special(int sdir, int ddir, const char *name, const struct stat *st)
{
	if (S_ISLNK(st->st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (symlinkat(target, ddir, name) < 0)
			return -errno;
	} else if (S_ISSOCK(st->st_mode)) {
		return 0;
	} else if (mknodat(ddir, name, st->st_mode & (S_IFMT | 07777), st->st_rdev) < 0) {
		return -errno;
	}
	if (geteuid() == 0 && fchownat(ddir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!S_ISLNK(st->st_mode) && fchmodat(ddir, name, st->st_mode & 07777, 0) < 0)
		return -errno;
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	return utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int copy_dir(struct copy_ctx *c, int sdir, int ddir, const char *rel);

static int copy_subdir(struct copy_ctx *c, int sdir, int ddir, const char *name,
		       const struct stat *st, const char *rel)
{
	struct stat dst;
	bool exists = fstatat(ddir, name, &dst, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && !S_ISDIR(dst.st_mode)) {
		int r = hk_rm_rf_at(ddir, name);
		if (r < 0)
			return r;
		exists = false;
	}
	if (!exists && mkdirat(ddir, name, 0700) < 0)
		return -errno;
	_cleanup_close_ int s = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int d = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0 || d < 0)
		return -errno;
	if (exists && c->overlay) {
		char v[4];
		ssize_t n = fgetxattr(s, OVL_OPAQUE, v, sizeof(v));
		if (n == 1 && v[0] == 'y') {
			int r = hk_rm_children(d);
			if (r < 0)
				return r;
		}
	}
	int r = copy_dir(c, s, d, rel);
	return r < 0 ? r : copy_meta_fd(s, d, st, c->overlay);
}

DIR *hk_opendir_at(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return d;
}

static int copy_dir(struct copy_ctx *c, int sdir, int ddir, const char *rel)
{
	_cleanup_closedir_ DIR *d = hk_opendir_at(sdir, ".");
	if (!d)
		return -errno;
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		const char *name = de->d_name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		struct stat st;
		if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		_cleanup_free_ char *sub = NULL;
		if (asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", name) < 0)
			return -ENOMEM;
		int r;
		if (c->overlay && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
			r = hk_rm_rf_at(ddir, name);
		} else if (S_ISDIR(st.st_mode)) {
			r = copy_subdir(c, sdir, ddir, name, &st, sub);
		} else {
			r = hk_rm_rf_at(ddir, name);
			if (r == 0)
				r = S_ISREG(st.st_mode) ? copy_file(c, sdir, ddir, name, &st, sub)
							: copy_special(sdir, ddir, name, &st);
		}
		if (r < 0) {
			if (!c->err->msg[0])
				hk_err_sys(c->err, r, "copy '%s'", sub);
			return r;
		}
	}
	return errno ? -errno : 0;
}

int hk_tree_copy(int srcfd, int dstfd, bool overlay_layer, struct hk_err *err)
{
	struct copy_ctx c = { .dstroot = dstfd, .overlay = overlay_layer, .err = err };
	hk_err_clear(err);
	int r = copy_dir(&c, srcfd, dstfd, "");
	for (size_t i = 0; i < c.nhl; i++)
		free(c.hl[i].path);
	free(c.hl);
	if (r < 0 && !err->msg[0])
		hk_err_sys(err, r, "copy tree");
	return r;
}

bool hk_is_mountpoint(const char *path)
{
	struct statx sx;
	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
		return false;
	return sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT &&
	       sx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
}
