// SPDX-License-Identifier: MIT
/* Pull an image from a registry (see pull.h). */
#include "pull.h"
#include "regpool.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "blobstore.h"
#include "fstree.h"
#include "layerstore.h"
#include "manifest.h"
#include "regconf.h"
#include "regref.h"

struct pull {
	struct hk_regclient *rc;
	struct hk_blobstore *bs;
	struct hk_layerstore *ls;
	struct hk_image_config config; /* its diff_ids: each layer unpacked as it arrives */
	const struct hk_pull_opts *o;
	struct hk_regpool pool; /* the blob workers; its lock around progress calls */
	size_t nlayers;
	/* work list for the workers */
	const struct hk_desc **todo;
	size_t *todo_idx;
	size_t ntodo;
};

static void emit(struct pull *p, enum hk_pull_ev kind, size_t idx, const char *digest,
		 uint64_t done, uint64_t total, const char *msg)
{
	if (!p->o->progress)
		return;
	struct hk_pull_event ev = { .kind = kind,
				    .idx = idx,
				    .n = p->nlayers,
				    .digest = digest,
				    .done = done,
				    .total = total,
				    .msg = msg };
	pthread_mutex_lock(&p->pool.lock);
	p->o->progress(p->o->ud, &ev);
	pthread_mutex_unlock(&p->pool.lock);
}

/* ---- one blob: streamed, hashed, resumed, linked in when it matches ---- */

struct sink {
	struct pull *p;
	const struct hk_desc *d;
	size_t idx;
	int fd;
	struct hk_sha256 h;
	uint64_t got, last;
	bool ranged; /* asked for a range: a 200 answer restarts from 0 */
	struct hk_http_resp *resp;
};

static int sink_write(void *ud, const void *buf, size_t len)
{
	struct sink *s = ud;
	if (hk_regpool_failed(&s->p->pool))
		return -ECANCELED;
	if (s->ranged && s->resp->status == 200) { /* the server ignored Range */
		s->ranged = false;
		s->got = 0;
		hk_sha256_init(&s->h);
		if (ftruncate(s->fd, 0) < 0)
			return -errno;
	}
	s->ranged = false;
	if (s->got + len > s->d->size)
		return -EFBIG;
	for (size_t o = 0; o < len;) {
		ssize_t w = pwrite(s->fd, (const char *)buf + o, len - o, (off_t)(s->got + o));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		o += (size_t)w;
	}
	hk_sha256_update(&s->h, buf, len);
	s->got += len;
	if (s->got - s->last >= (256 << 10) || s->got == s->d->size) {
		s->last = s->got;
		emit(s->p, HK_PULL_PROGRESS, s->idx, s->d->digest, s->got, s->d->size, NULL);
	}
	return 0;
}

