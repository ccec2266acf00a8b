// SPDX-License-Identifier: MIT
/* A container's changes from its overlay upper dir (ctdiff.h). */
#include "ctdiff.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fstree.h"
#include "image_int.h"
#include "layerstore.h"

struct walk {
	int *layers; /* each layer's directory, O_PATH */
	size_t nlayers;
	struct hk_ctdiff *v;
	size_t n, cap;
};

static bool in_image(const struct walk *w, const char *rel)
{
	struct stat st;
	for (size_t i = 0; i < w->nlayers; i++)
		if (fstatat(w->layers[i], rel, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)))
			return true;
	return false;
}

static int add(struct walk *w, char kind, const char *rel)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct hk_ctdiff *v = realloc(w->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	if (asprintf(&w->v[w->n].path, "/%s", rel) < 0)
		return -ENOMEM;
	w->v[w->n++].kind = kind;
	return 0;
}

static int walk_dir(struct walk *w, int dfd, const char *rel)
{
	_cleanup_closedir_ DIR *d = hk_opendir_at(dfd, ".");
	if (!d)
		return -errno;
	struct dirent *de;
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		_cleanup_free_ char *sub = NULL;
		if (asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name) < 0)
			return -ENOMEM;
		struct stat st;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		bool whiteout = S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
		char kind = whiteout ? 'D' : in_image(w, sub) ? 'C' : 'A';
		/* the files hako binds onto a container's /etc are not its changes (Docker
		 * leaves them out too) */
		if (kind == 'A' && (!strcmp(sub, "etc/hostname") || !strcmp(sub, "etc/hosts") ||
				    !strcmp(sub, "etc/resolv.conf")))
			continue;
		int r = add(w, kind, sub);
		if (r == 0 && S_ISDIR(st.st_mode)) {
			_cleanup_close_ int sfd = openat(
				dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = sfd < 0 ? -errno : walk_dir(w, sfd, sub);
		}
		if (r < 0)
			return r;
	}
	return errno ? -errno : 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct hk_ctdiff *)a)->path, ((const struct hk_ctdiff *)b)->path);
}

void hk_ctdiff_free(struct hk_ctdiff *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(d[i].path);
	free(d);
}

int hk_ctdiff_get(struct hk_images *im, const char *ct, struct hk_ctdiff **ret, size_t *ret_n,
		  struct hk_err *err)
{
	char img[HK_DIGEST_MAX], dir[4096], upper[4200];
	if (hk_imgstore_ct_get(im->st, ct, img) < 0)
		return hk_err_usage(err, "diff: the container's root is not made of an image "
					 "(--rootfs): nothing to compare it with");
	struct hk_image_row row;
	int r = hk_imgstore_get(im->st, img, &row, err);
	if (r < 0)
		return r;
	hk_ctroot_dir(im->state, ct, dir, sizeof(dir));
	snprintf(upper, sizeof(upper), "%s/upper", dir);
	struct walk w = { .layers = calloc(row.nlayers + 1, sizeof(int)) };
	if (!w.layers)
		abort();
	for (size_t i = 0; i < row.nlayers; i++) {
		char lp[4096];
		w.layers[i] = -1;
		if (hk_layerstore_path(im->ls, row.layers[i], lp, sizeof(lp)) == 0)
			w.layers[i] = open(lp, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (w.layers[i] < 0) {
			r = hk_err_sys(err, -ENOENT, "diff: layer %s", row.layers[i]);
			w.nlayers = i;
			goto out;
		}
		w.nlayers = i + 1;
	}
	/* the copy fallback (layerstore.h) fills upper with the whole tree and marks it so */
	char mark[4300];
	snprintf(mark, sizeof(mark), "%s/work/hako-copy", dir);
	if (access(mark, F_OK) == 0) {
		r = hk_err_set(err, -EOPNOTSUPP,
			       "diff: the container's root is a copy of its image (no overlayfs): "
			       "its changes are not kept apart");
		goto out;
	}
	int ufd = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ufd < 0) {
		r = hk_err_sys(err, -errno, "diff: '%s'", upper);
		goto out;
	}
	r = walk_dir(&w, ufd, "");
	close(ufd);
	if (r < 0) {
		hk_err_sys(err, r, "diff: read '%s'", upper);
		goto out;
	}
	qsort(w.v, w.n, sizeof(*w.v), cmp);
	*ret = w.v;
	*ret_n = w.n;
	w.v = NULL;
	w.n = 0;
out:
	for (size_t i = 0; i < w.nlayers; i++)
		close(w.layers[i]);
	free(w.layers);
	hk_ctdiff_free(w.v, w.n);
	hk_image_row_free(&row);
	return r;
}
