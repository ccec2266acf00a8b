// SPDX-License-Identifier: MIT
/*
 * Blobs kept as received (blobstore.h, store_image.h's image_blobs), so that image save
 * writes another tool's layers, config and manifest byte for byte and a save -> load round
 * trip keeps every digest (and so the image id):
 *  - load of an OCI layout keeps the manifest, the config and every layer blob;
 *  - load of a docker-save archive keeps the config and the layers (save writes an OCI
 *    manifest naming them);
 *  - import keeps a gzip or zstd input (compressed, so a fraction of the tree's size, and
 *    written by the hashing thread while the import is bound by decompression). An
 *    uncompressed input is not kept: the copy would double what the import writes (measured
 *    on tmpfs: 176 ms instead of 106 ms for 111 MiB, against 1.2x tar -x as the target),
 *    and neither are xz or bzip2 inputs (no OCI media type). For those, save writes hako's
 *    own tar of the layer, whose diff_id differs from the input's: the saved archive is
 *    consistent, but loading it gives another image id;
 *  - commit, add-dir and bootstrap layers are hako's own tars: save writes the same bytes
 *    again from the layer directory, so nothing is kept.
 * The cost is disk: the blobs' bytes are added to the image's size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "image_int.h"

#define MT_TAR "application/vnd.oci.image.layer.v1.tar"
#define MT_TAR_GZ "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_TAR_ZST "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"

static const char *layer_mt(enum hk_compress c)
{
	return c == HK_COMPRESS_NONE   ? MT_TAR
	       : c == HK_COMPRESS_GZIP ? MT_TAR_GZ
	       : c == HK_COMPRESS_ZSTD ? MT_TAR_ZST
				       : NULL;
}

static void row_set(struct hk_blob_row *b, const char *kind, size_t idx, const char *digest,
		    const char *mt, uint64_t size)
{
	memset(b, 0, sizeof(*b));
	snprintf(b->kind, sizeof(b->kind), "%s", kind);
	b->idx = idx;
	snprintf(b->digest, sizeof(b->digest), "%s", digest);
	snprintf(b->media_type, sizeof(b->media_type), "%s", mt);
	b->size = size;
}

int image_keep_read(struct hk_images *im, int tmpfd, const struct hk_extract_result *res,
		    const char *media_type, size_t idx, struct hk_blob_row *row, struct hk_err *err)
{
	const char *mt = media_type ? media_type : layer_mt(res->compress);
	if (!mt || !res->in_bytes || !res->kept)
		return 0;
	int r = hk_blobstore_link(im->bs, tmpfd, res->digest, err);
	if (r < 0)
		return r;
	row_set(row, "layer", idx, res->digest, mt, res->in_bytes);
	return 1;
}

/* What a docker-save layer is, from its first bytes. */
static const char *sniff(int fd)
{
	unsigned char m[4] = { 0 };
	if (pread(fd, m, sizeof(m), 0) < 2)
		return MT_TAR;
	if (m[0] == 0x1f && m[1] == 0x8b)
		return MT_TAR_GZ;
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return MT_TAR_ZST;
	return m[0] == 0xfd || m[0] == 'B' ? NULL : MT_TAR; /* xz, bzip2: not OCI */
}

int image_keep_copy(struct hk_images *im, struct hk_oci_image *img, size_t i,
		    struct hk_blob_row *row, struct hk_err *err)
{
	struct hk_extract_opts eo = { 0 };
	_cleanup_close_ int fd = hk_oci_layer_open(img, i, &eo, err);
	if (fd < 0)
		return fd;
	const char *mt = img->layers[i].media_type ? img->layers[i].media_type : sniff(fd);
	if (!mt)
		return 0;
	char d[HK_DIGEST_MAX];
	uint64_t size;
	int r = hk_blobstore_copy(im->bs, fd, eo.expect_digest, d, &size, err);
	if (r < 0)
		return hk_err_prefix(err, "layer %zu", i + 1);
	row_set(row, "layer", i, d, mt, size);
	return 1;
}

