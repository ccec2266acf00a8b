// SPDX-License-Identifier: MIT
/* Images over the layer store and the state database (see image.h). */
#include "image.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/human.h"
#include "fstree.h"
#include "image_int.h"

int hk_images_lock(const char *state_dir, bool exclusive, struct hk_err *err)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/layers", state_dir);
	int r = hk_mkdir_p(p, 0700);
	if (r < 0)
		return hk_err_sys(err, r, "create '%s'", p);
	snprintf(p, sizeof(p), "%s/layers/gc.lock", state_dir);
	int fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return hk_err_sys(err, -errno, "open '%s'", p);
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR) {
			r = hk_err_sys(err, -errno, "lock '%s'", p);
			close(fd);
			return r;
		}
	return fd;
}

int hk_images_open(const char *state_dir, struct hk_store *st, struct hk_images **ret,
		   struct hk_err *err)
{
	*ret = NULL; /* hk_images_close(NULL) is a no-op: callers close whatever happened */
	struct hk_images *im = calloc(1, sizeof(*im));
	if (!im)
		return hk_err_sys(err, -ENOMEM, "images");
	snprintf(im->state, sizeof(im->state), "%s", state_dir);
	im->st = st;
	int r = hk_layerstore_open(state_dir, &im->ls, err);
	if (r == 0 && (r = hk_blobstore_open(state_dir, &im->bs, err)) < 0)
		hk_layerstore_close(im->ls);
	if (r < 0) {
		free(im);
		return r;
	}
	*ret = im;
	return 0;
}

void hk_images_close(struct hk_images *im)
{
	if (!im)
		return;
	hk_layerstore_close(im->ls);
	hk_blobstore_close(im->bs);
	free(im);
}

/*
 * Docker's reference grammar (distribution/reference, reference.go and normalize.go):
 *   reference        := name [":" tag] ["@" digest]
 *   name             := [domain "/"] path-component ["/" path-component]*
 *   domain           := host [":" port-number]
 *   host             := domain-component ["." domain-component]* | "[" IPv6 "]"
 *   domain-component := /[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]/
 *   path-component   := alpha-numeric [separator alpha-numeric]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := "sha256:" /[0-9a-f]{64}/   (the only algorithm hako knows)
 * The first component is a domain only when it holds '.' or ':' or is "localhost" (Docker's
 * splitDockerDomain, before v25 also took an upper-case first component as a host); a name
 * has at most 255 characters, and a name of 64 hex digits is refused (it reads as an id).
 * So no component is empty, ".", "..", or starts with a separator.
 */
static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool path_component_ok(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		size_t run = i;
		while (i < n && lower_alnum(s[i]))
			i++;
		if (i == run)
			return false; /* empty, or a separator first, last or doubled */
		if (i == n)
			return true;
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += i + 1 < n && s[i + 1] == '_' ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
	}
}

