// SPDX-License-Identifier: MIT
/* Content-addressed blob files (see blobstore.h). */
#include "blobstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"

struct hk_blobstore {
	int dir; /* STATE/layers/blobs/sha256 */
	int tmp; /* STATE/layers/tmp */
};

int hk_blobstore_open(const char *state_dir, struct hk_blobstore **ret, struct hk_err *err)
{
	char p[PATH_MAX];
	struct hk_blobstore *bs = calloc(1, sizeof(*bs));
	if (!bs)
		return hk_err_set(err, -ENOMEM, "out of memory");
	bs->dir = bs->tmp = -1;
	snprintf(p, sizeof(p), "%s/layers/blobs/sha256", state_dir);
	int r = hk_mkdir_p(p, 0700);
	if (r == 0 && (bs->dir = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = -errno;
	if (r == 0 && snprintf(p, sizeof(p), "%s/layers/tmp", state_dir) > 0 &&
	    (r = hk_mkdir_p(p, 0700)) == 0 &&
	    (bs->tmp = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = -errno;
	if (r < 0) {
		hk_closep(&bs->dir);
		hk_closep(&bs->tmp);
		free(bs);
		return hk_err_sys(err, r, "blob store '%s'", p);
	}
	*ret = bs;
	return 0;
}

void hk_blobstore_close(struct hk_blobstore *bs)
{
	if (!bs)
		return;
	close(bs->dir);
	close(bs->tmp);
	free(bs);
}

int hk_blobstore_dirfd(const struct hk_blobstore *bs)
{
	return bs->dir;
}

int hk_blobstore_tmp(struct hk_blobstore *bs, struct hk_err *err)
{
	int fd = openat(bs->tmp, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	return fd < 0 ? hk_err_sys(err, -errno, "blob store: temporary file") : fd;
}

bool hk_blobstore_has(struct hk_blobstore *bs, const char *digest)
{
	struct stat st;
	return hk_digest_check(digest, NULL) == 0 &&
	       fstatat(bs->dir, hk_digest_hex(digest), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode);
}

int hk_blobstore_link(struct hk_blobstore *bs, int fd, const char *digest, struct hk_err *err)
{
	if (hk_digest_check(digest, err) < 0)
		return err->code;
	const char *hex = hk_digest_hex(digest);
	if (linkat(fd, "", bs->dir, hex, AT_EMPTY_PATH) == 0 || errno == EEXIST)
		return 0;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd); /* without CAP_DAC_READ_SEARCH */
	if (linkat(AT_FDCWD, p, bs->dir, hex, AT_SYMLINK_FOLLOW) == 0 || errno == EEXIST)
		return 0;
	return hk_err_sys(err, -errno, "blob store: keep %s", digest);
}

static int write_all(int fd, const void *buf, size_t len)
{
	for (size_t o = 0; o < len;) {
		ssize_t w = write(fd, (const char *)buf + o, len - o);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		o += (size_t)w;
	}
	return 0;
}

int hk_blobstore_put(struct hk_blobstore *bs, const void *buf, size_t len,
		     char ret_digest[HK_DIGEST_MAX], struct hk_err *err)
{
	hk_digest_buf(buf, len, ret_digest);
	if (hk_blobstore_has(bs, ret_digest))
		return 0;
	_cleanup_close_ int fd = hk_blobstore_tmp(bs, err);
	if (fd < 0)
		return fd;
	int r = write_all(fd, buf, len);
	if (r < 0)
		return hk_err_sys(err, r, "blob store: write %s", ret_digest);
	return hk_blobstore_link(bs, fd, ret_digest, err);
}

int hk_blobstore_copy(struct hk_blobstore *bs, int fd, const char *expect,
		      char ret_digest[HK_DIGEST_MAX], uint64_t *ret_size, struct hk_err *err)
{
	struct stat st;
	if (expect && hk_blobstore_has(bs, expect) &&
	    fstatat(bs->dir, hk_digest_hex(expect), &st, 0) == 0) {
		snprintf(ret_digest, HK_DIGEST_MAX, "%s", expect);
		*ret_size = (uint64_t)st.st_size;
		return 0;
	}
	_cleanup_close_ int out = hk_blobstore_tmp(bs, err);
	if (out < 0)
		return out;
	struct hk_sha256 h;
	hk_sha256_init(&h);
	unsigned char buf[65536];
	uint64_t total = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hk_err_sys(err, -errno, "blob store: read");
		if (n == 0)
			break;
		hk_sha256_update(&h, buf, (size_t)n);
		total += (uint64_t)n;
		int r = write_all(out, buf, (size_t)n);
		if (r < 0)
			return hk_err_sys(err, r, "blob store: write");
	}
	hk_sha256_final(&h, ret_digest);
	if (expect && !hk_digest_eq(expect, ret_digest))
		return hk_err_set(err, -EBADMSG, "blob digest mismatch: expected %s, got %s",
				  expect, ret_digest);
	*ret_size = total;
	return hk_blobstore_link(bs, out, ret_digest, err);
}

size_t hk_blobstore_gc(struct hk_blobstore *bs, bool (*used)(void *ud, const char *digest),
		       void *ud)
{
	DIR *d = hk_opendir_at(bs->dir, ".");
	if (!d)
		return 0;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char id[HK_DIGEST_MAX];
		if (de->d_name[0] == '.' || strlen(de->d_name) != HK_SHA256_HEX)
			continue;
		snprintf(id, sizeof(id), "sha256:%.64s", de->d_name);
		if (!used(ud, id) && unlinkat(bs->dir, de->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}
