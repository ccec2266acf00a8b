/* SPDX-License-Identifier: MIT */
/*
 * A conversation with one registry about one repository (OCI distribution spec): the
 * scheme (https; http only for a registry whose TLS is not verified and that does not
 * speak TLS, as podman), TLS (the system CA store plus the registry's certificate directory:
 * --cert-dir, else /etc/containers/certs.d/HOST:PORT/ or /etc/docker/certs.d/HOST:PORT/:
 * *.crt CAs, *.cert + *.key client certificate), authentication (the /v2/ challenge:
 * a bearer token from the realm, with the credentials when there are some, or basic), and
 * retries: 429 and 5xx answers and broken connections are retried with a growing delay
 * (Retry-After honoured, at most 10 s), a 401 once with a fresh token.
 *
 * Thread-safe: each thread passes its own struct hk_http (connections are kept per handle).
 */
#ifndef HK_REGCLIENT_H
#define HK_REGCLIENT_H

#include <stdbool.h>

#include "base/err.h"
#include "http.h"
#include "regauth.h"
#include "regref.h"

struct hk_reg_opts {
	const char *authfile;	 /* --authfile */
	const char *creds;	 /* --creds USER:PASS */
	int tls_verify;		 /* 1, 0 (--tls-verify=false), -1: the configuration's
				  * "insecure" (regconf.h), else verify */
	const char *cert_dir;	 /* --cert-dir */
	unsigned retries;	 /* attempts after the first (default 4) */
	unsigned retry_delay_ms; /* first delay (default 200) */
};

struct hk_regclient;

/* Talk to ref's registry about ref's repository; push asks for push access too. Pings
 * /v2/ and authenticates. -EACCES (class 4) for refused credentials, -ECONNREFUSED,
 * -EPROTO (TLS) ... with one line in err. */
int hk_regclient_open(const struct hk_regref *ref, bool push, const struct hk_reg_opts *o,
		      struct hk_http *h, struct hk_regclient **ret, struct hk_err *err);
void hk_regclient_close(struct hk_regclient *rc);

/* "https://host:port/v2/<repo>/<suffix>" into buf. */
void hk_regclient_url(const struct hk_regclient *rc, const char *suffix, char *buf, size_t len);
/* req->url relative ("/v2/...": the base is prepended) or absolute. Authorization is added,
 * retries done (not for req->sink: the caller resumes, see hk_regclient_retry_wait). The
 * response may be any status: hk_regclient_status() turns one into an error. */
int hk_regclient_do(struct hk_regclient *rc, struct hk_http *h, struct hk_http_req *req,
		    struct hk_http_resp *resp, struct hk_err *err);
/* Should attempt (0-based) be retried after this outcome? Sleeps the delay when so. r is
 * hk_http_do's result, resp the response when r == 0. */
bool hk_regclient_retry_wait(struct hk_regclient *rc, unsigned attempt, int r, bool tls,
			     const struct hk_http_resp *resp);
/* A response status that is not ok as an error: 401/403 -EACCES, 404 -ENOENT, 429
 * -EAGAIN, other -EIO, with the registry's own error message when it sent one. */
int hk_regclient_status(const struct hk_http_resp *resp, const char *what, struct hk_err *err);
/* A fresh token after a 401 (the response's challenge); 0 when one was obtained. */
int hk_regclient_reauth(struct hk_regclient *rc, struct hk_http *h, const struct hk_http_resp *resp,
			struct hk_err *err);
/* The Authorization value to send now (copied into buf, "" for none). */
void hk_regclient_authz(struct hk_regclient *rc, char *buf, size_t len);
const struct hk_http_tls *hk_regclient_tls(const struct hk_regclient *rc);
/* Verify credentials (login): 0 when the registry accepts them. */
int hk_regclient_login(const char *registry, const struct hk_creds *c, const struct hk_reg_opts *o,
		       struct hk_err *err);

#endif