static bool domain_ok(const char *s, size_t n)
{
	size_t i = 0;
	if (n && s[0] == '[') { /* [IPv6] */
		for (i = 1; i < n && (isxdigit((unsigned char)s[i]) || s[i] == ':'); i++)
			;
		if (i == 1 || i >= n || s[i] != ']')
			return false;
		i++;
	} else {
		for (;;) { /* domain-component ("." domain-component)* */
			size_t c = i;
			while (i < n && (alnum(s[i]) || s[i] == '-'))
				i++;
			if (i == c || s[c] == '-' || s[i - 1] == '-')
				return false;
			if (i < n && s[i] == '.') {
				i++;
				continue;
			}
			break;
		}
	}
	if (i == n)
		return true;
	if (s[i] != ':' || i + 1 == n)
		return false;
	for (i++; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool name_ok(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	if (slash) {
		size_t d = (size_t)(slash - s);
		bool domain = memchr(s, '.', d) || memchr(s, ':', d) ||
			      (d == 9 && !memcmp(s, "localhost", 9));
		if (domain) {
			if (!domain_ok(s, d))
				return false;
			s += d + 1;
			n -= d + 1;
		}
	}
	for (;;) {
		const char *e = memchr(s, '/', n);
		size_t c = e ? (size_t)(e - s) : n;
		if (!path_component_ok(s, c))
			return false;
		if (!e)
			return true;
		s += c + 1;
		n -= c + 1;
	}
}

static bool tag_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* ref for a message: printable ASCII only ('?' for the rest), at most 80 characters. */
static const char *shown(const char *ref, size_t n, char buf[84])
{
	size_t i;
	for (i = 0; i < n && ref[i] && i < 80; i++)
		buf[i] = ref[i] >= 0x20 && ref[i] < 0x7f ? ref[i] : '?';
	strcpy(buf + i, i < n && ref[i] ? "..." : "");
	return buf;
}

int hk_image_ref_normalize(const char *ref, char *out, size_t len, struct hk_err *err)
{
	char b[84];
	if (strchr(ref, '@'))
		return hk_err_usage(err,
				    "image '%s': references by digest (@sha256:...) are not "
				    "supported; name the image NAME[:TAG]",
				    shown(ref, strlen(ref), b));
	const char *slash = strrchr(ref, '/'), *colon = strrchr(ref, ':');
	if (colon && slash && colon < slash)
		colon = NULL;
	size_t nlen = colon ? (size_t)(colon - ref) : strlen(ref);
	const char *tag = colon ? colon + 1 : "latest";
	if (nlen > 255)
		return hk_err_usage(err, "invalid image name '%s': longer than 255 characters",
				    shown(ref, nlen, b));
	if (!name_ok(ref, nlen))
		return hk_err_usage(err,
				    "invalid image name '%s' (components of lower-case letters "
				    "and digits joined by '.', '_', '__' or '-', separated "
				    "by '/', after an optional HOST[:PORT]/)",
				    shown(ref, nlen, b));
	if (nlen == 64 && strspn(ref, "0123456789abcdef") >= 64)
		return hk_err_usage(err,
				    "invalid image name '%s': 64 hexadecimal digits read as an "
				    "image id",
				    shown(ref, nlen, b));
	if (!tag_ok(tag))
		return hk_err_usage(err,
				    "invalid image tag '%s' (letters, digits, '_', '.', '-', "
				    "not starting with '.' or '-'; at most 128)",
				    shown(tag, strlen(tag), b));
	if ((size_t)snprintf(out, len, "%.*s:%s", (int)nlen, ref, tag) >= len)
		return hk_err_usage(err,
				    "image name '%s' is too long (NAME:TAG at most %zu "
				    "characters)",
				    shown(ref, strlen(ref), b), len - 1);
	return 0;
}

int hk_image_find(struct hk_images *im, const char *ref, struct hk_image_row *ret,
		  struct hk_err *err)
{
	char norm[HK_IMAGE_REF_MAX];
	struct hk_err e2 = { 0 };
	if (hk_image_ref_normalize(ref, norm, sizeof(norm), &e2) == 0 &&
	    hk_imgstore_get(im->st, norm, ret, &e2) == 0)
		return 0;
	if (e2.code && e2.code != -ENOENT && e2.code != -EINVAL) {
		*err = e2;
		return err->code;
	}
	return hk_imgstore_get(im->st, ref, ret, err);
}

/* Bytes under a stored layer (when it was already there and nothing was read). */
uint64_t image_layer_size(struct hk_images *im, const char *diff_id)
{
	char p[4096];
	if (hk_layerstore_path(im->ls, diff_id, p, sizeof(p)) < 0)
		return 0;
	char *const roots[] = { p, NULL };
	FTS *f = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	uint64_t total = 0;
	for (FTSENT *e; f && (e = fts_read(f));)
		if (e->fts_info == FTS_F && e->fts_statp)
			total += (uint64_t)e->fts_statp->st_size;
	if (f)
		fts_close(f);
	return total;
}

/* A new image's config: created now, this machine's os and architecture. */
static void image_stamp(struct hk_image_config *c)
{
	if (!c->created) {
		char buf[32];
		hk_human_rfc3339((int64_t)time(NULL), buf, sizeof(buf));
		c->created = strdup(buf);
	}
	if (!c->os)
		c->os = strdup("linux");
	if (!c->architecture) {
		struct utsname u;
		uname(&u);
		c->architecture = strdup(!strcmp(u.machine, "x86_64")	 ? "amd64"
					 : !strcmp(u.machine, "aarch64") ? "arm64"
									 : u.machine);
	}
}

/* Build, id and store an image from config c (its diff_ids are the layers). new_image:
 * stamp it (image_stamp); a loaded config is kept as it is, so the same archive loaded
 * twice is one image. */
int image_store(struct hk_images *im, struct hk_image_config *c, const uint64_t *sizes,
		const char *tag, char ret_id[HK_DIGEST_MAX], bool new_image, struct hk_err *err)
{
	if (new_image)
		image_stamp(c);
	_cleanup_free_ char *json = hk_image_config_json(c);
	if (!json || (new_image && (!c->created || !c->os || !c->architecture)))
		return hk_err_sys(err, -ENOMEM, "image config");
	struct hk_image_row row = { .config = json,
				    .created = time(NULL),
				    .layers = c->diff_ids,
				    .nlayers = c->ndiff_ids,
				    .layer_sizes = (uint64_t *)sizes };
	hk_digest_buf(json, strlen(json), row.id);
	for (size_t i = 0; i < c->ndiff_ids; i++)
		row.size += sizes ? sizes[i] : 0;
	int r = hk_imgstore_put(im->st, &row, tag, err);
	if (r == 0)
		snprintf(ret_id, HK_DIGEST_MAX, "%s", row.id);
	return r;
}

/* Remove layers no image uses (all stored ones, or just ids[]). */
size_t image_gc_layers(struct hk_images *im, char **ids, size_t n)
{
	char **all = NULL;
	size_t nall = 0, removed = 0;
	struct hk_err e;
	if (!ids) {
		if (hk_layerstore_list(im->ls, &all, &nall, &e) < 0)
			return 0;
		ids = all;
		n = nall;
	}
	for (size_t i = 0; i < n; i++)
		if (ids[i] && ids[i][0] && !hk_imgstore_layer_used(im->st, ids[i]) &&
		    hk_layerstore_remove(im->ls, ids[i], &e) == 0)
			removed++;
	for (size_t i = 0; i < nall; i++)
		free(all[i]);
	free(all);
	return removed;
}

struct prog {
	const struct hk_image_opts *o;
	size_t layer, nlayers;
};

static void prog_cb(void *ud, uint64_t in, uint64_t out)
{
	struct prog *p = ud;
	p->o->progress(p->o->userdata, p->layer, p->nlayers, in, out);
}

static void opts_progress(struct hk_extract_opts *eo, struct prog *p)
{
	if (p->o && p->o->progress) {
		eo->progress = prog_cb;
		eo->userdata = p;
	}
}

int hk_image_import(struct hk_images *im, const char *file, const struct hk_image_opts *o,
		    char ret_id[HK_DIGEST_MAX], struct hk_err *err)
{
	_cleanup_close_ int lock = hk_images_lock(im->state, false, err);
	if (lock < 0)
		return hk_err_prefix(err, "import");
	_cleanup_close_ int fd =
		strcmp(file, "-") ? open(file, O_RDONLY | O_CLOEXEC) : fcntl(0, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return hk_err_sys(err, -errno, "import '%s'", file);
	struct prog p = { .o = o, .nlayers = 1 };
	struct hk_extract_opts eo = { 0 };
	opts_progress(&eo, &p);
	struct hk_extract_result res = { 0 };
	char id[HK_DIGEST_MAX];
	/* a compressed input is kept as received (written by the hashing thread) */
	_cleanup_close_ int keep = hk_blobstore_tmp(im->bs, err);
	if (keep < 0)
		return hk_err_prefix(err, "import");
	eo.keep_fd = keep;
	eo.keep_if_compressed = true; /* see image_blob.c */
	int r = hk_layerstore_import_fd(im->ls, fd, file, &eo, id, &res, err);
	if (r < 0)
		return hk_err_prefix(err, "import");
	bool fresh = r == 0;
	struct hk_blob_row blob;
	int kept = image_keep_read(im, keep, &res, NULL, 0, &blob, err);
	char *ids[] = { id, NULL };
	uint64_t size = fresh ? res.tar_bytes : image_layer_size(im, id);
	struct hk_image_config c = { .diff_ids = ids, .ndiff_ids = 1 };
	r = kept < 0 ? kept : image_store(im, &c, &size, o ? o->tag : NULL, ret_id, true, err);
	if (r == 0 && kept == 1)
		r = hk_imgstore_blobs_put(im->st, ret_id, &blob, 1, err);
	c.diff_ids = NULL;
	c.ndiff_ids = 0;
	hk_image_config_free(&c);
	if (r < 0 && fresh)
		image_gc_layers(im, ids, 1);
	return r;
}

static int load_layers(struct hk_images *im, struct hk_oci_image *img,
		       const struct hk_image_opts *o, uint64_t *sizes, bool *fresh,
		       struct hk_blob_row *blobs, size_t *nblobs, struct hk_err *err)
{
	struct prog p = { .o = o, .nlayers = img->nlayers };
	for (size_t i = 0; i < img->nlayers; i++) {
		struct hk_extract_opts eo = { 0 };
		p.layer = i;
		opts_progress(&eo, &p);
		_cleanup_close_ int keep = hk_blobstore_tmp(im->bs, err);
		if (keep < 0)
			return keep;
		int fd = hk_oci_layer_open(img, i, &eo, err);
		if (fd < 0)
			return fd;
		eo.keep_fd = keep;
		char name[64], id[HK_DIGEST_MAX];
		snprintf(name, sizeof(name), "layer %zu", i + 1);
		struct hk_extract_result res = { 0 };
		int r = hk_layerstore_import_fd(im->ls, fd, name, &eo, id, &res, err);
		close(fd);
		if (r < 0)
			return r;
		/* the blob as received: read just now, or copied when the layer was stored */
		const char *mt = img->layers[i].media_type;
		int k = r == 0 ? image_keep_read(im, keep, &res, mt, i, &blobs[*nblobs], err)
			       : image_keep_copy(im, img, i, &blobs[*nblobs], err);
		if (k < 0)
			return k;
		*nblobs += (size_t)k;
		fresh[i] = r == 0;
		sizes[i] = fresh[i] ? res.tar_bytes : image_layer_size(im, id);
		if (i < img->config.ndiff_ids && !hk_digest_eq(id, img->config.diff_ids[i]))
			return hk_err_set(err, -EBADMSG, "layer %zu: diff_id %s, config says %s",
					  i + 1, id, img->config.diff_ids[i]);
	}
	return 0;
}

int hk_image_load(struct hk_images *im, const char *path, const struct hk_image_opts *o,
		  char ret_id[HK_DIGEST_MAX], struct hk_err *err)
{
	_cleanup_close_ int lock = hk_images_lock(im->state, false, err);
	if (lock < 0)
		return hk_err_prefix(err, "load '%s'", path);
	struct hk_oci_image *img;
	int r = hk_oci_open(path, hk_layerstore_tmpdir(im->ls), NULL, &img, err);
	if (r < 0)
		return hk_err_prefix(err, "load '%s'", path);
	if (img->config.ndiff_ids != img->nlayers) {
		hk_oci_image_free(img);
		return hk_err_set(err, -EBADMSG, "load '%s': %zu layers but %zu diff_ids", path,
				  img->nlayers, img->config.ndiff_ids);
	}
	/* The archive's own name, unless the caller gives one. A docker-save RepoTags entry is
	 * a full reference, so a bad one refuses the load before anything is stored, as
	 * Docker does; an OCI ref.name annotation is often a bare tag ("1.0", "Latest") and
	 * names the image only when it is a valid name. */
	char tag[HK_IMAGE_REF_MAX];
	const char *t = o ? o->tag : NULL;
	struct hk_err e2 = { 0 };
	if (!t && img->ref && hk_image_ref_normalize(img->ref, tag, sizeof(tag), &e2) == 0)
		t = tag;
	else if (!t && img->ref && img->docker) {
		hk_oci_image_free(img);
		*err = e2;
		return hk_err_prefix(err, "load '%s': manifest.json: RepoTags", path);
	}
	uint64_t *sizes = calloc(img->nlayers + 1, sizeof(*sizes));
	bool *fresh = calloc(img->nlayers + 1, sizeof(*fresh));
	struct hk_blob_row *blobs = calloc(img->nlayers + 2, sizeof(*blobs));
	size_t nblobs = 0;
	if (!sizes || !fresh || !blobs)
		r = hk_err_sys(err, -ENOMEM, "load");
	if (r == 0)
		r = load_layers(im, img, o, sizes, fresh, blobs, &nblobs, err);
	/* the whole image is kept only when every layer was (a manifest names them all) */
	if (r == 0 && nblobs == img->nlayers)
		r = image_keep_docs(im, img, blobs, &nblobs, err);
	if (r == 0)
		r = image_store(im, &img->config, sizes, t, ret_id, false, err);
	if (r == 0 && nblobs)
		r = hk_imgstore_blobs_put(im->st, ret_id, blobs, nblobs, err);
	if (r < 0) {
		char **ids = calloc(img->nlayers + 1, sizeof(char *));
		for (size_t i = 0; ids && i < img->nlayers && i < img->config.ndiff_ids; i++)
			ids[i] = fresh[i] ? img->config.diff_ids[i] : NULL;
		if (ids)
			image_gc_layers(im, ids, img->nlayers);
		free(ids);
		hk_err_prefix(err, "load '%s'", path);
	}
	free(sizes);
	free(fresh);
	free(blobs);
	hk_oci_image_free(img);
	return r;
}

int hk_image_add_dir(struct hk_images *im, const char *dir, const struct hk_image_opts *o,
		     char ret_id[HK_DIGEST_MAX], struct hk_err *err)
{
	return image_add_dir_config(im, dir, NULL, o, ret_id, err);
}

int image_add_dir_config(struct hk_images *im, const char *dir, struct hk_image_config *base,
			 const struct hk_image_opts *o, char ret_id[HK_DIGEST_MAX],
			 struct hk_err *err)
{
	_cleanup_close_ int lock = hk_images_lock(im->state, false, err);
	if (lock < 0)
		return lock;
	char id[HK_DIGEST_MAX];
	int r = hk_layerstore_import_dir(im->ls, dir, id, err);
	if (r < 0)
		return r;
	bool fresh = r == 0;
	char *ids[] = { id, NULL };
	uint64_t size = image_layer_size(im, id);
	struct hk_image_config c = { 0 }, *cp = base ? base : &c;
	cp->diff_ids = ids;
	cp->ndiff_ids = 1;
	r = image_store(im, cp, &size, o ? o->tag : NULL, ret_id, true, err);
	cp->diff_ids = NULL;
	cp->ndiff_ids = 0;
	hk_image_config_free(&c);
	if (r < 0 && fresh)
		image_gc_layers(im, ids, 1);
	return r;
}

int hk_image_remove(struct hk_images *im, const char *ref, struct hk_err *err)
{
	_cleanup_close_ int lock = hk_images_lock(im->state, true, err);
	if (lock < 0)
		return lock;
	struct hk_image_row row;
	int r = hk_image_find(im, ref, &row, err);
	if (r < 0)
		return r;
	char norm[HK_IMAGE_REF_MAX], user[128];
	struct hk_err e2;
	bool by_tag = false;
	for (size_t i = 0; i < row.ntags; i++)
		if (hk_image_ref_normalize(ref, norm, sizeof(norm), &e2) == 0 &&
		    !strcmp(norm, row.tags[i]))
			by_tag = true;
	if (by_tag && row.ntags > 1) { /* other names remain: just untag */
		r = hk_imgstore_untag(im->st, norm, err);
		hk_image_row_free(&row);
		return r;
	}
	r = hk_imgstore_user(im->st, row.id, user, sizeof(user), err);
	if (r == 1)
		r = hk_err_set(err, -EBUSY, "image '%s' is used by container '%s'", ref, user);
	if (r == 0)
		r = hk_imgstore_delete(im->st, row.id, err);
	if (r == 0) {
		image_gc_layers(im, row.layers, row.nlayers);
		image_gc_blobs(im);
	}
	hk_image_row_free(&row);
	return r;
}

int hk_image_untag_all(struct hk_images *im, const char *ref, size_t *ret_n, struct hk_err *err)
{
	_cleanup_close_ int lock = hk_images_lock(im->state, true, err);
	if (lock < 0)
		return lock;
	struct hk_image_row row;
	*ret_n = 0;
	int r = hk_image_find(im, ref, &row, err);
	if (r < 0)
		return r;
	for (size_t i = 0; r == 0 && i < row.ntags; i++)
		if ((r = hk_imgstore_untag(im->st, row.tags[i], err)) == 0)
			(*ret_n)++;
	hk_image_row_free(&row);
	return r;
}

int hk_image_prune(struct hk_images *im, size_t *ret_images, size_t *ret_layers, struct hk_err *err)
{
	_cleanup_close_ int lock = hk_images_lock(im->state, true, err);
	if (lock < 0)
		return lock;
	char **ids;
	size_t n, done = 0;
	int r = hk_imgstore_dangling(im->st, &ids, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (r == 0 && hk_imgstore_delete(im->st, ids[i], err) == 0)
			done++;
		free(ids[i]);
	}
	free(ids);
	*ret_images = done;
	*ret_layers = image_gc_layers(im, NULL, 0);
	image_gc_blobs(im);
	struct hk_err e2;
	hk_layerstore_clean(im->ls, &e2);
	return 0;
}

int hk_image_save(struct hk_images *im, const char *ref, int out_fd, struct hk_err *err)
{
	_cleanup_close_ int lock = hk_images_lock(im->state, false, err);
	if (lock < 0)
		return lock;
	struct hk_image_row row;
	int r = hk_image_find(im, ref, &row, err);
	if (r < 0)
		return r;
	struct hk_image_config c = { 0 };
	char **dirs = calloc(row.nlayers + 1, sizeof(char *));
	r = dirs ? hk_image_config_parse(row.config, strlen(row.config), &c, err)
		 : hk_err_sys(err, -ENOMEM, "save");
	for (size_t i = 0; r == 0 && i < row.nlayers; i++) {
		char p[4096];
		if (hk_layerstore_path(im->ls, row.layers[i], p, sizeof(p)) < 0)
			r = hk_err_set(err, -ENOENT, "layer %s is missing", row.layers[i]);
		else if (!(dirs[i] = strdup(p)))
			r = hk_err_sys(err, -ENOMEM, "save");
	}
	char shortid[16], named[HK_IMAGE_REF_MAX];
	snprintf(shortid, sizeof(shortid), "%.12s", hk_digest_hex(row.id));
	/* the archive's name: the one ref gives (docker save vbt:1 is vbt:1, whatever other
	 * names the image has), else (an id) its first name */
	const char *name = row.ntags ? row.tags[0] : shortid;
	struct hk_err e2;
	for (size_t i = 0; i < row.ntags; i++)
		if (hk_image_ref_normalize(ref, named, sizeof(named), &e2) == 0 &&
		    !strcmp(named, row.tags[i]))
			name = row.tags[i];
	struct hk_oci_save_spec spec = { .ref = name,
					 .config = &c,
					 .layer_dirs = (const char *const *)dirs,
					 .nlayers = row.nlayers,
					 .tmp_parent = hk_layerstore_tmpdir(im->ls) };
	struct hk_oci_kept *kept = calloc(row.nlayers + 3, sizeof(*kept));
	struct hk_blob_row *blobs = NULL;
	if (r == 0 && !kept)
		r = hk_err_sys(err, -ENOMEM, "save");
	if (r == 0)
		r = image_save_blobs(im, &row, &spec, kept, &blobs, err);
	if (r == 0)
		r = hk_oci_save(out_fd, &spec, err);
	free(kept);
	free(blobs);
	for (size_t i = 0; dirs && i < row.nlayers; i++)
		free(dirs[i]);
	free(dirs);
	hk_image_config_free(&c);
	hk_image_row_free(&row);
	return r < 0 ? hk_err_prefix(err, "save '%s'", ref) : 0;
}
