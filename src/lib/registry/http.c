// SPDX-License-Identifier: MIT
/* HTTP requests over libcurl, loaded on first use (see http.h). The only curl user. */
#define CURL_DISABLE_TYPECHECK 1
#include "http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/dl.h"

#define CURL_SONAME "libcurl.so.4"

#define CURL_SYMS(X)                                                                               \
	X(curl_global_init)                                                                        \
	X(curl_easy_init)                                                                          \
	X(curl_easy_cleanup)                                                                       \
	X(curl_easy_reset)                                                                         \
	X(curl_easy_setopt)                                                                        \
	X(curl_easy_perform)                                                                       \
	X(curl_easy_getinfo)                                                                       \
	X(curl_easy_strerror)                                                                      \
	X(curl_easy_escape)                                                                        \
	X(curl_free)                                                                               \
	X(curl_slist_append)                                                                       \
	X(curl_slist_free_all)

static struct {
#define CURL_FIELD(n) __typeof__(&n) n;
	CURL_SYMS(CURL_FIELD)
#undef CURL_FIELD
} cu;
static struct hk_dl curl_dl = HK_DL_INIT;

static void curl_load(void)
{
	struct hk_dl *dl_ = &curl_dl;
	__typeof__(cu) *tab_ = &cu;
	const char *so_ = CURL_SONAME;
	void *h_ = hk_dl_open(dl_, so_, "registries (pull, push, login)");
	if (!h_)
		return;
	CURL_SYMS(HK_DL_ONE)
	if (!dl_->code && cu.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		dl_->code = -EIO;
		snprintf(dl_->msg, sizeof(dl_->msg), "%s: global initialisation failed", so_);
	}
}

struct hk_http {
	CURL *c;
	char errbuf[CURL_ERROR_SIZE];
};

int hk_http_new(struct hk_http **ret, struct hk_err *err)
{
	pthread_once(&curl_dl.once, curl_load);
	int r = hk_dl_result(&curl_dl, err);
	if (r < 0)
		return r;
	struct hk_http *h = calloc(1, sizeof(*h));
	if (!h || !(h->c = cu.curl_easy_init())) {
		free(h);
		return hk_err_set(err, -ENOMEM, "HTTP client: out of memory");
	}
	*ret = h;
	return 0;
}

void hk_http_free(struct hk_http *h)
{
	if (!h)
		return;
	cu.curl_easy_cleanup(h->c);
	free(h);
}

void hk_http_resp_free(struct hk_http_resp *resp)
{
	free(resp->body);
	resp->body = NULL;
}

char *hk_http_escape(struct hk_http *h, const char *s)
{
	char *e = cu.curl_easy_escape(h->c, s, 0);
	char *r = e ? strdup(e) : NULL;
	cu.curl_free(e);
	return r;
}

struct xfer {
	const struct hk_http_req *req;
	struct hk_http_resp *resp;
	size_t cap;
	int sink_err;
	uint64_t sent;
};

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = sz * n;
	/* the body of a redirect or an error page is kept, not given to the sink */
	if (x->req->sink && x->resp->status >= 200 && x->resp->status < 300) {
		int r = x->req->sink(x->req->ud, p, len);
		if (r < 0) {
			x->sink_err = r;
			return 0;
		}
		return len;
	}
	size_t max = x->req->max_body ? x->req->max_body : (4U << 20);
	if (x->resp->len + len > max) {
		x->sink_err = -EFBIG;
		return 0;
	}
	if (x->resp->len + len + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 4096;
		while (cap < x->resp->len + len + 1)
			cap *= 2;
		char *b = realloc(x->resp->body, cap);
		if (!b) {
			x->sink_err = -ENOMEM;
			return 0;
		}
		x->resp->body = b;
		x->cap = cap;
	}
	memcpy(x->resp->body + x->resp->len, p, len);
	x->resp->len += len;
	x->resp->body[x->resp->len] = 0;
	return len;
}