static int fetch_blob(struct pull *p, struct hk_http *h, const struct hk_desc *d, size_t idx,
		      struct hk_err *err)
{
	if (hk_blobstore_has(p->bs, d->digest)) {
		emit(p, HK_PULL_EXISTS, idx, d->digest, d->size, d->size, NULL);
		return 0;
	}
	char url[1024], what[120];
	hk_regclient_url(p->rc, "blobs/", url, sizeof(url));
	strncat(url, d->digest, sizeof(url) - strlen(url) - 1);
	snprintf(what, sizeof(what), "%s %.19s", idx ? "layer" : "config", d->digest);
	if (idx)
		snprintf(what, sizeof(what), "layer %zu (%.19s)", idx, d->digest);
	_cleanup_close_ int fd = hk_blobstore_tmp(p->bs, err);
	if (fd < 0)
		return fd;
	struct hk_http_resp resp = { 0 };
	struct sink s = { .p = p, .d = d, .idx = idx, .fd = fd, .resp = &resp };
	hk_sha256_init(&s.h);
	emit(p, HK_PULL_START, idx, d->digest, 0, d->size, NULL);
	int r;
	for (unsigned a = 0;; a++) {
		struct hk_http_req q = { .url = url,
					 .body_fd = -1,
					 .follow = true,
					 .sink = sink_write,
					 .ud = &s,
					 .range_from = s.got,
					 .max_body = 1 << 20 };
		s.ranged = s.got > 0;
		r = hk_regclient_do(p->rc, h, &q, &resp, err);
		bool done = r == 0 && (resp.status == 200 || resp.status == 206);
		if (done && s.got == d->size)
			break;
		if (r == -EFBIG || r == -ECANCELED || (r < 0 && err->code == -EFBIG)) {
			if (r != -ECANCELED)
				r = hk_err_set(err, -EBADMSG,
					       "%s: larger than the %llu bytes its descriptor says",
					       what, (unsigned long long)d->size);
			break;
		}
		if (done) /* ended early without an error: resume */
			r = -EPIPE;
		if (r == 0 && resp.status == 416 && s.got) {
			r = hk_err_set(err, -EBADMSG,
				       "%s: the registry has %llu bytes, its descriptor says %llu",
				       what, (unsigned long long)s.got,
				       (unsigned long long)d->size);
			break;
		}
		if (r == 0 && resp.status >= 300 && resp.status != 429 && resp.status < 500) {
			r = hk_regclient_status(&resp, what, err);
			break;
		}
		if (!hk_regclient_retry_wait(p->rc, a, r, false, &resp)) {
			if (r == 0)
				r = hk_regclient_status(&resp, what, err);
			else if (r == -EPIPE)
				r = hk_err_set(err, -EIO,
					       "%s: connection ended at %llu of %llu bytes", what,
					       (unsigned long long)s.got,
					       (unsigned long long)d->size);
			else
				hk_err_prefix(err, "%s", what);
			break;
		}
		char why[600];
		snprintf(why, sizeof(why), "%s",
			 r == 0	       ? "server busy"
			 : r == -EPIPE ? "connection ended early"
				       : err->msg);
		emit(p, HK_PULL_RETRY, idx, d->digest, s.got, d->size, why);
		hk_http_resp_free(&resp);
	}
	hk_http_resp_free(&resp);
	if (r < 0)
		return r;
	char got[HK_DIGEST_MAX];
	hk_sha256_final(&s.h, got);
	if (!hk_digest_eq(got, d->digest))
		return hk_err_set(err, -EBADMSG, "%s: digest mismatch: expected %s, got %s", what,
				  d->digest, got);
	r = hk_blobstore_link(p->bs, fd, d->digest, err);
	if (r == 0 && idx == 0)
		emit(p, HK_PULL_DONE, idx, d->digest, d->size, d->size, NULL);
	return r;
}

/* Layer idx (1-based) from its stored blob into the layer store, checked against the
 * config's diff_id, now rather than after every download: layers unpack in parallel and
 * while others download. hk_image_load then finds them stored and does not read them. */
static int unpack(struct pull *p, const struct hk_desc *d, size_t idx, struct hk_err *err)
{
	if (idx - 1 >= p->config.ndiff_ids)
		return hk_err_set(err, -EBADMSG, "the config lists %zu diff_ids, the manifest more",
				  p->config.ndiff_ids);
	_cleanup_close_ int fd =
		openat(hk_blobstore_dirfd(p->bs), hk_digest_hex(d->digest), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hk_err_sys(err, -errno, "layer %zu: open blob %s", idx, d->digest);
	struct hk_extract_opts eo = { .expect_digest = d->digest,
				      .expect_size = d->size,
				      .expect_diff_id = p->config.diff_ids[idx - 1] };
	struct hk_extract_result res;
	char name[64], id[HK_DIGEST_MAX];
	snprintf(name, sizeof(name), "layer %zu", idx);
	int r = hk_layerstore_import_fd(p->ls, fd, name, &eo, id, &res, err);
	if (r >= 0)
		emit(p, HK_PULL_DONE, idx, d->digest, d->size, d->size, NULL);
	return r < 0 ? r : 0;
}

static int pull_task(void *ud, struct hk_http *h, size_t i, struct hk_err *err)
{
	struct pull *p = ud;
	int r = fetch_blob(p, h, p->todo[i], p->todo_idx[i], err);
	return r < 0 ? r : unpack(p, p->todo[i], p->todo_idx[i], err);
}

static int fetch_layers(struct pull *p, const struct hk_manifest *m, struct hk_err *err)
{
	p->todo = calloc(m->ndescs + 1, sizeof(*p->todo));
	p->todo_idx = calloc(m->ndescs + 1, sizeof(*p->todo_idx));
	if (!p->todo || !p->todo_idx)
		return hk_err_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < m->ndescs; i++) {
		bool dup = false; /* one blob named twice is fetched once */
		for (size_t j = 0; j < p->ntodo; j++)
			dup |= hk_digest_eq(p->todo[j]->digest, m->descs[i].digest);
		if (dup)
			continue;
		p->todo[p->ntodo] = &m->descs[i];
		p->todo_idx[p->ntodo++] = i + 1;
	}
	return hk_regpool_run(&p->pool, p->o->parallel, p->ntodo, pull_task, p, err);
}

