// SPDX-License-Identifier: MIT
/*
 * Image containers with --userns: the same container root as hk_ctroot_mount (ctroot.c:
 * upper, work, merged under STATE/ctroot/<id>), but the overlay is built on idmapped
 * layers (userns.c: hk_userns_overlay), so image files owned by 0 are container root's and
 * what the container writes lands in the upper layer in the image's ids.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fstree.h"
#include "image_int.h"
#include "layerstore.h"
#include "store_image.h"
#include "userns.h"

/* Layer paths, top first; an image without layers gets an empty directory. */
static int lowers_of(struct hk_images *im, const struct hk_image_row *row, const char *dir,
		     char ***ret, struct hk_err *err)
{
	size_t n = row->nlayers, m = n ? n : 1;
	char **v = calloc(m + 1, sizeof(*v));
	if (!v)
		return hk_err_sys(err, -ENOMEM, "layers");
	*ret = v;
	for (size_t i = 0; i < m; i++) {
		char p[4200];
		if (!n) {
			snprintf(p, sizeof(p), "%s/empty", dir);
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return hk_err_sys(err, -errno, "mkdir '%s'", p);
		} else if (hk_layerstore_path(im->ls, row->layers[n - 1 - i], p, sizeof(p)) < 0) {
			return hk_err_set(err, -ENOENT, "layer %s is not stored",
					  row->layers[n - 1 - i]);
		}
		if (!(v[i] = strdup(p)))
			return hk_err_sys(err, -ENOMEM, "layers");
	}
	return 0;
}

int hk_ctroot_mount_userns(struct hk_images *im, const char *ct, const char *image_id,
			   const struct hk_userns *u, struct hk_err *err)
{
	struct hk_ctroot_paths p;
	struct hk_image_row row;
	int r = hk_ctroot_prepare(im, ct, image_id, &p, &row, err);
	if (r < 0)
		return r;
	char **lowers = NULL;
	if (!hk_is_mountpoint(p.merged)) {
		struct hk_userns tmp = *u;
		r = lowers_of(im, &row, p.dir, &lowers, err);
		if (r == 0 && tmp.idmap_fd < 0)
			r = hk_userns_make_fd(&tmp, err);
		if (r == 0)
			r = hk_userns_overlay(&tmp, lowers, p.upper, p.work, p.merged, err);
		if (tmp.idmap_fd >= 0 && tmp.idmap_fd != u->idmap_fd)
			close(tmp.idmap_fd);
	}
	for (char **l = lowers; l && *l; l++)
		free(*l);
	free(lowers);
	hk_image_row_free(&row);
	return r < 0 ? hk_err_prefix(err, "container root from image %.19s", image_id) : 0;
}
