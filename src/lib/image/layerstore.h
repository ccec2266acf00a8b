/* SPDX-License-Identifier: MIT */
/*
 * Content-addressed layer storage under the state directory:
 *
 *   STATE/layers/sha256/<hex>/   one directory per layer, named by its diff_id (sha256 of the
 *                                uncompressed tar), whiteouts in overlayfs form (char 0/0,
 *                                trusted.overlay.opaque=y): stacked as overlay lowerdirs
 *   STATE/layers/tmp/            imports in progress (each flock'ed by its importer), removals
 *   STATE/layers/locks/<hex>     per-layer flock while a layer is stored or removed; the
 *                                holder unlinks it before unlocking (waiters re-open)
 *   STATE/layers/empty/          the lowerdir of an image with no layers
 *   STATE/layers/blobs/sha256/   blobs kept as received (blobstore.h)
 *   STATE/layers/gc.lock         the image store's lock (image.h: hk_images_lock)
 *
 * A layer appears by an atomic renameat2(RENAME_NOREPLACE) from tmp/ (same filesystem) under
 * its lock, so concurrent imports of one layer store it once and a crash never leaves a
 * half layer under sha256/. Which images use which layers is the store's business (SQLite);
 * this module only holds directories. Layers are not fsync'ed (as tar -x): a crash right
 * after an import may lose it, not corrupt the store.
 */
#ifndef HK_LAYERSTORE_H
#define HK_LAYERSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "digest.h"
#include "hkarchive.h"

struct hk_layerstore;

/* Open (creating the directories) the store under state_dir. */
int hk_layerstore_open(const char *state_dir, struct hk_layerstore **ret, struct hk_err *err);
void hk_layerstore_close(struct hk_layerstore *ls);

/* STATE/layers/tmp: where hk_oci_open() should unpack archives (same filesystem). */
const char *hk_layerstore_tmpdir(const struct hk_layerstore *ls);

/* The directory of layer diff_id into buf. 0 if stored, -ENOENT if not, -EINVAL for a bad
 * digest. */
int hk_layerstore_path(const struct hk_layerstore *ls, const char *diff_id, char *buf, size_t len);

/* Store the tar stream on fd as a layer. opts (may be NULL) gives limits and expected
 * digests; whiteouts are always stored in overlay form. With opts->expect_diff_id set and
 * the layer already stored, fd is not read. ret_diff_id receives the layer's id, ret_res
 * (may be NULL) the extraction result (zeroed when nothing was read). Returns 0 when
 * stored, 1 when it was already there, negative errno on failure (nothing left behind). */
int hk_layerstore_import_fd(struct hk_layerstore *ls, int fd, const char *name,
			    const struct hk_extract_opts *opts, char ret_diff_id[HK_DIGEST_MAX],
			    struct hk_extract_result *ret_res, struct hk_err *err);

/* Store a copy of an existing tree (hako image add-dir: a debootstrap directory) as a layer;
 * its id is the diff_id of the tar hk_archive_write_dir() would write. 0 / 1 as above. */
int hk_layerstore_import_dir(struct hk_layerstore *ls, const char *dir,
			     char ret_diff_id[HK_DIGEST_MAX], struct hk_err *err);

/* Remove a stored layer (the caller checked no image uses it). -ENOENT if absent. */
int hk_layerstore_remove(struct hk_layerstore *ls, const char *diff_id, struct hk_err *err);

/* All stored layer ids ("sha256:..."), malloc'd array of malloc'd strings. */
int hk_layerstore_list(struct hk_layerstore *ls, char ***ret, size_t *ret_n, struct hk_err *err);

/* Remove leftovers of crashed imports/saves (tmp/ entries nobody holds a lock on). */
int hk_layerstore_clean(struct hk_layerstore *ls, struct hk_err *err);

enum hk_layers_mode {
	HK_LAYERS_AUTO = 0, /* overlay, falling back to a copy when it cannot be mounted */
	HK_LAYERS_OVERLAY,  /* overlayfs only */
	HK_LAYERS_COPY,	    /* the fallback: upper holds a full merged copy, bind-mounted */
};

/* Mount the merged view of layers diff_ids (bottom first) at target.
 *
 * Overlay: lowerdir = the layers (top first), upperdir = upper, workdir = work (both
 * existing, empty on first use, on one filesystem); index, redirect_dir and metacopy off so
 * the upper dir stays a plain OCI-convertible layer (hako commit). Mounted with the new
 * mount API, one "lowerdir+" per layer (no page-size limit on the option string), falling
 * back to mount(2) on kernels before 6.8.
 *
 * Copy (HK_LAYERS_COPY, or AUTO when overlayfs refuses: no overlay in the kernel, or upper on
 * a filesystem overlay cannot use as upper - overlayfs itself, some FUSE/NFS): the layers are
 * applied bottom-up into upper (whiteouts honoured) the first time - work/hako-copy marks it
 * done - and upper is bind-mounted on target. Costs a full copy per container (reflinked on
 * btrfs/xfs); upper is then the container's whole root and removing it removes everything.
 *
 * *ret_used (may be NULL) gets the mode used. */
int hk_layerstore_mount(struct hk_layerstore *ls, const char *const *diff_ids, size_t n,
			const char *upper, const char *work, const char *target,
			enum hk_layers_mode mode, enum hk_layers_mode *ret_used,
			struct hk_err *err);

#endif
