// SPDX-License-Identifier: MIT
/*
 * Writing a directory tree as a tar stream (hako export, OCI layers of hako commit and
 * image save). Two libarchive writers: a pax tar writer whose output is hashed (diff_id)
 * and then fed to a "raw" writer that only compresses; its output is hashed (digest) and
 * written to the fd through a 1 MiB buffer.
 */
#include "hkarchive.h"

#include "dl_archive.h" /* libarchive through dlopen */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"

#define OUT_BUF (1 << 20)
#define OVL_OPAQUE "trusted.overlay.opaque"

struct hl {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct wctx {
	int out_fd;
	const struct hk_tar_opts *o;
	struct hk_err *err;
	struct archive *tar, *zip; /* zip is NULL without compression */
	struct archive_entry *ent;
	struct hk_sha256 htar, hout;
	uint64_t tar_bytes, out_bytes, entries;
	unsigned char *buf;
	size_t nbuf;
	int werr; /* errno of a failed write(2) to out_fd */
	struct hl *hl;
	size_t nhl, caphl;
	char *data; /* file copy buffer */
};

static int flush_out(struct wctx *w)
{
	size_t off = 0;
	while (off < w->nbuf && !w->o->digest_only) {
		ssize_t n = write(w->out_fd, w->buf + off, w->nbuf - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			w->werr = errno;
			return -1;
		}
		off += (size_t)n;
	}
	w->nbuf = 0;
	return 0;
}

static int emit(struct wctx *w, const void *p, size_t n)
{
	hk_sha256_update(&w->hout, p, n);
	w->out_bytes += n;
	const unsigned char *s = p;
	while (n > 0) {
		size_t k = OUT_BUF - w->nbuf < n ? OUT_BUF - w->nbuf : n;
		memcpy(w->buf + w->nbuf, s, k);
		w->nbuf += k;
		s += k;
		n -= k;
		if (w->nbuf == OUT_BUF && flush_out(w) < 0)
			return -1;
	}
	return 0;
}

static la_ssize_t zip_write(struct archive *a, void *ud, const void *p, size_t n)
{
	struct wctx *w = ud;
	if (emit(w, p, n) < 0) {
		archive_set_error(a, w->werr, "write: %s", strerror(w->werr));
		return -1;
	}
	return (la_ssize_t)n;
}

static la_ssize_t tar_write(struct archive *a, void *ud, const void *p, size_t n)
{
	struct wctx *w = ud;
	hk_sha256_update(&w->htar, p, n);
	w->tar_bytes += n;
	if (!w->zip) {
		if (emit(w, p, n) < 0) {
			archive_set_error(a, w->werr, "write: %s", strerror(w->werr));
			return -1;
		}
		return (la_ssize_t)n;
	}
	if (archive_write_data(w->zip, p, n) != (la_ssize_t)n) {
		archive_set_error(a, archive_errno(w->zip), "%s", archive_error_string(w->zip));
		return -1;
	}
	return (la_ssize_t)n;
}

static int a_fail(struct wctx *w, struct archive *a, const char *rel)
{
	const char *s = archive_error_string(a);
	int e = archive_errno(a) > 0 ? -archive_errno(a) : -EIO;
	return hk_err_set(w->err, e, "%s%s%s", rel ? rel : "", rel ? ": " : "",
			  s ? s : "write failed");
}

static int open_writers(struct wctx *w)
{
	if (hk_dl_archive(w->err) < 0)
		return w->err->code;
	if (w->o->compress != HK_COMPRESS_NONE) {
		w->zip = archive_write_new();
		if (!w->zip)
			return hk_err_set(w->err, -ENOMEM, "out of memory");
		int r;
		switch (w->o->compress) {
		case HK_COMPRESS_GZIP:
			r = archive_write_add_filter_gzip(w->zip);
			/* no timestamp in the gzip header: same tree, same bytes */
			if (r == ARCHIVE_OK)
				r = archive_write_set_filter_option(w->zip, "gzip", "timestamp",
								    NULL);
			break;
		case HK_COMPRESS_ZSTD:
			r = archive_write_add_filter_zstd(w->zip);
			break;
		case HK_COMPRESS_XZ:
			r = archive_write_add_filter_xz(w->zip);
			break;
		case HK_COMPRESS_BZIP2:
			r = archive_write_add_filter_bzip2(w->zip);
			break;
		default:
			r = ARCHIVE_FATAL;
			break;
		}
		if (r != ARCHIVE_OK)
			return a_fail(w, w->zip, "compressor");
		archive_write_set_format_raw(w->zip);
		archive_write_set_bytes_in_last_block(w->zip, 1);
		if (archive_write_open(w->zip, w, NULL, zip_write, NULL) != ARCHIVE_OK)
			return a_fail(w, w->zip, NULL);
		struct archive_entry *e = archive_entry_new();
		if (!e)
			return hk_err_set(w->err, -ENOMEM, "out of memory");
		archive_entry_set_pathname(e, "layer.tar");
		archive_entry_set_filetype(e, AE_IFREG);
		r = archive_write_header(w->zip, e);
		archive_entry_free(e);
		if (r != ARCHIVE_OK)
			return a_fail(w, w->zip, NULL);
	}
	w->tar = archive_write_new();
	w->ent = archive_entry_new();
	if (!w->tar || !w->ent)
		return hk_err_set(w->err, -ENOMEM, "out of memory");
	archive_write_set_format_pax_restricted(w->tar);
	if (archive_write_open(w->tar, w, NULL, tar_write, NULL) != ARCHIVE_OK)
		return a_fail(w, w->tar, NULL);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dirfd, sorted bytewise (deterministic order). */
static int list_dir(int dirfd, char ***ret, size_t *ret_n)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int r = 0;
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		if (!(v[n] = strdup(de->d_name))) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	if (!r && errno)
		r = -errno;
	closedir(d);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return r;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_names);
	*ret = v;
	*ret_n = n;
	return 0;
}

