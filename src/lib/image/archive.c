// SPDX-License-Identifier: MIT
/*
 * Safe tar extraction (see archive.h for the rules). The input goes through two readers: the
 * first only decompresses (gzip: hako's own over zlib, archive_gz.h, which checks the CRC32
 * and length that libarchive's gzip filter ignores; xz, zstd, bzip2: libarchive with format
 * "raw"), the second, libarchive's, parses tar from the first's output. That way hako sees
 * both streams, which it needs for the blob digest (compressed), the diff_id (uncompressed)
 * and the zip-bomb ratio; libarchive never touches the disk.
 */
#include "hkarchive.h"
#include "archive_gz.h"
#include "archive_int.h"

#include "dl_archive.h" /* libarchive through dlopen */
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

#define PROGRESS_EVERY (4ULL << 20)

const char *hk_compress_name(enum hk_compress c)
{
	static const char *const n[] = { "none", "gzip", "zstd", "xz", "bzip2" };
	return (unsigned)c < HK_ARRAY_SIZE(n) ? n[c] : "?";
}

/* ---- pure helpers ---------------------------------------------------------------- */

int hk_archive_path_clean(const char *name, char *out, size_t len, struct hk_err *err)
{
	if (!name || !*name)
		return hk_err_usage(err, "entry with an empty name");
	if (name[0] == '/')
		return hk_err_usage(err, "entry '%.200s': absolute path refused", name);
	size_t o = 0;
	const char *p = name;
	while (*p) {
		while (*p == '/')
			p++;
		const char *e = strchrnul(p, '/');
		size_t n = (size_t)(e - p);
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return hk_err_usage(err, "entry '%.200s': '..' component refused", name);
		if (n > NAME_MAX)
			return hk_err_usage(err, "entry '%.200s': component longer than %d bytes",
					    name, NAME_MAX);
		if (o + (o ? 1 : 0) + n + 1 > len || o + n + 1 > PATH_MAX)
			return hk_err_usage(err, "entry '%.200s': path too long", name);
		if (o)
			out[o++] = '/';
		memcpy(out + o, p, n);
		o += n;
		p = e;
	}
	if (len)
		out[o] = '\0';
	return 0;
}

enum hk_whiteout_kind hk_whiteout_parse(const char *base, const char **ret_target)
{
	static const char wh[] = ".wh.", meta[] = ".wh..wh.", opq[] = ".wh..wh..opq";
	if (strncmp(base, wh, 4) != 0)
		return HK_WH_NONE;
	if (!strcmp(base, opq))
		return HK_WH_OPAQUE;
	if (!strncmp(base, meta, 8))
		return HK_WH_META;
	const char *t = base + 4;
	if (!*t || !strcmp(t, ".") || !strcmp(t, "..") || strchr(t, '/'))
		return HK_WH_INVALID;
	if (ret_target)
		*ret_target = t;
	return HK_WH_FILE;
}

/* ---- a set of paths (HK_WHITEOUT_APPLY: what this layer created) ------------------ */

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

bool hk_ax_set_has(const struct strset *s, const char *k)
{
	if (!s->cap)
		return false;
	for (size_t i = fnv(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slot[i])
			return false;
		if (!strcmp(s->slot[i], k))
			return true;
	}
}

int hk_ax_set_put(struct strset *s, const char *k);

static int set_grow(struct strset *s)
{
	struct strset n = { .cap = s->cap ? s->cap * 2 : 1024 };
	if (!(n.slot = calloc(n.cap, sizeof(char *))))
		return -ENOMEM;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i])
			for (size_t j = fnv(s->slot[i]) & (n.cap - 1);; j = (j + 1) & (n.cap - 1))
				if (!n.slot[j]) {
					n.slot[j] = s->slot[i];
					break;
				}
	n.n = s->n;
	free(s->slot);
	*s = n;
	return 0;
}

int hk_ax_set_put(struct strset *s, const char *k)
{
	if ((s->n + 1) * 2 > s->cap && set_grow(s) < 0)
		return -ENOMEM;
	size_t i = fnv(k) & (s->cap - 1);
	for (; s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->slot[i], k))
			return 0;
	if (!(s->slot[i] = strdup(k)))
		return -ENOMEM;
	s->n++;
	return 0;
}

