/* SPDX-License-Identifier: MIT */
/*
 * Images: what `hako image ...`, `hako run IMAGE`, `hako commit` and `hako export` do, over
 * the layer store (layerstore.h: directories) and the state database (store_image.h: which
 * image has which layers and tags).
 *
 * An image is an OCI config (Env, Cmd, Entrypoint, WorkingDir, User, ExposedPorts,
 * rootfs.diff_ids); its id is the sha256 of that config as hako stores it, so the same
 * layers with the same config are one image. Layers are shared between images and removed
 * when the last image naming them goes (image rm, prune).
 *
 * A container made from an image has STATE/ctroot/<id>/{upper,work,merged}: the overlay of
 * the image's layers with upper/work mounted on merged (in the mount namespace hako runs
 * in), which becomes the container's rootfs. Where overlayfs cannot be mounted the layer
 * store's copy fallback fills upper with a full copy and bind-mounts it (see
 * hk_layerstore_mount). hk_ctroot_remove() (called by hk_ct_remove) unmounts and deletes it.
 */
#ifndef HK_IMAGE_H
#define HK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "digest.h"
#include "layerstore.h"
#include "oci.h"
struct hk_store;
#include "store_image.h"

struct hk_images;

/* Called every few MiB while a layer is read: layer index (0-based), layer count, bytes
 * read and written so far for this layer. */
typedef void (*hk_image_progress_fn)(void *userdata, size_t layer, size_t nlayers, uint64_t in,
				     uint64_t out);

struct hk_image_opts {
	const char *tag; /* "repo:tag" (normalised) or NULL */
	hk_image_progress_fn progress;
	void *userdata;
};

int hk_images_open(const char *state_dir, struct hk_store *st, struct hk_images **ret,
		   struct hk_err *err);

/* The image store's lock, STATE/layers/gc.lock (flock): shared while images are made or
 * read (import, load, add-dir, bootstrap, commit, save, and `hako run IMAGE` from resolving
 * the image until its container's ct_images row exists), exclusive while they are removed
 * (image rm, prune). So a prune never deletes a layer an import has stored but not yet
 * named in an image row, nor the image a starting container is about to use. Lock order:
 * this lock, then SQLite's transaction, then a layer's locks/<hex>. Returns the fd (close
 * it to unlock; keep it out of child processes: it is O_CLOEXEC). */
int hk_images_lock(const char *state_dir, bool exclusive, struct hk_err *err);
void hk_images_close(struct hk_images *im);

/* "NAME[:TAG]" -> "NAME:TAG" (TAG defaults to latest) into out, by Docker's reference
 * grammar (image.c): NAME is [HOST[:PORT]/]COMPONENT[/COMPONENT]..., each component lower
 * case letters and digits joined by '.', '_', '__' or dashes (so never empty, "." or ".."),
 * at most 255 characters, not 64 hex digits; TAG is letters, digits, '_', '.', '-', at most
 * 128, not starting with '.' or '-'. No digest (@sha256:...). Usage error otherwise. */
int hk_image_ref_normalize(const char *ref, char *out, size_t len, struct hk_err *err);
/* Find an image by NAME[:TAG], id or unique id prefix. */
int hk_image_find(struct hk_images *im, const char *ref, struct hk_image_row *ret,
		  struct hk_err *err);

/* A plain rootfs tar (docker export; compressed or not; "-" is stdin) as a one-layer
 * image. ret_id receives the image id. */
int hk_image_import(struct hk_images *im, const char *file, const struct hk_image_opts *o,
		    char ret_id[HK_DIGEST_MAX], struct hk_err *err);
/* An OCI layout or docker save archive (directory or tar). Without o->tag the archive's
 * own ref (annotation, RepoTags) names it when it is a valid name. */
int hk_image_load(struct hk_images *im, const char *path, const struct hk_image_opts *o,
		  char ret_id[HK_DIGEST_MAX], struct hk_err *err);
/* Is image ref (NAME[:TAG]) stored with manifest_digest as its kept manifest (what a pull
 * of that manifest would record)? 1 yes (ret_id gets its id), 0 no. */
int hk_image_has_manifest(struct hk_images *im, const char *ref, const char *manifest_digest,
			  char ret_id[HK_DIGEST_MAX]);
/* A directory tree (debootstrap) copied as a one-layer image. */
int hk_image_add_dir(struct hk_images *im, const char *dir, const struct hk_image_opts *o,
		     char ret_id[HK_DIGEST_MAX], struct hk_err *err);
/* A busybox image from the static busybox binary at busybox (Debian's busybox-static:
 * /bin/busybox): applet symlinks, /etc/passwd, /etc/group, Cmd ["/bin/sh"]. Offline. */
int hk_image_bootstrap_busybox(struct hk_images *im, const char *busybox,
			       const struct hk_image_opts *o, char ret_id[HK_DIGEST_MAX],
			       struct hk_err *err);

/* Untag ref; when it was given by id or its last tag goes, remove the image and the layers
 * no other image uses. Refused (-EBUSY) while a container's root is made of it. */
int hk_image_remove(struct hk_images *im, const char *ref, struct hk_err *err);
/* `image rm -f` of an image a container is made of: every name of it goes, the image stays
 * (untagged, listed by id) until no container uses it and a prune takes it. The number of
 * names removed in *ret_n. */
int hk_image_untag_all(struct hk_images *im, const char *ref, size_t *ret_n, struct hk_err *err);
/* Remove untagged images no container uses, then every layer no image uses, and leftovers
 * of crashed imports. */
int hk_image_prune(struct hk_images *im, size_t *ret_images, size_t *ret_layers,
		   struct hk_err *err);
/* Write image ref as an OCI image layout tar to out_fd. */
int hk_image_save(struct hk_images *im, const char *ref, int out_fd, struct hk_err *err);

/* The image config's User ("USER[:GROUP]", numbers or names) as uid and gid, names looked
 * up in the image's own /etc/passwd and /etc/group (image_user.c; Docker's rules). */
int hk_image_user(struct hk_images *im, const char *image_id, const char *user, uid_t *ret_uid,
		  gid_t *ret_gid, struct hk_err *err);
/* Pure helper (unit-tested): find key (a name, or with by_id a number) in a passwd or group
 * file's text: *ret_id = its uid (gid for group), *ret_gid (may be NULL) = its group. */
int hk_user_db_find(const char *db, const char *key, bool by_id, unsigned long *ret_id,
		    unsigned long *ret_gid);

/* ---- container roots ---- */

/* STATE/ctroot/<ct> and STATE/ctroot/<ct>/merged (the rootfs). */
void hk_ctroot_dir(const char *state_dir, const char *ct, char *buf, size_t len);
void hk_ctroot_merged(const char *state_dir, const char *ct, char *buf, size_t len);
/* Record ct's image and mount its root (idempotent: an existing mount is kept). */
int hk_ctroot_mount(struct hk_images *im, const char *ct, const char *image_id,
		    enum hk_layers_mode mode, struct hk_err *err);
/* Unmount and delete ct's root and its ct_images row; nothing to do for a --rootfs
 * container. */
int hk_ctroot_remove(struct hk_store *st, const char *state_dir, const char *ct,
		     struct hk_err *err);
/* ct's changes (its upper dir) as a new layer on top of its image's: a new image. */
int hk_image_commit(struct hk_images *im, const char *ct, const struct hk_image_opts *o,
		    char ret_id[HK_DIGEST_MAX], struct hk_err *err);
/* ct's merged root as one flat tar on out_fd (docker export). */
int hk_ctroot_export(struct hk_images *im, const char *ct, int out_fd, struct hk_err *err);

#endif
