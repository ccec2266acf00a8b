// SPDX-License-Identifier: MIT
/* Reading OCI image layouts and docker-save archives; image config documents. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "fstree.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

static void json_putp(json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_putp)

/* ---- small JSON helpers ----------------------------------------------------------- */

static json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;
	return o && json_object_is_type(o, json_type_object) &&
			       json_object_object_get_ex(o, key, &v)
		       ? v
		       : NULL;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = jget(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static int dup_str(json_object *o, const char *key, char **ret)
{
	const char *s = jstr(o, key);
	if (!s)
		return 0;
	return (*ret = strdup(s)) ? 0 : -ENOMEM;
}

/* A JSON array of strings -> NULL-terminated strv (NULL for absent/null). Non-strings: -EINVAL. */
static int dup_strv(json_object *arr, char ***ret, size_t *ret_n)
{
	*ret = NULL;
	if (!arr || json_object_is_type(arr, json_type_null))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return -EINVAL;
	size_t n = json_object_array_length(arr);
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(e, json_type_string) ||
		    !(v[i] = strdup(json_object_get_string(e)))) {
			strv_free(v);
			return json_object_is_type(e, json_type_string) ? -ENOMEM : -EINVAL;
		}
	}
	*ret = v;
	if (ret_n)
		*ret_n = n;
	return 0;
}

