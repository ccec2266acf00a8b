// SPDX-License-Identifier: MIT
/* Registry references (Docker/podman normalisation), challenges, credentials and manifests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "manifest.h"
#include "regauth.h"
#include "regconf.h"
#include "regref.h"
#include "tap.h"

#define D64 "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_parse(void)
{
	static const struct {
		const char *in, *full, *local, *api;
	} good[] = {
		{ "busybox", "docker.io/library/busybox:latest", "busybox:latest",
		  "registry-1.docker.io" },
		{ "busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36",
		  "registry-1.docker.io" },
		{ "user/app:1.0", "docker.io/user/app:1.0", "user/app:1.0",
		  "registry-1.docker.io" },
		{ "docker.io/library/busybox:latest", "docker.io/library/busybox:latest",
		  "busybox:latest", "registry-1.docker.io" },
		{ "index.docker.io/library/busybox", "docker.io/library/busybox:latest",
		  "busybox:latest", "registry-1.docker.io" },
		{ "127.0.0.1:5000/ns/name:tag", "127.0.0.1:5000/ns/name:tag",
		  "127.0.0.1:5000/ns/name:tag", "127.0.0.1:5000" },
		{ "localhost/x", "localhost/x:latest", "localhost/x:latest", "localhost" },
		{ "quay.io/a/b/c", "quay.io/a/b/c:latest", "quay.io/a/b/c:latest", "quay.io" },
		{ "registry:5000/ns/name", "registry:5000/ns/name:latest",
		  "registry:5000/ns/name:latest", "registry:5000" },
		{ "name@" D64, "docker.io/library/name@" D64, "", "registry-1.docker.io" },
		{ "h.io/n:t@" D64, "h.io/n:t@" D64, "h.io/n:t", "h.io" },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct hk_regref r;
		struct hk_err err = { 0 };
		char full[700], local[300];
		int rc = hk_regref_parse(good[i].in, &r, &err);
		TAP_OK(rc == 0, "parse '%s'", good[i].in);
		if (rc) {
			printf("#   %s\n", err.msg);
			continue;
		}
		hk_regref_full(&r, full, sizeof(full));
		TAP_EQ_STR(full, good[i].full, "full form");
		TAP_OK(hk_regref_local(&r, local, sizeof(local)), "local name fits");
		TAP_EQ_STR(local, good[i].local, "local name");
		TAP_EQ_STR(hk_regref_api_host(&r), good[i].api, "API host");
	}
	static const char *const bad[] = {
		"",
		"Busybox",
		"a//b",
		"a:",
		":tag",
		"name@sha256:abc",
		"name@md5:0123456789abcdef0123456789abcdef",
		"-a/b",
		"a/b:-x",
		"host:port/x",
		"name@",
		"a b",
		"x@" D64 "@" D64,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hk_regref r;
		struct hk_err err = { 0 };
		int rc = hk_regref_parse(bad[i], &r, &err);
		TAP_OK(rc == -EINVAL && err.cls == HK_ERR_USAGE, "refused: '%s' (%s)", bad[i],
		       rc ? err.msg : "accepted");
		TAP_OK(!strchr(err.msg, '\n'), "one line");
	}
	char out[256];
	struct hk_err err;
	TAP_EQ_INT(hk_regref_registry("https://127.0.0.1:5000/v2/", out, sizeof(out), &err), 0,
		   "registry from a URL");
	TAP_EQ_STR(out, "127.0.0.1:5000", "host:port");
	TAP_EQ_INT(hk_regref_registry("https://index.docker.io/v1/", out, sizeof(out), &err), 0,
		   "Docker Hub's URL key");
	TAP_EQ_STR(out, "docker.io", "is docker.io");
	TAP_EQ_INT(hk_regref_registry("a b", out, sizeof(out), &err), -EINVAL, "bad registry");
}

static void test_challenge(void)
{
	struct hk_challenge c;
	TAP_EQ_INT(hk_regauth_challenge("Bearer realm=\"https://auth.docker.io/token\","
					"service=\"registry.docker.io\",scope=\"repository:"
					"library/busybox:pull\"",
					&c),
		   0, "bearer challenge");
	TAP_EQ_STR(c.scheme, "bearer", "scheme");
	TAP_EQ_STR(c.realm, "https://auth.docker.io/token", "realm");
	TAP_EQ_STR(c.service, "registry.docker.io", "service");
	TAP_EQ_STR(c.scope, "repository:library/busybox:pull", "scope");
	TAP_EQ_INT(hk_regauth_challenge("Basic realm=\"Registry Realm\"", &c), 0, "basic");
	TAP_EQ_STR(c.scheme, "basic", "scheme basic");
	TAP_EQ_STR(c.realm, "Registry Realm", "quoted realm with a space");
	TAP_EQ_INT(hk_regauth_challenge("Bearer service=x", &c), -EINVAL, "bearer without realm");
	TAP_EQ_INT(hk_regauth_challenge("Negotiate abc", &c), -EINVAL, "unknown scheme");
	struct hk_creds cr;
	struct hk_err err;
	TAP_EQ_INT(hk_regauth_creds_parse("u:p:w", &cr, &err), 0, "USER:PASS");
	TAP_EQ_STR(cr.user, "u", "user");
	TAP_EQ_STR(cr.pass, "p:w", "password keeps its ':'");
	TAP_EQ_INT(hk_regauth_creds_parse("nopass", &cr, &err), -EINVAL, "no ':'");
	char b[200];
	hk_regauth_basic(&(struct hk_creds){ "Aladdin", "open sesame" }, b, sizeof(b));
	TAP_EQ_STR(b, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "RFC 7617's example");
}

static void test_manifest(void)
{
	const char *idx =
		"{\"schemaVersion\":2,\"mediaType\":\"" HK_MT_OCI_INDEX "\",\"manifests\":["
		"{\"mediaType\":\"" HK_MT_OCI_MANIFEST "\",\"digest\":\"" D64
		"\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\","
		"\"variant\":\"v7\"}},"
		"{\"mediaType\":\"" HK_MT_OCI_MANIFEST "\",\"digest\":\"" D64
		"\",\"size\":11,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
		"{\"mediaType\":\"" HK_MT_OCI_MANIFEST "\",\"digest\":\"" D64
		"\",\"size\":12,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\","
		"\"variant\":\"v8\"}}]}";
	struct hk_manifest m;
	struct hk_err err;
	size_t i = 99;
	TAP_EQ_INT(hk_manifest_parse(idx, strlen(idx), NULL, &m, &err), 0, "index parses");
	TAP_OK(m.index && m.ndescs == 3, "an index of 3");
	TAP_EQ_INT(hk_manifest_pick(&m, "linux", "amd64", "", &i, &err), 0, "linux/amd64");
	TAP_EQ_INT(i, 1, "the amd64 entry");
	TAP_EQ_INT(hk_manifest_pick(&m, "linux", "arm64", "v8", &i, &err), 0, "linux/arm64/v8");
	TAP_EQ_INT(i, 2, "the arm64 entry");
	TAP_EQ_INT(hk_manifest_pick(&m, "linux", "arm", "v6", &i, &err), -ENOENT, "arm/v6: none");
	TAP_OK(strstr(err.msg, "linux/arm/v7") != NULL, "says what it has: %s", err.msg);
	TAP_EQ_INT(hk_manifest_pick(&m, "linux", "s390x", "", &i, &err), -ENOENT, "s390x: none");
	hk_manifest_free(&m);
	const char *man = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" D64
			  "\",\"size\":5},\"layers\":[{\"mediaType\":\"y\",\"digest\":\"" D64
			  "\",\"size\":7}]}";
	TAP_EQ_INT(hk_manifest_parse(man, strlen(man), HK_MT_DOCKER_MANIFEST, &m, &err), 0,
		   "Docker manifest by Content-Type");
	TAP_OK(!m.index && m.ndescs == 1 && m.descs[0].size == 7 && m.config.size == 5,
	       "config and one layer");
	TAP_EQ_STR(m.media_type, HK_MT_DOCKER_MANIFEST, "media type from Content-Type");
	hk_manifest_free(&m);
	const char *s1 = "{\"schemaVersion\":1,\"fsLayers\":[]}";
	TAP_EQ_INT(hk_manifest_parse(s1, strlen(s1), NULL, &m, &err), -EOPNOTSUPP,
		   "schema 1 refused");
	const char *bad = "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:xyz\",\"size\":1},"
			  "\"layers\":[]}";
	TAP_EQ_INT(hk_manifest_parse(bad, strlen(bad), NULL, &m, &err), -EBADMSG, "bad digest");
}

static void conf_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_conf(void)
{
	char path[] = "/tmp/hako-regconf-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	setenv("HAKO_REGISTRIES_CONF", path, 1);
	conf_file(path, "{\"registry\": ["
			"{\"location\": \"docker.io\", \"mirror\": ["
			"{\"location\": \"m1.example:5000/hub\", \"insecure\": true},"
			"{\"location\": \"m2.example\"}]},"
			"{\"prefix\": \"docker.io/library/secret\", \"location\": \"docker.io\","
			"\"blocked\": true},"
			"{\"prefix\": \"quay.io/org\", \"location\": \"internal.example/quay\","
			"\"insecure\": true}]}");
	struct hk_regref r;
	struct hk_regconf_ep eps[HK_REGCONF_MAX_EP];
	size_t n = 0;
	struct hk_err err = { 0 };
	char full[700];
	hk_regref_parse("busybox:1", &r, &err);
	TAP_EQ_INT(hk_regconf_endpoints(&r, true, eps, &n, &err), 0, "docker.io: endpoints");
	TAP_EQ_INT(n, 3, "two mirrors, then the registry");
	hk_regref_full(&eps[0].ref, full, sizeof(full));
	TAP_EQ_STR(full, "m1.example:5000/hub/library/busybox:1", "mirror 1, under its path");
	TAP_OK(eps[0].insecure && eps[0].mirror, "mirror 1: insecure, a mirror");
	hk_regref_full(&eps[1].ref, full, sizeof(full));
	TAP_EQ_STR(full, "m2.example/library/busybox:1", "mirror 2");
	hk_regref_full(&eps[2].ref, full, sizeof(full));
	TAP_EQ_STR(full, "docker.io/library/busybox:1", "then docker.io");
	TAP_OK(!eps[2].insecure && !eps[2].mirror, "the registry: verified, not a mirror");
	TAP_EQ_INT(hk_regconf_endpoints(&r, false, eps, &n, &err), 0, "push: no mirrors");
	TAP_EQ_INT(n, 1, "the location only");
	hk_regref_parse("secret/x", &r, &err);
	TAP_EQ_INT(hk_regconf_endpoints(&r, true, eps, &n, &err), 0,
		   "docker.io/library/secret/x: not under the blocked prefix (boundary)");
	hk_regref_parse("secret", &r, &err);
	TAP_EQ_INT(hk_regconf_endpoints(&r, true, eps, &n, &err), -EACCES,
		   "docker.io/library/secret: blocked (the longest prefix)");
	hk_regref_parse("quay.io/org/app@" D64, &r, &err);
	TAP_EQ_INT(hk_regconf_endpoints(&r, true, eps, &n, &err), 0, "quay.io/org: rewritten");
	hk_regref_full(&eps[0].ref, full, sizeof(full));
	TAP_EQ_STR(full, "internal.example/quay/app@" D64, "prefix replaced, digest kept");
	TAP_OK(n == 1 && eps[0].insecure, "insecure");
	hk_regref_parse("quay.io/orgx/app", &r, &err);
	hk_regconf_endpoints(&r, true, eps, &n, &err);
	hk_regref_full(&eps[0].ref, full, sizeof(full));
	TAP_EQ_STR(full, "quay.io/orgx/app:latest", "quay.io/orgx: no entry, as it is");
	conf_file(path, "{\"registry\": [");
	TAP_EQ_INT(hk_regconf_endpoints(&r, true, eps, &n, &err), -EBADMSG, "malformed file");
	unlink(path);
	TAP_EQ_INT(hk_regconf_endpoints(&r, true, eps, &n, &err), 0, "no file: fine");
	TAP_EQ_INT(n, 1, "the reference itself");
	unsetenv("HAKO_REGISTRIES_CONF");
}

int main(void)
{
	test_parse();
	test_challenge();
	test_manifest();
	test_conf();
	return tap_done();
}
