/* SPDX-License-Identifier: MIT */
/* Shared by image.c and ctroot.c. */
#ifndef HK_IMAGE_INT_H
#define HK_IMAGE_INT_H

#include "blobstore.h"
#include "image.h"

struct hk_images {
	char state[4096];
	struct hk_store *st;
	struct hk_layerstore *ls;
	struct hk_blobstore *bs;
};

uint64_t image_layer_size(struct hk_images *im, const char *diff_id);
int image_store(struct hk_images *im, struct hk_image_config *c, const uint64_t *sizes,
		const char *tag, char ret_id[HK_DIGEST_MAX], bool new_image, struct hk_err *err);
size_t image_gc_layers(struct hk_images *im, char **ids, size_t n);
/* add-dir with a config to start from (its diff_ids are replaced). */
int image_add_dir_config(struct hk_images *im, const char *dir, struct hk_image_config *base,
			 const struct hk_image_opts *o, char ret_id[HK_DIGEST_MAX],
			 struct hk_err *err);

/* image_blob.c: blobs kept as received. keep_read: the blob just read through keep_fd
 * (tmpfd) as layer idx, when OCI can name it (1 kept, 0 not); keep_copy: layer i of img
 * copied in (a layer already stored, so not read); keep_docs: img's config and manifest;
 * gc_blobs: remove the blobs no image keeps; save_blobs: fill spec's kept blobs. */
int image_keep_read(struct hk_images *im, int tmpfd, const struct hk_extract_result *res,
		    const char *media_type, size_t idx, struct hk_blob_row *row,
		    struct hk_err *err);
int image_keep_copy(struct hk_images *im, struct hk_oci_image *img, size_t i,
		    struct hk_blob_row *row, struct hk_err *err);
int image_keep_docs(struct hk_images *im, struct hk_oci_image *img, struct hk_blob_row *rows,
		    size_t *n, struct hk_err *err);
size_t image_gc_blobs(struct hk_images *im);
/* commit: the new image keeps the kept blobs of its base's first nbase layers and its own
 * layer's tar (res) as layer idx. */
int image_commit_blobs(struct hk_images *im, const char *base, size_t nbase, size_t idx,
		       const struct hk_extract_result *res, const char *id, struct hk_err *err);
int image_save_blobs(struct hk_images *im, const struct hk_image_row *row,
		     struct hk_oci_save_spec *spec, struct hk_oci_kept *kept,
		     struct hk_blob_row **ret_rows, struct hk_err *err);

/* ctroot.c, for ctroot_userns.c too: what comes before the overlay mount of a container
 * root: its paths under STATE/ctroot/<ct>, the image's row (free it after a 0 return),
 * ct's image recorded, upper (0755), work and merged made. */
struct hk_ctroot_paths {
	char dir[4096], upper[4200], work[4200], merged[4200];
};
int hk_ctroot_prepare(struct hk_images *im, const char *ct, const char *image_id,
		      struct hk_ctroot_paths *p, struct hk_image_row *row, struct hk_err *err);

#endif
