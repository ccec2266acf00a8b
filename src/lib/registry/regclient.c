// SPDX-License-Identifier: MIT
/* One registry, one repository: scheme, TLS, authentication, retries (see regclient.h). */
#include "regclient.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "regconf.h"

#define SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"

struct hk_regclient {
	char base[600]; /* "https://host:port" */
	char domain[256];
	char repo[256];
	bool push;
	struct hk_reg_opts o;
	struct hk_creds creds;
	struct hk_http_tls tls;
	pthread_mutex_t lock;	/* authz, gen */
	pthread_mutex_t reauth; /* one token request at a time */
	char authz[16384];	/* "Bearer ..." / "Basic ..." / "" */
	unsigned gen;		/* bumped by every new authz */
};

const struct hk_http_tls *hk_regclient_tls(const struct hk_regclient *rc)
{
	return &rc->tls;
}

void hk_regclient_close(struct hk_regclient *rc)
{
	if (!rc)
		return;
	free(rc->tls.ca_pem);
	free(rc->tls.cert);
	free(rc->tls.key);
	pthread_mutex_destroy(&rc->lock);
	pthread_mutex_destroy(&rc->reauth);
	explicit_bzero(rc, sizeof(*rc));
	free(rc);
}

static int append_file(char **buf, size_t *len, const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (st.st_size > (16 << 20))
		return -EFBIG;
	char *b = realloc(*buf, *len + (size_t)st.st_size + 2);
	if (!b)
		return -ENOMEM;
	*buf = b;
	ssize_t n = pread(fd, b + *len, (size_t)st.st_size, 0);
	if (n < 0)
		return -errno;
	*len += (size_t)n;
	b[(*len)++] = '\n';
	return 0;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a > b && !strcmp(s + a - b, suf);
}

/* The registry's certificate directory: CAs added to the system store, a client cert. */
static int load_cert_dir(struct hk_regclient *rc, struct hk_err *err)
{
	char dir[PATH_MAX];
	const char *d = rc->o.cert_dir;
	if (!d) {
		snprintf(dir, sizeof(dir), "/etc/containers/certs.d/%s", rc->domain);
		if (access(dir, F_OK) < 0)
			snprintf(dir, sizeof(dir), "/etc/docker/certs.d/%s", rc->domain);
		d = dir;
	}
	_cleanup_closedir_ DIR *dp = opendir(d);
	if (!dp) {
		if (rc->o.cert_dir)
			return hk_err_sys(err, -errno, "certificate directory '%s'", d);
		return 0;
	}
	char *pem = NULL, path[PATH_MAX * 2];
	size_t len = 0;
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s", d, de->d_name);
		if (ends_with(de->d_name, ".crt")) {
			if (!pem && access(SYSTEM_CA, R_OK) == 0)
				r = append_file(&pem, &len, SYSTEM_CA);
			if (r == 0)
				r = append_file(&pem, &len, path);
			if (r < 0)
				r = hk_err_sys(err, r, "read '%s'", path);
		} else if (ends_with(de->d_name, ".cert")) {
			char key[PATH_MAX * 2];
			snprintf(key, sizeof(key), "%.*s.key", (int)(strlen(path) - 5), path);
			if (access(key, R_OK) < 0) {
				r = hk_err_sys(err, -errno, "client certificate '%s': key '%s'",
					       path, key);
			} else {
				free(rc->tls.cert);
				free(rc->tls.key);
				rc->tls.cert = strdup(path);
				rc->tls.key = strdup(key);
			}
		}
	}
	rc->tls.ca_pem = pem;
	rc->tls.ca_len = len;
	return r;
}

void hk_regclient_url(const struct hk_regclient *rc, const char *suffix, char *buf, size_t len)
{
	snprintf(buf, len, "%s/v2/%s/%s", rc->base, rc->repo, suffix);
}

void hk_regclient_authz(struct hk_regclient *rc, char *buf, size_t len)
{
	pthread_mutex_lock(&rc->lock);
	snprintf(buf, len, "%s", rc->authz);
	pthread_mutex_unlock(&rc->lock);
}

static const char *reg_error_text(const struct hk_http_resp *resp, char *buf, size_t len)
{
	buf[0] = 0;
	if (!resp->body)
		return buf;
	json_object *o = json_tokener_parse(resp->body), *errs, *e0, *m;
	if (o && json_object_object_get_ex(o, "errors", &errs) &&
	    json_object_is_type(errs, json_type_array) && json_object_array_length(errs) > 0 &&
	    (e0 = json_object_array_get_idx(errs, 0)) &&
	    json_object_object_get_ex(e0, "message", &m)) {
		size_t n = 0;
		for (const char *s = json_object_get_string(m); s && *s && n + 1 < len; s++)
			buf[n++] = *s >= 0x20 && *s < 0x7f ? *s : '?';
		buf[n] = 0;
	}
	json_object_put(o);
	return buf;
}