static void header_value(const char *line, size_t n, char *out, size_t outlen)
{
	const char *v = memchr(line, ':', n);
	if (!v)
		return;
	v++;
	size_t len = n - (size_t)(v - line);
	while (len && isspace((unsigned char)*v))
		v++, len--;
	while (len && isspace((unsigned char)v[len - 1]))
		len--;
	snprintf(out, outlen, "%.*s", (int)len, v);
}

static bool header_is(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);
	return n > k && line[k] == ':' && !strncasecmp(line, name, k);
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct xfer *x = ud;
	struct hk_http_resp *r = x->resp;
	size_t len = sz * n;
	char tmp[32];
	if (len > 5 && !strncmp(p, "HTTP/", 5)) { /* a new response (after a redirect) */
		const char *sp = memchr(p, ' ', len);
		r->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		r->www_auth[0] = r->location[0] = r->content_digest[0] = 0;
		r->content_type[0] = r->content_range[0] = 0;
		r->content_length = -1;
		r->retry_after = 0;
		free(r->body);
		r->body = NULL;
		r->len = 0;
		x->cap = 0;
	} else if (header_is(p, len, "www-authenticate")) {
		if (!r->www_auth[0]) /* the first challenge (bearer comes first on Docker Hub) */
			header_value(p, len, r->www_auth, sizeof(r->www_auth));
	} else if (header_is(p, len, "location")) {
		header_value(p, len, r->location, sizeof(r->location));
	} else if (header_is(p, len, "docker-content-digest")) {
		header_value(p, len, r->content_digest, sizeof(r->content_digest));
	} else if (header_is(p, len, "content-type")) {
		header_value(p, len, r->content_type, sizeof(r->content_type));
	} else if (header_is(p, len, "content-range")) {
		header_value(p, len, r->content_range, sizeof(r->content_range));
	} else if (header_is(p, len, "content-length")) {
		header_value(p, len, tmp, sizeof(tmp));
		r->content_length = strtoll(tmp, NULL, 10);
	} else if (header_is(p, len, "retry-after")) {
		header_value(p, len, tmp, sizeof(tmp));
		unsigned long s = strtoul(tmp, NULL, 10);
		r->retry_after = s > 60 ? 60 : (unsigned)s;
	}
	return len;
}

static size_t on_read(char *p, size_t sz, size_t n, void *ud)
{
	struct xfer *x = ud;
	const struct hk_http_req *q = x->req;
	size_t want = sz * n;
	uint64_t left = q->body_fd >= 0 ? q->body_size - x->sent : q->body_len - x->sent;
	if (want > left)
		want = (size_t)left;
	if (!want)
		return 0;
	if (q->body_fd < 0) {
		memcpy(p, (const char *)q->body + x->sent, want);
	} else {
		ssize_t r = pread(q->body_fd, p, want, (off_t)(q->body_off + x->sent));
		if (r <= 0) {
			x->sink_err = r < 0 ? -errno : -EIO;
			return CURL_READFUNC_ABORT;
		}
		want = (size_t)r;
	}
	x->sent += want;
	return want;
}

static void set_tls(CURL *c, const struct hk_http_tls *t)
{
	if (!t)
		return;
	cu.curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, t->verify ? 1L : 0L);
	cu.curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, t->verify ? 2L : 0L);
	if (t->ca_pem) {
		struct curl_blob b = { .data = t->ca_pem,
				       .len = t->ca_len,
				       .flags = CURL_BLOB_NOCOPY };
		cu.curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &b);
	}
	if (t->cert && t->key) {
		cu.curl_easy_setopt(c, CURLOPT_SSLCERT, t->cert);
		cu.curl_easy_setopt(c, CURLOPT_SSLKEY, t->key);
	}
}

static bool is_tls_error(CURLcode cc)
{
	switch (cc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:
		return true;
	default:
		return false;
	}
}

/* Every option of one request on h's (reset) handle; the header list to free after it, or
 * NULL with *ret_oom set. */
