/* SPDX-License-Identifier: MIT */
/*
 * Registry references as Docker and podman parse them (distribution/reference's
 * ParseNormalizedNamed):
 *
 *   busybox                        docker.io/library/busybox:latest
 *   user/app:1.0                   docker.io/user/app:1.0
 *   127.0.0.1:5000/ns/name:tag     127.0.0.1:5000/ns/name:tag
 *   name@sha256:<64 hex>           docker.io/library/name@sha256:...
 *
 * The first component is a registry when it holds '.' or ':' or is "localhost"; the name
 * and tag follow the grammar of hk_image_ref_normalize (image.h); a digest is sha256 only.
 */
#ifndef HK_REGREF_H
#define HK_REGREF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "digest.h"

#define HK_REGREF_DOCKER "docker.io"

struct hk_regref {
	char domain[256];	    /* "docker.io", "host:port" */
	char repo[256];		    /* "library/busybox" */
	char tag[129];		    /* "latest" ("" with a digest and no tag) */
	char digest[HK_DIGEST_MAX]; /* "" when none */
};

/* Parse s; usage error (class 2, one line) when malformed. */
int hk_regref_parse(const char *s, struct hk_regref *ret, struct hk_err *err);
/* The full form: "docker.io/library/busybox:latest" (":tag" and "@digest" when set). */
void hk_regref_full(const struct hk_regref *r, char *buf, size_t len);
/* The name the local image store keeps (Docker's familiar form, always with a tag):
 * "busybox:latest", "user/app:1.0", "host:5000/ns/name:tag". With only a digest: "".
 * Returns false when it does not fit. */
bool hk_regref_local(const struct hk_regref *r, char *buf, size_t len);
/* The host to talk to: docker.io is served by registry-1.docker.io. */
const char *hk_regref_api_host(const struct hk_regref *r);
/* "what to ask for": the digest when given, else the tag. */
const char *hk_regref_reference(const struct hk_regref *r);
/* Is s a plausible registry name for login/logout ("host", "host:port"; a scheme and a path
 * are stripped into out: "https://host:5000/v2/" -> "host:5000"). */
int hk_regref_registry(const char *s, char *out, size_t len, struct hk_err *err);

#endif