static void add_xattrs(struct wctx *w, int fd)
{
	char list[16384], val[65536];
	ssize_t n = flistxattr(fd, list, sizeof(list));
	if (n <= 0)
		return;
	char *names[512];
	size_t k = 0;
	for (char *p = list; p < list + n && k < HK_ARRAY_SIZE(names); p += strlen(p) + 1)
		if (strncmp(p, "trusted.overlay.", 16) != 0)
			names[k++] = p;
	qsort(names, k, sizeof(*names), cmp_names);
	for (size_t i = 0; i < k; i++) {
		ssize_t v = fgetxattr(fd, names[i], val, sizeof(val));
		if (v >= 0)
			archive_entry_xattr_add_entry(w->ent, names[i], val, (size_t)v);
	}
}

static void base_entry(struct wctx *w, const char *rel, const struct stat *st)
{
	archive_entry_clear(w->ent);
	archive_entry_set_pathname(w->ent, rel);
	archive_entry_set_mode(w->ent, st->st_mode);
	archive_entry_set_uid(w->ent, st->st_uid);
	archive_entry_set_gid(w->ent, st->st_gid);
	archive_entry_set_mtime(w->ent, st->st_mtim.tv_sec, 0);
}

static int put_header(struct wctx *w, const char *rel)
{
	int r = archive_write_header(w->tar, w->ent);
	if (r < ARCHIVE_WARN)
		return a_fail(w, w->tar, rel);
	w->entries++;
	return 0;
}

/* An empty regular file named name (whiteouts in OCI form). */
static int put_marker(struct wctx *w, const char *rel, const struct stat *like)
{
	struct stat st = *like;
	st.st_mode = S_IFREG | 0600;
	base_entry(w, rel, &st);
	archive_entry_set_size(w->ent, 0);
	return put_header(w, rel);
}