static struct curl_slist *set_request(struct hk_http *h, const struct hk_http_req *req,
				      struct xfer *x, const char *m, bool *ret_oom)
{
	CURL *c = h->c;
	struct curl_slist *hl = NULL;
	cu.curl_easy_reset(c); /* keeps the connection cache */
	h->errbuf[0] = 0;
	cu.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	cu.curl_easy_setopt(c, CURLOPT_URL, req->url);
	cu.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.curl_easy_setopt(c, CURLOPT_USERAGENT, "hako");
	cu.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a stalled transfer (under 1 byte/s for 60 s) fails and is retried by the caller */
	cu.curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	cu.curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	cu.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	cu.curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	cu.curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	cu.curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
	cu.curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	cu.curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
	if (req->follow) {
		cu.curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		cu.curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	}
	set_tls(c, req->tls);
	for (const char *const *p = req->headers; p && *p; p++)
		hl = cu.curl_slist_append(hl, *p);
	if (req->auth) {
		/* libcurl sends a header set here to the first host only, never after a
		 * redirect to another host (CURLOPT_UNRESTRICTED_AUTH is off). Tokens are
		 * long (a JWT with its certificate chain: several KiB). */
		char *line = NULL;
		if (asprintf(&line, "Authorization: %s", req->auth) < 0) {
			cu.curl_slist_free_all(hl);
			*ret_oom = true;
			return NULL;
		}
		hl = cu.curl_slist_append(hl, line);
		free(line);
	}
	if (req->range_from) {
		char range[48]; /* libcurl copies option strings */
		snprintf(range, sizeof(range), "%llu-", (unsigned long long)req->range_from);
		cu.curl_easy_setopt(c, CURLOPT_RANGE, range);
	}
	bool has_body = req->body || req->body_fd >= 0;
	if (!strcmp(m, "HEAD")) {
		cu.curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (has_body) {
		cu.curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		cu.curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		cu.curl_easy_setopt(c, CURLOPT_READDATA, x);
		cu.curl_easy_setopt(
			c, CURLOPT_INFILESIZE_LARGE,
			(curl_off_t)(req->body_fd >= 0 ? req->body_size : req->body_len));
		hl = cu.curl_slist_append(hl, "Expect:");
		if (strcmp(m, "PUT"))
			cu.curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
	} else if (!strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH")) {
		cu.curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		cu.curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
		if (strcmp(m, "POST"))
			cu.curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
	} else if (strcmp(m, "GET")) {
		cu.curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m);
	}
	if (hl)
		cu.curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	return hl;
}

int hk_http_do(struct hk_http *h, const struct hk_http_req *req, struct hk_http_resp *resp,
	       bool *ret_tls, struct hk_err *err)
{
	memset(resp, 0, sizeof(*resp));
	resp->content_length = -1;
	if (ret_tls)
		*ret_tls = false;
	struct xfer x = { .req = req, .resp = resp };
	const char *m = req->method ? req->method : "GET";
	bool oom = false;
	struct curl_slist *hl = set_request(h, req, &x, m, &oom);
	if (oom)
		return hk_err_set(err, -ENOMEM, "out of memory");
	CURLcode cc = cu.curl_easy_perform(h->c);
	cu.curl_slist_free_all(hl);
	if (cc == CURLE_OK) {
		long code = 0;
		cu.curl_easy_getinfo(h->c, CURLINFO_RESPONSE_CODE, &code);
		resp->status = code;
		return 0;
	}
	if (x.sink_err)
		return hk_err_sys(err, x.sink_err, "%s %s", m, req->url);
	if (ret_tls)
		*ret_tls = is_tls_error(cc);
	int code = cc == CURLE_OPERATION_TIMEDOUT     ? -ETIMEDOUT
		   : cc == CURLE_COULDNT_CONNECT      ? -ECONNREFUSED
		   : cc == CURLE_COULDNT_RESOLVE_HOST ? -EHOSTUNREACH
						      : -EIO;
	return hk_err_set(err, code, "%s %s: %s", m, req->url,
			  h->errbuf[0] ? h->errbuf : cu.curl_easy_strerror(cc));
}
