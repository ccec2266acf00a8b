/* SPDX-License-Identifier: MIT */
/*
 * hako pull: an image from a registry into the image store.
 *
 *   manifest (an index resolves to this platform's entry; checked against the digest asked
 *   for, or the registry's Docker-Content-Digest) -> config -> layers, a bounded number at
 *   once. Each blob streams into an unnamed file in the blob store (blobstore.h), hashed as
 *   it arrives, and is linked in under its digest only when digest and size match; a broken
 *   transfer resumes with a Range request; blobs already stored are not fetched. Then an OCI
 *   layout of hard links to those blobs is staged under STATE/layers/tmp and recorded by
 *   hk_image_load() (layers unpacked and checked against the config's diff_ids, image row
 *   and tag written in one transaction). The image store's shared lock is held throughout,
 *   so a prune cannot take blobs between their download and the image row; a killed pull
 *   leaves complete blobs (reused next time) and a staging directory that prune removes,
 *   never an image row or a half layer.
 */
#ifndef HK_PULL_H
#define HK_PULL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "image.h"
#include "regclient.h"

enum hk_pull_ev {
	HK_PULL_RESOLVED,      /* msg: manifest digest; n: layers */
	HK_PULL_EXISTS,	       /* blob idx already stored */
	HK_PULL_START,	       /* blob idx: download starts (total: its size) */
	HK_PULL_PROGRESS,      /* blob idx: done of total bytes */
	HK_PULL_RETRY,	       /* blob idx: msg says why; resumes at done */
	HK_PULL_DONE,	       /* blob idx: stored */
	HK_PULL_UNPACK,	       /* layers being unpacked into the layer store */
	HK_PULL_MOUNTED,       /* push: blob idx mounted from another repository */
	HK_PULL_UPTODATE,      /* the name already holds this manifest (msg: the name) */
	HK_PULL_MIRROR_FAILED, /* a mirror failed (msg: why); the next endpoint is tried */
};

struct hk_pull_event {
	enum hk_pull_ev kind;
	size_t idx; /* 0: config, 1..n: layers */
	size_t n;   /* layer count */
	const char *digest;
	uint64_t done, total;
	const char *msg;
};

typedef void (*hk_pull_progress_fn)(void *ud, const struct hk_pull_event *ev);

struct hk_pull_opts {
	struct hk_reg_opts reg;
	unsigned parallel;	      /* blobs at once (default 3) */
	hk_pull_progress_fn progress; /* called from several threads, one at a time */
	void *ud;
	const char *arch, *variant; /* default: this machine's */
};

/* Pull ref into the store at state_dir (im opened on it). ret_id: the image id; ret_name
 * (len bytes): the name it got ("" for a pull by digest alone). */
int hk_pull(struct hk_images *im, const char *state_dir, const char *ref,
	    const struct hk_pull_opts *o, char ret_id[HK_DIGEST_MAX], char *ret_name, size_t len,
	    struct hk_err *err);

#endif
