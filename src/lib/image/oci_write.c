// SPDX-License-Identifier: MIT
/* Writing an OCI image layout tar (hako image save): stage the blobs in a temporary
 * directory, then write that directory as a tar. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"
#include "oci.h"

#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER_GZ "application/vnd.oci.image.layer.v1.tar+gzip"

struct stage {
	char *dir;
	int blobs; /* blobs/sha256 */
	int lock;
	struct hk_err *err;
};

static int put_blob(struct stage *s, const char *data, size_t len, char digest[HK_DIGEST_MAX])
{
	hk_digest_buf(data, len, digest);
	const char *hex = hk_digest_hex(digest);
	_cleanup_close_ int fd =
		openat(s->blobs, hex, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return hk_err_sys(s->err, -errno, "create blob %s", digest);
	if (write(fd, data, len) != (ssize_t)len)
		return hk_err_sys(s->err, errno ? -errno : -EIO, "write blob %s", digest);
	return 0;
}

/* A kept blob into the stage: a hard link (same filesystem), a copy otherwise. */
static int link_blob(struct stage *s, int from, const struct hk_oci_kept *k)
{
	const char *hex = hk_digest_hex(k->digest);
	if (linkat(from, hex, s->blobs, hex, 0) == 0 || errno == EEXIST)
		return 0;
	_cleanup_close_ int in = openat(from, hex, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out =
		in < 0 ? -1
		       : openat(s->blobs, hex, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0644);
	if (in < 0 || out < 0)
		return hk_err_sys(s->err, -errno, "kept blob %s", k->digest);
	struct stat st;
	if (fstat(in, &st) < 0)
		return hk_err_sys(s->err, -errno, "kept blob %s", k->digest);
	for (off_t left = st.st_size; left > 0;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
		if (n <= 0)
			return hk_err_sys(s->err, n < 0 ? -errno : -EIO, "copy blob %s", k->digest);
		left -= n;
	}
	return 0;
}

static int put_layer(struct stage *s, const char *dir, struct hk_tar_result *res)
{
	_cleanup_close_ int src = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0)
		return hk_err_sys(s->err, -errno, "open layer '%s'", dir);
	_cleanup_close_ int fd =
		openat(s->blobs, ".layer.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return hk_err_sys(s->err, -errno, "create layer blob");
	struct hk_tar_opts o = { .compress = HK_COMPRESS_GZIP,
				 .xattrs = true,
				 .oci_whiteouts = true };
	if (hk_archive_write_dir(src, fd, &o, res, s->err) < 0)
		return hk_err_prefix(s->err, "layer '%s'", dir);
	if (renameat(s->blobs, ".layer.tmp", s->blobs, hk_digest_hex(res->digest)) < 0)
		return hk_err_sys(s->err, -errno, "rename layer blob");
	return 0;
}

static json_object *descriptor(const char *mt, const char *digest, uint64_t size)
{
	json_object *d = json_object_new_object();
	if (!d)
		return NULL;
	json_object_object_add(d, "mediaType", json_object_new_string(mt));
	json_object_object_add(d, "digest", json_object_new_string(digest));
	json_object_object_add(d, "size", json_object_new_int64((int64_t)size));
	return d;
}

static const char *plain(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

static int put_json_file(struct stage *s, const char *name, json_object *o)
{
	const char *txt = plain(o);
	if (!txt)
		return hk_err_set(s->err, -ENOMEM, "out of memory");
	_cleanup_close_ int dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fd =
		dfd < 0 ? -1 : openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(txt);
	if (fd < 0 || write(fd, txt, len) != (ssize_t)len)
		return hk_err_sys(s->err, errno ? -errno : -EIO, "write %s", name);
	return 0;
}

/* The config (kept or generated) and the manifest naming it and the staged layers. */
static int put_manifest(struct stage *s, const struct hk_oci_save_spec *spec,
			struct hk_tar_result *ls, const char *const *mts, char mdig[HK_DIGEST_MAX],
			size_t *ret_mlen)
{
	struct hk_image_config c = *spec->config;
	char **ids = calloc(spec->nlayers + 1, sizeof(*ids));
	if (!ids)
		return hk_err_set(s->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < spec->nlayers; i++)
		ids[i] = ls[i].diff_id;
	c.diff_ids = ids;
	c.ndiff_ids = spec->nlayers;
	_cleanup_free_ char *cfg = spec->config_blob ? NULL : hk_image_config_json(&c);
	free(ids);
	if (!cfg && !spec->config_blob)
		return hk_err_set(s->err, -ENOMEM, "out of memory");
	char cdig[HK_DIGEST_MAX];
	uint64_t csize = cfg ? strlen(cfg) : spec->config_blob->size;
	if (cfg && put_blob(s, cfg, strlen(cfg), cdig) < 0)
		return s->err->code;
	if (!cfg && link_blob(s, spec->blobs_fd, spec->config_blob) < 0)
		return s->err->code;
	if (!cfg)
		snprintf(cdig, sizeof(cdig), "%s", spec->config_blob->digest);

	json_object *man = json_object_new_object(), *layers = json_object_new_array();
	json_object_object_add(man, "schemaVersion", json_object_new_int(2));
	json_object_object_add(man, "mediaType", json_object_new_string(MT_MANIFEST));
	json_object_object_add(man, "config", descriptor(MT_CONFIG, cdig, csize));
	for (size_t i = 0; i < spec->nlayers; i++)
		json_object_array_add(layers, descriptor(mts[i], ls[i].digest, ls[i].size));
	json_object_object_add(man, "layers", layers);
	const char *mtxt = plain(man);
	size_t mlen = mtxt ? strlen(mtxt) : 0;
	int r = mtxt ? put_blob(s, mtxt, mlen, mdig) : hk_err_set(s->err, -ENOMEM, "out of memory");
	json_object_put(man);
	*ret_mlen = mlen;
	return r;
}

/* config, manifest (kept, or made for the staged layers), index.json, oci-layout */
static int put_meta(struct stage *s, const struct hk_oci_save_spec *spec, struct hk_tar_result *ls,
		    const char *const *mts)
{
	char mdig[HK_DIGEST_MAX];
	size_t mlen = 0;
	const char *mmt = MT_MANIFEST;
	int r;
	if (spec->manifest_blob) {
		r = spec->config_blob ? link_blob(s, spec->blobs_fd, spec->config_blob)
				      : hk_err_set(s->err, -ENOENT, "the kept config is missing");
		if (r == 0)
			r = link_blob(s, spec->blobs_fd, spec->manifest_blob);
		snprintf(mdig, sizeof(mdig), "%s", spec->manifest_blob->digest);
		mlen = spec->manifest_blob->size;
		mmt = spec->manifest_blob->media_type;
	} else {
		r = put_manifest(s, spec, ls, mts, mdig, &mlen);
	}
	if (r < 0)
		return r;

	json_object *index = json_object_new_object(), *ms = json_object_new_array();
	json_object *d = descriptor(mmt, mdig, mlen), *ann = json_object_new_object();
	json_object_object_add(ann, HK_OCI_REF_ANNOTATION, json_object_new_string(spec->ref));
	json_object_object_add(d, "annotations", ann);
	json_object_array_add(ms, d);
	json_object_object_add(index, "schemaVersion", json_object_new_int(2));
	json_object_object_add(index, "mediaType", json_object_new_string(MT_INDEX));
	json_object_object_add(index, "manifests", ms);
	r = put_json_file(s, "index.json", index);
	json_object_put(index);
	if (r < 0)
		return r;
	json_object *lay = json_object_new_object();
	json_object_object_add(lay, "imageLayoutVersion", json_object_new_string("1.0.0"));
	r = put_json_file(s, "oci-layout", lay);
	json_object_put(lay);
	return r;
}

static int stage_open(struct stage *s, const char *tmp_parent)
{
	if (asprintf(&s->dir, "%s/save-XXXXXX", tmp_parent ? tmp_parent : "/tmp") < 0) {
		s->dir = NULL;
		return hk_err_set(s->err, -ENOMEM, "out of memory");
	}
	if (!mkdtemp(s->dir)) {
		int r = hk_err_sys(s->err, -errno, "create '%s'", s->dir);
		free(TAKE_PTR(s->dir));
		return r;
	}
	chmod(s->dir, 0755);
	s->lock = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->lock < 0 || flock(s->lock, LOCK_EX) < 0) /* hk_layerstore_clean skips it */
		return hk_err_sys(s->err, -errno, "lock '%s'", s->dir);
	_cleanup_free_ char *b = NULL;
	if (asprintf(&b, "%s/blobs/sha256", s->dir) < 0)
		return hk_err_set(s->err, -ENOMEM, "out of memory");
	int r = hk_mkdir_p(b, 0755);
	if (r < 0 || (s->blobs = open(b, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return hk_err_sys(s->err, r < 0 ? r : -errno, "create '%s'", b);
	return 0;
}

int hk_oci_save(int out_fd, const struct hk_oci_save_spec *spec, struct hk_err *err)
{
	if (!spec->ref || !*spec->ref)
		return hk_err_usage(err, "image save: a reference name is required");
	struct stage s = { .blobs = -1, .lock = -1, .err = err };
	struct hk_tar_result *ls = calloc(spec->nlayers + 1, sizeof(*ls));
	const char **mts = calloc(spec->nlayers + 1, sizeof(*mts));
	int r = ls && mts ? stage_open(&s, spec->tmp_parent)
			  : hk_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < spec->nlayers; i++) {
		const struct hk_oci_kept *k = spec->layer_blobs && spec->layer_blobs[i].digest
						      ? &spec->layer_blobs[i]
						      : NULL;
		if (!k && spec->manifest_blob)
			r = hk_err_set(err, -ENOENT, "layer %zu: its kept blob is missing", i + 1);
		else if (!k)
			r = put_layer(&s, spec->layer_dirs[i], &ls[i]);
		else if ((r = link_blob(&s, spec->blobs_fd, k)) == 0) {
			snprintf(ls[i].digest, sizeof(ls[i].digest), "%s", k->digest);
			snprintf(ls[i].diff_id, sizeof(ls[i].diff_id), "%s", spec->diff_ids[i]);
			ls[i].size = k->size;
		}
		mts[i] = k ? k->media_type : MT_LAYER_GZ;
	}
	if (r == 0)
		r = put_meta(&s, spec, ls, mts);
	_cleanup_close_ int top = r == 0 ? open(s.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (r == 0 && top < 0)
		r = hk_err_sys(err, -errno, "open '%s'", s.dir);
	if (r == 0) {
		struct hk_tar_opts o = { .compress = HK_COMPRESS_NONE };
		r = hk_archive_write_dir(top, out_fd, &o, NULL, err);
	}
	if (s.blobs >= 0)
		close(s.blobs);
	if (s.dir)
		hk_rm_rf_at(AT_FDCWD, s.dir);
	hk_closep(&s.lock);
	free(s.dir);
	free(ls);
	free(mts);
	return r < 0 ? hk_err_prefix(err, "image save") : 0;
}
