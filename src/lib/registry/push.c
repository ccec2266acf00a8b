// SPDX-License-Identifier: MIT
/* Push an image to a registry (see push.h). */
#include "push.h"
#include "regpool.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/testpoint.h"
#include "oci.h"
#include "regconf.h"
#include "regref.h"

struct blob {
	const char *digest;
	const char *path; /* relative to the layout root */
	uint64_t size;
	size_t idx; /* 0: config, 1..n: layers */
};

struct push {
	struct hk_regclient *rc;
	const struct hk_push_opts *o;
	struct hk_oci_image *img;
	int root;
	char mount_from[256]; /* a repository of the same registry that may have the blobs */
	struct blob *blobs;
	size_t nblobs, nlayers;
	struct hk_regpool pool; /* the blob workers; its lock around progress calls */
};

static void emit(struct push *p, enum hk_pull_ev kind, const struct blob *b)
{
	if (!p->o->progress)
		return;
	struct hk_pull_event ev = { .kind = kind,
				    .idx = b->idx,
				    .n = p->nlayers,
				    .digest = b->digest,
				    .done = kind == HK_PULL_START ? 0 : b->size,
				    .total = b->size };
	pthread_mutex_lock(&p->pool.lock);
	p->o->progress(p->o->ud, &ev);
	pthread_mutex_unlock(&p->pool.lock);
}

/* An upload URL from a Location header (absolute, or a path on the registry). */
static void upload_url(struct push *p, const char *loc, const char *extra, char *buf, size_t len)
{
	char base[700] = "";
	if (loc[0] == '/') {
		char u[1024];
		hk_regclient_url(p->rc, "", u, sizeof(u));
		char *v2 = strstr(u, "/v2/");
		snprintf(base, sizeof(base), "%.*s", v2 ? (int)(v2 - u) : 0, u);
	}
	snprintf(buf, len, "%s%s%s%s", base, loc, extra[0] ? (strchr(loc, '?') ? "&" : "?") : "",
		 extra);
}

/* Send blob b to the upload session at loc (updated by each answer) in chunks: PATCH with
 * Content-Range, as the distribution spec's chunked upload. */
