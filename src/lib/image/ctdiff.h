/* SPDX-License-Identifier: MIT */
/*
 * hako diff: what a container changed in its root, as `docker diff` says it, read from its
 * overlay upper dir (STATE/ctroot/<ct>/upper): an overlay whiteout (char 0/0) is "D PATH"; a
 * name the image's layers also have is "C PATH" (directories holding changes too), any other
 * name "A PATH" (but for the files hako binds onto /etc: hostname, hosts, resolv.conf). "Has" is a
 * look-up in each layer's directory (a name a middle layer deleted still counts as the image's). A
 * root made by the copy fallback (no overlayfs) holds a whole copy, not the changes: -EOPNOTSUPP
 * (exit 3).
 */
#ifndef HK_CTDIFF_H
#define HK_CTDIFF_H

#include "base/err.h"
#include "image.h"

struct hk_ctdiff {
	char kind;  /* 'A', 'C' or 'D' */
	char *path; /* "/etc/hostname" */
};

/* ct's changes, sorted by path (malloc'ed; free with hk_ctdiff_free). A container whose root
 * is not made of an image: a usage error. */
int hk_ctdiff_get(struct hk_images *im, const char *ct, struct hk_ctdiff **ret, size_t *ret_n,
		  struct hk_err *err);
void hk_ctdiff_free(struct hk_ctdiff *d, size_t n);

#endif
