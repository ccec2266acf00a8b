// SPDX-License-Identifier: MIT
/* The archive library's parts no command exposes on its own, called directly: the tar
 * writer with every compression read back by the extractor, determinism, whiteout modes
 * (none, apply) and the extraction limits (bytes, entries, compression ratio). Works in a
 * temporary directory; needs no root (owners are not compared). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "digest.h"
#include "hkarchive.h"
#include "tap.h"

static char top[64];

static char *path(const char *rel)
{
	static char buf[8][4096];
	static int i;
	char *p = buf[i++ % 8];
	snprintf(p, 4096, "%s/%s", top, rel);
	return p;
}

static void put(const char *rel, const void *data, size_t n, mode_t mode)
{
	int fd = open(path(rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, n) != (ssize_t)n)
		printf("# cannot write %s: %s\n", rel, strerror(errno));
	if (fd >= 0)
		close(fd);
	chmod(path(rel), mode);
}

static void mkdirs(const char *rel)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s", path(rel));
	for (char *s = p + strlen(top) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

/* ---- a listing of a tree: path, type, mode, size, link target, nlink, content hash ---- */

static char **lines;
static size_t nlines, root_len;

static int list_one(const char *fpath, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)flag;
	if (ftw->level == 0)
		return 0;
	char link[4096] = "", hash[HK_DIGEST_MAX] = "-";
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlink(fpath, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = 0;
	} else if (S_ISREG(st->st_mode)) {
		int fd = open(fpath, O_RDONLY | O_CLOEXEC);
		char *buf = malloc((size_t)st->st_size + 1);
		ssize_t n = fd >= 0 && buf ? read(fd, buf, (size_t)st->st_size + 1) : -1;
		hk_digest_buf(buf, n > 0 ? (size_t)n : 0, hash);
		free(buf);
		if (fd >= 0)
			close(fd);
	}
	char *l;
	if (asprintf(&l, "%s|%o|%lld|%s|%lu|%.19s", fpath + root_len, st->st_mode,
		     S_ISDIR(st->st_mode) ? 0LL : (long long)st->st_size, link,
		     S_ISDIR(st->st_mode) ? 0UL : (unsigned long)st->st_nlink, hash) < 0)
		return -1;
	lines = realloc(lines, (nlines + 1) * sizeof(*lines));
	lines[nlines++] = l;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The listing as one string (caller frees). */
static char *listing(const char *rel)
{
	const char *dir = path(rel);
	lines = NULL;
	nlines = 0;
	root_len = strlen(dir);
	nftw(dir, list_one, 16, FTW_PHYS);
	qsort(lines, nlines, sizeof(*lines), cmp_str);
	size_t len = 1;
	for (size_t i = 0; i < nlines; i++)
		len += strlen(lines[i]) + 1;
	char *s = calloc(1, len);
	for (size_t i = 0; i < nlines; i++) {
		strcat(strcat(s, lines[i]), "\n");
		free(lines[i]);
	}
	free(lines);
	return s;
}

static int rm_one(const char *fpath, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(fpath) < 0 ? 0 : 0;
}

