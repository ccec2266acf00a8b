/* SPDX-License-Identifier: MIT */
/*
 * Registry credentials and challenges:
 *
 *  - the credential files of containers/image and Docker, read in podman's order: --authfile
 *    (only it), else $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json (root:
 *    /run/containers/0/auth.json), $XDG_CONFIG_HOME/containers/auth.json,
 *    $DOCKER_CONFIG/config.json or ~/.docker/config.json. Entries are
 *    {"auths": {"HOST[:PORT]": {"auth": base64("USER:PASS")}}}; keys written as URLs
 *    ("https://index.docker.io/v1/") match too. Credential helpers are not run.
 *  - login writes the first of those paths (mode 0600, replaced atomically, other entries
 *    kept); logout removes the entry.
 *  - WWW-Authenticate challenges (RFC 7235): Bearer realm/service/scope, Basic.
 */
#ifndef HK_REGAUTH_H
#define HK_REGAUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

struct hk_creds {
	char user[256]; /* "" when none */
	char pass[1024];
};

/* "USER:PASS" (--creds); usage error when there is no ':' or no user. */
int hk_regauth_creds_parse(const char *s, struct hk_creds *ret, struct hk_err *err);
/* Credentials for registry ("host:port"): 0 found, -ENOENT none, other errors when a file
 * cannot be read or parsed (err names it). */
int hk_regauth_lookup(const char *authfile, const char *registry, struct hk_creds *ret,
		      struct hk_err *err);
/* Record (login) or remove (logout: -ENOENT when there was no entry) registry's entry;
 * ret_path (may be NULL) gets the file used. */
int hk_regauth_store(const char *authfile, const char *registry, const struct hk_creds *c,
		     char *ret_path, size_t len, struct hk_err *err);
int hk_regauth_remove(const char *authfile, const char *registry, struct hk_err *err);

struct hk_challenge {
	char scheme[16]; /* "bearer" or "basic" (lower case), "" when none */
	char realm[1024];
	char service[256];
	char scope[512];
};

/* Parse a WWW-Authenticate value; -EINVAL when it is not one we know. */
int hk_regauth_challenge(const char *hdr, struct hk_challenge *ret);
/* "Basic base64(user:pass)" into out. */
int hk_regauth_basic(const struct hk_creds *c, char *out, size_t len);

#endif
