// SPDX-License-Identifier: MIT
/* Registry manifests and indexes (see manifest.h). */
#include "manifest.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;
	return o && json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static int desc_parse(json_object *o, const char *what, struct hk_desc *d, struct hk_err *err)
{
	memset(d, 0, sizeof(*d));
	json_object *sz, *p;
	const char *mt = jstr(o, "mediaType"), *dg = jstr(o, "digest");
	if (!o || !dg)
		return hk_err_set(err, -EBADMSG, "manifest: %s: no digest", what);
	if (hk_digest_check(dg, err) < 0) {
		err->code = -EBADMSG;
		return hk_err_prefix(err, "manifest: %s", what);
	}
	if (!json_object_object_get_ex(o, "size", &sz) || !json_object_is_type(sz, json_type_int) ||
	    json_object_get_int64(sz) < 0)
		return hk_err_set(err, -EBADMSG, "manifest: %s: no valid size", what);
	snprintf(d->media_type, sizeof(d->media_type), "%s", mt ? mt : "");
	snprintf(d->digest, sizeof(d->digest), "%s", dg);
	d->size = (uint64_t)json_object_get_int64(sz);
	if (json_object_object_get_ex(o, "platform", &p)) {
		const char *s;
		if ((s = jstr(p, "os")))
			snprintf(d->os, sizeof(d->os), "%s", s);
		if ((s = jstr(p, "architecture")))
			snprintf(d->arch, sizeof(d->arch), "%s", s);
		if ((s = jstr(p, "variant")))
			snprintf(d->variant, sizeof(d->variant), "%s", s);
	}
	return 0;
}

void hk_manifest_free(struct hk_manifest *m)
{
	free(m->descs);
	m->descs = NULL;
	m->ndescs = 0;
}

static bool is_type(const char *a, const char *b)
{
	size_t n = strlen(b); /* a Content-Type may carry parameters */
	return a && !strncmp(a, b, n) && (a[n] == 0 || a[n] == ';' || a[n] == ' ');
}

int hk_manifest_parse(const char *json, size_t len, const char *content_type,
		      struct hk_manifest *ret, struct hk_err *err)
{
	memset(ret, 0, sizeof(*ret));
	struct json_tokener *tok = json_tokener_new();
	json_object *o = tok ? json_tokener_parse_ex(tok, json, (int)len) : NULL;
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return hk_err_set(err, -EBADMSG, "manifest: not a JSON object");
	}
	const char *mt = jstr(o, "mediaType");
	json_object *arr = NULL, *sv;
	int r = 0;
	if (!mt && content_type && *content_type)
		mt = content_type;
	if (json_object_object_get_ex(o, "schemaVersion", &sv) && json_object_get_int(sv) == 1)
		r = hk_err_set(err, -EOPNOTSUPP,
			       "manifest: Docker schema 1 is not supported (deprecated)");
	else if (is_type(mt, HK_MT_OCI_INDEX) || is_type(mt, HK_MT_DOCKER_LIST) ||
		 (!mt && json_object_object_get_ex(o, "manifests", &arr)))
		ret->index = true;
	else if (mt && !is_type(mt, HK_MT_OCI_MANIFEST) && !is_type(mt, HK_MT_DOCKER_MANIFEST))
		r = hk_err_set(err, -EOPNOTSUPP, "manifest: unsupported media type '%.100s'", mt);
	if (r == 0) {
		snprintf(ret->media_type, sizeof(ret->media_type), "%s",
			 mt	      ? mt
			 : ret->index ? HK_MT_OCI_INDEX
				      : HK_MT_OCI_MANIFEST);
		char *semi = strchr(ret->media_type, ';');
		if (semi)
			*semi = 0;
		if (!json_object_object_get_ex(o, ret->index ? "manifests" : "layers", &arr) ||
		    !json_object_is_type(arr, json_type_array))
			r = hk_err_set(err, -EBADMSG, "manifest: no %s array",
				       ret->index ? "manifests" : "layers");
	}
	if (r == 0 && !ret->index) {
		json_object *c = NULL;
		json_object_object_get_ex(o, "config", &c);
		r = desc_parse(c, "config", &ret->config, err);
	}
	size_t n = r == 0 ? json_object_array_length(arr) : 0;
	if (r == 0 && n > 1000)
		r = hk_err_set(err, -EBADMSG, "manifest: %zu entries (at most 1000)", n);
	if (r == 0 && !(ret->descs = calloc(n ? n : 1, sizeof(*ret->descs))))
		r = hk_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < n; i++) {
		char what[32];
		snprintf(what, sizeof(what), "%s %zu", ret->index ? "entry" : "layer", i + 1);
		r = desc_parse(json_object_array_get_idx(arr, i), what, &ret->descs[i], err);
		ret->ndescs = i + 1;
	}
	json_object_put(o);
	if (r < 0)
		hk_manifest_free(ret);
	return r;
}

const char *hk_manifest_arch(const char **ret_variant)
{
	static const char *const map[][3] = {
		{ "x86_64", "amd64", "" },    { "aarch64", "arm64", "v8" },
		{ "armv7l", "arm", "v7" },    { "armv6l", "arm", "v6" },
		{ "i686", "386", "" },	      { "i386", "386", "" },
		{ "ppc64le", "ppc64le", "" }, { "s390x", "s390x", "" },
		{ "riscv64", "riscv64", "" },
	};
	struct utsname u;
	if (uname(&u) == 0)
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
			if (!strcmp(u.machine, map[i][0])) {
				if (ret_variant)
					*ret_variant = map[i][2];
				return map[i][1];
			}
	if (ret_variant)
		*ret_variant = "";
	return "amd64";
}

int hk_manifest_pick(const struct hk_manifest *m, const char *os, const char *arch,
		     const char *variant, size_t *ret_i, struct hk_err *err)
{
	const char *hv = "";
	if (!arch)
		arch = hk_manifest_arch(&hv);
	if (!variant)
		variant = hv;
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < m->ndescs; i++) {
		const struct hk_desc *d = &m->descs[i];
		if (strcmp(d->os, os) || strcmp(d->arch, arch))
			continue;
		if (d->variant[0] && variant[0] && strcmp(d->variant, variant))
			continue;
		if (best == SIZE_MAX || (d->variant[0] && !strcmp(d->variant, variant)))
			best = i;
	}
	if (best != SIZE_MAX) {
		*ret_i = best;
		return 0;
	}
	char have[300] = "";
	size_t n = 0;
	for (size_t i = 0; i < m->ndescs && n + 40 < sizeof(have); i++)
		n += (size_t)snprintf(have + n, sizeof(have) - n, "%s%s/%s%s%s", i ? ", " : "",
				      m->descs[i].os[0] ? m->descs[i].os : "?",
				      m->descs[i].arch[0] ? m->descs[i].arch : "?",
				      m->descs[i].variant[0] ? "/" : "", m->descs[i].variant);
	return hk_err_set(err, -ENOENT, "no image for %s/%s%s%s in the index (it has: %s)", os,
			  arch, variant[0] ? "/" : "", variant, n ? have : "nothing");
}
