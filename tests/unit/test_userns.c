// SPDX-License-Identifier: MIT
/* --uidmap/--gidmap parsing and validation, /etc/subuid parsing and lookup, the map texts.
 * Pure: no kernel state (the lookup reads temporary files). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "userns.h"

static struct hk_idmap map;

static int add(const char *s)
{
	struct hk_err err = { 0 };
	return hk_idmap_add(&map, s, "--uidmap", &err);
}

static int validate(const char *const *exts, size_t n, char *msg, size_t len)
{
	struct hk_err err = { 0 };
	memset(&map, 0, sizeof(map));
	for (size_t i = 0; i < n; i++)
		if (add(exts[i]) < 0)
			return -1;
	int r = hk_idmap_validate(&map, "--uidmap", &err);
	snprintf(msg, len, "%s", err.msg);
	TAP_OK(r >= 0 || err.cls == HK_ERR_USAGE, "  a usage error when refused");
	return r;
}

static void test_parse(void)
{
	struct hk_err err = { 0 };
	struct hk_idmap_ext e = { 0 };
	TAP_EQ_INT(hk_idmap_parse_ext("0:100000:65536", &e, &err), 0, "0:100000:65536 parses");
	TAP_EQ_INT(e.inside, 0, "  inside");
	TAP_EQ_INT(e.outside, 100000, "  outside");
	TAP_EQ_INT(e.count, 65536, "  count");
	TAP_EQ_INT(hk_idmap_parse_ext("4294967295:0:1", &e, &err), 0, "32-bit ids parse");
	const char *bad[] = { "",	"0",	  "0:1",    "0:1:",	      "0:1:2:3",
			      "a:1:2",	"-1:0:1", "0:+1:1", "0:1:4294967296", " 0:1:1",
			      "0:1:1 ", "0::1",	  "0:1:0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hk_err_clear(&err);
		int r = hk_idmap_parse_ext(bad[i], &e, &err);
		TAP_OK(r < 0 && err.cls == HK_ERR_USAGE, "'%s' refused (%s)", bad[i], err.msg);
	}
}

static void test_validate(void)
{
	char msg[600];
	const char *one[] = { "0:100000:65536" };
	int r = validate(one, 1, msg, sizeof(msg));
	TAP_EQ_INT(r, 0, "one extent is valid");
	const char *two[] = { "0:100000:1000", "1000:200000:1000" };
	r = validate(two, 2, msg, sizeof(msg));
	TAP_EQ_INT(r, 0, "two disjoint extents are valid");
	const char *touch[] = { "0:100000:10", "10:100010:10" };
	r = validate(touch, 2, msg, sizeof(msg));
	TAP_EQ_INT(r, 0, "adjacent extents are valid");
	const char *in[] = { "0:100000:100", "50:300000:100" };
	r = validate(in, 2, msg, sizeof(msg));
	TAP_OK(r < 0 && strstr(msg, "container ids"), "overlapping container ids refused: %s", msg);
	const char *out[] = { "0:100000:100", "200:100050:10" };
	r = validate(out, 2, msg, sizeof(msg));
	TAP_OK(r < 0 && strstr(msg, "host ids"), "overlapping host ids refused: %s", msg);
	const char *range[] = { "0:4294967290:100" };
	r = validate(range, 1, msg, sizeof(msg));
	TAP_OK(r < 0 && strstr(msg, "beyond"), "ids past 4294967294 refused: %s", msg);
	const char *last[] = { "0:4294967294:1" };
	r = validate(last, 1, msg, sizeof(msg));
	TAP_EQ_INT(r, 0, "4294967294 is the last id");
	const char *noroot[] = { "1:100000:100" };
	r = validate(noroot, 1, msg, sizeof(msg));
	TAP_OK(r < 0 && strstr(msg, "id 0 is not mapped"), "container 0 unmapped refused: %s", msg);
	memset(&map, 0, sizeof(map));
	struct hk_err err = { 0 };
	TAP_OK(hk_idmap_validate(&map, "--uidmap", &err) < 0, "an empty map refused");
	char s[32];
	r = 0;
	for (unsigned i = 0; i < HK_USERNS_MAP_MAX && r == 0; i++) {
		snprintf(s, sizeof(s), "%u:%u:1", i, 100000 + i);
		r = add(s);
	}
	TAP_EQ_INT(r, 0, "340 extents accepted");
	TAP_EQ_INT(hk_idmap_validate(&map, "--uidmap", &err), 0, "  and valid");
	r = add("340:100340:1");
	TAP_OK(r < 0, "the 341st extent refused");
}

static void test_text(void)
{
	memset(&map, 0, sizeof(map));
	add("0:100000:1000");
	add("1000:300000:5");
	char buf[256];
	hk_idmap_format(&map, buf, sizeof(buf));
	TAP_EQ_STR(buf, "0:100000:1000,1000:300000:5", "format");
	hk_idmap_kernel_text(&map, buf, sizeof(buf));
	TAP_EQ_STR(buf, "0 100000 1000\n1000 300000 5\n", "uid_map text");
	TAP_EQ_INT(hk_idmap_to_host(&map, 0), 100000, "to_host 0");
	TAP_EQ_INT(hk_idmap_to_host(&map, 999), 100999, "to_host 999");
	TAP_EQ_INT(hk_idmap_to_host(&map, 1004), 300004, "to_host 1004");
	TAP_EQ_INT(hk_idmap_to_host(&map, 1005), -1, "to_host unmapped");
}

static void test_subid_line(void)
{
	uint32_t s = 0, c = 0;
	TAP_EQ_INT(hk_subid_parse_line("root:100000:65536\n", "root", &s, &c), 1, "root's line");
	TAP_EQ_INT(s, 100000, "  start");
	TAP_EQ_INT(c, 65536, "  count");
	TAP_EQ_INT(hk_subid_parse_line("alice:100000:65536", "root", &s, &c), 0, "another's");
	TAP_EQ_INT(hk_subid_parse_line("rootx:1:1", "root", &s, &c), 0, "a longer name");
	TAP_EQ_INT(hk_subid_parse_line("# root:1:1", "root", &s, &c), 0, "a comment");
	TAP_EQ_INT(hk_subid_parse_line("\n", "root", &s, &c), 0, "a blank line");
	const char *bad[] = { "root", "root:1",	    "root:x:1",		"root:1:0",
			      ":1:1", "root:1:1:1", "root:4294967295:2" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		TAP_OK(hk_subid_parse_line(bad[i], "root", &s, &c) < 0, "'%s' malformed", bad[i]);
}

static void test_subid_lookup(void)
{
	char path[] = "/tmp/hako-subid-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("# comment\nalice:200000:65536\nroot:100000:65536\nhako:300000:1000\n", f);
	fclose(f);
	struct hk_err err = { 0 };
	uint32_t s = 0, c = 0;
	const char *who = NULL;
	TAP_EQ_INT(hk_subid_lookup(path, "hako", "root", &s, &c, &who, &err), 0, "hako found");
	TAP_EQ_INT(s, 300000, "  hako's range, not root's (earlier in the file)");
	TAP_EQ_STR(who, "hako", "  who");
	TAP_EQ_INT(hk_subid_lookup(path, "bob", "root", &s, &c, &who, &err), 0, "fallback");
	TAP_EQ_INT(s, 100000, "  root's range");
	TAP_EQ_INT(hk_subid_lookup(path, "bob", "carol", &s, &c, &who, &err), -ENOENT, "none");
	TAP_EQ_INT(hk_subid_lookup("/nonexistent/subuid", "root", NULL, &s, &c, &who, &err),
		   -ENOENT, "no file: -ENOENT");
	struct hk_userns u;
	hk_userns_init(&u);
	TAP_EQ_INT(hk_userns_default(&u, path, path, &err), 0, "default maps");
	TAP_EQ_INT(u.uid.n, 1, "  one uid extent");
	TAP_EQ_INT(u.uid.ext[0].outside, 300000, "  from hako's range");
	TAP_EQ_INT(u.gid.ext[0].count, 1000, "  gid count");
	hk_userns_init(&u);
	hk_err_clear(&err);
	int r = hk_userns_default(&u, "/nonexistent/subuid", path, &err);
	TAP_OK(r < 0 && err.cls == HK_ERR_USAGE && strstr(err.msg, "root:100000:65536"),
	       "no entry: a usage error naming the line to add (%s)", err.msg);
	f = fopen(path, "w");
	fputs("root:1:1\nbroken\n", f);
	fclose(f);
	hk_err_clear(&err);
	r = hk_subid_lookup(path, "hako", "root", &s, &c, &who, &err);
	TAP_OK(r < 0 && strstr(err.msg, ":2:"), "a malformed line is reported (%s)", err.msg);
	unlink(path);
}

int main(void)
{
	test_parse();
	test_validate();
	test_text();
	test_subid_line();
	test_subid_lookup();
	return tap_done();
}