static json_object *parse_json(const char *buf, size_t len, const char *what, struct hk_err *err)
{
	json_tokener *tok = json_tokener_new();
	if (!tok) {
		hk_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error je = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (!o || je != json_tokener_success || !json_object_is_type(o, json_type_object)) {
		json_putp(&o);
		hk_err_set(err, -EBADMSG, "%s: not a JSON object (%s)", what,
			   je != json_tokener_success ? json_tokener_error_desc(je) : "wrong type");
		return NULL;
	}
	return o;
}

/* ---- image config ------------------------------------------------------------------ */

void hk_image_config_free(struct hk_image_config *c)
{
	if (!c)
		return;
	strv_free(c->env);
	strv_free(c->cmd);
	strv_free(c->entrypoint);
	strv_free(c->exposed_ports);
	strv_free(c->diff_ids);
	free(c->workdir);
	free(c->user);
	free(c->os);
	free(c->architecture);
	free(c->created);
	*c = (struct hk_image_config){ 0 };
}

static int ports_parse(json_object *o, char ***ret)
{
	*ret = NULL;
	if (!o || json_object_is_type(o, json_type_null))
		return 0;
	if (!json_object_is_type(o, json_type_object))
		return -EINVAL;
	size_t n = (size_t)json_object_object_length(o), i = 0;
	char **v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	json_object_object_foreach(o, key, val)
	{
		(void)val;
		if (!(v[i++] = strdup(key))) {
			strv_free(v);
			return -ENOMEM;
		}
	}
	*ret = v;
	return 0;
}

int hk_image_config_parse(const char *json, size_t len, struct hk_image_config *ret,
			  struct hk_err *err)
{
	_cleanup_json_ json_object *root = parse_json(json, len, "image config", err);
	if (!root)
		return err->code;
	struct hk_image_config c = { 0 };
	json_object *cfg = jget(root, "config");
	json_object *rootfs = jget(root, "rootfs");
	int r = 0;
	const char *bad = NULL;
	if (!r && (r = dup_strv(jget(cfg, "Env"), &c.env, NULL)) == -EINVAL)
		bad = "config.Env";
	if (!r && (r = dup_strv(jget(cfg, "Cmd"), &c.cmd, NULL)) == -EINVAL)
		bad = "config.Cmd";
	if (!r && (r = dup_strv(jget(cfg, "Entrypoint"), &c.entrypoint, NULL)) == -EINVAL)
		bad = "config.Entrypoint";
	if (!r && (r = ports_parse(jget(cfg, "ExposedPorts"), &c.exposed_ports)) == -EINVAL)
		bad = "config.ExposedPorts";
	if (!r && (r = dup_strv(jget(rootfs, "diff_ids"), &c.diff_ids, &c.ndiff_ids)) == -EINVAL)
		bad = "rootfs.diff_ids";
	if (!r)
		r = dup_str(cfg, "WorkingDir", &c.workdir);
	if (!r)
		r = dup_str(cfg, "User", &c.user);
	if (!r)
		r = dup_str(root, "os", &c.os);
	if (!r)
		r = dup_str(root, "architecture", &c.architecture);
	if (!r)
		r = dup_str(root, "created", &c.created);
	for (size_t i = 0; !r && i < c.ndiff_ids; i++)
		if (hk_digest_check(c.diff_ids[i], err) < 0) {
			hk_err_prefix(err, "image config: rootfs.diff_ids[%zu]", i);
			r = -EBADMSG;
		}
	if (r < 0) {
		hk_image_config_free(&c);
		if (r == -EBADMSG)
			return r;
		if (bad)
			return hk_err_set(err, -EBADMSG, "image config: %s: wrong type", bad);
		return hk_err_set(err, r, "out of memory");
	}
	*ret = c;
	return 0;
}

static json_object *strv_json(char **v)
{
	json_object *a = json_object_new_array();
	for (char **p = v; a && p && *p; p++)
		json_object_array_add(a, json_object_new_string(*p));
	return a;
}

char *hk_image_config_json(const struct hk_image_config *c)
{
	_cleanup_json_ json_object *root = json_object_new_object();
	json_object *cfg = json_object_new_object(), *rootfs = json_object_new_object();
	if (!root || !cfg || !rootfs) {
		json_putp(&cfg);
		json_putp(&rootfs);
		return NULL;
	}
	if (c->created)
		json_object_object_add(root, "created", json_object_new_string(c->created));
	json_object_object_add(root, "architecture",
			       json_object_new_string(c->architecture ? c->architecture : "amd64"));
	json_object_object_add(root, "os", json_object_new_string(c->os ? c->os : "linux"));
	if (c->user)
		json_object_object_add(cfg, "User", json_object_new_string(c->user));
	if (c->exposed_ports) {
		json_object *p = json_object_new_object();
		for (char **s = c->exposed_ports; *s; s++)
			json_object_object_add(p, *s, json_object_new_object());
		json_object_object_add(cfg, "ExposedPorts", p);
	}
	if (c->env)
		json_object_object_add(cfg, "Env", strv_json(c->env));
	if (c->entrypoint)
		json_object_object_add(cfg, "Entrypoint", strv_json(c->entrypoint));
	if (c->cmd)
		json_object_object_add(cfg, "Cmd", strv_json(c->cmd));
	if (c->workdir)
		json_object_object_add(cfg, "WorkingDir", json_object_new_string(c->workdir));
	json_object_object_add(root, "config", cfg);
	json_object_object_add(rootfs, "type", json_object_new_string("layers"));
	json_object *ids = json_object_new_array();
	for (size_t i = 0; ids && i < c->ndiff_ids; i++)
		json_object_array_add(ids, json_object_new_string(c->diff_ids[i]));
	json_object_object_add(rootfs, "diff_ids", ids);
	json_object_object_add(root, "rootfs", rootfs);
	const char *s = json_object_to_json_string_ext(
		root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	return s ? strdup(s) : NULL;
}

/* ---- blobs ------------------------------------------------------------------------- */

/* Read rel (beneath root; symlinks allowed if they stay beneath: docker save links equal
 * layers) whole, at most max bytes. */
static int read_rel(int root, const char *rel, size_t max, char **ret, size_t *ret_len,
		    struct hk_err *err)
{
	struct stat st;
	_cleanup_close_ int fd = hk_open_regular_beneath(root, rel, false, &st);
	if (fd == -EBADMSG)
		return hk_err_set(err, fd, "'%s' is not a regular file", rel);
	if (fd < 0)
		return hk_err_sys(err, fd, "open '%s'", rel);
	if ((uint64_t)st.st_size > max)
		return hk_err_set(err, -EFBIG, "'%s': larger than %zu bytes", rel, max);
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return hk_err_set(err, -ENOMEM, "out of memory");
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			free(buf);
			return n < 0 ? hk_err_sys(err, -errno, "read '%s'", rel)
				     : hk_err_set(err, -EIO, "read '%s': file shrank", rel);
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*ret = buf;
	*ret_len = got;
	return 0;
}

struct desc {
	const char *media_type;
	const char *digest;
	uint64_t size;
	json_object *obj;
};

static int desc_parse(json_object *o, const char *what, struct desc *d, struct hk_err *err)
{
	d->obj = o;
	d->media_type = jstr(o, "mediaType");
	d->digest = jstr(o, "digest");
	json_object *sz = jget(o, "size");
	if (!d->digest)
		return hk_err_set(err, -EBADMSG, "%s: descriptor without a digest", what);
	if (hk_digest_check(d->digest, err) < 0) {
		err->code = -EBADMSG;
		return hk_err_prefix(err, "%s", what);
	}
	if (!sz || !json_object_is_type(sz, json_type_int) || json_object_get_int64(sz) < 0)
		return hk_err_set(err, -EBADMSG, "%s %s: descriptor without a valid size", what,
				  d->digest);
	d->size = (uint64_t)json_object_get_int64(sz);
	return 0;
}

/* Read blob d, checking size and digest. */
static int read_blob(int root, const struct desc *d, const char *what, char **ret, size_t *ret_len,
		     struct hk_err *err)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", hk_digest_hex(d->digest));
	if (d->size > HK_OCI_JSON_MAX)
		return hk_err_set(err, -EFBIG, "%s %s: larger than %u bytes", what, d->digest,
				  HK_OCI_JSON_MAX);
	char *buf;
	size_t len;
	int r = read_rel(root, rel, HK_OCI_JSON_MAX, &buf, &len, err);
	if (r < 0) {
		if (r == -ENOENT)
			return hk_err_set(err, r, "%s: blob %s is missing", what, d->digest);
		return hk_err_prefix(err, "%s", what);
	}
	char got[HK_DIGEST_MAX];
	hk_digest_buf(buf, len, got);
	if (len != d->size || !hk_digest_eq(got, d->digest)) {
		free(buf);
		if (len != d->size)
			return hk_err_set(
				err, -EBADMSG,
				"%s %s: size mismatch: descriptor says %llu, blob has %zu", what,
				d->digest, (unsigned long long)d->size, len);
		return hk_err_set(err, -EBADMSG,
				  "%s: digest mismatch: descriptor says %s, blob is %s", what,
				  d->digest, got);
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* ---- selecting the image ------------------------------------------------------------ */

static const char *go_arch(void)
{
	static const char *const map[][2] = {
		{ "x86_64", "amd64" }, { "aarch64", "arm64" },	 { "i686", "386" },
		{ "i386", "386" },     { "armv7l", "arm" },	 { "ppc64le", "ppc64le" },
		{ "s390x", "s390x" },  { "riscv64", "riscv64" },
	};
	struct utsname u;
	if (uname(&u) == 0)
		for (size_t i = 0; i < HK_ARRAY_SIZE(map); i++)
			if (!strcmp(u.machine, map[i][0]))
				return map[i][1];
	return "amd64";
}

static bool is_index(const char *mt)
{
	return mt && (!strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST));
}

static bool ref_matches(const char *name, const char *ref)
{
	if (!name)
		return false;
	if (!strcmp(name, ref))
		return true;
	const char *colon = strrchr(ref, ':');
	return colon && !strchr(colon, '/') && !strcmp(name, colon + 1);
}

static bool platform_ok(json_object *m)
{
	json_object *p = jget(m, "platform");
	const char *os = jstr(p, "os"), *arch = jstr(p, "architecture");
	return p && os && arch && !strcmp(os, "linux") && !strcmp(arch, go_arch());
}

/* Pick one descriptor from an index's manifests: by ref when given, else the only one, else
 * the one for linux/<this arch>. */
static int pick(json_object *index, const char *ref, const char *what, json_object **ret,
		struct hk_err *err)
{
	json_object *ms = jget(index, "manifests");
	if (!ms || !json_object_is_type(ms, json_type_array))
		return hk_err_set(err, -EBADMSG, "%s: no manifests array", what);
	size_t n = json_object_array_length(ms), found = 0, plat = 0;
	json_object *one = NULL, *byplat = NULL;
	for (size_t i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(ms, i);
		if (ref && !ref_matches(jstr(jget(m, "annotations"), HK_OCI_REF_ANNOTATION), ref))
			continue;
		found++;
		one = m;
		if (platform_ok(m)) {
			plat++;
			byplat = m;
		}
	}
	if (found == 1) {
		*ret = one;
		return 0;
	}
	if (found > 1 && plat == 1) {
		*ret = byplat;
		return 0;
	}
	if (found == 0 && ref)
		return hk_err_set(err, -ENOENT, "%s: no image named '%s'", what, ref);
	if (found == 0)
		return hk_err_set(err, -EBADMSG, "%s: no manifests", what);
	return hk_err_set(err, -EINVAL,
			  "%s: %zu images match; name one (ref) or keep one per platform", what,
			  found);
}

static bool layer_media_ok(const char *mt)
{
	static const char *const ok[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.oci.image.layer.nondistributable.v1.tar",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
		"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
	};
	for (size_t i = 0; mt && i < HK_ARRAY_SIZE(ok); i++)
		if (!strcmp(mt, ok[i]))
			return true;
	return false;
}

static int set_config(struct hk_oci_image *img, const char *buf, size_t len, const char *digest,
		      struct hk_err *err)
{
	snprintf(img->config_digest, sizeof(img->config_digest), "%s", digest);
	if (!(img->config_json = malloc(len ? len : 1)))
		return hk_err_set(err, -ENOMEM, "out of memory");
	memcpy(img->config_json, buf, len);
	img->config_len = len;
	if (hk_image_config_parse(buf, len, &img->config, err) < 0)
		return err->code;
	if (img->config.ndiff_ids != img->nlayers)
		return hk_err_set(err, -EBADMSG,
				  "image config lists %zu diff_ids but the manifest has %zu layers",
				  img->config.ndiff_ids, img->nlayers);
	for (size_t i = 0; i < img->nlayers; i++)
		snprintf(img->layers[i].diff_id, HK_DIGEST_MAX, "%s", img->config.diff_ids[i]);
	return 0;
}

static int oci_layers(struct hk_oci_image *img, json_object *man, struct hk_err *err)
{
	json_object *ls = jget(man, "layers");
	if (!ls || !json_object_is_type(ls, json_type_array))
		return hk_err_set(err, -EBADMSG, "manifest: no layers array");
	size_t n = json_object_array_length(ls);
	if (!(img->layers = calloc(n ? n : 1, sizeof(*img->layers))))
		return hk_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct desc d;
		char what[48];
		snprintf(what, sizeof(what), "manifest: layer %zu", i);
		if (desc_parse(json_object_array_get_idx(ls, i), what, &d, err) < 0)
			return err->code;
		if (!layer_media_ok(d.media_type))
			return hk_err_set(err, -EOPNOTSUPP, "%s: unsupported media type '%s'", what,
					  d.media_type ? d.media_type : "(none)");
		struct hk_oci_layer *l = &img->layers[img->nlayers++];
		snprintf(l->digest, sizeof(l->digest), "%s", d.digest);
		l->size = d.size;
		if (!(l->media_type = strdup(d.media_type)) ||
		    asprintf(&l->path, "blobs/sha256/%s", hk_digest_hex(d.digest)) < 0)
			return hk_err_set(err, -ENOMEM, "out of memory");
	}
	return 0;
}

static int load_oci(struct hk_oci_image *img, int root, const char *ref, struct hk_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	if (read_rel(root, "oci-layout", 4096, &buf, &len, err) < 0)
		return err->code;
	_cleanup_json_ json_object *lay = parse_json(buf, len, "oci-layout", err);
	const char *ver = lay ? jstr(lay, "imageLayoutVersion") : NULL;
	if (!lay)
		return err->code;
	if (!ver || strncmp(ver, "1.", 2) != 0)
		return hk_err_set(err, -EOPNOTSUPP,
				  "oci-layout: unsupported imageLayoutVersion '%s'",
				  ver ? ver : "(none)");
	free(TAKE_PTR(buf));
	if (read_rel(root, "index.json", HK_OCI_JSON_MAX, &buf, &len, err) < 0)
		return err->code;
	_cleanup_json_ json_object *index = parse_json(buf, len, "index.json", err);
	json_object *m = NULL;
	if (!index || pick(index, ref, "index.json", &m, err) < 0)
		return err->code;
	const char *name = jstr(jget(m, "annotations"), HK_OCI_REF_ANNOTATION);
	if (name && !(img->ref = strdup(name)))
		return hk_err_set(err, -ENOMEM, "out of memory");
	struct desc d;
	if (desc_parse(m, "index.json: manifest", &d, err) < 0)
		return err->code;
	_cleanup_json_ json_object *nested = NULL;
	for (int depth = 0; is_index(d.media_type); depth++) {
		if (depth > 0)
			return hk_err_set(err, -EBADMSG, "index %s: nested too deep", d.digest);
		free(TAKE_PTR(buf));
		if (read_blob(root, &d, "image index", &buf, &len, err) < 0 ||
		    !(nested = parse_json(buf, len, "image index", err)) ||
		    pick(nested, NULL, "image index", &m, err) < 0 ||
		    desc_parse(m, "image index: manifest", &d, err) < 0)
			return err->code;
	}
	free(TAKE_PTR(buf));
	if (read_blob(root, &d, "manifest", &buf, &len, err) < 0)
		return err->code;
	snprintf(img->manifest_digest, sizeof(img->manifest_digest), "%s", d.digest);
	_cleanup_json_ json_object *man = parse_json(buf, len, "manifest", err);
	if (!man)
		return err->code;
	const char *mt = jstr(man, "mediaType");
	if (mt && strcmp(mt, MT_OCI_MANIFEST) && strcmp(mt, MT_DOCKER_MANIFEST))
		return hk_err_set(err, -EOPNOTSUPP, "manifest: unsupported media type '%s'", mt);
	struct desc cd;
	if (desc_parse(jget(man, "config"), "manifest: config", &cd, err) < 0 ||
	    oci_layers(img, man, err) < 0)
		return err->code;
	snprintf(img->manifest_media_type, sizeof(img->manifest_media_type), "%s",
		 mt		? mt
		 : d.media_type ? d.media_type
				: MT_OCI_MANIFEST);
	img->manifest_json = TAKE_PTR(buf);
	img->manifest_len = len;
	if (read_blob(root, &cd, "config", &buf, &len, err) < 0)
		return err->code;
	return set_config(img, buf, len, cd.digest, err);
}

/* "<hex>.json", "<hex>", "blobs/sha256/<hex>": the digest a docker-save name claims. */
static bool claimed_digest(const char *rel, char out[HK_DIGEST_MAX])
{
	const char *b = strrchr(rel, '/');
	b = b ? b + 1 : rel;
	size_t n = strspn(b, "0123456789abcdef");
	if (n != HK_SHA256_HEX || (b[n] && strcmp(b + n, ".json")))
		return false;
	snprintf(out, HK_DIGEST_MAX, "sha256:%.64s", b);
	return true;
}

static int docker_entry(json_object *ms, const char *ref, json_object **ret, struct hk_err *err)
{
	size_t n = json_object_array_length(ms);
	for (size_t i = 0; ref && i < n; i++) {
		json_object *e = json_object_array_get_idx(ms, i), *tags = jget(e, "RepoTags");
		for (size_t j = 0; tags && json_object_is_type(tags, json_type_array) &&
				   j < json_object_array_length(tags);
		     j++)
			if (ref_matches(json_object_get_string(json_object_array_get_idx(tags, j)),
					ref)) {
				*ret = e;
				return 0;
			}
	}
	if (ref)
		return hk_err_set(err, -ENOENT, "manifest.json: no image tagged '%s'", ref);
	if (n != 1)
		return hk_err_set(err, -EINVAL, "manifest.json: %zu images; name one", n);
	*ret = json_object_array_get_idx(ms, 0);
	return 0;
}

static int load_docker(struct hk_oci_image *img, int root, const char *ref, struct hk_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	if (read_rel(root, "manifest.json", HK_OCI_JSON_MAX, &buf, &len, err) < 0)
		return err->code;
	json_tokener *tok = json_tokener_new();
	_cleanup_json_ json_object *ms = tok ? json_tokener_parse_ex(tok, buf, (int)len) : NULL;
	if (tok)
		json_tokener_free(tok);
	json_object *e = NULL;
	if (!ms || !json_object_is_type(ms, json_type_array))
		return hk_err_set(err, -EBADMSG, "manifest.json: not a JSON array");
	if (docker_entry(ms, ref, &e, err) < 0)
		return err->code;
	json_object *tags = jget(e, "RepoTags");
	const char *tag = ref ? ref
			  : tags && json_object_is_type(tags, json_type_array) &&
					  json_object_array_length(tags)
				  ? json_object_get_string(json_object_array_get_idx(tags, 0))
				  : NULL;
	if (tag && !(img->ref = strdup(tag)))
		return hk_err_set(err, -ENOMEM, "out of memory");
	const char *cfg = jstr(e, "Config");
	json_object *ls = jget(e, "Layers");
	if (!cfg || !ls || !json_object_is_type(ls, json_type_array))
		return hk_err_set(err, -EBADMSG, "manifest.json: entry without Config or Layers");
	size_t n = json_object_array_length(ls);
	if (!(img->layers = calloc(n ? n : 1, sizeof(*img->layers))))
		return hk_err_set(err, -ENOMEM, "out of memory");
	char rel[PATH_MAX];
	for (size_t i = 0; i < n; i++) {
		const char *p = json_object_get_string(json_object_array_get_idx(ls, i));
		if (hk_archive_path_clean(p, rel, sizeof(rel), err) < 0)
			return hk_err_prefix(err, "manifest.json: layer %zu", i);
		struct hk_oci_layer *l = &img->layers[img->nlayers++];
		if (!(l->path = strdup(rel)))
			return hk_err_set(err, -ENOMEM, "out of memory");
		if (!strncmp(rel, "blobs/sha256/", 13)) /* docker >= 25 names layers by digest */
			claimed_digest(rel, l->digest);
	}
	if (hk_archive_path_clean(cfg, rel, sizeof(rel), err) < 0)
		return hk_err_prefix(err, "manifest.json: Config");
	free(TAKE_PTR(buf));
	if (read_rel(root, rel, HK_OCI_JSON_MAX, &buf, &len, err) < 0)
		return hk_err_prefix(err, "config");
	char got[HK_DIGEST_MAX], claim[HK_DIGEST_MAX];
	hk_digest_buf(buf, len, got);
	if (claimed_digest(rel, claim) && !hk_digest_eq(claim, got))
		return hk_err_set(err, -EBADMSG, "config '%s': digest mismatch: content is %s", rel,
				  got);
	return set_config(img, buf, len, got, err);
}

/* ---- open / free ----------------------------------------------------------------------- */

void hk_oci_image_free(struct hk_oci_image *img)
{
	if (!img)
		return;
	if (img->tmpdir)
		hk_rm_rf_at(AT_FDCWD, img->tmpdir);
	hk_closep(&img->tmplock);
	for (size_t i = 0; i < img->nlayers; i++) {
		free(img->layers[i].media_type);
		free(img->layers[i].path);
	}
	free(img->layers);
	free(img->manifest_json);
	free(img->config_json);
	hk_image_config_free(&img->config);
	free(img->tmpdir);
	free(img->root);
	free(img->ref);
	free(img);
}

static int unpack(struct hk_oci_image *img, const char *path, const char *tmp_parent,
		  struct hk_err *err)
{
	if (asprintf(&img->tmpdir, "%s/oci-XXXXXX", tmp_parent ? tmp_parent : "/tmp") < 0) {
		img->tmpdir = NULL;
		return hk_err_set(err, -ENOMEM, "out of memory");
	}
	if (!mkdtemp(img->tmpdir)) {
		int r = hk_err_sys(err, -errno, "create '%s'", img->tmpdir);
		free(TAKE_PTR(img->tmpdir));
		return r;
	}
	img->tmplock = open(img->tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (img->tmplock < 0 || flock(img->tmplock, LOCK_EX) < 0)
		return hk_err_sys(err, -errno, "lock '%s'", img->tmpdir);
	/* unnamed: hk_oci_open's caller says which file (one name per error line) */
	_cleanup_close_ int fd =
		strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(STDIN_FILENO);
	if (fd < 0)
		return hk_err_sys(err, -errno, "open");
	struct hk_extract_opts o = { .owners = HK_OWNER_NONE, .no_xattrs = true };
	if (hk_archive_extract_fd(fd, img->tmplock, NULL, &o, NULL, err) < 0)
		return err->code;
	return (img->root = strdup(img->tmpdir)) ? 0 : hk_err_set(err, -ENOMEM, "out of memory");
}

int hk_oci_open(const char *path, const char *tmp_parent, const char *ref,
		struct hk_oci_image **ret, struct hk_err *err)
{
	struct hk_oci_image *img = calloc(1, sizeof(*img));
	if (!img)
		return hk_err_set(err, -ENOMEM, "out of memory");
	img->tmplock = -1;
	struct stat st;
	int r;
	if (strcmp(path, "-") && stat(path, &st) < 0)
		r = hk_err_sys(err, -errno, "stat");
	else if (strcmp(path, "-") && S_ISDIR(st.st_mode))
		r = (img->root = realpath(path, NULL)) ? 0 : hk_err_sys(err, -errno, "realpath");
	else
		r = unpack(img, path, tmp_parent, err);
	_cleanup_close_ int root = -1;
	if (r == 0 && (root = open(img->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = hk_err_sys(err, -errno, "open '%s'", img->root);
	if (r == 0) {
		struct stat s1;
		if (fstatat(root, "index.json", &s1, AT_SYMLINK_NOFOLLOW) == 0 &&
		    fstatat(root, "oci-layout", &s1, AT_SYMLINK_NOFOLLOW) == 0) {
			r = load_oci(img, root, ref, err);
		} else if (fstatat(root, "manifest.json", &s1, AT_SYMLINK_NOFOLLOW) == 0) {
			img->docker = true;
			r = load_docker(img, root, ref, err);
		} else {
			r = hk_err_set(
				err, -EBADMSG,
				"not an OCI image layout or docker-save archive (no index.json "
				"and oci-layout, no manifest.json)");
		}
	}
	if (r < 0) {
		if (err->cls == HK_ERR_FAILED && r == -EBADMSG)
			hk_err_class_set(err, HK_ERR_USAGE);
		hk_oci_image_free(img);
		return r;
	}
	*ret = img;
	return 0;
}

int hk_oci_layer_open(const struct hk_oci_image *img, size_t i, struct hk_extract_opts *opts,
		      struct hk_err *err)
{
	if (i >= img->nlayers)
		return hk_err_set(err, -EINVAL, "no layer %zu", i);
	const struct hk_oci_layer *l = &img->layers[i];
	_cleanup_close_ int root = open(img->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return hk_err_sys(err, -errno, "open '%s'", img->root);
	struct stat st;
	int fd = hk_open_regular_beneath(root, l->path, false, &st);
	if (fd == -ENOENT || fd == -EBADMSG) {
		hk_err_set(err, fd, "layer %zu: blob '%s' is %s", i + 1, l->path,
			   fd == -ENOENT ? "missing" : "not a regular file");
		hk_err_class_set(err, HK_ERR_USAGE);
		return fd;
	}
	if (fd < 0)
		return hk_err_sys(err, fd, "layer %zu: open '%s'", i + 1, l->path);
	opts->expect_digest = l->digest[0] ? l->digest : NULL;
	opts->expect_size = l->size;
	opts->expect_diff_id = l->diff_id;
	return fd;
}