static void set_free(struct strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
}

/* The next block of input, through the ring (hashed into hin by its thread): its length, 0 at
 * the end, -errno. At least min bytes unless the input ends first (the format sniff). */
static ssize_t next_block(struct xctx *x, const unsigned char **buf, size_t min)
{
	if (x->first) {
		*buf = x->first;
		x->first = NULL;
		return (ssize_t)x->first_len;
	}
	unsigned char *b = hk_ax_ring_next(x);
	size_t got = 0;
	while (got < min || !got) {
		ssize_t n = read(x->fd, b + got, HK_AX_BLOCK - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	hk_ax_ring_post(x, got);
	x->in += got;
	*buf = b;
	return (ssize_t)got;
}

static ssize_t gz_fill(void *ud, const unsigned char **buf)
{
	return next_block(ud, buf, 1);
}

static la_ssize_t read_in(struct archive *a, void *ud, const void **buf)
{
	const unsigned char *b = NULL;
	ssize_t n = next_block(ud, &b, 1);
	if (n < 0) {
		archive_set_error(a, (int)-n, "read: %s", strerror((int)-n));
		return -1;
	}
	*buf = b;
	return n;
}

/* The next decompressed block: its length, 0 at the end, -1 with a's error set. */
static la_ssize_t read_plain(struct xctx *x, struct archive *a, const void **buf)
{
	if (x->gz) {
		ssize_t n = hk_gz_read(x->gz, buf);
		if (n >= 0)
			return n;
		snprintf(x->limit_msg, sizeof(x->limit_msg), "%s", hk_gz_error(x->gz));
		x->limit_code = (int)n;
		archive_set_error(a, (int)-n, "%s", x->limit_msg);
		return -1;
	}
	size_t n = 0;
	la_int64_t off;
	int r = archive_read_data_block(x->raw, buf, &n, &off);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN) {
		archive_set_error(a, archive_errno(x->raw) ? archive_errno(x->raw) : EIO, "%s",
				  archive_error_string(x->raw) ? archive_error_string(x->raw)
							       : "decompression failed");
		return -1;
	}
	return (la_ssize_t)n;
}

static la_ssize_t read_tar(struct archive *a, void *ud, const void **buf)
{
	struct xctx *x = ud;
	la_ssize_t got = read_plain(x, a, buf);
	if (got <= 0)
		return got;
	size_t n = (size_t)got;
	if (x->compressed) /* uncompressed: the same bytes as hin, hashed once */
		hk_sha256_update(&x->hout, *buf, n);
	x->out += n;
	if (x->out > x->o.max_bytes) {
		snprintf(x->limit_msg, sizeof(x->limit_msg),
			 "uncompressed size exceeds the limit of %llu bytes",
			 (unsigned long long)x->o.max_bytes);
	} else if (x->compressed && x->out > x->o.ratio_floor &&
		   x->out / (x->in ? x->in : 1) > x->o.max_ratio) {
		snprintf(x->limit_msg, sizeof(x->limit_msg),
			 "compression ratio above %u:1 after %llu MiB (a decompression bomb?)",
			 x->o.max_ratio, (unsigned long long)(x->out >> 20));
	}
	if (x->limit_msg[0]) {
		archive_set_error(a, EFBIG, "%s", x->limit_msg);
		return -1;
	}
	if (x->o.progress && x->out >= x->next_progress) {
		x->o.progress(x->o.userdata, x->in, x->out);
		x->next_progress = x->out + PROGRESS_EVERY;
	}
	return (la_ssize_t)n;
}

int hk_ax_fail(struct xctx *x, int code, const char *path, const char *what)
{
	x->bad_input = true;
	if (path && *path)
		hk_err_set(x->err, code, "entry '%.300s': %s", path, what);
	else
		hk_err_set(x->err, code, "%s", what);
	return code;
}

int hk_ax_sys(struct xctx *x, int code, const char *path, const char *what)
{
	if (code == -ELOOP)
		return hk_ax_fail(x, code, path, "refused: a symlink is in the way");
	if (code == -EXDEV)
		return hk_ax_fail(x, code, path, "refused: path escapes the target directory");
	hk_err_sys(x->err, code, "entry '%.300s': %s", path, what);
	return code;
}

int hk_ax_archive_fail(struct xctx *x, struct archive *a, const char *path)
{
	x->bad_input = true;
	if (x->limit_msg[0])
		return hk_ax_fail(x, x->limit_code ? x->limit_code : -EFBIG, NULL, x->limit_msg);
	if (x->in == 0 && !path)
		return hk_err_set(x->err, -EBADMSG, "empty input, not a tar archive");
	const char *s = archive_error_string(a);
	int e = archive_errno(a);
	/* libarchive reports format errors as EILSEQ and "misc" as -1: both are bad input */
	int code = e > 0 && e != EILSEQ ? -e : -EBADMSG;
	if (path)
		hk_err_set(x->err, code, "entry '%.300s': %s", path, s ? s : "read failed");
	else
		hk_err_set(x->err, code, "%s", s ? s : "read failed");
	return code;
}

static enum hk_compress compress_of(struct archive *raw)
{
	switch (archive_filter_code(raw, 0)) {
	case ARCHIVE_FILTER_XZ:
		return HK_COMPRESS_XZ;
	case ARCHIVE_FILTER_ZSTD:
		return HK_COMPRESS_ZSTD;
	case ARCHIVE_FILTER_BZIP2:
		return HK_COMPRESS_BZIP2;
	default:
		return HK_COMPRESS_NONE;
	}
}

/* Whether a kept copy is wanted: with keep_if_compressed only gzip and zstd, the
 * compressed layers an OCI layout names (image_blob.c); a plain tar would double what is
 * written, an xz or bzip2 copy would be thrown away. */
static bool keep_wanted(const struct xctx *x)
{
	enum hk_compress c = x->gz    ? HK_COMPRESS_GZIP
			     : x->raw ? compress_of(x->raw)
				      : HK_COMPRESS_NONE;
	return x->o.keep_fd > 0 &&
	       (!x->o.keep_if_compressed || c == HK_COMPRESS_GZIP || c == HK_COMPRESS_ZSTD);
}

/* Not gzip: libarchive decompresses (or passes a plain tar through, format "raw"). */
static int open_raw(struct xctx *x)
{
	if (!(x->raw = archive_read_new()))
		return hk_err_set(x->err, -ENOMEM, "out of memory");
	archive_read_support_filter_xz(x->raw);
	archive_read_support_filter_zstd(x->raw);
	archive_read_support_filter_bzip2(x->raw);
	archive_read_support_format_raw(x->raw);
	if (archive_read_open(x->raw, x, NULL, read_in, NULL) != ARCHIVE_OK)
		return hk_ax_archive_fail(x, x->raw, NULL);
	struct archive_entry *e;
	int r = archive_read_next_header(x->raw, &e);
	if (r == ARCHIVE_EOF)
		return hk_ax_fail(x, -EBADMSG, NULL, "empty input, not a tar archive");
	if (r < ARCHIVE_WARN)
		return hk_ax_archive_fail(x, x->raw, NULL);
	x->compressed = compress_of(x->raw) != HK_COMPRESS_NONE;
	return 0;
}

static int open_input(struct xctx *x)
{
	if (hk_dl_archive(x->err) < 0)
		return x->err->code;
	if (!(x->tar = archive_read_new()))
		return hk_err_set(x->err, -ENOMEM, "out of memory");
	/* the first block decides: gzip magic -> our reader, anything else -> libarchive */
	const unsigned char *b = NULL;
	ssize_t n = next_block(x, &b, 2);
	if (n < 0)
		return hk_err_sys(x->err, (int)n, "read");
	x->first = (unsigned char *)b;
	x->first_len = (size_t)n;
	int r = 0;
	if (hk_gz_magic(b, (size_t)n)) {
		if (!(x->gz = hk_gz_new(gz_fill, x)))
			return hk_err_set(x->err, -ENOMEM, "out of memory");
		x->compressed = true;
	} else if ((r = open_raw(x)) < 0) {
		return r;
	}
	if (x->o.keep_fd > 0 && !keep_wanted(x))
		hk_ax_ring_keep_off(x);
	archive_read_support_format_tar(x->tar);
	if (archive_read_open(x->tar, x, NULL, read_tar, NULL) != ARCHIVE_OK)
		return hk_ax_archive_fail(x, x->tar, NULL);
	return 0;
}

/* After the tar's end: hash what follows (padding, trailing zeros) so the digests cover the
 * whole input, as the sender computed them. */
static int drain(struct xctx *x)
{
	const void *b;
	la_ssize_t n;
	while ((n = read_tar(x->tar, x, &b)) > 0)
		;
	if (n < 0)
		return hk_ax_archive_fail(x, x->tar, NULL);
	unsigned char buf[65536];
	ssize_t m;
	while ((m = read(x->fd, buf, sizeof(buf))) > 0) {
		hk_ax_ring_feed(x, buf, (size_t)m);
		x->in += (uint64_t)m;
	}
	return m < 0 ? hk_err_sys(x->err, -errno, "read") : 0;
}

static int run(struct xctx *x)
{
	int r = open_input(x);
	if (r < 0)
		return r;
	for (;;) {
		struct archive_entry *e;
		r = archive_read_next_header(x->tar, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return hk_ax_archive_fail(x, x->tar, NULL);
		const char *name = archive_entry_pathname(e);
		char rel[PATH_MAX];
		if (hk_archive_path_clean(name, rel, sizeof(rel), x->err) < 0) {
			x->bad_input = true;
			return -EINVAL;
		}
		if (++x->entries > x->o.max_entries)
			return hk_ax_fail(x, -EFBIG, NULL, "too many entries (limit reached)");
		if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0) {
			x->sizes += (uint64_t)archive_entry_size(e);
			if (x->sizes > x->o.max_bytes)
				return hk_ax_fail(x, -EFBIG, rel, "files exceed the size limit");
		}
		x->cur = rel;
		if ((r = hk_ax_entry(x, e, rel)) < 0)
			return r;
	}
	hk_ax_drop_parent(x);
	if ((r = hk_ax_finish_dirs(x)) < 0)
		return r;
	return drain(x);
}

static void fill_defaults(struct hk_extract_opts *o)
{
	if (!o->max_bytes)
		o->max_bytes = HK_ARCHIVE_MAX_BYTES;
	if (!o->max_entries)
		o->max_entries = HK_ARCHIVE_MAX_ENTRIES;
	if (!o->max_ratio)
		o->max_ratio = HK_ARCHIVE_MAX_RATIO;
	if (!o->ratio_floor)
		o->ratio_floor = HK_ARCHIVE_RATIO_FLOOR;
}

static int verify(struct xctx *x, struct hk_extract_result *res)
{
	const struct hk_extract_opts *o = &x->o;
	if (o->expect_size && res->in_bytes != o->expect_size)
		return hk_err_set(x->err, -EBADMSG, "size mismatch: descriptor says %llu, got %llu",
				  (unsigned long long)o->expect_size,
				  (unsigned long long)res->in_bytes);
	if (o->expect_digest && !hk_digest_eq(o->expect_digest, res->digest))
		return hk_err_set(x->err, -EBADMSG, "digest mismatch: expected %s, got %s",
				  o->expect_digest, res->digest);
	if (o->expect_diff_id && !hk_digest_eq(o->expect_diff_id, res->diff_id))
		return hk_err_set(x->err, -EBADMSG, "diff_id mismatch: expected %s, got %s",
				  o->expect_diff_id, res->diff_id);
	return 0;
}

/* The content was refused, but a blob with an expected digest may simply be corrupt: read the
 * rest (up to the expected size) and, if the digest is wrong, report that instead. */
static bool digest_explains(struct xctx *x)
{
	unsigned char buf[65536];
	while (x->in < x->o.expect_size) {
		uint64_t left = x->o.expect_size - x->in;
		ssize_t n = read(x->fd, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));
		if (n <= 0)
			break;
		hk_ax_ring_feed(x, buf, (size_t)n);
		x->in += (uint64_t)n;
	}
	hk_ax_ring_sync(x);
	struct hk_sha256 h = x->hin; /* a copy: finalising consumes the state */
	char d[HK_DIGEST_MAX];
	hk_sha256_final(&h, d);
	return !hk_digest_eq(d, x->o.expect_digest);
}

