// SPDX-License-Identifier: MIT
/* Registry references (see regref.h). */
#include "regref.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image.h"

/* ref for a message: printable ASCII only, at most 80 characters. */
static const char *shown(const char *s, char buf[88])
{
	size_t i;
	for (i = 0; s[i] && i < 80; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	strcpy(buf + i, s[i] ? "..." : "");
	return buf;
}

static bool is_domain(const char *s, size_t n)
{
	return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && !memcmp(s, "localhost", 9));
}

int hk_regref_parse(const char *s, struct hk_regref *ret, struct hk_err *err)
{
	char b[88], name[HK_IMAGE_REF_MAX], norm[HK_IMAGE_REF_MAX];
	memset(ret, 0, sizeof(*ret));
	const char *at = strchr(s, '@');
	size_t nlen = at ? (size_t)(at - s) : strlen(s);
	if (nlen == 0 || nlen >= sizeof(name))
		return hk_err_usage(err, "invalid reference '%s': %s", shown(s, b),
				    nlen ? "too long" : "no name");
	if (at) {
		struct hk_err e2;
		if (hk_digest_check(at + 1, &e2) < 0)
			return hk_err_usage(err, "invalid reference '%s': %s", shown(s, b), e2.msg);
		snprintf(ret->digest, sizeof(ret->digest), "%s", at + 1);
	}
	memcpy(name, s, nlen);
	name[nlen] = 0;
	const char *slash = strrchr(name, '/'), *colon = strrchr(name, ':');
	bool has_tag = colon && (!slash || colon > slash);
	if (hk_image_ref_normalize(name, norm, sizeof(norm), err) < 0)
		return hk_err_prefix(err, "reference '%s'", shown(s, b));
	/* norm is NAME:TAG */
	char *tag = strrchr(norm, ':');
	if (!tag)
		return hk_err_usage(err, "invalid reference '%s'", shown(s, b));
	*tag++ = 0;
	if (has_tag || !at)
		snprintf(ret->tag, sizeof(ret->tag), "%s", tag);
	const char *first_slash = strchr(norm, '/');
	const char *path = norm;
	if (first_slash && is_domain(norm, (size_t)(first_slash - norm))) {
		snprintf(ret->domain, sizeof(ret->domain), "%.*s", (int)(first_slash - norm), norm);
		path = first_slash + 1;
	} else {
		snprintf(ret->domain, sizeof(ret->domain), "%s", HK_REGREF_DOCKER);
	}
	if (!strcmp(ret->domain, "index.docker.io"))
		memcpy(ret->domain, HK_REGREF_DOCKER, sizeof(HK_REGREF_DOCKER));
	bool lib = !strcmp(ret->domain, HK_REGREF_DOCKER) && !strchr(path, '/');
	if ((size_t)snprintf(ret->repo, sizeof(ret->repo), "%s%s", lib ? "library/" : "", path) >=
	    sizeof(ret->repo))
		return hk_err_usage(err, "invalid reference '%s': name too long", shown(s, b));
	return 0;
}

void hk_regref_full(const struct hk_regref *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s%s%s%s%s", r->domain, r->repo, r->tag[0] ? ":" : "", r->tag,
		 r->digest[0] ? "@" : "", r->digest);
}

bool hk_regref_local(const struct hk_regref *r, char *buf, size_t len)
{
	if (!r->tag[0]) {
		if (len)
			buf[0] = 0;
		return true;
	}
	const char *repo = r->repo;
	int n;
	if (!strcmp(r->domain, HK_REGREF_DOCKER)) {
		if (!strncmp(repo, "library/", 8) && !strchr(repo + 8, '/'))
			repo += 8;
		n = snprintf(buf, len, "%s:%s", repo, r->tag);
	} else {
		n = snprintf(buf, len, "%s/%s:%s", r->domain, repo, r->tag);
	}
	return n >= 0 && (size_t)n < len;
}

const char *hk_regref_api_host(const struct hk_regref *r)
{
	return strcmp(r->domain, HK_REGREF_DOCKER) ? r->domain : "registry-1.docker.io";
}

const char *hk_regref_reference(const struct hk_regref *r)
{
	return r->digest[0] ? r->digest : r->tag;
}

int hk_regref_registry(const char *s, char *out, size_t len, struct hk_err *err)
{
	char b[88];
	const char *p = s;
	if (!strncmp(p, "https://", 8))
		p += 8;
	else if (!strncmp(p, "http://", 7))
		p += 7;
	size_t n = strcspn(p, "/");
	if (n == 0 || n >= len)
		return hk_err_usage(err, "invalid registry '%s'", shown(s, b));
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr(".-:[]", c)))
			return hk_err_usage(err,
					    "invalid registry '%s' (HOST or HOST:PORT expected)",
					    shown(s, b));
	}
	snprintf(out, len, "%.*s", (int)n, p);
	if (!strcmp(out, "index.docker.io") || !strcmp(out, "registry-1.docker.io"))
		snprintf(out, len, "%s", HK_REGREF_DOCKER);
	return 0;
}
