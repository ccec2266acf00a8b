/* SPDX-License-Identifier: MIT */
/*
 * Images in the state database (store_image.c, over store.c's connection):
 *
 *   images        id (sha256 of the stored config JSON), config, size, created
 *   image_layers  image, idx (0 = bottom), diff_id, size (uncompressed tar bytes)
 *   image_tags    name ("repo:tag", unique) -> image
 *   ct_images     container id -> the image its root is made of
 *
 * Layer directories themselves live in layerstore.h; a layer is garbage once no
 * image_layers row names it.
 */
#ifndef HK_STORE_IMAGE_H
#define HK_STORE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "digest.h"
struct hk_store;

#define HK_IMAGE_REF_MAX 256

struct hk_image_row {
	char id[HK_DIGEST_MAX];
	char *config; /* OCI config JSON */
	uint64_t size;
	int64_t created; /* unix seconds */
	char **layers;	 /* diff_ids, bottom first */
	uint64_t *layer_sizes;
	size_t nlayers;
	char **tags; /* "repo:tag" */
	size_t ntags;
};

void hk_image_row_free(struct hk_image_row *r);
void hk_image_rows_free(struct hk_image_row *rows, size_t n);

/* Insert the image (nothing if the id exists) and, with tag non-NULL, point tag at it
 * (moving it from another image). */
int hk_imgstore_put(struct hk_store *st, const struct hk_image_row *r, const char *tag,
		    struct hk_err *err);
/* Look up by "repo:tag" (tag already normalised), full id, or unique hex id prefix (>= 4).
 * -ENOENT: "no such image: REF". */
int hk_imgstore_get(struct hk_store *st, const char *ref, struct hk_image_row *ret,
		    struct hk_err *err);
int hk_imgstore_list(struct hk_store *st, struct hk_image_row **ret, size_t *ret_n,
		     struct hk_err *err);
/* Point tag at image id / drop tag (-ENOENT when it does not exist). */
int hk_imgstore_tag(struct hk_store *st, const char *id, const char *tag, struct hk_err *err);
int hk_imgstore_untag(struct hk_store *st, const char *tag, struct hk_err *err);
/* Remove the image's rows (tags, layers, image). */
int hk_imgstore_delete(struct hk_store *st, const char *id, struct hk_err *err);
/* The name of a container whose root is made of image id into ret_name: 1 if there is one,
 * 0 if none. */
int hk_imgstore_user(struct hk_store *st, const char *id, char *ret_name, size_t len,
		     struct hk_err *err);
/* Is diff_id part of any image? */
bool hk_imgstore_layer_used(struct hk_store *st, const char *diff_id);
/* Images with no tag and no container using them (prune candidates). */
int hk_imgstore_dangling(struct hk_store *st, char ***ret, size_t *ret_n, struct hk_err *err);

/* Container ct's image (the ct_images row). get: -ENOENT when ct has none. */
int hk_imgstore_ct_set(struct hk_store *st, const char *ct, const char *image, struct hk_err *err);
int hk_imgstore_ct_get(struct hk_store *st, const char *ct, char ret[HK_DIGEST_MAX]);
int hk_imgstore_ct_del(struct hk_store *st, const char *ct, struct hk_err *err);

/* ---- blobs kept as received (store_blob.c; files in blobstore.h) ----
 *
 *   image_blobs   image, kind ("manifest", "config", "layer"), idx (layer index, bottom 0),
 *                 digest, media_type, size
 *
 * An image loaded from an OCI layout keeps its manifest, config and layer blobs; a docker-save
 * image its config and layers; an imported tar its input (uncompressed, gzip or zstd).
 * image save writes them byte for byte. A blob is garbage once no row names it. */
struct hk_blob_row {
	char kind[16];
	size_t idx;
	char digest[HK_DIGEST_MAX];
	char media_type[128];
	uint64_t size;
};

/* Record the kept blobs of image id, unless it has some already (the first source of an
 * image wins, so a manifest never mixes with another source's layers); their bytes are added
 * to the image's size (its disk cost). */
int hk_imgstore_blobs_put(struct hk_store *st, const char *id, const struct hk_blob_row *rows,
			  size_t n, struct hk_err *err);
/* The kept blobs of image id (malloc'd; none: *ret_n = 0). */
int hk_imgstore_blobs_get(struct hk_store *st, const char *id, struct hk_blob_row **ret,
			  size_t *ret_n, struct hk_err *err);
/* Does any image keep blob digest? (true on a database error: keep it) */
bool hk_imgstore_blob_used(struct hk_store *st, const char *digest);

/* store.c: the sqlite3 handle (only store*.c use it). */
void *hk_store_sqlite(struct hk_store *st);

#endif
