/* SPDX-License-Identifier: MIT */
/*
 * One HTTP(S) request over libcurl: the only code that uses libcurl, which it loads with
 * dlopen() on first use (base/dl.h), so commands that never talk to a registry do not pay
 * for loading it and its TLS chain. libcurl's OpenSSL flavour (libcurl.so.4): it takes CA
 * certificates from memory (CURLOPT_CAINFO_BLOB: the system store plus a registry's own
 * CA directory), which the GnuTLS flavour of Debian 12's curl does not.
 *
 * A struct hk_http is one curl handle: keep one per thread so its connections are reused.
 */
#ifndef HK_HTTP_H
#define HK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct hk_http;

/* TLS settings of one registry. */
struct hk_http_tls {
	bool verify;  /* check the server's certificate and name */
	char *ca_pem; /* extra CAs (PEM, with the system store) or NULL */
	size_t ca_len;
	char *cert, *key; /* client certificate and key files, or NULL */
};

/* Body sink: 0 to go on, negative errno to abort the transfer (returned by
 * hk_http_do). */
typedef int (*hk_http_sink)(void *ud, const void *buf, size_t len);

struct hk_http_req {
	const char *method; /* GET (default), HEAD, PUT, POST, PATCH, DELETE */
	const char *url;
	const char *const *headers; /* "Name: value", NULL-terminated, or NULL */
	const char *auth;	    /* the Authorization header's value, or NULL */
	const void *body;	    /* request body in memory ... */
	size_t body_len;
	int body_fd; /* ... or from a file (>= 0 with body_size bytes from body_off) */
	uint64_t body_off, body_size;
	uint64_t range_from; /* > 0: "Range: bytes=N-" */
	hk_http_sink sink;   /* the response body goes here; else it is kept in resp */
	void *ud;
	size_t max_body; /* kept body limit (default 4 MiB); larger: -EFBIG */
	bool follow;	 /* follow redirects (blob downloads: registries redirect to storage) */
	const struct hk_http_tls *tls;
};

struct hk_http_resp {
	long status;
	char *body; /* kept body (NUL-terminated), NULL with a sink */
	size_t len;
	/* headers of the final response ("" when absent) */
	char www_auth[1024], location[2048], content_digest[128], content_type[256],
		content_range[128];
	int64_t content_length; /* -1 when absent */
	unsigned retry_after;	/* seconds, 0 when absent */
};

/* A new handle; -ENOENT class 3 when libcurl cannot be loaded. */
int hk_http_new(struct hk_http **ret, struct hk_err *err);
void hk_http_free(struct hk_http *h);

/* Send req, fill resp (free it with hk_http_resp_free). 0 when a response came (any
 * status); a negative errno when none did: err says why in one line (connection refused,
 * TLS failure, timeout, the sink's error...). *ret_tls (may be NULL) is set when the failure
 * was the TLS handshake or certificate. */
int hk_http_do(struct hk_http *h, const struct hk_http_req *req, struct hk_http_resp *resp,
	       bool *ret_tls, struct hk_err *err);
void hk_http_resp_free(struct hk_http_resp *resp);

/* URL-escape s (query values); malloc'd, NULL on ENOMEM. */
char *hk_http_escape(struct hk_http *h, const char *s);

#endif
