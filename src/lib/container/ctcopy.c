// SPDX-License-Identifier: MIT
/* hako cp: copies between a container's root and the host (ctcopy.h). */
#include "ctcopy.h"

#include <dirent.h>
#include <json-c/json.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fstree.h"
#include "base/proc.h"
#include "container.h"
#include "hkarchive.h"
#include "image.h"
#include "inroot.h"
#include "store_image.h"

/* Does c run in a user namespace of its own (--userns: config security.uidmap)? */
static bool has_userns(const struct hk_ct_row *c)
{
	struct json_object *o = c->config ? json_tokener_parse(c->config) : NULL, *sec, *m;
	bool r = o && json_object_object_get_ex(o, "security", &sec) &&
		 json_object_object_get_ex(sec, "uidmap", &m) && json_object_get_string_len(m) > 0;
	json_object_put(o);
	return r;
}

int hk_ctcp_root(struct hk_store *st, const struct hk_paths *p, const struct hk_ct_row *c,
		 struct hk_err *err)
{
	/* --userns: the container sees its rootfs through an idmapped mount, which takes no
	 * file from the host's root (EOVERFLOW); the rootfs itself holds the container's own
	 * ids (0 is its root), so files go there, owned as they should be */
	if (c->pid > 0 && strcmp(c->state, HK_CT_EXITED) && !has_userns(c)) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/root", (int)c->pid);
		int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		/* opened, then checked: a pid reused since is not taken for the container */
		if (fd >= 0 && hk_proc_alive(c->pid, c->pid_start))
			return fd;
		if (fd >= 0)
			close(fd);
	}
	char img[HK_DIGEST_MAX];
	if (hk_imgstore_ct_get(st, c->id, img) == 0) {
		struct hk_images *im = NULL;
		int r = hk_images_open(p->state, st, &im, err);
		if (r == 0)
			r = hk_ctroot_mount(im, c->id, img, HK_LAYERS_AUTO, err);
		if (im)
			hk_images_close(im);
		if (r < 0)
			return hk_err_prefix(err, "container '%s': root", c->name);
	}
	int fd = hk_rootfs_open(c->rootfs, err);
	return fd < 0 ? hk_err_prefix(err, "container '%s'", c->name) : fd;
}

/* A path split as docker cp reads it: the parent, the last name ("" when the path names a
 * directory by itself: "/", ".", "x/.."), a trailing "/" and a trailing "/.". */
struct split {
	char parent[HK_PATH_MAX];
	char name[256];
	bool slash, dot;
};

static int split_path(const char *path, struct split *s)
{
	char buf[HK_PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	size_t n = strlen(buf);
	*s = (struct split){ 0 };
	if (n >= 2 && !strcmp(buf + n - 2, "/.")) {
		s->dot = true;
		buf[n -= 1] = 0;
	}
	while (n > 1 && buf[n - 1] == '/') {
		s->slash = true;
		buf[--n] = 0;
	}
	char *slash = strrchr(buf, '/');
	const char *base = slash ? slash + 1 : buf;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(s->parent, sizeof(s->parent), "%s", buf); /* the directory itself */
		return 0;
	}
	if (strlen(base) >= sizeof(s->name))
		return -ENAMETOOLONG;
	snprintf(s->name, sizeof(s->name), "%s", base);
	if (!slash)
		snprintf(s->parent, sizeof(s->parent), ".");
	else if (slash == buf)
		snprintf(s->parent, sizeof(s->parent), "/");
	else
		snprintf(s->parent, sizeof(s->parent), "%.*s", (int)(slash - buf), buf);
	return 0;
}

/* Open path (O_PATH, following symlinks): inside the container's root when root_fd >= 0
 * (RESOLVE_IN_ROOT, no magic link), else on the host. */
