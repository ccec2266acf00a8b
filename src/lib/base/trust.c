// SPDX-License-Identifier: MIT
/* Owner and mode checks on hako's own state (trust.h). */
#include "trust.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int hk_trust_stat(const struct stat *st, const char *what, const char *path, bool want_dir,
		  bool sticky_ok, struct hk_err *err)
{
	int r;
	if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		r = hk_err_set(err, -EPERM, "%s '%s': not a %s: refusing to use it", what, path,
			       want_dir ? "directory" : "regular file");
	} else if (st->st_uid != 0 && st->st_uid != geteuid()) {
		r = hk_err_set(
			err, -EPERM,
			"%s '%s': owned by uid %u, not root: refusing to use it (chown root)", what,
			path, (unsigned)st->st_uid);
	} else if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(sticky_ok && (st->st_mode & S_ISVTX))) {
		r = hk_err_set(err, -EPERM,
			       "%s '%s': writable by group or others (mode %04o): refusing to use "
			       "it (chmod go-w)",
			       what, path, (unsigned)(st->st_mode & 07777));
	} else {
		return 0;
	}
	hk_err_class_set(err, HK_ERR_PERM);
	return r;
}

/* The real path of (absolute) path, whose tail may not exist yet: the longest existing
 * prefix resolved, the rest appended as it is (nothing there to resolve). */
static int real_path(const char *path, char *buf, size_t len)
{
	char head[PATH_MAX], res[PATH_MAX];
	size_t cut = strlen(path);
	if (path[0] != '/')
		return -EINVAL;
	if (cut >= sizeof(head))
		return -ENAMETOOLONG;
	for (;;) {
		memcpy(head, path, cut);
		head[cut] = '\0';
		if (realpath(cut ? head : "/", res)) {
			if (snprintf(buf, len, "%s%s", strcmp(res, "/") ? res : "", path + cut) >=
			    (int)len)
				return -ENAMETOOLONG;
			if (!buf[0])
				snprintf(buf, len, "/");
			return 0;
		}
		if (errno != ENOENT)
			return -errno;
		while (cut > 0 && path[cut - 1] != '/')
			cut--;
		if (cut == 0)
			return -ENOENT;
		cut--; /* head: what is before that '/' */
	}
}

int hk_trust_dir_tree(const char *path, const char *what, struct hk_err *err)
{
	char real[PATH_MAX], pre[PATH_MAX];
	int r = real_path(path, real, sizeof(real));
	if (r < 0)
		return hk_err_sys(err, r, "%s '%s'", what, path);
	size_t n = 0; /* "//" and a trailing "/" of the part not resolved yet dropped */
	for (size_t i = 0; real[i]; i++)
		if (real[i] != '/' || n == 0 || real[n - 1] != '/')
			real[n++] = real[i];
	if (n > 1 && real[n - 1] == '/')
		n--;
	real[n] = '\0';
	/* "/", "/a", "/a/b", ... path: each existing directory, until the first missing one
	 * (hako makes it and what is below, under directories already checked) */
	for (size_t i = 0; i <= n; i++) {
		if ((i < n && real[i] != '/') || (i == n && n == 1))
			continue;
		size_t len = i ? i : 1;
		memcpy(pre, real, len);
		pre[len] = '\0';
		bool is_path = len == n;
		struct stat st;
		if (stat(pre, &st) < 0) {
			if (errno == ENOENT)
				return 0;
			return hk_err_sys(err, -errno, "%s '%s': '%s'", what, path, pre);
		}
		r = hk_trust_stat(&st, is_path ? what : "directory", pre, true, !is_path, err);
		if (r < 0)
			return is_path ? r : hk_err_prefix(err, "%s '%s'", what, path);
	}
	return 0;
}

int hk_trust_dir(const char *path, const char *what, bool missing_ok, struct hk_err *err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT && missing_ok)
			return -ENOENT;
		return hk_err_sys(err, -errno, "%s '%s'", what, path);
	}
	return hk_trust_stat(&st, what, path, true, false, err);
}

int hk_trust_fd(int fd, const char *what, const char *path, struct hk_err *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return hk_err_sys(err, -errno, "%s '%s'", what, path);
	return hk_trust_stat(&st, what, path, false, false, err);
}
