/* SPDX-License-Identifier: MIT */
/* Shared by image.c and ctroot.c. */
#ifndef HK_IMAGE_INT_H
#define HK_IMAGE_INT_H

#include "image.h"

struct hk_images {
	char state[4096];
	struct hk_store *st;
	struct hk_layerstore *ls;
};

uint64_t image_layer_size(struct hk_images *im, const char *diff_id);
int image_store(struct hk_images *im, struct hk_image_config *c, const uint64_t *sizes,
		const char *tag, char ret_id[HK_DIGEST_MAX], bool new_image, struct hk_err *err);
size_t image_gc_layers(struct hk_images *im, char **ids, size_t n);
/* add-dir with a config to start from (its diff_ids are replaced). */
int image_add_dir_config(struct hk_images *im, const char *dir, struct hk_image_config *base,
			 const struct hk_image_opts *o, char ret_id[HK_DIGEST_MAX],
			 struct hk_err *err);

#endif