int image_keep_docs(struct hk_images *im, struct hk_oci_image *img, struct hk_blob_row *rows,
		    size_t *n, struct hk_err *err)
{
	char d[HK_DIGEST_MAX];
	if (img->config_json) {
		int r = hk_blobstore_put(im->bs, img->config_json, img->config_len, d, err);
		if (r < 0)
			return r;
		row_set(&rows[(*n)++], "config", 0, d, MT_CONFIG, img->config_len);
	}
	if (img->manifest_json) {
		int r = hk_blobstore_put(im->bs, img->manifest_json, img->manifest_len, d, err);
		if (r < 0)
			return r;
		if (!hk_digest_eq(d, img->manifest_digest))
			return hk_err_set(err, -EBADMSG, "manifest digest changed while loading");
		row_set(&rows[(*n)++], "manifest", 0, d, img->manifest_media_type,
			img->manifest_len);
	}
	return 0;
}

int image_commit_blobs(struct hk_images *im, const char *base, size_t nbase, size_t idx,
		       const struct hk_extract_result *res, const char *id, struct hk_err *err)
{
	struct hk_blob_row *rows;
	size_t n, m = 0;
	int r = hk_imgstore_blobs_get(im->st, base, &rows, &n, err);
	if (r < 0)
		return r;
	struct hk_blob_row *v = realloc(rows, (n + 1) * sizeof(*v));
	if (!v) {
		free(rows);
		return hk_err_set(err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].kind, "layer") && v[i].idx < nbase)
			v[m++] = v[i];
	row_set(&v[m++], "layer", idx, res->digest, MT_TAR, res->in_bytes);
	r = hk_imgstore_blobs_put(im->st, id, v, m, err);
	free(v);
	return r;
}

static bool blob_used(void *ud, const char *digest)
{
	return hk_imgstore_blob_used(ud, digest);
}

size_t image_gc_blobs(struct hk_images *im)
{
	return hk_blobstore_gc(im->bs, blob_used, im->st);
}

/* image save: the kept blobs of row's image into spec (kept[] has nlayers + 2 entries). */
int image_save_blobs(struct hk_images *im, const struct hk_image_row *row,
		     struct hk_oci_save_spec *spec, struct hk_oci_kept *kept,
		     struct hk_blob_row **ret_rows, struct hk_err *err)
{
	size_t n;
	int r = hk_imgstore_blobs_get(im->st, row->id, ret_rows, &n, err);
	if (r < 0)
		return r;
	struct hk_oci_kept *layers = kept + 2;
	for (size_t i = 0; i < n; i++) {
		struct hk_blob_row *b = &(*ret_rows)[i];
		if (!hk_blobstore_has(im->bs, b->digest))
			return hk_err_set(err, -ENOENT, "kept blob %s is missing", b->digest);
		struct hk_oci_kept *k = !strcmp(b->kind, "manifest") ? &kept[0]
					: !strcmp(b->kind, "config") ? &kept[1]
					: b->idx < row->nlayers	     ? &layers[b->idx]
								     : NULL;
		if (k)
			*k = (struct hk_oci_kept){ b->digest, b->media_type, b->size };
	}
	spec->blobs_fd = hk_blobstore_dirfd(im->bs);
	spec->manifest_blob = kept[0].digest ? &kept[0] : NULL;
	spec->config_blob = kept[1].digest ? &kept[1] : NULL;
	spec->layer_blobs = layers;
	spec->diff_ids = (const char *const *)row->layers;
	return 0;
}

int hk_image_has_manifest(struct hk_images *im, const char *ref, const char *manifest_digest,
			  char ret_id[HK_DIGEST_MAX])
{
	struct hk_image_row row;
	struct hk_blob_row *rows = NULL;
	struct hk_err e;
	size_t n = 0;
	char norm[HK_IMAGE_REF_MAX];
	if (hk_image_ref_normalize(ref, norm, sizeof(norm), &e) < 0 ||
	    hk_imgstore_get(im->st, norm, &row, &e) < 0)
		return 0;
	int found = 0;
	if (hk_imgstore_blobs_get(im->st, row.id, &rows, &n, &e) == 0)
		for (size_t i = 0; i < n && !found; i++)
			found = !strcmp(rows[i].kind, "manifest") &&
				hk_digest_eq(rows[i].digest, manifest_digest);
	if (found)
		snprintf(ret_id, HK_DIGEST_MAX, "%s", row.id);
	free(rows);
	hk_image_row_free(&row);
	return found;
}
