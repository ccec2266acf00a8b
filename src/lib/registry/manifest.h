/* SPDX-License-Identifier: MIT */
/*
 * Registry manifests: Docker v2 schema 2 manifests and manifest lists, OCI image manifests
 * and indexes (schema 1 is refused). An index's entry is chosen by platform: linux and this
 * machine's architecture (Go's names: amd64, arm64, ...) and, when the entry names one,
 * the variant (arm64: v8, arm: v7).
 */
#ifndef HK_MANIFEST_H
#define HK_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "digest.h"

#define HK_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define HK_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define HK_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define HK_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
/* what a registry is asked for */
#define HK_MANIFEST_ACCEPT                                                                         \
	"Accept: " HK_MT_OCI_INDEX ", " HK_MT_DOCKER_LIST ", " HK_MT_OCI_MANIFEST                  \
	", " HK_MT_DOCKER_MANIFEST

struct hk_desc {
	char media_type[128];
	char digest[HK_DIGEST_MAX];
	uint64_t size;
	char os[32], arch[32], variant[32]; /* index entries */
};

struct hk_manifest {
	bool index;
	char media_type[128];
	struct hk_desc config; /* image manifests */
	struct hk_desc *descs; /* layers (image) or manifests (index) */
	size_t ndescs;
};

/* Parse a manifest (content_type: the response's Content-Type, may be NULL or ""). */
int hk_manifest_parse(const char *json, size_t len, const char *content_type,
		      struct hk_manifest *ret, struct hk_err *err);
void hk_manifest_free(struct hk_manifest *m);
/* The index entry for os/arch[/variant] (NULL arch: this machine's). -ENOENT with the
 * platforms it has in err when none fits. */
int hk_manifest_pick(const struct hk_manifest *m, const char *os, const char *arch,
		     const char *variant, size_t *ret_i, struct hk_err *err);
/* This machine's architecture and variant in Go's names. */
const char *hk_manifest_arch(const char **ret_variant);

#endif