static int read_config(struct pull *p, const struct hk_desc *d, struct hk_err *err)
{
	_cleanup_close_ int fd =
		openat(hk_blobstore_dirfd(p->bs), hk_digest_hex(d->digest), O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = malloc(d->size + 1);
	if (fd < 0 || !buf)
		return hk_err_sys(err, fd < 0 ? -errno : -ENOMEM, "config %s", d->digest);
	ssize_t n = pread(fd, buf, d->size, 0);
	if (n != (ssize_t)d->size)
		return hk_err_sys(err, n < 0 ? -errno : -EIO, "config %s: read", d->digest);
	buf[n] = 0;
	int r = hk_image_config_parse(buf, (size_t)n, &p->config, err);
	return r < 0 ? hk_err_prefix(err, "config %s", d->digest) : 0;
}

/* ---- the manifest ---- */

static int get_manifest(struct pull *p, struct hk_http *h, const char *reference,
			const char *want_digest, uint64_t want_size, char **ret, size_t *ret_len,
			char *ret_ct, char ret_digest[HK_DIGEST_MAX], struct hk_err *err)
{
	char url[1024], suffix[400];
	snprintf(suffix, sizeof(suffix), "manifests/%s", reference);
	hk_regclient_url(p->rc, suffix, url, sizeof(url));
	const char *hdrs[] = { HK_MANIFEST_ACCEPT, NULL };
	struct hk_http_req q = {
		.url = url, .headers = hdrs, .body_fd = -1, .follow = true, .max_body = 4 << 20
	};
	struct hk_http_resp resp;
	int r = hk_regclient_do(p->rc, h, &q, &resp, err);
	if (r < 0)
		return hk_err_prefix(err, "manifest %s", reference);
	if (resp.status != 200) {
		r = hk_regclient_status(&resp, "manifest", err);
		hk_http_resp_free(&resp);
		return r;
	}
	char got[HK_DIGEST_MAX];
	hk_digest_buf(resp.body ? resp.body : "", resp.len, got);
	struct hk_err e2;
	if (want_digest && !hk_digest_eq(got, want_digest))
		r = hk_err_set(err, -EBADMSG, "manifest: digest mismatch: asked for %s, got %s",
			       want_digest, got);
	else if (want_digest && want_size && resp.len != want_size)
		r = hk_err_set(err, -EBADMSG, "manifest %s: %zu bytes, the index says %llu",
			       want_digest, resp.len, (unsigned long long)want_size);
	else if (!want_digest && hk_digest_check(resp.content_digest, &e2) == 0 &&
		 !hk_digest_eq(got, resp.content_digest))
		r = hk_err_set(err, -EBADMSG,
			       "manifest: digest mismatch: the registry says %s, got %s",
			       resp.content_digest, got);
	if (r < 0) {
		hk_http_resp_free(&resp);
		return r;
	}
	snprintf(ret_ct, 128, "%.127s", resp.content_type);
	snprintf(ret_digest, HK_DIGEST_MAX, "%s", got);
	*ret = resp.body ? resp.body : strdup("");
	*ret_len = resp.len;
	return *ret ? 0 : hk_err_set(err, -ENOMEM, "out of memory");
}

static bool head_uptodate(struct pull *p, struct hk_images *im, struct hk_http *h, const char *tag,
			  const char *name, char ret_id[HK_DIGEST_MAX])
{
	char url[1024], suffix[400];
	snprintf(suffix, sizeof(suffix), "manifests/%s", tag);
	hk_regclient_url(p->rc, suffix, url, sizeof(url));
	const char *hdrs[] = { HK_MANIFEST_ACCEPT, NULL };
	struct hk_http_req q = {
		.method = "HEAD", .url = url, .headers = hdrs, .body_fd = -1, .follow = true
	};
	struct hk_http_resp resp;
	struct hk_err e;
	bool yes = hk_regclient_do(p->rc, h, &q, &resp, &e) == 0 && resp.status == 200 &&
		   hk_digest_check(resp.content_digest, &e) == 0 &&
		   hk_image_has_manifest(im, name, resp.content_digest, ret_id) == 1;
	hk_http_resp_free(&resp);
	return yes;
}

/* ---- the OCI layout handed to hk_image_load ---- */

static int stage_link(struct hk_blobstore *bs, int dir, const char *digest, struct hk_err *err)
{
	const char *hex = hk_digest_hex(digest);
	if (linkat(hk_blobstore_dirfd(bs), hex, dir, hex, 0) < 0 && errno != EEXIST)
		return hk_err_sys(err, -errno, "stage blob %s", digest);
	return 0;
}

static int write_at(int dir, const char *name, const char *s, struct hk_err *err)
{
	_cleanup_close_ int fd =
		openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	size_t n = strlen(s);
	if (fd < 0 || write(fd, s, n) != (ssize_t)n)
		return hk_err_sys(err, fd < 0 ? -errno : -EIO, "stage '%s'", name);
	return 0;
}

static int stage(struct pull *p, int root, const struct hk_manifest *m, const char *mdigest,
		 size_t mlen, const char *name, struct hk_err *err)
{
	if (mkdirat(root, "blobs", 0755) < 0 || mkdirat(root, "blobs/sha256", 0755) < 0)
		return hk_err_sys(err, -errno, "stage layout");
	_cleanup_close_ int b = openat(root, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b < 0)
		return hk_err_sys(err, -errno, "stage layout");
	int r = stage_link(p->bs, b, mdigest, err);
	if (r == 0)
		r = stage_link(p->bs, b, m->config.digest, err);
	for (size_t i = 0; r == 0 && i < m->ndescs; i++)
		r = stage_link(p->bs, b, m->descs[i].digest, err);
	if (r == 0)
		r = write_at(root, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", err);
	if (r < 0)
		return r;
	json_object *idx = json_object_new_object(), *arr = json_object_new_array(),
		    *d = json_object_new_object();
	json_object_object_add(idx, "schemaVersion", json_object_new_int(2));
	json_object_object_add(d, "mediaType", json_object_new_string(m->media_type));
	json_object_object_add(d, "digest", json_object_new_string(mdigest));
	json_object_object_add(d, "size", json_object_new_int64((int64_t)mlen));
	if (name && *name) {
		json_object *an = json_object_new_object();
		json_object_object_add(an, "org.opencontainers.image.ref.name",
				       json_object_new_string(name));
		json_object_object_add(d, "annotations", an);
	}
	json_object_array_add(arr, d);
	json_object_object_add(idx, "manifests", arr);
	r = write_at(root, "index.json", json_object_to_json_string(idx), err);
	json_object_put(idx);
	return r;
}

static int record(struct pull *p, struct hk_images *im, const char *state_dir,
		  const struct hk_manifest *m, const char *mdigest, size_t mlen, const char *name,
		  char ret_id[HK_DIGEST_MAX], struct hk_err *err)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/layers/tmp/pull-XXXXXX", state_dir);
	if (!mkdtemp(dir))
		return hk_err_sys(err, -errno, "create a directory in '%s/layers/tmp'", state_dir);
	/* flock'ed: tells hk_layerstore_clean (prune) the directory is live */
	_cleanup_close_ int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = root < 0 || flock(root, LOCK_EX) < 0 ? hk_err_sys(err, -errno, "open '%s'", dir)
						     : 0;
	if (r == 0)
		r = stage(p, root, m, mdigest, mlen, name, err);
	if (r == 0) {
		emit(p, HK_PULL_UNPACK, 0, mdigest, 0, 0, NULL);
		struct hk_image_opts io = { .tag = name && *name ? name : NULL };
		r = hk_image_load(im, dir, &io, ret_id, err);
		char *e = r < 0 && !strncmp(err->msg, "load '", 6) ? strstr(err->msg, "': ") : NULL;
		if (e) /* "load '/var/lib/...': ": the staging path tells the user nothing */
			memmove(err->msg, e + 3, strlen(e + 3) + 1);
	}
	hk_rm_rf_at(AT_FDCWD, dir);
	return r;
}

/* rr's image manifest (an index resolved to this platform's entry): parsed into m, its
 * bytes in *ret_body, its digest in mdigest. */
static int resolve(struct pull *p, struct hk_http *h, const struct hk_regref *rr,
		   struct hk_manifest *m, char **ret_body, size_t *ret_len,
		   char mdigest[HK_DIGEST_MAX], struct hk_err *err)
{
	char ct[128], want[HK_DIGEST_MAX];
	struct hk_manifest idx = { 0 };
	size_t i;
	int r = get_manifest(p, h, hk_regref_reference(rr), rr->digest[0] ? rr->digest : NULL, 0,
			     ret_body, ret_len, ct, mdigest, err);
	if (r == 0)
		r = hk_manifest_parse(*ret_body, *ret_len, ct, m, err);
	if (r < 0 || !m->index)
		return r;
	idx = *m;
	memset(m, 0, sizeof(*m));
	r = hk_manifest_pick(&idx, "linux", p->o->arch, p->o->variant, &i, err);
	if (r == 0) {
		snprintf(want, sizeof(want), "%s", idx.descs[i].digest);
		free(*ret_body);
		*ret_body = NULL;
		r = get_manifest(p, h, want, want, idx.descs[i].size, ret_body, ret_len, ct,
				 mdigest, err);
	}
	if (r == 0)
		r = hk_manifest_parse(*ret_body, *ret_len, ct, m, err);
	if (r == 0 && m->index)
		r = hk_err_set(err, -EBADMSG, "index entry %s is an index itself", want);
	hk_manifest_free(&idx);
	return r;
}

/* One attempt at endpoint rr (a mirror or the registry itself); name: the local name. */
static int pull_from(struct hk_images *im, const char *state_dir, const struct hk_regref *rr,
		     const struct hk_reg_opts *ro, const char *name, const struct hk_pull_opts *o,
		     char ret_id[HK_DIGEST_MAX], bool *ret_uptodate, struct hk_err *err)
{
	char full[700];
	hk_regref_full(rr, full, sizeof(full));
	struct pull p = { .o = o };
	hk_regpool_init(&p.pool);
	struct hk_http *h = NULL;
	struct hk_manifest m = { 0 };
	_cleanup_free_ char *body = NULL;
	size_t blen = 0;
	char mdigest[HK_DIGEST_MAX];
	int r = hk_blobstore_open(state_dir, &p.bs, err);
	if (r == 0)
		r = hk_http_new(&h, err);
	if (r == 0)
		r = hk_regclient_open(rr, false, ro, h, &p.rc, err);
	/* a HEAD first when the name is stored: the registry's digest for the tag may be the
	 * manifest the name holds (Docker Hub does not count HEADs against its pull limit) */
	if (r == 0 && name[0] && !rr->digest[0] &&
	    head_uptodate(&p, im, h, rr->tag, name, ret_id)) {
		*ret_uptodate = true;
		goto out;
	}
	if (r == 0)
		r = resolve(&p, h, rr, &m, &body, &blen, mdigest, err);
	if (r == 0) {
		p.nlayers = m.ndescs;
		emit(&p, HK_PULL_RESOLVED, 0, mdigest, 0, 0, full);
	}
	/* the name already holds this very manifest: nothing to fetch or record */
	if (r == 0 && name[0] && hk_image_has_manifest(im, name, mdigest, ret_id)) {
		*ret_uptodate = true;
		goto out;
	}
	if (r == 0) {
		char d[HK_DIGEST_MAX];
		r = hk_blobstore_put(p.bs, body, blen, d, err);
	}
	if (r == 0) {
		if (m.config.size > (4U << 20))
			r = hk_err_set(err, -EFBIG, "config %s: larger than 4 MiB",
				       m.config.digest);
		else
			r = fetch_blob(&p, h, &m.config, 0, err);
	}
	if (r == 0)
		r = read_config(&p, &m.config, err);
	if (r == 0)
		r = hk_layerstore_open(state_dir, &p.ls, err);
	if (r == 0)
		r = fetch_layers(&p, &m, err);
	if (r == 0)
		r = record(&p, im, state_dir, &m, mdigest, blen, name, ret_id, err);
	if (r < 0)
		hk_err_prefix(err, "pull '%s'", full);
out:
	hk_manifest_free(&m);
	free(p.todo);
	free(p.todo_idx);
	hk_regclient_close(p.rc);
	hk_http_free(h);
	hk_blobstore_close(p.bs);
	hk_layerstore_close(p.ls);
	hk_image_config_free(&p.config);
	hk_regpool_destroy(&p.pool);
	return r;
}

int hk_pull(struct hk_images *im, const char *state_dir, const char *ref,
	    const struct hk_pull_opts *o, char ret_id[HK_DIGEST_MAX], char *ret_name, size_t len,
	    struct hk_err *err)
{
	struct hk_regref rr;
	struct hk_regconf_ep eps[HK_REGCONF_MAX_EP];
	size_t neps;
	char name[HK_IMAGE_REF_MAX];
	int r = hk_regref_parse(ref, &rr, err);
	if (r < 0)
		return r;
	if (!hk_regref_local(&rr, name, sizeof(name)))
		return hk_err_usage(err, "reference '%s': name too long", ref);
	if ((r = hk_regconf_endpoints(&rr, true, eps, &neps, err)) < 0)
		return hk_err_prefix(err, "pull '%s'", ref);
	_cleanup_close_ int lock = hk_images_lock(state_dir, false, err);
	if (lock < 0)
		return lock;
	/* mirrors first, then the registry; a mirror's failure is reported and the next one
	 * tried (blobs it delivered stay: they are checked and content-addressed) */
	for (size_t i = 0; i < neps; i++) {
		struct hk_reg_opts ro = o->reg;
		if (ro.tls_verify < 0)
			ro.tls_verify = !eps[i].insecure;
		bool uptodate = false;
		r = pull_from(im, state_dir, &eps[i].ref, &ro, name, o, ret_id, &uptodate, err);
		if (r == 0 && uptodate) {
			struct pull p = { .o = o };
			hk_regpool_init(&p.pool);
			emit(&p, HK_PULL_UPTODATE, 0, NULL, 0, 0, name);
			hk_regpool_destroy(&p.pool);
		}
		if (r == 0) {
			if (ret_name)
				snprintf(ret_name, len, "%s", name);
			return 0;
		}
		if (!eps[i].mirror || i + 1 == neps || err->cls == HK_ERR_USAGE)
			break;
		if (o->progress) {
			struct hk_pull_event ev = { .kind = HK_PULL_MIRROR_FAILED,
						    .msg = err->msg };
			o->progress(o->ud, &ev);
		}
	}
	return r;
}
