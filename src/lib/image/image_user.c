// SPDX-License-Identifier: MIT
/*
 * An image config's User as Docker applies it: "USER[:GROUP]", each part a number or a name.
 * Names come from the image's own /etc/passwd and /etc/group, read from its stored layers
 * (top first, overlay whiteouts and opaque directories honoured), never from the host:
 *  - a numeric user is taken as is; its passwd entry, when there is one, gives the group;
 *  - a user name must have a passwd entry (uid and primary group from it);
 *  - without an entry the group is 0; an explicit GROUP (number or /etc/group name) wins.
 * Supplementary groups are not applied (the container keeps none).
 */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"
#include "image_int.h"

#define DB_MAX (4U << 20) /* a passwd or group file larger than this is refused */

static bool numeric(const char *s, unsigned long *ret)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
		return false;
	unsigned long v = strtoul(s, NULL, 10);
	if (v > 0xfffffffeUL)
		return false;
	*ret = v;
	return true;
}

int hk_user_db_find(const char *db, const char *key, bool by_id, unsigned long *ret_id,
		    unsigned long *ret_gid)
{
	for (const char *l = db; l && *l;) {
		const char *e = strchrnul(l, '\n');
		/* name:x:id:gid:... (passwd) or name:x:gid:members (group) */
		const char *f[4] = { l };
		size_t nf = 1;
		for (const char *p = l; p < e && nf < 4; p++)
			if (*p == ':')
				f[nf++] = p + 1;
		if (nf >= 3 && l[0] != '#' && l[0] != '+' && l[0] != '-') {
			size_t nl = (size_t)(f[1] - 1 - f[0]);
			char id[16] = "", gid[16] = "";
			size_t il = (size_t)((nf > 3 ? f[3] - 1 : e) - f[2]);
			if (il < sizeof(id))
				memcpy(id, f[2], il);
			if (nf > 3) {
				const char *ge = strchr(f[3], ':');
				size_t gl = (size_t)((ge && ge < e ? ge : e) - f[3]);
				if (gl < sizeof(gid))
					memcpy(gid, f[3], gl);
			}
			unsigned long v, g = 0;
			bool match = by_id ? numeric(id, &v) && !strcmp(id, key)
					   : nl == strlen(key) && !strncmp(f[0], key, nl) &&
						     numeric(id, &v);
			if (match && numeric(id, &v)) {
				*ret_id = v;
				if (ret_gid)
					*ret_gid = numeric(gid, &g) ? g : 0;
				return 0;
			}
		}
		l = *e ? e + 1 : NULL;
	}
	return -ENOENT;
}

static bool whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

/* etc/NAME from the topmost layer that has it: malloc'd, NUL-terminated. -ENOENT if the
 * image has none. */
static int read_etc(struct hk_images *im, const struct hk_image_row *row, const char *name,
		    char **ret, struct hk_err *err)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "etc/%s", name);
	for (size_t i = row->nlayers; i-- > 0;) {
		char p[4096];
		if (hk_layerstore_path(im->ls, row->layers[i], p, sizeof(p)) < 0)
			return hk_err_set(err, -ENOENT, "layer %s is not stored", row->layers[i]);
		_cleanup_close_ int lfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (lfd < 0)
			return hk_err_sys(err, -errno, "open '%s'", p);
		struct stat st;
		if (fstatat(lfd, "etc", &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (whiteout(&st))
			return -ENOENT;
		if (!S_ISDIR(st.st_mode))
			return hk_err_usage(err,
					    "the image's /etc is not a directory: cannot read"
					    " /%s",
					    rel);
		/* never opened for reading unless regular: a FIFO there would hang the run */
		int fd = hk_open_regular_beneath(lfd, rel, true, &st);
		if (fd == -ENOENT) {
			/* an opaque etc/ hides what the lower layers have there */
			char v[2];
			_cleanup_close_ int efd = hk_open_beneath(
				lfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0, true);
			if (efd >= 0 &&
			    fgetxattr(efd, "trusted.overlay.opaque", v, sizeof(v)) == 1 &&
			    v[0] == 'y')
				return -ENOENT;
			continue;
		}
		if (fd == -EBADMSG && whiteout(&st))
			return -ENOENT;
		if (fd == -EBADMSG)
			return hk_err_usage(err,
					    "the image's /%s is not a regular file: cannot"
					    " resolve a user name through it",
					    rel);
		if (fd == -ELOOP || fd == -EXDEV)
			return hk_err_usage(err,
					    "the image's /%s is a symlink: cannot resolve a"
					    " user name through it",
					    rel);
		if (fd < 0)
			return hk_err_sys(err, fd, "open the image's /%s", rel);
		_cleanup_close_ int f = fd;
		if (st.st_size > DB_MAX)
			return hk_err_usage(err, "the image's /%s is larger than %u bytes", rel,
					    DB_MAX);
		char *b = malloc((size_t)st.st_size + 1);
		if (!b)
			return hk_err_set(err, -ENOMEM, "out of memory");
		ssize_t n = read(f, b, (size_t)st.st_size);
		if (n < 0) {
			free(b);
			return hk_err_sys(err, -errno, "read the image's /%s", rel);
		}
		b[n] = '\0';
		*ret = b;
		return 0;
	}
	return -ENOENT;
}

static int part(struct hk_images *im, const struct hk_image_row *row, const char *db, const char *s,
		unsigned long *id, unsigned long *gid, bool *found, struct hk_err *err)
{
	_cleanup_free_ char *txt = NULL;
	int r = read_etc(im, row, db, &txt, err);
	if (r < 0 && r != -ENOENT)
		return r;
	bool num = numeric(s, id);
	*found = txt && hk_user_db_find(txt, s, num, id, gid) == 0;
	if (!num && !*found)
		return hk_err_usage(err, "image user '%s': no such %s in the image's /etc/%s", s,
				    strcmp(db, "passwd") ? "group" : "user", db);
	return 0;
}

int hk_image_user(struct hk_images *im, const char *image_id, const char *user, uid_t *ret_uid,
		  gid_t *ret_gid, struct hk_err *err)
{
	char u[256];
	if (!user || !*user || strlen(user) >= sizeof(u))
		return hk_err_usage(err, "image user '%.64s': empty or too long", user ? user : "");
	snprintf(u, sizeof(u), "%s", user);
	char *g = strchr(u, ':');
	if (g)
		*g++ = '\0';
	if (!*u || (g && !*g))
		return hk_err_usage(err, "image user '%s': expected USER[:GROUP]", user);
	struct hk_image_row row;
	int r = hk_imgstore_get(im->st, image_id, &row, err);
	if (r < 0)
		return r;
	unsigned long uid = 0, gid = 0, gg = 0;
	bool found;
	r = part(im, &row, "passwd", u, &uid, &gid, &found, err);
	if (r == 0 && g)
		r = part(im, &row, "group", g, &gg, NULL, &found, err);
	hk_image_row_free(&row);
	if (r < 0)
		return r;
	*ret_uid = (uid_t)uid;
	*ret_gid = (gid_t)(g ? gg : gid);
	return 0;
}
