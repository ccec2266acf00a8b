/* SPDX-License-Identifier: MIT */
/*
 * hako history: an image's history as `docker history` shows it, newest first, from its
 * config's "history" array (the config blob kept as received; hako's stored config drops it)
 * (created, created_by, comment, empty_layer), each non-empty step matched with its layer (bottom
 * first) for the size and the layer's diff_id. An image with no history (hako import, add-dir,
 * bootstrap) gets one step per layer.
 */
#ifndef HK_IMGHIST_H
#define HK_IMGHIST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "image.h"

struct hk_imghist {
	int64_t created; /* unix seconds; 0 unknown */
	char *created_by;
	char *comment;
	bool empty_layer;
	uint64_t size; /* the layer's bytes; 0 for an empty step */
	char *diff_id; /* NULL for an empty step */
};

/* The steps of image ref, newest first (malloc'ed; hk_imghist_free). */
int hk_imghist_get(struct hk_images *im, const char *ref, struct hk_imghist **ret, size_t *ret_n,
		   char ret_id[HK_DIGEST_MAX], struct hk_err *err);
void hk_imghist_free(struct hk_imghist *h, size_t n);

#endif