static void rm_rf(const char *p)
{
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_tar(const char *dir, const char *out, const struct hk_tar_opts *o,
		     struct hk_tar_result *res, struct hk_err *err)
{
	int d = open(path(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = open(path(out), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int r = d < 0 || fd < 0 ? -errno : hk_archive_write_dir(d, fd, o, res, err);
	if (d >= 0)
		close(d);
	if (fd >= 0)
		close(fd);
	return r;
}

static int extract(const char *file, const char *dir, const struct hk_extract_opts *o,
		   struct hk_extract_result *res, struct hk_err *err)
{
	struct hk_extract_result ignored;
	struct hk_extract_opts none = { 0 };
	return hk_archive_extract(path(file), path(dir), o ? o : &none, res ? res : &ignored, err);
}

/* ---- the tree every round trip writes ---- */

static void make_src(void)
{
	char deep[160] = "src/deep/";
	memset(deep + 9, 'd', 120);
	mkdirs(deep);
	mkdirs("src/etc");
	mkdirs("src/tmp");
	mkdirs("src/private");
	mkdirs("src/empty");
	put("src/etc/hello", "hello\n", 6, 0644);
	put("src/tool", "#!/bin/sh\n", 10, 0755);
	put("src/suid", "#!/bin/sh\n", 10, 04755);
	put("src/sgid", "#!/bin/sh\n", 10, 02711);
	chmod(path("src/tmp"), 01777);
	chmod(path("src/private"), 0700);
	put("src/private/none", "secret\n", 7, 0);
	symlink("../etc/hello", path("src/tmp/rel-link"));
	symlink("/etc/passwd", path("src/abs-link"));
	link(path("src/etc/hello"), path("src/etc/hello-hard"));
	mkfifo(path("src/fifo"), 0640);
	char longname[210] = "src/";
	memset(longname + 4, 'n', 200);
	put(longname, "long\n", 5, 0644);
	put("src/name with spaces", "spaces\n", 7, 0644);
	static unsigned char rnd[300000];
	unsigned s = 1;
	for (size_t i = 0; i < sizeof(rnd); i++)
		rnd[i] = (unsigned char)((s = s * 1103515245u + 12345u) >> 16);
	put("src/random.bin", rnd, sizeof(rnd), 0644);
	struct timespec ts[2] = { { 1600000000, 0 }, { 1600000000, 0 } };
	utimensat(AT_FDCWD, path("src/etc/hello"), ts, AT_SYMLINK_NOFOLLOW);
}

static void test_round_trip(void)
{
	const enum hk_compress zs[] = { HK_COMPRESS_NONE, HK_COMPRESS_GZIP, HK_COMPRESS_ZSTD,
					HK_COMPRESS_XZ };
	char *want = listing("src");
	for (size_t i = 0; i < sizeof(zs) / sizeof(zs[0]); i++) {
		const char *z = hk_compress_name(zs[i]);
		struct hk_err err = { 0 };
		struct hk_tar_opts o = { .compress = zs[i] };
		struct hk_tar_result tr;
		struct hk_extract_result xr;
		rm_rf(path("x"));
		TAP_EQ_INT(write_tar("src", "out", &o, &tr, &err), 0, "tar written");
		int r = extract("out", "x", NULL, &xr, &err);
		TAP_OK(r == 0, "tar (%s) extracts%s%s", z, r ? ": " : "", r ? err.msg : "");
		TAP_EQ_STR(hk_compress_name(xr.compress), z, "compression detected");
		TAP_EQ_STR(xr.diff_id, tr.diff_id, "reader and writer agree on the diff_id");
		TAP_EQ_STR(xr.digest, tr.digest, "and on the digest of the bytes");
		char *got = listing("x");
		TAP_OK(!strcmp(got, want),
		       "round trip (%s): file list, types, modes, links, sizes, content", z);
		if (strcmp(got, want))
			printf("# got:\n%s# want:\n%s", got, want);
		free(got);
	}
	free(want);
	struct stat st;
	TAP_OK(lstat(path("x/etc/hello"), &st) == 0 && st.st_mtime == 1600000000,
	       "regular file mtime kept");
	struct stat a, b;
	TAP_OK(lstat(path("x/etc/hello"), &a) == 0 && lstat(path("x/etc/hello-hard"), &b) == 0 &&
		       a.st_ino == b.st_ino,
	       "hardlink kept");
}

static char *slurp(const char *rel, size_t *n)
{
	int fd = open(path(rel), O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return NULL;
	char *buf = malloc((size_t)st.st_size + 1);
	*n = (size_t)read(fd, buf, (size_t)st.st_size);
	close(fd);
	return buf;
}

static void test_deterministic(void)
{
	struct hk_err err = { 0 };
	struct hk_tar_opts o = { .compress = HK_COMPRESS_GZIP };
	struct hk_tar_result ra, rb;
	write_tar("src", "a.tgz", &o, &ra, &err);
	sleep(1); /* a timestamp in the output would now differ */
	write_tar("src", "b.tgz", &o, &rb, &err);
	size_t na, nb;
	char *a = slurp("a.tgz", &na), *b = slurp("b.tgz", &nb);
	TAP_OK(a && b && na == nb && !memcmp(a, b, na), "same tree, same bytes (gzip)");
	char d[HK_DIGEST_MAX];
	hk_digest_buf(a, na, d);
	TAP_EQ_STR(ra.digest, d, "digest is the sha256 of the bytes written");
	TAP_EQ_INT(ra.size, na, "size is the bytes written");
	free(a);
	free(b);
}

static void test_whiteouts(void)
{
	struct hk_err err = { 0 };
	struct hk_tar_opts o = { 0 };
	/* none: a .wh. name is an ordinary file (a plain rootfs tarball) */
	mkdirs("p");
	put("p/.wh.plain", "wh\n", 3, 0644);
	write_tar("p", "p.tar", &o, &(struct hk_tar_result){ 0 }, &err);
	TAP_EQ_INT(extract("p.tar", "xp", NULL, NULL, &err), 0, "plain extract");
	size_t n;
	char *s = slurp("xp/.wh.plain", &n);
	TAP_OK(s && n == 3 && !memcmp(s, "wh\n", 3),
	       "plain extract: a .wh. name is an ordinary file");
	free(s);

	/* apply: flattening a lower and an upper layer into one tree */
	mkdirs("l1/etc");
	mkdirs("l1/opq/olddir");
	mkdirs("l1/keep/sub");
	put("l1/etc/passwd", "root\n", 5, 0644);
	put("l1/etc/gone", "bye\n", 4, 0644);
	put("l1/opq/old1", "1", 1, 0644);
	put("l1/opq/olddir/x", "x", 1, 0644);
	put("l1/keep/sub/file", "kept\n", 5, 0644);
	symlink("sub/file", path("l1/keep/link"));
	mkdirs("l2/etc");
	mkdirs("l2/opq");
	put("l2/etc/.wh.gone", "", 0, 0644);
	put("l2/etc/passwd", "root\nuser\n", 10, 0644);
	put("l2/opq/.wh..wh..opq", "", 0, 0644);
	put("l2/opq/new", "new\n", 4, 0644);
	write_tar("l1", "l1.tar", &o, &(struct hk_tar_result){ 0 }, &err);
	write_tar("l2", "l2.tar", &o, &(struct hk_tar_result){ 0 }, &err);
	struct hk_extract_opts ap = { .whiteouts = HK_WHITEOUT_APPLY };
	TAP_EQ_INT(extract("l1.tar", "flat", &ap, NULL, &err), 0, "apply: lower layer");
	int r = extract("l2.tar", "flat", &ap, NULL, &err);
	TAP_OK(r == 0, "apply: upper layer%s%s", r ? ": " : "", r ? err.msg : "");
	struct stat st;
	TAP_OK(lstat(path("flat/etc/gone"), &st) < 0 && errno == ENOENT,
	       "apply: the whiteout removed etc/gone");
	TAP_OK(lstat(path("flat/etc/.wh.gone"), &st) < 0, "apply: no .wh. file left");
	char *opq = listing("flat/opq");
	TAP_EQ_STR(opq, "/new|100644|4||1|sha256:7aa7a5359173\n",
		   "apply: opaque dir holds only the upper layer's");
	free(opq);
	s = slurp("flat/etc/passwd", &n);
	TAP_OK(s && n == 10, "apply: the upper file wins");
	free(s);
	TAP_OK(lstat(path("flat/keep/sub/file"), &st) == 0 &&
		       lstat(path("flat/keep/link"), &st) == 0,
	       "apply: lower-only files and links stay");
	/* the same upper layer without apply keeps its whiteouts as files (control) */
	TAP_EQ_INT(extract("l2.tar", "flat-none", NULL, NULL, &err), 0, "none: upper layer alone");
	TAP_OK(lstat(path("flat-none/etc/.wh.gone"), &st) == 0, "none: the .wh. file is kept");
}

static void test_limits(void)
{
	struct hk_err err = { 0 };
	struct hk_tar_opts o = { 0 };
	static char k8[8192];
	memset(k8, 'a', sizeof(k8));
	mkdirs("two");
	put("two/one", k8, sizeof(k8), 0644);
	put("two/two", "2", 1, 0644);
	write_tar("two", "two.tar", &o, &(struct hk_tar_result){ 0 }, &err);

	struct hk_extract_opts lim = { .max_bytes = 4096 };
	int r = extract("two.tar", "t1", &lim, NULL, &err);
	TAP_OK(r < 0 && strstr(err.msg, "uncompressed size exceeds the limit of 4096 bytes"),
	       "max_bytes 4096: refused (%s)", err.msg);
	lim = (struct hk_extract_opts){ .max_entries = 1 };
	err = (struct hk_err){ 0 };
	r = extract("two.tar", "t2", &lim, NULL, &err);
	TAP_OK(r < 0 && strstr(err.msg, "too many entries"), "max_entries 1: refused (%s)",
	       err.msg);
	err = (struct hk_err){ 0 };
	TAP_EQ_INT(extract("two.tar", "t3", NULL, NULL, &err), 0,
		   "the same archive within the default limits extracts");

	/* a small bomb: 4 MiB of zeros, gzip (~1000:1), checked past a 1 MiB floor */
	static char zeros[4 << 20];
	mkdirs("bomb");
	put("bomb/zeros", zeros, sizeof(zeros), 0644);
	o.compress = HK_COMPRESS_GZIP;
	write_tar("bomb", "bomb.tgz", &o, &(struct hk_tar_result){ 0 }, &err);
	lim = (struct hk_extract_opts){ .max_ratio = 200, .ratio_floor = 1 << 20 };
	err = (struct hk_err){ 0 };
	r = extract("bomb.tgz", "t4", &lim, NULL, &err);
	TAP_OK(r < 0 && strstr(err.msg, "compression ratio above 200:1"),
	       "ratio 200 past 1 MiB: the bomb is refused (%s)", err.msg);
	lim.max_ratio = 5000;
	err = (struct hk_err){ 0 };
	TAP_EQ_INT(extract("bomb.tgz", "t5", &lim, NULL, &err), 0,
		   "ratio 5000: the same archive extracts");
	lim = (struct hk_extract_opts){ 0 };
	TAP_EQ_INT(extract("bomb.tgz", "t6", &lim, NULL, &err), 0,
		   "default limits: 4 MiB is below the 64 MiB floor");
}

int main(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(top, sizeof(top), "%s/hk-archive.XXXXXX", t && strlen(t) < 40 ? t : "/tmp");
	if (!mkdtemp(top)) {
		printf("1..0 # SKIP no temporary directory: %s\n", strerror(errno));
		return 0;
	}
	umask(022);
	make_src();
	test_round_trip();
	test_deterministic();
	test_whiteouts();
	test_limits();
	rm_rf(top);
	return tap_done();
}