static int open_path(int root_fd, const char *path)
{
	if (root_fd >= 0)
		return hk_inroot_open(root_fd, path);
	int fd = open(path, O_PATH | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

/* Open the source: an O_PATH fd of what it names (the symlink itself unless follow). */
static int open_src(int root_fd, const char *path, const struct split *s, bool follow)
{
	if (!s->name[0] || follow || s->slash)
		return open_path(root_fd, path);
	_cleanup_close_ int dir = open_path(root_fd, s->parent);
	if (dir < 0)
		return dir;
	int fd = openat(dir, s->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

/* Reopen an O_PATH descriptor for reading (its type checked first by the caller). */
static int reopen(int fd, int flags)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	int r = open(p, flags | O_CLOEXEC);
	return r >= 0 ? r : -errno;
}

/* Every entry under dfd (a directory) owned by uid 0, gid 0; symlinks themselves. */
static int chown_tree(int dfd)
{
	_cleanup_closedir_ DIR *d = hk_opendir_at(dfd, ".");
	if (!d)
		return -errno;
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fchownat(dfd, de->d_name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (de->d_type != DT_DIR)
			continue;
		_cleanup_close_ int sub =
			openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int r = sub < 0 ? -errno : chown_tree(sub);
		if (r < 0)
			return r;
	}
	return errno ? -errno : 0;
}

/* The top entry's mode, owner and times, on an fd opened for it. */
static int set_meta(int fd, const struct stat *st, bool archive)
{
	if (fchown(fd, archive ? st->st_uid : 0, archive ? st->st_gid : 0) < 0 ||
	    fchmod(fd, st->st_mode & 07777) < 0)
		return -errno;
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	return futimens(fd, ts) < 0 ? -errno : 0;
}

/* Write the source (src: O_PATH, st: its type) as name in dir. */
static int put(int src, const struct stat *st, int dir, const char *name, bool archive,
	       bool contents, struct hk_err *err)
{
	struct stat old;
	bool exists = fstatat(dir, name, &old, AT_SYMLINK_NOFOLLOW) == 0;
	if (S_ISDIR(st->st_mode)) {
		if (exists && !S_ISDIR(old.st_mode))
			return hk_err_usage(err, "cannot copy a directory onto the file '%s'",
					    name);
		if (!exists && !contents && mkdirat(dir, name, 0700) < 0)
			return hk_err_sys(err, -errno, "mkdir '%s'", name);
		_cleanup_close_ int s = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		_cleanup_close_ int d =
			contents ? openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
				 : openat(dir, name,
					  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s < 0 || d < 0)
			return hk_err_sys(err, -errno, "open '%s'", name);
		int r = hk_tree_copy(s, d, false, err);
		if (r == 0 && !archive)
			r = chown_tree(d);
		if (r == 0 && !contents)
			r = set_meta(d, st, archive);
		return r < 0 && !err->msg[0] ? hk_err_sys(err, r, "copy '%s'", name) : r;
	}
	if (!S_ISREG(st->st_mode) && !S_ISLNK(st->st_mode))
		return hk_err_usage(err, "'%s' is not a regular file, a directory or a symlink",
				    name);
	if (exists && S_ISDIR(old.st_mode))
		return hk_err_usage(err, "cannot overwrite the directory '%s' with a non-directory",
				    name);
	if (exists && unlinkat(dir, name, 0) < 0)
		return hk_err_sys(err, -errno, "replace '%s'", name);
	if (S_ISLNK(st->st_mode)) {
		char target[HK_PATH_MAX];
		ssize_t n = readlinkat(src, "", target, sizeof(target) - 1);
		if (n < 0)
			return hk_err_sys(err, -errno, "readlink");
		target[n] = 0;
		if (symlinkat(target, dir, name) < 0 ||
		    fchownat(dir, name, archive ? st->st_uid : 0, archive ? st->st_gid : 0,
			     AT_SYMLINK_NOFOLLOW) < 0)
			return hk_err_sys(err, -errno, "symlink '%s'", name);
		return 0;
	}
	_cleanup_close_ int in = reopen(src, O_RDONLY);
	_cleanup_close_ int out =
		openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (in < 0 || out < 0)
		return hk_err_sys(err, in < 0 ? in : -errno, "open '%s'", name);
	char buf[65536];
	ssize_t k;
	while ((k = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)k) != k)
			return hk_err_sys(err, errno ? -errno : -EIO, "write '%s'", name);
	if (k < 0)
		return hk_err_sys(err, -errno, "read '%s'", name);
	int r = set_meta(out, st, archive);
	return r < 0 ? hk_err_sys(err, r, "'%s'", name) : 0;
}

/* src_root/dst_root: the container's root fd on that side, -1 for the host. */
static int copy(int src_root, const char *src_path, int dst_root, const char *dst_path,
		const struct hk_ctcp_opts *o, struct hk_err *err)
{
	struct split s, d;
	if (split_path(src_path, &s) < 0 || split_path(dst_path, &d) < 0)
		return hk_err_usage(err, "path too long");
	_cleanup_close_ int src = open_src(src_root, src_path, &s, o->follow);
	if (src == -ENOSYS) {
		hk_err_sys(err, src, "openat2 (Linux >= 5.6) is needed to resolve '%s' safely",
			   src_path);
		hk_err_class_set(err, HK_ERR_UNSUPPORTED);
		return -ENOSYS;
	}
	if (src == -ELOOP)
		return hk_err_set(err, -ELOOP,
				  "'%s': a /proc magic link or a symlink loop in the path "
				  "(refused: it would leave the container's root)",
				  src_path);
	if (src < 0)
		return hk_err_sys(err, src, "'%s'", src_path);
	struct stat st;
	if (fstat(src, &st) < 0)
		return hk_err_sys(err, -errno, "stat '%s'", src_path);
	if ((s.slash || s.dot) && !S_ISDIR(st.st_mode))
		return hk_err_set(err, -ENOTDIR, "'%s': not a directory", src_path);
	const char *base = s.name[0] ? s.name : NULL;
	/* the destination: an existing directory (followed) takes the source in it */
	_cleanup_close_ int dst = open_path(dst_root, dst_path);
	struct stat dt;
	bool is_dir = dst >= 0 && fstat(dst, &dt) == 0 && S_ISDIR(dt.st_mode);
	if (dst == -ELOOP)
		return hk_err_set(err, -ELOOP,
				  "'%s': a /proc magic link or a symlink loop in the path "
				  "(refused: it would leave the container's root)",
				  dst_path);
	if (is_dir) {
		if (s.dot || !base) {
			if (!S_ISDIR(st.st_mode))
				return hk_err_usage(err,
						    "'%s': cannot copy it as a directory's "
						    "content",
						    src_path);
			return put(src, &st, dst, ".", o->archive, true, err);
		}
		return put(src, &st, dst, base, o->archive, false, err);
	}
	if (dst >= 0 && S_ISDIR(st.st_mode))
		return hk_err_usage(err, "cannot copy a directory onto the file '%s'", dst_path);
	if (dst < 0 && dst != -ENOENT)
		return hk_err_sys(err, dst, "'%s'", dst_path);
	if (dst < 0 && d.slash && !S_ISDIR(st.st_mode))
		return hk_err_set(err, -ENOENT, "destination directory '%s' must exist", dst_path);
	if (!d.name[0])
		return hk_err_usage(err, "'%s': not a name to create", dst_path);
	_cleanup_close_ int parent = open_path(dst_root, d.parent);
	if (parent < 0)
		return hk_err_sys(err, parent, "destination directory '%s'", d.parent);
	int r = put(src, &st, parent, d.name, o->archive, false, err);
	return r;
}

int hk_ctcp_from(int root_fd, const char *ct_path, const char *host_path,
		 const struct hk_ctcp_opts *o, struct hk_err *err)
{
	return copy(root_fd, ct_path, -1, host_path, o, err);
}

int hk_ctcp_to(int root_fd, const char *host_path, const char *ct_path,
	       const struct hk_ctcp_opts *o, struct hk_err *err)
{
	return copy(-1, host_path, root_fd, ct_path, o, err);
}

/* ct_path resolved in the root, a directory opened for reading */
static int ct_dir(int root_fd, const char *ct_path, struct hk_err *err)
{
	_cleanup_close_ int p = hk_inroot_open(root_fd, ct_path);
	if (p == -ELOOP)
		return hk_err_set(err, -ELOOP,
				  "'%s': a /proc magic link or a symlink loop in the path "
				  "(refused: it would leave the container's root)",
				  ct_path);
	if (p < 0)
		return hk_err_sys(err, p, "'%s'", ct_path);
	struct stat st;
	if (fstat(p, &st) < 0)
		return hk_err_sys(err, -errno, "'%s'", ct_path);
	if (!S_ISDIR(st.st_mode))
		return hk_err_set(err, -ENOTDIR,
				  "'%s': not a directory (a tar from '-' is extracted into "
				  "a directory)",
				  ct_path);
	int fd = openat(p, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 ? fd : hk_err_sys(err, -errno, "open '%s'", ct_path);
}

int hk_ctcp_tar_out(int root_fd, const char *ct_path, int out_fd, struct hk_err *err)
{
	struct split s;
	int r = split_path(ct_path, &s);
	if (r < 0)
		return hk_err_sys(err, r, "'%s'", ct_path);
	struct hk_tar_opts o = { .xattrs = false };
	struct hk_tar_result res;
	if (!s.name[0] || s.dot) { /* "/", "DIR/.": the directory's content */
		_cleanup_close_ int d = ct_dir(root_fd, ct_path, err);
		return d < 0 ? d : hk_archive_write_dir(d, out_fd, &o, &res, err);
	}
	if (s.slash) { /* "DIR/": a directory (followed), as the top entry DIR */
		_cleanup_close_ int d = ct_dir(root_fd, ct_path, err);
		return d < 0 ? d : hk_archive_write_entry(d, ".", s.name, out_fd, &o, &res, err);
	}
	/* the entry itself (a symlink as a symlink), as Docker's: a file, or a tree under its
	 * name; its parent resolved inside the root */
	_cleanup_close_ int parent = ct_dir(root_fd, s.parent, err);
	if (parent < 0)
		return parent;
	struct stat st;
	if (fstatat(parent, s.name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return hk_err_sys(err, -errno, "'%s'", ct_path);
	return hk_archive_write_entry(parent, s.name, s.name, out_fd, &o, &res, err);
}

int hk_ctcp_tar_in(int root_fd, int in_fd, const char *ct_path, struct hk_err *err)
{
	_cleanup_close_ int d = ct_dir(root_fd, ct_path, err);
	if (d < 0)
		return d;
	struct hk_extract_opts o = { .whiteouts = HK_WHITEOUT_NONE, .owners = HK_OWNER_AUTO };
	struct hk_extract_result res;
	return hk_archive_extract_fd(in_fd, d, "standard input", &o, &res, err);
}