/* The tar was refused (a bad header, a short entry) while the gzip around it had not ended:
 * inflate the rest, within the limits, and when gzip itself is corrupt (the CRC check, a
 * deflate error), report that: it is the cause, the tar error only a symptom. */
static void gz_explains(struct xctx *x)
{
	const void *b;
	la_ssize_t n;
	while ((n = read_tar(x->tar, x, &b)) > 0)
		;
	if (n < 0 && x->limit_code && x->limit_code != -EFBIG)
		hk_err_set(x->err, x->limit_code, "%s", x->limit_msg);
}

int hk_archive_extract_fd(int fd, int dirfd, const char *name, const struct hk_extract_opts *opts,
			  struct hk_extract_result *ret, struct hk_err *err)
{
	struct xctx x = { .fd = fd, .root = dirfd, .pfd = -1, .name = name, .err = err };
	struct hk_extract_result res = { 0 };
	if (opts)
		x.o = *opts;
	fill_defaults(&x.o);
	hk_err_clear(err);
	x.chown = x.o.owners == HK_OWNER_KEEP || (x.o.owners == HK_OWNER_AUTO && geteuid() == 0);
	hk_sha256_init(&x.hin);
	hk_sha256_init(&x.hout);
	int r = hk_ax_ring_start(&x, &x.hin, x.o.keep_fd > 0 ? x.o.keep_fd : -1);
	if (r == 0)
		r = run(&x);
	else
		hk_err_set(err, r, "out of memory");
	if (r < 0 && x.bad_input && x.gz && !x.limit_msg[0])
		gz_explains(&x);
	bool corrupt =
		r < 0 && x.bad_input && x.o.expect_digest && x.o.expect_size && digest_explains(&x);
	int kr = hk_ax_ring_stop(&x);
	if (r == 0 && kr < 0)
		r = hk_err_sys(err, kr, "keep a copy of the blob");
	hk_ax_drop_parent(&x);
	res.kept = keep_wanted(&x);
	if (x.gz || x.raw)
		res.compress = x.gz ? HK_COMPRESS_GZIP : compress_of(x.raw);
	hk_gz_free(x.gz);
	if (x.raw)
		archive_read_free(x.raw);
	if (x.tar)
		archive_read_free(x.tar);
	for (size_t i = 0; i < x.ndirs; i++)
		free(x.dirs[i].path);
	free(x.dirs);
	set_free(&x.created);
	res.in_bytes = x.in;
	res.tar_bytes = x.out;
	res.entries = x.entries;
	hk_sha256_final(&x.hin, res.digest);
	if (x.compressed)
		hk_sha256_final(&x.hout, res.diff_id);
	else
		memcpy(res.diff_id, res.digest, sizeof(res.diff_id));
	if (r == 0 || corrupt)
		r = verify(&x, &res);
	if (r == 0 && x.o.progress)
		x.o.progress(x.o.userdata, x.in, x.out);
	if (r < 0) {
		if (x.bad_input || r == -ELOOP || r == -EXDEV || r == -EBADMSG)
			hk_err_class_set(err, HK_ERR_USAGE);
		return name ? hk_err_prefix(err, "%s", name) : r;
	}
	if (ret)
		*ret = res;
	return 0;
}

int hk_archive_extract(const char *file, const char *dir, const struct hk_extract_opts *opts,
		       struct hk_extract_result *ret, struct hk_err *err)
{
	bool in_std = !strcmp(file, "-");
	_cleanup_close_ int fd = in_std ? dup(STDIN_FILENO) : open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hk_err_sys(err, -errno, "open '%s'", file);
	int r = hk_mkdir_p(dir, 0755);
	if (r < 0)
		return hk_err_sys(err, r, "create '%s'", dir);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return hk_err_sys(err, -errno, "open '%s'", dir);
	return hk_archive_extract_fd(fd, dfd, in_std ? "stdin" : file, opts, ret, err);
}
