// SPDX-License-Identifier: MIT
/* Registry credentials files and WWW-Authenticate challenges (see regauth.h). */
#include "regauth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "digest.h"
#include "fstree.h"
#include "regref.h"

int hk_regauth_creds_parse(const char *s, struct hk_creds *ret, struct hk_err *err)
{
	const char *colon = strchr(s, ':');
	memset(ret, 0, sizeof(*ret));
	if (!colon || colon == s)
		return hk_err_usage(err, "credentials: USER:PASS expected");
	if ((size_t)(colon - s) >= sizeof(ret->user) || strlen(colon + 1) >= sizeof(ret->pass))
		return hk_err_usage(err, "credentials: too long");
	snprintf(ret->user, sizeof(ret->user), "%.*s", (int)(colon - s), s);
	snprintf(ret->pass, sizeof(ret->pass), "%s", colon + 1);
	return 0;
}

/* The candidate files, in order; n of them. */
static size_t auth_paths(const char *authfile, char paths[5][PATH_MAX])
{
	size_t n = 0;
	const char *e;
	if (authfile) {
		snprintf(paths[n++], PATH_MAX, "%s", authfile);
		return n;
	}
	if ((e = getenv("REGISTRY_AUTH_FILE")) && *e)
		snprintf(paths[n++], PATH_MAX, "%s", e);
	if ((e = getenv("XDG_RUNTIME_DIR")) && *e)
		snprintf(paths[n++], PATH_MAX, "%s/containers/auth.json", e);
	else
		snprintf(paths[n++], PATH_MAX, "/run/containers/%u/auth.json", (unsigned)getuid());
	const char *home = getenv("HOME");
	if ((e = getenv("XDG_CONFIG_HOME")) && *e)
		snprintf(paths[n++], PATH_MAX, "%s/containers/auth.json", e);
	else if (home && *home)
		snprintf(paths[n++], PATH_MAX, "%s/.config/containers/auth.json", home);
	if ((e = getenv("DOCKER_CONFIG")) && *e)
		snprintf(paths[n++], PATH_MAX, "%s/config.json", e);
	else if (home && *home)
		snprintf(paths[n++], PATH_MAX, "%s/.docker/config.json", home);
	return n;
}

/* Parse file (absent: -ENOENT, *ret NULL). */
static int read_file_json(const char *path, json_object **ret, struct hk_err *err)
{
	*ret = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : hk_err_sys(err, -errno, "open '%s'", path);
	char buf[1 << 16];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hk_err_sys(err, -errno, "read '%s'", path);
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf) - 1)
			return hk_err_set(err, -EFBIG, "'%s': larger than 64 KiB", path);
	}
	buf[len] = 0;
	json_object *o = json_tokener_parse(buf);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return hk_err_set(err, -EBADMSG, "'%s': not a JSON object", path);
	}
	*ret = o;
	return 0;
}

static json_object *find_entry(json_object *root, const char *registry, char *key, size_t klen)
{
	json_object *auths;
	if (!json_object_object_get_ex(root, "auths", &auths) ||
	    !json_object_is_type(auths, json_type_object))
		return NULL;
	json_object_object_foreach(auths, k, v)
	{
		char norm[512];
		struct hk_err e;
		if (hk_regref_registry(k, norm, sizeof(norm), &e) == 0 && !strcmp(norm, registry)) {
			if (key)
				snprintf(key, klen, "%s", k);
			return v;
		}
	}
	return NULL;
}

int hk_regauth_lookup(const char *authfile, const char *registry, struct hk_creds *ret,
		      struct hk_err *err)
{
	char paths[5][PATH_MAX];
	size_t n = auth_paths(authfile, paths);
	memset(ret, 0, sizeof(*ret));
	for (size_t i = 0; i < n; i++) {
		json_object *root;
		int r = read_file_json(paths[i], &root, err);
		if (r == -ENOENT && !authfile)
			continue;
		if (r < 0)
			return r == -ENOENT ? hk_err_sys(err, r, "auth file '%s'", paths[i]) : r;
		json_object *e = find_entry(root, registry, NULL, 0), *a;
		const char *b64 = NULL;
		if (e && json_object_object_get_ex(e, "auth", &a))
			b64 = json_object_get_string(a);
		char dec[1400];
		int d = b64 ? hk_digest_b64_decode(b64, dec, sizeof(dec)) : -ENOENT;
		json_object_put(root);
		if (d == -ENOENT)
			continue;
		if (d < 0 || hk_regauth_creds_parse(dec, ret, err) < 0)
			return hk_err_set(err, -EBADMSG, "'%s': the entry for '%s' is not valid",
					  paths[i], registry);
		return 0;
	}
	return -ENOENT;
}