static int put_data(struct wctx *w, int fd, off_t size, const char *rel)
{
	off_t left = size;
	while (left > 0) {
		size_t want = left < OUT_BUF ? (size_t)left : OUT_BUF;
		ssize_t n = read(fd, w->data, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hk_err_sys(w->err, -errno, "%s: read", rel);
		if (n == 0) { /* shrank while we read: keep the header's promise */
			memset(w->data, 0, want);
			n = (ssize_t)want;
		}
		if (archive_write_data(w->tar, w->data, (size_t)n) < 0)
			return a_fail(w, w->tar, rel);
		left -= n;
	}
	return 0;
}

static int put_file(struct wctx *w, int dirfd, const char *name, const char *rel,
		    const struct stat *st)
{
	if (st->st_nlink > 1) {
		for (size_t i = 0; i < w->nhl; i++)
			if (w->hl[i].dev == st->st_dev && w->hl[i].ino == st->st_ino) {
				base_entry(w, rel, st);
				archive_entry_set_hardlink(w->ent, w->hl[i].path);
				archive_entry_set_size(w->ent, 0);
				return put_header(w, rel);
			}
		if (w->nhl == w->caphl) {
			size_t cap = w->caphl ? w->caphl * 2 : 64;
			struct hl *v = realloc(w->hl, cap * sizeof(*v));
			if (!v)
				return hk_err_set(w->err, -ENOMEM, "out of memory");
			w->hl = v;
			w->caphl = cap;
		}
		char *p = strdup(rel);
		if (!p)
			return hk_err_set(w->err, -ENOMEM, "out of memory");
		w->hl[w->nhl++] = (struct hl){ st->st_dev, st->st_ino, p };
	}
	/* the tree may be a live container's: a name swapped for a FIFO or a device node since
	 * the walk saw a file is refused, never opened */
	struct stat now;
	_cleanup_close_ int fd = hk_open_regular_beneath(dirfd, name, true, &now);
	if (fd == -EBADMSG)
		return hk_err_set(w->err, fd, "%s: not a regular file any more", rel);
	if (fd < 0)
		return hk_err_sys(w->err, fd, "%s: open", rel);
	base_entry(w, rel, st);
	archive_entry_set_size(w->ent, st->st_size);
	if (w->o->xattrs)
		add_xattrs(w, fd);
	int r = put_header(w, rel);
	return r < 0 ? r : put_data(w, fd, st->st_size, rel);
}

static int walk(struct wctx *w, int dirfd, const char *prefix);

static int put_dir(struct wctx *w, int dirfd, const char *name, const char *rel,
		   const struct stat *st)
{
	_cleanup_close_ int fd =
		openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hk_err_sys(w->err, -errno, "%s: open", rel);
	base_entry(w, rel, st);
	if (w->o->xattrs)
		add_xattrs(w, fd);
	int r = put_header(w, rel);
	if (r < 0)
		return r;
	char v[2];
	if (w->o->oci_whiteouts && fgetxattr(fd, OVL_OPAQUE, v, sizeof(v)) == 1 && v[0] == 'y') {
		char m[PATH_MAX + 32];
		snprintf(m, sizeof(m), "%s/.wh..wh..opq", rel);
		if ((r = put_marker(w, m, st)) < 0)
			return r;
	}
	return walk(w, fd, rel);
}

static int put_as(struct wctx *w, int dirfd, const char *name, const char *prefix, const char *rel);

static int put_one(struct wctx *w, int dirfd, const char *name, const char *prefix)
{
	char rel[PATH_MAX + 8];
	if (snprintf(rel, PATH_MAX, "%s%s%s", prefix, *prefix ? "/" : "", name) >= PATH_MAX)
		return hk_err_set(w->err, -ENAMETOOLONG, "%s/%s: path too long", prefix, name);
	return put_as(w, dirfd, name, prefix, rel);
}

/* Entry name of dirfd (never followed) as rel; prefix: rel's directory (whiteouts). */
static int put_as(struct wctx *w, int dirfd, const char *name, const char *prefix,
		  const char *rel_in)
{
	char rel[PATH_MAX + 8];
	snprintf(rel, sizeof(rel), "%s", rel_in);
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : hk_err_sys(w->err, -errno, "%s: stat", rel);
	if (S_ISDIR(st.st_mode))
		return put_dir(w, dirfd, name, rel, &st);
	if (S_ISREG(st.st_mode))
		return put_file(w, dirfd, name, rel, &st);
	if (S_ISSOCK(st.st_mode))
		return 0;
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0) && w->o->oci_whiteouts) {
		snprintf(rel, sizeof(rel), "%s%s.wh.%s", prefix, *prefix ? "/" : "", name);
		return put_marker(w, rel, &st);
	}
	base_entry(w, rel, &st);
	if (S_ISLNK(st.st_mode)) {
		char t[PATH_MAX];
		ssize_t n = readlinkat(dirfd, name, t, sizeof(t) - 1);
		if (n < 0)
			return hk_err_sys(w->err, -errno, "%s: readlink", rel);
		t[n] = '\0';
		archive_entry_set_symlink(w->ent, t);
	} else {
		archive_entry_set_rdev(w->ent, st.st_rdev);
	}
	return put_header(w, rel);
}

