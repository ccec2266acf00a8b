/* SPDX-License-Identifier: MIT */
/*
 * Blobs kept as received (OCI layer, config and manifest blobs, imported tars), content
 * addressed like containerd's content store:
 *
 *   STATE/layers/blobs/sha256/<hex>   one file per blob, named by the sha256 of its bytes
 *
 * A blob is written to an unnamed file (O_TMPFILE) under STATE/layers/tmp and linked in under
 * its digest once complete and checked, so a reader never sees a partial blob and two writers
 * of one blob store it once. Which image keeps which blob is the state database's business
 * (store_image.h: image_blobs); image rm and prune remove the blobs no row names, under the
 * image store's exclusive lock (hk_images_lock).
 */
#ifndef HK_BLOBSTORE_H
#define HK_BLOBSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "digest.h"

struct hk_blobstore;

int hk_blobstore_open(const char *state_dir, struct hk_blobstore **ret, struct hk_err *err);
void hk_blobstore_close(struct hk_blobstore *bs);

/* A new unnamed file to write a blob into; hk_blobstore_link() names it. */
int hk_blobstore_tmp(struct hk_blobstore *bs, struct hk_err *err);
/* Name the complete file fd as blob digest (already stored: fine, 0 either way). */
int hk_blobstore_link(struct hk_blobstore *bs, int fd, const char *digest, struct hk_err *err);
/* Store len bytes of buf; ret_digest gets their digest. */
int hk_blobstore_put(struct hk_blobstore *bs, const void *buf, size_t len,
		     char ret_digest[HK_DIGEST_MAX], struct hk_err *err);
/* Store a copy of what fd holds (read to its end). With expect non-NULL the bytes must
 * hash to it (-EBADMSG otherwise, nothing stored); a blob already stored is not read again. */
int hk_blobstore_copy(struct hk_blobstore *bs, int fd, const char *expect,
		      char ret_digest[HK_DIGEST_MAX], uint64_t *ret_size, struct hk_err *err);
bool hk_blobstore_has(struct hk_blobstore *bs, const char *digest);
/* The blobs directory (blobs/sha256), to open or link blobs by their hex name. */
int hk_blobstore_dirfd(const struct hk_blobstore *bs);
/* Remove every blob used() says no image keeps; returns how many went. */
size_t hk_blobstore_gc(struct hk_blobstore *bs, bool (*used)(void *ud, const char *digest),
		       void *ud);

#endif