static int write_json(const char *path, json_object *root, struct hk_err *err)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 16];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		int r = hk_mkdir_p(dir, 0700);
		if (r < 0)
			return hk_err_sys(err, r, "create '%s'", dir);
	}
	snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path);
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0)
		return hk_err_sys(err, -errno, "create '%s'", tmp);
	const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
	size_t len = strlen(s);
	int r = 0;
	if (fchmod(fd, 0600) < 0 || write(fd, s, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
		r = hk_err_sys(err, errno ? -errno : -EIO, "write '%s'", tmp);
	if (r == 0 && rename(tmp, path) < 0)
		r = hk_err_sys(err, -errno, "rename '%s'", tmp);
	if (r < 0)
		unlink(tmp);
	return r;
}

int hk_regauth_store(const char *authfile, const char *registry, const struct hk_creds *c,
		     char *ret_path, size_t len, struct hk_err *err)
{
	char paths[5][PATH_MAX];
	auth_paths(authfile, paths);
	json_object *root;
	int r = read_file_json(paths[0], &root, err);
	if (r == -ENOENT)
		root = json_object_new_object();
	else if (r < 0)
		return r;
	json_object *auths;
	if (!json_object_object_get_ex(root, "auths", &auths) ||
	    !json_object_is_type(auths, json_type_object)) {
		auths = json_object_new_object();
		json_object_object_add(root, "auths", auths);
	}
	char key[512];
	if (find_entry(root, registry, key, sizeof(key)))
		json_object_object_del(auths, key);
	char up[1400], b64[2000];
	snprintf(up, sizeof(up), "%s:%s", c->user, c->pass);
	hk_digest_b64_encode(up, strlen(up), b64, sizeof(b64));
	json_object *e = json_object_new_object();
	json_object_object_add(e, "auth", json_object_new_string(b64));
	json_object_object_add(auths, registry, e);
	r = write_json(paths[0], root, err);
	json_object_put(root);
	if (ret_path)
		snprintf(ret_path, len, "%s", paths[0]);
	return r;
}

int hk_regauth_remove(const char *authfile, const char *registry, struct hk_err *err)
{
	char paths[5][PATH_MAX];
	auth_paths(authfile, paths);
	json_object *root, *auths;
	int r = read_file_json(paths[0], &root, err);
	if (r < 0)
		return r == -ENOENT ? hk_err_set(err, r, "not logged in to '%s'", registry) : r;
	char key[512];
	if (!find_entry(root, registry, key, sizeof(key))) {
		json_object_put(root);
		return hk_err_set(err, -ENOENT, "not logged in to '%s'", registry);
	}
	json_object_object_get_ex(root, "auths", &auths);
	json_object_object_del(auths, key);
	r = write_json(paths[0], root, err);
	json_object_put(root);
	return r;
}

/* One auth-param: name=token or name="quoted string"; advances *p. */
static bool param(const char **p, char *name, size_t nlen, char *val, size_t vlen)
{
	const char *s = *p;
	while (*s == ' ' || *s == ',' || *s == '\t')
		s++;
	size_t n = 0;
	while (*s && *s != '=' && *s != ' ' && *s != ',') {
		if (n + 1 < nlen)
			name[n++] = (char)tolower((unsigned char)*s);
		s++;
	}
	name[n] = 0;
	if (*s != '=' || !n)
		return false;
	s++;
	n = 0;
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			if (n + 1 < vlen)
				val[n++] = *s;
		}
		if (*s == '"')
			s++;
	} else {
		for (; *s && *s != ',' && *s != ' '; s++)
			if (n + 1 < vlen)
				val[n++] = *s;
	}
	val[n] = 0;
	*p = s;
	return true;
}

int hk_regauth_challenge(const char *hdr, struct hk_challenge *ret)
{
	memset(ret, 0, sizeof(*ret));
	size_t n = strcspn(hdr, " ");
	if (n == 6 && !strncasecmp(hdr, "bearer", 6))
		strcpy(ret->scheme, "bearer");
	else if (n == 5 && !strncasecmp(hdr, "basic", 5))
		strcpy(ret->scheme, "basic");
	else
		return -EINVAL;
	const char *p = hdr + n;
	char name[32], val[1024];
	while (param(&p, name, sizeof(name), val, sizeof(val))) {
		if (!strcmp(name, "realm"))
			snprintf(ret->realm, sizeof(ret->realm), "%.*s",
				 (int)sizeof(ret->realm) - 1, val);
		else if (!strcmp(name, "service"))
			snprintf(ret->service, sizeof(ret->service), "%.*s",
				 (int)sizeof(ret->service) - 1, val);
		else if (!strcmp(name, "scope"))
			snprintf(ret->scope, sizeof(ret->scope), "%.*s",
				 (int)sizeof(ret->scope) - 1, val);
	}
	if (!strcmp(ret->scheme, "bearer") && !ret->realm[0])
		return -EINVAL;
	return 0;
}

int hk_regauth_basic(const struct hk_creds *c, char *out, size_t len)
{
	char up[1400];
	snprintf(up, sizeof(up), "%s:%s", c->user, c->pass);
	if (len < 7)
		return -ENOSPC;
	strcpy(out, "Basic ");
	return hk_digest_b64_encode(up, strlen(up), out + 6, len - 6);
}