static int upload(struct push *p, struct hk_http *h, const struct blob *b, char *loc, size_t loclen,
		  const char *what, struct hk_err *err)
{
	char url[4096];
	struct hk_http_req q;
	struct hk_http_resp resp;
	int r;
	_cleanup_close_ int fd = openat(p->root, b->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hk_err_sys(err, -errno, "%s: open", what);
	uint64_t chunk = p->o->chunk ? p->o->chunk : (16U << 20);
	const char *tc = hk_test_getenv("HAKO_PUSH_CHUNK"); /* tests: several chunks */
	if (tc && strtoull(tc, NULL, 10) > 0)
		chunk = strtoull(tc, NULL, 10);
	for (uint64_t off = 0; off < b->size;) {
		uint64_t n = b->size - off < chunk ? b->size - off : chunk;
		char range[80],
			*hdrs[3] = { range, "Content-Type: application/octet-stream", NULL };
		snprintf(range, sizeof(range), "Content-Range: %llu-%llu", (unsigned long long)off,
			 (unsigned long long)(off + n - 1));
		upload_url(p, loc, "", url, sizeof(url));
		q = (struct hk_http_req){ .method = "PATCH",
					  .url = url,
					  .body_fd = fd,
					  .body_off = off,
					  .body_size = n,
					  .headers = (const char *const *)hdrs };
		r = hk_regclient_do(p->rc, h, &q, &resp, err);
		if (r == 0 && resp.status != 202)
			r = hk_regclient_status(&resp, what, err);
		if (r == 0 && resp.location[0])
			snprintf(loc, loclen, "%s", resp.location);
		hk_http_resp_free(&resp);
		if (r < 0)
			return hk_err_prefix(err, "%s: upload at byte %llu", what,
					     (unsigned long long)off);
		off += n;
		if (hk_regpool_failed(&p->pool))
			return -ECANCELED;
	}
	return 0;
}

static int push_blob(struct push *p, struct hk_http *h, const struct blob *b, struct hk_err *err)
{
	char url[4096], what[120], suffix[400];
	snprintf(what, sizeof(what), "%s %.19s", b->idx ? "layer" : "config", b->digest);
	struct hk_http_resp resp;
	snprintf(suffix, sizeof(suffix), "blobs/%s", b->digest);
	hk_regclient_url(p->rc, suffix, url, sizeof(url));
	struct hk_http_req q = { .method = "HEAD", .url = url, .body_fd = -1 };
	int r = hk_regclient_do(p->rc, h, &q, &resp, err);
	bool has = r == 0 && resp.status == 200;
	hk_http_resp_free(&resp);
	if (r < 0)
		return hk_err_prefix(err, "%s", what);
	if (has) {
		emit(p, HK_PULL_EXISTS, b);
		return 0;
	}
	emit(p, HK_PULL_START, b);
	/* cross-repository mount when the source came from this registry, else a new upload */
	if (p->mount_from[0])
		snprintf(suffix, sizeof(suffix), "blobs/uploads/?mount=%s&from=%s", b->digest,
			 p->mount_from);
	else
		snprintf(suffix, sizeof(suffix), "blobs/uploads/");
	hk_regclient_url(p->rc, suffix, url, sizeof(url));
	q = (struct hk_http_req){ .method = "POST", .url = url, .body_fd = -1 };
	r = hk_regclient_do(p->rc, h, &q, &resp, err);
	if (r == 0 && resp.status == 201) { /* mounted */
		hk_http_resp_free(&resp);
		emit(p, HK_PULL_MOUNTED, b);
		return 0;
	}
	if (r == 0 && (resp.status != 202 || !resp.location[0]))
		r = hk_regclient_status(&resp, what, err);
	char loc[2048];
	snprintf(loc, sizeof(loc), "%s", resp.location);
	hk_http_resp_free(&resp);
	if (r < 0)
		return hk_err_prefix(err, "%s: start upload", what);
	r = upload(p, h, b, loc, sizeof(loc), what, err);
	if (r < 0)
		return r;
	char dq[120];
	snprintf(dq, sizeof(dq), "digest=%s", b->digest);
	upload_url(p, loc, dq, url, sizeof(url));
	q = (struct hk_http_req){ .method = "PUT", .url = url, .body_fd = -1 };
	r = hk_regclient_do(p->rc, h, &q, &resp, err);
	if (r == 0 && resp.status != 201)
		r = hk_regclient_status(&resp, what, err);
	hk_http_resp_free(&resp);
	if (r < 0)
		return hk_err_prefix(err, "%s: finish upload", what);
	emit(p, HK_PULL_DONE, b);
	return 0;
}

static int push_task(void *ud, struct hk_http *h, size_t i, struct hk_err *err)
{
	struct push *p = ud;
	return push_blob(p, h, &p->blobs[i], err);
}

static int push_blobs(struct push *p, struct hk_err *err)
{
	return hk_regpool_run(&p->pool, p->o->parallel, p->nblobs, push_task, p, err);
}

static int put_manifest(struct push *p, struct hk_http *h, const char *tag,
			char ret_digest[HK_DIGEST_MAX], struct hk_err *err)
{
	char url[1024], suffix[300], ct[200];
	snprintf(suffix, sizeof(suffix), "manifests/%s", tag);
	hk_regclient_url(p->rc, suffix, url, sizeof(url));
	snprintf(ct, sizeof(ct), "Content-Type: %s", p->img->manifest_media_type);
	const char *hdrs[] = { ct, NULL };
	struct hk_http_req q = { .method = "PUT",
				 .url = url,
				 .headers = hdrs,
				 .body_fd = -1,
				 .body = p->img->manifest_json,
				 .body_len = p->img->manifest_len };
	struct hk_http_resp resp;
	int r = hk_regclient_do(p->rc, h, &q, &resp, err);
	struct hk_err e2;
	if (r == 0 && resp.status != 201)
		r = hk_regclient_status(&resp, "manifest", err);
	else if (r == 0 && hk_digest_check(resp.content_digest, &e2) == 0 &&
		 !hk_digest_eq(resp.content_digest, p->img->manifest_digest))
		r = hk_err_set(err, -EBADMSG, "manifest: the registry says %s, hako sent %s",
			       resp.content_digest, p->img->manifest_digest);
	hk_http_resp_free(&resp);
	if (r == 0)
		snprintf(ret_digest, HK_DIGEST_MAX, "%s", p->img->manifest_digest);
	return r < 0 ? hk_err_prefix(err, "manifest") : 0;
}

/* The OCI layout of image src: saved to an unnamed file, then opened (unpacked). */
static int open_image(struct hk_images *im, const char *state_dir, const char *src,
		      struct hk_oci_image **ret, struct hk_err *err)
{
	char tmp[PATH_MAX], p[64];
	snprintf(tmp, sizeof(tmp), "%s/layers/tmp", state_dir);
	_cleanup_close_ int fd = open(tmp, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return hk_err_sys(err, -errno, "temporary file in '%s'", tmp);
	int r = hk_image_save(im, src, fd, err);
	if (r < 0)
		return r;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	r = hk_oci_open(p, tmp, NULL, ret, err);
	return r < 0 ? hk_err_prefix(err, "image '%s'", src) : 0;
}

int hk_push(struct hk_images *im, const char *state_dir, const char *src, const char *dest,
	    const struct hk_push_opts *o, char ret_digest[HK_DIGEST_MAX], struct hk_err *err)
{
	struct hk_regref rr, from;
	struct hk_image_row row;
	char full[700];
	int r = hk_regref_parse(dest ? dest : src, &rr, err);
	if (r == 0 && rr.digest[0])
		r = hk_err_usage(err, "push: destination '%s': a tag, not a digest",
				 dest ? dest : src);
	if (r < 0)
		return r;
	struct hk_regconf_ep eps[HK_REGCONF_MAX_EP];
	size_t neps;
	if ((r = hk_regconf_endpoints(&rr, false, eps, &neps, err)) < 0)
		return hk_err_prefix(err, "push '%s'", dest ? dest : src);
	rr = eps[0].ref; /* the configured location */
	struct hk_reg_opts ro = o->reg;
	if (ro.tls_verify < 0)
		ro.tls_verify = !eps[0].insecure;
	if ((r = hk_image_find(im, src, &row, err)) < 0)
		return r;
	hk_image_row_free(&row);
	hk_regref_full(&rr, full, sizeof(full));
	struct push p = { .o = o, .root = -1 };
	hk_regpool_init(&p.pool);
	/* the blobs of an image named after a repository of the same registry can be mounted */
	if (hk_regref_parse(src, &from, err) == 0 && !strcmp(from.domain, rr.domain) &&
	    strcmp(from.repo, rr.repo))
		snprintf(p.mount_from, sizeof(p.mount_from), "%s", from.repo);
	hk_err_clear(err);
	struct hk_http *h = NULL;
	r = open_image(im, state_dir, src, &p.img, err);
	if (r == 0 && !p.img->manifest_json)
		r = hk_err_set(err, -EINVAL, "image '%s' has no manifest", src);
	if (r == 0 && (p.root = open(p.img->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		r = hk_err_sys(err, -errno, "open '%s'", p.img->root);
	p.nlayers = r == 0 ? p.img->nlayers : 0;
	if (r == 0 && !(p.blobs = calloc(p.nlayers + 1, sizeof(*p.blobs))))
		r = hk_err_set(err, -ENOMEM, "out of memory");
	char cpath[128];
	if (r == 0) {
		snprintf(cpath, sizeof(cpath), "blobs/sha256/%s",
			 hk_digest_hex(p.img->config_digest));
		p.blobs[0] = (struct blob){ .digest = p.img->config_digest,
					    .path = cpath,
					    .size = p.img->config_len };
		for (size_t i = 0; i < p.nlayers; i++)
			p.blobs[i + 1] = (struct blob){ .digest = p.img->layers[i].digest,
							.path = p.img->layers[i].path,
							.size = p.img->layers[i].size,
							.idx = i + 1 };
		p.nblobs = p.nlayers + 1;
	}
	if (r == 0)
		r = hk_http_new(&h, err);
	if (r == 0)
		r = hk_regclient_open(&rr, true, &ro, h, &p.rc, err);
	if (r == 0)
		r = push_blobs(&p, err);
	if (r == 0)
		r = put_manifest(&p, h, rr.tag, ret_digest, err);
	if (r < 0)
		hk_err_prefix(err, "push '%s'", full);
	if (p.root >= 0)
		close(p.root);
	free(p.blobs);
	hk_oci_image_free(p.img);
	hk_regclient_close(p.rc);
	hk_http_free(h);
	hk_regpool_destroy(&p.pool);
	return r;
}