static int walk(struct wctx *w, int dirfd, const char *prefix)
{
	char **names = NULL;
	size_t n = 0;
	int r = list_dir(dirfd, &names, &n);
	if (r < 0)
		return hk_err_sys(w->err, r, "%s: read directory", *prefix ? prefix : ".");
	for (size_t i = 0; i < n && r >= 0; i++)
		r = put_one(w, dirfd, names[i], prefix);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

static int close_writers(struct wctx *w)
{
	if (archive_write_close(w->tar) != ARCHIVE_OK)
		return a_fail(w, w->tar, NULL);
	if (w->zip && archive_write_close(w->zip) != ARCHIVE_OK)
		return a_fail(w, w->zip, NULL);
	if (flush_out(w) < 0)
		return hk_err_sys(w->err, -w->werr, "write");
	return 0;
}

static int write_tar(int dirfd, const char *name, const char *as, int out_fd,
		     const struct hk_tar_opts *opts, struct hk_tar_result *ret, struct hk_err *err);

int hk_archive_write_dir(int dirfd, int out_fd, const struct hk_tar_opts *opts,
			 struct hk_tar_result *ret, struct hk_err *err)
{
	return write_tar(dirfd, NULL, NULL, out_fd, opts, ret, err);
}

int hk_archive_write_entry(int dirfd, const char *name, const char *as, int out_fd,
			   const struct hk_tar_opts *opts, struct hk_tar_result *ret,
			   struct hk_err *err)
{
	if (!*as || strchr(as, '/') || !strcmp(as, ".") || !strcmp(as, ".."))
		return hk_err_set(err, -EINVAL, "write tar: '%s': not a name for the top entry",
				  as);
	return write_tar(dirfd, name, as, out_fd, opts, ret, err);
}

static int write_tar(int dirfd, const char *name, const char *as, int out_fd,
		     const struct hk_tar_opts *opts, struct hk_tar_result *ret, struct hk_err *err)
{
	static const struct hk_tar_opts defaults = { 0 };
	struct wctx w = { .out_fd = out_fd, .o = opts ? opts : &defaults, .err = err };
	hk_err_clear(err);
	hk_sha256_init(&w.htar);
	hk_sha256_init(&w.hout);
	int r = -ENOMEM;
	w.buf = malloc(OUT_BUF);
	w.data = malloc(OUT_BUF);
	if (!w.buf || !w.data)
		hk_err_set(err, r, "out of memory");
	else if ((r = open_writers(&w)) == 0 &&
		 (r = name ? put_as(&w, dirfd, name, "", as) : walk(&w, dirfd, "")) == 0)
		r = close_writers(&w);
	if (w.tar)
		archive_write_free(w.tar);
	if (w.zip)
		archive_write_free(w.zip);
	if (w.ent)
		archive_entry_free(w.ent);
	for (size_t i = 0; i < w.nhl; i++)
		free(w.hl[i].path);
	free(w.hl);
	free(w.buf);
	free(w.data);
	if (r < 0)
		return hk_err_prefix(err, "write tar");
	if (ret) {
		*ret = (struct hk_tar_result){ .size = w.out_bytes,
					       .tar_bytes = w.tar_bytes,
					       .entries = w.entries };
		hk_sha256_final(&w.hout, ret->digest);
		hk_sha256_final(&w.htar, ret->diff_id);
	}
	return 0;
}
