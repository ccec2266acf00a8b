/* SPDX-License-Identifier: MIT */
/*
 * OCI image layouts and `docker save` archives: reading (every blob checked against its
 * descriptor's sha256 digest and size, diff_ids against the uncompressed layers) and writing
 * an OCI image layout tar that skopeo/podman accept.
 *
 *   hk_oci_open()      a layout directory or tar (oci-layout, index.json -> [index ->]
 *                      manifest -> config -> layers) or a docker-save directory or tar
 *                      (manifest.json: Config, RepoTags, Layers); tars are first unpacked
 *                      (safely, hkarchive.h) under a temporary directory
 *   hk_oci_layer_open() the fd of one layer blob plus the digests to verify while extracting
 *   hk_oci_save()      layer directories (overlay form) + config -> OCI layout tar
 *
 * Manifests, indexes and configs are read whole and limited to HK_OCI_JSON_MAX bytes;
 * layer media types: OCI tar, tar+gzip, tar+zstd (and their non-distributable variants),
 * Docker's rootfs.diff.tar(.gzip); anything else (encrypted, foreign) is refused.
 */
#ifndef HK_OCI_H
#define HK_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "digest.h"
#include "hkarchive.h"

#define HK_OCI_JSON_MAX (4U << 20)
#define HK_OCI_REF_ANNOTATION "org.opencontainers.image.ref.name"

/* The parts of an image config hako uses (OCI image-spec config.md; Docker's is the same). */
struct hk_image_config {
	char **env; /* "K=V", NULL-terminated; NULL when absent */
	char **cmd;
	char **entrypoint;
	char **exposed_ports; /* "80/tcp" */
	char *workdir;
	char *user;
	char *os;
	char *architecture;
	char *created;	 /* RFC 3339, as written */
	char **diff_ids; /* rootfs.diff_ids, bottom layer first */
	size_t ndiff_ids;
};

void hk_image_config_free(struct hk_image_config *c);
/* Parse an image config document (the blob). */
int hk_image_config_parse(const char *json, size_t len, struct hk_image_config *ret,
			  struct hk_err *err);
/* The OCI config document for c (keys in a fixed order). malloc'd; NULL on ENOMEM. Also the
 * form to keep in the store. */
char *hk_image_config_json(const struct hk_image_config *c);

struct hk_oci_layer {
	char digest[HK_DIGEST_MAX];  /* blob digest; "" for docker-save layers (none given) */
	char diff_id[HK_DIGEST_MAX]; /* from the config */
	uint64_t size;		     /* blob size; 0 when not given */
	char *media_type;
	char *path; /* relative to the layout root */
};

struct hk_oci_image {
	char *root;   /* the layout directory */
	char *tmpdir; /* where a tar was unpacked; removed by hk_oci_image_free */
	int tmplock;  /* flock on tmpdir while open (hk_layerstore_clean skips it) */
	bool docker;  /* docker-save format */
	char *ref;    /* the ref.name annotation or RepoTags entry, NULL when none */
	char manifest_digest[HK_DIGEST_MAX]; /* "" for docker-save */
	char config_digest[HK_DIGEST_MAX];
	struct hk_image_config config;
	/* the documents as read (to keep them byte for byte): manifest (NULL for docker-save)
	 * and config */
	char *manifest_json, *config_json;
	size_t manifest_len, config_len;
	char manifest_media_type[128];
	struct hk_oci_layer *layers;
	size_t nlayers;
};

/* Open path (directory, tar file, or "-" for a tar on stdin). Tars are unpacked into a new
 * directory under tmp_parent (same filesystem as the layer store is best). ref selects one
 * image when the layout holds several (matched against the ref.name annotation, or a
 * RepoTags entry); NULL takes the only one. Multi-platform indexes resolve to linux and
 * the running architecture. Checks the manifest and config blobs now; layers are checked
 * while they are extracted (hk_oci_layer_open). Errors do not name PATH: the caller does. */
int hk_oci_open(const char *path, const char *tmp_parent, const char *ref,
		struct hk_oci_image **ret, struct hk_err *err);
void hk_oci_image_free(struct hk_oci_image *img);

/* Open layer i's blob for reading; fill opts->expect_* (digest, size, diff_id) so that
 * hk_archive_extract_fd() verifies it. Returns the fd. -ENOENT: "layer N: blob ... is
 * missing". */
int hk_oci_layer_open(const struct hk_oci_image *img, size_t i, struct hk_extract_opts *opts,
		      struct hk_err *err);

/* A blob kept as received (blobstore.h), written as it is. digest NULL: none. */
struct hk_oci_kept {
	const char *digest;
	const char *media_type;
	uint64_t size;
};

struct hk_oci_save_spec {
	const char *ref;		      /* written as the ref.name annotation */
	const struct hk_image_config *config; /* diff_ids are ignored: computed */
	const char *const *layer_dirs;	      /* bottom first; overlay-form layers */
	size_t nlayers;
	const char *tmp_parent; /* staging directory is created under it */
	/* kept blobs (all optional): in blobs_fd (a blobs/sha256 directory, same filesystem as
	 * tmp_parent: they are hard-linked). With a manifest, it and the blobs it names (config,
	 * every layer: all must be kept) are the image; otherwise a kept config is used as it
	 * is (its diff_ids are diff_ids[]) and each kept layer replaces its regenerated tar. */
	int blobs_fd;
	const struct hk_oci_kept *manifest_blob, *config_blob;
	const struct hk_oci_kept *layer_blobs; /* nlayers entries */
	const char *const *diff_ids;	       /* the stored diff_ids, for kept layers */
};

/* Write an OCI image layout as an uncompressed tar to out_fd: oci-layout, index.json (one
 * manifest, annotated with the ref), the manifest, the config and one blob per layer: the
 * kept blob as received, or a tar+gzip of the layer directory (overlay whiteouts converted
 * to OCI form). */
int hk_oci_save(int out_fd, const struct hk_oci_save_spec *spec, struct hk_err *err);

#endif
