// SPDX-License-Identifier: MIT
/* Writing one archive entry beneath the target directory fd, whiteouts, and the deferred
 * directory modes (see hkarchive.h for the rules). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "archive_int.h"
#include "base/cleanup.h"
#include "fstree.h"

#define OVL_OPAQUE "trusted.overlay.opaque"

/* ---- writing entries ---------------------------------------------------------------- */

static void split(const char *rel, char *dir, const char **base)
{
	const char *sl = strrchr(rel, '/');
	if (!sl) {
		dir[0] = '\0';
		*base = rel;
		return;
	}
	memcpy(dir, rel, (size_t)(sl - rel));
	dir[sl - rel] = '\0';
	*base = sl + 1;
}

void hk_ax_drop_parent(struct xctx *x)
{
	if (x->pfd >= 0 && x->pfd != x->root)
		close(x->pfd);
	x->pfd = -1;
	x->pdir[0] = '\0';
}

static bool created(struct xctx *x, const char *rel)
{
	return x->o.whiteouts == HK_WHITEOUT_APPLY && hk_ax_set_has(&x->created, rel);
}

static int note_created(struct xctx *x, const char *rel)
{
	if (x->o.whiteouts != HK_WHITEOUT_APPLY)
		return 0;
	return hk_ax_set_put(&x->created, rel) < 0 ? hk_err_set(x->err, -ENOMEM, "out of memory")
						   : 0;
}

/* Open dir (relative) component by component with O_NOFOLLOW, creating what is missing.
 * When applying a layer onto a lower tree, a lower non-directory in the way is replaced by
 * a directory (what overlayfs shows); one this archive created is not: writing through a
 * symlink the archive itself planted is the classic escape. */
static int walk_parent(struct xctx *x, const char *dir, bool create)
{
	char pre[PATH_MAX];
	size_t o = 0;
	int cur = x->root;
	const char *p = dir;
	while (*p) {
		const char *e = strchrnul(p, '/');
		memcpy(pre + o, p, (size_t)(e - p));
		o += (size_t)(e - p);
		pre[o] = '\0';
		const char *c = pre + o - (e - p);
		int fd = openat(cur, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && (errno == ENOTDIR || errno == ELOOP) &&
		    x->o.whiteouts == HK_WHITEOUT_APPLY && !created(x, pre)) {
			if (unlinkat(cur, c, 0) == 0)
				errno = ENOENT;
		}
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(cur, c, 0755) < 0 && errno != EEXIST)
				goto fail;
			if (note_created(x, pre) < 0)
				goto fail_quiet;
			fd = openat(cur, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0)
			goto fail;
		if (cur != x->root)
			close(cur);
		cur = fd;
		if (*e)
			pre[o++] = '/';
		p = *e ? e + 1 : e;
	}
	x->pfd = cur;
	snprintf(x->pdir, sizeof(x->pdir), "%s", dir);
	return 0;
fail:;
	int r = errno == ENOTDIR ? -ELOOP : -errno;
	if (cur != x->root)
		close(cur);
	if (r == -ENOENT && !create)
		return r;
	if (r == -ELOOP) {
		x->bad_input = true;
		return hk_err_set(
			x->err, r,
			"entry '%.300s': refused: '%.300s' is a symlink or not a directory",
			x->cur ? x->cur : pre, pre);
	}
	return hk_ax_sys(x, r, pre, "open parent directory");
fail_quiet:
	if (cur != x->root)
		close(cur);
	return -ENOMEM;
}

/* Make x->pfd the directory dir (relative; "" is the root). */
static int get_parent(struct xctx *x, const char *dir, bool create)
{
	if (x->pfd >= 0 && !strcmp(x->pdir, dir))
		return 0;
	hk_ax_drop_parent(x);
	if (!*dir) {
		x->pfd = x->root;
		return 0;
	}
	int fd = hk_open_beneath(x->root, dir, O_PATH | O_DIRECTORY, 0, true);
	if (fd >= 0) {
		x->pfd = fd;
		snprintf(x->pdir, sizeof(x->pdir), "%s", dir);
		return 0;
	}
	return walk_parent(x, dir, create);
}

static bool xattr_ok(const char *k)
{
	if (!strncmp(k, "trusted.overlay.", 16))
		return false;
	return !strncmp(k, "user.", 5) || !strncmp(k, "security.", 9) ||
	       !strncmp(k, "trusted.", 8) || !strncmp(k, "system.posix_acl_", 17);
}

