/* SPDX-License-Identifier: MIT */
/*
 * hako push: a stored image to a registry. The image is written as `hako image save` writes
 * it (kept blobs as received, so a pulled image keeps its digests; others re-tarred
 * deterministically) and read back as an OCI layout; then for each layer and the config a
 * HEAD asks whether the repository has the blob, a blob the registry has in another
 * repository (from= the source's repository, same registry) is mounted, the others are
 * uploaded in chunks (POST, PATCH with Content-Range, PUT ?digest=: the registry checks the
 * digest), a bounded number at once; last the manifest is PUT under the tag and the digest
 * the registry answers is checked.
 */
#ifndef HK_PUSH_H
#define HK_PUSH_H

#include "base/err.h"
#include "image.h"
#include "pull.h"

struct hk_push_opts {
	struct hk_reg_opts reg;
	unsigned parallel;	      /* blobs at once (default 3) */
	uint64_t chunk;		      /* upload chunk size (default 16 MiB) */
	hk_pull_progress_fn progress; /* EXISTS, START, DONE events (idx 0: config) */
	void *ud;
};

/* Push image src (name or id) to dest (a reference; NULL: src's own name). ret_digest: the
 * manifest digest. */
int hk_push(struct hk_images *im, const char *state_dir, const char *src, const char *dest,
	    const struct hk_push_opts *o, char ret_digest[HK_DIGEST_MAX], struct hk_err *err);

#endif
