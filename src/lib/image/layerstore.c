// SPDX-License-Identifier: MIT
#include "layerstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"

#define COPY_MARK "hako-copy"

struct hk_layerstore {
	char *top; /* STATE/layers */
	char *tmp; /* STATE/layers/tmp */
	int sha;   /* STATE/layers/sha256 */
	int tmpfd; /* STATE/layers/tmp */
	int locks; /* STATE/layers/locks */
};

void hk_layerstore_close(struct hk_layerstore *ls)
{
	if (!ls)
		return;
	hk_closep(&ls->sha);
	hk_closep(&ls->tmpfd);
	hk_closep(&ls->locks);
	free(ls->top);
	free(ls->tmp);
	free(ls);
}

static int open_sub(struct hk_layerstore *ls, const char *name, int *ret, struct hk_err *err)
{
	if (mkdirat(AT_FDCWD, name, 0700) < 0 && errno != EEXIST)
		return hk_err_sys(err, -errno, "create '%s'", name);
	if ((*ret = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return hk_err_sys(err, -errno, "open '%s'", name);
	(void)ls;
	return 0;
}

int hk_layerstore_open(const char *state_dir, struct hk_layerstore **ret, struct hk_err *err)
{
	struct hk_layerstore *ls = calloc(1, sizeof(*ls));
	if (!ls)
		return hk_err_set(err, -ENOMEM, "out of memory");
	ls->sha = ls->tmpfd = ls->locks = -1;
	char p[PATH_MAX];
	int r = 0;
	if (asprintf(&ls->top, "%s/layers", state_dir) < 0 ||
	    asprintf(&ls->tmp, "%s/layers/tmp", state_dir) < 0) {
		ls->top = ls->tmp = NULL;
		r = hk_err_set(err, -ENOMEM, "out of memory");
	}
	if (r == 0 && (r = hk_mkdir_p(ls->top, 0700)) < 0)
		hk_err_sys(err, r, "create '%s'", ls->top);
	if (r == 0 && snprintf(p, sizeof(p), "%s/sha256", ls->top) > 0)
		r = open_sub(ls, p, &ls->sha, err);
	if (r == 0)
		r = open_sub(ls, ls->tmp, &ls->tmpfd, err);
	if (r == 0 && snprintf(p, sizeof(p), "%s/locks", ls->top) > 0)
		r = open_sub(ls, p, &ls->locks, err);
	if (r == 0 && snprintf(p, sizeof(p), "%s/empty", ls->top) > 0 && mkdir(p, 0755) < 0 &&
	    errno != EEXIST)
		r = hk_err_sys(err, -errno, "create '%s'", p);
	if (r < 0) {
		hk_layerstore_close(ls);
		return hk_err_prefix(err, "layer store");
	}
	*ret = ls;
	return 0;
}

const char *hk_layerstore_tmpdir(const struct hk_layerstore *ls)
{
	return ls->tmp;
}

int hk_layerstore_path(const struct hk_layerstore *ls, const char *diff_id, char *buf, size_t len)
{
	if (hk_digest_check(diff_id, NULL) < 0)
		return -EINVAL;
	snprintf(buf, len, "%s/sha256/%s", ls->top, hk_digest_hex(diff_id));
	struct stat st;
	return fstatat(ls->sha, hk_digest_hex(diff_id), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			       S_ISDIR(st.st_mode)
		       ? 0
		       : -ENOENT;
}

/* flock locks/<hex>; retry when the holder unlinked the file under us. */
static int lock_layer(struct hk_layerstore *ls, const char *hex, struct hk_err *err)
{
	for (;;) {
		int fd = openat(ls->locks, hex, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return hk_err_sys(err, -errno, "lock layer %s", hex);
		if (flock(fd, LOCK_EX) < 0) {
			int r = -errno;
			close(fd);
			return hk_err_sys(err, r, "lock layer %s", hex);
		}
		struct stat a, b;
		if (fstat(fd, &a) == 0 && fstatat(ls->locks, hex, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
}

static void unlock_layer(struct hk_layerstore *ls, const char *hex, int fd)
{
	if (fd < 0)
		return;
	unlinkat(ls->locks, hex, 0);
	close(fd);
}

static bool stored(struct hk_layerstore *ls, const char *hex)
{
	struct stat st;
	return fstatat(ls->sha, hex, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* A fresh, flock'ed directory under tmp/ (the lock tells hk_layerstore_clean it is live). */
static int tmp_dir(struct hk_layerstore *ls, const char *prefix, char name[64], int *ret_fd,
		   struct hk_err *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s-XXXXXX", ls->tmp, prefix);
	if (!mkdtemp(path))
		return hk_err_sys(err, -errno, "create a directory in '%s'", ls->tmp);
	snprintf(name, 64, "%s", strrchr(path, '/') + 1);
	int fd = openat(ls->tmpfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0 || fchmod(fd, 0755) < 0) {
		int r = hk_err_sys(err, -errno, "open '%s'", path);
		if (fd >= 0)
			close(fd);
		hk_rm_rf_at(ls->tmpfd, name);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

/* Move tmp/<name> to sha256/<hex> (under the layer's lock). 0 stored, 1 already there. */
static int publish(struct hk_layerstore *ls, const char *name, const char *hex, struct hk_err *err)
{
	if (renameat2(ls->tmpfd, name, ls->sha, hex, RENAME_NOREPLACE) == 0)
		return 0;
	int r = -errno;
	hk_rm_rf_at(ls->tmpfd, name);
	if (r == -EEXIST)
		return 1;
	return hk_err_sys(err, r, "store layer %s", hex);
}

int hk_layerstore_import_fd(struct hk_layerstore *ls, int fd, const char *name,
			    const struct hk_extract_opts *opts, char ret_diff_id[HK_DIGEST_MAX],
			    struct hk_extract_result *ret_res, struct hk_err *err)
{
	struct hk_extract_opts o = opts ? *opts : (struct hk_extract_opts){ 0 };
	struct hk_extract_result res = { 0 };
	o.whiteouts = HK_WHITEOUT_OVERLAY;
	int lock = -1, r;
	char hex[HK_SHA256_HEX + 1] = "";
	if (o.expect_diff_id) {
		if (hk_digest_check(o.expect_diff_id, err) < 0)
			return err->code;
		snprintf(hex, sizeof(hex), "%.64s", hk_digest_hex(o.expect_diff_id));
		if ((lock = lock_layer(ls, hex, err)) < 0)
			return lock;
		if (stored(ls, hex)) {
			unlock_layer(ls, hex, lock);
			snprintf(ret_diff_id, HK_DIGEST_MAX, "%s", o.expect_diff_id);
			if (ret_res)
				*ret_res = res;
			return 1;
		}
	}
	char tname[64];
	_cleanup_close_ int tfd = -1;
	if ((r = tmp_dir(ls, "imp", tname, &tfd, err)) < 0) {
		unlock_layer(ls, hex, lock);
		return r;
	}
	r = hk_archive_extract_fd(fd, tfd, name, &o, &res, err);
	if (r == 0 && lock < 0) {
		snprintf(hex, sizeof(hex), "%.64s", hk_digest_hex(res.diff_id));
		r = lock = lock_layer(ls, hex, err);
	}
	if (r >= 0)
		r = publish(ls, tname, hex, err);
	else
		hk_rm_rf_at(ls->tmpfd, tname);
	unlock_layer(ls, hex, lock);
	if (r < 0)
		return r;
	snprintf(ret_diff_id, HK_DIGEST_MAX, "%s", res.diff_id);
	if (ret_res)
		*ret_res = res;
	return r;
}

int hk_layerstore_import_dir(struct hk_layerstore *ls, const char *dir,
			     char ret_diff_id[HK_DIGEST_MAX], struct hk_err *err)
{
	_cleanup_close_ int src = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return hk_err_sys(err, -errno, "open '%s'", dir);
	char tname[64];
	_cleanup_close_ int tfd = -1;
	int r = tmp_dir(ls, "dir", tname, &tfd, err);
	if (r < 0)
		return r;
	struct stat st;
	struct hk_tar_opts o = { .digest_only = true, .xattrs = true };
	struct hk_tar_result res;
	if ((r = hk_tree_copy(src, tfd, false, err)) == 0 && fstat(src, &st) == 0)
		fchmod(tfd, st.st_mode & 07777);
	if (r == 0)
		r = hk_archive_write_dir(tfd, -1, &o, &res, err);
	if (r < 0) {
		hk_rm_rf_at(ls->tmpfd, tname);
		return hk_err_prefix(err, "add '%s'", dir);
	}
	const char *hex = hk_digest_hex(res.diff_id);
	int lock = lock_layer(ls, hex, err);
	if (lock < 0) {
		hk_rm_rf_at(ls->tmpfd, tname);
		return lock;
	}
	r = publish(ls, tname, hex, err);
	unlock_layer(ls, hex, lock);
	if (r >= 0)
		snprintf(ret_diff_id, HK_DIGEST_MAX, "%s", res.diff_id);
	return r;
}

int hk_layerstore_remove(struct hk_layerstore *ls, const char *diff_id, struct hk_err *err)
{
	if (hk_digest_check(diff_id, err) < 0)
		return err->code;
	const char *hex = hk_digest_hex(diff_id);
	int lock = lock_layer(ls, hex, err);
	if (lock < 0)
		return lock;
	char tname[64];
	snprintf(tname, sizeof(tname), "rm-%.16s-%d", hex, (int)getpid());
	int r = 0;
	/* Out of sha256/ in one step, then delete at leisure: never a half layer in sight. */
	if (renameat(ls->sha, hex, ls->tmpfd, tname) < 0)
		r = errno == ENOENT ? hk_err_set(err, -ENOENT, "no such layer: %s", diff_id)
				    : hk_err_sys(err, -errno, "remove layer %s", diff_id);
	unlock_layer(ls, hex, lock);
	if (r == 0 && (r = hk_rm_rf_at(ls->tmpfd, tname)) < 0)
		hk_err_sys(err, r, "remove layer %s", diff_id);
	return r;
}

int hk_layerstore_list(struct hk_layerstore *ls, char ***ret, size_t *ret_n, struct hk_err *err)
{
	DIR *d = hk_opendir_at(ls->sha, ".");
	if (!d)
		return hk_err_sys(err, -errno, "list layers");
	char **v = NULL;
	size_t n = 0;
	struct dirent *de;
	int r = 0;
	while ((de = readdir(d))) {
		char id[HK_DIGEST_MAX];
		snprintf(id, sizeof(id), "sha256:%.64s", de->d_name);
		if (strlen(de->d_name) != HK_SHA256_HEX || hk_digest_check(id, NULL) < 0)
			continue;
		char **nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(id))) {
			v = nv ? nv : v;
			r = hk_err_set(err, -ENOMEM, "out of memory");
			break;
		}
		v = nv;
		v[++n] = NULL;
	}
	closedir(d);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int hk_layerstore_clean(struct hk_layerstore *ls, struct hk_err *err)
{
	DIR *d = hk_opendir_at(ls->tmpfd, ".");
	if (!d)
		return hk_err_sys(err, -errno, "clean '%s'", ls->tmp);
	struct dirent *de;
	int r = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_close_ int e =
			openat(ls->tmpfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (e >= 0 && flock(e, LOCK_EX | LOCK_NB) < 0)
			continue; /* a live import */
		int q = hk_rm_rf_at(ls->tmpfd, de->d_name);
		if (q < 0 && r == 0)
			r = hk_err_sys(err, q, "clean '%s/%s'", ls->tmp, de->d_name);
	}
	closedir(d);
	return r;
}

/* ---- mounting ------------------------------------------------------------------------ */

/* Layer paths, top first (overlay's lowerdir order). */
static int lower_paths(struct hk_layerstore *ls, const char *const *ids, size_t n, char ***ret,
		       struct hk_err *err)
{
	size_t m = n ? n : 1;
	char **v = calloc(m + 1, sizeof(*v));
	if (!v)
		return hk_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < m; i++) {
		char p[PATH_MAX];
		int r = n ? hk_layerstore_path(ls, ids[n - 1 - i], p, sizeof(p)) : 0;
		if (!n)
			snprintf(p, sizeof(p), "%s/empty", ls->top);
		if (r < 0 || !(v[i] = strdup(p))) {
			for (size_t j = 0; j < i; j++)
				free(v[j]);
			free(v);
			if (r == -ENOENT)
				return hk_err_set(err, r, "layer %s is not stored", ids[n - 1 - i]);
			return r < 0 ? hk_err_usage(err, "bad layer id '%s'", ids[n - 1 - i])
				     : hk_err_set(err, -ENOMEM, "out of memory");
		}
	}
	*ret = v;
	return 0;
}

static void strv_freep(char ***v)
{
	if (!*v)
		return;
	for (char **p = *v; *p; p++)
		free(*p);
	free(*v);
}

static const char *const ovl_opts[][2] = { { "index", "off" },
					   { "redirect_dir", "off" },
					   { "metacopy", "off" } };

/* New mount API: one lowerdir+ per layer (Linux 6.8). -EINVAL from lowerdir+ on older
 * kernels: the caller falls back to mount(2). */
static int mount_fsconfig(char **lowers, const char *upper, const char *work, const char *target)
{
	_cleanup_close_ int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	for (char **p = lowers; *p; p++)
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", *p, 0) < 0)
			return -errno == -EINVAL ? -ENOSYS : -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0)
		return -errno;
	for (size_t i = 0; i < HK_ARRAY_SIZE(ovl_opts); i++)
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, ovl_opts[i][0], ovl_opts[i][1],
			    0) < 0 &&
		    errno != EINVAL) /* an older overlay without the option: it is off there */
			return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	_cleanup_close_ int m = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (m < 0)
		return -errno;
	if (syscall(SYS_move_mount, m, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -errno;
	return 0;
}

/* Append s to the option string, escaping overlay's separators (',' ':' '\'). */
static bool opt_add(char *buf, size_t len, size_t *o, const char *s)
{
	for (; *s; s++) {
		if (strchr(",:\\", *s) && *o + 1 < len)
			buf[(*o)++] = '\\';
		if (*o + 1 >= len)
			return false;
		buf[(*o)++] = *s;
	}
	buf[*o] = '\0';
	return true;
}

/* Append s without escaping (option names). */
static bool opt_raw(char *buf, size_t len, size_t *o, const char *s)
{
	size_t n = strlen(s);
	if (*o + n >= len)
		return false;
	memcpy(buf + *o, s, n + 1);
	*o += n;
	return true;
}

static int mount_legacy(char **lowers, const char *upper, const char *work, const char *target)
{
	char opts[4096]; /* one page: the limit of mount(2) data */
	size_t o = 9;
	bool ok = true;
	memcpy(opts, "lowerdir=", 10);
	for (char **p = lowers; ok && *p; p++) {
		if (p != lowers)
			ok = o + 1 < sizeof(opts) && (opts[o++] = ':');
		ok = ok && opt_add(opts, sizeof(opts), &o, *p);
	}
	ok = ok && opt_raw(opts, sizeof(opts), &o, ",upperdir=") &&
	     opt_add(opts, sizeof(opts), &o, upper);
	ok = ok && opt_raw(opts, sizeof(opts), &o, ",workdir=") &&
	     opt_add(opts, sizeof(opts), &o, work);
	ok = ok && opt_raw(opts, sizeof(opts), &o, ",index=off,redirect_dir=off,metacopy=off");
	if (!ok)
		return -E2BIG;
	return mount("overlay", target, "overlay", 0, opts) < 0 ? -errno : 0;
}

static int mount_copy(struct hk_layerstore *ls, char **lowers, const char *upper, const char *work,
		      const char *target, struct hk_err *err)
{
	(void)ls;
	_cleanup_close_ int ufd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int wfd = open(work, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ufd < 0 || wfd < 0)
		return hk_err_sys(err, -errno, "open '%s'", ufd < 0 ? upper : work);
	struct stat st;
	if (fstatat(wfd, COPY_MARK, &st, 0) < 0) {
		int r = hk_rm_children(ufd);
		if (r < 0)
			return hk_err_sys(err, r, "empty '%s'", upper);
		size_t n = 0;
		while (lowers[n])
			n++;
		for (size_t i = n; i-- > 0;) { /* bottom first */
			_cleanup_close_ int lfd =
				open(lowers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (lfd < 0)
				return hk_err_sys(err, -errno, "open '%s'", lowers[i]);
			if (hk_tree_copy(lfd, ufd, true, err) < 0)
				return hk_err_prefix(err, "copy layer '%s'", lowers[i]);
		}
		int m = openat(wfd, COPY_MARK, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (m < 0)
			return hk_err_sys(err, -errno, "mark '%s'", work);
		close(m);
	}
	if (mount(upper, target, NULL, MS_BIND, NULL) < 0)
		return hk_err_sys(err, -errno, "bind '%s' on '%s'", upper, target);
	return 0;
}

int hk_layerstore_mount(struct hk_layerstore *ls, const char *const *diff_ids, size_t n,
			const char *upper, const char *work, const char *target,
			enum hk_layers_mode mode, enum hk_layers_mode *ret_used, struct hk_err *err)
{
	__attribute__((cleanup(strv_freep))) char **lowers = NULL;
	if (lower_paths(ls, diff_ids, n, &lowers, err) < 0)
		return err->code;
	int r = -EOPNOTSUPP;
	if (mode != HK_LAYERS_COPY) {
		r = mount_fsconfig(lowers, upper, work, target);
		if (r == -ENOSYS)
			r = mount_legacy(lowers, upper, work, target);
		if (r == 0) {
			if (ret_used)
				*ret_used = HK_LAYERS_OVERLAY;
			return 0;
		}
		bool fallback = r == -EINVAL || r == -ENODEV || r == -EOPNOTSUPP || r == -ENOSYS;
		if (mode == HK_LAYERS_OVERLAY || !fallback) {
			hk_err_sys(err, r, "mount overlay on '%s' (upper '%s')", target, upper);
			if (r == -ENODEV)
				hk_err_class_set(err, HK_ERR_UNSUPPORTED);
			return r;
		}
	}
	if ((r = mount_copy(ls, lowers, upper, work, target, err)) < 0)
		return r;
	if (ret_used)
		*ret_used = HK_LAYERS_COPY;
	return 0;
}