int hk_regclient_status(const struct hk_http_resp *resp, const char *what, struct hk_err *err)
{
	char m[200], sep[4] = "";
	reg_error_text(resp, m, sizeof(m));
	if (m[0])
		strcpy(sep, ": ");
	switch (resp->status) {
	case 401:
		return hk_err_set(err, -EACCES, "%s: authentication required (401)%s%s", what, sep,
				  m);
	case 403:
		return hk_err_set(err, -EACCES, "%s: access denied (403)%s%s", what, sep, m);
	case 404:
		return hk_err_set(err, -ENOENT, "%s: not found (404)%s%s", what, sep, m);
	case 429:
		return hk_err_set(err, -EAGAIN,
				  "%s: too many requests (429), retries exhausted%s%s", what, sep,
				  m);
	default:
		return hk_err_set(err, -EIO, "%s: registry answered %ld%s%s", what, resp->status,
				  sep, m);
	}
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool hk_regclient_retry_wait(struct hk_regclient *rc, unsigned attempt, int r, bool tls,
			     const struct hk_http_resp *resp)
{
	if (attempt >= rc->o.retries)
		return false;
	if (r < 0 && (tls || r == -EHOSTUNREACH || r == -ECONNREFUSED))
		return false; /* no server, a TLS or a name failure: does not heal by itself */
	if (r == 0 && resp->status != 429 && resp->status < 500)
		return false;
	unsigned ms = rc->o.retry_delay_ms << attempt;
	if (r == 0 && resp->retry_after && resp->retry_after * 1000U > ms)
		ms = resp->retry_after * 1000U;
	if (ms > 10000)
		ms = 10000;
	sleep_ms(ms);
	return true;
}

static void set_authz(struct hk_regclient *rc, const char *v)
{
	pthread_mutex_lock(&rc->lock);
	snprintf(rc->authz, sizeof(rc->authz), "%s", v);
	rc->gen++;
	pthread_mutex_unlock(&rc->lock);
}

static unsigned authz_gen(struct hk_regclient *rc)
{
	pthread_mutex_lock(&rc->lock);
	unsigned g = rc->gen;
	pthread_mutex_unlock(&rc->lock);
	return g;
}

/* Answer challenge ch: a token from its realm, or basic credentials. */

/* Whether scope "TYPE:NAME:ACTIONS" (ours) already grants s: the same resource, and each of
 * s's actions among ours. A registry's challenge may list them in any order ("push,pull":
 * Docker's distribution builds it from a map), so they are compared as sets. */
static bool scope_covered(const char *ours, const char *s)
{
	const char *oa = strrchr(ours, ':'), *sa = strrchr(s, ':');
	if (!oa || !sa || oa - ours != sa - s || strncmp(ours, s, (size_t)(oa - ours)))
		return false;
	char have[256], want[256], one[258];
	snprintf(have, sizeof(have), ",%s,", oa + 1); /* ",pull,push," */
	snprintf(want, sizeof(want), "%s", sa + 1);
	for (char *save = NULL, *a = strtok_r(want, ",", &save); a;
	     a = strtok_r(NULL, ",", &save)) {
		snprintf(one, sizeof(one), ",%s,", a);
		if (!strstr(have, one))
			return false;
	}
	return true;
}

static int authenticate(struct hk_regclient *rc, struct hk_http *h, const char *www,
			struct hk_err *err)
{
	struct hk_challenge ch;
	if (hk_regauth_challenge(www, &ch) < 0)
		return hk_err_set(err, -EACCES, "%s: unsupported authentication challenge '%.80s'",
				  rc->domain, www);
	char basic[2000] = "";
	if (rc->creds.user[0])
		hk_regauth_basic(&rc->creds, basic, sizeof(basic));
	if (!strcmp(ch.scheme, "basic")) {
		if (!basic[0])
			return hk_err_set(err, -EACCES,
					  "%s: authentication required (basic); log in or "
					  "give --creds",
					  rc->domain);
		set_authz(rc, basic);
		return 0;
	}
	char scope[600], url[4096];
	if (rc->repo[0])
		snprintf(scope, sizeof(scope), "repository:%s:pull%s", rc->repo,
			 rc->push ? ",push" : "");
	else
		scope[0] = 0;
	_cleanup_free_ char *svc = hk_http_escape(h, ch.service);
	if (!svc)
		return hk_err_set(err, -ENOMEM, "out of memory");
	size_t n = (size_t)snprintf(url, sizeof(url), "%s%sservice=%s", ch.realm,
				    strchr(ch.realm, '?') ? "&" : "?", svc);
	/* our scope, and those the challenge names (a cross-repository mount needs pull on
	 * the source repository too: "repository:a:pull,push repository:b:pull") */
	char all[1200];
	snprintf(all, sizeof(all), "%s %s", scope, ch.scope);
	for (char *save = NULL, *s = strtok_r(all, " ", &save); s && n < sizeof(url);
	     s = strtok_r(NULL, " ", &save)) {
		if (s != all && scope_covered(scope, s))
			continue;
		_cleanup_free_ char *e = hk_http_escape(h, s);
		if (!e)
			return hk_err_set(err, -ENOMEM, "out of memory");
		n += (size_t)snprintf(url + n, sizeof(url) - n, "&scope=%s", e);
	}
	struct hk_http_req q = { .url = url,
				 .auth = basic[0] ? basic : NULL,
				 .body_fd = -1,
				 .tls = &rc->tls,
				 .follow = true,
				 .max_body = 1 << 20 };
	struct hk_http_resp resp;
	int r;
	for (unsigned a = 0;; a++) {
		bool tls;
		r = hk_http_do(h, &q, &resp, &tls, err);
		if (!hk_regclient_retry_wait(rc, a, r, tls, &resp))
			break;
		hk_http_resp_free(&resp);
	}
	if (r < 0)
		return hk_err_prefix(err, "token");
	if (resp.status != 200) {
		r = hk_regclient_status(&resp, "token", err);
		hk_http_resp_free(&resp);
		if (r == -EACCES && basic[0])
			hk_err_prefix(err, "%s: credentials refused", rc->domain);
		return r;
	}
	json_object *o = json_tokener_parse(resp.body ? resp.body : ""), *t;
	const char *tok = NULL;
	if (o && (json_object_object_get_ex(o, "token", &t) ||
		  json_object_object_get_ex(o, "access_token", &t)))
		tok = json_object_get_string(t);
	bool fits = tok && strlen(tok) + 8 < sizeof(rc->authz);
	if (fits) {
		_cleanup_free_ char *v = NULL;
		if (asprintf(&v, "Bearer %s", tok) < 0)
			fits = false;
		else
			set_authz(rc, v);
	}
	bool have = tok && *tok; /* tok belongs to o */
	json_object_put(o);
	hk_http_resp_free(&resp);
	if (have && !fits)
		return hk_err_set(err, -EFBIG, "token: longer than %zu bytes",
				  sizeof(rc->authz) - 8);
	return have ? 0 : hk_err_set(err, -EBADMSG, "token: no token in the answer");
}

int hk_regclient_reauth(struct hk_regclient *rc, struct hk_http *h, const struct hk_http_resp *resp,
			struct hk_err *err)
{
	if (resp->status != 401 || !resp->www_auth[0])
		return -EACCES;
	return authenticate(rc, h, resp->www_auth, err);
}

int hk_regclient_do(struct hk_regclient *rc, struct hk_http *h, struct hk_http_req *req,
		    struct hk_http_resp *resp, struct hk_err *err)
{
	char url[4096];
	_cleanup_free_ char *authz = malloc(sizeof(rc->authz));
	if (!authz)
		return hk_err_set(err, -ENOMEM, "out of memory");
	const char *orig = req->url;
	if (orig[0] == '/') {
		snprintf(url, sizeof(url), "%s%s", rc->base, orig);
		req->url = url;
	}
	req->tls = &rc->tls;
	bool reauthed = false;
	int r;
	for (unsigned a = 0;; a++) {
		bool tls;
		unsigned gen = authz_gen(rc);
		hk_regclient_authz(rc, authz, sizeof(rc->authz));
		req->auth = authz[0] ? authz : NULL;
		r = hk_http_do(h, req, resp, &tls, err);
		if (r == 0 && resp->status == 401 && !reauthed && resp->www_auth[0]) {
			reauthed = true;
			struct hk_http_resp copy = *resp;
			copy.body = NULL;
			hk_http_resp_free(resp);
			/* parallel workers hit by the same 401 ask for one token, not one each */
			pthread_mutex_lock(&rc->reauth);
			r = authz_gen(rc) != gen ? 0 : hk_regclient_reauth(rc, h, &copy, err);
			pthread_mutex_unlock(&rc->reauth);
			if (r < 0)
				break;
			continue;
		}
		if (req->sink || !hk_regclient_retry_wait(rc, a, r, tls, resp))
			break;
		hk_http_resp_free(resp);
	}
	req->url = orig;
	req->auth = NULL;
	return r;
}

static int ping(struct hk_regclient *rc, struct hk_http *h, const char *scheme, const char *host,
		struct hk_http_resp *resp, bool *ret_tls, struct hk_err *err)
{
	snprintf(rc->base, sizeof(rc->base), "%s://%s", scheme, host);
	char url[700];
	snprintf(url, sizeof(url), "%s/v2/", rc->base);
	struct hk_http_req q = { .url = url, .body_fd = -1, .tls = &rc->tls, .follow = true };
	int r;
	for (unsigned a = 0;; a++) {
		r = hk_http_do(h, &q, resp, ret_tls, err);
		if (!hk_regclient_retry_wait(rc, a, r, *ret_tls, resp))
			break;
		hk_http_resp_free(resp);
	}
	return r;
}

static int open_common(const char *domain, const char *api_host, const char *repo, bool push,
		       const struct hk_reg_opts *o, struct hk_http *h, struct hk_regclient **ret,
		       struct hk_err *err)
{
	struct hk_regclient *rc = calloc(1, sizeof(*rc));
	if (!rc)
		return hk_err_set(err, -ENOMEM, "out of memory");
	pthread_mutex_init(&rc->lock, NULL);
	pthread_mutex_init(&rc->reauth, NULL);
	rc->o = *o;
	if (!o->retry_delay_ms)
		rc->o.retry_delay_ms = 200;
	if (!o->retries)
		rc->o.retries = 4;
	snprintf(rc->domain, sizeof(rc->domain), "%s", domain);
	snprintf(rc->repo, sizeof(rc->repo), "%s", repo);
	rc->push = push;
	rc->tls.verify = o->tls_verify != 0;
	int r = 0;
	if (o->creds)
		r = hk_regauth_creds_parse(o->creds, &rc->creds, err);
	else if ((r = hk_regauth_lookup(o->authfile, domain, &rc->creds, err)) == -ENOENT)
		r = 0;
	if (r == 0)
		r = load_cert_dir(rc, err);
	struct hk_http_resp resp = { 0 };
	bool tls = false;
	if (r == 0) {
		r = ping(rc, h, "https", api_host, &resp, &tls, err);
		/* an insecure registry may speak plain HTTP (podman's fallback) */
		if (r < 0 && !rc->tls.verify && r != -EHOSTUNREACH) {
			struct hk_err e2;
			r = ping(rc, h, "http", api_host, &resp, &tls, &e2);
			if (r < 0)
				*err = e2;
		}
		if (r < 0) {
			if (tls)
				err->code = -EPROTO;
			hk_err_prefix(err, "registry '%s'%s", domain,
				      tls ? " (TLS; --tls-verify=false or --cert-dir DIR)" : "");
		}
	}
	if (r == 0 && resp.status == 401 && resp.www_auth[0])
		r = authenticate(rc, h, resp.www_auth, err);
	else if (r == 0 && resp.status != 200 && resp.status != 401)
		r = hk_regclient_status(&resp, domain, err);
	hk_http_resp_free(&resp);
	if (r < 0) {
		hk_regclient_close(rc);
		return r;
	}
	*ret = rc;
	return 0;
}

int hk_regclient_open(const struct hk_regref *ref, bool push, const struct hk_reg_opts *o,
		      struct hk_http *h, struct hk_regclient **ret, struct hk_err *err)
{
	return open_common(ref->domain, hk_regref_api_host(ref), ref->repo, push, o, h, ret, err);
}

int hk_regclient_login(const char *registry, const struct hk_creds *c, const struct hk_reg_opts *o,
		       struct hk_err *err)
{
	struct hk_http *h;
	int r = hk_http_new(&h, err);
	if (r < 0)
		return r;
	struct hk_reg_opts o2 = *o;
	struct hk_regref rr = { 0 };
	struct hk_regconf_ep eps[HK_REGCONF_MAX_EP];
	size_t neps;
	snprintf(rr.domain, sizeof(rr.domain), "%s", registry);
	if ((r = hk_regconf_endpoints(&rr, false, eps, &neps, err)) < 0) {
		hk_http_free(h);
		return r;
	}
	if (o2.tls_verify < 0)
		o2.tls_verify = !eps[0].insecure;
	char up[1400];
	snprintf(up, sizeof(up), "%s:%s", c->user, c->pass);
	o2.creds = up;
	const char *api = strcmp(registry, HK_REGREF_DOCKER) ? registry : "registry-1.docker.io";
	struct hk_regclient *rc = NULL;
	r = open_common(registry, api, "", false, &o2, h, &rc, err);
	if (r == 0) { /* basic: was it accepted? (a bearer token was given for them already) */
		struct hk_http_req q = { .url = "/v2/", .body_fd = -1, .follow = true };
		struct hk_http_resp resp;
		r = hk_regclient_do(rc, h, &q, &resp, err);
		if (r == 0 && resp.status != 200)
			r = hk_regclient_status(&resp, registry, err);
		hk_http_resp_free(&resp);
	}
	explicit_bzero(up, sizeof(up));
	hk_regclient_close(rc);
	hk_http_free(h);
	return r;
}
