// SPDX-License-Identifier: MIT
/* An image's history (imghist.h). */
#include "imghist.h"

#include <stdio.h>
#include <json-c/json.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/fstree.h"
#include "image_int.h"

/* RFC 3339 ("2023-05-19T20:19:31.123456789Z", offsets too) -> unix seconds; 0 if unreadable */
static int64_t rfc3339(const char *s)
{
	struct tm tm = { 0 };
	const char *e = s ? strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
	if (!e)
		return 0;
	int64_t t = (int64_t)timegm(&tm);
	while (*e == '.' || (*e >= '0' && *e <= '9'))
		e++;
	if ((*e == '+' || *e == '-') && strlen(e) >= 6) {
		int off = ((e[1] - '0') * 10 + (e[2] - '0')) * 3600 +
			  ((e[4] - '0') * 10 + (e[5] - '0')) * 60;
		t -= *e == '+' ? off : -off;
	}
	return t;
}

static char *dup_str(struct json_object *o, const char *key)
{
	struct json_object *v;
	return json_object_object_get_ex(o, key, &v) ? strdup(json_object_get_string(v)) : NULL;
}

/* The config blob image id keeps (store_image.h: image_blobs, kind "config"), read from the
 * blob store (beneath its directory, a regular file only), malloc'ed; NULL if none. */
static char *kept_config(struct hk_images *im, const char *id)
{
	struct hk_blob_row *b = NULL;
	size_t n = 0;
	struct hk_err e;
	char *text = NULL;
	if (hk_imgstore_blobs_get(im->st, id, &b, &n, &e) < 0)
		return NULL;
	for (size_t i = 0; i < n && !text; i++) {
		if (strcmp(b[i].kind, "config") || strncmp(b[i].digest, HK_DIGEST_PREFIX, 7) ||
		    b[i].size > (16u << 20))
			continue;
		struct stat st;
		int fd = hk_open_regular_beneath(hk_blobstore_dirfd(im->bs), b[i].digest + 7, true,
						 &st);
		if (fd < 0)
			continue;
		text = malloc((size_t)st.st_size + 1);
		ssize_t k = text ? read(fd, text, (size_t)st.st_size) : -1;
		if (k != st.st_size) {
			free(text);
			text = NULL;
		} else {
			text[k] = 0;
		}
		close(fd);
	}
	free(b);
	return text;
}

void hk_imghist_free(struct hk_imghist *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].created_by);
		free(h[i].comment);
		free(h[i].diff_id);
	}
	free(h);
}

int hk_imghist_get(struct hk_images *im, const char *ref, struct hk_imghist **ret, size_t *ret_n,
		   char ret_id[HK_DIGEST_MAX], struct hk_err *err)
{
	struct hk_image_row row;
	int r = hk_image_find(im, ref, &row, err);
	if (r < 0)
		return r;
	snprintf(ret_id, HK_DIGEST_MAX, "%s", row.id);
	/* the history is in the config as received (a kept blob); hako's stored config keeps
	 * only what it uses */
	char *kept = kept_config(im, row.id);
	struct json_object *cfg = json_tokener_parse(kept ? kept : row.config), *hist = NULL, *v;
	free(kept);
	size_t nh = cfg && json_object_object_get_ex(cfg, "history", &hist) &&
				    json_object_is_type(hist, json_type_array)
			    ? json_object_array_length(hist)
			    : 0;
	int64_t img_created = cfg && json_object_object_get_ex(cfg, "created", &v)
				      ? rfc3339(json_object_get_string(v))
				      : row.created;
	size_t n = nh ? nh : row.nlayers, layer = 0;
	struct hk_imghist *h = calloc(n + 1, sizeof(*h));
	if (!h)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct hk_imghist *x = &h[i];
		if (nh) {
			struct json_object *s = json_object_array_get_idx(hist, i);
			x->created = json_object_object_get_ex(s, "created", &v)
					     ? rfc3339(json_object_get_string(v))
					     : 0;
			x->created_by = dup_str(s, "created_by");
			x->comment = dup_str(s, "comment");
			x->empty_layer = json_object_object_get_ex(s, "empty_layer", &v) &&
					 json_object_get_boolean(v);
		} else {
			x->created = img_created;
		}
		if (!x->empty_layer && layer < row.nlayers) {
			x->size = row.layer_sizes[layer];
			x->diff_id = strdup(row.layers[layer++]);
		}
	}
	/* newest first */
	for (size_t i = 0; i < n / 2; i++) {
		struct hk_imghist t = h[i];
		h[i] = h[n - 1 - i];
		h[n - 1 - i] = t;
	}
	json_object_put(cfg);
	hk_image_row_free(&row);
	*ret = h;
	*ret_n = n;
	return 0;
}
