/* SPDX-License-Identifier: MIT */
/*
 * A gzip reader over zlib for extraction (archive_gz.c). libarchive's gzip filter does not
 * check the member trailer (CRC32 and ISIZE), so a corrupted .tar.gz could inflate to a tar
 * that parses; this reader checks both for every member (a mismatch, a truncated stream or a
 * deflate error is -EBADMSG) and follows RFC 1952 on what comes after a member:
 *  - another member (multi-member gzip, as `cat a.gz b.gz` gives): read on;
 *  - zero bytes up to the end: ignored, as gzip(1) does (block padding);
 *  - anything else: "gzip: trailing garbage after member N".
 * The input comes from a fill callback (archive.c: the hashing ring), so the bytes as read and
 * the inflated stream are both seen by the caller.
 */
#ifndef HK_ARCHIVE_GZ_H
#define HK_ARCHIVE_GZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct hk_gz;

/* The next input block: its length (*buf valid until the next call), 0 at the end of the
 * input, or a negative errno. */
typedef ssize_t (*hk_gz_fill_fn)(void *ud, const unsigned char **buf);

/* n bytes at b start like a gzip member (1f 8b). */
bool hk_gz_magic(const void *b, size_t n);

/* A reader (NULL: out of memory). */
struct hk_gz *hk_gz_new(hk_gz_fill_fn fill, void *ud);
void hk_gz_free(struct hk_gz *g);

/* The next inflated bytes: their count (*buf valid until the next call), 0 once every member
 * was read and checked and the input ended, or a negative errno: -EBADMSG for bad data
 * (hk_gz_error says why, "gzip: ..."), -ENOMEM, or the fill callback's error. After an error
 * every call returns it again. */
ssize_t hk_gz_read(struct hk_gz *g, const void **buf);

/* The last error as one line ("gzip: data corrupted (CRC mismatch)"), "" when none. */
const char *hk_gz_error(const struct hk_gz *g);

#endif