static int set_xattrs(struct xctx *x, struct archive_entry *e, int fd, const char *rel)
{
	if (x->o.no_xattrs || archive_entry_xattr_reset(e) == 0)
		return 0;
	const char *k;
	const void *v;
	size_t n;
	while (archive_entry_xattr_next(e, &k, &v, &n) == ARCHIVE_OK) {
		if (!xattr_ok(k))
			continue;
		/* Unsupported here (EOPNOTSUPP), not ours to set (EPERM), or an invalid label
		 * for this system (EINVAL): the file is still right, skip the attribute. */
		if (fsetxattr(fd, k, v, n, 0) < 0 && errno != EOPNOTSUPP && errno != EPERM &&
		    errno != EINVAL)
			return hk_ax_sys(x, -errno, rel, "set xattr");
	}
	return 0;
}

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	} else {
		ts[0] = ts[1];
	}
}

/* Owner before mode: chown clears setuid/setgid. */
static int meta_fd(struct xctx *x, struct archive_entry *e, int fd, const char *rel, bool mode)
{
	if (x->chown && fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
		return hk_ax_sys(x, -errno, rel, "chown");
	if (mode && fchmod(fd, archive_entry_perm(e) & 07777) < 0)
		return hk_ax_sys(x, -errno, rel, "chmod");
	int r = set_xattrs(x, e, fd, rel);
	if (r < 0 || !mode)
		return r;
	struct timespec ts[2];
	entry_times(e, ts);
	return futimens(fd, ts) < 0 ? hk_ax_sys(x, -errno, rel, "set times") : 0;
}

static int meta_at(struct xctx *x, struct archive_entry *e, const char *base, const char *rel,
		   bool mode)
{
	if (x->chown && fchownat(x->pfd, base, (uid_t)archive_entry_uid(e),
				 (gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
		return hk_ax_sys(x, -errno, rel, "chown");
	/* set-id and sticky bits mean nothing on a device node: dropped */
	mode_t t = archive_entry_filetype(e);
	mode_t keep = t == AE_IFCHR || t == AE_IFBLK ? 0777 : 07777;
	if (mode && fchmodat(x->pfd, base, archive_entry_perm(e) & keep, 0) < 0)
		return hk_ax_sys(x, -errno, rel, "chmod");
	struct timespec ts[2];
	entry_times(e, ts);
	if (utimensat(x->pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return hk_ax_sys(x, -errno, rel, "set times");
	return 0;
}

/* Something already has this name: a directory entry merges into a directory; anything
 * else replaces it (the later entry wins, as with tar). */
static int clear_name(struct xctx *x, const char *base, const char *rel, bool want_dir,
		      bool *ret_merge)
{
	struct stat st;
	*ret_merge = false;
	if (fstatat(x->pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : hk_ax_sys(x, -errno, rel, "stat");
	if (want_dir && S_ISDIR(st.st_mode)) {
		*ret_merge = true;
		return 0;
	}
	int r = hk_rm_rf_at(x->pfd, base);
	if (r < 0)
		return hk_ax_sys(x, r, rel, "replace existing entry");
	return 0;
}

static int write_data(struct xctx *x, int fd, struct archive_entry *e, const char *rel)
{
	const void *buf;
	size_t n;
	la_int64_t off;
	int64_t end = 0;
	int r;
	while ((r = archive_read_data_block(x->tar, &buf, &n, &off)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *p = buf;
		while (n > 0) {
			ssize_t w = pwrite(fd, p, n, off);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return hk_ax_sys(x, -errno, rel, "write");
			}
			p += w;
			off += w;
			n -= (size_t)w;
		}
		if (off > end)
			end = off;
	}
	if (r != ARCHIVE_EOF)
		return hk_ax_archive_fail(x, x->tar, rel);
	if (archive_entry_size(e) > end && ftruncate(fd, archive_entry_size(e)) < 0)
		return hk_ax_sys(x, -errno, rel, "truncate");
	return 0;
}

static int do_file(struct xctx *x, struct archive_entry *e, const char *base, const char *rel)
{
	int fd = openat(x->pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		bool merge;
		int r = clear_name(x, base, rel, false, &merge);
		if (r < 0)
			return r;
		fd = openat(x->pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
	}
	if (fd < 0)
		return hk_ax_sys(x, -errno, rel, "create file");
	_cleanup_close_ int f = fd;
	int r = write_data(x, f, e, rel);
	return r < 0 ? r : meta_fd(x, e, f, rel, true);
}

static int defer_dir(struct xctx *x, struct archive_entry *e, const char *rel)
{
	if (x->ndirs == x->capdirs) {
		size_t cap = x->capdirs ? x->capdirs * 2 : 256;
		struct dmeta *v = realloc(x->dirs, cap * sizeof(*v));
		if (!v)
			return hk_err_set(x->err, -ENOMEM, "out of memory");
		x->dirs = v;
		x->capdirs = cap;
	}
	struct dmeta *d = &x->dirs[x->ndirs];
	if (!(d->path = strdup(rel)))
		return hk_err_set(x->err, -ENOMEM, "out of memory");
	d->mode = archive_entry_perm(e) & 07777;
	entry_times(e, d->ts);
	x->ndirs++;
	return 0;
}

/* Directories get their mode and times after everything inside them was written: a 0555
 * directory must still take its children, and each child changes the mtime. */
int hk_ax_finish_dirs(struct xctx *x)
{
	for (size_t i = 0; i < x->ndirs; i++) { /* in order: a repeated entry wins */
		struct dmeta *d = &x->dirs[i];
		int fd = hk_open_beneath(x->root, d->path, O_RDONLY | O_DIRECTORY, 0, true);
		/* Removed or replaced by a later entry or whiteout: nothing to finish. */
		if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP)
			continue;
		if (fd < 0)
			return hk_ax_sys(x, fd, d->path, "open directory");
		int r = fchmod(fd, d->mode) < 0 || futimens(fd, d->ts) < 0 ? -errno : 0;
		close(fd);
		if (r < 0)
			return hk_ax_sys(x, r, d->path, "set directory mode");
	}
	return 0;
}

static int do_dir(struct xctx *x, struct archive_entry *e, const char *base, const char *rel)
{
	if (!*rel) { /* the archive's "." */
		int r = meta_fd(x, e, x->root, ".", false);
		return r < 0 ? r : defer_dir(x, e, rel);
	}
	if (mkdirat(x->pfd, base, 0700) < 0) {
		if (errno != EEXIST)
			return hk_ax_sys(x, -errno, rel, "create directory");
		bool merge;
		int r = clear_name(x, base, rel, true, &merge);
		if (r < 0)
			return r;
		if (!merge && mkdirat(x->pfd, base, 0700) < 0)
			return hk_ax_sys(x, -errno, rel, "create directory");
	}
	_cleanup_close_ int fd =
		openat(x->pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hk_ax_sys(x, -errno, rel, "open directory");
	int r = meta_fd(x, e, fd, rel, false);
	return r < 0 ? r : defer_dir(x, e, rel);
}

static int make_node(struct xctx *x, const char *base, const char *rel, mode_t mode, dev_t dev,
		     const char *target)
{
	for (int tries = 0; tries < 2; tries++) {
		int r = target ? symlinkat(target, x->pfd, base) : mknodat(x->pfd, base, mode, dev);
		if (r == 0)
			return 0;
		if (errno != EEXIST || tries)
			break;
		bool merge;
		if ((r = clear_name(x, base, rel, false, &merge)) < 0)
			return r;
	}
	return hk_ax_sys(x, -errno, rel, target ? "create symlink" : "create node");
}

static int do_hardlink(struct xctx *x, const char *link, const char *base, const char *rel)
{
	char t[PATH_MAX], tdir[PATH_MAX];
	const char *tbase;
	if (hk_archive_path_clean(link, t, sizeof(t), x->err) < 0) {
		x->bad_input = true;
		return hk_err_prefix(x->err, "entry '%.300s': hardlink target", rel);
	}
	if (!*t)
		return hk_ax_fail(x, -EINVAL, rel, "hardlink to the root refused");
	split(t, tdir, &tbase);
	int tfd = *tdir ? hk_open_beneath(x->root, tdir, O_PATH | O_DIRECTORY, 0, true) : x->root;
	if (tfd < 0)
		return hk_ax_sys(x, tfd, rel, "hardlink target directory");
	int r = 0;
	for (int tries = 0; tries < 2; tries++) {
		if (linkat(tfd, tbase, x->pfd, base, 0) == 0) {
			r = 0;
			break;
		}
		r = -errno;
		if (r == -ENOENT) {
			hk_ax_fail(x, r, rel, "hardlink target is not in the archive");
			hk_err_prefix(x->err, "hardlink to '%.300s'", t);
			break;
		}
		if (r != -EEXIST || tries) {
			hk_ax_sys(x, r, rel, "hardlink");
			break;
		}
		bool merge;
		if ((r = clear_name(x, base, rel, false, &merge)) < 0)
			break;
	}
	if (tfd != x->root)
		close(tfd);
	return r;
}

/* ---- whiteouts ---------------------------------------------------------------------- */

/* HK_WHITEOUT_APPLY, opaque dir: remove what the lower layers have under fd (relative rel),
 * keeping what this layer created, and descending into directories this layer merged. */
static int prune_lower(struct xctx *x, int fd, const char *rel)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return hk_ax_sys(x, -errno, rel, "open opaque directory");
	_cleanup_closedir_ DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return hk_ax_sys(x, -errno, rel, "open opaque directory");
	}
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char sub[PATH_MAX];
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		int r = 0;
		if (!hk_ax_set_has(&x->created, sub)) {
			r = hk_rm_rf_at(dirfd(d), de->d_name);
		} else if (de->d_type == DT_DIR) {
			_cleanup_close_ int c =
				openat(dirfd(d), de->d_name,
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = c < 0 ? -errno : prune_lower(x, c, sub);
		}
		if (r < 0)
			return x->err->msg[0] ? r : hk_ax_sys(x, r, sub, "opaque directory");
	}
	return 0;
}

static int do_opaque(struct xctx *x, const char *dir, const char *rel)
{
	int r = get_parent(x, dir, true);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = openat(x->pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return hk_ax_sys(x, -errno, rel, "open opaque directory");
	if (x->o.whiteouts == HK_WHITEOUT_APPLY)
		return prune_lower(x, fd, dir);
	if (fsetxattr(fd, OVL_OPAQUE, "y", 1, 0) < 0)
		return hk_ax_sys(x, -errno, rel,
				 "set " OVL_OPAQUE " (overlay whiteouts need root)");
	return 0;
}

static int do_whiteout(struct xctx *x, const char *dir, const char *target, const char *rel)
{
	char victim[PATH_MAX];
	snprintf(victim, sizeof(victim), "%s%s%s", dir, *dir ? "/" : "", target);
	bool overlay = x->o.whiteouts == HK_WHITEOUT_OVERLAY;
	int r = get_parent(x, dir, true);
	if (r < 0)
		return r;
	struct stat st;
	bool exists = fstatat(x->pfd, target, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!overlay) {
		/* Same-layer entries are never hidden by the layer's own whiteouts. */
		if (!exists || created(x, victim))
			return 0;
		r = hk_rm_rf_at(x->pfd, target);
		return r < 0 ? hk_ax_sys(x, r, victim, "whiteout") : 0;
	}
	if (exists) /* this layer has the name itself: it wins over its own whiteout */
		return 0;
	if (mknodat(x->pfd, target, S_IFCHR | 0, makedev(0, 0)) < 0)
		return hk_ax_sys(x, -errno, rel, "create overlay whiteout (needs root)");
	return 0;
}

/* ---- the entry loop ----------------------------------------------------------------- */

int hk_ax_entry(struct xctx *x, struct archive_entry *e, const char *rel)
{
	char dir[PATH_MAX];
	const char *base, *target;
	split(rel, dir, &base);
	if (*rel && x->o.whiteouts != HK_WHITEOUT_NONE) {
		switch (hk_whiteout_parse(base, &target)) {
		case HK_WH_FILE:
			return do_whiteout(x, dir, target, rel);
		case HK_WH_OPAQUE:
			return do_opaque(x, dir, rel);
		case HK_WH_META:
			return 0;
		case HK_WH_INVALID:
			return hk_ax_fail(x, -EINVAL, rel, "invalid whiteout name");
		case HK_WH_NONE:
			break;
		}
	}
	mode_t type = archive_entry_filetype(e);
	const char *link = archive_entry_hardlink(e);
	/* Other device nodes are kept, as Docker keeps them: the container's device rules
	 * decide what opens (meta_at drops their set-id and sticky bits). */
	if (!link && type == AE_IFCHR && archive_entry_rdev(e) == makedev(0, 0))
		return hk_ax_fail(x, -EINVAL, rel,
				  "char 0:0 device node refused (overlayfs takes it for a whiteout:"
				  " an archive says .wh.NAME)");
	if (!*rel)
		return type == AE_IFDIR ? do_dir(x, e, base, rel) : 0;
	int r = get_parent(x, dir, true);
	if (r < 0)
		return r;
	if ((r = note_created(x, rel)) < 0)
		return r;
	if (link)
		return do_hardlink(x, link, base, rel);
	switch (type) {
	case AE_IFREG:
		return do_file(x, e, base, rel);
	case AE_IFDIR:
		return do_dir(x, e, base, rel);
	case AE_IFLNK: {
		const char *t = archive_entry_symlink(e);
		if (!t || !*t)
			return hk_ax_fail(x, -EINVAL, rel, "symlink without a target");
		r = make_node(x, base, rel, 0, 0, t);
		return r < 0 ? r : meta_at(x, e, base, rel, false);
	}
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		r = make_node(x, base, rel, type | 0600, archive_entry_rdev(e), NULL);
		return r < 0 ? r : meta_at(x, e, base, rel, true);
	default: /* sockets and unknown types: tar cannot restore them meaningfully */
		return 0;
	}
}
