// SPDX-License-Identifier: MIT
/* Pure parts of the image library: digests, archive path checks, whiteout names, image
 * config JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "hkarchive.h"
#include "image.h"
#include "oci.h"
#include "tap.h"

static void test_digest(void)
{
	char d[HK_DIGEST_MAX];
	hk_digest_buf("", 0, d);
	TAP_EQ_STR(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		   "sha256 of nothing");
	hk_digest_buf("abc", 3, d);
	TAP_EQ_STR(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		   "sha256 of abc");
	struct hk_sha256 h;
	char d2[HK_DIGEST_MAX];
	hk_sha256_init(&h);
	hk_sha256_update(&h, "a", 1);
	hk_sha256_update(&h, "bc", 2);
	hk_sha256_final(&h, d2);
	TAP_EQ_STR(d2, d, "streamed sha256 equals one-shot");
	TAP_EQ_STR(hk_digest_hex(d),
		   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "hex part");
	struct hk_err err = { 0 };
	TAP_EQ_INT(hk_digest_check(d, &err), 0, "valid digest accepted");
	const char *bad[] = {
		"sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
		"sha256:ba7816bf",
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
		"sha256:../../../../etc/passwd0000000000000000000000000000000000000000000",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		TAP_EQ_INT(hk_digest_check(bad[i], &err), -EINVAL, "bad digest refused");
		TAP_OK(strstr(err.msg, "digest") != NULL, "message names the digest: %s", err.msg);
	}
	TAP_OK(hk_digest_eq(d, d2) && !hk_digest_eq(d, NULL), "digest_eq");
}

static void clean_ok(const char *in, const char *want)
{
	char out[4096];
	struct hk_err err = { 0 };
	int r = hk_archive_path_clean(in, out, sizeof(out), &err);
	TAP_OK(r == 0 && !strcmp(out, want), "clean '%s' -> '%s'", in, want);
	if (r || strcmp(out, want))
		printf("#   got r=%d '%s' (%s)\n", r, r ? "" : out, err.msg);
}

static void clean_bad(const char *in, const char *why)
{
	char out[4096];
	struct hk_err err = { 0 };
	int r = hk_archive_path_clean(in, out, sizeof(out), &err);
	TAP_OK(r == -EINVAL && strstr(err.msg, why), "refuse '%.40s' (%s)", in, why);
	if (r != -EINVAL || !strstr(err.msg, why))
		printf("#   got r=%d msg '%s'\n", r, err.msg);
}

static void test_paths(void)
{
	clean_ok("a/b/c", "a/b/c");
	clean_ok("./a/b/", "a/b");
	clean_ok("a//b/./c", "a/b/c");
	clean_ok("./", "");
	clean_ok(".", "");
	clean_ok("a/..b/c..", "a/..b/c..");
	clean_ok("...", "...");
	clean_bad("/etc/passwd", "absolute");
	clean_bad("../x", "'..'");
	clean_bad("a/../../x", "'..'");
	clean_bad("a/..", "'..'");
	clean_bad("", "empty");
	char longc[300];
	memset(longc, 'x', sizeof(longc) - 1);
	longc[sizeof(longc) - 1] = '\0';
	clean_bad(longc, "longer than");
	char small[8];
	struct hk_err err = { 0 };
	TAP_EQ_INT(hk_archive_path_clean("abcdefghijk", small, sizeof(small), &err), -EINVAL,
		   "result longer than the buffer refused");
}

static void test_whiteouts(void)
{
	const char *t = NULL;
	TAP_EQ_INT(hk_whiteout_parse("file", &t), HK_WH_NONE, "plain name");
	TAP_EQ_INT(hk_whiteout_parse(".whx", &t), HK_WH_NONE, "'.whx' is plain");
	TAP_EQ_INT(hk_whiteout_parse(".wh.passwd", &t), HK_WH_FILE, ".wh.passwd is a whiteout");
	TAP_EQ_STR(t, "passwd", "whiteout target");
	TAP_EQ_INT(hk_whiteout_parse(".wh..hidden", &t), HK_WH_FILE,
		   ".wh..hidden whites out .hidden");
	TAP_EQ_STR(t, ".hidden", "dot-file target");
	TAP_EQ_INT(hk_whiteout_parse(".wh..wh..opq", &t), HK_WH_OPAQUE, "opaque marker");
	TAP_EQ_INT(hk_whiteout_parse(".wh..wh.plnk", &t), HK_WH_META, "aufs metadata");
	TAP_EQ_INT(hk_whiteout_parse(".wh.", &t), HK_WH_INVALID, "empty target");
	TAP_EQ_INT(hk_whiteout_parse(".wh..", &t), HK_WH_INVALID, "'.' target");
	TAP_EQ_INT(hk_whiteout_parse(".wh...", &t), HK_WH_INVALID, "'..' target");
}

static void test_config(void)
{
	const char *doc =
		"{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/bin\","
		"\"A=b c\"],\"Cmd\":[\"sh\",\"-c\",\"echo hi\"],\"Entrypoint\":null,"
		"\"WorkingDir\":\"/srv\",\"User\":\"1000:1000\",\"ExposedPorts\":{\"80/tcp\":{},"
		"\"53/udp\":{}}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"]}}";
	struct hk_image_config c;
	struct hk_err err = { 0 };
	int r = hk_image_config_parse(doc, strlen(doc), &c, &err);
	TAP_EQ_INT(r, 0, "config parses");
	if (r)
		return;
	TAP_EQ_STR(c.env[1], "A=b c", "Env");
	TAP_EQ_STR(c.cmd[2], "echo hi", "Cmd");
	TAP_OK(c.entrypoint == NULL, "null Entrypoint");
	TAP_EQ_STR(c.workdir, "/srv", "WorkingDir");
	TAP_EQ_STR(c.user, "1000:1000", "User");
	TAP_EQ_STR(c.exposed_ports[0], "80/tcp", "ExposedPorts");
	TAP_EQ_INT(c.ndiff_ids, 1, "diff_ids");
	char *j = hk_image_config_json(&c);
	struct hk_image_config c2;
	TAP_EQ_INT(hk_image_config_parse(j, strlen(j), &c2, &err), 0, "own JSON parses back");
	TAP_EQ_STR(c2.cmd[0], "sh", "round trip Cmd");
	TAP_EQ_STR(c2.exposed_ports[1], "53/udp", "round trip ports");
	TAP_EQ_STR(c2.diff_ids[0], c.diff_ids[0], "round trip diff_ids");
	free(j);
	hk_image_config_free(&c);
	hk_image_config_free(&c2);

	const char *badtype = "{\"config\":{\"Cmd\":\"sh\"}}";
	TAP_EQ_INT(hk_image_config_parse(badtype, strlen(badtype), &c, &err), -EBADMSG,
		   "string Cmd refused");
	TAP_OK(strstr(err.msg, "config.Cmd") != NULL, "message names the field: %s", err.msg);
	const char *badid = "{\"rootfs\":{\"diff_ids\":[\"md5:x\"]}}";
	TAP_EQ_INT(hk_image_config_parse(badid, strlen(badid), &c, &err), -EBADMSG,
		   "bad diff_id refused");
	TAP_EQ_INT(hk_image_config_parse("[1]", 3, &c, &err), -EBADMSG, "non-object refused");
	TAP_EQ_INT(hk_image_config_parse("{\"a\":", 5, &c, &err), -EBADMSG, "truncated refused");
}

static void test_userdb(void)
{
	const char *pw = "root:x:0:0:root:/root:/bin/sh\n# app:x:9:9\n+nis\n"
			 "app:x:1234:2345:App:/home/app:/bin/sh\nbad:x:notnum:1::/:\nshort:x\n"
			 "last:x:77:88::/:/bin/false";
	unsigned long id = 0, gid = 0;
	TAP_EQ_INT(hk_user_db_find(pw, "app", false, &id, &gid), 0, "user name found");
	TAP_OK(id == 1234 && gid == 2345, "uid and gid of a name");
	TAP_EQ_INT(hk_user_db_find(pw, "1234", true, &id, &gid), 0, "uid found");
	TAP_OK(id == 1234 && gid == 2345, "gid of a uid");
	TAP_EQ_INT(hk_user_db_find(pw, "last", false, &id, &gid), 0, "last line without newline");
	TAP_OK(id == 77 && gid == 88, "its ids");
	TAP_EQ_INT(hk_user_db_find(pw, "bad", false, &id, &gid), -ENOENT, "non-numeric id skipped");
	TAP_EQ_INT(hk_user_db_find(pw, "short", false, &id, &gid), -ENOENT, "short line skipped");
	TAP_EQ_INT(hk_user_db_find(pw, "ap", false, &id, &gid), -ENOENT, "no prefix match");
	TAP_EQ_INT(hk_user_db_find(pw, "9", true, &id, &gid), -ENOENT, "comments skipped");
	const char *gr = "root:x:0:\nstaff:x:3456:app,other\n";
	TAP_EQ_INT(hk_user_db_find(gr, "staff", false, &id, NULL), 0, "group name found");
	TAP_OK(id == 3456, "its gid");
	TAP_EQ_INT(hk_user_db_find("", "root", false, &id, NULL), -ENOENT, "empty file");
}

/* Docker's reference grammar (distribution/reference): what hk_image_ref_normalize takes. */
static void test_ref(void)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "busybox", "busybox:latest" },
		{ "busybox:1.36", "busybox:1.36" },
		{ "library/busybox:Latest_1", "library/busybox:Latest_1" },
		{ "a", "a:latest" },
		{ "0", "0:latest" },
		{ "a.b_c__d---e:_x", "a.b_c__d---e:_x" },
		{ "x/a.b_c__d---e/f", "x/a.b_c__d---e/f:latest" },
		{ "my-app/web.api/v2", "my-app/web.api/v2:latest" },
		{ "localhost/x", "localhost/x:latest" },
		{ "localhost:5000/team/app:1.0", "localhost:5000/team/app:1.0" },
		{ "Registry.Example.com/app", "Registry.Example.com/app:latest" },
		{ "reg-1.example.com:443/a/b/c:v1.2-rc.3",
		  "reg-1.example.com:443/a/b/c:v1.2-rc.3" },
		{ "[fd00::1]:5000/app:1", "[fd00::1]:5000/app:1" },
		{ "imp:1", "imp:1" },
		{ "demo:1.0", "demo:1.0" },
		{ "bo-123", "bo-123:latest" },
	};
	static const char *const bad[] = {
		"",
		"a/../../b:1",
		"a/../b",
		"../a",
		"a/./b",
		"./a",
		"a/..",
		"..",
		".",
		"A/b",
		"Busybox",
		"a/B",
		"a//b",
		"/a",
		"a/",
		"-a",
		"a-",
		"_a",
		"a_",
		"a.",
		".a",
		"a..b",
		"a___b",
		"a._b",
		"a-.b",
		"a.b_c/d", /* a first component with a dot is a host: no underscore */
		"a:",
		"a:.x",
		"a:-x",
		"a:x/y",
		"a:x y",
		"a b",
		"a\x1b[2J",
		"a:1\x07",
		"caf\xc3\xa9",
		"a@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"localhost:/a",
		"localhost:x/a",
		"-host.com/a",
		"host-.com/a",
		"host..com/a",
		"[]/a",
		"[fd00::1/a",
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	};
	char out[HK_IMAGE_REF_MAX];
	struct hk_err err = { 0 };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int r = hk_image_ref_normalize(good[i].in, out, sizeof(out), &err);
		TAP_OK(r == 0, "valid '%s'", good[i].in);
		if (r == 0)
			TAP_EQ_STR(out, good[i].out, "normalised");
		else
			printf("#   %s\n", err.msg);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = hk_image_ref_normalize(bad[i], out, sizeof(out), &err);
		TAP_OK(r == -EINVAL && err.cls == HK_ERR_USAGE, "invalid: '%s' (%s)", bad[i],
		       r ? err.msg : out);
		/* the message shows the name without its control bytes */
		TAP_OK(r == 0 || (!strchr(err.msg, '\x1b') && !strchr(err.msg, '\x07')),
		       "message has no control byte");
	}
	/* lengths: a name of 255 characters, a tag of 128; NAME:TAG fits HK_IMAGE_REF_MAX */
	char name[300], ref[600];
	memset(name, 'a', 255);
	name[255] = 0;
	TAP_EQ_INT(hk_image_ref_normalize(name, out, sizeof(out), &err), -EINVAL,
		   "255-character name: NAME:latest too long for the store");
	TAP_OK(strstr(err.msg, "too long") != NULL, "says so: %s", err.msg);
	name[200] = 0;
	TAP_EQ_INT(hk_image_ref_normalize(name, out, sizeof(out), &err), 0, "200-character name");
	memset(name, 'a', 256);
	name[256] = 0;
	TAP_EQ_INT(hk_image_ref_normalize(name, out, sizeof(out), &err), -EINVAL,
		   "256-character name");
	TAP_OK(strstr(err.msg, "255") != NULL, "says so: %s", err.msg);
	memset(ref, 'x', sizeof(ref));
	memcpy(ref, "a:", 2);
	ref[2 + 128] = 0;
	TAP_EQ_INT(hk_image_ref_normalize(ref, out, sizeof(out), &err), 0, "128-character tag");
	ref[2 + 129] = 0;
	ref[2 + 128] = 'x';
	TAP_EQ_INT(hk_image_ref_normalize(ref, out, sizeof(out), &err), -EINVAL,
		   "129-character tag");
}

int main(void)
{
	test_digest();
	test_ref();
	test_userdb();
	test_paths();
	test_whiteouts();
	test_config();
	return tap_done();
}
