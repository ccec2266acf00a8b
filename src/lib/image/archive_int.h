/* SPDX-License-Identifier: MIT */
/* Private to archive.c (the reader, limits, digests) and archive_entry.c (writing entries). */
#ifndef HK_ARCHIVE_INT_H
#define HK_ARCHIVE_INT_H

#include "dl_archive.h" /* libarchive through dlopen */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "digest.h"
#include "hkarchive.h"

struct strset {
	char **slot;
	size_t cap, n;
};

bool hk_ax_set_has(const struct strset *s, const char *k);
int hk_ax_set_put(struct strset *s, const char *k);

struct hk_ax_ring;
#define HK_AX_BLOCK (1 << 16) /* input read size: small enough to stay in cache */

struct xctx {
	/* input */
	int fd;
	struct hk_ax_ring *ring; /* input blocks, hashed into hin by a second thread */
	struct hk_sha256 hin, hout;
	uint64_t in, out, next_progress;
	struct archive *raw;  /* decompressor (xz, zstd, bzip2, none) */
	struct hk_gz *gz;     /* or gzip (archive_gz.h): libarchive would not check its CRC */
	struct archive *tar;  /* tar parser */
	unsigned char *first; /* the first block, read to sniff the format, not yet handed on */
	size_t first_len;
	bool compressed;
	char limit_msg[256]; /* set when a read callback stopped on a limit or bad gzip */
	int limit_code;	     /* its error code (0: -EFBIG) */
	bool bad_input;	     /* the archive itself was refused (class HK_ERR_USAGE) */
	const char *cur;     /* the entry being written */
	/* output */
	int root;
	struct hk_extract_opts o;
	const char *name;
	struct hk_err *err;
	bool chown;
	uint64_t entries, sizes;
	char pdir[PATH_MAX]; /* cached parent directory (relative), pfd open on it */
	int pfd;
	struct dmeta {
		char *path;
		mode_t mode;
		struct timespec ts[2];
	} * dirs;
	size_t ndirs, capdirs;
	struct strset created;
};

/* archive.c: errors. x_fail: the archive is refused (what); x_sys: a syscall failed (errno
 * text appended; -ELOOP/-EXDEV worded as refusals); archive_fail: libarchive's message. */
int hk_ax_fail(struct xctx *x, int code, const char *path, const char *what);
int hk_ax_sys(struct xctx *x, int code, const char *path, const char *what);
int hk_ax_archive_fail(struct xctx *x, struct archive *a, const char *path);

/* archive_hash.c: the input ring. start: hash into h (and append to keep_fd >= 0); next:
 * a free block to read into; post: hand over its first n bytes; feed: hash (and keep) bytes
 * directly, after the ring drained; sync: wait until every posted block is hashed; stop:
 * drain, end the thread, free (the kept copy's first write error, or 0). */
int hk_ax_ring_start(struct xctx *x, struct hk_sha256 *h, int keep_fd);
unsigned char *hk_ax_ring_next(struct xctx *x);
void hk_ax_ring_post(struct xctx *x, size_t n);
void hk_ax_ring_feed(struct xctx *x, const void *b, size_t n);
void hk_ax_ring_sync(struct xctx *x);
int hk_ax_ring_stop(struct xctx *x);
/* Stop writing the kept copy (what was written stays: the caller drops it). */
void hk_ax_ring_keep_off(struct xctx *x);

/* archive_entry.c */
int hk_ax_entry(struct xctx *x, struct archive_entry *e, const char *rel);
int hk_ax_finish_dirs(struct xctx *x);
void hk_ax_drop_parent(struct xctx *x);

#endif
